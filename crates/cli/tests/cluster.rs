//! `segscope cluster` on scikit-learn's iris (z-scored, `engine/tests/data/cluster/iris.csv`): the
//! report's inertia equals scikit-learn's k-means at k = 3, the labelled file keeps every input
//! byte and appends the cluster, and a scan prints its scores and a recommended k.
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
    let original = std::fs::read_to_string(&input).unwrap();
    let labelled = std::fs::read_to_string(&out).unwrap();
    for (a, b) in original.lines().zip(labelled.lines()) {
        let (kept, cluster) = b.rsplit_once(',').unwrap();
        assert_eq!(kept, a);
        assert!(cluster == "cluster" || ["1", "2", "3"].contains(&cluster), "{cluster}");
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
        (vec!["--all-numeric", "--k", "1", "--output", "x.csv"], "the number of clusters must be at least 2 (got 1)."),
    ] {
        let mut all = vec!["cluster", "--input", input.as_str()];
        all.extend(args);
        let o = segscope(&all);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{err}");
    }
}
