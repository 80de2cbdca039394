//! Choosing k: the scan over a range of k (inertia for the elbow, silhouette, Calinski–Harabasz,
//! Davies–Bouldin, stability; a Gaussian mixture's BIC), a chart for each, the recommended k with
//! its reason, and the fit.

use leptos::prelude::*;
use segscope_engine::api::{ScanPoint, ScanView};

use super::Clusters;
use crate::components::xy_chart::XyChart;
use segscope_charts::xy::Series;

/// The scan form and results, and the k to fit.
#[component]
pub fn KScan(
    /// The workspace's signals.
    c: Clusters,
) -> impl IntoView {
    let none_chosen = move || c.chosen.with(Vec::is_empty);
    view! {
        <p class="hint">"Each k is fitted and scored: look for the elbow in inertia, a high silhouette and Calinski–Harabasz, a low Davies–Bouldin, and stability near 1 (the same clusters come back from other seeds)."</p>
        <div class="form-row toolbar">
            <label for="scan-min">"k from"</label>
            <input id="scan-min" type="text" inputmode="numeric" size="3" prop:value=move || c.scan_range.get().0
                on:change=move |ev| { let v = event_target_value(&ev); c.scan_range.update(|r| r.0 = v) }/>
            <label for="scan-max">"to"</label>
            <input id="scan-max" type="text" inputmode="numeric" size="3" prop:value=move || c.scan_range.get().1
                on:change=move |ev| { let v = event_target_value(&ev); c.scan_range.update(|r| r.1 = v) }/>
            <button id="run-scan" type="button" class="button" disabled=none_chosen on:click=move |_| c.run_scan()>"Scan k"</button>
        </div>
        {move || c.scan.get().map(|s| view! { <ScanResult c=c scan=s/> })}
        <div class="form-row toolbar fit-row">
            <label for="cluster-k">"Clusters (k)"</label>
            <input id="cluster-k" type="text" inputmode="numeric" size="3" prop:value=move || c.k.get()
                on:input=move |ev| c.k.set(event_target_value(&ev))/>
            <button id="run-fit" type="button" class="button primary" disabled=none_chosen on:click=move |_| c.run_fit()>"Fit clusters"</button>
        </div>
    }
}

/// A score's (k, value) points.
type Points = Vec<(f64, f64)>;

/// A scan's table, charts and recommendation.
#[component]
fn ScanResult(
    /// The workspace's signals.
    c: Clusters,
    /// The scan.
    scan: ScanView,
) -> impl IntoView {
    let score = |f: fn(&ScanPoint) -> Option<f64>| -> Vec<(f64, f64)> {
        scan.points.iter().filter_map(|p| f(p).map(|v| (p.k as f64, v))).collect()
    };
    let mut charts: Vec<(&'static str, &'static str, Points)> = vec![
        ("scan-inertia", "Inertia (look for the elbow)", score(|p| Some(p.inertia))),
        ("scan-silhouette", "Silhouette (higher is better)", score(|p| p.silhouette.map(|s| s.score))),
        ("scan-ch", "Calinski–Harabasz (higher is better)", score(|p| p.calinski_harabasz)),
        ("scan-db", "Davies–Bouldin (lower is better)", score(|p| p.davies_bouldin)),
        ("scan-stability", "Stability (1: the same clusters from other seeds)", score(|p| Some(p.stability))),
    ];
    // A Gaussian mixture's scan also has each k's BIC.
    let bic = scan.points.iter().any(|p| p.bic.is_some());
    if bic {
        charts.push(("scan-bic", "BIC of the Gaussian mixture (lower is better)", score(|p| p.bic)));
    }
    let sample = if scan.scanned < scan.clustered {
        format!(" Scored on a seeded sample of {} of the {} customers clustered.", scan.scanned, scan.clustered)
    } else {
        String::new()
    };
    let silhouette_sample = scan
        .points
        .first()
        .and_then(|p| p.silhouette)
        .map(|s| s.how())
        .filter(|how| !how.is_empty())
        .map(|how| format!(" Silhouette: {how}."))
        .unwrap_or_default();
    let dropped = if scan.dropped > 0 {
        format!(" {} customers miss a feature and are left out.", scan.dropped)
    } else {
        String::new()
    };
    let recommended = scan.recommended;
    view! {
        <p id="scan-reason" class="big">{format!("Recommended: {}", scan.reason)}</p>
        <p class="hint">{format!("Each k fitted with {} restarts.{sample}{silhouette_sample}{dropped}", scan.n_init)}</p>
        {(!scan.warnings.is_empty()).then(|| view! {
            <ul class="warnings">{scan.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
        })}
        <table id="scan-table" class="segments">
            <thead><tr>
                <th scope="col">"k"</th><th scope="col" class="num">"Inertia"</th><th scope="col" class="num">"Silhouette"</th>
                <th scope="col" class="num">"Calinski–Harabasz"</th><th scope="col" class="num">"Davies–Bouldin"</th>
                <th scope="col" class="num">"Stability"</th>
                {bic.then(|| view! { <th scope="col" class="num" title="Bayesian information criterion of the Gaussian mixture (lower is better)">"BIC"</th> })}
                <th scope="col"></th>
            </tr></thead>
            <tbody>
                {scan.points.iter().map(|p| {
                    let k = p.k;
                    let opt = |v: Option<f64>, d: usize| v.map_or_else(|| "—".to_string(), |v| format!("{v:.d$}"));
                    view! {
                        <tr class:recommended=k == recommended>
                            <td>{k}{(k == recommended).then(|| view! { <span class="badge">"recommended"</span> })}</td>
                            <td class="num">{format!("{:.1}", p.inertia)}</td>
                            <td class="num">{opt(p.silhouette.map(|s| s.score), 3)}</td>
                            <td class="num">{opt(p.calinski_harabasz, 1)}</td>
                            <td class="num">{opt(p.davies_bouldin, 3)}</td>
                            <td class="num">{format!("{:.2}", p.stability)}</td>
                            {bic.then(|| view! { <td class="num">{opt(p.bic, 1)}</td> })}
                            <td><button type="button" class="button small use-k" on:click=move |_| c.k.set(k.to_string())>{format!("Use k = {k}")}</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <div class="scan-charts">
            {charts.into_iter().map(|(id, label, points)| {
                let series = vec![Series { name: label.to_string(), points, line: true }];
                view! { <figure class="scan-chart"><figcaption>{label}</figcaption>
                    <XyChart series=series x_label="k" y_label="" id=id description=label.to_string()/></figure> }
            }).collect_view()}
        </div>
    }
}
