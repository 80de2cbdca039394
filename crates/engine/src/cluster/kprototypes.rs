//! k-prototypes (Huang 1998) for customers described by numbers and categories, as the Python
//! `kmodes` package 0.12.2 fits it (`KPrototypes`, `init="Huang"`): each centre holds the mean of
//! its members' numbers and the most common value (mode) of each of their categories, and a
//! customer's cost against a centre is the squared distance of the numbers plus γ per category
//! that differs.
//!
//! It runs on the matrix [`prep`](super::prep) makes: a category is a block of one-hot columns
//! ([`blocks`]) whose "is this level" value is √(γ × weight / 2) ([`weigh_categories`]), so the
//! squared Euclidean distance of a row to a centre whose block is the one-hot of its mode is
//! Huang's cost. Every row is labelled by [`kmeans::nearest`] (the first nearest centre on a tie),
//! so a model labels the fit's rows as the fit did. A row whose block is all 0 (a missing category
//! left unimputed) counts as one more value, "no level", ordered after the levels (so a level wins
//! a tie for the mode); a centre whose mode it is has 0 throughout the block.
//!
//! The steps are `kmodes`': an assignment pass with running sums and level counts, an update of
//! every centre, then iterations in which each row in turn moves to its nearest centre and both
//! centres change at once (the numbers by their running sums, the modes as `_move_point_cat`
//! keeps them); a cluster left empty takes a random member of the largest. A run stops when no
//! row moved or the cost did not fall, or after `max_iter` iterations; of `n_init` runs the
//! lowest cost is kept (the first on a tie). The random numbers are ChaCha's, not numpy's (run `r`
//! draws from stream `r` of the generator seeded with `seed`), so from Huang's starts the fits
//! equal `kmodes`' only up to the draws; from given starts ([`fit_from`]) they are the same
//! (tests/kprototypes_reference.rs).

use std::ops::Range;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use thiserror::Error;

use super::kmeans::{self, KMeansError, KMeansFit, KMeansParams};
use super::matrix::{nth_row, nth_row_mut};
use super::prep::{Prepared, PreparedColumn};
use super::Matrix;
use crate::progress::{Monitor, CANCELLED};

/// Starts tried with the chosen method before random rows are tried instead (`kmodes`'
/// `MAX_INIT_TRIES`).
const MAX_INIT_TRIES: usize = 20;

/// Starts tried in all before giving up (`kmodes`' `RAISE_INIT_TRIES`).
const RAISE_INIT_TRIES: usize = 100;

/// What k-prototypes is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct KPrototypesParams {
    /// Clusters.
    pub k: usize,
    /// Runs from new Huang starts; the one with the lowest cost is kept.
    pub n_init: usize,
    /// Most iterations per run.
    pub max_iter: usize,
    /// Seed of the random numbers (the same seed gives the same labels).
    pub seed: u64,
}

impl Default for KPrototypesParams {
    /// `kmodes`' defaults (`max_iter` 100, `n_init` 10), with `k` = 2 and seed 0.
    fn default() -> Self {
        KPrototypesParams { k: 2, n_init: 10, max_iter: 100, seed: 0 }
    }
}

/// Why k-prototypes cannot run, or that it was stopped.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum KPrototypesError {
    /// k, the number of customers, `n_init` or `max_iter` does not fit (as k-means checks them).
    #[error(transparent)]
    Params(#[from] KMeansError),
    /// Fewer distinct customers than clusters.
    #[error("only {distinct} customers differ in their features, fewer than the {k} clusters asked for; choose k of at most {distinct}.")]
    TooFewDistinct {
        /// Clusters asked for.
        k: usize,
        /// Distinct rows there are.
        distinct: usize,
    },
    /// No category among the features.
    #[error("k-prototypes needs at least one category among the features; with numbers only, choose k-means.")]
    NoCategories,
    /// A category's columns lie outside the matrix or overlap another's.
    #[error("the category columns {start}..{end} are not among the {columns} features or overlap another category's; give each category's one-hot columns once.")]
    BadBlock {
        /// First column (from 0).
        start: usize,
        /// One past the last column.
        end: usize,
        /// Columns there are.
        columns: usize,
    },
    /// Starting centres with another number of features than the rows.
    #[error("the starting centres have {found} features each, the rows {expected}; give one starting centre per cluster with every feature.")]
    BadStart {
        /// Features per starting centre.
        found: usize,
        /// Features per row.
        expected: usize,
    },
    /// Every start left a cluster without customers.
    #[error("no start left every one of the {k} clusters with a customer after {RAISE_INIT_TRIES} tries; choose a smaller k.")]
    NoStart {
        /// Clusters asked for.
        k: usize,
    },
    /// The centres, sums and level counts would have more values than can be counted.
    #[error("{k} clusters over {columns} features (with every category's levels) are too many values to hold; choose a smaller k or fewer features.")]
    TooLarge {
        /// Clusters asked for.
        k: usize,
        /// Features per row.
        columns: usize,
    },
    /// The monitor asked to stop.
    #[error("{CANCELLED}")]
    Cancelled,
}

impl From<crate::progress::Cancelled> for KPrototypesError {
    fn from(_: crate::progress::Cancelled) -> Self {
        KPrototypesError::Cancelled
    }
}

impl KPrototypesParams {
    /// Checks the parameters for a matrix of `rows` rows.
    ///
    /// # Errors
    /// The first [`KPrototypesError`] that applies.
    pub fn check(&self, rows: usize) -> Result<(), KPrototypesError> {
        check(self.k, rows, self.n_init, self.max_iter)
    }
}

/// k-means' checks of `k` against `rows`, `n_init` and `max_iter` (its tolerance is not used here).
fn check(k: usize, rows: usize, n_init: usize, max_iter: usize) -> Result<(), KPrototypesError> {
    Ok(KMeansParams { k, n_init, max_iter, tol: 0.0, ..KMeansParams::default() }.check(rows)?)
}

