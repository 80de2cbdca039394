//! Reading delimited text (CSV, TSV, semicolon- or pipe-separated) into a typed [`Table`].
//!
//! Encoding, delimiter, header names and column types are detected, and every detection can be
//! overridden with [`ReadOptions`]. Problems that stop reading are [`IngestError`]s that name the
//! file, line and column; problems worked around are [`ImportWarning`]s in the [`Diagnostics`].

mod cells;
mod column_builder;
mod diagnostics;
mod dialect;
pub mod encoding;
mod errors;
pub mod estimate;
mod fields;
pub mod formats;
mod infer;
mod missing;
mod options;
pub mod records;
pub mod reduce;
mod rows;
mod typed_cell;
pub mod values;

pub use diagnostics::{Diagnostics, Example, ImportWarning, MAX_EXAMPLES};
pub use dialect::sniff_delimiter;
pub use encoding::{EncodingEvidence, TextEncoding};
pub use errors::{IngestError, IngestErrorKind};
pub use formats::FileFormat;
pub use infer::MAX_CATEGORIES;
pub use options::{delimiter_label, parse_delimiter, DateOrder, RaggedRows, ReadOptions, DEFAULT_MISSING_TOKENS};
pub use rows::{ChunkReader, ChunkVisited, RecordChunk, RowReader, Visited, CHUNK_BYTES, SAMPLE_RECORDS};
pub use typed_cell::{cell_of, CellReader, CellValue};

use std::collections::{HashMap, HashSet};

use cells::Cells;
use column_builder::{ColumnBuilder, Grown};
use fields::FieldSplitter;
use infer::{build_column, ColumnContext};

use crate::progress::Monitor;
use crate::stats::column_stats;
use crate::table::{Column, RecordSpan, Source, Table};

/// A table and the report of how it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    /// The table.
    pub table: Table,
    /// How it was read.
    pub diagnostics: Diagnostics,
}

/// How often (in records) reading reports progress and checks for cancellation.
const PROGRESS_EVERY: usize = 1 << 16;

/// Reads `bytes` (a file called `name`) into a typed table.
///
/// ```
/// use segscope_engine::ingest::{read_table, ReadOptions};
/// use segscope_engine::progress::Quiet;
/// use segscope_engine::table::ColumnType;
///
/// let csv = b"customer_id;age;joined\n00017;34;31/12/2024\n00018;41;01/02/2023\n";
/// let read = read_table("customers.csv", csv, &ReadOptions::default(), &mut Quiet).unwrap();
/// assert_eq!(read.diagnostics.delimiter, b';');
/// let types: Vec<ColumnType> = read.table.columns.iter().map(|c| c.column_type()).collect();
/// assert_eq!(types, [ColumnType::Text, ColumnType::Integer, ColumnType::Date]);
/// assert_eq!(read.table.original_row(0), ["00017", "34", "31/12/2024"]);
/// ```
///
/// # Errors
/// An [`IngestError`] naming the file, and the line and column where that applies, when the file
/// is empty, binary, has no data rows, looks like it has no header, has an unterminated quote, or
/// has rows of the wrong length under [`RaggedRows::Fail`]; or when an option names a column the
/// file lacks, or `monitor` cancels.
pub fn read_table(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    monitor: &mut dyn Monitor,
) -> Result<Ingested, IngestError> {
    read_table_sampled(name, bytes, options, SAMPLE_RECORDS, monitor)
}

/// [`read_table`], with each column's type and conventions first decided from its first
/// `sample_rows` values, then every later value read straight into that type (no text kept). The
/// table is the same whatever `sample_rows` is (a later value that would change what the whole
/// column decides has the column read again whole); only time and memory differ. Tests pin that.
///
/// # Errors
/// As [`read_table`].
pub fn read_table_sampled(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    sample_rows: usize,
    monitor: &mut dyn Monitor,
) -> Result<Ingested, IngestError> {
    read_any_format(name, bytes, options, sample_rows.max(1), monitor).map_err(|kind| kind.in_file(name))
}

