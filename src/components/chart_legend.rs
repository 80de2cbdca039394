//! A chart's legend: each group's colour and shape beside its name, so groups are never told
//! apart by colour alone (issue #17).

use leptos::prelude::*;
use segscope_charts::markers::marker;
use segscope_charts::segment_sizes::hex;

/// The legend of groups `0..names.len()`, as the charts draw them (colour and shape by group).
#[component]
pub fn ChartLegend(
    /// The groups' names, in group order.
    names: Vec<String>,
) -> impl IntoView {
    view! {
        <ul class="chart-legend">
            {names.into_iter().enumerate().map(|(g, name)| {
                let shape = marker(g);
                let colour = hex(g);
                let fill = if shape.stroked() { "none".to_string() } else { colour.clone() };
                view! {
                    <li>
                        <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
                            <path d=shape.svg_path(5.0) fill=fill stroke=colour stroke-width="1.5"/>
                        </svg>
                        {name}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
