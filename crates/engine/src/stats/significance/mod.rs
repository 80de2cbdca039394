//! Significance tests for "does this segment differ from the rest on this trait": the chi-square test
//! of independence for categories, Welch's t-test and the Mann–Whitney U test for numbers, and the
//! Benjamini–Hochberg and Holm corrections for testing many traits at once. Each matches scipy
//! (and statsmodels for the corrections); `tests/significance_reference.rs` pins the versions.

mod chi_square;
mod distribution;
mod error;
mod mann_whitney;
mod multitest;
mod welch;

pub use chi_square::{chi_square, ChiSquareTest, ContingencyTable, YatesCorrection};
pub use error::SignificanceError;
pub use mann_whitney::{mann_whitney_u, MannWhitneyTest};
pub use multitest::{adjust_p_values, benjamini_hochberg, holm, Correction};
pub(crate) use welch::{compensated_sum, CompensatedSum};
pub use welch::{welch_from_moments, welch_t, Moments, WelchTest};

/// Which of two compared groups a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The first sample given (usually the segment).
    First,
    /// The second sample given (usually the rest).
    Second,
}

impl std::fmt::Display for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Group::First => "the first group",
            Group::Second => "the second group",
        })
    }
}

/// The position of the first value that is NaN or infinite, if any.
fn first_not_finite(values: &[f64]) -> Option<usize> {
    values.iter().position(|v| !v.is_finite())
}

/// Checks that a sample has at least two observations, all finite.
fn check_sample(values: &[f64], group: Group) -> Result<(), SignificanceError> {
    if values.len() < 2 {
        return Err(SignificanceError::TooFewObservations { group, n: values.len() as u64 });
    }
    match first_not_finite(values) {
        Some(index) => Err(SignificanceError::NotFinite { group, index }),
        None => Ok(()),
    }
}
