//! The root component: the landing view until data is open, then the shell: navigation between
//! workspaces, routed by the URL fragment (`routes`).

use leptos::prelude::*;
use segscope_engine::api::{Request, Response};
use segscope_engine::api::{SampleParams, Typed};

use crate::components::{
    column_list::ColumnList,
    drop_zone::DropZone,
    import_panel::ImportPanel,
    preview_table::PreviewTable,
    project::{OpenProject, PendingProject, ProjectCard},
    rules::RuleBuilder,
    split_panel::SplitPanel,
    status_bar::StatusBar,
    transactions_panel::TransactionsPanel,
    value::{ClvWorkspace, ValueWorkspace},
};
use crate::routes::Route;
use crate::state::AppState;
use crate::workspaces::clusters::ClustersWorkspace;
use crate::workspaces::profiles::ProfilesWorkspace;
use crate::workspaces::segmentations::SegmentationsWorkspace;

/// Loads the built-in sample customers: `customers` of them, as typed (the engine reads and checks
/// the number); the default size when `None`.
pub fn load_sample(state: AppState, customers: Option<String>) {
    let mut params = SampleParams::default();
    if let Some(n) = customers {
        params.customers = Typed::Text(n);
    }
    leptos::task::spawn_local(async move {
        let request = Request::LoadSample { params: params.clone() };
        let response = state.request("Generating the sample customers…", request).await;
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

/// The whole app: the header, the status bar, the navigation between workspaces and the
/// workspace the URL fragment names.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    crate::components::project::provide(state);
    // `?sample` loads the built-in sample; `?sample=100000` a sample of that many customers (the
    // number as written in the address: the engine reads it, and says so if it cannot).
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let sample = query.trim_start_matches('?').split('&').find_map(|p| match p.split_once('=') {
        Some(("sample", "")) => Some(None),
        Some(("sample", n)) => Some(Some(n.to_string())),
        None if p == "sample" => Some(None),
        _ => None,
    });
    if let Some(customers) = sample {
        load_sample(state, customers);
    }
    // The URL fragment is outside Leptos: follow it (links, back, forward, reload).
    let on_hash = window_event_listener_untyped("hashchange", move |_| go(state, Route::current()));
    on_cleanup(move || on_hash.remove());
    view! {
        <header class="top">
            <h1>"Segscope"</h1>
            <p class="tagline">"Customer segmentation in your browser. Your data never leaves this computer."</p>
            <crate::components::privacy::PrivacyPanel/>
        </header>
        <StatusBar/>
        <Show when=move || state.dataset.with(Option::is_some) fallback=|| view! { <main class="landing"><DropZone/><ProjectLanding/></main> }>
            <div class="shell">
                <Navigation/>
                <main class="workspaces">
                    <Workspace route=Route::Data><DataWorkspace/></Workspace>
                    <Workspace route=Route::Split><SplitPanel/></Workspace>
                    <Workspace route=Route::Rules><RuleBuilder/></Workspace>
                    <Workspace route=Route::Rfm><ValueWorkspace/></Workspace>
                    <Workspace route=Route::Clusters><ClustersWorkspace/></Workspace>
                    <Workspace route=Route::Clv><ClvWorkspace/></Workspace>
                    <Workspace route=Route::Profiles><ProfilesWorkspace/></Workspace>
                    <Workspace route=Route::Segmentations><SegmentationsWorkspace/></Workspace>
                </main>
            </div>
        </Show>
    }
}

/// Shows `route`, and brings what it lists up to date.
fn go(state: AppState, route: Route) {
    state.route.set(route);
    if matches!(route, Route::Segmentations | Route::Clv | Route::Profiles) {
        leptos::task::spawn_local(state.refresh_segmentations());
    }
}

/// The side navigation: one link per workspace, grouped.
#[component]
fn Navigation() -> impl IntoView {
    let state = crate::state::use_app();
    let mut group = None;
    let items = Route::ALL
        .into_iter()
        .map(|r| {
            let heading = (r.group() != group).then(|| r.group()).flatten();
            group = r.group();
            let current = move || state.route.get() == r;
            view! {
                {heading.map(|h| view! { <li class="nav-group" aria-hidden="true">{h}</li> })}
                <li>
                    <a href=r.href() id=format!("nav-{}", r.path().replace('/', "-")) class:active=current
                        class:nested=r.group().is_some()
                        aria-current=move || current().then_some("page")>{r.label()}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="side" aria-label="Workspaces">
            <div class="nav-sticky">
                <ul>{items}</ul>
                <p class="nav-data">{move || state.dataset.with(|d| d.as_ref().map(|d| format!("{}: {} rows", d.name, d.rows)))}</p>
            </div>
        </nav>
    }
}

/// One workspace: kept alive while hidden, so its settings and results stay as the user left them.
#[component]
fn Workspace(
    /// The workspace this is.
    route: Route,
    /// Its content.
    children: Children,
) -> impl IntoView {
    let state = crate::state::use_app();
    view! {
        <div class="workspace" id=format!("workspace-{}", route.path().replace('/', "-"))
            class:hidden=move || state.route.get() != route>
            {children()}
        </div>
    }
}

/// The landing view's way back to saved work: open a project file (or the one remembered).
#[component]
fn ProjectLanding() -> impl IntoView {
    view! {
        <section class="card project-landing" aria-labelledby="project-landing-title">
            <h2 id="project-landing-title">"Or continue saved work"</h2>
            <p class="hint">"A project file (.segscope) brings back every segmentation with its settings; if it was saved without its data, you choose the data file next."</p>
            <div class="actions"><OpenProject id="project-input"/></div>
            <PendingProject/>
        </section>
    }
}

/// The data workspace: what was read, its columns, the transactions, and opening another file.
#[component]
fn DataWorkspace() -> impl IntoView {
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
        <ProjectCard/>
        <section class="card open-another">
            <DropZone compact=true/>
        </section>
    }
}
