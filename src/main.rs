//! Segscope in the browser: mounts the app. Everything wasm-specific starts here.

mod app;
mod charts;
mod components;
mod download;
mod engine_client;
mod panic;
mod state;

fn main() {
    panic::install_hook();
    leptos::mount::mount_to_body(app::App);
}
