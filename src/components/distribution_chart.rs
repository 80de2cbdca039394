//! One feature's distribution by group, drawn as SVG elements: a box per group for a number, a bar
//! of the levels' shares per group for a category, with a select to choose the feature.

use leptos::prelude::*;
use segscope_charts::distribution::{
    colour, height, level_ink, plot_left, short, Axis, BoxRow, Distribution, ShareRow, CHAR, LEVEL_COLOURS, RIGHT, ROW,
    TOP, WIDTH,
};

use super::canvas_chart::{ChartData, ChartNumbers, DataTable};
use super::svg_downloads::SvgDownloads;
use segscope_engine::format;

/// The page's muted text and line colours (style/app.css `--muted`, `--line`).
const MUTED: &str = "#5b6474";
const LINE: &str = "#dde2ea";
const INK: &str = "#1f2328";

/// A pixel coordinate as an attribute value.
fn px(v: f64) -> String {
    format!("{v:.1}")
}

/// A value in a tooltip: up to two decimals, fewer for large values.
fn value(x: f64) -> String {
    let digits = if x.abs() >= 1000.0 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else {
        2
    };
    segscope_engine::format::grouped(&format!("{x:.digits$}"))
}

/// A chosen feature's distribution in each group, with a select of the features.
#[component]
pub fn DistributionChart(
    /// The features that can be shown: (feature name, its distribution), in the select's order.
    features: Vec<(String, Distribution)>,
    /// The feature shown first (an index into `features`).
    selected: usize,
    /// The SVG element's id; the select's is this followed by `-feature`.
    id: &'static str,
) -> impl IntoView {
    let app = crate::state::use_app();
    let select_id = format!("{id}-feature");
    // The feature chosen last (by name; kept in projects), else `selected`.
    let last = app.choice(&select_id).and_then(|name| features.iter().position(|(n, _)| *n == name));
    let chosen = RwSignal::new(last.unwrap_or(selected).min(features.len().saturating_sub(1)));
    let names: Vec<String> = features.iter().map(|(n, _)| n.clone()).collect();
    let features = StoredValue::new(features);
    let key = select_id.clone();
    let chart = move || {
        features.with_value(|all| {
            all.get(chosen.get()).map(|(name, d)| match d {
                Distribution::Boxes { rows, caption } => boxes(id, name, rows, caption).into_any(),
                Distribution::Shares { levels, rows } => shares(id, name, levels, rows).into_any(),
            })
        })
    };
    view! {
        <div class="form-row toolbar">
            <label for=select_id.clone()>"Feature"</label>
            <select id=select_id on:change=move |ev| {
                // The select's own option values, never user text.
                if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                    if let Some(name) = features.with_value(|all| all.get(i).map(|(n, _)| n.clone())) {
                        app.choose(&key, name);
                    }
                    chosen.set(i);
                }
            }>
                {names.into_iter().enumerate().map(|(i, n)| view! {
                    <option value=i.to_string() selected=move || chosen.get_untracked() == i>{n}</option>
                }).collect_view()}
            </select>
        </div>
        {chart}
        <SvgDownloads target=id/>
        {move || {
            let data = features.with_value(|all| all.get(chosen.get()).map(|(name, d)| numbers(name, d)));
            data.map(|data| view! { <ChartNumbers chart=id.to_string() data=ChartData::Table(data)/> })
        }}
    }
}

/// The chosen feature's numbers as a table: each group's percentiles, or its share of each level.
fn numbers(feature: &str, d: &Distribution) -> DataTable {
    match d {
        Distribution::Boxes { rows, .. } => DataTable {
            caption: format!("{feature} by cluster: percentiles"),
            headers: ["Cluster", "5th percentile", "First quartile", "Median", "Third quartile", "95th percentile"]
                .map(String::from)
                .to_vec(),
            rows: rows
                .iter()
                .map(|r| std::iter::once(r.name.clone()).chain(r.five.iter().map(|v| value(*v))).collect())
                .collect(),
        },
        Distribution::Shares { levels, rows } => DataTable {
            caption: format!("{feature} by cluster: share of each level"),
            headers: std::iter::once("Cluster".to_string()).chain(levels.iter().cloned()).collect(),
            rows: rows
                .iter()
                .map(|r| std::iter::once(r.name.clone()).chain(r.shares.iter().map(|s| format::share(*s))).collect())
                .collect(),
        },
    }
}

