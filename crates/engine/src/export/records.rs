//! Tables the engine makes as CSV (per-customer RFM and CLV files, the customer list of a
//! transactions file): a header, then one record per row, `\n` line ends, fields quoted when needed.

use std::io::Write;

use super::errors::ExportError;
use crate::progress::{Monitor, Stage};

/// Records written between two progress reports.
const REPORT_EVERY: u64 = 1 << 16;

/// Writes `header`, then `rows` records, record `i` holding the fields `record(i, &mut fields)`
/// pushes; reports the records written to `monitor` as `stage`.
///
/// ```
/// use segscope_engine::export::write_records;
/// use segscope_engine::progress::Quiet;
///
/// let mut out = Vec::new();
/// let names = ["Ann", "Bo, Jr."];
/// write_records("Writing names", &["id", "name"], names.len(), |i, f| {
///     f.extend([i.to_string(), names[i].to_string()])
/// }, &mut out, &mut Quiet).unwrap();
/// assert_eq!(out, b"id,name\n0,Ann\n1,\"Bo, Jr.\"\n");
/// ```
///
/// # Errors
/// [`ExportError::Io`] when writing fails, [`ExportError::Cancelled`] when `monitor` asks to stop.
pub fn write_records<W: Write>(
    stage: &str,
    header: &[&str],
    rows: usize,
    mut record: impl FnMut(usize, &mut Vec<String>),
    out: W,
    monitor: &mut dyn Monitor,
) -> Result<(), ExportError> {
    let mut stage = Stage::start(monitor, stage, rows as u64, REPORT_EVERY)?;
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(out);
    w.write_record(header).map_err(std::io::Error::from)?;
    let mut fields = Vec::with_capacity(header.len());
    for i in 0..rows {
        stage.step()?;
        fields.clear();
        record(i, &mut fields);
        w.write_record(&fields).map_err(std::io::Error::from)?;
    }
    w.flush()?;
    stage.finish()?;
    Ok(())
}
