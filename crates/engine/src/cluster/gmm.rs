//! A Gaussian mixture, fitted by expectation–maximisation as scikit-learn's `GaussianMixture`
//! (`covariance_type="full"`, `init_params="kmeans"`) fits it: each component a weight, a mean and
//! a full covariance (plus `reg_covar` on the diagonal), started from a k-means partition, iterated
//! until the mean log-likelihood gains less than `tol`. Where k-means fits badly (groups of
//! different spread or elongated along correlated features) a mixture still fits, and it gives each
//! customer a probability of belonging to each group (soft membership) rather than one label.
//! Sums over customers run in row order, so the same input and seed give the same fit; logs and
//! exponentials are the `libm` crate's, the same code native and in wasm, so the page's fit is the
//! command line's to the bit (DECISIONS 7).

use thiserror::Error;

use super::kmeans::{self, KMeansError, KMeansParams};
use super::Matrix;
use crate::progress::{CancelOnly, Monitor, CANCELLED};

/// The most features (prepared columns) a mixture fits: each component holds a full d × d
/// covariance, so its parameters grow with d², and past a hundred features each pair's covariance
/// rests on too few customers to mean much (k-means takes up to
/// [`MAX_PREPARED_COLUMNS`](super::prep::MAX_PREPARED_COLUMNS)).
pub const MAX_MIXTURE_COLUMNS: usize = 100;

/// What the mixture is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct GmmParams {
    /// Components.
    pub k: usize,
    /// Restarts (each from its own k-means start); the highest log-likelihood is kept.
    pub n_init: usize,
    /// Most EM iterations per restart.
    pub max_iter: usize,
    /// Convergence: the mean log-likelihood gains less than this.
    pub tol: f64,
    /// Added to each covariance's diagonal, so no component collapses onto a point.
    pub reg_covar: f64,
    /// Seed of the k-means starts.
    pub seed: u64,
}

impl Default for GmmParams {
    /// scikit-learn's defaults, with `k` = 2 and seed 0.
    fn default() -> Self {
        GmmParams { k: 2, n_init: 1, max_iter: 100, tol: 1e-3, reg_covar: 1e-6, seed: 0 }
    }
}

/// A mixture that cannot be fitted.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum GmmError {
    /// The k-means start cannot run (k, rows).
    #[error(transparent)]
    KMeans(KMeansError),
    /// A component's covariance is not positive definite even with `reg_covar`.
    #[error("component {component} has a covariance that cannot be inverted (a feature barely varies within it); raise the covariance regularisation or leave that feature out.")]
    Singular {
        /// The component, from 1.
        component: usize,
    },
    /// A setting out of range.
    #[error("{0}")]
    Params(String),
    /// The responsibilities or covariances would have more values than can be counted.
    #[error("{k} components over {rows} customers and {features} features are too many numbers to hold; choose a smaller k or fewer features.")]
    TooLarge {
        /// Components asked for.
        k: usize,
        /// Rows.
        rows: usize,
        /// Features.
        features: usize,
    },
    /// More features than a mixture fits ([`MAX_MIXTURE_COLUMNS`]).
    #[error("the Gaussian mixture fits at most {MAX_MIXTURE_COLUMNS} prepared columns (a category's levels count one each) and these features make {columns}; choose fewer features, or use k-means.")]
    TooManyColumns {
        /// Prepared columns.
        columns: usize,
    },
    /// The customers' responsibilities would pass the memory one step may use.
    #[error(transparent)]
    Budget(#[from] crate::budget::TooLarge),
    /// The monitor asked to stop.
    #[error("{CANCELLED}")]
    Cancelled,
}

/// A fitted mixture.
#[derive(Debug, Clone, PartialEq)]
pub struct GmmFit {
    /// Each component's weight (they add up to 1).
    pub weights: Vec<f64>,
    /// Means, k rows of the matrix's features.
    pub means: Vec<f64>,
    /// Covariances, k matrices of d × d values, row-major.
    pub covariances: Vec<f64>,
    /// Mean log-likelihood per row under the fitted mixture (scikit-learn's `score`).
    pub log_likelihood: f64,
    /// EM iterations of the restart kept.
    pub n_iter: usize,
    /// True when the restart kept stopped by `tol`, not `max_iter`.
    pub converged: bool,
    /// Each row's most probable component, `0..k`.
    pub labels: Vec<u32>,
    /// Each row's probability of each component (n × k, row-major).
    pub responsibilities: Vec<f64>,
}

