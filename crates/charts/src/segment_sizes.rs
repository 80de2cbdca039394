//! Horizontal bars, one per segment, longest scale first-to-last in display order.

use plotters::coord::Shift;
use plotters::prelude::*;

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

/// Pixel height that fits `bars` bars.
pub fn height_for(bars: usize) -> u32 {
    60 + 28 * bars.max(1) as u32
}

/// Draws `bars` (name, count) as horizontal bars with their counts.
///
/// # Errors
/// The backend's drawing error.
pub fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    bars: &[(String, u64)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let n = bars.len();
    if n == 0 {
        return root.present();
    }
    let max = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    let longest = bars.iter().map(|b| b.0.chars().count()).max().unwrap_or(4).min(28) as u32;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(16 + 7 * longest)
        .build_cartesian_2d(0u64..max + max / 8 + 1, (0..n).into_segmented())?;
    let names: Vec<String> = bars.iter().rev().map(|b| shorten(&b.0, 28)).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .x_labels(6)
        .x_label_formatter(&|x| format!("{x}"))
        .label_style(("sans-serif", 13))
        .draw()?;
    chart.draw_series(bars.iter().enumerate().map(|(i, (_, count))| {
        let row = n - 1 - i;
        let color = PALETTE[i % PALETTE.len()];
        let mut bar =
            Rectangle::new([(0, SegmentValue::Exact(row)), (*count, SegmentValue::Exact(row + 1))], color.filled());
        bar.set_margin(4, 4, 0, 0);
        bar
    }))?;
    chart.draw_series(bars.iter().enumerate().map(|(i, (_, count))| {
        let row = n - 1 - i;
        Text::new(
            format!(" {count}"),
            (*count, SegmentValue::CenterOf(row)),
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
