//! Which operators fit which column type, their labels, and sensible starting values.

use segscope_engine::api::ColumnType;
use segscope_engine::api::ColumnView;
use segscope_engine::api::{Inclusive, Op, Unit};

/// The operator names (as in files) that fit a column type, in menu order.
pub fn ops_for(ty: ColumnType) -> &'static [&'static str] {
    match ty {
        ColumnType::Integer | ColumnType::Decimal => {
            &["eq", "ne", "lt", "le", "gt", "ge", "between", "is_missing", "is_not_missing"]
        }
        ColumnType::Categorical | ColumnType::Text => &[
            "is",
            "is_not",
            "any_of",
            "none_of",
            "contains",
            "starts_with",
            "ends_with",
            "is_missing",
            "is_not_missing",
        ],
        ColumnType::Date | ColumnType::Datetime => {
            &["before", "after", "between", "in_last", "is_missing", "is_not_missing"]
        }
        ColumnType::Boolean => &["is_true", "is_false", "is_missing", "is_not_missing"],
    }
}

/// The words a person reads for an operator.
pub fn label(op: &str) -> &'static str {
    match op {
        "eq" => "=",
        "ne" => "≠",
        "lt" => "<",
        "le" => "≤",
        "gt" => ">",
        "ge" => "≥",
        "between" => "between",
        "is_missing" => "is missing",
        "is_not_missing" => "is not missing",
        "is" => "is",
        "is_not" => "is not",
        "any_of" => "is any of",
        "none_of" => "is none of",
        "contains" => "contains",
        "starts_with" => "starts with",
        "ends_with" => "ends with",
        "before" => "before",
        "after" => "after",
        "in_last" => "in the last",
        "is_true" => "is true",
        "is_false" => "is false",
        _ => "?",
    }
}

/// A JSON number from what a person typed (`30`, `12.5`), if it is one.
pub fn number(text: &str) -> Option<serde_json::Number> {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(i.into());
    }
    t.parse::<f64>().ok().and_then(serde_json::Number::from_f64)
}

fn round_number(x: f64, ty: ColumnType) -> serde_json::Number {
    if ty == ColumnType::Integer || x.fract() == 0.0 {
        (x.round() as i64).into()
    } else {
        serde_json::Number::from_f64((x * 100.0).round() / 100.0).unwrap_or_else(|| 0.into())
    }
}

/// An operator with starting values taken from the column's data (its median, its most frequent
/// value, its latest date), so a new condition already means something.
pub fn default_op(op: &str, col: &ColumnView) -> Op {
    let n = col.stats.numeric;
    let mid = n.map_or(0.0, |s| s.median);
    let top = col.stats.top.first().map(|t| t.value.clone()).unwrap_or_default();
    // The engine's summary shows a date column's quartiles as dates (`YYYY-MM-DD`, with a time for date-times).
    let day = |label: &str| -> String {
        col.summary.iter().find(|(l, _)| l == label).map(|(_, v)| v.chars().take(10).collect()).unwrap_or_default()
    };
    let ci = false;
    match op {
        "eq" => Op::Eq { value: round_number(mid, col.column_type) },
        "ne" => Op::Ne { value: round_number(mid, col.column_type) },
        "lt" => Op::Lt { value: round_number(mid, col.column_type) },
        "le" => Op::Le { value: round_number(mid, col.column_type) },
        "gt" => Op::Gt { value: round_number(mid, col.column_type) },
        "ge" => Op::Ge { value: round_number(mid, col.column_type) },
        "between" if matches!(col.column_type, ColumnType::Date | ColumnType::Datetime) => {
            Op::Between { min: day("q1").into(), max: day("q3").into(), inclusive: Inclusive::Both }
        }
        "between" => Op::Between {
            min: serde_json::Value::Number(round_number(n.map_or(0.0, |s| s.q1), col.column_type)),
            max: serde_json::Value::Number(round_number(n.map_or(0.0, |s| s.q3), col.column_type)),
            inclusive: Inclusive::Both,
        },
        "is" => Op::Is { value: top, case_insensitive: ci },
        "is_not" => Op::IsNot { value: top, case_insensitive: ci },
        "any_of" => Op::AnyOf { values: vec![top], case_insensitive: ci },
        "none_of" => Op::NoneOf { values: vec![top], case_insensitive: ci },
        "contains" => Op::Contains { value: String::new(), case_insensitive: true },
        "starts_with" => Op::StartsWith { value: String::new(), case_insensitive: true },
        "ends_with" => Op::EndsWith { value: String::new(), case_insensitive: true },
        "before" => Op::Before { date: day("median") },
        "after" => Op::After { date: day("median") },
        "in_last" => Op::InLast { n: 90, unit: Unit::Days },
        "is_true" => Op::IsTrue,
        "is_false" => Op::IsFalse,
        "is_not_missing" => Op::IsNotMissing,
        _ => Op::IsMissing,
    }
}
