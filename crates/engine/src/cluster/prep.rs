//! Preparation: the chosen customer columns turned into the matrix k-means reads, and what a
//! user should know about them.
//!
//! Per feature: missing values dropped (the row is left out, counted) or imputed (median for
//! numbers, the most common value for categories); a number's score 1..B in place of its value
//! ([`super::score`], as RFM scores it); `ln(1 + x)` for skewed money and counts;
//! scaling as scikit-learn's scalers do it: z-score (`StandardScaler`, population sd), robust
//! (`RobustScaler`: median and interquartile range, numpy's linear percentiles), min–max
//! (`MinMaxScaler`, to 0..1) or none. A boolean is 0/1; a category becomes one 0/1 column per level
//! (one-hot), times a weight. Each matrix column keeps how it was made ([`PreparedColumn`]) so
//! centres can be read in original units and a model can prepare new rows the same way.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::score::{self, BINS};
use super::{Matrix, MatrixError};
use crate::table::{ColumnData, ColumnType};

/// Skewness above this ("highly skewed", Bulmer's rule of thumb) suggests `ln(1 + x)` for a
/// number of 0 or more.
pub const SKEWED: f64 = 1.0;

/// What to do with a row missing a feature's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// Leave the row out (it gets no cluster; counted).
    #[default]
    Drop,
    /// Fill it: the median for numbers, the most common value for categories.
    Impute,
}

/// How a numeric feature is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scaling {
    /// (x − mean) / population standard deviation.
    #[default]
    Zscore,
    /// (x − median) / interquartile range.
    Robust,
    /// (x − min) / (max − min).
    Minmax,
    /// As it is.
    None,
}

/// The largest weight of a feature: a thousand already lets one category outweigh every scaled
/// number, and keeps squared distances far from overflowing.
pub const MAX_WEIGHT: f64 = 1000.0;

/// One feature as the user chose it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpec {
    /// The column.
    pub column: String,
    /// Take `ln(1 + x)` first (numbers of 0 or more).
    #[serde(default)]
    pub log: bool,
    /// Scaling of a number (after the log).
    #[serde(default)]
    pub scaling: Scaling,
    /// Multiplies each 0/1 column of a category (one-hot), so it weighs less or more than the
    /// numbers: above 0 and at most [`MAX_WEIGHT`].
    #[serde(default = "one")]
    pub weight: f64,
    /// Use the number's score 1..B instead of its value, with this many equal-count bins B
    /// ([`BINS`]), the way RFM scores work: a larger number scores higher, and a later date (fewer
    /// days before the as-of date) scores higher. The score is then scaled like any number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
}

fn one() -> f64 {
    1.0
}

impl FeatureSpec {
    /// Checks what can be checked without the data: a weight above 0 and at most [`MAX_WEIGHT`], a number of score bins in
    /// [`BINS`], and not both a score and ln(1 + x).
    ///
    /// # Errors
    /// [`PrepError`] naming the feature.
    pub fn check(&self) -> Result<(), PrepError> {
        let name = || self.column.clone();
        if !(self.weight > 0.0 && self.weight <= MAX_WEIGHT) {
            return Err(PrepError::BadWeight { name: name(), weight: self.weight });
        }
        match self.score {
            Some(bins) if !BINS.contains(&bins) => Err(PrepError::ScoreBins { name: name(), bins }),
            Some(_) if self.log => Err(PrepError::ScoreWithLog { name: name() }),
            _ => Ok(()),
        }
    }
}

/// One column of the prepared matrix: value = (f(x) − center) / scale × weight, where f is the
/// score when `cuts` are given, `ln(1 + x)` when `log`, and x is the number, or 1/0 for "is `level`".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreparedColumn {
    /// The feature's column.
    pub feature: String,
    /// For a category, the level this 0/1 column stands for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The value a missing one is given (when imputing; for a category, 1 for the most common level).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impute: Option<f64>,
    /// The feature is a date, read as whole days before the model's as-of date (a last order
    /// date becomes recency, a first order date tenure).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub days: bool,
    /// The feature is a boolean, read as 1 for true and 0 for false (the warehouse SQL needs to
    /// know; a model saved before this was recorded reads its booleans as numbers there).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub boolean: bool,
    /// For a scored feature, the cut points between its scores, ascending, in the feature's units
    /// (days for a date): the number is replaced by its score ([`score::score`]) before the
    /// scaling. Absent for a number taken as it is (and in models saved before scores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuts: Option<Vec<f64>>,
    /// `ln(1 + x)` was taken.
    pub log: bool,
    /// Subtracted after the log.
    pub center: f64,
    /// Divided by after centering (1 when the spread is 0).
    pub scale: f64,
    /// Multiplied by last.
    pub weight: f64,
}

impl Default for PreparedColumn {
    /// A number taken as it is: no level, nothing imputed, no log, centre 0, scale 1, weight 1.
    fn default() -> Self {
        PreparedColumn {
            feature: String::new(),
            level: None,
            impute: None,
            days: false,
            boolean: false,
            cuts: None,
            log: false,
            center: 0.0,
            scale: 1.0,
            weight: 1.0,
        }
    }
}

