//! The one way the app reaches the engine: requests go to the engine's Web Worker and come back
//! as responses, with progress in between.
//!
//! Requests run one at a time in the order sent (the worker is single-threaded; later requests
//! wait in its queue). Files cross as `Blob` handles, never copied here. Every completed request
//! that changed the session is kept in a journal ([`JournalLog`]): to **cancel**, the client
//! stops the worker at once, starts a new one and replays the journal into it, so the session is
//! exactly what it was before the cancelled request (ARCHITECTURE.md, "Cancel"). The same
//! restart recovers from a bug that stops the engine.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect};
use segscope_engine::api::{JournalLog, Progress, Request, Response};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent, Worker};

/// The worker's loader, written by Trunk next to index.html (relative, so sub-paths work).
const WORKER_URL: &str = "./segscope-worker_loader.js";

/// What the engine is doing, for the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Activity {
    /// The request running now.
    pub running: Option<Running>,
    /// True while a new worker is rebuilding the session after a cancel or an engine failure.
    pub restoring: bool,
    /// Requests waiting behind the running one.
    pub queued: usize,
    /// Set when the engine cannot run at all: a sentence for the user.
    pub failed: Option<String>,
}

/// The request the engine is working on.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    /// Its kind (`Request::kind`).
    pub kind: &'static str,
    /// What the user is told it does ("Reading customers.csv…").
    pub label: String,
    /// Its latest progress report.
    pub progress: Option<Progress>,
    /// True when it is the rebuilding of the session, which cannot be cancelled.
    pub restore: bool,
}

/// How a request ended.
pub enum Outcome {
    /// The engine answered; `files` holds the contents of a [`Response::Files`], in order.
    Answered {
        /// The answer.
        response: Response,
        /// The files' contents.
        files: Vec<Blob>,
    },
    /// The user cancelled it; the session is as it was before it.
    Cancelled,
}

/// The message a caller of [`call`] gets for a cancelled request.
pub const CANCELLED: &str = "Cancelled. Everything is as it was before.";

struct Job {
    id: u32,
    label: String,
    request: Request,
    file: Option<Blob>,
    /// `None` for journal replays, whose answers nobody awaits.
    reply: Option<oneshot::Sender<Outcome>>,
    started_ms: f64,
}

#[derive(Default)]
struct Client {
    worker: Option<Worker>,
    ready: bool,
    /// Messages posted to the current worker (their ids, so answers can be matched).
    posted: u32,
    /// Posted to the worker, oldest (running) first.
    sent: VecDeque<Job>,
    /// Waiting for the worker to be ready.
    waiting: VecDeque<Job>,
    journal: JournalLog<Option<Blob>>,
    activity: Activity,
    listener: Option<Rc<dyn Fn(Activity)>>,
    /// Kept alive while the worker runs.
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_error: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

thread_local! {
    static CLIENT: RefCell<Client> = RefCell::new(Client::default());
}

/// Starts the engine's worker; `listener` hears every change of [`Activity`].
pub fn start(listener: impl Fn(Activity) + 'static) {
    CLIENT.with(|c| c.borrow_mut().listener = Some(Rc::new(listener)));
    spawn_worker();
}

/// Sends a request (with its input file, if it reads one) and waits for the outcome; `label`
/// says what it does while it runs.
pub async fn send(label: &str, request: Request, file: Option<Blob>) -> Outcome {
    let (tx, rx) = oneshot::channel();
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let job = Job { id: 0, label: label.to_string(), request, file, reply: Some(tx), started_ms: 0.0 };
        c.enqueue(job);
    });
    notify();
    rx.await.unwrap_or(Outcome::Cancelled)
}

/// Sends a request that reads no file; a cancel comes back as an error saying [`CANCELLED`].
pub async fn call(label: &str, request: Request) -> Response {
    match send(label, request, None).await {
        Outcome::Answered { response, .. } => response,
        Outcome::Cancelled => Response::Error { message: CANCELLED.into() },
    }
}

/// Cancels the running request (not a restore): the worker stops now and a new one rebuilds the
/// session from the journal. Requests queued behind it still run afterwards.
pub fn cancel() {
    let cancelled = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.activity.restoring || c.sent.front().is_none_or(|j| j.reply.is_none()) {
            return None;
        }
        let running = c.sent.pop_front();
        c.restart();
        running
    });
    if let Some(reply) = cancelled.and_then(|j| j.reply) {
        let _ = reply.send(Outcome::Cancelled);
    }
    respawn();
}

impl Client {
    fn enqueue(&mut self, mut job: Job) {
        if self.ready {
            self.post(&mut job);
            self.sent.push_back(job);
        } else {
            self.waiting.push_back(job);
        }
        self.refresh();
    }

