//! A fitted clustering: its scores, the clusters with their names (editable), sizes and what sets
//! each apart, the heat map of z-scores, a chosen feature's distribution by cluster (boxes for a
//! number, shares for a category; the quartiles also as a table), the picture on two principal
//! components, customers of a cluster, and the downloads.

use leptos::prelude::*;
use segscope_engine::api::{ClustersView, ColumnType, FileOut, Request, Response, SegmentationFiles};
use segscope_engine::format;

use super::Clusters;
use crate::components::distribution_chart::DistributionChart;
use crate::components::preview_table::PreviewTable;
use crate::components::scatter_chart::ScatterChart;
use crate::components::segment_chart::SegmentChart;
use segscope_charts::distribution::{BoxRow, Distribution, ShareRow};

/// The CSS class of a heat map cell for z-score `z`: seven steps from well below to well above.
fn heat(z: f64) -> &'static str {
    match z {
        z if z <= -1.5 => "heat heat-n3",
        z if z <= -0.75 => "heat heat-n2",
        z if z <= -0.25 => "heat heat-n1",
        z if z < 0.25 => "heat heat-0",
        z if z < 0.75 => "heat heat-p1",
        z if z < 1.5 => "heat heat-p2",
        _ => "heat heat-p3",
    }
}

/// Each feature's distribution by cluster, in the features' order (a category's levels together),
/// and which one sets the clusters most apart (the widest spread of the clusters' z-scores).
/// `dates` are the features read as days before `as_of`.
fn distributions(view: &ClustersView, dates: &[String]) -> (Vec<(String, Distribution)>, usize) {
    let stat = |cl: usize, j: usize| view.clusters.get(cl).and_then(|c| c.profile.features.get(j));
    let spread = |j: usize| {
        let zs = (0..view.clusters.len()).filter_map(|cl| stat(cl, j).map(|f| f.z));
        let (lo, hi) = zs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), z| (lo.min(z), hi.max(z)));
        if hi >= lo {
            hi - lo
        } else {
            0.0
        }
    };
    // (feature, its prepared columns, a number?)
    let mut groups: Vec<(String, Vec<usize>, bool)> = Vec::new();
    for (j, col) in view.columns.iter().enumerate() {
        let number = stat(0, j).is_some_and(|f| f.quartiles.is_some());
        let feature = if number {
            col.clone()
        } else {
            view.params
                .features
                .iter()
                .map(|f| &f.column)
                .filter(|f| col.starts_with(&format!("{f}=")))
                .max_by_key(|f| f.len())
                .cloned()
                .unwrap_or_else(|| col.split('=').next().unwrap_or(col).to_string())
        };
        match groups.last_mut() {
            Some((f, cols, false)) if !number && *f == feature => cols.push(j),
            _ => groups.push((feature, vec![j], number)),
        }
    }
    let mut best = (0, f64::NEG_INFINITY);
    let mut out = Vec::with_capacity(groups.len());
    for (i, (feature, cols, number)) in groups.into_iter().enumerate() {
        let apart = cols.iter().map(|&j| spread(j)).fold(0.0, f64::max);
        if apart > best.1 {
            best = (i, apart);
        }
        let chart = if number {
            let j = cols.first().copied().unwrap_or(0);
            let rows = view
                .clusters
                .iter()
                .enumerate()
                .map(|(g, cl)| {
                    let f = cl.profile.features.get(j);
                    let [q1, med, q3] = f.and_then(|f| f.quartiles).unwrap_or([f64::NAN; 3]);
                    // A view from before the percentiles were kept: whiskers at the quartiles.
                    let [p5, p95] = f.and_then(|f| f.p5_p95).unwrap_or([q1, q3]);
                    BoxRow { name: cl.name.clone(), group: g, five: [p5, q1, med, q3, p95] }
                })
                .collect();
            let caption = match &view.as_of {
                Some(as_of) if dates.contains(&feature) => format!("{feature} (days before {as_of})"),
                _ => feature.clone(),
            };
            Distribution::Boxes { rows, caption }
        } else {
            let prefix = format!("{feature}=");
            let levels = cols
                .iter()
                .filter_map(|&j| view.columns.get(j))
                .map(|c| c.strip_prefix(&prefix).unwrap_or(c).to_string())
                .collect();
            let rows = view
                .clusters
                .iter()
                .enumerate()
                .map(|(g, cl)| ShareRow {
                    name: cl.name.clone(),
                    group: g,
                    shares: cols.iter().map(|&j| cl.profile.features.get(j).map_or(0.0, |f| f.mean)).collect(),
                })
                .collect();
            Distribution::Shares { levels, rows }
        };
        out.push((feature, chart));
    }
    (out, best.0)
}