impl PreparedColumn {
    /// The name this column goes by: the feature, `feature=level` for a category's level, or
    /// `feature (score 1–B)` for a scored feature, whose values are scores.
    pub fn label(&self) -> String {
        match (&self.level, &self.cuts) {
            (Some(level), _) => format!("{}={level}", self.feature),
            // Cannot saturate: cuts.len() ≤ isize::MAX / 8.
            (None, Some(cuts)) => format!("{} (score 1–{})", self.feature, cuts.len().saturating_add(1)),
            (None, None) => self.feature.clone(),
        }
    }

    /// A number of the feature in this column's units: its score for a scored feature, else itself.
    pub fn in_units(&self, x: f64) -> f64 {
        match &self.cuts {
            Some(cuts) => score::score(cuts, self.days, x),
            None => x,
        }
    }

    /// Row `i`'s prepared value, from its feature's values: `None` when it is missing and not
    /// imputed, or cannot be prepared (the log of a number below −1). `level_code` is the code of
    /// this column's level among a category's levels (`None`: the level is not among them).
    pub(super) fn value(&self, raw: &Raw, level_code: Option<u32>, i: usize) -> Option<f64> {
        match raw {
            Raw::Numbers(values) => {
                let mut x = self.in_units(values.get(i).copied().flatten().or(self.impute)?);
                if self.log {
                    x = x.ln_1p();
                }
                Some((x - self.center) / self.scale * self.weight).filter(|v| v.is_finite())
            }
            Raw::Levels { codes, .. } => match codes.get(i).copied().flatten() {
                Some(c) => Some(f64::from(u8::from(Some(c) == level_code)) * self.weight),
                None => self.impute.map(|v| v * self.weight),
            },
        }
    }

    /// A prepared value back in the feature's units (for a category, the share of the level; for a
    /// scored feature, the score).
    pub fn original(&self, prepared: f64) -> f64 {
        let x = prepared / self.weight * self.scale + self.center;
        if self.log {
            x.exp_m1()
        } else {
            x
        }
    }
}

/// Something about the features that a user can act on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrepWarning {
    /// A feature has one value: it cannot tell customers apart.
    Constant {
        /// The feature.
        feature: String,
    },
    /// Two features move together: together they count the same thing twice.
    Correlated {
        /// The first feature.
        a: String,
        /// The second.
        b: String,
        /// Their Pearson correlation.
        r: f64,
    },
    /// One feature has most of the variance (after scaling): the clusters will follow it alone.
    Dominant {
        /// The feature.
        feature: String,
        /// Its share of the total variance.
        share: f64,
    },
    /// A category with very many levels: one column each.
    ManyLevels {
        /// The feature.
        feature: String,
        /// Its levels.
        levels: usize,
    },
    /// A scored feature got fewer scores than bins asked for: many customers share a value, so
    /// some equal-count bins had the same edges and were merged (as `pandas.qcut` drops them).
    FewerScores {
        /// The feature.
        feature: String,
        /// The bins asked for.
        bins: u8,
        /// The scores it got.
        scores: usize,
    },
    /// A skewed number that `ln(1 + x)` would even out.
    Skewed {
        /// The feature.
        feature: String,
        /// Its skewness (Fisher–Pearson, as scipy's `skew`).
        skew: f64,
    },
}

impl PrepWarning {
    /// The warning as a sentence that says what to do.
    pub fn message(&self) -> String {
        match self {
            PrepWarning::Constant { feature } => {
                format!("`{feature}` has the same value for every customer, so it cannot separate clusters; leave it out.")
            }
            PrepWarning::Correlated { a, b, r } => format!(
                "`{a}` and `{b}` move together (correlation {r:.2}), so together they weigh twice; keep one of them."
            ),
            PrepWarning::Dominant { feature, share } => format!(
                "`{feature}` holds {:.0}% of the variance, so the clusters will mostly follow it; scale it (z-score or robust) or leave it out.",
                share * 100.0
            ),
            PrepWarning::ManyLevels { feature, levels } => format!(
                "`{feature}` has {levels} categories, one column each; group rare ones or leave it out."
            ),
            PrepWarning::FewerScores { feature, bins, scores } => format!(
                "`{feature}` got {scores} scores instead of {bins}: so many customers share the same values that some equal-count bins had the same edges and were merged; choose fewer bins, or use its value instead of a score."
            ),
            PrepWarning::Skewed { feature, skew } => format!(
                "`{feature}` is skewed (skewness {skew:.1}): a few large values will drive the clusters; consider ln(1 + x)."
            ),
        }
    }
}

/// The most prepared columns (numbers, and one per level of a category) a clustering takes: a
/// thousand covers every real segmentation (a professional model rarely has more than a few dozen),
/// and keeps the work a fit, its picture (a d × d covariance) and a mixture's covariances imply
/// within reach of a browser tab.
pub const MAX_PREPARED_COLUMNS: usize = 1_000;

/// What to make smaller when the prepared matrix is too large.
const MATRIX_ADVICE: &str =
    "choose fewer features or categories with fewer levels, or cluster a sample of the rows (open the file as a sample, or use the command line).";

