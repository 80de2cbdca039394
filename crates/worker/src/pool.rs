//! Helper workers that add up a transactions file's parts on the machine's other cores.
//!
//! The engine's worker reads the `File` and cuts it into parts at record boundaries; each part's
//! bytes go to a helper (another instance of this wasm, started from the same loader script), and
//! the helpers' totals go back to the engine in file order, so the answer is the same to the byte
//! whatever the number of helpers (DECISIONS 7; `tests/e2e/big_transactions.test.mjs` compares).
//!
//! Messages to a helper: `{ kind: "reader", reader }` (what reads a part, as bytes) before its
//! parts, then `{ kind: "part", part, bytes, firstLine, end }`. From a helper: `{ kind: "ready" }`
//! once started, `{ kind: "totals", part, totals }`, or `{ kind: "totals", part }` without totals
//! when it could not add the part up, and `{ kind: "panic", message }`.
//!
//! The engine's worker keeps each part until its totals come: a part a helper could not add up
//! (a ragged row under "fail", a helper that stopped) is added up again here, so its error names
//! the line and a helper's failure costs time, never the result. Helpers are started at the first
//! file that has more than one part and kept for later files. Where they cannot start (a browser
//! without nested workers), parts are added up in the engine's worker, one after another, as with
//! no helpers at all.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use segscope_engine::customers::{InOrder, PartReader, PartTotals, Workers};
use segscope_engine::ingest::RecordChunk;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker, WorkerOptions};

use crate::worker::{field, scope};

/// Longest wait for a helper to start before its parts are added up here instead.
const START_MS: i32 = 20_000;

/// Parts sent to one helper and not yet answered, at most (enough to keep it busy while the
/// engine cuts the next part, few enough to bound memory).
const IN_FLIGHT: usize = 2;

thread_local! {
    /// The helpers started so far (kept between files).
    static HELPERS: RefCell<Vec<Rc<Helper>>> = const { RefCell::new(Vec::new()) };
    /// Parts sent and not yet answered: their number and the function that resolves their promise.
    static WAITING: RefCell<HashMap<u64, Function>> = RefCell::new(HashMap::new());
    /// Parts answered whose answer has not been taken yet.
    static ANSWERED: RefCell<std::collections::HashSet<u64>> = RefCell::new(std::collections::HashSet::new());
    /// The number the next part sent gets.
    static NEXT_PART: Cell<u64> = const { Cell::new(0) };
}

/// Adds up parts on `helpers` helper workers (none: in the engine's worker, one after another).
pub struct Pool {
    helpers: usize,
}

impl Pool {
    /// A pool of `helpers` helper workers.
    pub fn new(helpers: usize) -> Self {
        Pool { helpers }
    }
}

impl Workers for Pool {
    fn run<'a>(
        &'a mut self,
        next: &'a mut dyn FnMut() -> Option<RecordChunk>,
        reader: &'a PartReader,
        done: &'a mut dyn FnMut(PartTotals) -> bool,
    ) -> Pin<Box<dyn Future<Output = ()> + 'a>> {
        let wanted = self.helpers;
        Box::pin(async move {
            // A file of one part is added up here: starting helpers would take longer.
            let Some(first) = next() else { return };
            let Some(second) = next() else {
                done(reader.add_up(&first));
                return;
            };
            let helpers = if wanted == 0 { Vec::new() } else { started(wanted).await };
            let mut cut = VecDeque::from([first, second]);
            let mut next = || cut.pop_front().or_else(&mut *next);
            if helpers.is_empty() {
                return InOrder::run_now(&mut next, reader, done);
            }
            on_helpers(&helpers, &mut next, reader, done).await;
        })
    }
}

