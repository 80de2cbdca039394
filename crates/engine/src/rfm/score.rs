//! Turning values into scores 1..B.

/// Which way is better for a dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Smaller is better (recency in days).
    Lower,
    /// Larger is better (frequency, monetary).
    Higher,
}

/// Scores `values` (one per customer, in the order of `keys`) with the rank method:
/// `1 + floor(B × w / N)` where `w` counts customers with a strictly worse value.
pub fn rank_scores<T: Ord + Copy>(values: &[T], bins: u8, better: Better) -> Vec<u8> {
    let n = values.len() as u128;
    let mut sorted: Vec<T> = values.to_vec();
    sorted.sort();
    values
        .iter()
        .map(|v| {
            let worse = match better {
                Better::Higher => sorted.partition_point(|x| x < v),
                Better::Lower => sorted.get(sorted.partition_point(|x| x <= v)..).map_or(0, <[T]>::len),
            } as u128;
            // Cannot overflow: bins × worse ≤ 255 × 2^64 fits u128, and worse < n (the customer is not worse
            // than itself), so bins × worse / n < bins and the score 1 + that is at most bins, a u8.
            #[allow(clippy::arithmetic_side_effects)]
            let score = 1 + u128::from(bins) * worse / n.max(1);
            score as u8
        })
        .collect()
}

/// Scores with equal-count bins by rank, ties broken by `keys` (text order): the bin of each
/// customer's rank as `pandas.qcut(rank(method="first"), B, labels=1..B)`.
pub fn quantile_scores<T: Ord + Copy>(values: &[T], keys: &[String], bins: u8, better: Better) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<(usize, (&T, &String))> = values.iter().zip(keys).enumerate().collect();
    // Worst first, so rank 1 is the worst value and scores rise with rank.
    order.sort_by(|(_, (va, ka)), (_, (vb, kb))| {
        let by_value = match better {
            Better::Higher => va.cmp(vb),
            Better::Lower => vb.cmp(va),
        };
        by_value.then_with(|| ka.cmp(kb))
    });
    let mut scores = vec![1u8; n];
    let Some(last) = n.checked_sub(1).filter(|&last| last > 0) else {
        return scores;
    };
    for (pos, &(i, _)) in order.iter().enumerate() {
        // Rank r = pos + 1; bin = max(1, ceil(B (r − 1) / (N − 1))), in whole numbers.
        // Cannot overflow: bins × pos ≤ 255 × 2^64 fits u128; last = N − 1 ≥ 1.
        #[allow(clippy::arithmetic_side_effects)]
        let k = (u128::from(bins) * pos as u128).div_ceil(last as u128).max(1);
        if let Some(score) = scores.get_mut(i) {
            *score = k.min(u128::from(bins)) as u8;
        }
    }
    scores
}

/// Scores against user cut points (at most 254 of them: more give the top score 255).
pub fn threshold_scores(values: &[f64], cuts: &[f64], better: Better) -> Vec<u8> {
    values
        .iter()
        .map(|&v| match better {
            // 1 + the cuts at or below v.
            Better::Higher => cuts.iter().fold(1u8, |s, &c| if v >= c { s.saturating_add(1) } else { s }),
            // B − the cuts below v = 1 + the other cuts.
            Better::Lower => cuts.iter().fold(1u8, |s, &c| if v > c { s } else { s.saturating_add(1) }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_get_equal_rank_scores_and_the_best_gets_b() {
        assert_eq!(rank_scores(&[10, 20, 20, 30, 40], 5, Better::Higher), [1, 2, 2, 4, 5]);
        assert_eq!(rank_scores(&[10, 20, 20, 30, 40], 5, Better::Lower), [5, 3, 3, 2, 1]);
        assert_eq!(rank_scores(&[7], 5, Better::Higher), [1]);
    }

    // pandas 2.2: pd.qcut(pd.Series([3, 1, 2, 2, 5, 4]).rank(method="first"), 3, labels=[1, 2, 3])
    //   → [2, 1, 1, 2, 3, 3] (the second 2 ranks after the first: ties broken by position).
    #[test]
    fn quantile_scores_match_pandas_qcut_of_first_ranks() {
        let keys: Vec<String> = (0..6).map(|i| i.to_string()).collect();
        assert_eq!(quantile_scores(&[3, 1, 2, 2, 5, 4], &keys, 3, Better::Higher), [2, 1, 1, 2, 3, 3]);
    }

    #[test]
    fn thresholds_score_each_side() {
        assert_eq!(threshold_scores(&[0.0, 1.0, 2.0, 5.0], &[1.0, 2.0], Better::Higher), [1, 2, 3, 3]);
        assert_eq!(threshold_scores(&[10.0, 30.0, 31.0, 400.0], &[30.0, 90.0], Better::Lower), [3, 3, 2, 1]);
    }
}
