//! The one way the app reaches the engine: requests in, responses out.
//!
//! Today the engine runs on the page's thread; `call` first yields to the browser so the page
//! can show that work started. Moving the engine into a Web Worker changes only this file.

use std::cell::RefCell;

use segscope_engine::api::{Request, Response, Session};
use segscope_engine::progress::Quiet;

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::new());
}

/// Sends a request to the engine and waits for its response.
pub async fn call(request: Request) -> Response {
    yield_to_browser().await;
    let kind = request_name(&request);
    let started = now_ms();
    let response = SESSION.with(|s| s.borrow_mut().handle(request, &mut Quiet));
    record_timing(kind, now_ms() - started);
    response
}

fn request_name(request: &Request) -> &'static str {
    match request {
        Request::Ingest { .. } => "ingest",
        Request::LoadSample { .. } => "load-sample",
        Request::Reread { .. } => "reread",
        Request::Preview { .. } => "preview",
        Request::Split { .. } => "split",
        Request::ExportCsv { .. } => "export-csv",
        Request::ApplyRules { .. } => "apply-rules",
        Request::ColumnValues { .. } => "column-values",
        Request::SaveDefinition { .. } => "save-definition",
        Request::OpenDefinition { .. } => "open-definition",
        Request::SuggestTemplates { .. } => "suggest-templates",
        Request::AttachTransactions { .. } => "attach-transactions",
        Request::AttachSampleTransactions { .. } => "attach-sample-transactions",
        Request::CustomersFromTransactions { .. } => "customers-from-transactions",
        Request::Remap { .. } => "remap",
        Request::Detach { .. } => "detach",
        Request::Rfm { .. } => "rfm",
        Request::RfmCell { .. } => "rfm-cell",
        Request::RfmFiles { .. } => "rfm-files",
        Request::Clv { .. } => "clv",
        Request::OpenRfmDefinition { .. } => "open-rfm-definition",
        Request::ClvFiles { .. } => "clv-files",
        Request::FromTemplate { .. } => "from-template",
        Request::RulesSql { .. } => "rules-sql",
        Request::Forget { .. } => "forget",
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Leaves the last duration of each kind of request on the page (`data-engine-ms-<kind>` on
/// `<html>`), where the benchmark reads it. Nothing leaves the page.
fn record_timing(kind: &str, ms: f64) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute(&format!("data-engine-ms-{kind}"), &format!("{ms:.2}"));
    }
}

/// Lets the browser paint (e.g. a "Reading…" message) before a long synchronous step.
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
