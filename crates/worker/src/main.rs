//! The engine in a dedicated Web Worker: its own wasm instance, so analysis never blocks the page.
//!
//! Messages from the page: `{ id, request, file? }`: the request as JSON (`api::Request`) and,
//! for requests that read a file, the file as a `Blob` handle (read here, so its bytes are never
//! copied on the page's thread; transactions are read through it a part at a time and kept as the
//! handle, never copied whole). Messages to the page:
//! - `{ kind: "ready" }` once the wasm has started (messages sent before that would be lost);
//! - `{ kind: "progress", id, progress }` while a request runs (`api::Progress` as JSON, at most
//!   every 50 ms and at every new stage);
//! - `{ kind: "response", id, response, files }`: `api::Response` as JSON and its files' contents
//!   as `Blob`s, in order;
//! - `{ kind: "panic", message }` if the engine hits a bug; the page then restarts the worker.
//!
//! Requests run one at a time, in the order they arrive. `helpers` on a request (0 when absent)
//! is how many helper workers may add up a transactions file's parts on other cores (`pool.rs`:
//! the same wasm, started from this worker; the answer is the same whatever their number). Cancelling is the page's job: it stops
//! this worker and rebuilds the session in a new one (ARCHITECTURE.md, "Cancel").

#[cfg(target_arch = "wasm32")]
mod blob;
#[cfg(target_arch = "wasm32")]
mod pool;
#[cfg(target_arch = "wasm32")]
mod worker;

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("segscope-worker runs inside the browser as a Web Worker; use the `segscope` command on this machine.");
    std::process::exit(2);
}
