//! Segment sizes as a bar chart.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;

use super::canvas_chart::{CanvasChart, ChartData, DataTable};
use super::chart_backend::AnyBackend;
use segscope_charts::segment_sizes;
use segscope_engine::format;

/// A horizontal bar chart of segment sizes.
#[component]
pub fn SegmentChart(
    /// (segment name, rows) in display order.
    bars: Vec<(String, u64)>,
    /// The canvas element's id.
    #[prop(default = "segment-chart")]
    id: &'static str,
) -> impl IntoView {
    let height = segment_sizes::height_for(bars.len());
    let label = format!(
        "Bar chart of segment sizes: {}",
        bars.iter().map(|(n, c)| format!("{n} {c}")).collect::<Vec<_>>().join(", ")
    );
    let total: u64 = bars.iter().map(|(_, c)| c).sum();
    let data = ChartData::Table(DataTable {
        caption: "Segment sizes".into(),
        headers: vec!["Segment".into(), "Customers".into(), "Share".into()],
        rows: bars
            .iter()
            .map(|(n, c)| vec![n.clone(), format::count(*c), format::share(*c as f64 / total.max(1) as f64)])
            .collect(),
    });
    let draw = Box::new(move |area: DrawingArea<AnyBackend<'_>, Shift>| {
        segment_sizes::draw(area, &bars).map_err(|e| format!("{e:?}"))
    });
    view! { <CanvasChart id=id.to_string() width=640 height=height label=label draw=draw data=data/> }
}
