//! Projects (issue #17): save the work on the open data as a `.segscope` file, open one again (with
//! the data inside it, or on the data file it was made from: how that file differs is said first),
//! and keep the last one in this browser only when the user asks ([`crate::remembered`]).

use leptos::prelude::*;
use segscope_engine::api::{ProjectRestored, ProjectSummary, Request, Response};
use segscope_engine::reproduce::Opened;

use crate::remembered::{self, Remembered};
use crate::state::AppState;

/// A project being opened that waits for the user: for its data files, or for a yes on data that differ.
#[derive(Clone)]
struct Pending {
    /// The project file.
    file: web_sys::Blob,
    /// What it holds.
    summary: ProjectSummary,
    /// How the open data differ from the project's, once they are open and differ.
    differences: Option<Vec<String>>,
}

/// The projects' state, shared by the landing view and the Data workspace (a project chosen on the
/// landing view is finished in the Data workspace once its data are open).
#[derive(Clone, Copy)]
pub struct Projects {
    app: AppState,
    pending: RwSignal<Option<Pending>, LocalStorage>,
    data_file: RwSignal<Option<web_sys::File>, LocalStorage>,
    transactions_file: RwSignal<Option<web_sys::File>, LocalStorage>,
    /// What the last project opened could not put back, and how its data differed.
    report: RwSignal<Vec<String>>,
    /// "Include the data" is ticked.
    include_data: RwSignal<bool>,
    /// "Remember my last project" is ticked (a project is kept in IndexedDB).
    remember: RwSignal<bool>,
    /// The project kept in this browser, if any.
    last: RwSignal<Option<Remembered>, LocalStorage>,
}

/// Makes the projects' state for the whole app (and looks for a remembered project, without
/// making any storage).
pub fn provide(app: AppState) {
    let projects = Projects {
        app,
        pending: RwSignal::new_local(None),
        data_file: RwSignal::new_local(None),
        transactions_file: RwSignal::new_local(None),
        report: RwSignal::new(Vec::new()),
        include_data: RwSignal::new(false),
        remember: RwSignal::new(false),
        last: RwSignal::new_local(None),
    };
    provide_context(projects);
    leptos::task::spawn_local(async move {
        if let Some(last) = remembered::last().await {
            projects.remember.set(true);
            projects.last.set(Some(last));
        }
    });
}

/// The projects' state from context.
pub fn use_projects() -> Projects {
    expect_context::<Projects>()
}

