//! The settings of a clustering as they arrive from a form or the command line, and the one
//! check that turns them into numbers k-means can use (DECISIONS 21: the app and the CLI show the
//! same sentence for the same mistake).

use serde::{Deserialize, Serialize};

use super::errors::ClusterError;
use super::kmeans::KMeansParams;
use super::prep::{FeatureSpec, Missing, PrepError};
use super::scan::MAX_SCAN_K;
use crate::dates::{parse_optional, DateField};
use crate::typed::Typed;

/// The largest k a fit accepts: fifty segments is past what a team can name and act on (scans
/// stop at [`MAX_SCAN_K`]), and keeps k × features centres and a mixture's k covariances small.
pub const MAX_K: usize = 50;
/// The allowed restarts: scikit-learn's default is 10; past 100 more restarts no longer change
/// the best fit, only the wait.
pub const N_INIT: std::ops::RangeInclusive<usize> = 1..=100;
/// The allowed iterations per restart: k-means converges in tens (scikit-learn's default is
/// 300); 10,000 lets a slow fit finish while a mistyped 10^9 cannot run for days.
pub const MAX_ITER: std::ops::RangeInclusive<usize> = 1..=10_000;

/// How the clusters are fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// k-means: each customer with the nearest centre (exact; mini-batch above
    /// [`MINI_BATCH_ROWS`](super::kmeans::MINI_BATCH_ROWS) customers, said so).
    #[default]
    Kmeans,
    /// Mini-batch k-means at any size: faster on very large files, a little less tight.
    Minibatch,
    /// k-prototypes (Huang): numbers by their mean, each category by its most common value, a
    /// mismatch costing γ; for features that mix numbers and categories (survey answers, plans,
    /// regions).
    Kprototypes,
    /// A Gaussian mixture (full covariances, EM as scikit-learn's `GaussianMixture`): for groups
    /// of different spread or stretched along correlated features, where k-means' equal round
    /// clusters fit badly; each customer gets a probability of each cluster.
    Mixture,
}

impl Method {
    /// Every method, in the order a form offers them.
    pub const ALL: [Method; 4] = [Method::Kmeans, Method::Minibatch, Method::Kprototypes, Method::Mixture];

    /// The name on the command line and in files (`kmeans`, `minibatch`, `kprototypes`, `mixture`).
    pub fn name(self) -> &'static str {
        match self {
            Method::Kmeans => "kmeans",
            Method::Minibatch => "minibatch",
            Method::Kprototypes => "kprototypes",
            Method::Mixture => "mixture",
        }
    }

    /// The method a name stands for.
    ///
    /// # Errors
    /// [`ClusterError::Method`] listing the names there are.
    pub fn parse(name: &str) -> Result<Method, ClusterError> {
        let name = name.trim();
        Method::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| ClusterError::Method(name.to_string()))
    }

    /// The method in a few words, for a form.
    pub fn label(self) -> &'static str {
        match self {
            Method::Kmeans => "k-means",
            Method::Minibatch => "Mini-batch k-means",
            Method::Kprototypes => "k-prototypes (numbers and categories)",
            Method::Mixture => "Gaussian mixture (soft membership)",
        }
    }
}

/// The allowed weights γ of a category mismatch in k-prototypes: from a mismatch that barely
/// counts to one that outweighs any scaled number (z-scores are rarely beyond ±5).
pub const GAMMA: std::ops::RangeInclusive<f64> = 0.001..=1000.0;