/// The categories among prepared columns: for each, the range of its one-hot columns
/// (consecutive level columns of the same feature), in column order.
pub fn blocks(columns: &[PreparedColumn]) -> Vec<Range<usize>> {
    let mut blocks: Vec<Range<usize>> = Vec::new();
    let mut owner: Option<&str> = None;
    for (j, c) in columns.iter().enumerate() {
        if c.level.is_none() {
            owner = None;
            continue;
        }
        // Cannot saturate: j < columns.len().
        let next = j.saturating_add(1);
        match blocks.last_mut() {
            Some(b) if owner == Some(c.feature.as_str()) && b.end == j => b.end = next,
            _ => {
                blocks.push(j..next);
                owner = Some(c.feature.as_str());
            }
        }
    }
    blocks
}

/// `kmodes`' default γ: half the mean population standard deviation of the numeric columns (those
/// in no block), so a category mismatch weighs about as much as half a typical number's spread.
/// 1 when there is no number (k-modes) or every number is constant.
pub fn default_gamma(matrix: &Matrix, blocks: &[Range<usize>]) -> f64 {
    let variances = matrix.variances();
    let sds: Vec<f64> = variances
        .iter()
        .enumerate()
        .filter(|(j, _)| !blocks.iter().any(|b| b.contains(j)))
        .map(|(_, v)| v.sqrt())
        .collect();
    if sds.is_empty() {
        return 1.0;
    }
    // Column counts are far below 2^53: exact as f64.
    let gamma = 0.5 * sds.iter().sum::<f64>() / sds.len() as f64;
    if gamma > 0.0 && gamma.is_finite() {
        gamma
    } else {
        1.0
    }
}

/// Weighs the categories of `prepared` for k-prototypes with mismatch cost `gamma`: each level
/// column's weight becomes √(γ × weight / 2), and its values with it, so two rows that differ in
/// a category of feature weight `w` are γ × `w` apart (squared). A `gamma` that is not a number
/// above 0 leaves everything as it is (`ClusterParams::check` reads γ in a positive range).
pub fn weigh_categories(prepared: &mut Prepared, gamma: f64) {
    if !(gamma > 0.0 && gamma.is_finite()) {
        return;
    }
    let d = prepared.matrix.columns();
    // Per column, the old and the new weight (1 and 1 for a number).
    let weights: Vec<(f64, f64)> = prepared
        .columns
        .iter_mut()
        .map(|c| match c.level {
            Some(_) if c.weight > 0.0 => {
                let old = c.weight;
                c.weight = (gamma * old / 2.0).sqrt();
                (old, c.weight)
            }
            _ => (1.0, 1.0),
        })
        .collect();
    let mut values = prepared.matrix.values().to_vec();
    for row in values.chunks_exact_mut(d.max(1)) {
        for (v, &(old, new)) in row.iter_mut().zip(&weights) {
            if old != new {
                // v / old is exactly 1 for "is this level" (x / x), so the value is exactly `new`.
                *v = *v / old * new;
            }
        }
    }
    if let Ok(m) = Matrix::new(values, d) {
        prepared.matrix = m;
    }
}

/// Fits k-prototypes to the rows of `x`, whose categories are the one-hot `blocks`, from `n_init`
/// Huang starts. The fit reads as a k-means one: centres in the matrix's layout (numbers the
/// members' means, each category the one-hot of its mode), each row's nearest centre, and Huang's
/// cost (the squared distances summed) as the inertia.
///
/// ```
/// use segscope_engine::cluster::kprototypes::{fit, KPrototypesParams};
/// use segscope_engine::cluster::Matrix;
/// use segscope_engine::progress::Quiet;
///
/// // A number, then a category of two levels (each level column 0.5: a mismatch costs 0.5).
/// let x = Matrix::new(
///     vec![0.0, 0.5, 0.0, 0.2, 0.5, 0.0, 0.1, 0.5, 0.0, 5.0, 0.0, 0.5, 5.2, 0.0, 0.5, 5.1, 0.0, 0.5],
///     3,
/// )?;
/// let fit = fit(&x, &[1..3], &KPrototypesParams { k: 2, seed: 7, ..KPrototypesParams::default() }, &mut Quiet)?;
/// assert_eq!(fit.sizes(), [3, 3]);
/// assert_eq!(fit.labels[0], fit.labels[2]);
/// assert!((fit.inertia - 0.04).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`KPrototypesError`] for parameters that do not fit `x`, no category, fewer distinct rows than
/// clusters, no start without an empty cluster, or [`KPrototypesError::Cancelled`].
pub fn fit(
    x: &Matrix,
    blocks: &[Range<usize>],
    params: &KPrototypesParams,
    monitor: &mut dyn Monitor,
) -> Result<KMeansFit, KPrototypesError> {
    params.check(x.rows())?;
    let layout = Layout::new(x, blocks, params.k)?;
    if let Some(fit) = few_distinct(x, params.k)? {
        return Ok(fit);
    }
    let mut best: Option<KMeansFit> = None;
    for run in 0..params.n_init {
        let mut rng = stream(params.seed, run);
        let fit = single(x, &layout, params.k, Start::Huang, params.max_iter, &mut rng, &*monitor)?;
        // Cannot saturate: run < n_init.
        monitor.progress("Fitting k-prototypes", (run as u64).saturating_add(1), params.n_init as u64);
        if monitor.is_cancelled() {
            return Err(KPrototypesError::Cancelled);
        }
        if best.as_ref().is_none_or(|b| fit.inertia < b.inertia) {
            best = Some(fit);
        }
    }
    best.ok_or(KPrototypesError::Params(KMeansError::Zero { name: "the number of restarts (n_init)" }))
}

