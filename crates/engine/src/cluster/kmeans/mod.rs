//! k-means as scikit-learn's `KMeans` (1.x, `algorithm="lloyd"`) does it: greedy k-means++
//! seeding ([`init`]), Lloyd iterations until the labels stop changing or the centres move less
//! than `tol` × the mean feature variance, empty clusters given the points farthest from their
//! centre, `n_init` restarts keeping the lowest inertia. The random numbers come from a ChaCha
//! generator seeded with `seed` (not numpy's), so labels equal scikit-learn's only up to the
//! seeding; the inertia agrees (tests/cluster_reference.rs).
//!
//! For very large inputs, mini-batch k-means is a separate choice ([`Algorithm::MiniBatch`],
//! `minibatch.rs`; [`Algorithm::for_rows`] picks it above [`MINI_BATCH_ROWS`]).
//!
//! Each iteration labels the rows with Hamerly's bounds by default ([`Algorithm`], `hamerly.rs`):
//! a row whose bounds prove its centre unchanged is not measured again, with a margin that covers
//! rounding, so the labels, centres and inertia are plain Lloyd's to the bit; only the time
//! differs. The hot loops (`kernel.rs`) are written for 1 to 8 features as fixed-width arrays.

mod hamerly;
mod init;
mod kernel;
mod lloyd;
mod minibatch;

use thiserror::Error;

use super::Matrix;
use crate::progress::{Monitor, CANCELLED};

/// What k-means is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansParams {
    /// Clusters.
    pub k: usize,
    /// Restarts from new seeds; the fit with the lowest inertia is kept.
    pub n_init: usize,
    /// Most Lloyd iterations per restart.
    pub max_iter: usize,
    /// Convergence: the centres' total squared move, relative to the mean feature variance.
    pub tol: f64,
    /// Seed of the random numbers (the same seed gives the same labels).
    pub seed: u64,
    /// How the fit runs: Lloyd and Hamerly give the same labels; mini-batch approximates them.
    pub algorithm: Algorithm,
}

/// Above this many rows, [`Algorithm::for_rows`] chooses mini-batch k-means.
pub const MINI_BATCH_ROWS: usize = 5_000_000;

/// How the fit runs. [`Algorithm::Lloyd`] and [`Algorithm::Hamerly`] give the same labels,
/// centres and inertia, bit for bit: they differ only in time. [`Algorithm::MiniBatch`] is an
/// approximation for very large inputs, chosen only when asked for (or by [`Algorithm::for_rows`]
/// above [`MINI_BATCH_ROWS`], which the caller shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// Lloyd's iterations, every row against every centre.
    Lloyd,
    /// Lloyd's iterations with Hamerly's bounds: a row whose distance bounds prove its centre
    /// unchanged is not measured again (exact: a row is skipped only with a margin that covers
    /// rounding).
    #[default]
    Hamerly,
    /// Mini-batch k-means (scikit-learn's `MiniBatchKMeans` steps, `batch` rows a step; 1,024 is
    /// scikit-learn's default), finished by one full Lloyd iteration. Its inertia is a little
    /// above the full fit's; `max_iter` counts passes' worth of batches; `tol` is not used.
    MiniBatch {
        /// Rows per step.
        batch: usize,
    },
}

impl Algorithm {
    /// The algorithm for `rows` rows: Hamerly's (the exact fit) up to [`MINI_BATCH_ROWS`], mini-batch
    /// with batches of 1,024 rows above it. A caller that uses it says which it chose.
    pub fn for_rows(rows: usize) -> Algorithm {
        if rows > MINI_BATCH_ROWS {
            Algorithm::MiniBatch { batch: 1024 }
        } else {
            Algorithm::Hamerly
        }
    }
}

impl Default for KMeansParams {
    /// scikit-learn's defaults, with `k` = 8 and seed 0.
    fn default() -> Self {
        KMeansParams { k: 8, n_init: 10, max_iter: 300, tol: 1e-4, seed: 0, algorithm: Algorithm::default() }
    }
}

/// A k-means parameter that cannot be used, or a fit that was stopped.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum KMeansError {
    /// k is 0 or 1.
    #[error("the number of clusters must be at least 2 (got {0}).")]
    TooFewClusters(usize),
    /// k is more than a label can name.
    #[error("{0} clusters are more than k-means can label (at most 4294967295); choose a smaller k.")]
    TooManyClusters(usize),
    /// More clusters than customers.
    #[error("{k} clusters need at least {k} customers with every feature; there are {rows}. Choose a smaller k or fill missing values.")]
    TooFewRows {
        /// Clusters asked for.
        k: usize,
        /// Rows there are.
        rows: usize,
    },
    /// `n_init` or `max_iter` is 0.
    #[error("{name} must be at least 1 (got 0).")]
    Zero {
        /// The parameter.
        name: &'static str,
    },
    /// `tol` is negative or not a number.
    #[error("the tolerance must be a number of 0 or more (got {0}).")]
    BadTolerance(f64),
    /// The monitor asked to stop.
    #[error("{CANCELLED}")]
    Cancelled,
}

