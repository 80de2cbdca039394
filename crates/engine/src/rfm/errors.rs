//! Why RFM cannot be computed.

use thiserror::Error;

/// An RFM problem; `Display` says what to change.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RfmError {
    /// The settings are not usable.
    #[error("RFM settings: {0}")]
    Params(String),
    /// A setting is not a number of its kind or lies outside its range.
    #[error("RFM settings: {0}")]
    Setting(#[from] crate::typed::TypedError),
    /// The segment map does not cover every R × F cell exactly once.
    #[error("the RFM segment map: {0}")]
    Map(String),
    /// No customer has a purchase.
    #[error(
        "no customer has a dated purchase (a transaction with a readable date and a positive amount); check the date and amount columns and the mapping."
    )]
    NoPurchases,
    /// A typed date (the as-of date) cannot be read.
    #[error(transparent)]
    Date(#[from] crate::dates::DateError),
    /// A customer's money cannot be compared exactly with the others' at the largest precision.
    #[error("the amounts of customer `{customer}` are too large to compare exactly at the amount column's decimals; check the amount column for values that are not amounts.")]
    TooLarge {
        /// The customer's key.
        customer: String,
    },
    /// The caller's monitor asked to stop.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
}

impl From<crate::progress::Cancelled> for RfmError {
    fn from(_: crate::progress::Cancelled) -> Self {
        RfmError::Cancelled
    }
}
