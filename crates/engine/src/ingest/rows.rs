//! A file of any size read a record at a time, straight into typed values: a leading sample of
//! records is read as a table (which decides every column's type and conventions, and which the
//! import view shows), then every record of the file is visited with only the columns asked for,
//! read as the sample decided ([`CellReader`]). Memory is the sample and one record, whatever the
//! file's size; no cell becomes a `String`.
//!
//! Plain delimited text (UTF-8 or Windows-1252) and gzip-compressed delimited text stream. UTF-16
//! files, JSON Lines and spreadsheets are first turned into delimited text whole
//! ([`super::formats`]), then read the same way.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Cursor, Read};

use flate2::bufread::MultiGzDecoder;

use super::encoding::{decode, decode_field, TextEncoding};
use super::errors::{IngestError, IngestErrorKind};
use super::fields::FieldSplitter;
use super::formats::{self, FileFormat};
use super::options::{RaggedRows, ReadOptions};
use super::records::Records;
use super::typed_cell::{cell_of, CellReader, CellValue};
use super::{dialect, read_table_part, ImportWarning, Ingested, MAX_EXAMPLES};
use crate::progress::Monitor;

/// Records in the leading sample by default (it decides the column types for the whole file).
pub const SAMPLE_RECORDS: usize = 100_000;

/// A file opened for reading a record at a time: its leading sample, read as a table, and the rest.
pub struct RowReader<'r> {
    name: String,
    sample: Ingested,
    rest: Records<Box<dyn BufRead + 'r>>,
    readers: Vec<CellReader>,
    ragged_rows: RaggedRows,
    /// The file's size in bytes as read (for progress), 0 when unknown.
    size: u64,
    /// Bytes of the file cut into chunks so far (after the sample).
    consumed: u64,
    /// About how many data records the file holds.
    estimated_rows: u64,
}

/// What visiting every record found.
#[derive(Debug, Clone, PartialEq)]
pub struct Visited {
    /// Data records visited (the sample's and the rest's; ragged records left out are not counted).
    pub rows: u64,
    /// The sample's warnings, with counts of the whole file where they count rows (ragged rows).
    pub warnings: Vec<ImportWarning>,
}

