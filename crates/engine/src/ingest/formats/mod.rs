//! Files that are not delimited text, turned into delimited text once, at the front of the reader.
//!
//! A gzip file is decompressed: its contents are the original file, and exports pass them through
//! unchanged. A JSON Lines file or a spreadsheet's sheet is written as CSV (comma-separated,
//! UTF-8): that CSV is the "original" the preview and exports show. Every format is then read by
//! the same CSV reader, so types, missing values and warnings work the same way for all.
//!
//! A Parquet file is written as CSV the same way, a record batch at a time, when the engine is
//! built with its `parquet` feature (the CLI); without it (the page) it is refused with a sentence
//! saying what to do.

mod gzip;
mod json_lines;
#[cfg(feature = "parquet")]
mod parquet;
mod spreadsheet;
mod workbook_limits;
mod xls_limits;

use std::borrow::Cow;
use std::io::BufRead;

use serde::{Deserialize, Serialize};

use super::errors::IngestErrorKind;
use super::options::ReadOptions;

pub(crate) use gzip::GZIP_ADVICE;
pub use gzip::MAX_EXPANDED_BYTES;

/// What kind of file was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// Delimited text (CSV, TSV, ...).
    #[default]
    Csv,
    /// Delimited text compressed with gzip (`.csv.gz`).
    GzipCsv,
    /// JSON Lines (`.jsonl`, `.ndjson`): one JSON object per line.
    JsonLines,
    /// An Excel workbook (`.xlsx`, `.xlsm`, `.xlsb`).
    Xlsx,
    /// An old Excel workbook (`.xls`).
    Xls,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
    /// An Apache Parquet file (`.parquet`).
    Parquet,
}

impl FileFormat {
    /// The format as a user reads it.
    pub fn label(self) -> &'static str {
        match self {
            FileFormat::Csv => "CSV",
            FileFormat::GzipCsv => "gzip-compressed CSV",
            FileFormat::JsonLines => "JSON Lines",
            FileFormat::Xlsx => "Excel workbook (.xlsx)",
            FileFormat::Xls => "Excel 97-2003 workbook (.xls)",
            FileFormat::Ods => "OpenDocument spreadsheet (.ods)",
            FileFormat::Parquet => "Parquet",
        }
    }

    /// True when the text read is CSV written by Segscope (JSON Lines, spreadsheets), not the file's own.
    pub fn is_converted(self) -> bool {
        matches!(
            self,
            FileFormat::JsonLines | FileFormat::Xlsx | FileFormat::Xls | FileFormat::Ods | FileFormat::Parquet
        )
    }
}

/// The first bytes of a zip archive (`.xlsx`, `.xlsb`, `.ods`).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The first bytes of a compound file (`.xls`).
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decides a file's format from its first bytes, then from its name's extension.
pub fn detect(name: &str, bytes: &[u8]) -> FileFormat {
    let lower = name.to_ascii_lowercase();
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return FileFormat::GzipCsv;
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return if lower.ends_with(".ods") { FileFormat::Ods } else { FileFormat::Xlsx };
    }
    if bytes.starts_with(CFB_MAGIC) {
        return FileFormat::Xls;
    }
    if bytes.starts_with(b"PAR1") {
        return FileFormat::Parquet;
    }
    if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || json_lines::looks_like(bytes) {
        return FileFormat::JsonLines;
    }
    FileFormat::Csv
}

/// The error for a file whose name says a binary format (`.xlsx`, `.xls`, `.ods`, `.parquet`,
/// `.gz`) that its bytes are not: text named like a workbook is refused rather than read as CSV,
/// since it is often an HTML page saved with a workbook's name.
pub(crate) fn misnamed(name: &str, format: FileFormat) -> Option<IngestErrorKind> {
    const BINARY: [(&str, &str); 5] = [
        (".xlsx", "an Excel workbook (a zip archive)"),
        (".xls", "an old Excel workbook"),
        (".ods", "an OpenDocument spreadsheet (a zip archive)"),
        (".parquet", "a Parquet file"),
        (".gz", "a gzip archive"),
    ];
    if !matches!(format, FileFormat::Csv | FileFormat::JsonLines) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    BINARY
        .iter()
        .find(|(ending, _)| lower.ends_with(ending))
        .map(|&(named, what)| IngestErrorKind::Misnamed { named, what })
}