/// One component's parameters with the Cholesky factor of its covariance.
struct Components {
    k: usize,
    d: usize,
    weights: Vec<f64>,
    means: Vec<f64>,
    covariances: Vec<f64>,
    /// Lower Cholesky factors of the covariances.
    chol: Vec<f64>,
}

/// Fits a Gaussian mixture to the rows of `x`.
///
/// # Errors
/// [`GmmError`] for settings that do not fit `x`, a covariance that cannot be inverted, or a cancel.
pub fn fit(x: &Matrix, params: &GmmParams, monitor: &mut dyn Monitor) -> Result<GmmFit, GmmError> {
    if params.n_init == 0 || params.max_iter == 0 {
        return Err(GmmError::Params("the restarts and the most iterations must be at least 1.".into()));
    }
    if !(params.reg_covar >= 0.0 && params.tol >= 0.0) {
        return Err(GmmError::Params("the tolerance and the covariance regularisation must be 0 or more.".into()));
    }
    check_size(x, params.k)?;
    let mut starts = Vec::with_capacity(params.n_init);
    for run in 0..params.n_init {
        let start = KMeansParams {
            k: params.k,
            n_init: 1,
            seed: params.seed.wrapping_add(run as u64),
            ..KMeansParams::default()
        };
        let labels = kmeans::fit(x, &start, &mut CancelOnly(monitor))
            .map_err(|e| if e == KMeansError::Cancelled { GmmError::Cancelled } else { GmmError::KMeans(e) })?
            .labels;
        starts.push(labels);
    }
    fit_from(x, &starts, params, monitor)
}

/// Fits the mixture from each of `starts` (a partition of the rows: a label `0..k` each) and keeps
/// the highest log-likelihood, as [`fit`] does from its k-means starts.
///
/// # Errors
/// As [`fit`].
pub fn fit_from(
    x: &Matrix,
    starts: &[Vec<u32>],
    params: &GmmParams,
    monitor: &mut dyn Monitor,
) -> Result<GmmFit, GmmError> {
    check_size(x, params.k)?;
    let mut best: Option<(f64, Components, usize, bool)> = None;
    let cells = x.rows().checked_mul(params.k).ok_or_else(|| too_large(x, params.k))?;
    for (run, labels) in starts.iter().enumerate() {
        let mut resp = vec![0.0; cells];
        for (r, &l) in resp.chunks_exact_mut(params.k.max(1)).zip(labels) {
            if let Some(r) = r.get_mut(l as usize) {
                *r = 1.0;
            }
        }
        let mut c = m_step(x, &resp, params.k, params.reg_covar)?;
        let mut lower = f64::NEG_INFINITY;
        let (mut n_iter, mut converged) = (0, false);
        for iteration in 1..=params.max_iter {
            n_iter = iteration;
            let previous = lower;
            let (mean, log_resp) = e_step(x, &c)?;
            resp = log_resp.iter().map(|&v| libm::exp(v)).collect();
            c = m_step(x, &resp, params.k, params.reg_covar)?;
            lower = mean;
            if (lower - previous).abs() < params.tol {
                converged = true;
                break;
            }
            if monitor.is_cancelled() {
                return Err(GmmError::Cancelled);
            }
        }
        // Cannot saturate: run < starts.len().
        monitor.progress("Fitting the Gaussian mixture", (run as u64).saturating_add(1), starts.len() as u64);
        if best.as_ref().is_none_or(|b| lower > b.0) {
            best = Some((lower, c, n_iter, converged));
        }
    }
    let Some((_, c, n_iter, converged)) = best else {
        return Err(GmmError::Params("the restarts must be at least 1.".into()));
    };
    let (log_likelihood, log_resp) = e_step(x, &c)?;
    let responsibilities: Vec<f64> = log_resp.iter().map(|&v| libm::exp(v)).collect();
    let labels = responsibilities
        .chunks_exact(c.k.max(1))
        .map(|r| {
            r.iter().enumerate().fold((0, f64::NEG_INFINITY), |b, (j, &p)| if p > b.1 { (j, p) } else { b }).0 as u32
        })
        .collect();
    Ok(GmmFit {
        weights: c.weights,
        means: c.means,
        covariances: c.covariances,
        log_likelihood,
        n_iter,
        converged,
        labels,
        responsibilities,
    })
}

