//! One CSV per segment, in one zip (for campaign tools that take one list per audience): each
//! file is the input's header and the segment's rows, every original byte passed through, with
//! the segment column appended; the manifest goes in the zip beside them (DECISIONS 12).

use std::io::{Seek, Write};

use zip::write::SimpleFileOptions;
use zip::ZipWriter;

use super::annotated::append_fields;
use super::errors::ExportError;
use super::manifest::OutputRecord;
use crate::progress::{Monitor, Stage};
use crate::reproduce::Hasher;
use crate::table::Table;

/// Rows written between two progress reports.
const REPORT_EVERY: u64 = 1 << 16;

/// One file of the zip: its name, its segment and the rows it holds, in table order.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentFile {
    /// The file's name in the zip (`champions.csv`).
    pub name: String,
    /// The segment's name, in the appended column of every row.
    pub segment: String,
    /// The table's rows it holds.
    pub rows: Vec<usize>,
}

/// File names for `segments` (display names): lower case, runs of anything but letters and digits
/// as one `-`, `.csv` added, a number added to a name already taken (`segment.csv` for a name
/// with none of those).
pub fn segment_file_names<'a>(segments: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    for name in segments {
        let mut stem = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                stem.push(c);
            } else if !stem.is_empty() && !stem.ends_with('-') {
                stem.push('-');
            }
        }
        let stem = match stem.trim_end_matches('-') {
            "" => "segment".to_string(),
            s => s.to_string(),
        };
        // Fewer than u64::MAX names are taken, so a free one comes long before the numbers run out.
        let file = std::iter::once(format!("{stem}.csv"))
            .chain((2..=u64::MAX).map(|k| format!("{stem}-{k}.csv")))
            .find(|file| !taken.contains(file))
            .unwrap_or_default();
        taken.push(file);
    }
    taken
}

/// Writes a zip of `files` (each the table's header and its rows, with the column `column`
/// appended holding the file's segment) and then the files (name, bytes) `extra` makes from the
/// records (name, size, SHA-256) of those written, such as the manifest. Reports the rows written
/// to `monitor` ("Writing one file per segment").
///
/// # Errors
/// [`ExportError::Io`] when writing fails, [`ExportError::Cancelled`] when `monitor` asks to stop.
pub fn write_segment_zip<W: Write + Seek>(
    table: &Table,
    column: &str,
    files: &[SegmentFile],
    extra: impl FnOnce(&[OutputRecord]) -> Vec<(String, Vec<u8>)>,
    out: W,
    monitor: &mut dyn Monitor,
) -> Result<W, ExportError> {
    let total: u64 = files.iter().map(|f| f.rows.len() as u64).sum();
    let mut stage = Stage::start(monitor, "Writing one file per segment", total, REPORT_EVERY)?;
    let source = &table.source;
    let width = table.columns.len();
    // A last line without a terminator ends like the header (or with a line feed).
    let newline: &[u8] = match &source.header {
        Some(h) if h.term_end > h.end => source.bytes.get(h.end..h.term_end).unwrap_or(b"\n"),
        _ => b"\n",
    };
    let mut zip = ZipWriter::new(out);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut written = Vec::with_capacity(files.len());
    for file in files {
        zip.start_file(file.name.as_str(), options).map_err(zip_error)?;
        let mut member = Hashing { inner: &mut zip, hasher: Hasher::default() };
        member.write_all(&source.bom)?;
        if let Some(header) = &source.header {
            append_fields(&mut member, source, width, header, &[column.to_string()])?;
            member.write_all(newline)?;
        }
        for &row in &file.rows {
            stage.step()?;
            let Some(span) = source.records.get(row) else { continue };
            append_fields(&mut member, source, width, span, std::slice::from_ref(&file.segment))?;
            match source.bytes.get(span.end..span.term_end) {
                Some(term) if !term.is_empty() => member.write_all(term)?,
                _ => member.write_all(newline)?,
            }
        }
        let (sha256, bytes) = member.hasher.finish();
        written.push(OutputRecord { name: file.name.clone(), inside: None, bytes, sha256 });
    }
    for (name, bytes) in extra(&written) {
        zip.start_file(name.as_str(), options).map_err(zip_error)?;
        zip.write_all(&bytes)?;
    }
    let out = zip.finish().map_err(zip_error)?;
    stage.finish()?;
    Ok(out)
}

/// A writer that hashes what passes through it (one file of the zip).
struct Hashing<'a, W: Write> {
    inner: &'a mut W,
    hasher: Hasher,
}

impl<W: Write> Write for Hashing<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(buf.get(..n).unwrap_or_default());
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn zip_error(e: zip::result::ZipError) -> ExportError {
    match e {
        zip::result::ZipError::Io(io) => ExportError::Io(io),
        other => ExportError::Io(std::io::Error::other(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use super::*;
    use crate::ingest::{read_table, ReadOptions};
    use crate::progress::Quiet;

    #[test]
    fn file_names_are_plain_and_unique() {
        assert_eq!(
            segment_file_names(["Champions", "At risk!", "at risk", "", "Café · 2"]),
            ["champions.csv", "at-risk.csv", "at-risk-2.csv", "segment.csv", "café-2.csv"]
        );
    }

    #[test]
    fn each_segment_gets_its_rows_with_the_original_bytes_and_the_manifest_rides_along() {
        // Quoted fields, a CRLF header, a short row and a last line without a terminator.
        let csv = b"\xEF\xBB\xBFid,name\r\n1,\"Ann, Jr.\"\r\n2,Bo\r\n3\r\n4,Di";
        let table =
            read_table("c.csv", csv, &ReadOptions::default(), &mut Quiet).unwrap_or_else(|e| panic!("{e}")).table;
        let files = vec![
            SegmentFile { name: "a.csv".into(), segment: "A".into(), rows: vec![0, 2] },
            SegmentFile { name: "b.csv".into(), segment: "B".into(), rows: vec![1, 3] },
        ];
        let out = write_segment_zip(
            &table,
            "segment",
            &files,
            |written: &[OutputRecord]| {
                assert_eq!(written.len(), 2);
                vec![("c.manifest.json".into(), b"{}".to_vec())]
            },
            Cursor::new(Vec::new()),
            &mut Quiet,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut zip = zip::ZipArchive::new(Cursor::new(out.into_inner())).unwrap_or_else(|e| panic!("{e}"));
        let mut read = |name: &str| {
            let mut s = Vec::new();
            zip.by_name(name).unwrap_or_else(|e| panic!("{e}")).read_to_end(&mut s).unwrap_or_else(|e| panic!("{e}"));
            s
        };
        assert_eq!(read("a.csv"), b"\xEF\xBB\xBFid,name,segment\r\n1,\"Ann, Jr.\",A\r\n3,,A\r\n");
        assert_eq!(read("b.csv"), b"\xEF\xBB\xBFid,name,segment\r\n2,Bo,B\r\n4,Di,B\r\n");
        assert_eq!(read("c.manifest.json"), b"{}");
    }
}
