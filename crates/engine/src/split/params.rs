//! Parameters of a split by column, checked once against the table.

use serde::{Deserialize, Serialize};

use super::errors::SplitError;
use crate::table::Table;
use crate::typed::Typed;

/// Fewest and most quantile bands for a number or date column: deciles and vigintiles are the
/// finest bands analysts use; more equal-count bands of real data mostly split ties.
pub const BANDS: std::ops::RangeInclusive<u32> = 2..=20;
/// Fewest and most segments before rarer values are grouped as "Other values": a hundred
/// segments is already a long table and one file each in a per-segment zip.
pub const MAX_SEGMENTS: std::ops::RangeInclusive<u32> = 2..=100;

/// How to split a table by one column, as the user gave it (the numbers as numbers or as typed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SplitParams {
    /// The column to split by.
    pub column: String,
    /// For numbers and dates: how many equal-count (quantile) bands ([`BANDS`]).
    pub bands: Typed<u32>,
    /// For categories and text: the most segments ([`MAX_SEGMENTS`]); rarer values become "Other values".
    pub max_segments: Typed<u32>,
}

impl Default for SplitParams {
    fn default() -> Self {
        SplitParams { column: String::new(), bands: 4.into(), max_segments: 12.into() }
    }
}

/// Split parameters known to fit the table they were checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSplitParams {
    pub(super) column: usize,
    pub(super) name: String,
    pub(super) bands: u32,
    pub(super) max_segments: u32,
}

impl ValidSplitParams {
    /// The parameters as checked, with plain numbers (what a manifest records).
    pub fn params(&self) -> SplitParams {
        SplitParams { column: self.name.clone(), bands: self.bands.into(), max_segments: self.max_segments.into() }
    }
}

impl SplitParams {
    /// Checks the parameters against `table`.
    ///
    /// # Errors
    /// [`SplitError`] when the column does not exist or a number is not a whole number in its
    /// range (the sentence says the range).
    pub fn check(&self, table: &Table) -> Result<ValidSplitParams, SplitError> {
        let column = table
            .columns
            .iter()
            .position(|c| c.name == self.column)
            .ok_or_else(|| SplitError::UnknownColumn { name: self.column.clone(), available: table.column_list() })?;
        let bands = self.bands.read("the number of bands", BANDS)?;
        let max_segments = self.max_segments.read("the most segments to show", MAX_SEGMENTS)?;
        Ok(ValidSplitParams { column, name: self.column.clone(), bands, max_segments })
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
        let params = |bands: u32, max_segments: u32| SplitParams {
            column: "spend".into(),
            bands: bands.into(),
            max_segments: max_segments.into(),
        };
        let err = params(1, 12).check(&t.table).unwrap_err().to_string();
        assert_eq!(err, "the number of bands must be a whole number from 2 to 20 (got `1`).");
        let err = params(4, 101).check(&t.table).unwrap_err().to_string();
        assert_eq!(err, "the most segments to show must be a whole number from 2 to 100 (got `101`).");
        assert!(params(20, 100).check(&t.table).is_ok());
    }

    #[test]
    fn typed_numbers_are_read_and_the_checked_params_hold_plain_numbers() {
        let t = read_table("t.csv", b"spend\n1\n2\n", &ReadOptions::default(), &mut crate::progress::Quiet).unwrap();
        let typed = SplitParams {
            column: "spend".into(),
            bands: Typed::Text(" 5 ".into()),
            max_segments: Typed::Text("12".into()),
        };
        let valid = typed.check(&t.table).unwrap();
        assert_eq!(valid.params(), SplitParams { column: "spend".into(), bands: 5.into(), max_segments: 12.into() });
        let bad = SplitParams { bands: Typed::Text("four".into()), ..typed };
        let err = bad.check(&t.table).unwrap_err().to_string();
        assert_eq!(err, "the number of bands must be a whole number from 2 to 20 (got `four`).");
    }
}
