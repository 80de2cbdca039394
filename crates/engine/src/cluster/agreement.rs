//! How much two labelings of the same rows agree, whatever their cluster numbers.

/// The adjusted Rand index of two labelings of the same rows (as scikit-learn's
/// `adjusted_rand_score`): 1 when they group the rows identically, about 0 for chance agreement.
/// Labels are `0..k` in each; rows past the shorter labeling are ignored.
pub fn adjusted_rand_index(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (a.get(..n).unwrap_or_default(), b.get(..n).unwrap_or_default());
    let pairs = |c: &u64| (*c as f64) * (*c as f64 - 1.0) / 2.0;
    // Per pair of labels, per label of `a` and per label of `b`, the pairs of rows they hold: a
    // dense table for labels `0..k`, else counted from the sorted labels. Both add the same
    // non-zero terms in the same order (label by label); the dense table's empty cells add −0.
    let (index, sum_a, sum_b): (f64, f64, f64) = match dense_size(a, b) {
        Some((ka, kb)) => {
            let (table, rows, columns) = dense_counts(a, b, ka, kb);
            (table.iter().map(pairs).sum(), rows.iter().map(pairs).sum(), columns.iter().map(pairs).sum())
        }
        None => {
            let mut both: Vec<(u32, u32)> = a.iter().copied().zip(b.iter().copied()).collect();
            both.sort_unstable();
            let (mut a, mut b) = (a.to_vec(), b.to_vec());
            a.sort_unstable();
            b.sort_unstable();
            (runs(&both).iter().map(pairs).sum(), runs(&a).iter().map(pairs).sum(), runs(&b).iter().map(pairs).sum())
        }
    };
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

/// The labels' `k`s when a dense table of both fits comfortably: at most as many cells as rows
/// (or 4,096).
fn dense_size(a: &[u32], b: &[u32]) -> Option<(usize, usize)> {
    let k = |labels: &[u32]| match labels.iter().max() {
        Some(&m) => usize::try_from(m).ok()?.checked_add(1),
        None => Some(0),
    };
    let (ka, kb) = (k(a)?, k(b)?);
    let cells = ka.checked_mul(kb)?;
    (cells <= a.len().max(4096)).then_some((ka, kb))
}

/// The rows per pair of labels (`ka` × `kb`, row-major), per label of `a` and per label of `b`.
fn dense_counts(a: &[u32], b: &[u32], ka: usize, kb: usize) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
    use super::matrix::nth_row_mut;
    // `dense_size` checked ka × kb. Cannot saturate (the counts): one per row.
    let mut table = vec![0u64; ka.saturating_mul(kb)];
    let mut rows = vec![0u64; ka];
    let mut columns = vec![0u64; kb];
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (x as usize, y as usize);
        if let Some(c) = nth_row_mut(&mut table, x, kb).and_then(|r| r.get_mut(y)) {
            *c = c.saturating_add(1);
        }
        if let Some(c) = rows.get_mut(x) {
            *c = c.saturating_add(1);
        }
        if let Some(c) = columns.get_mut(y) {
            *c = c.saturating_add(1);
        }
    }
    (table, rows, columns)
}

/// The lengths of the runs of equal values in `sorted`, in order.
fn runs<T: PartialEq>(sorted: &[T]) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::new();
    let mut previous: Option<&T> = None;
    for v in sorted {
        match out.last_mut() {
            // Cannot saturate: a run is at most the rows.
            Some(run) if previous == Some(v) => *run = run.saturating_add(1),
            _ => out.push(1),
        }
        previous = Some(v);
    }
    out
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
