//! Help choosing k: k-means (or k-prototypes, or a Gaussian mixture) fitted for each k of a
//! range, with the scores a user reads to choose (inertia for the elbow, silhouette,
//! Calinski–Harabasz, Davies–Bouldin, stability; for a mixture also BIC) and a recommended k with
//! its reason in one sentence.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::agreement::adjusted_rand_index;
use super::gmm::{self, GmmError, GmmParams};
use super::kmeans::{fit, KMeansError, KMeansParams};
use super::kprototypes::{self, KPrototypesError, KPrototypesParams};
use super::quality::{
    calinski_harabasz, davies_bouldin, gower_silhouette, silhouette, Silhouette, GOWER_ROWS, SILHOUETTE_EXACT_ROWS,
};
use super::Matrix;
use crate::progress::{CancelOnly, Monitor, CANCELLED};

/// The largest k a scan tries: each k is fitted and scored (silhouette, stability) in turn, so
/// the range bounds the work; 30 covers where an elbow or a silhouette peak is ever read.
pub const MAX_SCAN_K: usize = 30;

/// Stability at or above this means a k's clusters come back alike from other seeds.
pub const STABLE: f64 = 0.8;

/// What a scan tries.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanParams {
    /// The smallest k (at least 2).
    pub min_k: usize,
    /// The largest k (at most [`MAX_SCAN_K`]).
    pub max_k: usize,
    /// How each k is fitted (its `k` is replaced).
    pub kmeans: KMeansParams,
    /// Rows the silhouette is exact for; above, a seeded sample of this many.
    pub silhouette_rows: usize,
    /// Fits from other seeds (one start each) compared with the k's fit for its stability.
    pub stability_fits: usize,
    /// For mixed features: the category blocks (one-hot columns, already weighed by γ). Each k is
    /// then fitted by k-prototypes, its cost is the inertia, and the silhouette is Gower's on at
    /// most [`GOWER_ROWS`] rows.
    pub prototypes: Option<Vec<std::ops::Range<usize>>>,
    /// Fit each k as a Gaussian mixture (full covariances; the scores are of its hard labels,
    /// and each point has its BIC).
    pub mixture: bool,
}

impl Default for ScanParams {
    /// k = 2..10, scikit-learn's k-means defaults, an exact silhouette up to 10,000 rows, 3 re-fits.
    fn default() -> Self {
        ScanParams {
            min_k: 2,
            max_k: 10,
            kmeans: KMeansParams::default(),
            silhouette_rows: SILHOUETTE_EXACT_ROWS,
            stability_fits: 3,
            prototypes: None,
            mixture: false,
        }
    }
}

/// Why a scan cannot run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScanError {
    /// The range of k is empty or out of bounds.
    #[error("the range of k must run from 2 up to at most {MAX_SCAN_K}, smallest first (got {min}..{max}).")]
    BadRange {
        /// Smallest k asked for.
        min: usize,
        /// Largest k asked for.
        max: usize,
    },
    /// A fit could not run.
    #[error(transparent)]
    KMeans(#[from] KMeansError),
    /// A k-prototypes fit could not run.
    #[error(transparent)]
    KPrototypes(KPrototypesError),
    /// A Gaussian mixture could not be fitted.
    #[error(transparent)]
    Mixture(GmmError),
    /// The monitor asked to stop.
    #[error("{CANCELLED}")]
    Cancelled,
}

/// The scores of one k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanPoint {
    /// Clusters.
    pub k: usize,
    /// Sum of squared distances to the centres (lower is tighter; look for the elbow); for
    /// k-prototypes, its cost (squared differences of the numbers plus γ per category mismatch).
    pub inertia: f64,
    /// Lloyd iterations of the fit kept.
    pub n_iter: usize,
    /// Mean silhouette (higher is better), and whether it was taken on a sample.
    pub silhouette: Option<Silhouette>,
    /// Calinski–Harabasz score (higher is better).
    pub calinski_harabasz: Option<f64>,
    /// Davies–Bouldin score (lower is better).
    pub davies_bouldin: Option<f64>,
    /// Mean adjusted Rand index between this fit and fits from other seeds (1: always the same clusters).
    pub stability: f64,
    /// A Gaussian mixture's Bayesian information criterion, as scikit-learn's `bic` (lower is
    /// better): −2 × customers × mean log-likelihood + parameters × ln(customers), the parameters
    /// being k − 1 weights, k × d means and k × d(d + 1)/2 covariance values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<f64>,
}

/// A scan over k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scan {
    /// One point per k, smallest first.
    pub points: Vec<ScanPoint>,
    /// The k recommended.
    pub recommended: usize,
    /// Why, in one sentence.
    pub reason: String,
}

/// A scan of a table's features: how they were prepared, the rows scanned, and the scores.
#[derive(Debug, Clone)]
pub struct FeatureScan {
    /// The features prepared (every customer kept; for k-prototypes, categories weighed by γ).
    pub prepared: super::prep::Prepared,
    /// Rows the scan fitted: all of them, or a seeded sample.
    pub scanned: usize,
    /// The scores per k and the recommendation.
    pub scan: Scan,
}

