//! A fitted clustering that travels (`segscope.cluster-model/1`): the features and how each was
//! prepared (imputed value, a score's cut points, log, centre and scale, one-hot level, weight), the centres, the
//! settings and seed, and where it was fitted. It labels any table with the same columns row by
//! row (by the nearest centre, or for a Gaussian mixture by the most probable component, see
//! [`super::mixture`]), so a file of any size can be labelled a part at a time; on the data it was
//! fitted to it gives the fit's own labels.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::errors::ClusterError;
use super::gmm::{self, GmmParams};
use super::kmeans::{fit, Algorithm, KMeansFit, KMeansParams, MINI_BATCH_ROWS};
use super::kprototypes::{self, KPrototypesParams};
use super::mixture::{self, Mixture};
use super::params::{Method, ValidClusterParams};
use super::prep::{find, kept_rows, prepare, raw, FeatureSpec, Missing, PrepError, Prepared, PreparedColumn, Raw};
use super::profile::{profile, ClusterProfile};
use super::quality::{gower_silhouette, silhouette, Silhouette, GOWER_ROWS, SILHOUETTE_EXACT_ROWS};
use crate::progress::Monitor;
use crate::table::{ColumnData, ColumnType};

/// The format tag of a saved cluster model.
pub const MODEL_FORMAT: &str = "segscope.cluster-model/1";

/// Where a model was fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInput {
    /// The file's name.
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its rows (customers).
    pub rows: u64,
}

/// One cluster of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCluster {
    /// Its name (the segment's name in exports).
    pub name: String,
    /// Customers in it when fitted.
    pub size: u64,
    /// Its centre, one value per prepared column (in prepared units).
    pub centre: Vec<f64>,
}

/// A fitted clustering, as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterModel {
    /// Always [`MODEL_FORMAT`].
    pub format: String,
    /// The method's name (`kmeans`, `minibatch` or `kprototypes`, which label a row by its
    /// nearest centre in the prepared columns, or `mixture`, which labels it by its most probable
    /// component).
    pub algorithm: String,
    /// k-prototypes: what one category mismatch cost (each level column then holds
    /// √(γ × weight / 2), so squared distances are Huang's cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamma: Option<f64>,
    /// A Gaussian mixture: each component's weight and precision's Cholesky factor (the centres
    /// are its means). Absent for the other methods (and in files written before mixtures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mixture: Option<Mixture>,
    /// Clusters.
    pub k: usize,
    /// Restarts of the fit.
    pub n_init: usize,
    /// Most iterations per restart.
    pub max_iter: usize,
    /// The seed.
    pub seed: u64,
    /// The features as chosen.
    pub features: Vec<FeatureSpec>,
    /// Rows missing a feature: left without a cluster, or filled.
    pub missing: Missing,
    /// The date date features count days back from (`YYYY-MM-DD`), when one is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// How transactions map onto customers, when features come from them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions: Option<crate::customers::TransactionMapping>,
    /// The prepared columns, in the order of the centres' values.
    pub columns: Vec<PreparedColumn>,
    /// The clusters, in label order (label 1 is the first).
    pub clusters: Vec<ModelCluster>,
    /// Sum of squared distances to the centres when fitted (for a mixture: of each customer to
    /// the mean of the component it is labelled with, the within-cluster sum of squares of its
    /// hard labels).
    pub inertia: f64,
    /// Iterations of the fit kept.
    pub n_iter: usize,
    /// How the centres were fitted, in words: exact k-means, or mini-batch k-means above
    /// [`MINI_BATCH_ROWS`] customers.
    #[serde(default)]
    pub fitted_with: String,
    /// Where it was fitted.
    pub input: ModelInput,
}

/// A model that does not fit a table, or a model file whose parts disagree.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A feature's column is not in the table.
    #[error("the model clusters on `{name}`, but there is no column of that name here (the columns are: {available}); use a file with that column, or rename it to `{name}`.")]
    MissingColumn {
        /// The feature.
        name: String,
        /// The columns there are.
        available: String,
    },
    /// A feature's column is of another type than the model reads.
    #[error("the model reads `{name}` as {expected}, but here it was read as {found}; set its type (for example --type {name}={suggest}) and try again.")]
    WrongType {
        /// The feature.
        name: String,
        /// What the model reads.
        expected: &'static str,
        /// The type found.
        found: ColumnType,
        /// A type that would do.
        suggest: &'static str,
    },
    /// A date feature and no as-of date in the model.
    #[error("the model reads `{0}` as days before its as-of date, but it has none; save the model again.")]
    NoAsOf(String),
    /// The model's parts do not agree.
    #[error("the model is damaged: {0}; save it again from Segscope.")]
    Damaged(String),
    /// A feature cannot be prepared as the model reads it (too many values to count).
    #[error(transparent)]
    Prep(PrepError),
}

/// The name of the segment of customers left out (a missing value, with "leave the row out").
pub const LEFT_OUT: &str = "Not clustered (missing values)";

/// A table's rows labelled by a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// Each row's cluster, `0..k`; `None` for a row left out (a missing value, or a value that
    /// cannot be prepared such as the log of a negative number).
    pub labels: Vec<Option<u32>>,
    /// Rows left out.
    pub left_out: usize,
}

