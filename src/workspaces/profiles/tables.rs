//! The profile's tables: sizes (with a bar chart and a treemap), KPIs (with a bar chart of any one),
//! numbers, categories with their index, and dates, every number formatted by the engine's one
//! formatting module.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use segscope_charts::{segment_sizes, treemap};
use segscope_engine::format;
use segscope_engine::profile::{KpiTable, Profile, SegmentKpis, TraitTest};
use segscope_engine::report::kpi_bars;

use crate::components::canvas_chart::{CanvasChart, ChartData};
use crate::components::chart_backend::AnyBackend;
use crate::components::segment_chart::SegmentChart;

/// The CSS class of a cell whose difference from everyone is significant: above or below.
fn marked(test: Option<&TraitTest>) -> &'static str {
    match test {
        Some(t) if t.significant && t.strength > 0.0 => "num sig-over",
        Some(t) if t.significant => "num sig-under",
        _ => "num",
    }
}

/// A tooltip with the test's adjusted p-value and effect size.
fn tested(test: Option<&TraitTest>) -> String {
    test.map_or_else(
        || "not tested".to_string(),
        |t| {
            format!(
                "adjusted p = {:.3}; effect size {:.2}{}",
                t.adjusted_p,
                t.effect,
                if t.significant { "; significant" } else { "" }
            )
        },
    )
}

/// One column header per segment.
fn segment_headers(p: &Profile) -> impl IntoView {
    p.segments.iter().map(|s| view! { <th scope="col" class="num">{s.name.clone()}</th> }).collect_view()
}

/// Sizes: a table, bars and a treemap.
#[component]
pub fn Sizes(profile: StoredValue<Profile>) -> impl IntoView {
    let bars: Vec<(String, u64)> =
        profile.with_value(|p| p.segments.iter().map(|s| (s.name.clone(), s.count)).collect());
    let tiles = bars.clone();
    let label = format!(
        "Treemap of segment sizes: {}",
        profile.with_value(|p| p
            .segments
            .iter()
            .map(|s| format!("{} {}", s.name, format::share(s.share)))
            .collect::<Vec<_>>()
            .join(", "))
    );
    let draw = Box::new(move |area: DrawingArea<AnyBackend<'_>, Shift>| {
        treemap::draw(area, &tiles).map_err(|e| format!("{e:?}"))
    });
    view! {
        <div class="chart-row">
            <table id="profile-sizes">
                <thead><tr><th scope="col">"Segment"</th><th scope="col" class="num">"Customers"</th><th scope="col" class="num">"Share"</th></tr></thead>
                <tbody>
                    {profile.with_value(|p| p.segments.iter().map(|s| view! {
                        <tr><th scope="row">{s.name.clone()}</th><td class="num">{format::count(s.count)}</td><td class="num">{format::share(s.share)}</td></tr>
                    }).collect_view())}
                </tbody>
                <tfoot><tr><th scope="row">"All customers"</th><td class="num">{profile.with_value(|p| format::count(p.customers))}</td><td class="num">"100.0%"</td></tr></tfoot>
            </table>
            <SegmentChart bars=bars id="profile-sizes-chart"/>
        </div>
        <CanvasChart id="profile-treemap".into() width=640 height=320 label=label draw=draw data=ChartData::Beside("profile-sizes")/>
    }
}

