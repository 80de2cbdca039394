//! The index chart: one bar per trait from 100 (the same as everyone) to its index (segment
//! share or mean ÷ everyone's × 100), right for over-indexing, left for under-indexing, with the
//! index written at the bar's end.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::segment_sizes::{shorten, PALETTE};

/// Pixel height that fits `bars` bars.
pub fn height_for(bars: usize) -> u32 {
    60 + 26 * bars.max(1) as u32
}

/// The axis: from 0 to at least 200, past the largest index.
fn axis_end(traits: &[(String, f64)]) -> f64 {
    let max = traits.iter().map(|t| t.1).filter(|v| v.is_finite()).fold(200.0f64, f64::max);
    (max * 1.1 / 50.0).ceil() * 50.0
}

/// Draws `traits` (label, index) as bars from 100 on a common axis; `baseline` names what 100
/// stands for ("all customers", another segment).
///
/// # Errors
/// The backend's drawing error.
pub fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    traits: &[(String, f64)],
    baseline: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let n = traits.len();
    if n == 0 {
        return root.present();
    }
    let end = axis_end(traits);
    let longest = traits.iter().map(|t| t.0.chars().count()).max().unwrap_or(4).min(36) as u32;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(16 + 7 * longest)
        .build_cartesian_2d(0.0..end, (0..n).into_segmented())?;
    let x_desc = format!("Index (100 = {baseline})");
    let labels: Vec<String> = traits.iter().rev().map(|t| shorten(&t.0, 36)).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc(x_desc)
        .x_labels(8)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style(("sans-serif", 13))
        .draw()?;
    let over = PALETTE[0];
    let under = PALETTE[1];
    chart.draw_series(traits.iter().enumerate().filter(|(_, t)| t.1.is_finite()).map(|(i, (_, index))| {
        let row = n - 1 - i;
        let (lo, hi) = if *index >= 100.0 { (100.0, *index) } else { (*index, 100.0) };
        let colour = if *index >= 100.0 { over } else { under };
        let mut bar =
            Rectangle::new([(lo, SegmentValue::Exact(row)), (hi, SegmentValue::Exact(row + 1))], colour.filled());
        bar.set_margin(4, 4, 0, 0);
        bar
    }))?;
    chart.draw_series(traits.iter().enumerate().filter(|(_, t)| t.1.is_finite()).map(|(i, (_, index))| {
        let row = n - 1 - i;
        Text::new(
            format!(" {index:.0}"),
            (index.max(100.0), SegmentValue::CenterOf(row)),
            ("sans-serif", 12).into_font().color(&BLACK),
        )
    }))?;
    // The line of "the same as everyone".
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(100.0, SegmentValue::Exact(0)), (100.0, SegmentValue::Exact(n))],
        BLACK.stroke_width(1),
    )))?;
    root.present()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_reaches_past_the_largest_index_and_at_least_200() {
        assert_eq!(axis_end(&[("a".into(), 80.0)]), 250.0);
        assert_eq!(axis_end(&[("a".into(), 412.0)]), 500.0);
    }

    #[test]
    fn every_trait_is_labelled_with_its_index_in_svg() {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (700, height_for(2))).into_drawing_area();
            draw(root, &[("urbanicity = urban".into(), 148.2), ("age 65+".into(), 41.0)], "all customers")
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(svg.contains("urbanicity = urban") && svg.contains(" 148") && svg.contains(" 41"), "{svg}");
        assert!(svg.contains("Index (100 = all customers)"));
    }
}
