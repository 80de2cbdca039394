//! The Privacy panel: what Segscope keeps where (none of the user's data in the browser: it lives
//! only in this tab's memory; a copy of the app's own files for offline use) and a live count of
//! the page's requests for anything but its own files.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// How often the count is read again.
const EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The page's requests (its resource timing entries) for anything outside the folder the app was
/// loaded from: another server, or another path of this one, each counted once its answer has
/// arrived. 0 in normal use. (The engine's worker fetches only its own code, from that folder.)
fn foreign_requests() -> usize {
    let Some(window) = web_sys::window() else { return 0 };
    let href = window.location().href().unwrap_or_default();
    let page = href.split(['?', '#']).next().unwrap_or_default();
    let folder = page.rfind('/').and_then(|i| page.get(..=i)).unwrap_or(page);
    let Some(performance) = window.performance() else { return 0 };
    performance
        .get_entries_by_type("resource")
        .iter()
        .filter_map(|e| e.dyn_into::<web_sys::PerformanceEntry>().ok())
        .filter(|e| !e.name().starts_with(folder))
        .count()
}

/// "Privacy" in the header: a short statement, checked by the e2e tests, and the live count.
#[component]
pub fn PrivacyPanel() -> impl IntoView {
    let projects = crate::components::project::use_projects();
    let count = RwSignal::new(foreign_requests());
    let timer = set_interval_with_handle(move || count.set(foreign_requests()), EVERY).ok();
    on_cleanup(move || {
        if let Some(t) = timer {
            t.clear();
        }
    });
    view! {
        <details class="privacy" id="privacy">
            <summary>"Privacy"</summary>
            <div class="privacy-body">
                <p>
                    "Your files are read in this tab, by Segscope's engine running on this computer. Nothing is "
                    "uploaded: Segscope has no server to send data to, and the page's security policy lets it "
                    "connect only to the folder it was loaded from."
                </p>
                <dl>
                    <dt>"Requests for anything but Segscope's own files since the page opened"</dt>
                    <dd id="privacy-requests">{move || count.get()}</dd>
                    <dt>"Stored in this browser"</dt>
                    <dd id="privacy-stored">
                        {move || match projects.kept() {
                            None => "None of your data: no cookies, no local storage, no IndexedDB, unless you tick \u{201c}Remember my last project\u{201d} (Data, Project). Closing the tab forgets the data; ".to_string(),
                            Some(name) => format!(
                                "Your last project{}, in this browser's IndexedDB (\u{201c}{}\u{201d}), because you ticked \u{201c}Remember my last project\u{201d}; untick it to delete it. Nothing else: no cookies, no local storage. ",
                                if name.is_empty() { String::new() } else { format!(" ({name})") },
                                crate::remembered::DATABASE,
                            ),
                        }}
                        "What you download is saved where your browser saves downloads. For use offline, the browser "
                        "keeps a copy of Segscope's own files (its code, styles and icons) from this folder."
                    </dd>
                </dl>
            </div>
        </details>
    }
}
