//! A chart drawn on a canvas by one of `segscope_charts`' drawing functions.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea};
use plotters_canvas::CanvasBackend;

/// Paints a chart on a canvas's drawing area, or says why it could not.
pub type Draw = Box<dyn Fn(DrawingArea<CanvasBackend, Shift>) -> Result<(), String>>;

/// A canvas of `width` × `height` pixels that `draw` paints once mounted; `label` describes it
/// for screen readers (the numbers are also in a table beside every chart).
#[component]
pub fn CanvasChart(
    /// The canvas element's id.
    id: String,
    /// Width in pixels.
    width: u32,
    /// Height in pixels.
    height: u32,
    /// What the chart shows, in words.
    label: String,
    /// Paints the chart.
    draw: Draw,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let name = id.clone();
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if let Some(backend) = CanvasBackend::with_canvas_object(el) {
            if let Err(e) = draw(backend.into_drawing_area()) {
                web_sys::console::warn_1(&format!("{name}: {e}").into());
            }
        }
    });
    view! {
        <canvas id=id class="chart" node_ref=canvas width=width.to_string() height=height.to_string() role="img" aria-label=label></canvas>
    }
}
