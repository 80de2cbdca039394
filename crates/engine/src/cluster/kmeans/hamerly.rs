//! Hamerly's bounds (G. Hamerly, "Making k-means even faster", SDM 2010), kept exact: the same
//! labels, sums and inertia as [`super::lloyd`]'s plain assignment, bit for bit.
//!
//! Each row keeps an upper bound `u` on its distance to its centre and a lower bound `l` on its
//! distance to every other centre. When the centres move by `p`, `u` grows by its centre's move
//! and `l` shrinks by the largest move of another centre. A row with `u` below both `l` and half
//! the distance from its centre to the nearest other centre cannot have changed centre, and is
//! not measured; otherwise `u` is measured again, and if that does not settle it, every centre.
//!
//! Exactness: the bounds hold for the exact distances between the stored values, with a margin
//! of 10⁻⁹ (relative) on every bound that is computed or moved, far more than the rounding of a
//! squared distance ((features + 3) × 2⁻⁵³ relative) or of one addition. A row is skipped only
//! when every other centre is farther than its own by more than that margin, so the computed
//! squared distances, the ones Lloyd compares, order the same way: the nearest is the same
//! centre, ties included (a near tie is always measured and broken by Lloyd's rule).
//!
//! Sums: each block of [`BLOCK_ROWS`] rows keeps its own sums, taken again in row order only when
//! a label in it changed, and the blocks are added in block order, as Lloyd's pass adds them.

use super::super::matrix::nth_row;
use super::super::{Matrix, BLOCK_ROWS};
use super::kernel::{larger, smaller, with_kernel, Centres, Kernel};
use super::lloyd::{block_values, Sums};

/// The relative margin of every bound.
const MARGIN: f64 = 1e-9;
/// An upper bound is multiplied by this when it is made or moved.
const UP: f64 = 1.0 + MARGIN;
/// A lower bound is multiplied by this when it is made or moved.
const DOWN: f64 = 1.0 - MARGIN;

/// One row's bounds on its distances (not squared).
#[derive(Debug, Clone, Copy)]
struct Bound {
    /// At least the distance to the row's centre.
    upper: f64,
    /// At most the distance to any other centre.
    lower: f64,
}

/// Per centre, what the next pass needs.
#[derive(Debug, Clone, Copy, Default)]
struct Centre {
    /// How far it moved since the last pass (at least).
    moved: f64,
    /// The farthest any other centre moved (at least).
    others_moved: f64,
    /// Half the distance to the nearest other centre (at most).
    half_gap: f64,
}

/// The bounds and the per-block sums that Hamerly's passes carry from one to the next.
pub(super) struct Bounds {
    rows: Vec<Bound>,
    centres: Vec<Centre>,
    /// Sums of each block of rows for the labels it had at its last pass.
    blocks: Vec<Sums>,
    /// Blocks whose labels changed outside a pass (an empty cluster's relocation).
    stale: Vec<bool>,
    k: usize,
    d: usize,
}

impl Bounds {
    /// No bounds yet: the first pass measures every row.
    pub(super) fn new(rows: usize, k: usize, d: usize) -> Self {
        let blocks = rows.div_ceil(BLOCK_ROWS);
        Bounds {
            rows: vec![Bound { upper: f64::INFINITY, lower: 0.0 }; rows],
            centres: vec![Centre::default(); k],
            blocks: (0..blocks).map(|_| Sums::new(k, d)).collect(),
            stale: vec![true; blocks],
            k,
            d,
        }
    }

    /// Each row's label was set by seeding, at squared distance `closest` from its centre: that
    /// distance is the upper bound; nothing is known of the other centres yet.
    pub(super) fn seeded(&mut self, closest: &[f64]) {
        for (b, &c) in self.rows.iter_mut().zip(closest) {
            *b = Bound { upper: c.sqrt() * UP, lower: 0.0 };
        }
    }

    /// Row `i` was moved to another cluster outside a pass: measure it again, take its block's
    /// sums again.
    pub(super) fn relabelled(&mut self, i: usize) {
        if let Some(b) = self.rows.get_mut(i) {
            *b = Bound { upper: f64::INFINITY, lower: 0.0 };
        }
        if let Some(s) = self.stale.get_mut(i / BLOCK_ROWS) {
            *s = true;
        }
    }