/// Turns a gzip, JSON Lines or spreadsheet file into delimited text, then reads that.
fn read_any_format(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    sample_rows: usize,
    monitor: &mut dyn Monitor,
) -> Result<Ingested, IngestErrorKind> {
    let delimited = formats::to_delimited(name, bytes, options)?;
    let mut ingested = if delimited.format.is_converted() {
        // Segscope wrote this text: comma-separated UTF-8, whatever was chosen for CSV files.
        let options = ReadOptions { delimiter: Some(b','), encoding: Some(TextEncoding::Utf8), ..options.clone() };
        read(name, &delimited.bytes, &options, 0, sample_rows, monitor)?
    } else {
        read(name, &delimited.bytes, options, 0, sample_rows, monitor)?
    };
    let d = &mut ingested.diagnostics;
    d.bytes = bytes.len() as u64;
    d.format = delimited.format;
    d.sheets = delimited.sheets;
    d.sheet = delimited.sheet;
    if delimited.format.is_converted() {
        d.delimiter_detected = false;
    }
    Ok(ingested)
}

/// Reads one part of a larger file: `bytes` hold the file's header and some of its records, and
/// `line_offset` is added to every data record's line number so messages name lines of the whole file.
///
/// # Errors
/// As [`read_table`].
pub fn read_table_part(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    line_offset: u64,
    monitor: &mut dyn Monitor,
) -> Result<Ingested, IngestError> {
    read(name, bytes, options, line_offset, SAMPLE_RECORDS, monitor).map_err(|kind| kind.in_file(name))
}

/// A column while the file is read: its sample's text, then typed values.
enum Reading {
    Sample(Cells),
    Growing(ColumnBuilder),
    /// A value after the sample changes what the whole column decides: it is read again whole at the end.
    Again,
}

