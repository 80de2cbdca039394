//! Files of any size: read in parts of whole records, each part read, segmented and written like
//! a small file, so memory stays bounded by the part size, not the file size.

mod records;

pub use records::Records;

use std::io::{BufReader, Read, Seek, SeekFrom, Write};

use thiserror::Error;

use crate::assignment::SegmentSize;
use crate::export::{write_appended, ExportError};
use crate::ingest::{
    read_table, read_table_part, sniff_delimiter, ImportWarning, IngestError, Ingested,
    ReadOptions, TextEncoding, MAX_EXAMPLES,
};
use crate::progress::Monitor;
use crate::rules::{check, default_as_of, evaluate, schema_of, Definition, Mode, RulesError};

/// Records per part by default (the first part also decides the column types for the whole file).
pub const PART_RECORDS: usize = 100_000;

/// Why a streaming run stopped.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StreamError {
    /// Reading the input failed.
    #[error("could not read the input: {0}")]
    Read(std::io::Error),
    /// A part of the input could not be read as a table.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The definition does not fit the data.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// Writing the output failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The user stopped the run.
    #[error("the run was cancelled; the output is incomplete and should be deleted.")]
    Cancelled,
}

/// What to apply to a file, and how.
#[derive(Debug, Clone, Copy)]
pub struct RulesRun<'a> {
    /// The rule definition.
    pub definition: &'a Definition,
    /// The as-of day (days since 1970-01-01) when the definition sets none; `None` for the default.
    pub as_of: Option<i32>,
    /// Records per part ([`PART_RECORDS`] is a good default).
    pub part_records: usize,
}

/// What applying a definition to a file did.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplySummary {
    /// Rows written.
    pub rows: u64,
    /// Rows per segment (first match: the remainder last; overlapping: rows flagged per segment).
    pub segments: Vec<SegmentSize>,
    /// Per segment: rows left undecided by missing values.
    pub excluded_for_missing: Vec<u64>,
    /// The as-of day used (days since 1970-01-01), if the definition needs one.
    pub as_of: Option<i32>,
    /// How the first part of the file was read (column types apply to the whole file).
    pub first_part: Ingested,
    /// Warnings from every part.
    pub warnings: Vec<ImportWarning>,
}

/// One part of a file: its header and some of its records, ready for [`read_table_part`].
struct Part {
    bytes: Vec<u8>,
    first: bool,
    line_offset: u64,
}

/// Cuts a file into parts of at most [`PART_RECORDS`] records, each starting with the header.
struct Parts<R> {
    records: Records<BufReader<R>>,
    size: usize,
    header: Vec<u8>,
    header_lines: u64,
    first: bool,
    done: bool,
}

impl<R: Read> Parts<R> {
    fn new(input: R, has_header: bool, delimiter: u8, size: usize) -> std::io::Result<Self> {
        let mut records = Records::new(BufReader::with_capacity(1 << 20, input), delimiter);
        let mut header = Vec::new();
        if has_header {
            records.next_record(&mut header)?;
        }
        let header_lines = header.iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(Parts {
            records,
            size: size.max(1),
            header,
            header_lines,
            first: true,
            done: false,
        })
    }

    fn next_part(&mut self) -> std::io::Result<Option<Part>> {
        if self.done {
            return Ok(None);
        }
        let mut bytes = self.header.clone();
        let mut first_line = None;
        for _ in 0..self.size {
            match self.records.next_record(&mut bytes)? {
                Some(line) => {
                    first_line.get_or_insert(line);
                }
                None => {
                    self.done = true;
                    break;
                }
            }
        }
        if first_line.is_none() && !self.first {
            return Ok(None);
        }
        // In the part, data starts right after the header's lines; in the file, at `first_line`.
        let line_offset = first_line.map_or(0, |l| l.saturating_sub(self.header_lines + 1));
        let first = std::mem::replace(&mut self.first, false);
        Ok(Some(Part {
            bytes,
            first,
            line_offset,
        }))
    }
}

