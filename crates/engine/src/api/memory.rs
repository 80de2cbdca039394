//! Whether a file fits in the memory the engine has left, decided before it is read; when it
//! does not, what will (some of its columns, a seeded sample of its rows, or the command line).

use serde::{Deserialize, Serialize};

use crate::ingest::estimate::{estimate_memory, MemoryEstimate};
use crate::ingest::ReadOptions;

/// What the app shows for a file too large to open whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TooLargeView {
    /// The file's name.
    pub file: String,
    /// What opening it whole would take, column by column.
    pub estimate: MemoryEstimate,
    /// The memory left for it.
    pub available: u64,
    /// The problem and the ways out, in a sentence.
    pub message: String,
    /// The most rows a seeded sample of all columns can have and still fit.
    pub sample_rows: u64,
    /// Commands that read the whole file on this computer, a record at a time.
    pub commands: Vec<String>,
}

/// `None` when the delimited file `name` (`size` bytes; `head` its start,
/// [`crate::ingest::estimate::HEAD_BYTES`] of it) fits in `available` bytes when read with
/// `options`, else what the app shows instead of reading it. Files of other formats, and starts
/// that cannot be read, are left to the reader.
pub fn too_large(name: &str, head: &[u8], size: u64, options: &ReadOptions, available: u64) -> Option<TooLargeView> {
    let estimate = estimate_memory(name, head, size, options)?;
    if estimate.total() <= available {
        return None;
    }
    let message = format!(
        "Opening {name} ({}, about {} rows) whole would need about {} of memory; this browser tab has about {} left. \
         Open only the columns you need, or a random sample of its rows (the same seed gives the same rows), \
         or segment the whole file with the command-line tool `segscope`, which reads files of any size a record at a time.",
        bytes_text(size),
        estimate.rows,
        bytes_text(estimate.total()),
        bytes_text(available),
    );
    let quoted = if name.contains([' ', '"', '\'']) { format!("\"{name}\"") } else { name.to_string() };
    Some(TooLargeView {
        file: name.to_string(),
        sample_rows: estimate.rows_fitting(available),
        available,
        message,
        commands: vec![
            format!("segscope inspect {quoted}"),
            format!("segscope apply --input {quoted} --definition segments.json --output segmented.csv"),
        ],
        estimate,
    })
}

/// A size as people read it: "0.3 MB", "820 MB", "3.4 GB".
pub fn bytes_text(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if mb < 9.95 {
        format!("{mb:.1} MB")
    } else if mb < 1000.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{:.1} GB", mb / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Vec<u8> {
        let mut csv = b"customer_id,age\n".to_vec();
        for i in 0..5_000 {
            csv.extend(format!("C{i:05},{}\n", 20 + i % 50).as_bytes());
        }
        csv
    }

    #[test]
    fn a_file_that_fits_is_read_as_usual() {
        let csv = file();
        assert_eq!(too_large("c.csv", &csv, csv.len() as u64, &ReadOptions::default(), 1 << 30), None);
    }

    #[test]
    fn a_file_that_does_not_fit_says_so_and_offers_a_sample_that_fits() {
        let csv = file();
        let view = too_large("my customers.csv", &csv, csv.len() as u64, &ReadOptions::default(), 100_000).unwrap();
        assert!(view.message.contains("about 5000 rows"), "{}", view.message);
        assert!(view.message.contains("command-line tool"), "{}", view.message);
        assert!(view.sample_rows > 0 && view.estimate.with_rows(view.sample_rows) <= 100_000);
        assert_eq!(view.commands[0], "segscope inspect \"my customers.csv\"");
    }

    #[test]
    fn sizes_read_as_megabytes_or_gigabytes() {
        assert_eq!(bytes_text(820_400_000), "820 MB");
        assert_eq!(bytes_text(310_000), "0.3 MB");
        assert_eq!(bytes_text(3_420_000_000), "3.4 GB");
    }
}
