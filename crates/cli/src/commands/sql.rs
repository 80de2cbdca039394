//! `segscope sql --definition seg.json --dialect duckdb|bigquery|spark|postgres --table NAME`.

use std::path::PathBuf;

use clap::Args;
use segscope_engine::rules::sql::{select_with, Dialect};
use segscope_engine::rules::{check, implied_schema};

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
    // then each column's type follows from the aggregates, derived fields and operators using it.
    let schema = implied_schema(&def);
    let valid = check(&def, &schema, None)
        .map_err(|source| CliError::Rules { file: args.definition.display().to_string(), source })?;
    let title = def.name.clone().unwrap_or_else(|| args.definition.display().to_string());
    print!("{}", select_with(&valid, dialect, &args.table, Some(&args.transactions_table), &title));
    Ok(())
}
