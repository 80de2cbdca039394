//! RFM settings, checked once.

use serde::{Deserialize, Serialize};

use super::errors::RfmError;
use crate::typed::Typed;

/// How R, F and M values become scores 1..B (higher is better). `C` is how the cut points are
/// held: as given ([`Typed`]: numbers, or the list as typed) in [`RfmParams`], as checked numbers
/// in [`ValidRfmParams`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Method<C = Typed<Vec<f64>>> {
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
        r: C,
        /// Frequency cuts in orders.
        f: C,
        /// Monetary cuts in money.
        m: C,
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

/// RFM settings as the user gave them: the numbers as numbers or as typed, read and checked by
/// [`RfmParams::check`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmParams {
    /// Scores 1..bins ([`BINS`]: 3, 4 or 5).
    pub bins: Typed<u8>,
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
        RfmParams { bins: 5.into(), method: Method::Rank, monetary: Monetary::Total, returns: Returns::Net }
    }
}

/// Settings known to be usable: the number of bins and the cut points as plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRfmParams {
    pub(super) bins: u8,
    pub(super) method: Method<Vec<f64>>,
    pub(super) monetary: Monetary,
    pub(super) returns: Returns,
}

impl ValidRfmParams {
    /// Scores run 1..bins.
    pub fn bins(&self) -> u8 {
        self.bins
    }

    /// How values become scores, with the checked cut points.
    pub fn method(&self) -> &Method<Vec<f64>> {
        &self.method
    }

    /// The settings as checked, with plain numbers: what views show and definition files save
    /// (never the typed text).
    pub fn params(&self) -> RfmParams {
        let method = match &self.method {
            Method::Rank => Method::Rank,
            Method::QuantileEqualCount => Method::QuantileEqualCount,
            Method::Thresholds { r, f, m } => {
                Method::Thresholds { r: r.clone().into(), f: f.clone().into(), m: m.clone().into() }
            }
        };
        RfmParams { bins: self.bins.into(), method, monetary: self.monetary, returns: self.returns }
    }
}

/// The numbers of bins RFM scores can have: the 3, 4 and 5 bins that have named segment maps
/// (DECISIONS 14); a B × B grid of more cells has no standard names.
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

/// The cut points of one dimension as numbers ([`Typed::read_list`]); their count and order are
/// checked by [`RfmParams::check`].
fn cuts(dimension: Dimension, typed: &Typed<Vec<f64>>) -> Result<Vec<f64>, RfmError> {
    Ok(typed.read_list(&format!("the {} thresholds", dimension.label()))?)
}

impl RfmParams {
    /// Reads and checks the settings.
    ///
    /// ```
    /// use segscope_engine::rfm::{Method, RfmParams};
    /// use segscope_engine::typed::Typed;
    ///
    /// fn text<T>(t: &str) -> Typed<T> {
    ///     Typed::Text(t.to_string())
    /// }
    /// let method = Method::Thresholds { r: text("30, 90"), f: text("2,4"), m: text("50;100") };
    /// let valid = RfmParams { bins: text("3"), method, ..RfmParams::default() }.check().unwrap();
    /// assert_eq!(valid.bins(), 3);
    /// let err = RfmParams { bins: 7.into(), ..RfmParams::default() }.check().unwrap_err();
    /// assert_eq!(err.to_string(), "RFM settings: the number of bins must be a whole number from 3 to 5 (got `7`).");
    /// let method = Method::Thresholds { r: text("30,x,90"), f: text("2,4"), m: text("50,100") };
    /// let err = RfmParams { bins: 4.into(), method, ..RfmParams::default() }.check().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "RFM settings: the recency thresholds must be numbers separated by commas such as 30, 90, 180 (got `x`)."
    /// );
    /// ```
    ///
    /// # Errors
    /// [`RfmError::Setting`] for bins that are not 3, 4 or 5 ([`BINS`]) or cut points that are not
    /// numbers, and [`RfmError::Params`] for cut points that are not B − 1 numbers in ascending order.
    pub fn check(&self) -> Result<ValidRfmParams, RfmError> {
        let bins = self.bins.read("the number of bins", BINS)?;
        let method = match &self.method {
            Method::Rank => Method::Rank,
            Method::QuantileEqualCount => Method::QuantileEqualCount,
            Method::Thresholds { r, f, m } => Method::Thresholds {
                r: cuts(Dimension::Recency, r)?,
                f: cuts(Dimension::Frequency, f)?,
                m: cuts(Dimension::Monetary, m)?,
            },
        };
        if let Method::Thresholds { r, f, m } = &method {
            for (dimension, cuts) in [(Dimension::Recency, r), (Dimension::Frequency, f), (Dimension::Monetary, m)] {
                // bins is 3..=5 here ([`BINS`]), so the subtraction never saturates.
                let want = usize::from(bins).saturating_sub(1);
                let unordered = cuts.iter().zip(cuts.iter().skip(1)).any(|(a, b)| a >= b);
                if cuts.len() != want || unordered || cuts.iter().any(|c| !c.is_finite()) {
                    let got = cuts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                    let got = if got.is_empty() { "none".to_string() } else { got };
                    return Err(RfmError::Params(format!(
                        "{} thresholds must be {want} ascending numbers for {bins} bins, each above the one before (got {got}).",
                        dimension.label(),
                    )));
                }
            }
        }
        Ok(ValidRfmParams { bins, method, monetary: self.monetary, returns: self.returns })
    }
}
