//! The rule builder: named segments defined by readable rules, with live counts.

mod condition;
mod derived;
mod overlap;
mod problems;
mod state;

pub use condition::{condition_view, new_test};
pub use derived::all_columns;
pub use problems::ProblemsAt;
pub use state::Rules;

use leptos::prelude::*;
use segscope_engine::api::Dialect;
use segscope_engine::api::{ColumnView, Condition, Mode, Place, SegmentDef};
use segscope_engine::api::{PreviewRows, Request, Response, SegmentationKind};
use segscope_engine::reproduce::SegmentationRecipe;
use wasm_bindgen::JsCast;

use super::column_select::listed;
use super::dialect_select::DialectSelect;
use super::preview_table::PreviewTable;
use super::segment_chart::SegmentChart;
use crate::state::use_app;
use derived::DerivedFields;
use overlap::OverlapMatrix;

fn colour(i: usize) -> String {
    segscope_charts::segment_sizes::hex(i)
}

/// The rule builder section.
#[component]
pub fn RuleBuilder() -> impl IntoView {
    let app = use_app();
    let rules = Rules::new(app);
    // A definition handed over by another workspace (the clusters as rules): edit it here.
    Effect::new(move |_| {
        if let Some(def) = app.open_rules.get() {
            app.open_rules.set(None);
            rules.replace(def);
        }
    });
    // A project just opened: its rule segments.
    Effect::new(move |_| {
        if let Some(SegmentationRecipe::Rules { definition, .. }) = app.take_restored(SegmentationKind::Rules) {
            rules.replace(*definition);
        }
    });
    // New data: count the same definition on it.
    Effect::new(move |_| {
        app.transactions.track();
        if app.dataset.with(|d| d.as_ref().map(|d| d.id)).is_some() {
            rules.layout.update(|v| *v += 1);
            rules.recount_soon();
        }
    });
    let add_segment = move |_| {
        let cols = all_columns(rules);
        rules.restructure(|d| {
            let n = d.segments.len();
            let mut name = format!("Segment {}", n + 1);
            while d.segments.iter().any(|s| s.name == name) {
                name.push('′');
            }
            d.segments.push(SegmentDef {
                name,
                color: Some(colour(n)),
                condition: Condition::All(vec![new_test(&cols)]),
            });
        });
    };
    view! {
        <section class="card rules" aria-labelledby="rules-title">
            <h2 id="rules-title">"Rule segments"</h2>
            <p class="hint">"Define segments with rules: demographics, geography, behaviour. Customers go to the first segment whose rules they match (or, in overlapping mode, to every segment they match). A rule on a missing value never matches."</p>
            <ColumnsList rules=rules/>
            <Toolbar rules=rules/>
            <DerivedFields rules=rules/>
            {move || {
                rules.layout.get();
                let def = rules.def.get_untracked();
                let n = def.segments.len();
                view! {
                    <ol id="rule-segments" class="rule-segments">
                        {def.segments.into_iter().enumerate().map(|(i, s)| view! { <SegmentCard rules=rules index=i total=n segment=s/> }).collect_view()}
                    </ol>
                    <Remainder rules=rules name=def.remainder.name.clone() mode=def.mode/>
                }
            }}
            <div class="actions">
                <button id="add-segment" type="button" class="button primary" on:click=add_segment>"+ Add segment"</button>
                <button id="undo" type="button" class="button" disabled=move || !rules.can_undo() on:click=move |_| rules.undo()>"Undo"</button>
            </div>
            <Problems rules=rules/>
            <RuleResults rules=rules/>
        </section>
    }
}

/// The column names a condition can test, with each one's type and an example, for the column inputs.
#[component]
pub fn ColumnsList(
    /// The editor's state.
    rules: Rules,
) -> impl IntoView {
    let app = rules.app;
    let datalist = move || {
        rules.layout.track();
        rules.view.track();
        let first = app
            .dataset
            .with(|d| d.as_ref().and_then(|d| d.preview.rows.first().map(|r| r.1.clone())).unwrap_or_default());
        let numbered: Vec<(usize, ColumnView)> = all_columns(rules).into_iter().enumerate().collect();
        listed(&numbered, |(_, c)| c.name.as_str(), &rules.column_find.get(), |_| false)
            .into_iter()
            .map(|(i, c)| {
                let sample = first.get(i).cloned().map(|s| format!(" · e.g. {s}")).unwrap_or_default();
                view! { <option value=c.name.clone() label=format!("{} · {}{}", c.name, c.column_type, sample)></option> }
            })
            .collect_view()
    };
    view! { <datalist id=rules.columns_list_id()>{datalist}</datalist> }
}