fn megabytes(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{:.0} KB", (bytes as f64 / 1e3).ceil())
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

impl Projects {
    /// What this browser keeps for the user (tracked): `None` when "remember" is off, else the
    /// remembered project's name (empty until one is kept).
    pub fn kept(self) -> Option<String> {
        self.remember.get().then(|| self.last.with(|l| l.as_ref().map(|l| l.name.clone()).unwrap_or_default()))
    }

    /// Reads a project file; one with its data opens at once, one without asks for its data files.
    fn open(self, name: String, file: web_sys::Blob) {
        let app = self.app;
        leptos::task::spawn_local(async move {
            let request = Request::ReadProject { name: name.clone(), bytes: Vec::new() };
            let Some(Response::Project(summary)) =
                app.request_with_file(&format!("Reading the project {name}…"), request, file.clone()).await
            else {
                return;
            };
            self.report.set(Vec::new());
            if summary.includes_data {
                let request = Request::OpenProject { name: name.clone(), bytes: Vec::new() };
                let busy = format!("Opening the project {name} and its data…");
                if let Some(Response::ProjectRestored(r)) = app.request_with_file(&busy, request, file.clone()).await {
                    self.restored(*r, file);
                }
            } else {
                self.data_file.set(None);
                self.transactions_file.set(None);
                self.pending.set(Some(Pending { file, summary: *summary, differences: None }));
            }
        });
    }

    /// Opens the chosen data files as the project read them, then puts the project back on them.
    fn open_with_data(self) {
        let (Some(pending), Some(data)) = (self.pending.get_untracked(), self.data_file.get_untracked()) else {
            return;
        };
        let transactions = self.transactions_file.get_untracked();
        let app = self.app;
        leptos::task::spawn_local(async move {
            let s = &pending.summary;
            let name = data.name();
            match s.opened {
                Opened::Table => {
                    let request =
                        Request::Ingest { name: name.clone(), bytes: Vec::new(), options: s.read_options.clone() };
                    let response = app.request_with_file(&format!("Reading {name}…"), request, data.clone()).await;
                    let view = match response {
                        Some(Response::Dataset(view)) => view,
                        // Too large to open whole: the ways that fit are offered, as for any file.
                        Some(Response::TooLarge(view)) => {
                            app.too_large
                                .set(Some(crate::components::too_large::TooLargeFile { view: *view, file: data }));
                            return;
                        }
                        _ => return,
                    };
                    let dataset = view.id;
                    app.show_dataset(Some(Response::Dataset(view)));
                    if let (Some(record), Some(file)) = (&s.transactions, transactions) {
                        let name = file.name();
                        let request = Request::AttachTransactions {
                            dataset,
                            name: name.clone(),
                            file: Default::default(),
                            options: record.read_options.clone(),
                            mapping: Some(record.mapping.clone()),
                        };
                        let busy = format!("Reading {name} and joining it to the customers…");
                        let Some(Response::Attached(view)) = app.request_with_file(&busy, request, file).await else {
                            return;
                        };
                        app.transactions.set(Some(*view));
                    }
                }
                Opened::Transactions => {
                    let request = Request::OpenTransactions {
                        name: name.clone(),
                        file: Default::default(),
                        options: s.read_options.clone(),
                    };
                    let busy = format!("Reading {name} as transactions and making the customer list…");
                    let Some(Response::Derived { dataset, attached }) =
                        app.request_with_file(&busy, request, data).await
                    else {
                        return;
                    };
                    app.show_dataset(Some(Response::Dataset(dataset)));
                    app.transactions.set(Some(*attached));
                }
            }
            self.restore(false).await;
        });
    }

    /// Puts the waiting project on the open data (`anyway`: even when they differ).
    async fn restore(self, anyway: bool) {
        let Some(pending) = self.pending.get_untracked() else { return };
        let Some(dataset) = self.app.dataset.get_untracked().map(|d| d.id) else { return };
        let name = pending.summary.file.clone();
        let request = Request::RestoreProject { dataset, name: name.clone(), bytes: Vec::new(), anyway };
        let busy = format!("Opening the project {name}…");
        match self.app.request_with_file(&busy, request, pending.file.clone()).await {
            Some(Response::ProjectDiffers { differences, .. }) => {
                self.pending.update(|p| {
                    if let Some(p) = p {
                        p.differences = Some(differences);
                    }
                });
                go_to("#/data");
                // The card is below the data's columns: bring the question into view.
                request_animation_frame(|| {
                    let shown = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id("project-differences"));
                    if let Some(element) = shown {
                        element.scroll_into_view();
                    }
                });
            }
            Some(Response::ProjectRestored(r)) => {
                self.pending.set(None);
                self.restored(*r, pending.file);
            }
            _ => {}
        }
    }

    /// Shows a project just put back: its data, its segmentations, each workspace's form, the
    /// workspace it was saved on; remembered when the user asked.
    fn restored(self, r: ProjectRestored, file: web_sys::Blob) {
        let app = self.app;
        if let Some(dataset) = r.dataset {
            app.show_dataset(Some(Response::Dataset(dataset)));
        }
        if let Some(attached) = r.attached {
            app.transactions.set(Some(*attached));
        }
        app.show_segmentations(r.segmentations.clone());
        app.restored.set(r.working);
        // The chart choices, taken by each chart when it is drawn again.
        let choices = r.view.get("choices").and_then(|c| serde_json::from_value(c.clone()).ok()).unwrap_or_default();
        app.choices.set_value(choices);
        let mut report: Vec<String> =
            r.differences.iter().map(|d| format!("Opened on data that differ: {d}")).collect();
        report.extend(r.not_restored.iter().cloned());
        let n = r.segmentations.len();
        let mut notice = format!("Opened the project {}: {n} segmentation{}.", r.file, if n == 1 { "" } else { "s" });
        if !report.is_empty() {
            notice.push_str(" Some of it could not be put back as it was: see Data, Project.");
        }
        self.report.set(report);
        app.notice.set(Some(notice));
        if let Some(route) = r.view.get("route").and_then(|v| v.as_str()).filter(|h| h.starts_with("#/")) {
            go_to(route);
        }
        if self.remember.get_untracked() {
            self.keep(r.file, file);
        }
    }

    /// Saves the work on the open data as a project file: downloaded, and kept when the user asked.
    fn save(self) {
        let Some(dataset) = self.app.dataset.get_untracked().map(|d| d.id) else { return };
        let include_data = self.include_data.get_untracked();
        let remember = self.remember.get_untracked();
        let app = self.app;
        leptos::task::spawn_local(async move {
            for (file, blob) in app.files("Saving the project…", save_request(app, dataset, include_data)).await {
                if let Err(e) = crate::download::save(&file.name, &blob) {
                    app.error.set(Some(e));
                }
                if remember {
                    self.keep(file.name, blob);
                }
            }
        });
    }

    /// Ticking "remember" keeps the work now (as a project, with the data if "include" is ticked);
    /// unticking deletes what was kept.
    fn set_remember(self, on: bool) {
        self.remember.set(on);
        let app = self.app;
        if !on {
            self.last.set(None);
            leptos::task::spawn_local(async move {
                if let Err(e) = remembered::forget().await {
                    app.error.set(Some(format!("The remembered project could not be deleted: {e}.")));
                }
            });
            return;
        }
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let include_data = self.include_data.get_untracked();
        leptos::task::spawn_local(async move {
            for (file, blob) in app.files("Remembering the project…", save_request(app, dataset, include_data)).await
            {
                self.keep(file.name, blob);
            }
        });
    }

    /// Keeps `file` in IndexedDB as the last project.
    fn keep(self, name: String, file: web_sys::Blob) {
        let app = self.app;
        leptos::task::spawn_local(async move {
            match remembered::remember(&name, &file).await {
                Ok(()) => self.last.set(Some(Remembered { name, file })),
                Err(e) => app.error.set(Some(format!("The project could not be remembered in this browser: {e}."))),
            }
        });
    }
}

