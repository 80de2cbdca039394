//! Files the user hands to the page: the chosen file of a file input, and its bytes.

use leptos::prelude::Set;
use wasm_bindgen::JsCast;

/// The file chosen in the file input that fired `ev`; the input is cleared, so choosing the
/// same file again is seen again.
pub fn take_chosen_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    let file = input.files().and_then(|f| f.get(0));
    input.set_value("");
    file
}

/// Reads a file's name and bytes; the error is a sentence for the user.
async fn read_bytes(file: web_sys::File) -> Result<(String, Vec<u8>), String> {
    let name = file.name();
    match gloo_file::futures::read_as_bytes(&gloo_file::File::from(file)).await {
        Ok(bytes) => Ok((name, bytes)),
        Err(e) => Err(format!(
            "{name}: the browser could not read the file ({e}). Check that it is a file you can open, then try again."
        )),
    }
}

/// Reads a file's name and bytes, showing the error to the user when it cannot be read.
pub async fn read_or_report(state: crate::state::AppState, file: web_sys::File) -> Option<(String, Vec<u8>)> {
    match read_bytes(file).await {
        Ok(read) => Some(read),
        Err(message) => {
            state.error.set(Some(message));
            None
        }
    }
}
