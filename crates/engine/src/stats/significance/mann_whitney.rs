//! The Mann–Whitney U test, two-sided, by the normal approximation with tie and continuity
//! corrections, as `scipy.stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")`;
//! the rank-biserial correlation as pingouin's `mwu`.

use super::distribution::normal_sf;
use super::{check_sample, Group, SignificanceError};

/// The result of a Mann–Whitney U test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitneyTest {
    /// U of the first group: the number of (first, second) pairs where the first value is larger,
    /// ties counting one half (scipy's `statistic`).
    pub u: f64,
    /// The continuity-corrected z of the larger of the two U values (0 or more).
    pub z: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// The rank-biserial correlation 2U / (n₁n₂) − 1, from −1 (every first value smaller) to 1
    /// (every first value larger), as pingouin's `RBC`.
    pub rank_biserial: f64,
}

/// The Mann–Whitney U test of two samples. Each is copied and sorted once (no pairwise loop), so a
/// million against four million values takes about as long as sorting them.
///
/// ```
/// use segscope_engine::stats::significance::mann_whitney_u;
/// let test = mann_whitney_u(&[1.0, 2.0, 3.0], &[2.0, 4.0, 5.0, 6.0]).unwrap_or_else(|e| panic!("{e}"));
/// assert_eq!(test.u, 1.5);
/// assert!(test.rank_biserial < 0.0);
/// ```
///
/// # Errors
/// [`SignificanceError::TooFewObservations`], [`SignificanceError::NotFinite`],
/// [`SignificanceError::ZeroVariance`] (every value the same) or
/// [`SignificanceError::TooManyObservations`] (past 2^42 values, where exact rank sums pass 128 bits).
pub fn mann_whitney_u(first: &[f64], second: &[f64]) -> Result<MannWhitneyTest, SignificanceError> {
    check_sample(first, Group::First)?;
    check_sample(second, Group::Second)?;
    let (twice_rank_sum, tie_term) =
        ranks_of_first(sorted(first), sorted(second)).ok_or(SignificanceError::TooManyObservations {
            n: (first.len() as u64).saturating_add(second.len() as u64),
        })?;
    let (n1, n2) = (first.len() as f64, second.len() as f64);
    let n = n1 + n2;
    let u1 = twice_rank_sum as f64 / 2.0 - n1 * (n1 + 1.0) / 2.0;
    let u2 = n1 * n2 - u1;
    let u = u1.max(u2);
    // scipy's _get_mwu_z, operation for operation.
    let s = (n1 * n2 / 12.0 * ((n + 1.0) - tie_term as f64 / (n * (n - 1.0)))).sqrt();
    if s.is_nan() || s <= 0.0 {
        return Err(SignificanceError::ZeroVariance);
    }
    let z = (u - n1 * n2 / 2.0 - 0.5) / s;
    let p_value = (2.0 * normal_sf(z)).clamp(0.0, 1.0);
    Ok(MannWhitneyTest { u: u1, z, p_value, rank_biserial: 2.0 * u1 / (n1 * n2) - 1.0 })
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    v
}

/// Walks the two sorted samples as one merged list of tie groups and returns twice the sum of the
/// first sample's average ranks (an integer) and Σ(t³ − t) over tie groups of size t, both exact;
/// `None` when they would pass 128 bits (only with more than about 2^42 values).
fn ranks_of_first(first: Vec<f64>, second: Vec<f64>) -> Option<(u128, u128)> {
    let (mut i, mut j) = (0usize, 0usize);
    let mut before = 0u128;
    let mut twice_rank_sum = 0u128;
    let mut tie_term = 0u128;
    loop {
        let value = match (first.get(i), second.get(j)) {
            (Some(&a), Some(&b)) => a.min(b),
            (Some(&a), None) => a,
            (None, Some(&b)) => b,
            (None, None) => break,
        };
        let in_first = first.get(i..).map_or(0, |rest| rest.iter().take_while(|&&v| v == value).count());
        let in_second = second.get(j..).map_or(0, |rest| rest.iter().take_while(|&&v| v == value).count());
        i = i.checked_add(in_first)?;
        j = j.checked_add(in_second)?;
        let t = (in_first as u128).checked_add(in_second as u128)?;
        // Ranks before+1 ..= before+t; twice their average is 2·before + t + 1.
        let twice_average = before.checked_mul(2)?.checked_add(t)?.checked_add(1)?;
        twice_rank_sum = twice_rank_sum.checked_add((in_first as u128).checked_mul(twice_average)?)?;
        // t >= 1 here (the value is at `i` or `j`), so t³ >= t.
        tie_term = tie_term.checked_add(t.checked_mul(t)?.checked_mul(t)?.checked_sub(t)?)?;
        before = before.checked_add(t)?;
    }
    Some((twice_rank_sum, tie_term))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(x: &[f64], y: &[f64]) -> MannWhitneyTest {
        mann_whitney_u(x, y).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn u_counts_pairs_where_the_first_is_larger_ties_as_half() {
        let (x, y) = ([1.0, 2.0, 2.0, 7.0], [2.0, 3.0, 0.5]);
        let pairs: f64 = x
            .iter()
            .flat_map(|a| {
                y.iter().map(move |b| {
                    if a > b {
                        1.0
                    } else if a == b {
                        0.5
                    } else {
                        0.0
                    }
                })
            })
            .sum();
        assert_eq!(test(&x, &y).u, pairs);
    }

    #[test]
    fn complete_separation_has_rank_biserial_one() {
        assert_eq!(test(&[5.0, 6.0, 7.0], &[1.0, 2.0]).rank_biserial, 1.0);
        assert_eq!(test(&[1.0, 2.0], &[5.0, 6.0, 7.0]).rank_biserial, -1.0);
    }

    #[test]
    fn swapping_groups_keeps_the_p_value() {
        let (x, y) = ([1.0, 2.0, 2.0, 7.0, 3.0], [2.0, 3.0, 0.5, 9.0]);
        assert_eq!(test(&x, &y).p_value, test(&y, &x).p_value);
        assert_eq!(test(&x, &y).rank_biserial, -test(&y, &x).rank_biserial);
    }

    #[test]
    fn all_values_equal_is_refused() {
        assert_eq!(mann_whitney_u(&[2.0, 2.0], &[2.0, 2.0, 2.0]), Err(SignificanceError::ZeroVariance));
    }

    #[test]
    fn nan_and_tiny_groups_are_refused() {
        assert_eq!(
            mann_whitney_u(&[1.0, 2.0], &[3.0, f64::INFINITY]),
            Err(SignificanceError::NotFinite { group: Group::Second, index: 1 })
        );
        assert_eq!(
            mann_whitney_u(&[1.0], &[3.0, 4.0]),
            Err(SignificanceError::TooFewObservations { group: Group::First, n: 1 })
        );
    }

    #[test]
    fn negative_zero_ties_with_zero() {
        assert_eq!(test(&[-0.0, 1.0], &[0.0, 2.0]).u, test(&[0.0, 1.0], &[0.0, 2.0]).u);
    }
}