/// The request that saves the open data's work, with the workspace shown now.
fn save_request(app: AppState, dataset: segscope_engine::api::DatasetId, include_data: bool) -> Request {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let choices = app.choices.get_value();
    Request::SaveProject { dataset, include_data, view: serde_json::json!({ "route": hash, "choices": choices }) }
}

/// Shows the workspace of a URL fragment (the router follows the fragment).
fn go_to(hash: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(hash);
    }
}

/// "Open a project…" and, when one is remembered, "Reopen …": on the landing view and in the
/// Project card. `id` names the file input.
#[component]
pub fn OpenProject(
    /// The file input's id.
    id: &'static str,
) -> impl IntoView {
    let projects = use_projects();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(file) = crate::files::take_chosen_file(&ev) {
            projects.open(file.name(), file.into());
        }
    };
    let reopen_id = format!("{id}-reopen");
    view! {
        <label class="button" for=id>"Open a project…"</label>
        <input id=id class="visually-hidden" type="file" accept=".segscope,application/json" on:change=on_change aria-label="Open a Segscope project file (.segscope)"/>
        {move || projects.last.get().map(|last| {
            let label = format!("Reopen {}", last.name);
            view! {
                <button id=reopen_id.clone() type="button" class="button" on:click=move |_| projects.open(last.name.clone(), last.file.clone())>{label}</button>
            }
        })}
    }
}

