//! Segscope in the browser: mounts the app. Everything wasm-specific starts here.

mod app;
mod components;
mod download;
mod engine_client;
mod files;
mod offline;
mod panic;
mod remembered;
mod routes;
mod state;
mod workspaces;

fn main() {
    panic::install_hook();
    leptos::mount::mount_to_body(app::App);
    offline::register_service_worker();
}

/// Panics on purpose, so the browser tests can check that a panic shows a readable message
/// rather than a dead page. Nothing in the app calls it.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn segscope_selftest_panic() {
    panic!("self-test panic requested by the test suite");
}
