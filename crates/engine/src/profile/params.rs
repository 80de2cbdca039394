//! The settings of a profile and of the niche finder, as a person gives them, and the one
//! `check()` each that turns them into values the computation accepts.

use std::ops::{Bound, RangeInclusive};

use serde::{Deserialize, Serialize};

use super::errors::ProfileError;
use crate::dates::{parse_optional, DateField};
use crate::stats::significance::Correction;
use crate::table::{ColumnData, ColumnType};
use crate::typed::Typed;

/// The most different values a category (or a text column read as one) may have to be profiled
/// level by level. Above it a column is a key, a name or free text rather than a trait, and is
/// listed as skipped: 50 levels still fit a table a person reads, and each level is one more test
/// in a segment's correction.
pub const MAX_LEVELS: usize = 50;

/// The significance level a trait's adjusted p-value is compared with, unless changed.
pub const DEFAULT_ALPHA: f64 = 0.05;

/// How many traits the typical customer calls out: one to ten (a sentence a person reads).
pub const CALLOUTS: RangeInclusive<u32> = 1..=10;
/// How many traits the typical customer calls out unless changed.
pub const DEFAULT_CALLOUTS: u32 = 5;

/// Days without an order after which the churn proxy counts a customer as lapsed: one day to ten
/// years.
pub const LAPSED_DAYS: RangeInclusive<u32> = 1..=3650;
/// Days without an order before the as-of date that count a customer as lapsed, unless changed.
pub const DEFAULT_LAPSED_DAYS: u32 = 365;

/// Niche size bounds as shares of all customers, and the index a niche must reach (DECISIONS 16).
pub const DEFAULT_MIN_SHARE: f64 = 0.005;
/// The largest niche, as a share of all customers, unless changed (DECISIONS 16).
pub const DEFAULT_MAX_SHARE: f64 = 0.10;
/// The index on the value column a niche must reach, unless changed (DECISIONS 16).
pub const DEFAULT_MIN_INDEX: f64 = 150.0;

/// The index a niche must reach: from 100 (the average) to 100,000 (a thousand times the
/// average: what a group of one customer in a thousand holding all the value reaches; a higher bar
/// finds nothing in practice).
pub const NICHE_INDEX: RangeInclusive<f64> = 100.0..=100_000.0;

/// The test that compares a segment's numbers with the rest's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NumberTest {
    /// Welch's t-test of the means (unequal variances); effect size Cohen's d.
    #[default]
    Welch,
    /// The Mann–Whitney U test (ranks, robust to outliers and skew); effect size the rank-biserial correlation.
    MannWhitney,
}

impl NumberTest {
    /// The test's name as a report states it.
    pub fn label(self) -> &'static str {
        match self {
            NumberTest::Welch => "Welch's t-test",
            NumberTest::MannWhitney => "Mann–Whitney U test",
        }
    }
}

/// How to profile a segmentation, as the user gave it (numbers as numbers or as typed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileOptions {
    /// The significance level adjusted p-values are compared with (`0.05` or `5%`).
    pub alpha: Typed<f64>,
    /// The correction for testing many traits of one segment at once.
    pub correction: Correction,
    /// The test for numbers.
    pub number_test: NumberTest,
    /// How many traits the typical customer calls out at most ([`CALLOUTS`]).
    pub callouts: Typed<u32>,
    /// Columns not to profile (for example those the segmentation was made from, whose
    /// differences are true by construction).
    pub leave_out: Vec<String>,
    /// The date recency and the churn proxy count back from (`YYYY-MM-DD`); blank for the
    /// default (DECISIONS 3: the day after the latest transaction).
    pub as_of: Option<String>,
    /// Days before the as-of date: a customer whose last order is older is lapsed ([`LAPSED_DAYS`]).
    pub lapsed_days: Typed<u32>,
    /// The amount column's currency, as written with its values (`€`, `USD`), when known.
    pub currency: Option<String>,
}

impl Default for ProfileOptions {
    fn default() -> Self {
        ProfileOptions {
            alpha: DEFAULT_ALPHA.into(),
            correction: Correction::default(),
            number_test: NumberTest::default(),
            callouts: DEFAULT_CALLOUTS.into(),
            leave_out: Vec::new(),
            as_of: None,
            lapsed_days: DEFAULT_LAPSED_DAYS.into(),
            currency: None,
        }
    }
}

