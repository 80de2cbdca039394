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
    /// The number of bands is out of range.
    #[error("the number of bands must be a whole number from {min} to {max} (got {got}).")]
    Bands {
        /// The value given.
        got: u32,
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
    },
    /// The number of segments is out of range.
    #[error("the most segments to show must be a whole number from {min} to {max} (got {got}).")]
    MaxSegments {
        /// The value given.
        got: u32,
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
    },
    /// The caller's monitor asked to stop.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
}

impl From<crate::progress::Cancelled> for SplitError {
    fn from(_: crate::progress::Cancelled) -> Self {
        SplitError::Cancelled
    }
}
