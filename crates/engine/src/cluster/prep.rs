//! Preparation: the chosen customer columns turned into the matrix k-means reads, and what a
//! user should know about them.
//!
//! Per feature: missing values dropped (the row is left out, counted) or imputed (median for
//! numbers, the most common value for categories); `ln(1 + x)` for skewed money and counts;
//! scaling as scikit-learn's scalers do it: z-score (`StandardScaler`, population sd), robust
//! (`RobustScaler`: median and interquartile range, numpy's linear percentiles), min–max
//! (`MinMaxScaler`, to 0..1) or none. A boolean is 0/1; a category becomes one 0/1 column per level
//! (one-hot), times a weight. Each matrix column keeps how it was made ([`PreparedColumn`]) so
//! centres can be read in original units and a model can prepare new rows the same way.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Matrix, MatrixError};
use crate::table::{ColumnData, ColumnType};

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
    /// Multiplies each 0/1 column of a category (one-hot), so it weighs less or more than the numbers.
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

/// One column of the prepared matrix: value = (f(x) − center) / scale × weight, where f is
/// `ln(1 + x)` when `log`, and x is the number, or 1/0 for "is `level`".
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
    /// `ln(1 + x)` was taken.
    pub log: bool,
    /// Subtracted after the log.
    pub center: f64,
    /// Divided by after centering (1 when the spread is 0).
    pub scale: f64,
    /// Multiplied by last.
    pub weight: f64,
}

impl PreparedColumn {
    /// A prepared value back in the feature's units (for a category, the share of the level).
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
            PrepWarning::Skewed { feature, skew } => format!(
                "`{feature}` is skewed (skewness {skew:.1}): a few large values will drive the clusters; consider ln(1 + x)."
            ),
        }
    }
}

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
    /// A text or date feature.
    #[error("`{name}` is {ty}; cluster on numbers, booleans or categories (for a date, use a derived field such as days since).")]
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
    #[error("the weight of `{name}` must be a number above 0 (got {weight}).")]
    BadWeight {
        /// The feature.
        name: String,
        /// The weight given.
        weight: f64,
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
enum Raw {
    Numbers(Vec<Option<f64>>),
    Levels { names: Vec<String>, codes: Vec<Option<u32>> },
}

/// Prepares `features` of the columns `table` (name, values), all of the same length.
///
/// # Errors
/// [`PrepError`] naming the feature that cannot be used.
pub fn prepare(
    table: &[(&str, &ColumnData)],
    features: &[FeatureSpec],
    missing: Missing,
) -> Result<Prepared, PrepError> {
    if features.is_empty() {
        return Err(PrepError::NoFeatures);
    }
    let n = table.first().map_or(0, |(_, d)| d.len());
    let mut raws = Vec::with_capacity(features.len());
    for f in features {
        let Some((_, data)) = table.iter().find(|(name, _)| *name == f.column) else {
            return Err(PrepError::UnknownColumn {
                name: f.column.clone(),
                available: table.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", "),
            });
        };
        if !(f.weight > 0.0 && f.weight.is_finite()) {
            return Err(PrepError::BadWeight { name: f.column.clone(), weight: f.weight });
        }
        raws.push(raw(&f.column, data, n)?);
    }
    // Rows kept: all with imputing, else those with every feature.
    let rows: Vec<usize> = match missing {
        Missing::Impute => (0..n).collect(),
        Missing::Drop => (0..n)
            .filter(|&i| {
                raws.iter().all(|r| match r {
                    Raw::Numbers(v) => v.get(i).copied().flatten().is_some(),
                    Raw::Levels { codes, .. } => codes.get(i).copied().flatten().is_some(),
                })
            })
            .collect(),
    };
    if rows.is_empty() {
        return Err(PrepError::NoRows { dropped: n });
    }
    let mut warnings = Vec::new();
    let mut columns: Vec<(PreparedColumn, Vec<f64>)> = Vec::new();
    for (f, r) in features.iter().zip(&raws) {
        match r {
            Raw::Numbers(values) => {
                let kept: Vec<f64> = rows.iter().filter_map(|&i| values.get(i).copied().flatten()).collect();
                let impute = (missing == Missing::Impute).then(|| median(&kept)).filter(|m| m.is_finite());
                let mut x: Vec<f64> =
                    rows.iter().map(|&i| values.get(i).copied().flatten().or(impute).unwrap_or(0.0)).collect();
                if f.log {
                    if let Some(&v) = x.iter().find(|&&v| v < 0.0) {
                        return Err(PrepError::NegativeLog { name: f.column.clone(), value: v });
                    }
                    x.iter_mut().for_each(|v| *v = v.ln_1p());
                }
                let skew = skewness(&x);
                if !f.log && skew.abs() > 2.0 && x.iter().all(|&v| v >= 0.0) {
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
                let prepared: Vec<f64> = x.iter().map(|v| (v - center) / scale).collect();
                let column = PreparedColumn {
                    feature: f.column.clone(),
                    level: None,
                    impute,
                    log: f.log,
                    center,
                    scale,
                    weight: 1.0,
                };
                columns.push((column, prepared));
            }
            Raw::Levels { names, codes } => {
                if names.len() > 50 {
                    warnings.push(PrepWarning::ManyLevels { feature: f.column.clone(), levels: names.len() });
                }
                let mut counts = vec![0usize; names.len()];
                for &i in &rows {
                    if let Some(c) = codes.get(i).copied().flatten().and_then(|c| counts.get_mut(c as usize)) {
                        *c += 1;
                    }
                }
                let mode = counts.iter().enumerate().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0))).map(|(c, _)| c);
                for (level, name) in names.iter().enumerate() {
                    let impute = (missing == Missing::Impute).then(|| if Some(level) == mode { 1.0 } else { 0.0 });
                    let prepared: Vec<f64> = rows
                        .iter()
                        .map(|&i| match codes.get(i).copied().flatten() {
                            Some(c) => f64::from(u8::from(c as usize == level)) * f.weight,
                            None => impute.unwrap_or(0.0) * f.weight,
                        })
                        .collect();
                    let column = PreparedColumn {
                        feature: f.column.clone(),
                        level: Some(name.clone()),
                        impute,
                        log: false,
                        center: 0.0,
                        scale: 1.0,
                        weight: f.weight,
                    };
                    columns.push((column, prepared));
                }
            }
        }
    }
    warn_about(features, &columns, &mut warnings);
    let d = columns.len();
    let mut values = vec![0.0; rows.len() * d];
    for (j, (_, col)) in columns.iter().enumerate() {
        for (i, v) in col.iter().enumerate() {
            if let Some(slot) = values.get_mut(i * d + j) {
                *slot = *v;
            }
        }
    }
    let matrix = Matrix::new(values, d)?;
    Ok(Prepared {
        matrix,
        dropped: n - rows.len(),
        rows,
        columns: columns.into_iter().map(|(c, _)| c).collect(),
        warnings,
    })
}

