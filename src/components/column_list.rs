//! Each column with its type (changeable) and a small statistics summary.

use leptos::prelude::*;
use segscope_engine::api::ColumnType;
use segscope_engine::api::ColumnView;

use super::column_select::{listed, FindAmongMany, LISTED as MAX_CARDS};
use super::import_panel::reread;
use crate::state::use_app;

/// The columns of the open dataset (at most [`MAX_CARDS`] at once, found by name past that).
#[component]
pub fn ColumnList() -> impl IntoView {
    let state = use_app();
    let find = RwSignal::new(String::new());
    let total = move || state.dataset.with(|d| d.as_ref().map_or(0, |d| d.columns.len()));
    let shown = move || {
        let find = find.get();
        state.dataset.with(|d| d.as_ref().map(|d| listed(&d.columns, |c| c.name.as_str(), &find, |_| false)))
    };
    view! {
        <section class="card" aria-labelledby="columns-title">
            <h2 id="columns-title">"Columns"</h2>
            <p class="hint">"Types are read from the data. Change one and the file is read again with your choice."</p>
            <FindAmongMany id="columns" noun="column" total=Signal::derive(total) find=find
                shows=format!("the first {MAX_CARDS} that match are shown")/>
            <div id="columns" class="columns">
                {move || shown().map(|columns| columns.into_iter().map(|c| view! { <ColumnCard column=c/> }).collect_view())}
            </div>
        </section>
    }
}

/// One column's name, type selector and statistics.
#[component]
fn ColumnCard(
    /// The column.
    column: ColumnView,
) -> impl IntoView {
    let state = use_app();
    let name = column.name.clone();
    let select_id = format!("type-{}", column.name);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(ty) = ColumnType::from_label(&event_target_value(&ev)) else {
            return;
        };
        let Some(mut options) = state.dataset.get_untracked().map(|d| d.options) else {
            return;
        };
        options.types.insert(name.clone(), ty);
        reread(state, options);
    };
    let current = column.column_type;
    let tokens_id = format!("missing-{}", column.name);
    let tokens = state.dataset.with_untracked(|d| {
        d.as_ref().map(|d| {
            d.options
                .missing_tokens_for(&column.name)
                .iter()
                .filter(|t| !t.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        })
    });
    let col = column.name.clone();
    let on_tokens = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        let Some(mut options) = state.dataset.get_untracked().map(|d| d.options) else {
            return;
        };
        let list = std::iter::once(String::new())
            .chain(typed.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()))
            .collect();
        options.column_missing_tokens.insert(col.clone(), list);
        reread(state, options);
    };
    view! {
        <article class="column" data-column=column.name.clone()>
            <h3>{column.name.clone()}</h3>
            <label class="visually-hidden" for=select_id.clone()>{format!("Type of {}", column.name)}</label>
            <select id=select_id class="type-select" data-column=column.name.clone() on:change=on_change>
                {ColumnType::ALL.into_iter().map(|t| view! { <option value=t.label() selected=t == current>{t.label()}</option> }).collect_view()}
            </select>
            {column.type_chosen.then(|| view! { <span class="badge">"chosen"</span> })}
            {column.format_notes.iter().map(|n| view! { <span class="badge format-note">{n.clone()}</span> }).collect_view()}
            <details class="column-missing">
                <summary>"Missing values"</summary>
                <label for=tokens_id.clone()>"Read as missing here (comma-separated; empty always counts)"</label>
                <input id=tokens_id type="text" data-column=column.name.clone() value=tokens on:change=on_tokens/>
            </details>
            <dl class="stats">
                {column.summary.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
            </dl>
        </article>
    }
}
