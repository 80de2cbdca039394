//! What a workbook would take to open, checked before calamine opens it (issue #17). calamine
//! lays out an `.ods` or `.xls` whole as it opens it (every sheet, every cell from the first
//! value to the last), and any zip workbook expands as it is read, so a small file could ask for
//! more memory than the page has, which aborts it with the user's work. These checks read the file
//! without keeping what they read, and refuse with a sentence what would not fit. An `.xls` is
//! measured by [`super::xls_limits`].
//!
//! The checks look at the bytes, not the file's name: calamine recognises a workbook by its
//! contents (an `.ods` named `.xlsx` opens as an `.ods`).

use std::io::{BufReader, Cursor, Read};

use calamine::Data;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use super::gzip::check_ratio;
use super::{limit_label, CFB_MAGIC, ZIP_MAGIC};
use crate::api::memory::bytes_text;
use crate::budget::MAX_ARRAY_BYTES;
use crate::ingest::errors::IngestErrorKind;

/// What to do with a workbook that expands too far, as the end of a sentence.
const WORKBOOK_ADVICE: &str = "open it in Excel or LibreOffice, save the sheet as CSV and open that.";

/// Bytes one laid-out cell takes in calamine: its value and its formula, kept side by side.
pub(super) const CELL_BYTES: u64 = (std::mem::size_of::<Data>() + std::mem::size_of::<String>()) as u64;

/// Refuses a workbook in `bytes` whose parts would expand past [`MAX_ARRAY_BYTES`] (or more than
/// 300-fold), or whose sheets would take more than that to lay out. Anything these checks cannot
/// read is left to calamine, which says what is wrong with it.
///
/// # Errors
/// [`IngestErrorKind::TooLarge`], [`IngestErrorKind::CompressionBomb`],
/// [`IngestErrorKind::SheetTooLarge`], or [`IngestErrorKind::Unreadable`] for a damaged workbook
/// that calamine would not survive reading.
pub(super) fn check(bytes: &[u8]) -> Result<(), IngestErrorKind> {
    if bytes.starts_with(ZIP_MAGIC) {
        check_zip(bytes, MAX_ARRAY_BYTES)
    } else if bytes.starts_with(CFB_MAGIC) {
        super::xls_limits::check(bytes)
    } else {
        Ok(())
    }
}

/// Every part of a zip workbook decompressed (and dropped) to see what it expands to, then the
/// sheets of an OpenDocument one measured.
fn check_zip(bytes: &[u8], limit: u64) -> Result<(), IngestErrorKind> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // not a zip calamine can open either: it says so
    };
    let mut total: u64 = 0;
    let mut buffer = vec![0u8; 1 << 16];
    for index in 0..archive.len() {
        let Ok(mut part) = archive.by_index(index) else { continue };
        let compressed = part.compressed_size();
        let mut expanded: u64 = 0;
        loop {
            let read = match part.read(&mut buffer) {
                Ok(0) | Err(_) => break, // a damaged part: calamine reports it if it reads it
                Ok(read) => read as u64,
            };
            expanded = expanded.saturating_add(read);
            total = total.saturating_add(read);
            if total > limit {
                return Err(IngestErrorKind::TooLarge {
                    limit: limit_label(limit),
                    advice: "Open it in Excel or LibreOffice, save the sheet as CSV and open that (a CSV takes far less memory to read).",
                });
            }
            check_ratio(compressed, expanded, WORKBOOK_ADVICE)?;
        }
    }
    let is_ods = archive.index_for_name("mimetype").is_some();
    if !is_ods {
        return Ok(());
    }
    let Ok(content) = archive.by_name("content.xml") else { return Ok(()) };
    ods_sheets(BufReader::new(content))
}

/// Columns in an OpenDocument sheet, as calamine caps them.
const ODS_COLUMNS: u64 = 16_384;
/// Rows in an OpenDocument sheet, as calamine caps them.
const ODS_ROWS: u64 = 1_048_576;

/// One sheet of an OpenDocument spreadsheet, measured as calamine lays it out.
#[derive(Default)]
struct OdsSheet {
    name: String,
    /// Rows so far, repeats counted (at most [`ODS_ROWS`]).
    rows: u64,
    /// Cells calamine keeps while it reads: in each row, up to its last value.
    read: u64,
    /// The first row with a value, and the row after the last.
    first_row: Option<u64>,
    end_row: u64,
    /// The leftmost column with a value, and the column after the rightmost.
    first_column: u64,
    end_column: u64,
}

impl OdsSheet {
    /// The cells calamine holds for this sheet: those it read, then the sheet laid out from the
    /// first value to the last.
    fn cells(&self) -> u64 {
        let rows = self.end_row.saturating_sub(self.first_row.unwrap_or(self.end_row));
        let columns = self.end_column.saturating_sub(self.first_column);
        self.read.saturating_add(rows.saturating_mul(columns))
    }
}

/// A row being read: where its next cell goes, and its leftmost and rightmost values.
struct OdsRow {
    start: u64,
    repeats: u64,
    column: u64,
    first_value: Option<u64>,
    end_value: u64,
}

