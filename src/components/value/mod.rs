//! The Value workspace: RFM scores, the R × F grid painted by named segment, the segment table,
//! score distributions, customer previews and downloads.

mod clv;
mod grid;

use leptos::prelude::*;
use segscope_engine::api::Dialect;
use segscope_engine::api::{Method, Monetary, Returns, RfmMap, RfmParams, Typed};
use segscope_engine::api::{PreviewRows, Request, Response, RfmView, SegmentationKind};
use segscope_engine::reproduce::SegmentationRecipe;

use super::dialect_select::DialectSelect;
use super::preview_table::PreviewTable;
use super::segment_chart::SegmentChart;
use crate::state::{use_app, AppState};
use clv::ClvSection;
use grid::RfmGrid;

/// The Value workspace's signals.
#[derive(Clone, Copy)]
pub struct Value {
    /// App state.
    pub app: AppState,
    /// Scoring settings.
    pub params: RwSignal<RfmParams>,
    /// The edited segment map (`None`: the default for the bins).
    pub map: RwSignal<Option<RfmMap>>,
    /// The as-of date typed (empty: the default).
    pub as_of: RwSignal<String>,
    /// The latest result.
    pub view: RwSignal<Option<RfmView>>,
    /// When set, clicking a grid cell paints it with this segment.
    pub paint: RwSignal<Option<usize>>,
    /// Customers shown below (title, rows).
    pub preview: RwSignal<Option<(String, PreviewRows)>>,
}

impl Value {
    fn compute(self) {
        let Some(dataset) = self.app.dataset.get_untracked().map(|d| d.id) else { return };
        if self.app.transactions.with_untracked(Option::is_none) {
            return;
        }
        let (params, map, as_of) = (self.params.get_untracked(), self.map.get_untracked(), self.as_of.get_untracked());
        let as_of = (!as_of.is_empty()).then_some(as_of);
        leptos::task::spawn_local(async move {
            if let Some(Response::Rfm(v)) =
                self.app.request("Scoring RFM…", Request::Rfm { dataset, params, map, as_of }).await
            {
                self.view.set(Some(*v));
            }
        });
    }

    /// Changes the map in use (the edited one, else the one of the result shown) and recomputes.
    pub fn edit_map(self, f: impl FnOnce(&mut RfmMap)) {
        let shown = || self.view.with_untracked(|v| v.as_ref().map(|v| v.map.clone()));
        let Some(mut map) = self.map.get_untracked().or_else(shown) else { return };
        f(&mut map);
        self.map.set(Some(map));
        self.compute();
    }

    /// Shows customers of a preview request under the grid.
    pub fn show(self, title: String, request: Request) {
        leptos::task::spawn_local(async move {
            if let Some(Response::Preview(rows)) = self.app.request("Finding customers…", request).await {
                self.preview.set(Some((title, rows)));
            }
        });
    }
}

