//! Whether a segment differs from the rest on a trait: the test's result as the profile records it,
//! and the correction of a segment's p-values for testing all its traits at once.
//!
//! The family a correction runs over is one segment's traits (every number column and every
//! category level tested for it): the question a profile answers is "how does this segment differ
//! from the rest", one segment at a time, and a segment's traits do not change when another
//! segment is added to the segmentation.

use serde::{Deserialize, Serialize};

use crate::stats::significance::{adjust_p_values, Correction, Group, SignificanceError};

/// Which test a trait's p-value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestKind {
    /// Pearson's chi-square on the 2 × 2 table segment/rest × this level/any other, with Yates'
    /// correction (scipy's `chi2_contingency` default); effect size Cramér's V.
    ChiSquare,
    /// Welch's t-test of the means; effect size Cohen's d.
    Welch,
    /// The Mann–Whitney U test; effect size the rank-biserial correlation.
    MannWhitney,
}

/// One trait's test of a segment against the rest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TraitTest {
    /// The test.
    pub test: TestKind,
    /// Its statistic (χ², t, or the segment's U).
    pub statistic: f64,
    /// The two-sided p-value.
    pub p_value: f64,
    /// The p-value adjusted for all the segment's traits by the profile's correction.
    pub adjusted_p: f64,
    /// The test's effect size: Cramér's V, Cohen's d or the rank-biserial correlation.
    pub effect: f64,
    /// The trait's correlation with being in the segment, −1 to 1 (phi for a level, the
    /// point-biserial correlation for a number): one scale for every trait, which orders the
    /// typical customer's call-outs. Positive when the segment has more of it.
    pub strength: f64,
    /// True when the adjusted p-value is at most the significance level.
    pub significant: bool,
}

impl TraitTest {
    /// A test not yet corrected: the adjusted p-value is the raw one until [`correct`] runs.
    pub(crate) fn raw(test: TestKind, statistic: f64, p_value: f64, effect: f64, strength: f64) -> Self {
        TraitTest { test, statistic, p_value, adjusted_p: p_value, effect, strength, significant: false }
    }
}

/// Corrects `tests` (one segment's, in a fixed order) together, and marks those at most `alpha`.
pub(crate) fn correct(tests: &mut [&mut TraitTest], correction: Correction, alpha: f64) {
    let p: Vec<f64> = tests.iter().map(|t| t.p_value).collect();
    // Test p-values are in [0, 1] by construction; should one not be, none is called significant.
    let adjusted = adjust_p_values(&p, correction).unwrap_or_else(|_| vec![1.0; p.len()]);
    for (t, a) in tests.iter_mut().zip(adjusted) {
        t.adjusted_p = a;
        t.significant = a <= alpha;
    }
}

/// Why a trait could not be tested for a segment, as a sentence.
pub(crate) fn untested(error: &SignificanceError) -> String {
    match error {
        SignificanceError::TooFewObservations { group: Group::First, n } => {
            format!("Not tested: the segment has {n} customer(s) with a value, and a test needs at least 2.")
        }
        SignificanceError::TooFewObservations { group: Group::Second, n } => {
            format!("Not tested: the rest has {n} customer(s) with a value, and a test needs at least 2.")
        }
        SignificanceError::ZeroVariance => {
            "Not tested: every customer has the same value, so there is no difference to test.".to_string()
        }
        SignificanceError::EmptyRow { row: 0 } => "Not tested: no customer in the segment has a value.".to_string(),
        SignificanceError::EmptyRow { .. } => "Not tested: no customer outside the segment has a value.".to_string(),
        SignificanceError::EmptyColumn { .. } => {
            "Not tested: every customer with a value has this level, so there is no difference to test.".to_string()
        }
        other => format!("Not tested: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correction_adjusts_together_and_marks_significance() {
        let mut a = TraitTest::raw(TestKind::Welch, 1.0, 0.01, 0.1, 0.1);
        let mut b = TraitTest::raw(TestKind::ChiSquare, 1.0, 0.04, 0.1, 0.1);
        let mut c = TraitTest::raw(TestKind::ChiSquare, 1.0, 0.03, 0.1, 0.1);
        correct(&mut [&mut a, &mut b, &mut c], Correction::BenjaminiHochberg, 0.035);
        assert_eq!([a.adjusted_p, b.adjusted_p, c.adjusted_p], [0.03, 0.04, 0.04]);
        assert_eq!([a.significant, b.significant, c.significant], [true, false, false]);
    }

    #[test]
    fn untested_traits_say_why_in_the_segments_terms() {
        let e = SignificanceError::TooFewObservations { group: Group::First, n: 1 };
        assert_eq!(
            untested(&e),
            "Not tested: the segment has 1 customer(s) with a value, and a test needs at least 2."
        );
        assert!(untested(&SignificanceError::ZeroVariance).contains("same value"));
    }
}
