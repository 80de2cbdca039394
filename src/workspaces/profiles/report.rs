//! The report download: the profile on screen as one file a marketer takes away, a
//! self-contained HTML page (printable to PDF), a summary workbook, a tidy CSV or JSON. The engine
//! writes it (`Request::ProfileFiles`) with the same settings as the profile shown, and the
//! niches when the niche finder has been run (else on revenue, when there is revenue).

use leptos::prelude::*;
use segscope_engine::api::{AssignmentId, NicheParams, ProfileOptions, ReportFormat, Request};
use segscope_engine::profile::Profile;

use crate::state::use_app;

/// What each format's button says, and what it is for.
fn label(format: ReportFormat) -> (&'static str, &'static str) {
    match format {
        ReportFormat::Html => ("Report (HTML)", "One page that works offline when e-mailed: charts, KPIs, profiles, typical customers, niches; print it to PDF from the browser"),
        ReportFormat::Xlsx => ("Workbook (.xlsx)", "A KPI sheet, a sheet per segment, the typical customers, the niches and the definition in words"),
        ReportFormat::Csv => ("Tidy CSV", "One row per segment, column and statistic: for a spreadsheet or BI tool"),
        ReportFormat::Json => ("JSON", "Everything in the report, for other programs"),
    }
}

/// The download buttons for the profile of `segmentation` made with `options`.
#[component]
pub fn ReportDownloads(
    segmentation: AssignmentId,
    profile: StoredValue<Profile>,
    options: ProfileOptions,
    niches: RwSignal<Option<NicheParams>>,
) -> impl IntoView {
    let app = use_app();
    let has_revenue = profile.with_value(|p| p.numbers.iter().any(|n| n.column == "revenue"));
    let options = StoredValue::new(options);
    let download = move |format: ReportFormat| {
        let Some(dataset) = app.dataset.get_untracked().map(|d| d.id) else { return };
        let niches = niches
            .get_untracked()
            .or_else(|| has_revenue.then(|| NicheParams { value: "revenue".to_string(), ..NicheParams::default() }));
        let request = Request::ProfileFiles { dataset, segmentation, options: options.get_value(), niches, format };
        leptos::task::spawn_local(app.download("Writing the report…", request, |_| true));
    };
    view! {
        <section class="card" aria-labelledby="report-title">
            <h2 id="report-title">"Take it away"</h2>
            <p class="hint">"The profile above as a file, with the segmentation in words and the niches (those of the niche finder once you run it, else on revenue). One CSV per segment for a campaign tool is in Segmentations."</p>
            <div class="form-row">
                {ReportFormat::ALL.into_iter().map(|format| {
                    let (text, title) = label(format);
                    let id = format!("download-report-{}", format.extension());
                    let class = if format == ReportFormat::Html { "button primary" } else { "button" };
                    view! { <button type="button" id=id class=class title=title on:click=move |_| download(format)>{text}</button> }
                }).collect_view()}
            </div>
        </section>
    }
}
