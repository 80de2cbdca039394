//! The root component: the landing view until data is open, then the dataset workspace.

use leptos::prelude::*;
use segscope_engine::api::{Request, Response};
use segscope_engine::sample::SampleParams;

use crate::components::{
    column_list::ColumnList, drop_zone::DropZone, import_panel::ImportPanel, preview_table::PreviewTable,
    rules::RuleBuilder, split_panel::SplitPanel, status_bar::StatusBar, transactions_panel::TransactionsPanel,
    value::ValueWorkspace,
};
use crate::state::AppState;

/// Loads the built-in sample customers (`customers` of them; the default size when `None`).
pub fn load_sample(state: AppState, customers: Option<u64>) {
    let mut params = SampleParams::default();
    if let Some(n) = customers {
        params.customers = n;
    }
    leptos::task::spawn_local(async move {
        let response = state.request("Generating the sample customers…", Request::LoadSample { params }).await;
        let loaded = matches!(response, Some(Response::Dataset(_)));
        state.show_dataset(response);
        // The sample comes with its transactions, so value rules work at once.
        if let Some(dataset) = state.dataset.get_untracked().map(|d| d.id).filter(|_| loaded) {
            if let Some(Response::Attached(view)) = state
                .request("Adding the sample transactions…", Request::AttachSampleTransactions { dataset, params })
                .await
            {
                state.transactions.set(Some(*view));
            }
        }
    });
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    // `?sample` loads the built-in sample; `?sample=100000` a sample of that many customers.
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let sample = query.trim_start_matches('?').split('&').find_map(|p| match p.split_once('=') {
        Some(("sample", n)) => Some(n.parse::<u64>().ok()),
        None if p == "sample" => Some(None),
        _ => None,
    });
    if let Some(customers) = sample {
        load_sample(state, customers);
    }
    view! {
        <header class="top">
            <h1>"Segscope"</h1>
            <p class="tagline">"Customer segmentation in your browser. Your data never leaves this computer."</p>
        </header>
        <StatusBar/>
        <main>
            <Show when=move || state.dataset.with(Option::is_some) fallback=|| view! { <DropZone/> }>
                <Workspace/>
            </Show>
        </main>
    }
}

/// The dataset workspace: what was read, its columns, and the split.
#[component]
fn Workspace() -> impl IntoView {
    let state = crate::state::use_app();
    let preview = move || state.dataset.with(|d| d.as_ref().map(|d| d.preview.clone()));
    view! {
        <ImportPanel/>
        <TransactionsPanel/>
        <section class="card" aria-labelledby="preview-title">
            <h2 id="preview-title">"Preview"</h2>
            {move || preview().map(|rows| view! { <PreviewTable rows=rows id="preview"/> })}
        </section>
        <ColumnList/>
        <SplitPanel/>
        <RuleBuilder/>
        <ValueWorkspace/>
        <section class="card open-another">
            <DropZone compact=true/>
        </section>
    }
}