fn read(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    line_offset: u64,
    sample_rows: usize,
    monitor: &mut dyn Monitor,
) -> Result<Ingested, IngestErrorKind> {
    let decoded = encoding::decode(bytes, options.encoding)?;
    let body = decoded.body.as_ref();
    let delimiter = options.delimiter.unwrap_or_else(|| dialect::sniff_delimiter(body));
    let mut reader = encoding::csv_reader(body, delimiter);

    let mut record = csv::ByteRecord::new();
    let mut header: Option<(RecordSpan, Vec<String>)> = None;
    let mut records: Vec<RecordSpan> = Vec::new();
    let mut skipped: Vec<RecordSpan> = Vec::new();
    let mut ragged: Vec<RecordSpan> = Vec::new();
    let mut ragged_count = 0u64;
    let mut columns: Vec<Reading> = Vec::new();
    let mut sampled = false;
    let mut expected = 0usize;
    // csv's own line numbers skip line breaks inside quoted fields; count them ourselves.
    let (mut counted_to, mut line) = (0usize, 1u64);
    loop {
        let start = reader.position().byte() as usize;
        let more = reader.read_byte_record(&mut record).map_err(|e| IngestErrorKind::Csv {
            line: e.position().map_or(0, csv::Position::line),
            message: e.to_string(),
        })?;
        if !more {
            break;
        }
        // After a CRLF, csv reports the record as starting at the LF: skip line breaks.
        let mut start = record.position().map_or(start, |p| p.byte() as usize);
        // Cannot overflow: `start` steps only past a byte of `body`; `line` is 1 plus a count of
        // the bytes of `body`; `term_end` adds the terminator bytes found in `body` after `end`.
        #[allow(clippy::arithmetic_side_effects)]
        let (end, term_end) = {
            while matches!(body.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            line += count_newlines(body.get(counted_to..start).unwrap_or_default());
            let end = content_end(body, start, reader.position().byte() as usize);
            (end, end + terminator_len(body.get(end..).unwrap_or_default()))
        };
        counted_to = start;
        let is_header = options.has_header && header.is_none() && records.is_empty() && skipped.is_empty();
        let line = if is_header { line } else { line.checked_add(line_offset).ok_or(IngestErrorKind::TooManyLines)? };
        let span = RecordSpan { start, end, term_end, line, fields: record.len() };
        let fields = || record.iter().map(|f| encoding::decode_field(f, decoded.field_encoding));
        if header.is_none() && records.is_empty() && skipped.is_empty() {
            expected = record.len();
            columns = (0..expected).map(|_| Reading::Sample(Cells::default())).collect();
            if options.has_header {
                header = Some((span, fields().map(|f| f.into_owned()).collect()));
                continue;
            }
        }
        if record.len() != expected {
            ragged_count = ragged_count.saturating_add(1); // at most the records of `body`
            if ragged.len() < MAX_EXAMPLES {
                ragged.push(span);
            }
            match options.ragged_rows {
                RaggedRows::Fail => return Err(IngestErrorKind::RaggedRow { line, found: record.len(), expected }),
                RaggedRows::Skip => {
                    skipped.push(span);
                    continue;
                }
                RaggedRows::Keep => {}
            }
        }
        if !sampled && records.len() >= sample_rows {
            sampled = true;
            let names = unique_names(header.as_ref().map_or_else(|| default_names(expected), |h| h.1.clone())).0;
            let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
            for (i, column) in columns.iter_mut().enumerate() {
                let Reading::Sample(cells) = std::mem::replace(column, Reading::Again) else { continue };
                let Some(name) = names.get(i) else { continue };
                let ctx = column_context(name, options, delimiter, &lines);
                if let Some(builder) = ColumnBuilder::new(build_column(&cells, &ctx), &ctx) {
                    *column = Reading::Growing(builder);
                }
            }
        }
        let mut values = fields();
        for column in columns.iter_mut() {
            let v = values.next();
            match column {
                Reading::Sample(cells) => match v {
                    Some(v) => cells.push(&v),
                    None => cells.push_absent(),
                },
                Reading::Growing(builder) => {
                    builder.push(v.as_deref(), line);
                    if builder.is_again() {
                        *column = Reading::Again;
                    }
                }
                Reading::Again => {}
            }
        }
        records.push(span);
        if records.len() % PROGRESS_EVERY == 0 {
            monitor.progress("Reading rows", start as u64, body.len() as u64);
            if monitor.is_cancelled() {
                return Err(IngestErrorKind::Cancelled);
            }
        }
    }
    let last = records.last().or(skipped.last()).or(header.as_ref().map(|h| &h.0));
    if let Some(last) = last {
        let raw = body.get(last.start..last.term_end).unwrap_or_default();
        if let Some((offset, column)) = unclosed_quote(raw, delimiter) {
            let newlines = count_newlines(raw.get(..offset).unwrap_or_default());
            let line = last.line.checked_add(newlines).ok_or(IngestErrorKind::TooManyLines)?;
            let number = column.saturating_add(1); // a field of one record: no saturation
            let column_name =
                header.as_ref().and_then(|h| h.1.get(column)).cloned().unwrap_or_else(|| format!("column_{number}"));
            return Err(IngestErrorKind::UnterminatedQuote { line, column: number, column_name });
        }
    }
    let (header_span, names) = match header {
        Some((span, names)) => {
            if looks_like_data(&names) {
                let text = String::from_utf8_lossy(body.get(span.start..span.end).unwrap_or_default());
                return Err(IngestErrorKind::NoHeader { first_line: text.chars().take(80).collect() });
            }
            (Some(span), names)
        }
        None => (None, default_names(expected)),
    };
    if records.is_empty() && skipped.is_empty() {
        return Err(IngestErrorKind::NoRows);
    }
    let (names, renamed) = unique_names(names);
    for chosen in options.types.keys().chain(options.column_missing_tokens.keys()) {
        if !names.contains(chosen) {
            return Err(IngestErrorKind::UnknownColumn {
                name: chosen.clone(),
                available: names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
            });
        }
    }

    let mut warnings = Vec::new();
    if let Some(line) = decoded.first_invalid_line {
        warnings.push(ImportWarning::EncodingGuessed { line });
    }
    if matches!(decoded.file_encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be) {
        warnings.push(ImportWarning::Utf16Transcoded { encoding: decoded.file_encoding.label().to_string() });
    }
    if !renamed.is_empty() {
        warnings.push(ImportWarning::RenamedColumns { renamed });
    }
    if ragged_count > 0 {
        warnings.push(ImportWarning::RaggedRows {
            count: ragged_count,
            expected,
            examples: ragged.iter().map(|s| Example { line: s.line, found: format!("{} fields", s.fields) }).collect(),
            policy: options.ragged_rows,
        });
    }
    let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
    let mut table_columns = Vec::with_capacity(columns.len());
    let count = columns.len() as u64;
    for (i, (column, name)) in columns.into_iter().zip(&names).enumerate() {
        monitor.progress("Typing columns", i as u64, count);
        if monitor.is_cancelled() {
            return Err(IngestErrorKind::Cancelled);
        }
        let ctx = column_context(name, options, delimiter, &lines);
        let built = match column {
            Reading::Sample(cells) => build_column(&cells, &ctx),
            Reading::Growing(builder) => match builder.finish() {
                Grown::Built(built) => built,
                Grown::Again => build_column(&column_cells(body, &records, delimiter, decoded.field_encoding, i), &ctx),
            },
            Reading::Again => build_column(&column_cells(body, &records, delimiter, decoded.field_encoding, i), &ctx),
        };
        warnings.extend(built.warnings);
        let stats = column_stats(&built.data);
        table_columns.push(Column {
            name: name.clone(),
            data: built.data,
            format: built.format,
            type_chosen: ctx.chosen.is_some(),
            stats,
        });
    }
    let first = header_span.or(records.first().copied());
    let line_terminator =
        first.map_or("LF", |s| terminator_name(body.get(s.end..s.term_end).unwrap_or_default())).to_string();
    let diagnostics = Diagnostics {
        file: name.to_string(),
        bytes: bytes.len() as u64,
        format: FileFormat::Csv,
        sheets: Vec::new(),
        sheet: None,
        encoding: decoded.file_encoding,
        encoding_evidence: decoded.evidence,
        bom: !decoded.bom.is_empty(),
        delimiter,
        delimiter_detected: options.delimiter.is_none(),
        has_header: options.has_header,
        line_terminator,
        rows: records.len() as u64,
        warnings,
    };
    let source = Source {
        // The text kept is UTF-8 when the file was UTF-16: its mark is then UTF-8's, so an export
        // that starts with it is not UTF-8 text behind a UTF-16 mark.
        bom: match decoded.file_encoding {
            TextEncoding::Utf16Le | TextEncoding::Utf16Be if !decoded.bom.is_empty() => encoding::UTF8_BOM.to_vec(),
            _ => decoded.bom.to_vec(),
        },
        bytes: decoded.body.into_owned(),
        encoding: decoded.field_encoding,
        delimiter,
        header: header_span,
        records,
        skipped,
    };
    Ok(Ingested { table: Table { name: name.to_string(), columns: table_columns, source }, diagnostics })
}

/// What reading column `name` needs to know besides its cells.
fn column_context<'a>(name: &'a str, options: &'a ReadOptions, delimiter: u8, lines: &'a [u64]) -> ColumnContext<'a> {
    ColumnContext {
        name,
        missing_tokens: options.missing_tokens_for(name),
        chosen: options.types.get(name).copied(),
        date_order: options.date_order,
        decimal_comma: options.decimal_comma,
        format: options.formats.get(name),
        delimiter,
        lines,
    }
}