/// Prepares the features of `table` (name, values) as `params` say (dates counted back from
/// `as_of`), and scans k from `min_k` to `max_k` with the method chosen, on a seeded sample of
/// `max_rows` rows above that many.
///
/// # Errors
/// [`ClusterError`](super::ClusterError) naming the feature or setting that cannot be used, or a
/// cancel.
pub fn scan_features(
    table: &[(&str, &crate::table::ColumnData)],
    params: &super::params::ValidClusterParams,
    (min_k, max_k): (usize, usize),
    as_of: Option<i32>,
    max_rows: usize,
    monitor: &mut dyn Monitor,
) -> Result<FeatureScan, super::ClusterError> {
    let mut prepared = super::prep::prepare(table, &params.features, params.missing, as_of)?;
    let prototypes = (params.method == super::params::Method::Kprototypes)
        .then(|| super::model::weigh_categories(&mut prepared, params.gamma).0);
    let x = prepared.matrix.sampled(max_rows, params.kmeans.seed);
    let mixture = params.method == super::params::Method::Mixture;
    let scan_params =
        ScanParams { min_k, max_k, kmeans: params.kmeans.clone(), prototypes, mixture, ..ScanParams::default() };
    let (scanned, scan) = (x.rows(), scan(&x, &scan_params, monitor)?);
    drop(x);
    Ok(FeatureScan { prepared, scanned, scan })
}

/// Fits k-means (or k-prototypes, see [`ScanParams::prototypes`], or a Gaussian mixture, see
/// [`ScanParams::mixture`]) for each k of the range and scores it.
///
/// # Errors
/// [`ScanError::BadRange`], a [`KMeansError`] for parameters that do not fit `x` (more clusters than
/// rows), or [`ScanError::Cancelled`].
pub fn scan(x: &Matrix, params: &ScanParams, monitor: &mut dyn Monitor) -> Result<Scan, ScanError> {
    if params.min_k < 2 || params.max_k < params.min_k || params.max_k > MAX_SCAN_K {
        return Err(ScanError::BadRange { min: params.min_k, max: params.max_k });
    }
    KMeansParams { k: params.max_k, ..params.kmeans.clone() }.check(x.rows())?;
    // Cannot saturate: min_k ≤ max_k ≤ MAX_SCAN_K (checked above).
    let total = params.max_k.saturating_sub(params.min_k).saturating_add(1) as u64;
    let mut points = Vec::new();
    for k in params.min_k..=params.max_k {
        let base = KMeansParams { k, ..params.kmeans.clone() };
        let (main, bic) = fit_one(x, params, &base, monitor)?;
        let mut agreement = 0.0;
        for r in 0..params.stability_fits {
            // Cannot saturate: r < stability_fits.
            let again =
                KMeansParams { n_init: 1, seed: base.seed.wrapping_add((r as u64).saturating_add(1)), ..base.clone() };
            let (other, _) = fit_one(x, params, &again, monitor)?;
            agreement += adjusted_rand_index(&main.labels, &other.labels);
        }
        let stability = if params.stability_fits == 0 { 1.0 } else { agreement / params.stability_fits as f64 };
        let silhouette = match &params.prototypes {
            Some(blocks) => {
                gower_silhouette(x, blocks, &main.labels, k, params.silhouette_rows.min(GOWER_ROWS), base.seed)
            }
            None => silhouette(x, &main.labels, k, params.silhouette_rows, base.seed),
        };
        points.push(ScanPoint {
            k,
            inertia: main.inertia,
            n_iter: main.n_iter,
            silhouette,
            calinski_harabasz: calinski_harabasz(x, &main.labels, k),
            davies_bouldin: davies_bouldin(x, &main.labels, k),
            stability,
            bic,
        });
        // Cannot saturate: min_k ≤ k ≤ max_k.
        monitor.progress("Scanning k", k.saturating_sub(params.min_k).saturating_add(1) as u64, total);
        if monitor.is_cancelled() {
            return Err(ScanError::Cancelled);
        }
    }
    let (recommended, reason) = recommend(&points);
    Ok(Scan { points, recommended, reason })
}

/// The k with the highest silhouette among the stable ones (all of them when none is stable),
/// the smaller k on a tie, and the sentence that says why.
fn recommend(points: &[ScanPoint]) -> (usize, String) {
    let score = |p: &ScanPoint| p.silhouette.map_or(f64::NEG_INFINITY, |s| s.score);
    let best_of = |stable_only: bool| {
        points.iter().filter(|p| !stable_only || p.stability >= STABLE).fold(None::<&ScanPoint>, |best, p| match best {
            Some(b) if score(b) >= score(p) => Some(b),
            _ => Some(p),
        })
    };
    if let Some(p) = best_of(true) {
        let others_stable = points.iter().filter(|q| q.stability >= STABLE).count() > 1;
        let among = if others_stable {
            format!("of the k whose clusters come back alike when fitted again from other seeds (stability at least {STABLE:.2})")
        } else {
            format!("and it is the only k whose clusters come back alike when fitted again from other seeds (stability {:.2})", p.stability)
        };
        return (p.k, format!("k = {} has the highest silhouette ({:.3}) {among}.", p.k, score(p)));
    }
    match best_of(false) {
        Some(p) => (
            p.k,
            format!(
                "k = {} has the highest silhouette ({:.3}), but no k's clusters come back alike when fitted again from other seeds (stability below {STABLE:.2}): the data may have no clear groups in these features.",
                p.k,
                score(p)
            ),
        ),
        None => (points.first().map_or(2, |p| p.k), "no k could be scored.".to_string()),
    }
}

