//! "Your KPIs": KPIs the user defines (an aggregate of any column over the customers a condition
//! picks, with a name, a format and targets per segment), kept by the engine with the data's
//! segmentations (`Request::SetKpis`, which checks them), saved and opened as a file
//! (`Request::KpisFile`, `Request::OpenKpis`), and shown per segment with each target's progress.
//! The condition is edited with the rule builder's condition editor, counted live
//! (`Request::CountRules`, which makes no segmentation).

use leptos::prelude::*;
use segscope_engine::api::{
    Aggregate, Better, ColumnType, ColumnView, Condition, CustomKpiTable, Definition, KpiDef, KpiFormat, Mode, Request,
    Response, SegmentDef, Target, Typed,
};
use segscope_engine::profile::ALL_CUSTOMERS;

use crate::components::column_select::ColumnSelect;
use crate::components::rules::{condition_view, new_test, ColumnsList, Rules};
use crate::state::{use_app, AppState};

/// The columns a KPI can read: the customers' and the transactions' aggregates.
fn columns(app: AppState) -> Vec<ColumnView> {
    let mut cols = app.dataset.with_untracked(|d| d.as_ref().map(|d| d.columns.clone()).unwrap_or_default());
    cols.extend(app.transactions.with_untracked(|t| t.as_ref().map(|t| t.columns.clone()).unwrap_or_default()));
    cols
}

fn is_number(t: ColumnType) -> bool {
    matches!(t, ColumnType::Integer | ColumnType::Decimal | ColumnType::Boolean)
}

/// The KPI being edited: its fields as typed, its condition in a rule-builder state.
#[derive(Clone, Copy)]
struct Draft {
    /// Which KPI it replaces (none: a new one).
    index: Option<usize>,
    name: RwSignal<String>,
    aggregate: RwSignal<Aggregate>,
    column: RwSignal<String>,
    filtered: RwSignal<bool>,
    format: RwSignal<KpiFormat>,
    better: RwSignal<Better>,
    /// Segment name → target as typed.
    targets: RwSignal<Vec<(String, String)>>,
    condition: Rules,
    /// The engine's sentence when it refused the KPI.
    problem: RwSignal<Option<String>>,
}

impl Draft {
    fn new(app: AppState, index: Option<usize>, kpi: Option<KpiDef>) -> Self {
        let cols = columns(app);
        // Edited as a group, so conditions can be added beside the first.
        let start = match kpi.as_ref().and_then(|k| k.condition.clone()) {
            Some(test @ Condition::Test { .. }) => Condition::All(vec![test]),
            Some(group) => group,
            None => Condition::All(vec![new_test(&cols)]),
        };
        let def = Definition {
            mode: Mode::Overlapping,
            segments: vec![SegmentDef { name: "KPI".into(), color: None, condition: start }],
            ..Definition::default()
        };
        let targets = kpi
            .as_ref()
            .map(|k| k.targets.iter().map(|t| (t.segment.clone(), t.value.to_string())).collect())
            .unwrap_or_default();
        let first_number = cols.iter().find(|c| is_number(c.column_type)).map(|c| c.name.clone()).unwrap_or_default();
        Draft {
            index,
            name: RwSignal::new(kpi.as_ref().map(|k| k.name.clone()).unwrap_or_default()),
            aggregate: RwSignal::new(kpi.as_ref().map_or(Aggregate::Mean, |k| k.aggregate)),
            column: RwSignal::new(kpi.as_ref().and_then(|k| k.column.clone()).unwrap_or(first_number)),
            filtered: RwSignal::new(kpi.as_ref().is_some_and(|k| k.condition.is_some())),
            format: RwSignal::new(kpi.as_ref().map_or(KpiFormat::Number, |k| k.format)),
            better: RwSignal::new(kpi.as_ref().map_or(Better::Higher, |k| k.better)),
            targets: RwSignal::new(targets),
            condition: Rules::for_condition(app, "kpi-", def),
            problem: RwSignal::new(None),
        }
    }

