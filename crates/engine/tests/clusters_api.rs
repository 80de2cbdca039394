//! Clusters through the boundary: the features offered, the scan, the fit as a segmentation in
//! the one list (renamed clusters, downloads of the labelled CSV and the model), made again by
//! its model when the data is read again, and a cancel that changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/monitor.rs"]
mod monitor;

#[path = "support/session.rs"]
mod session;

use monitor::CancelAfter;
use segscope_engine::api::{
    ClusterMethod, ClusterParams, ClustersView, DatasetId, FeatureSpec, Missing, Request, Response, Scaling,
    SegmentationFiles, SegmentationKind, Session, Typed, LEFT_OUT,
};
use segscope_engine::cluster::model::ClusterModel;
use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::CANCELLED;
use segscope_engine::sample::SampleParams;
use segscope_engine::table::ColumnType;
use session::{error, ok};

const D: DatasetId = DatasetId(1);

fn sample(s: &mut Session) {
    let params = SampleParams { customers: 600.into(), ..SampleParams::default() };
    ok(s, Request::LoadSample { params: params.clone() });
    ok(s, Request::AttachSampleTransactions { dataset: D, params });
}

fn params() -> ClusterParams {
    let f =
        |c: &str, log: bool| FeatureSpec { column: c.into(), log, scaling: Scaling::Zscore, weight: 1.0, score: None };
    ClusterParams {
        features: vec![
            f("age", false),
            f("income", true),
            f("app_sessions_90d", true),
            f("revenue", true),
            f("last_order_date", false),
        ],
        missing: Missing::Impute,
        n_init: Typed::Value(3),
        ..ClusterParams::default()
    }
}

fn fit(s: &mut Session, k: usize) -> ClustersView {
    match ok(s, Request::ClusterFit { dataset: D, params: params(), k: Typed::Value(k) }) {
        Response::Clusters(v) => *v,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_features_offered_include_the_transactions_aggregates_and_say_what_is_skewed() {
    let mut s = Session::new();
    sample(&mut s);
    let Response::ClusterFeatures(view) = ok(&mut s, Request::ClusterFeatures { dataset: D }) else { panic!() };
    let names: Vec<&str> = view.choices.iter().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"income") && names.contains(&"revenue") && names.contains(&"last_order_date"), "{names:?}");
    assert!(view.from_transactions >= 5);
    assert!(view.as_of.is_some());
    let revenue = view.choices.iter().find(|c| c.name == "revenue").unwrap();
    assert!(revenue.suggest_log, "{revenue:?}");
    let gender = view.choices.iter().find(|c| c.name == "gender").unwrap();
    assert_eq!(gender.column_type, ColumnType::Categorical);
    assert!(gender.levels.is_some());
}

#[test]
fn a_scan_scores_each_k_and_recommends_one() {
    let mut s = Session::new();
    sample(&mut s);
    let r = ok(
        &mut s,
        Request::ClusterScan { dataset: D, params: params(), min_k: Typed::Value(2), max_k: Typed::Text("5".into()) },
    );
    let Response::ClusterScan(scan) = r else { panic!() };
    assert_eq!(scan.points.iter().map(|p| p.k).collect::<Vec<_>>(), [2, 3, 4, 5]);
    assert!((2..=5).contains(&scan.recommended), "{}", scan.reason);
    assert!(scan.reason.starts_with(&format!("k = {}", scan.recommended)));
    assert_eq!((scan.clustered, scan.scanned, scan.dropped), (600, 600, 0));
    let e = error(
        &mut s,
        Request::ClusterScan { dataset: D, params: params(), min_k: Typed::Value(5), max_k: Typed::Value(3) },
    );
    assert!(e.starts_with("the range of k must run from 2"), "{e}");
}