/// Calls `f` with each part of `input` (read from the start) as a table.
fn for_each_part<R: Read + Seek>(
    name: &str,
    input: &mut R,
    options: &ReadOptions,
    delimiter: u8,
    size: usize,
    mut f: impl FnMut(Ingested, bool) -> Result<(), StreamError>,
) -> Result<(), StreamError> {
    input.seek(SeekFrom::Start(0)).map_err(StreamError::Read)?;
    let mut parts =
        Parts::new(&mut *input, options.has_header, delimiter, size).map_err(StreamError::Read)?;
    while let Some(part) = parts.next_part().map_err(StreamError::Read)? {
        let ingested = read_table_part(
            name,
            &part.bytes,
            options,
            part.line_offset,
            &mut crate::progress::Quiet,
        )?;
        f(ingested, part.first)?;
    }
    Ok(())
}

/// Applies a rule definition to a file of any size, writing the file with the segment column
/// (first match) or one true/false column per segment (overlapping) appended.
///
/// The file is read `part_records` records at a time ([`PART_RECORDS`] is a good default). Column
/// types are decided from the first part (or as `options` choose) and then pinned for the rest. Without an as-of date in the definition or in `as_of`, relative date
/// tests count back from the day after the latest date in the columns they use (one extra pass).
///
/// # Errors
/// [`StreamError`] naming the file, line and column for unreadable input, every problem of a
/// definition that does not fit, and write failures.
pub fn apply_rules<R: Read + Seek, W: Write>(
    name: &str,
    mut input: R,
    options: &ReadOptions,
    run: &RulesRun<'_>,
    mut out: W,
    monitor: &mut dyn Monitor,
) -> Result<ApplySummary, StreamError> {
    let RulesRun {
        definition: def,
        as_of,
        part_records,
    } = *run;
    // The first part decides types and formats for the whole file. UTF-16 cannot be cut on
    // byte boundaries, so such a file is read whole.
    input.seek(SeekFrom::Start(0)).map_err(StreamError::Read)?;
    let mut sniff = Vec::with_capacity(64 * 1024);
    (&mut input)
        .take(64 * 1024)
        .read_to_end(&mut sniff)
        .map_err(StreamError::Read)?;
    let utf16 = sniff.starts_with(&[0xFF, 0xFE]) || sniff.starts_with(&[0xFE, 0xFF]);
    let mut whole = Vec::new();
    let first = if utf16 {
        input.seek(SeekFrom::Start(0)).map_err(StreamError::Read)?;
        input.read_to_end(&mut whole).map_err(StreamError::Read)?;
        read_table(name, &whole, options, monitor)?
    } else {
        let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&sniff));
        input.seek(SeekFrom::Start(0)).map_err(StreamError::Read)?;
        let mut parts = Parts::new(&mut input, options.has_header, delimiter, part_records)
            .map_err(StreamError::Read)?;
        match parts.next_part().map_err(StreamError::Read)? {
            Some(part) => read_table_part(name, &part.bytes, options, part.line_offset, monitor)?,
            None => read_table(name, &[], options, monitor)?,
        }
    };
    let pinned = pin(&first, options);
    let whole_in_head = utf16;

    let schema = schema_of(&first.table);
    let needs_as_of = def.as_of.is_none() && as_of.is_none() && crate::rules::uses_as_of(def);
    let as_of = if needs_as_of {
        let mut latest: Option<i32> = None;
        let delimiter = first.diagnostics.delimiter;
        if whole_in_head {
            latest = default_as_of(def, &first.table);
        } else {
            for_each_part(
                name,
                &mut input,
                &pinned,
                delimiter,
                part_records,
                |part, _| {
                    latest = latest.max(default_as_of(def, &part.table));
                    Ok(())
                },
            )?;
        }
        latest
    } else {
        as_of
    };
    let valid = check(def, &schema, as_of)?;

    let names: Vec<String> = match valid.mode {
        Mode::FirstMatch => vec![crate::export::segment_column_name(&first.table, "segment")],
        Mode::Overlapping => valid.segments.iter().map(|s| s.name.clone()).collect(),
    };
    let width = valid.segments.len() + usize::from(valid.mode == Mode::FirstMatch);
    let mut counts = vec![0u64; width];
    let mut excluded = vec![0u64; valid.segments.len()];
    let mut rows = 0u64;
    let mut warnings: Vec<ImportWarning> = Vec::new();
    let mut run_part =
        |ingested: &Ingested, with_header: bool, out: &mut W| -> Result<(), StreamError> {
            let result = evaluate(&valid, &ingested.table);
            for (e, x) in excluded.iter_mut().zip(&result.excluded_for_missing) {
                *e += x;
            }
            match valid.mode {
                Mode::FirstMatch => {
                    for s in result.assignment.sizes().iter().zip(counts.iter_mut()) {
                        *s.1 += s.0.count;
                    }
                    write_appended(
                        &ingested.table,
                        &names,
                        |r, v| {
                            v.push(
                                result
                                    .assignment
                                    .segment_of(r)
                                    .unwrap_or_default()
                                    .to_string(),
                            )
                        },
                        with_header,
                        &mut *out,
                    )?;
                }
                Mode::Overlapping => {
                    for (flags, c) in result.flags.iter().zip(counts.iter_mut()) {
                        *c += flags.iter().filter(|&&b| b).count() as u64;
                    }
                    let flag = |r: usize, v: &mut Vec<String>| {
                        v.extend(
                            result
                                .flags
                                .iter()
                                .map(|f| f.get(r).copied().unwrap_or(false).to_string()),
                        )
                    };
                    write_appended(&ingested.table, &names, flag, with_header, &mut *out)?;
                }
            }
            rows += ingested.table.rows() as u64;
            for w in &ingested.diagnostics.warnings {
                merge_warning(&mut warnings, w);
            }
            monitor.progress("applying segments", rows, 0);
            if monitor.is_cancelled() {
                return Err(StreamError::Cancelled);
            }
            Ok(())
        };
    if whole_in_head {
        run_part(&first, true, &mut out)?;
    } else {
        let delimiter = first.diagnostics.delimiter;
        for_each_part(
            name,
            &mut input,
            &pinned,
            delimiter,
            part_records,
            |part, is_first| run_part(&part, is_first, &mut out),
        )?;
    }
    out.flush()
        .map_err(|e| StreamError::Export(ExportError::Io(e)))?;
    let total = rows.max(1) as f64;
    let mut segment_names: Vec<String> = valid.segments.iter().map(|s| s.name.clone()).collect();
    if valid.mode == Mode::FirstMatch {
        segment_names.push(valid.remainder.clone());
    }
    let segments = segment_names
        .into_iter()
        .zip(counts)
        .map(|(name, count)| SegmentSize {
            name,
            count,
            share: count as f64 / total,
        })
        .collect();
    Ok(ApplySummary {
        rows,
        segments,
        excluded_for_missing: excluded,
        as_of,
        first_part: first,
        warnings,
    })
}

