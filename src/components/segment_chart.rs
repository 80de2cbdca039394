//! Segment sizes drawn on a canvas.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

use segscope_charts::segment_sizes;

/// A horizontal bar chart of segment sizes.
#[component]
pub fn SegmentChart(
    /// (segment name, rows) in display order.
    bars: Vec<(String, u64)>,
    /// The canvas element's id.
    #[prop(default = "segment-chart")]
    id: &'static str,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let height = segment_sizes::height_for(bars.len());
    let label = format!(
        "Bar chart of segment sizes: {}",
        bars.iter().map(|(n, c)| format!("{n} {c}")).collect::<Vec<_>>().join(", ")
    );
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if let Some(backend) = CanvasBackend::with_canvas_object(el) {
            if let Err(e) = segment_sizes::draw(backend.into_drawing_area(), &bars) {
                web_sys::console::warn_1(&format!("segment chart: {e:?}").into());
            }
        }
    });
    view! {
        <canvas id=id class="chart" node_ref=canvas width="640" height=height.to_string() role="img" aria-label=label></canvas>
    }
}