/// [`GmmError::TooLarge`] for `k` components over `x`.
/// Refuses, before any work, features past [`MAX_MIXTURE_COLUMNS`] and responsibilities past the
/// memory one step may use ([`crate::budget`]).
fn check_size(x: &Matrix, k: usize) -> Result<(), GmmError> {
    if x.columns() > MAX_MIXTURE_COLUMNS {
        return Err(GmmError::TooManyColumns { columns: x.columns() });
    }
    // The responsibilities, their logarithms and the next ones are held at once.
    crate::budget::cells::<f64>(
        &[x.rows(), k, 3],
        || format!("{} customers × {k} components' probabilities (three copies)", crate::format::thousands(x.rows())),
        "choose a smaller k, or fit the mixture on a sample of the rows.",
    )?;
    Ok(())
}

fn too_large(x: &Matrix, k: usize) -> GmmError {
    GmmError::TooLarge { k, rows: x.rows(), features: x.columns() }
}

/// The weights, means and covariances that responsibilities `resp` (n × k) give, as
/// scikit-learn's `_estimate_gaussian_parameters` (each component's count plus 10 machine
/// epsilons, `reg_covar` on the diagonal).
fn m_step(x: &Matrix, resp: &[f64], k: usize, reg_covar: f64) -> Result<Components, GmmError> {
    let (n, d) = (x.rows(), x.columns());
    let dd = d.checked_mul(d).ok_or_else(|| too_large(x, k))?;
    let kd = k.checked_mul(d).ok_or_else(|| too_large(x, k))?;
    let kdd = k.checked_mul(dd).ok_or_else(|| too_large(x, k))?;
    // Per row (of `d` values, at least 1), its `k` responsibilities.
    let rows = || x.values().chunks_exact(d.max(1)).zip(resp.chunks_exact(k.max(1)));
    let mut nk = vec![10.0 * f64::EPSILON; k];
    let mut means = vec![0.0; kd];
    for (row, r) in rows() {
        for ((&r, s), m) in r.iter().zip(nk.iter_mut()).zip(means.chunks_exact_mut(d.max(1))) {
            *s += r;
            m.iter_mut().zip(row).for_each(|(m, v)| *m += r * v);
        }
    }
    for (j, m) in means.chunks_exact_mut(d.max(1)).enumerate() {
        let count = nk.get(j).copied().unwrap_or(1.0);
        m.iter_mut().for_each(|v| *v /= count);
    }
    let mut covariances = vec![0.0; kdd];
    let mut diff = vec![0.0; d];
    for (row, r) in rows() {
        for ((&r, mean), cov) in r.iter().zip(means.chunks_exact(d.max(1))).zip(covariances.chunks_exact_mut(dd.max(1)))
        {
            diff.iter_mut().zip(row).zip(mean).for_each(|((t, v), m)| *t = v - m);
            for (&da, cov) in diff.iter().zip(cov.chunks_exact_mut(d.max(1))) {
                for (&db, c) in diff.iter().zip(cov) {
                    *c += r * da * db;
                }
            }
        }
    }
    for (j, cov) in covariances.chunks_exact_mut(dd.max(1)).enumerate() {
        let count = nk.get(j).copied().unwrap_or(1.0);
        cov.iter_mut().for_each(|v| *v /= count);
        for (a, cov) in cov.chunks_exact_mut(d.max(1)).enumerate() {
            if let Some(c) = cov.get_mut(a) {
                *c += reg_covar;
            }
        }
    }
    let mut chol = vec![0.0; kdd];
    for (j, (cov, slot)) in covariances.chunks_exact(dd.max(1)).zip(chol.chunks_exact_mut(dd.max(1))).enumerate() {
        // Cannot saturate: j < k.
        let l = cholesky(cov, d).ok_or(GmmError::Singular { component: j.saturating_add(1) })?;
        slot.iter_mut().zip(&l).for_each(|(s, v)| *s = *v);
    }
    let weights = nk.iter().map(|c| c / n.max(1) as f64).collect();
    Ok(Components { k, d, weights, means, covariances, chol })
}

