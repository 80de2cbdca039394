//! The "SQL for" picker: which warehouse's SQL a download is written for.

use leptos::prelude::*;
use segscope_engine::api::Dialect;

/// A labelled select of every SQL dialect the engine writes, DuckDB first.
#[component]
pub fn DialectSelect(
    /// The select's element id (its label points at it).
    id: &'static str,
    /// The chosen dialect.
    dialect: RwSignal<Dialect>,
) -> impl IntoView {
    view! {
        <label for=id>"SQL for"</label>
        <select id=id on:change=move |ev| {
            if let Some(d) = Dialect::from_label(&event_target_value(&ev)) {
                dialect.set(d);
            }
        }>
            {Dialect::ALL.into_iter().map(|d| view! {
                <option value=d.label() selected=move || dialect.get() == d>{d.product()}</option>
            }).collect_view()}
        </select>
    }
}