/// Why features cannot be prepared.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PrepError {
    /// No feature was chosen.
    #[error("choose at least one feature to cluster on.")]
    NoFeatures,
    /// A feature is not a column.
    #[error("there is no column named `{name}`. The columns are: {available}.")]
    UnknownColumn {
        /// The name given.
        name: String,
        /// The columns there are.
        available: String,
    },
    /// A text feature.
    #[error("`{name}` is {ty}; cluster on numbers, booleans, dates (read as days before the as-of date) or categories; for text with few values, set the column's type to categorical.")]
    WrongType {
        /// The feature.
        name: String,
        /// Its type.
        ty: ColumnType,
    },
    /// `ln(1 + x)` of a value below 0.
    #[error("`{name}` has a value below 0 ({value}), so ln(1 + x) cannot be taken; turn the log off for it.")]
    NegativeLog {
        /// The feature.
        name: String,
        /// The value.
        value: f64,
    },
    /// A weight that is not a positive number.
    #[error("the weight of `{name}` must be a number above 0 and at most {MAX_WEIGHT} (got {weight}).")]
    BadWeight {
        /// The feature.
        name: String,
        /// The weight given.
        weight: f64,
    },
    /// A number of score bins outside [`BINS`].
    #[error("`{name}` is scored with {bins} bins; choose from 2 to 10 bins (5 gives scores 1 to 5, as in RFM).")]
    ScoreBins {
        /// The feature.
        name: String,
        /// The bins given.
        bins: u8,
    },
    /// A score asked of a feature that has no order to score (a category or a boolean).
    #[error("`{name}` is {ty}, which has no scores; score numbers or dates only, or turn the score off for `{name}`.")]
    ScoreNotNumber {
        /// The feature.
        name: String,
        /// Its type.
        ty: ColumnType,
    },
    /// A score and ln(1 + x) asked of the same feature.
    #[error("`{name}` is both scored and set to ln(1 + x), but ln(1 + x) changes no score (it keeps the order of the values); turn off the log or the score of `{name}`.")]
    ScoreWithLog {
        /// The feature.
        name: String,
    },
    /// A date feature with no as-of date to count days from.
    #[error("`{name}` is a date, read as days before the as-of date, but there is no as-of date: give one, or attach the transactions.")]
    NoAsOf {
        /// The feature.
        name: String,
    },
    /// Every row misses a feature.
    #[error("no customer has every feature ({dropped} rows miss at least one); impute missing values or choose other features.")]
    NoRows {
        /// Rows left out.
        dropped: usize,
    },
    /// The matrix could not be made.
    #[error(transparent)]
    Matrix(#[from] MatrixError),
    /// A text feature with more distinct values than a level code can number.
    #[error("`{name}` has more distinct values than can be numbered as categories; choose another feature.")]
    TooManyLevels {
        /// The feature.
        name: String,
    },
    /// More prepared columns than a clustering takes ([`MAX_PREPARED_COLUMNS`]).
    #[error("the features make {columns} prepared columns (a category's levels count one each), more than the {max} a clustering takes; choose fewer features, or group a category's rare levels (or leave it out).", max = crate::format::thousands(MAX_PREPARED_COLUMNS))]
    TooManyColumns {
        /// Prepared columns the features make.
        columns: usize,
    },
    /// The prepared matrix would pass the memory one step may use ([`crate::budget`]).
    #[error(transparent)]
    Budget(#[from] crate::budget::TooLarge),
    /// More prepared values than can be counted.
    #[error("{rows} rows × {columns} prepared columns are more values than can be held; choose fewer features, or categories with fewer levels.")]
    TooManyValues {
        /// Rows: customers kept, or clusters' centres.
        rows: usize,
        /// Prepared columns (a category's levels each count).
        columns: usize,
    },
}

/// The prepared features.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// One row per customer kept.
    pub matrix: Matrix,
    /// The table row of each matrix row.
    pub rows: Vec<usize>,
    /// Rows left out for a missing value.
    pub dropped: usize,
    /// How each matrix column was made.
    pub columns: Vec<PreparedColumn>,
    /// What the user should know.
    pub warnings: Vec<PrepWarning>,
}

/// A feature's values read as numbers, or its levels.
pub(super) enum Raw {
    Numbers(Vec<Option<f64>>),
    Levels { names: Vec<String>, codes: Vec<Option<u32>> },
}

