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

/// The Gaussian mixture against scikit-learn 1.9.1's `GaussianMixture` (full covariances, k-means
/// start, `reg_covar` 1e-6, run to convergence at tol 1e-10) on the same z-scored iris and wine,
/// k = 2..4 (`tests/data/cluster/make_gmm_reference.py`). Which local optimum a fit finds depends
/// on its start (our k-means starts use ChaCha's random numbers, not numpy's), so for k = 2 and 3,
/// over ten seeds each, at least seven of our fits stop on an optimum scikit-learn's ten also stop
/// on (the same mean log-likelihood to 1e-9, relative) and the best is within 0.5% of
/// scikit-learn's, as for k-means; and for every k, from the same start (the rows ordered by their first feature, cut into k runs) the
/// fit is scikit-learn's: the same mean log-likelihood to 1e-9 and weights to 1e-6.
#[test]
fn gaussian_mixture_log_likelihoods_equal_scikit_learns_optima_on_iris_and_wine() {
    use segscope_engine::cluster::gmm::{fit as fit_gmm, fit_from, GmmParams};
    let path = format!("{}/tests/data/cluster/gmm_reference.json", env!("CARGO_MANIFEST_DIR"));
    let reference: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for set in ["iris", "wine"] {
        let x = matrix(set);
        for k in 2..=4usize {
            let theirs: Vec<f64> = reference["sets"][set][k.to_string()]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["log_likelihood"].as_f64().unwrap())
                .collect();
            let ours: Vec<f64> = (0..10)
                .map(|seed| {
                    let p = GmmParams { k, seed, tol: 1e-10, max_iter: 2000, ..GmmParams::default() };
                    let fit = fit_gmm(&x, &p, &mut Quiet).unwrap();
                    assert!(fit.converged, "{set} k={k} seed {seed}");
                    fit.log_likelihood
                })
                .collect();
            eprintln!("{set} k={k}: ours {ours:?}\n  theirs {theirs:?}");
            // The same algorithm: most of our fits stop on an optimum scikit-learn's fits also stop on.
            let same = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs();
            let shared = ours.iter().filter(|&&o| theirs.iter().any(|&t| same(o, t))).count();
            // (Up to k = 3: at k = 4 wine's thirteen features give many optima, and ten starts each see few in common.)
            assert!(k > 3 || shared >= 7, "{set} k={k}: only {shared} of ours are optima scikit-learn finds");
            // And like the k-means reference: the best within 0.5% of scikit-learn's.
            let (our_best, their_best) = (
                best_and_median(ours.iter().map(|v| -v).collect()).0,
                best_and_median(theirs.iter().map(|v| -v).collect()).0,
            );
            assert!(
                k > 3 || (our_best - their_best).abs() <= 0.005 * their_best,
                "{set} k={k}: best {our_best} vs {their_best}"
            );
            // From the same start, the same fit: the EM steps are scikit-learn's.
            let start = &reference["sets"][set][format!("{k}_start")];
            let labels: Vec<u32> =
                start["labels"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
            let p = GmmParams { k, tol: 1e-10, max_iter: 2000, ..GmmParams::default() };
            let fit = fit_from(&x, &[labels], &p, &mut Quiet).unwrap();
            let expected = start["log_likelihood"].as_f64().unwrap();
            assert!(
                (fit.log_likelihood - expected).abs() < 1e-9 * expected.abs(),
                "{set} k={k}: {} vs {expected}",
                fit.log_likelihood
            );
            let weights: Vec<f64> = start["weights"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            assert!(
                fit.weights.iter().zip(&weights).all(|(a, b)| (a - b).abs() < 1e-6),
                "{set} k={k}: {:?} vs {weights:?}",
                fit.weights
            );
        }
    }
}