/// The KPIs per segment and for everyone, with their definitions.
#[component]
pub fn KpiSection(kpis: KpiTable) -> impl IntoView {
    let kpis_for_chart = kpis.clone();
    let currency = kpis.currency.clone();
    let money = move |x: Option<f64>| x.map_or("—".into(), |v| format::money(v, currency.as_deref()));
    let num = |x: Option<f64>| x.map_or("—".into(), format::number);
    let pct = |x: Option<f64>| x.map_or("—".into(), format::share);
    let has_clv = kpis.all.mean_clv.is_some();
    let row = move |k: &SegmentKpis, all: bool| {
        let name = k.segment.clone();
        view! {
            <tr class:all=all>
                <th scope="row">{name}</th>
                <td class="num">{format::count(k.customers)}</td>
                <td class="num">{money(Some(k.revenue))}</td>
                <td class="num">{pct(k.revenue_share)}</td>
                <td class="num">{num(k.orders_per_customer)}</td>
                <td class="num">{money(k.average_order_value)}</td>
                <td class="num">{money(k.revenue_per_customer)}</td>
                <td class="num">{num(k.mean_recency_days)}</td>
                <td class="num">{pct(k.repeat_rate)}</td>
                <td class="num">{pct(k.lapsed_share)}</td>
                {has_clv.then(|| view! { <td class="num">{money(k.mean_clv)}</td><td class="num">{pct(k.mean_p_alive)}</td> })}
            </tr>
        }
    };
    let as_of = kpis.as_of.clone().unwrap_or_default();
    let lapsed = kpis.lapsed_definition.clone().unwrap_or_default();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="KPIs per segment">
            <table id="profile-kpis">
                <thead><tr>
                    <th scope="col">"Segment"</th><th scope="col" class="num">"Customers"</th><th scope="col" class="num">"Revenue"</th>
                    <th scope="col" class="num">"Share of revenue"</th><th scope="col" class="num">"Orders per customer"</th>
                    <th scope="col" class="num">"Average order value"</th><th scope="col" class="num">"Revenue per customer"</th>
                    <th scope="col" class="num">"Average recency (days)"</th><th scope="col" class="num">"Repeat-purchase rate"</th>
                    <th scope="col" class="num">"Lapsed"</th>
                    {has_clv.then(|| view! { <th scope="col" class="num">"Predicted CLV"</th><th scope="col" class="num">"P(alive)"</th> })}
                </tr></thead>
                <tbody>{kpis.segments.iter().map(|k| row(k, false)).collect_view()}</tbody>
                <tfoot>{row(&kpis.all, true)}</tfoot>
            </table>
        </div>
        <p class="hint">{format!("As of {as_of}. Lapsed: {lapsed}")}</p>
        <KpiBarsChart kpis=kpis_for_chart/>
    }
}

/// One KPI at a time as bars across the segments, all customers in grey, the KPI chosen from a list.
#[component]
fn KpiBarsChart(kpis: KpiTable) -> impl IntoView {
    let app = crate::state::use_app();
    let charts = StoredValue::new(kpi_bars(&kpis));
    // The KPI chosen last (kept in projects), else revenue per customer.
    let last = app.choice("kpi-chart-kpi");
    let first = charts.with_value(|c| {
        let last = c.iter().find(|k| last.as_deref() == Some(k.key));
        last.or(c.iter().find(|k| k.key == "revenue_per_customer")).or(c.first()).map(|k| k.key).unwrap_or_default()
    });
    let chosen = RwSignal::new(first);
    view! {
        <div class="form-row">
            <label for="kpi-chart-kpi">"Chart"</label>
            <select id="kpi-chart-kpi" on:change=move |ev| {
                let key = event_target_value(&ev);
                if let Some(k) = charts.with_value(|c| c.iter().find(|k| k.key == key).map(|k| k.key)) {
                    app.choose("kpi-chart-kpi", k.to_string());
                    chosen.set(k);
                }
            }>
                {charts.with_value(|c| c.iter().map(|k| view! {
                    <option value=k.key selected=k.key == first>{k.name}</option>
                }).collect_view())}
            </select>
        </div>
        {move || {
            let key = chosen.get();
            charts.with_value(|c| c.iter().find(|k| k.key == key).cloned()).map(|k| {
                let height = segment_sizes::height_for(k.bars.len());
                let label = k.label.clone();
                let draw = Box::new(move |area: DrawingArea<AnyBackend<'_>, Shift>| {
                    segment_sizes::draw_bars(area, &k.bars, &k.axis, &|x| k.tick(x)).map_err(|e| format!("{e:?}"))
                });
                view! { <CanvasChart id="kpi-chart".into() width=720 height=height label=label draw=draw data=ChartData::Beside("profile-kpis")/> }
            })
        }}
    }
}

