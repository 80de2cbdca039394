//! Files the user hands to the page: the chosen file of a file input.
//!
//! The page never reads a file's bytes: the `File` goes to the engine's worker as a handle
//! (`AppState::request_with_file`), which reads it there.

use wasm_bindgen::JsCast;

/// The file chosen in the file input that fired `ev`; the input is cleared, so choosing the
/// same file again is seen again.
pub fn take_chosen_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    let file = input.files().and_then(|f| f.get(0));
    input.set_value("");
    file
}