/// A file as delimited text.
#[derive(Debug)]
pub struct Delimited<'a> {
    /// The text to read as CSV.
    pub bytes: Cow<'a, [u8]>,
    /// What the file was.
    pub format: FileFormat,
    /// A workbook's sheets, in the workbook's order (empty for other formats).
    pub sheets: Vec<String>,
    /// The sheet read.
    pub sheet: Option<String>,
}

/// Turns `bytes` (a file called `name`) into delimited text.
///
/// # Errors
/// [`IngestErrorKind::TooLarge`] when a gzip file expands past [`MAX_EXPANDED_BYTES`],
/// [`IngestErrorKind::Unreadable`] when a gzip file or workbook is damaged,
/// [`IngestErrorKind::JsonLine`] for a JSON Lines line that is not a JSON object,
/// [`IngestErrorKind::UnknownSheet`] / [`IngestErrorKind::EmptySheet`] for the sheet chosen,
/// [`IngestErrorKind::ParquetTooLarge`] for a Parquet file whose text passes [`MAX_EXPANDED_BYTES`],
/// [`IngestErrorKind::ParquetNotRead`] for any Parquet file without the `parquet` feature.
pub fn to_delimited<'a>(name: &str, bytes: &'a [u8], options: &ReadOptions) -> Result<Delimited<'a>, IngestErrorKind> {
    to_delimited_limited(name, bytes, options, MAX_EXPANDED_BYTES)
}

fn to_delimited_limited<'a>(
    name: &str,
    bytes: &'a [u8],
    options: &ReadOptions,
    limit: u64,
) -> Result<Delimited<'a>, IngestErrorKind> {
    let format = detect(name, bytes);
    if let Some(e) = misnamed(name, format) {
        return Err(e);
    }
    let plain = |bytes: Cow<'a, [u8]>| Delimited { bytes, format, sheets: Vec::new(), sheet: None };
    match format {
        FileFormat::Csv => Ok(plain(Cow::Borrowed(bytes))),
        FileFormat::GzipCsv => {
            let inner = gzip::decompress(bytes, limit)?;
            // `orders.jsonl.gz`: JSON Lines inside; converted like a plain `.jsonl`.
            let inner_name = name.strip_suffix(".gz").or_else(|| name.strip_suffix(".GZ")).unwrap_or(name);
            if detect(inner_name, &inner) == FileFormat::JsonLines {
                let csv = json_lines::to_csv(&inner)?;
                return Ok(Delimited {
                    bytes: Cow::Owned(csv),
                    format: FileFormat::JsonLines,
                    sheets: Vec::new(),
                    sheet: None,
                });
            }
            Ok(plain(Cow::Owned(inner)))
        }
        FileFormat::JsonLines => Ok(plain(Cow::Owned(json_lines::to_csv(bytes)?))),
        FileFormat::Parquet => Ok(plain(Cow::Owned(parquet_to_csv(bytes, limit)?))),
        FileFormat::Xlsx | FileFormat::Xls | FileFormat::Ods => {
            let sheet = spreadsheet::to_csv(bytes, format, options.sheet.as_deref())?;
            Ok(Delimited { bytes: Cow::Owned(sheet.csv), format, sheets: sheet.sheets, sheet: Some(sheet.sheet) })
        }
    }
}

#[cfg(feature = "parquet")]
fn parquet_to_csv(bytes: &[u8], limit: u64) -> Result<Vec<u8>, IngestErrorKind> {
    parquet::to_csv(bytes, limit)
}

#[cfg(not(feature = "parquet"))]
fn parquet_to_csv(_bytes: &[u8], _limit: u64) -> Result<Vec<u8>, IngestErrorKind> {
    Err(IngestErrorKind::ParquetNotRead)
}

