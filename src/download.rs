//! Handing a file to the user as a download (a local blob URL; nothing leaves the page).

use wasm_bindgen::JsCast;

/// Starts the browser's download of `contents` as a file called `name`.
pub fn save(name: &str, contents: &web_sys::Blob) -> Result<(), String> {
    let fail = |what: &str| format!("Could not start the download of {name}: {what}.");
    let url = web_sys::Url::create_object_url_with_blob(contents).map_err(|_| fail("no object URL"))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("no document"))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| fail("no link"))?.dyn_into().map_err(|_| fail("no link"))?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// `text` as a blob of media type `mime`, for a download or a local URL.
pub fn text_blob(text: &str, mime: &str) -> Result<web_sys::Blob, String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not make the file".to_string())
}

/// Starts the browser's download of `text` as a file called `name` of media type `mime`.
pub fn save_text(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let blob = text_blob(text, mime).map_err(|e| format!("Could not start the download of {name}: {e}."))?;
    save(name, &blob)
}

/// Starts the browser's download of `canvas`'s pixels as the PNG file `name`; the image is made
/// after this returns, so what goes wrong then is told to `failed`.
pub fn save_canvas_png(
    canvas: &web_sys::HtmlCanvasElement,
    name: String,
    failed: impl Fn(String) + 'static,
) -> Result<(), String> {
    let done = wasm_bindgen::closure::Closure::once_into_js(move |blob: wasm_bindgen::JsValue| {
        match blob.dyn_into::<web_sys::Blob>() {
            Ok(blob) => {
                if let Err(e) = save(&name, &blob) {
                    failed(e);
                }
            }
            Err(_) => failed(format!("Could not make {name}: the browser gave no image.")),
        }
    });
    canvas
        .to_blob(done.unchecked_ref())
        .map_err(|_| "Could not make the PNG: the browser refused to read the chart.".to_string())
}
