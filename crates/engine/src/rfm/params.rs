//! RFM settings, checked once.

use serde::{Deserialize, Serialize};

use super::errors::RfmError;

/// How R, F and M values become scores 1..B (higher is better).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Method {
    /// `score = 1 + floor(B × w / N)`: w customers have a strictly worse value, N customers are
    /// scored. Equal values always get equal scores. The default.
    Rank,
    /// Equal-count bins by rank, ties broken by customer key: `pandas.qcut(rank(method="first"), B)`.
    QuantileEqualCount,
    /// User-entered cut points per dimension, ascending, B − 1 each. Recency (days): at most the
    /// first cut scores B, … over the last cut scores 1. Frequency and monetary: below the first
    /// cut scores 1, … at or above the last scores B.
    Thresholds {
        /// Recency cuts in days.
        r: Vec<f64>,
        /// Frequency cuts in orders.
        f: Vec<f64>,
        /// Monetary cuts in money.
        m: Vec<f64>,
    },
}

/// What M measures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Monetary {
    /// Total amount.
    #[default]
    Total,
    /// Mean order value: total / orders.
    MeanOrder,
}

/// What to do with returns (negative amounts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Returns {
    /// Net them against purchases.
    #[default]
    Net,
    /// Leave them out.
    Exclude,
}

/// RFM settings as the user gave them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmParams {
    /// Scores 1..bins (3, 4 or 5).
    pub bins: u8,
    /// How values become scores.
    pub method: Method,
    /// What M measures.
    #[serde(default)]
    pub monetary: Monetary,
    /// Returns netted or excluded.
    #[serde(default)]
    pub returns: Returns,
}

impl Default for RfmParams {
    fn default() -> Self {
        RfmParams { bins: 5, method: Method::Rank, monetary: Monetary::Total, returns: Returns::Net }
    }
}

/// Settings known to be usable.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRfmParams(pub(super) RfmParams);

impl ValidRfmParams {
    /// The settings.
    pub fn params(&self) -> &RfmParams {
        &self.0
    }
}

impl RfmParams {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`RfmError::Params`] naming what is wrong: bins other than 3, 4 or 5, or thresholds that
    /// are not B − 1 ascending numbers.
    pub fn check(&self) -> Result<ValidRfmParams, RfmError> {
        if !(3..=5).contains(&self.bins) {
            return Err(RfmError::Params(format!("bins must be 3, 4 or 5 (got {}).", self.bins)));
        }
        if let Method::Thresholds { r, f, m } = &self.method {
            for (name, cuts) in [("recency", r), ("frequency", f), ("monetary", m)] {
                let want = usize::from(self.bins) - 1;
                if cuts.len() != want || cuts.windows(2).any(|w| w[0] >= w[1]) || cuts.iter().any(|c| !c.is_finite()) {
                    return Err(RfmError::Params(format!(
                        "{name} thresholds must be {want} ascending numbers for {} bins (got {}).",
                        self.bins,
                        cuts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                    )));
                }
            }
        }
        Ok(ValidRfmParams(self.clone()))
    }
}