/// A Parquet file read from `input` as CSV text (comma-separated UTF-8), produced as it is read:
/// the file's bytes are held, its rows are not. For the streaming readers.
///
/// # Errors
/// [`IngestErrorKind::Unreadable`] when it cannot be read or is not a Parquet file,
/// [`IngestErrorKind::ParquetNotRead`] without the `parquet` feature.
#[cfg(feature = "parquet")]
pub(crate) fn parquet_rows<'r>(mut input: impl BufRead + 'r) -> Result<Box<dyn BufRead + 'r>, IngestErrorKind> {
    let mut file = Vec::new();
    input.read_to_end(&mut file).map_err(|e| IngestErrorKind::Unreadable {
        what: "Parquet file",
        message: e.to_string(),
        advice: "Check that the file is complete and readable, then open it again.",
    })?;
    let text = parquet::ParquetText::open(bytes::Bytes::from(file))?;
    Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, text)))
}

/// Without the `parquet` feature, a Parquet file is refused.
///
/// # Errors
/// Always [`IngestErrorKind::ParquetNotRead`].
#[cfg(not(feature = "parquet"))]
pub(crate) fn parquet_rows<'r>(_input: impl BufRead + 'r) -> Result<Box<dyn BufRead + 'r>, IngestErrorKind> {
    Err(IngestErrorKind::ParquetNotRead)
}

/// A byte limit as a person reads it (`2 GB`).
fn limit_label(limit: u64) -> String {
    if limit >= 1_000_000_000 {
        format!("{} GB", limit / 1_000_000_000)
    } else if limit >= 1_000_000 {
        format!("{} MB", limit / 1_000_000)
    } else {
        format!("{limit} bytes")
    }
}

/// Quotes a value for the CSV Segscope writes (comma-separated, quoted only when needed). A value
/// that starts with U+FEFF is quoted too: first in the file, it would be read as a byte order mark.
fn push_field(out: &mut Vec<u8>, value: &str) {
    if value.contains([',', '"', '\n', '\r']) || value.starts_with([' ', '\u{feff}']) || value.ends_with(' ') {
        out.push(b'"');
        out.extend_from_slice(value.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

/// Writes one CSV record with a LF terminator.
fn push_record<'v>(out: &mut Vec<u8>, values: impl IntoIterator<Item = &'v str>) {
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_field(out, v);
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_first_bytes_then_by_name() {
        assert_eq!(detect("a.csv", b"\x1f\x8b\x08rest"), FileFormat::GzipCsv);
        assert_eq!(detect("a.xlsx", b"PK\x03\x04rest"), FileFormat::Xlsx);
        assert_eq!(detect("a.ods", b"PK\x03\x04rest"), FileFormat::Ods);
        assert_eq!(detect("a", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), FileFormat::Xls);
        assert_eq!(detect("a.ndjson", b"x"), FileFormat::JsonLines);
        assert_eq!(detect("a.txt", b"  {\"a\": 1}\n{\"a\": 2}\n"), FileFormat::JsonLines);
        assert_eq!(detect("a.csv", b"a,b\n1,2\n"), FileFormat::Csv);
    }

    #[test]
    fn json_lines_inside_gzip_are_converted_like_plain_json_lines() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b"{\"id\": 1, \"city\": \"Lyon\"}\n{\"id\": 2, \"city\": \"Metz\"}\n").unwrap();
        let gz = e.finish().unwrap();
        let d = to_delimited("orders.jsonl.gz", &gz, &ReadOptions::default()).unwrap();
        assert_eq!(d.format, FileFormat::JsonLines);
        assert_eq!(&*d.bytes, b"id,city\n1,Lyon\n2,Metz\n");
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut out = Vec::new();
        push_record(&mut out, ["a", "b,c", "say \"hi\"", " x"]);
        assert_eq!(out, b"a,\"b,c\",\"say \"\"hi\"\"\",\" x\"\n");
    }

    #[test]
    fn a_value_starting_with_u_feff_is_quoted_so_it_is_not_taken_for_a_byte_order_mark() {
        let mut out = Vec::new();
        push_record(&mut out, ["\u{feff}a", "b\u{feff}"]);
        assert_eq!(out, "\"\u{feff}a\",b\u{feff}\n".as_bytes());
    }
}
