//! A lines-and-points chart on a canvas.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

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
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if let Some(backend) = CanvasBackend::with_canvas_object(el) {
            if let Err(e) = draw(backend.into_drawing_area(), &series, x_label, y_label) {
                web_sys::console::warn_1(&format!("{id}: {e:?}").into());
            }
        }
    });
    view! { <canvas id=id class="chart" node_ref=canvas width="560" height="320" role="img" aria-label=description></canvas> }
}
