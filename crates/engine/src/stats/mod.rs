//! Column statistics: counts, missing values, distinct values, quantiles and top values.

pub mod significance;

use rustc_hash::FxHashMap as HashMap;

use serde::{Deserialize, Serialize};

use crate::table::ColumnData;

/// How many top values a column summary keeps.
pub const TOP_VALUES: usize = 5;

/// Summary statistics of one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnStats {
    /// Number of rows.
    pub count: u64,
    /// Rows with a missing value.
    pub missing: u64,
    /// Distinct non-missing values.
    pub distinct: u64,
    /// For ordered columns (numbers, dates as days, date-times as seconds).
    pub numeric: Option<NumericSummary>,
    /// For categories, booleans and text: the most frequent values, most frequent first.
    pub top: Vec<TopValue>,
}

/// Order statistics and mean of the non-missing values of an ordered column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NumericSummary {
    /// Smallest value.
    pub min: f64,
    /// First quartile.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// Largest value.
    pub max: f64,
    /// Arithmetic mean.
    pub mean: f64,
}

/// A value and how many rows have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopValue {
    /// The value as text.
    pub value: String,
    /// Rows with this value.
    pub count: u64,
}

/// The `p`-quantile of sorted values with linear interpolation between closest ranks, the
/// default of `pandas.Series.quantile` and `numpy.quantile` (Hyndman & Fan type 7), in numpy's
/// floating-point steps (from the upper value when past halfway), so it equals numpy's to the bit.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    let (a, b) = (*sorted.get(lo)?, *sorted.get(hi)?);
    let t = h - lo as f64;
    let d = b - a;
    Some(if t < 0.5 { a + d * t } else { b - d * (1.0 - t) })
}

/// Every distinct value of an unordered column (categories, booleans, text) with its count, most
/// frequent first, ties by value.
pub fn value_counts(data: &ColumnData) -> Vec<TopValue> {
    let mut counts = label_counts(data);
    counts.sort_by(|a, b| by_count_then_value(*a, *b));
    counts.into_iter().map(|(value, count)| TopValue { value: value.to_string(), count }).collect()
}

/// The `n` most frequent values of an unordered column, as [`value_counts`] orders them, and how
/// many distinct values it has; only those `n` are copied.
pub fn top_values(data: &ColumnData, n: usize) -> (Vec<TopValue>, u64) {
    let mut counts = label_counts(data);
    let distinct = counts.len() as u64;
    if counts.len() > n {
        counts.select_nth_unstable_by(n, |a, b| by_count_then_value(*a, *b));
        counts.truncate(n);
    }
    counts.sort_by(|a, b| by_count_then_value(*a, *b));
    (counts.into_iter().map(|(value, count)| TopValue { value: value.to_string(), count }).collect(), distinct)
}

fn by_count_then_value(a: (&str, u64), b: (&str, u64)) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0))
}

/// Each distinct value and its count, in no order. Categories are counted by code, not by text.
fn label_counts(data: &ColumnData) -> Vec<(&str, u64)> {
    if let ColumnData::Categorical { dictionary, codes } = data {
        let mut per_code = vec![0u64; dictionary.len()];
        for code in codes.iter().flatten() {
            if let Some(c) = per_code.get_mut(*code as usize) {
                *c = c.saturating_add(1); // at most the rows
            }
        }
        return dictionary.iter().map(String::as_str).zip(per_code).filter(|(_, c)| *c > 0).collect();
    }
    let mut counts: HashMap<&str, u64> = HashMap::default();
    for r in 0..data.len() {
        if let Some(v) = data.label(r) {
            let c = counts.entry(v).or_default();
            *c = c.saturating_add(1); // at most the rows
        }
    }
    counts.into_iter().collect()
}

/// Computes the statistics of a column's values.
pub fn column_stats(data: &ColumnData) -> ColumnStats {
    let count = data.len() as u64;
    let missing = (0..data.len()).filter(|&r| data.is_missing(r)).count() as u64;
    if data.column_type().is_ordered() {
        let mut values: Vec<f64> = (0..data.len()).filter_map(|r| data.number(r)).collect();
        values.sort_unstable_by(f64::total_cmp);
        // As `dedup` counts: equal neighbours are one value.
        let changes = values.windows(2).filter(|w| matches!(w, [a, b] if a != b)).count();
        let distinct = values.first().map_or(0, |_| changes.saturating_add(1)) as u64; // at most the rows
        let numeric = summarize_sorted(&values);
        ColumnStats { count, missing, distinct, numeric, top: Vec::new() }
    } else {
        let (top, distinct) = top_values(data, TOP_VALUES);
        ColumnStats { count, missing, distinct, numeric: None, top }
    }
}

/// The summary of values sorted ascending (none when there are none).
pub(crate) fn summarize_sorted(values: &[f64]) -> Option<NumericSummary> {
    let (&min, &max) = (values.first()?, values.last()?);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    Some(NumericSummary {
        min,
        q1: quantile_sorted(values, 0.25)?,
        median: quantile_sorted(values, 0.5)?,
        q3: quantile_sorted(values, 0.75)?,
        max,
        mean,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values from pandas 2.2: pd.Series([...]).quantile([.25, .5, .75]), .mean().
    #[test]
    fn quartiles_match_pandas_linear_interpolation() {
        let data = ColumnData::Integer(vec![Some(7), Some(1), None, Some(3), Some(10), Some(4)]);
        let s = column_stats(&data);
        let n = s.numeric.unwrap();
        assert_eq!((n.min, n.q1, n.median, n.q3, n.max), (1.0, 3.0, 4.0, 7.0, 10.0));
        assert!((n.mean - 5.0).abs() < 1e-12);
        assert_eq!((s.count, s.missing, s.distinct), (6, 1, 5));
        let data = ColumnData::Decimal { values: vec![Some(1.0), Some(2.0), Some(3.0), Some(4.0)], scale: 1 };
        let n = column_stats(&data).numeric.unwrap();
        assert_eq!((n.q1, n.median, n.q3), (1.75, 2.5, 3.25));
    }

    #[test]
    fn top_values_are_sorted_by_count_then_value() {
        let data = ColumnData::Text(
            ["b", "a", "b", "c", "a", "b"].iter().map(|s| Some(s.to_string())).chain([None]).collect(),
        );
        let s = column_stats(&data);
        let top: Vec<(&str, u64)> = s.top.iter().map(|t| (t.value.as_str(), t.count)).collect();
        assert_eq!(top, vec![("b", 3), ("a", 2), ("c", 1)]);
        assert_eq!((s.distinct, s.missing), (3, 1));
    }

    #[test]
    fn all_missing_column_has_no_summary() {
        let s = column_stats(&ColumnData::Integer(vec![None, None]));
        assert_eq!(s.numeric, None);
        assert_eq!(s.missing, 2);
    }
}
