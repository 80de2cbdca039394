//! Greedy k-means++ seeding, as scikit-learn's `_kmeans_plusplus`: the first centre is a row
//! chosen uniformly; each next one is the best of `2 + ln k` candidates drawn with probability
//! proportional to the squared distance to the nearest centre so far (the candidate that lowers
//! the total most is kept).
//!
//! Per centre, one pass measures every candidate at once (`L` side by side) and marks, per row, the
//! candidates that came closer than its nearest centre; the next moves the marked rows' distance to
//! the nearest centre to the winner's (no other row is read); a last one draws the next centre's
//! candidates from the running total of those distances. The sums are added in row order, each
//! its own, so the centres are those of drawing and measuring one candidate at a time. (Marking
//! took the page's fit at 1,000,000 × 6, k = 6, from 241 to 221 ms: the second pass had read
//! every row the triangle inequality did not settle, most of them to no effect.)
//!
//! Most rows need no measuring: a row whose squared distance to its nearest centre `m` is below a
//! quarter of the squared distance from `m` to a candidate `c` is farther from `c` than from `m`
//! (triangle inequality), so its distance to the nearest centre stays as it is, which is what
//! measuring would give. The quarter is taken less 10⁻⁶ of it, far more than the rounding of the
//! squared distances, so a row is skipped only when the measured distance could not be the lower.

use rand::Rng;

use super::super::matrix::squared_distance;
use super::super::Matrix;
use super::kernel::{smaller, with_kernel, Centres, Kernel};

/// A row this much closer (squared, relatively) to its centre than a quarter of the centre's
/// squared distance to a candidate is not measured against that candidate.
const MARGIN: f64 = 1e-6;

/// Where Lloyd's iterations start.
pub(super) struct Seeding {
    /// `k` rows of `x`, as a `k` × features matrix of values.
    pub(super) centres: Vec<f64>,
    /// Each row's nearest centre (the lowest index on a tie: the labels of Lloyd's first pass) and
    /// its squared distance to it, as measured on the way (empty if seeding stopped short).
    pub(super) nearest: Vec<u32>,
    /// The squared distance of each row to its `nearest`.
    pub(super) closest: Vec<f64>,
}

/// `k` rows of `x` to start Lloyd's iterations from, with each row's nearest of them.
pub(super) fn kmeans_plus_plus(x: &Matrix, k: usize, rng: &mut impl Rng) -> Seeding {
    with_kernel!(x.columns(), seed_any(x, k, rng))
}

/// As many lanes as candidates (no padding lane measured) up to 4 (2 + ln k is 4 up to k = 54);
/// more candidates take a pass per 4.
fn seed_any<K: Kernel>(x: &Matrix, k: usize, rng: &mut impl Rng) -> Seeding {
    match trials(k) {
        2 => seed::<K, 2>(x, k, rng),
        3 => seed::<K, 3>(x, k, rng),
        _ => seed::<K, 4>(x, k, rng),
    }
}

/// Candidates per centre, as scikit-learn: `2 + ⌊ln k⌋`.
fn trials(k: usize) -> usize {
    // Cannot saturate: ln k < 45.
    ((k as f64).ln() as usize).saturating_add(2)
}

/// Below this squared distance to centre `m`, a row is farther from `c` than from `m`.
fn settled(m: &[f64], c: &[f64]) -> f64 {
    squared_distance(m, c) * (1.0 - MARGIN) * 0.25
}

