//! The Gaussian mixture part of a cluster model: each component's weight and the Cholesky factor
//! of its precision (scikit-learn's `weights_` and `precisions_cholesky_`), the component means
//! being the model's centres.
//!
//! Why a mixture: k-means draws equal, round clusters, so groups of different spread, or groups
//! stretched along correlated features (spend rising with visits), are cut badly. A mixture gives
//! each group its own spread and orientation (a full covariance), and gives each customer a
//! probability of belonging to each cluster (soft membership), so customers between groups are
//! seen as such instead of being forced into one.
//!
//! A row is labelled as scikit-learn's `predict` labels it: the component with the highest
//! weighted log-probability, log π_c + log det U_c − ½‖(x − μ_c)ᵀU_c‖². The engine takes the
//! equivalent lowest score s_c = Σ_j y_j² − 2(log π_c + log det U_c), y_j = Σ_{i≤j} (x_i − μ_i)·U_ij,
//! in exactly the floating-point steps [`super::sql`] writes, the first component on a tie.

use serde::{Deserialize, Serialize};

use super::gmm::{GmmError, GmmFit};

/// A customer whose highest probability is below this is counted as uncertain.
pub const UNCERTAIN_BELOW: f64 = 0.8;

/// One component of a mixture (its mean is the cluster's centre).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MixtureComponent {
    /// Its weight π (the components' weights add up to 1).
    pub weight: f64,
    /// The upper-triangular Cholesky factor U of its precision (inverse covariance = U Uᵀ), d rows
    /// of d values; values below the diagonal are 0.
    pub precision_cholesky: Vec<Vec<f64>>,
}

/// The mixture part of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mixture {
    /// One component per cluster, in label order.
    pub components: Vec<MixtureComponent>,
    /// Mean log-likelihood per customer when fitted (scikit-learn's `score`).
    pub log_likelihood: f64,
}

/// How sure the mixture is of the customers it clusters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// Per cluster, the mean probability its own members have of belonging to it.
    pub own: Vec<f64>,
    /// Share of the clustered customers whose highest probability is below [`UNCERTAIN_BELOW`].
    pub uncertain: f64,
    /// The threshold used ([`UNCERTAIN_BELOW`]).
    pub threshold: f64,
}

impl Mixture {
    /// The mixture part of a fit (of `d` features): its weights, the precisions' Cholesky factors
    /// (from the covariances) and its log-likelihood.
    ///
    /// # Errors
    /// [`GmmError::Singular`] naming a component whose covariance cannot be factored.
    pub fn from_fit(fit: &GmmFit, d: usize) -> Result<Mixture, GmmError> {
        let too_large = || GmmError::TooLarge { k: fit.weights.len(), rows: fit.labels.len(), features: d };
        let dd = d.checked_mul(d).ok_or_else(too_large)?;
        let components = fit
            .weights
            .iter()
            .enumerate()
            .map(|(c, &weight)| {
                super::matrix::nth_row(&fit.covariances, c, dd)
                    .and_then(|cov| precision_cholesky(cov, d))
                    .map(|precision_cholesky| MixtureComponent { weight, precision_cholesky })
                    // Cannot saturate: c < weights.len().
                    .ok_or(GmmError::Singular { component: c.saturating_add(1) })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Mixture { components, log_likelihood: fit.log_likelihood })
    }

    /// Each component's constant −2(log π_c + log det U_c), added to the squared norm.
    pub fn constants(&self) -> Vec<f64> {
        self.components
            .iter()
            .map(|c| {
                let log_det: f64 = c
                    .precision_cholesky
                    .iter()
                    .enumerate()
                    .map(|(j, r)| libm::log(r.get(j).copied().unwrap_or(1.0)))
                    .sum();
                -2.0 * (libm::log(c.weight) + log_det)
            })
            .collect()
    }

    /// Component `c`'s score of a prepared row (lower is more probable): Σ_j y_j² plus the
    /// component's constant, `mean` being its centre.
    fn score(&self, c: usize, constant: f64, row: &[f64], mean: &[f64]) -> f64 {
        let Some(u) = self.components.get(c).map(|c| &c.precision_cholesky) else {
            return f64::INFINITY;
        };
        let mut s = 0.0;
        for j in 0..row.len() {
            let mut y = 0.0;
            for i in 0..=j {
                let (x, m) = (row.get(i).copied().unwrap_or(0.0), mean.get(i).copied().unwrap_or(0.0));
                y += (x - m) * u.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0.0);
            }
            s += y * y;
        }
        s + constant
    }

    /// Every component's score of `row` (`means` = the centres, `constants` from
    /// [`Mixture::constants`]).
    pub fn scores(&self, row: &[f64], means: &[&[f64]], constants: &[f64], out: &mut Vec<f64>) {
        out.clear();
        out.extend(
            means.iter().zip(constants).enumerate().map(|(c, (mean, &constant))| self.score(c, constant, row, mean)),
        );
    }
}

