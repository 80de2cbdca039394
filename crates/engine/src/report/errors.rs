//! Why a report could not be written.

use thiserror::Error;

/// A report that could not be written; `Display` says what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The workbook library refused a sheet or a cell.
    #[error(
        "the summary workbook could not be written ({0}); download the HTML or CSV report instead, and report this."
    )]
    Workbook(String),
    /// A chart could not be drawn.
    #[error(
        "a chart of the report could not be drawn ({0}); download the CSV or JSON report instead, and report this."
    )]
    Chart(String),
    /// The JSON could not be written.
    #[error("the report could not be written as JSON ({0}); download the CSV report instead, and report this.")]
    Json(String),
    /// The CSV could not be written.
    #[error("the report could not be written as CSV ({0}); download the JSON report instead, and report this.")]
    Csv(String),
}

impl From<rust_xlsxwriter::XlsxError> for ReportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ReportError::Workbook(e.to_string())
    }
}
