//! Editing a condition tree: groups (all / any / none / at least K) and tests on columns.
//!
//! What the user types goes into the definition as typed ([`Typed::Text`], or the text of a date
//! or a range's end); the engine's check reads it and its sentences are shown beside the
//! condition they concern. The operators offered, their labels and their starting values are the
//! engine's menu for the column ([`ColumnView::operators`]).

use leptos::prelude::*;
use segscope_engine::api::ColumnType;
use segscope_engine::api::{ColumnView, Place, Request, Response, Typed};
use segscope_engine::api::{Condition, Inclusive, Op, Unit};

use super::problems::ProblemsAt;
use super::state::{at, children_mut, Rules};

/// A test on `column` with the first operator of its menu.
fn first_test(column: &ColumnView) -> Option<Condition> {
    let op = column.operators.first()?.start.clone();
    Some(Condition::Test { column: column.name.clone(), op })
}

/// A new test on the dataset's first column that is not free text, for "+ Condition".
pub fn new_test(columns: &[ColumnView]) -> Condition {
    columns
        .iter()
        .find(|c| c.column_type != ColumnType::Text)
        .or(columns.first())
        .and_then(first_test)
        .unwrap_or(Condition::All(Vec::new()))
}

fn columns(rules: Rules) -> Vec<ColumnView> {
    super::derived::all_columns(rules)
}

fn key(seg: usize, path: &[usize], field: &str) -> String {
    format!("{seg}:{path:?}:{field}")
}

/// Renders the condition at `path` of segment `seg` (recursively for groups).
pub fn condition_view(rules: Rules, seg: usize, path: Vec<usize>, cond: Condition) -> AnyView {
    match cond {
        Condition::Test { column, op } => test_view(rules, seg, path, column, op),
        group => group_view(rules, seg, path, group),
    }
}

fn group_view(rules: Rules, seg: usize, path: Vec<usize>, group: Condition) -> AnyView {
    let (kind, k, items) = match group {
        Condition::All(v) => ("all", Typed::Value(1), v),
        Condition::Any(v) => ("any", Typed::Value(1), v),
        Condition::None(v) => ("none", Typed::Value(1), v),
        Condition::AtLeast { k, of } => ("at_least", k, of),
        Condition::Test { .. } => ("all", Typed::Value(1), Vec::new()),
    };
    let root = path.is_empty();
    let kind_id = rules.dom_id(seg, &path, "group");
    let p = path.clone();
    let set_kind = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let p = p.clone();
        rules.restructure(move |d| {
            at(d, seg, &p, |c| {
                let items = children_mut(c).map(std::mem::take).unwrap_or_default();
                *c = match v.as_str() {
                    "any" => Condition::Any(items),
                    "none" => Condition::None(items),
                    "at_least" => Condition::AtLeast { k: Typed::Value(1), of: items },
                    _ => Condition::All(items),
                };
            })
        });
    };
    let p = path.clone();
    let set_k = move |ev: leptos::ev::Event| {
        let typed = Typed::Text(event_target_value(&ev));
        let p = p.clone();
        rules.edit_value(key(seg, &p, "k"), move |d| {
            at(d, seg, &p, |c| {
                if let Condition::AtLeast { k, .. } = c {
                    *k = typed;
                }
            })
        });
    };
    let p = path.clone();
    let add = move |group: bool| {
        let p = p.clone();
        let cols = columns(rules);
        rules.restructure(move |d| {
            at(d, seg, &p, |c| {
                if let Some(children) = children_mut(c) {
                    children.push(if group { Condition::Any(vec![new_test(&cols)]) } else { new_test(&cols) });
                }
            })
        });
    };
    let add2 = add.clone();
    let remove = remove_button(rules, seg, path.clone(), "group");
    let children = items
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut child = path.clone();
            child.push(i);
            view! { <li>{condition_view(rules, seg, child, c)}</li> }
        })
        .collect_view();
    let k_id = rules.dom_id(seg, &path, "k");
    let problems = view! { <ProblemsAt rules=rules place=place(seg, &path) id=rules.dom_id(seg, &path, "problems")/> };
    view! {
        <div class="group" class:root=root>
            <div class="group-head">
                <label class="visually-hidden" for=kind_id.clone()>"How conditions combine"</label>
                <select id=kind_id class="group-kind" on:change=set_kind>
                    <option value="all" selected=kind == "all">"ALL of (and)"</option>
                    <option value="any" selected=kind == "any">"ANY of (or)"</option>
                    <option value="none" selected=kind == "none">"NONE of (not)"</option>
                    <option value="at_least" selected=kind == "at_least">"AT LEAST K of"</option>
                </select>
                {(kind == "at_least").then(|| view! {
                    <label for=k_id.clone()>"K ="</label>
                    <input id=k_id class="k" type="text" inputmode="numeric" value=k.to_string() on:input=set_k/>
                })}
                {(!root).then_some(remove)}
            </div>
            {problems}
            <ul class="children">{children}</ul>
            <div class="group-actions">
                <button type="button" class="button small add-condition" on:click=move |_| add(false)>"+ Condition"</button>
                <button type="button" class="button small add-group" on:click=move |_| add2(true)>"+ Group"</button>
            </div>
        </div>
    }
    .into_any()
}

