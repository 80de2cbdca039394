//! Why a split cannot be made.

use thiserror::Error;

/// A split-by-column request that cannot be carried out; `Display` says what to change.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SplitError {
    /// The column does not exist.
    #[error("there is no column named `{name}`. Choose one of: {available}.")]
    UnknownColumn {
        /// The name given.
        name: String,
        /// The table's columns.
        available: String,
    },
    /// A number (the bands, the most segments) is not a whole number in its range.
    #[error(transparent)]
    Number(#[from] crate::typed::TypedError),
    /// The caller's monitor asked to stop.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
}

impl From<crate::progress::Cancelled> for SplitError {
    fn from(_: crate::progress::Cancelled) -> Self {
        SplitError::Cancelled
    }
}
