//! The operator menu of a condition: which operators fit a column, in menu order, the words a
//! person reads for each, and a starting value taken from the column's data (its median, its
//! quartiles, its most frequent value, its median date), so a new condition already means
//! something.
//!
//! The rule builder shows this menu as it is: the page decides nothing about operators. It
//! travels in each [`crate::api::ColumnView`] (`operators`), for the data's columns, the
//! aggregates of attached transactions and the derived fields alike.

use serde::{Deserialize, Serialize};
use serde_json::Number;

use super::condition::{Inclusive, Op, Unit};
use crate::ingest::values::{date_from_days, datetime_from_seconds};
use crate::stats::ColumnStats;
use crate::table::ColumnType;

/// One entry of a condition's operator menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatorChoice {
    /// What a person reads ("≥", "is any of", "in the last").
    pub label: String,
    /// The operator with its starting values; its name as in files is `start.name()`.
    pub start: Op,
}

/// The "in the last N" a new condition starts with: 90 days.
const START_IN_LAST: u32 = 90;

/// The operators that fit a column of type `column_type` with statistics `stats`, in menu
/// order, each with its label and starting values.
///
/// ```
/// use segscope_engine::rules::operators;
/// use segscope_engine::stats::ColumnStats;
/// use segscope_engine::table::ColumnType;
///
/// let menu = operators(ColumnType::Boolean, &ColumnStats::default());
/// let labels: Vec<&str> = menu.iter().map(|c| c.label.as_str()).collect();
/// assert_eq!(labels, ["is true", "is false", "is missing", "is not missing"]);
/// ```
pub fn operators(column_type: ColumnType, stats: &ColumnStats) -> Vec<OperatorChoice> {
    starts(column_type, stats)
        .into_iter()
        .map(|start| OperatorChoice { label: start.label().to_string(), start })
        .collect()
}

/// The starting operators, in menu order.
fn starts(ty: ColumnType, stats: &ColumnStats) -> Vec<Op> {
    let n = stats.numeric;
    let number = |pick: fn(&crate::stats::NumericSummary) -> f64| round_number(n.as_ref().map_or(0.0, pick), ty);
    let day =
        |pick: fn(&crate::stats::NumericSummary) -> f64| n.as_ref().map_or(String::new(), |s| day_text(pick(s), ty));
    let top = stats.top.first().map(|t| t.value.clone()).unwrap_or_default();
    let missing = [Op::IsMissing, Op::IsNotMissing];
    let mut ops = match ty {
        ColumnType::Integer | ColumnType::Decimal => {
            let mid = number(|s| s.median);
            vec![
                Op::Eq { value: mid.clone().into() },
                Op::Ne { value: mid.clone().into() },
                Op::Lt { value: mid.clone().into() },
                Op::Le { value: mid.clone().into() },
                Op::Gt { value: mid.clone().into() },
                Op::Ge { value: mid.into() },
                Op::Between {
                    min: serde_json::Value::Number(number(|s| s.q1)),
                    max: serde_json::Value::Number(number(|s| s.q3)),
                    inclusive: Inclusive::Both,
                },
            ]
        }
        ColumnType::Categorical | ColumnType::Text => vec![
            Op::Is { value: top.clone(), case_insensitive: false },
            Op::IsNot { value: top.clone(), case_insensitive: false },
            Op::AnyOf { values: vec![top.clone()], case_insensitive: false },
            Op::NoneOf { values: vec![top], case_insensitive: false },
            Op::Contains { value: String::new(), case_insensitive: true },
            Op::StartsWith { value: String::new(), case_insensitive: true },
            Op::EndsWith { value: String::new(), case_insensitive: true },
        ],
        ColumnType::Date | ColumnType::Datetime => vec![
            Op::Before { date: day(|s| s.median) },
            Op::After { date: day(|s| s.median) },
            Op::Between { min: day(|s| s.q1).into(), max: day(|s| s.q3).into(), inclusive: Inclusive::Both },
            Op::InLast { n: START_IN_LAST.into(), unit: Unit::Days },
        ],
        ColumnType::Boolean => vec![Op::IsTrue, Op::IsFalse],
    };
    ops.extend(missing);
    ops
}

/// A statistic as a starting number: whole for integer columns and whole values, else rounded to
/// two decimals.
fn round_number(x: f64, ty: ColumnType) -> Number {
    if ty == ColumnType::Integer || x.fract() == 0.0 {
        #[allow(clippy::cast_possible_truncation)]
        Number::from(x.round() as i64)
    } else {
        Number::from_f64((x * 100.0).round() / 100.0).unwrap_or_else(|| 0.into())
    }
}

/// A date statistic (days, or seconds for date-times) as the day it falls on, `YYYY-MM-DD`.
fn day_text(x: f64, ty: ColumnType) -> String {
    #[allow(clippy::cast_possible_truncation)]
    match ty {
        ColumnType::Datetime => datetime_from_seconds(x.floor() as i64).date().to_string(),
        _ => date_from_days(x.floor() as i32).to_string(),
    }
}