/// The text of column `column` in every record, read again from the file's bytes.
fn column_cells(body: &[u8], records: &[RecordSpan], delimiter: u8, encoding: TextEncoding, column: usize) -> Cells {
    let mut splitter = FieldSplitter::new(delimiter);
    let mut cells = Cells::default();
    for span in records {
        splitter.split(body.get(span.start..span.term_end).unwrap_or_default());
        match splitter.field(column) {
            Some(field) => cells.push(&encoding::decode_field(field, encoding)),
            None => cells.push_absent(),
        }
    }
    cells
}

/// `column_1`, `column_2`, … for a file without a header.
fn default_names(count: usize) -> Vec<String> {
    (1..=count).map(|i| format!("column_{i}")).collect()
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The end of a record's content: before the line terminator that ends at `term_end`.
fn content_end(body: &[u8], start: usize, term_end: usize) -> usize {
    let mut end = term_end;
    while let Some(before) = end.checked_sub(1).filter(|&b| b >= start && matches!(body.get(b), Some(b'\n' | b'\r'))) {
        end = before;
    }
    // A quoted last field may end in line breaks of its own: only strip what follows its quote.
    if let Some(content) = body.get(start..term_end) {
        if let Some(close) = content.iter().rposition(|&b| b == b'"') {
            // Cannot overflow: `close` indexes `content`, so `start + close + 1 <= term_end`.
            #[allow(clippy::arithmetic_side_effects)]
            let after_quote = start + close + 1;
            end = end.max(after_quote);
        }
    }
    end
}

fn terminator_len(rest: &[u8]) -> usize {
    match rest {
        [b'\r', b'\n', ..] => 2,
        [b'\r' | b'\n', ..] => 1,
        _ => 0,
    }
}

fn terminator_name(t: &[u8]) -> &'static str {
    match t {
        [b'\r', b'\n', ..] => "CRLF",
        [b'\r', ..] => "CR",
        _ => "LF",
    }
}

