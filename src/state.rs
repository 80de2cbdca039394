//! The signals the root owns: what is open, what is segmented, and what to tell the user.

use leptos::prelude::*;
use segscope_engine::api::{
    AssignmentView, AttachView, DatasetView, Definition, FileOut, Journal, Request, Response, SegmentationKind,
    SegmentationView,
};
use segscope_engine::reproduce::SegmentationRecipe;

use crate::engine_client::{self, Activity, Outcome};
use crate::routes::Route;

/// App-wide state, provided as context by [`crate::app::App`].
#[derive(Clone, Copy)]
pub struct AppState {
    /// The open dataset.
    pub dataset: RwSignal<Option<DatasetView>>,
    /// Transactions attached to it (their per-customer aggregates are extra columns for rules).
    pub transactions: RwSignal<Option<AttachView>>,
    /// The current segmentation of it.
    pub assignment: RwSignal<Option<AssignmentView>>,
    /// The last error, as a sentence for the user. It stays until dismissed or until the kind of
    /// request that failed succeeds.
    pub error: RwSignal<Option<String>>,
    /// The kind of request (`Request::kind`) whose failure `error` shows, if a request failed.
    pub error_from: StoredValue<Option<&'static str>>,
    /// Something the user should know that is not an error ("Cancelled…").
    pub notice: RwSignal<Option<String>>,
    /// What the engine is doing (running request, progress, queue).
    pub activity: RwSignal<Activity>,
    /// The open dataset's segmentations, as the engine last listed them.
    pub segmentations: RwSignal<Vec<SegmentationView>>,
    /// The workspace shown (from the URL fragment).
    pub route: RwSignal<Route>,
    /// A file the engine would not open whole, shown with the ways that fit.
    pub too_large: RwSignal<Option<crate::components::too_large::TooLargeFile>, LocalStorage>,
    /// A rule definition another workspace hands to the rule builder to edit (clusters as rules).
    pub open_rules: RwSignal<Option<Definition>>,
    /// What each workspace edits in a project just opened, until that workspace takes it
    /// ([`AppState::take_restored`]) into its form.
    pub restored: RwSignal<Vec<SegmentationRecipe>>,
    /// The user's chart choices (the KPI a chart shows, the feature a distribution shows), by the
    /// choosing control's id: kept in projects and taken by a chart when it is drawn again.
    pub choices: StoredValue<std::collections::BTreeMap<String, String>>,
}

impl AppState {
    /// Fresh state with nothing open; starts the engine's worker.
    pub fn new() -> Self {
        let state = AppState {
            dataset: RwSignal::new(None),
            assignment: RwSignal::new(None),
            transactions: RwSignal::new(None),
            error: RwSignal::new(None),
            error_from: StoredValue::new(None),
            notice: RwSignal::new(None),
            activity: RwSignal::new(Activity::default()),
            segmentations: RwSignal::new(Vec::new()),
            route: RwSignal::new(Route::current()),
            too_large: RwSignal::new_local(None),
            open_rules: RwSignal::new(None),
            restored: RwSignal::new(Vec::new()),
            choices: StoredValue::new(std::collections::BTreeMap::new()),
        };
        engine_client::start(move |a| state.activity.set(a));
        state
    }

    /// Sends `request` (`busy` says what it does while it runs); shows an error response and
    /// returns the rest. `None` also when the user cancelled it.
    pub async fn request(self, busy: &str, request: Request) -> Option<Response> {
        self.outcome(busy, request, None).await.map(|(r, _)| r)
    }

    /// Like [`AppState::request`], for a request that reads `file` (it crosses to the engine as
    /// a handle; its bytes are never copied on the page).
    pub async fn request_with_file(
        self,
        busy: &str,
        request: Request,
        file: impl Into<web_sys::Blob>,
    ) -> Option<Response> {
        self.outcome(busy, request, Some(file.into())).await.map(|(r, _)| r)
    }