/// One k-prototypes run from `start` (one centre per row, in the layout of `x`; a category's
/// starting level is its first non-zero column), as `kmodes` runs from `init=[numbers,
/// categories]`. `seed` draws what is random even then: the member a cluster left empty takes, and
/// random starts if `start` leaves a cluster empty (as `kmodes`, after its 20 tries).
///
/// # Errors
/// As [`fit`], and [`KPrototypesError::BadStart`] when `start` has another number of columns.
pub fn fit_from(
    x: &Matrix,
    blocks: &[Range<usize>],
    start: &Matrix,
    max_iter: usize,
    seed: u64,
    monitor: &mut dyn Monitor,
) -> Result<KMeansFit, KPrototypesError> {
    let k = start.rows();
    check(k, x.rows(), 1, max_iter)?;
    if start.columns() != x.columns() {
        return Err(KPrototypesError::BadStart { found: start.columns(), expected: x.columns() });
    }
    let layout = Layout::new(x, blocks, k)?;
    if let Some(fit) = few_distinct(x, k)? {
        return Ok(fit);
    }
    let mut rng = stream(seed, 0);
    let fit = single(x, &layout, k, Start::Given(start), max_iter, &mut rng, &*monitor)?;
    monitor.progress("Fitting k-prototypes", 1, 1);
    if monitor.is_cancelled() {
        return Err(KPrototypesError::Cancelled);
    }
    Ok(fit)
}

/// Run `run`'s random numbers: stream `run` of the ChaCha generator seeded with `seed`.
fn stream(seed: u64, run: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run as u64);
    rng
}

/// When `x` has at most `k` distinct rows: an error below `k`; at `k`, the fit whose centres are
/// those rows (cost 0, no iteration), as `kmodes` does. `None` when there are more.
fn few_distinct(x: &Matrix, k: usize) -> Result<Option<KMeansFit>, KPrototypesError> {
    // A capacity only: at most k + 1 distinct rows are kept, and never more than there are rows.
    let mut distinct: Vec<usize> = Vec::with_capacity(k.saturating_add(1).min(x.rows()));
    for i in 0..x.rows() {
        if !distinct.iter().any(|&j| x.row(j) == x.row(i)) {
            distinct.push(i);
            if distinct.len() > k {
                return Ok(None);
            }
        }
    }
    if distinct.len() < k {
        return Err(KPrototypesError::TooFewDistinct { k, distinct: distinct.len() });
    }
    let d = x.columns();
    let centres: Vec<f64> = distinct.iter().flat_map(|&i| x.row(i).iter().copied()).collect();
    let (labels, cost) = label(x, &centres);
    Ok(Some(KMeansFit { centroids: Matrix::from_means(centres, d), labels, inertia: cost, n_iter: 0 }))
}

/// Each row's nearest centre and the sum of their squared distances, in row order (`kmodes`'
/// `labels_cost`).
fn label(x: &Matrix, centres: &[f64]) -> (Vec<u32>, f64) {
    let d = x.columns();
    let mut cost = 0.0;
    let labels = (0..x.rows())
        .map(|i| {
            let (l, dist) = kmeans::nearest(x.row(i), centres, d);
            cost += dist;
            l
        })
        .collect();
    (labels, cost)
}

/// One category's columns, and the value its level columns hold for "is this level".
struct Block {
    columns: Range<usize>,
    on: f64,
}

impl Block {
    /// Its levels; the code `levels()` stands for "no level" (every column 0).
    fn levels(&self) -> usize {
        self.columns.len()
    }
}

/// `k` rows of `width` values: how many values, or [`KPrototypesError::TooLarge`] when that is
/// more than can be counted.
fn cells(k: usize, width: usize, columns: usize) -> Result<usize, KPrototypesError> {
    k.checked_mul(width).ok_or(KPrototypesError::TooLarge { k, columns })
}

/// Which columns are numbers and which make categories, and each row's level code per category.
struct Layout {
    d: usize,
    /// The numeric columns.
    numeric: Vec<usize>,
    blocks: Vec<Block>,
    /// Where each block's level counts lie among a cluster's counts (its levels, plus "no level").
    count_ranges: Vec<Range<usize>>,
    /// Level counts per cluster (every block's levels, plus "no level", one after another).
    counts_len: usize,
    /// Each row's level per block, row after row.
    codes: Vec<usize>,
}

impl Layout {
    /// The layout of `x`'s categories `ranges`, for `k` clusters (an error names `k` when a
    /// cluster's level counts would be too many to count).
    fn new(x: &Matrix, ranges: &[Range<usize>], k: usize) -> Result<Self, KPrototypesError> {
        if ranges.is_empty() {
            return Err(KPrototypesError::NoCategories);
        }
        let d = x.columns();
        let mut taken = vec![false; d];
        for r in ranges {
            let bad = KPrototypesError::BadBlock { start: r.start, end: r.end, columns: d };
            if r.is_empty() || r.end > d {
                return Err(bad);
            }
            for t in taken.get_mut(r.clone()).unwrap_or_default() {
                if *t {
                    return Err(bad);
                }
                *t = true;
            }
        }
        let numeric: Vec<usize> = taken.iter().enumerate().filter(|(_, &t)| !t).map(|(j, _)| j).collect();
        // "Is this level": the first non-zero value in the block (0 if none: every row has no level).
        let blocks: Vec<Block> = ranges
            .iter()
            .map(|r| {
                let on = (0..x.rows())
                    .find_map(|i| x.row(i).get(r.clone()).and_then(|b| b.iter().copied().find(|&v| v != 0.0)))
                    .unwrap_or(0.0);
                Block { columns: r.clone(), on }
            })
            .collect();
        let too_large = || KPrototypesError::TooLarge { k, columns: d };
        let mut count_ranges = Vec::with_capacity(blocks.len());
        let mut counts_len: usize = 0;
        for b in &blocks {
            let end = b.levels().checked_add(1).and_then(|n| counts_len.checked_add(n)).ok_or_else(too_large)?;
            count_ranges.push(counts_len..end);
            counts_len = end;
        }
        let mut codes = Vec::with_capacity(x.rows().checked_mul(blocks.len()).ok_or_else(too_large)?);
        for i in 0..x.rows() {
            let row = x.row(i);
            codes.extend(blocks.iter().map(|b| level(row, b)));
        }
        Ok(Layout { d, numeric, blocks, count_ranges, counts_len, codes })
    }

