//! Derived fields usable in rules: age from a birth date, tenure from a signup date, and bands
//! of a number. They are computed as of the definition's as-of date and written into the SQL as
//! expressions, so the warehouse derives exactly the same values.

use serde::{Deserialize, Serialize};
use serde_json::Number;

use super::errors::{Place, Problem};
use super::sql::Dialect;
use crate::ingest::values::date_from_days;
use crate::table::{ColumnData, ColumnType};
use crate::typed::{Typed, TypedError};
use chrono::Datelike;

/// The unit of a tenure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TenureUnit {
    /// Whole days.
    Days,
    /// Whole calendar months (one less when the day of the month has not come round yet).
    Months,
    /// Whole years (as an age).
    Years,
}

/// A field computed from a column, usable in rules like any column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Derived {
    /// Age in whole years on the as-of date, from a birth date.
    Age {
        /// The new field's name.
        name: String,
        /// The birth date column.
        from: String,
    },
    /// Time since a date (signup, first order) on the as-of date.
    Tenure {
        /// The new field's name.
        name: String,
        /// The date column.
        from: String,
        /// Days, months or years.
        unit: TenureUnit,
    },
    /// Bands of a number: below the first cut, between cuts, at or above the last.
    Bands {
        /// The new field's name.
        name: String,
        /// The number column.
        from: String,
        /// Ascending cut points (a list of numbers, or the list as typed: `"25, 35, 45"`).
        cuts: Typed<Vec<Number>>,
        /// One label per band (one more than cuts); default "under 25", "25 to under 35", "65 and over".
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        labels: Vec<String>,
    },
}

impl Derived {
    /// The field's name.
    pub fn name(&self) -> &str {
        match self {
            Derived::Age { name, .. } | Derived::Tenure { name, .. } | Derived::Bands { name, .. } => name,
        }
    }

    /// The column it is computed from.
    pub fn from(&self) -> &str {
        match self {
            Derived::Age { from, .. } | Derived::Tenure { from, .. } | Derived::Bands { from, .. } => from,
        }
    }

    /// The type of the field.
    pub fn column_type(&self) -> ColumnType {
        match self {
            Derived::Bands { .. } => ColumnType::Categorical,
            _ => ColumnType::Integer,
        }
    }
}

/// Preset cut points for bands (ages 18–24 … 65+; spend and income tiers).
pub const PRESETS: &[(&str, &[i64])] = &[
    ("age bands (18–24 … 65+)", &[18, 25, 35, 45, 55, 65]),
    ("employees (1–9 … 250+)", &[1, 10, 50, 250]),
    ("income tiers (25k, 50k, 100k)", &[25_000, 50_000, 100_000]),
];

/// How many cut points a bands field may have: 2 to 20 bands, as a split by column
/// ([`crate::split::BANDS`]).
pub const BAND_CUTS: std::ops::RangeInclusive<usize> = 1..=19;

/// A derived field checked against the columns it reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidDerived {
    /// The field's name.
    pub name: String,
    /// Index of the source column in the schema.
    pub source: usize,
    /// The source column's type.
    pub source_type: ColumnType,
    /// What to compute.
    pub kind: Computation,
}

/// What a derived field computes.
#[derive(Debug, Clone, PartialEq)]
pub enum Computation {
    /// Whole days, months or years from the source date to the as-of date.
    Since(TenureUnit, i32),
    /// Band labels at cut points: (cut value, cut literal) ascending, and one label per band.
    Bands(Vec<(f64, String)>, Vec<String>),
}

/// A bands field's cut points, read when typed (`25, 35, 45`).
///
/// # Errors
/// [`TypedError`] naming the first cut point that is not a number.
pub fn read_cuts(cuts: &Typed<Vec<Number>>) -> Result<Vec<Number>, TypedError> {
    cuts.read_numbers("the cut points")
}