impl Labels {
    /// The labels as an assignment of the table's rows: one segment per cluster of `model`, in
    /// label order, and [`LEFT_OUT`] after them for rows left out (when there are some).
    pub fn assignment(&self, model: &ClusterModel) -> crate::assignment::Assignment {
        use crate::assignment::{Assignment, Segment};
        let mut segments: Vec<Segment> = model.names().into_iter().map(|name| Segment { name }).collect();
        let left_out = segments.len() as u32;
        if self.left_out > 0 {
            segments.push(Segment { name: LEFT_OUT.to_string() });
        }
        let codes = self.labels.iter().map(|l| l.unwrap_or(left_out)).collect();
        Assignment { title: format!("Clusters (k = {})", model.k), segments, codes }
    }
}

/// What a fit made: the model, the prepared matrix, the fit and the clusters' profiles.
#[derive(Debug, Clone)]
pub struct Fitted {
    /// The model (cluster names are the suggested ones).
    pub model: ClusterModel,
    /// The prepared features.
    pub prepared: Prepared,
    /// The fit's centres, labels, inertia and iterations (as k-means gives them; for a mixture the
    /// means and the model's labels).
    pub fit: KMeansFit,
    /// Per cluster: size, means, how it differs, a suggested name.
    pub profiles: Vec<ClusterProfile>,
}

/// Prepares the features of `table` (name, values) and fits k-means with `params`; `as_of` is
/// the date date features count back from (the params' own, else the default as-of date).
///
/// # Errors
/// [`ClusterError`] naming the feature or setting that cannot be used, or a cancel.
pub fn fit_model(
    table: &[(&str, &ColumnData)],
    params: &ValidClusterParams,
    as_of: Option<i32>,
    input: ModelInput,
    monitor: &mut dyn Monitor,
) -> Result<Fitted, ClusterError> {
    let as_of = params.as_of.or(as_of);
    let mut prepared = prepare(table, &params.features, params.missing, as_of)?;
    let PreparedFit { fit: kmeans, gamma, mixture, fitted_with } = fit_prepared(&mut prepared, params, monitor)?;
    let profiles = profile(table, &prepared, &kmeans.labels, params.kmeans.k, as_of)?;
    let sizes = kmeans.sizes();
    let clusters = profiles
        .iter()
        .enumerate()
        .map(|(c, p)| ModelCluster {
            name: p.suggested_name.clone(),
            size: sizes.get(c).copied().unwrap_or(0),
            centre: kmeans.centroids.row(c).to_vec(),
        })
        .collect();
    let uses_dates = prepared.columns.iter().any(|c| c.days);
    let model = ClusterModel {
        format: MODEL_FORMAT.to_string(),
        algorithm: params.method.name().to_string(),
        gamma,
        mixture,
        k: params.kmeans.k,
        n_init: params.kmeans.n_init,
        max_iter: params.kmeans.max_iter,
        seed: params.kmeans.seed,
        features: params.features.clone(),
        missing: params.missing,
        as_of: as_of.filter(|_| uses_dates).map(|d| crate::ingest::values::date_from_days(d).to_string()),
        transactions: None,
        columns: prepared.columns.clone(),
        clusters,
        inertia: kmeans.inertia,
        n_iter: kmeans.n_iter,
        fitted_with,
        input,
    };
    Ok(Fitted { model, prepared, fit: kmeans, profiles })
}

/// What [`fit_prepared`] made.
#[derive(Debug, Clone)]
pub struct PreparedFit {
    /// The centres, labels, inertia and iterations, as k-means gives them.
    pub fit: KMeansFit,
    /// γ, when k-prototypes weighed the categories by it.
    pub gamma: Option<f64>,
    /// The mixture part, for a Gaussian mixture.
    pub mixture: Option<Mixture>,
    /// How it was fitted, in words.
    pub fitted_with: String,
}

/// Fits the method of `params` to the prepared rows: the centres and labels (as k-means gives
/// them), γ when k-prototypes weighed the categories by it (the level columns of `prepared` then
/// hold √(γ × weight / 2)), the mixture part of a Gaussian mixture (its labels are the ones
/// [`ClusterModel::prepare`] gives), and how it was fitted, in words.
///
/// # Errors
/// [`ClusterError`] for settings that do not fit the rows, a mixture component whose covariance
/// cannot be inverted, or a cancel.
pub fn fit_prepared(
    prepared: &mut Prepared,
    params: &ValidClusterParams,
    monitor: &mut dyn Monitor,
) -> Result<PreparedFit, ClusterError> {
    let rows = prepared.matrix.rows();
    let algorithm = match params.method {
        Method::Mixture => return fit_mixture(&prepared.matrix, params, monitor),
        Method::Kmeans => Algorithm::for_rows(rows),
        Method::Minibatch => Algorithm::MiniBatch { batch: MINI_BATCH },
        Method::Kprototypes => {
            let (blocks, gamma) = weigh_categories(prepared, params.gamma);
            let kp = KPrototypesParams {
                k: params.kmeans.k,
                n_init: params.kmeans.n_init,
                max_iter: params.kmeans.max_iter,
                seed: params.kmeans.seed,
            };
            let fit = kprototypes::fit(&prepared.matrix, &blocks, &kp, monitor)?;
            let said = format!(
                "k-prototypes (Huang): numbers by their mean, categories by their most common value, a mismatch costing γ = {}",
                round_gamma(gamma)
            );
            return Ok(PreparedFit { fit, gamma: Some(gamma), mixture: None, fitted_with: said });
        }
    };
    let fit = fit(&prepared.matrix, &KMeansParams { algorithm, ..params.kmeans.clone() }, monitor)?;
    let said = match algorithm {
        Algorithm::MiniBatch { batch } if params.method == Method::Minibatch => {
            format!("mini-batch k-means (batches of {batch} customers, then one full pass), as chosen")
        }
        Algorithm::MiniBatch { batch } => format!(
            "mini-batch k-means (batches of {batch} customers, then one full pass): chosen above {} customers, where the exact fit takes too long",
            crate::format::thousands(MINI_BATCH_ROWS)
        ),
        Algorithm::Lloyd | Algorithm::Hamerly => "k-means (exact: Lloyd's iterations)".to_string(),
    };
    Ok(PreparedFit { fit, gamma: None, mixture: None, fitted_with: said })
}

