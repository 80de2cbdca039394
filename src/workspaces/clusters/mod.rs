//! The Clusters workspace: choose features and how each is prepared, scan k with its scores and
//! charts, fit, read the profiles (sizes, heat map, what sets each cluster apart, quartiles, the
//! picture on two principal components), rename clusters, and download the labelled data and the
//! model. The fit is a segmentation like any other (the Segmentations list, its downloads).

mod features;
mod profile;
mod scan;

use leptos::prelude::*;
use segscope_engine::api::{
    ClusterMethod as Method, ClusterParams, ClustersView, FeatureSpec, FeaturesView, Missing, Request, Response,
};
use segscope_engine::api::{PreviewRows, ScanView, SegmentationKind, Typed};
use segscope_engine::reproduce::SegmentationRecipe;

use crate::state::{use_app, AppState};
use features::FeaturePicker;
use profile::ClusterResult;
use scan::KScan;

/// The Clusters workspace's signals.
#[derive(Clone, Copy)]
pub struct Clusters {
    /// App state.
    pub app: AppState,
    /// The features offered (the engine's list for the open data).
    pub offered: RwSignal<Option<FeaturesView>>,
    /// The features chosen, each with its log, scaling and weight.
    pub chosen: RwSignal<Vec<FeatureSpec>>,
    /// How the clusters are fitted.
    pub method: RwSignal<Method>,
    /// k-prototypes' weight of a category mismatch, as typed (blank: from the data).
    pub gamma: RwSignal<String>,
    /// Rows missing a feature.
    pub missing: RwSignal<Missing>,
    /// Restarts, as typed.
    pub n_init: RwSignal<String>,
    /// Seed, as typed.
    pub seed: RwSignal<String>,
    /// Smallest and largest k of the scan, as typed.
    pub scan_range: RwSignal<(String, String)>,
    /// k for the fit, as typed.
    pub k: RwSignal<String>,
    /// The latest scan.
    pub scan: RwSignal<Option<ScanView>>,
    /// The clusters shown.
    pub view: RwSignal<Option<ClustersView>>,
    /// Why the clusters shown can no longer be made (the data changed), if they cannot.
    pub stale: RwSignal<Option<String>>,
    /// Customers of one cluster shown below the results (its name, the rows).
    pub preview: RwSignal<Option<(String, PreviewRows)>>,
}

impl Clusters {
    /// The settings as the form holds them (numbers as typed: the engine reads and checks them).
    pub fn params(self) -> ClusterParams {
        ClusterParams {
            features: self.chosen.get_untracked(),
            method: self.method.get_untracked(),
            gamma: Some(Typed::Text(self.gamma.get_untracked())),
            missing: self.missing.get_untracked(),
            n_init: Typed::Text(self.n_init.get_untracked()),
            max_iter: ClusterParams::default().max_iter,
            seed: Typed::Text(self.seed.get_untracked()),
            as_of: None,
        }
    }

    fn dataset(self) -> Option<segscope_engine::api::DatasetId> {
        self.app.dataset.get_untracked().map(|d| d.id)
    }

    /// Scans k over the range typed.
    pub fn run_scan(self) {
        let Some(dataset) = self.dataset() else { return };
        let (min, max) = self.scan_range.get_untracked();
        let request =
            Request::ClusterScan { dataset, params: self.params(), min_k: Typed::Text(min), max_k: Typed::Text(max) };
        leptos::task::spawn_local(async move {
            if let Some(Response::ClusterScan(s)) = self.app.request("Scanning k…", request).await {
                if self.k.with_untracked(String::is_empty) {
                    self.k.set(s.recommended.to_string());
                }
                self.scan.set(Some(*s));
            }
        });
    }

    /// Fits k-means with the k typed.
    pub fn run_fit(self) {
        let Some(dataset) = self.dataset() else { return };
        let request = Request::ClusterFit { dataset, params: self.params(), k: Typed::Text(self.k.get_untracked()) };
        leptos::task::spawn_local(async move {
            let doing = format!("Fitting {}…", self.method.get_untracked().label());
            if let Some(Response::Clusters(v)) = self.app.request(&doing, request).await {
                self.stale.set(None);
                self.preview.set(None);
                self.view.set(Some(*v));
            }
        });
    }

