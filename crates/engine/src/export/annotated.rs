//! The input file with a segment column appended, every original byte passed through.

use std::io::Write;

use super::errors::ExportError;
use crate::assignment::Assignment;
use crate::ingest::encoding::encode_text;
use crate::progress::{Monitor, Stage};
use crate::table::{RecordSpan, Source, Table};

/// Rows written between two progress reports.
const REPORT_EVERY: u64 = 1 << 16;

/// The stage writing reports.
const STAGE: &str = "Writing the data with its segments";

/// The name of the appended column: `segment`, or `segment_2`... when the table has one.
pub fn segment_column_name(table: &Table, wanted: &str) -> String {
    // The table has fewer than u64::MAX columns, so a free name comes long before the numbers run out.
    std::iter::once(wanted.to_string())
        .chain((2..=u64::MAX).map(|k| format!("{wanted}_{k}")))
        .find(|name| table.column(name).is_none())
        .unwrap_or_else(|| wanted.to_string())
}

/// Writes the table's file with one column appended holding each row's segment.
///
/// Every byte of the input is passed through unchanged (byte order mark, quoting, line
/// terminators, encoding): the new field is inserted before each line terminator. Rows with
/// fewer fields than the header get empty fields first, so the segment column lines up; rows the
/// user chose to leave out at import are left out here too. Reports the rows written to
/// `monitor` ("Writing the data with its segments").
///
/// # Errors
/// [`ExportError::RowMismatch`] when the assignment is for another table,
/// [`ExportError::Io`] when writing fails, and [`ExportError::Cancelled`] when `monitor` asks to stop.
pub fn write_annotated_csv<W: Write>(
    table: &Table,
    assignment: &Assignment,
    column_name: &str,
    out: W,
    monitor: &mut dyn Monitor,
) -> Result<(), ExportError> {
    if assignment.rows() != table.rows() {
        return Err(ExportError::RowMismatch { assigned: assignment.rows(), rows: table.rows() });
    }
    let names = [column_name.to_string()];
    write_appended(
        table,
        &names,
        |row, values| values.push(assignment.segment_of(row).unwrap_or_default().to_string()),
        true,
        out,
        monitor,
    )
}

/// Writes the table's file with columns appended: `names` in the header (when `with_header`),
/// and per row the values `values(row, &mut buffer)` pushes. Passes every input byte through as
/// [`write_annotated_csv`] does; without the header, neither the byte order mark nor the header
/// line is written (for the later parts of a file written in parts). Reports the rows written to
/// `monitor`.
///
/// # Errors
/// [`ExportError::Io`] when writing fails, [`ExportError::Cancelled`] when `monitor` asks to stop.
pub fn write_appended<W: Write>(
    table: &Table,
    names: &[String],
    mut values: impl FnMut(usize, &mut Vec<String>),
    with_header: bool,
    mut out: W,
    monitor: &mut dyn Monitor,
) -> Result<(), ExportError> {
    let mut stage = Stage::start(monitor, STAGE, table.source.records.len() as u64, REPORT_EVERY)?;
    let source = &table.source;
    let width = table.columns.len();
    let bytes = &source.bytes;
    let append = |out: &mut W, span: &RecordSpan, fields: &[String], cursor: &mut usize| -> std::io::Result<()> {
        out.write_all(bytes.get(*cursor..span.start).unwrap_or_default())?;
        append_fields(out, source, width, span, fields)?;
        *cursor = span.end;
        Ok(())
    };
    let mut cursor = 0usize;
    match (&source.header, with_header) {
        (Some(header), true) => {
            out.write_all(&source.bom)?;
            append(&mut out, header, names, &mut cursor)?;
        }
        (Some(header), false) => cursor = header.term_end,
        (None, _) => {}
    }
    let mut skipped = source.skipped.iter().peekable();
    let mut buffer = Vec::with_capacity(names.len());
    for (row, span) in source.records.iter().enumerate() {
        stage.step()?;
        while let Some(skip) = skipped.next_if(|s| s.start < span.start) {
            out.write_all(bytes.get(cursor..skip.start).unwrap_or_default())?;
            cursor = skip.term_end;
        }
        buffer.clear();
        values(row, &mut buffer);
        append(&mut out, span, &buffer, &mut cursor)?;
    }
    for skip in skipped {
        out.write_all(bytes.get(cursor..skip.start).unwrap_or_default())?;
        cursor = skip.term_end;
    }
    out.write_all(bytes.get(cursor..).unwrap_or_default())?;
    out.flush()?;
    stage.finish()?;
    Ok(())
}

/// Writes `span`'s bytes as read, then empty fields up to the header's `width`, then `fields`
/// (encoded and quoted as the file is), without the line terminator.
pub(super) fn append_fields(
    out: &mut impl Write,
    source: &Source,
    width: usize,
    span: &RecordSpan,
    fields: &[String],
) -> std::io::Result<()> {
    let delimiter = [source.delimiter];
    out.write_all(source.bytes.get(span.start..span.end).unwrap_or_default())?;
    for _ in span.fields..width {
        out.write_all(&delimiter)?;
    }
    for value in fields {
        out.write_all(&delimiter)?;
        out.write_all(&quote(&encode_text(value, source.encoding), source.delimiter))?;
    }
    Ok(())
}

/// Quotes a field when it holds the delimiter, a quote or a line break (RFC 4180).
pub(crate) fn quote(field: &[u8], delimiter: u8) -> Vec<u8> {
    let needs = field.iter().any(|&b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r');
    if !needs {
        return field.to_vec();
    }
    // A slice is at most isize::MAX bytes: never saturates.
    let mut out = Vec::with_capacity(field.len().saturating_add(2));
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
    out
}