/// A Gaussian mixture with the restarts, iterations and seed of `params` (scikit-learn's
/// tolerance and covariance regularisation), its rows labelled by [`label_rows`], its inertia the
/// within-cluster sum of squares of those labels around the means.
fn fit_mixture(
    x: &super::Matrix,
    params: &ValidClusterParams,
    monitor: &mut dyn Monitor,
) -> Result<PreparedFit, ClusterError> {
    let p = &params.kmeans;
    let gp = GmmParams { k: p.k, n_init: p.n_init, max_iter: p.max_iter, seed: p.seed, ..GmmParams::default() };
    let g = gmm::fit(x, &gp, monitor)?;
    let (fit, mixture) = hard_labels(x, &g)?;
    let converged = if g.converged { "" } else { ", stopped at the most iterations before converging" };
    let fitted_with = format!(
        "Gaussian mixture (full covariances, EM as scikit-learn's GaussianMixture): mean log-likelihood {:.4} per customer after {} EM iterations{converged}",
        g.log_likelihood, g.n_iter
    );
    Ok(PreparedFit { fit, gamma: None, mixture: Some(mixture), fitted_with })
}

/// A mixture fit as a model holds it, and its hard labels as k-means gives its fit: centres = the
/// means, each row labelled by [`label_rows`], inertia = the within-cluster sum of squares of
/// those labels around the means.
///
/// # Errors
/// [`gmm::GmmError::Singular`] for a covariance that cannot be factored.
pub fn hard_labels(x: &super::Matrix, g: &gmm::GmmFit) -> Result<(KMeansFit, Mixture), gmm::GmmError> {
    let d = x.columns();
    let mixture = Mixture::from_fit(g, d)?;
    let labels = label_rows(x, &g.means, Some(&mixture));
    let inertia = labels
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            let mean = super::matrix::nth_row(&g.means, l as usize, d).unwrap_or_default();
            super::matrix::squared_distance(x.row(i), mean)
        })
        .sum();
    let centroids = super::Matrix::new(g.means.clone(), d).map_err(|e| gmm::GmmError::Params(e.to_string()))?;
    Ok((KMeansFit { centroids, labels, inertia, n_iter: g.n_iter }, mixture))
}

/// Each prepared row's cluster: the nearest of `centres` (k rows of the matrix's columns), or
/// with a mixture the most probable component ([`mixture`]), the first on a tie. The one rule a
/// fit, `segscope apply` and the app label by.
pub fn label_rows(x: &super::Matrix, centres: &[f64], mixture: Option<&Mixture>) -> Vec<u32> {
    let d = x.columns();
    let Some(m) = mixture else {
        return (0..x.rows()).map(|i| super::kmeans::nearest(x.row(i), centres, d).0).collect();
    };
    let means: Vec<&[f64]> = centres.chunks_exact(d.max(1)).collect();
    let constants = m.constants();
    let mut scores = Vec::with_capacity(means.len());
    (0..x.rows())
        .map(|i| {
            m.scores(x.row(i), &means, &constants, &mut scores);
            mixture::lowest(&scores)
        })
        .collect()
}

/// k-prototypes' categories: the one-hot blocks of `prepared`, and γ (the one given, else the
/// `kmodes` default from the numbers), with each level column made √(γ × weight / 2) so squared
/// distances are Huang's cost.
pub fn weigh_categories(prepared: &mut Prepared, gamma: Option<f64>) -> (Vec<std::ops::Range<usize>>, f64) {
    let blocks = kprototypes::blocks(&prepared.columns);
    let gamma = gamma.unwrap_or_else(|| kprototypes::default_gamma(&prepared.matrix, &blocks));
    kprototypes::weigh_categories(prepared, gamma);
    (blocks, gamma)
}

/// Rows per mini-batch step (scikit-learn's default).
const MINI_BATCH: usize = 1024;