    fn post(&mut self, job: &mut Job) {
        self.posted += 1;
        job.id = self.posted;
        job.started_ms = now_ms();
        let Some(worker) = &self.worker else { return };
        let message = Object::new();
        let json = serde_json::to_string(&job.request).unwrap_or_default();
        let _ = Reflect::set(&message, &"id".into(), &job.id.into());
        let _ = Reflect::set(&message, &"request".into(), &json.into());
        if let Some(file) = &job.file {
            let _ = Reflect::set(&message, &"file".into(), file);
        }
        let _ = Reflect::set(&message, &"helpers".into(), &helpers().into());
        if let Some(budget) = budget() {
            let _ = Reflect::set(&message, &"budget".into(), &budget.into());
        }
        let _ = worker.post_message(&message);
    }

    /// Stops the worker; everything posted but unanswered waits again, journal replays first.
    fn restart(&mut self) {
        if let Some(w) = self.worker.take() {
            w.terminate();
        }
        self.ready = false;
        let mut again: VecDeque<Job> = self.sent.drain(..).filter(|j| j.reply.is_some()).collect();
        again.extend(self.waiting.drain(..));
        let steps = self.journal.len();
        let replays = self.journal.entries().iter().enumerate().map(|(i, (request, file))| Job {
            id: 0,
            label: format!("Restoring your data (step {} of {steps})…", i + 1),
            request: request.clone(),
            file: file.clone(),
            reply: None,
            started_ms: 0.0,
        });
        self.waiting = replays.chain(again).collect();
        self.activity.restoring = !self.journal.is_empty();
        self.refresh();
    }

    fn on_ready(&mut self) {
        self.ready = true;
        let mut waiting = std::mem::take(&mut self.waiting);
        for job in waiting.iter_mut() {
            self.post(job);
        }
        self.sent.extend(waiting);
        self.refresh();
    }

    /// The answer to the oldest posted job.
    fn on_response(&mut self, id: u32, response: Response, files: Vec<Blob>) -> Option<(Job, Outcome)> {
        let job = self.sent.pop_front()?;
        if job.id != id {
            // Never expected: the worker answers in order. Keep the journal honest by restarting.
            self.sent.push_front(job);
            return None;
        }
        record_timing(job.request.kind(), now_ms() - job.started_ms);
        if job.reply.is_some() {
            self.journal.record(job.request.clone(), job.file.clone());
        }
        self.refresh();
        Some((job, Outcome::Answered { response, files }))
    }

    fn refresh(&mut self) {
        let running = self.sent.front();
        self.activity.restoring =
            self.activity.restoring && self.sent.iter().chain(&self.waiting).any(|j| j.reply.is_none());
        let same = match (running, &self.activity.running) {
            (Some(job), Some(now)) => job.label == now.label && job.request.kind() == now.kind,
            (None, None) => true,
            _ => false,
        };
        if !same {
            self.activity.running = running.map(|j| Running {
                kind: j.request.kind(),
                label: j.label.clone(),
                progress: None,
                restore: j.reply.is_none(),
            });
        }
        self.activity.queued = (self.sent.len() + self.waiting.len()).saturating_sub(1);
    }
}

fn notify() {
    let (listener, activity) = CLIENT.with(|c| {
        let c = c.borrow();
        (c.listener.clone(), c.activity.clone())
    });
    if let Some(l) = listener {
        l(activity);
    }
}

/// How many helper workers add up a large transactions file's parts beside the engine's worker:
/// `?workers=N` in the page's address (0: the engine's worker alone), else, on 4 cores or more,
/// one per core the browser reports besides the engine's own (at most 8; `?workers=` takes up to
/// [`MOST_HELPERS`]), and none on fewer. The answer is the same whatever the number.
fn helpers() -> u32 {
    thread_local! {
        static HELPERS: u32 = {
            let window = web_sys::window();
            let query = window.as_ref().and_then(|w| w.location().search().ok()).unwrap_or_default();
            let asked = query
                .trim_start_matches('?')
                .split('&')
                .find_map(|p| p.strip_prefix("workers=").and_then(|n| n.parse::<u32>().ok()));
            let cores = window.map_or(1.0, |w| w.navigator().hardware_concurrency()) as u32;
            // Measured on 2 cores (README, "Helper workers"): one helper beside the engine's worker is no
            // faster than none, since cutting the parts and putting their totals together is half the work.
            let default = if cores >= 4 { (cores - 1).min(8) } else { 0 };
            asked.unwrap_or(default).min(MOST_HELPERS)
        };
    }
    HELPERS.with(|h| *h)
}

/// The most memory, in bytes, a file opened whole may take in the engine: `?memory=MB` in the
/// page's address (for a tab that must leave room for others); else what its wasm memory allows.
fn budget() -> Option<f64> {
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|p| p.strip_prefix("memory=").and_then(|n| n.parse::<f64>().ok()))
        .filter(|mb| *mb > 0.0)
        .map(|mb| mb * 1e6)
}

/// The most helper workers (the engine's worker accepts as many).
const MOST_HELPERS: u32 = 16;