/// Mode, as-of date, name, open and save.
#[component]
fn Toolbar(
    /// The builder's state.
    rules: Rules,
) -> impl IntoView {
    let app = rules.app;
    let open = move |ev: leptos::ev::Event| {
        let Some(file) = crate::files::take_chosen_file(&ev) else { return };
        leptos::task::spawn_local(async move {
            let request = Request::OpenDefinition { name: file.name(), bytes: Vec::new() };
            if let Some(Response::Definition(def)) =
                app.request_with_file("Opening the definition…", request, file).await
            {
                rules.replace(*def);
            }
        });
    };
    let save = move |_| {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let definition = rules.def.get_untracked();
        leptos::task::spawn_local(app.download("Saving…", Request::SaveDefinition { dataset, definition }, |_| true));
    };
    view! {
        {move || {
            rules.layout.get();
            let def = rules.def.get_untracked();
            let as_of = def.as_of.clone().unwrap_or_default();
            view! {
                <div class="form-row toolbar">
                    <label for="rules-name">"Name"</label>
                    <input id="rules-name" type="text" value=def.name.clone().unwrap_or_default() placeholder="My segmentation"
                        on:input=move |ev| { let v = event_target_value(&ev); rules.edit_value("name".into(), move |d| d.name = (!v.trim().is_empty()).then_some(v)); }/>
                    <label for="rules-mode">"Customers can be in"</label>
                    <select id="rules-mode" on:change=move |ev| {
                        let m = if event_target_value(&ev) == "overlapping" { Mode::Overlapping } else { Mode::FirstMatch };
                        rules.restructure(move |d| d.mode = m);
                    }>
                        <option value="first-match" selected=def.mode == Mode::FirstMatch>"one segment (first match wins)"</option>
                        <option value="overlapping" selected=def.mode == Mode::Overlapping>"several segments (overlapping)"</option>
                    </select>
                    <label for="rules-as-of">"As of"</label>
                    <input id="rules-as-of" type="date" value=as_of on:input=move |ev| {
                        let v = event_target_value(&ev);
                        rules.edit_value("as_of".into(), move |d| d.as_of = (!v.is_empty()).then_some(v));
                    }/>
                    {move || rules.view.with(|v| v.as_ref().filter(|v| v.as_of_is_default).and_then(|v| v.as_of.clone())).map(|d| view! {
                        <span id="as-of-default" class="hint">{format!("default {d}: the day after the latest date used")}</span>
                    })}
                </div>
            }
        }}
        <div class="form-row toolbar">
            <TemplatePicker rules=rules/>
            <label class="button" for="open-definition">"Open definition…"</label>
            <input id="open-definition" class="visually-hidden" type="file" accept=".json,application/json" on:change=open aria-label="Open a segment definition file"/>
            <button id="save-definition" type="button" class="button" on:click=save>"Save definition"</button>
        </div>
    }
}

/// "Start from a template": the templates this data supports, with their columns guessed.
#[component]
fn TemplatePicker(
    /// The builder's state.
    rules: Rules,
) -> impl IntoView {
    let app = rules.app;
    let suggestions = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        app.transactions.track();
        let Some(dataset) = app.dataset.with(|d| d.as_ref().map(|d| d.id)) else { return };
        leptos::task::spawn_local(async move {
            if let Response::Templates(t) =
                crate::engine_client::call("Looking for templates…", Request::SuggestTemplates { dataset }).await
            {
                suggestions.set(t);
            }
        });
    });
    let choose = move |ev: leptos::ev::Event| {
        let Ok(i) = event_target_value(&ev).parse::<usize>() else { return };
        let Some(template) = suggestions.with_untracked(|s| s.get(i).map(|s| s.template.clone())) else { return };
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        if let Some(select) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
            select.set_value("");
        }
        leptos::task::spawn_local(async move {
            if let Some(Response::Definition(def)) =
                app.request("Building the template…", Request::FromTemplate { dataset, template }).await
            {
                rules.replace(*def);
            }
        });
    };
    view! {
        <label class="visually-hidden" for="rules-template">"Start from a template"</label>
        <select id="rules-template" on:change=choose>
            <option value="" selected=true>"Start from a template…"</option>
            {move || suggestions.get().into_iter().enumerate().map(|(i, s)| view! { <option value=i.to_string()>{s.label}</option> }).collect_view()}
        </select>
    }
}