/// The Value workspace (shown once transactions are attached).
#[component]
pub fn ValueWorkspace() -> impl IntoView {
    let app = use_app();
    let value = Value {
        app,
        params: RwSignal::new(RfmParams::default()),
        map: RwSignal::new(None),
        as_of: RwSignal::new(String::new()),
        view: RwSignal::new(None),
        paint: RwSignal::new(None),
        preview: RwSignal::new(None),
    };
    let thresholds =
        RwSignal::new(("30, 90, 180, 365".to_string(), "2, 3, 5, 10".to_string(), "50, 100, 250, 500".to_string()));
    Effect::new(move |_| {
        app.transactions.track();
        app.dataset.track();
        // A project just opened: its RFM settings, map and as-of date.
        if let Some(SegmentationRecipe::Rfm { params, map, as_of, .. }) = app.take_restored(SegmentationKind::Rfm) {
            if let Method::Thresholds { r, f, m } = &params.method {
                thresholds.set((r.text(), f.text(), m.text()));
            }
            value.params.set(params);
            value.map.set(Some(map));
            value.as_of.set(as_of.unwrap_or_default());
        }
        value.compute();
    });
    let set_method = move || {
        let method = match value.params.with_untracked(|p| p.method.clone()) {
            // The cut points as typed: the engine reads them and says what is wrong.
            Method::Thresholds { .. } => {
                let (r, f, m) = thresholds.get_untracked();
                Method::Thresholds { r: Typed::Text(r), f: Typed::Text(f), m: Typed::Text(m) }
            }
            other => other,
        };
        value.params.update(|p| p.method = method);
        value.compute();
    };
    view! {
        <Show when=move || app.transactions.with(Option::is_some)>
            <section class="card value" aria-labelledby="value-title">
                <h2 id="value-title">"Value: RFM"</h2>
                <p class="hint">"Recency (days since the last purchase, as of the date below), frequency (orders) and monetary value score each customer 1 to B, higher is better. Named segments come from R and F."</p>
                <div class="form-row toolbar">
                    <label for="rfm-bins">"Scores"</label>
                    <select id="rfm-bins" prop:value=move || value.params.with(|p| p.bins.to_string()) on:change=move |ev| {
                        let b = Typed::Text(event_target_value(&ev));
                        value.params.update(|p| p.bins = b);
                        value.map.set(None);
                        set_method();
                    }>
                        {[3u8, 4, 5].into_iter().map(|b| view! { <option value=b.to_string() selected=b == 5>{format!("1–{b}")}</option> }).collect_view()}
                    </select>
                    <label for="rfm-method">"Method"</label>
                    <select id="rfm-method" prop:value=move || value.params.with(|p| match p.method { Method::Rank => "rank", Method::QuantileEqualCount => "quantile", Method::Thresholds { .. } => "thresholds" }) on:change=move |ev| {
                        let m = match event_target_value(&ev).as_str() {
                            "quantile" => Method::QuantileEqualCount,
                            "thresholds" => Method::Thresholds { r: Typed::default(), f: Typed::default(), m: Typed::default() },
                            _ => Method::Rank,
                        };
                        value.params.update(|p| p.method = m);
                        set_method();
                    }>
                        <option value="rank" selected=true>"Rank (equal values, equal scores)"</option>
                        <option value="quantile">"Equal-count bins"</option>
                        <option value="thresholds">"My thresholds"</option>
                    </select>
                    <label for="rfm-monetary">"Monetary"</label>
                    <select id="rfm-monetary" prop:value=move || value.params.with(|p| if p.monetary == Monetary::MeanOrder { "mean" } else { "total" }) on:change=move |ev| {
                        let m = if event_target_value(&ev) == "mean" { Monetary::MeanOrder } else { Monetary::Total };
                        value.params.update(|p| p.monetary = m);
                        value.compute();
                    }>
                        <option value="total" selected=true>"Total spend"</option>
                        <option value="mean">"Mean order value"</option>
                    </select>
                    <label for="rfm-returns">"Returns"</label>
                    <select id="rfm-returns" prop:value=move || value.params.with(|p| if p.returns == Returns::Exclude { "exclude" } else { "net" }) on:change=move |ev| {
                        let r = if event_target_value(&ev) == "exclude" { Returns::Exclude } else { Returns::Net };
                        value.params.update(|p| p.returns = r);
                        value.compute();
                    }>
                        <option value="net" selected=true>"Netted"</option>
                        <option value="exclude">"Left out"</option>
                    </select>
                    <label for="rfm-as-of">"As of"</label>
                    <input id="rfm-as-of" type="date" prop:value=move || value.as_of.get() on:change=move |ev| { value.as_of.set(event_target_value(&ev)); value.compute(); }/>
                </div>
                <div class="form-row toolbar">
                    <label class="button" for="rfm-open">"Open RFM segmentation…"</label>
                    <input id="rfm-open" class="visually-hidden" type="file" accept=".json,application/json" aria-label="Open a saved RFM segmentation"
                        on:change=move |ev| {
                            let Some(file) = crate::files::take_chosen_file(&ev) else { return };
                            leptos::task::spawn_local(async move {
                                let request = Request::OpenRfmDefinition { name: file.name(), bytes: Vec::new() };
                                if let Some(Response::RfmDefinition(def)) = app.request_with_file("Opening the RFM segmentation…", request, file).await {
                                    if let Method::Thresholds { r, f, m } = &def.params.method {
                                        thresholds.set((r.text(), f.text(), m.text()));
                                    }
                                    value.params.set(def.params.clone());
                                    value.map.set(Some(def.map.clone()));
                                    value.as_of.set(def.as_of.clone().unwrap_or_default());
                                    value.compute();
                                }
                            });
                        }/>
                </div>
                <Show when=move || value.params.with(|p| matches!(p.method, Method::Thresholds { .. }))>
                    <div class="form-row toolbar">
                        <label for="rfm-r-cuts">"Recency cuts (days)"</label>
                        <input id="rfm-r-cuts" type="text" prop:value=move || thresholds.get().0 on:change=move |ev| { let v = event_target_value(&ev); thresholds.update(|t| t.0 = v); set_method(); }/>
                        <label for="rfm-f-cuts">"Frequency cuts"</label>
                        <input id="rfm-f-cuts" type="text" prop:value=move || thresholds.get().1 on:change=move |ev| { let v = event_target_value(&ev); thresholds.update(|t| t.1 = v); set_method(); }/>
                        <label for="rfm-m-cuts">"Monetary cuts"</label>
                        <input id="rfm-m-cuts" type="text" prop:value=move || thresholds.get().2 on:change=move |ev| { let v = event_target_value(&ev); thresholds.update(|t| t.2 = v); set_method(); }/>
                    </div>
                </Show>
                {move || value.view.get().map(|v| view! { <RfmResults value=value view=v/> })}
            </section>
        </Show>
        <NeedsTransactions what="RFM"/>
    }
}

