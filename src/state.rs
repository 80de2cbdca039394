//! The signals the root owns: what is open, what is segmented, and what to tell the user.

use leptos::prelude::*;
use segscope_engine::api::{AssignmentView, AttachView, DatasetView, Request, Response};

use crate::engine_client;

/// App-wide state, provided as context by [`crate::app::App`].
#[derive(Clone, Copy)]
pub struct AppState {
    /// The open dataset.
    pub dataset: RwSignal<Option<DatasetView>>,
    /// Transactions attached to it (their per-customer aggregates are extra columns for rules).
    pub transactions: RwSignal<Option<AttachView>>,
    /// The current segmentation of it.
    pub assignment: RwSignal<Option<AssignmentView>>,
    /// The last error, as a sentence for the user.
    pub error: RwSignal<Option<String>>,
    /// What the engine is doing, while it is busy.
    pub busy: RwSignal<Option<String>>,
}

impl AppState {
    /// Fresh state with nothing open.
    pub fn new() -> Self {
        AppState {
            dataset: RwSignal::new(None),
            assignment: RwSignal::new(None),
            transactions: RwSignal::new(None),
            error: RwSignal::new(None),
            busy: RwSignal::new(None),
        }
    }

    /// Sends `request` with a busy message; shows an error response and returns the rest.
    pub async fn request(self, busy: &str, request: Request) -> Option<Response> {
        self.busy.set(Some(busy.to_string()));
        let response = engine_client::call(request).await;
        self.busy.set(None);
        match response {
            Response::Error { message } => {
                self.error.set(Some(message));
                None
            }
            other => {
                self.error.set(None);
                Some(other)
            }
        }
    }

    /// Shows a newly read dataset (the previous one stays until this succeeds).
    pub fn show_dataset(self, response: Option<Response>) {
        if let Some(Response::Dataset(view)) = response {
            let previous = self.dataset.get_untracked().map(|d| d.id).filter(|&id| id != view.id);
            self.assignment.set(None);
            if previous.is_some() {
                self.transactions.set(None);
            }
            self.dataset.set(Some(*view));
            if let Some(dataset) = previous {
                leptos::task::spawn_local(async move {
                    engine_client::call(Request::Forget { dataset }).await;
                });
            }
        }
    }
}

/// The app state from context.
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
