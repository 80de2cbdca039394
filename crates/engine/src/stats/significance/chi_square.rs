//! Pearson's chi-square test of independence on a contingency table, as
//! `scipy.stats.chi2_contingency`, with Cramér's V as `scipy.stats.contingency.association`.

use super::distribution::chi_squared_sf;
use super::SignificanceError;

/// A table of counts with at least two rows and two columns and no empty row or column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContingencyTable {
    /// Row-major counts.
    counts: Vec<u64>,
    rows: usize,
    columns: usize,
}

impl ContingencyTable {
    /// A table from its rows of counts.
    ///
    /// # Errors
    /// [`SignificanceError::TableTooSmall`], [`SignificanceError::RaggedTable`],
    /// [`SignificanceError::EmptyRow`] or [`SignificanceError::EmptyColumn`].
    pub fn new(rows: &[Vec<u64>]) -> Result<Self, SignificanceError> {
        let columns = rows.first().map_or(0, Vec::len);
        if let Some((row, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != columns) {
            return Err(SignificanceError::RaggedTable { row, found: r.len(), expected: columns });
        }
        if rows.len() < 2 || columns < 2 {
            return Err(SignificanceError::TableTooSmall { rows: rows.len(), columns });
        }
        if let Some(row) = rows.iter().position(|r| r.iter().all(|&c| c == 0)) {
            return Err(SignificanceError::EmptyRow { row });
        }
        if let Some(column) = (0..columns).find(|&j| rows.iter().all(|r| r.get(j).copied().unwrap_or(0) == 0)) {
            return Err(SignificanceError::EmptyColumn { column });
        }
        Ok(ContingencyTable { counts: rows.concat(), rows: rows.len(), columns })
    }

    /// The 2 × levels table "segment vs the rest" on one category, from the segment's count of each
    /// level and the whole table's count of the same levels. Levels nobody has are left out.
    ///
    /// # Errors
    /// [`SignificanceError::LevelsDiffer`], [`SignificanceError::SegmentExceedsTotal`], and those of
    /// [`ContingencyTable::new`] (an empty segment, an empty rest, fewer than two levels present).
    pub fn segment_vs_rest(segment: &[u64], all: &[u64]) -> Result<Self, SignificanceError> {
        if segment.len() != all.len() {
            return Err(SignificanceError::LevelsDiffer { segment: segment.len(), all: all.len() });
        }
        let mut inside = Vec::with_capacity(all.len());
        let mut rest = Vec::with_capacity(all.len());
        for (level, (&s, &a)) in segment.iter().zip(all).enumerate() {
            let Some(outside) = a.checked_sub(s) else {
                return Err(SignificanceError::SegmentExceedsTotal { level, segment: s, all: a });
            };
            if a > 0 {
                inside.push(s);
                rest.push(outside);
            }
        }
        Self::new(&[inside, rest])
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// The count in row `row`, column `column`, if both exist.
    pub fn count(&self, row: usize, column: usize) -> Option<u64> {
        if column >= self.columns {
            return None;
        }
        let index = row.checked_mul(self.columns)?.checked_add(column)?;
        self.counts.get(index).copied()
    }
}

/// The sum of some counts, as a float. It saturates rather than overflow (counts of customers come
/// nowhere near 2^64 in all), so below that it is the exact integer sum.
fn sum<'a>(counts: impl Iterator<Item = &'a u64>) -> f64 {
    counts.copied().fold(0u64, u64::saturating_add) as f64
}

/// Whether a 2 × 2 table (one degree of freedom) gets Yates' continuity correction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum YatesCorrection {
    /// Moves each observed count up to 0.5 toward its expected count when there is one degree of
    /// freedom, as scipy's default `correction=True`.
    #[default]
    WhenOneDegreeOfFreedom,
    /// Never corrects (`correction=False`).
    Never,
}

/// The result of a chi-square test of independence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquareTest {
    /// Pearson's chi-square statistic (Yates-corrected when the correction applied).
    pub statistic: f64,
    /// Degrees of freedom, (rows − 1)(columns − 1).
    pub df: u64,
    /// P(χ² ≥ statistic) under independence.
    pub p_value: f64,
    /// Cramér's V, from the uncorrected statistic (as scipy's `association(method="cramer")`):
    /// 0 for no association, 1 for complete association.
    pub cramers_v: f64,
    /// Whether Yates' correction was applied to the statistic.
    pub yates_applied: bool,
}

