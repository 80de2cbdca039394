//! Parquet: a columnar file's rows written as CSV text one record batch at a time, so reading it
//! needs memory for the file and one batch, not for the whole table as text.
//!
//! Values are written as Arrow displays them, except: a date as `2024-01-15`; a date-time as
//! `2024-01-15 10:23:45` (fractional seconds when there are any), and with its offset
//! (`+01:00`) when the column has a time zone, the calendar date and time being those of that
//! zone; a null as an empty (missing) value. Lists, structs and maps are kept as Arrow's text of
//! them (`[1, 2]`, `{a: 1}`). Compressed with Snappy, gzip, LZ4, Zstandard or Brotli (what
//! Spark, DuckDB, polars and pandas write).

use std::fmt::Write as _;
use std::io::{self, Read};

use arrow_array::RecordBatch;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use bytes::Bytes;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use super::{limit_label, push_field, push_record};
use crate::ingest::errors::IngestErrorKind;

/// Rows per record batch: a few MB of text at a time.
const BATCH_ROWS: usize = 8192;

/// How values are written: dates and date-times as the rest of Segscope reads them.
const FORMAT: FormatOptions<'static> = FormatOptions::new()
    .with_null("")
    .with_date_format(Some("%Y-%m-%d"))
    .with_datetime_format(Some("%Y-%m-%d %H:%M:%S%.f"))
    .with_timestamp_format(Some("%Y-%m-%d %H:%M:%S%.f"))
    .with_timestamp_tz_format(Some("%Y-%m-%d %H:%M:%S%.f%:z"));

/// A Parquet file's rows as CSV text (comma-separated UTF-8, a header row of its column names).
pub(crate) struct ParquetText {
    batches: ParquetRecordBatchReader,
    /// Text not yet read.
    out: Vec<u8>,
    at: usize,
    cell: String,
}

impl ParquetText {
    /// Opens the file whose bytes are `file`.
    ///
    /// # Errors
    /// [`IngestErrorKind::Unreadable`] when it is not a Parquet file Segscope can read.
    pub(crate) fn open(file: Bytes) -> Result<Self, IngestErrorKind> {
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| unreadable(&e))?;
        let mut out = Vec::new();
        push_record(&mut out, builder.schema().fields().iter().map(|f| f.name().as_str()));
        let batches = builder.with_batch_size(BATCH_ROWS).build().map_err(|e| unreadable(&e))?;
        Ok(ParquetText { batches, out, at: 0, cell: String::new() })
    }

    /// Writes the next batch's rows; false when there are no more.
    fn next_batch(&mut self) -> io::Result<bool> {
        let Some(batch) = self.batches.next() else { return Ok(false) };
        let batch = batch.map_err(io::Error::other)?;
        self.out.clear();
        self.at = 0;
        write_rows(&batch, &mut self.out, &mut self.cell)?;
        Ok(true)
    }
}

impl Read for ParquetText {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            if !self.next_batch()? {
                return Ok(0);
            }
        }
        let rest = self.out.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        // Cannot saturate: `at` stays within `out`, whose length is a usize.
        self.at = self.at.saturating_add(n);
        Ok(n)
    }
}

/// Appends one CSV record per row of `batch` to `out`.
fn write_rows(batch: &RecordBatch, out: &mut Vec<u8>, cell: &mut String) -> io::Result<()> {
    let columns = batch
        .columns()
        .iter()
        .map(|c| ArrayFormatter::try_new(c.as_ref(), &FORMAT))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?;
    for row in 0..batch.num_rows() {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            cell.clear();
            write!(cell, "{}", column.value(row))
                .map_err(|_| io::Error::other(format!("a value of row {row} could not be written as text")))?;
            push_field(out, cell);
        }
        out.push(b'\n');
    }
    Ok(())
}

/// The whole file as CSV text, or [`IngestErrorKind::ParquetTooLarge`] past `limit` bytes of it.
pub(super) fn to_csv(bytes: &[u8], limit: u64) -> Result<Vec<u8>, IngestErrorKind> {
    let mut text = ParquetText::open(Bytes::copy_from_slice(bytes))?;
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(3));
    (&mut text).take(limit.saturating_add(1)).read_to_end(&mut out).map_err(|e| unreadable(&e))?;
    if out.len() as u64 > limit {
        return Err(IngestErrorKind::ParquetTooLarge { limit: limit_label(limit) });
    }
    Ok(out)
}

fn unreadable(e: &dyn std::fmt::Display) -> IngestErrorKind {
    IngestErrorKind::Unreadable {
        what: "Parquet file",
        message: e.to_string(),
        advice: "Check that the file is complete (a Parquet file ends with `PAR1`), or write it again from the tool that made it.",
    }
}
