//! Horizontal bars, one per segment, longest scale first-to-last in display order.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::numbers::grouped;

/// The segment colours, in order (colour-blind-safe Tableau 10).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(89, 161, 79),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
];

/// The palette's colour `i` (wrapping) as `#rrggbb`, for the page's own SVG and legends.
pub fn hex(i: usize) -> String {
    let c = PALETTE[i % PALETTE.len()];
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The colour of a bar that stands for everyone (all customers), beside the segments' colours.
pub const EVERYONE: RGBColor = RGBColor(110, 110, 110);

/// Pixel height that fits `bars` bars.
pub fn height_for(bars: usize) -> u32 {
    72 + 28 * bars.max(1) as u32
}

/// One horizontal bar: its name, its value, the label written at its end and its colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The name beside the bar (a segment's).
    pub name: String,
    /// Its length on the axis.
    pub value: f64,
    /// The value as people read it, written at the bar's end.
    pub label: String,
    /// Its colour.
    pub colour: RGBColor,
}

/// Draws `bars` (name, count) as horizontal bars with their counts, on an axis of customers.
///
/// # Errors
/// The backend's drawing error.
pub fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    bars: &[(String, u64)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let bars: Vec<Bar> = bars
        .iter()
        .enumerate()
        .map(|(i, (name, count))| Bar {
            name: name.clone(),
            value: *count as f64,
            label: grouped(&count.to_string()),
            colour: PALETTE[i % PALETTE.len()],
        })
        .collect();
    draw_bars(root, &bars, "Customers", &|x| grouped(&format!("{x:.0}")))
}

/// Draws `bars` as horizontal bars, first at the top, each labelled at its end, on an axis
/// captioned `axis` (what it measures, with the unit) whose ticks `tick` writes.
///
/// # Errors
/// The backend's drawing error.
pub fn draw_bars<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    bars: &[Bar],
    axis: &str,
    tick: &dyn Fn(f64) -> String,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let n = bars.len();
    if n == 0 {
        return root.present();
    }
    let finite = || bars.iter().map(|b| b.value).filter(|v| v.is_finite());
    let max = finite().fold(0.0f64, f64::max);
    let min = finite().fold(0.0f64, f64::min);
    let span = (max - min).max(f64::MIN_POSITIVE);
    // Room past the longest bar for its label.
    let (lo, hi) = (if min < 0.0 { min - span / 8.0 } else { 0.0 }, if max > 0.0 { max + span / 6.0 } else { 1.0 });
    let longest = bars.iter().map(|b| b.name.chars().count()).max().unwrap_or(4).min(28) as u32;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(16 + 7 * longest)
        .build_cartesian_2d(lo..hi, (0..n).into_segmented())?;
    let names: Vec<String> = bars.iter().rev().map(|b| shorten(&b.name, 28)).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc(axis)
        .x_labels(6)
        .x_label_formatter(&|x| tick(*x))
        .label_style(("sans-serif", 13))
        .draw()?;
    let shown = || bars.iter().enumerate().filter(|(_, b)| b.value.is_finite());
    chart.draw_series(shown().map(|(i, b)| {
        let row = n - 1 - i;
        let (a, z) = if b.value < 0.0 { (b.value, 0.0) } else { (0.0, b.value) };
        let mut bar =
            Rectangle::new([(a, SegmentValue::Exact(row)), (z, SegmentValue::Exact(row + 1))], b.colour.filled());
        bar.set_margin(4, 4, 0, 0);
        bar
    }))?;
    chart.draw_series(shown().map(|(i, b)| {
        let row = n - 1 - i;
        Text::new(
            format!(" {}", b.label),
            (b.value.max(0.0), SegmentValue::CenterOf(row)),
            ("sans-serif", 12).into_font().color(&BLACK),
        )
    }))?;
    root.present()
}

/// `s`, cut to `max` characters with an ellipsis when longer.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_is_captioned_and_every_bar_labelled_in_svg() {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (640, height_for(2))).into_drawing_area();
            let bars = [("Champions".to_string(), 12_345), ("Lost".to_string(), 20)];
            draw(root, &bars).unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(svg.contains("Customers"), "{svg}");
        assert!(svg.contains("Champions") && svg.contains(" 12,345") && svg.contains(" 20"), "{svg}");
    }

    #[test]
    fn negative_values_draw_left_of_zero() {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (640, height_for(2))).into_drawing_area();
            let bar =
                |name: &str, value: f64| Bar { name: name.into(), value, label: format!("{value}"), colour: EVERYONE };
            draw_bars(root, &[bar("Up", 40.0), bar("Down", -10.0)], "Revenue per customer (€)", &|x| {
                format!("{x:.0}")
            })
            .unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(svg.contains("Revenue per customer (€)") && svg.contains(" -10"), "{svg}");
    }
}
