//! The typed columnar table every analysis reads, plus the original bytes it came from.
//!
//! Values live in typed columns (see [`ColumnData`]); the file's bytes are kept once, with the
//! span of every record, so exports can pass each input row through unchanged and the preview can
//! show exactly what the file says.

mod column;

pub use column::{format_significant, Column, ColumnData, ColumnType, ValueFormat};

use crate::ingest::encoding::{decode_field, TextEncoding};

/// How many rows [`Table::text_examples`] looks at, at most.
pub const EXAMPLE_SCAN_ROWS: usize = 100_000;

/// Where one record lies in the source bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordSpan {
    /// Offset of the record's first byte.
    pub start: usize,
    /// Offset just past the record's last field (before its line terminator).
    pub end: usize,
    /// Offset just past the record's line terminator (equal to `end` on a last line without one).
    pub term_end: usize,
    /// 1-based line number where the record starts.
    pub line: u64,
    /// Number of fields the record has.
    pub fields: usize,
}

/// The bytes a table was read from, and how to read them again.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The file's byte order mark, if it had one.
    pub bom: Vec<u8>,
    /// The file's body (UTF-16 files are held transcoded to UTF-8).
    pub bytes: Vec<u8>,
    /// The encoding of `bytes`.
    pub encoding: TextEncoding,
    /// The field delimiter.
    pub delimiter: u8,
    /// The header record, when the file has one.
    pub header: Option<RecordSpan>,
    /// The data records, one per table row, in file order.
    pub records: Vec<RecordSpan>,
    /// Records left out of the table at the user's request (wrong number of fields).
    pub skipped: Vec<RecordSpan>,
}

impl Source {
    /// Splits one record of the source into its fields' original text.
    pub fn fields(&self, span: &RecordSpan) -> Vec<String> {
        let bytes = self.bytes.get(span.start..span.end).unwrap_or_default();
        let mut reader = crate::ingest::encoding::csv_reader(bytes, self.delimiter);
        let mut record = csv::ByteRecord::new();
        match reader.read_byte_record(&mut record) {
            Ok(true) => record.iter().map(|f| decode_field(f, self.encoding).into_owned()).collect(),
            _ => Vec::new(),
        }
    }
}

/// A typed table: named columns of equal length, and the source they were read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The name the user knows the data by (usually the file name).
    pub name: String,
    /// The columns, in file order.
    pub columns: Vec<Column>,
    /// The original bytes and record spans.
    pub source: Source,
}

impl Table {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.source.records.len()
    }

    /// The column called `name`, if any.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Its columns, then `extra` ones (the aggregates of transactions joined onto it), as
    /// (name, values): what features and models read.
    pub fn named_columns<'a>(&'a self, extra: &'a [Column]) -> Vec<(&'a str, &'a ColumnData)> {
        self.columns.iter().chain(extra).map(|c| (c.name.as_str(), &c.data)).collect()
    }

    /// The column names, comma-separated, for messages that list what exists.
    pub fn column_list(&self) -> String {
        self.columns.iter().map(|c| format!("`{}`", c.name)).collect::<Vec<_>>().join(", ")
    }

    /// The original text of every field of `row`, exactly as in the file.
    pub fn original_row(&self, row: usize) -> Vec<String> {
        self.source.records.get(row).map(|span| self.source.fields(span)).unwrap_or_default()
    }

    /// Up to `n` different values of column `column` as written in the file (trimmed, empty ones
    /// skipped), from the first rows: what a message shows when a column cannot be used. Looks at
    /// no more than [`EXAMPLE_SCAN_ROWS`] rows.
    pub fn text_examples(&self, column: usize, n: usize) -> Vec<String> {
        let mut found: Vec<String> = Vec::with_capacity(n);
        for span in self.source.records.iter().take(EXAMPLE_SCAN_ROWS) {
            if found.len() >= n {
                break;
            }
            let fields = self.source.fields(span);
            let Some(text) = fields.get(column).map(|t| t.trim()).filter(|t| !t.is_empty()) else { continue };
            if !found.iter().any(|f| f == text) {
                found.push(text.to_string());
            }
        }
        found
    }

    /// The 1-based line of the file where `row` starts.
    pub fn line_of(&self, row: usize) -> Option<u64> {
        self.source.records.get(row).map(|r| r.line)
    }
}