/// The lifetime value workspace (it needs transactions).
#[component]
pub fn ClvWorkspace() -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || app.transactions.with(Option::is_some)>
            <ClvSection/>
        </Show>
        <NeedsTransactions what="Lifetime value"/>
    }
}

/// Says what to do when a workspace needs transactions and there are none.
#[component]
fn NeedsTransactions(
    /// What needs them.
    what: &'static str,
) -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || app.transactions.with(Option::is_none)>
            <section class="card needs-transactions">
                <h2>{what}</h2>
                <p>{format!("{what} needs transactions (customer key, date, amount). Add a transactions file in ")}<a href="#/data">"Data"</a>"."</p>
            </section>
        </Show>
    }
}

/// The grid, the segment table, the distributions and the downloads.
#[component]
fn RfmResults(
    /// The workspace state.
    value: Value,
    /// The result.
    view: RfmView,
) -> impl IntoView {
    let app = value.app;
    let dialect = RwSignal::new(Dialect::Duckdb);
    let files = move |sql: bool| {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let dialect = sql.then(|| dialect.get_untracked());
        leptos::task::spawn_local(async move {
            let request = Request::RfmFiles {
                dataset,
                dialect,
                customers_table: "customers".into(),
                transactions_table: "transactions".into(),
            };
            app.download("Preparing the download…", request, |_| true).await;
        });
    };
    let assignment = view.assignment;
    let customers_csv = move |_| {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        leptos::task::spawn_local(async move {
            app.download("Preparing the download…", Request::ExportCsv { dataset, assignment }, |_| true).await;
        });
    };
    let names: Vec<(usize, String)> = view.map.segments.iter().enumerate().map(|(i, s)| (i, s.name.clone())).collect();
    let labels = ["Recency (R)", "Frequency (F)", "Monetary (M)"];
    // Segments that also use M: their M scores, editable.
    let m_scores: Vec<Option<String>> =
        view.map.segments.iter().map(|s| (!s.m.is_empty_list()).then(|| s.m.text())).collect();
    let bins = view.bins;
    let add_m_segment = move |_| {
        value.edit_map(move |m| {
            let mut name = "Big spenders".to_string();
            while m.segments.iter().any(|s| s.name == name) {
                name.push('′');
            }
            m.segments.insert(
                0,
                segscope_engine::api::RfmSegment {
                    name,
                    color: Some("#edc948".into()),
                    cells: Vec::new(),
                    m: vec![bins].into(),
                },
            );
        });
    };
    view! {
        <p id="rfm-as-of-used" class="hint">{format!("As of {}{}. {} of {} customers have a purchase and are scored. Scoring: {}", view.as_of, if view.as_of_is_default { " (the day after the last transaction)" } else { "" }, view.scored, view.customers, view.rule)}</p>
        <div class="form-row toolbar">
            <label for="rfm-paint">"Clicking a cell"</label>
            <select id="rfm-paint" on:change=move |ev| value.paint.set(event_target_value(&ev).parse().ok())>
                <option value="" selected=true>"shows its customers"</option>
                {names.into_iter().map(|(i, n)| view! { <option value=i.to_string()>{format!("paints it “{n}”")}</option> }).collect_view()}
            </select>
        </div>
        <RfmGrid value=value view=view.clone()/>
        <table id="rfm-segments" class="segments">
            <thead><tr>
                <th scope="col">"Segment"</th><th scope="col" class="num">"Customers"</th><th scope="col" class="num">"Share"</th>
                <th scope="col" class="num">"Revenue share"</th><th scope="col" class="num">"Mean days since purchase"</th>
                <th scope="col" class="num">"Mean orders"</th><th scope="col" class="num">"Mean monetary"</th>
            </tr></thead>
            <tbody>
                {view.segments.iter().enumerate().map(|(i, s)| {
                    let editable = i < view.map.segments.len();
                    let title = s.name.clone();
                    let rename_id = format!("rfm-name-{i}");
                    view! {
                        <tr>
                            <td>
                                {editable.then(|| view! {
                                    <label class="visually-hidden" for=rename_id.clone()>"Segment name"</label>
                                    <input id=rename_id class="rfm-name" type="text" value=s.name.clone() on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        value.edit_map(move |m| if let Some(seg) = m.segments.get_mut(i) { seg.name = v });
                                    }/>
                                })}
                                {m_scores.get(i).cloned().flatten().map(|scores| {
                                    let mid = format!("rfm-m-{i}");
                                    view! {
                                        <label for=mid.clone()>" M scores "</label>
                                        <input id=mid class="rfm-m" type="text" value=scores on:change=move |ev| {
                                            // As typed: the engine reads the scores and says what is wrong.
                                            let v = Typed::Text(event_target_value(&ev));
                                            value.edit_map(move |m| if let Some(seg) = m.segments.get_mut(i) { seg.m = v });
                                        }/>
                                    }
                                })}
                                <button type="button" class="link" on:click=move |_| {
                                    let Some(dataset) = value.app.dataset.get_untracked().map(|d| d.id) else { return };
                                    value.show(format!("Customers in “{title}”"), Request::Preview { dataset, segment: Some((assignment, i as u32)), offset: 0, limit: 20 });
                                }>{if editable { "show".to_string() } else { s.name.clone() }}</button>
                            </td>
                            <td class="num">{s.count}</td>
                            <td class="num">{format!("{:.1}%", s.share * 100.0)}</td>
                            <td class="num">{format!("{:.1}%", s.revenue_share * 100.0)}</td>
                            <td class="num">{s.mean_recency.map(|x| format!("{x:.0}")).unwrap_or_default()}</td>
                            <td class="num">{format!("{:.1}", s.mean_frequency)}</td>
                            <td class="num">{format!("{:.2}", s.mean_monetary)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <p class="hint">"A segment can also require M scores: it takes the customers of its cells whose M score is listed, before the other segments. Add one, then paint cells with it."</p>
        <button id="rfm-add-m-segment" type="button" class="button small" on:click=add_m_segment>"+ Segment that also uses M"</button>
        <div class="split-result">
            {view.distributions.iter().enumerate().map(|(d, counts)| {
                let bars: Vec<(String, u64)> = counts.iter().enumerate().map(|(k, n)| (format!("{}{}", ["R", "F", "M"][d], k + 1), *n)).collect();
                let id = ["rfm-r-chart", "rfm-f-chart", "rfm-m-chart"][d];
                view! { <figure class="distribution"><figcaption>{labels[d]}</figcaption><SegmentChart bars=bars id=id/></figure> }
            }).collect_view()}
        </div>
        <div class="form-row toolbar">
            <button id="rfm-download-csv" type="button" class="button primary" on:click=move |_| files(false)>"Download RFM per customer (CSV)"</button>
            <button id="rfm-download-customers" type="button" class="button" on:click=customers_csv>"Download customers with RFM segment"</button>
            <DialectSelect id="rfm-dialect" dialect=dialect/>
            <button id="rfm-download-definition" type="button" class="button" on:click=move |_| files(true)>"Download segment map (JSON) and SQL"</button>
        </div>
        {move || value.preview.get().map(|(title, rows)| view! {
            <h4>{format!("{title} (first {})", rows.rows.len())}</h4>
            <PreviewTable rows=rows id="rfm-preview"/>
        })}
    }
}