/// The number in a repeat attribute (`table:number-rows-repeated`, `text:c`), 1 when absent or
/// not a number (calamine refuses the file then).
fn repeats(element: &BytesStart<'_>, name: &[u8]) -> u64 {
    element
        .try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| std::str::from_utf8(&a.value).ok().and_then(|v| v.trim().parse().ok()))
        .unwrap_or(1)
}

/// True when calamine reads the cell as a value (or a formula), not as empty.
fn has_value(cell: &BytesStart<'_>) -> bool {
    cell.attributes().flatten().any(|a| match a.key {
        QName(
            b"office:value"
            | b"office:string-value"
            | b"office:date-value"
            | b"office:time-value"
            | b"office:boolean-value"
            | b"table:formula",
        ) => true,
        QName(b"office:value-type") => &*a.value == b"string",
        _ => false,
    })
}

/// Measures each sheet of an OpenDocument `content.xml` as calamine would lay it out, and the
/// spaces its `<text:s text:c="N"/>` elements would write, refusing past [`MAX_ARRAY_BYTES`].
fn ods_sheets(content: impl std::io::BufRead) -> Result<(), IngestErrorKind> {
    let mut reader = quick_xml::Reader::from_reader(content);
    reader.config_mut().check_end_names = false;
    reader.config_mut().expand_empty_elements = true;
    let mut buffer = Vec::new();
    let mut sheet: Option<OdsSheet> = None;
    let mut row: Option<OdsRow> = None;
    let mut held: u64 = 0; // cells of the sheets measured so far (calamine keeps every sheet)
    let mut spaces: u64 = 0;
    loop {
        buffer.clear();
        let event = match reader.read_event_into(&mut buffer) {
            Ok(Event::Eof) | Err(_) => return Ok(()), // damaged XML: calamine says where
            Ok(event) => event,
        };
        match event {
            Event::Start(e) if e.name() == QName(b"table:table") => {
                let name = e
                    .try_get_attribute(b"table:name")
                    .ok()
                    .flatten()
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                sheet = name.map(|name| OdsSheet { name, first_column: ODS_COLUMNS, ..OdsSheet::default() });
            }
            Event::Start(e) if e.name() == QName(b"table:table-row") => {
                if let Some(s) = sheet.as_mut() {
                    let repeats = repeats(&e, b"table:number-rows-repeated").min(ODS_ROWS.saturating_sub(s.rows));
                    row = Some(OdsRow { start: s.rows, repeats, column: 0, first_value: None, end_value: 0 });
                    s.rows = s.rows.saturating_add(repeats);
                }
            }
            Event::Start(e)
                if e.name() == QName(b"table:table-cell") || e.name() == QName(b"table:covered-table-cell") =>
            {
                if let Some(r) = row.as_mut() {
                    let after = r.column.saturating_add(repeats(&e, b"table:number-columns-repeated")).min(ODS_COLUMNS);
                    if has_value(&e) {
                        r.first_value.get_or_insert(r.column);
                        r.end_value = after;
                    }
                    r.column = after;
                }
            }
            Event::Start(e) if e.name() == QName(b"text:s") => {
                spaces = spaces.saturating_add(repeats(&e, b"text:c"));
                if spaces > MAX_ARRAY_BYTES {
                    return Err(IngestErrorKind::Unreadable {
                        what: "OpenDocument spreadsheet (.ods)",
                        message: format!(
                            "its cells ask for {spaces} spaces or more (`<text:s text:c=…>`), more than any sheet of data holds"
                        ),
                        advice: "Open it in LibreOffice and save it again, or save the sheet as CSV and open that.",
                    });
                }
            }
            Event::End(e) if e.name() == QName(b"table:table-row") => {
                if let (Some(s), Some(r)) = (sheet.as_mut(), row.take()) {
                    s.read = s.read.saturating_add(r.end_value);
                    if let Some(first) = r.first_value {
                        s.first_row.get_or_insert(r.start);
                        s.end_row = r.start.saturating_add(r.repeats);
                        s.first_column = s.first_column.min(first);
                        s.end_column = s.end_column.max(r.end_value);
                    }
                }
            }
            Event::End(e) if e.name() == QName(b"table:table") => {
                if let Some(s) = sheet.take() {
                    held = held.saturating_add(s.cells());
                    let needed = held.saturating_mul(CELL_BYTES);
                    if needed > MAX_ARRAY_BYTES {
                        return Err(sheet_too_large(
                            &s.name,
                            s.first_row.unwrap_or(0),
                            s.end_row,
                            s.first_column,
                            s.end_column,
                            needed,
                        ));
                    }
                }
            }
            _ => {}
        }
    }
}

/// [`IngestErrorKind::SheetTooLarge`] for the sheet `name` laid out over rows `first_row..end_row`
/// and columns `first_column..end_column` (0-based, the ends excluded).
pub(super) fn sheet_too_large(
    name: &str,
    first_row: u64,
    end_row: u64,
    first_column: u64,
    end_column: u64,
    needed: u64,
) -> IngestErrorKind {
    let last = |end: u64| u32::try_from(end.saturating_sub(1)).unwrap_or(u32::MAX);
    IngestErrorKind::SheetTooLarge {
        sheet: name.to_owned(),
        rows: end_row.saturating_sub(first_row),
        columns: end_column.saturating_sub(first_column),
        cell: super::spreadsheet::cell_name(last(end_row), last(end_column)),
        needed: bytes_text(needed),
    }
}