fn raw(name: &str, data: &ColumnData, n: usize) -> Result<Raw, PrepError> {
    Ok(match data {
        ColumnData::Integer(_) | ColumnData::Decimal { .. } => Raw::Numbers((0..n).map(|i| data.number(i)).collect()),
        ColumnData::Boolean(v) => Raw::Numbers(v.iter().map(|b| b.map(|b| f64::from(u8::from(b)))).collect()),
        ColumnData::Categorical { dictionary, codes } => {
            Raw::Levels { names: dictionary.clone(), codes: codes.clone() }
        }
        other => return Err(PrepError::WrongType { name: name.to_string(), ty: other.column_type() }),
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
    for (i, a) in numeric.iter().enumerate() {
        for b in numeric.iter().skip(i + 1) {
            if a.2 > 0.0 && b.2 > 0.0 {
                let r = correlation(a.1, b.1);
                if r.abs() > 0.95 {
                    warnings.push(PrepWarning::Correlated { a: a.0.to_string(), b: b.0.to_string(), r });
                }
            }
        }
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
fn skewness(x: &[f64]) -> f64 {
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
        FeatureSpec { column: column.into(), log, scaling, weight: 1.0 }
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
            let p = prepare(&table, &[feature("spend", scaling, log)], Missing::Drop).unwrap_or_else(|e| panic!("{e}"));
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
        let dropped = prepare(&table, &features, Missing::Drop).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dropped.rows, [0, 3]);
        assert_eq!(dropped.dropped, 2);
        assert_eq!(dropped.matrix.columns(), 3);
        let imputed = prepare(&table, &features, Missing::Impute).unwrap_or_else(|e| panic!("{e}"));
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
        let p = prepare(&table, &features, Missing::Drop).unwrap_or_else(|e| panic!("{e}"));
        let kinds: Vec<String> = p.warnings.iter().map(PrepWarning::message).collect();
        assert!(kinds.iter().any(|m| m.starts_with("`flat` has the same value for every customer")), "{kinds:?}");
        assert!(kinds.iter().any(|m| m.starts_with("`spend` and `spend_tenfold` move together")), "{kinds:?}");
        assert!(kinds.iter().any(|m| m.starts_with("`spend_tenfold` holds 99% of the variance")), "{kinds:?}");
    }

    #[test]
    fn a_feature_that_cannot_be_used_is_named() {
        let d = ColumnData::Date(vec![Some(1)]);
        let neg = ColumnData::Integer(vec![Some(-1)]);
        let table = [("signup", &d), ("balance", &neg)];
        let err =
            |f: FeatureSpec| prepare(&table, &[f], Missing::Drop).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err(feature("signup", Scaling::Zscore, false)).starts_with("`signup` is date;"));
        assert!(err(feature("balance", Scaling::Zscore, true)).starts_with("`balance` has a value below 0 (-1)"));
        assert!(err(feature("nope", Scaling::Zscore, false)).starts_with("there is no column named `nope`."));
        assert_eq!(prepare(&table, &[], Missing::Drop).err(), Some(PrepError::NoFeatures));
    }
}
