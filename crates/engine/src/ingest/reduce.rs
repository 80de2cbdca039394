//! A smaller copy of a delimited file, read a part at a time: some of its columns, a seeded
//! sample of its rows, or both. It is what a browser tab opens when the whole file would not fit
//! ([`super::estimate`]); the values keep their text as written.

use std::io::Read;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::errors::{IngestError, IngestErrorKind};
use super::fields::FieldSplitter;
use super::options::ReadOptions;
use super::records::Records;
use super::rows::{RowReader, CHUNK_BYTES, SAMPLE_RECORDS};
use crate::export::quote;
use crate::progress::Monitor;

/// What a smaller copy keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reduction {
    /// The columns kept, by name (`None`: all).
    pub columns: Option<Vec<String>>,
    /// The rows kept: a sample of this many, drawn without replacement with `seed`, in file
    /// order (`None`: all rows).
    pub rows: Option<u64>,
    /// The seed of the row sample (the same file, rows and seed always keep the same rows).
    #[serde(default)]
    pub seed: u64,
}

impl Reduction {
    /// What the copy is, in words for its name: "3 columns", "a sample of 100000 rows, seed 1".
    pub fn describe(&self) -> String {
        let columns = self.columns.as_ref().map(|c| format!("{} columns", c.len()));
        let rows = self.rows.map(|r| format!("a sample of {r} rows, seed {}", self.seed));
        [columns, rows].into_iter().flatten().collect::<Vec<_>>().join(", ")
    }
}