fn remove_button(rules: Rules, seg: usize, path: Vec<usize>, what: &'static str) -> AnyView {
    let remove = move |_| {
        let p = path.clone();
        rules.restructure(move |d| {
            if let Some((&last, parent)) = p.split_last() {
                at(d, seg, parent, |c| {
                    if let Some(children) = children_mut(c) {
                        if last < children.len() {
                            children.remove(last);
                        }
                    }
                })
            }
        });
    };
    view! { <button type="button" class="icon remove" title=format!("Remove this {what}") aria-label=format!("Remove this {what}") on:click=remove>"×"</button> }.into_any()
}

fn test_view(rules: Rules, seg: usize, path: Vec<usize>, column: String, op: Op) -> AnyView {
    let col = columns(rules).into_iter().find(|c| c.name == column);
    let ty = col.as_ref().map_or(ColumnType::Text, |c| c.column_type);
    let list_id = rules.columns_list_id();
    let column_id = rules.dom_id(seg, &path, "column");
    let op_id = rules.dom_id(seg, &path, "op");
    let p = path.clone();
    let current_column = column.clone();
    let set_column = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        // Choosing the column the test already has (a change event on blur) keeps the test as it is.
        if name == current_column {
            return;
        }
        let Some(test) = columns(rules).iter().find(|c| c.name == name).and_then(first_test) else { return };
        let p = p.clone();
        rules.restructure(move |d| at(d, seg, &p, |cond| *cond = test));
    };
    let p = path.clone();
    let name = column.clone();
    let set_op = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        let menu = columns(rules).into_iter().find(|c| c.name == name).map(|c| c.operators).unwrap_or_default();
        let Some(start) = menu.into_iter().find(|o| o.start.name() == chosen).map(|o| o.start) else { return };
        let p = p.clone();
        rules.restructure(move |d| {
            at(d, seg, &p, |cond| {
                if let Condition::Test { op, .. } = cond {
                    *op = start;
                }
            })
        });
    };
    let current = op.name();
    // The engine's menu for the column; for a column it does not know, the operator as it is.
    let options: Vec<(&'static str, String)> = match col.as_ref().filter(|c| !c.operators.is_empty()) {
        Some(c) => c.operators.iter().map(|o| (o.start.name(), o.label.clone())).collect(),
        None => vec![(current, op.label().to_string())],
    };
    let editor = value_editor(rules, seg, path.clone(), column.clone(), col, op);
    view! {
        <div class="test" data-column=column.clone()>
            <label class="visually-hidden" for=column_id.clone()>"Column"</label>
            <input id=column_id class="test-column" type="search" list=list_id value=column.clone() on:change=set_column
                on:focus=move |ev| rules.column_find.set(event_target_value(&ev))
                on:input=move |ev| rules.column_find.set(event_target_value(&ev))
                title=format!("{column} ({ty})") autocomplete="off"/>
            <label class="visually-hidden" for=op_id.clone()>"Operator"</label>
            <select id=op_id class="test-op" on:change=set_op>
                {options.into_iter().map(|(name, label)| view! { <option value=name selected=name == current>{label}</option> }).collect_view()}
            </select>
            {editor}
            {remove_button(rules, seg, path.clone(), "condition")}
        </div>
        <ProblemsAt rules=rules place=place(seg, &path) id=rules.dom_id(seg, &path, "problems")/>
    }
    .into_any()
}

/// The place of the condition at `path` of segment `seg`, as the engine's problems name it.
fn place(seg: usize, path: &[usize]) -> Place {
    Place::Condition { segment: seg, at: path.to_vec() }
}

