//! The choices a user can make when reading a file: the same in the app's import view and in
//! every CLI subcommand that reads a file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::encoding::TextEncoding;
use crate::table::{ColumnType, ValueFormat};

/// The tokens read as a missing value unless the user changes them.
pub const DEFAULT_MISSING_TOKENS: &[&str] = &["", "NA", "N/A", "n/a", "na", "null", "NULL", "Null", "-", "#N/A"];

/// Which part of a date like `03/04/2024` is the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first: `31/12/2024` (most of the world).
    Dmy,
    /// Month first: `12/31/2024` (the United States).
    Mdy,
    /// Year first: `2024/12/31`; day/month dates are not read as dates.
    Ymd,
}

impl DateOrder {
    /// Parses `dmy`, `mdy` or `ymd`.
    pub fn from_label(label: &str) -> Option<Self> {
        match label.trim().to_ascii_lowercase().as_str() {
            "dmy" => Some(DateOrder::Dmy),
            "mdy" => Some(DateOrder::Mdy),
            "ymd" => Some(DateOrder::Ymd),
            _ => None,
        }
    }
}

/// What to do with a row whose number of fields differs from the header's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RaggedRows {
    /// Keep the row: missing fields are missing values, extra fields are ignored (and reported).
    #[default]
    Keep,
    /// Leave the row out of the table (and of exports), and report it.
    Skip,
    /// Stop with an error naming the first such row.
    Fail,
}

/// How to read a file. `None` fields are detected from the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadOptions {
    /// Field delimiter byte; `None` detects among `,` `;` tab and `|`.
    pub delimiter: Option<u8>,
    /// Text encoding; `None` detects (byte order mark, UTF-8, else Windows-1252).
    pub encoding: Option<TextEncoding>,
    /// Whether line 1 holds column names.
    pub has_header: bool,
    /// Day/month order for ambiguous dates; `None` decides per column from the data.
    pub date_order: Option<DateOrder>,
    /// Decimal comma (`12,50`); `None` accepts it when a column is consistent.
    pub decimal_comma: Option<bool>,
    /// Column types chosen by the user, by column name.
    pub types: BTreeMap<String, ColumnType>,
    /// Tokens read as missing in every column.
    pub missing_tokens: Vec<String>,
    /// Per-column replacement of `missing_tokens`, by column name.
    pub column_missing_tokens: BTreeMap<String, Vec<String>>,
    /// What to do with rows that have the wrong number of fields.
    pub ragged_rows: RaggedRows,
    /// The sheet of a workbook (.xlsx, .xls, .ods) to read; `None` reads the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Per-column decimal style and date order, by column name: pins how values are read (used
    /// when a large file is read in parts, so every part reads like the first).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub formats: BTreeMap<String, ValueFormat>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: None,
            encoding: None,
            has_header: true,
            date_order: None,
            decimal_comma: None,
            types: BTreeMap::new(),
            missing_tokens: DEFAULT_MISSING_TOKENS.iter().map(|s| s.to_string()).collect(),
            column_missing_tokens: BTreeMap::new(),
            ragged_rows: RaggedRows::Keep,
            sheet: None,
            formats: BTreeMap::new(),
        }
    }
}

impl ReadOptions {
    /// The missing-value tokens that apply to `column`.
    pub fn missing_tokens_for(&self, column: &str) -> &[String] {
        self.column_missing_tokens.get(column).map_or(&self.missing_tokens, |v| v)
    }
}

/// Parses a delimiter as typed by a user: `,` `;` `|` `tab` or `\t`, or any single ASCII character.
pub fn parse_delimiter(text: &str) -> Option<u8> {
    match text {
        "tab" | "\\t" | "\t" => Some(b'\t'),
        "comma" => Some(b','),
        "semicolon" => Some(b';'),
        "pipe" => Some(b'|'),
        s if s.len() == 1 => {
            let b = s.as_bytes().first().copied()?;
            (b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r')).then_some(b)
        }
        _ => None,
    }
}

/// Shows a delimiter byte as a user reads it (`tab` for `\t`).
pub fn delimiter_label(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".to_string(),
        b => (b as char).to_string(),
    }
}
