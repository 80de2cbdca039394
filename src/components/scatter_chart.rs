//! A scatter of points coloured by group, on a canvas.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

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
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if let Some(backend) = CanvasBackend::with_canvas_object(el) {
            if let Err(e) = draw(backend.into_drawing_area(), &points, &x_label, &y_label) {
                web_sys::console::warn_1(&format!("{id}: {e:?}").into());
            }
        }
    });
    view! { <canvas id=id class="chart" node_ref=canvas width="560" height="400" role="img" aria-label=description></canvas> }
}