/// One segment: name, colour, live count, order, and its rules.
#[component]
fn SegmentCard(
    /// The builder's state.
    rules: Rules,
    /// Its position.
    index: usize,
    /// How many segments there are.
    total: usize,
    /// The segment.
    segment: SegmentDef,
) -> impl IntoView {
    let i = index;
    let count = move || {
        rules.view.with(|v| {
            v.as_ref().filter(|v| v.problems.is_empty()).and_then(|v| v.counts.get(i)).map(|c| {
                let undecided = if c.undecided > 0 {
                    format!(" · {} undecided (missing values)", c.undecided)
                } else {
                    String::new()
                };
                format!("{} customers · {:.1}%{undecided}", c.size.count, c.size.share * 100.0)
            })
        })
    };
    let move_to = move |to: usize| {
        rules.restructure(move |d| {
            if i < d.segments.len() && to < d.segments.len() {
                let s = d.segments.remove(i);
                d.segments.insert(to, s);
            }
        })
    };
    let duplicate = move |_| {
        rules.restructure(move |d| {
            if let Some(s) = d.segments.get(i).cloned() {
                let mut copy = s;
                copy.name = format!("{} (copy)", copy.name);
                copy.color = Some(colour(d.segments.len()));
                d.segments.insert(i + 1, copy);
            }
        })
    };
    let delete = move |_| {
        rules.restructure(move |d| {
            if i < d.segments.len() {
                d.segments.remove(i);
            }
        })
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        let from = ev.data_transfer().and_then(|d| d.get_data("text/plain").ok()).and_then(|s| s.parse::<usize>().ok());
        if let Some(from) = from.filter(|&f| f != i) {
            rules.restructure(move |d| {
                if from < d.segments.len() && i < d.segments.len() {
                    let s = d.segments.remove(from);
                    d.segments.insert(i, s);
                }
            });
        }
    };
    let name_id = format!("segment-name-{i}");
    let colour_id = format!("segment-colour-{i}");
    let color = segment.color.clone().unwrap_or_else(|| colour(i));
    let border = color.clone();
    view! {
        <li class="segment-card" data-index=i.to_string() style:border-left-color=border on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
            <div class="segment-head" draggable="true" on:dragstart=move |ev: leptos::ev::DragEvent| {
                if let Some(dt) = ev.data_transfer() { let _ = dt.set_data("text/plain", &i.to_string()); }
            }>
                <span class="drag" title="Drag to reorder" aria-hidden="true">"⠿"</span>
                <span class="order">{format!("{}.", i + 1)}</span>
                <label class="visually-hidden" for=colour_id.clone()>"Colour"</label>
                <input id=colour_id type="color" value=color on:input=move |ev| {
                    let c = event_target_value(&ev);
                    rules.edit_value(format!("colour{i}"), move |d| if let Some(s) = d.segments.get_mut(i) { s.color = Some(c) });
                }/>
                <label class="visually-hidden" for=name_id.clone()>"Segment name"</label>
                <input id=name_id class="segment-name" type="text" value=segment.name.clone() on:input=move |ev| {
                    let v = event_target_value(&ev);
                    rules.edit_value(format!("name{i}"), move |d| if let Some(s) = d.segments.get_mut(i) { s.name = v });
                }/>
                <span class="segment-count" aria-live="polite">{count}</span>
                <span class="segment-buttons">
                    <button type="button" class="icon" title="Move up" aria-label="Move up" disabled={i == 0} on:click=move |_| move_to(i.saturating_sub(1))>"↑"</button>
                    <button type="button" class="icon" title="Move down" aria-label="Move down" disabled={i + 1 >= total} on:click=move |_| move_to(i + 1)>"↓"</button>
                    <button type="button" class="button small duplicate-segment" on:click=duplicate>"Duplicate"</button>
                    <button type="button" class="button small delete-segment" on:click=delete>"Delete"</button>
                </span>
            </div>
            <ProblemsAt rules=rules place=Place::Segment(i) id=format!("segment-problems-{i}")/>
            {condition_view(rules, i, Vec::new(), segment.condition)}
        </li>
    }
}

/// The remainder segment (first-match mode).
#[component]
fn Remainder(
    /// The builder's state.
    rules: Rules,
    /// Its name.
    name: String,
    /// The mode.
    mode: Mode,
) -> impl IntoView {
    let count = move || {
        rules.view.with(|v| {
            let v = v.as_ref().filter(|v| v.problems.is_empty())?;
            let n = rules.def.with_untracked(|d| d.segments.len());
            v.counts.get(n).map(|c| format!("{} customers · {:.1}% unassigned", c.size.count, c.size.share * 100.0))
        })
    };
    (mode == Mode::FirstMatch).then(|| {
        view! {
            <div class="remainder">
                <label for="remainder-name">"Everyone else is in"</label>
                <input id="remainder-name" type="text" value=name on:input=move |ev| {
                    let v = event_target_value(&ev);
                    rules.edit_value("remainder".into(), move |d| d.remainder.name = v);
                }/>
                <span id="remainder-count" class="segment-count">{count}</span>
            </div>
        }
    })
}

