//! Welch's t-test of two means with unequal variances, as
//! `scipy.stats.ttest_ind(x, y, equal_var=False)`, with Cohen's d and Hedges' g as pingouin's
//! `compute_effsize` (pooled standard deviation).

use super::distribution::students_t_two_sided;
use super::{check_sample, Group, SignificanceError};

/// A sample's size, mean and variance (with n − 1 in the denominator, numpy's `ddof=1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    /// Number of observations.
    pub n: u64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Unbiased variance (denominator n − 1).
    pub variance: f64,
}

impl Moments {
    /// The moments of `values` (at least two, all finite), reported as coming from `group`.
    ///
    /// # Errors
    /// [`SignificanceError::TooFewObservations`] or [`SignificanceError::NotFinite`].
    pub fn of(values: &[f64], group: Group) -> Result<Self, SignificanceError> {
        check_sample(values, group)?;
        let n = values.len() as f64;
        let mean = compensated_sum(values.iter().copied()) / n;
        // Two passes, as numpy's `var(ddof=1)`: squared deviations from the mean.
        let variance = compensated_sum(values.iter().map(|v| (v - mean).powi(2))) / (n - 1.0);
        Ok(Moments { n: values.len() as u64, mean, variance })
    }

    fn check(self, group: Group) -> Result<Self, SignificanceError> {
        if self.n < 2 {
            return Err(SignificanceError::TooFewObservations { group, n: self.n });
        }
        if !self.mean.is_finite() || !self.variance.is_finite() || self.variance < 0.0 {
            return Err(SignificanceError::InvalidMoments { group, mean: self.mean, variance: self.variance });
        }
        Ok(self)
    }
}

/// The sum with Neumaier's compensation: a million values lose no more than a few units in the
/// last place, where a plain running sum loses enough to move t in its eleventh digit when two
/// close means are compared.
pub(crate) fn compensated_sum(values: impl Iterator<Item = f64>) -> f64 {
    let mut sum = CompensatedSum::default();
    values.for_each(|v| sum.add(v));
    sum.total()
}

/// A running sum with Neumaier's compensation (see [`compensated_sum`]), for sums built a value
/// at a time into many groups.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct CompensatedSum {
    sum: f64,
    lost: f64,
}

impl CompensatedSum {
    /// Adds `v`.
    #[inline]
    pub(crate) fn add(&mut self, v: f64) {
        let next = self.sum + v;
        self.lost += if self.sum.abs() >= v.abs() { (self.sum - next) + v } else { (v - next) + self.sum };
        self.sum = next;
    }

    /// The sum so far.
    pub(crate) fn total(self) -> f64 {
        self.sum + self.lost
    }
}

/// The result of Welch's t-test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WelchTest {
    /// t = (mean₁ − mean₂) / √(v₁/n₁ + v₂/n₂); positive when the first group's mean is larger.
    pub statistic: f64,
    /// The Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Cohen's d: the difference of means over the pooled standard deviation
    /// √(((n₁−1)v₁ + (n₂−1)v₂) / (n₁+n₂−2)), as pingouin's `compute_effsize(eftype="cohen")`.
    pub cohens_d: f64,
    /// Hedges' g: Cohen's d × (1 − 3 / (4(n₁+n₂) − 9)), as pingouin's `eftype="hedges"`.
    pub hedges_g: f64,
}

/// Welch's t-test of two samples, as `scipy.stats.ttest_ind(first, second, equal_var=False)`.
///
/// ```
/// use segscope_engine::stats::significance::welch_t;
/// let test = welch_t(&[1.0, 2.0, 3.0, 4.0], &[3.0, 5.0, 7.0, 9.0, 11.0]).unwrap_or_else(|e| panic!("{e}"));
/// assert!(test.statistic < 0.0);
/// assert!(test.p_value > 0.01 && test.p_value < 0.05);
/// ```
///
/// # Errors
/// [`SignificanceError::TooFewObservations`], [`SignificanceError::NotFinite`] or
/// [`SignificanceError::ZeroVariance`].
pub fn welch_t(first: &[f64], second: &[f64]) -> Result<WelchTest, SignificanceError> {
    welch_from_moments(Moments::of(first, Group::First)?, Moments::of(second, Group::Second)?)
}

