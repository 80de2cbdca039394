//! Why transactions cannot be turned into customer aggregates.

use thiserror::Error;

/// A transaction mapping or aggregation problem; `Display` says what to change.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CustomersError {
    /// The mapping names columns that are missing or of the wrong type (every problem listed).
    #[error("the transaction columns do not fit: {}", .0.join(" "))]
    Mapping(Vec<String>),
    /// No transactions file was given where one is needed.
    #[error("this needs a transactions file (customer key, date, amount); add one.")]
    NoTransactions,
    /// The user cancelled.
    #[error("Cancelled; nothing was changed.")]
    Cancelled,
}

impl From<crate::progress::Cancelled> for CustomersError {
    fn from(_: crate::progress::Cancelled) -> Self {
        CustomersError::Cancelled
    }
}