/// One helper worker.
struct Helper {
    worker: Worker,
    /// Parts sent and not answered.
    in_flight: RefCell<Vec<u64>>,
    /// False once it failed: it gets no more parts and is started again for the next file.
    alive: Cell<bool>,
    /// Kept alive while the worker runs.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// `wanted` helpers, started (those that did not start within [`START_MS`] are left out).
async fn started(wanted: usize) -> Vec<Rc<Helper>> {
    HELPERS.with(|h| h.borrow_mut().retain(|helper| helper.alive.get()));
    while HELPERS.with(|h| h.borrow().len()) < wanted {
        match start_helper().await {
            Some(helper) => HELPERS.with(|h| h.borrow_mut().push(helper)),
            None => break,
        }
    }
    HELPERS.with(|h| h.borrow().iter().take(wanted).cloned().collect())
}

/// A new helper, once it says it is ready; `None` when it cannot start.
async fn start_helper() -> Option<Rc<Helper>> {
    let script = scope().location().href();
    let options = WorkerOptions::new();
    options.set_name("segscope-helper");
    let worker = Worker::new_with_options(&script, &options).ok()?;
    let ready: Rc<RefCell<Option<Function>>> = Rc::new(RefCell::new(None));
    let promise = {
        let ready = Rc::clone(&ready);
        Promise::new(&mut |resolve, _| *ready.borrow_mut() = Some(resolve))
    };
    let helper = Rc::new_cyclic(|me: &std::rc::Weak<Helper>| {
        let (me_message, me_error, ready_message, ready_error) = (me.clone(), me.clone(), Rc::clone(&ready), ready);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            match field(&data, "kind").as_string().as_deref() {
                Some("ready") => settle(&ready_message, true),
                Some("totals") => answer(field(&data, "part"), &data),
                Some("panic") => {
                    let message = field(&data, "message").as_string().unwrap_or_default();
                    if let Some(helper) = me_message.upgrade() {
                        helper.fail(&message);
                    }
                }
                _ => {}
            }
        });
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let message = event
                .dyn_ref::<web_sys::ErrorEvent>()
                .map_or_else(|| "a helper worker did not start".to_string(), |e| e.message());
            settle(&ready_error, false);
            if let Some(helper) = me_error.upgrade() {
                helper.fail(&message);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Helper {
            worker,
            in_flight: RefCell::new(Vec::new()),
            alive: Cell::new(true),
            _on_message: on_message,
            _on_error: on_error,
        }
    });
    let timeout = Promise::new(&mut |resolve, _| {
        let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_1(&resolve, START_MS, &false.into());
    });
    let started = JsFuture::from(Promise::race(&Array::of2(&promise, &timeout))).await;
    if started.ok().and_then(|v| v.as_bool()) == Some(true) {
        Some(helper)
    } else {
        helper.worker.terminate();
        None
    }
}

/// Resolves a helper's start with `started`, once.
fn settle(ready: &RefCell<Option<Function>>, started: bool) {
    if let Some(resolve) = ready.borrow_mut().take() {
        let _ = resolve.call1(&JsValue::NULL, &started.into());
    }
}

/// Resolves the promise of part `part` with a helper's answer `data`.
fn answer(part: JsValue, data: &JsValue) {
    let Some(part) = part.as_f64() else { return };
    let resolve = WAITING.with(|w| w.borrow_mut().remove(&(part as u64)));
    if let Some(resolve) = resolve {
        ANSWERED.with(|a| a.borrow_mut().insert(part as u64));
        let _ = resolve.call1(&JsValue::NULL, data);
    }
}

impl Helper {
    /// The helper stopped (`message` says why, in the console): its unanswered parts are answered
    /// without totals (so they are added up in the engine's worker), and it gets no more.
    fn fail(&self, message: &str) {
        web_sys::console::warn_2(
            &"segscope: a helper worker stopped; its parts are added up here:".into(),
            &message.into(),
        );
        self.alive.set(false);
        self.worker.terminate();
        let no_totals = Object::new();
        for part in self.in_flight.borrow_mut().drain(..) {
            answer((part as f64).into(), &no_totals);
        }
    }

