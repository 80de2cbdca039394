//! A scatter of points coloured by group.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;

use super::canvas_chart::CanvasChart;
use super::chart_backend::AnyBackend;
use segscope_charts::scatter::draw;

/// Points (x, y, group) with axis captions.
#[component]
pub fn ScatterChart(
    /// (x, y, group from 0) per point.
    points: Vec<(f64, f64, u32)>,
    /// X axis caption.
    x_label: String,
    /// Y axis caption.
    y_label: String,
    /// The canvas element's id.
    id: &'static str,
    /// What the chart shows, for screen readers.
    description: String,
) -> impl IntoView {
    let paint = Box::new(move |area: DrawingArea<AnyBackend<'_>, Shift>| {
        draw(area, &points, &x_label, &y_label).map_err(|e| format!("{e:?}"))
    });
    view! { <CanvasChart id=id.to_string() width=560 height=400 label=description draw=paint/> }
}
