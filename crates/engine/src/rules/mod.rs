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
pub mod sql;
pub mod templates;

pub use check::{check, parse_iso_date, Bound, Check, Cmp, TextTest, ValidDefinition, ValidSegment};
pub use condition::{Condition, Inclusive, Op, Unit};
pub use definition::{Definition, Mode, Remainder, SegmentDef, FORMAT};
pub use errors::{Problem, RulesError};
pub use eval::{evaluate, evaluate_frame, truth, Frame, RuleResult, Truth};

use crate::table::{ColumnType, Table};

/// The (name, type) of each column of `table`: the schema definitions are checked against.
pub fn schema_of(table: &Table) -> Vec<(String, ColumnType)> {
    schema_with(table, &[])
}

/// The schema of `table` with joined `extra` columns after its own (see [`Frame::with_extra`]).
pub fn schema_with(table: &Table, extra: &[crate::table::Column]) -> Vec<(String, ColumnType)> {
    table.columns.iter().chain(extra).map(|c| (c.name.clone(), c.column_type())).collect()
}

/// The default as-of day for `def` on `table` (days since 1970-01-01): the day after the latest
/// date in the date columns the definition tests, or `None` when it tests none.
pub fn default_as_of(def: &Definition, table: &Table) -> Option<i32> {
    let mut names: Vec<String> = def.derived.iter().map(|d| d.from().to_string()).collect();
    for s in &def.segments {
        collect_columns(&s.condition, &mut names);
    }
    names
        .iter()
        .filter_map(|n| table.column(n))
        .filter_map(|c| match c.column_type() {
            ColumnType::Date => c.stats.numeric.map(|s| s.max as i32),
            ColumnType::Datetime => c.stats.numeric.map(|s| (s.max / 86_400.0).floor() as i32),
            _ => None,
        })
        .max()
        .map(|d| d + 1)
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
