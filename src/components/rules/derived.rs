//! Derived fields in the rule builder: age, tenure and bands, usable in conditions by name.

use leptos::prelude::*;
use segscope_engine::api::ColumnType;
use segscope_engine::api::ColumnView;
use segscope_engine::api::{Derived, Place, TenureUnit, Typed, PRESETS};

use super::problems::ProblemsAt;
use super::state::Rules;
use crate::components::column_select::ColumnSelect;

/// The dataset's columns of the given types.
fn sources(rules: Rules, types: &[ColumnType]) -> Vec<String> {
    rules.app.dataset.with_untracked(|d| {
        d.as_ref()
            .map(|d| d.columns.iter().filter(|c| types.contains(&c.column_type)).map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    })
}

fn dates() -> &'static [ColumnType] {
    &[ColumnType::Date, ColumnType::Datetime]
}

fn numbers() -> &'static [ColumnType] {
    &[ColumnType::Integer, ColumnType::Decimal]
}

fn cuts_text(d: &Derived) -> String {
    match d {
        Derived::Bands { cuts, .. } => cuts.text(),
        _ => String::new(),
    }
}

/// The fields conditions can test, each with the engine's operator menu: the data's columns, the
/// aggregates of attached transactions, then the derived fields as last counted (a derived field
/// not counted yet, just added or renamed, has its type and the engine's menu for that type).
pub fn all_columns(rules: Rules) -> Vec<ColumnView> {
    let mut cols = rules.app.dataset.with_untracked(|d| d.as_ref().map(|d| d.columns.clone()).unwrap_or_default());
    cols.extend(rules.app.transactions.with_untracked(|t| t.as_ref().map(|t| t.columns.clone()).unwrap_or_default()));
    let (counted, menus) = rules.view.with_untracked(|v| {
        v.as_ref().map(|v| (v.derived_columns.clone(), v.new_field_operators.clone())).unwrap_or_default()
    });
    for d in rules.def.with_untracked(|d| d.derived.clone()) {
        let col = counted.iter().find(|c| c.name == d.name()).cloned().unwrap_or_else(|| ColumnView {
            name: d.name().to_string(),
            column_type: d.column_type(),
            type_chosen: false,
            format_notes: Vec::new(),
            currency: None,
            stats: Default::default(),
            summary: Vec::new(),
            operators: menus.iter().find(|(t, _)| *t == d.column_type()).map(|(_, m)| m.clone()).unwrap_or_default(),
        });
        cols.push(col);
    }
    cols
}

/// The derived-fields panel.
#[component]
pub fn DerivedFields(
    /// The builder's state.
    rules: Rules,
) -> impl IntoView {
    let add = move |_| {
        let source = sources(rules, dates()).into_iter().next();
        rules.restructure(move |d| {
            let n = d.derived.len() + 1;
            d.derived.push(match source {
                Some(from) => Derived::Tenure { name: format!("tenure_months_{n}"), from, unit: TenureUnit::Months },
                None => Derived::Bands {
                    name: format!("band_{n}"),
                    from: String::new(),
                    cuts: Typed::Value(vec![10.into()]),
                    labels: Vec::new(),
                },
            });
        });
    };
    view! {
        <details class="derived" open=move || rules.def.with(|d| !d.derived.is_empty())>
            <summary>"Derived fields: age, tenure, bands"</summary>
            <p class="hint">"Computed from a column as of the as-of date, then usable in conditions like any column (and written into the SQL)."</p>
            {move || {
                rules.layout.get();
                let list = rules.def.get_untracked().derived;
                view! {
                    <ul id="derived-fields" class="derived-list">
                        {list.into_iter().enumerate().map(|(j, d)| derived_row(rules, j, d)).collect_view()}
                    </ul>
                }
            }}
            <button id="add-derived" type="button" class="button small" on:click=add>"+ Derived field"</button>
        </details>
    }
}