fn seed<K: Kernel, const L: usize>(x: &Matrix, k: usize, rng: &mut impl Rng) -> Seeding {
    let (n, d) = (x.rows(), x.columns());
    let w = K::width(d);
    let rows = || x.values().chunks_exact(w);
    let trials = trials(k);
    // Cannot saturate: k ≤ n (KMeansParams::check), so k × d ≤ the matrix's values.
    let mut centres = Vec::with_capacity(k.saturating_mul(d));
    let first = rng.random_range(0..n);
    centres.extend_from_slice(x.row(first));
    // Each row's squared distance to its nearest centre so far, and which centre that is.
    let mut closest: Vec<f64> = rows().map(|r| K::distance(r, x.row(first))).collect();
    let mut nearest: Vec<u32> = vec![0; n];
    let mut potential = 0.0;
    for c in &closest {
        potential += c;
    }
    let mut candidates = draw(&closest, potential, trials, rng);
    // A capacity only: none reserved in the (impossible) case the product overflows.
    let mut chosen = Vec::with_capacity(trials.checked_mul(d).unwrap_or(0));
    // Per row, bit `t` set when candidate `t` (the first 8) measured closer than its nearest
    // centre: the rows the winner moves, so the second pass reads only those rows.
    let mut closer: Vec<u8> = vec![0; n];
    for round in 1..k {
        chosen.clear();
        candidates.iter().for_each(|&c| chosen.extend_from_slice(x.row(c)));
        let packed = Centres::<L>::new(&chosen, d);
        // Cannot saturate: trials < 45 and L ≤ 4.
        let mut totals = Vec::with_capacity(trials.saturating_add(L));
        // A group too large to count holds every candidate, as the exact size would.
        let group_values = d.max(1).saturating_mul(L);
        for (g, (group, candidates)) in packed.groups(w).zip(chosen.chunks(group_values)).enumerate() {
            // Per centre, the rows below this are settled against every candidate of the group.
            let far: Vec<f64> = centres
                .chunks_exact(d.max(1))
                .map(|m| candidates.chunks_exact(d.max(1)).map(|c| settled(m, c)).fold(f64::INFINITY, smaller))
                .collect();
            let mut sums = [0.0; L];
            // Cannot saturate: g × L < trials + L.
            let first = g.saturating_mul(L);
            for (((row, &near), &m), mark) in rows().zip(&closest).zip(&nearest).zip(closer.iter_mut()) {
                let mut bits = 0;
                if near < far.get(m as usize).copied().unwrap_or(0.0) {
                    sums.iter_mut().for_each(|sum| *sum += near);
                } else {
                    for (j, (sum, dist)) in sums.iter_mut().zip(K::lanes(row, group)).enumerate() {
                        *sum += smaller(dist, near);
                        // Cannot overflow: first + j < trials + L < 50 (j is a lane).
                        #[allow(clippy::arithmetic_side_effects)]
                        let candidate = first + j;
                        bits |= u8::from(dist < near).checked_shl(candidate as u32).unwrap_or(0);
                    }
                }
                *mark = if g == 0 { bits } else { *mark | bits };
            }
            totals.extend(sums);
        }
        // The first of the lowest totals.
        let mut best: Option<(usize, usize, f64)> = None;
        for (t, (&candidate, &total)) in candidates.iter().zip(&totals).enumerate() {
            if best.is_none_or(|(_, _, b)| total < b) {
                best = Some((t, candidate, total));
            }
        }
        let Some((t, winner, total)) = best else { break };
        // The winner's bit in `closer`, if it has one.
        let bit = u8::try_from(t).ok().and_then(|t| 1u8.checked_shl(u32::from(t)));
        let centre = x.row(winner);
        let far: Vec<f64> = centres.chunks_exact(d.max(1)).map(|m| settled(m, centre)).collect();
        centres.extend_from_slice(centre);
        potential = total;
        // Move the distances to the nearest centre, and (but after the last centre) draw the next
        // candidates from them. After the last, `nearest` is what Lloyd's first pass would label.
        // Cannot saturate: round < k.
        let last = round.saturating_add(1) == k;
        let draws = if last { 0 } else { trials };
        let targets: Vec<f64> = (0..draws).map(|_| rng.random::<f64>() * potential).collect();
        let mut order: Vec<usize> = (0..draws).collect();
        order.sort_by(|&a, &b| {
            targets.get(a).zip(targets.get(b)).map_or(std::cmp::Ordering::Equal, |(a, b)| a.total_cmp(b))
        });
        for (((row, near), m), &mark) in rows().zip(closest.iter_mut()).zip(nearest.iter_mut()).zip(&closer) {
            let measure = match bit {
                Some(bit) => mark & bit != 0,
                None => *near >= far.get(*m as usize).copied().unwrap_or(0.0),
            };
            if measure {
                let dist = K::distance(row, centre);
                if dist < *near {
                    *near = dist;
                    *m = round as u32;
                }
            }
        }
        let mut waiting = order.iter().filter_map(|&t| targets.get(t).map(|&target| (t, target)));
        let mut next = waiting.next();
        if next.is_some() {
            let mut sum = 0.0;
            for (i, &near) in closest.iter().enumerate() {
                sum += near;
                while let Some((t, target)) = next {
                    if sum > target {
                        if let Some(c) = candidates.get_mut(t) {
                            *c = i;
                        }
                        next = waiting.next();
                    } else {
                        break;
                    }
                }
            }
        }
        for (t, _) in next.into_iter().chain(waiting) {
            if let Some(c) = candidates.get_mut(t) {
                *c = n.saturating_sub(1);
            }
        }
    }
    // k × d too large to count is more centres than there are, as the exact product would be.
    if centres.len() < k.saturating_mul(d) {
        return Seeding { centres, nearest: Vec::new(), closest: Vec::new() };
    }
    Seeding { centres, nearest, closest }
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
                let ours = kmeans_plus_plus(&x, k, &mut rand_chacha::ChaCha8Rng::seed_from_u64(seed)).centres;
                let plain = one_at_a_time(&x, k, &mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
                assert_eq!(ours, plain, "d = {d}, k = {k}, seed = {seed}");
            }
        }
    }

    #[test]
    fn seeding_skips_only_rows_whose_distance_cannot_change() {
        // Tight blobs far apart: nearly every row is settled by the triangle inequality.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let v: Vec<f64> = (0..6000)
            .flat_map(|i| {
                let b = f64::from(i % 5) * 40.0;
                [b + rng.random_range(-1.0..1.0), -b + rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)]
            })
            .collect();
        let x = Matrix::new(v, 3).unwrap();
        for (k, seed) in [(5, 0), (8, 1), (60, 2)] {
            let ours = kmeans_plus_plus(&x, k, &mut rand_chacha::ChaCha8Rng::seed_from_u64(seed)).centres;
            let plain = one_at_a_time(&x, k, &mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
            assert_eq!(ours, plain, "k = {k}");
        }
    }

    #[test]
    fn seeding_labels_each_row_as_lloyds_first_pass_does() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        for (d, k) in [(6, 6), (2, 9), (3, 40)] {
            // Integers: many rows tie between two centres, and the lower index must win.
            let v: Vec<f64> = (0..4000 * d).map(|_| f64::from(rng.random_range(0..6u8))).collect();
            let x = Matrix::new(v, d).unwrap();
            let s = kmeans_plus_plus(&x, k, &mut rand_chacha::ChaCha8Rng::seed_from_u64(k as u64));
            assert_eq!(s.nearest.len(), x.rows());
            for (i, (&m, &near)) in s.nearest.iter().zip(&s.closest).enumerate() {
                let (j, dist) = super::super::nearest(x.row(i), &s.centres, d);
                assert_eq!((m, near.to_bits()), (j, dist.to_bits()), "row {i}, d = {d}, k = {k}");
            }
        }
    }

    #[test]
    fn seeding_with_more_candidates_than_marks_draws_the_same_centres() {
        // k = 1,100 draws 2 + ⌊ln k⌋ = 9 candidates a centre: the ninth has no mark and is
        // measured again when it wins.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let v: Vec<f64> = (0..3000 * 2).map(|_| rng.random_range(-3.0..3.0f64)).collect();
        let x = Matrix::new(v, 2).unwrap();
        assert_eq!(trials(1100), 9);
        let ours = kmeans_plus_plus(&x, 1100, &mut rand_chacha::ChaCha8Rng::seed_from_u64(1)).centres;
        let plain = one_at_a_time(&x, 1100, &mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
        assert_eq!(ours, plain);
    }

    #[test]
    fn seeding_with_fewer_distinct_rows_than_centres_repeats_the_last_row() {
        let x = Matrix::new([0.0, 0.0, 5.0, 5.0].repeat(10), 2).unwrap();
        let centres = kmeans_plus_plus(&x, 4, &mut rand_chacha::ChaCha8Rng::seed_from_u64(0)).centres;
        let plain = one_at_a_time(&x, 4, &mut rand_chacha::ChaCha8Rng::seed_from_u64(0));
        assert_eq!(centres, plain);
        assert_eq!(centres.len(), 8);
    }
}