/// The clustering's results.
#[component]
pub fn ClusterResult(
    /// The workspace's signals.
    c: Clusters,
    /// What to show.
    view: ClustersView,
) -> impl IntoView {
    let app = c.app;
    let preview = c.preview;
    let id = view.assignment;
    let dataset = move || app.dataset.get_untracked().map(|d| d.id);
    let show = move |code: u32, name: String| {
        let Some(dataset) = dataset() else { return };
        leptos::task::spawn_local(async move {
            let request = Request::Preview { dataset, segment: Some((id, code)), offset: 0, limit: 20 };
            if let Some(Response::Preview(rows)) = app.request("Finding customers…", request).await {
                preview.set(Some((name, rows)));
            }
        });
    };
    let download = move |files: SegmentationFiles, pick: fn(&FileOut) -> bool| {
        let Some(dataset) = dataset() else { return };
        let request = Request::SegmentationFiles { dataset, segmentation: id, files };
        leptos::task::spawn_local(app.download("Preparing the download…", request, pick));
    };
    let silhouette = view.silhouette.map_or_else(
        || "—".to_string(),
        |s| match s.how() {
            how if how.is_empty() => format!("{:.3}", s.score),
            how => format!("{:.3} ({how})", s.score),
        },
    );
    // A mixture's soft membership: a fact line and a column of the cluster table.
    let membership = view.membership.clone();
    let own = move |i: usize| membership.as_ref().and_then(|m| m.own.get(i).copied());
    let uncertain = view.membership.as_ref().map(|m| {
        format!(
            "{:.1}% of the customers clustered have no cluster with a probability of {} or more; members' mean probability of their own cluster is in the table",
            m.uncertain * 100.0,
            m.threshold
        )
    });
    let soft = view.membership.is_some();
    let left_out = (view.dropped > 0)
        .then(|| format!("{} customers miss a feature and are in “{}”.", view.dropped, segscope_engine::api::LEFT_OUT));
    let bars: Vec<(String, u64)> = view.clusters.iter().map(|c| (c.name.clone(), c.profile.size)).collect();
    let projection = view.projection.clone();
    let description = format!(
        "Customers on the first two principal components, by cluster (colour and shape): {}",
        view.clusters.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
    );
    let picture_note = format!(
        "{} of {} customers shown{}; the components explain {:.0}% and {:.0}% of the variance.",
        projection.shown,
        projection.rows,
        if projection.shown < projection.rows { " (a seeded sample)" } else { "" },
        projection.explained[0] * 100.0,
        projection.explained[1] * 100.0
    );
    let dates: Vec<String> = c.offered.with_untracked(|o| {
        o.as_ref().map_or_else(Vec::new, |o| {
            o.choices
                .iter()
                .filter(|f| matches!(f.column_type, ColumnType::Date | ColumnType::Datetime))
                .map(|f| f.name.clone())
                .collect()
        })
    });
    let (distributions, most_apart) = distributions(&view, &dates);
    let palette_names = ["blue", "orange", "red", "teal", "green", "yellow", "purple", "pink", "brown", "grey"];
    view! {
        <section class="card" aria-labelledby="clusters-result-title">
            <h2 id="clusters-result-title">{format!("{} clusters", view.k)}</h2>
            <dl class="facts" id="clusters-facts">
                <dt>"Customers clustered"</dt><dd>{format!("{} of {}", view.clustered, view.rows)}</dd>
                <dt>"Silhouette"</dt><dd>{silhouette}</dd>
                <dt>"Calinski–Harabasz"</dt><dd>{view.calinski_harabasz.map_or("—".into(), |v| format!("{v:.1}"))}</dd>
                <dt>"Davies–Bouldin"</dt><dd>{view.davies_bouldin.map_or("—".into(), |v| format!("{v:.3}"))}</dd>
                <dt>"Fitted with"</dt><dd id="clusters-fitted-with">{view.fitted_with.clone()}</dd>
                {uncertain.map(|t| view! { <dt>"Soft membership"</dt><dd id="clusters-membership">{t}</dd> })}
                <dt>"Inertia"</dt><dd>{format!("{:.1} after {} iterations", view.inertia, view.n_iter)}</dd>
                <dt>"Seed"</dt><dd>{view.params.seed.to_string()}</dd>
                {view.as_of.clone().map(|d| view! { <dt>"As of"</dt><dd>{format!("{d} (dates are days before it)")}</dd> })}
            </dl>
            {left_out.map(|t| view! { <p class="hint">{t}</p> })}
            {(!view.warnings.is_empty()).then(|| view! {
                <ul class="warnings">{view.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
            })}
            <div class="split-result">
                <table id="cluster-table" class="segments">
                    <thead><tr>
                        <th scope="col">"Cluster"</th><th scope="col">"Name"</th><th scope="col" class="num">"Customers"</th>
                        <th scope="col" class="num">"Share"</th>
                        {soft.then(|| view! { <th scope="col" class="num" title="Members' mean probability of belonging to this cluster">"Membership"</th> })}
                        <th scope="col">"What sets it apart"</th>
                    </tr></thead>
                    <tbody>
                        {view.clusters.iter().enumerate().map(|(i, cl)| {
                            let name = cl.name.clone();
                            let input_id = format!("cluster-name-{}", i + 1);
                            let apart = if cl.profile.apart.is_empty() { "close to the average on every feature".to_string() } else { cl.profile.apart.join(", ") };
                            let shown = name.clone();
                            view! {
                                <tr>
                                    <td>{format!("{} ({} {})", i + 1, palette_names[i % palette_names.len()], segscope_charts::markers::marker(i).name())}</td>
                                    <td>
                                        <label class="visually-hidden" for=input_id.clone()>{format!("Name of cluster {}", i + 1)}</label>
                                        <input id=input_id class="cluster-name" type="text" value=name.clone()
                                            title=format!("Suggested: {}", cl.profile.suggested_name)
                                            on:change=move |ev| c.rename(i, event_target_value(&ev))/>
                                    </td>
                                    <td class="num"><button type="button" class="link show-cluster" title="Show customers in this cluster"
                                        on:click=move |_| show(i as u32, shown.clone())>{cl.profile.size}</button></td>
                                    <td class="num">{format!("{:.1}%", cl.profile.share * 100.0)}</td>
                                    {own(i).map(|p| view! { <td class="num membership">{format!("{:.0}%", p * 100.0)}</td> })}
                                    <td class="apart">{apart}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <SegmentChart bars=bars id="cluster-sizes"/>
            </div>
            <h3>"Heat map: each cluster's mean against everyone"</h3>
            <p class="hint">"Cells show the cluster's mean (for a category, its share); the colour is how far the cluster's centre lies from all customers clustered, in standard deviations (blue below, red above)."</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Each cluster's features against everyone">
                <table id="cluster-heatmap" class="heatmap">
                    <thead><tr>
                        <th scope="col">"Feature"</th><th scope="col" class="num">"All"</th>
                        {cluster_headers(&view)}
                    </tr></thead>
                    <tbody>
                        {view.columns.iter().enumerate().map(|(j, col)| {
                            let overall = view.clusters.first().and_then(|c| c.profile.features.get(j)).map_or(f64::NAN, |f| f.overall);
                            let is_share = col.contains('=');
                            let show = move |x: f64| if is_share { format!("{:.0}%", x * 100.0) } else { format::number(x) };
                            view! {
                                <tr>
                                    <th scope="row">{col.clone()}</th>
                                    <td class="num">{show(overall)}</td>
                                    {view.clusters.iter().map(|cl| {
                                        let f = cl.profile.features.get(j);
                                        let (mean, z) = f.map_or((f64::NAN, 0.0), |f| (f.mean, f.z));
                                        view! { <td class=format!("num {}", heat(z)) title=format!("z = {z:+.2}")>{show(mean)}</td> }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>"Distributions by cluster"</h3>
            <p class="hint">"For a number, each box runs from the cluster's first to third quartile with a line at the median, and the whiskers reach its 5th and 95th percentiles, in the feature's own units. For a category, each bar splits the cluster by level."</p>
            <DistributionChart features=distributions selected=most_apart id="cluster-distributions"/>
            <details class="settings">
                <summary>"Quartiles as a table: median (first – third quartile)"</summary>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Each cluster's quartiles">
                    <table id="cluster-quartiles">
                        <thead><tr>
                            <th scope="col">"Feature"</th>
                            {cluster_headers(&view)}
                        </tr></thead>
                        <tbody>
                            {view.columns.iter().enumerate().filter(|(_, col)| !col.contains('=')).map(|(j, col)| view! {
                                <tr>
                                    <th scope="row">{col.clone()}</th>
                                    {view.clusters.iter().map(|cl| {
                                        let q = cl.profile.features.get(j).and_then(|f| f.quartiles);
                                        view! { <td class="num">{q.map_or("—".into(), |q| format!("{} ({} – {})", format::number(q[1]), format::number(q[0]), format::number(q[2])))}</td> }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
            <ClustersAsRules c=c view=view.clone()/>
            <h3>"The clusters on two principal components"</h3>
            <p class="hint">{picture_note}</p>
            <ScatterChart points=projection.points groups=view.clusters.iter().map(|c| c.name.clone()).collect()
                x_label="First component".into() y_label="Second component".into()
                id="cluster-scatter" description=description/>
            <div class="actions">
                <button id="clusters-download-csv" type="button" class="button primary"
                    on:click=move |_| download(SegmentationFiles::Csv, |f| !f.name.ends_with(".manifest.json"))>"Download CSV with clusters"</button>
                <button id="clusters-download-manifest" type="button" class="button"
                    on:click=move |_| download(SegmentationFiles::Csv, |f| f.name.ends_with(".manifest.json"))>"Download manifest"</button>
                <button id="clusters-download-model" type="button" class="button"
                    on:click=move |_| download(SegmentationFiles::Definition, |_| true)>"Download model"</button>
            </div>
            <p class="hint">"The model labels any file with these columns the same way: "<code>"segscope apply --model MODEL.json --input customers.csv --output labelled.csv"</code>"."</p>
            {move || preview.get().map(|(name, rows)| view! {
                <h4>{format!("Customers in “{name}” (first {})", rows.rows.len())}</h4>
                <PreviewTable rows=rows id="cluster-preview"/>
            })}
        </section>
    }
}

/// One column header per cluster, by name, for the tables with a column per cluster.
fn cluster_headers(view: &ClustersView) -> impl IntoView {
    view.clusters.iter().map(|cl| view! { <th scope="col" class="num">{cl.name.clone()}</th> }).collect_view()
}

/// The clusters as rules: each cluster's rules in words, how often they agree with the clusters,
/// and a button that opens them in the rule builder.
#[component]
fn ClustersAsRules(
    /// The workspace's signals.
    c: Clusters,
    /// The clustering.
    view: ClustersView,
) -> impl IntoView {
    let app = c.app;
    let body = match view.rules {
        Err(why) => view! { <p id="cluster-rules-problem" class="hint">{format!("These clusters cannot be written as rules: {why}")}</p> }.into_any(),
        Ok(rules) => {
            let sampled = if rules.built_on < view.clustered as usize {
                format!(" The tree was grown on a seeded sample of {} customers; the share counts all of them.", rules.built_on)
            } else {
                String::new()
            };
            let definition = rules.definition.clone();
            let open = move |_| {
                app.open_rules.set(Some(definition.clone()));
                if let Some(w) = web_sys::window() {
                    let _ = w.location().set_hash(&crate::routes::Route::Rules.href());
                }
            };
            view! {
                <p id="cluster-rules-agreement" class="big">{format!(
                    "These rules put {:.0}% of customers in the same cluster.",
                    rules.agreement * 100.0
                )}</p>
                <p class="hint">{format!(
                    "A tree of {} cuts on the features themselves ({} leaves): each customer goes to the first cluster whose rules they meet; a missing value decides nothing.{sampled}",
                    rules.leaves.saturating_sub(1),
                    rules.leaves
                )}</p>
                <table id="cluster-rules" class="segments">
                    <thead><tr><th scope="col">"Cluster"</th><th scope="col">"Customers meet any of"</th><th scope="col" class="num">"Agreement"</th></tr></thead>
                    <tbody>
                        {rules.clusters.iter().enumerate().map(|(i, cl)| view! {
                            <tr>
                                <th scope="row">{cl.name.clone()}</th>
                                <td class="rules-text">{if cl.rules.is_empty() {
                                    view! { <span class="hint">"no leaf of its own"</span> }.into_any()
                                } else {
                                    view! { <ul class="rule-paths">{cl.rules.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul> }.into_any()
                                }}</td>
                                <td class="num">{format!("{:.0}%", rules.per_cluster.get(i).copied().unwrap_or(0.0) * 100.0)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <div class="actions">
                    <button id="clusters-open-rules" type="button" class="button" on:click=open>"Open in the rule builder"</button>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <h3>"Clusters as rules"</h3>
        {body}
    }
}
