//! Offline use: registers the service worker (`sw.js`, beside `index.html`) that keeps a copy of the
//! app's own files, so that after one visit the app opens with the network off. Its scope is the
//! folder the page was loaded from, so a deployment at a sub-path works alike.

use wasm_bindgen::JsValue;

/// Registers the service worker when the browser offers one (secure pages: https, or localhost);
/// elsewhere (a file:// page, plain http to another host) the app works as before, online only.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let navigator = window.navigator();
    // `navigator.serviceWorker` is absent outside secure contexts: calling into it would throw.
    let offered =
        js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker")).is_ok_and(|v| !v.is_undefined());
    if !offered {
        return;
    }
    let registering = navigator.service_worker().register("sw.js");
    // A failed registration (storage turned off, say) changes nothing but offline use: awaited so
    // that it is handled, not reported as an error.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(registering).await;
    });
}