/// Prepares `features` of the columns `table` (name, values), all of the same length. A date
/// feature is read as whole days before `as_of` (days since 1970-01-01).
///
/// # Errors
/// [`PrepError`] naming the feature that cannot be used.
pub fn prepare(
    table: &[(&str, &ColumnData)],
    features: &[FeatureSpec],
    missing: Missing,
    as_of: Option<i32>,
) -> Result<Prepared, PrepError> {
    if features.is_empty() {
        return Err(PrepError::NoFeatures);
    }
    let n = table.first().map_or(0, |(_, d)| d.len());
    let mut raws = Vec::with_capacity(features.len());
    for f in features {
        let data = find(table, &f.column)?;
        f.check()?;
        if matches!(data, ColumnData::Text(_)) {
            return Err(PrepError::WrongType { name: f.column.clone(), ty: data.column_type() });
        }
        if f.score.is_some() && matches!(data, ColumnData::Categorical { .. } | ColumnData::Boolean(_)) {
            return Err(PrepError::ScoreNotNumber { name: f.column.clone(), ty: data.column_type() });
        }
        raws.push(raw(&f.column, data, n, as_of)?);
    }
    let rows = kept_rows(&raws, n, missing);
    if rows.is_empty() {
        return Err(PrepError::NoRows { dropped: n });
    }
    let mut warnings = Vec::new();
    // Each prepared column with the feature it reads and its level's code there.
    let mut columns: Vec<(PreparedColumn, usize, Option<u32>)> = Vec::new();
    for (index, (f, r)) in features.iter().zip(&raws).enumerate() {
        match r {
            Raw::Numbers(values) => {
                let kept: Vec<f64> = rows.iter().filter_map(|&i| values.get(i).copied().flatten()).collect();
                let impute = (missing == Missing::Impute).then(|| median(&kept)).filter(|m| m.is_finite());
                let mut x: Vec<f64> =
                    rows.iter().map(|&i| values.get(i).copied().flatten().or(impute).unwrap_or(0.0)).collect();
                let data = find(table, &f.column)?;
                let days = is_date(data);
                // A score's cuts are fitted on the values kept, imputed ones included.
                let cuts = f.score.map(|bins| {
                    let cuts = score::fit_cuts(&x, bins, days);
                    // Cannot saturate: cuts.len() ≤ isize::MAX / 8.
                    let scores = cuts.len().saturating_add(1);
                    if scores < usize::from(bins) {
                        warnings.push(PrepWarning::FewerScores { feature: f.column.clone(), bins, scores });
                    }
                    x.iter_mut().for_each(|v| *v = score::score(&cuts, days, *v));
                    cuts
                });
                if f.log {
                    if let Some(&v) = x.iter().find(|&&v| v < 0.0) {
                        return Err(PrepError::NegativeLog { name: f.column.clone(), value: v });
                    }
                    x.iter_mut().for_each(|v| *v = v.ln_1p());
                }
                let skew = skewness(&x);
                if !f.log && cuts.is_none() && skew > SKEWED && x.iter().all(|&v| v >= 0.0) {
                    warnings.push(PrepWarning::Skewed { feature: f.column.clone(), skew });
                }
                let (center, spread) = match f.scaling {
                    Scaling::Zscore => {
                        let (m, var) = mean_var(&x);
                        (m, var.sqrt())
                    }
                    Scaling::Robust => {
                        let mut s = x.clone();
                        s.sort_by(f64::total_cmp);
                        (percentile(&s, 0.5), percentile(&s, 0.75) - percentile(&s, 0.25))
                    }
                    Scaling::Minmax => {
                        let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
                        let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        (lo, hi - lo)
                    }
                    Scaling::None => (0.0, 1.0),
                };
                // As scikit-learn: a spread of 0 divides by 1.
                let scale = if spread > 0.0 && spread.is_finite() { spread } else { 1.0 };
                let column = PreparedColumn {
                    feature: f.column.clone(),
                    level: None,
                    impute,
                    days,
                    boolean: matches!(data, ColumnData::Boolean(_)),
                    cuts,
                    log: f.log,
                    center,
                    scale,
                    weight: 1.0,
                };
                columns.push((column, index, None));
            }
            Raw::Levels { names, codes } => {
                if names.len() > 50 {
                    warnings.push(PrepWarning::ManyLevels { feature: f.column.clone(), levels: names.len() });
                }
                let mut counts = vec![0usize; names.len()];
                for &i in &rows {
                    if let Some(c) = codes.get(i).copied().flatten().and_then(|c| counts.get_mut(c as usize)) {
                        // Cannot saturate: one per row.
                        *c = c.saturating_add(1);
                    }
                }
                let mode = counts.iter().enumerate().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0))).map(|(c, _)| c);
                for (level, name) in names.iter().enumerate() {
                    let impute = (missing == Missing::Impute).then(|| if Some(level) == mode { 1.0 } else { 0.0 });
                    let column = PreparedColumn {
                        feature: f.column.clone(),
                        level: Some(name.clone()),
                        impute,
                        days: false,
                        boolean: false,
                        cuts: None,
                        log: false,
                        center: 0.0,
                        scale: 1.0,
                        weight: f.weight,
                    };
                    columns.push((column, index, Some(level as u32)));
                }
            }
        }
    }
    if columns.len() > MAX_PREPARED_COLUMNS {
        return Err(PrepError::TooManyColumns { columns: columns.len() });
    }
    // The columns' values and the matrix made of them are both held for a moment.
    crate::budget::cells::<f64>(
        &[rows.len(), columns.len(), 2],
        || {
            format!(
                "{} customers × {} prepared columns",
                crate::format::thousands(rows.len()),
                crate::format::thousands(columns.len())
            )
        },
        MATRIX_ADVICE,
    )?;
    let prepared: Vec<(PreparedColumn, Vec<f64>)> = columns
        .into_iter()
        .map(|(c, index, code)| {
            let values = match raws.get(index) {
                Some(raw) => rows.iter().map(|&i| c.value(raw, code, i).unwrap_or(0.0)).collect(),
                None => Vec::new(),
            };
            (c, values)
        })
        .collect();
    warn_about(features, &prepared, &mut warnings);
    let d = prepared.len();
    let cells = rows.len().checked_mul(d).ok_or(PrepError::TooManyValues { rows: rows.len(), columns: d })?;
    let mut values = crate::budget::filled(cells, 0.0, || format!("{} prepared values", cells), MATRIX_ADVICE)?;
    for (i, row) in values.chunks_exact_mut(d.max(1)).enumerate() {
        for (slot, (_, col)) in row.iter_mut().zip(&prepared) {
            if let Some(&v) = col.get(i) {
                *slot = v;
            }
        }
    }
    let matrix = Matrix::new(values, d)?;
    Ok(Prepared {
        matrix,
        // Cannot saturate: the rows kept are some of the n.
        dropped: n.saturating_sub(rows.len()),
        rows,
        columns: prepared.into_iter().map(|(c, _)| c).collect(),
        warnings,
    })
}