impl<'r> RowReader<'r> {
    /// Opens `input` (a file called `name`, `size` bytes when known, else 0) and reads its first
    /// `sample_records` records as a table.
    ///
    /// # Errors
    /// As [`super::read_table`] for the sample (empty file, no header, a chosen column the file
    /// lacks...), or reading the input failed, or `monitor` cancelled.
    pub fn open<R: Read + 'r>(
        name: &str,
        input: R,
        size: u64,
        options: &ReadOptions,
        sample_records: usize,
        monitor: &mut dyn Monitor,
    ) -> Result<Self, IngestError> {
        open(name, input, size, options, sample_records.max(1), monitor).map_err(|k| k.in_file(name))
    }

    /// The leading sample, read as a table (column types decided for the whole file).
    pub fn sample(&self) -> &Ingested {
        &self.sample
    }

    /// About how many data records the whole file holds: from its size and the sample's bytes per
    /// record (the sample's count when it is the whole file, or for compressed files).
    pub fn estimated_rows(&self) -> u64 {
        self.estimated_rows
    }

    /// Visits every data record of the file, from the first (the sample's) to the last, calling
    /// `f(line, cells)` with the 1-based line the record starts on and the cells of `columns`
    /// (indexes into the sample's columns), in that order. Returns the sample and what was found.
    /// The same as [`RowReader::visit_sample`], then every [`RowReader::next_chunk`] through
    /// [`RowReader::chunk_reader`], in order (which is how hosts read a file on several threads).
    ///
    /// # Errors
    /// Reading the input failed, a quoted value never ends (an error naming its line: it is never
    /// read as one value that swallows the rest of the file), a ragged row under
    /// [`RaggedRows::Fail`], or `monitor` cancelled.
    pub fn visit(
        mut self,
        columns: &[usize],
        label: &str,
        monitor: &mut dyn Monitor,
        mut f: impl FnMut(u64, &[CellValue<'_>]),
    ) -> Result<(Ingested, Visited), IngestError> {
        let name = self.name.clone();
        monitor.progress(label, 0, self.size);
        self.visit_sample(columns, &mut f);
        let reader = self.chunk_reader(columns);
        let mut visited = ChunkVisited::default();
        while let Some(chunk) = self.next_chunk(CHUNK_BYTES)? {
            let part = reader.visit(&chunk, &mut f).map_err(|k| k.in_file(&name))?;
            visited.append(part);
            monitor.progress(label, chunk.end, self.size);
            if monitor.is_cancelled() {
                return Err(IngestErrorKind::Cancelled.in_file(&name));
            }
        }
        Ok(self.finish(visited))
    }

    /// Calls `f(line, cells)` for each record of the leading sample, as [`RowReader::visit`] does;
    /// returns how many.
    pub fn visit_sample(&self, columns: &[usize], f: &mut dyn FnMut(u64, &[CellValue<'_>])) -> u64 {
        let table = &self.sample.table;
        let mut cells: Vec<CellValue<'_>> = Vec::with_capacity(columns.len());
        for r in 0..table.rows() {
            cells.clear();
            cells.extend(
                columns.iter().map(|&c| table.columns.get(c).map_or(CellValue::Missing, |c| cell_of(&c.data, r))),
            );
            f(table.line_of(r).unwrap_or(0), &cells);
        }
        table.rows() as u64
    }

    /// What reads the records of [`RowReader::next_chunk`]'s chunks: the cells of `columns`, as the
    /// sample decided. It can be sent to other threads, and reads any chunk, in any order.
    pub fn chunk_reader(&self, columns: &[usize]) -> ChunkReader {
        let diagnostics = &self.sample.diagnostics;
        ChunkReader {
            columns: columns.to_vec(),
            readers: columns.iter().map(|&c| self.readers.get(c).cloned()).collect(),
            names: self.sample.table.columns.iter().map(|c| c.name.clone()).collect(),
            delimiter: diagnostics.delimiter,
            encoding: diagnostics.encoding,
            ragged_rows: self.ragged_rows,
        }
    }

    /// The next records after the sample, about `target_bytes` of them (whole records: a chunk
    /// always ends on a record boundary), or `None` at the end of the file.
    ///
    /// # Errors
    /// Reading the input failed, or a quoted value never ends (naming its line and column).
    pub fn next_chunk(&mut self, target_bytes: usize) -> Result<Option<RecordChunk>, IngestError> {
        self.cut_chunk(target_bytes).map_err(|k| k.in_file(&self.name))
    }

    fn cut_chunk(&mut self, target_bytes: usize) -> Result<Option<RecordChunk>, IngestErrorKind> {
        // Room for the target and a last record past it; only a hint (the buffer grows as needed), so
        // capped at 1 GiB, and an absurd target cannot fail the allocation by itself.
        let mut bytes = Vec::with_capacity(target_bytes.saturating_add(target_bytes >> 3).min(1 << 30));
        let mut first_line = None;
        while bytes.len() < target_bytes {
            let start = bytes.len();
            let Some(line) = self.rest.next_record(&mut bytes).map_err(read_failed)? else { break };
            first_line.get_or_insert(line);
            if self.rest.unterminated() {
                let raw = bytes.get(start..).unwrap_or_default();
                let delimiter = self.sample.diagnostics.delimiter;
                let (offset, column) = super::unclosed_quote(raw, delimiter).unwrap_or((0, 0));
                let newlines = raw.get(..offset).unwrap_or_default().iter().filter(|&&b| b == b'\n').count();
                let line = line.checked_add(newlines as u64).ok_or(IngestErrorKind::TooManyLines)?;
                // No saturation below: a field of one record.
                let column_name = self
                    .sample
                    .table
                    .columns
                    .get(column)
                    .map_or_else(|| format!("column_{}", column.saturating_add(1)), |c| c.name.clone());
                return Err(IngestErrorKind::UnterminatedQuote { line, column: column.saturating_add(1), column_name });
            }
        }
        // Saturation is unreachable: the bytes cut so far are bytes of one file.
        self.consumed = self.consumed.saturating_add(bytes.len() as u64);
        Ok(first_line.map(|first_line| RecordChunk { bytes, first_line, end: self.consumed }))
    }

    /// The sample, and what visiting found: `rest` is what the chunks' records added up to, in order.
    pub fn finish(self, rest: ChunkVisited) -> (Ingested, Visited) {
        let expected = self.sample.table.columns.len();
        // Saturation is unreachable: records of one file (chunks add up with `saturating_add` too).
        let rows = (self.sample.table.rows() as u64).saturating_add(rest.rows);
        let mut warnings = self.sample.diagnostics.warnings.clone();
        if rest.ragged > 0 {
            add_ragged(&mut warnings, rest.ragged, rest.ragged_examples, expected, self.ragged_rows);
        }
        for u in rest.unreadable {
            if let Some(c) = self.sample.table.columns.get(u.column) {
                add_unreadable(&mut warnings, &c.name, c.column_type(), u.count, u.examples);
            }
        }
        (self.sample, Visited { rows, warnings })
    }
}

/// Bytes in each part of a file that [`RowReader::visit`] reads (and a good size for hosts that
/// read parts on several threads).
pub const CHUNK_BYTES: usize = 4 << 20;

/// Whole records of a file, cut by [`RowReader::next_chunk`].
#[derive(Debug, Clone)]
pub struct RecordChunk {
    /// The records' bytes, line terminators included.
    bytes: Vec<u8>,
    /// The line the first record starts on.
    first_line: u64,
    /// Bytes of the file read up to the chunk's end (for progress).
    pub end: u64,
}

impl RecordChunk {
    /// A chunk [`RowReader::next_chunk`] cut, put back together from its parts (after it was sent to
    /// another worker): its `bytes`, the `first_line` they start on and the file offset of their `end`.
    pub fn from_parts(bytes: Vec<u8>, first_line: u64, end: u64) -> Self {
        RecordChunk { bytes, first_line, end }
    }

    /// The records' bytes, line terminators included.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The line the first record starts on.
    pub fn first_line(&self) -> u64 {
        self.first_line
    }
}

/// What the records of one or more chunks added up to.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChunkVisited {
    /// Records visited (blank lines and ragged records left out are not counted).
    pub rows: u64,
    ragged: u64,
    ragged_examples: Vec<super::Example>,
    /// Per column of the file (by index), cells that did not read as the sample decided.
    #[serde(default)]
    unreadable: Vec<Unreadable>,
}

/// Cells of one column, after the sample, that did not read as the column's type and conventions.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Unreadable {
    column: usize,
    count: u64,
    examples: Vec<super::Example>,
}

impl ChunkVisited {
    /// Adds what a later chunk found.
    pub fn append(&mut self, later: ChunkVisited) {
        // Saturation is unreachable: both count records of one file.
        self.rows = self.rows.saturating_add(later.rows);
        self.ragged = self.ragged.saturating_add(later.ragged);
        self.ragged_examples.extend(later.ragged_examples);
        self.ragged_examples.truncate(MAX_EXAMPLES);
        for later in later.unreadable {
            let u = self.unreadable_in(later.column);
            u.count = u.count.saturating_add(later.count); // cells of one file
            u.examples.extend(later.examples);
            u.examples.truncate(MAX_EXAMPLES);
        }
    }

    /// The count of the file's column `column`, made when it has none.
    fn unreadable_in(&mut self, column: usize) -> &mut Unreadable {
        let at = match self.unreadable.iter().position(|u| u.column == column) {
            Some(at) => at,
            None => {
                self.unreadable.push(Unreadable { column, count: 0, examples: Vec::new() });
                self.unreadable.len().saturating_sub(1)
            }
        };
        #[allow(clippy::indexing_slicing)] // `at` is an index of the vector: found, or the one just pushed
        &mut self.unreadable[at]
    }
}

/// Reads chunks' records into the cells of some columns ([`RowReader::chunk_reader`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ChunkReader {
    columns: Vec<usize>,
    readers: Vec<Option<CellReader>>,
    names: Vec<String>,
    delimiter: u8,
    encoding: TextEncoding,
    ragged_rows: RaggedRows,
}

