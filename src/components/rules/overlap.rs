//! Pairwise overlaps of segments: how many customers match both.

use leptos::prelude::*;
use segscope_engine::api::{Definition, Mode};
use segscope_engine::api::{RulesView, MAX_OVERLAP_SEGMENTS};

/// A matrix of customers matching each pair of segments (count and % of the row's segment).
#[component]
pub fn OverlapMatrix(
    /// The live counts (with overlaps).
    view: RwSignal<Option<RulesView>>,
    /// The definition (for the mode and names).
    def: RwSignal<Definition>,
) -> impl IntoView {
    move || {
        view.with(|v| {
            let v = v.as_ref().filter(|v| v.problems.is_empty())?;
            if v.overlap.is_empty() && v.counts.len() > MAX_OVERLAP_SEGMENTS {
                let text = format!(
                    "Overlaps between segments are shown for up to {MAX_OVERLAP_SEGMENTS} segments (the table grows with the square of their number); these segments are counted and applied as usual."
                );
                return Some(view! { <p class="hint" id="overlap-too-many">{text}</p> }.into_any());
            }
            let v = Some(v).filter(|v| v.overlap.len() > 1)?;
            let (mode, names) = def.with_untracked(|d| (d.mode, d.segments.iter().map(|s| s.name.clone()).collect::<Vec<_>>()));
            let caption = match mode {
                Mode::Overlapping => "Overlaps: customers in both segments (% of the row's segment)",
                Mode::FirstMatch => "What if the order did not matter: customers matching both rules (% of the row's matches)",
            };
            let rows = v.overlap.clone();
            Some(view! {
                <details class="overlap" open=mode == Mode::Overlapping>
                    <summary>"Overlaps between segments"</summary>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Overlaps between segments">
                        <table id="overlap-matrix">
                            <caption>{caption}</caption>
                            <thead><tr><th scope="col">""</th>{names.iter().map(|n| view! { <th scope="col">{n.clone()}</th> }).collect_view()}</tr></thead>
                            <tbody>
                                {rows.into_iter().enumerate().map(|(i, row)| {
                                    let own = row.get(i).copied().unwrap_or(0).max(1) as f64;
                                    view! {
                                        <tr>
                                            <th scope="row">{names.get(i).cloned().unwrap_or_default()}</th>
                                            {row.into_iter().map(|n| view! { <td class="num">{format!("{n} ({:.0}%)", n as f64 / own * 100.0)}</td> }).collect_view()}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </details>
            }
            .into_any())
        })
    }
}
