//! Greedy k-means++ seeding, as scikit-learn's `_kmeans_plusplus`: the first centre is a row
//! chosen uniformly; each next one is the best of `2 + ln k` candidates drawn with probability
//! proportional to the squared distance to the nearest centre so far (the candidate that lowers
//! the total most is kept).
//!
//! Two passes over the rows per centre: one measures every candidate at once; the other moves
//! each row's distance to the nearest centre and, on the way, draws the next centre's candidates
//! from the running total of those distances. The sums are added in row order, each its own, so
//! the centres are those of drawing and measuring one candidate at a time.

use rand::Rng;

use super::super::Matrix;
use super::kernel::{smaller, with_kernel, Centres, Kernel};

/// Most candidates measured side by side in one pass over the rows (2 + ln k is 4 up to k = 54).
const LANES: usize = 4;

/// `k` rows of `x` to start Lloyd's iterations from, as a `k` × features matrix of values.
pub(super) fn kmeans_plus_plus(x: &Matrix, k: usize, rng: &mut impl Rng) -> Vec<f64> {
    with_kernel!(x.columns(), seed(x, k, rng))
}

fn seed<K: Kernel>(x: &Matrix, k: usize, rng: &mut impl Rng) -> Vec<f64> {
    let (n, d) = (x.rows(), x.columns());
    let w = K::width(d);
    let rows = || x.values().chunks_exact(w);
    let trials = 2 + (k as f64).ln() as usize;
    let mut centres = Vec::with_capacity(k * d);
    let first = rng.random_range(0..n);
    centres.extend_from_slice(x.row(first));
    let mut closest: Vec<f64> = rows().map(|r| K::distance(r, x.row(first))).collect();
    let mut potential = 0.0;
    for c in &closest {
        potential += c;
    }
    let mut candidates = draw(&closest, potential, trials, rng);
    let mut chosen = Vec::with_capacity(trials * d);
    for round in 1..k {
        // Every candidate's total of the distances to the nearest centre, were it added.
        chosen.clear();
        candidates.iter().for_each(|&c| chosen.extend_from_slice(x.row(c)));
        // As many lanes as candidates (no padding lane measured), at most LANES a pass.
        let totals = match trials {
            2 => totals::<K, 2>(x, &chosen, &closest),
            3 => totals::<K, 3>(x, &chosen, &closest),
            _ => totals::<K, LANES>(x, &chosen, &closest),
        };
        // The first of the lowest totals.
        let mut best: Option<(usize, f64)> = None;
        for (&candidate, &total) in candidates.iter().zip(&totals) {
            if best.is_none_or(|(_, t)| total < t) {
                best = Some((candidate, total));
            }
        }
        let Some((winner, total)) = best else { break };
        let centre = x.row(winner);
        centres.extend_from_slice(centre);
        potential = total;
        if round + 1 == k {
            break;
        }
        // Move the distances to the nearest centre, and draw the next candidates from them.
        let targets: Vec<f64> = (0..trials).map(|_| rng.random::<f64>() * potential).collect();
        let mut order: Vec<usize> = (0..trials).collect();
        order.sort_by(|&a, &b| {
            targets.get(a).zip(targets.get(b)).map_or(std::cmp::Ordering::Equal, |(a, b)| a.total_cmp(b))
        });
        let mut waiting = order.iter().peekable();
        let mut sum = 0.0;
        for (i, (row, near)) in rows().zip(closest.iter_mut()).enumerate() {
            *near = smaller(K::distance(row, centre), *near);
            sum += *near;
            while let Some(&&t) = waiting.peek() {
                if targets.get(t).is_some_and(|&target| sum > target) {
                    if let Some(c) = candidates.get_mut(t) {
                        *c = i;
                    }
                    waiting.next();
                } else {
                    break;
                }
            }
        }
        for &t in waiting {
            if let Some(c) = candidates.get_mut(t) {
                *c = n.saturating_sub(1);
            }
        }
    }
    centres
}

/// Each candidate's (`chosen`: rows of values) total of the distances to the nearest centre, were
/// it added, `L` candidates side by side in a pass: each lane its own total, added in row order.
#[inline(always)]
fn totals<K: Kernel, const L: usize>(x: &Matrix, chosen: &[f64], closest: &[f64]) -> Vec<f64> {
    let w = K::width(x.columns());
    let packed = Centres::<L>::new(chosen, x.columns());
    let mut totals = Vec::with_capacity(chosen.len() / w.max(1) + L);
    for group in packed.groups(w) {
        let mut sums = [0.0; L];
        for (row, &near) in x.values().chunks_exact(w).zip(closest) {
            for (sum, dist) in sums.iter_mut().zip(K::lanes(row, group)) {
                *sum += smaller(dist, near);
            }
        }
        totals.extend(sums);
    }
    totals
}

/// `trials` rows drawn with probability proportional to `weights` (their total `potential`).
fn draw(weights: &[f64], potential: f64, trials: usize, rng: &mut impl Rng) -> Vec<usize> {
    (0..trials).map(|_| pick(weights, rng.random::<f64>() * potential)).collect()
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

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::cluster::matrix::squared_distance;

    /// k-means++ as first written: each candidate drawn and measured on its own.
    fn one_at_a_time(x: &Matrix, k: usize, rng: &mut impl Rng) -> Vec<f64> {
        let n = x.rows();
        let trials = 2 + (k as f64).ln() as usize;
        let mut centres = Vec::new();
        let first = rng.random_range(0..n);
        centres.extend_from_slice(x.row(first));
        let mut closest: Vec<f64> = (0..n).map(|i| squared_distance(x.row(i), x.row(first))).collect();
        let mut potential: f64 = closest.iter().sum();
        for _ in 1..k {
            let mut best: Option<(usize, f64, Vec<f64>)> = None;
            for _ in 0..trials {
                let candidate = pick(&closest, rng.random::<f64>() * potential);
                let dist: Vec<f64> =
                    (0..n).map(|i| squared_distance(x.row(i), x.row(candidate)).min(closest[i])).collect();
                let total: f64 = dist.iter().sum();
                if best.as_ref().is_none_or(|(_, t, _)| total < *t) {
                    best = Some((candidate, total, dist));
                }
            }
            let (candidate, total, dist) = best.unwrap();
            centres.extend_from_slice(x.row(candidate));
            closest = dist;
            potential = total;
        }
        centres
    }

    #[test]
    fn seeding_draws_the_centres_of_one_candidate_at_a_time() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        for (d, k) in [(6, 6), (2, 2), (3, 12), (10, 25)] {
            let v: Vec<f64> = (0..5000 * d).map(|_| rng.random_range(-2.0..2.0f64).powi(3)).collect();
            let x = Matrix::new(v, d).unwrap();
            for seed in 0..3 {
                let ours = kmeans_plus_plus(&x, k, &mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
                let plain = one_at_a_time(&x, k, &mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
                assert_eq!(ours, plain, "d = {d}, k = {k}, seed = {seed}");
            }
        }
    }

    #[test]
    fn seeding_with_fewer_distinct_rows_than_centres_repeats_the_last_row() {
        let x = Matrix::new([0.0, 0.0, 5.0, 5.0].repeat(10), 2).unwrap();
        let centres = kmeans_plus_plus(&x, 4, &mut rand_chacha::ChaCha8Rng::seed_from_u64(0));
        let plain = one_at_a_time(&x, 4, &mut rand_chacha::ChaCha8Rng::seed_from_u64(0));
        assert_eq!(centres, plain);
        assert_eq!(centres.len(), 8);
    }
}
