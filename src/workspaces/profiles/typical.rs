//! The typical customer of each segment as a card, with the index chart of its call-outs.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use segscope_charts::index;
use segscope_engine::format;
use segscope_engine::profile::Profile;

use crate::components::canvas_chart::{CanvasChart, ChartData, DataTable};
use crate::components::chart_backend::AnyBackend;

/// Typical values a card shows before "more columns".
const KEY_VALUES: usize = 8;

/// One card per segment: size, typical values, the traits that set it apart in words, and those
/// traits' indexes as a chart.
#[component]
pub fn TypicalCards(profile: StoredValue<Profile>) -> impl IntoView {
    profile.with_value(|p| {
        view! {
            <div id="typical-cards" class="typical-cards">
                {p.typical.iter().enumerate().map(|(i, t)| {
                    let size = p.segments.get(i).map(|s| format!("{} customers, {}", format::count(s.count), format::share(s.share))).unwrap_or_default();
                    let traits: Vec<(String, f64)> = t.callouts.iter().filter_map(|c| {
                        let label = match &c.level { Some(l) => format!("{}: {l}", c.column), None => c.column.clone() };
                        c.index.map(|x| (label, x))
                    }).collect();
                    // The columns its call-outs name first, then the others, up to KEY_VALUES; the rest folded.
                    let called = |c: &str| t.callouts.iter().any(|o| o.column == c);
                    let (mut key, mut rest): (Vec<_>, Vec<_>) = t.values.iter().partition(|v| called(&v.column));
                    let room = KEY_VALUES.saturating_sub(key.len());
                    let others: Vec<_> = rest.drain(..room.min(rest.len())).collect();
                    key.extend(others);
                    let chart = (!traits.is_empty()).then(|| {
                        let label = format!("Index of {}'s traits: {}", t.segment, traits.iter().map(|(l, x)| format!("{l} {}", format::index(*x))).collect::<Vec<_>>().join(", "));
                        let height = index::height_for(traits.len());
                        let data = ChartData::Table(DataTable {
                            caption: format!("Index of {}'s traits", t.segment),
                            headers: vec!["Trait".into(), "Index (100 = all customers)".into()],
                            rows: traits.iter().map(|(l, x)| vec![l.clone(), format::index(*x)]).collect(),
                        });
                        let draw = Box::new(move |area: DrawingArea<AnyBackend<'_>, Shift>| index::draw(area, &traits, "all customers").map_err(|e| format!("{e:?}")));
                        view! { <CanvasChart id=format!("typical-index-{i}") width=560 height=height label=label draw=draw data=data/> }
                    });
                    view! {
                        <article class="typical-card" data-segment=t.segment.clone()>
                            <h3>{t.segment.clone()}</h3>
                            <p class="hint">{size}</p>
                            <ul class="typical-values">{key.into_iter().map(|v| view! { <li>{v.text.clone()}</li> }).collect_view()}</ul>
                            {(!rest.is_empty()).then(|| view! {
                                <details class="settings"><summary>{format!("{} more columns", rest.len())}</summary>
                                    <ul class="typical-values">{rest.into_iter().map(|v| view! { <li>{v.text.clone()}</li> }).collect_view()}</ul>
                                </details>
                            })}
                            {if t.callouts.is_empty() {
                                view! { <p class="hint">"Nothing sets this segment apart at the chosen significance level."</p> }.into_any()
                            } else {
                                view! { <ul class="callouts">{t.callouts.iter().map(|c| view! { <li>{c.sentence.clone()}</li> }).collect_view()}</ul> }.into_any()
                            }}
                            {chart}
                        </article>
                    }
                }).collect_view()}
            </div>
        }
    })
}