    /// Sends a request that answers with files and downloads those `pick` keeps.
    pub async fn download(self, busy: &str, request: Request, pick: impl Fn(&FileOut) -> bool) {
        for (file, blob) in self.files(busy, request).await.iter().filter(|(f, _)| pick(f)) {
            if let Err(e) = crate::download::save(&file.name, blob) {
                self.error.set(Some(e));
            }
        }
    }

    /// Sends a request that answers with files: each with its contents (empty when it failed).
    pub async fn files(self, busy: &str, request: Request) -> Vec<(FileOut, web_sys::Blob)> {
        match self.outcome(busy, request, None).await {
            Some((Response::Files(files), contents)) => files.into_iter().zip(contents).collect(),
            _ => Vec::new(),
        }
    }

    /// The choice last made with the control `id`, if any.
    pub fn choice(self, id: &str) -> Option<String> {
        self.choices.with_value(|c| c.get(id).cloned())
    }

    /// Remembers the choice made with the control `id` (for projects).
    pub fn choose(self, id: &str, value: String) {
        self.choices.update_value(|c| {
            c.insert(id.to_string(), value);
        });
    }

    /// The spec a project just opened gives the workspace of `kind`, taken once (a workspace's
    /// effect that calls this runs again when a project opens).
    pub fn take_restored(self, kind: SegmentationKind) -> Option<SegmentationRecipe> {
        self.restored.track();
        let of_kind = |r: &SegmentationRecipe| r.kind() == kind;
        self.restored.try_update_untracked(|list| list.iter().position(of_kind).map(|i| list.remove(i))).flatten()
    }

    async fn outcome(
        self,
        busy: &str,
        request: Request,
        file: Option<web_sys::Blob>,
    ) -> Option<(Response, Vec<web_sys::Blob>)> {
        let changes = request.journal() != Journal::Read;
        let kind = request.kind();
        match engine_client::send(busy, request, file).await {
            Outcome::Cancelled => {
                self.notice.set(Some(engine_client::CANCELLED.to_string()));
                None
            }
            Outcome::Answered { response: Response::Error { message }, .. } => {
                self.error.set(Some(message));
                self.error_from.set_value(Some(kind));
                None
            }
            Outcome::Answered { response, files } => {
                if self.error_from.get_value() == Some(kind) {
                    self.error.set(None);
                    self.error_from.set_value(None);
                }
                if let Response::Segmentations(list) = &response {
                    self.show_segmentations(list.clone());
                } else if changes {
                    leptos::task::spawn_local(self.refresh_segmentations());
                }
                Some((response, files))
            }
        }
    }

    /// Asks the engine for the open dataset's segmentations again.
    pub async fn refresh_segmentations(self) {
        let Some(dataset) = self.dataset.get_untracked().map(|d| d.id) else {
            self.segmentations.set(Vec::new());
            return;
        };
        if let Response::Segmentations(list) =
            engine_client::call("Listing the segmentations…", Request::Segmentations { dataset }).await
        {
            // Only if the same data is still open (a new file may have opened meanwhile).
            if self.dataset.get_untracked().map(|d| d.id) == Some(dataset) {
                self.show_segmentations(list);
            }
        }
    }

    /// Shows the engine's list of segmentations; the same list again changes nothing on the page.
    pub fn show_segmentations(self, list: Vec<SegmentationView>) {
        if self.segmentations.with_untracked(|shown| *shown != list) {
            self.segmentations.set(list);
        }
    }

    /// Shows a newly read dataset (the previous one stays until this succeeds).
    pub fn show_dataset(self, response: Option<Response>) {
        if let Some(Response::Dataset(view)) = response {
            let previous = self.dataset.get_untracked().map(|d| d.id).filter(|&id| id != view.id);
            self.assignment.set(None);
            self.segmentations.set(Vec::new());
            self.restored.set(Vec::new());
            if previous.is_some() {
                self.transactions.set(None);
            }
            self.dataset.set(Some(*view));
            if let Some(dataset) = previous {
                leptos::task::spawn_local(async move {
                    engine_client::call("Closing the previous data…", Request::Forget { dataset }).await;
                });
            }
        }
    }
}

/// The app state from context.
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