    /// Row `i`'s level codes, one per block.
    fn codes(&self, i: usize) -> &[usize] {
        nth_row(&self.codes, i, self.blocks.len()).unwrap_or_default()
    }
}

/// The level of `row` in block `b`: its first non-zero column, else "no level".
fn level(row: &[f64], b: &Block) -> usize {
    row.get(b.columns.clone()).and_then(|v| v.iter().position(|&v| v != 0.0)).unwrap_or(b.levels())
}

/// The most common level (the lowest code on a tie: `kmodes`' `get_max_value_key`).
fn mode(counts: &[u64]) -> usize {
    let mut best = (0, 0);
    for (code, &c) in counts.iter().enumerate() {
        if c > best.1 {
            best = (code, c);
        }
    }
    best.0
}

/// Where a run starts.
#[derive(Clone, Copy)]
enum Start<'a> {
    /// Huang's: levels drawn by their frequency, each start moved to the nearest distinct row on
    /// the categories; numbers the mean plus a standard normal times the standard deviation.
    Huang,
    /// Given centres.
    Given(&'a Matrix),
    /// Random rows' categories (drawn with replacement); numbers as Huang's.
    Random,
}

/// The clusters of a run as it goes: centres, running sums and level counts, members.
struct State<'a> {
    x: &'a Matrix,
    layout: &'a Layout,
    k: usize,
    /// The centres in the matrix's layout, k × d.
    centres: Vec<f64>,
    /// Each centre's level per block, k × blocks.
    modes: Vec<usize>,
    /// Each cluster's sum of each numeric column, k × numbers.
    sums: Vec<f64>,
    /// Members per cluster.
    sizes: Vec<usize>,
    /// Members per level, k × `counts_len`.
    counts: Vec<u64>,
    /// Each row's cluster.
    member: Vec<usize>,
}

impl<'a> State<'a> {
    /// Centres at `numbers` (k × numeric columns) and `levels` (k × blocks), no members yet.
    ///
    /// # Errors
    /// [`KPrototypesError::TooLarge`] when the k clusters' values are more than can be counted.
    fn new(
        x: &'a Matrix,
        layout: &'a Layout,
        k: usize,
        numbers: &[f64],
        levels: &[usize],
    ) -> Result<Self, KPrototypesError> {
        let (nn, nb, d) = (layout.numeric.len(), layout.blocks.len(), layout.d);
        let mut s = State {
            x,
            layout,
            k,
            centres: vec![0.0; cells(k, d, d)?],
            modes: vec![0; cells(k, nb, d)?],
            sums: vec![0.0; cells(k, nn, d)?],
            sizes: vec![0; k],
            counts: vec![0; cells(k, layout.counts_len, d)?],
            member: vec![0; x.rows()],
        };
        for c in 0..k {
            for q in 0..nn {
                s.set_number(c, q, nth_row(numbers, c, nn).and_then(|r| r.get(q)).copied().unwrap_or(0.0));
            }
            for b in 0..nb {
                s.set_mode(c, b, nth_row(levels, c, nb).and_then(|r| r.get(b)).copied().unwrap_or(0));
            }
        }
        Ok(s)
    }

    fn set_number(&mut self, c: usize, q: usize, value: f64) {
        if let Some(&j) = self.layout.numeric.get(q) {
            if let Some(v) = nth_row_mut(&mut self.centres, c, self.layout.d).and_then(|r| r.get_mut(j)) {
                *v = value;
            }
        }
    }

    fn set_mode(&mut self, c: usize, b: usize, code: usize) {
        let nb = self.layout.blocks.len();
        if let Some(m) = nth_row_mut(&mut self.modes, c, nb).and_then(|r| r.get_mut(b)) {
            *m = code;
        }
        if let Some(block) = self.layout.blocks.get(b) {
            let centre = nth_row_mut(&mut self.centres, c, self.layout.d);
            let values = centre.and_then(|r| r.get_mut(block.columns.clone())).unwrap_or_default();
            for (level, v) in values.iter_mut().enumerate() {
                *v = if level == code { block.on } else { 0.0 };
            }
        }
    }

    fn mode_of(&self, c: usize, b: usize) -> usize {
        nth_row(&self.modes, c, self.layout.blocks.len()).and_then(|r| r.get(b)).copied().unwrap_or(0)
    }

    /// Where cluster `c`'s counts of block `b`'s levels lie in `counts` (`None` for no such
    /// block, or past the end of what can be counted).
    fn count_range(&self, c: usize, b: usize) -> Option<Range<usize>> {
        let range = self.layout.count_ranges.get(b)?;
        let row = c.checked_mul(self.layout.counts_len)?;
        Some(row.checked_add(range.start)?..row.checked_add(range.end)?)
    }

    /// Cluster `c`'s counts of block `b`'s levels.
    fn counts_of(&self, c: usize, b: usize) -> &[u64] {
        self.count_range(c, b).and_then(|r| self.counts.get(r)).unwrap_or_default()
    }

    fn count_mut(&mut self, c: usize, b: usize, code: usize) -> Option<&mut u64> {
        let range = self.count_range(c, b)?;
        self.counts.get_mut(range)?.get_mut(code)
    }

