//! How much memory reading a file as a table will take, estimated before the file is read from
//! its size and its first part, so a file the browser tab cannot hold gets a sentence and a way
//! that works (some of its columns, a seeded sample of its rows, or the command line) instead of
//! a tab that dies.

use serde::{Deserialize, Serialize};

use super::formats::{self, FileFormat};
use super::options::ReadOptions;
use crate::progress::Quiet;
use crate::table::{ColumnData, ColumnType, RecordSpan};

/// Bytes of a file's start that [`estimate_memory`] reads.
pub const HEAD_BYTES: usize = 4 << 20;

/// Growth headroom of a column while it is read: it grows by doubling, and for a moment holds
/// its old and new storage (measured against the 1,000,000-customer benchmark file: the
/// estimate is about 20% above the peak natively, more in wasm, where offsets are 4 bytes).
const GROWTH: f64 = 2.0;

/// What reading a file as a table is expected to take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryEstimate {
    /// The file's size.
    pub file_bytes: u64,
    /// Rows expected (from the first part's rows per byte).
    pub rows: u64,
    /// Memory besides the columns: the file's bytes, each record's place in it, working space.
    pub base_bytes: u64,
    /// Memory for each column, in file order.
    pub columns: Vec<ColumnEstimate>,
}

/// What one column is expected to take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnEstimate {
    /// The column's name (as the table will name it).
    pub name: String,
    /// Its type, as the first part reads it.
    pub column_type: ColumnType,
    /// Memory for its values.
    pub bytes: u64,
}

impl MemoryEstimate {
    /// Memory for the whole table. Estimates saturate at `u64::MAX` bytes (more than any memory),
    /// so a file whose size says more than that reads as too large rather than wrapping to small.
    pub fn total(&self) -> u64 {
        self.columns.iter().map(|c| c.bytes).fold(self.base_bytes, u64::saturating_add)
    }

    /// Memory for the table when only the columns named in `keep` are kept (a copy holding
    /// just those is read, so the file's bytes count at their share of the row).
    pub fn with_columns(&self, keep: &[String]) -> u64 {
        let kept = self.columns.iter().filter(|c| keep.contains(&c.name)).map(|c| c.bytes).fold(0, u64::saturating_add);
        let share = kept as f64 / self.columns.iter().map(|c| c.bytes).fold(0, u64::saturating_add).max(1) as f64;
        let file = self.file_bytes as f64;
        ((self.base_bytes as f64 - file + file * share) as u64).saturating_add(kept)
    }

    /// Memory for a seeded sample of `rows` rows of the file (all columns).
    pub fn with_rows(&self, rows: u64) -> u64 {
        let share = rows as f64 / self.rows.max(1) as f64;
        (self.total() as f64 * share.min(1.0)) as u64
    }

    /// The most rows a seeded sample can have to fit in `available` bytes, rounded down to a
    /// round number (two significant digits).
    // Cannot overflow: `magnitude` is a power of ten (at least 1, at most 10^18), and rounding
    // `rows` down to a multiple of it gives at most `rows`.
    #[allow(clippy::arithmetic_side_effects)]
    pub fn rows_fitting(&self, available: u64) -> u64 {
        let per_row = self.total() as f64 / self.rows.max(1) as f64;
        let rows = (available as f64 / per_row.max(1.0)) as u64;
        let magnitude = 10u64.pow(rows.max(1).ilog10().saturating_sub(1));
        rows / magnitude * magnitude
    }
}

