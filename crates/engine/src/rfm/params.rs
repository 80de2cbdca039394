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

/// The numbers of bins RFM scores can have.
pub const BINS: std::ops::RangeInclusive<u8> = 3..=5;

/// One of the three RFM dimensions, for messages about its thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Recency, in days.
    Recency,
    /// Frequency, in orders.
    Frequency,
    /// Monetary, in money.
    Monetary,
}

impl Dimension {
    /// Its name in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Recency => "recency",
            Dimension::Frequency => "frequency",
            Dimension::Monetary => "monetary",
        }
    }
}

/// Reads typed cut points for one dimension: numbers separated by commas (`30, 90, 180, 365`).
/// Their count and order are checked by [`RfmParams::check`].
///
/// ```
/// use segscope_engine::rfm::{parse_thresholds, Dimension};
///
/// assert_eq!(parse_thresholds(Dimension::Recency, "30, 90,180").unwrap(), [30.0, 90.0, 180.0]);
/// let err = parse_thresholds(Dimension::Frequency, "2,three").unwrap_err().to_string();
/// assert_eq!(err, "RFM settings: frequency thresholds must be numbers separated by commas, e.g. 30,90,180,365 (`three` is not a number).");
/// ```
///
/// # Errors
/// [`RfmError::Params`] naming the dimension and the text that is not a number.
pub fn parse_thresholds(dimension: Dimension, text: &str) -> Result<Vec<f64>, RfmError> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| {
                RfmError::Params(format!(
                    "{} thresholds must be numbers separated by commas, e.g. 30,90,180,365 (`{t}` is not a number).",
                    dimension.label()
                ))
            })
        })
        .collect()
}

impl RfmParams {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`RfmError::Params`] naming what is wrong: bins other than 3, 4 or 5 ([`BINS`]), or
    /// thresholds that are not B − 1 finite numbers in ascending order.
    pub fn check(&self) -> Result<ValidRfmParams, RfmError> {
        if !BINS.contains(&self.bins) {
            return Err(RfmError::Params(format!(
                "the number of bins must be 3, 4 or 5 (got {}); choose 5 for the usual 1–5 scores.",
                self.bins
            )));
        }
        if let Method::Thresholds { r, f, m } = &self.method {
            for (dimension, cuts) in [(Dimension::Recency, r), (Dimension::Frequency, f), (Dimension::Monetary, m)] {
                let want = usize::from(self.bins) - 1;
                if cuts.len() != want || cuts.windows(2).any(|w| w[0] >= w[1]) || cuts.iter().any(|c| !c.is_finite()) {
                    let got = cuts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                    let got = if got.is_empty() { "none".to_string() } else { got };
                    return Err(RfmError::Params(format!(
                        "{} thresholds must be {want} ascending numbers for {} bins, each above the one before (got {got}).",
                        dimension.label(),
                        self.bins,
                    )));
                }
            }
        }
        Ok(ValidRfmParams(self.clone()))
    }
}
