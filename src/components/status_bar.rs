//! The status bar: what the engine is doing (with progress and Cancel), notices and errors.

use leptos::prelude::*;

use crate::engine_client::{self, Running};
use crate::state::use_app;

/// The running request's progress as a sentence and a share (0..=1) when known.
fn describe(running: &Running) -> (String, Option<f64>) {
    let Some(p) = &running.progress else { return (running.label.clone(), None) };
    match p.fraction() {
        Some(f) => (format!("{} {}: {:.0}%", running.label, p.stage, f * 100.0), Some(f)),
        None if p.done > 0 => (format!("{} {}: {}", running.label, p.stage, p.done), None),
        None => (format!("{} {}", running.label, p.stage), None),
    }
}

/// Shows what the engine is doing, and the last notice and error with a way to dismiss them.
#[component]
pub fn StatusBar() -> impl IntoView {
    let state = use_app();
    let running = move || state.activity.with(|a| a.running.clone());
    // One fixed panel at the bottom of the window: it never moves the page's content (a button
    // must not jump away between pressing and releasing it).
    view! {
        <div class="status" aria-live="polite">
            {move || {
                running().map(|r| {
                    let (text, fraction) = describe(&r);
                    let queued = state.activity.with(|a| a.queued);
                    view! {
                        <div id="busy" class="busy" data-kind=r.kind>
                            <span class="busy-text">{text}</span>
                            {fraction.map(|f| view! {
                                <progress id="busy-progress" max="1" value=f.to_string() aria-label="Progress"></progress>
                            })}
                            {(queued > 0).then(|| view! { <span class="queued">{format!("{queued} more waiting")}</span> })}
                            {(!r.restore).then(|| view! {
                                <button id="cancel" type="button" class="button" on:click=move |_| engine_client::cancel()>"Cancel"</button>
                            })}
                        </div>
                    }
                })
            }}
            {move || state.notice.get().map(|message| view! {
                <div id="notice" class="notice">
                    <p>{message}</p>
                    <button type="button" class="button" on:click=move |_| state.notice.set(None)>"Dismiss"</button>
                </div>
            })}
            {move || state.activity.with(|a| a.failed.clone()).map(|message| view! {
                <div id="engine-failed" class="error" role="alert"><p>{message}</p></div>
            })}
            {move || {
                state.error.get().map(|message| {
                    view! {
                        <div id="error" class="error" role="alert">
                            <p>{message}</p>
                            <button type="button" on:click=move |_| state.error.set(None)>"Dismiss"</button>
                        </div>
                    }
                })
            }}
        </div>
    }
}