/// Each row's log-likelihood under the mixture (their mean) and log-responsibilities (n × k).
fn e_step(x: &Matrix, c: &Components) -> Result<(f64, Vec<f64>), GmmError> {
    let (n, d, k) = (x.rows(), c.d, c.k);
    let dd = d.checked_mul(d).ok_or_else(|| too_large(x, k))?.max(1);
    let log_2pi = libm::log(2.0 * std::f64::consts::PI);
    // ln det(covariance)^(-1/2) = −Σ ln diag(L).
    let half_log_det: Vec<f64> = c
        .chol
        .chunks_exact(dd)
        .map(|l| {
            l.chunks_exact(d.max(1)).enumerate().map(|(a, l)| libm::log(l.get(a).copied().unwrap_or(1.0))).sum::<f64>()
        })
        .collect();
    let mut log_resp = vec![0.0; n.checked_mul(k).ok_or_else(|| too_large(x, k))?];
    let mut total = 0.0;
    let mut y = vec![0.0; d];
    for (i, row) in x.values().chunks_exact(d.max(1)).enumerate() {
        let weighted = super::matrix::nth_row_mut(&mut log_resp, i, k).unwrap_or_default();
        let components = c.chol.chunks_exact(dd).zip(c.means.chunks_exact(d.max(1))).zip(&half_log_det).zip(&c.weights);
        for (w, (((l, mean), half_log_det), weight)) in weighted.iter_mut().zip(components) {
            // y = L⁻¹ (x − μ) by forward substitution; the Mahalanobis distance is |y|².
            for (a, (l, (v, m))) in l.chunks_exact(d.max(1)).zip(row.iter().zip(mean)).enumerate() {
                let mut s = v - m;
                for (l, y) in l.iter().zip(&y).take(a) {
                    s -= l * y;
                }
                let diagonal = l.get(a).copied().unwrap_or(1.0);
                if let Some(t) = y.get_mut(a) {
                    *t = s / diagonal;
                }
            }
            let maha: f64 = y.iter().map(|v| v * v).sum();
            *w = -0.5 * (d as f64 * log_2pi + maha) - half_log_det + libm::log(*weight);
        }
        let top = weighted.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let norm = top + libm::log(weighted.iter().map(|w| libm::exp(w - top)).sum::<f64>());
        weighted.iter_mut().for_each(|w| *w -= norm);
        total += norm;
    }
    Ok((total / n.max(1) as f64, log_resp))
}

/// The lower Cholesky factor of a symmetric d × d matrix, `None` when it is not positive definite.
pub(super) fn cholesky(a: &[f64], d: usize) -> Option<Vec<f64>> {
    use super::matrix::{nth_row, nth_row_mut};
    // `a` holds d × d values, so the product is a length already (None is unreachable).
    let mut l = vec![0.0; d.checked_mul(d)?];
    for i in 0..d {
        for j in 0..=i {
            let mut s = nth_row(a, i, d).and_then(|r| r.get(j)).copied().unwrap_or(0.0);
            let (li, lj) = (nth_row(&l, i, d).unwrap_or_default(), nth_row(&l, j, d).unwrap_or_default());
            for (x, y) in li.iter().zip(lj).take(j) {
                s -= x * y;
            }
            let value = if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                s.sqrt()
            } else {
                s / lj.get(j).copied().unwrap_or(1.0)
            };
            if let Some(slot) = nth_row_mut(&mut l, i, d).and_then(|r| r.get_mut(j)) {
                *slot = value;
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Quiet;

    #[test]
    fn two_groups_of_different_spread_are_found_with_their_weights() {
        // 60 rows tight around (0, 0) and 40 spread around (6, 6).
        let mut v = Vec::new();
        for i in 0..60 {
            v.extend([f64::from(i % 6) * 0.05, f64::from(i / 6) * 0.05]);
        }
        for i in 0..40 {
            v.extend([6.0 + f64::from(i % 5) - 2.0, 6.0 + f64::from(i / 5) * 0.7 - 2.5]);
        }
        let x = Matrix::new(v, 2).unwrap_or_else(|e| panic!("{e}"));
        let fit = fit(&x, &GmmParams { k: 2, ..GmmParams::default() }, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        let mut w = fit.weights.clone();
        w.sort_by(f64::total_cmp);
        assert!((w[0] - 0.4).abs() < 1e-6 && (w[1] - 0.6).abs() < 1e-6, "{w:?}");
        assert!(fit.responsibilities.chunks(2).all(|r| (r[0] + r[1] - 1.0).abs() < 1e-12));
        assert_eq!(fit.labels[0..60].iter().filter(|&&l| l == fit.labels[0]).count(), 60);
        assert!(fit.labels[60..].iter().all(|&l| l != fit.labels[0]));
    }

    #[test]
    fn the_cholesky_factor_rebuilds_the_matrix_and_refuses_a_singular_one() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let l = cholesky(&a, 2).unwrap_or_else(|| panic!("positive definite"));
        let back = [l[0] * l[0], l[0] * l[2], l[2] * l[0], l[2] * l[2] + l[3] * l[3]];
        assert!(back.iter().zip(&a).all(|(x, y)| (x - y).abs() < 1e-12));
        assert!(cholesky(&[1.0, 1.0, 1.0, 1.0], 2).is_none());
    }
}
