//! The one error type of the significance tests.

use super::Group;

/// Why a significance test could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SignificanceError {
    /// A group has fewer than two observations.
    #[error(
        "{group} has {n} observation(s), but a test needs at least 2 in each group; \
         choose a larger segment or leave this trait out"
    )]
    TooFewObservations {
        /// The group that is too small.
        group: Group,
        /// Its number of observations.
        n: u64,
    },
    /// Every observation of both groups is the same value.
    #[error(
        "every observation in both groups has the same value (no spread), so a difference cannot be tested; \
         leave this trait out"
    )]
    ZeroVariance,
    /// A value is NaN or infinite.
    #[error("{group} has a missing or infinite value at position {index}; drop missing values before testing")]
    NotFinite {
        /// The group with the value.
        group: Group,
        /// Its position in that group, from 0.
        index: usize,
    },
    /// Summary statistics that no sample can have.
    #[error(
        "{group}'s summary is impossible (mean {mean}, variance {variance}); the mean must be finite and \
         the variance finite and zero or more"
    )]
    InvalidMoments {
        /// The group with the summary.
        group: Group,
        /// The mean given.
        mean: f64,
        /// The variance given.
        variance: f64,
    },
    /// A contingency table with fewer than two rows or two columns.
    #[error(
        "the table has {rows} row(s) and {columns} column(s), but a chi-square test needs at least 2 of each; \
         a trait with one level cannot differ between groups"
    )]
    TableTooSmall {
        /// Rows found.
        rows: usize,
        /// Columns found.
        columns: usize,
    },
    /// A table whose rows have different lengths.
    #[error("row {row} of the table has {found} column(s), but row 0 has {expected}; give every row every column")]
    RaggedTable {
        /// The row, from 0.
        row: usize,
        /// Its length.
        found: usize,
        /// The first row's length.
        expected: usize,
    },
    /// A table row whose counts are all zero.
    #[error("row {row} of the table has no counts; drop it before testing")]
    EmptyRow {
        /// The row, from 0.
        row: usize,
    },
    /// A table column whose counts are all zero.
    #[error("column {column} of the table has no counts (a level nobody has); drop it before testing")]
    EmptyColumn {
        /// The column, from 0.
        column: usize,
    },
    /// Segment and overall counts of different lengths.
    #[error(
        "the segment has counts for {segment} level(s) but the whole table for {all}; give both the same levels \
         in the same order"
    )]
    LevelsDiffer {
        /// Levels counted in the segment.
        segment: usize,
        /// Levels counted overall.
        all: usize,
    },
    /// A segment count above the overall count of the same level.
    #[error(
        "level {level} has {segment} customer(s) in the segment but only {all} in total; \
         count the segment within the same table"
    )]
    SegmentExceedsTotal {
        /// The level, from 0.
        level: usize,
        /// The segment's count.
        segment: u64,
        /// The overall count.
        all: u64,
    },
    /// Samples so large that the rank test's exact sums would pass 128 bits.
    #[error(
        "the two groups have {n} observations together, too many for the rank test to sum exactly; \
         test a random sample of them"
    )]
    TooManyObservations {
        /// Observations in both groups.
        n: u64,
    },
    /// A p-value outside [0, 1] or NaN.
    #[error("p-value {index} is {value}, but p-values lie between 0 and 1; pass the tests' p-values unchanged")]
    InvalidPValue {
        /// Its position, from 0.
        index: usize,
        /// The value given.
        value: f64,
    },
}