#[test]
fn a_fit_is_a_segmentation_with_profiles_named_clusters_and_a_model_that_gives_its_labels() {
    let mut s = Session::new();
    sample(&mut s);
    let v = fit(&mut s, 4);
    assert_eq!((v.k, v.rows, v.clustered, v.dropped), (4, 600, 600, 0));
    assert_eq!(v.clusters.len(), 4);
    assert_eq!(v.clusters.iter().map(|c| c.profile.size).sum::<u64>(), 600);
    assert!(v.clusters.iter().all(|c| !c.name.is_empty() && c.name == c.profile.suggested_name));
    assert_eq!(v.columns, ["age", "income", "app_sessions_90d", "revenue", "last_order_date"]);
    assert!(v.as_of.is_some(), "a date feature records its as-of date");
    assert!(v.silhouette.is_some_and(|s| !s.sampled));
    assert_eq!(v.projection.points.len(), 600);
    let list = match ok(&mut s, Request::Segmentations { dataset: D }) {
        Response::Segmentations(l) => l,
        other => panic!("{other:?}"),
    };
    let entry = list.iter().find(|e| e.id == v.assignment).unwrap();
    assert_eq!((entry.kind, entry.name.as_str(), entry.segments), (SegmentationKind::Clusters, "Clusters (k = 4)", 4));
    assert!(entry.has_definition && entry.has_sql && entry.working && entry.current);

    // Renaming a cluster renames its segment everywhere; a name taken is refused.
    let r = ok(
        &mut s,
        Request::RenameCluster { dataset: D, segmentation: v.assignment, cluster: 1, name: " Young app fans ".into() },
    );
    let Response::Clusters(renamed) = r else { panic!() };
    assert_eq!(renamed.clusters[1].name, "Young app fans");
    let first = renamed.clusters[0].name.clone();
    let e = error(
        &mut s,
        Request::RenameCluster { dataset: D, segmentation: v.assignment, cluster: 2, name: first.clone() },
    );
    assert_eq!(e, format!("Another cluster is already called “{first}”; choose another name."));

    // The CSV has the names; the model file labels the same customers the same way.
    let files = |s: &mut Session, files| match ok(
        s,
        Request::SegmentationFiles { dataset: D, segmentation: v.assignment, files },
    ) {
        Response::Files(f) => f,
        other => panic!("{other:?}"),
    };
    let csv = files(&mut s, SegmentationFiles::Csv);
    let data = csv.iter().find(|f| f.name.ends_with(".csv")).unwrap();
    let text = String::from_utf8(data.bytes.clone()).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.ends_with(",Young app fans")).count() as u64,
        renamed.clusters[1].profile.size
    );
    let model = files(&mut s, SegmentationFiles::Definition);
    assert_eq!(model[0].name, "clusters-k-4.cluster-model.json");
    let model: ClusterModel = serde_json::from_slice(&model[0].bytes).unwrap();
    assert_eq!(model.format, "segscope.cluster-model/1");
    assert_eq!(model.clusters[1].name, "Young app fans");
    assert!(model.transactions.is_some(), "it reads aggregates, so it keeps the mapping");
    // Its SQL names the nearest cluster in the warehouse (run against the engine in `warehouse_*.rs`).
    let sql = files(&mut s, SegmentationFiles::Sql { dialect: segscope_engine::api::Dialect::Postgres });
    assert_eq!(sql[0].name, "clusters-k-4.postgres.sql");
    let text = String::from_utf8(sql[0].bytes.clone()).unwrap();
    assert_eq!(
        text,
        segscope_engine::cluster::sql::model_sql(&model, segscope_engine::api::Dialect::Postgres, "customers", None)
            .unwrap()
    );
    assert!(text.contains(" THEN 'Young app fans'\n") && text.contains("LEFT JOIN segscope_orders"), "{text}");
}

#[test]
fn reading_the_data_again_labels_it_with_the_same_model_or_says_which_column_no_longer_fits() {
    let mut s = Session::new();
    sample(&mut s);
    let v = fit(&mut s, 3);
    // Same data, another read: the same clusters, names and sizes.
    let mut options = ReadOptions::default();
    options.types.insert("gender".into(), ColumnType::Text);
    ok(&mut s, Request::Reread { dataset: D, options });
    let Response::Clusters(again) = ok(&mut s, Request::Clusters { dataset: D, segmentation: v.assignment }) else {
        panic!()
    };
    assert_eq!(again.clusters, v.clusters);
    // Income as text no longer fits: stale, with the column named.
    let mut options = ReadOptions::default();
    options.types.insert("income".into(), ColumnType::Text);
    ok(&mut s, Request::Reread { dataset: D, options });
    let e = error(&mut s, Request::Clusters { dataset: D, segmentation: v.assignment });
    assert!(e.contains("the model reads `income` as numbers, but here it was read as text"), "{e}");
}

