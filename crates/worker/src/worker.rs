//! The worker's message loop (wasm only).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use segscope_engine::api::{memory, InputFile, Progress, Request, Response, Session};
use segscope_engine::ingest::estimate::HEAD_BYTES;
use segscope_engine::progress::Monitor;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use crate::blob::{read_blob, read_head, BlobError, BlobSource};
use crate::pool::Pool;

thread_local! {
    static SESSION: Rc<RefCell<Session>> = Rc::new(RefCell::new(Session::new()));
    /// Requests from the page not yet handled, oldest first.
    static QUEUE: RefCell<VecDeque<JsValue>> = const { RefCell::new(VecDeque::new()) };
    /// True while requests are being handled (one at a time, in order).
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// The most helper workers a page may ask for.
const MOST_HELPERS: usize = 16;

/// Shortest gap between two progress messages of one stage, in milliseconds.
const PROGRESS_EVERY_MS: f64 = 50.0;

/// The field `name` of a message's data (`undefined` when it has none).
pub(crate) fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// This worker's global scope.
pub(crate) fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(fields: &[(&str, JsValue)]) {
    let message = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&message, &JsValue::from_str(key), value);
    }
    if let Err(e) = scope().post_message(&message) {
        web_sys::console::error_2(&"segscope-worker: could not post a message".into(), &e);
    }
}

/// Installs the message handler and tells the page the engine is ready.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        post(&[("kind", "panic".into()), ("message", info.to_string().into())]);
    }));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&[("kind", "ready".into())]);
}

fn on_message(event: MessageEvent) {
    let data = event.data();
    if crate::pool::helper_message(&data) {
        return; // this worker is a helper, and this is a part to add up
    }
    QUEUE.with(|q| q.borrow_mut().push_back(data));
    if !BUSY.with(|b| b.replace(true)) {
        wasm_bindgen_futures::spawn_local(handle_queued());
    }
}

/// Handles the queued requests one at a time, in order (a request may wait for helper workers;
/// requests that come meanwhile wait their turn).
async fn handle_queued() {
    while let Some(data) = QUEUE.with(|q| q.borrow_mut().pop_front()) {
        handle(&data).await;
    }
    BUSY.with(|b| b.set(false));
}

// Only this task touches the session, one request at a time: its borrow is never contended.
#[allow(clippy::await_holding_refcell_ref)]
async fn handle(data: &JsValue) {
    let id = field(data, "id");
    let helpers = field(data, "helpers").as_f64().map_or(0, |n| n.clamp(0.0, MOST_HELPERS as f64) as usize);
    let budget = field(data, "budget").as_f64().filter(|b| *b > 0.0).unwrap_or(f64::INFINITY);
    let response = match receive(&field(data, "request"), field(data, "file"), budget) {
        Ok(request) => {
            let mut monitor = Posting { id: id.clone(), stage: String::new(), last_ms: f64::NEG_INFINITY };
            let session = SESSION.with(Rc::clone);
            let response = session.borrow_mut().handle_on(request, &mut monitor, &mut Pool::new(helpers)).await;
            response
        }
        Err(response) => response,
    };
    reply(id, response);
}

/// The request as sent by the page, with its file's bytes read from the `Blob`; or the answer
/// when it cannot be handled (a file that would take more than `budget` bytes, or than the memory left).
fn receive(json: &JsValue, file: JsValue, budget: f64) -> Result<Request, Response> {
    let unreadable_request = |e: String| Response::Error {
        message: format!("The page sent a request the engine cannot read ({e}); reload the page."),
    };
    let text = json.as_string().ok_or_else(|| unreadable_request("not text".into()))?;
    let mut request: Request = serde_json::from_str(&text).map_err(|e| unreadable_request(e.to_string()))?;
    if let Some(blob) = file.dyn_ref::<Blob>() {
        let unreadable = |e: JsValue| {
            format!(
                "The browser could not read the file ({}). Check that it is a file you can open, then try again.",
                e.as_string().unwrap_or_else(|| format!("{e:?}"))
            )
        };
        if request.reads_file_in_parts() {
            request.put_input(InputFile::from_source(BlobSource::new(blob.clone())));
        } else {
            if let Request::Ingest { name, options, .. } = &request {
                let head = read_head(blob, HEAD_BYTES).map_err(|e| Response::Error { message: unreadable(e) })?;
                let available = budget.min((WASM_MEMORY - memory_used() - MARGIN).max(0.0)) as u64;
                if let Some(view) = memory::too_large(name, &head, blob.size() as u64, options, available) {
                    return Err(Response::TooLarge(Box::new(view)));
                }
            }
            request.put_file(read_blob(blob).map_err(|e| Response::Error {
                message: match e {
                    BlobError::Browser(e) => unreadable(e),
                    BlobError::TooLarge { size } => too_large(size),
                },
            })?);
        }
    }
    Ok(request)
}

/// The most memory a wasm32 instance can have: 4 GiB.
const WASM_MEMORY: f64 = 4.0 * 1024.0 * 1024.0 * 1024.0;

/// Memory kept free besides a file's estimate (the engine's own work while it reads).
const MARGIN: f64 = 128.0 * 1024.0 * 1024.0;

/// The bytes of memory this wasm instance holds now.
fn memory_used() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0.0, |b| f64::from(b.byte_length()))
}

/// The sentence for a file the engine's memory (at most 4 GB in a browser tab) cannot hold.
fn too_large(size: f64) -> String {
    format!(
        "This file is {:.0} MB, more than this browser tab has memory left for. Open a smaller file or a column subset, or use the command-line tool `segscope`, which reads files of any size a record at a time.",
        size / 1e6
    )
}

fn reply(id: JsValue, mut response: Response) {
    let blobs = Array::new();
    for bytes in response.take_files() {
        let parts = Array::of1(&Uint8Array::from(bytes.as_slice()));
        match Blob::new_with_u8_array_sequence(&parts) {
            Ok(blob) => {
                blobs.push(&blob);
            }
            Err(_) => {
                response = Response::Error {
                    message: "The browser could not hold the download in memory; close other tabs and try again."
                        .into(),
                };
                break;
            }
        }
    }
    let json = serde_json::to_string(&response).unwrap_or_else(|e| {
        serde_json::to_string(&Response::Error { message: format!("The engine could not send its answer ({e}).") })
            .unwrap_or_default()
    });
    post(&[("kind", "response".into()), ("id", id), ("response", json.into()), ("files", blobs.into())]);
}

/// Posts progress to the page: at every new stage, else at most every [`PROGRESS_EVERY_MS`].
struct Posting {
    id: JsValue,
    stage: String,
    last_ms: f64,
}

impl Monitor for Posting {
    fn progress(&mut self, stage: &str, done: u64, total: u64) {
        let now = scope().performance().map_or(0.0, |p| p.now());
        if stage == self.stage && now - self.last_ms < PROGRESS_EVERY_MS && done < total {
            return;
        }
        self.last_ms = now;
        if stage != self.stage {
            self.stage = stage.to_string();
        }
        let progress = Progress { stage: stage.to_string(), done, total };
        if let Ok(json) = serde_json::to_string(&progress) {
            post(&[("kind", "progress".into()), ("id", self.id.clone()), ("progress", json.into())]);
        }
    }

    /// The worker is stopped from outside to cancel; it never asks the engine to stop.
    fn is_cancelled(&self) -> bool {
        false
    }
}