fn spawn_worker() {
    let options = web_sys::WorkerOptions::new();
    options.set_name("segscope-engine");
    let worker = match Worker::new_with_options(WORKER_URL, &options) {
        Ok(w) => w,
        Err(e) => return fail(&format!("{e:?}")),
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
        let detail = e
            .dyn_ref::<web_sys::ErrorEvent>()
            .map_or_else(|| "the engine's files did not load".to_string(), |e| e.message());
        let ready = CLIENT.with(|c| c.borrow().ready);
        if ready {
            engine_stopped(&detail);
        } else {
            fail(&detail);
        }
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        c.worker = Some(worker);
        c.on_message = Some(on_message);
        c.on_error = Some(on_error);
    });
}

/// The worker could not start: every waiting request fails with one sentence.
fn fail(detail: &str) {
    let message = format!(
        "The analysis engine could not start in this browser ({detail}). Segscope needs Web Workers and \
         WebAssembly with SIMD (Chrome or Edge 91, Firefox 89, Safari 16.4 or newer); reload the page, or try a \
         current version of Chrome, Edge, Firefox or Safari."
    );
    let jobs: Vec<Job> = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        c.activity.failed = Some(message.clone());
        c.activity.restoring = false;
        let mut jobs: Vec<Job> = c.sent.drain(..).collect();
        jobs.extend(c.waiting.drain(..));
        c.refresh();
        jobs
    });
    for job in jobs {
        if let Some(reply) = job.reply {
            let _ =
                reply.send(Outcome::Answered { response: Response::Error { message: message.clone() }, files: vec![] });
        }
    }
    notify();
}

/// The engine stopped on a bug while running a request: that request fails with the reason,
/// and a new worker rebuilds the session from the journal.
fn engine_stopped(detail: &str) {
    let failed = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let job = c.sent.pop_front();
        c.restart();
        job
    });
    let Some(job) = failed else { return respawn() };
    let message = match job.file.as_ref().and_then(|f| f.dyn_ref::<web_sys::File>()) {
        // Reading a file: its reader met something it could not handle (a damaged workbook can stop calamine).
        Some(file) => format!(
            "{}: Segscope's reader stopped on something in this file it could not handle, so the file was not opened; \
             your data and results are as they were before. The file may be damaged: open it in Excel or LibreOffice \
             and save it again, or save it as CSV and open that. If it happens again, please report it with this \
             detail: {detail}",
            file.name()
        ),
        None => format!(
            "The engine hit an internal error and was restarted; your data and results are as they were before this \
             step. If it happens again with the same file, please report it with this detail: {detail}"
        ),
    };
    if let Some(reply) = job.reply {
        let _ = reply.send(Outcome::Answered { response: Response::Error { message }, files: vec![] });
    }
    respawn();
}

/// Starts the new worker once the current event handler has returned (the old worker's
/// handlers are dropped when it is replaced).
fn respawn() {
    notify();
    wasm_bindgen_futures::spawn_local(async {
        spawn_worker();
        notify();
    });
}

fn on_message(event: MessageEvent) {
    let data = event.data();
    let field = |name: &str| Reflect::get(&data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    match field("kind").as_string().as_deref() {
        Some("ready") => CLIENT.with(|c| c.borrow_mut().on_ready()),
        Some("progress") => {
            let progress: Option<Progress> = field("progress").as_string().and_then(|j| serde_json::from_str(&j).ok());
            CLIENT.with(|c| {
                let mut c = c.borrow_mut();
                if let Some(running) = c.activity.running.as_mut() {
                    running.progress = progress;
                }
            });
        }
        Some("response") => {
            let id = field("id").as_f64().unwrap_or(-1.0) as u32;
            let response: Response = match field("response").as_string().map(|j| serde_json::from_str(&j)) {
                Some(Ok(r)) => r,
                _ => Response::Error { message: "The engine's answer could not be read; reload the page.".into() },
            };
            let files: Vec<Blob> = field("files")
                .dyn_into::<Array>()
                .map(|a| a.iter().filter_map(|b| b.dyn_into().ok()).collect())
                .unwrap_or_default();
            let done = CLIENT.with(|c| c.borrow_mut().on_response(id, response, files));
            if let Some((job, outcome)) = done {
                if let Some(reply) = job.reply {
                    let _ = reply.send(outcome);
                }
            }
        }
        Some("panic") => {
            let detail = field("message").as_string().unwrap_or_default();
            engine_stopped(&detail);
            return;
        }
        _ => {}
    }
    notify();
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Leaves the last duration of each kind of request on the page (`data-engine-ms-<kind>` on
/// `<html>`, from posting it to the worker to its answer), where the benchmark reads it.
/// Nothing leaves the page.
fn record_timing(kind: &str, ms: f64) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute(&format!("data-engine-ms-{kind}"), &format!("{ms:.2}"));
    }
}