/// What stops the definition from being applied, for the definition as a whole (its as-of date, its
/// recorded column types); the other problems stand beside the condition, segment or field they concern.
#[component]
fn Problems(
    /// The builder's state.
    rules: Rules,
) -> impl IntoView {
    view! { <ProblemsAt rules=rules place=Place::Definition id="rule-problems".to_string()/> }
}

/// Chart, overlaps, a sample of customers, and downloads.
#[component]
fn RuleResults(
    /// The builder's state.
    rules: Rules,
) -> impl IntoView {
    let app = rules.app;
    let filtered: RwSignal<Option<(String, PreviewRows)>> = RwSignal::new(None);
    let dialect = RwSignal::new(Dialect::Duckdb);
    let table = RwSignal::new("customers".to_string());
    let transactions_table = RwSignal::new("transactions".to_string());
    let sql = move |_| {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let (definition, dialect, table) = (rules.def.get_untracked(), dialect.get_untracked(), table.get_untracked());
        let transactions_table =
            app.transactions.with_untracked(Option::is_some).then(|| transactions_table.get_untracked());
        leptos::task::spawn_local(async move {
            app.download(
                "Writing SQL…",
                Request::RulesSql { dataset, definition, dialect, table, transactions_table },
                |_| true,
            )
            .await;
        });
    };
    let csv = move |_| {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let Some(assignment) = rules.view.with_untracked(|v| v.as_ref().and_then(|v| v.assignment)) else { return };
        leptos::task::spawn_local(async move {
            app.download("Preparing the download…", Request::ExportCsv { dataset, assignment }, |_| true).await;
        });
    };
    let show = move |code: u32, name: String| {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let Some(assignment) = rules.view.with_untracked(|v| v.as_ref().and_then(|v| v.assignment)) else { return };
        leptos::task::spawn_local(async move {
            let request = Request::Preview { dataset, segment: Some((assignment, code)), offset: 0, limit: 20 };
            if let Some(Response::Preview(rows)) = app.request("Finding customers…", request).await {
                filtered.set(Some((name, rows)));
            }
        });
    };
    view! {
        {move || rules.view.with(|v| v.as_ref().filter(|v| v.problems.is_empty() && !v.counts.is_empty()).map(|v| {
            let bars: Vec<(String, u64)> = v.counts.iter().map(|c| (c.size.name.clone(), c.size.count)).collect();
            let names: Vec<String> = v.counts.iter().map(|c| c.size.name.clone()).collect();
            view! {
                <div class="split-result">
                    <SegmentChart bars=bars id="rules-chart"/>
                    <div>
                        <p class="hint">"Show customers in:"</p>
                        <ul class="segment-links">
                            {names.into_iter().enumerate().map(|(code, n)| {
                                let n2 = n.clone();
                                view! { <li><button type="button" class="link" on:click=move |_| show(code as u32, n2.clone())>{n}</button></li> }
                            }).collect_view()}
                        </ul>
                    </div>
                </div>
            }
        }))}
        <OverlapMatrix view=rules.view def=rules.def/>
        <div class="form-row toolbar">
            <button id="rules-download-csv" type="button" class="button primary" disabled=move || rules.view.with(|v| v.as_ref().and_then(|v| v.assignment).is_none()) on:click=csv>"Download CSV with segments"</button>
            <DialectSelect id="sql-dialect" dialect=dialect/>
            <label for="sql-table">"table"</label>
            <input id="sql-table" type="text" prop:value=move || table.get() on:input=move |ev| table.set(event_target_value(&ev))/>
            <Show when=move || app.transactions.with(Option::is_some)>
                <label for="sql-transactions-table">"transactions table"</label>
                <input id="sql-transactions-table" type="text" prop:value=move || transactions_table.get() on:input=move |ev| transactions_table.set(event_target_value(&ev))/>
            </Show>
            <button id="download-sql" type="button" class="button" on:click=sql>"Download SQL"</button>
        </div>
        {move || filtered.get().map(|(name, rows)| view! {
            <h4>{format!("Customers in “{name}” (first {})", rows.rows.len())}</h4>
            <PreviewTable rows=rows id="rules-preview"/>
        })}
    }
}
