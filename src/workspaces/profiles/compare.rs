//! Two segments side by side, or one against everyone else: the significant differences with
//! their effect sizes, a chart of the strongest, and both profiles' tables.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use segscope_charts::index;
use segscope_engine::api::{AssignmentId, Comparison, ProfileOptions, Request, Response};
use segscope_engine::format;
use segscope_engine::profile::Profile;

use super::tables::{CategoryTables, NumberTable};
use crate::components::canvas_chart::{CanvasChart, ChartData};
use crate::components::chart_backend::AnyBackend;
use crate::state::use_app;

/// Differences drawn in the chart.
const CHARTED: usize = 10;

/// The choice of two segments, and their comparison.
#[component]
pub fn CompareSegments(
    segmentation: AssignmentId,
    profile: StoredValue<Profile>,
    options: ProfileOptions,
) -> impl IntoView {
    let app = use_app();
    let names: Vec<String> = profile.with_value(|p| p.segments.iter().map(|s| s.name.clone()).collect());
    let first = RwSignal::new(0u32);
    let second = RwSignal::new(None::<u32>);
    let shown = RwSignal::new(None::<Comparison>);
    let options = StoredValue::new(options);
    let run = move || {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let request = Request::Compare {
            dataset,
            segmentation,
            first: first.get_untracked(),
            second: second.get_untracked(),
            options: options.get_value(),
        };
        leptos::task::spawn_local(async move {
            if let Some(Response::Comparison(c)) = app.request("Comparing the segments…", request).await {
                shown.set(Some(*c));
            }
        });
    };
    let choices = names.clone();
    view! {
        <section class="card" aria-labelledby="compare-title">
            <h2 id="compare-title">"Compare two segments"</h2>
            <div class="form-row">
                <label for="compare-first">"Segment"</label>
                <select id="compare-first" on:change=move |ev| first.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {names.iter().enumerate().map(|(i, n)| view! { <option value=i.to_string()>{n.clone()}</option> }).collect_view()}
                </select>
                <label for="compare-second">"against"</label>
                <select id="compare-second" on:change=move |ev| second.set(event_target_value(&ev).parse().ok())>
                    <option value="rest" selected=true>"Everyone else"</option>
                    {choices.iter().enumerate().map(|(i, n)| view! { <option value=i.to_string()>{n.clone()}</option> }).collect_view()}
                </select>
                <button id="run-compare" type="button" class="button" on:click=move |_| run()>"Compare"</button>
            </div>
            {move || shown.get().map(|c| view! { <ComparisonView c=c/> })}
        </section>
    }
}

/// A comparison: its differences as a table and a chart, then both groups' tables.
#[component]
fn ComparisonView(c: Comparison) -> impl IntoView {
    let traits: Vec<(String, f64)> = c
        .differences
        .iter()
        .filter_map(|d| {
            let label = match &d.level {
                Some(l) => format!("{}: {l}", d.column),
                None => d.column.clone(),
            };
            d.index.map(|i| (label, i))
        })
        .take(CHARTED)
        .collect();
    let chart = (!traits.is_empty()).then(|| {
        let label = format!(
            "{} against {}, as an index (100 = the same): {}",
            c.first,
            c.second,
            traits.iter().map(|(l, i)| format!("{l} {}", format::index(*i))).collect::<Vec<_>>().join(", ")
        );
        let height = index::height_for(traits.len());
        let baseline = c.second.clone();
        let draw = Box::new(move |area: DrawingArea<AnyBackend<'_>, Shift>| {
            index::draw(area, &traits, &baseline).map_err(|e| format!("{e:?}"))
        });
        view! { <CanvasChart id="compare-chart".into() width=720 height=height label=label draw=draw data=ChartData::Beside("compare-table")/> }
    });
    let profile = StoredValue::new(c.profile.clone());
    view! {
        <h3 id="compare-heading">{format!("{} against {}", c.first, c.second)}</h3>
        {if c.differences.is_empty() {
            view! { <p id="compare-none" class="hint">"No difference is statistically meaningful at the chosen significance level."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Comparison of the segments">
                    <table id="compare-table">
                        <thead><tr>
                            <th scope="col">"Difference"</th><th scope="col" class="num">{c.first.clone()}</th><th scope="col" class="num">{c.second.clone()}</th>
                            <th scope="col" class="num">"Index"</th><th scope="col" class="num">"Effect size"</th><th scope="col" class="num">"Adjusted p"</th>
                        </tr></thead>
                        <tbody>
                            {c.differences.iter().map(|d| {
                                let show = |x: f64| if d.level.is_some() { format::share(x) } else { format::number(x) };
                                view! {
                                    <tr>
                                        <th scope="row">{d.sentence.clone()}</th>
                                        <td class="num">{show(d.first)}</td>
                                        <td class="num">{show(d.second)}</td>
                                        <td class="num">{d.index.map_or("—".into(), format::index)}</td>
                                        <td class="num">{format!("{:.2}", d.test.effect)}</td>
                                        <td class="num">{format!("{:.3}", d.test.adjusted_p)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {chart}
            }.into_any()
        }}
        <details class="settings">
            <summary>"Both profiles side by side"</summary>
            <NumberTable profile=profile/>
            <CategoryTables profile=profile/>
        </details>
    }
}
