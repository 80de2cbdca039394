//! `segscope inspect FILE [--json]`.

use std::path::PathBuf;

use clap::Args;
use segscope_engine::api::{ColumnView, DatasetId, DatasetView};
use segscope_engine::ingest::{read_table, Diagnostics, FileFormat};
use segscope_engine::progress::Quiet;

use crate::error::{read_file, CliError};
use crate::read_args::ReadArgs;

/// Arguments of `segscope inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The file to inspect.
    pub file: PathBuf,
    /// Print JSON instead of a table for people.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Reads the file and prints what was found.
pub fn run(args: &InspectArgs) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let bytes = read_file(&args.file)?;
    let name = args.file.display().to_string();
    let ingested = read_table(&name, &bytes, &options, &mut Quiet)?;
    let view = DatasetView::new(DatasetId(0), &ingested, &options);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json(&view)).unwrap_or_default());
    } else {
        out!("{}", human(&view));
    }
    Ok(())
}

fn json(view: &DatasetView) -> serde_json::Value {
    let d = &view.diagnostics;
    serde_json::json!({
        "file": view.name,
        "format": format_tag(d),
        "sheet": d.sheet,
        "sheets": d.sheets,
        "encoding": d.encoding.label(),
        "encoding_evidence": d.encoding_evidence,
        "bom": d.bom,
        "delimiter": d.delimiter_label(),
        "delimiter_detected": d.delimiter_detected,
        "has_header": d.has_header,
        "line_terminator": d.line_terminator,
        "rows": view.rows,
        "columns": view.columns.iter().map(|c| serde_json::json!({
            "name": c.name,
            "type": c.column_type,
            "type_chosen": c.type_chosen,
            "format": (!c.format_notes.is_empty()).then(|| c.format_notes.join(", ")),
            "currency": c.currency,
            "stats": c.stats,
            "summary": c.summary.iter().map(|(k, v)| serde_json::json!([k, v])).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "warnings": view.warning_messages,
    })
}

/// `csv`, `tsv`, `csv.gz`, `tsv.gz`, `jsonl`, `xlsx`, `xls`, `ods` or `parquet`.
fn format_tag(d: &Diagnostics) -> &'static str {
    let tsv = d.delimiter == b'\t';
    match d.format {
        FileFormat::Csv if tsv => "tsv",
        FileFormat::Csv => "csv",
        FileFormat::GzipCsv if tsv => "tsv.gz",
        FileFormat::GzipCsv => "csv.gz",
        FileFormat::JsonLines => "jsonl",
        FileFormat::Xlsx => "xlsx",
        FileFormat::Xls => "xls",
        FileFormat::Ods => "ods",
        FileFormat::Parquet => "parquet",
    }
}

fn human(view: &DatasetView) -> String {
    let d = &view.diagnostics;
    let mut out = format!("{}: {} rows × {} columns\n", view.name, view.rows, view.columns.len());
    out += &format!(
        "read as: delimiter `{}` ({}), encoding {}{}, {}, {} line endings\n",
        d.delimiter_label(),
        if d.delimiter_detected { "detected" } else { "chosen" },
        d.encoding.label(),
        if d.bom { " with byte order mark" } else { "" },
        if d.has_header { "header row" } else { "no header row" },
        d.line_terminator,
    );
    if d.format != FileFormat::Csv {
        out += &format!("file: {}", d.format.label());
        if let Some(sheet) = &d.sheet {
            out += &format!(", sheet `{sheet}` (sheets: {})", d.sheets.join(", "));
        }
        out += if d.format.is_converted() { ", read as the CSV it converts to\n" } else { "\n" };
    }
    for w in &view.warning_messages {
        out += &format!("warning: {w}\n");
    }
    let width = view.columns.iter().map(|c| c.name.chars().count()).max().unwrap_or(6).max(6);
    out += &format!("\n{:width$}  {:11}  {:>8}  {:>8}  summary\n", "column", "type", "missing", "distinct");
    for c in &view.columns {
        out += &format!(
            "{:width$}  {:11}  {:>8}  {:>8}  {}\n",
            c.name,
            format!("{}{}", c.column_type, if c.type_chosen { "*" } else { "" }),
            c.stats.missing,
            c.stats.distinct,
            summary(c)
        );
    }
    out
}

fn summary(c: &ColumnView) -> String {
    let mut parts: Vec<String> = c.summary.iter().skip(2).map(|(k, v)| format!("{k} {v}")).collect();
    if !c.format_notes.is_empty() {
        parts.push(format!("({})", c.format_notes.join(", ")));
    }
    parts.join(" · ")
}
