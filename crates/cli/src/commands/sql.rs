//! `segscope sql --definition seg.json | --model model.json --dialect duckdb|bigquery|spark|postgres --table NAME`.

use std::path::PathBuf;

use clap::Args;
use segscope_engine::cluster::sql::model_sql;
use segscope_engine::cluster::ClusterError;
use segscope_engine::rules::sql::{select_with, Dialect};
use segscope_engine::rules::{check, implied_schema};

use crate::commands::definition::{load_cluster_model, load_definition, model_hint};
use crate::error::CliError;

/// Arguments of `segscope sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The segment definition (segscope.segments/1 JSON). Give this or --model.
    #[arg(long, value_name = "FILE")]
    pub definition: Option<PathBuf>,
    /// A cluster model (segscope.cluster-model/1, saved by `segscope cluster --model` or the app):
    /// the SQL gives each customer the name of its nearest cluster in a `cluster` column (NULL for a
    /// customer the model leaves out). Give this or --definition.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// duckdb, bigquery, spark or postgres.
    #[arg(long)]
    pub dialect: String,
    /// The table to select from (may be qualified: project.dataset.table).
    #[arg(long)]
    pub table: String,
    /// The transactions table the per-customer aggregates are computed from, when the definition or
    /// model uses them.
    #[arg(long, value_name = "NAME", default_value = "transactions")]
    pub transactions_table: String,
}

/// Prints the SQL.
pub fn run(args: &SqlArgs) -> Result<(), CliError> {
    let dialect = Dialect::from_label(&args.dialect).ok_or_else(|| {
        CliError::usage(format!("--dialect `{}` must be duckdb, bigquery, spark or postgres.", args.dialect))
    })?;
    let definition = match (&args.definition, &args.model) {
        (Some(definition), None) => definition,
        (None, Some(model)) => {
            let model = load_cluster_model(model)?;
            let sql =
                model_sql(&model, dialect, &args.table, Some(&args.transactions_table)).map_err(ClusterError::from)?;
            out!("{sql}");
            return Ok(());
        }
        (Some(_), Some(_)) => {
            return Err(CliError::usage(
                "give either --definition FILE (rule segments) or --model FILE (a cluster model), not both.".into(),
            ))
        }
        (None, None) => {
            return Err(CliError::usage(
                "say what to write as SQL: --definition FILE (rule segments) or --model FILE (a cluster model).".into(),
            ))
        }
    };
    let def = load_definition(definition).map_err(|e| model_hint(e, definition, "sql"))?;
    // Column types come from the definition's `columns`; a hand-written file may omit them, and
    // then each column's type follows from the aggregates, derived fields and operators using it.
    let schema = implied_schema(&def);
    let valid = check(&def, &schema, None)
        .map_err(|source| CliError::Rules { file: definition.display().to_string(), source })?;
    let title = def.name.clone().unwrap_or_else(|| definition.display().to_string());
    out!("{}", select_with(&valid, dialect, &args.table, Some(&args.transactions_table), &title));
    Ok(())
}