fn derived_row(rules: Rules, j: usize, d: Derived) -> impl IntoView {
    let kind = match d {
        Derived::Age { .. } => "age",
        Derived::Tenure { .. } => "tenure",
        Derived::Bands { .. } => "bands",
    };
    let set_kind = move |ev: leptos::ev::Event| {
        let k = event_target_value(&ev);
        let date = sources(rules, dates()).into_iter().next().unwrap_or_default();
        let number = sources(rules, numbers()).into_iter().next().unwrap_or_default();
        rules.restructure(move |def| {
            if let Some(x) = def.derived.get_mut(j) {
                let name = x.name().to_string();
                *x = match k.as_str() {
                    "age" => Derived::Age { name, from: date },
                    "bands" => Derived::Bands {
                        name,
                        from: number,
                        cuts: Typed::Value(PRESETS[0].1.iter().map(|&c| c.into()).collect()),
                        labels: Vec::new(),
                    },
                    _ => Derived::Tenure { name, from: date, unit: TenureUnit::Months },
                };
            }
        });
    };
    let set_name = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        rules.edit_value(format!("derived-name{j}"), move |def| {
            if let Some(x) = def.derived.get_mut(j) {
                match x {
                    Derived::Age { name, .. } | Derived::Tenure { name, .. } | Derived::Bands { name, .. } => *name = v,
                }
            }
        });
    };
    let set_from = move |v: String| {
        rules.restructure(move |def| {
            if let Some(x) = def.derived.get_mut(j) {
                match x {
                    Derived::Age { from, .. } | Derived::Tenure { from, .. } | Derived::Bands { from, .. } => *from = v,
                }
            }
        });
    };
    let set_unit = move |ev: leptos::ev::Event| {
        let u = match event_target_value(&ev).as_str() {
            "days" => TenureUnit::Days,
            "years" => TenureUnit::Years,
            _ => TenureUnit::Months,
        };
        rules.edit_value(format!("derived-unit{j}"), move |def| {
            if let Some(Derived::Tenure { unit, .. }) = def.derived.get_mut(j) {
                *unit = u;
            }
        });
    };
    // The cut points go to the engine as typed; it reads them and says what is wrong beside the field.
    let set_cuts = move |text: String| {
        rules.edit_value(format!("derived-cuts{j}"), move |def| {
            if let Some(Derived::Bands { cuts, labels, .. }) = def.derived.get_mut(j) {
                *cuts = Typed::Text(text);
                labels.clear();
            }
        });
    };
    let cuts_now = RwSignal::new(cuts_text(&d));
    let set_cuts2 = set_cuts;
    let remove = move |_| {
        rules.restructure(move |def| {
            if j < def.derived.len() {
                def.derived.remove(j);
            }
        })
    };
    let types = if kind == "bands" { numbers() } else { dates() };
    let from_now = d.from().to_string();
    let from_options: Vec<(String, String)> = sources(rules, types).into_iter().map(|c| (c.clone(), c)).collect();
    let (kid, nid, fid) = (format!("derived-kind-{j}"), format!("derived-name-{j}"), format!("derived-from-{j}"));
    view! {
        <li class="derived-row">
            <label class="visually-hidden" for=kid.clone()>"Kind"</label>
            <select id=kid on:change=set_kind>
                <option value="age" selected=kind == "age">"Age in years from"</option>
                <option value="tenure" selected=kind == "tenure">"Time since"</option>
                <option value="bands" selected=kind == "bands">"Bands of"</option>
            </select>
            <label class="visually-hidden" for=fid.clone()>"From column"</label>
            <ColumnSelect id=fid placeholder="choose a column" selected=from_now on_change=Callback::new(set_from)
                options=from_options/>
            {match &d {
                Derived::Tenure { unit, .. } => {
                    let uid = format!("derived-unit-{j}");
                    let u = *unit;
                    view! {
                        <label class="visually-hidden" for=uid.clone()>"Unit"</label>
                        <select id=uid on:change=set_unit>
                            <option value="days" selected=u == TenureUnit::Days>"in days"</option>
                            <option value="months" selected=u == TenureUnit::Months>"in months"</option>
                            <option value="years" selected=u == TenureUnit::Years>"in years"</option>
                        </select>
                    }.into_any()
                }
                Derived::Bands { .. } => {
                    let cid = format!("derived-cuts-{j}");
                    let pid = format!("derived-preset-{j}");
                    view! {
                        <label for=cid.clone()>"cut at"</label>
                        <input id=cid type="text" prop:value=move || cuts_now.get() placeholder="25, 35, 45" on:input=move |ev| { let v = event_target_value(&ev); cuts_now.set(v.clone()); set_cuts(v); }/>
                        <label class="visually-hidden" for=pid.clone()>"Preset cut points"</label>
                        <select id=pid on:change=move |ev| {
                            if let Some((_, cuts)) = event_target_value(&ev).parse::<usize>().ok().and_then(|i| PRESETS.get(i)) {
                                let text = cuts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                                cuts_now.set(text.clone());
                                set_cuts2(text);
                            }
                        }>
                            <option value="" selected=true>"presets…"</option>
                            {PRESETS.iter().enumerate().map(|(i, (label, _))| view! { <option value=i.to_string()>{*label}</option> }).collect_view()}
                        </select>
                    }.into_any()
                }
                Derived::Age { .. } => ().into_any(),
            }}
            <label for=nid.clone()>"named"</label>
            <input id=nid type="text" value=d.name().to_string() on:input=set_name/>
            <button type="button" class="icon remove" aria-label="Remove this derived field" title="Remove this derived field" on:click=remove>"×"</button>
            <ProblemsAt rules=rules place=Place::Derived(j) id=format!("derived-problems-{j}")/>
        </li>
    }
}