/// The copy of the file `name` (`open` gives its bytes from the start; called once, or twice for a
/// row sample: once to count the rows) that keeps what `reduction` says, as comma-separated text
/// with a header, in the file's own encoding (UTF-8 for UTF-16 files).
///
/// # Errors
/// The file cannot be read (as [`RowReader`] reports it), a column named is not in the file, the
/// sample is of no rows, or `monitor` cancelled.
pub fn reduced_copy<R: Read>(
    name: &str,
    mut open: impl FnMut() -> std::io::Result<R>,
    size: u64,
    options: &ReadOptions,
    reduction: &Reduction,
    monitor: &mut dyn Monitor,
) -> Result<Vec<u8>, IngestError> {
    let unreadable = |e: std::io::Error| {
        IngestErrorKind::Unreadable {
            what: "file",
            message: e.to_string(),
            advice: "Check that the file is still where it was and readable, then open it again.",
        }
        .in_file(name)
    };
    let keep_rows = match reduction.rows {
        None => None,
        Some(0) => {
            return Err(IngestErrorKind::Unreadable {
                what: "file",
                message: "a sample of 0 rows was asked for".into(),
                advice: "Ask for a sample of at least one row.",
            }
            .in_file(name))
        }
        Some(rows) => {
            let total = count_rows(name, open().map_err(unreadable)?, size, options, monitor)?;
            Some(sample_rows(total, rows, reduction.seed))
        }
    };
    let mut reader = RowReader::open(name, open().map_err(unreadable)?, size, options, SAMPLE_RECORDS, monitor)?;
    let table = &reader.sample().table;
    let delimiter = table.source.delimiter;
    let kept: Vec<usize> = match &reduction.columns {
        None => (0..table.columns.len()).collect(),
        Some(names) => names
            .iter()
            .map(|n| {
                table.columns.iter().position(|c| &c.name == n).ok_or_else(|| {
                    IngestErrorKind::UnknownColumn {
                        name: n.clone(),
                        available: table.columns.iter().map(|c| format!("`{}`", c.name)).collect::<Vec<_>>().join(", "),
                    }
                    .in_file(name)
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let mut out = Vec::new();
    let header: Vec<Vec<u8>> =
        kept.iter().filter_map(|&i| table.columns.get(i)).map(|c| quote(c.name.as_bytes(), b',')).collect();
    out.extend(header.join(&b','));
    out.push(b'\n');
    let mut copy = Copier { splitter: FieldSplitter::new(delimiter), kept, keep_rows, next_row: 0, at: 0 };
    let source = &table.source;
    for span in &source.records {
        copy.record(source.bytes.get(span.start..span.end).unwrap_or_default(), &mut out);
    }
    const LABEL: &str = "Copying the columns and rows kept";
    while let Some(chunk) = reader.next_chunk(CHUNK_BYTES)? {
        let mut records = Records::starting_at(chunk.bytes(), delimiter, chunk.first_line());
        let mut raw = Vec::new();
        while records.next_record(&mut raw).map_err(unreadable)?.is_some() {
            copy.record(&raw, &mut out);
            raw.clear();
        }
        monitor.progress(LABEL, chunk.end, size);
        if monitor.is_cancelled() {
            return Err(IngestErrorKind::Cancelled.in_file(name));
        }
    }
    Ok(out)
}

/// Writes the records kept, with the columns kept.
struct Copier {
    splitter: FieldSplitter,
    kept: Vec<usize>,
    /// The data rows kept, in order (`None`: all).
    keep_rows: Option<Vec<u64>>,
    /// The number of the next data row.
    next_row: u64,
    /// Where in `keep_rows` the next row kept is.
    at: usize,
}

impl Copier {
    /// Copies the records of `raw`: one, or several when a carriage return alone ends one.
    fn record(&mut self, raw: &[u8], out: &mut Vec<u8>) {
        let mut rest = raw;
        while !rest.is_empty() {
            let fields = self.splitter.split(rest);
            if fields > 0 {
                self.copy(out); // else a blank line, as the readers skip them
            }
            rest = rest.get(self.splitter.consumed().max(1)..).unwrap_or_default();
        }
    }

    /// Copies the record split last, when it is kept.
    fn copy(&mut self, out: &mut Vec<u8>) {
        let row = self.next_row;
        self.next_row = self.next_row.saturating_add(1); // at most the file's records
        if let Some(keep) = &self.keep_rows {
            if keep.get(self.at) != Some(&row) {
                return;
            }
            self.at = self.at.saturating_add(1); // `keep.get(self.at)` was `Some`: below `keep.len()`
        }
        for (n, &i) in self.kept.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            out.extend(quote(self.splitter.field(i).unwrap_or_default(), b','));
        }
        out.push(b'\n');
    }
}

/// The data rows of the file (blank lines not counted).
fn count_rows<R: Read>(
    name: &str,
    input: R,
    size: u64,
    options: &ReadOptions,
    monitor: &mut dyn Monitor,
) -> Result<u64, IngestError> {
    let reader = RowReader::open(name, input, size, options, SAMPLE_RECORDS, monitor)?;
    let (_, visited) = reader.visit(&[], "Counting the rows", monitor, |_, _| {})?;
    Ok(visited.rows)
}

/// `rows` of the row numbers `0..total`, drawn without replacement with `seed`, in order.
fn sample_rows(total: u64, rows: u64, seed: u64) -> Vec<u64> {
    if rows >= total {
        return (0..total).collect();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut kept: Vec<u64> =
        rand::seq::index::sample(&mut rng, total as usize, rows as usize).into_iter().map(|i| i as u64).collect();
    kept.sort_unstable();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Quiet;

    const CSV: &str = "id;name;note\n1;Ann;\"a; b\"\n\n2;Bob;x\n3;Cy;\"line\nbreak\"\n4;Di;y\n";

    fn copy(reduction: &Reduction) -> String {
        let open = || Ok(CSV.as_bytes());
        let bytes =
            reduced_copy("c.csv", open, CSV.len() as u64, &ReadOptions::default(), reduction, &mut Quiet).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn the_columns_kept_are_copied_with_their_text() {
        let r = Reduction { columns: Some(vec!["note".into(), "id".into()]), rows: None, seed: 0 };
        // Written comma-separated: "a; b" needs no quotes there; a line break does.
        assert_eq!(copy(&r), "note,id\na; b,1\nx,2\n\"line\nbreak\",3\ny,4\n");
    }

    #[test]
    fn a_row_sample_keeps_that_many_rows_in_file_order_and_the_same_for_a_seed() {
        let r = Reduction { columns: None, rows: Some(2), seed: 7 };
        let text = copy(&r);
        assert_eq!(text.lines().next(), Some("id,name,note"));
        let ids: Vec<&str> = text.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
        assert_eq!(ids.len(), 2, "{text}");
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        assert_eq!(copy(&r), text);
        assert_eq!(copy(&Reduction { rows: Some(10), ..r }).lines().count(), 6);
        // every row, line break inside one
    }

    #[test]
    fn an_unknown_column_is_named() {
        let r = Reduction { columns: Some(vec!["age".into()]), rows: None, seed: 0 };
        let open = || Ok(CSV.as_bytes());
        let e = reduced_copy("c.csv", open, 0, &ReadOptions::default(), &r, &mut Quiet).unwrap_err();
        assert!(e.to_string().contains("age"), "{e}");
    }

    #[test]
    fn the_same_seed_keeps_the_same_rows_and_another_seed_others() {
        assert_eq!(sample_rows(1000, 10, 1), sample_rows(1000, 10, 1));
        assert_ne!(sample_rows(1000, 10, 1), sample_rows(1000, 10, 2));
        assert_eq!(sample_rows(5, 10, 1), vec![0, 1, 2, 3, 4]);
    }
}
