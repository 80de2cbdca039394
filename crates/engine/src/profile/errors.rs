//! Why a profile, its KPIs or a niche search cannot be made.

use thiserror::Error;

use crate::table::ColumnType;

/// A profile request that cannot be carried out; `Display` says what to change.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The segmentation has no customers.
    #[error("the segmentation has no customers, so there is nothing to profile; load a table with rows and segment it again.")]
    NoCustomers,
    /// A column (or the CLV rows) does not have one value per customer of the segmentation.
    #[error(
        "{what} has {found} rows but the segmentation has {expected}; the segmentation was made from another \
         table, so make it again from this one."
    )]
    RowsDiffer {
        /// What has the wrong length ("column `age`", "the CLV predictions").
        what: String,
        /// Its rows.
        found: usize,
        /// The segmentation's rows.
        expected: usize,
    },
    /// A segment code that names no segment.
    #[error(
        "row {row} is in segment number {code}, but the segmentation has only {segments} segments; make the \
         segmentation again."
    )]
    UnknownSegment {
        /// The row, from 0.
        row: usize,
        /// Its code.
        code: u32,
        /// Segments in the segmentation.
        segments: usize,
    },
    /// A segment asked for by number that the segmentation does not have.
    #[error("the segmentation has {segments} segments, so there is no segment number {code} to compare; choose one of its segments.")]
    NoSuchSegment {
        /// The number asked for, from 0.
        code: u32,
        /// Segments in the segmentation.
        segments: usize,
    },
    /// A segment compared with itself.
    #[error("“{segment}” is compared with itself; choose two different segments, or compare it with everyone else.")]
    SameSegment {
        /// The segment.
        segment: String,
    },
    /// A named column does not exist.
    #[error("there is no column named `{name}` for {purpose}. Choose one of: {available}.")]
    UnknownColumn {
        /// The name given.
        name: String,
        /// What it was wanted for ("the niche finder's value").
        purpose: &'static str,
        /// The columns there are.
        available: String,
    },
    /// A column of the wrong type for what it was chosen for.
    #[error("column `{name}` is {found}, but {purpose} must be {expected}; choose another column.")]
    WrongType {
        /// The column.
        name: String,
        /// What it was chosen for ("the niche finder's value", "the orders KPI").
        purpose: &'static str,
        /// The types it may have, in words ("a number").
        expected: &'static str,
        /// Its type.
        found: ColumnType,
    },
    /// An index needs a positive overall mean.
    #[error(
        "the mean of `{column}` over all customers is {mean}, so an index (a group's mean ÷ the overall mean) \
         means nothing; choose a value column whose mean is above 0, such as revenue or orders."
    )]
    NoPositiveMean {
        /// The value column.
        column: String,
        /// Its overall mean.
        mean: f64,
    },
    /// The smallest niche size is above the largest.
    #[error(
        "the smallest niche ({min}) is larger than the largest niche ({max}); make the smallest share at most the \
         largest."
    )]
    SharesOutOfOrder {
        /// The smallest share, as a percentage.
        min: String,
        /// The largest share, as a percentage.
        max: String,
    },
    /// A KPI that cannot be counted in whole numbers: order counts or dates that are not real ones.
    #[error(
        "the KPIs cannot be computed: {what}; check the customers' orders and last order dates (and the as-of \
         date) for values that are not real ones."
    )]
    KpiOutOfRange {
        /// What does not fit, in words.
        what: String,
    },
    /// A number in the options (the significance level, a niche bound) is not a number in its range.
    #[error(transparent)]
    Number(#[from] crate::typed::TypedError),
    /// The as-of date cannot be read.
    #[error(transparent)]
    Date(#[from] crate::dates::DateError),
    /// The profile's tables would pass the memory one step may use.
    #[error(transparent)]
    Budget(#[from] crate::budget::TooLarge),
    /// The caller's monitor asked to stop.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
}

impl From<crate::progress::Cancelled> for ProfileError {
    fn from(_: crate::progress::Cancelled) -> Self {
        ProfileError::Cancelled
    }
}