    /// Gives cluster `cluster` (from 0) another name (nothing to do when it has that name).
    pub fn rename(self, cluster: usize, name: String) {
        let Some(dataset) = self.dataset() else { return };
        let shown = self
            .view
            .with_untracked(|v| v.as_ref().map(|v| (v.assignment, v.clusters.get(cluster).map(|c| c.name.clone()))));
        let Some((segmentation, current)) = shown else { return };
        if current.as_deref() == Some(name.trim()) {
            return;
        }
        leptos::task::spawn_local(async move {
            let request = Request::RenameCluster { dataset, segmentation, cluster, name };
            if let Some(Response::Clusters(v)) = self.app.request("Renaming the cluster…", request).await {
                self.view.set(Some(*v));
            }
        });
    }
}

/// The Clusters workspace.
#[component]
pub fn ClustersWorkspace() -> impl IntoView {
    let app = use_app();
    let c = Clusters {
        app,
        offered: RwSignal::new(None),
        chosen: RwSignal::new(Vec::new()),
        method: RwSignal::new(Method::Kmeans),
        gamma: RwSignal::new(String::new()),
        missing: RwSignal::new(Missing::Drop),
        n_init: RwSignal::new("10".into()),
        seed: RwSignal::new("0".into()),
        scan_range: RwSignal::new(("2".into(), "8".into())),
        k: RwSignal::new(String::new()),
        scan: RwSignal::new(None),
        view: RwSignal::new(None),
        stale: RwSignal::new(None),
        preview: RwSignal::new(None),
    };
    // A project just opened: its clustering's settings (the clusters are shown as saved, below).
    Effect::new(move |_| {
        if let Some(SegmentationRecipe::Clusters { params, k, .. }) = app.take_restored(SegmentationKind::Clusters) {
            c.chosen.set(params.features);
            c.method.set(params.method);
            c.gamma.set(params.gamma.map(|g| g.to_string()).unwrap_or_default());
            c.missing.set(params.missing);
            c.n_init.set(params.n_init.to_string());
            c.seed.set(params.seed.to_string());
            c.k.set(k.to_string());
        }
    });
    // The features on offer follow the open data and its transactions.
    Effect::new(move |_| {
        app.transactions.track();
        let Some(dataset) = app.dataset.with(|d| d.as_ref().map(|d| d.id)) else { return };
        leptos::task::spawn_local(async move {
            if let Some(Response::ClusterFeatures(f)) =
                app.request("Listing the features…", Request::ClusterFeatures { dataset }).await
            {
                let names: Vec<String> =
                    f.choices.iter().filter(|c| c.unusable.is_none()).map(|c| c.name.clone()).collect();
                c.chosen.update(|chosen| chosen.retain(|s| names.contains(&s.column)));
                c.offered.set(Some(*f));
            }
        });
    });
    // After the data is read again (or the transactions change) the engine labels the customers
    // again with the model, or marks the clusters stale: show that. Only those changes (and a new
    // working clustering) ask again, not every change to the list.
    let working = Memo::new(move |_| {
        app.segmentations.with(|list| {
            list.iter().find(|s| s.kind == SegmentationKind::Clusters && s.working).map(|s| (s.id, s.stale.clone()))
        })
    });
    Effect::new(move |_| {
        app.transactions.track();
        let dataset = app.dataset.with(|d| d.as_ref().map(|d| d.id));
        let Some((id, why)) = working.get() else {
            c.stale.set(None);
            c.view.set(None);
            c.preview.set(None);
            return;
        };
        c.stale.set(why.clone());
        let Some(dataset) = dataset.filter(|_| why.is_none()) else { return };
        leptos::task::spawn_local(async move {
            let request = Request::Clusters { dataset, segmentation: id };
            if let Some(Response::Clusters(v)) = app.request("Showing the clusters…", request).await {
                c.view.set(Some(*v));
            }
        });
    });
    view! {
        <section class="card clusters" aria-labelledby="clusters-title">
            <h2 id="clusters-title">"Clusters"</h2>
            <p class="hint">"Groups of customers who are alike in the features you choose: k-means, as scikit-learn fits it, or k-prototypes when numbers and categories mix. Choose features, scan k to see how many groups the data supports, fit, then read and name the clusters."</p>
            <FeaturePicker c=c/>
        </section>
        <section class="card" aria-labelledby="scan-title">
            <h2 id="scan-title">"Choose k"</h2>
            <KScan c=c/>
        </section>
        {move || c.stale.get().map(|why| view! { <p id="clusters-stale" class="stale-reason warnings unjoined">{why}</p> })}
        {move || c.view.get().map(|v| view! { <ClusterResult c=c view=v/> })}
    }
}
