//! What can go wrong when generating the sample data.

use std::fmt;

use super::params::{MAX_CUSTOMERS, MIN_CUSTOMERS};

/// An error from checking sample parameters or from writing the sample files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SampleError {
    /// The requested number of customers is outside the supported range.
    #[error(
        "the number of customers must be a whole number from {} to {} (got {}); choose a number in that range",
        Thousands(MIN_CUSTOMERS),
        Thousands(MAX_CUSTOMERS),
        Thousands(*got)
    )]
    CustomerCount {
        /// The number that was asked for.
        got: u64,
    },
    /// Writing one of the two files failed (disk full, closed pipe, no permission, ...).
    #[error(
        "could not write the sample {file} file: {source}; check that the destination is writable \
         and has free space, then try again"
    )]
    Io {
        /// Which file was being written: `customers` or `transactions`.
        file: &'static str,
        /// The underlying input/output error.
        #[source]
        source: std::io::Error,
    },
    /// The caller asked the generator to stop before it finished.
    #[error("generating the sample data was cancelled before it finished; nothing complete was written")]
    Cancelled,
}

impl SampleError {
    /// Wraps a failure of the CSV writer for `file` as an [`SampleError::Io`].
    pub(crate) fn from_csv(file: &'static str, err: csv::Error) -> Self {
        let source = match err.into_kind() {
            csv::ErrorKind::Io(io) => io,
            other => std::io::Error::other(format!("{other:?}")),
        };
        SampleError::Io { file, source }
    }
}

/// Formats an integer with comma thousands separators (`50000000` → `50,000,000`).
pub(crate) struct Thousands(pub(crate) u64);

impl fmt::Display for Thousands {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let len = digits.len();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (len - i) % 3 == 0 {
                f.write_str(",")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits_in_threes() {
        assert_eq!(Thousands(0).to_string(), "0");
        assert_eq!(Thousands(999).to_string(), "999");
        assert_eq!(Thousands(1_000).to_string(), "1,000");
        assert_eq!(Thousands(50_000_000).to_string(), "50,000,000");
        assert_eq!(Thousands(1_234_567_890).to_string(), "1,234,567,890");
    }

    #[test]
    fn customer_count_message_names_field_range_and_value() {
        let msg = SampleError::CustomerCount { got: 0 }.to_string();
        assert!(
            msg.starts_with("the number of customers must be a whole number from 1 to 50,000,000 (got 0)"),
            "{msg}"
        );
    }

    #[test]
    fn io_message_names_the_file_and_what_to_do() {
        let err = SampleError::Io { file: "transactions", source: std::io::Error::other("disk full") };
        let msg = err.to_string();
        assert!(msg.contains("transactions file"), "{msg}");
        assert!(msg.contains("disk full"), "{msg}");
        assert!(msg.contains("free space"), "{msg}");
    }
}
