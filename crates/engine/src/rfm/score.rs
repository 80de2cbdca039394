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
                Better::Lower => sorted.len() - sorted.partition_point(|x| x <= v),
            } as u128;
            (1 + u128::from(bins) * worse / n.max(1)) as u8
        })
        .collect()
}

/// Scores with equal-count bins by rank, ties broken by `keys` (text order): the bin of each
/// customer's rank as `pandas.qcut(rank(method="first"), B, labels=1..B)`.
pub fn quantile_scores<T: Ord + Copy>(values: &[T], keys: &[String], bins: u8, better: Better) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    // Worst first, so rank 1 is the worst value and scores rise with rank.
    order.sort_by(|&a, &b| {
        let by_value = match better {
            Better::Higher => values[a].cmp(&values[b]),
            Better::Lower => values[b].cmp(&values[a]),
        };
        by_value.then_with(|| keys[a].cmp(&keys[b]))
    });
    let mut scores = vec![1u8; n];
    if n <= 1 {
        return scores;
    }
    let b = bins as usize;
    for (pos, &i) in order.iter().enumerate() {
        // Rank r = pos + 1; bin = max(1, ceil(B (r − 1) / (N − 1))), in whole numbers.
        let k = (b * pos).div_ceil(n - 1).max(1);
        scores[i] = k.min(b) as u8;
    }
    scores
}

/// Scores against user cut points.
pub fn threshold_scores(values: &[f64], cuts: &[f64], better: Better) -> Vec<u8> {
    let b = cuts.len() + 1;
    values
        .iter()
        .map(|&v| match better {
            Better::Higher => 1 + cuts.iter().filter(|&&c| v >= c).count() as u8,
            Better::Lower => (b - cuts.iter().filter(|&&c| v > c).count()) as u8,
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