/// A project waiting for its data files, or for a yes on data that differ.
#[component]
pub fn PendingProject() -> impl IntoView {
    let projects = use_projects();
    move || {
        let pending = projects.pending.get()?;
        let s = pending.summary.clone();
        let view = match pending.differences {
            None => {
                let what = match s.opened {
                    Opened::Table => "customers file",
                    Opened::Transactions => "transactions file",
                };
                let needs_transactions = s.transactions.clone();
                let ready = move || {
                    projects.data_file.with(Option::is_some)
                        && (needs_transactions.is_none() || projects.transactions_file.with(Option::is_some))
                };
                view! {
                    <div id="project-needs-data" class="project-pending" role="group" aria-labelledby="project-needs-data-title">
                        <h3 id="project-needs-data-title">{format!("Open the project {}", s.file)}</h3>
                        <p>{format!("It was saved without its data. Choose the {what} it was made from: {} ({}).", s.input.name, megabytes(s.input.bytes))}</p>
                        <div class="form-row">
                            <label for="project-data-input">{format!("The {what}")}</label>
                            <input id="project-data-input" type="file" on:change=move |ev| {
                                let input: web_sys::HtmlInputElement = event_target(&ev);
                                projects.data_file.set(input.files().and_then(|f| f.get(0)));
                            }/>
                        </div>
                        {s.transactions.clone().map(|t| view! {
                            <div class="form-row">
                                <label for="project-transactions-input">{format!("Its transactions: {} ({})", t.file.name, megabytes(t.file.bytes))}</label>
                                <input id="project-transactions-input" type="file" on:change=move |ev| {
                                    let input: web_sys::HtmlInputElement = event_target(&ev);
                                    projects.transactions_file.set(input.files().and_then(|f| f.get(0)));
                                }/>
                            </div>
                        })}
                        <div class="actions">
                            <button id="project-open-with-data" type="button" class="button primary" disabled=move || !ready() on:click=move |_| projects.open_with_data()>"Open the project"</button>
                            <button id="project-cancel" type="button" class="button" on:click=move |_| projects.pending.set(None)>"Cancel"</button>
                        </div>
                    </div>
                }
                .into_any()
            }
            Some(differences) => view! {
                <div id="project-differences" class="project-pending" role="alert">
                    <h3>{format!("These data are not the ones {} was saved with", s.file)}</h3>
                    <ul>{differences.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                    <p>"Open it anyway and each segmentation is made again from its definition on these data (one that cannot be made is kept, marked out of date, with the reason); or keep these data without the project."</p>
                    <div class="actions">
                        <button id="project-anyway" type="button" class="button primary" on:click=move |_| {
                            leptos::task::spawn_local(projects.restore(true));
                        }>"Open the project on these data"</button>
                        <button id="project-keep-data" type="button" class="button" on:click=move |_| projects.pending.set(None)>"Keep the data without the project"</button>
                    </div>
                </div>
            }
            .into_any(),
        };
        Some(view)
    }
}

/// The Data workspace's Project card: save, open, remember.
#[component]
pub fn ProjectCard() -> impl IntoView {
    let projects = use_projects();
    view! {
        <section id="project-card" class="card" aria-labelledby="project-title">
            <h2 id="project-title">"Project"</h2>
            <p class="hint">"Save this work as a project file (.segscope) to open it again later or hand it on: every segmentation with its settings, the KPIs and lifetime-value settings, and where the data came from (their size and SHA-256). The data stay out of it unless you include them."</p>
            <div class="form-row toolbar">
                <input id="project-include-data" type="checkbox" prop:checked=move || projects.include_data.get() on:change=move |ev| projects.include_data.set(event_target_checked(&ev))/>
                <label for="project-include-data">"Include the data in the project file (anyone with the file can read them)"</label>
            </div>
            <div class="actions">
                <button id="project-save" type="button" class="button primary" on:click=move |_| projects.save()>"Save project"</button>
                <OpenProject id="project-input-again"/>
            </div>
            <div class="form-row toolbar">
                <input id="project-remember" type="checkbox" prop:checked=move || projects.remember.get() on:change=move |ev| projects.set_remember(event_target_checked(&ev))/>
                <label for="project-remember">"Remember my last project in this browser"</label>
            </div>
            <p class="hint">{move || if projects.remember.get() {
                format!("Your last saved or opened project is kept in this browser's storage (IndexedDB, \u{201c}{}\u{201d}) on this computer only. Untick to delete it.", remembered::DATABASE)
            } else {
                "Nothing is kept in this browser: close the page and this work is gone unless you saved a project.".to_string()
            }}</p>
            <PendingProject/>
            {move || {
                let report = projects.report.get();
                (!report.is_empty()).then(|| view! {
                    <div id="project-report" class="project-report">
                        <h3>"Not put back as it was"</h3>
                        <ul>{report.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
        </section>
    }
}