    /// The KPI as the form says.
    fn kpi(self) -> KpiDef {
        let aggregate = self.aggregate.get_untracked();
        let filtered = self.filtered.get_untracked() || aggregate == Aggregate::Share;
        let column = match aggregate {
            Aggregate::Share => None,
            _ => Some(self.column.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        let condition = filtered
            .then(|| self.condition.def.with_untracked(|d| d.segments.first().map(|s| s.condition.clone())))
            .flatten();
        let targets = self
            .targets
            .get_untracked()
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(segment, v)| Target { segment, value: Typed::Text(v) })
            .collect();
        KpiDef {
            name: self.name.get_untracked(),
            aggregate,
            column,
            condition,
            format: self.format.get_untracked(),
            better: self.better.get_untracked(),
            targets,
        }
    }
}

/// Sends the whole list to the engine; on success it is kept and `done` runs, else the sentence shows.
fn keep(
    app: AppState,
    list: Vec<KpiDef>,
    kpis: RwSignal<Vec<KpiDef>>,
    problem: RwSignal<Option<String>>,
    done: impl FnOnce() + 'static,
) {
    let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
    leptos::task::spawn_local(async move {
        match crate::engine_client::call("Checking the KPIs…", Request::SetKpis { dataset, kpis: list }).await {
            Response::Kpis(kept) => {
                problem.set(None);
                kpis.set(kept);
                done();
            }
            Response::Error { message } => problem.set(Some(message)),
            _ => {}
        }
    });
}

/// The list of KPIs, the editor and the file buttons. `segments` are the names targets can be
/// set for; `changed` runs after the list changed (to profile again).
#[component]
pub fn KpiEditor(kpis: RwSignal<Vec<KpiDef>>, segments: Vec<String>, changed: Callback<()>) -> impl IntoView {
    let app = use_app();
    let editing = RwSignal::new(None::<Draft>);
    let list_problem = RwSignal::new(None::<String>);
    let segments = StoredValue::new(segments);
    // A draft's signals belong to the editor, not to the button that opened it (whose view goes
    // away as the form opens, and would take them along).
    let owner = StoredValue::new_local(Owner::current());
    let open_draft = move |index: Option<usize>, kpi: Option<KpiDef>| {
        let make = || Draft::new(app, index, kpi);
        let draft = owner.with_value(|o| match o {
            Some(owner) => owner.with(make),
            None => make(),
        });
        editing.set(Some(draft));
    };
    let remove = move |i: usize| {
        let mut list = kpis.get_untracked();
        if i < list.len() {
            list.remove(i);
        }
        keep(app, list, kpis, list_problem, move || changed.run(()));
    };
    let open = move |ev: leptos::ev::Event| {
        let Some(file) = crate::files::take_chosen_file(&ev) else { return };
        leptos::task::spawn_local(async move {
            let request = Request::OpenKpis { name: file.name(), bytes: Vec::new() };
            if let Some(Response::Kpis(list)) = app.request_with_file("Opening the KPIs…", request, file).await {
                keep(app, list, kpis, list_problem, move || changed.run(()));
            }
        });
    };
    let save = move |_| {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        leptos::task::spawn_local(app.download("Saving the KPIs…", Request::KpisFile { dataset }, |_| true));
    };
    view! {
        <div class="kpi-editor">
            {move || {
                let list = kpis.get();
                (!list.is_empty()).then(|| view! {
                    <table id="kpi-list">
                        <thead><tr><th scope="col">"KPI"</th><th scope="col">"What it computes"</th><th scope="col">"Targets"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>
                            {list.into_iter().enumerate().map(|(i, k)| {
                                let shown = |v: &Typed<f64>| match v {
                                    Typed::Value(x) => k.format.show(*x, None),
                                    Typed::Text(t) => t.clone(),
                                };
                                let targets = k.targets.iter().map(|t| format!("{}: {}", t.segment, shown(&t.value))).collect::<Vec<_>>().join("; ");
                                let edit_kpi = k.clone();
                                view! {
                                    <tr class="kpi-row">
                                        <th scope="row">{k.name.clone()}</th>
                                        <td>{k.in_words()}</td>
                                        <td>{targets}</td>
                                        <td class="kpi-actions">
                                            <button type="button" class="button small edit-kpi" on:click=move |_| open_draft(Some(i), Some(edit_kpi.clone()))>"Edit"</button>
                                            <button type="button" class="button small remove-kpi" on:click=move |_| remove(i)>"Remove"</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            }}
            {move || list_problem.get().map(|m| view! { <p id="kpi-list-problem" class="warnings" role="alert">{m}</p> })}
            {move || match editing.get() {
                Some(draft) => view! { <KpiForm draft=draft kpis=kpis segments=segments.get_value() editing=editing changed=changed/> }.into_any(),
                None => view! {
                    <div class="form-row">
                        <button id="add-kpi" type="button" class="button primary" on:click=move |_| open_draft(None, None)>"+ Add a KPI"</button>
                        <label class="button" for="kpis-open">"Open KPIs…"</label>
                        <input id="kpis-open" class="visually-hidden" type="file" accept=".json,application/json" on:change=open aria-label="Open a KPI file"/>
                        <button id="kpis-save" type="button" class="button" disabled=move || kpis.with(Vec::is_empty) on:click=save>"Save KPIs"</button>
                    </div>
                }.into_any(),
            }}
        </div>
    }
}

/// The form for one KPI.
#[component]
fn KpiForm(
    draft: Draft,
    kpis: RwSignal<Vec<KpiDef>>,
    segments: Vec<String>,
    editing: RwSignal<Option<Draft>>,
    changed: Callback<()>,
) -> impl IntoView {
    let app = use_app();
    let rules = draft.condition;
    if draft.filtered.get_untracked() {
        rules.recount_soon();
    }
    on_cleanup(move || rules.stop());
    let cols = StoredValue::new(columns(app));
    let column_options = Signal::derive(move || {
        let aggregate = draft.aggregate.get();
        let mut options: Vec<_> = cols.with_value(|c| {
            c.iter()
                .filter(|c| !aggregate.needs_column() || is_number(c.column_type))
                .map(|c| (c.name.clone(), format!("{} · {}", c.name, c.column_type)))
                .collect()
        });
        if aggregate == Aggregate::Count {
            options.insert(0, (String::new(), "— every customer —".to_string()));
        }
        options
    });
    // Every segment of the profile shown, all customers, and any segment a target was set for before.
    let mut names = segments;
    names.push(ALL_CUSTOMERS.to_string());
    for (s, _) in draft.targets.get_untracked() {
        if !names.contains(&s) {
            names.push(s);
        }
    }
    let target_of = move |s: &str| {
        draft.targets.with(|t| t.iter().find(|(n, _)| n == s).map(|(_, v)| v.clone()).unwrap_or_default())
    };
    let set_target = move |s: String, v: String| {
        draft.targets.update(|t| match t.iter_mut().find(|(n, _)| *n == s) {
            Some(entry) => entry.1 = v,
            None => t.push((s, v)),
        })
    };
    let count = move || {
        rules.view.with(|v| {
            v.as_ref()
                .filter(|v| v.problems.is_empty())
                .and_then(|v| v.counts.first())
                .map(|c| format!("{} customers ({:.1}%) meet this condition", c.size.count, c.size.share * 100.0))
        })
    };
    let save = move |_| {
        let kpi = draft.kpi();
        let mut list = kpis.get_untracked();
        match draft.index.filter(|&i| i < list.len()) {
            Some(i) => list[i] = kpi,
            None => list.push(kpi),
        }
        keep(app, list, kpis, draft.problem, move || {
            editing.set(None);
            changed.run(());
        });
    };
    let aggregate_changed = move |ev: leptos::ev::Event| {
        let Some(a) = Aggregate::from_key(&event_target_value(&ev)) else { return };
        let before = draft.aggregate.get_untracked();
        draft.aggregate.set(a);
        if a == Aggregate::Share {
            draft.filtered.set(true);
            rules.recount_soon();
        }
        if draft.format.get_untracked() == before.default_format() {
            draft.format.set(a.default_format());
        }
        // A number aggregate needs a number column: keep the chosen one if it is one.
        let chosen = draft.column.get_untracked();
        let fits =
            cols.with_value(|c| c.iter().any(|c| c.name == chosen && (!a.needs_column() || is_number(c.column_type))));
        if !fits {
            let first = cols.with_value(|c| c.iter().find(|c| is_number(c.column_type)).map(|c| c.name.clone()));
            draft.column.set(if a.needs_column() { first.unwrap_or_default() } else { String::new() });
        }
    };
    view! {
        <form id="kpi-form" class="kpi-form" on:submit=|ev| ev.prevent_default()>
            <div class="form-row">
                <label for="kpi-name">"Name"</label>
                <input id="kpi-name" type="text" placeholder="Premium share" prop:value=move || draft.name.get()
                    on:input=move |ev| draft.name.set(event_target_value(&ev))/>
                <label for="kpi-aggregate">"Computes"</label>
                <select id="kpi-aggregate" on:change=aggregate_changed>
                    {Aggregate::ALL.into_iter().map(|a| view! {
                        <option value=a.key() selected=draft.aggregate.get_untracked() == a>{a.label()}</option>
                    }).collect_view()}
                </select>
                {move || (draft.aggregate.get() != Aggregate::Share).then(|| view! {
                    <label for="kpi-column">"Column"</label>
                    <ColumnSelect id="kpi-column" options=column_options selected=draft.column
                        on_change=Callback::new(move |v| draft.column.set(v))/>
                })}
            </div>
            <div class="form-row">
                <label for="kpi-format">"Shown as"</label>
                <select id="kpi-format" on:change=move |ev| if let Some(f) = KpiFormat::from_key(&event_target_value(&ev)) { draft.format.set(f) }>
                    {move || KpiFormat::ALL.into_iter().map(|f| view! {
                        <option value=f.key() selected=draft.format.get() == f>{f.label()}</option>
                    }).collect_view()}
                </select>
                <label for="kpi-better">"Better when"</label>
                <select id="kpi-better" on:change=move |ev| draft.better.set(if event_target_value(&ev) == "lower" { Better::Lower } else { Better::Higher })>
                    <option value="higher" selected=draft.better.get_untracked() == Better::Higher>"higher"</option>
                    <option value="lower" selected=draft.better.get_untracked() == Better::Lower>"lower"</option>
                </select>
            </div>
            <div class="form-row">
                <input id="kpi-where" type="checkbox" prop:checked=move || draft.filtered.get() || draft.aggregate.get() == Aggregate::Share
                    disabled=move || draft.aggregate.get() == Aggregate::Share
                    on:change=move |ev| { draft.filtered.set(event_target_checked(&ev)); rules.recount_soon(); }/>
                <label for="kpi-where">{move || if draft.aggregate.get() == Aggregate::Share { "The share of customers where…" } else { "Only customers where…" }}</label>
            </div>
            {move || (draft.filtered.get() || draft.aggregate.get() == Aggregate::Share).then(|| view! {
                <div class="kpi-condition">
                    <ColumnsList rules=rules/>
                    {move || {
                        rules.layout.get();
                        rules.def.with_untracked(|d| d.segments.first().map(|s| s.condition.clone()))
                            .map(|c| condition_view(rules, 0, Vec::new(), c))
                    }}
                    <p id="kpi-condition-count" class="hint" aria-live="polite">{count}</p>
                </div>
            })}
            <fieldset class="kpi-targets">
                <legend>"Targets (optional)"</legend>
                <p class="hint">{move || if draft.format.get() == KpiFormat::Percent { "Type 0.4 or 40% for 40%." } else { "A number per segment; leave empty for none." }}</p>
                <div class="target-grid">
                    {names.into_iter().enumerate().map(|(i, s)| {
                        let id = format!("kpi-target-{i}");
                        let name = s.clone();
                        view! {
                            <label for=id.clone()>{s.clone()}</label>
                            <input id=id class="kpi-target" type="text" inputmode="decimal" data-segment=s.clone() size="10"
                                prop:value=move || target_of(&name) on:input=move |ev| set_target(s.clone(), event_target_value(&ev))/>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            {move || draft.problem.get().map(|m| view! { <p id="kpi-problem" class="warnings" role="alert">{m}</p> })}
            <div class="form-row">
                <button id="kpi-save" type="submit" class="button primary" on:click=save>"Save KPI"</button>
                <button id="kpi-cancel" type="button" class="button" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}

/// The KPIs' values: a row per KPI, a column per segment and all customers; a target's progress
/// as a bar under the value, its state in words beside it.
#[component]
pub fn KpiResults(table: CustomKpiTable) -> impl IntoView {
    let currency = table.currency.clone();
    let headers = table
        .kpis
        .first()
        .map(|k| k.segments.iter().map(|g| g.segment.clone()).collect::<Vec<_>>())
        .unwrap_or_default();
    let rows = table
        .kpis
        .iter()
        .map(|k| {
            let cells = k
                .segments
                .iter()
                .chain(std::iter::once(&k.all))
                .map(|g| {
                    let value = k.show_value(g, currency.as_deref());
                    let words = k.target_words(g, currency.as_deref());
                    let bar = g.progress.map(|p| view! { <progress class="kpi-progress" max="1" value=p.to_string() title=words.clone().unwrap_or_default()></progress> });
                    view! {
                        <td class="num" class:met=g.met == Some(true) class:short=g.met == Some(false) data-segment=g.segment.clone()>
                            <span class="kpi-value">{value}</span>
                            {bar}
                            {words.map(|w| view! { <span class="kpi-target-words">{w}</span> })}
                        </td>
                    }
                })
                .collect_view();
            view! { <tr data-kpi=k.definition.name.clone()><th scope="row" title=k.description.clone()>{k.definition.name.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Custom KPIs per segment"><table id="custom-kpi-table">
            <thead><tr><th scope="col">"KPI"</th>{headers.into_iter().map(|h| view! { <th scope="col" class="num">{h}</th> }).collect_view()}<th scope="col" class="num">{ALL_CUSTOMERS}</th></tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
        {table.as_of.map(|d| view! { <p class="hint">{format!("Conditions on recent dates count back from {d}.")}</p> })}
        {(!table.not_computed.is_empty()).then(|| view! {
            <ul id="kpi-not-computed" class="warnings">{table.not_computed.into_iter().map(|n| view! { <li>{format!("Not computed: {n}")}</li> }).collect_view()}</ul>
        })}
    }
}