/// A column offered as a feature, with what a user weighs when choosing it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureChoice {
    /// The column.
    pub name: String,
    /// Its type.
    pub column_type: ColumnType,
    /// Rows missing a value.
    pub missing: u64,
    /// For a category, its levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<usize>,
    /// For a number, its skewness (as scipy's `skew`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skew: Option<f64>,
    /// True when `ln(1 + x)` is suggested: a skewed number with no value below 0.
    pub suggest_log: bool,
    /// Why it cannot be a feature, when it cannot (text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<String>,
}

/// Every column of `table` (name, values) as a feature to choose, with its missing count, levels
/// and skewness; `as_of` is the date date columns count days back from.
pub fn choices(table: &[(&str, &ColumnData)], as_of: Option<i32>) -> Vec<FeatureChoice> {
    table
        .iter()
        .map(|(name, data)| {
            let n = data.len();
            let missing = (0..n).filter(|&i| data.is_missing(i)).count() as u64;
            let mut choice = FeatureChoice {
                name: (*name).to_string(),
                column_type: data.column_type(),
                missing,
                levels: None,
                skew: None,
                suggest_log: false,
                unusable: None,
            };
            match data {
                // Text is not a feature (its levels are not counted: a key column has one per row).
                ColumnData::Text(_) => {
                    let e = PrepError::WrongType { name: (*name).to_string(), ty: data.column_type() };
                    choice.unusable = Some(e.to_string());
                }
                ColumnData::Categorical { dictionary, .. } => choice.levels = Some(dictionary.len()),
                _ => match raw(name, data, n, as_of) {
                    Ok(Raw::Numbers(values)) => {
                        let x: Vec<f64> = values.into_iter().flatten().collect();
                        let skew = skewness(&x);
                        choice.suggest_log =
                            !matches!(data, ColumnData::Boolean(_)) && skew > SKEWED && x.iter().all(|&v| v >= 0.0);
                        choice.skew = Some(skew);
                    }
                    Ok(Raw::Levels { names, .. }) => choice.levels = Some(names.len()),
                    Err(e) => choice.unusable = Some(e.to_string()),
                },
            }
            choice
        })
        .collect()
}

/// The column named `name`, or the error that lists the columns there are.
pub(super) fn find<'t>(table: &[(&str, &'t ColumnData)], name: &str) -> Result<&'t ColumnData, PrepError> {
    table.iter().find(|(n, _)| *n == name).map(|(_, d)| *d).ok_or_else(|| PrepError::UnknownColumn {
        name: name.to_string(),
        available: table.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", "),
    })
}

/// The rows kept: all of them when imputing, else those with every feature.
pub(super) fn kept_rows(raws: &[Raw], n: usize, missing: Missing) -> Vec<usize> {
    match missing {
        Missing::Impute => (0..n).collect(),
        Missing::Drop => (0..n)
            .filter(|&i| {
                raws.iter().all(|r| match r {
                    Raw::Numbers(v) => v.get(i).copied().flatten().is_some(),
                    Raw::Levels { codes, .. } => codes.get(i).copied().flatten().is_some(),
                })
            })
            .collect(),
    }
}

fn is_date(data: &ColumnData) -> bool {
    matches!(data, ColumnData::Date(_) | ColumnData::Datetime(_))
}

/// Seconds in a day, for date-times read as days.
const DAY_SECONDS: i64 = 86_400;

/// A feature's values: numbers (a boolean as 0/1, a date as days before `as_of`), or the levels
/// of a category or a text column.
pub(super) fn raw(name: &str, data: &ColumnData, n: usize, as_of: Option<i32>) -> Result<Raw, PrepError> {
    let no_as_of = || PrepError::NoAsOf { name: name.to_string() };
    Ok(match data {
        ColumnData::Integer(_) | ColumnData::Decimal { .. } => Raw::Numbers((0..n).map(|i| data.number(i)).collect()),
        ColumnData::Boolean(v) => Raw::Numbers(v.iter().map(|b| b.map(|b| f64::from(u8::from(b)))).collect()),
        ColumnData::Date(v) => {
            let as_of = as_of.ok_or_else(no_as_of)?;
            Raw::Numbers(v.iter().map(|d| d.map(|d| f64::from(as_of) - f64::from(d))).collect())
        }
        ColumnData::Datetime(v) => {
            let as_of = as_of.ok_or_else(no_as_of)?;
            Raw::Numbers(v.iter().map(|s| s.map(|s| f64::from(as_of) - s.div_euclid(DAY_SECONDS) as f64)).collect())
        }
        ColumnData::Categorical { dictionary, codes } => {
            Raw::Levels { names: dictionary.clone(), codes: codes.clone() }
        }
        ColumnData::Text(v) => {
            // Levels in order of first appearance; a model reads them by name.
            let mut names: Vec<String> = Vec::new();
            let mut index: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
            let mut codes = Vec::with_capacity(v.len());
            for t in v {
                let code = match t.as_deref() {
                    None => None,
                    Some(t) => Some(match index.entry(t) {
                        std::collections::hash_map::Entry::Occupied(e) => *e.get(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            let code = u32::try_from(names.len())
                                .map_err(|_| PrepError::TooManyLevels { name: name.to_string() })?;
                            names.push(t.to_string());
                            *e.insert(code)
                        }
                    }),
                };
                codes.push(code);
            }
            Raw::Levels { names, codes }
        }
    })
}

