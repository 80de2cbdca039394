//! The Profiles workspace: who is in each segment of any segmentation (split, rules, RFM,
//! clusters) and how the segments differ: sizes, KPIs, each segment's typical customer, every
//! column by segment with its index and significance, and the niche finder. The engine computes
//! everything (`Request::Profile`, `Request::Niches`, `Request::Compare`, `Request::Movement`,
//! `Request::ProfileFiles` for the report); this shows it.

mod compare;
mod kpis;
mod movement;
mod niches;
mod report;
mod tables;
mod typical;

use leptos::prelude::*;
use segscope_engine::api::{
    AssignmentId, KpiDef, NicheParams, NumberTest, Profile, ProfileOptions, Request, Response, Typed,
};
use segscope_engine::stats::significance::Correction;

use crate::state::use_app;
use compare::CompareSegments;
use kpis::{KpiEditor, KpiResults};
use movement::MovementSection;
use niches::NicheFinder;
use report::ReportDownloads;
use tables::{CategoryTables, DateTable, KpiSection, NumberTable, Sizes};
use typical::TypicalCards;

/// The profile shown, with the segmentation it is of and the settings it was made with.
#[derive(Clone, PartialEq)]
struct Shown {
    segmentation: AssignmentId,
    profile: Profile,
    options: ProfileOptions,
}

/// The workspace.
#[component]
pub fn ProfilesWorkspace() -> impl IntoView {
    let app = use_app();
    let chosen = RwSignal::new(None::<AssignmentId>);
    let alpha = RwSignal::new("0.05".to_string());
    let correction = RwSignal::new(Correction::BenjaminiHochberg);
    let test = RwSignal::new(NumberTest::Welch);
    let shown = RwSignal::new(None::<Shown>);
    // The KPIs the engine keeps with this data's segmentations; new data starts with none.
    let kpis = RwSignal::new(Vec::<KpiDef>::new());
    Effect::new(move |previous: Option<Option<u32>>| {
        let id = app.dataset.with(|d| d.as_ref().map(|d| d.id.0));
        if previous.is_some_and(|p| p != id) {
            kpis.set(Vec::new());
        }
        id
    });
    // The current segmentation until the user picks another; a deleted choice falls back to it.
    Effect::new(move |_| {
        app.segmentations.with(|list| {
            let keep = chosen.get_untracked().filter(|id| list.iter().any(|s| s.id == *id && s.stale.is_none()));
            if keep.is_none() {
                chosen.set(list.iter().find(|s| s.current).or(list.last()).map(|s| s.id));
            }
        });
    });
    let run = Callback::new(move |()| {
        let (Some(dataset), Some(segmentation)) = (app.dataset.get_untracked().map(|d| d.id), chosen.get_untracked())
        else {
            return;
        };
        let options = ProfileOptions {
            alpha: Typed::Text(alpha.get_untracked()),
            correction: correction.get_untracked(),
            number_test: test.get_untracked(),
            ..ProfileOptions::default()
        };
        leptos::task::spawn_local(async move {
            let request = Request::Profile { dataset, segmentation, options: options.clone() };
            if let Some(Response::Profile(p)) = app.request("Profiling the segments…", request).await {
                shown.set(Some(Shown { segmentation, profile: *p, options }));
            }
        });
    });
    view! {
        <section class="card" aria-labelledby="profiles-title">
            <h2 id="profiles-title">"Profiles"</h2>
            <p class="hint">"Who is in each segment and how the segments differ, for any segmentation: sizes, KPIs, a typical customer per segment, every column by segment with its index (the segment's share or mean against everyone's, 100 = the same) and whether the difference is statistically meaningful."</p>
            {move || {
                let list = app.segmentations.get();
                if list.is_empty() {
                    return view! { <p id="profiles-empty" class="hint">"No segmentations yet: make one in Split, Rules, RFM or Clusters, then profile it here."</p> }.into_any();
                }
                view! {
                    <div class="form-row toolbar">
                        <label for="profile-segmentation">"Segmentation"</label>
                        <select id="profile-segmentation" on:change=move |ev| {
                            chosen.set(event_target_value(&ev).parse::<u32>().ok().map(AssignmentId));
                        }>
                            {list.into_iter().map(|s| {
                                let selected = chosen.get_untracked() == Some(s.id);
                                let label = if s.stale.is_some() { format!("{} (out of date)", s.name) } else { s.name.clone() };
                                view! { <option value=s.id.0.to_string() selected=selected disabled=s.stale.is_some()>{label}</option> }
                            }).collect_view()}
                        </select>
                        <button id="run-profile" type="button" class="button primary" on:click=move |_| run.run(())>"Profile"</button>
                    </div>
                    <details class="settings">
                        <summary>"Significance settings"</summary>
                        <div class="form-row">
                            <label for="profile-alpha">"Significance level"</label>
                            <input id="profile-alpha" type="text" size="6" prop:value=move || alpha.get()
                                on:change=move |ev| alpha.set(event_target_value(&ev))/>
                            <label for="profile-correction">"Many traits at once"</label>
                            <select id="profile-correction" on:change=move |ev| correction.set(
                                if event_target_value(&ev) == "holm" { Correction::Holm } else { Correction::BenjaminiHochberg })>
                                <option value="bh" selected=true>{Correction::BenjaminiHochberg.label()}</option>
                                <option value="holm">{Correction::Holm.label()}</option>
                            </select>
                            <label for="profile-number-test">"Numbers compared by"</label>
                            <select id="profile-number-test" on:change=move |ev| test.set(
                                if event_target_value(&ev) == "mann-whitney" { NumberTest::MannWhitney } else { NumberTest::Welch })>
                                <option value="welch" selected=true>{NumberTest::Welch.label()}</option>
                                <option value="mann-whitney">{NumberTest::MannWhitney.label()}</option>
                            </select>
                        </div>
                    </details>
                }.into_any()
            }}
        </section>
        {move || shown.get().map(|s| view! { <ProfileView shown=s kpis=kpis rerun=run/> })}
        <MovementSection/>
    }
}