/// Writes a new operator for the test at `path` (a value edit: the editor stays as it is).
fn set(rules: Rules, seg: usize, path: &[usize], field: &str, op: Op) {
    let p = path.to_vec();
    rules.edit_value(key(seg, path, field), move |d| {
        at(d, seg, &p, |c| {
            if let Condition::Test { op: o, .. } = c {
                *o = op;
            }
        })
    });
}

fn value_editor(
    rules: Rules,
    seg: usize,
    path: Vec<usize>,
    column: String,
    col: Option<ColumnView>,
    op: Op,
) -> AnyView {
    let id = |f: &str| rules.dom_id(seg, &path, f);
    let stats = col.as_ref().and_then(|c| c.stats.numeric);
    match op.clone() {
        Op::Eq { value }
        | Op::Ne { value }
        | Op::Lt { value }
        | Op::Le { value }
        | Op::Gt { value }
        | Op::Ge { value } => {
            let current = RwSignal::new(value.to_string());
            let p = path.clone();
            let write = move |text: String| {
                current.set(text.clone());
                let value = Typed::Text(text);
                let new = match &op {
                    Op::Eq { .. } => Op::Eq { value },
                    Op::Ne { .. } => Op::Ne { value },
                    Op::Lt { .. } => Op::Lt { value },
                    Op::Le { .. } => Op::Le { value },
                    Op::Gt { .. } => Op::Gt { value },
                    _ => Op::Ge { value },
                };
                set(rules, seg, &p, "value", new);
            };
            let write2 = write.clone();
            let (min, max) = stats.map_or((0.0, 100.0), |s| (s.min, s.max));
            let step = if col.as_ref().is_some_and(|c| c.column_type == ColumnType::Integer) {
                "1".to_string()
            } else {
                "any".to_string()
            };
            let vid = id("value");
            view! {
                <label class="visually-hidden" for=vid.clone()>"Value"</label>
                <input id=vid class="test-value" type="text" inputmode="decimal" prop:value=move || current.get() on:input=move |ev| write(event_target_value(&ev))/>
                <input class="slider" type="range" aria-label=format!("Value of {column} (slider)") min=min.to_string() max=max.to_string() step=step
                    prop:value=move || current.get() on:input=move |ev| write2(event_target_value(&ev))/>
            }
            .into_any()
        }
        Op::Between { min, max, inclusive } => {
            let is_date =
                col.as_ref().is_some_and(|c| matches!(c.column_type, ColumnType::Date | ColumnType::Datetime));
            let state = RwSignal::new((min.clone(), max.clone(), inclusive));
            let p = path.clone();
            // Both ends go to the engine as typed; it reads numbers on number columns and dates on date columns.
            let write = move |which: u8, text: String| {
                let v = serde_json::Value::String(text);
                state.update(|s| if which == 0 { s.0 = v } else { s.1 = v });
                let (a, b, inc) = state.get_untracked();
                set(rules, seg, &p, "between", Op::Between { min: a, max: b, inclusive: inc });
            };
            let p = path.clone();
            let set_inc = move |ev: leptos::ev::Event| {
                let inc = match event_target_value(&ev).as_str() {
                    "neither" => Inclusive::Neither,
                    "lower" => Inclusive::Lower,
                    "upper" => Inclusive::Upper,
                    _ => Inclusive::Both,
                };
                state.update(|s| s.2 = inc);
                let (a, b, inc) = state.get_untracked();
                set(rules, seg, &p, "inclusive", Op::Between { min: a, max: b, inclusive: inc });
            };
            let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
            let (kind, mode) = if is_date { ("date", "none") } else { ("text", "decimal") };
            let (w1, w2, w3, w4) = (write.clone(), write.clone(), write.clone(), write);
            // Numbers get a slider per bound over the column's range; dates get date pickers.
            let sliders = !is_date && stats.is_some();
            let (lo, hi) = stats.map_or((0.0, 100.0), |s| (s.min, s.max));
            let step = if col.as_ref().is_some_and(|c| c.column_type == ColumnType::Integer) {
                "1".to_string()
            } else {
                "any".to_string()
            };
            let step2 = step.clone();
            let column2 = column.clone();
            let inc_now = match inclusive {
                Inclusive::Both => "both",
                Inclusive::Neither => "neither",
                Inclusive::Lower => "lower",
                Inclusive::Upper => "upper",
            };
            let (id_min, id_max, id_inc) = (id("min"), id("max"), id("inclusive"));
            view! {
                <label class="visually-hidden" for=id_min.clone()>"From"</label>
                <input id=id_min class="test-min" type=kind inputmode=mode prop:value=move || text(&state.get().0) on:input=move |ev| w1(0, event_target_value(&ev))/>
                {sliders.then(|| view! {
                    <input class="slider" type="range" aria-label=format!("From (slider) for {column}") min=lo.to_string() max=hi.to_string() step=step.clone()
                        prop:value=move || text(&state.get().0) on:input=move |ev| w3(0, event_target_value(&ev))/>
                })}
                <span>"and"</span>
                <label class="visually-hidden" for=id_max.clone()>"To"</label>
                <input id=id_max class="test-max" type=kind inputmode=mode prop:value=move || text(&state.get().1) on:input=move |ev| w2(1, event_target_value(&ev))/>
                {sliders.then(|| view! {
                    <input class="slider" type="range" aria-label=format!("To (slider) for {column2}") min=lo.to_string() max=hi.to_string() step=step2
                        prop:value=move || text(&state.get().1) on:input=move |ev| w4(1, event_target_value(&ev))/>
                })}
                <label class="visually-hidden" for=id_inc.clone()>"Ends included"</label>
                <select id=id_inc class="test-inclusive" on:change=set_inc>
                    {[("both", "both ends included"), ("neither", "both ends excluded"), ("lower", "from included, to excluded"), ("upper", "from excluded, to included")]
                        .into_iter().map(|(v, t)| view! { <option value=v selected=v == inc_now>{t}</option> }).collect_view()}
                </select>
            }
            .into_any()
        }
        Op::Is { value, case_insensitive }
        | Op::IsNot { value, case_insensitive }
        | Op::Contains { value, case_insensitive }
        | Op::StartsWith { value, case_insensitive }
        | Op::EndsWith { value, case_insensitive } => {
            let state = RwSignal::new((value.clone(), case_insensitive));
            let p = path.clone();
            let op2 = op.clone();
            let write = move || {
                let (value, case_insensitive) = state.get_untracked();
                let new = match &op2 {
                    Op::Is { .. } => Op::Is { value, case_insensitive },
                    Op::IsNot { .. } => Op::IsNot { value, case_insensitive },
                    Op::Contains { .. } => Op::Contains { value, case_insensitive },
                    Op::StartsWith { .. } => Op::StartsWith { value, case_insensitive },
                    _ => Op::EndsWith { value, case_insensitive },
                };
                set(rules, seg, &p, "text", new);
            };
            let w2 = write.clone();
            let categorical = col.as_ref().is_some_and(|c| c.column_type == ColumnType::Categorical)
                && matches!(op, Op::Is { .. } | Op::IsNot { .. });
            let vid = id("value");
            let cid = id("case");
            let input = if categorical {
                let values = column_values(rules, column.clone());
                let w = write.clone();
                // Options arrive after the select exists: choose the current value once they are in.
                let select = NodeRef::<leptos::html::Select>::new();
                Effect::new(move |_| {
                    values.track();
                    if let Some(el) = select.get() {
                        el.set_value(&state.with_untracked(|s| s.0.clone()));
                    }
                });
                view! {
                    <label class="visually-hidden" for=vid.clone()>"Value"</label>
                    <select id=vid class="test-value" node_ref=select on:change=move |ev| { let v = event_target_value(&ev); state.update(|s| s.0 = v); w(); }>
                        {move || {
                            let current = state.with_untracked(|s| s.0.clone());
                            values.get().into_iter().map(|(v, n)| {
                                let selected = v == current;
                                view! { <option value=v.clone() selected=selected>{format!("{v} ({n})")}</option> }
                            }).collect_view()
                        }}
                    </select>
                }
                .into_any()
            } else {
                view! {
                    <label class="visually-hidden" for=vid.clone()>"Text"</label>
                    <input id=vid class="test-value" type="text" value=value placeholder="text" on:input=move |ev| { let v = event_target_value(&ev); state.update(|s| s.0 = v); write(); }/>
                }
                .into_any()
            };
            view! {
                {input}
                <label class="inline">
                    <input id=cid type="checkbox" prop:checked=case_insensitive on:change=move |ev| { let c = event_target_checked(&ev); state.update(|s| s.1 = c); w2(); }/>
                    "ignore case"
                </label>
            }
            .into_any()
        }
        Op::AnyOf { values, case_insensitive } | Op::NoneOf { values, case_insensitive } => {
            let chosen = RwSignal::new(values);
            let all = column_values(rules, column.clone());
            let filter = RwSignal::new(String::new());
            let none = matches!(op, Op::NoneOf { .. });
            let p = path.clone();
            let toggle = move |v: String, on: bool| {
                chosen.update(|c| {
                    c.retain(|x| *x != v);
                    if on {
                        c.push(v);
                    }
                });
                let values = chosen.get_untracked();
                let new =
                    if none { Op::NoneOf { values, case_insensitive } } else { Op::AnyOf { values, case_insensitive } };
                set(rules, seg, &p, "values", new);
            };
            let fid = id("filter");
            let base = id("v");
            view! {
                <div class="checklist">
                    <label class="visually-hidden" for=fid.clone()>"Filter values"</label>
                    <input id=fid type="search" placeholder="Filter values" on:input=move |ev| filter.set(event_target_value(&ev).to_lowercase())/>
                    <div class="checklist-items" role="group" aria-label=format!("Values of {column}")>
                        {move || {
                            let f = filter.get();
                            all.get().into_iter().enumerate().filter(|(_, (v, _))| f.is_empty() || v.to_lowercase().contains(&f)).map(|(i, (v, n))| {
                                let checked = chosen.with_untracked(|c| c.contains(&v));
                                let t = toggle.clone();
                                let v2 = v.clone();
                                let cid = format!("{base}-{i}");
                                view! {
                                    <label class="inline">
                                        <input id=cid type="checkbox" prop:checked=checked on:change=move |ev| t(v2.clone(), event_target_checked(&ev))/>
                                        {format!("{v} ({n})")}
                                    </label>
                                }
                            }).collect_view()
                        }}
                    </div>
                </div>
            }
            .into_any()
        }
        Op::Before { date } | Op::After { date } => {
            let after = matches!(op, Op::After { .. });
            let p = path.clone();
            let vid = id("date");
            view! {
                <label class="visually-hidden" for=vid.clone()>"Date"</label>
                <input id=vid class="test-date" type="date" value=date on:input=move |ev| {
                    let date = event_target_value(&ev);
                    set(rules, seg, &p, "date", if after { Op::After { date } } else { Op::Before { date } });
                }/>
            }
            .into_any()
        }
        Op::InLast { n, unit } => {
            let state = RwSignal::new((n.clone(), unit));
            let p = path.clone();
            let write = move || {
                let (n, unit) = state.get_untracked();
                set(rules, seg, &p, "in_last", Op::InLast { n, unit });
            };
            let w2 = write.clone();
            let (nid, uid) = (id("n"), id("unit"));
            view! {
                <label class="visually-hidden" for=nid.clone()>"How many"</label>
                <input id=nid class="test-n" type="text" inputmode="numeric" value=n.to_string() on:input=move |ev| {
                    let typed = Typed::Text(event_target_value(&ev));
                    state.update(|s| s.0 = typed);
                    write();
                }/>
                <label class="visually-hidden" for=uid.clone()>"Unit"</label>
                <select id=uid class="test-unit" on:change=move |ev| {
                    let u = if event_target_value(&ev) == "months" { Unit::Months } else { Unit::Days };
                    state.update(|s| s.1 = u);
                    w2();
                }>
                    <option value="days" selected=unit == Unit::Days>"days"</option>
                    <option value="months" selected=unit == Unit::Months>"months"</option>
                </select>
                <span class="hint">"before the as-of date"</span>
            }
            .into_any()
        }
        Op::IsMissing | Op::IsNotMissing | Op::IsTrue | Op::IsFalse => ().into_any(),
    }
}

/// The column's values with counts, fetched from the engine once.
fn column_values(rules: Rules, column: String) -> RwSignal<Vec<(String, u64)>> {
    let values = RwSignal::new(Vec::new());
    let Some(dataset) = rules.app.dataset.get_untracked().map(|d| d.id) else { return values };
    leptos::task::spawn_local(async move {
        if let Response::Values(v) =
            crate::engine_client::call("Listing the values…", Request::ColumnValues { dataset, column }).await
        {
            values.set(v.into_iter().map(|t| (t.value, t.count)).collect());
        }
    });
    values
}
