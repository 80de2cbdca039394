//! A number column across the segments: each segment's count, missing values, mean, quartiles,
//! median, minimum and maximum (quartiles by linear interpolation, as pandas), its index against
//! everyone, and its test against the rest.

use serde::{Deserialize, Serialize};

use super::params::NumberTest;
use super::significance::{untested, TestKind, TraitTest};
use crate::stats::significance::{compensated_sum, mann_whitney_u, welch_from_moments, Moments};
use crate::stats::{summarize_sorted, NumericSummary};
use crate::table::ColumnData;

/// How a group's values of a number column are distributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberSummary {
    /// Customers with a value.
    pub count: u64,
    /// Customers without one.
    pub missing: u64,
    /// Mean, quartiles, median, minimum and maximum (none without values).
    pub stats: Option<NumericSummary>,
}

/// One segment on a number column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberInSegment {
    /// The segment's values.
    #[serde(flatten)]
    pub summary: NumberSummary,
    /// The segment's mean ÷ everyone's mean × 100 (none when everyone's mean is not above 0).
    pub index: Option<f64>,
    /// The segment against the rest.
    pub test: Option<TraitTest>,
    /// Why there is no test, when there is none.
    pub untested: Option<String>,
}

/// A number column across the segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberTrait {
    /// The column.
    pub column: String,
    /// All customers.
    pub all: NumberSummary,
    /// Per segment, in the segmentation's order.
    pub segments: Vec<NumberInSegment>,
}

/// Size, compensated sum, mean and sum of squared deviations of a sample.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Spread {
    pub n: u64,
    pub sum: f64,
    pub mean: f64,
    /// Σ (x − mean)².
    pub m2: f64,
}

impl Spread {
    /// The spread of `values`, two passes with compensated sums (as numpy's `var`).
    pub(crate) fn of(values: &[f64]) -> Self {
        if values.is_empty() {
            return Spread::default();
        }
        let sum = compensated_sum(values.iter().copied());
        let mean = sum / values.len() as f64;
        let m2 = compensated_sum(values.iter().map(|v| (v - mean) * (v - mean)));
        Spread { n: values.len() as u64, sum, mean, m2 }
    }

    /// Everyone (`self`) without the group `part`: the parts of a two-way split add up as
    /// M2 = M2₁ + M2₂ + n₁n₂/n (mean₁ − mean₂)².
    pub(crate) fn without(&self, part: &Spread) -> Spread {
        let n = self.n.saturating_sub(part.n);
        if n == 0 {
            return Spread::default();
        }
        let sum = self.sum - part.sum;
        let mean = sum / n as f64;
        let between =
            if part.n == 0 { 0.0 } else { (part.n as f64) * (n as f64) / (self.n as f64) * (part.mean - mean).powi(2) };
        Spread { n, sum, mean, m2: (self.m2 - part.m2 - between).max(0.0) }
    }

    /// As the moments Welch's test takes (unbiased variance; 0 below two values, which the test refuses).
    pub(crate) fn moments(&self) -> Moments {
        let variance = if self.n > 1 { self.m2 / self.n.saturating_sub(1) as f64 } else { 0.0 };
        Moments { n: self.n, mean: self.mean, variance }
    }
}

/// The point-biserial correlation of being in `group` (rather than `rest`) with the value, where
/// `all` is both: (mean₁ − mean₀) √(n₁n₀) / (n σ), σ the population standard deviation of all.
pub(crate) fn point_biserial(group: &Spread, rest: &Spread, all: &Spread) -> f64 {
    let sd = (all.m2 / all.n.max(1) as f64).sqrt();
    if sd == 0.0 || group.n == 0 || rest.n == 0 {
        return 0.0;
    }
    (group.mean - rest.mean) * ((group.n as f64) * (rest.n as f64)).sqrt() / (all.n as f64 * sd)
}

/// The group's mean ÷ everyone's mean × 100, when everyone's mean is above 0.
pub(crate) fn index_of(group_mean: f64, all_mean: f64) -> Option<f64> {
    (all_mean > 0.0 && group_mean.is_finite()).then(|| group_mean / all_mean * 100.0)
}

