//! `segscope cluster` on scikit-learn's iris (z-scored, `engine/tests/data/cluster/iris.csv`): the
//! report's inertia equals scikit-learn's k-means at k = 3, the labelled file keeps every input
//! byte and appends the cluster's name, and a scan prints its scores and a recommended k. On the
//! sample with its transactions, the saved model labels the file again with `segscope apply
//! --model` to the byte; a file the model does not fit is a sentence naming the column.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;
use std::process::{Command, Output};

fn segscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_segscope")).args(args).output().unwrap()
}

fn iris() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/data/cluster/iris.csv").display().to_string()
}

#[test]
fn cluster_labels_the_file_and_reports_what_scikit_learn_finds() {
    let dir = tempfile::tempdir().unwrap();
    let (out, report) = (dir.path().join("labelled.csv"), dir.path().join("report.json"));
    let input = iris();
    let o = segscope(&[
        "cluster",
        "--input",
        &input,
        "--all-numeric",
        "--k",
        "3",
        "--scale",
        "none",
        "--output",
        out.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    // scikit-learn 1.9.1 KMeans(n_clusters=3, n_init=10): 139.82049635974982 (kmeans_reference.json).
    assert!((r["inertia"].as_f64().unwrap() - 139.82049635974982).abs() < 1e-6, "{}", r["inertia"]);
    assert_eq!(r["k"], 3);
    assert_eq!(r["sizes"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum::<u64>(), 150);
    assert!(r["silhouette"].as_f64().unwrap() > 0.4);
    assert_eq!(r["silhouette_sampled"], false);
    assert_eq!(r["centroids"][0]["centre"].as_object().unwrap().len(), 4);
    assert!(r["calinski_harabasz"].as_f64().unwrap() > 0.0 && r["davies_bouldin"].as_f64().unwrap() > 0.0);
    let names: Vec<&str> = r["names"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert_eq!(names.len(), 3);
    assert_eq!(r["centroids"][1]["name"], names[1]);
    let original = std::fs::read_to_string(&input).unwrap();
    let labelled = std::fs::read_to_string(&out).unwrap();
    for (a, b) in original.lines().zip(labelled.lines()) {
        let (kept, cluster) = b.split_at(a.len());
        assert_eq!(kept, a);
        let cluster = cluster.trim_start_matches(',').trim_matches('"');
        assert!(cluster == "cluster" || names.contains(&cluster), "{cluster}");
    }
    assert_eq!(labelled.lines().count(), 151);
}

#[test]
fn a_scan_prints_each_k_and_a_recommendation() {
    let o = segscope(&["cluster", "--input", &iris(), "--all-numeric", "--scan", "2..5", "--scale", "none"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.lines().next().unwrap().contains("silhouette"), "{text}");
    assert_eq!(text.lines().filter(|l| l.trim_start().starts_with(char::is_numeric)).count(), 4, "{text}");
    assert!(text.contains("recommended: k = "), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("scan.json");
    let args = ["cluster", "--input", &iris(), "--all-numeric", "--scan", "2..3", "--report", report.to_str().unwrap()];
    assert!(segscope(&args).status.success());
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["points"].as_array().unwrap().len(), 2);
    assert!(r["reason"].as_str().unwrap().starts_with("k = "), "{r}");
    assert_eq!(r["scanned"], 150);
}

#[test]
fn wrong_options_are_sentences() {
    let input = iris();
    for (args, says) in [
        (
            vec!["--all-numeric", "--k", "3", "--scale", "log", "--output", "x.csv"],
            "--scale `log` must be zscore, robust, minmax or none.",
        ),
        (vec!["--features", "petal", "--k", "3", "--output", "x.csv"], "there is no column named `petal`."),
        (vec!["--all-numeric", "--scan", "2-5"], "--scan `2-5` must look like 2..10"),
        (
            vec!["--all-numeric", "--k", "1", "--output", "x.csv"],
            "Cluster settings: the number of clusters (k) must be a whole number from 2 to 50 (got `1`).",
        ),
        (
            vec!["--all-numeric", "--scan", "5..3"],
            "the range of k must run from 2 up to at most 30, smallest first (got 5..3).",
        ),
        (
            vec!["--all-numeric", "--k", "3", "--algorithm", "dbscan", "--output", "x.csv"],
            "`dbscan` is not a clustering method; use kmeans, minibatch, kprototypes or mixture.",
        ),
        (
            vec!["--features", "sepal_length", "--log", "petal_width", "--k", "3", "--output", "x.csv"],
            "--log `petal_width` is not one of the features clustered on.",
        ),
        (
            vec!["--all-numeric", "--score", "petal", "--k", "3", "--output", "x.csv"],
            "--score `petal` is not one of the features clustered on.",
        ),
        (
            vec![
                "--features",
                "sepal_length_(cm)",
                "--score",
                "sepal_length_(cm)",
                "--score-bins",
                "11",
                "--k",
                "3",
                "--output",
                "x.csv",
            ],
            "`sepal_length_(cm)` is scored with 11 bins; choose from 2 to 10 bins (5 gives scores 1 to 5, as in RFM).",
        ),
        (
            vec![
                "--features",
                "sepal_length_(cm)",
                "--score",
                "sepal_length_(cm)",
                "--log",
                "sepal_length_(cm)",
                "--k",
                "3",
                "--output",
                "x.csv",
            ],
            "`sepal_length_(cm)` is both scored and set to ln(1 + x), but ln(1 + x) changes no score",
        ),
    ] {
        let mut all = vec!["cluster", "--input", input.as_str()];
        all.extend(args);
        let o = segscope(&all);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{err}");
    }
}

/// The sample's customers and transactions (2,000 customers), in a folder.
fn sample_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = segscope(&["sample", "--customers", "2000", "--out", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir
}

const FEATURES: [&str; 6] = [
    "--features",
    "age,income,app_sessions_90d,revenue,last_order_date",
    "--log",
    "income,revenue",
    "--missing",
    "impute",
];

#[test]
fn a_saved_model_labels_the_file_again_as_the_fit_did_to_the_byte() {
    let dir = sample_files();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let (customers, transactions) = (path("customers.csv"), path("transactions.csv"));
    let (model, a, b, report) = (path("m.json"), path("a.csv"), path("b.csv"), path("report.json"));
    let mut args =
        vec!["cluster", "--input", &customers, "--transactions", &transactions, "--k", "4", "--model", &model];
    args.extend(["--output", &a, "--report", &report]);
    args.extend(FEATURES);
    let o = segscope(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("date features counted in days before "), "{err}");
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(m["format"], "segscope.cluster-model/1");
    assert_eq!(m["transactions"]["date"], "order_date", "the model keeps the transaction mapping: {m}");
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["k"], 4);
    assert_eq!(r["sizes"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum::<u64>(), 2000);
    assert!(r["centroids"][0]["centre"]["revenue"].as_f64().unwrap() > 0.0, "centres in original units: {r}");
    let names: Vec<serde_json::Value> = m["clusters"].as_array().unwrap().iter().map(|c| c["name"].clone()).collect();
    assert_eq!(r["names"], serde_json::Value::Array(names));

    // No mapping flags: the model's own.
    let args = ["apply", "--model", &model, "--input", &customers, "--transactions", &transactions, "--output", &b];
    let o = segscope(&[&args[..], &["--summary"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(), "apply --model differs from cluster --output");
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.lines().last().unwrap().ends_with("2000"), "{summary}");

    // The model given as a definition says which flag takes it.
    let o = segscope(&["apply", "--definition", &model, "--input", &customers, "--output", &b]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("it holds a cluster model (`segscope.cluster-model/1`), not rule segments"), "{err}");
    assert!(err.contains(&format!("With `segscope apply`, give it as --model {model}.")), "{err}");

    // A mapping flag that changes the model's is said.
    let o = segscope(&[&args[..], &["--order-id", "customer_id"]].concat());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("transaction mapping from the command line replaces the model's"), "{err}");
}

#[test]
fn k_prototypes_on_numbers_and_categories_scans_fits_and_its_model_labels_the_file_to_the_byte() {
    let dir = sample_files();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let customers = path("customers.csv");
    let (model, a, b, report) = (path("m.json"), path("a.csv"), path("b.csv"), path("report.json"));
    let features = ["--features", "age,income,life_stage,urbanicity", "--log", "income", "--algorithm", "kprototypes"];
    let scan = segscope(&[&["cluster", "--input", &customers, "--scan", "2..4"][..], &features].concat());
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    let text = String::from_utf8_lossy(&scan.stdout);
    assert!(text.contains("silhouette (Gower's distance)"), "{text}");
    let fit = ["cluster", "--input", &customers, "--k", "3", "--gamma", "1.5", "--model", &model, "--output", &a];
    let o = segscope(&[&fit[..], &["--report", &report], &features].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(
        (&r["algorithm"], &r["gamma"], &r["silhouette_distance"]),
        (&"kprototypes".into(), &1.5.into(), &"gower".into())
    );
    assert!(r["fitted_with"].as_str().unwrap().starts_with("k-prototypes (Huang)"), "{r}");
    let o = segscope(&["apply", "--model", &model, "--input", &customers, "--output", &b]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(), "apply --model differs from cluster --output");
}

#[test]
fn a_file_that_does_not_fit_the_model_names_the_column() {
    let dir = sample_files();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let (customers, transactions, model) = (path("customers.csv"), path("transactions.csv"), path("m.json"));
    let mut args = vec!["cluster", "--input", &customers, "--transactions", &transactions, "--k", "3"];
    args.extend(["--model", &model]);
    args.extend(FEATURES);
    assert!(segscope(&args).status.success());
    let text = std::fs::read_to_string(&customers).unwrap();
    let apply = |file: &str, contents: &str| {
        let input = path(file);
        std::fs::write(&input, contents).unwrap();
        let out = path("out.csv");
        let o = segscope(&[
            "apply",
            "--model",
            &model,
            "--input",
            &input,
            "--transactions",
            &transactions,
            "--output",
            &out,
        ]);
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let err = apply("renamed.csv", &text.replacen(",income,", ",salary,", 1));
    assert!(
        err.contains("renamed.csv: the model clusters on `income`, but there is no column of that name here"),
        "{err}"
    );
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let as_text: String = lines.map(|l| l.replacen(',', ",about ", 1) + "\n").collect();
    let err = apply("text_age.csv", &format!("{header}\n{as_text}"));
    assert!(err.contains("text_age.csv: the model reads `age` as numbers, but here it was read as "), "{err}");
    assert!(err.contains("--type age=decimal"), "{err}");

    // Without the transactions its features need.
    let o = segscope(&["apply", "--model", &model, "--input", &customers, "--output", &path("o.csv")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("this model clusters on the transactions' aggregates (`revenue`, `last_order_date`); give the transactions with --transactions FILE."), "{err}");
}

#[test]
fn apply_takes_a_definition_or_a_model_not_both_nor_neither() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.csv").display().to_string();
    let both =
        segscope(&["apply", "--definition", "d.json", "--model", "m.json", "--input", &iris(), "--output", &out]);
    assert_eq!(both.status.code(), Some(2));
    let err = String::from_utf8_lossy(&both.stderr);
    assert!(err.contains("give either --definition FILE (rule segments or a saved RFM segmentation) or --model FILE (a cluster model), not both."), "{err}");
    let neither = segscope(&["apply", "--input", &iris(), "--output", &out]);
    assert_eq!(neither.status.code(), Some(2));
    let err = String::from_utf8_lossy(&neither.stderr);
    assert!(err.contains("say what to apply: --definition FILE"), "{err}");
}

#[test]
fn a_gaussian_mixture_scans_with_bic_fits_and_its_model_labels_the_file_to_the_byte() {
    let dir = sample_files();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let customers = path("customers.csv");
    let (model, a, b, report) = (path("m.json"), path("a.csv"), path("b.csv"), path("report.json"));
    let features = [
        "--features",
        "age,income,app_sessions_90d",
        "--log",
        "income",
        "--missing",
        "impute",
        "--algorithm",
        "mixture",
    ];
    let scan = segscope(&[&["cluster", "--input", &customers, "--scan", "2..4"][..], &features].concat());
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    let text = String::from_utf8_lossy(&scan.stdout);
    assert!(text.lines().next().unwrap().trim_end().ends_with("bic"), "{text}");
    assert!(text.contains("bic: the Gaussian mixture's Bayesian information criterion"), "{text}");
    let fit = ["cluster", "--input", &customers, "--k", "3", "--model", &model, "--output", &a, "--report", &report];
    let o = segscope(&[&fit[..], &features].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("soft membership: "), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["algorithm"], "mixture");
    assert!(r["fitted_with"].as_str().unwrap().starts_with("Gaussian mixture (full covariances"), "{r}");
    assert_eq!(r["membership"]["own"].as_array().unwrap().len(), 3, "{r}");
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(m["mixture"]["components"].as_array().unwrap().len(), 3);
    let o = segscope(&["apply", "--model", &model, "--input", &customers, "--output", &b]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(), "apply --model differs from cluster --output");
}

#[test]
fn rfm_scores_as_features_fit_travel_in_the_model_and_label_another_file_alike() {
    let dir = sample_files();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let (customers, transactions) = (path("customers.csv"), path("transactions.csv"));
    let (model, a, b, report) = (path("m.json"), path("a.csv"), path("b.csv"), path("report.json"));
    let mut args = vec!["cluster", "--input", &customers, "--transactions", &transactions, "--k", "4"];
    args.extend(["--features", "last_order_date,orders,revenue,age", "--score", "last_order_date,orders,revenue"]);
    args.extend(["--missing", "impute", "--model", &model, "--output", &a, "--report", &report]);
    let o = segscope(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    let scores: Vec<&serde_json::Value> = m["features"].as_array().unwrap().iter().map(|f| &f["score"]).collect();
    assert_eq!(scores, [&5.into(), &5.into(), &5.into(), &serde_json::Value::Null], "{m}");
    let cuts = |j: usize| m["columns"][j]["cuts"].as_array().map(Vec::len);
    assert_eq!((cuts(0), cuts(2), cuts(3)), (Some(4), Some(4), None), "{m}");
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let centre = r["centroids"][0]["centre"].as_object().unwrap();
    let recency = centre["last_order_date (score 1–5)"].as_f64().unwrap();
    assert!((1.0..=5.0).contains(&recency), "centres of scores in scores: {centre:?}");
    assert!(centre.contains_key("age"), "{centre:?}");

    // The model scores with its own cuts: the same file gets the same bytes, and the first
    // customers alone get the clusters they had among all.
    let o =
        segscope(&["apply", "--model", &model, "--input", &customers, "--transactions", &transactions, "--output", &b]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(), "apply --model differs from cluster --output");
    let few = path("few.csv");
    let text = std::fs::read_to_string(&customers).unwrap();
    std::fs::write(&few, text.lines().take(101).map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let o = segscope(&["apply", "--model", &model, "--input", &few, "--transactions", &transactions, "--output", &b]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let labelled = std::fs::read_to_string(&a).unwrap();
    let again = std::fs::read_to_string(&b).unwrap();
    assert_eq!(again.lines().collect::<Vec<_>>(), labelled.lines().take(101).collect::<Vec<_>>());
}
