//! Handing a file to the user as a download (a local blob URL; nothing leaves the page).

use wasm_bindgen::JsCast;

use segscope_engine::api::FileOut;

/// Starts the browser's download of `file`.
pub fn save(file: &FileOut) -> Result<(), String> {
    let fail = |what: &str| format!("Could not start the download of {}: {what}.", file.name);
    let array = js_sys::Uint8Array::from(file.bytes.as_slice());
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&file.mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| fail("the browser refused to create it"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("no object URL"))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("no document"))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| fail("no link"))?.dyn_into().map_err(|_| fail("no link"))?;
    anchor.set_href(&url);
    anchor.set_download(&file.name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
