//! The engine's problems shown where they are: beside a condition, a segment or a derived field,
//! or under the builder for the definition as a whole.

use leptos::prelude::*;
use segscope_engine::api::Place;

use super::state::Rules;

/// The sentences of the engine's check about one place of the definition; nothing when there are none.
#[component]
pub fn ProblemsAt(
    /// The builder's state.
    rules: Rules,
    /// Which place of the definition.
    place: Place,
    /// The list's element id.
    id: String,
) -> impl IntoView {
    move || {
        let messages: Vec<String> = rules.view.with(|v| {
            v.iter().flat_map(|v| &v.problems).filter(|p| p.place == place).map(|p| p.message.clone()).collect()
        });
        (!messages.is_empty()).then(|| {
            view! {
                <ul id=id.clone() class="warnings problems-at" role="alert">
                    {messages.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
            }
        })
    }
}
