//! A file too large to open whole: what it would need, and the ways that fit (some of its
//! columns, a seeded sample of its rows, the command line).

use leptos::prelude::*;
use segscope_engine::api::memory::bytes_text;
use segscope_engine::api::{ReadOptions, Reduction, Request, TooLargeView};

use crate::state::{use_app, AppState};

/// A file the engine would not open whole, and the file itself (read again for a smaller copy).
#[derive(Clone)]
pub struct TooLargeFile {
    /// What the engine said.
    pub view: TooLargeView,
    /// The user's file.
    pub file: web_sys::File,
}

/// Opens a smaller copy of the file: `reduction` says what it keeps.
fn open_reduced(state: AppState, chosen: TooLargeFile, reduction: Reduction) {
    leptos::task::spawn_local(async move {
        let name = chosen.view.file.clone();
        let what = reduction.describe();
        let request = Request::OpenReduced {
            name: name.clone(),
            file: Default::default(),
            options: ReadOptions::default(),
            reduction,
        };
        let response = state.request_with_file(&format!("Reading {what} of {name}…"), request, chosen.file).await;
        if matches!(response, Some(segscope_engine::api::Response::Dataset(_))) {
            state.too_large.set(None);
        }
        state.show_dataset(response);
    });
}

/// The panel shown instead of a dataset when a file is too large to open whole.
#[component]
pub fn TooLarge() -> impl IntoView {
    let state = use_app();
    move || {
        state.too_large.get().map(|chosen| {
            let view = chosen.view.clone();
            let names: Vec<String> = view.estimate.columns.iter().map(|c| c.name.clone()).collect();
            let ticked = RwSignal::new(vec![true; names.len()]);
            let names = StoredValue::new(names);
            let kept = move || -> Vec<String> {
                let t = ticked.get();
                names.with_value(|n| n.iter().zip(t).filter(|(_, on)| *on).map(|(n, _)| n.clone()).collect())
            };
            let (estimate, available) = (StoredValue::new(view.estimate.clone()), view.available);
            let needed = move || estimate.with_value(|e| e.with_columns(&kept()));
            let sample_rows = RwSignal::new(view.sample_rows.to_string());
            let seed = RwSignal::new("1".to_string());
            let chosen = StoredValue::new(chosen);
            let on_columns = move |_| {
                let reduction = Reduction { columns: Some(kept()), rows: None, seed: 0 };
                open_reduced(state, chosen.get_value(), reduction);
            };
            let on_sample = move |_| {
                let rows = sample_rows.get_untracked().trim().replace([',', '_', ' '], "").parse::<u64>();
                let seed = seed.get_untracked().trim().parse::<u64>();
                match (rows, seed) {
                    (Ok(rows), Ok(seed)) if rows > 0 => {
                        open_reduced(state, chosen.get_value(), Reduction { columns: None, rows: Some(rows), seed });
                    }
                    _ => state.error.set(Some(
                        "Type the sample's number of rows (1 or more) and its seed (a whole number, 0 or more).".into(),
                    )),
                }
            };
            let columns = view
                .estimate
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let id = format!("keep-column-{i}");
                    let label = format!("{} ({}, {})", c.name, c.column_type.label(), bytes_text(c.bytes));
                    view! {
                        <li>
                            <input type="checkbox" id=id.clone() prop:checked=move || ticked.with(|t| t.get(i).copied().unwrap_or(false))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    ticked.update(|t| if let Some(x) = t.get_mut(i) { *x = on });
                                }/>
                            <label for=id>{label}</label>
                        </li>
                    }
                })
                .collect_view();
            let fits = move || needed() <= available;
            view! {
                <section id="too-large" class="too-large" aria-labelledby="too-large-title">
                    <h2 id="too-large-title">{format!("{} is too large to open whole here", view.file)}</h2>
                    <p id="too-large-message" role="alert">{view.message.clone()}</p>
                    <h3>"Open only some columns"</h3>
                    <ul class="keep-columns">{columns}</ul>
                    <p id="columns-need" class="hint" class:warning=move || !fits()>
                        {move || format!("The ticked columns need about {} of the {} left.", bytes_text(needed()), bytes_text(available))}
                    </p>
                    <button id="open-columns" type="button" class="button primary" prop:disabled=move || !fits() || kept().is_empty() on:click=on_columns>
                        "Open the ticked columns"
                    </button>
                    <h3>"Open a random sample of its rows"</h3>
                    <p class="inline-form">
                        <label for="sample-rows">"Rows"</label>
                        <input id="sample-rows" type="text" inputmode="numeric" prop:value=move || sample_rows.get() on:input=move |ev| sample_rows.set(event_target_value(&ev))/>
                        <label for="sample-seed">"Seed"</label>
                        <input id="sample-seed" type="text" inputmode="numeric" prop:value=move || seed.get() on:input=move |ev| seed.set(event_target_value(&ev))/>
                        <button id="open-sample" type="button" class="button" on:click=on_sample>"Open the sample"</button>
                    </p>
                    <p class="hint">{format!("About {} rows of all columns fit. The same seed always gives the same rows.", view.sample_rows)}</p>
                    <h3>"Or segment the whole file on this computer"</h3>
                    <p class="hint">"The command-line tool reads files of any size a record at a time, with the same engine:"</p>
                    <pre class="commands">{view.commands.join("\n")}</pre>
                    <button id="too-large-close" type="button" class="button" on:click=move |_| state.too_large.set(None)>"Close"</button>
                </section>
            }
        })
    }
}
