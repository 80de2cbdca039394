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
    SESSION.with(|s| s.borrow_mut().handle(request, &mut Quiet))
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