    /// The centres moved from `old` to `new` (k × features values each).
    pub(super) fn moved(&mut self, old: &[f64], new: &[f64]) {
        let d = self.d;
        for (c, (o, n)) in self.centres.iter_mut().zip(old.chunks_exact(d).zip(new.chunks_exact(d))) {
            c.moved = super::super::matrix::squared_distance(o, n).sqrt() * UP;
        }
        // The largest and second largest move, for "the farthest any other centre moved".
        let (mut first, mut second) = ((usize::MAX, 0.0f64), 0.0f64);
        for (j, c) in self.centres.iter().enumerate() {
            if c.moved > first.1 {
                second = first.1;
                first = (j, c.moved);
            } else if c.moved > second {
                second = c.moved;
            }
        }
        for (j, c) in self.centres.iter_mut().enumerate() {
            c.others_moved = if j == first.0 { second } else { first.1 };
        }
    }

    /// Assigns every row to its nearest of `centres` as Lloyd's pass does, measuring only the rows
    /// whose bounds do not settle it; the sums of the blocks, added in order.
    pub(super) fn assign(&mut self, x: &Matrix, labels: &mut [u32], centres: &[f64]) -> Sums {
        let (k, d) = (self.k, self.d);
        // Half the gap from each centre to its nearest other one.
        for (j, (c, a)) in self.centres.iter_mut().zip(centres.chunks_exact(d)).enumerate() {
            let gap = centres
                .chunks_exact(d)
                .enumerate()
                .filter(|&(i, _)| i != j)
                .map(|(_, b)| super::super::matrix::squared_distance(a, b))
                .fold(f64::INFINITY, smaller);
            c.half_gap = gap.sqrt() * DOWN * 0.5;
        }
        let mut total = Sums::new(k, d);
        let centres = Centres::new(centres, d);
        let chunks = x
            .values()
            .chunks(block_values(d))
            .zip(labels.chunks_mut(BLOCK_ROWS))
            .zip(self.rows.chunks_mut(BLOCK_ROWS))
            .zip(self.blocks.iter_mut().zip(self.stale.iter_mut()));
        for (((block, labels), bounds), (sums, stale)) in chunks {
            let changed = with_kernel!(d, pass(block, labels, bounds, &self.centres, &centres, d));
            if changed || *stale {
                *sums = with_kernel!(d, block_sums(block, labels, k, d));
                *stale = false;
            }
            total.add(sums);
            total.changed |= changed;
        }
        // The moves are in the bounds now.
        for c in &mut self.centres {
            c.moved = 0.0;
            c.others_moved = 0.0;
        }
        total
    }
}

/// One block's pass: moves the bounds by the centres' moves, then labels each row the bounds do
/// not settle. Whether a label changed.
#[inline(always)]
fn pass<K: Kernel>(
    block: &[f64],
    labels: &mut [u32],
    bounds: &mut [Bound],
    info: &[Centre],
    centres: &Centres,
    d: usize,
) -> bool {
    let mut changed = false;
    let w = K::width(d);
    for ((row, label), b) in block.chunks_exact(w).zip(labels.iter_mut()).zip(bounds.iter_mut()) {
        let a = *label as usize;
        if let Some(c) = info.get(a) {
            let upper = (b.upper + c.moved) * UP;
            let lower = (b.lower - c.others_moved) * DOWN;
            let settled = larger(c.half_gap, lower);
            if upper * UP < settled {
                *b = Bound { upper, lower };
                continue;
            }
            // Measure the row's own centre: a tighter upper bound may settle it.
            // Cannot overflow: a < info.len() = k, and the centres are k rows of w values, so
            // (a + 1) × w is at most their length.
            #[allow(clippy::arithmetic_side_effects)]
            let own = a * w..(a + 1) * w;
            if let Some(own) = centres.rows.get(own) {
                let upper = K::distance(row, own).sqrt() * UP;
                if upper * UP < settled {
                    *b = Bound { upper, lower };
                    continue;
                }
            }
        }
        let (j, best, second) = K::nearest_two(row, centres, d);
        *b = Bound { upper: best.sqrt() * UP, lower: second.sqrt() * DOWN };
        if *label != j {
            *label = j;
            changed = true;
        }
    }
    changed
}

/// A block's sums for its labels, rows added in order (as Lloyd's pass adds them).
#[inline(always)]
fn block_sums<K: Kernel>(block: &[f64], labels: &[u32], k: usize, d: usize) -> Sums {
    let mut sums = Sums::new(k, d);
    let w = K::width(d);
    for (row, &j) in block.chunks_exact(w).zip(labels) {
        sums.tally(j as usize, row, w);
    }
    sums
}