#[test]
fn customers_missing_a_feature_are_left_out_in_a_segment_of_their_own() {
    let mut s = Session::new();
    sample(&mut s);
    let mut p = params();
    p.missing = Missing::Drop;
    let Response::Clusters(v) = ok(&mut s, Request::ClusterFit { dataset: D, params: p, k: Typed::Value(3) }) else {
        panic!()
    };
    // Customers without orders have no last order date.
    assert!(v.dropped > 0 && v.clustered + v.dropped == 600);
    let Response::Segmented(a) = ok(&mut s, Request::Segmentation { dataset: D, segmentation: v.assignment }) else {
        panic!()
    };
    assert_eq!(a.segments.last().map(|s| (s.name.as_str(), s.count)), Some((LEFT_OUT, v.dropped)));
}

#[test]
fn a_cancelled_fit_changes_nothing() {
    let mut s = Session::new();
    sample(&mut s);
    let v = fit(&mut s, 3);
    let request = Request::ClusterFit { dataset: D, params: params(), k: Typed::Value(5) };
    match s.handle(request, &mut CancelAfter::reports(2)) {
        Response::Error { message } => assert_eq!(message, CANCELLED),
        other => panic!("{other:?}"),
    }
    let Response::Clusters(after) = ok(&mut s, Request::Clusters { dataset: D, segmentation: v.assignment }) else {
        panic!()
    };
    assert_eq!(*after, v);
}

#[test]
fn the_clusters_as_rules_agree_with_them_and_open_in_the_rule_builder_with_the_same_counts() {
    let mut s = Session::new();
    sample(&mut s);
    let v = fit(&mut s, 4);
    let rules = v.rules.clone().unwrap();
    assert!(rules.leaves >= 4 && rules.leaves <= 4 + segscope_engine::api::EXTRA_LEAVES, "{}", rules.leaves);
    assert!(rules.agreement > 0.75, "agreement {}", rules.agreement);
    assert_eq!(rules.per_cluster.len(), 4);
    assert!(rules.clusters.iter().all(|c| !c.rules.is_empty()), "{:?}", rules.clusters);
    assert_eq!(rules.definition.as_of, v.as_of, "days-since tests count from the model's as-of date");
    // The rule builder applies the definition as it is: the agreement is what it would count.
    let Response::Rules(view) = ok(&mut s, Request::ApplyRules { dataset: D, definition: rules.definition.clone() })
    else {
        panic!()
    };
    assert!(view.problems.is_empty(), "{:?}", view.problems);
    let counted: u64 = view.counts.iter().take(rules.definition.segments.len()).map(|c| c.size.count).sum();
    assert!(counted as f64 >= rules.agreement * 600.0, "{counted} customers in rule segments");
    // A renamed cluster renames its rule segment.
    let r = ok(
        &mut s,
        Request::RenameCluster { dataset: D, segmentation: v.assignment, cluster: 0, name: "Champions".into() },
    );
    let Response::Clusters(renamed) = r else { panic!() };
    let renamed_rules = renamed.rules.unwrap();
    assert_eq!(renamed_rules.clusters[0].name, "Champions");
    assert!(
        renamed_rules.definition.segments.iter().any(|s| s.name == "Champions") || rules.clusters[0].rules.is_empty()
    );
}

/// The sample's hidden persona of each customer, as an index.
fn personas(n: u64) -> Vec<u32> {
    use segscope_engine::sample::{customer, Persona, DEFAULT_SEED};
    (0..n).map(|i| Persona::ALL.iter().position(|p| *p == customer(DEFAULT_SEED, i).persona).unwrap() as u32).collect()
}

