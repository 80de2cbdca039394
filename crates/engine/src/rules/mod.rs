//! A priori segments: named segments defined by rules a person can read.
//!
//! A [`Definition`] is an ordered list of named segments, each with a condition tree (tests on
//! columns, combined with ALL / ANY / NONE / AT LEAST K groups nested to any depth), plus a
//! remainder. In first-match mode each customer is in the first segment that matches; in
//! overlapping mode each segment is a flag. [`check`] ties a definition to the columns of the
//! data (reporting every problem at once), [`evaluate`] applies it, and [`sql`] writes the same
//! logic for DuckDB, BigQuery, Spark SQL and PostgreSQL.

mod check;
mod condition;
mod definition;
pub mod derived;
mod errors;
mod eval;
mod menu;
pub mod sql;
pub mod templates;
mod words;

pub use check::{
    check, parse_iso_date, with_numbers, Bound, Check, Cmp, TextTest, ValidDefinition, ValidSegment, IN_LAST_DAYS,
    IN_LAST_MONTHS,
};
pub use condition::{Condition, Inclusive, Op, TypedNumber, Unit};
pub(crate) use definition::optional_condition_json;
pub use definition::{Definition, Mode, Remainder, SegmentDef, FORMAT};
pub use errors::{Place, Problem, RulesError};
pub use eval::{evaluate, evaluate_frame, truth, Frame, RuleResult, Truth};
pub use menu::{operators, OperatorChoice};
pub(crate) use words::condition_in_words;

use crate::table::{ColumnType, Table};

/// The (name, type) of each column of `table`: the schema definitions are checked against.
pub fn schema_of(table: &Table) -> Vec<(String, ColumnType)> {
    schema_with(table, &[])
}

/// The schema of `table` with joined `extra` columns after its own (see [`Frame::with_extra`]).
pub fn schema_with(table: &Table, extra: &[crate::table::Column]) -> Vec<(String, ColumnType)> {
    table.columns.iter().chain(extra).map(|c| (c.name.clone(), c.column_type())).collect()
}

/// The default as-of day for `def` on `table` without transactions (days since 1970-01-01): the
/// day after [`latest_date_used`] ([`crate::dates::default_as_of`]), or `None` when it uses no date.
pub fn default_as_of(def: &Definition, table: &Table) -> Option<i32> {
    crate::dates::default_as_of(None, || latest_date_used(def, table))
}

/// The latest date (days since 1970-01-01) in the date columns `def` reads from `table` (tests and
/// derived fields' sources), or `None` when it reads none.
pub fn latest_date_used(def: &Definition, table: &Table) -> Option<i32> {
    let mut names: Vec<String> = def.derived.iter().map(|d| d.from().to_string()).collect();
    for s in &def.segments {
        collect_columns(&s.condition, &mut names);
    }
    latest_date_among(&names, table)
}

/// The latest date in the date and date-time columns of `table` named in `names`, as days since
/// 1970-01-01.
pub fn latest_date_among(names: &[String], table: &Table) -> Option<i32> {
    // A set, not a search per name: a clustering offers every column of a file of 100,000.
    let names: std::collections::HashSet<&str> = names.iter().map(String::as_str).collect();
    table
        .columns
        .iter()
        .filter(|c| names.contains(c.name.as_str()))
        .filter_map(|c| match c.column_type() {
            ColumnType::Date => c.stats.numeric.map(|s| s.max as i32),
            ColumnType::Datetime => c.stats.numeric.map(|s| (s.max / 86_400.0).floor() as i32),
            _ => None,
        })
        .max()
}

/// The names of the columns a condition tests, in order of first use.
pub fn collect_columns(c: &Condition, out: &mut Vec<String>) {
    match c {
        Condition::All(v) | Condition::Any(v) | Condition::None(v) | Condition::AtLeast { of: v, .. } => {
            v.iter().for_each(|c| collect_columns(c, out));
        }
        Condition::Test { column, .. } => {
            if !out.contains(column) {
                out.push(column.clone());
            }
        }
    }
}

