//! The Segmentations workspace: every segmentation of the open data, whichever workspace made it;
//! rename, duplicate, delete, choose the current one, and download any of them from one place.

use leptos::prelude::*;
use segscope_engine::api::Dialect;
use segscope_engine::api::{AssignmentId, Request, SegmentationFiles, SegmentationKind, SegmentationView};

use crate::components::dialect_select::DialectSelect;
use crate::state::{use_app, AppState};

/// Sends a change to the list (rename, duplicate, delete, make current); the answer is the new list.
fn change(app: AppState, busy: &'static str, request: Request) {
    leptos::task::spawn_local(async move {
        app.request(busy, request).await;
    });
}

/// The list of segmentations with their actions.
#[component]
pub fn SegmentationsWorkspace() -> impl IntoView {
    let app = use_app();
    let dialect = RwSignal::new(Dialect::Duckdb);
    view! {
        <section class="card" aria-labelledby="segmentations-title">
            <h2 id="segmentations-title">"Segmentations"</h2>
            <p class="hint">"Every segmentation of this data, in the order made: splits, rule segments, RFM and clusters. The current one is what other views use by default (for example lifetime value by segment). Each workspace keeps editing its own; duplicate one to keep a copy as it is now."</p>
            <div class="form-row toolbar">
                <DialectSelect id="segmentations-dialect" dialect=dialect/>
            </div>
            <Show when=move || app.segmentations.with(|l| !l.is_empty())
                fallback=|| view! { <p id="segmentations-empty" class="hint">"No segmentations yet: make one in Split, Rules, RFM or Clusters."</p> }>
                <table id="segmentations-table" class="segmentations">
                    <thead><tr>
                        <th scope="col">"Current"</th><th scope="col">"Name"</th><th scope="col">"Kind"</th>
                        <th scope="col" class="num">"Segments"</th><th scope="col" class="num">"Unassigned"</th>
                        <th scope="col">"As of"</th><th scope="col">"Downloads"</th><th scope="col">"Manage"</th>
                    </tr></thead>
                    <tbody>
                        // Keyed by the whole row: a row whose segmentation did not change keeps its elements when
                        // the list comes again (a click on one of its buttons is never lost to a redraw).
                        <For each=move || app.segmentations.get() key=|s| s.clone() let:s>
                            <SegmentationRow s=s dialect=dialect/>
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

/// One segmentation's row.
#[component]
fn SegmentationRow(
    /// The segmentation.
    s: SegmentationView,
    /// The SQL dialect chosen above the table.
    dialect: RwSignal<Dialect>,
) -> impl IntoView {
    let app = use_app();
    let id: AssignmentId = s.id;
    let dataset = move || app.dataset.get_untracked().map(|d| d.id);
    let name = RwSignal::new(s.name.clone());
    let rename = move || {
        let Some(dataset) = dataset() else { return };
        let name = name.get_untracked();
        change(app, "Renaming…", Request::RenameSegmentation { dataset, segmentation: id, name });
    };
    let files = move |files: SegmentationFiles| {
        let Some(dataset) = dataset() else { return };
        let request = Request::SegmentationFiles { dataset, segmentation: id, files };
        leptos::task::spawn_local(app.download("Preparing the download…", request, |_| true));
    };
    let row_id = format!("segmentation-{}", id.0);
    let label = format!("Name of segmentation {}", id.0);
    let stale = s.stale.clone();
    let usable = stale.is_none();
    let definition_label = if s.kind == SegmentationKind::Clusters { "Model" } else { "Definition" };
    view! {
        <tr id=row_id data-kind=format!("{:?}", s.kind).to_lowercase() class:current=s.current class:stale=!usable>
            <td>
                <input type="radio" name="current-segmentation" class="make-current" checked=s.current
                    aria-label=format!("Make {} current", s.name)
                    on:change=move |_| {
                        if let Some(dataset) = dataset() {
                            change(app, "Choosing the current segmentation…", Request::SetCurrentSegmentation { dataset, segmentation: id });
                        }
                    }/>
            </td>
            <td>
                <input type="text" class="segmentation-name" aria-label=label prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                    on:change=move |_| rename()/>
                {stale.map(|why| view! { <p class="stale-reason">{why}</p> })}
            </td>
            <td>{s.kind_label.clone()}{(!s.working).then(|| view! { <span class="badge">"copy"</span> })}</td>
            <td class="num">{s.segments}</td>
            <td class="num">{s.unassigned}</td>
            <td>{s.as_of.clone().unwrap_or_else(|| "—".into())}</td>
            <td class="cell-actions"><div class="row-actions">
                <button type="button" class="button download-csv" disabled=!usable on:click=move |_| files(SegmentationFiles::Csv)>"CSV + manifest"</button>
                <button type="button" class="button download-zip" disabled=!usable title="One CSV per segment, for campaign tools, with the manifest" on:click=move |_| files(SegmentationFiles::Zip)>"Zip: a CSV per segment"</button>
                {s.has_definition.then(|| view! {
                    <button type="button" class="button download-definition" disabled=!usable on:click=move |_| files(SegmentationFiles::Definition)>{definition_label}</button>
                })}
                {s.has_sql.then(|| view! {
                    <button type="button" class="button download-sql" disabled=!usable on:click=move |_| files(SegmentationFiles::Sql { dialect: dialect.get_untracked() })>"SQL"</button>
                })}
            </div></td>
            <td class="cell-actions"><div class="row-actions">
                <button type="button" class="button duplicate" on:click=move |_| {
                    if let Some(dataset) = dataset() {
                        change(app, "Duplicating…", Request::DuplicateSegmentation { dataset, segmentation: id });
                    }
                }>"Duplicate"</button>
                <button type="button" class="button delete" on:click=move |_| {
                    if let Some(dataset) = dataset() {
                        change(app, "Deleting…", Request::DeleteSegmentation { dataset, segmentation: id });
                    }
                }>"Delete"</button>
            </div></td>
        </tr>
    }
}
