//! A lines-and-points chart, with its legend and its numbers as a table.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use segscope_engine::format;

use super::canvas_chart::{CanvasChart, ChartData, DataTable};
use super::chart_backend::AnyBackend;
use super::chart_legend::ChartLegend;
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
    let names: Vec<String> = series.iter().map(|s| s.name.clone()).collect();
    let description = format!("{description}: {}", names.join(", "));
    let data = ChartData::Table(DataTable {
        caption: description.clone(),
        headers: vec!["Series".into(), x_label.to_string(), if y_label.is_empty() { "value" } else { y_label }.into()],
        rows: series
            .iter()
            .flat_map(|s| s.points.iter().map(|&(x, y)| vec![s.name.clone(), format::number(x), format::number(y)]))
            .collect(),
    });
    let paint = Box::new(move |area: DrawingArea<AnyBackend<'_>, Shift>| {
        draw(area, &series, x_label, y_label).map_err(|e| format!("{e:?}"))
    });
    view! {
        <ChartLegend names=names/>
        <CanvasChart id=id.to_string() width=560 height=320 label=description draw=paint data=data/>
    }
}