impl ChunkReader {
    /// The same reader, reading the cells at `positions` (of the columns it was made for) as
    /// identifiers ([`CellReader::for_keys`]).
    pub fn with_keys_at(mut self, positions: &[usize]) -> Self {
        for &p in positions {
            if let Some(Some(reader)) = self.readers.get_mut(p) {
                *reader = reader.clone().for_keys();
            }
        }
        self
    }

    /// Calls `f(line, cells)` for each record of `chunk`, in order.
    ///
    /// # Errors
    /// A ragged row under [`RaggedRows::Fail`] (naming its line).
    pub fn visit(
        &self,
        chunk: &RecordChunk,
        f: &mut dyn FnMut(u64, &[CellValue<'_>]),
    ) -> Result<ChunkVisited, IngestErrorKind> {
        let expected = self.names.len();
        let mut records = Records::starting_at(chunk.bytes.as_slice(), self.delimiter, chunk.first_line);
        let mut splitter = FieldSplitter::new(self.delimiter);
        let mut raw = Vec::new();
        let mut visited = ChunkVisited::default();
        // Buffers kept from record to record (emptied and refilled in place, so no record allocates).
        let mut spare_text: Vec<Option<Cow<'static, str>>> = Vec::with_capacity(self.columns.len());
        let mut spare_cells: Vec<CellValue<'static>> = Vec::with_capacity(self.columns.len());
        // Where in `raw` the next record starts, and its line: a carriage return alone ends a record
        // inside what `records` cut on line feeds, and the records after it are read from there.
        let (mut at, mut next_line) = (0usize, 0u64);
        loop {
            if at >= raw.len() {
                raw.clear();
                at = 0;
                let Some(first) = records.next_record(&mut raw).map_err(read_failed)? else { break };
                next_line = first;
            }
            let rest = raw.get(at..).unwrap_or_default();
            let fields = splitter.split(rest);
            let used = splitter.consumed().max(1);
            let line = next_line;
            // Line feeds before the next record (quoted ones) count as the table reader counts them.
            let newlines = rest.get(..used).unwrap_or_default().iter().filter(|&&b| b == b'\n').count();
            next_line = next_line.saturating_add(newlines as u64); // lines of the chunk
            at = at.saturating_add(used); // at most `raw.len()`
            if fields == 0 {
                continue; // a blank line, as the table reader skips them
            }
            if fields != expected {
                visited.ragged = visited.ragged.saturating_add(1); // at most the chunk's records
                if visited.ragged_examples.len() < MAX_EXAMPLES {
                    visited.ragged_examples.push(super::Example { line, found: format!("{fields} fields") });
                }
                match self.ragged_rows {
                    RaggedRows::Fail => return Err(IngestErrorKind::RaggedRow { line, found: fields, expected }),
                    RaggedRows::Skip => continue,
                    RaggedRows::Keep => {}
                }
            }
            let mut text: Vec<Option<Cow<'_, str>>> = recycle(std::mem::take(&mut spare_text));
            text.extend(self.columns.iter().map(|&c| splitter.field(c).map(|b| decode_field(b, self.encoding))));
            let mut cells: Vec<CellValue<'_>> = recycle_cells(std::mem::take(&mut spare_cells));
            cells.extend(self.readers.iter().zip(&text).map(|(reader, t)| match reader {
                Some(reader) => reader.read(t.as_deref()),
                None => CellValue::Missing,
            }));
            for ((cell, reader), &column) in cells.iter().zip(&self.readers).zip(&self.columns) {
                if let (CellValue::Unreadable(v), Some(reader)) = (cell, reader) {
                    if !reader.reads_keys() {
                        let u = visited.unreadable_in(column);
                        u.count = u.count.saturating_add(1); // cells of one chunk
                        if u.examples.len() < MAX_EXAMPLES {
                            u.examples.push(super::Example { line, found: (*v).to_string() });
                        }
                    }
                }
            }
            f(line, &cells);
            spare_cells = recycle_cells(cells);
            spare_text = recycle(text);
            visited.rows = visited.rows.saturating_add(1); // at most the chunk's records
        }
        Ok(visited)
    }
}

/// An empty vector of another lifetime in the same allocation (in-place collection: the buffer is
/// reused, nothing is allocated).
fn recycle<'a, 'b, T: ?Sized + ToOwned>(mut v: Vec<Option<Cow<'a, T>>>) -> Vec<Option<Cow<'b, T>>> {
    v.clear();
    v.into_iter().map(|_| None).collect()
}

/// [`recycle`] for cell values.
fn recycle_cells<'a, 'b>(mut v: Vec<CellValue<'a>>) -> Vec<CellValue<'b>> {
    v.clear();
    v.into_iter().map(|_| CellValue::Missing).collect()
}

fn read_failed(e: std::io::Error) -> IngestErrorKind {
    IngestErrorKind::Unreadable {
        what: "file",
        message: e.to_string(),
        advice: "Check that the file is complete and readable, then open it again.",
    }
}

/// Counts ragged rows after the sample into the sample's warning (or adds one).
/// Adds `count` values of `column` that did not read as `column_type` after the sample (the first
/// of them `examples`) to the sample's warning about the column's unreadable values, or warns anew.
fn add_unreadable(
    warnings: &mut Vec<ImportWarning>,
    column: &str,
    column_type: crate::table::ColumnType,
    count: u64,
    examples: Vec<super::Example>,
) {
    for w in warnings.iter_mut() {
        if let ImportWarning::UnreadableValues { column: c, count: n, examples: e, .. } = w {
            if c == column {
                *n = n.saturating_add(count); // values of one file
                e.extend(examples);
                e.truncate(MAX_EXAMPLES);
                return;
            }
        }
    }
    warnings.push(ImportWarning::UnreadableValues { column: column.to_string(), column_type, count, examples });
}

fn add_ragged(
    warnings: &mut Vec<ImportWarning>,
    more: u64,
    more_examples: Vec<super::Example>,
    columns: usize,
    ragged_rows: RaggedRows,
) {
    for w in warnings.iter_mut() {
        if let ImportWarning::RaggedRows { count, examples, .. } = w {
            *count = count.saturating_add(more); // ragged records of one file
            examples.extend(more_examples);
            examples.truncate(MAX_EXAMPLES);
            return;
        }
    }
    warnings.push(ImportWarning::RaggedRows {
        count: more,
        expected: columns,
        examples: more_examples,
        policy: ragged_rows,
    });
}

fn open<'r, R: Read + 'r>(
    name: &str,
    input: R,
    size: u64,
    options: &ReadOptions,
    sample_records: usize,
    monitor: &mut dyn Monitor,
) -> Result<RowReader<'r>, IngestErrorKind> {
    let mut reader: Box<dyn BufRead + 'r> = Box::new(BufReader::with_capacity(1 << 20, input));
    let first = reader.fill_buf().map_err(read_failed)?;
    let format = formats::detect(name, first);
    if format == FileFormat::GzipCsv {
        let inner: Box<dyn BufRead + 'r> = Box::new(BufReader::with_capacity(1 << 20, MultiGzDecoder::new(reader)));
        reader = inner;
        // What the archive holds decides how it is read; the file's own format is gzip.
        let first = reader.fill_buf().map_err(read_failed)?;
        if formats::detect(name.trim_end_matches(".gz"), first) != FileFormat::Csv || is_utf16(first, options.encoding)
        {
            return open_whole(name, reader, size, options, sample_records, FileFormat::GzipCsv, monitor);
        }
    } else if format == FileFormat::Parquet {
        // Its rows are written as CSV a batch at a time as they are read: comma-separated UTF-8.
        reader = formats::parquet_rows(reader)?;
    } else if format != FileFormat::Csv || is_utf16(first, options.encoding) {
        return open_whole(name, reader, size, options, sample_records, format, monitor);
    } else if let Some(e) = formats::misnamed(name, format) {
        return Err(e);
    }
    let converted = format.is_converted();
    let mut options = options.clone();
    if converted {
        options.delimiter = Some(b',');
        options.encoding = Some(TextEncoding::Utf8);
    }
    let first = reader.fill_buf().map_err(read_failed)?;
    let delimiter = options.delimiter.unwrap_or_else(|| dialect::sniff_delimiter(first));
    let mut rest = Records::new(reader, delimiter);
    // `usize::MAX` records already means the whole file: saturating reads the same records.
    let bytes = sample_bytes(&mut rest, sample_records.saturating_add(usize::from(options.has_header)))?;
    let detected = options.delimiter.is_none();
    let options = ReadOptions { delimiter: Some(delimiter), ..options };
    let mut sample = read_table_part(name, &bytes, &options, 0, monitor).map_err(|e| e.kind)?;
    sample.diagnostics.format = format;
    sample.diagnostics.delimiter_detected = detected;
    // Compressed, the file's size says little about its records.
    let extent = (format == FileFormat::Csv).then_some((size, bytes.len() as u64));
    Ok(finish_open(name, sample, rest, &options, size, extent))
}

/// The first `records` raw records (header included), for reading as the sample; stops after a
/// record whose quote never closes (the sample's reader then reports it with its line).
fn sample_bytes<R: BufRead>(rest: &mut Records<R>, records: usize) -> Result<Vec<u8>, IngestErrorKind> {
    let mut bytes = Vec::new();
    for _ in 0..records {
        if rest.next_record(&mut bytes).map_err(read_failed)?.is_none() || rest.unterminated() {
            break;
        }
    }
    Ok(bytes)
}

/// Whether the text is UTF-16 (UTF-16 chosen in `options`; or, when no encoding is chosen, a byte
/// order mark or the shape of UTF-16 without one): it cannot be cut into records on its bytes (a
/// line feed is two bytes, one of them zero), so it is converted whole. A chosen encoding wins over
/// a mark, as in the whole-file reader ([`super::encoding::decode`]).
fn is_utf16(first: &[u8], chosen: Option<TextEncoding>) -> bool {
    match chosen {
        Some(encoding) => matches!(encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be),
        None => {
            first.starts_with(&[0xFF, 0xFE])
                || first.starts_with(&[0xFE, 0xFF])
                || super::encoding::utf16_without_bom(first).is_some()
        }
    }
}

/// A file that must be converted whole (UTF-16, JSON Lines, a spreadsheet, or gzip holding one):
/// converted to delimited UTF-8 text, which is then read like any other.
fn open_whole<'r>(
    name: &str,
    mut reader: Box<dyn BufRead + 'r>,
    size: u64,
    options: &ReadOptions,
    sample_records: usize,
    format: FileFormat,
    monitor: &mut dyn Monitor,
) -> Result<RowReader<'r>, IngestErrorKind> {
    let mut bytes = Vec::new();
    let limit = formats::MAX_EXPANDED_BYTES;
    (&mut reader).take(limit + 1).read_to_end(&mut bytes).map_err(read_failed)?;
    if bytes.len() as u64 > limit {
        return Err(IngestErrorKind::TooLarge { limit: "2 GB".into(), advice: formats::GZIP_ADVICE });
    }
    drop(reader);
    let (body, file_encoding, delimiter, chosen, converted, read_format, sheets, sheet) = {
        let delimited = formats::to_delimited(name.trim_end_matches(".gz"), &bytes, options)?;
        let converted = delimited.format.is_converted();
        let mut chosen = options.clone();
        if converted {
            chosen.delimiter = Some(b',');
            chosen.encoding = Some(TextEncoding::Utf8);
        }
        let decoded = decode(&delimited.bytes, chosen.encoding)?;
        let delimiter = chosen.delimiter.unwrap_or_else(|| dialect::sniff_delimiter(&decoded.body));
        let body: Vec<u8> = decoded.body.into_owned();
        (body, decoded.file_encoding, delimiter, chosen, converted, delimited.format, delimited.sheets, delimited.sheet)
    };
    drop(bytes);
    let pinned = ReadOptions { delimiter: Some(delimiter), encoding: Some(TextEncoding::Utf8), ..chosen };
    let body_bytes = body.len() as u64;
    let cursor: Box<dyn BufRead + 'r> = Box::new(Cursor::new(body));
    let mut rest = Records::new(cursor, delimiter);
    // `usize::MAX` records already means the whole file: saturating reads the same records.
    let bytes = sample_bytes(&mut rest, sample_records.saturating_add(usize::from(options.has_header)))?;
    let extent = Some((body_bytes, bytes.len() as u64));
    let mut sample = read_table_part(name, &bytes, &pinned, 0, monitor).map_err(|e| e.kind)?;
    let d = &mut sample.diagnostics;
    d.format = if converted { read_format } else { format };
    d.sheets = sheets;
    d.sheet = sheet;
    d.delimiter_detected = options.delimiter.is_none() && !converted;
    if matches!(file_encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be) {
        d.encoding = file_encoding;
        d.warnings.push(ImportWarning::Utf16Transcoded { encoding: file_encoding.label().to_string() });
    }
    Ok(finish_open(name, sample, rest, &pinned, size, extent))
}

fn finish_open<'r>(
    name: &str,
    mut sample: Ingested,
    rest: Records<Box<dyn BufRead + 'r>>,
    options: &ReadOptions,
    size: u64,
    extent: Option<(u64, u64)>,
) -> RowReader<'r> {
    sample.diagnostics.bytes = size;
    let rows = sample.table.rows() as u64;
    let estimated_rows = extent.and_then(|(text, sample_bytes)| {
        // Bytes per record as in the sample; a file the sample holds whole has no more records.
        (sample_bytes > 0 && text > sample_bytes).then(|| (text as f64 * rows as f64 / sample_bytes as f64) as u64)
    });
    let readers = sample
        .table
        .columns
        .iter()
        .map(|c| CellReader::for_column(c, options.missing_tokens_for(&c.name), options.date_order))
        .collect();
    RowReader {
        name: name.to_string(),
        sample,
        rest,
        readers,
        ragged_rows: options.ragged_rows,
        size,
        consumed: 0,
        estimated_rows: estimated_rows.unwrap_or(rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Quiet;

    fn visit_all(csv: &[u8], sample: usize, columns: &[usize]) -> (Vec<(u64, Vec<String>)>, Visited) {
        let reader =
            RowReader::open("t.csv", csv, csv.len() as u64, &ReadOptions::default(), sample, &mut Quiet).unwrap();
        let mut got = Vec::new();
        let (_, visited) = reader
            .visit(columns, "Reading", &mut Quiet, |line, cells| {
                got.push((line, cells.iter().map(|c| format!("{c:?}")).collect()));
            })
            .unwrap();
        (got, visited)
    }

    #[test]
    fn every_sample_size_visits_the_same_values_and_lines() {
        let csv = b"id,amount,note\r\n7,1.50,\"two\r\nlines\"\r\n\r\n8,NA,x\r\n9,\"2,000.25\",\"q\"\"\"\r\n10,oops,y";
        let whole = visit_all(csv, 100, &[0, 1, 2]);
        assert_eq!(whole.1.rows, 4);
        assert_eq!(whole.0.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 5, 6, 7]);
        for sample in 1..4 {
            let (got, visited) = visit_all(csv, sample, &[0, 1, 2]);
            assert_eq!(visited.rows, 4, "sample {sample}");
            assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 5, 6, 7], "sample {sample}");
            assert_eq!(
                got.iter().map(|r| r.1[0].clone()).collect::<Vec<_>>(),
                whole.0.iter().map(|r| r.1[0].clone()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_sniffed_delimiter_is_reported_as_detected_and_a_chosen_one_not() {
        let csv = b"id;amount\n1;2\n";
        let open = |options: &ReadOptions| RowReader::open("t.csv", &csv[..], 0, options, 1, &mut Quiet).unwrap();
        let sniffed = open(&ReadOptions::default());
        assert_eq!(
            (sniffed.sample().diagnostics.delimiter, sniffed.sample().diagnostics.delimiter_detected),
            (b';', true)
        );
        let chosen = open(&ReadOptions { delimiter: Some(b';'), ..ReadOptions::default() });
        assert!(!chosen.sample().diagnostics.delimiter_detected);
    }

    #[test]
    fn a_quote_that_never_closes_after_the_sample_is_an_error_with_its_line() {
        let csv = b"id,note\n1,a\n2,b\n3,\"never\n4,c\n";
        let reader = RowReader::open("t.csv", &csv[..], 0, &ReadOptions::default(), 1, &mut Quiet).unwrap();
        let err = reader.visit(&[0], "Reading", &mut Quiet, |_, _| {}).unwrap_err();
        assert!(matches!(err.kind, IngestErrorKind::UnterminatedQuote { line: 4, column: 2, .. }), "{err}");
    }
}