    /// Puts every row in its nearest centre's cluster, counting sums and levels (the centres do
    /// not move); false when a cluster is left empty.
    fn assign(&mut self) -> bool {
        let (nn, d) = (self.layout.numeric.len(), self.layout.d);
        for i in 0..self.x.rows() {
            let row = self.x.row(i);
            let (l, _) = kmeans::nearest(row, &self.centres, d);
            let c = l as usize;
            if let Some(m) = self.member.get_mut(i) {
                *m = c;
            }
            // Cannot saturate (here and in the level counts): one per row.
            if let Some(s) = self.sizes.get_mut(c) {
                *s = s.saturating_add(1);
            }
            for (s, &j) in nth_row_mut(&mut self.sums, c, nn).unwrap_or_default().iter_mut().zip(&self.layout.numeric) {
                if let Some(&v) = row.get(j) {
                    *s += v;
                }
            }
            for (b, &code) in self.layout.codes(i).iter().enumerate() {
                if let Some(n) = self.count_mut(c, b, code) {
                    *n = n.saturating_add(1);
                }
            }
        }
        self.sizes.iter().all(|&s| s > 0)
    }

    /// Every centre at its members' means and modes.
    fn update(&mut self) {
        let nn = self.layout.numeric.len();
        for c in 0..self.k {
            // Sizes are far below 2^53: exact as f64.
            let size = self.sizes.get(c).copied().unwrap_or(0) as f64;
            for q in 0..nn {
                let sum = nth_row(&self.sums, c, nn).and_then(|r| r.get(q)).copied().unwrap_or(0.0);
                self.set_number(c, q, sum / size);
            }
            for b in 0..self.layout.blocks.len() {
                let m = mode(self.counts_of(c, b));
                self.set_mode(c, b, m);
            }
        }
    }

    /// Row `i`'s numbers moved from cluster `from` to `to` (`kmodes`' `_move_point_num`).
    fn move_numbers(&mut self, i: usize, to: usize, from: usize) {
        let nn = self.layout.numeric.len();
        let row = self.x.row(i);
        let numeric = &self.layout.numeric;
        // Each sum still takes `+ v` before `- v` (as value by value): `to`'s row, then `from`'s.
        for (s, &j) in nth_row_mut(&mut self.sums, to, nn).unwrap_or_default().iter_mut().zip(numeric) {
            *s += row.get(j).copied().unwrap_or(0.0);
        }
        for (s, &j) in nth_row_mut(&mut self.sums, from, nn).unwrap_or_default().iter_mut().zip(numeric) {
            *s -= row.get(j).copied().unwrap_or(0.0);
        }
        // Cannot saturate: a size counts rows.
        if let Some(s) = self.sizes.get_mut(to) {
            *s = s.saturating_add(1);
        }
        if let Some(s) = self.sizes.get_mut(from) {
            *s = s.saturating_sub(1);
        }
    }

    /// Row `i`'s levels moved from cluster `from` to `to`, the modes kept as `kmodes`'
    /// `_move_point_cat` keeps them: `to` takes the row's level when it now counts more than its
    /// mode; `from` recounts its mode when it lost one of the mode's rows.
    fn move_levels(&mut self, i: usize, to: usize, from: usize) {
        if let Some(m) = self.member.get_mut(i) {
            *m = to;
        }
        let layout = self.layout;
        for (b, &code) in layout.codes(i).iter().enumerate() {
            let added = self.count_mut(to, b, code).map_or(0, |n| {
                // Cannot saturate: a count counts rows.
                *n = n.saturating_add(1);
                *n
            });
            let current = self.mode_of(to, b);
            if self.counts_of(to, b).get(current).copied().unwrap_or(0) < added {
                self.set_mode(to, b, code);
            }
            if let Some(n) = self.count_mut(from, b, code) {
                *n = n.saturating_sub(1);
            }
            if self.mode_of(from, b) == code {
                let m = mode(self.counts_of(from, b));
                self.set_mode(from, b, m);
            }
        }
    }

    /// Cluster `c`'s numbers at its members' means, 0 when it has none.
    fn recentre_numbers(&mut self, c: usize) {
        let layout = self.layout;
        let size = self.sizes.get(c).copied().unwrap_or(0);
        let sums = nth_row(&self.sums, c, layout.numeric.len()).unwrap_or_default();
        let centre = nth_row_mut(&mut self.centres, c, layout.d).unwrap_or_default();
        for (q, &j) in layout.numeric.iter().enumerate() {
            let v = if size > 0 {
                // Sizes are far below 2^53: exact as f64.
                sums.get(q).copied().unwrap_or(0.0) / size as f64
            } else {
                0.0
            };
            if let Some(x) = centre.get_mut(j) {
                *x = v;
            }
        }
    }

    /// One pass over the rows in order (`kmodes`' `_k_prototypes_iter`); the rows moved.
    fn iterate(&mut self, rng: &mut impl Rng) -> usize {
        let d = self.layout.d;
        let mut moves: usize = 0;
        for i in 0..self.x.rows() {
            let (l, _) = kmeans::nearest(self.x.row(i), &self.centres, d);
            let to = l as usize;
            let old = self.member.get(i).copied().unwrap_or(to);
            if old == to {
                continue;
            }
            // Cannot saturate: one per row.
            moves = moves.saturating_add(1);
            self.move_numbers(i, to, old);
            self.move_levels(i, to, old);
            self.recentre_numbers(to);
            self.recentre_numbers(old);
            if self.sizes.get(old).copied().unwrap_or(0) == 0 {
                // A random member of the largest cluster (the first of the largest); as in
                // `kmodes`, the two clusters' numbers are recentred at their next move.
                let mut from = 0;
                for (c, &s) in self.sizes.iter().enumerate() {
                    if s > self.sizes.get(from).copied().unwrap_or(0) {
                        from = c;
                    }
                }
                let choices: Vec<usize> =
                    self.member.iter().enumerate().filter(|(_, &m)| m == from).map(|(r, _)| r).collect();
                if choices.is_empty() {
                    continue;
                }
                if let Some(&r) = choices.get(rng.random_range(0..choices.len())) {
                    self.move_numbers(r, old, from);
                    self.move_levels(r, old, from);
                }
            }
        }
        moves
    }
}