/// Welch's t-test from each group's size, mean and variance, as
/// `scipy.stats.ttest_ind_from_stats(..., equal_var=False)` (which takes standard deviations).
///
/// # Errors
/// [`SignificanceError::TooFewObservations`], [`SignificanceError::InvalidMoments`] or
/// [`SignificanceError::ZeroVariance`].
pub fn welch_from_moments(first: Moments, second: Moments) -> Result<WelchTest, SignificanceError> {
    let (a, b) = (first.check(Group::First)?, second.check(Group::Second)?);
    if a.variance == 0.0 && b.variance == 0.0 {
        return Err(SignificanceError::ZeroVariance);
    }
    let (n1, n2) = (a.n as f64, b.n as f64);
    let (vn1, vn2) = (a.variance / n1, b.variance / n2);
    let df = (vn1 + vn2).powi(2) / (vn1.powi(2) / (n1 - 1.0) + vn2.powi(2) / (n2 - 1.0));
    // Both squared variances underflowing gives 0 / 0; scipy takes 1 degree of freedom then.
    let df = if df.is_nan() { 1.0 } else { df };
    let statistic = (a.mean - b.mean) / (vn1 + vn2).sqrt();
    let p_value = students_t_two_sided(statistic, df);
    let pooled = (((n1 - 1.0) * a.variance + (n2 - 1.0) * b.variance) / (n1 + n2 - 2.0)).sqrt();
    let cohens_d = (a.mean - b.mean) / pooled;
    let hedges_g = cohens_d * (1.0 - 3.0 / (4.0 * (n1 + n2) - 9.0));
    Ok(WelchTest { statistic, df, p_value, cohens_d, hedges_g })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_mean_and_unbiased_variance() {
        let m = Moments::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], Group::First).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.n, 8);
        assert!((m.mean - 5.0).abs() < 1e-15);
        assert!((m.variance - 32.0 / 7.0).abs() < 1e-14);
    }

    #[test]
    fn samples_and_their_moments_give_the_same_test() {
        let (x, y) = ([1.0, 2.5, 3.0, 4.5, 6.0], [2.0, 2.0, 8.0, 9.5]);
        let from_samples = welch_t(&x, &y).unwrap_or_else(|e| panic!("{e}"));
        let mx = Moments::of(&x, Group::First).unwrap_or_else(|e| panic!("{e}"));
        let my = Moments::of(&y, Group::Second).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(welch_from_moments(mx, my), Ok(from_samples));
    }

    #[test]
    fn swapping_groups_flips_the_sign_not_the_p_value() {
        let (x, y) = ([1.0, 2.5, 3.0, 4.5, 6.0], [2.0, 2.0, 8.0, 9.5]);
        let xy = welch_t(&x, &y).unwrap_or_else(|e| panic!("{e}"));
        let yx = welch_t(&y, &x).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((xy.statistic, xy.cohens_d), (-yx.statistic, -yx.cohens_d));
        assert_eq!((xy.p_value, xy.df), (yx.p_value, yx.df));
    }

    #[test]
    fn one_constant_group_is_fine_but_two_are_refused() {
        assert!(welch_t(&[3.0, 3.0, 3.0], &[1.0, 2.0, 4.0]).is_ok());
        assert_eq!(welch_t(&[3.0, 3.0], &[1.0, 1.0, 1.0]), Err(SignificanceError::ZeroVariance));
    }

    #[test]
    fn fewer_than_two_observations_are_refused() {
        assert_eq!(
            welch_t(&[1.0, 2.0], &[4.0]),
            Err(SignificanceError::TooFewObservations { group: Group::Second, n: 1 })
        );
        let one = Moments { n: 1, mean: 0.0, variance: 0.0 };
        let ok = Moments { n: 5, mean: 1.0, variance: 2.0 };
        assert_eq!(
            welch_from_moments(one, ok),
            Err(SignificanceError::TooFewObservations { group: Group::First, n: 1 })
        );
    }

    #[test]
    fn nan_and_impossible_moments_are_refused() {
        assert_eq!(
            welch_t(&[1.0, f64::NAN, 3.0], &[1.0, 2.0]),
            Err(SignificanceError::NotFinite { group: Group::First, index: 1 })
        );
        let bad = Moments { n: 5, mean: 1.0, variance: -2.0 };
        let ok = Moments { n: 5, mean: 1.0, variance: 2.0 };
        assert!(matches!(welch_from_moments(ok, bad), Err(SignificanceError::InvalidMoments { .. })));
    }

    #[test]
    fn far_apart_means_give_a_tiny_positive_p_value() {
        // t = 40 with about 2,000 degrees of freedom: p is near 1e-250, not 0.
        let a = Moments { n: 1_000, mean: 40.0 * 0.002_f64.sqrt(), variance: 1.0 };
        let b = Moments { n: 1_000, mean: 0.0, variance: 1.0 };
        let t = welch_from_moments(a, b).unwrap_or_else(|e| panic!("{e}"));
        assert!(t.p_value > 0.0 && t.p_value < 1e-200, "{}", t.p_value);
    }
}