/// The columns a definition reads from the data, typed from the definition alone, for writing its
/// SQL without the data (`segscope sql`): the sources of its derived fields and the columns its
/// conditions test, leaving out the derived fields themselves (the SQL computes them). A column's
/// type is the one recorded in `columns`, else the aggregate's (`orders`, `last_order_date`, …),
/// else what its derived fields need (a date for age and tenure, a number for bands), else what
/// the operators used on it need; text when nothing tells.
///
/// ```
/// use segscope_engine::rules::{check, implied_schema, Definition};
/// use segscope_engine::table::ColumnType;
///
/// let def = Definition::from_json(r#"{"format": "segscope.segments/1", "as_of": "2026-01-01",
///   "derived": [{"kind": "tenure", "name": "tenure_months", "from": "signup_date", "unit": "months"}],
///   "segments": [{"name": "New", "when": {"column": "tenure_months", "op": "lt", "value": 12}}]}"#).unwrap();
/// let schema = implied_schema(&def);
/// assert_eq!(schema, [("signup_date".to_string(), ColumnType::Date)]);
/// assert!(check(&def, &schema, None).is_ok());
/// ```
pub fn implied_schema(def: &Definition) -> Vec<(String, ColumnType)> {
    let mut names: Vec<String> = def.derived.iter().map(|d| d.from().to_string()).collect();
    for s in &def.segments {
        collect_columns(&s.condition, &mut names);
    }
    let mut out: Vec<(String, ColumnType)> = Vec::new();
    for name in names {
        if def.derived.iter().any(|d| d.name() == name) || out.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let ty = def
            .columns
            .get(&name)
            .copied()
            .or_else(|| crate::customers::aggregate_type(&name))
            .or_else(|| type_for_derived(def, &name))
            .or_else(|| def.segments.iter().find_map(|s| type_from_ops(&s.condition, &name)))
            .unwrap_or(ColumnType::Text);
        out.push((name, ty));
    }
    out
}

/// The type a derived field needs its source column to have.
fn type_for_derived(def: &Definition, column: &str) -> Option<ColumnType> {
    def.derived.iter().find(|d| d.from() == column).map(|d| match d {
        derived::Derived::Bands { .. } => ColumnType::Decimal,
        derived::Derived::Age { .. } | derived::Derived::Tenure { .. } => ColumnType::Date,
    })
}

/// The type the first operator used on `column` needs; `None` when no test on it tells.
fn type_from_ops(c: &Condition, column: &str) -> Option<ColumnType> {
    match c {
        Condition::All(v) | Condition::Any(v) | Condition::None(v) | Condition::AtLeast { of: v, .. } => {
            v.iter().find_map(|c| type_from_ops(c, column))
        }
        Condition::Test { column: name, op } if name == column => match op {
            Op::Eq { .. } | Op::Ne { .. } | Op::Lt { .. } | Op::Le { .. } | Op::Gt { .. } | Op::Ge { .. } => {
                Some(ColumnType::Decimal)
            }
            // A bound in quotes is a date when it reads as one, else a number as typed (`"18"`, `"1,250.00"`).
            Op::Between { min, .. } if min.as_str().is_some_and(|s| crate::ingest::values::date_shape(s).is_some()) => {
                Some(ColumnType::Date)
            }
            Op::Between { .. } => Some(ColumnType::Decimal),
            Op::Before { .. } | Op::After { .. } | Op::InLast { .. } => Some(ColumnType::Date),
            Op::IsTrue | Op::IsFalse => Some(ColumnType::Boolean),
            Op::IsMissing | Op::IsNotMissing => None,
            _ => Some(ColumnType::Text),
        },
        Condition::Test { .. } => None,
    }
}

/// True when the definition counts anything from the as-of date: an "in the last" test, or an age
/// or tenure field.
pub fn uses_as_of(def: &Definition) -> bool {
    fn relative(c: &Condition) -> bool {
        match c {
            Condition::All(v) | Condition::Any(v) | Condition::None(v) | Condition::AtLeast { of: v, .. } => {
                v.iter().any(relative)
            }
            Condition::Test { op, .. } => matches!(op, Op::InLast { .. }),
        }
    }
    def.derived.iter().any(|d| !matches!(d, derived::Derived::Bands { .. }))
        || def.segments.iter().any(|s| relative(&s.condition))
}
