//! How much two labelings of the same rows agree, whatever their cluster numbers.

/// The adjusted Rand index of two labelings of the same rows (as scikit-learn's
/// `adjusted_rand_score`): 1 when they group the rows identically, about 0 for chance agreement.
/// Labels are `0..k` in each; rows past the shorter labeling are ignored.
pub fn adjusted_rand_index(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len().min(b.len());
    let ka = a.iter().take(n).max().map_or(0, |&m| m as usize + 1);
    let kb = b.iter().take(n).max().map_or(0, |&m| m as usize + 1);
    let mut table = vec![0u64; ka * kb];
    let mut rows = vec![0u64; ka];
    let mut columns = vec![0u64; kb];
    for (&x, &y) in a.iter().zip(b).take(n) {
        let (x, y) = (x as usize, y as usize);
        if let Some(c) = table.get_mut(x * kb + y) {
            *c += 1;
        }
        if let Some(c) = rows.get_mut(x) {
            *c += 1;
        }
        if let Some(c) = columns.get_mut(y) {
            *c += 1;
        }
    }
    let pairs = |c: &u64| (*c as f64) * (*c as f64 - 1.0) / 2.0;
    let index: f64 = table.iter().map(pairs).sum();
    let sum_a: f64 = rows.iter().map(pairs).sum();
    let sum_b: f64 = columns.iter().map(pairs).sum();
    let all = pairs(&(n as u64));
    if all == 0.0 {
        return 1.0;
    }
    let expected = sum_a * sum_b / all;
    let max = (sum_a + sum_b) / 2.0;
    if max == expected {
        // Both put every row in one cluster, or each row in its own: the same grouping.
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_grouping_under_other_numbers_agrees_fully() {
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1, 2], &[2, 2, 0, 0, 1]), 1.0);
    }

    #[test]
    fn matches_scikit_learn_on_its_documented_examples() {
        // sklearn.metrics.adjusted_rand_score docstring: ([0, 0, 1, 2], [0, 0, 1, 1]) → 0.57…,
        // ([0, 0, 1, 1], [0, 1, 0, 1]) → -0.5.
        assert!((adjusted_rand_index(&[0, 0, 1, 2], &[0, 0, 1, 1]) - 0.5714285714285714).abs() < 1e-12);
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]) + 0.5).abs() < 1e-12);
    }
}
