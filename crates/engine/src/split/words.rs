//! A split by column in words, for reports.

use super::params::SplitParams;
use super::{MISSING, OTHER};
use crate::table::Table;

impl SplitParams {
    /// The split in words: bands of a number or date column, or one segment per value, on `table`
    /// (whose column type decides which).
    pub fn in_words(&self, table: &Table) -> String {
        let ordered = table.column(&self.column).is_some_and(|c| c.column_type().is_ordered());
        let how = if ordered {
            format!("{} equal-count bands cut at quantiles (as pandas.qcut)", self.bands)
        } else {
            format!(
                "one segment per value; beyond {} segments the rarest values are grouped as “{OTHER}”",
                self.max_segments
            )
        };
        format!("Split by the column {}: {how}. Customers without a value are in “{MISSING}”.", self.column)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ingest::{read_table, ReadOptions};
    use crate::progress::Quiet;

    #[test]
    fn numbers_are_split_in_bands_and_categories_by_value() {
        let t = read_table("t.csv", b"age,channel\n30,app\n40,web\n", &ReadOptions::default(), &mut Quiet).unwrap();
        let age = SplitParams { column: "age".into(), ..SplitParams::default() };
        assert!(age.in_words(&t.table).starts_with("Split by the column age: 4 equal-count bands"));
        let channel = SplitParams { column: "channel".into(), ..SplitParams::default() };
        assert!(channel.in_words(&t.table).contains("one segment per value; beyond 12 segments"));
    }
}
