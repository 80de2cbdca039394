//! Why lifetime value cannot be computed.

use thiserror::Error;

/// A CLV problem; `Display` says what to change.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ClvError {
    /// A setting is not a number of its kind or lies outside its range.
    #[error("CLV settings: {0}")]
    Params(#[from] crate::typed::TypedError),
    /// Too few repeat customers to fit the models.
    #[error("only {repeat} customers bought more than once (at least {needed} are needed to fit the repeat-purchase models); use a longer calibration period or more data.")]
    TooFewRepeat {
        /// Customers with a repeat purchase.
        repeat: usize,
        /// The minimum.
        needed: usize,
    },
    /// A typed date (the calibration end) cannot be read.
    #[error(transparent)]
    Date(#[from] crate::dates::DateError),
    /// No transaction has a readable date, so there is no purchase history.
    #[error("no transaction has a readable date in `{column}`, so there is no purchase history to fit lifetime value to; check that the mapping's date column is right and how its dates are read (for example day-first or month-first).")]
    NoDates {
        /// The mapped date column.
        column: String,
    },
    /// The user cancelled the fit.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
    /// The optimiser could not find a fit.
    #[error("the {model} model could not be fitted to this data ({reason}); check the transactions (dates, amounts) and the calibration period.")]
    NoFit {
        /// Which model.
        model: &'static str,
        /// Why.
        reason: String,
    },
}

impl From<crate::progress::Cancelled> for ClvError {
    fn from(_: crate::progress::Cancelled) -> Self {
        ClvError::Cancelled
    }
}
