//! The busy indicator and the error banner.

use leptos::prelude::*;

use crate::state::use_app;

/// Shows what the engine is doing, and the last error with a way to dismiss it.
#[component]
pub fn StatusBar() -> impl IntoView {
    let state = use_app();
    view! {
        <div class="status" aria-live="polite">
            {move || state.busy.get().map(|b| view! { <p id="busy" class="busy">{b}</p> })}
        </div>
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
    }
}