/// Profiles the number column `column` (`data`) over the segments `codes` (one per row, each
/// below `segments`).
pub(crate) fn number_trait(
    column: &str,
    data: &ColumnData,
    codes: &[u32],
    segments: usize,
    test: NumberTest,
) -> NumberTrait {
    let mut per: Vec<Vec<f64>> = vec![Vec::new(); segments];
    let mut missing = vec![0u64; segments];
    for (row, &code) in codes.iter().enumerate() {
        match data.number(row) {
            Some(v) => per.get_mut(code as usize).into_iter().for_each(|p| p.push(v)),
            // Counts rows: never saturates.
            None => missing.get_mut(code as usize).into_iter().for_each(|m| *m = m.saturating_add(1)),
        }
    }
    per.iter_mut().for_each(|v| v.sort_unstable_by(f64::total_cmp));
    let mut all_values = per.concat();
    all_values.sort_unstable_by(f64::total_cmp);
    let all_spread = Spread::of(&all_values);
    let all = NumberSummary {
        count: all_values.len() as u64,
        missing: missing.iter().sum(),
        stats: summarize_sorted(&all_values),
    };
    let all_mean = all.stats.map_or(f64::NAN, |s| s.mean);
    let segments_out = per
        .iter()
        .zip(&missing)
        .enumerate()
        .map(|(s, (values, &missing))| {
            let stats = summarize_sorted(values);
            let group = Spread::of(values);
            let rest = all_spread.without(&group);
            let strength = point_biserial(&group, &rest, &all_spread);
            let tested = match test {
                NumberTest::Welch => welch_from_moments(group.moments(), rest.moments())
                    .map(|t| TraitTest::raw(TestKind::Welch, t.statistic, t.p_value, t.cohens_d, strength)),
                NumberTest::MannWhitney => {
                    let others: Vec<f64> =
                        per.iter().enumerate().filter(|(o, _)| *o != s).flat_map(|(_, v)| v.iter().copied()).collect();
                    mann_whitney_u(values, &others)
                        .map(|t| TraitTest::raw(TestKind::MannWhitney, t.u, t.p_value, t.rank_biserial, strength))
                }
            };
            NumberInSegment {
                summary: NumberSummary { count: values.len() as u64, missing, stats },
                index: stats.and_then(|st| index_of(st.mean, all_mean)),
                untested: tested.as_ref().err().map(untested),
                test: tested.ok(),
            }
        })
        .collect();
    NumberTrait { column: column.to_string(), all, segments: segments_out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::significance::welch_t;

    fn decimals(values: &[Option<f64>]) -> ColumnData {
        ColumnData::Decimal { values: values.to_vec(), scale: 1 }
    }

    #[test]
    fn each_segment_gets_pandas_quartiles_and_its_missing_count() {
        let data = decimals(&[Some(1.0), Some(2.0), None, Some(3.0), Some(4.0), Some(10.0), Some(20.0)]);
        let codes = [0, 0, 0, 0, 0, 1, 1];
        let t = number_trait("spend", &data, &codes, 2, NumberTest::Welch);
        let s0 = &t.segments[0].summary;
        assert_eq!((s0.count, s0.missing), (4, 1));
        let st = s0.stats.unwrap_or_else(|| panic!("no stats"));
        assert_eq!((st.min, st.q1, st.median, st.q3, st.max, st.mean), (1.0, 1.75, 2.5, 3.25, 4.0, 2.5));
        assert_eq!((t.all.count, t.all.missing), (6, 1));
        assert_eq!(t.all.stats.map(|s| s.mean), Some(40.0 / 6.0));
        assert_eq!(t.segments[1].index, Some(15.0 / (40.0 / 6.0) * 100.0));
    }

    #[test]
    fn the_rest_is_everyone_else_as_welch_on_the_samples_sees_it() {
        let values = [3.0, 1.5, 8.0, 2.0, 9.5, 4.0, 7.25, 6.0, 1.0, 5.5];
        let codes = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
        let data = decimals(&values.map(Some));
        let t = number_trait("x", &data, &codes, 3, NumberTest::Welch);
        for s in 0..3u32 {
            let (inside, outside): (Vec<_>, Vec<_>) = values.iter().zip(&codes).partition(|(_, &c)| c == s);
            let inside: Vec<f64> = inside.into_iter().map(|(v, _)| *v).collect();
            let outside: Vec<f64> = outside.into_iter().map(|(v, _)| *v).collect();
            let direct = welch_t(&inside, &outside).unwrap_or_else(|e| panic!("{e}"));
            let got = t.segments[s as usize].test.unwrap_or_else(|| panic!("no test"));
            assert!((got.statistic - direct.statistic).abs() < 1e-12 * direct.statistic.abs().max(1.0));
            assert!((got.p_value - direct.p_value).abs() < 1e-12);
            assert!((got.effect - direct.cohens_d).abs() < 1e-12);
        }
    }

    #[test]
    fn strength_is_the_point_biserial_correlation() {
        // Membership 1,1,0,0 against values 4,3,2,1: Pearson r = 0.8944271909999159 (numpy.corrcoef).
        let data = decimals(&[Some(4.0), Some(3.0), Some(2.0), Some(1.0)]);
        let t = number_trait("x", &data, &[0, 0, 1, 1], 2, NumberTest::Welch);
        let r = t.segments[0].test.map(|t| t.strength).unwrap_or(f64::NAN);
        assert!((r - 0.894_427_190_999_915_9).abs() < 1e-15, "{r}");
        assert_eq!(t.segments[1].test.map(|t| t.strength), Some(-r));
    }

    #[test]
    fn mann_whitney_is_available_as_the_number_test() {
        let data = decimals(&[Some(4.0), Some(3.0), Some(5.0), Some(2.0), Some(1.0), Some(0.5)]);
        let t = number_trait("x", &data, &[0, 0, 0, 1, 1, 1], 2, NumberTest::MannWhitney);
        let test = t.segments[0].test.unwrap_or_else(|| panic!("no test"));
        assert_eq!((test.test, test.statistic, test.effect), (TestKind::MannWhitney, 9.0, 1.0));
    }

    #[test]
    fn a_segment_of_one_is_described_but_not_tested() {
        let data = decimals(&[Some(4.0), Some(3.0), Some(5.0)]);
        let t = number_trait("x", &data, &[0, 1, 1], 2, NumberTest::Welch);
        assert!(t.segments[0].test.is_none());
        assert_eq!(
            t.segments[0].untested.as_deref(),
            Some("Not tested: the segment has 1 customer(s) with a value, and a test needs at least 2.")
        );
        assert_eq!(t.segments[0].summary.stats.map(|s| s.median), Some(4.0));
    }
}
