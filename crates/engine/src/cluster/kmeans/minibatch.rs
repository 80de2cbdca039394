//! Mini-batch k-means (D. Sculley, "Web-scale k-means clustering", WWW 2010), stepped as
//! scikit-learn's `MiniBatchKMeans` steps it: k-means++ on a seeded sample of three batches, then
//! per step a batch of rows drawn with replacement, each labelled by its nearest centre, and each
//! centre moved to the weighted mean of what it had and its batch rows (its weight the rows it has
//! seen); stopped when the smoothed batch inertia has not improved for 10 steps, or after
//! `max_iter` passes' worth of batches. One Lloyd iteration over every row finishes it: the
//! centres move to the means of their rows (an empty cluster given the farthest row, as in the
//! full fit), and every row is labelled by its nearest centre.
//!
//! An approximation for very large inputs ([`super::MINI_BATCH_ROWS`]): its inertia is a little
//! above the full fit's. Deterministic: the batches come from the seeded generator and the sums
//! run in batch order, one thread.

use rand::Rng;

use super::super::Matrix;
use super::kernel::{with_kernel, Centres, Kernel};
use super::lloyd::Sums;
use super::{init, lloyd, Algorithm, KMeansError, KMeansFit};
use crate::progress::Monitor;

/// Steps without a better smoothed inertia before stopping (scikit-learn's `max_no_improvement`).
const PATIENCE: usize = 10;

/// Fits from a k-means++ start on a sample, `batch` rows a step.
pub(super) fn run(
    x: &Matrix,
    k: usize,
    batch: usize,
    max_iter: usize,
    rng: &mut impl Rng,
    monitor: &mut dyn Monitor,
) -> Result<KMeansFit, KMeansError> {
    let (n, d) = (x.rows(), x.columns());
    let batch = batch.clamp(1, n.max(1));
    // Saturated, 3 × batch is still above n, as the exact product would be.
    let sample_rows = batch.saturating_mul(3).max(k).min(n);
    // Cannot saturate: sample_rows ≤ n, so sample_rows × d ≤ the matrix's values.
    let mut sample = Vec::with_capacity(sample_rows.saturating_mul(d));
    for _ in 0..sample_rows {
        sample.extend_from_slice(x.row(rng.random_range(0..n)));
    }
    let sample = Matrix::from_means(sample, d);
    let mut centres = init::kmeans_plus_plus(&sample, k, rng).centres;
    let steps = max_iter.saturating_mul(n.div_ceil(batch));
    let steps = with_kernel!(d, step_all(x, &mut centres, k, batch, steps, rng, monitor))?;
    let start = init::Seeding { centres, nearest: Vec::new(), closest: Vec::new() };
    let mut fit = lloyd::run(x, start, 1, 0.0, Algorithm::Lloyd, monitor)?;
    // Saturates only after usize::MAX steps, which never all run.
    fit.n_iter = steps.saturating_add(1);
    Ok(fit)
}