/// Constant features, pairs correlated above 0.95, and a feature with more than 90% of the variance.
fn warn_about(features: &[FeatureSpec], columns: &[(PreparedColumn, Vec<f64>)], warnings: &mut Vec<PrepWarning>) {
    let numeric: Vec<(&str, &[f64], f64)> = columns
        .iter()
        .filter(|(c, _)| c.level.is_none())
        .map(|(c, v)| (c.feature.as_str(), v.as_slice(), mean_var(v).1))
        .collect();
    for (name, _, var) in &numeric {
        if *var == 0.0 {
            warnings.push(PrepWarning::Constant { feature: (*name).to_string() });
        }
    }
    let mut rest = numeric.as_slice();
    while let Some((a, later)) = rest.split_first() {
        for b in later {
            if a.2 > 0.0 && b.2 > 0.0 {
                let r = correlation(a.1, b.1);
                if r.abs() > 0.95 {
                    warnings.push(PrepWarning::Correlated { a: a.0.to_string(), b: b.0.to_string(), r });
                }
            }
        }
        rest = later;
    }
    let total: f64 = columns.iter().map(|(_, v)| mean_var(v).1).sum();
    if features.len() > 1 && total > 0.0 {
        for (name, _, var) in &numeric {
            if var / total > 0.9 {
                warnings.push(PrepWarning::Dominant { feature: (*name).to_string(), share: var / total });
            }
        }
    }
}

/// Mean and population variance.
fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len().max(1) as f64;
    let mean = x.iter().sum::<f64>() / n;
    (mean, x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n)
}

/// Pearson correlation of two columns of the same length with non-zero variance.
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let (ma, va) = mean_var(a);
    let (mb, vb) = mean_var(b);
    let cov = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum::<f64>() / a.len().max(1) as f64;
    cov / (va * vb).sqrt()
}

/// Fisher–Pearson skewness (biased, as scipy's `skew`); 0 for a constant.
pub(crate) fn skewness(x: &[f64]) -> f64 {
    let (m, var) = mean_var(x);
    if var == 0.0 {
        return 0.0;
    }
    let n = x.len().max(1) as f64;
    x.iter().map(|v| (v - m).powi(3)).sum::<f64>() / n / var.powf(1.5)
}

/// The median of unsorted values (NaN for none).
fn median(x: &[f64]) -> f64 {
    let mut s = x.to_vec();
    s.sort_by(f64::total_cmp);
    percentile(&s, 0.5)
}