/// γ as a person reads it: four significant digits.
fn round_gamma(gamma: f64) -> String {
    let s = format!("{gamma:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl ClusterModel {
    /// The clusters' names, in label order.
    pub fn names(&self) -> Vec<String> {
        self.clusters.iter().map(|c| c.name.clone()).collect()
    }

    /// Checks that the model's parts agree (one centre per cluster, one value per column, usable
    /// scales), as a file read from disk must.
    ///
    /// # Errors
    /// [`ModelError::Damaged`] saying which part.
    pub fn check(&self) -> Result<(), ModelError> {
        let damaged = |what: String| Err(ModelError::Damaged(what));
        if Method::parse(&self.algorithm).is_err() {
            return damaged(format!(
                "its algorithm `{}` is not one this version applies (kmeans, minibatch, kprototypes, mixture)",
                self.algorithm
            ));
        }
        if self.clusters.len() != self.k || self.k < 2 {
            return damaged(format!("k is {} but it has {} clusters", self.k, self.clusters.len()));
        }
        if self.k > super::params::MAX_K {
            return damaged(format!("k is {}, more than the {} clusters a fit makes", self.k, super::params::MAX_K));
        }
        if self.columns.is_empty() {
            return damaged("it has no prepared columns".into());
        }
        if self.columns.len() > super::prep::MAX_PREPARED_COLUMNS {
            return damaged(format!(
                "it has {} prepared columns, more than the {} a clustering takes",
                crate::format::thousands(self.columns.len()),
                super::prep::MAX_PREPARED_COLUMNS
            ));
        }
        for (i, c) in self.clusters.iter().enumerate() {
            if c.centre.len() != self.columns.len() || c.centre.iter().any(|v| !v.is_finite()) {
                return damaged(format!(
                    "cluster {} has {} centre values for {} columns",
                    // Cannot saturate: i < clusters.len().
                    i.saturating_add(1),
                    c.centre.len(),
                    self.columns.len()
                ));
            }
        }
        for c in &self.columns {
            if !(c.scale.is_finite() && c.scale != 0.0 && c.center.is_finite() && c.weight.is_finite()) {
                return damaged(format!("the column `{}` has an unusable centre, scale or weight", c.label()));
            }
            if !self.features.iter().any(|f| f.column == c.feature) {
                return damaged(format!("the column `{}` is not one of its features", c.label()));
            }
            if let Some(cuts) = &c.cuts {
                if c.level.is_some() || c.log || c.boolean {
                    return damaged(format!(
                        "the column `{}` has score cuts, but only numbers and dates are scored (without ln(1 + x))",
                        c.label()
                    ));
                }
                if cuts.iter().any(|v| !v.is_finite()) || cuts.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
                    return damaged(format!(
                        "the score cuts of `{}` are not finite numbers in ascending order",
                        c.feature
                    ));
                }
            }
        }
        self.check_mixture()?;
        if self.as_of.is_none() && self.columns.iter().any(|c| c.days) {
            let name = self.columns.iter().find(|c| c.days).map(|c| c.feature.clone()).unwrap_or_default();
            return Err(ModelError::NoAsOf(name));
        }
        Ok(())
    }

    /// Checks the mixture part: present exactly for a mixture, one component per cluster, each
    /// with a positive weight (adding up to 1) and a finite d × d upper-triangular precision
    /// factor with a positive diagonal.
    fn check_mixture(&self) -> Result<(), ModelError> {
        let damaged = |what: String| Err(ModelError::Damaged(what));
        let is_mixture = self.algorithm.eq_ignore_ascii_case(Method::Mixture.name());
        let Some(m) = &self.mixture else {
            return if is_mixture {
                damaged("it is a Gaussian mixture without its mixture part".into())
            } else {
                Ok(())
            };
        };
        if !is_mixture {
            return damaged(format!("it has a mixture part, but its algorithm is `{}`", self.algorithm));
        }
        if m.components.len() != self.k {
            return damaged(format!("its mixture has {} components for {} clusters", m.components.len(), self.k));
        }
        let d = self.columns.len();
        for (i, c) in m.components.iter().enumerate() {
            // Cannot saturate: i < components.len().
            let n = i.saturating_add(1);
            if !(c.weight > 0.0 && c.weight.is_finite()) {
                return damaged(format!(
                    "mixture component {n} has the weight {}, where a weight must be above 0",
                    c.weight
                ));
            }
            let u = &c.precision_cholesky;
            if u.len() != d || u.iter().any(|r| r.len() != d) {
                return damaged(format!("mixture component {n}'s precision factor is not {d} × {d} (one row and column per prepared column)"));
            }
            if u.iter().flatten().any(|v| !v.is_finite()) {
                return damaged(format!(
                    "mixture component {n}'s precision factor has a value that is not a finite number"
                ));
            }
            for (a, r) in u.iter().enumerate() {
                if !r.get(a).is_some_and(|&v| v > 0.0) {
                    return damaged(format!(
                        "mixture component {n}'s precision factor has a diagonal value at or below 0"
                    ));
                }
                if r.iter().take(a).any(|&v| v != 0.0) {
                    return damaged(format!("mixture component {n}'s precision factor has values below its diagonal"));
                }
            }
        }
        let total: f64 = m.components.iter().map(|c| c.weight).sum();
        if (total - 1.0).abs() > 1e-6 {
            return damaged(format!("its mixture weights add up to {total}, not 1"));
        }
        Ok(())
    }

    /// The centres, k rows of the prepared columns.
    fn centres(&self) -> Vec<f64> {
        self.clusters.iter().flat_map(|c| c.centre.iter().copied()).collect()
    }

    /// For a mixture, each prepared row's probability of each cluster (rows × k, row-major);
    /// `None` for the other methods.
    pub fn probabilities(&self, prepared: &Prepared) -> Option<Vec<f64>> {
        let m = self.mixture.as_ref()?;
        let x = &prepared.matrix;
        let centres = self.centres();
        let means: Vec<&[f64]> = centres.chunks_exact(x.columns().max(1)).collect();
        let constants = m.constants();
        let (mut scores, mut p) = (Vec::with_capacity(self.k), Vec::with_capacity(self.k));
        // A capacity only (none reserved if it cannot be counted).
        let mut all = Vec::with_capacity(x.rows().checked_mul(self.k).unwrap_or_default());
        for i in 0..x.rows() {
            m.scores(x.row(i), &means, &constants, &mut scores);
            mixture::probabilities(&scores, &mut p);
            all.extend_from_slice(&p);
        }
        Some(all)
    }

    /// Labels every row of `table` (name, values) by the model's rule ([`label_rows`]),
    /// preparing each row as the model's columns say.
    ///
    /// # Errors
    /// [`ModelError`] naming a feature that is missing or of another type.
    pub fn label(&self, table: &[(&str, &ColumnData)]) -> Result<Labels, ModelError> {
        let n = table.first().map_or(0, |(_, d)| d.len());
        let (prepared, labels) = self.prepare(table)?;
        let mut all = vec![None; n];
        for (&row, &label) in prepared.rows.iter().zip(&labels) {
            if let Some(slot) = all.get_mut(row) {
                *slot = Some(label);
            }
        }
        Ok(Labels { labels: all, left_out: prepared.dropped })
    }

    /// The rows of `table` prepared as the model's columns say (rows missing a value, or whose
    /// value cannot be prepared, left out and counted), and each kept row's cluster by
    /// [`label_rows`] (the nearest centre, or a mixture's most probable component).
    ///
    /// # Errors
    /// [`ModelError`] naming a feature that is missing or of another type.
    pub fn prepare(&self, table: &[(&str, &ColumnData)]) -> Result<(Prepared, Vec<u32>), ModelError> {
        self.check()?;
        let n = table.first().map_or(0, |(_, d)| d.len());
        let as_of = self.as_of.as_deref().and_then(crate::rules::parse_iso_date);
        let mut raws = Vec::with_capacity(self.features.len());
        for f in &self.features {
            let data = find(table, &f.column).map_err(|e| match e {
                PrepError::UnknownColumn { name, available } => ModelError::MissingColumn { name, available },
                _ => ModelError::MissingColumn { name: f.column.clone(), available: String::new() },
            })?;
            self.check_type(&f.column, data)?;
            let r = raw(&f.column, data, n, as_of).map_err(|e| match e {
                e @ PrepError::TooManyLevels { .. } => ModelError::Prep(e),
                _ => ModelError::NoAsOf(f.column.clone()),
            })?;
            raws.push(r);
        }
        // Each column's feature and the code of its level among the table's levels.
        let mut sources = Vec::with_capacity(self.columns.len());
        for c in &self.columns {
            let index = self.features.iter().position(|f| f.column == c.feature).unwrap_or(0);
            let code = match (raws.get(index), &c.level) {
                (Some(Raw::Levels { names, .. }), Some(level)) => {
                    names.iter().position(|n| n == level).map(|p| p as u32)
                }
                _ => None,
            };
            sources.push((index, code));
        }
        let d = self.columns.len();
        let cells = n.saturating_mul(d);
        let mut values = crate::budget::reserved::<f64>(
            cells,
            || format!("{} customers × {} prepared columns", crate::format::thousands(n), crate::format::thousands(d)),
            "label a sample of the rows, or label the file with the command line.",
        )
        .map_err(|e| ModelError::Prep(e.into()))?;
        let mut rows = Vec::with_capacity(n);
        let mut row = vec![0.0; d];
        'rows: for i in kept_rows(&raws, n, self.missing) {
            for ((c, &(index, code)), slot) in self.columns.iter().zip(&sources).zip(row.iter_mut()) {
                match raws.get(index).and_then(|r| c.value(r, code, i)) {
                    Some(v) => *slot = v,
                    None => continue 'rows,
                }
            }
            values.extend_from_slice(&row);
            rows.push(i);
        }
        let matrix = super::Matrix::new(values, d).map_err(|e| ModelError::Damaged(e.to_string()))?;
        let labels = label_rows(&matrix, &self.centres(), self.mixture.as_ref());
        // Cannot saturate: the rows kept are some of the n.
        let dropped = n.saturating_sub(rows.len());
        let prepared = Prepared { matrix, dropped, rows, columns: self.columns.clone(), warnings: Vec::new() };
        Ok((prepared, labels))
    }

    /// The error for a feature whose column is of a type the model cannot read as it did.
    fn check_type(&self, name: &str, data: &ColumnData) -> Result<(), ModelError> {
        let columns: Vec<&PreparedColumn> = self.columns.iter().filter(|c| c.feature == name).collect();
        let is_level = columns.iter().any(|c| c.level.is_some());
        let is_days = columns.iter().any(|c| c.days);
        let found = data.column_type();
        let ok = match found {
            ColumnType::Integer | ColumnType::Decimal | ColumnType::Boolean => !is_level && !is_days,
            ColumnType::Date | ColumnType::Datetime => is_days,
            ColumnType::Categorical | ColumnType::Text => is_level,
        };
        if ok {
            return Ok(());
        }
        let (expected, suggest) = if is_level {
            ("categories", "categorical")
        } else if is_days {
            ("a date (days before the as-of date)", "date")
        } else {
            ("numbers", "decimal")
        };
        Err(ModelError::WrongType { name: name.to_string(), expected, found, suggest })
    }

    /// The mean silhouette of `labels` on the rows `prepared` by this model: Euclidean, exact up
    /// to [`SILHOUETTE_EXACT_ROWS`] rows; for k-prototypes, Gower's (numbers and categories
    /// mixed), exact up to [`GOWER_ROWS`]; above, on a sample drawn with the model's seed.
    pub fn silhouette(&self, prepared: &Prepared, labels: &[u32]) -> Option<Silhouette> {
        let x = &prepared.matrix;
        match self.gamma {
            Some(_) => {
                let blocks = kprototypes::blocks(&prepared.columns);
                gower_silhouette(x, &blocks, labels, self.k, GOWER_ROWS, self.seed)
            }
            None => silhouette(x, labels, self.k, SILHOUETTE_EXACT_ROWS, self.seed),
        }
    }

    /// The model as a pretty JSON file.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The segmentation's title: `Clusters (k = 4)`.
    pub fn title(&self) -> String {
        format!("Clusters (k = {})", self.k)
    }

    /// The clustering in short, as a manifest records it for people: the method, k, seed and
    /// restarts, the features, how missing values were handled, the as-of date and the names.
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": "clusters",
            "title": self.title(),
            "algorithm": self.algorithm,
            "k": self.k,
            "seed": self.seed,
            "n_init": self.n_init,
            "max_iter": self.max_iter,
            "features": self.features,
            "missing": self.missing,
            "as_of": self.as_of,
            "clusters": self.names(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::params::ClusterParams;
    use crate::cluster::prep::Scaling;
    use crate::progress::Quiet;
    use crate::typed::Typed;

    fn table() -> (ColumnData, ColumnData, ColumnData) {
        let mut spend = Vec::new();
        let mut visits = Vec::new();
        let mut city = Vec::new();
        for i in 0..60u32 {
            let g = i % 3;
            spend.push(Some(f64::from(g * 100 + i % 7)));
            visits.push(if i == 5 { None } else { Some(i64::from(g * 10 + i % 3)) });
            city.push(Some(g % 2));
        }
        (
            ColumnData::Decimal { values: spend, scale: 0 },
            ColumnData::Integer(visits),
            ColumnData::Categorical { dictionary: vec!["Ghent".into(), "Lyon".into()], codes: city },
        )
    }

    fn params(missing: Missing) -> ValidClusterParams {
        let f = |c: &str, log: bool| FeatureSpec {
            column: c.into(),
            log,
            scaling: Scaling::Zscore,
            weight: 0.5,
            score: None,
        };
        ClusterParams {
            features: vec![f("spend", true), f("visits", false), f("city", false)],
            missing,
            ..Default::default()
        }
        .check_fit(&Typed::Value(3))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn input() -> ModelInput {
        ModelInput { file: "t.csv".into(), bytes: 10, rows: 60 }
    }

    #[test]
    fn a_model_labels_its_own_data_as_the_fit_did_after_a_trip_through_json() {
        let (spend, visits, city) = table();
        let cols = [("spend", &spend), ("visits", &visits), ("city", &city)];
        for missing in [Missing::Drop, Missing::Impute] {
            let fitted =
                fit_model(&cols, &params(missing), None, input(), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
            let json = fitted.model.to_json();
            let back: ClusterModel = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, fitted.model);
            assert_eq!(back.fitted_with, "k-means (exact: Lloyd's iterations)");
            let labels = back.label(&cols).unwrap_or_else(|e| panic!("{e}"));
            let mut expected = vec![None; 60];
            for (&r, &l) in fitted.prepared.rows.iter().zip(&fitted.fit.labels) {
                expected[r] = Some(l);
            }
            assert_eq!(labels.labels, expected);
            assert_eq!(labels.left_out, fitted.prepared.dropped);
        }
    }

    #[test]
    fn a_table_that_does_not_fit_the_model_names_the_column() {
        let (spend, visits, city) = table();
        let cols = [("spend", &spend), ("visits", &visits), ("city", &city)];
        let model =
            fit_model(&cols, &params(Missing::Drop), None, input(), &mut Quiet).unwrap_or_else(|e| panic!("{e}")).model;
        let e = model.label(&[("spend", &spend), ("city", &city)]).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("the model clusters on `visits`, but there is no column of that name here"), "{e}");
        let text = ColumnData::Text(vec![Some("x".into()); 60]);
        let e = model.label(&[("spend", &text), ("visits", &visits), ("city", &city)]).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("the model reads `spend` as numbers, but here it was read as text; set its type (for example --type spend=decimal) and try again.")
        );
    }

    #[test]
    fn an_unseen_category_counts_as_none_of_the_levels_and_text_is_read_by_name() {
        let (spend, visits, _) = table();
        let city =
            ColumnData::Categorical { dictionary: vec!["Ghent".into(), "Lyon".into()], codes: vec![Some(0); 60] };
        let cols = [("spend", &spend), ("visits", &visits), ("city", &city)];
        let model =
            fit_model(&cols, &params(Missing::Drop), None, input(), &mut Quiet).unwrap_or_else(|e| panic!("{e}")).model;
        let as_text = ColumnData::Text(vec![Some("Ghent".into()); 60]);
        let a = model.label(&[("spend", &spend), ("visits", &visits), ("city", &as_text)]);
        let b = model.label(&cols);
        assert_eq!(a, b);
        let paris = ColumnData::Text(vec![Some("Paris".into()); 60]);
        let c =
            model.label(&[("spend", &spend), ("visits", &visits), ("city", &paris)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.left_out, 1);
    }

    fn mixture_params(missing: Missing) -> ValidClusterParams {
        let mut p = params(missing).params();
        p.method = Method::Mixture;
        p.check_fit(&Typed::Value(3)).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_mixture_labels_its_own_data_as_the_fit_did_after_a_trip_through_json() {
        let (spend, visits, city) = table();
        let cols = [("spend", &spend), ("visits", &visits), ("city", &city)];
        for missing in [Missing::Drop, Missing::Impute] {
            let fitted =
                fit_model(&cols, &mixture_params(missing), None, input(), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
            let m = fitted.model.mixture.as_ref().unwrap_or_else(|| panic!("a mixture part"));
            assert_eq!(m.components.len(), 3);
            assert!(
                fitted.model.fitted_with.starts_with(
                    "Gaussian mixture (full covariances, EM as scikit-learn's GaussianMixture): mean log-likelihood "
                ),
                "{}",
                fitted.model.fitted_with
            );
            let json = fitted.model.to_json();
            assert!(json.contains("\"precision_cholesky\""));
            let back: ClusterModel = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, fitted.model);
            let labels = back.label(&cols).unwrap_or_else(|e| panic!("{e}"));
            let mut expected = vec![None; 60];
            for (&r, &l) in fitted.prepared.rows.iter().zip(&fitted.fit.labels) {
                expected[r] = Some(l);
            }
            assert_eq!(labels.labels, expected);
            // The model's probabilities put each row's highest on its label.
            let p = back.probabilities(&fitted.prepared).unwrap_or_else(|| panic!("probabilities"));
            for (row, &l) in p.chunks_exact(3).zip(&fitted.fit.labels) {
                assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-9);
                assert!(row.iter().all(|&q| q <= row[l as usize]), "{row:?} labelled {l}");
            }
        }
    }

    #[test]
    fn a_kmeans_model_has_no_mixture_part_and_older_files_load() {
        let (spend, visits, city) = table();
        let cols = [("spend", &spend), ("visits", &visits), ("city", &city)];
        let model =
            fit_model(&cols, &params(Missing::Drop), None, input(), &mut Quiet).unwrap_or_else(|e| panic!("{e}")).model;
        assert!(model.mixture.is_none() && !model.to_json().contains("mixture"));
        let (prepared, _) = model.prepare(&cols).unwrap_or_else(|e| panic!("{e}"));
        assert!(model.probabilities(&prepared).is_none());
    }

    #[test]
    fn a_damaged_mixture_part_is_named() {
        let (spend, visits, city) = table();
        let cols = [("spend", &spend), ("visits", &visits), ("city", &city)];
        let model = fit_model(&cols, &mixture_params(Missing::Drop), None, input(), &mut Quiet)
            .unwrap_or_else(|e| panic!("{e}"))
            .model;
        let damaged = |change: &dyn Fn(&mut ClusterModel)| {
            let mut m = model.clone();
            change(&mut m);
            m.check().err().map(|e| e.to_string()).unwrap_or_default()
        };
        let part = |m: &mut ClusterModel| m.mixture.as_mut().map(|x| x.components.clone()).unwrap_or_default();
        assert_eq!(
            damaged(&|m| m.mixture = None),
            "the model is damaged: it is a Gaussian mixture without its mixture part; save it again from Segscope."
        );
        assert!(damaged(&|m| m.algorithm = "kmeans".into())
            .contains("it has a mixture part, but its algorithm is `kmeans`"));
        assert!(damaged(&|m| {
            let mut c = part(m);
            c.pop();
            m.mixture.as_mut().into_iter().for_each(|x| x.components = c.clone());
        })
        .contains("its mixture has 2 components for 3 clusters"));
        assert!(damaged(&|m| m.mixture.as_mut().into_iter().for_each(|x| x.components[1].weight = -0.1))
            .contains("mixture component 2 has the weight -0.1, where a weight must be above 0"));
        assert!(damaged(&|m| m.mixture.as_mut().into_iter().for_each(|x| x.components[0].weight *= 2.0))
            .contains("its mixture weights add up to"));
        assert!(damaged(&|m| m
            .mixture
            .as_mut()
            .into_iter()
            .for_each(|x| drop(x.components[2].precision_cholesky.pop())))
        .contains("mixture component 3's precision factor is not 4 × 4"));
        assert!(damaged(&|m| m
            .mixture
            .as_mut()
            .into_iter()
            .for_each(|x| x.components[0].precision_cholesky[1][1] = 0.0))
        .contains("mixture component 1's precision factor has a diagonal value at or below 0"));
        assert!(damaged(&|m| m
            .mixture
            .as_mut()
            .into_iter()
            .for_each(|x| x.components[0].precision_cholesky[0][1] = f64::NAN))
        .contains("mixture component 1's precision factor has a value that is not a finite number"));
    }

    /// Two long parallel groups along the diagonal of two correlated features, 150 rows each,
    /// and the planted group of each row.
    fn elongated() -> (ColumnData, ColumnData, Vec<u32>) {
        let (mut a, mut b, mut truth) = (Vec::new(), Vec::new(), Vec::new());
        for g in 0..2u32 {
            for i in 0..150u32 {
                let t = -6.0 + 12.0 * f64::from(i) / 149.0;
                let s = (f64::from((i * 7) % 11) - 5.0) / 5.0 * 0.4;
                let off = if g == 1 { 2.0 } else { -2.0 };
                a.push(Some((t + s + off) / 2f64.sqrt()));
                b.push(Some((t - s - off) / 2f64.sqrt()));
                truth.push(g);
            }
        }
        (ColumnData::Decimal { values: a, scale: 3 }, ColumnData::Decimal { values: b, scale: 3 }, truth)
    }

    #[test]
    fn elongated_groups_are_found_by_the_mixture_where_kmeans_cuts_across_them() {
        let (a, b, truth) = elongated();
        let cols = [("a", &a), ("b", &b)];
        let f =
            |c: &str| FeatureSpec { column: c.into(), log: false, scaling: Scaling::Zscore, weight: 1.0, score: None };
        let ari = |method: Method| {
            let p = ClusterParams { features: vec![f("a"), f("b")], method, ..Default::default() }
                .check_fit(&Typed::Value(2))
                .unwrap_or_else(|e| panic!("{e}"));
            let fitted = fit_model(&cols, &p, None, input(), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
            crate::cluster::agreement::adjusted_rand_index(&truth, &fitted.fit.labels)
        };
        let (mixture, kmeans) = (ari(Method::Mixture), ari(Method::Kmeans));
        assert!(mixture > 0.95 && kmeans < 0.2, "ARI: mixture {mixture}, k-means {kmeans}");
    }

    #[test]
    fn a_damaged_model_says_which_part() {
        let (spend, visits, city) = table();
        let cols = [("spend", &spend), ("visits", &visits), ("city", &city)];
        let mut model =
            fit_model(&cols, &params(Missing::Drop), None, input(), &mut Quiet).unwrap_or_else(|e| panic!("{e}")).model;
        model.clusters[1].centre.pop();
        assert!(model.check().err().is_some_and(|e| e.to_string().starts_with("the model is damaged: cluster 2 has")));
    }

    #[test]
    fn a_scored_model_labels_another_file_with_its_own_cuts_after_a_trip_through_json() {
        let (spend, visits, city) = table();
        let cols = [("spend", &spend), ("visits", &visits), ("city", &city)];
        let mut p = params(Missing::Impute).params();
        p.features[0].log = false;
        p.features[0].score = Some(4);
        p.features[1].score = Some(3);
        let valid = p.check_fit(&Typed::Value(3)).unwrap_or_else(|e| panic!("{e}"));
        let fitted = fit_model(&cols, &valid, None, input(), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        let model = &fitted.model;
        assert_eq!(model.columns[0].cuts.as_ref().map(Vec::len), Some(3));
        assert_eq!(model.columns[0].label(), "spend (score 1–4)");
        let json = model.to_json();
        assert!(json.contains("\"score\": 4") && json.contains("\"cuts\": ["), "{json}");
        let back: ClusterModel = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&back, model);
        // Its own rows, then a few of them as another file: each keeps the score the fit gave it
        // (the cuts travel; they are not fitted again on the new file).
        let mut expected = vec![None; 60];
        for (&r, &l) in fitted.prepared.rows.iter().zip(&fitted.fit.labels) {
            expected[r] = Some(l);
        }
        assert_eq!(back.label(&cols).unwrap_or_else(|e| panic!("{e}")).labels, expected);
        let rows = [2usize, 31, 58, 5];
        let pick = |d: &ColumnData| match d {
            ColumnData::Decimal { values, scale } => {
                ColumnData::Decimal { values: rows.iter().map(|&r| values[r]).collect(), scale: *scale }
            }
            ColumnData::Integer(v) => ColumnData::Integer(rows.iter().map(|&r| v[r]).collect()),
            ColumnData::Categorical { dictionary, codes } => ColumnData::Categorical {
                dictionary: dictionary.clone(),
                codes: rows.iter().map(|&r| codes[r]).collect(),
            },
            other => other.clone(),
        };
        let (s2, v2, c2) = (pick(&spend), pick(&visits), pick(&city));
        let few = back.label(&[("spend", &s2), ("visits", &v2), ("city", &c2)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(few.labels, rows.iter().map(|&r| expected[r]).collect::<Vec<_>>());
    }

    #[test]
    fn a_model_saved_before_scores_loads_and_labels_as_it_did() {
        // As an earlier version wrote it: no `score` in the features, no `cuts` in the columns.
        let old = r#"{
  "format": "segscope.cluster-model/1",
  "algorithm": "kmeans",
  "k": 2,
  "n_init": 1,
  "max_iter": 10,
  "seed": 0,
  "features": [{"column": "spend", "log": false, "scaling": "zscore", "weight": 1.0}],
  "missing": "drop",
  "columns": [{"feature": "spend", "log": false, "center": 100.0, "scale": 50.0, "weight": 1.0}],
  "clusters": [{"name": "Low", "size": 3, "centre": [-1.0]}, {"name": "High", "size": 3, "centre": [1.0]}],
  "inertia": 1.0,
  "n_iter": 2,
  "fitted_with": "k-means (exact: Lloyd's iterations)",
  "input": {"file": "t.csv", "bytes": 1, "rows": 6}
}"#;
        let model: ClusterModel = serde_json::from_str(old).unwrap_or_else(|e| panic!("{e}"));
        assert!(model.features[0].score.is_none() && model.columns[0].cuts.is_none());
        let spend =
            ColumnData::Decimal { values: vec![Some(10.0), Some(90.0), Some(110.0), Some(300.0), None], scale: 0 };
        let labels = model.label(&[("spend", &spend)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(labels.labels, [Some(0), Some(0), Some(1), Some(1), None]);
        // Saved again, it is the same file (nothing new is written for a feature without a score).
        let again: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap_or_else(|e| panic!("{e}"));
        let was: serde_json::Value = serde_json::from_str(old).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, was);
    }

    #[test]
    fn damaged_score_cuts_are_named() {
        let (spend, visits, city) = table();
        let cols = [("spend", &spend), ("visits", &visits), ("city", &city)];
        let mut p = params(Missing::Drop).params();
        p.features[0].log = false;
        p.features[0].score = Some(5);
        let valid = p.check_fit(&Typed::Value(3)).unwrap_or_else(|e| panic!("{e}"));
        let mut model = fit_model(&cols, &valid, None, input(), &mut Quiet).unwrap_or_else(|e| panic!("{e}")).model;
        model.columns[0].cuts = Some(vec![3.0, 2.0]);
        let e = model.check().err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(e, "the model is damaged: the score cuts of `spend` are not finite numbers in ascending order; save it again from Segscope.");
        model.columns[0].cuts = Some(vec![2.0]);
        model.columns[0].log = true;
        assert!(model
            .check()
            .err()
            .is_some_and(|e| e.to_string().contains("has score cuts, but only numbers and dates are scored")));
    }
}
