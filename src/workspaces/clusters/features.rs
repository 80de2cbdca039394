//! Choosing the features: every column and aggregate with its type, missing values and shape, a
//! tick to use it, and how each is prepared (ln(1 + x), a score 1–5 instead of the value, scaling,
//! a category's weight).

use leptos::prelude::*;
use segscope_engine::api::{ClusterMethod as Method, ColumnType, FeatureChoice, FeatureSpec, Missing, Scaling};

use super::Clusters;
use crate::components::column_select::{listed, FindAmongMany, LISTED};

/// The scores a ticked "Score" gives a number: 1 to 5, as RFM's quintiles.
const SCORE_BINS: u8 = 5;

/// What "Score 1–5" does, for its tooltip.
const SCORE_HINT: &str = "Use the number's score 1–5 (equal-count bins, as RFM scores it) instead of its value: larger numbers score higher, and a later date scores higher.";

/// The feature table and the preparation settings.
#[component]
pub fn FeaturePicker(
    /// The workspace's signals.
    c: Clusters,
) -> impl IntoView {
    let rows = move || c.offered.get().map(|f| (f.choices, f.from_transactions, f.as_of)).unwrap_or_default();
    // A file of 100,000 columns: the table shows the ticked features and the first that match a search.
    let find = RwSignal::new(String::new());
    let total = move || c.offered.with(|f| f.as_ref().map_or(0, |f| f.choices.len()));
    let shown = move || {
        let text = find.get();
        let all = c.offered.with(|f| f.as_ref().map(|f| f.choices.clone()).unwrap_or_default());
        c.chosen.with_untracked(|chosen| {
            listed(&all, |f| f.name.as_str(), &text, |f| chosen.iter().any(|s| s.column == f.name))
        })
    };
    view! {
        <FindAmongMany id="cluster-features" noun="feature" total=Signal::derive(total) find=find
            shows=format!("the table shows the ticked ones and the first {LISTED} that match")/>
        <div class="table-scroll feature-table" tabindex="0" role="region" aria-label="Features to cluster on">
            <table id="cluster-features">
                <caption>{move || {
                    let (choices, from_transactions, as_of) = rows();
                    let dates = as_of.map(|d| format!(" Dates are read as days before {d} (the as-of date).")).unwrap_or_default();
                    if from_transactions > 0 {
                        format!("The customers' columns, then the last {from_transactions} from their transactions ({} in all).{dates}", choices.len())
                    } else {
                        format!("The customers' columns ({}).{dates}", choices.len())
                    }
                }}</caption>
                <thead><tr>
                    <th scope="col">"Use"</th><th scope="col">"Feature"</th><th scope="col">"Type"</th>
                    <th scope="col" class="num">"Missing"</th><th scope="col">"Shape"</th>
                    <th scope="col">"ln(1 + x)"</th><th scope="col" title=SCORE_HINT>"Score 1–5"</th>
                    <th scope="col">"Scaling"</th><th scope="col">"Weight"</th>
                </tr></thead>
                <tbody>
                    {move || shown().into_iter().map(|f| view! { <FeatureRow c=c f=f/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="form-row toolbar">
            <label for="cluster-method">"Method"</label>
            <select id="cluster-method" on:change=move |ev| {
                if let Ok(m) = Method::parse(&event_target_value(&ev)) {
                    c.method.set(m);
                }
            }>
                {Method::ALL.into_iter().map(|m| view! {
                    <option value=m.name() selected=move || c.method.get() == m>{m.label()}</option>
                }).collect_view()}
            </select>
            <Show when=move || c.method.get() == Method::Kprototypes>
                <label for="cluster-gamma">"γ (category mismatch)"</label>
                <input id="cluster-gamma" type="text" inputmode="decimal" size="12" placeholder="from the data"
                    prop:value=move || c.gamma.get() on:change=move |ev| c.gamma.set(event_target_value(&ev))/>
            </Show>
            <label for="cluster-missing">"Customers missing a value"</label>
            <select id="cluster-missing" on:change=move |ev| {
                c.missing.set(if event_target_value(&ev) == "impute" { Missing::Impute } else { Missing::Drop });
            }>
                <option value="drop" selected=true>"Leave them out (counted)"</option>
                <option value="impute">"Fill in (median, most common category)"</option>
            </select>
            <label for="cluster-n-init">"Restarts"</label>
            <input id="cluster-n-init" type="text" inputmode="numeric" size="4" prop:value=move || c.n_init.get()
                on:change=move |ev| c.n_init.set(event_target_value(&ev))/>
            <label for="cluster-seed">"Seed"</label>
            <input id="cluster-seed" type="text" inputmode="numeric" size="6" prop:value=move || c.seed.get()
                on:change=move |ev| c.seed.set(event_target_value(&ev))/>
        </div>
        <p class="hint">{move || {
            let n = c.chosen.with(Vec::len);
            let method = match c.method.get() {
                Method::Kmeans => " k-means reads a category as one 0/1 column per level, times its weight.",
                Method::Minibatch => " Mini-batch k-means fits on batches of 1,024 customers: faster on very large files, a little less tight.",
                Method::Kprototypes => " k-prototypes keeps categories whole: a cluster's category is its most common value, and a customer who differs costs γ × the weight (γ left blank: half the numbers' mean spread, as the kmodes package sets it).",
                Method::Mixture => " A Gaussian mixture gives each cluster its own spread and orientation, so it fits groups of different sizes or stretched along correlated features, where k-means' equal round clusters fit badly; each customer gets a probability of each cluster (EM as scikit-learn's GaussianMixture, full covariances).",
            };
            if n == 0 { "Tick at least one feature.".to_string() } else { format!("{n} feature(s) chosen. The same features, settings and seed always give the same clusters.{method}") }
        }}</p>
    }
}

/// One offered feature.
#[component]
fn FeatureRow(
    /// The workspace's signals.
    c: Clusters,
    /// The feature offered.
    f: FeatureChoice,
) -> impl IntoView {
    let name = f.name.clone();
    let spec = {
        let name = name.clone();
        Memo::new(move |_| c.chosen.with(|chosen| chosen.iter().find(|s| s.column == name).cloned()))
    };
    let is_number =
        matches!(f.column_type, ColumnType::Integer | ColumnType::Decimal | ColumnType::Date | ColumnType::Datetime);
    let is_category = f.column_type == ColumnType::Categorical;
    let suggest_log = f.suggest_log;
    let edit = {
        let name = name.clone();
        move |change: &dyn Fn(&mut FeatureSpec)| {
            c.chosen.update(|chosen| {
                if let Some(s) = chosen.iter_mut().find(|s| s.column == name) {
                    change(s);
                }
            });
        }
    };
    let toggle = {
        let name = name.clone();
        move |on: bool| {
            c.chosen.update(|chosen| {
                chosen.retain(|s| s.column != name);
                if on {
                    chosen.push(FeatureSpec {
                        column: name.clone(),
                        log: suggest_log,
                        scaling: Scaling::Zscore,
                        weight: 1.0,
                        score: None,
                    });
                }
            });
        }
    };
    let shape = match (&f.levels, f.skew, &f.unusable) {
        (_, _, Some(why)) => why.clone(),
        (Some(levels), _, _) => format!("{levels} categories"),
        _ if f.column_type == ColumnType::Boolean => "yes / no, as 1 / 0".to_string(),
        (_, Some(skew), _) if suggest_log => format!("skewed ({skew:.1}): ln(1 + x) suggested"),
        (_, Some(skew), _) => format!("skewness {:.1}", if skew.abs() < 0.05 { 0.0 } else { skew }),
        _ => String::new(),
    };
    let id = format!("feature-{}", name.replace(|ch: char| !ch.is_alphanumeric(), "-"));
    let (edit_log, edit_score, edit_scale, edit_weight) = (edit.clone(), edit.clone(), edit.clone(), edit);
    let scored = move || spec.get().is_some_and(|s| s.score.is_some());
    let unusable = f.unusable.is_some();
    view! {
        <tr class:unusable=unusable>
            <td><input type="checkbox" id=id.clone() class="feature-use" disabled=unusable aria-label=format!("Use {name}")
                prop:checked=move || spec.get().is_some() on:change=move |ev| toggle(event_target_checked(&ev))/></td>
            <td><label for=id>{name.clone()}</label></td>
            <td>{f.column_type.to_string()}</td>
            <td class="num">{f.missing}</td>
            <td class="shape">{shape}</td>
            <td>{is_number.then(|| view! {
                <input type="checkbox" class="feature-log" aria-label=format!("ln(1 + x) of {name}")
                    disabled=move || spec.get().is_none() || scored() prop:checked=move || spec.get().is_some_and(|s| s.log)
                    on:change=move |ev| { let on = event_target_checked(&ev); edit_log(&|s| s.log = on) }/>
            })}</td>
            <td>{is_number.then(|| view! {
                // A score keeps the values' order, so ln(1 + x) would change nothing: ticking it clears the log.
                <input type="checkbox" class="feature-score" aria-label=format!("Score 1–5 of {name}") title=SCORE_HINT
                    disabled=move || spec.get().is_none() prop:checked=scored
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        edit_score(&|s| {
                            s.score = on.then_some(SCORE_BINS);
                            s.log &= !on;
                        })
                    }/>
            })}</td>
            <td>{is_number.then(|| view! {
                <select class="feature-scaling" aria-label=format!("Scaling of {name}") disabled=move || spec.get().is_none()
                    on:change=move |ev| {
                        let scaling = match event_target_value(&ev).as_str() {
                            "robust" => Scaling::Robust,
                            "minmax" => Scaling::Minmax,
                            "none" => Scaling::None,
                            _ => Scaling::Zscore,
                        };
                        edit_scale(&|s| s.scaling = scaling)
                    }>
                    <option value="zscore" selected=true>"z-score"</option>
                    <option value="robust">"robust (median, IQR)"</option>
                    <option value="minmax">"min–max"</option>
                    <option value="none">"none"</option>
                </select>
            })}</td>
            <td>{is_category.then(|| view! {
                <select class="feature-weight" aria-label=format!("Weight of {name}") disabled=move || spec.get().is_none()
                    on:change=move |ev| {
                        // The select's own option values, never user text.
                        let weight = event_target_value(&ev).parse::<f64>().unwrap_or(1.0);
                        edit_weight(&|s| s.weight = weight)
                    }>
                    <option value="0.5">"½"</option>
                    <option value="1" selected=true>"1"</option>
                    <option value="2">"2"</option>
                </select>
            })}</td>
        </tr>
    }
}