/// The numeric columns' means and population standard deviations, in row order.
fn spread(x: &Matrix, layout: &Layout) -> (Vec<f64>, Vec<f64>) {
    let variances = x.variances();
    // Row counts are far below 2^53: exact as f64.
    let n = x.rows().max(1) as f64;
    let mut means = vec![0.0; layout.numeric.len()];
    for i in 0..x.rows() {
        let row = x.row(i);
        for (m, &j) in means.iter_mut().zip(&layout.numeric) {
            *m += row.get(j).copied().unwrap_or(0.0);
        }
    }
    means.iter_mut().for_each(|m| *m /= n);
    let sds = layout.numeric.iter().map(|&j| variances.get(j).copied().unwrap_or(0.0).sqrt()).collect();
    (means, sds)
}

/// A start's numbers (k × numeric columns) and levels (k × blocks).
///
/// # Errors
/// [`KPrototypesError::TooLarge`] when k × columns values are more than can be counted.
fn starting(
    x: &Matrix,
    layout: &Layout,
    k: usize,
    start: Start,
    rng: &mut impl Rng,
) -> Result<(Vec<f64>, Vec<usize>), KPrototypesError> {
    let (nn, nb, d) = (layout.numeric.len(), layout.blocks.len(), layout.d);
    let levels = match start {
        Start::Given(m) => {
            let mut numbers = Vec::with_capacity(cells(k, nn, d)?);
            let mut levels = Vec::with_capacity(cells(k, nb, d)?);
            for c in 0..k {
                let row = m.row(c);
                numbers.extend(layout.numeric.iter().map(|&j| row.get(j).copied().unwrap_or(0.0)));
                levels.extend(layout.blocks.iter().map(|b| level(row, b)));
            }
            return Ok((numbers, levels));
        }
        Start::Huang => huang_levels(x, layout, k, rng)?,
        Start::Random => {
            let n = x.rows();
            let rows: Vec<usize> = (0..k).map(|_| rng.random_range(0..n)).collect();
            rows.iter().flat_map(|&i| layout.codes(i).iter().copied()).collect()
        }
    };
    let (means, sds) = spread(x, layout);
    let mut numbers = Vec::with_capacity(cells(k, nn, d)?);
    for _ in 0..k {
        for (m, s) in means.iter().zip(&sds) {
            let z: f64 = rng.sample(StandardNormal);
            numbers.push(m + z * s);
        }
    }
    Ok((numbers, levels))
}

/// Huang's categorical start (`kmodes`' `init_huang`): per block, `k` levels drawn by their
/// frequency (a uniform position in the sorted levels); then each start becomes the categories of
/// the row that matches it best (the first on a tie) among the rows equal to no start, or, when
/// every row equals a start, the last of the rows in order of mismatch.
fn huang_levels(x: &Matrix, layout: &Layout, k: usize, rng: &mut impl Rng) -> Result<Vec<usize>, KPrototypesError> {
    let (n, nb) = (x.rows(), layout.blocks.len());
    let mut starts = vec![0usize; cells(k, nb, layout.d)?];
    for (b, range) in layout.count_ranges.iter().enumerate() {
        // Per level (and "no level"), its rows. Cannot saturate: one per row.
        let mut counts = vec![0usize; range.len()];
        for i in 0..n {
            if let Some(c) = layout.codes(i).get(b).and_then(|&code| counts.get_mut(code)) {
                *c = c.saturating_add(1);
            }
        }
        for c in 0..k {
            let mut position = rng.random_range(0..n);
            let mut code = 0;
            for (level, &count) in counts.iter().enumerate() {
                let Some(rest) = position.checked_sub(count) else {
                    code = level;
                    break;
                };
                position = rest;
            }
            if let Some(s) = nth_row_mut(&mut starts, c, nb).and_then(|r| r.get_mut(b)) {
                *s = code;
            }
        }
    }
    let mismatches = |i: usize, start: &[usize]| layout.codes(i).iter().zip(start).filter(|(a, b)| a != b).count();
    for c in 0..k {
        let start: Vec<usize> = nth_row(&starts, c, nb).unwrap_or_default().to_vec();
        let mut best: Option<(usize, usize)> = None;
        let mut last: Option<(usize, usize)> = None;
        for i in 0..n {
            let m = mismatches(i, &start);
            if last.is_none_or(|(_, lm)| m >= lm) {
                last = Some((i, m));
            }
            let taken = starts.chunks_exact(nb.max(1)).any(|s| s == layout.codes(i));
            if !taken && best.is_none_or(|(_, bm)| m < bm) {
                best = Some((i, m));
            }
        }
        if let Some((i, _)) = best.or(last) {
            let codes = layout.codes(i);
            if let Some(s) = nth_row_mut(&mut starts, c, nb) {
                s.iter_mut().zip(codes).for_each(|(s, &code)| *s = code);
            }
        }
    }
    Ok(starts)
}

