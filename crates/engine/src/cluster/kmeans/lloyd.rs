//! Lloyd's iterations: assign each row to its nearest centre, move each centre to its rows' mean.
//! Sums are taken per block of [`BLOCK_ROWS`] rows and added in block order.

use super::super::matrix::squared_distance;
use super::super::{Matrix, BLOCK_ROWS};
use super::{KMeansError, KMeansFit};
use crate::progress::Monitor;

/// One block's (or the whole matrix's) sums from an assignment step.
struct Sums {
    /// Per cluster, the sum of its rows' features.
    features: Vec<f64>,
    counts: Vec<u64>,
    inertia: f64,
    /// Whether any row changed cluster.
    changed: bool,
}

impl Sums {
    fn new(k: usize, d: usize) -> Self {
        Sums { features: vec![0.0; k * d], counts: vec![0; k], inertia: 0.0, changed: false }
    }

    fn add(&mut self, other: &Sums) {
        self.features.iter_mut().zip(&other.features).for_each(|(a, b)| *a += b);
        self.counts.iter_mut().zip(&other.counts).for_each(|(a, b)| *a += b);
        self.inertia += other.inertia;
        self.changed |= other.changed;
    }
}

/// The nearest centre to `row` and its squared distance (the lowest index on a tie).
pub(crate) fn nearest(row: &[f64], centres: &[f64], d: usize) -> (u32, f64) {
    let mut best = (0u32, f64::INFINITY);
    for (j, c) in centres.chunks_exact(d).enumerate() {
        let dist = squared_distance(row, c);
        if dist < best.1 {
            best = (j as u32, dist);
        }
    }
    best
}

/// Assigns the rows `start..` of one block, writing `labels` (the block's slice).
fn assign_block(block: &[f64], labels: &mut [u32], centres: &[f64], k: usize, d: usize) -> Sums {
    let mut sums = Sums::new(k, d);
    for (row, label) in block.chunks_exact(d).zip(labels.iter_mut()) {
        let (j, dist) = nearest(row, centres, d);
        if *label != j {
            sums.changed = true;
            *label = j;
        }
        let ju = j as usize;
        if let Some(s) = sums.features.get_mut(ju * d..(ju + 1) * d) {
            s.iter_mut().zip(row).for_each(|(a, b)| *a += b);
        }
        if let Some(c) = sums.counts.get_mut(ju) {
            *c += 1;
        }
        sums.inertia += dist;
    }
    sums
}

/// Assigns every row, in blocks added in order.
fn assign(x: &Matrix, labels: &mut [u32], centres: &[f64], k: usize) -> Sums {
    let d = x.columns();
    let mut total = Sums::new(k, d);
    for (block, labels) in x.values().chunks(BLOCK_ROWS * d).zip(labels.chunks_mut(BLOCK_ROWS)) {
        total.add(&assign_block(block, labels, centres, k, d));
    }
    total
}

/// Gives each empty cluster the row farthest from its centre (the farthest first), as
/// scikit-learn's `_relocate_empty_clusters`: the row moves out of its cluster's sums.
fn relocate_empty(x: &Matrix, labels: &mut [u32], centres: &[f64], sums: &mut Sums) {
    let d = x.columns();
    let empty: Vec<usize> = sums.counts.iter().enumerate().filter(|(_, &c)| c == 0).map(|(j, _)| j).collect();
    if empty.is_empty() {
        return;
    }
    let mut far: Vec<(usize, f64)> = (0..x.rows())
        .map(|i| {
            let l = labels.get(i).copied().unwrap_or(0) as usize;
            (i, squared_distance(x.row(i), centres.get(l * d..(l + 1) * d).unwrap_or_default()))
        })
        .collect();
    far.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (&j, &(i, _)) in empty.iter().zip(&far) {
        let Some(label) = labels.get_mut(i) else { continue };
        let from = *label as usize;
        if sums.counts.get(from).copied().unwrap_or(0) <= 1 {
            continue;
        }
        let row = x.row(i);
        if let Some(s) = sums.features.get_mut(from * d..(from + 1) * d) {
            s.iter_mut().zip(row).for_each(|(a, b)| *a -= b);
        }
        if let Some(s) = sums.features.get_mut(j * d..(j + 1) * d) {
            s.iter_mut().zip(row).for_each(|(a, b)| *a += b);
        }
        if let Some(c) = sums.counts.get_mut(from) {
            *c -= 1;
        }
        if let Some(c) = sums.counts.get_mut(j) {
            *c += 1;
        }
        *label = j as u32;
    }
}

/// Iterates from `centres` (k × features values) until converged or `max_iter`.
pub(super) fn run(
    x: &Matrix,
    mut centres: Vec<f64>,
    max_iter: usize,
    tol: f64,
    monitor: &mut dyn Monitor,
) -> Result<KMeansFit, KMeansError> {
    let d = x.columns();
    let k = centres.len() / d;
    let mut labels = vec![u32::MAX; x.rows()];
    let mut n_iter = 0;
    for iteration in 0..max_iter {
        n_iter = iteration + 1;
        let mut sums = assign(x, &mut labels, &centres, k);
        if iteration > 0 && !sums.changed {
            // The labels did not change: the centres are their rows' means already.
            break;
        }
        relocate_empty(x, &mut labels, &centres, &mut sums);
        let mut shift = 0.0;
        for (j, c) in centres.chunks_exact_mut(d).enumerate() {
            let count = sums.counts.get(j).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let s = sums.features.get(j * d..(j + 1) * d).unwrap_or_default();
            for (c, s) in c.iter_mut().zip(s) {
                let new = s / count as f64;
                shift += (new - *c) * (new - *c);
                *c = new;
            }
        }
        if monitor.is_cancelled() {
            return Err(KMeansError::Cancelled);
        }
        if shift <= tol {
            break;
        }
    }
    // The labels and inertia of the final centres.
    let sums = assign(x, &mut labels, &centres, k);
    let centroids = Matrix::from_means(centres, d);
    Ok(KMeansFit { centroids, labels, inertia: sums.inertia, n_iter })
}