/// Runs up to `steps` mini-batch steps; how many ran.
#[inline(always)]
fn step_all<K: Kernel>(
    x: &Matrix,
    centres: &mut [f64],
    k: usize,
    batch: usize,
    steps: usize,
    rng: &mut impl Rng,
    monitor: &mut dyn Monitor,
) -> Result<usize, KMeansError> {
    let (n, d) = (x.rows(), x.columns());
    let w = K::width(d);
    // How many rows each centre has seen (its weight), the smoothed inertia and its best.
    let mut seen = vec![0.0f64; k];
    let (mut smoothed, mut best, mut since_best) = (None::<f64>, f64::INFINITY, 0usize);
    let alpha = (2.0 * batch as f64 / (n as f64 + 1.0)).min(1.0);
    let mut sums = Sums::new(k, d);
    for step in 0..steps {
        sums.features.iter_mut().for_each(|s| *s = 0.0);
        sums.counts.iter_mut().for_each(|c| *c = 0);
        let mut inertia = 0.0;
        {
            let packed = Centres::new(centres, d);
            for _ in 0..batch {
                let row = x.row(rng.random_range(0..n));
                let (j, dist, _) = K::nearest_two(row, &packed, d);
                sums.tally(j as usize, row, w);
                inertia += dist;
            }
        }
        for (((c, s), &count), weight) in
            centres.chunks_exact_mut(d).zip(sums.features.chunks_exact(d)).zip(&sums.counts).zip(seen.iter_mut())
        {
            if count == 0 {
                continue;
            }
            let total = *weight + count as f64;
            for (c, s) in c.iter_mut().zip(s) {
                *c = (*c * *weight + s) / total;
            }
            *weight = total;
        }
        // scikit-learn's early stop: the batch inertia per row, smoothed over about n / batch steps.
        let per_row = inertia / batch as f64;
        let now = smoothed.map_or(per_row, |e| e * (1.0 - alpha) + per_row * alpha);
        smoothed = Some(now);
        if now < best {
            (best, since_best) = (now, 0);
        } else {
            // Cannot saturate: since_best stops at PATIENCE, and step < steps.
            since_best = since_best.saturating_add(1);
            if since_best >= PATIENCE {
                return Ok(step.saturating_add(1));
            }
        }
        if step % 64 == 63 && monitor.is_cancelled() {
            return Err(KMeansError::Cancelled);
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::super::{fit, Algorithm, KMeansParams, MINI_BATCH_ROWS};
    use crate::cluster::Matrix;
    use crate::progress::Quiet;

    fn blobs(n: usize, seed: u64) -> Matrix {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let v: Vec<f64> = (0..n)
            .flat_map(|i| {
                let b = f64::from((i % 4) as u32) * 6.0;
                [b + rng.random_range(-1.0..1.0), b * 0.5 + rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)]
            })
            .collect();
        Matrix::new(v, 3).unwrap()
    }

    #[test]
    fn mini_batch_comes_within_a_few_percent_of_the_full_fit() {
        let x = blobs(40_000, 1);
        let full = fit(&x, &KMeansParams { k: 4, n_init: 1, ..KMeansParams::default() }, &mut Quiet).unwrap();
        let params = KMeansParams {
            k: 4,
            n_init: 1,
            algorithm: Algorithm::MiniBatch { batch: 1024 },
            ..KMeansParams::default()
        };
        let mini = fit(&x, &params, &mut Quiet).unwrap();
        assert!(mini.inertia <= full.inertia * 1.02, "{} vs {}", mini.inertia, full.inertia);
        assert!(mini.sizes().iter().all(|&s| s > 0));
        assert_eq!(mini.labels.len(), 40_000);
        // Every row is labelled by its nearest centre.
        let c = mini.centroids.values();
        for (i, &l) in mini.labels.iter().enumerate().step_by(97) {
            assert_eq!(super::super::nearest(x.row(i), c, 3).0, l);
        }
    }

    #[test]
    fn mini_batch_gives_the_same_labels_for_the_same_seed() {
        let x = blobs(9_000, 2);
        let p = KMeansParams {
            k: 5,
            n_init: 2,
            seed: 7,
            algorithm: Algorithm::MiniBatch { batch: 500 },
            ..KMeansParams::default()
        };
        assert_eq!(fit(&x, &p, &mut Quiet).unwrap(), fit(&x, &p, &mut Quiet).unwrap());
    }

    #[test]
    fn mini_batch_is_chosen_only_above_the_stated_size() {
        assert_eq!(Algorithm::for_rows(MINI_BATCH_ROWS), Algorithm::Hamerly);
        assert_eq!(Algorithm::for_rows(1_000_000), Algorithm::Hamerly);
        assert!(matches!(Algorithm::for_rows(MINI_BATCH_ROWS + 1), Algorithm::MiniBatch { .. }));
    }
}
