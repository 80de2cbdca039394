//! The root component: the landing view until data is open, then the dataset workspace.

use leptos::prelude::*;
use segscope_engine::api::Request;
use segscope_engine::sample::SampleParams;

use crate::components::{
    column_list::ColumnList, drop_zone::DropZone, import_panel::ImportPanel,
    preview_table::PreviewTable, rules::RuleBuilder, split_panel::SplitPanel, status_bar::StatusBar,
};
use crate::state::AppState;

/// Loads the built-in sample customers.
pub fn load_sample(state: AppState) {
    leptos::task::spawn_local(async move {
        let response = state
            .request(
                "Generating the sample customers…",
                Request::LoadSample {
                    params: SampleParams::default(),
                },
            )
            .await;
        state.show_dataset(response);
    });
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let wants_sample = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| {
            q.trim_start_matches('?')
                .split('&')
                .any(|p| p == "sample" || p.starts_with("sample="))
        });
    if wants_sample {
        load_sample(state);
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
    let preview = move || {
        state
            .dataset
            .with(|d| d.as_ref().map(|d| d.preview.clone()))
    };
    view! {
        <ImportPanel/>
        <section class="card" aria-labelledby="preview-title">
            <h2 id="preview-title">"Preview"</h2>
            {move || preview().map(|rows| view! { <PreviewTable rows=rows id="preview"/> })}
        </section>
        <ColumnList/>
        <SplitPanel/>
        <RuleBuilder/>
        <section class="card open-another">
            <DropZone compact=true/>
        </section>
    }
}
