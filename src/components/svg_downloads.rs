//! PNG and SVG downloads of a chart drawn as an `<svg>` element in the page (the distribution
//! charts): the element as a standalone SVG file, and that file drawn onto a canvas for the PNG.
//! Everything stays in the page (a local blob URL).

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::state::{use_app, AppState};

/// The SVG namespace a standalone file needs (the page's inline SVG has it implied).
const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The `<svg>` element with id `target` as a standalone SVG document, with its width and height.
fn standalone(target: &str) -> Result<(String, u32, u32), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let el = document.get_element_by_id(target).ok_or("the chart is not on the page")?;
    let size = |name: &str| el.get_attribute(name).and_then(|v| v.trim_end_matches("px").parse::<f64>().ok());
    let (w, h) = (size("width").unwrap_or(640.0), size("height").unwrap_or(400.0));
    let mut text = el.outer_html();
    if !text.contains("xmlns=") {
        text = text.replacen("<svg", &format!("<svg xmlns=\"{SVG_NS}\""), 1);
    }
    Ok((text, w.round() as u32, h.round() as u32))
}

/// Draws the SVG `text` of `w` × `h` pixels on a canvas and downloads its pixels as `name`.
fn save_png(app: AppState, text: &str, (w, h): (u32, u32), name: String) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let blob = crate::download::text_blob(text, "image/svg+xml")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "no image URL")?;
    let image = web_sys::HtmlImageElement::new().map_err(|_| "no image")?;
    let canvas: web_sys::HtmlCanvasElement =
        document.create_element("canvas").map_err(|_| "no canvas")?.dyn_into().map_err(|_| "no canvas")?;
    canvas.set_width(w);
    canvas.set_height(h);
    let loaded = image.clone();
    let src = url.clone();
    let onload = Closure::once_into_js(move || {
        let painted = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
            .map(|ctx| {
                ctx.set_fill_style_str("#ffffff");
                ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
                ctx.draw_image_with_html_image_element(&loaded, 0.0, 0.0)
            });
        let _ = web_sys::Url::revoke_object_url(&url);
        if !matches!(painted, Some(Ok(()))) {
            app.error.set(Some(format!("Could not make {name}: the browser could not draw the chart.")));
            return;
        }
        let failed = move |e: String| app.error.set(Some(e));
        if let Err(e) = crate::download::save_canvas_png(&canvas, name, failed) {
            app.error.set(Some(e));
        }
    });
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_src(&src);
    Ok(())
}

/// PNG and SVG buttons for the `<svg>` element with id `target`, whose files are named `target`.
#[component]
pub fn SvgDownloads(
    /// The chart's element id, also the files' name.
    target: &'static str,
) -> impl IntoView {
    let app = use_app();
    let vector = move |_| {
        let saved = standalone(target)
            .and_then(|(text, _, _)| crate::download::save_text(&format!("{target}.svg"), &text, "image/svg+xml"));
        if let Err(e) = saved {
            app.error.set(Some(format!("Could not make {target}.svg: {e}.")));
        }
    };
    let png = move |_| {
        let saved = standalone(target).and_then(|(text, w, h)| save_png(app, &text, (w, h), format!("{target}.png")));
        if let Err(e) = saved {
            app.error.set(Some(format!("Could not make {target}.png: {e}.")));
        }
    };
    view! {
        <div class="chart-downloads">
            <button type="button" class="link chart-png" data-chart=target aria-label="Download the chart as PNG" on:click=png>"PNG"</button>
            <button type="button" class="link chart-svg" data-chart=target aria-label="Download the chart as SVG" on:click=vector>"SVG"</button>
        </div>
    }
}
