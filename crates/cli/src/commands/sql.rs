//! `segscope sql --definition seg.json --dialect duckdb|bigquery|spark|postgres --table NAME`.

use std::path::PathBuf;

use clap::Args;
use segscope_engine::rules::sql::{select_with, Dialect};
use segscope_engine::rules::{check, collect_columns, Op};
use segscope_engine::table::ColumnType;

use crate::commands::definition::load_definition;
use crate::error::CliError;

/// Arguments of `segscope sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The segment definition (segscope.segments/1 JSON).
    #[arg(long)]
    pub definition: PathBuf,
    /// duckdb, bigquery, spark or postgres.
    #[arg(long)]
    pub dialect: String,
    /// The table to select from (may be qualified: project.dataset.table).
    #[arg(long)]
    pub table: String,
    /// The transactions table the per-customer aggregates are computed from, when the definition uses them.
    #[arg(long, value_name = "NAME", default_value = "transactions")]
    pub transactions_table: String,
}

/// Prints the SQL.
pub fn run(args: &SqlArgs) -> Result<(), CliError> {
    let dialect = Dialect::from_label(&args.dialect).ok_or_else(|| {
        CliError::usage(format!("--dialect `{}` must be duckdb, bigquery, spark or postgres.", args.dialect))
    })?;
    let def = load_definition(&args.definition)?;
    // Column types come from the definition's `columns`; a hand-written file may omit them, and
    // then each column's type follows from the operators used on it.
    let mut names = Vec::new();
    for s in &def.segments {
        collect_columns(&s.condition, &mut names);
    }
    let schema: Vec<(String, ColumnType)> = names
        .iter()
        .map(|n| {
            (
                n.clone(),
                def.columns
                    .get(n)
                    .copied()
                    .or_else(|| segscope_engine::customers::aggregate_type(n))
                    .unwrap_or_else(|| type_from_ops(&def, n)),
            )
        })
        .collect();
    let valid = check(&def, &schema, None)
        .map_err(|source| CliError::Rules { file: args.definition.display().to_string(), source })?;
    let title = def.name.clone().unwrap_or_else(|| args.definition.display().to_string());
    print!("{}", select_with(&valid, dialect, &args.table, Some(&args.transactions_table), &title));
    Ok(())
}

fn type_from_ops(def: &segscope_engine::rules::Definition, column: &str) -> ColumnType {
    use segscope_engine::rules::Condition;
    fn find(c: &Condition, column: &str) -> Option<ColumnType> {
        match c {
            Condition::All(v) | Condition::Any(v) | Condition::None(v) | Condition::AtLeast { of: v, .. } => {
                v.iter().find_map(|c| find(c, column))
            }
            Condition::Test { column: name, op } if name == column => match op {
                Op::Eq { .. } | Op::Ne { .. } | Op::Lt { .. } | Op::Le { .. } | Op::Gt { .. } | Op::Ge { .. } => {
                    Some(ColumnType::Decimal)
                }
                Op::Between { min, .. } if min.is_string() => Some(ColumnType::Date),
                Op::Between { .. } => Some(ColumnType::Decimal),
                Op::Before { .. } | Op::After { .. } | Op::InLast { .. } => Some(ColumnType::Date),
                Op::IsTrue | Op::IsFalse => Some(ColumnType::Boolean),
                Op::IsMissing | Op::IsNotMissing => None,
                _ => Some(ColumnType::Text),
            },
            Condition::Test { .. } => None,
        }
    }
    def.segments.iter().find_map(|s| find(&s.condition, column)).unwrap_or(ColumnType::Text)
}