/// Checks a derived field, the `index`-th of its definition; problems go to `problems`.
pub fn check_derived(
    d: &Derived,
    index: usize,
    schema: &[(String, ColumnType)],
    as_of: Option<i32>,
    problems: &mut Vec<Problem>,
) -> Option<ValidDerived> {
    let mut problem = |message: String| {
        problems.push(Problem {
            segment: format!("derived field {}", d.name()),
            path: String::new(),
            message,
            place: Place::Derived(index),
        })
    };
    if d.name().trim().is_empty() {
        problem("the derived field has no name; give it one.".into());
        return None;
    }
    if schema.iter().any(|(n, _)| n == d.name()) {
        problem(format!("a column called `{}` already exists; choose another name.", d.name()));
        return None;
    }
    let Some(source) = schema.iter().position(|(n, _)| n == d.from()) else {
        problem(format!("there is no column `{}` to compute it from.", d.from()));
        return None;
    };
    let source_type = schema.get(source).map_or(ColumnType::Text, |c| c.1);
    let kind = match d {
        Derived::Age { .. } | Derived::Tenure { .. } => {
            if !matches!(source_type, ColumnType::Date | ColumnType::Datetime) {
                problem(format!("`{}` is {source_type}; age and tenure are computed from a date column.", d.from()));
                return None;
            }
            let Some(as_of) = as_of else {
                problem(
                    "age and tenure are counted up to the as-of date, which is not set; set as_of (YYYY-MM-DD).".into(),
                );
                return None;
            };
            let unit = match d {
                Derived::Tenure { unit, .. } => *unit,
                _ => TenureUnit::Years,
            };
            Computation::Since(unit, as_of)
        }
        Derived::Bands { cuts, labels, .. } => {
            if !matches!(source_type, ColumnType::Integer | ColumnType::Decimal) {
                problem(format!("`{}` is {source_type}; bands are cut from a number column.", d.from()));
                return None;
            }
            let cuts = match read_cuts(cuts) {
                Ok(cuts) => cuts,
                Err(e) => {
                    problem(e.to_string());
                    return None;
                }
            };
            let values: Vec<(f64, String)> =
                cuts.iter().map(|c| (c.as_f64().unwrap_or(f64::NAN), c.to_string())).collect();
            if !BAND_CUTS.contains(&values.len()) {
                problem(format!(
                    "bands need from {} to {} cut points, making {} to {} bands (got {}).",
                    BAND_CUTS.start(),
                    BAND_CUTS.end(),
                    BAND_CUTS.start().saturating_add(1),
                    BAND_CUTS.end().saturating_add(1),
                    values.len()
                ));
                return None;
            }
            if values.windows(2).any(|w| matches!(w, [a, b] if a.0 >= b.0)) {
                let got = values.iter().map(|v| v.1.as_str()).collect::<Vec<_>>().join(", ");
                problem(format!("the cut points must be in ascending order, each above the one before (got {got})."));
                return None;
            }
            // No saturation: a vector's length is below `usize::MAX`.
            let bands = values.len().saturating_add(1);
            if !labels.is_empty() && labels.len() != bands {
                problem(format!(
                    "{} cut points make {} bands, but {} labels are given.",
                    values.len(),
                    bands,
                    labels.len()
                ));
                return None;
            }
            let labels = if labels.is_empty() { default_labels(&values) } else { labels.clone() };
            Computation::Bands(values, labels)
        }
    };
    Some(ValidDerived { name: d.name().to_string(), source, source_type, kind })
}

fn default_labels(cuts: &[(f64, String)]) -> Vec<String> {
    let mut out = Vec::with_capacity(cuts.len().saturating_add(1));
    if let Some((_, first)) = cuts.first() {
        out.push(format!("under {first}"));
    }
    for (lo, hi) in cuts.iter().zip(cuts.iter().skip(1)) {
        out.push(format!("{} to under {}", lo.1, hi.1));
    }
    if let Some((_, last)) = cuts.last() {
        out.push(format!("{last} and over"));
    }
    out
}

/// Whole units from `day` to `as_of` (days since 1970-01-01).
// Cannot overflow: `i64` holds any difference of two `i32` days, and chrono's years (|year| < 2^18)
// times 10_000 or 12, plus a month and day, stay far below 2^63.
#[allow(clippy::arithmetic_side_effects)]
fn since(unit: TenureUnit, day: i32, as_of: i32) -> i64 {
    let (d, a) = (date_from_days(day), date_from_days(as_of));
    let ymd = |x: chrono::NaiveDate| i64::from(x.year()) * 10_000 + i64::from(x.month()) * 100 + i64::from(x.day());
    match unit {
        TenureUnit::Days => i64::from(as_of) - i64::from(day),
        TenureUnit::Years => (ymd(a) - ymd(d)).div_euclid(10_000),
        TenureUnit::Months => {
            let months = |x: chrono::NaiveDate| i64::from(x.year()) * 12 + i64::from(x.month());
            months(a) - months(d) - i64::from(d.day() > a.day())
        }
    }
}

