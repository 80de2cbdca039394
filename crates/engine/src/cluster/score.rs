//! Scores as features: a number replaced by its score 1..B, the way RFM scores work.
//!
//! The cut points are fitted once, as `pandas.qcut(x, B, duplicates="drop")` computes its bin
//! edges (the B-quantiles, numpy's linear interpolation, repeated edges dropped); the inner edges
//! are kept as the cuts, and a value's score is 1 plus the number of cuts it lies above (qcut's bins
//! are closed on the right). Scores ascend with the column's own order: a larger number scores
//! higher, and a date (read as days before the as-of date) scores higher the later it is, so the
//! most recent customer gets B as in RFM. For a date the cuts are kept in days, and a value scores
//! 1 plus the number of cuts it lies below. The cuts travel in the model, so a new row gets the
//! score it would have had when the model was fitted.

use crate::split::quantile_edges;

/// The allowed number of scores (bins) of a scored feature: as RFM's 3 to 5 and a little past,
/// up to deciles.
pub const BINS: std::ops::RangeInclusive<u8> = 2..=10;

/// The cut points of `values` for `bins` equal-count bins, ascending, in the values' units:
/// pandas' qcut edges of the values (for `days`, of the values negated: a later date is a larger
/// one), repeated edges and the outer two dropped. Fewer than `bins - 1` cuts when many values tie.
pub fn fit_cuts(values: &[f64], bins: u8, days: bool) -> Vec<f64> {
    let sign = if days { -1.0 } else { 1.0 };
    let mut sorted: Vec<f64> = values.iter().map(|&v| sign * v).collect();
    sorted.sort_by(f64::total_cmp);
    let edges = quantile_edges(&sorted, u32::from(bins));
    let inner = edges.get(1..edges.len().saturating_sub(1)).unwrap_or_default();
    let mut cuts: Vec<f64> = inner.iter().map(|&e| sign * e).collect();
    cuts.sort_by(f64::total_cmp);
    cuts
}

/// The score of `x` given `cuts` (ascending): 1 plus the cuts it lies above, or for `days` 1 plus
/// the cuts it lies below (fewer days, a later date, scores higher).
pub fn score(cuts: &[f64], days: bool, x: f64) -> f64 {
    // Cannot saturate: a partition point is at most the length.
    let counted = if days {
        cuts.len().saturating_sub(cuts.partition_point(|&c| c <= x))
    } else {
        cuts.partition_point(|&c| c < x)
    };
    1.0 + counted as f64
}

/// The test on the underlying value that "score at most `s`" stands for, given `cuts`: `Some(c)`
/// where, for a number, score ≤ s exactly when x ≤ c, and for `days`, exactly when x ≥ c; `None`
/// when every value or none scores at most `s`.
pub fn cut_of_score(cuts: &[f64], days: bool, s: i64) -> Option<f64> {
    let m = cuts.len() as i64;
    if !(1..=m).contains(&s) {
        return None;
    }
    let i = if days { m.checked_sub(s) } else { s.checked_sub(1) }?;
    usize::try_from(i).ok().and_then(|i| cuts.get(i)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_are_the_inner_qcut_edges_and_a_value_on_a_cut_scores_below_it() {
        // pandas 3.1: pd.qcut([1..10], 4) edges [1, 3.25, 5.5, 7.75, 10], codes [0,0,0,1,1,2,2,3,3,3].
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let cuts = fit_cuts(&x, 4, false);
        assert_eq!(cuts, [3.25, 5.5, 7.75]);
        let scores: Vec<f64> = x.iter().map(|&v| score(&cuts, false, v)).collect();
        assert_eq!(scores, [1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 4.0]);
        // Right-closed: a value on a cut is in the lower bin; beyond the fitted range the outer scores.
        let on = fit_cuts(&[1.0, 2.0, 3.0, 4.0, 5.0], 2, false);
        assert_eq!((on.as_slice(), score(&on, false, 3.0), score(&on, false, 3.5)), (&[3.0][..], 1.0, 2.0));
        assert_eq!((score(&cuts, false, -100.0), score(&cuts, false, 1e9)), (1.0, 4.0));
    }

    #[test]
    fn fewer_days_score_higher_and_a_day_on_a_cut_scores_as_its_date_would() {
        // Days before the as-of date; their dates are as_of − days, so qcut of −days is qcut of the dates.
        let days = [1.0, 2.0, 3.0, 4.0, 5.0];
        let cuts = fit_cuts(&days, 2, true);
        assert_eq!(cuts, [3.0]);
        let scores: Vec<f64> = days.iter().map(|&d| score(&cuts, true, d)).collect();
        // −days = [−1, …, −5]: edges [−5, −3, −1], −3 in the lower bin, so 3 days scores 1.
        assert_eq!(scores, [2.0, 2.0, 1.0, 1.0, 1.0]);
    }

    #[test]
    fn tied_values_give_fewer_cuts() {
        // pandas: pd.qcut([0]*6 + [1, 2, 3, 4], 5, duplicates="drop") → edges [0, 0.4, 2.2, 4], 3 bins.
        let x = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0];
        let cuts = fit_cuts(&x, 5, false);
        assert_eq!(cuts.len(), 2, "{cuts:?}");
        assert!((cuts[0] - 0.4).abs() < 1e-12 && (cuts[1] - 2.2).abs() < 1e-12, "{cuts:?}");
        assert!(fit_cuts(&[7.0; 4], 5, false).is_empty());
    }

    #[test]
    fn a_score_bound_is_the_cut_on_the_value() {
        let cuts = [10.0, 20.0, 30.0];
        // score ≤ 2 ⇔ x ≤ 20; score ≤ 4 always; score ≤ 0 never.
        assert_eq!(cut_of_score(&cuts, false, 2), Some(20.0));
        assert_eq!((cut_of_score(&cuts, false, 4), cut_of_score(&cuts, false, 0)), (None, None));
        // Days: score ≤ 1 ⇔ no cut above x ⇔ x ≥ 30; score ≤ 3 ⇔ x ≥ 10.
        assert_eq!((cut_of_score(&cuts, true, 1), cut_of_score(&cuts, true, 3)), (Some(30.0), Some(10.0)));
        for x in [5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0] {
            for s in 1..=3 {
                let (up, down) = (cut_of_score(&cuts, false, s), cut_of_score(&cuts, true, s));
                assert_eq!(score(&cuts, false, x) <= s as f64, up.is_some_and(|c| x <= c), "x {x}, s {s}");
                assert_eq!(score(&cuts, true, x) <= s as f64, down.is_some_and(|c| x >= c), "days {x}, s {s}");
            }
        }
    }
}
