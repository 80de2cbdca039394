//! A lines-and-points chart.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;

use super::canvas_chart::CanvasChart;
use super::chart_backend::AnyBackend;
use segscope_charts::xy::{draw, Series};

/// Series of (x, y) points with axis captions.
#[component]
pub fn XyChart(
    /// The series.
    series: Vec<Series>,
    /// X axis caption.
    x_label: &'static str,
    /// Y axis caption.
    y_label: &'static str,
    /// The canvas element's id.
    id: &'static str,
    /// What the chart shows, for screen readers (the series' names are added).
    description: String,
) -> impl IntoView {
    let description =
        format!("{description}: {}", series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "));
    let paint = Box::new(move |area: DrawingArea<AnyBackend<'_>, Shift>| {
        draw(area, &series, x_label, y_label).map_err(|e| format!("{e:?}"))
    });
    view! { <CanvasChart id=id.to_string() width=560 height=320 label=description draw=paint/> }
}