impl KMeansParams {
    /// Checks the parameters for a matrix of `rows` rows.
    ///
    /// # Errors
    /// The first [`KMeansError`] that applies.
    pub fn check(&self, rows: usize) -> Result<(), KMeansError> {
        if self.k < 2 {
            return Err(KMeansError::TooFewClusters(self.k));
        }
        if rows < self.k {
            return Err(KMeansError::TooFewRows { k: self.k, rows });
        }
        if u32::try_from(self.k).is_err() {
            return Err(KMeansError::TooManyClusters(self.k));
        }
        if self.n_init == 0 {
            return Err(KMeansError::Zero { name: "the number of restarts (n_init)" });
        }
        if self.max_iter == 0 {
            return Err(KMeansError::Zero { name: "the most iterations (max_iter)" });
        }
        if self.tol.is_nan() || self.tol < 0.0 {
            return Err(KMeansError::BadTolerance(self.tol));
        }
        Ok(())
    }
}

/// A fitted k-means clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansFit {
    /// The centres, `k` rows of the matrix's features.
    pub centroids: Matrix,
    /// Each row's cluster, `0..k`.
    pub labels: Vec<u32>,
    /// Sum of squared distances of rows to their centre.
    pub inertia: f64,
    /// Lloyd iterations of the restart kept.
    pub n_iter: usize,
}

impl KMeansFit {
    /// Rows per cluster.
    pub fn sizes(&self) -> Vec<u64> {
        let mut sizes = vec![0u64; self.centroids.rows()];
        for &l in &self.labels {
            if let Some(s) = sizes.get_mut(l as usize) {
                // Cannot saturate: one per label, and there are fewer labels than u64::MAX.
                *s = s.saturating_add(1);
            }
        }
        sizes
    }
}

/// The nearest of `centres` (rows of `d` values, one after another) to `row`, and its squared
/// distance; the lowest index on a tie. The rule every k-means pass labels a row by, so a model's
/// centres label new rows as its own.
pub fn nearest(row: &[f64], centres: &[f64], d: usize) -> (u32, f64) {
    let mut best = (0u32, f64::INFINITY);
    for (j, c) in centres.chunks_exact(d.max(1)).enumerate() {
        let dist = super::matrix::squared_distance(row, c);
        if dist < best.1 {
            best = (j as u32, dist);
        }
    }
    best
}

/// Fits k-means to the rows of `x`.
///
/// # Errors
/// [`KMeansError`] for parameters that do not fit `x`, or [`KMeansError::Cancelled`].
pub fn fit(x: &Matrix, params: &KMeansParams, monitor: &mut dyn Monitor) -> Result<KMeansFit, KMeansError> {
    use rand::SeedableRng;
    params.check(x.rows())?;
    let variances = x.variances();
    let tol = params.tol * variances.iter().sum::<f64>() / variances.len().max(1) as f64;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(params.seed);
    let mut best: Option<KMeansFit> = None;
    for run in 0..params.n_init {
        let fit = match params.algorithm {
            Algorithm::MiniBatch { batch } => minibatch::run(x, params.k, batch, params.max_iter, &mut rng, monitor)?,
            exact => {
                let start = init::kmeans_plus_plus(x, params.k, &mut rng);
                lloyd::run(x, start, params.max_iter, tol, exact, monitor)?
            }
        };
        // Cannot saturate: run < n_init.
        monitor.progress("Fitting k-means", (run as u64).saturating_add(1), params.n_init as u64);
        if monitor.is_cancelled() {
            return Err(KMeansError::Cancelled);
        }
        if best.as_ref().is_none_or(|b| fit.inertia < b.inertia) {
            best = Some(fit);
        }
    }
    best.ok_or(KMeansError::Zero { name: "the number of restarts (n_init)" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Quiet;

    fn blobs() -> Matrix {
        let mut v = Vec::new();
        for (cx, cy) in [(0.0, 0.0), (10.0, 10.0), (0.0, 10.0)] {
            for i in 0..20 {
                let d = f64::from(i % 5) * 0.1;
                v.extend([cx + d, cy - d]);
            }
        }
        Matrix::new(v, 2).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn well_separated_blobs_are_found_whatever_the_seed() {
        for seed in 0..5 {
            let fit = fit(&blobs(), &KMeansParams { k: 3, seed, ..KMeansParams::default() }, &mut Quiet)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(fit.sizes().iter().filter(|&&s| s == 20).count(), 3, "seed {seed}");
            // Each blob's spread: 4 points at each of 5 offsets d, 2 d² from the centre offset 0.2.
            let expected =
                3.0 * 4.0 * [0.0f64, 0.1, 0.2, 0.3, 0.4].iter().map(|d| 2.0 * (d - 0.2) * (d - 0.2)).sum::<f64>();
            assert!((fit.inertia - expected).abs() < 1e-9, "{} vs {expected}", fit.inertia);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_labels() {
        let p = KMeansParams { k: 4, n_init: 3, seed: 42, ..KMeansParams::default() };
        let a = fit(&blobs(), &p, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        let b = fit(&blobs(), &p, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, b);
    }

    #[test]
    fn parameters_that_cannot_work_say_why() {
        let x = blobs();
        let err = |p: KMeansParams| fit(&x, &p, &mut Quiet).err().map(|e| e.to_string());
        assert_eq!(
            err(KMeansParams { k: 1, ..KMeansParams::default() }).as_deref(),
            Some("the number of clusters must be at least 2 (got 1).")
        );
        assert!(err(KMeansParams { k: 61, ..KMeansParams::default() })
            .is_some_and(|e| e.starts_with("61 clusters need at least 61 customers")));
        assert!(err(KMeansParams { tol: f64::NAN, ..KMeansParams::default() }).is_some());
        assert!(err(KMeansParams { n_init: 0, ..KMeansParams::default() }).is_some());
    }
}