/// When a record ends inside a quoted field: the byte offset of that field's opening quote and
/// the 0-based field index.
// Cannot overflow: `i` indexes `record` (the loop runs while `record.get(i)` is `Some`), so
// `i + 1 <= record.len()`; `field` counts delimiters of `record`.
#[allow(clippy::arithmetic_side_effects)]
pub(crate) fn unclosed_quote(record: &[u8], delimiter: u8) -> Option<(usize, usize)> {
    let mut field = 0;
    let mut at_field_start = true;
    let mut open: Option<usize> = None;
    let mut i = 0;
    while let Some(&b) = record.get(i) {
        match open {
            Some(_) if b == b'"' => {
                if record.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    open = None;
                }
            }
            Some(_) => {}
            None if b == b'"' && at_field_start => open = Some(i),
            None if b == delimiter => {
                field += 1;
                at_field_start = true;
                i += 1;
                continue;
            }
            None if b == b'\n' || b == b'\r' => {
                at_field_start = true;
                i += 1;
                continue;
            }
            None => {}
        }
        at_field_start = false;
        i += 1;
    }
    open.map(|o| (o, field))
}

/// True when every header cell is a number or a date: the file probably has no header row.
fn looks_like_data(names: &[String]) -> bool {
    !names.is_empty()
        && names.iter().all(|n| {
            let n = n.trim();
            !n.is_empty()
                && (values::parse_number(n, values::DecimalStyle::Dot).is_some() || values::date_shape(n).is_some())
        })
}

/// Gives empty names `column_N` and repeated names a `_2`, `_3` suffix; reports each change.
/// Linear in the names (a hash set of those taken and, per name, the next suffix to try), so a
/// header of 50,000 columns of one name is read at once.
fn unique_names(names: Vec<String>) -> (Vec<String>, Vec<(usize, String)>) {
    let mut taken: HashSet<String> = HashSet::with_capacity(names.len());
    let mut next_suffix: HashMap<String, u64> = HashMap::new();
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    let mut renamed = Vec::new();
    for (column, name) in (1usize..).zip(names) {
        let base = if name.trim().is_empty() { format!("column_{column}") } else { name.trim().to_string() };
        let mut candidate = base.clone();
        if taken.contains(&candidate) {
            let k = next_suffix.entry(base.clone()).or_insert(2);
            loop {
                candidate = format!("{base}_{k}");
                *k = k.saturating_add(1);
                if !taken.contains(&candidate) {
                    break;
                }
            }
        }
        if candidate != name {
            renamed.push((column, candidate.clone()));
        }
        taken.insert(candidate.clone());
        out.push(candidate);
    }
    (out, renamed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_quote_finds_the_opening_field() {
        assert_eq!(unclosed_quote(b"a,\"b,c\n", b','), Some((2, 1)));
        assert_eq!(unclosed_quote(b"a,\"b\"\"c\",d\n", b','), None);
        assert_eq!(unclosed_quote(b"a,5\" screen,d\n", b','), None);
    }

    #[test]
    fn fifty_thousand_columns_of_one_name_are_numbered_in_order() {
        let (names, renamed) = unique_names(vec!["x".to_string(); 50_000]);
        assert_eq!(names.first().map(String::as_str), Some("x"));
        assert_eq!(names.last().map(String::as_str), Some("x_50000"));
        assert_eq!(renamed.len(), 49_999);
        let (names, _) = unique_names(["a", "a_2", "a", "a"].map(String::from).to_vec());
        assert_eq!(names, ["a", "a_2", "a_3", "a_4"]);
    }

    #[test]
    fn duplicate_and_empty_names_are_made_unique() {
        let (names, renamed) = unique_names(vec!["id".into(), "".into(), "id".into()]);
        assert_eq!(names, ["id", "column_2", "id_2"]);
        assert_eq!(renamed, [(2, "column_2".to_string()), (3, "id_2".to_string())]);
    }
}