/// One fit of the scan: k-means, k-prototypes on the blocks of [`ScanParams::prototypes`], or a
/// Gaussian mixture (then with its BIC).
fn fit_one(
    x: &Matrix,
    params: &ScanParams,
    kmeans: &KMeansParams,
    monitor: &mut dyn Monitor,
) -> Result<(super::kmeans::KMeansFit, Option<f64>), ScanError> {
    if params.mixture {
        let p = GmmParams {
            k: kmeans.k,
            n_init: kmeans.n_init,
            max_iter: kmeans.max_iter,
            seed: kmeans.seed,
            ..GmmParams::default()
        };
        let mixture_error = |e| match e {
            GmmError::Cancelled => ScanError::Cancelled,
            other => ScanError::Mixture(other),
        };
        let g = gmm::fit(x, &p, &mut CancelOnly(monitor)).map_err(mixture_error)?;
        let (fit, _) = super::model::hard_labels(x, &g).map_err(mixture_error)?;
        return Ok((fit, Some(bic(g.log_likelihood, x.rows(), kmeans.k, x.columns()))));
    }
    let Some(blocks) = &params.prototypes else {
        return fit(x, kmeans, &mut CancelOnly(monitor)).map(|f| (f, None)).map_err(cancelled);
    };
    let p = KPrototypesParams { k: kmeans.k, n_init: kmeans.n_init, max_iter: kmeans.max_iter, seed: kmeans.seed };
    match kprototypes::fit(x, blocks, &p, &mut CancelOnly(monitor)) {
        Ok(f) => Ok((f, None)),
        Err(KPrototypesError::Cancelled) => Err(ScanError::Cancelled),
        Err(e) => Err(ScanError::KPrototypes(e)),
    }
}

/// scikit-learn's `bic` of a full-covariance mixture of `k` components on `n` rows of `d`
/// features with mean log-likelihood `log_likelihood`.
pub fn bic(log_likelihood: f64, n: usize, k: usize, d: usize) -> f64 {
    // Counted exactly (d (d + 1) is even); a count too large for usize, in f64.
    let count = || {
        let kd = k.checked_mul(d)?;
        let covariance = kd.checked_mul(d.checked_add(1)?)? / 2;
        k.saturating_sub(1).checked_add(kd)?.checked_add(covariance)
    };
    let parameters = count().map_or_else(
        || {
            let (k, d) = (k as f64, d as f64);
            (k - 1.0).max(0.0) + k * d + k * d * (d + 1.0) / 2.0
        },
        |p| p as f64,
    );
    let n = n as f64;
    -2.0 * log_likelihood * n + parameters * n.ln()
}

fn cancelled(e: KMeansError) -> ScanError {
    match e {
        KMeansError::Cancelled => ScanError::Cancelled,
        other => ScanError::KMeans(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Quiet;

    /// Four tight groups at the corners of a square, 25 rows each.
    fn corners() -> Matrix {
        let mut v = Vec::new();
        for (cx, cy) in [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0), (10.0, 10.0)] {
            for i in 0..25 {
                v.extend([cx + f64::from(i % 5) * 0.2, cy + f64::from(i / 5) * 0.2]);
            }
        }
        Matrix::new(v, 2).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn four_planted_groups_recommend_four_with_a_reason() {
        let s = scan(&corners(), &ScanParams { max_k: 7, ..ScanParams::default() }, &mut Quiet)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.points.iter().map(|p| p.k).collect::<Vec<_>>(), [2, 3, 4, 5, 6, 7]);
        assert_eq!(s.recommended, 4, "{}", s.reason);
        assert!(s.reason.starts_with("k = 4 has the highest silhouette ("), "{}", s.reason);
        let four = &s.points[2];
        assert!(four.stability > 0.99);
        assert!(s.points.windows(2).all(|w| w[1].inertia <= w[0].inertia));
    }

    #[test]
    fn a_range_out_of_bounds_is_refused() {
        let p = ScanParams { min_k: 1, ..ScanParams::default() };
        assert_eq!(scan(&corners(), &p, &mut Quiet).err(), Some(ScanError::BadRange { min: 1, max: 10 }));
        let p = ScanParams { min_k: 5, max_k: 4, ..ScanParams::default() };
        assert!(scan(&corners(), &p, &mut Quiet).is_err());
    }
}