/// What to cluster on and how, as typed (numbers are read by [`ClusterParams::check`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterParams {
    /// The features, each with its log, score, scaling and weight.
    pub features: Vec<FeatureSpec>,
    /// How the clusters are fitted.
    #[serde(default)]
    pub method: Method,
    /// k-prototypes only: what one category mismatch costs against squared differences of the
    /// scaled numbers; `None` or blank: half the numbers' mean standard deviation, as the
    /// `kmodes` package sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamma: Option<Typed<f64>>,
    /// Rows missing a feature: left out, or filled.
    #[serde(default)]
    pub missing: Missing,
    /// Restarts from new seeds; the lowest inertia is kept.
    pub n_init: Typed<usize>,
    /// Most Lloyd iterations per restart.
    pub max_iter: Typed<usize>,
    /// Seed of the random numbers (the same seed gives the same clusters).
    pub seed: Typed<u64>,
    /// The date a date feature counts days back from (`YYYY-MM-DD`); the default as-of date
    /// (DECISIONS 3) when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

impl Default for ClusterParams {
    /// No features yet, rows with a missing value left out, scikit-learn's k-means defaults, seed 0.
    fn default() -> Self {
        let d = KMeansParams::default();
        ClusterParams {
            features: Vec::new(),
            method: Method::Kmeans,
            gamma: None,
            missing: Missing::Drop,
            n_init: d.n_init.into(),
            max_iter: d.max_iter.into(),
            seed: d.seed.into(),
            as_of: None,
        }
    }
}

/// Settings known to be usable, as plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidClusterParams {
    /// The features.
    pub features: Vec<FeatureSpec>,
    /// How the clusters are fitted.
    pub method: Method,
    /// k-prototypes' weight of a category mismatch, when given (else from the data).
    pub gamma: Option<f64>,
    /// Rows missing a feature.
    pub missing: Missing,
    /// k-means' settings (its `k` is set by [`ClusterParams::check_fit`], else 2).
    pub kmeans: KMeansParams,
    /// The as-of date given, as days since 1970-01-01.
    pub as_of: Option<i32>,
}

impl ClusterParams {
    /// Reads and checks everything but k.
    ///
    /// # Errors
    /// [`ClusterError`] naming the setting that is not usable, with its range.
    pub fn check(&self) -> Result<ValidClusterParams, ClusterError> {
        if self.features.is_empty() {
            return Err(PrepError::NoFeatures.into());
        }
        let mut rest = self.features.as_slice();
        while let Some((f, later)) = rest.split_first() {
            if later.iter().any(|g| g.column == f.column) {
                return Err(ClusterError::Twice(f.column.clone()));
            }
            f.check()?;
            rest = later;
        }
        let n_init = self.n_init.read("the number of restarts (n_init)", N_INIT)?;
        let max_iter = self.max_iter.read("the most iterations per restart (max_iter)", MAX_ITER)?;
        let seed = self.seed.read("the seed", ..)?;
        let as_of = parse_optional(DateField::AsOf, self.as_of.as_deref())?;
        // γ is read only where it is used (a stray one under k-means is no mistake).
        let gamma = match &self.gamma {
            Some(g) if self.method == Method::Kprototypes && !g.is_blank() => {
                Some(g.read("γ, the weight of a category mismatch", GAMMA)?)
            }
            _ => None,
        };
        Ok(ValidClusterParams {
            features: self.features.clone(),
            method: self.method,
            gamma,
            missing: self.missing,
            kmeans: KMeansParams { k: 2, n_init, max_iter, seed, ..KMeansParams::default() },
            as_of,
        })
    }

    /// Checks everything for a fit with `k` clusters.
    ///
    /// # Errors
    /// As [`ClusterParams::check`], and k outside 2..=[`MAX_K`].
    pub fn check_fit(&self, k: &Typed<usize>) -> Result<ValidClusterParams, ClusterError> {
        let mut valid = self.check()?;
        valid.kmeans.k = k.read("the number of clusters (k)", 2..=MAX_K)?;
        Ok(valid)
    }