    /// Sends `chunk` as part `part`; the promise resolves with the helper's answer.
    fn send(&self, part: u64, chunk: &RecordChunk) -> Promise {
        let promise = Promise::new(&mut |resolve, _| {
            WAITING.with(|w| w.borrow_mut().insert(part, resolve));
        });
        self.in_flight.borrow_mut().push(part);
        let bytes = Uint8Array::from(chunk.bytes());
        let message = Object::new();
        let set = |key: &str, value: &JsValue| {
            let _ = Reflect::set(&message, &key.into(), value);
        };
        set("kind", &"part".into());
        set("part", &(part as f64).into());
        set("bytes", &bytes);
        set("firstLine", &(chunk.first_line() as f64).into());
        set("end", &(chunk.end as f64).into());
        if let Err(e) = self.worker.post_message_with_transfer(&message, &Array::of1(&bytes.buffer())) {
            self.fail(&format!("{e:?}"));
        }
        promise
    }
}

/// Sends every part to the helpers, at most [`IN_FLIGHT`] to each at once, and hands the totals
/// to `done` in file order.
async fn on_helpers(
    helpers: &[Rc<Helper>],
    next: &mut dyn FnMut() -> Option<RecordChunk>,
    reader: &PartReader,
    done: &mut dyn FnMut(PartTotals) -> bool,
) {
    let reader_bytes = match reader.to_bytes() {
        Ok(bytes) => Uint8Array::from(bytes.as_slice()),
        Err(e) => {
            done(PartTotals::unreadable(e.to_string(), 0));
            return;
        }
    };
    for helper in helpers {
        let message = Object::new();
        let _ = Reflect::set(&message, &"kind".into(), &"reader".into());
        let _ = Reflect::set(&message, &"reader".into(), &reader_bytes);
        if let Err(e) = helper.worker.post_message(&message) {
            helper.fail(&format!("{e:?}"));
        }
    }
    for helper in helpers {
        // Parts of an earlier file left unanswered (it stopped at an error) are not waited for.
        helper.in_flight.borrow_mut().clear();
    }
    // Parts in file order, oldest first: added up here, or sent to a helper and not yet handed on.
    let mut parts: VecDeque<Part> = VecDeque::new();
    let mut more = true;
    loop {
        while more {
            let Some(helper) = helpers
                .iter()
                .filter(|h| h.alive.get() && h.in_flight.borrow().len() < IN_FLIGHT)
                .min_by_key(|h| h.in_flight.borrow().len())
            else {
                break;
            };
            let Some(chunk) = next() else {
                more = false;
                break;
            };
            let part = NEXT_PART.with(|n| {
                let part = n.get();
                n.set(part + 1);
                part
            });
            let promise = helper.send(part, &chunk);
            parts.push_back(Part::Sent { helper: Rc::clone(helper), part, promise, chunk });
        }
        // Hand on, in order, every part whose totals are here.
        while parts.front().is_some_and(Part::is_ready) {
            let Some(totals) = take(parts.pop_front(), reader).await else { break };
            if !done(totals) {
                return; // answers still on their way are dropped when they come
            }
        }
        if parts.is_empty() && !more {
            return;
        }
        if parts.is_empty() && helpers.iter().all(|h| !h.alive.get()) {
            // Every helper stopped: the rest is added up here.
            return InOrder::run_now(next, reader, done);
        }
        // While the helpers work, this worker adds up a part too (a few at most ahead of them),
        // then lets their answers in.
        let here = parts.iter().filter(|p| matches!(p, Part::Here(_))).count();
        if more && here < HERE_AHEAD {
            match next() {
                Some(chunk) => parts.push_back(Part::Here(reader.add_up(&chunk))),
                None => more = false,
            }
            let _ = JsFuture::from(Promise::new(&mut |resolve, _| {
                let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }))
            .await;
        } else if let Some(totals) = take(parts.pop_front(), reader).await {
            if !done(totals) {
                return;
            }
        }
    }
}

