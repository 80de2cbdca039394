//! Movement between two snapshots: two segmentations of the same customers (a segmentation frozen
//! by duplicating it, and the same one made again later or with other settings), or one
//! segmentation of this data and of another file of the same customers (`Request::MovementFromFile`:
//! the engine makes it again on that file and matches customers by a key column): how many
//! customers went from each segment to each, as a heat map and a table.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use segscope_charts::heatmap;
use segscope_engine::api::{AssignmentId, Movement, OtherFile, Request, Response};
use segscope_engine::format;

use crate::components::canvas_chart::{CanvasChart, ChartData};
use crate::components::chart_backend::AnyBackend;
use crate::components::column_select::ColumnSelect;
use crate::state::use_app;

/// The two snapshots chosen, and their transition matrix.
#[component]
pub fn MovementSection() -> impl IntoView {
    let app = use_app();
    let before = RwSignal::new(None::<AssignmentId>);
    let after = RwSignal::new(None::<AssignmentId>);
    let shown = RwSignal::new(None::<Movement>);
    let run = move || {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let list = app.segmentations.get_untracked();
        let pick = |s: RwSignal<Option<AssignmentId>>, default: Option<AssignmentId>| s.get_untracked().or(default);
        let (Some(b), Some(a)) = (pick(before, list.first().map(|s| s.id)), pick(after, list.last().map(|s| s.id)))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let request = Request::Movement { dataset, before: b, after: a };
            if let Some(Response::Movement(m)) = app.request("Matching the customers…", request).await {
                shown.set(Some(*m));
            }
        });
    };
    let select = move |id: &'static str, signal: RwSignal<Option<AssignmentId>>, last: bool| {
        view! {
            <select id=id on:change=move |ev| signal.set(event_target_value(&ev).parse::<u32>().ok().map(AssignmentId))>
                {move || {
                    let list = app.segmentations.get();
                    let n = list.len();
                    list.into_iter().enumerate().map(|(i, s)| {
                        let selected = signal.get_untracked().map_or(if last { i + 1 == n } else { i == 0 }, |x| x == s.id);
                        view! { <option value=s.id.0.to_string() selected=selected disabled=s.stale.is_some()>{s.name.clone()}</option> }
                    }).collect_view()
                }}
            </select>
        }
    };
    view! {
        <section class="card" aria-labelledby="movement-title">
            <h2 id="movement-title">"Movement between two snapshots"</h2>
            <p class="hint">"Freeze a segmentation by duplicating it in Segmentations, make it again later (new transactions, another as-of date or other settings), then see where each segment's customers went."</p>
            <div class="form-row">
                <label for="movement-before">"Earlier"</label>
                {select("movement-before", before, false)}
                <label for="movement-after">"Later"</label>
                {select("movement-after", after, true)}
                <button id="run-movement" type="button" class="button" on:click=move |_| run()>"Show movement"</button>
            </div>
            <FromFile shown=shown/>
            {move || shown.get().map(|m| view! { <MovementView m=m/> })}
        </section>
    }
}

