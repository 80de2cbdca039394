//! Parameters of a split by column, checked once against the table.

use serde::{Deserialize, Serialize};

use super::errors::SplitError;
use crate::table::Table;

/// Fewest and most quantile bands for a number or date column.
pub const BANDS: std::ops::RangeInclusive<u32> = 2..=20;
/// Fewest and most segments before rarer values are grouped as "Other values".
pub const MAX_SEGMENTS: std::ops::RangeInclusive<u32> = 2..=100;

/// How to split a table by one column, as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SplitParams {
    /// The column to split by.
    pub column: String,
    /// For numbers and dates: how many equal-count (quantile) bands.
    pub bands: u32,
    /// For categories and text: the most segments; rarer values become "Other values".
    pub max_segments: u32,
}

impl Default for SplitParams {
    fn default() -> Self {
        SplitParams { column: String::new(), bands: 4, max_segments: 12 }
    }
}

/// Split parameters known to fit the table they were checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSplitParams {
    pub(super) column: usize,
    pub(super) bands: u32,
    pub(super) max_segments: u32,
}

impl SplitParams {
    /// Checks the parameters against `table`.
    ///
    /// # Errors
    /// [`SplitError`] when the column does not exist or a number is out of range.
    pub fn check(&self, table: &Table) -> Result<ValidSplitParams, SplitError> {
        let column = table
            .columns
            .iter()
            .position(|c| c.name == self.column)
            .ok_or_else(|| SplitError::UnknownColumn { name: self.column.clone(), available: table.column_list() })?;
        if !BANDS.contains(&self.bands) {
            return Err(SplitError::Bands { got: self.bands, min: *BANDS.start(), max: *BANDS.end() });
        }
        if !MAX_SEGMENTS.contains(&self.max_segments) {
            return Err(SplitError::MaxSegments {
                got: self.max_segments,
                min: *MAX_SEGMENTS.start(),
                max: *MAX_SEGMENTS.end(),
            });
        }
        Ok(ValidSplitParams { column, bands: self.bands, max_segments: self.max_segments })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::ingest::{read_table, ReadOptions};

    #[test]
    fn numbers_out_of_range_say_the_range() {
        let t = read_table("t.csv", b"spend\n1\n2\n", &ReadOptions::default(), &mut crate::progress::Quiet).unwrap();
        let params = |bands, max_segments| SplitParams { column: "spend".into(), bands, max_segments };
        let err = params(1, 12).check(&t.table).unwrap_err().to_string();
        assert_eq!(err, "the number of bands must be a whole number from 2 to 20 (got 1).");
        let err = params(4, 101).check(&t.table).unwrap_err().to_string();
        assert_eq!(err, "the most segments to show must be a whole number from 2 to 100 (got 101).");
        assert!(params(20, 100).check(&t.table).is_ok());
    }
}
