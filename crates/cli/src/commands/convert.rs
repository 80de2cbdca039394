//! `segscope convert IN OUT.json`: records as JSON objects, for checking the parser.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use segscope_engine::ingest::read_table;
use segscope_engine::progress::Quiet;

use crate::error::{create_file, read_file, CliError};
use crate::read_args::ReadArgs;

/// Arguments of `segscope convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The delimited file to read.
    pub input: PathBuf,
    /// The JSON file to write.
    pub output: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Writes each record as an object mapping column name to the field's original text.
pub fn run(args: &ConvertArgs) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let bytes = read_file(&args.input)?;
    let table = read_table(&args.input.display().to_string(), &bytes, &options, &mut Quiet)?.table;
    let path = args.output.display().to_string();
    let io = |source| CliError::File { path: path.clone(), source };
    let mut out = create_file(&args.output)?;
    let names: Vec<String> = table.columns.iter().map(|c| json_string(&c.name)).collect();
    out.write_all(b"[").map_err(io)?;
    for row in 0..table.rows() {
        let fields = table.original_row(row);
        let pairs: Vec<String> = names
            .iter()
            .zip(fields.iter().map(|f| json_string(f)).chain(std::iter::repeat(String::from("null"))))
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let sep = if row == 0 { "\n  " } else { ",\n  " };
        write!(out, "{sep}{{{}}}", pairs.join(", ")).map_err(io)?;
    }
    out.write_all(b"\n]\n").map_err(io)?;
    out.flush().map_err(io)?;
    eprintln!("wrote {} records to {}", table.rows(), path);
    Ok(())
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}
