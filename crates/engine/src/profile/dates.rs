//! A date or date-time column across the segments: earliest, median and latest, as dates.

use serde::{Deserialize, Serialize};

use crate::format;
use crate::stats::quantile_sorted;
use crate::table::ColumnData;

/// Seconds in a day.
const DAY: f64 = 86_400.0;

/// A group's dates (`YYYY-MM-DD`; a date-time's day is its calendar date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateSummary {
    /// Customers with a date.
    pub count: u64,
    /// Customers without one.
    pub missing: u64,
    /// The earliest.
    pub min: Option<String>,
    /// The median (the day it falls on when it falls between two).
    pub median: Option<String>,
    /// The latest.
    pub max: Option<String>,
}

/// A date column across the segments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateTrait {
    /// The column.
    pub column: String,
    /// All customers.
    pub all: DateSummary,
    /// Per segment, in the segmentation's order.
    pub segments: Vec<DateSummary>,
}

/// The summary of sorted values on the column's scale (days, or seconds when `seconds`).
fn summary(sorted: &[f64], missing: u64, seconds: bool) -> DateSummary {
    let day = |x: f64| format::date((if seconds { x / DAY } else { x }).floor() as i32);
    DateSummary {
        count: sorted.len() as u64,
        missing,
        min: sorted.first().map(|&x| day(x)),
        median: quantile_sorted(sorted, 0.5).map(day),
        max: sorted.last().map(|&x| day(x)),
    }
}

/// Profiles the date column `column` over the segments `codes` (one per row, each below `segments`).
pub(crate) fn date_trait(column: &str, data: &ColumnData, codes: &[u32], segments: usize) -> DateTrait {
    let seconds = matches!(data, ColumnData::Datetime(_));
    let mut per: Vec<Vec<f64>> = vec![Vec::new(); segments];
    let mut missing = vec![0u64; segments];
    for (row, &code) in codes.iter().enumerate() {
        match data.number(row) {
            Some(v) => per.get_mut(code as usize).into_iter().for_each(|p| p.push(v)),
            // Counts rows: never saturates.
            None => missing.get_mut(code as usize).into_iter().for_each(|m| *m = m.saturating_add(1)),
        }
    }
    per.iter_mut().for_each(|v| v.sort_unstable_by(f64::total_cmp));
    let mut all = per.concat();
    all.sort_unstable_by(f64::total_cmp);
    DateTrait {
        column: column.to_string(),
        all: summary(&all, missing.iter().sum(), seconds),
        segments: per.iter().zip(&missing).map(|(v, &m)| summary(v, m, seconds)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_give_earliest_median_and_latest() {
        // 2024-01-01 is day 19723.
        let data = ColumnData::Date(vec![Some(19_723), Some(19_725), None, Some(19_730), Some(19_724)]);
        let t = date_trait("signup", &data, &[0, 0, 0, 1, 1], 2);
        let s = &t.segments[0];
        assert_eq!((s.count, s.missing), (2, 1));
        assert_eq!(
            (s.min.as_deref(), s.median.as_deref(), s.max.as_deref()),
            (Some("2024-01-01"), Some("2024-01-02"), Some("2024-01-03"))
        );
        // All four: 2024-01-01, -02, -03, -08; the median falls between the 2nd and the 3rd.
        assert_eq!(t.all.median.as_deref(), Some("2024-01-02"));
    }

    #[test]
    fn a_date_time_median_falls_on_the_day_of_the_middle_moment() {
        // 2024-01-01 23:00 and 2024-01-02 23:00: the middle moment is 2024-01-02 11:00.
        let base = 19_723_i64 * 86_400;
        let data = ColumnData::Datetime(vec![Some(base + 23 * 3600), Some(base + 86_400 + 23 * 3600)]);
        let t = date_trait("seen", &data, &[0, 0], 1);
        assert_eq!(t.all.median.as_deref(), Some("2024-01-02"));
        assert_eq!(t.all.min.as_deref(), Some("2024-01-01"));
    }
}