/// Pearson's chi-square test of independence of the table's rows and columns, as
/// `scipy.stats.chi2_contingency(table, correction=...)`.
///
/// ```
/// use segscope_engine::stats::significance::{chi_square, ContingencyTable, YatesCorrection};
/// let table = ContingencyTable::new(&[vec![30, 10], vec![20, 40]]).unwrap_or_else(|e| panic!("{e}"));
/// let test = chi_square(&table, YatesCorrection::Never);
/// assert_eq!(test.df, 1);
/// assert!((test.statistic - 16.666_666_666_666_668).abs() < 1e-9);
/// assert!(test.p_value < 1e-4);
/// ```
pub fn chi_square(table: &ContingencyTable, correction: YatesCorrection) -> ChiSquareTest {
    let (rows, columns) = (table.rows, table.columns);
    let row_sums: Vec<f64> = table.counts.chunks(columns).map(|r| sum(r.iter())).collect();
    let column_sums: Vec<f64> = (0..columns).map(|j| sum(table.counts.iter().skip(j).step_by(columns))).collect();
    let total: f64 = row_sums.iter().sum();
    // Cannot overflow: a table has at least 2 rows and 2 columns (`ContingencyTable::new`), and
    // (rows - 1)(columns - 1) is below rows × columns, the length of `counts`.
    #[allow(clippy::arithmetic_side_effects)]
    let df = ((rows - 1) * (columns - 1)) as u64;
    let yates_applied = df == 1 && correction == YatesCorrection::WhenOneDegreeOfFreedom;
    let mut plain = 0.0;
    let mut corrected = 0.0;
    for (i, row_sum) in row_sums.iter().enumerate() {
        for (j, column_sum) in column_sums.iter().enumerate() {
            let observed = table.count(i, j).unwrap_or(0) as f64;
            // scipy: expected = outer(row sums, column sums) / total.
            let expected = row_sum * column_sum / total;
            plain += (observed - expected).powi(2) / expected;
            // scipy: observed + sign(expected - observed) * min(0.5, |expected - observed|).
            let diff = expected - observed;
            let moved = if diff == 0.0 { observed } else { observed + diff.signum() * diff.abs().min(0.5) };
            corrected += (moved - expected).powi(2) / expected;
        }
    }
    let statistic = if yates_applied { corrected } else { plain };
    // Cannot overflow: a table has at least 2 rows and 2 columns (`ContingencyTable::new`).
    #[allow(clippy::arithmetic_side_effects)]
    let smaller_side = (rows.min(columns) - 1) as f64;
    ChiSquareTest {
        statistic,
        df,
        p_value: chi_squared_sf(statistic, df as f64),
        cramers_v: (plain / total / smaller_side).sqrt(),
        yates_applied,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[Vec<u64>]) -> ContingencyTable {
        ContingencyTable::new(rows).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn yates_applies_only_to_one_degree_of_freedom() {
        let two = table(&[vec![30, 10], vec![20, 40]]);
        assert!(chi_square(&two, YatesCorrection::WhenOneDegreeOfFreedom).yates_applied);
        assert!(!chi_square(&two, YatesCorrection::Never).yates_applied);
        let three = table(&[vec![30, 10, 5], vec![20, 40, 5]]);
        assert!(!chi_square(&three, YatesCorrection::WhenOneDegreeOfFreedom).yates_applied);
    }

    #[test]
    fn yates_shrinks_the_statistic_but_not_cramers_v() {
        let t = table(&[vec![30, 10], vec![20, 40]]);
        let plain = chi_square(&t, YatesCorrection::Never);
        let yates = chi_square(&t, YatesCorrection::WhenOneDegreeOfFreedom);
        assert!(yates.statistic < plain.statistic);
        assert_eq!(yates.cramers_v, plain.cramers_v);
    }

    #[test]
    fn independent_table_has_statistic_zero_and_p_one() {
        let t = chi_square(&table(&[vec![10, 20, 30], vec![20, 40, 60]]), YatesCorrection::Never);
        assert!(t.statistic.abs() < 1e-12);
        assert!((t.p_value - 1.0).abs() < 1e-12);
        assert_eq!(t.df, 2);
    }

    #[test]
    fn complete_association_has_cramers_v_one() {
        let t = chi_square(&table(&[vec![50, 0], vec![0, 50]]), YatesCorrection::Never);
        assert!((t.cramers_v - 1.0).abs() < 1e-12);
    }

    #[test]
    fn empty_row_and_column_are_refused() {
        assert_eq!(ContingencyTable::new(&[vec![0, 0], vec![1, 2]]), Err(SignificanceError::EmptyRow { row: 0 }));
        assert_eq!(
            ContingencyTable::new(&[vec![1, 0, 3], vec![1, 0, 2]]),
            Err(SignificanceError::EmptyColumn { column: 1 })
        );
    }

    #[test]
    fn one_level_or_ragged_tables_are_refused() {
        assert_eq!(
            ContingencyTable::new(&[vec![1], vec![2]]),
            Err(SignificanceError::TableTooSmall { rows: 2, columns: 1 })
        );
        assert_eq!(
            ContingencyTable::new(&[vec![1, 2], vec![2]]),
            Err(SignificanceError::RaggedTable { row: 1, found: 1, expected: 2 })
        );
        assert_eq!(ContingencyTable::new(&[]), Err(SignificanceError::TableTooSmall { rows: 0, columns: 0 }));
    }

    #[test]
    fn segment_vs_rest_subtracts_and_drops_levels_nobody_has() {
        let t = ContingencyTable::segment_vs_rest(&[3, 0, 5, 1], &[10, 0, 6, 4]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.rows(), t.columns()), (2, 3));
        let rows: Vec<Vec<u64>> = (0..2).map(|i| (0..3).map(|j| t.count(i, j).unwrap_or(u64::MAX)).collect()).collect();
        assert_eq!(rows, vec![vec![3, 5, 1], vec![7, 1, 3]]);
    }

    #[test]
    fn segment_vs_rest_refuses_impossible_counts() {
        assert_eq!(
            ContingencyTable::segment_vs_rest(&[3, 7], &[5, 6]),
            Err(SignificanceError::SegmentExceedsTotal { level: 1, segment: 7, all: 6 })
        );
        assert_eq!(
            ContingencyTable::segment_vs_rest(&[3], &[5, 6]),
            Err(SignificanceError::LevelsDiffer { segment: 1, all: 2 })
        );
        // The whole table is the segment: the rest is empty.
        assert_eq!(ContingencyTable::segment_vs_rest(&[5, 6], &[5, 6]), Err(SignificanceError::EmptyRow { row: 1 }));
    }
}