/// A group's name with its colour swatch, at the left of row `i`.
fn row_label(name: &str, group: usize, cy: f64) -> impl IntoView {
    view! {
        <rect x="8" y=px(cy - 5.0) width="10" height="10" rx="2" fill=colour(group)/>
        <text x="24" y=px(cy) dominant-baseline="central" fill=INK>{short(name)}</text>
    }
}

/// The frame, the vertical grid and tick labels, and the caption below.
fn frame(axis: &Axis, rows: f64, top: f64, h: f64, label: impl Fn(f64) -> String, caption: String) -> impl IntoView {
    let bottom = top + ROW * rows;
    let left = axis.x(axis.ticks.first().copied().unwrap_or(0.0));
    let right = axis.x(axis.ticks.last().copied().unwrap_or(1.0));
    view! {
        <rect x="0.5" y="0.5" width=px(WIDTH - 1.0) height=px(h - 1.0) rx="6" fill="#ffffff" stroke=LINE/>
        {axis.ticks.iter().map(|&t| {
            let x = px(axis.x(t));
            view! {
                <line x1=x.clone() x2=x.clone() y1=px(top) y2=px(bottom + 4.0) stroke=LINE/>
                <text x=x y=px(bottom + 17.0) text-anchor="middle" fill=MUTED>{label(t)}</text>
            }
        }).collect_view()}
        <text x=px((left + right) / 2.0) y=px(h - 9.0) text-anchor="middle" fill=MUTED>{caption}</text>
    }
}

