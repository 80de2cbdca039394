//! Lloyd's iterations: assign each row to its nearest centre, move each centre to its rows' mean.
//! Sums are taken per block of [`BLOCK_ROWS`] rows and added in block order. The assignment is
//! every row against every centre ([`Algorithm::Lloyd`]) or Hamerly's bounds
//! ([`Algorithm::Hamerly`], [`super::hamerly`]), which give the same labels and sums, bit for bit.

use super::super::matrix::{nth_row, nth_row_mut, squared_distance};
use super::super::{Matrix, BLOCK_ROWS};
use super::hamerly::{self, Bounds};
use super::init::Seeding;
use super::kernel::{with_kernel, Centres, Kernel};
use super::{Algorithm, KMeansError, KMeansFit};
use crate::progress::Monitor;

/// The values of a block of [`BLOCK_ROWS`] rows of `d` features (a block too large to count holds
/// every value, as the exact size would).
pub(super) fn block_values(d: usize) -> usize {
    BLOCK_ROWS.saturating_mul(d)
}

/// One block's (or the whole matrix's) sums from an assignment step.
pub(super) struct Sums {
    /// Per cluster, the sum of its rows' features.
    pub(super) features: Vec<f64>,
    /// Per cluster, its rows.
    pub(super) counts: Vec<u64>,
    /// Sum of each row's squared distance to its centre.
    pub(super) inertia: f64,
    /// Whether any row changed cluster.
    pub(super) changed: bool,
}

impl Sums {
    /// Zero sums of `k` clusters of `d` features: `k` × `d` feature sums, every caller's `k` × `d`
    /// being the length of its centres (so never saturated).
    pub(super) fn new(k: usize, d: usize) -> Self {
        Sums { features: vec![0.0; k.saturating_mul(d)], counts: vec![0; k], inertia: 0.0, changed: false }
    }

    pub(super) fn add(&mut self, other: &Sums) {
        self.features.iter_mut().zip(&other.features).for_each(|(a, b)| *a += b);
        // Cannot saturate: the counts of a pass add up to at most its rows.
        self.counts.iter_mut().zip(&other.counts).for_each(|(a, b)| *a = a.saturating_add(*b));
        self.inertia += other.inertia;
        self.changed |= other.changed;
    }

    /// Adds `row` to cluster `j`: its count and feature sums (nothing when there is no cluster
    /// `j`). `d` is the features `new` was given. Once per row in the passes, so no checks beyond
    /// the one on `j`.
    #[inline(always)]
    pub(super) fn tally(&mut self, j: usize, row: &[f64], d: usize) {
        let Some(c) = self.counts.get_mut(j) else { return };
        #[allow(clippy::arithmetic_side_effects)]
        {
            // Cannot overflow: a count grows by one per row, and there are fewer rows than u64::MAX.
            *c += 1;
        }
        // Cannot overflow: j < k = counts.len(), so (j + 1) × d ≤ k × d = features.len() (`new`).
        #[allow(clippy::arithmetic_side_effects)]
        let run = j * d..(j + 1) * d;
        if let Some(s) = self.features.get_mut(run) {
            s.iter_mut().zip(row).for_each(|(a, b)| *a += b);
        }
    }
}

/// Assigns the rows of one block, writing `labels` (the block's slice).
#[inline(always)]
fn assign_block<K: Kernel>(block: &[f64], labels: &mut [u32], centres: &Centres, k: usize, d: usize) -> Sums {
    let mut sums = Sums::new(k, d);
    for (row, label) in block.chunks_exact(K::width(d)).zip(labels.iter_mut()) {
        let (j, dist, _) = K::nearest_two(row, centres, d);
        if *label != j {
            sums.changed = true;
            *label = j;
        }
        sums.tally(j as usize, row, d);
        sums.inertia += dist;
    }
    sums
}

/// Assigns every row, in blocks added in order.
fn assign(x: &Matrix, labels: &mut [u32], centres: &[f64], k: usize) -> Sums {
    let d = x.columns();
    let mut total = Sums::new(k, d);
    let centres = Centres::new(centres, d);
    for (block, labels) in x.values().chunks(block_values(d)).zip(labels.chunks_mut(BLOCK_ROWS)) {
        total.add(&with_kernel!(d, assign_block(block, labels, &centres, k, d)));
    }
    total
}

/// The sums of a pass that gave `labels`: per block in row order, the blocks added in order, as
/// [`assign`] adds them (its inertia is not needed before the last pass, and not taken).
fn sums_of(x: &Matrix, labels: &[u32], k: usize) -> Sums {
    let d = x.columns();
    let mut total = Sums::new(k, d);
    for (block, labels) in x.values().chunks(block_values(d)).zip(labels.chunks(BLOCK_ROWS)) {
        let mut sums = Sums::new(k, d);
        for (row, &j) in block.chunks_exact(d).zip(labels) {
            sums.tally(j as usize, row, d);
        }
        total.add(&sums);
    }
    total.changed = true;
    total
}

