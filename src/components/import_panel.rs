//! How the file was read, what was worked around, and the settings to read it differently.

use leptos::prelude::*;
use segscope_engine::api::Request;
use segscope_engine::api::{DateOrder, EncodingEvidence, FileFormat, RaggedRows, ReadOptions, TextEncoding};

use crate::state::{use_app, AppState};

/// Reads the open dataset's file again with `options`.
pub fn reread(state: AppState, options: ReadOptions) {
    let Some(dataset) = state.dataset.get_untracked().map(|d| d.id) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let response = state.request("Reading the file again…", Request::Reread { dataset, options }).await;
        state.show_dataset(response);
    });
}

fn evidence_text(e: EncodingEvidence) -> &'static str {
    match e {
        EncodingEvidence::ByteOrderMark => "byte order mark",
        EncodingEvidence::ValidUtf8 => "detected",
        EncodingEvidence::FallbackGuess => "guessed: not valid UTF-8",
        EncodingEvidence::ZeroBytePattern => "detected: no byte order mark, every other byte zero",
        EncodingEvidence::Chosen => "chosen",
    }
}

/// The dataset header, import diagnostics and import settings.
#[component]
pub fn ImportPanel() -> impl IntoView {
    let state = use_app();
    let d = move || state.dataset.get();
    view! {
        {move || d().map(|d| {
            let diag = d.diagnostics.clone();
            let options = d.options.clone();
            view! {
                <section class="card" aria-labelledby="dataset-title">
                    <h2 id="dataset-title">{d.name.clone()}</h2>
                    <p id="dataset-summary" class="big">
                        {format!("{} rows × {} columns", d.rows, d.columns.len())}
                    </p>
                    <dl id="diagnostics" class="facts">
                        {(diag.format != FileFormat::Csv).then(|| view! {
                            <dt>"Format"</dt>
                            <dd id="import-format">{if diag.format.is_converted() {
                                format!("{} (read as CSV; exports hold its values as CSV)", diag.format.label())
                            } else {
                                diag.format.label().to_string()
                            }}</dd>
                        })}
                        {diag.sheet.clone().map(|sheet| view! {
                            <dt>"Sheet"</dt>
                            <dd id="import-sheet-read">{sheet}</dd>
                        })}
                        <dt>"Encoding"</dt>
                        <dd id="import-encoding">{if diag.format.is_converted() {
                            format!("{} (the converted text)", diag.encoding.label())
                        } else {
                            format!("{} ({})", diag.encoding.label(), evidence_text(diag.encoding_evidence))
                        }}</dd>
                        <dt>"Delimiter"</dt>
                        <dd id="import-delimiter">{format!("{} ({})", diag.delimiter_label(), if diag.format.is_converted() {
                            "the converted text"
                        } else if diag.delimiter_detected {
                            "detected"
                        } else {
                            "chosen"
                        })}</dd>
                        <dt>"Header row"</dt>
                        <dd>{if diag.has_header { "yes" } else { "no" }}</dd>
                        <dt>"Line endings"</dt>
                        <dd>{diag.line_terminator.clone()}</dd>
                    </dl>
                    {(!d.warning_messages.is_empty()).then(|| view! {
                        <ul id="warnings" class="warnings">
                            {d.warning_messages.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                    <ImportSettings options=options sheets=diag.sheets.clone() sheet=diag.sheet.clone()/>
                </section>
            }
        })}
    }
}

/// A form to read the file again with other settings.
#[component]
fn ImportSettings(
    /// The options the file was read with.
    options: ReadOptions,
    /// A workbook's sheets (empty for other files).
    sheets: Vec<String>,
    /// The sheet read.
    sheet: Option<String>,
) -> impl IntoView {
    let state = use_app();
    let draft = RwSignal::new(options);
    let select = |label: &'static str,
                  id: &'static str,
                  choices: Vec<(&'static str, &'static str)>,
                  current: String,
                  apply: fn(&mut ReadOptions, &str)| {
        view! {
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| { let v = event_target_value(&ev); draft.update(|o| apply(o, &v)); }>
                {choices.into_iter().map(|(value, text)| view! { <option value=value selected=current == value>{text}</option> }).collect_view()}
            </select>
        }
    };
    let o = draft.get_untracked();
    let delimiter = o.delimiter.map_or("auto".to_string(), |b| (b as char).to_string());
    let encoding = o.encoding.map_or("auto", TextEncoding::label).to_string();
    let date_order = match o.date_order {
        None => "auto",
        Some(DateOrder::Dmy) => "dmy",
        Some(DateOrder::Mdy) => "mdy",
        Some(DateOrder::Ymd) => "ymd",
    }
    .to_string();
    let decimal = match o.decimal_comma {
        None => "auto",
        Some(true) => "yes",
        Some(false) => "no",
    }
    .to_string();
    let missing = o.missing_tokens.iter().filter(|t| !t.is_empty()).cloned().collect::<Vec<_>>().join(", ");
    let ragged = match o.ragged_rows {
        RaggedRows::Keep => "keep",
        RaggedRows::Skip => "skip",
        RaggedRows::Fail => "fail",
    }
    .to_string();
    // Choosing another sheet reads it at once; the column choices of the previous sheet are dropped.
    let sheet_picker = (sheets.len() > 1).then(|| {
        let current = sheet.unwrap_or_default();
        view! {
            <label for="import-sheet">"Sheet"</label>
            <select id="import-sheet" on:change=move |ev| {
                let chosen = event_target_value(&ev);
                draft.update(|o| {
                    o.sheet = Some(chosen);
                    o.types.clear();
                    o.column_missing_tokens.clear();
                    o.formats.clear();
                });
                reread(state, draft.get_untracked());
            }>
                {sheets.into_iter().map(|s| { let selected = s == current; let value = s.clone(); view! { <option value=value selected=selected>{s}</option> } }).collect_view()}
            </select>
        }
    });
    view! {
        {sheet_picker.map(|picker| view! { <div class="form-grid sheet-picker">{picker}</div> })}
        <details class="settings">
            <summary>"Import settings"</summary>
            <div class="form-grid">
                {select("Delimiter", "opt-delimiter", vec![("auto", "Detect"), (",", "Comma ,"), (";", "Semicolon ;"), ("\t", "Tab"), ("|", "Pipe |")], delimiter,
                    |o, v| o.delimiter = (v != "auto").then(|| v.as_bytes().first().copied()).flatten())}
                {select("Encoding", "opt-encoding", vec![("auto", "Detect"), ("utf-8", "UTF-8"), ("windows-1252", "Windows-1252 / Latin-1"), ("utf-16le", "UTF-16 LE"), ("utf-16be", "UTF-16 BE")], encoding,
                    |o, v| o.encoding = TextEncoding::from_label(v))}
                {select("Dates like 03/04/2024", "opt-date-order", vec![("auto", "Decide per column"), ("dmy", "Day first (31/12)"), ("mdy", "Month first (12/31)")], date_order,
                    |o, v| o.date_order = DateOrder::from_label(v))}
                {select("Decimal comma (12,50)", "opt-decimal", vec![("auto", "When consistent"), ("yes", "Yes"), ("no", "No")], decimal,
                    |o, v| o.decimal_comma = match v { "yes" => Some(true), "no" => Some(false), _ => None })}
                {select("Rows with the wrong number of fields", "opt-bad-rows", vec![("keep", "Keep them"), ("skip", "Leave them out"), ("fail", "Stop with an error")], ragged,
                    |o, v| o.ragged_rows = match v { "skip" => RaggedRows::Skip, "fail" => RaggedRows::Fail, _ => RaggedRows::Keep })}
                <label for="opt-header">"First line has column names"</label>
                <input id="opt-header" type="checkbox" prop:checked=o.has_header on:change=move |ev| { let c = event_target_checked(&ev); draft.update(|o| o.has_header = c); }/>
                <label for="opt-missing">"Missing-value tokens (comma-separated; empty always counts)"</label>
                <input id="opt-missing" type="text" value=missing
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|o| {
                            o.missing_tokens = std::iter::once(String::new()).chain(v.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty())).collect();
                        });
                    }/>
            </div>
            <button id="reread" type="button" class="button primary" on:click=move |_| reread(state, draft.get_untracked())>"Read again with these settings"</button>
        </details>
    }
}