/// The squared distance of each row to its centre, added per block in row order and the blocks in
/// order: Lloyd's inertia, to the bit.
pub(super) fn inertia(x: &Matrix, labels: &[u32], centres: &[f64]) -> f64 {
    fn block_inertia<K: Kernel>(block: &[f64], labels: &[u32], centres: &[f64], d: usize) -> f64 {
        let w = K::width(d);
        let mut sum = 0.0;
        for (row, &j) in block.chunks_exact(w).zip(labels) {
            sum += nth_row(centres, j as usize, w).map_or(0.0, |c| K::distance(row, c));
        }
        sum
    }
    let d = x.columns();
    let mut total = 0.0;
    for (block, labels) in x.values().chunks(block_values(d)).zip(labels.chunks(BLOCK_ROWS)) {
        total += with_kernel!(d, block_inertia(block, labels, centres, d));
    }
    total
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::super::{fit, Algorithm, KMeansParams};
    use crate::cluster::{Matrix, BLOCK_ROWS};
    use crate::progress::Quiet;

    /// Fits with both algorithms and asserts the same labels, centres, inertia and iterations, to the bit.
    fn same_as_lloyd(x: &Matrix, p: &KMeansParams) {
        let lloyd = fit(x, &KMeansParams { algorithm: Algorithm::Lloyd, ..p.clone() }, &mut Quiet).unwrap();
        let hamerly = fit(x, &KMeansParams { algorithm: Algorithm::Hamerly, ..p.clone() }, &mut Quiet).unwrap();
        assert_eq!(hamerly.labels, lloyd.labels, "{p:?}");
        assert_eq!(hamerly.n_iter, lloyd.n_iter, "{p:?}");
        assert_eq!(hamerly.inertia.to_bits(), lloyd.inertia.to_bits(), "{p:?}");
        let bits = |m: &Matrix| m.values().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&hamerly.centroids), bits(&lloyd.centroids), "{p:?}");
    }

    /// `n` rows of `d` features around `blobs` overlapping centres.
    fn blobs(n: usize, d: usize, blobs: usize, seed: u64) -> Matrix {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let centres: Vec<f64> = (0..blobs * d).map(|_| rng.random_range(-3.0..3.0)).collect();
        let mut v = Vec::with_capacity(n * d);
        for _ in 0..n {
            let b = rng.random_range(0..blobs);
            for t in 0..d {
                let noise: f64 = (0..4).map(|_| rng.random_range(-1.0..1.0)).sum();
                v.push(centres[b * d + t] + noise);
            }
        }
        Matrix::new(v, d).unwrap()
    }

    #[test]
    fn hamerly_gives_lloyds_labels() {
        // Three blocks and a bit, overlapping blobs: many rows change centre late, near the boundaries.
        for (d, k, seed) in [(6, 6, 0), (2, 3, 1), (3, 9, 2), (11, 5, 3), (1, 4, 4)] {
            let x = blobs(3 * BLOCK_ROWS + 77, d, 7, seed);
            for tol in [0.0, 1e-4] {
                same_as_lloyd(&x, &KMeansParams { k, n_init: 2, max_iter: 300, tol, seed, ..KMeansParams::default() });
            }
        }
    }

    #[test]
    fn hamerly_gives_lloyds_labels_when_rows_tie() {
        // Points on a small grid, many of them exactly halfway between two centres.
        let v: Vec<f64> = (0..5000).flat_map(|i| [f64::from(i % 5), f64::from((i / 5) % 4)]).collect();
        let x = Matrix::new(v, 2).unwrap();
        for seed in 0..4 {
            for k in [2, 4, 7] {
                same_as_lloyd(&x, &KMeansParams { k, n_init: 1, tol: 0.0, seed, ..KMeansParams::default() });
            }
        }
    }

    #[test]
    fn hamerly_relocates_empty_clusters_as_lloyd_does() {
        // Three distinct rows for five clusters: seeding repeats a row, so a cluster starts empty.
        let v: Vec<f64> = (0..9000).flat_map(|i| [f64::from(i % 3) * 10.0, 1.0 + f64::from(i % 3 == 1)]).collect();
        let x = Matrix::new(v, 2).unwrap();
        for seed in 0..3 {
            same_as_lloyd(&x, &KMeansParams { k: 5, n_init: 1, seed, ..KMeansParams::default() });
        }
    }
}