/// A box per group: first to third quartile, the median, whiskers to the 5th and 95th percentiles.
fn boxes(id: &'static str, feature: &str, rows: &[BoxRow], caption: &str) -> impl IntoView {
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let left = plot_left(&names);
    let (lo, hi) = rows
        .iter()
        .flat_map(|r| [r.five[0], r.five[4]])
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let axis = Axis::new(lo, hi, left, WIDTH - RIGHT);
    let h = height(rows.len(), TOP);
    let description = format!(
        "Box plot of {feature} by cluster (median, quartiles, 5th and 95th percentiles): {}",
        rows.iter().map(|r| format!("{} median {}", r.name, value(r.five[2]))).collect::<Vec<_>>().join(", ")
    );
    let label = {
        let axis = axis.clone();
        move |t| axis.label(t)
    };
    view! {
        <svg id=id class="distribution-chart" width=px(WIDTH) height=px(h) viewBox=format!("0 0 {WIDTH} {h}")
            role="img" aria-label=description aria-describedby=format!("{id}-data") font-family="system-ui, sans-serif" font-size="12">
            {frame(&axis, rows.len() as f64, TOP, h, label, caption.to_string())}
            {rows.iter().enumerate().map(|(i, r)| {
                let cy = TOP + ROW * (i as f64 + 0.5);
                let c = colour(r.group);
                let [p5, q1, med, q3, p95] = r.five.map(|v| axis.x(v));
                let drawn = r.five.iter().all(|v| v.is_finite());
                let tip = format!(
                    "{}: median {}, quartiles {} – {}, 5th–95th percentile {} – {}",
                    r.name, value(r.five[2]), value(r.five[1]), value(r.five[3]), value(r.five[0]), value(r.five[4])
                );
                view! {
                    <g class="dist-box" data-cluster=r.name.clone()>
                        <title>{tip}</title>
                        {row_label(&r.name, r.group, cy)}
                        {drawn.then(|| view! {
                            <line x1=px(p5) x2=px(q1) y1=px(cy) y2=px(cy) stroke=c.clone() stroke-width="1.5"/>
                            <line x1=px(q3) x2=px(p95) y1=px(cy) y2=px(cy) stroke=c.clone() stroke-width="1.5"/>
                            <line x1=px(p5) x2=px(p5) y1=px(cy - 5.0) y2=px(cy + 5.0) stroke=c.clone() stroke-width="1.5"/>
                            <line x1=px(p95) x2=px(p95) y1=px(cy - 5.0) y2=px(cy + 5.0) stroke=c.clone() stroke-width="1.5"/>
                            <rect x=px(q1) y=px(cy - 9.0) width=px((q3 - q1).max(1.0)) height="18"
                                fill=c.clone() fill-opacity="0.45" stroke=c.clone() stroke-width="1.5"/>
                            <line x1=px(med) x2=px(med) y1=px(cy - 9.0) y2=px(cy + 9.0) stroke=INK stroke-width="2.5"/>
                        })}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// Where each level's legend entry goes (x, line), and how many lines the legend takes: from
/// `left` (the names' swatches) to `right`.
fn legend(levels: &[String], left: f64, right: f64) -> (Vec<(f64, usize)>, usize) {
    let (mut x, mut line) = (left, 0);
    let mut at = Vec::with_capacity(levels.len());
    for level in levels {
        let w = 24.0 + CHAR * short(level).chars().count() as f64;
        if x + w > right && x > left {
            x = left;
            line += 1;
        }
        at.push((x, line));
        x += w;
    }
    (at, line + 1)
}

/// A bar per group split into the category's levels, each level's share written where it fits.
fn shares(id: &'static str, feature: &str, levels: &[String], rows: &[ShareRow]) -> impl IntoView {
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let left = plot_left(&names);
    let right = WIDTH - RIGHT;
    let (at, lines) = legend(levels, 8.0, right);
    let top = TOP + 20.0 * lines as f64 + 4.0;
    let h = height(rows.len(), top);
    let axis = Axis::new(0.0, 1.0, left, right);
    let description = format!(
        "Share of each {feature} in each cluster: {}",
        rows.iter()
            .map(|r| {
                let parts: Vec<String> =
                    levels.iter().zip(&r.shares).map(|(l, s)| format!("{l} {:.0}%", s * 100.0)).collect();
                format!("{} ({})", r.name, parts.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    );
    let fill = |i: usize| LEVEL_COLOURS[i % LEVEL_COLOURS.len()];
    view! {
        <svg id=id class="distribution-chart" width=px(WIDTH) height=px(h) viewBox=format!("0 0 {WIDTH} {h}")
            role="img" aria-label=description aria-describedby=format!("{id}-data") font-family="system-ui, sans-serif" font-size="12">
            {frame(&axis, rows.len() as f64, top, h, |t| format!("{:.0}%", t * 100.0), format!("Share of customers by {feature}"))}
            {levels.iter().zip(&at).enumerate().map(|(i, (level, &(x, line)))| {
                let y = TOP + 20.0 * line as f64 + 8.0;
                view! {
                    <rect x=px(x) y=px(y - 5.0) width="10" height="10" fill=fill(i) stroke=MUTED stroke-width="0.5"/>
                    <text x=px(x + 14.0) y=px(y) dominant-baseline="central" fill=INK>{short(level)}</text>
                }
            }).collect_view()}
            {rows.iter().enumerate().map(|(i, r)| {
                let cy = top + ROW * (i as f64 + 0.5);
                let mut start = 0.0;
                let segments = levels.iter().zip(&r.shares).enumerate().map(|(j, (level, &s))| {
                    let (x0, x1) = (axis.x(start), axis.x(start + s));
                    start += s;
                    let w = (x1 - x0).max(0.0);
                    view! {
                        <rect x=px(x0) y=px(cy - 10.0) width=px(w) height="20" fill=fill(j) stroke="#ffffff" stroke-width="1">
                            <title>{format!("{}: {level} {:.1}%", r.name, s * 100.0)}</title>
                        </rect>
                        {(w >= 34.0).then(|| view! {
                            <text x=px((x0 + x1) / 2.0) y=px(cy) text-anchor="middle" dominant-baseline="central"
                                fill=level_ink(j)>{format!("{:.0}%", s * 100.0)}</text>
                        })}
                    }
                }).collect_view();
                view! {
                    <g class="dist-shares" data-cluster=r.name.clone()>
                        {row_label(&r.name, r.group, cy)}
                        {segments}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}
