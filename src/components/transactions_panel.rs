//! Transactions attached to the customers: the mapping, what the join found, and the columns it adds.

use leptos::prelude::*;
use segscope_engine::api::ReadOptions;
use segscope_engine::api::TransactionMapping;
use segscope_engine::api::{AttachView, Request, Response};

use crate::state::{use_app, AppState};

fn attach_file(state: AppState, file: web_sys::File) {
    let Some(dataset) = state.dataset.get_untracked().map(|d| d.id) else { return };
    leptos::task::spawn_local(async move {
        let name = file.name();
        let request = Request::AttachTransactions {
            dataset,
            name: name.clone(),
            file: Default::default(),
            options: ReadOptions::default(),
            mapping: None,
        };
        if let Some(Response::Attached(view)) =
            state.request_with_file(&format!("Reading {name} and joining it to the customers…"), request, file).await
        {
            state.transactions.set(Some(*view));
        }
    });
}

/// Reads the open file as the transactions: the customers become one row per customer key in it.
fn use_as_transactions(state: AppState) {
    let Some(dataset) = state.dataset.get_untracked().map(|d| d.id) else { return };
    leptos::task::spawn_local(async move {
        if let Some(Response::Derived { dataset, attached }) = state
            .request("Making the customer list from the transactions…", Request::CustomersFromTransactions { dataset })
            .await
        {
            state.show_dataset(Some(Response::Dataset(dataset)));
            state.transactions.set(Some(*attached));
        }
    });
}

/// The transactions card: add a file, or review and change how it maps onto the customers.
#[component]
pub fn TransactionsPanel() -> impl IntoView {
    let state = use_app();
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = crate::files::take_chosen_file(&ev) {
            attach_file(state, file);
        }
    };
    view! {
        <section class="card" aria-labelledby="transactions-title">
            <h2 id="transactions-title">"Transactions"</h2>
            {move || match state.transactions.get() {
                None => view! {
                    <p class="hint">"Add the customers' transactions (one row per order or order line: customer id, date, amount; optionally order id and category). Per-customer orders, revenue, first and last order date, days between orders, categories bought and returns become columns you can use in rules."</p>
                    <p class="hint">"Is the open file itself the transactions? Then Segscope makes the customer list from it: one row per customer id."</p>
                }.into_any(),
                Some(view) => view! { <Attached view=view/> }.into_any(),
            }}
            <div class="actions">
                <label class="button" for="transactions-input">{move || if state.transactions.with(Option::is_some) { "Replace transactions file…" } else { "Add transactions…" }}</label>
                <input id="transactions-input" class="visually-hidden" type="file" accept=".csv,.tsv,.txt,.gz,.jsonl,.ndjson,.xlsx,.xls,.ods,text/csv" on:change=on_file aria-label="Add a transactions file"/>
                <Show when=move || state.transactions.with(Option::is_none)>
                    <button id="use-as-transactions" type="button" class="button" on:click=move |_| use_as_transactions(state)>"This file is the transactions"</button>
                </Show>
            </div>
        </section>
    }
}

/// What was attached, with the mapping form.
#[component]
fn Attached(
    /// The attached transactions.
    view: AttachView,
) -> impl IntoView {
    let state = use_app();
    let draft = RwSignal::new(view.mapping.clone());
    let types = view.transaction_columns.clone();
    // One field of the form: the columns the engine says can fill it (`choices`), shown with their type.
    let pick = move |id: &'static str,
                     label: &'static str,
                     none: Option<&'static str>,
                     choices: &[String],
                     get: fn(&TransactionMapping) -> Option<String>,
                     set: fn(&mut TransactionMapping, Option<String>)| {
        let current = draft.with_untracked(get).unwrap_or_default();
        let options: Vec<(String, String)> = choices
            .iter()
            .map(|n| {
                let text = types.iter().find(|(c, _)| c == n).map_or_else(|| n.clone(), |(_, t)| format!("{n} ({t})"));
                (n.clone(), text)
            })
            .collect();
        view! {
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| { let v = event_target_value(&ev); draft.update(|m| set(m, (!v.is_empty()).then_some(v))); }>
                {none.map(|none| view! { <option value="" selected=current.is_empty()>{none}</option> })}
                {options.into_iter().map(|(n, text)| { let sel = n == current; view! { <option value=n selected=sel>{text}</option> } }).collect_view()}
            </select>
        }
    };
    let choices = view.choices.clone();
    let remap = move |_| {
        let Some(dataset) = state.dataset.get_untracked().map(|d| d.id) else { return };
        let mapping = draft.get_untracked();
        leptos::task::spawn_local(async move {
            if let Some(Response::Attached(v)) =
                state.request("Joining the transactions again…", Request::Remap { dataset, mapping }).await
            {
                state.transactions.set(Some(*v));
            }
        });
    };
    let detach = move |_| {
        let Some(dataset) = state.dataset.get_untracked().map(|d| d.id) else { return };
        leptos::task::spawn_local(async move {
            if state.request("Removing the transactions…", Request::Detach { dataset }).await.is_some() {
                state.transactions.set(None);
            }
        });
    };
    let unjoined = view.unjoined.clone();
    view! {
        <p id="transactions-summary" class="big">{format!("{}: {} rows", view.file, view.rows)}</p>
        {unjoined.clone().map(|why| view! {
            <p id="transactions-unjoined" class="warnings unjoined" role="alert">{format!("Not joined to the customers yet: {why}")}</p>
        })}
        <ul id="transactions-report" class="facts-list">
            {view.messages.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}
            {view.latest.clone().map(|d| view! { <li>{format!("Latest transaction: {d}; the as-of date defaults to the day after.")}</li> })}
        </ul>
        {(!view.import_warnings.is_empty()).then(|| view! {
            <ul class="warnings">{view.import_warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
        })}
        {(!view.columns.is_empty()).then(|| view! {
            <p class="hint">{format!("Columns added to the customers: {}.", view.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(", "))}</p>
        })}
        <details class="settings" open=unjoined.is_some()>
            <summary>"Transaction columns"</summary>
            <div class="form-grid">
                {pick("map-customer-id", "Customer id", None, &choices.keys, |m| Some(m.customer_id.clone()), |m, v| m.customer_id = v.unwrap_or_default())}
                {pick("map-customer-key", "Customers' key (in the customers file)", Some("(the customer id's name)"), &choices.customer_keys, |m| m.customer_key.clone(), |m, v| m.customer_key = v)}
                {pick("map-date", "Date", None, &choices.dates, |m| Some(m.date.clone()), |m, v| m.date = v.unwrap_or_default())}
                {pick("map-amount", "Amount (negative = return)", None, &choices.numbers, |m| Some(m.amount.clone()), |m, v| m.amount = v.unwrap_or_default())}
                {pick("map-order-id", "Order id", Some("(none)"), &choices.keys, |m| m.order_id.clone(), |m, v| m.order_id = v)}
                {pick("map-category", "Category", Some("(none)"), &choices.categories, |m| m.category.clone(), |m, v| m.category = v)}
                {pick("map-margin", "Margin (profit)", Some("(none)"), &choices.numbers, |m| m.margin.clone(), |m, v| m.margin = v)}
            </div>
            <button id="remap" type="button" class="button primary" on:click=remap>"Join again with these columns"</button>
            <button id="detach" type="button" class="button" on:click=detach>"Remove transactions"</button>
        </details>
    }
}
