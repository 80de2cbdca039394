//! Points on two numeric axes, by group (colour and shape): customers on their first two
//! principal components, by cluster.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::markers::marker;
use super::segment_sizes::PALETTE;

/// Draws `points` (x, y, group) with axis captions; group `g` takes the palette's colour `g` and
/// the shape [`marker`]`(g)`.
///
/// # Errors
/// The backend's drawing error.
pub fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    points: &[(f64, f64, u32)],
    x_label: &str,
    y_label: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let range = |f: fn(&(f64, f64, u32)) -> f64| {
        let (lo, hi) =
            points.iter().map(f).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if lo.is_finite() && hi > lo {
            let pad = (hi - lo) * 0.05;
            (lo - pad)..(hi + pad)
        } else {
            -1.0..1.0
        }
    };
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(range(|p| p.0), range(|p| p.1))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .label_style(("sans-serif", 12))
        .x_label_formatter(&|x| format!("{x:.1}"))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .draw()?;
    let groups = points.iter().map(|p| p.2).max().map_or(0, |g| g as usize + 1);
    for g in 0..groups {
        let color = PALETTE[g % PALETTE.len()];
        let mine = points.iter().filter(|p| p.2 as usize == g).map(|&(x, y, _)| (x, y));
        marker(g).draw(&mut chart, mine, 2, color.mix(0.8).filled())?;
    }
    root.present()
}