#[test]
fn on_the_samples_demographics_and_behaviour_the_scan_recommends_the_planted_k_and_the_fit_recovers_the_personas() {
    // Age, income, app use, spend and recency: what the sample's five personas drive (DECISIONS 11).
    let mut s = Session::new();
    let sample_params = SampleParams::default();
    ok(&mut s, Request::LoadSample { params: sample_params.clone() });
    ok(&mut s, Request::AttachSampleTransactions { dataset: D, params: sample_params });
    let p = ClusterParams { n_init: Typed::Value(10), ..params() };
    let r = ok(
        &mut s,
        Request::ClusterScan { dataset: D, params: p.clone(), min_k: Typed::Value(2), max_k: Typed::Value(8) },
    );
    let Response::ClusterScan(scan) = r else { panic!() };
    let planted = segscope_engine::sample::Persona::ALL.len();
    assert_eq!(scan.recommended, planted, "{}", scan.reason);
    let Response::Clusters(v) = ok(&mut s, Request::ClusterFit { dataset: D, params: p, k: Typed::Value(planted) })
    else {
        panic!()
    };
    let Response::Files(files) = ok(
        &mut s,
        Request::SegmentationFiles { dataset: D, segmentation: v.assignment, files: SegmentationFiles::Csv },
    ) else {
        panic!()
    };
    let csv = String::from_utf8(files.iter().find(|f| f.name.ends_with(".csv")).unwrap().bytes.clone()).unwrap();
    let names: Vec<&str> = v.clusters.iter().map(|c| c.name.as_str()).collect();
    let labels: Vec<u32> = csv
        .lines()
        .skip(1)
        .map(|l| {
            names.iter().position(|n| l.ends_with(&format!(",{n}")) || l.ends_with(&format!(",\"{n}\""))).unwrap()
                as u32
        })
        .collect();
    let ari = segscope_engine::cluster::agreement::adjusted_rand_index(&labels, &personas(5_000));
    assert!(ari >= 0.8, "adjusted Rand index {ari}");
}

#[test]
fn k_prototypes_keeps_categories_whole_scores_by_gower_and_its_model_gives_its_labels() {
    let mut s = Session::new();
    sample(&mut s);
    let f =
        |c: &str, log: bool| FeatureSpec { column: c.into(), log, scaling: Scaling::Zscore, weight: 1.0, score: None };
    let p = ClusterParams {
        features: vec![f("age", false), f("revenue", true), f("life_stage", false), f("urbanicity", false)],
        method: ClusterMethod::Kprototypes,
        ..params()
    };
    // The scan fits k-prototypes per k and scores the silhouette by Gower's distance.
    let r = ok(
        &mut s,
        Request::ClusterScan { dataset: D, params: p.clone(), min_k: Typed::Value(2), max_k: Typed::Value(4) },
    );
    let Response::ClusterScan(scan) = r else { panic!() };
    assert_eq!(scan.points.len(), 3);
    assert!(scan.points.iter().all(|p| p.silhouette.is_some_and(|s| s.gower)), "{:?}", scan.points);
    let Response::Clusters(v) = ok(&mut s, Request::ClusterFit { dataset: D, params: p.clone(), k: Typed::Value(3) })
    else {
        panic!()
    };
    assert!(v.fitted_with.starts_with("k-prototypes (Huang)"), "{}", v.fitted_with);
    assert!(v.fitted_with.ends_with("γ = 0.5"), "z-scored numbers: half their mean sd of 1: {}", v.fitted_with);
    assert!(v.silhouette.is_some_and(|s| s.gower && !s.sampled));
    assert_eq!(v.params.method, ClusterMethod::Kprototypes);
    // Each cluster's category columns are the one-hot of a mode: every centre holds one level.
    let Response::Files(files) = ok(
        &mut s,
        Request::SegmentationFiles { dataset: D, segmentation: v.assignment, files: SegmentationFiles::Definition },
    ) else {
        panic!()
    };
    let model: ClusterModel = serde_json::from_slice(&files[0].bytes).unwrap();
    assert_eq!((model.algorithm.as_str(), model.gamma), ("kprototypes", Some(0.5)));
    for c in &model.clusters {
        for feature in ["life_stage", "urbanicity"] {
            let on: Vec<f64> = model
                .columns
                .iter()
                .zip(&c.centre)
                .filter(|(col, &v)| col.feature == feature && v != 0.0)
                .map(|(_, &v)| v)
                .collect();
            assert_eq!(on, [(0.5f64 / 2.0).sqrt()], "{feature}: √(γ × weight / 2) at the mode only");
        }
    }
    // The model labels the customers as the fit did (the segmentation made again by it).
    let Response::Segmentations(_) = ok(&mut s, Request::Segmentations { dataset: D }) else { panic!() };
    let again = match ok(&mut s, Request::Clusters { dataset: D, segmentation: v.assignment }) {
        Response::Clusters(v) => v,
        other => panic!("{other:?}"),
    };
    let sizes = |v: &ClustersView| v.clusters.iter().map(|c| c.profile.size).collect::<Vec<_>>();
    assert_eq!(sizes(&again), sizes(&v));
    // γ is the user's to change, read with its range.
    let e = error(
        &mut s,
        Request::ClusterFit {
            dataset: D,
            params: ClusterParams { gamma: Some(Typed::Text("lots".into())), ..p.clone() },
            k: Typed::Value(3),
        },
    );
    assert_eq!(
        e,
        "Cluster settings: γ, the weight of a category mismatch must be a number from 0.001 to 1000 (got `lots`)."
    );
    let Response::Clusters(heavy) = ok(
        &mut s,
        Request::ClusterFit {
            dataset: D,
            params: ClusterParams { gamma: Some(Typed::Text("4".into())), ..p },
            k: Typed::Value(3),
        },
    ) else {
        panic!()
    };
    assert!(heavy.fitted_with.ends_with("γ = 4"), "{}", heavy.fitted_with);
}