/// Options that read every part like the first: its delimiter, types and formats.
fn pin(first: &Ingested, options: &ReadOptions) -> ReadOptions {
    let mut pinned = options.clone();
    pinned.delimiter = Some(first.diagnostics.delimiter);
    if first.diagnostics.encoding == TextEncoding::Windows1252 {
        pinned.encoding = Some(TextEncoding::Windows1252);
    }
    for c in &first.table.columns {
        pinned.types.insert(c.name.clone(), c.column_type());
        pinned.formats.insert(c.name.clone(), c.format.clone());
    }
    pinned
}

/// Adds a part's warning to the run's: the same kind of warning about the same column is counted
/// once, with its counts added up and the first examples kept.
fn merge_warning(all: &mut Vec<ImportWarning>, w: &ImportWarning) {
    use ImportWarning as W;
    for existing in all.iter_mut() {
        match (existing, w) {
            (
                W::RaggedRows {
                    count, examples, ..
                },
                W::RaggedRows {
                    count: c,
                    examples: e,
                    ..
                },
            ) => {
                *count += c;
                examples.extend(e.iter().cloned());
                examples.truncate(MAX_EXAMPLES);
                return;
            }
            (
                W::UnreadableValues {
                    column,
                    count,
                    examples,
                    ..
                },
                W::UnreadableValues {
                    column: col,
                    count: c,
                    examples: e,
                    ..
                },
            ) if column == col => {
                *count += c;
                examples.extend(e.iter().cloned());
                examples.truncate(MAX_EXAMPLES);
                return;
            }
            (a, b) if a == b => return,
            _ => {}
        }
    }
    all.push(w.clone());
}
