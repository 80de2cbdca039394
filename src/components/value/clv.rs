//! Lifetime value in the Value workspace: settings, the fits, charts and tables, downloads.

use leptos::prelude::*;
use segscope_engine::api::{AssignmentId, ClvView, Request, Response};
use segscope_engine::api::{ClvParams, TimeUnit, Typed};

use super::super::segment_chart::SegmentChart;
use super::super::xy_chart::XyChart;
use crate::state::use_app;
use segscope_charts::xy::Series;

/// The CLV section.
#[component]
pub fn ClvSection() -> impl IntoView {
    let app = use_app();
    let params = RwSignal::new(ClvParams::default());
    let view = RwSignal::new(None::<ClvView>);
    // The segmentation to summarise value by: `None` is the current one.
    let by = RwSignal::new(None::<AssignmentId>);
    let fit = move || {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let params = params.get_untracked();
        let by = by.get_untracked();
        leptos::task::spawn_local(async move {
            if let Some(Response::Clv(v)) =
                app.request("Fitting the lifetime value models…", Request::Clv { dataset, params, by }).await
            {
                view.set(Some(*v));
            }
        });
    };
    let download = move |_| {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        leptos::task::spawn_local(async move {
            app.download("Preparing the download…", Request::ClvFiles { dataset }, |_| true).await;
        });
    };
    view! {
        <section class="card value" aria-labelledby="clv-title">
            <h2 id="clv-title">"Value: customer lifetime value"</h2>
            <p class="hint">"Historical value, and predicted value: BG/NBD for repeat purchases and Gamma-Gamma for spend, fitted by maximum likelihood (as the lifetimes package does). Set a calibration end to check the predictions against the purchases after it."</p>
            // The numbers go to the engine as typed: its check reads them and says what is wrong.
            <div class="form-row toolbar">
                <label for="clv-horizon">"Horizon (months, 1–120)"</label>
                <input id="clv-horizon" type="text" inputmode="numeric" size="4" value="12" on:change=move |ev| { let v = Typed::Text(event_target_value(&ev)); params.update(|p| p.horizon_months = v); }/>
                <label for="clv-discount">"Discount per month (1% or 0.01)"</label>
                <input id="clv-discount" type="text" inputmode="decimal" size="6" value="1%" on:change=move |ev| { let v = Typed::Text(event_target_value(&ev)); params.update(|p| p.discount_monthly = v); }/>
                <label for="clv-unit">"Time unit"</label>
                <select id="clv-unit" on:change=move |ev| { let u = if event_target_value(&ev) == "days" { TimeUnit::Days } else { TimeUnit::Weeks }; params.update(|p| p.unit = u); }>
                    <option value="weeks" selected=true>"weeks"</option>
                    <option value="days">"days"</option>
                </select>
                <label for="clv-calibration">"Calibration ends"</label>
                <input id="clv-calibration" type="date" on:change=move |ev| { let v = event_target_value(&ev); params.update(|p| p.calibration_end = Some(v)); }/>
                <label for="clv-margin">"Margin of revenue (optional: 30% or 0.3)"</label>
                <input id="clv-margin" type="text" inputmode="decimal" size="6" on:change=move |ev| { let v = Typed::Text(event_target_value(&ev)); params.update(|p| p.margin = Some(v)); }/>
                <label for="clv-by">"Value by segment of"</label>
                <select id="clv-by" on:change=move |ev| by.set(event_target_value(&ev).parse().ok().map(AssignmentId))>
                    <option value="" selected=true>"the current segmentation"</option>
                    {move || app.segmentations.get().into_iter().filter(|s| s.stale.is_none()).map(|s| view! {
                        <option value=s.id.0.to_string() selected=move || by.get() == Some(s.id)>{s.name.clone()}</option>
                    }).collect_view()}
                </select>
                <button id="clv-fit" type="button" class="button primary" on:click=move |_| fit()>"Fit and predict"</button>
            </div>
            {move || view.get().map(|v| {
                let b = v.bgnbd.params;
                let g = v.gamma_gamma.params;
                let calibration = (!v.calibration.is_empty()).then(|| {
                    let actual: Vec<(f64, f64)> = v.calibration.iter().map(|p| (f64::from(p.x), p.actual)).collect();
                    let predicted: Vec<(f64, f64)> = v.calibration.iter().map(|p| (f64::from(p.x), p.predicted)).collect();
                    let series = vec![
                        Series { name: "actual".into(), points: actual, line: true },
                        Series { name: "predicted (BG/NBD)".into(), points: predicted, line: true },
                    ];
                    view! {
                        <figure class="distribution">
                            <figcaption>{format!("Holdout check: mean repeat purchases after {} by repeat purchases before it (7 = 7 or more); {} {}: actual, {} {}: predicted", v.calibration_end, segscope_charts::xy::COLOUR_NAMES[0], segscope_charts::markers::marker(0).name(), segscope_charts::xy::COLOUR_NAMES[1], segscope_charts::markers::marker(1).name())}</figcaption>
                            <XyChart series=series x_label="repeat purchases in calibration" y_label="repeat purchases in holdout" id="clv-calibration-chart" description="Holdout purchases by calibration purchases".to_string()/>
                        </figure>
                    }
                });
                let alive = vec![Series { name: "customers".into(), points: v.p_alive_points.clone(), line: false }];
                view! {
                    <p id="clv-fit-summary">{format!(
                        "BG/NBD r = {:.3}, α = {:.3}, a = {:.3}, b = {:.3} (log-likelihood {:.1}, {}); Gamma-Gamma p = {:.3}, q = {:.3}, γ = {:.3} (frequency–spend correlation {:.2}). Calibration to {}, data to {}. Total predicted value over {} months: {:.0}.",
                        b.r, b.alpha, b.a, b.b, v.bgnbd.log_likelihood, v.bgnbd.convergence.reason, g.p, g.q, g.gamma, v.gamma_gamma.frequency_spend_correlation,
                        v.calibration_end, v.observation_end, v.params.horizon_months, v.total_clv
                    )}</p>
                    {(!v.warnings.is_empty()).then(|| view! { <ul class="warnings">{v.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul> })}
                    <div class="split-result">
                        <figure class="distribution"><figcaption>"Customers by predicted value"</figcaption><SegmentChart bars=v.distribution.clone() id="clv-distribution"/></figure>
                        {calibration}
                        <figure class="distribution">
                            <figcaption>"P(alive) against days since the last purchase"</figcaption>
                            <XyChart series=alive x_label="days since the last purchase" y_label="P(alive)" id="clv-alive-chart" description="P(alive) by recency".to_string()/>
                        </figure>
                    </div>
                    <div class="split-result">
                        <table id="clv-top" class="segments">
                            <caption>"Highest predicted value"</caption>
                            <thead><tr><th scope="col">"Customer"</th><th scope="col" class="num">"CLV"</th><th scope="col" class="num">"P(alive)"</th><th scope="col" class="num">"Orders"</th><th scope="col" class="num">"Value so far"</th></tr></thead>
                            <tbody>{v.top.iter().map(|t| view! {
                                <tr><td>{t.key.clone()}</td><td class="num">{format!("{:.2}", t.clv)}</td><td class="num">{format!("{:.2}", t.p_alive)}</td><td class="num">{t.orders}</td><td class="num">{format!("{:.2}", t.historical_value)}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                        {(!v.by_segment.is_empty()).then(|| view! {
                            <table id="clv-by-segment" class="segments">
                                <caption>{format!("Predicted value by segment of \u{201c}{}\u{201d}", v.by_segmentation.as_ref().map_or("", |(_, n)| n.as_str()))}</caption>
                                <thead><tr><th scope="col">"Segment"</th><th scope="col" class="num">"Customers"</th><th scope="col" class="num">"Mean CLV"</th><th scope="col" class="num">"Total CLV"</th></tr></thead>
                                <tbody>{v.by_segment.iter().map(|s| view! {
                                    <tr><td>{s.segment.clone()}</td><td class="num">{s.customers}</td><td class="num">{format!("{:.2}", s.mean_clv)}</td><td class="num">{format!("{:.0}", s.total_clv)}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                        })}
                    </div>
                    <button id="clv-download" type="button" class="button primary" on:click=download>"Download CLV per customer (CSV) and the fitted parameters"</button>
                }
            })}
        </section>
    }
}