impl Op {
    /// The words a person reads for the operator ("≥", "is any of", "in the last").
    pub fn label(&self) -> &'static str {
        match self {
            Op::Eq { .. } => "=",
            Op::Ne { .. } => "≠",
            Op::Lt { .. } => "<",
            Op::Le { .. } => "≤",
            Op::Gt { .. } => ">",
            Op::Ge { .. } => "≥",
            Op::Between { .. } => "between",
            Op::IsMissing => "is missing",
            Op::IsNotMissing => "is not missing",
            Op::Is { .. } => "is",
            Op::IsNot { .. } => "is not",
            Op::AnyOf { .. } => "is any of",
            Op::NoneOf { .. } => "is none of",
            Op::Contains { .. } => "contains",
            Op::StartsWith { .. } => "starts with",
            Op::EndsWith { .. } => "ends with",
            Op::Before { .. } => "before",
            Op::After { .. } => "after",
            Op::InLast { .. } => "in the last",
            Op::IsTrue => "is true",
            Op::IsFalse => "is false",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::ingest::{read_table, ReadOptions};
    use crate::progress::Quiet;

    const CSV: &[u8] = b"age,income,country,note,joined,seen,vip
25,1000.5,France,a,2024-01-10,2024-01-10 08:00:00,true
35,,Germany,b,2023-06-01,2024-01-09 23:59:59,false
,2500,France,c,,,true
45,4000.25,Spain,d,2022-12-31,2023-12-01 12:00:00,
30,3000,France,e,2024-01-31,2024-01-31 00:00:00,false
";

    /// The menu of column `name` of the test table: (name, label, starting op as JSON) per entry.
    fn menu(name: &str) -> Vec<(String, String, String)> {
        let t = read_table("t.csv", CSV, &ReadOptions::default(), &mut Quiet).unwrap().table;
        let c = t.column(name).unwrap();
        operators(c.column_type(), &c.stats)
            .into_iter()
            .map(|o| (o.start.name().to_string(), o.label, serde_json::to_string(&o.start).unwrap()))
            .collect()
    }

    fn names(menu: &[(String, String, String)]) -> Vec<&str> {
        menu.iter().map(|m| m.0.as_str()).collect()
    }

    fn labels(menu: &[(String, String, String)]) -> Vec<&str> {
        menu.iter().map(|m| m.1.as_str()).collect()
    }

    fn start<'a>(menu: &'a [(String, String, String)], op: &str) -> &'a str {
        &menu.iter().find(|m| m.0 == op).unwrap().2
    }

    #[test]
    fn numbers_compare_with_the_median_and_range_over_the_quartiles() {
        let age = menu("age");
        assert_eq!(names(&age), ["eq", "ne", "lt", "le", "gt", "ge", "between", "is_missing", "is_not_missing"]);
        assert_eq!(labels(&age), ["=", "≠", "<", "≤", ">", "≥", "between", "is missing", "is not missing"]);
        // age 25, 30, 35, 45: median 32.5 rounds to a whole number on an integer column.
        assert_eq!(start(&age, "ge"), r#"{"op":"ge","value":33}"#);
        assert_eq!(start(&age, "between"), r#"{"op":"between","min":29,"max":38}"#);
        // income 1000.5, 2500, 3000, 4000.25: decimals keep two places.
        let income = menu("income");
        assert_eq!(start(&income, "lt"), r#"{"op":"lt","value":2750}"#);
        assert_eq!(start(&income, "between"), r#"{"op":"between","min":2125.13,"max":3250.06}"#);
    }

    #[test]
    fn text_and_categories_start_from_the_most_frequent_value() {
        let country = menu("country");
        assert_eq!(
            names(&country),
            [
                "is",
                "is_not",
                "any_of",
                "none_of",
                "contains",
                "starts_with",
                "ends_with",
                "is_missing",
                "is_not_missing"
            ]
        );
        assert_eq!(
            labels(&country),
            [
                "is",
                "is not",
                "is any of",
                "is none of",
                "contains",
                "starts with",
                "ends with",
                "is missing",
                "is not missing"
            ]
        );
        assert_eq!(start(&country, "is"), r#"{"op":"is","value":"France"}"#);
        assert_eq!(start(&country, "none_of"), r#"{"op":"none_of","values":["France"]}"#);
        assert_eq!(start(&country, "contains"), r#"{"op":"contains","value":"","case_insensitive":true}"#);
        assert_eq!(names(&menu("note")), names(&country), "text columns have the same menu");
    }

    #[test]
    fn dates_start_at_the_median_day_and_the_quartile_days() {
        let joined = menu("joined");
        assert_eq!(names(&joined), ["before", "after", "between", "in_last", "is_missing", "is_not_missing"]);
        assert_eq!(labels(&joined), ["before", "after", "between", "in the last", "is missing", "is not missing"]);
        assert_eq!(start(&joined, "before"), r#"{"op":"before","date":"2023-09-20"}"#);
        assert_eq!(start(&joined, "between"), r#"{"op":"between","min":"2023-04-24","max":"2024-01-15"}"#);
        assert_eq!(start(&joined, "in_last"), r#"{"op":"in_last","n":90,"unit":"days"}"#);
        let seen = menu("seen");
        assert_eq!(names(&seen), names(&joined));
        assert_eq!(start(&seen, "after"), r#"{"op":"after","date":"2024-01-10"}"#);
    }

    #[test]
    fn booleans_are_true_or_false() {
        assert_eq!(names(&menu("vip")), ["is_true", "is_false", "is_missing", "is_not_missing"]);
    }

    #[test]
    fn a_field_without_statistics_starts_from_zero_and_nothing() {
        let m = operators(ColumnType::Integer, &ColumnStats::default());
        assert_eq!(serde_json::to_string(&m[0].start).unwrap(), r#"{"op":"eq","value":0}"#);
        let m = operators(ColumnType::Categorical, &ColumnStats::default());
        assert_eq!(serde_json::to_string(&m[2].start).unwrap(), r#"{"op":"any_of","values":[""]}"#);
        let m = operators(ColumnType::Date, &ColumnStats::default());
        assert_eq!(serde_json::to_string(&m[0].start).unwrap(), r#"{"op":"before","date":""}"#);
    }
}