/// One run (`kmodes`' `_k_prototypes_single`): starts until none leaves a cluster empty, the
/// centres updated once, then iterations.
fn single(
    x: &Matrix,
    layout: &Layout,
    k: usize,
    start: Start,
    max_iter: usize,
    rng: &mut impl Rng,
    monitor: &dyn Monitor,
) -> Result<KMeansFit, KPrototypesError> {
    let mut state = None;
    for tries in 1..=RAISE_INIT_TRIES {
        let method = if tries <= MAX_INIT_TRIES { start } else { Start::Random };
        if tries > 1 && matches!(method, Start::Given(_)) {
            // The same start again: the same empty cluster (kmodes tries it 20 times).
            continue;
        }
        if monitor.is_cancelled() {
            return Err(KPrototypesError::Cancelled);
        }
        let (numbers, levels) = starting(x, layout, k, method, rng)?;
        let mut s = State::new(x, layout, k, &numbers, &levels)?;
        if s.assign() {
            state = Some(s);
            break;
        }
    }
    let Some(mut state) = state else {
        return Err(KPrototypesError::NoStart { k });
    };
    state.update();
    let (mut labels, mut cost) = label(x, &state.centres);
    let mut n_iter = 0;
    for iteration in 1..=max_iter {
        if monitor.is_cancelled() {
            return Err(KPrototypesError::Cancelled);
        }
        n_iter = iteration;
        let moves = state.iterate(rng);
        let (new_labels, new_cost) = label(x, &state.centres);
        let converged = moves == 0 || new_cost >= cost;
        labels = new_labels;
        cost = new_cost;
        if converged {
            break;
        }
    }
    Ok(KMeansFit { centroids: Matrix::from_means(state.centres, layout.d), labels, inertia: cost, n_iter })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::prep::{prepare, FeatureSpec, Missing, Scaling};
    use crate::progress::Quiet;
    use crate::table::ColumnData;

    /// Three groups of 30: numbers around (0, 0), (6, 0), (0, 6); a category of three levels,
    /// mostly the group's own (every tenth row another level). Level columns hold 0.5.
    fn planted() -> (Matrix, Vec<usize>) {
        let mut v = Vec::new();
        let mut truth = Vec::new();
        for (g, (cx, cy)) in [(0.0, 0.0), (6.0, 0.0), (0.0, 6.0)].into_iter().enumerate() {
            for i in 0..30 {
                let jitter = f64::from(i % 7) * 0.15 - 0.45;
                let level = if i % 10 == 9 { (g + 1) % 3 } else { g };
                v.extend([cx + jitter, cy - jitter * 0.5]);
                v.extend((0..3).map(|l| if l == level { 0.5 } else { 0.0 }));
                truth.push(g);
            }
        }
        (Matrix::new(v, 5).unwrap_or_else(|e| panic!("{e}")), truth)
    }

    /// A single category's block (a one-element array of a range reads as a mistake to clippy).
    fn one(block: Range<usize>) -> [Range<usize>; 1] {
        [block]
    }

    fn params(k: usize, seed: u64) -> KPrototypesParams {
        KPrototypesParams { k, seed, ..KPrototypesParams::default() }
    }

    #[test]
    fn planted_mixed_groups_are_recovered() {
        let (x, truth) = planted();
        for seed in 0..5 {
            let fit = fit(&x, &one(2..5), &params(3, seed), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(fit.sizes(), [30, 30, 30], "seed {seed}");
            for (l, t) in fit.labels.iter().zip(&truth) {
                let first = fit.labels.get(truth.iter().position(|u| u == t).unwrap_or(0));
                assert_eq!(Some(l), first, "seed {seed}");
            }
            // Each centre's category is its group's level.
            for c in 0..3 {
                let block = fit.centroids.row(c).get(2..5).unwrap_or_default();
                assert_eq!(block.iter().filter(|&&v| v == 0.5).count(), 1);
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_labels() {
        let (x, _) = planted();
        let p = KPrototypesParams { k: 4, n_init: 3, seed: 42, ..KPrototypesParams::default() };
        let a = fit(&x, &one(2..5), &p, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        let b = fit(&x, &one(2..5), &p, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, b);
    }

    /// Rows with integer numbers (many ties) and two categories.
    fn lumpy() -> Matrix {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let v: Vec<f64> = (0..300)
            .flat_map(|_| {
                let a = rng.random_range(0..4usize);
                let b = rng.random_range(0..3usize);
                let mut row = vec![f64::from(rng.random_range(0..5u8)), f64::from(rng.random_range(0..3u8))];
                row.extend((0..4).map(|l| if l == a { 0.7 } else { 0.0 }));
                row.extend((0..3).map(|l| if l == b { 0.7 } else { 0.0 }));
                row
            })
            .collect();
        Matrix::new(v, 9).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn final_labels_are_each_rows_nearest_centre() {
        let x = lumpy();
        for k in 2..7 {
            let fit = fit(&x, &[2..6, 6..9], &params(k, k as u64), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
            let mut cost = 0.0;
            for (i, &l) in fit.labels.iter().enumerate() {
                let (j, dist) = kmeans::nearest(x.row(i), fit.centroids.values(), x.columns());
                assert_eq!(l, j, "k = {k}, row {i}");
                cost += dist;
            }
            assert_eq!(cost, fit.inertia, "k = {k}");
        }
    }

    #[test]
    fn without_a_category_it_says_to_choose_k_means() {
        let x = Matrix::new(vec![0.0, 1.0, 2.0, 3.0], 1).unwrap_or_else(|e| panic!("{e}"));
        let err = fit(&x, &[], &params(2, 0), &mut Quiet).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("k-prototypes needs at least one category among the features; with numbers only, choose k-means.")
        );
    }

    #[test]
    fn k_cannot_exceed_rows() {
        let (x, _) = planted();
        let err = fit(&x, &one(2..5), &params(91, 0), &mut Quiet).err();
        assert_eq!(err, Some(KPrototypesError::Params(KMeansError::TooFewRows { k: 91, rows: 90 })));
        assert!(err.is_some_and(|e| e.to_string().starts_with("91 clusters need at least 91 customers")));
        assert_eq!(
            fit(&x, &one(2..5), &params(1, 0), &mut Quiet).err(),
            Some(KPrototypesError::Params(KMeansError::TooFewClusters(1)))
        );
    }

    #[test]
    fn fewer_distinct_rows_than_clusters_is_an_error_and_as_many_is_those_rows() {
        let x = Matrix::new([0.0, 1.0, 0.0, 3.0, 0.0, 1.0].repeat(4), 3).unwrap_or_else(|e| panic!("{e}"));
        let err = fit(&x, &one(1..3), &params(3, 0), &mut Quiet).err();
        assert_eq!(err, Some(KPrototypesError::TooFewDistinct { k: 3, distinct: 2 }));
        let two = fit(&x, &one(1..3), &params(2, 0), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(two.inertia, 0.0);
        assert_eq!(two.centroids.values(), [0.0, 1.0, 0.0, 3.0, 0.0, 1.0]);
        assert_eq!(two.sizes(), [4, 4]);
    }

    #[test]
    fn categories_alone_are_k_modes() {
        // Two categories, every level column 1: a mismatch costs 2 (γ = 2).
        let x = Matrix::new(lumpy().values().chunks_exact(9).flat_map(|r| r[2..].to_vec()).collect(), 7)
            .unwrap_or_else(|e| panic!("{e}"));
        let x = Matrix::new(x.values().iter().map(|v| if *v != 0.0 { 1.0 } else { 0.0 }).collect(), 7)
            .unwrap_or_else(|e| panic!("{e}"));
        let fit = fit(&x, &[0..4, 4..7], &params(3, 1), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        // Every centre is a pair of levels, and the cost is 2 per mismatch.
        let mut mismatches = 0;
        for (i, &l) in fit.labels.iter().enumerate() {
            let c = fit.centroids.row(l as usize);
            assert!(c.iter().all(|&v| v == 0.0 || v == 1.0) && c.iter().sum::<f64>() == 2.0);
            mismatches += [0..4, 4..7].into_iter().filter(|r| x.row(i)[r.clone()] != c[r.clone()]).count();
        }
        assert_eq!(fit.inertia, 2.0 * mismatches as f64);
        assert_eq!(default_gamma(&x, &[0..4, 4..7]), 1.0);
    }

    #[test]
    fn a_start_that_leaves_a_cluster_empty_gives_way_to_random_rows() {
        let (x, _) = planted();
        // The third start lies far from every row: no row is nearest to it.
        let start = Matrix::new(
            [[0.0, 0.0, 0.5, 0.0, 0.0], [6.0, 0.0, 0.0, 0.5, 0.0], [99.0, 99.0, 0.0, 0.0, 0.5]].concat(),
            5,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let fit = fit_from(&x, &one(2..5), &start, 100, 3, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fit.centroids.rows(), 3);
        assert!(fit.centroids.values().iter().all(|v| v.abs() < 50.0));
        assert!(fit.sizes().iter().all(|&s| s > 0), "{:?}", fit.sizes());
    }

    #[test]
    fn a_cancel_stops_the_fit() {
        struct Stop;
        impl Monitor for Stop {
            fn progress(&mut self, _: &str, _: u64, _: u64) {}
            fn is_cancelled(&self) -> bool {
                true
            }
        }
        let (x, _) = planted();
        assert_eq!(fit(&x, &one(2..5), &params(3, 0), &mut Stop).err(), Some(KPrototypesError::Cancelled));
    }

    #[test]
    fn each_categorys_one_hot_columns_make_a_block_and_a_mismatch_costs_gamma_times_its_weight() {
        let age = ColumnData::Integer(vec![Some(30), Some(50), Some(40), Some(20)]);
        let city = ColumnData::Categorical {
            dictionary: vec!["Ghent".into(), "Lyon".into(), "Porto".into()],
            codes: vec![Some(1), Some(0), Some(2), Some(1)],
        };
        let plan = ColumnData::Categorical { dictionary: vec!["a".into(), "b".into()], codes: vec![Some(0); 4] };
        let table = [("age", &age), ("city", &city), ("plan", &plan)];
        let features = [
            FeatureSpec { column: "city".into(), log: false, scaling: Scaling::None, weight: 2.0, score: None },
            FeatureSpec { column: "age".into(), log: false, scaling: Scaling::Zscore, weight: 1.0, score: None },
            FeatureSpec { column: "plan".into(), log: false, scaling: Scaling::None, weight: 1.0, score: None },
        ];
        let mut p = prepare(&table, &features, Missing::Drop, None).unwrap_or_else(|e| panic!("{e}"));
        let b = blocks(&p.columns);
        assert_eq!(b, [0..3, 4..6]);
        let gamma = default_gamma(&p.matrix, &b);
        assert!((gamma - 0.5).abs() < 1e-15, "{gamma}");
        weigh_categories(&mut p, 0.8);
        // Rows 0 and 1 differ in the city (weight 2): 0.8 × 2 apart, plus their ages.
        let ages = (p.matrix.row(0)[3] - p.matrix.row(1)[3]).powi(2);
        let d = crate::cluster::matrix::squared_distance(p.matrix.row(0), p.matrix.row(1));
        assert!((d - ages - 1.6).abs() < 1e-12, "{d}");
        assert_eq!(p.matrix.row(0)[1], (0.8f64 * 2.0 / 2.0).sqrt());
        assert_eq!(p.columns[4].weight, 0.4f64.sqrt());
        assert_eq!(p.matrix.row(0)[4], 0.4f64.sqrt());
        assert_eq!(p.columns[3].weight, 1.0);
    }

    #[test]
    fn default_gamma_is_half_the_mean_standard_deviation_of_the_numbers() {
        // Numbers with population sd 1 and 3 (columns 0 and 2); one-column blocks that do not count.
        let x = Matrix::new(vec![0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 6.0, 1.0], 4).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(default_gamma(&x, &[1..2, 3..4]), 1.0);
        // Every number constant: 1, as with no number.
        let flat = Matrix::new(vec![4.0, 1.0, 4.0, 0.0], 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(default_gamma(&flat, &one(1..2)), 1.0);
        let spread = Matrix::new(vec![1.0, 0.0, 3.0, 1.0], 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(default_gamma(&spread, &one(1..2)), 0.5);
    }
}
