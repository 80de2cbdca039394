//! What the import found: the choices it made and the problems it worked around.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::encoding::{EncodingEvidence, TextEncoding};
use super::formats::FileFormat;
use super::options::{delimiter_label, RaggedRows};
use crate::table::ColumnType;

/// How many examples a warning keeps.
pub const MAX_EXAMPLES: usize = 5;

/// A report of how a file was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostics {
    /// The file's name.
    pub file: String,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// What kind of file it is; a gzip file's contents, a JSON Lines file or a sheet are read as CSV.
    #[serde(default)]
    pub format: FileFormat,
    /// A workbook's sheets, in the workbook's order (empty for other formats).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<String>,
    /// The sheet read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The file's encoding.
    pub encoding: TextEncoding,
    /// How the encoding was decided.
    pub encoding_evidence: EncodingEvidence,
    /// True when the file starts with a byte order mark.
    pub bom: bool,
    /// The field delimiter.
    pub delimiter: u8,
    /// True when the delimiter was detected rather than chosen.
    pub delimiter_detected: bool,
    /// Whether line 1 was read as column names.
    pub has_header: bool,
    /// The line terminator of the header (or first) line: `CRLF`, `LF` or `CR`.
    pub line_terminator: String,
    /// Rows in the table.
    pub rows: u64,
    /// Problems worked around, for the user to review.
    pub warnings: Vec<ImportWarning>,
}

impl Diagnostics {
    /// The delimiter as a user reads it (`tab` for a tab).
    pub fn delimiter_label(&self) -> String {
        delimiter_label(self.delimiter)
    }
}

/// A line and what was found there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// 1-based line number.
    pub line: u64,
    /// What was found (a value, or a field count).
    pub found: String,
}

/// Shows examples as `line 3: "x"; line 9: "y"`.
fn list_examples(list: &[Example]) -> String {
    list.iter().map(|e| format!("line {}: {}", e.line, e.found)).collect::<Vec<_>>().join("; ")
}

/// Renamed columns as `column 3 → `x_2``, the first ten of them and how many more.
fn list_renamed(renamed: &[(usize, String)]) -> String {
    const SHOWN: usize = 10;
    let mut text =
        renamed.iter().take(SHOWN).map(|(a, b)| format!("column {a} → `{b}`")).collect::<Vec<_>>().join(", ");
    if renamed.len() > SHOWN {
        text = format!("{text} and {} more", renamed.len().saturating_sub(SHOWN));
    }
    text
}

/// A problem the import worked around; `Display` says what was done and what the user can change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ImportWarning {
    /// The file was not valid UTF-8 and was read as Windows-1252.
    #[error("The file is not valid UTF-8 (first at line {line}), so it was read as Windows-1252 (Western European). If letters look wrong, choose the file's encoding.")]
    EncodingGuessed {
        /// 1-based line of the first byte that is not UTF-8.
        line: u64,
    },
    /// The file was UTF-16; exports are written as UTF-8.
    #[error("The file is UTF-16 ({encoding}); it was read correctly, and downloads are written as UTF-8.")]
    Utf16Transcoded {
        /// The UTF-16 variant.
        encoding: String,
    },
    /// Some rows have a different number of fields than the header.
    #[error("{count} rows have a different number of fields than the header's {expected} ({}). {}", list_examples(.examples), ragged_action(*.policy))]
    RaggedRows {
        /// How many rows.
        count: u64,
        /// Fields in the header.
        expected: usize,
        /// The first few rows, with their field counts.
        examples: Vec<Example>,
        /// What was done with them.
        policy: RaggedRows,
    },
    /// Dates that read correctly both day-first and month-first.
    #[error("Column `{column}`: every date reads both as day/month and month/day, so it was read as {}. If that is wrong, choose the other date order.", order_name(.chosen_day_first))]
    AmbiguousDateOrder {
        /// The column.
        column: String,
        /// True when day-first was chosen.
        chosen_day_first: bool,
    },
    /// Values that could not be read as the column's chosen type.
    #[error("Column `{column}`: {count} values could not be read as {column_type} and are treated as missing ({}). Choose another type, or fix these values.", list_examples(.examples))]
    UnreadableValues {
        /// The column.
        column: String,
        /// The type chosen for it.
        column_type: ColumnType,
        /// How many values.
        count: u64,
        /// The first few.
        examples: Vec<Example>,
    },
    /// A column of numbers written two ways: with a decimal point and with a decimal comma.
    #[error("Column `{column}` writes numbers two ways: {} on line {} (decimal point, commas between thousands) and {} on line {} (decimal comma, dots between thousands), so {}", .point.found, .point.line, .comma.found, .comma.line, mixed_conventions_action(*.read_as_text))]
    MixedNumberConventions {
        /// The column.
        column: String,
        /// The first value that reads only with a decimal point.
        point: Example,
        /// The first value that reads only with a decimal comma.
        comma: Example,
        /// True when the column was read as text (its type was inferred); false when the user chose
        /// decimal and the style that reads the most values was used.
        read_as_text: bool,
    },
    /// A column of amounts in more than one currency.
    #[error("Column `{column}` has amounts in more than one currency ({} on line {}, {} on line {}), so {}", .first.found, .first.line, .other.found, .other.line, mixed_currencies_action(*.read_as_text))]
    MixedCurrencies {
        /// The column.
        column: String,
        /// The first value with a currency.
        first: Example,
        /// The first value in another currency.
        other: Example,
        /// True when the column was read as text (its type was inferred); false when the user chose decimal.
        read_as_text: bool,
    },
    /// Header names that were empty or repeated and got new names.
    #[error("Some column names were empty or repeated and were renamed: {}.", list_renamed(.renamed))]
    RenamedColumns {
        /// (1-based column number, new name).
        renamed: Vec<(usize, String)>,
    },
}

fn ragged_action(policy: RaggedRows) -> &'static str {
    match policy {
        RaggedRows::Keep => "They were kept: missing fields are read as missing values and extra fields are ignored. Check the delimiter and quoting, or choose to leave these rows out.",
        RaggedRows::Skip => "They were left out of the table and of downloads, as chosen. Choose \"keep\" to include them.",
        RaggedRows::Fail => "Reading stopped.",
    }
}

fn mixed_conventions_action(read_as_text: bool) -> &'static str {
    if read_as_text {
        "it was read as text rather than guessed value by value. Write the column one way; or choose the decimal type for it (with the decimal comma on or off), and the values written the other way are listed as unreadable."
    } else {
        "it was read as decimal as chosen, with the convention most of its values use; the values written the other way are treated as missing (listed as unreadable). Write the column one way."
    }
}

fn mixed_currencies_action(read_as_text: bool) -> &'static str {
    if read_as_text {
        "it was read as text: adding these amounts up would mix currencies. Convert them to one currency, or split the file by currency; or choose the decimal type for it to read the numbers anyway."
    } else {
        "it was read as decimal as chosen: its sums and averages mix currencies. Convert the amounts to one currency, or split the file by currency."
    }
}

fn order_name(day_first: &bool) -> &'static str {
    if *day_first {
        "day-first (31/12/2024)"
    } else {
        "month-first (12/31/2024)"
    }
}