/// A profile, section by section.
#[component]
fn ProfileView(shown: Shown, kpis: RwSignal<Vec<KpiDef>>, rerun: Callback<()>) -> impl IntoView {
    let Shown { segmentation, profile, options } = shown;
    let p = StoredValue::new(profile);
    let niches = RwSignal::new(None::<NicheParams>);
    view! {
        <section class="card" aria-labelledby="profile-sizes-title" id="profile">
            <h2 id="profile-sizes-title">{p.with_value(|p| p.title.clone())}</h2>
            {p.with_value(|p| (!p.sensitive.is_empty()).then(|| view! {
                <div id="profile-sensitive" class="warnings" role="note">
                    <p>"Sensitive columns: special categories of personal data (GDPR article 9). Check you may use them before targeting anyone by them."</p>
                    <ul>{p.sensitive.iter().map(|s| view! { <li><code>{s.column.clone()}</code>": "{s.reason.clone()}</li> }).collect_view()}</ul>
                </div>
            }))}
            <Sizes profile=p/>
        </section>
        {p.with_value(|p| p.kpis.clone()).map(|k| view! {
            <section class="card" aria-labelledby="profile-kpis-title">
                <h2 id="profile-kpis-title">"KPIs"</h2>
                <KpiSection kpis=k/>
            </section>
        })}
        <section class="card" aria-labelledby="custom-kpis-title" id="custom-kpis">
            <h2 id="custom-kpis-title">"Your KPIs"</h2>
            <p class="hint">"Your own measures, per segment: a count, sum, mean, median, minimum or maximum of any column, or the share of customers where a condition holds, with targets. They are kept with this data's segmentations, shown for every segmentation and in the report; save them to use on other data or with segscope profile --kpis."</p>
            {p.with_value(|p| p.custom_kpis.clone()).map(|t| view! { <KpiResults table=t/> })}
            <KpiEditor kpis=kpis segments=p.with_value(|p| p.segments.iter().map(|s| s.name.clone()).collect()) changed=rerun/>
        </section>
        <section class="card" aria-labelledby="typical-title">
            <h2 id="typical-title">"The typical customer"</h2>
            <p class="hint">"Per segment, its median and most common values, and the traits that most set it apart: only differences that are statistically meaningful are called out."</p>
            <TypicalCards profile=p/>
        </section>
        <section class="card" aria-labelledby="profile-columns-title">
            <h2 id="profile-columns-title">"Every column by segment"</h2>
            <p class="hint">{p.with_value(|p| p.method.description.clone())}</p>
            <NumberTable profile=p/>
            <CategoryTables profile=p/>
            <DateTable profile=p/>
            {p.with_value(|p| (!p.skipped.is_empty()).then(|| view! {
                <p id="profile-skipped" class="hint">"Not compared: "
                    {p.skipped.iter().map(|s| format!("{} ({})", s.column, s.reason)).collect::<Vec<_>>().join("; ")}</p>
            }))}
        </section>
        <CompareSegments segmentation=segmentation profile=p options=options.clone()/>
        <NicheFinder segmentation=segmentation profile=p used=niches/>
        <ReportDownloads segmentation=segmentation profile=p options=options niches=niches/>
    }
}
