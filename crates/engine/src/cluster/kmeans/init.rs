//! Greedy k-means++ seeding, as scikit-learn's `_kmeans_plusplus`: the first centre is a row
//! chosen uniformly; each next one is the best of `2 + ln k` candidates drawn with probability
//! proportional to the squared distance to the nearest centre so far (the candidate that lowers
//! the total most is kept).

use rand::Rng;

use super::super::matrix::squared_distance;
use super::super::Matrix;

/// `k` rows of `x` to start Lloyd's iterations from, as a `k` × features matrix of values.
pub(super) fn kmeans_plus_plus(x: &Matrix, k: usize, rng: &mut impl Rng) -> Vec<f64> {
    let n = x.rows();
    let trials = 2 + (k as f64).ln() as usize;
    let mut centres = Vec::with_capacity(k * x.columns());
    let first = rng.random_range(0..n);
    centres.extend_from_slice(x.row(first));
    let mut closest: Vec<f64> = (0..n).map(|i| squared_distance(x.row(i), x.row(first))).collect();
    let mut potential: f64 = closest.iter().sum();
    let mut candidate_dist = vec![0.0; n];
    let mut best_dist = vec![0.0; n];
    for _ in 1..k {
        let mut best: Option<(usize, f64)> = None;
        for _ in 0..trials {
            let target = rng.random::<f64>() * potential;
            let candidate = pick(&closest, target);
            let mut total = 0.0;
            for (i, d) in candidate_dist.iter_mut().enumerate() {
                let new = squared_distance(x.row(i), x.row(candidate)).min(closest.get(i).copied().unwrap_or(0.0));
                *d = new;
                total += new;
            }
            if best.is_none_or(|(_, t)| total < t) {
                best = Some((candidate, total));
                std::mem::swap(&mut best_dist, &mut candidate_dist);
            }
        }
        if let Some((candidate, total)) = best {
            centres.extend_from_slice(x.row(candidate));
            std::mem::swap(&mut closest, &mut best_dist);
            potential = total;
        }
    }
    centres
}

/// The first row whose running total of `weights` passes `target`, clipped to the last row (as
/// numpy's `searchsorted` on the cumulative sum, except that a row of weight 0, already a centre,
/// is never picked).
fn pick(weights: &[f64], target: f64) -> usize {
    let mut sum = 0.0;
    for (i, w) in weights.iter().enumerate() {
        sum += w;
        if sum > target {
            return i;
        }
    }
    weights.len().saturating_sub(1)
}
