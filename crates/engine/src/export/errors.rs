//! Why an export could not be written.

use thiserror::Error;

/// An export that could not be written; `Display` says what to do.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The assignment was made for a different table.
    #[error(
        "the segments were made for {assigned} rows but the data has {rows}; run the segmentation again on this data."
    )]
    RowMismatch {
        /// Rows in the assignment.
        assigned: usize,
        /// Rows in the table.
        rows: usize,
    },
    /// Writing failed (disk full, permission denied...).
    #[error("could not write the export: {0}. Check there is space and permission to write there.")]
    Io(#[from] std::io::Error),
    /// The caller's monitor asked to stop.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
}

impl From<crate::progress::Cancelled> for ExportError {
    fn from(_: crate::progress::Cancelled) -> Self {
        ExportError::Cancelled
    }
}