#[test]
fn a_gaussian_mixture_gives_soft_membership_and_its_model_gives_its_labels() {
    let mut s = Session::new();
    sample(&mut s);
    let p = ClusterParams { method: ClusterMethod::Mixture, ..params() };
    // The scan fits a mixture per k and gives each k its BIC.
    let r = ok(
        &mut s,
        Request::ClusterScan { dataset: D, params: p.clone(), min_k: Typed::Value(2), max_k: Typed::Value(4) },
    );
    let Response::ClusterScan(scan) = r else { panic!() };
    assert_eq!(scan.points.len(), 3);
    assert!(scan.points.iter().all(|p| p.bic.is_some_and(f64::is_finite)), "{:?}", scan.points);
    let Response::Clusters(v) = ok(&mut s, Request::ClusterFit { dataset: D, params: p, k: Typed::Value(3) }) else {
        panic!()
    };
    assert!(v.fitted_with.starts_with("Gaussian mixture (full covariances"), "{}", v.fitted_with);
    assert_eq!(v.params.method, ClusterMethod::Mixture);
    let m = v.membership.clone().expect("a mixture's view has its membership");
    assert_eq!(m.own.len(), 3);
    assert!(m.own.iter().all(|&p| p > 1.0 / 3.0 && p <= 1.0), "{m:?}");
    assert!((0.0..=1.0).contains(&m.uncertain), "{m:?}");
    // The model file has the mixture part.
    let Response::Files(files) = ok(
        &mut s,
        Request::SegmentationFiles { dataset: D, segmentation: v.assignment, files: SegmentationFiles::Definition },
    ) else {
        panic!()
    };
    let model: ClusterModel = serde_json::from_slice(&files[0].bytes).unwrap();
    assert_eq!(model.algorithm, "mixture");
    let mixture = model.mixture.as_ref().expect("the mixture part");
    assert_eq!(mixture.components.len(), 3);
    assert!((mixture.components.iter().map(|c| c.weight).sum::<f64>() - 1.0).abs() < 1e-9);
    // The view made again from the model has the same clusters and membership.
    let again = match ok(&mut s, Request::Clusters { dataset: D, segmentation: v.assignment }) {
        Response::Clusters(v) => v,
        other => panic!("{other:?}"),
    };
    let sizes = |v: &ClustersView| v.clusters.iter().map(|c| c.profile.size).collect::<Vec<_>>();
    assert_eq!(sizes(&again), sizes(&v));
    assert_eq!(again.membership, v.membership);
    // k-means has no membership.
    assert!(fit(&mut s, 3).membership.is_none());
}