/// The same segmentation on another snapshot file: which segmentation, which column matches the
/// customers, whether the file is earlier or later, and the file.
#[component]
fn FromFile(shown: RwSignal<Option<Movement>>) -> impl IntoView {
    let app = use_app();
    let chosen = RwSignal::new(None::<AssignmentId>);
    let earlier = RwSignal::new(true);
    // The key: the transactions' customer key when attached, else a column named like one, else the first.
    let key = RwSignal::new(String::new());
    Effect::new(move |_| {
        let columns: Vec<String> = app
            .dataset
            .with(|d| d.as_ref().map(|d| d.columns.iter().map(|c| c.name.clone()).collect()).unwrap_or_default());
        let mapped = app.transactions.with(|t| t.as_ref().map(|t| t.mapping.customer_key().to_string()));
        let guess = mapped
            .filter(|k| columns.contains(k))
            .or_else(|| columns.iter().find(|c| c.to_lowercase().contains("id")).cloned())
            .or_else(|| columns.first().cloned());
        if !columns.contains(&key.get_untracked()) {
            key.set(guess.unwrap_or_default());
        }
    });
    let open = move |ev: leptos::ev::Event| {
        let Some(file) = crate::files::take_chosen_file(&ev) else { return };
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let list = app.segmentations.get_untracked();
        let Some(segmentation) =
            chosen.get_untracked().or(list.iter().find(|s| s.current).or(list.last()).map(|s| s.id))
        else {
            return;
        };
        let other_is = if earlier.get_untracked() { OtherFile::Earlier } else { OtherFile::Later };
        let request = Request::MovementFromFile {
            dataset,
            segmentation,
            key: key.get_untracked(),
            other_is,
            name: file.name(),
            bytes: Vec::new(),
        };
        leptos::task::spawn_local(async move {
            if let Some(Response::Movement(m)) =
                app.request_with_file("Matching the customers of both files…", request, file).await
            {
                shown.set(Some(*m));
            }
        });
    };
    view! {
        <p class="hint">"Or compare this data with another file of the same customers (last quarter's export, say): the segmentation is made again on that file and customers are matched by a column both files have."</p>
        <div class="form-row">
            <label for="movement-file-segmentation">"Segmentation"</label>
            <select id="movement-file-segmentation" on:change=move |ev| chosen.set(event_target_value(&ev).parse::<u32>().ok().map(AssignmentId))>
                {move || {
                    let list = app.segmentations.get();
                    let current = chosen.get_untracked().or(list.iter().find(|s| s.current).or(list.last()).map(|s| s.id));
                    list.into_iter().map(|s| view! {
                        <option value=s.id.0.to_string() selected=current == Some(s.id) disabled=s.stale.is_some()>{s.name.clone()}</option>
                    }).collect_view()
                }}
            </select>
            <label for="movement-file-key">"Match customers by"</label>
            <ColumnSelect id="movement-file-key" selected=key on_change=Callback::new(move |v| key.set(v))
                options=Signal::derive(move || app.dataset.with(|d| {
                    d.as_ref().map(|d| d.columns.iter().map(|c| (c.name.clone(), c.name.clone())).collect()).unwrap_or_default()
                }))/>
            <label for="movement-file-when">"The other file is"</label>
            <select id="movement-file-when" on:change=move |ev| earlier.set(event_target_value(&ev) == "earlier")>
                <option value="earlier" selected=true>"earlier (this data is later)"</option>
                <option value="later">"later (this data is earlier)"</option>
            </select>
            <label class="button" for="movement-file">"Choose the other file…"</label>
            <input id="movement-file" class="visually-hidden" type="file" accept=".csv,.tsv,.txt,.gz,.xlsx,.xls,.ods,.jsonl,.ndjson,.parquet" on:change=open aria-label="Another snapshot of the same customers"/>
        </div>
    }
}

/// The matrix as a heat map and as a table.
#[component]
fn MovementView(m: Movement) -> impl IntoView {
    let (w, h) = heatmap::size_for(m.rows.len(), m.columns.len());
    let corner = format!("{} → {}", m.before, m.after);
    let label = format!("Customers moving from the segments of {} (rows) to those of {} (columns)", m.before, m.after);
    let (rows, columns, counts) = (m.rows.clone(), m.columns.clone(), m.counts.clone());
    let draw = Box::new(move |area: DrawingArea<AnyBackend<'_>, Shift>| {
        heatmap::draw(area, &rows, &columns, &counts, &corner).map_err(|e| format!("{e:?}"))
    });
    let stayed = format!(
        "{} of the {} customers in both ({}) are in a segment of the same name.",
        format::count(m.stayed),
        format::count(m.matched),
        format::share(m.stayed as f64 / m.matched.max(1) as f64)
    );
    view! {
        <p id="movement-stayed">{stayed}</p>
        <CanvasChart id="movement-heatmap".into() width=w height=h label=label draw=draw data=ChartData::Beside("movement-table")/>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Customers moving between segments">
            <table id="movement-table">
                <thead><tr><th scope="col">{format!("{} ↓ / {} →", m.before, m.after)}</th>
                    {m.columns.iter().map(|c| view! { <th scope="col" class="num">{c.clone()}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {m.rows.iter().zip(&m.counts).map(|(r, cells)| view! {
                        <tr><th scope="row">{r.clone()}</th>{cells.iter().map(|&n| view! { <td class="num">{format::count(n)}</td> }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