/// Gives each empty cluster the row farthest from its centre (the farthest first), as
/// scikit-learn's `_relocate_empty_clusters`: the row moves out of its cluster's sums. The rows
/// moved.
fn relocate_empty(x: &Matrix, labels: &mut [u32], centres: &[f64], sums: &mut Sums) -> Vec<usize> {
    let d = x.columns();
    let empty: Vec<usize> = sums.counts.iter().enumerate().filter(|(_, &c)| c == 0).map(|(j, _)| j).collect();
    if empty.is_empty() {
        return Vec::new();
    }
    let mut far: Vec<(usize, f64)> = (0..x.rows())
        .map(|i| {
            let l = labels.get(i).copied().unwrap_or(0) as usize;
            (i, squared_distance(x.row(i), nth_row(centres, l, d).unwrap_or_default()))
        })
        .collect();
    far.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut moved = Vec::new();
    for (&j, &(i, _)) in empty.iter().zip(&far) {
        let Some(label) = labels.get_mut(i) else { continue };
        let from = *label as usize;
        if sums.counts.get(from).copied().unwrap_or(0) <= 1 {
            continue;
        }
        let row = x.row(i);
        if let Some(s) = nth_row_mut(&mut sums.features, from, d) {
            s.iter_mut().zip(row).for_each(|(a, b)| *a -= b);
        }
        if let Some(s) = nth_row_mut(&mut sums.features, j, d) {
            s.iter_mut().zip(row).for_each(|(a, b)| *a += b);
        }
        // Cannot saturate: `from`'s count is at least 2 (above), `j`'s is 0 (an empty cluster).
        if let Some(c) = sums.counts.get_mut(from) {
            *c = c.saturating_sub(1);
        }
        if let Some(c) = sums.counts.get_mut(j) {
            *c = c.saturating_add(1);
        }
        *label = j as u32;
        moved.push(i);
    }
    moved
}

/// Iterates from `start`'s centres (k × features values) until converged or `max_iter`. When
/// `start` says each row's nearest centre (seeding measured it), the first pass is not run: its
/// labels are those, its sums taken from them as the pass would.
pub(super) fn run(
    x: &Matrix,
    start: Seeding,
    max_iter: usize,
    tol: f64,
    algorithm: Algorithm,
    monitor: &mut dyn Monitor,
) -> Result<KMeansFit, KMeansError> {
    let Seeding { mut centres, nearest, closest } = start;
    let d = x.columns();
    let k = centres.chunks_exact(d.max(1)).len();
    let known = nearest.len() == x.rows() && closest.len() == x.rows();
    let mut labels = if known { nearest } else { vec![u32::MAX; x.rows()] };
    let mut bounds = match algorithm {
        Algorithm::Lloyd | Algorithm::MiniBatch { .. } => None,
        Algorithm::Hamerly => Some(Bounds::new(x.rows(), k, d)),
    };
    if let (Some(b), true) = (bounds.as_mut(), known) {
        b.seeded(&closest);
    }
    let mut n_iter = 0;
    for iteration in 0..max_iter {
        // Cannot saturate: iteration < max_iter.
        n_iter = iteration.saturating_add(1);
        let mut sums = match bounds.as_mut() {
            _ if iteration == 0 && known => sums_of(x, &labels, k),
            Some(b) => b.assign(x, &mut labels, &centres),
            None => assign(x, &mut labels, &centres, k),
        };
        if iteration > 0 && !sums.changed {
            // The labels did not change: the centres are their rows' means already.
            break;
        }
        for i in relocate_empty(x, &mut labels, &centres, &mut sums) {
            if let Some(b) = bounds.as_mut() {
                b.relabelled(i);
            }
        }
        let old = bounds.as_ref().map(|_| centres.clone());
        let mut shift = 0.0;
        for (j, c) in centres.chunks_exact_mut(d).enumerate() {
            let count = sums.counts.get(j).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let s = nth_row(&sums.features, j, d).unwrap_or_default();
            for (c, s) in c.iter_mut().zip(s) {
                let new = s / count as f64;
                shift += (new - *c) * (new - *c);
                *c = new;
            }
        }
        if let (Some(b), Some(old)) = (bounds.as_mut(), old) {
            b.moved(&old, &centres);
        }
        if monitor.is_cancelled() {
            return Err(KMeansError::Cancelled);
        }
        if shift <= tol {
            break;
        }
    }
    // The labels and inertia of the final centres.
    let inertia = match bounds.as_mut() {
        Some(b) => {
            b.assign(x, &mut labels, &centres);
            hamerly::inertia(x, &labels, &centres)
        }
        None => assign(x, &mut labels, &centres, k).inertia,
    };
    let centroids = Matrix::from_means(centres, d);
    Ok(KMeansFit { centroids, labels, inertia, n_iter })
}
