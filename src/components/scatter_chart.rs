//! A scatter of points by group (colour and shape), with its legend and each group's centre as a
//! table.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use segscope_engine::format;

use super::canvas_chart::{CanvasChart, ChartData, DataTable};
use super::chart_backend::AnyBackend;
use super::chart_legend::ChartLegend;
use segscope_charts::scatter::draw;

/// Points (x, y, group) with axis captions.
#[component]
pub fn ScatterChart(
    /// (x, y, group from 0) per point.
    points: Vec<(f64, f64, u32)>,
    /// The groups' names, in group order.
    groups: Vec<String>,
    /// X axis caption.
    x_label: String,
    /// Y axis caption.
    y_label: String,
    /// The canvas element's id.
    id: &'static str,
    /// What the chart shows, for screen readers.
    description: String,
) -> impl IntoView {
    // Thousands of points read as each group's count and centre.
    let rows = groups
        .iter()
        .enumerate()
        .map(|(g, name)| {
            let mine: Vec<(f64, f64)> = points.iter().filter(|p| p.2 as usize == g).map(|&(x, y, _)| (x, y)).collect();
            let n = mine.len().max(1) as f64;
            let (sx, sy) = mine.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
            vec![name.clone(), format::count(mine.len() as u64), format::number(sx / n), format::number(sy / n)]
        })
        .collect();
    let data = ChartData::Table(DataTable {
        caption: format!("Each group's points and centre: {description}"),
        headers: vec!["Group".into(), "Points".into(), format!("Mean {x_label}"), format!("Mean {y_label}")],
        rows,
    });
    let paint = Box::new(move |area: DrawingArea<AnyBackend<'_>, Shift>| {
        draw(area, &points, &x_label, &y_label).map_err(|e| format!("{e:?}"))
    });
    view! {
        <ChartLegend names=groups/>
        <CanvasChart id=id.to_string() width=560 height=400 label=description draw=paint data=data/>
    }
}
