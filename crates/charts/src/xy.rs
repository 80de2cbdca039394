//! Lines and points on numeric axes: the calibration plot and P(alive) against recency.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::markers::marker;
use super::segment_sizes::PALETTE;

/// One series: its name, its points, and whether to join them with a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name (for the chart's description).
    pub name: String,
    /// (x, y) points.
    pub points: Vec<(f64, f64)>,
    /// Join the points.
    pub line: bool,
}

/// The colour names of the first series, in order, for captions ("blue: actual, orange: predicted").
pub const COLOUR_NAMES: [&str; 3] = ["blue", "orange", "red"];

/// Draws the series with axis captions.
///
/// # Errors
/// The backend's drawing error.
pub fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    series: &[Series],
    x_label: &str,
    y_label: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let all = series.iter().flat_map(|s| s.points.iter());
    let (mut x_max, mut y_max) = (1e-9f64, 1e-9f64);
    for &(x, y) in all {
        x_max = x_max.max(x);
        y_max = y_max.max(y);
    }
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(0.0..x_max * 1.05, 0.0..y_max * 1.1)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .label_style(("sans-serif", 12))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.2}"))
        .draw()?;
    for (i, s) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        if s.line {
            chart.draw_series(LineSeries::new(s.points.iter().copied(), color.stroke_width(2)))?;
        }
        let size = if s.line { 4 } else { 2 };
        marker(i).draw(&mut chart, s.points.iter().copied(), size, color.mix(0.8).filled())?;
    }
    // No plotters legend: in the browser its text measuring adds an inline-styled element, which
    // the page's Content-Security-Policy forbids. Callers show a legend of each series' colour and
    // shape beside the chart.
    root.present()
}