/// Profile options known to be in range: the only kind [`super::compute`] accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidProfileOptions {
    pub(crate) alpha: f64,
    pub(crate) correction: Correction,
    pub(crate) number_test: NumberTest,
    pub(crate) callouts: usize,
    pub(crate) leave_out: Vec<String>,
    pub(crate) as_of: Option<i32>,
    pub(crate) lapsed_days: u32,
    pub(crate) currency: Option<String>,
}

/// The range of a significance level: above 0, at most one half.
fn alpha_range() -> (Bound<f64>, Bound<f64>) {
    (Bound::Excluded(0.0), Bound::Included(0.5))
}

impl ProfileOptions {
    /// Checks every setting, saying the first one out of range in a sentence.
    ///
    /// # Errors
    /// [`ProfileError::Number`] for a level, count or number of days that is not a number in its
    /// range; [`ProfileError::Date`] for an as-of date that is not `YYYY-MM-DD`.
    pub fn check(&self) -> Result<ValidProfileOptions, ProfileError> {
        Ok(ValidProfileOptions {
            alpha: self.alpha.read_fraction("the significance level", alpha_range())?,
            correction: self.correction,
            number_test: self.number_test,
            callouts: self.callouts.read("the number of traits to call out", CALLOUTS)? as usize,
            leave_out: self.leave_out.iter().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect(),
            as_of: parse_optional(DateField::AsOf, self.as_of.as_deref())?,
            lapsed_days: self
                .lapsed_days
                .read("the days without an order before a customer counts as lapsed", LAPSED_DAYS)?,
            currency: self.currency.as_ref().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
        })
    }
}

impl ValidProfileOptions {
    /// The options as checked, with plain numbers (what a manifest or report records).
    pub fn options(&self) -> ProfileOptions {
        ProfileOptions {
            alpha: self.alpha.into(),
            correction: self.correction,
            number_test: self.number_test,
            callouts: (self.callouts as u32).into(),
            leave_out: self.leave_out.clone(),
            as_of: self.as_of.map(crate::format::date),
            lapsed_days: self.lapsed_days.into(),
            currency: self.currency.clone(),
        }
    }

    /// The significance level.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The multiple-comparison correction.
    pub fn correction(&self) -> Correction {
        self.correction
    }
}

/// How to look for niches, as the user gave it (DECISIONS 16 defaults, all editable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NicheParams {
    /// The per-customer value a niche must stand out on (a number column: revenue, orders, …).
    pub value: String,
    /// The smallest niche, as a share of all customers (`0.005` or `0.5%`).
    pub min_share: Typed<f64>,
    /// The largest niche, as a share of all customers (`0.1` or `10%`).
    pub max_share: Typed<f64>,
    /// The index on the value (group mean ÷ overall mean × 100) a niche must reach.
    pub min_index: Typed<f64>,
    /// The significance level adjusted p-values are compared with.
    pub alpha: Typed<f64>,
    /// The correction across all candidates tested.
    pub correction: Correction,
    /// Columns not to cut segments by (for example those the segmentation was made from).
    pub leave_out: Vec<String>,
}

impl Default for NicheParams {
    fn default() -> Self {
        NicheParams {
            value: String::new(),
            min_share: DEFAULT_MIN_SHARE.into(),
            max_share: DEFAULT_MAX_SHARE.into(),
            min_index: DEFAULT_MIN_INDEX.into(),
            alpha: DEFAULT_ALPHA.into(),
            correction: Correction::default(),
            leave_out: Vec::new(),
        }
    }
}

/// Niche settings known to fit the columns they were checked against.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidNicheParams {
    pub(crate) value: String,
    pub(crate) min_share: f64,
    pub(crate) max_share: f64,
    pub(crate) min_index: f64,
    pub(crate) alpha: f64,
    pub(crate) correction: Correction,
    pub(crate) leave_out: Vec<String>,
}

