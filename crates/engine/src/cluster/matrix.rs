//! The prepared features: one row per customer, one column per feature, as `f64`.

use std::num::NonZeroUsize;

use thiserror::Error;

/// A dense row-major matrix of finite numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    values: Vec<f64>,
    columns: NonZeroUsize,
}

/// Why values do not make a feature matrix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MatrixError {
    /// No features.
    #[error("choose at least one feature to cluster on.")]
    NoColumns,
    /// The values do not fill whole rows.
    #[error("{values} values do not make whole rows of {columns} features.")]
    Ragged {
        /// Values given.
        values: usize,
        /// Features per row.
        columns: usize,
    },
    /// A value is NaN or infinite.
    #[error("row {row}, feature {column}: the value is not a finite number; fill or drop missing values first.")]
    NotFinite {
        /// 1-based row.
        row: usize,
        /// 1-based feature.
        column: usize,
    },
}

impl Matrix {
    /// The matrix whose rows are consecutive runs of `columns` values.
    ///
    /// # Errors
    /// [`MatrixError`] when there are no columns, the values do not fill whole rows, or one is not finite.
    pub fn new(values: Vec<f64>, columns: usize) -> Result<Self, MatrixError> {
        let Some(width) = NonZeroUsize::new(columns) else {
            return Err(MatrixError::NoColumns);
        };
        if values.len() % width != 0 {
            return Err(MatrixError::Ragged { values: values.len(), columns });
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            // Cannot saturate: i / width and i % width are below values.len() ≤ isize::MAX.
            let (row, column) = ((i / width).saturating_add(1), (i % width).saturating_add(1));
            return Err(MatrixError::NotFinite { row, column });
        }
        Ok(Matrix { values, columns: width })
    }

    /// Means of a matrix's rows (finite, as the rows are), `columns` per row.
    pub(crate) fn from_means(values: Vec<f64>, columns: usize) -> Self {
        Matrix { values, columns: NonZeroUsize::new(columns).unwrap_or(NonZeroUsize::MIN) }
    }

    /// Rows (customers).
    pub fn rows(&self) -> usize {
        self.values.len() / self.columns
    }

    /// Columns (features).
    pub fn columns(&self) -> usize {
        self.columns.get()
    }

    /// Row `i` (empty past the end).
    pub fn row(&self, i: usize) -> &[f64] {
        nth_row(&self.values, i, self.columns.get()).unwrap_or_default()
    }

    /// At most `max_rows` of its rows, drawn with `seed` and kept in order; itself, borrowed, when
    /// it has no more (a scan over k fits a sample: its scores settle long before every row).
    pub fn sampled(&self, max_rows: usize, seed: u64) -> std::borrow::Cow<'_, Matrix> {
        let rows = super::quality::sampled_rows(self.rows(), max_rows, seed);
        if rows.len() >= self.rows() {
            return std::borrow::Cow::Borrowed(self);
        }
        let values = rows.iter().flat_map(|&i| self.row(i).iter().copied()).collect();
        std::borrow::Cow::Owned(Matrix { values, columns: self.columns })
    }

    /// Every value, row after row.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Each column's population variance (as numpy's `var`), summed per block in row order.
    pub fn variances(&self) -> Vec<f64> {
        let n = self.rows().max(1) as f64;
        let columns = self.columns.get();
        // A block too large to count is larger than the values: one block, as the exact size gives.
        let block_values = super::BLOCK_ROWS.saturating_mul(columns);
        let mut mean = vec![0.0; columns];
        for block in self.values.chunks(block_values) {
            let mut part = vec![0.0; columns];
            for row in block.chunks_exact(columns) {
                part.iter_mut().zip(row).for_each(|(s, v)| *s += v);
            }
            mean.iter_mut().zip(&part).for_each(|(m, p)| *m += p);
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0; columns];
        for block in self.values.chunks(block_values) {
            let mut part = vec![0.0; columns];
            for row in block.chunks_exact(columns) {
                part.iter_mut().zip(row).zip(&mean).for_each(|((s, v), m)| *s += (v - m) * (v - m));
            }
            var.iter_mut().zip(&part).for_each(|(s, p)| *s += p);
        }
        var.iter_mut().for_each(|s| *s /= n);
        var
    }
}

/// Row `j` of `values` read as rows of `width` values (`values[j × width..(j + 1) × width]`), or
/// `None` past the end.
#[inline]
pub(crate) fn nth_row<T>(values: &[T], j: usize, width: usize) -> Option<&[T]> {
    values.get(j.checked_mul(width)?..)?.get(..width)
}

/// [`nth_row`], to change.
#[inline]
pub(crate) fn nth_row_mut<T>(values: &mut [T], j: usize, width: usize) -> Option<&mut [T]> {
    values.get_mut(j.checked_mul(width)?..)?.get_mut(..width)
}

/// Squared Euclidean distance.
pub(crate) fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_are_not_finite_are_named_by_row_and_feature() {
        assert_eq!(Matrix::new(vec![1.0, 2.0, f64::NAN, 4.0], 2), Err(MatrixError::NotFinite { row: 2, column: 1 }));
        assert_eq!(Matrix::new(vec![1.0, 2.0, 3.0], 2), Err(MatrixError::Ragged { values: 3, columns: 2 }));
        assert_eq!(Matrix::new(vec![], 0), Err(MatrixError::NoColumns));
    }

    #[test]
    fn variances_are_population_variances() {
        let m = Matrix::new(vec![1.0, 10.0, 2.0, 10.0, 3.0, 10.0, 4.0, 10.0], 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.variances(), [1.25, 0.0]);
    }

    #[test]
    fn a_sample_keeps_whole_rows_in_order_and_a_small_matrix_is_itself() {
        let m = Matrix::new((0..40).map(f64::from).collect(), 2).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(m.sampled(20, 7), std::borrow::Cow::Borrowed(_)));
        let s = m.sampled(5, 7);
        assert_eq!(s.rows(), 5);
        let firsts: Vec<f64> = (0..5).map(|i| s.row(i)[0]).collect();
        assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
        assert!((0..5).all(|i| s.row(i)[1] == s.row(i)[0] + 1.0));
        assert_eq!(s, m.sampled(5, 7));
    }
}
