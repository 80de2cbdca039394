//! The niche finder: small groups (a segment, or a segment cut by one more category) worth far
//! more than the average on a chosen value, with the defaults of DECISIONS 16 shown and editable.

use leptos::prelude::*;
use segscope_engine::api::{AssignmentId, NicheParams, NicheReport, Request, Response, Typed};
use segscope_engine::format;
use segscope_engine::profile::{Profile, DEFAULT_MAX_SHARE, DEFAULT_MIN_INDEX, DEFAULT_MIN_SHARE};

use crate::components::column_select::ColumnSelect;
use crate::state::use_app;

/// The settings, the search and the niches found.
#[component]
pub fn NicheFinder(
    segmentation: AssignmentId,
    profile: StoredValue<Profile>,
    /// The settings of the last search that answered, for the report download.
    used: RwSignal<Option<NicheParams>>,
) -> impl IntoView {
    let app = use_app();
    let columns: Vec<String> = profile.with_value(|p| p.numbers.iter().map(|n| n.column.clone()).collect());
    let first = columns.iter().find(|c| c.as_str() == "revenue").or(columns.first()).cloned().unwrap_or_default();
    let value = RwSignal::new(first);
    let min_share = RwSignal::new(format!("{}%", DEFAULT_MIN_SHARE * 100.0));
    let max_share = RwSignal::new(format!("{}%", DEFAULT_MAX_SHARE * 100.0));
    let min_index = RwSignal::new(DEFAULT_MIN_INDEX.to_string());
    let found = RwSignal::new(None::<NicheReport>);
    let find = move || {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let params = NicheParams {
            value: value.get_untracked(),
            min_share: Typed::Text(min_share.get_untracked()),
            max_share: Typed::Text(max_share.get_untracked()),
            min_index: Typed::Text(min_index.get_untracked()),
            ..NicheParams::default()
        };
        leptos::task::spawn_local(async move {
            let request = Request::Niches { dataset, segmentation, params: params.clone() };
            if let Some(Response::Niches(r)) = app.request("Looking for niches…", request).await {
                used.set(Some(params));
                found.set(Some(*r));
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="niches-title">
            <h2 id="niches-title">"Niches"</h2>
            <p class="hint">"Small groups worth far more than the average: a segment, or a segment cut by one more category, between the smallest and largest share of customers, whose mean value indexes at least the minimum against everyone, with a significant difference (Welch's t-test, corrected for every group tried)."</p>
            <div class="form-row">
                <label for="niche-value">"Value"</label>
                <ColumnSelect id="niche-value" selected=value on_change=Callback::new(move |v| value.set(v))
                    options=Signal::derive(move || columns.iter().map(|c| (c.clone(), c.clone())).collect())/>
                <label for="niche-min-share">"Smallest"</label>
                <input id="niche-min-share" type="text" size="6" prop:value=move || min_share.get() on:change=move |ev| min_share.set(event_target_value(&ev))/>
                <label for="niche-max-share">"Largest"</label>
                <input id="niche-max-share" type="text" size="6" prop:value=move || max_share.get() on:change=move |ev| max_share.set(event_target_value(&ev))/>
                <label for="niche-min-index">"Index at least"</label>
                <input id="niche-min-index" type="text" size="6" prop:value=move || min_index.get() on:change=move |ev| min_index.set(event_target_value(&ev))/>
                <button id="find-niches" type="button" class="button" on:click=move |_| find()>"Find niches"</button>
            </div>
            {move || found.get().map(|r| {
                if r.niches.is_empty() {
                    return view! { <p id="niches-none" class="hint">{format!("No niche among the {} groups tried.", format::count(r.candidates))}</p> }.into_any();
                }
                view! {
                    <p class="hint">{format!("{} of the {} groups tried; everyone's mean {} is {}.", r.niches.len(), format::count(r.candidates), r.params.value, format::number(r.overall_mean))}</p>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Niches found">
                        <table id="niches-table">
                            <thead><tr><th scope="col">"Group"</th><th scope="col" class="num">"Customers"</th><th scope="col" class="num">"Share"</th>
                                <th scope="col" class="num">"Mean"</th><th scope="col" class="num">"Index"</th><th scope="col" class="num">"Adjusted p"</th></tr></thead>
                            <tbody>
                                {r.niches.iter().map(|n| view! {
                                    <tr title=n.sentence.clone()>
                                        <th scope="row">{n.label.clone()}</th>
                                        <td class="num">{format::count(n.size)}</td>
                                        <td class="num">{format::share(n.share)}</td>
                                        <td class="num">{format::number(n.mean)}</td>
                                        <td class="num">{format::index(n.index)}</td>
                                        <td class="num">{format!("{:.3}", n.adjusted_p)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            })}
        </section>
    }
}