impl NicheParams {
    /// Checks the settings against the columns a niche search will read.
    ///
    /// # Errors
    /// [`ProfileError::UnknownColumn`] or [`ProfileError::WrongType`] for the value column;
    /// [`ProfileError::Number`] for a share, index or level out of range;
    /// [`ProfileError::SharesOutOfOrder`] when the smallest share is above the largest.
    pub fn check(&self, columns: &[(&str, &ColumnData)]) -> Result<ValidNicheParams, ProfileError> {
        let purpose = "the niche finder's value";
        let value = self.value.trim();
        let data = columns.iter().rev().find(|(n, _)| *n == value).map(|(_, d)| *d).ok_or_else(|| {
            ProfileError::UnknownColumn {
                name: value.to_string(),
                purpose,
                available: super::columns::list_numbers(columns),
            }
        })?;
        if !matches!(data.column_type(), ColumnType::Integer | ColumnType::Decimal) {
            return Err(ProfileError::WrongType {
                name: value.to_string(),
                purpose,
                expected: "a number (integer or decimal)",
                found: data.column_type(),
            });
        }
        let share = (Bound::Excluded(0.0), Bound::Included(1.0));
        let min_share = self.min_share.read_fraction("the smallest niche share", share)?;
        let max_share = self.max_share.read_fraction("the largest niche share", share)?;
        if min_share > max_share {
            return Err(ProfileError::SharesOutOfOrder {
                min: crate::format::share(min_share),
                max: crate::format::share(max_share),
            });
        }
        Ok(ValidNicheParams {
            value: value.to_string(),
            min_share,
            max_share,
            min_index: self.min_index.read("the niche index", NICHE_INDEX)?,
            alpha: self.alpha.read_fraction("the significance level", alpha_range())?,
            correction: self.correction,
            leave_out: self.leave_out.iter().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect(),
        })
    }
}

impl ValidNicheParams {
    /// The settings as checked, with plain numbers.
    pub fn params(&self) -> NicheParams {
        NicheParams {
            value: self.value.clone(),
            min_share: self.min_share.into(),
            max_share: self.max_share.into(),
            min_index: self.min_index.into(),
            alpha: self.alpha.into(),
            correction: self.correction,
            leave_out: self.leave_out.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_check_and_come_back_as_plain_numbers() {
        let valid = ProfileOptions::default().check().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((valid.alpha, valid.callouts, valid.lapsed_days, valid.as_of), (0.05, 5, 365, None));
        assert_eq!(valid.options(), ProfileOptions::default());
    }

    #[test]
    fn a_significance_level_may_be_typed_as_a_percentage() {
        let options = ProfileOptions { alpha: Typed::Text("1%".into()), ..Default::default() };
        assert_eq!(options.check().map(|v| v.alpha), Ok(0.01));
    }

    #[test]
    fn out_of_range_settings_say_the_range() {
        let e = ProfileOptions { alpha: 0.0.into(), ..Default::default() }.check().unwrap_err();
        assert_eq!(
            e.to_string(),
            "the significance level must be a number above 0 and at most 0.5, as a fraction or a percentage \
             (0% to 50%) (got `0`)."
        );
        let e = ProfileOptions { callouts: 0.into(), ..Default::default() }.check().unwrap_err();
        assert_eq!(e.to_string(), "the number of traits to call out must be a whole number from 1 to 10 (got `0`).");
        let e = ProfileOptions { as_of: Some("31/12/2024".into()), ..Default::default() }.check().unwrap_err();
        assert!(e.to_string().starts_with("the as-of date `31/12/2024` is not a date"), "{e}");
    }

    #[test]
    fn niche_defaults_are_decisions_16() {
        let revenue = ColumnData::Decimal { values: vec![Some(1.0)], scale: 2 };
        let columns = [("revenue", &revenue)];
        let valid = NicheParams { value: "revenue".into(), ..Default::default() }.check(&columns);
        let valid = valid.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((valid.min_share, valid.max_share, valid.min_index), (0.005, 0.1, 150.0));
    }

    #[test]
    fn niche_value_must_be_a_number_column_that_exists() {
        let city = ColumnData::Categorical { dictionary: vec!["Lyon".into()], codes: vec![Some(0)] };
        let orders = ColumnData::Integer(vec![Some(1)]);
        let columns = [("city", &city), ("orders", &orders)];
        let e = NicheParams { value: "revenue".into(), ..Default::default() }.check(&columns).unwrap_err();
        assert_eq!(
            e.to_string(),
            "there is no column named `revenue` for the niche finder's value. Choose one of: `orders`."
        );
        let e = NicheParams { value: "city".into(), ..Default::default() }.check(&columns).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column `city` is categorical, but the niche finder's value must be a number (integer or decimal); \
             choose another column."
        );
    }

    #[test]
    fn niche_shares_must_be_in_order() {
        let orders = ColumnData::Integer(vec![Some(1)]);
        let params = NicheParams {
            value: "orders".into(),
            min_share: Typed::Text("20%".into()),
            max_share: Typed::Text("10%".into()),
            ..Default::default()
        };
        let e = params.check(&[("orders", &orders)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the smallest niche (20.0%) is larger than the largest niche (10.0%); make the smallest share at most \
             the largest."
        );
    }
}