/// The component with the lowest score, the first on a tie (scikit-learn's `predict`).
pub fn lowest(scores: &[f64]) -> u32 {
    let mut best = (0u32, f64::INFINITY);
    for (c, &s) in scores.iter().enumerate() {
        if s < best.1 {
            best = (c as u32, s);
        }
    }
    best.0
}

/// Each component's probability from the scores (log-probability = −½ score, normalised).
pub fn probabilities(scores: &[f64], out: &mut Vec<f64>) {
    let top = scores.iter().map(|s| -0.5 * s).fold(f64::NEG_INFINITY, f64::max);
    out.clear();
    out.extend(scores.iter().map(|s| libm::exp(-0.5 * s - top)));
    let total: f64 = out.iter().sum();
    if total > 0.0 && total.is_finite() {
        out.iter_mut().for_each(|p| *p /= total);
    }
}

/// The membership of `labels` (`0..k`) given each row's probabilities (n × k, row-major).
pub fn membership(probabilities: &[f64], labels: &[u32], k: usize) -> Membership {
    let (mut sum, mut count) = (vec![0.0; k], vec![0u64; k]);
    let mut uncertain = 0usize;
    for (row, &l) in probabilities.chunks_exact(k.max(1)).zip(labels) {
        let own = row.get(l as usize).copied().unwrap_or(0.0);
        // Cannot saturate (the counts): one per row.
        if let (Some(s), Some(n)) = (sum.get_mut(l as usize), count.get_mut(l as usize)) {
            *s += own;
            *n = n.saturating_add(1);
        }
        if row.iter().copied().fold(0.0, f64::max) < UNCERTAIN_BELOW {
            uncertain = uncertain.saturating_add(1);
        }
    }
    Membership {
        own: sum.iter().zip(&count).map(|(&s, &n)| if n == 0 { 0.0 } else { s / n as f64 }).collect(),
        uncertain: if labels.is_empty() { 0.0 } else { uncertain as f64 / labels.len() as f64 },
        threshold: UNCERTAIN_BELOW,
    }
}

/// The upper-triangular U with U Uᵀ = cov⁻¹ (scikit-learn's `precisions_cholesky_`): U = L⁻ᵀ for
/// the lower Cholesky factor L of `cov`; `None` when `cov` is not positive definite.
pub fn precision_cholesky(cov: &[f64], d: usize) -> Option<Vec<Vec<f64>>> {
    use super::matrix::{nth_row, nth_row_mut};
    let l = super::gmm::cholesky(cov, d)?;
    let at = |a: &[f64], i: usize, j: usize| nth_row(a, i, d).and_then(|r| r.get(j)).copied().unwrap_or(0.0);
    // M = L⁻¹ (lower) by forward substitution, column by column; U = Mᵀ. (`cholesky` made d × d
    // values, so the product is a length already: None is unreachable.)
    let mut m = vec![0.0; d.checked_mul(d)?];
    for col in 0..d {
        for i in col..d {
            let mut s = if i == col { 1.0 } else { 0.0 };
            for p in col..i {
                s -= at(&l, i, p) * at(&m, p, col);
            }
            if let Some(v) = nth_row_mut(&mut m, i, d).and_then(|r| r.get_mut(col)) {
                *v = s / at(&l, i, i);
            }
        }
    }
    Some((0..d).map(|i| (0..d).map(|j| at(&m, j, i)).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_precision_factor_inverts_the_covariance() {
        let cov = [4.0, 2.0, 0.5, 2.0, 3.0, 0.2, 0.5, 0.2, 1.5];
        let u = precision_cholesky(&cov, 3).unwrap_or_else(|| panic!("positive definite"));
        assert!(u[1][0] == 0.0 && u[2][0] == 0.0 && u[2][1] == 0.0, "upper-triangular: {u:?}");
        // cov · (U Uᵀ) = I.
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|a| cov[i * 3 + a] * (0..3).map(|b| u[a][b] * u[j][b]).sum::<f64>()).sum();
                assert!((v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12, "{i},{j}: {v}");
            }
        }
        assert!(precision_cholesky(&[1.0, 1.0, 1.0, 1.0], 2).is_none());
    }

    #[test]
    fn the_lowest_score_wins_first_on_a_tie_and_probabilities_add_up_to_one() {
        assert_eq!(lowest(&[2.0, 1.0, 1.0]), 1);
        let mut p = Vec::new();
        probabilities(&[2.0, 1.0, 1.0 + 2.0 * 2f64.ln()], &mut p);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((p[1] - 2.0 * p[2]).abs() < 1e-12, "{p:?}");
    }

    #[test]
    fn membership_averages_own_probabilities_and_counts_the_uncertain() {
        let probs = [0.9, 0.1, 0.7, 0.3, 0.2, 0.8, 0.05, 0.95];
        let m = membership(&probs, &[0, 0, 1, 1], 2);
        assert!((m.own[0] - 0.8).abs() < 1e-12 && (m.own[1] - 0.875).abs() < 1e-12, "{m:?}");
        assert!((m.uncertain - 0.25).abs() < 1e-12);
    }
}