/// Computes a derived field's values from its source column.
pub fn compute(v: &ValidDerived, source: &ColumnData) -> ColumnData {
    let n = source.len();
    match &v.kind {
        Computation::Since(unit, as_of) => {
            let day = |r: usize| -> Option<i32> {
                match source {
                    ColumnData::Date(d) => d.get(r).copied().flatten(),
                    ColumnData::Datetime(s) => s.get(r).copied().flatten().map(|s| s.div_euclid(86_400) as i32),
                    _ => None,
                }
            };
            ColumnData::Integer((0..n).map(|r| day(r).map(|d| since(*unit, d, *as_of))).collect())
        }
        Computation::Bands(cuts, labels) => {
            let mut dictionary = labels.clone();
            dictionary.sort();
            let code_of: Vec<u32> =
                labels.iter().map(|l| dictionary.iter().position(|d| d == l).unwrap_or(0) as u32).collect();
            let codes = (0..n)
                .map(|r| {
                    source
                        .number(r)
                        .map(|x| code_of.get(cuts.iter().filter(|c| x >= c.0).count()).copied().unwrap_or(0))
                })
                .collect();
            ColumnData::Categorical { dictionary, codes }
        }
    }
}

/// The SQL expression of a derived field, given its source column's quoted name.
pub fn sql(v: &ValidDerived, source: &str, d: Dialect) -> String {
    let int = if d == Dialect::Bigquery { "INT64" } else { "BIGINT" };
    let date =
        if v.source_type == ColumnType::Datetime { format!("CAST({source} AS DATE)") } else { source.to_string() };
    let part = |p: &str| format!("EXTRACT({p} FROM {date})");
    match &v.kind {
        Computation::Since(unit, as_of) => {
            let a = date_from_days(*as_of);
            match unit {
                TenureUnit::Days => match d {
                    Dialect::Duckdb | Dialect::Postgres => format!("(DATE '{a}' - {date})"),
                    Dialect::Bigquery => format!("DATE_DIFF(DATE '{a}', {date}, DAY)"),
                    Dialect::Spark => format!("DATEDIFF(DATE '{a}', {date})"),
                },
                TenureUnit::Years => {
                    // Cannot overflow: chrono's years are below 2^18 in size.
                    #[allow(clippy::arithmetic_side_effects)]
                    let n = i64::from(a.year()) * 10_000 + i64::from(a.month()) * 100 + i64::from(a.day());
                    format!(
                        "CAST(FLOOR(({n} - ({} * 10000 + {} * 100 + {})) / 10000.0) AS {int})",
                        part("YEAR"),
                        part("MONTH"),
                        part("DAY")
                    )
                }
                TenureUnit::Months => {
                    // Cannot overflow: chrono's years are below 2^18 in size.
                    #[allow(clippy::arithmetic_side_effects)]
                    let n = i64::from(a.year()) * 12 + i64::from(a.month());
                    format!(
                        "CAST(({n} - ({} * 12 + {}) - CASE WHEN {} > {} THEN 1 ELSE 0 END) AS {int})",
                        part("YEAR"),
                        part("MONTH"),
                        part("DAY"),
                        a.day()
                    )
                }
            }
        }
        Computation::Bands(cuts, labels) => {
            let mut s = format!("CASE WHEN {source} IS NULL THEN NULL");
            for ((_, lit), label) in cuts.iter().zip(labels) {
                s += &format!(" WHEN {source} < {lit} THEN {}", d.string(label));
            }
            s += &format!(" ELSE {} END", d.string(labels.last().map_or("", String::as_str)));
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::values::days_from_ymd;

    fn day(y: u32, m: u32, d: u32) -> i32 {
        days_from_ymd(y, m, d).unwrap()
    }

    #[test]
    fn age_counts_birthdays_that_have_come_round() {
        let as_of = day(2026, 1, 1);
        assert_eq!(since(TenureUnit::Years, day(2000, 1, 1), as_of), 26);
        assert_eq!(since(TenureUnit::Years, day(2000, 1, 2), as_of), 25);
        assert_eq!(since(TenureUnit::Years, day(2004, 2, 29), day(2026, 2, 28)), 21);
        assert_eq!(
            since(TenureUnit::Years, day(2026, 1, 2), as_of),
            -1,
            "a date after as-of is negative, as FLOOR in SQL"
        );
    }

    #[test]
    fn months_and_days() {
        assert_eq!(since(TenureUnit::Months, day(2025, 1, 31), day(2025, 2, 28)), 0);
        assert_eq!(since(TenureUnit::Months, day(2025, 1, 15), day(2025, 3, 15)), 2);
        assert_eq!(since(TenureUnit::Days, day(2025, 12, 31), day(2026, 1, 1)), 1);
    }

    #[test]
    fn default_band_labels() {
        let cuts = vec![(25.0, "25".to_string()), (35.0, "35".to_string())];
        assert_eq!(default_labels(&cuts), ["under 25", "25 to under 35", "35 and over"]);
    }
}