/// numpy's default (linear) percentile of sorted values, `q` in 0..1; NaN for none.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    crate::stats::quantile_sorted(sorted, q).unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spend() -> ColumnData {
        ColumnData::Decimal {
            values: vec![Some(3.0), Some(10.0), Some(1.0), Some(250.0), Some(7.0), Some(0.0)],
            scale: 0,
        }
    }

    fn feature(column: &str, scaling: Scaling, log: bool) -> FeatureSpec {
        FeatureSpec { column: column.into(), log, scaling, weight: 1.0, score: None }
    }

    fn column(p: &Prepared, j: usize) -> Vec<f64> {
        (0..p.matrix.rows()).map(|i| p.matrix.row(i)[j]).collect()
    }

    fn close(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        assert!(a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12), "{a:?} vs {b:?}");
    }

    #[test]
    fn scalings_equal_scikit_learns_scalers() {
        // sklearn 1.9.1 StandardScaler, RobustScaler, MinMaxScaler, and StandardScaler of np.log1p, on the same values.
        let data = spend();
        let table = [("spend", &data)];
        let cases: [(Scaling, bool, [f64; 6]); 4] = [
            (
                Scaling::Zscore,
                false,
                [
                    -0.4599901160210527,
                    -0.3836281204760558,
                    -0.48180782903390895,
                    2.234497441066695,
                    -0.4163546899953402,
                    -0.4927166855403371,
                ],
            ),
            (
                Scaling::Robust,
                false,
                [
                    -0.25806451612903225,
                    0.6451612903225806,
                    -0.5161290322580645,
                    31.612903225806452,
                    0.25806451612903225,
                    -0.6451612903225806,
                ],
            ),
            (Scaling::Minmax, false, [0.012, 0.04, 0.004, 1.0, 0.028, 0.0]),
            (
                Scaling::Zscore,
                true,
                [
                    -0.3556118006046695,
                    0.21775606347526588,
                    -0.7484824611809431,
                    1.990432460095959,
                    0.0372588599716041,
                    -1.1413531217572168,
                ],
            ),
        ];
        for (scaling, log, expected) in cases {
            let p = prepare(&table, &[feature("spend", scaling, log)], Missing::Drop, None)
                .unwrap_or_else(|e| panic!("{e}"));
            close(&column(&p, 0), &expected);
            // Back in original units.
            let back: Vec<f64> = column(&p, 0).iter().map(|&v| p.columns[0].original(v)).collect();
            close(&back, &[3.0, 10.0, 1.0, 250.0, 7.0, 0.0]);
        }
    }

    #[test]
    fn missing_values_are_dropped_and_counted_or_imputed_with_the_median_and_mode() {
        let age = ColumnData::Integer(vec![Some(30), None, Some(50), Some(40)]);
        let city = ColumnData::Categorical {
            dictionary: vec!["Ghent".into(), "Lyon".into()],
            codes: vec![Some(1), Some(1), None, Some(0)],
        };
        let table = [("age", &age), ("city", &city)];
        let features = [feature("age", Scaling::None, false), feature("city", Scaling::None, false)];
        let dropped = prepare(&table, &features, Missing::Drop, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dropped.rows, [0, 3]);
        assert_eq!(dropped.dropped, 2);
        assert_eq!(dropped.matrix.columns(), 3);
        let imputed = prepare(&table, &features, Missing::Impute, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imputed.dropped, 0);
        assert_eq!(imputed.matrix.row(1), [40.0, 0.0, 1.0]);
        assert_eq!(imputed.matrix.row(2), [50.0, 0.0, 1.0]);
        assert_eq!(imputed.columns[2].level.as_deref(), Some("Lyon"));
    }

    #[test]
    fn features_that_mislead_are_warned_about() {
        let a = spend();
        let b = ColumnData::Decimal {
            values: vec![Some(30.5), Some(100.0), Some(10.0), Some(2500.0), Some(70.0), Some(1.0)],
            scale: 1,
        };
        let flat = ColumnData::Integer(vec![Some(1); 6]);
        let table = [("spend", &a), ("spend_tenfold", &b), ("flat", &flat)];
        let features: Vec<FeatureSpec> =
            ["spend", "spend_tenfold", "flat"].iter().map(|c| feature(c, Scaling::None, false)).collect();
        let p = prepare(&table, &features, Missing::Drop, None).unwrap_or_else(|e| panic!("{e}"));
        let kinds: Vec<String> = p.warnings.iter().map(PrepWarning::message).collect();
        assert!(kinds.iter().any(|m| m.starts_with("`flat` has the same value for every customer")), "{kinds:?}");
        assert!(kinds.iter().any(|m| m.starts_with("`spend` and `spend_tenfold` move together")), "{kinds:?}");
        assert!(kinds.iter().any(|m| m.starts_with("`spend_tenfold` holds 99% of the variance")), "{kinds:?}");
    }

    #[test]
    fn a_feature_that_cannot_be_used_is_named() {
        let d = ColumnData::Date(vec![Some(1)]);
        let neg = ColumnData::Integer(vec![Some(-1)]);
        let note = ColumnData::Text(vec![Some("hello".into())]);
        let table = [("signup", &d), ("balance", &neg), ("note", &note)];
        let err = |f: FeatureSpec| {
            prepare(&table, &[f], Missing::Drop, None).err().map(|e| e.to_string()).unwrap_or_default()
        };
        assert!(err(feature("signup", Scaling::Zscore, false))
            .starts_with("`signup` is a date, read as days before the as-of date, but there is no as-of date"));
        assert!(err(feature("note", Scaling::Zscore, false)).starts_with("`note` is text;"));
        assert!(err(feature("balance", Scaling::Zscore, true)).starts_with("`balance` has a value below 0 (-1)"));
        assert!(err(feature("nope", Scaling::Zscore, false)).starts_with("there is no column named `nope`."));
        assert_eq!(prepare(&table, &[], Missing::Drop, None).err(), Some(PrepError::NoFeatures));
    }

    #[test]
    fn a_date_is_read_as_days_before_the_as_of_date() {
        let last = ColumnData::Date(vec![Some(100), Some(90), None]);
        let at = ColumnData::Datetime(vec![Some(99 * 86_400 + 3600), Some(-1), Some(0)]);
        let table = [("last_order_date", &last), ("seen", &at)];
        let features = [feature("last_order_date", Scaling::None, false), feature("seen", Scaling::None, false)];
        let p = prepare(&table, &features, Missing::Drop, Some(101)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.rows, [0, 1]);
        assert_eq!(p.matrix.row(0), [1.0, 2.0]);
        // A second before 1970-01-01 is on 1969-12-31, day -1.
        assert_eq!(p.matrix.row(1), [11.0, 102.0]);
        assert!(p.columns.iter().all(|c| c.days));
    }

    fn scored(column: &str, bins: u8) -> FeatureSpec {
        FeatureSpec { score: Some(bins), ..feature(column, Scaling::None, false) }
    }

    #[test]
    fn a_scored_number_is_its_qcut_bin_and_keeps_the_cuts() {
        // pandas 3.1: pd.qcut([3, 10, 1, 250, 7, 0], 3, labels=False) + 1 → [2, 3, 1, 3, 2, 1],
        // edges [0, 2.3333333333333335, 8, 250].
        let data = spend();
        let p =
            prepare(&[("spend", &data)], &[scored("spend", 3)], Missing::Drop, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(column(&p, 0), [2.0, 3.0, 1.0, 3.0, 2.0, 1.0]);
        let cuts = p.columns[0].cuts.clone().unwrap_or_default();
        close(&cuts, &[7.0 / 3.0, 8.0]);
        assert_eq!(p.columns[0].label(), "spend (score 1–3)");
        assert!(p.warnings.is_empty(), "a score is not skewed: {:?}", p.warnings);
        // Then scaled like any number: the z-score of the scores.
        let z = prepare(
            &[("spend", &data)],
            &[FeatureSpec { scaling: Scaling::Zscore, ..scored("spend", 3) }],
            Missing::Drop,
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let back: Vec<f64> = column(&z, 0).iter().map(|&v| z.columns[0].original(v)).collect();
        close(&back, &[2.0, 3.0, 1.0, 3.0, 2.0, 1.0]);
    }

    #[test]
    fn a_later_date_scores_higher() {
        // Days before the as-of date 101: [1, 11, 5, 31, 2]; the latest order scores 5.
        let last = ColumnData::Date(vec![Some(100), Some(90), Some(96), Some(70), Some(99)]);
        let p = prepare(&[("last_order_date", &last)], &[scored("last_order_date", 5)], Missing::Drop, Some(101))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(column(&p, 0), [5.0, 2.0, 3.0, 1.0, 4.0]);
        assert!(p.columns[0].days);
        // A new row on the same day as the latest, or later, also scores 5; long ago scores 1.
        assert_eq!((p.columns[0].in_units(0.0), p.columns[0].in_units(400.0)), (5.0, 1.0));
    }

    #[test]
    fn heavy_ties_give_fewer_scores_and_say_why() {
        let orders = ColumnData::Integer(vec![
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(2),
            Some(3),
            Some(5),
            Some(9),
        ]);
        let p = prepare(&[("orders", &orders)], &[scored("orders", 5)], Missing::Drop, None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.columns[0].cuts.as_ref().map(Vec::len), Some(2));
        assert_eq!(column(&p, 0), [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0]);
        assert_eq!(p.warnings, [PrepWarning::FewerScores { feature: "orders".into(), bins: 5, scores: 3 }]);
        assert!(p.warnings[0]
            .message()
            .starts_with("`orders` got 3 scores instead of 5: so many customers share the same values"));
    }

    #[test]
    fn imputed_values_are_scored_and_count_in_the_cuts() {
        let x = ColumnData::Integer(vec![Some(1), None, Some(2), Some(3), Some(10)]);
        let p = prepare(&[("x", &x)], &[scored("x", 2)], Missing::Impute, None).unwrap_or_else(|e| panic!("{e}"));
        // Median 2.5 fills the gap: [1, 2.5, 2, 3, 10], edges [1, 2.5, 10]; 2.5 sits on the cut.
        assert_eq!(p.columns[0].cuts, Some(vec![2.5]));
        assert_eq!(column(&p, 0), [1.0, 1.0, 1.0, 2.0, 2.0]);
    }

    #[test]
    fn a_score_that_cannot_be_taken_is_a_sentence_naming_the_feature() {
        let n = ColumnData::Integer(vec![Some(1), Some(2)]);
        let b = ColumnData::Boolean(vec![Some(true), Some(false)]);
        let c = ColumnData::Categorical { dictionary: vec!["a".into()], codes: vec![Some(0), Some(0)] };
        let table = [("n", &n), ("opt_in", &b), ("plan", &c)];
        let err = |f: FeatureSpec| {
            prepare(&table, &[f], Missing::Drop, None).err().map(|e| e.to_string()).unwrap_or_default()
        };
        assert_eq!(
            err(scored("n", 1)),
            "`n` is scored with 1 bins; choose from 2 to 10 bins (5 gives scores 1 to 5, as in RFM)."
        );
        assert!(err(scored("n", 11)).starts_with("`n` is scored with 11 bins; choose from 2 to 10"));
        assert_eq!(
            err(FeatureSpec { log: true, ..scored("n", 5) }),
            "`n` is both scored and set to ln(1 + x), but ln(1 + x) changes no score (it keeps the order of the values); turn off the log or the score of `n`."
        );
        assert_eq!(err(scored("opt_in", 5)), "`opt_in` is boolean, which has no scores; score numbers or dates only, or turn the score off for `opt_in`.");
        assert!(err(scored("plan", 5)).starts_with("`plan` is categorical, which has no scores;"));
        // The same sentence before any data is read.
        assert_eq!(scored("n", 11).check().err().map(|e| e.to_string()), Some(err(scored("n", 11))));
    }

    #[test]
    fn a_feature_without_a_score_reads_as_before() {
        let json = r#"{"feature":"spend","log":false,"center":1.0,"scale":2.0,"weight":1.0}"#;
        let c: PreparedColumn = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((c.cuts.as_ref(), c.in_units(7.0), c.label()), (None, 7.0, "spend".to_string()));
        assert!(!serde_json::to_string(&c).unwrap_or_default().contains("cuts"));
        let f: FeatureSpec = serde_json::from_str(r#"{"column":"spend"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.score, None);
        assert!(!serde_json::to_string(&f).unwrap_or_default().contains("\"score\""));
    }
}