    /// Checks everything for a scan of k from `min_k` to `max_k`.
    ///
    /// # Errors
    /// As [`ClusterParams::check`], and a range that is not 2 ≤ min ≤ max ≤ [`MAX_SCAN_K`].
    pub fn check_scan(
        &self,
        min_k: &Typed<usize>,
        max_k: &Typed<usize>,
    ) -> Result<(ValidClusterParams, usize, usize), ClusterError> {
        let valid = self.check()?;
        let min = min_k.read("the smallest k", 2..=MAX_SCAN_K)?;
        let max = max_k.read("the largest k", 2..=MAX_SCAN_K)?;
        if max < min {
            return Err(ClusterError::Scan(super::scan::ScanError::BadRange { min, max }));
        }
        Ok((valid, min, max))
    }
}

impl ValidClusterParams {
    /// The settings as plain numbers, for views and files.
    pub fn params(&self) -> ClusterParams {
        ClusterParams {
            features: self.features.clone(),
            method: self.method,
            gamma: self.gamma.map(Typed::Value),
            missing: self.missing,
            n_init: self.kmeans.n_init.into(),
            max_iter: self.kmeans.max_iter.into(),
            seed: self.kmeans.seed.into(),
            as_of: self.as_of.map(|d| crate::ingest::values::date_from_days(d).to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::prep::Scaling;

    fn params() -> ClusterParams {
        let f =
            |c: &str| FeatureSpec { column: c.into(), log: false, scaling: Scaling::Zscore, weight: 1.0, score: None };
        ClusterParams { features: vec![f("age"), f("income")], ..ClusterParams::default() }
    }

    #[test]
    fn typed_numbers_are_read_with_their_range_in_the_sentence() {
        let e = params().check_fit(&Typed::Text("one".into())).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("Cluster settings: the number of clusters (k) must be a whole number from 2 to 50 (got `one`).")
        );
        let p = ClusterParams { n_init: Typed::Text("0".into()), ..params() };
        assert!(p.check().err().is_some_and(|e| e.to_string().contains("the number of restarts (n_init) must be")));
        let valid = params().check_fit(&Typed::Text(" 6 ".into())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(valid.kmeans.k, 6);
        assert_eq!(valid.params().n_init, Typed::Value(10));
    }

    #[test]
    fn a_feature_chosen_twice_or_none_is_refused() {
        let mut p = params();
        p.features.push(p.features[0].clone());
        assert_eq!(
            p.check().err().map(|e| e.to_string()).as_deref(),
            Some("`age` is chosen twice; choose each feature once.")
        );
        let none = ClusterParams::default();
        assert_eq!(
            none.check().err().map(|e| e.to_string()).as_deref(),
            Some("choose at least one feature to cluster on.")
        );
    }

    #[test]
    fn a_method_is_read_by_name_and_gamma_only_where_it_is_used() {
        for m in Method::ALL {
            assert_eq!(Method::parse(&m.name().to_uppercase()).ok(), Some(m));
        }
        assert_eq!(
            Method::parse("ward").err().map(|e| e.to_string()).as_deref(),
            Some("`ward` is not a clustering method; use kmeans, minibatch, kprototypes or mixture.")
        );
        let stray = ClusterParams { gamma: Some(Typed::Text("x".into())), ..params() };
        assert_eq!(stray.check().map(|v| v.gamma).ok(), Some(None), "k-means does not read γ");
        let kp = ClusterParams { method: Method::Kprototypes, ..stray };
        assert!(kp.check().err().is_some_and(|e| e.to_string().contains("γ, the weight of a category mismatch")));
        let blank = ClusterParams { gamma: Some(Typed::Text(" ".into())), ..kp.clone() };
        assert_eq!(blank.check().map(|v| v.gamma).ok(), Some(None), "blank: from the data");
        let given = ClusterParams { gamma: Some(Typed::Text("2".into())), ..kp };
        let valid = given.check().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(valid.params().gamma, Some(Typed::Value(2.0)));
    }

    #[test]
    fn a_scan_range_must_run_upwards() {
        let e = params().check_scan(&Typed::Value(6), &Typed::Value(3)).err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.starts_with("the range of k must run from 2")));
        let e = params().check_scan(&Typed::Value(2), &Typed::Value(40)).err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("the largest k must be a whole number from 2 to 30")));
    }
}
