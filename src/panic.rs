//! Shows a readable message instead of a dead page when the app panics.

use wasm_bindgen::JsCast;

/// Installs a panic hook that logs the panic and replaces the page with an explanation.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let detail = info.to_string();
        web_sys::console::error_1(&format!("Segscope stopped: {detail}").into());
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = document.body() else { return };
        let Ok(panel) = document.create_element("div") else {
            return;
        };
        panel.set_id("fatal");
        panel.set_attribute("role", "alert").ok();
        panel.set_class_name("fatal");
        let message = document.create_element("p").ok();
        if let Some(m) = &message {
            m.set_text_content(Some(
                "Segscope hit an internal error and stopped. Your files were not changed and nothing was sent anywhere. \
                 Reload the page to start again; if it happens again with the same file, please report the details below.",
            ));
            panel.append_child(m).ok();
        }
        if let Ok(pre) = document.create_element("pre") {
            pre.set_text_content(Some(&detail));
            panel.append_child(&pre).ok();
        }
        if let Some(el) = panel.dyn_ref::<web_sys::HtmlElement>() {
            body.prepend_with_node_1(el).ok();
        }
    }));
}
