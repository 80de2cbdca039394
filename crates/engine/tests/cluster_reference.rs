//! k-means against scikit-learn 1.9.1 (`KMeans(n_init=10, algorithm="lloyd")`) on iris and wine
//! z-scored with `StandardScaler`, k = 2..6. Which local optimum a fit finds depends on its random
//! numbers (ours are ChaCha's, not numpy's), so over ten seeds each, the best and the median
//! inertia are within 0.5% of scikit-learn's over ten `random_state`s. Data and expected values
//! made by `tests/data/cluster/make_reference.py`. The silhouette, Calinski–Harabasz and
//! Davies–Bouldin scores of scikit-learn's labels equal `sklearn.metrics`' to 1e-9.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::cluster::kmeans::{fit, KMeansParams};
use segscope_engine::cluster::quality::{calinski_harabasz, davies_bouldin, silhouette, SILHOUETTE_EXACT_ROWS};
use segscope_engine::cluster::Matrix;
use segscope_engine::progress::Quiet;

fn matrix(name: &str) -> Matrix {
    let path = format!("{}/tests/data/cluster/{name}.csv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let columns = lines.next().unwrap().split(',').count();
    let values: Vec<f64> = lines.flat_map(|l| l.split(',').map(|v| v.parse::<f64>().unwrap())).collect();
    Matrix::new(values, columns).unwrap()
}

/// The lowest and the median (the mean of the middle two) of ten values.
fn best_and_median(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], (v[4] + v[5]) / 2.0)
}

#[test]
fn kmeans_inertia_is_within_half_a_percent_of_scikit_learn_on_iris_and_wine() {
    let path = format!("{}/tests/data/cluster/kmeans_reference.json", env!("CARGO_MANIFEST_DIR"));
    let reference: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for set in ["iris", "wine"] {
        let x = matrix(set);
        for k in 2..=6usize {
            let theirs: Vec<f64> =
                reference["sets"][set][k.to_string()].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            let ours: Vec<f64> = (0..10)
                .map(|seed| {
                    let fit =
                        fit(&x, &KMeansParams { k, n_init: 10, seed, ..KMeansParams::default() }, &mut Quiet).unwrap();
                    assert_eq!(fit.sizes().iter().sum::<u64>(), x.rows() as u64);
                    assert!(fit.sizes().iter().all(|&s| s > 0), "{set} k={k}: an empty cluster");
                    fit.inertia
                })
                .collect();
            let (best, median) = best_and_median(ours);
            let (their_best, their_median) = best_and_median(theirs);
            for (what, a, b) in [("best", best, their_best), ("median", median, their_median)] {
                let gap = (a - b) / b;
                println!("{set} k={k} {what}: {a:.6} vs scikit-learn {b:.6} ({:+.4}%)", gap * 100.0);
                assert!(gap.abs() <= 0.005, "{set} k={k} {what}: inertia {a} vs scikit-learn {b}");
            }
        }
    }
}

#[test]
fn quality_scores_equal_scikit_learn_metrics_on_its_labels() {
    let path = format!("{}/tests/data/cluster/quality_reference.json", env!("CARGO_MANIFEST_DIR"));
    let reference: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for set in ["iris", "wine"] {
        let x = matrix(set);
        for k in [3usize, 5] {
            let r = &reference["sets"][set][k.to_string()];
            let labels: Vec<u32> = r["labels"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
            let s = silhouette(&x, &labels, k, SILHOUETTE_EXACT_ROWS, 0).unwrap();
            assert!(!s.sampled);
            assert_eq!(s.rows, x.rows());
            for (what, ours, theirs) in [
                ("silhouette", s.score, &r["silhouette"]),
                ("calinski_harabasz", calinski_harabasz(&x, &labels, k).unwrap(), &r["calinski_harabasz"]),
                ("davies_bouldin", davies_bouldin(&x, &labels, k).unwrap(), &r["davies_bouldin"]),
            ] {
                let theirs = theirs.as_f64().unwrap();
                assert!(
                    (ours - theirs).abs() <= 1e-9 * theirs.abs().max(1.0),
                    "{set} k={k} {what}: {ours} vs {theirs}"
                );
            }
        }
    }
}