/// Each number column: the median (and mean) per segment, marked where significantly different.
#[component]
pub fn NumberTable(profile: StoredValue<Profile>) -> impl IntoView {
    profile.with_value(|p| {
        (!p.numbers.is_empty()).then(|| view! {
            <h3>"Numbers: median (mean)"</h3>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Numbers per segment">
                <table id="profile-numbers">
                    <thead><tr><th scope="col">"Column"</th><th scope="col" class="num">"All customers"</th>{segment_headers(p)}</tr></thead>
                    <tbody>
                        {p.numbers.iter().map(|n| {
                            let cell = |s: Option<&segscope_engine::stats::NumericSummary>| s.map_or("—".into(), |s| format!("{} ({})", format::number(s.median), format::number(s.mean)));
                            view! {
                                <tr>
                                    <th scope="row">{n.column.clone()}</th>
                                    <td class="num">{cell(n.all.stats.as_ref())}</td>
                                    {n.segments.iter().map(|s| view! {
                                        <td class=marked(s.test.as_ref()) title=tested(s.test.as_ref())>{cell(s.summary.stats.as_ref())}</td>
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })
    })
}

/// Each category: every level's share per segment with its index, marked where significant.
#[component]
pub fn CategoryTables(profile: StoredValue<Profile>) -> impl IntoView {
    profile.with_value(|p| {
        (!p.categories.is_empty()).then(|| view! {
            <h3>"Categories: share (index)"</h3>
            <div id="profile-categories">
                {p.categories.iter().map(|c| view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{} per segment", c.column)>
                        <table class="profile-category" data-column=c.column.clone()>
                            <caption>{c.column.clone()}</caption>
                            <thead><tr><th scope="col">"Level"</th><th scope="col" class="num">"All customers"</th>{segment_headers(p)}</tr></thead>
                            <tbody>
                                {c.levels.iter().enumerate().map(|(l, level)| view! {
                                    <tr>
                                        <th scope="row">{level.clone()}</th>
                                        <td class="num">{c.all.levels.get(l).map_or("—".into(), |s| format::share(s.share))}</td>
                                        {c.segments.iter().map(|s| {
                                            let cell = s.levels.get(l);
                                            let test = cell.and_then(|x| x.test.as_ref());
                                            let text = cell.map_or("—".into(), |x| match x.index {
                                                Some(i) => format!("{} ({})", format::share(x.share.share), format::index(i)),
                                                None => format::share(x.share.share),
                                            });
                                            view! { <td class=marked(test) title=tested(test)>{text}</td> }
                                        }).collect_view()}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }).collect_view()}
            </div>
        })
    })
}

/// Each date column: earliest, median and latest per segment.
#[component]
pub fn DateTable(profile: StoredValue<Profile>) -> impl IntoView {
    profile.with_value(|p| {
        (!p.dates.is_empty()).then(|| view! {
            <h3>"Dates: median (earliest – latest)"</h3>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Dates per segment">
                <table id="profile-dates">
                    <thead><tr><th scope="col">"Column"</th><th scope="col" class="num">"All customers"</th>{segment_headers(p)}</tr></thead>
                    <tbody>
                        {p.dates.iter().map(|d| {
                            let cell = |s: &segscope_engine::profile::DateSummary| match (&s.median, &s.min, &s.max) {
                                (Some(m), Some(lo), Some(hi)) => format!("{m} ({lo} – {hi})"),
                                _ => "—".into(),
                            };
                            view! {
                                <tr>
                                    <th scope="row">{d.column.clone()}</th>
                                    <td class="num">{cell(&d.all)}</td>
                                    {d.segments.iter().map(|s| view! { <td class="num">{cell(s)}</td> }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })
    })
}