/// The memory reading a delimited text file of `size` bytes will take, from `head` (its first
/// [`HEAD_BYTES`] or all of it) read with `options`; `None` for other formats (compressed,
/// JSON Lines and workbooks are converted first) and for a start that cannot be read (reading
/// the file then says why).
pub fn estimate_memory(name: &str, head: &[u8], size: u64, options: &ReadOptions) -> Option<MemoryEstimate> {
    if formats::detect(name, head) != FileFormat::Csv {
        return None;
    }
    // Whole lines only (a record cut in two would read as a ragged row).
    let whole = if (head.len() as u64) < size {
        head.iter().rposition(|&b| b == b'\n').and_then(|end| head.get(..=end))?
    } else {
        head
    };
    let table = super::read_table(name, whole, options, &mut Quiet).ok()?.table;
    let head_rows = table.rows().max(1) as f64;
    let rows_per_byte = head_rows / whole.len().max(1) as f64;
    let rows = (rows_per_byte * size as f64).ceil() as u64;
    let scale = rows as f64 / head_rows;
    let columns = table
        .columns
        .iter()
        .map(|c| ColumnEstimate {
            name: c.name.clone(),
            column_type: c.column_type(),
            bytes: (value_bytes(&c.data) as f64 * scale * GROWTH) as u64,
        })
        .collect();
    // Each record's place in the file (grown by doubling) and its line number.
    let per_record = ((std::mem::size_of::<RecordSpan>() as f64 * GROWTH) as u64).saturating_add(8);
    // Saturates (see `MemoryEstimate::total`): `size` is the host's word for the file's size.
    let base_bytes = size.saturating_add(rows.saturating_mul(per_record));
    Some(MemoryEstimate { file_bytes: size, rows, base_bytes, columns })
}

/// The bytes a column's values take (text: the text and its allocation).
// Cannot overflow: each term is a small multiple of bytes the column's values occupy in memory
// (at most `isize::MAX` in all), far below `u64::MAX`.
#[allow(clippy::arithmetic_side_effects)]
fn value_bytes(data: &ColumnData) -> u64 {
    use std::mem::size_of;
    let n = data.len() as u64;
    match data {
        ColumnData::Integer(_) => n * size_of::<Option<i64>>() as u64,
        ColumnData::Decimal { .. } => n * size_of::<Option<f64>>() as u64,
        ColumnData::Boolean(_) => n * size_of::<Option<bool>>() as u64,
        ColumnData::Date(_) => n * size_of::<Option<i32>>() as u64,
        ColumnData::Datetime(_) => n * size_of::<Option<i64>>() as u64,
        ColumnData::Categorical { dictionary, .. } => {
            n * size_of::<Option<u32>>() as u64 + dictionary.iter().map(|d| d.len() as u64 + 32).sum::<u64>()
        }
        // An allocation is rounded up to 8 bytes and has about 8 bytes of bookkeeping.
        ColumnData::Text(values) => values
            .iter()
            .map(|v| {
                size_of::<Option<String>>() as u64 + v.as_ref().map_or(0, |s| (s.len() as u64).div_ceil(8) * 8 + 8)
            })
            .sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rows: usize) -> Vec<u8> {
        let mut csv = b"customer_id,age,city,joined\n".to_vec();
        for i in 0..rows {
            csv.extend(format!("C{i:07},{},Town {},2024-01-{:02}\n", 20 + i % 50, i % 7, 1 + i % 28).as_bytes());
        }
        csv
    }

    #[test]
    fn rows_are_estimated_from_the_first_part_of_a_larger_file() {
        let csv = file(200_000);
        let head = csv.get(..100_000).unwrap();
        let e = estimate_memory("c.csv", head, csv.len() as u64, &ReadOptions::default()).unwrap();
        let rows = e.rows as f64;
        assert!((rows - 200_000.0).abs() / 200_000.0 < 0.02, "{rows}");
        let names: Vec<&str> = e.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["customer_id", "age", "city", "joined"]);
        assert!(e.total() > csv.len() as u64);
    }

    #[test]
    fn fewer_columns_or_rows_need_less() {
        let csv = file(10_000);
        let e = estimate_memory("c.csv", &csv, csv.len() as u64, &ReadOptions::default()).unwrap();
        assert_eq!(e.rows, 10_000);
        let one = e.with_columns(&["age".to_string()]);
        assert!(one < e.total() / 2, "{one} of {}", e.total());
        assert!(e.with_rows(1_000) < e.total() / 9);
        assert_eq!(e.with_rows(20_000), e.total());
    }

    #[test]
    fn the_rows_that_fit_are_a_round_number() {
        let csv = file(10_000);
        let e = estimate_memory("c.csv", &csv, csv.len() as u64, &ReadOptions::default()).unwrap();
        let fit = e.rows_fitting(e.total() / 3);
        assert!((3_000..=3_400).contains(&fit), "{fit}");
        assert_eq!(fit % 100, 0);
    }

    #[test]
    fn other_formats_are_not_estimated() {
        assert_eq!(estimate_memory("c.csv.gz", &[0x1F, 0x8B, 8, 0], 100, &ReadOptions::default()), None);
    }
}
