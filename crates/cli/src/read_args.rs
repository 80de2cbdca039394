//! The read options every subcommand that reads a file accepts: the import view's choices. The
//! input may be CSV/TSV, gzip-compressed CSV, JSON Lines, Parquet, or a sheet of an .xlsx, .xls or .ods file.

use clap::Args;
use segscope_engine::ingest::{parse_delimiter, DateOrder, RaggedRows, ReadOptions, TextEncoding};
use segscope_engine::table::ColumnType;

use crate::error::CliError;

/// How to read an input file (detected when not given).
#[derive(Debug, Clone, Default, Args)]
pub struct ReadArgs {
    /// Field delimiter: `,` `;` `|` `tab` (detected when not given).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Text encoding: utf-8, windows-1252 (latin-1), utf-16le, utf-16be (detected when not given).
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// The file has no header row; columns are named column_1, column_2, ...
    #[arg(long)]
    pub no_header: bool,
    /// Order of day and month in dates like 03/04/2024: dmy, mdy or ymd (decided per column when not given).
    #[arg(long, value_name = "ORDER")]
    pub date_order: Option<String>,
    /// Numbers use a decimal comma (12,50) [default: accepted when a column is consistent].
    #[arg(long)]
    pub decimal_comma: bool,
    /// Set a column's type: COL=integer|decimal|boolean|date|datetime|categorical|text (repeatable).
    #[arg(long = "type", value_name = "COL=TYPE")]
    pub types: Vec<String>,
    /// An extra token read as a missing value, in every column (repeatable). Defaults: empty, NA, N/A, null, NULL, -, #N/A.
    #[arg(long = "na", value_name = "TOKEN")]
    pub na: Vec<String>,
    /// The sheet of an Excel or OpenDocument workbook (.xlsx, .xls, .ods) to read [default: the first].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Rows with the wrong number of fields: keep (default), skip, or fail.
    #[arg(long, value_name = "WHAT", default_value = "keep")]
    pub bad_rows: String,
}

impl ReadArgs {
    /// The engine's read options, or a message naming the flag that is wrong.
    pub fn to_options(&self) -> Result<ReadOptions, CliError> {
        let mut o = ReadOptions { has_header: !self.no_header, ..ReadOptions::default() };
        if let Some(d) = &self.delimiter {
            o.delimiter = Some(parse_delimiter(d).ok_or_else(|| {
                CliError::usage(format!("--delimiter `{d}` is not one character; use `,` `;` `|` or `tab`."))
            })?);
        }
        if let Some(e) = &self.encoding {
            o.encoding = Some(TextEncoding::from_label(e).ok_or_else(|| {
                CliError::usage(format!(
                    "--encoding `{e}` is not known; use utf-8, windows-1252, utf-16le or utf-16be."
                ))
            })?);
        }
        if let Some(d) = &self.date_order {
            o.date_order = Some(
                DateOrder::from_label(d)
                    .ok_or_else(|| CliError::usage(format!("--date-order `{d}` must be dmy, mdy or ymd.")))?,
            );
        }
        if self.decimal_comma {
            o.decimal_comma = Some(true);
        }
        for t in &self.types {
            let (col, ty) = t.rsplit_once('=').ok_or_else(|| {
                CliError::usage(format!("--type `{t}` must look like COLUMN=TYPE, e.g. age=integer."))
            })?;
            let ty = ColumnType::from_label(ty).ok_or_else(|| {
                let all: Vec<&str> = ColumnType::ALL.iter().map(|t| t.label()).collect();
                CliError::usage(format!("--type `{t}`: `{ty}` is not a type; use one of {}.", all.join(", ")))
            })?;
            o.types.insert(col.to_string(), ty);
        }
        o.missing_tokens.extend(self.na.iter().cloned());
        o.sheet.clone_from(&self.sheet);
        o.ragged_rows = match self.bad_rows.as_str() {
            "keep" => RaggedRows::Keep,
            "skip" => RaggedRows::Skip,
            "fail" => RaggedRows::Fail,
            other => return Err(CliError::usage(format!("--bad-rows `{other}` must be keep, skip or fail."))),
        };
        Ok(o)
    }
}