/// Parts this worker adds up ahead of the oldest part a helper has not answered, at most.
const HERE_AHEAD: usize = 2;

/// A part of the file on its way to being handed on.
enum Part {
    /// Added up here.
    Here(PartTotals),
    /// `chunk`, sent to `helper` as part number `part`; `promise` resolves with its answer.
    Sent { helper: Rc<Helper>, part: u64, promise: Promise, chunk: RecordChunk },
}

impl Part {
    /// True when its totals are here (the helper's answer came).
    fn is_ready(&self) -> bool {
        match self {
            Part::Here(_) => true,
            Part::Sent { part, .. } => ANSWERED.with(|a| a.borrow().contains(part)),
        }
    }
}

/// The totals of `part`, waiting for the helper's answer if it has not come.
async fn take(part: Option<Part>, reader: &PartReader) -> Option<PartTotals> {
    match part? {
        Part::Here(totals) => Some(totals),
        Part::Sent { helper, part, promise, chunk } => {
            let answer = JsFuture::from(promise).await.unwrap_or(JsValue::UNDEFINED);
            helper.in_flight.borrow_mut().retain(|&p| p != part);
            ANSWERED.with(|a| a.borrow_mut().remove(&part));
            Some(totals(&answer, reader, &chunk))
        }
    }
}

/// A helper's answer for `chunk` as totals: read from its bytes, or, when it has none (the helper
/// could not add the part up, or stopped), `chunk` added up here.
fn totals(answer: &JsValue, reader: &PartReader, chunk: &RecordChunk) -> PartTotals {
    match field(answer, "totals").dyn_ref::<Uint8Array>() {
        Some(bytes) => {
            PartTotals::from_bytes(&bytes.to_vec()).unwrap_or_else(|e| PartTotals::unreadable(e.to_string(), chunk.end))
        }
        None => reader.add_up(chunk),
    }
}

thread_local! {
    /// In a helper: what reads the parts of the file being read.
    static READER: RefCell<Option<PartReader>> = const { RefCell::new(None) };
}

/// In a helper: handles a message from the engine's worker (`reader` or `part`); false when the
/// message is not one of those.
pub fn helper_message(data: &JsValue) -> bool {
    match field(data, "kind").as_string().as_deref() {
        Some("reader") => {
            let reader = field(data, "reader").dyn_ref::<Uint8Array>().map(|b| PartReader::from_bytes(&b.to_vec()));
            READER.with(|r| *r.borrow_mut() = reader.and_then(Result::ok));
            true
        }
        Some("part") => {
            add_up_part(data);
            true
        }
        _ => false,
    }
}

/// In a helper: adds up a part and posts its totals (none when it cannot: the engine's worker
/// then adds the part up itself).
fn add_up_part(data: &JsValue) {
    let Some(bytes) = field(data, "bytes").dyn_ref::<Uint8Array>().map(Uint8Array::to_vec) else { return };
    let first_line = field(data, "firstLine").as_f64().unwrap_or(0.0) as u64;
    let end = field(data, "end").as_f64().unwrap_or(0.0) as u64;
    let chunk = RecordChunk::from_parts(bytes, first_line, end);
    let totals = READER.with(|r| r.borrow().as_ref().map(|reader| reader.add_up(&chunk).to_bytes()));
    let message = Object::new();
    let _ = Reflect::set(&message, &"kind".into(), &"totals".into());
    let _ = Reflect::set(&message, &"part".into(), &field(data, "part"));
    let sent = match totals {
        Some(Ok(Some(totals))) => {
            let out = Uint8Array::from(totals.as_slice());
            let _ = Reflect::set(&message, &"totals".into(), &out);
            scope().post_message_with_transfer(&message, &Array::of1(&out.buffer()))
        }
        _ => scope().post_message(&message),
    };
    if let Err(e) = sent {
        web_sys::console::error_2(&"segscope-helper: could not post a part's totals".into(), &e);
    }
}
