//! [`ReadOptions`] from arbitrary bytes: every choice a user can make in the import view, with
//! column types and missing tokens chosen for columns the file has (by position), so the reader
//! gets past the "no such column" check.

use arbitrary::Arbitrary;
use segscope_engine::ingest::{parse_delimiter, DateOrder, RaggedRows, ReadOptions, TextEncoding};
use segscope_engine::table::ColumnType;

/// A delimiter: one of the four the reader detects, or any byte.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Delimiter {
    /// Detected from the data.
    Detect,
    Comma,
    Semicolon,
    Tab,
    Pipe,
    /// Any byte a user can choose (`parse_delimiter`: ASCII, not a quote or a line break); others detect.
    Byte(u8),
}

impl Delimiter {
    /// The byte chosen, `None` to detect.
    pub fn byte(self) -> Option<u8> {
        match self {
            Delimiter::Detect => None,
            Delimiter::Comma => Some(b','),
            Delimiter::Semicolon => Some(b';'),
            Delimiter::Tab => Some(b'\t'),
            Delimiter::Pipe => Some(b'|'),
            Delimiter::Byte(b) => parse_delimiter(&char::from(b).to_string()),
        }
    }
}

/// The options as arbitrary choices.
#[derive(Debug, Clone, Arbitrary)]
pub struct FuzzOptions {
    pub delimiter: Delimiter,
    /// 0 detects; 1..=4 choose UTF-8, Windows-1252, UTF-16 LE, UTF-16 BE.
    pub encoding: u8,
    pub no_header: bool,
    /// 0 decides per column; 1..=3 choose day, month or year first.
    pub date_order: u8,
    pub decimal_comma: Option<bool>,
    /// (column position, type 0..=6) chosen by the user.
    pub types: Vec<(u8, u8)>,
    /// Replace the default missing tokens.
    pub missing_tokens: Option<Vec<String>>,
    /// (column position, tokens) for one column.
    pub column_missing: Option<(u8, Vec<String>)>,
    /// 0 keeps, 1 skips, 2 fails on rows of the wrong length.
    pub ragged: u8,
    /// A sheet by name (workbooks).
    pub sheet: Option<String>,
}

impl FuzzOptions {
    /// The options, with types and per-column tokens applied to the columns of `names` (those the
    /// positions point at, modulo their number); without names, none are chosen.
    pub fn to_options(&self, names: &[String]) -> ReadOptions {
        let mut options = ReadOptions {
            delimiter: self.delimiter.byte(),
            encoding: match self.encoding % 5 {
                1 => Some(TextEncoding::Utf8),
                2 => Some(TextEncoding::Windows1252),
                3 => Some(TextEncoding::Utf16Le),
                4 => Some(TextEncoding::Utf16Be),
                _ => None,
            },
            has_header: !self.no_header,
            date_order: match self.date_order % 4 {
                1 => Some(DateOrder::Dmy),
                2 => Some(DateOrder::Mdy),
                3 => Some(DateOrder::Ymd),
                _ => None,
            },
            decimal_comma: self.decimal_comma,
            ragged_rows: match self.ragged % 3 {
                1 => RaggedRows::Skip,
                2 => RaggedRows::Fail,
                _ => RaggedRows::Keep,
            },
            sheet: self.sheet.clone(),
            ..ReadOptions::default()
        };
        if let Some(tokens) = &self.missing_tokens {
            options.missing_tokens = tokens.iter().take(8).cloned().collect();
        }
        if names.is_empty() {
            return options;
        }
        let name = |i: u8| names.get(usize::from(i) % names.len()).cloned().unwrap_or_default();
        for &(i, t) in self.types.iter().take(8) {
            options.types.insert(name(i), column_type(t));
        }
        if let Some((i, tokens)) = &self.column_missing {
            options.column_missing_tokens.insert(name(*i), tokens.iter().take(8).cloned().collect());
        }
        options
    }
}

/// A column type from a number.
pub fn column_type(t: u8) -> ColumnType {
    ColumnType::ALL.get(usize::from(t) % ColumnType::ALL.len()).copied().unwrap_or(ColumnType::Text)
}
