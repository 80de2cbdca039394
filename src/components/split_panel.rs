//! "Split by column": one segment per value, or equal-count bands of a number or date.

use leptos::prelude::*;
use segscope_engine::api::{AssignmentView, PreviewRows, Request, Response};
use segscope_engine::api::{SegmentationKind, SplitParams, Typed};
use segscope_engine::reproduce::SegmentationRecipe;

use super::column_select::ColumnSelect;
use super::preview_table::PreviewTable;
use super::segment_chart::SegmentChart;
use crate::state::use_app;

/// The split form, the segment table and chart, and the downloads.
#[component]
pub fn SplitPanel() -> impl IntoView {
    let state = use_app();
    let column = RwSignal::new(String::new());
    // The numbers as typed: the engine's check reads them and says what is wrong.
    let bands = RwSignal::new("4".to_string());
    let max_segments = RwSignal::new("12".to_string());
    // Why the split shown before can no longer be made (the data was read again), if it cannot.
    let stale = RwSignal::new(None::<String>);
    // After the data is read again the engine makes the split again (or marks it stale): show
    // that one, as Rules and RFM show their recount.
    Effect::new(move |_| {
        let working = state.segmentations.with(|list| {
            list.iter().find(|s| s.kind == SegmentationKind::Split && s.working).map(|s| (s.id, s.stale.clone()))
        });
        let Some((id, why)) = working else {
            stale.set(None);
            return;
        };
        stale.set(why.clone());
        let shown = state.assignment.with_untracked(|a| a.as_ref().map(|a| a.id));
        if why.is_some() || shown == Some(id) {
            return;
        }
        let Some(dataset) = state.dataset.get_untracked().map(|d| d.id) else { return };
        leptos::task::spawn_local(async move {
            if let Some(Response::Segmented(view)) =
                state.request("Showing the split…", Request::Segmentation { dataset, segmentation: id }).await
            {
                state.assignment.set(Some(view));
            }
        });
    });
    // A project just opened: its split's settings (the split itself is shown above, as made).
    Effect::new(move |_| {
        if let Some(SegmentationRecipe::Split { params, .. }) = state.take_restored(SegmentationKind::Split) {
            column.set(params.column);
            bands.set(params.bands.to_string());
            max_segments.set(params.max_segments.to_string());
        }
    });
    let columns = move || state.dataset.with(|d| d.as_ref().map(|d| d.columns.clone()).unwrap_or_default());
    let chosen_is_ordered = move || {
        let name = column.get();
        columns().iter().find(|c| c.name == name).is_some_and(|c| c.column_type.is_ordered())
    };
    let run = move |_| {
        let Some(dataset) = state.dataset.get_untracked().map(|d| d.id) else {
            return;
        };
        let params = SplitParams {
            column: column.get_untracked(),
            bands: Typed::Text(bands.get_untracked()),
            max_segments: Typed::Text(max_segments.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            if let Some(Response::Segmented(view)) =
                state.request("Splitting…", Request::Split { dataset, params }).await
            {
                state.assignment.set(Some(view));
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="split-title">
            <h2 id="split-title">"Split by column"</h2>
            <p class="hint">"One segment per value of a category, or equal-count bands (quantiles) of a number or date. Missing values get their own segment."</p>
            <div class="form-row">
                <label for="split-column">"Column"</label>
                <ColumnSelect id="split-column" placeholder="Choose a column…" selected=column
                    options=Signal::derive(move || columns().into_iter().map(|c| {
                        let label = format!("{} ({})", c.name, c.column_type);
                        (c.name, label)
                    }).collect())
                    on_change=Callback::new(move |v| column.set(v))/>
                <Show when=chosen_is_ordered fallback=move || view! {
                    <label for="split-max">"Most segments (2–100)"</label>
                    <input id="split-max" type="text" inputmode="numeric" size="4" prop:value=move || max_segments.get()
                        on:change=move |ev| max_segments.set(event_target_value(&ev))/>
                }>
                    <label for="split-bands">"Bands (2–20)"</label>
                    <input id="split-bands" type="text" inputmode="numeric" size="4" prop:value=move || bands.get()
                        on:change=move |ev| bands.set(event_target_value(&ev))/>
                </Show>
                <button id="run-split" type="button" class="button primary" disabled=move || column.get().is_empty() on:click=run>"Split"</button>
            </div>
            {move || stale.get().map(|why| view! { <p id="split-stale" class="stale-reason">{why}</p> })}
            {move || state.assignment.get().map(|a| view! { <SplitResult assignment=a/> })}
        </section>
    }
}

/// Segment sizes as a table and a chart, a filtered preview, and downloads.
#[component]
fn SplitResult(
    /// The segmentation to show.
    assignment: AssignmentView,
) -> impl IntoView {
    let state = use_app();
    let filtered: RwSignal<Option<(String, PreviewRows)>> = RwSignal::new(None);
    let (id, dataset) = (assignment.id, assignment.dataset);
    let show_segment = move |code: u32, name: String| {
        leptos::task::spawn_local(async move {
            let request = Request::Preview { dataset, segment: Some((id, code)), offset: 0, limit: 20 };
            if let Some(Response::Preview(rows)) = state.request("Finding customers…", request).await {
                filtered.set(Some((name, rows)));
            }
        });
    };
    let save = move |want_manifest: bool| {
        let request = Request::ExportCsv { dataset, assignment: id };
        let pick = move |f: &segscope_engine::api::FileOut| f.name.ends_with(".manifest.json") == want_manifest;
        leptos::task::spawn_local(state.download("Preparing the download…", request, pick));
    };
    let bars: Vec<(String, u64)> = assignment.segments.iter().map(|s| (s.name.clone(), s.count)).collect();
    view! {
        <h3 id="split-result-title">{assignment.title.clone()}</h3>
        <div class="split-result">
            <table id="segment-table" class="segments">
                <thead><tr><th scope="col">"Segment"</th><th scope="col" class="num">"Customers"</th><th scope="col" class="num">"Share"</th></tr></thead>
                <tbody>
                    {assignment.segments.iter().enumerate().map(|(code, s)| {
                        let name = s.name.clone();
                        view! {
                            <tr>
                                <td><button type="button" class="link" title="Show customers in this segment"
                                    on:click=move |_| show_segment(code as u32, name.clone())>{s.name.clone()}</button></td>
                                <td class="num">{s.count}</td>
                                <td class="num">{format!("{:.1}%", s.share * 100.0)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <SegmentChart bars=bars/>
        </div>
        <div class="actions">
            <button id="download-csv" type="button" class="button primary" on:click=move |_| save(false)>"Download CSV with segments"</button>
            <button id="download-manifest" type="button" class="button" on:click=move |_| save(true)>"Download manifest"</button>
        </div>
        {move || filtered.get().map(|(name, rows)| view! {
            <h4>{format!("Customers in “{name}” (first {})", rows.rows.len())}</h4>
            <PreviewTable rows=rows id="segment-preview"/>
        })}
    }
}
