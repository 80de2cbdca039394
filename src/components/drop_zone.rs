//! Where a file comes in: drop it, pick it, or try the sample data.

use leptos::prelude::*;
use segscope_engine::api::ReadOptions;
use segscope_engine::api::{Request, Response};

use crate::app::load_sample;
use crate::components::too_large::{TooLarge, TooLargeFile};
use crate::state::{use_app, AppState};

/// Reads a chosen or dropped file and sends it to the engine.
fn open_file(state: AppState, file: web_sys::File) {
    leptos::task::spawn_local(async move {
        let name = file.name();
        let request = Request::Ingest { name: name.clone(), bytes: Vec::new(), options: ReadOptions::default() };
        let response = state.request_with_file(&format!("Reading {name}…"), request, file.clone()).await;
        match response {
            Some(Response::TooLarge(view)) => state.too_large.set(Some(TooLargeFile { view: *view, file })),
            response => {
                if response.is_some() {
                    state.too_large.set(None);
                }
                state.show_dataset(response);
            }
        }
    });
}

/// Reads a chosen transactions file (with no customers file) a part at a time: the customers
/// become one row per customer key in it, with the transactions attached.
fn open_transactions_file(state: AppState, file: web_sys::File) {
    leptos::task::spawn_local(async move {
        let name = file.name();
        let request =
            Request::OpenTransactions { name: name.clone(), file: Default::default(), options: ReadOptions::default() };
        let message = format!("Reading {name} as transactions and making the customer list…");
        if let Some(Response::Derived { dataset, attached }) = state.request_with_file(&message, request, file).await {
            state.show_dataset(Some(Response::Dataset(dataset)));
            state.transactions.set(Some(*attached));
        }
    });
}

/// The landing drop zone (or, `compact`, a smaller "open another file" row).
#[component]
pub fn DropZone(
    /// Show the small version used below an open dataset.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let state = use_app();
    let dragging = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(file) = crate::files::take_chosen_file(&ev) {
            open_file(state, file);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            open_file(state, file);
        }
    };
    let on_transactions = move |ev: leptos::ev::Event| {
        if let Some(file) = crate::files::take_chosen_file(&ev) {
            open_transactions_file(state, file);
        }
    };
    let input_id = if compact { "file-input-again" } else { "file-input" };
    let transactions_id = if compact { "transactions-only-input-again" } else { "transactions-only-input" };
    view! {
        <div
            class="drop-zone"
            class:compact=compact
            class:dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            {(!compact).then(|| view! {
                <h2>"Open your customer data"</h2>
                <p>"Drop a CSV or TSV file here (customers, or transactions; also .csv.gz, JSON Lines, .xlsx, .xls or .ods). It is read on this computer; nothing is uploaded."</p>
            })}
            <div class="actions">
                <label class="button primary" for=input_id>
                    {if compact { "Open another file…" } else { "Choose a file…" }}
                </label>
                <input id=input_id class="visually-hidden" type="file" accept=".csv,.tsv,.txt,.gz,.jsonl,.ndjson,.xlsx,.xls,.ods,text/csv,text/tab-separated-values,text/plain" on:change=on_change aria-label="Choose a CSV, TSV, JSON Lines or spreadsheet file"/>
                <label class="button" for=transactions_id>"Open transactions only…"</label>
                <input id=transactions_id class="visually-hidden" type="file" accept=".csv,.tsv,.txt,.gz,.jsonl,.ndjson,.xlsx,.xls,.ods,text/csv,text/tab-separated-values,text/plain" on:change=on_transactions aria-label="Open a transactions file without a customers file"/>
                <button id=if compact { "try-sample-again" } else { "try-sample" } type="button" class="button" on:click=move |_| load_sample(state, None)>
                    "Try the sample data"
                </button>
            </div>
            <TooLarge/>
            {(!compact).then(|| view! {
                <p class="hint">"Only transactions (one row per order: customer id, date, amount)? Open them with \"Open transactions only\": the customer list is made from them, one row per customer id, and files of millions of rows are read a part at a time."</p>
                <p class="hint">"The sample is a made-up retail business: 5,000 customers with demographics, region, channel and behaviour."</p>
            })}
        </div>
    }
}
