//! How well a clustering separates its rows, as scikit-learn's `sklearn.metrics` scores it:
//! silhouette (higher is better, -1..1), Calinski–Harabasz (higher is better) and Davies–Bouldin
//! (lower is better). None builds a rows × rows matrix: the silhouette sums each row's distances
//! to every cluster on the fly, on a seeded sample of rows above [`SILHOUETTE_EXACT_ROWS`].

use rand::seq::index::sample;
use rand::SeedableRng;

use super::matrix::{nth_row, nth_row_mut, squared_distance};
use super::Matrix;

/// Up to this many rows the silhouette is exact; above, it is taken on a sample of this size.
pub const SILHOUETTE_EXACT_ROWS: usize = 10_000;

/// A silhouette score and the rows it was computed on.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Silhouette {
    /// The mean silhouette.
    pub score: f64,
    /// Rows it was computed on (all of them, or a sample).
    pub rows: usize,
    /// True when `rows` is a seeded sample, not every row.
    pub sampled: bool,
    /// True when distances are Gower's (mixed numbers and categories), not Euclidean.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gower: bool,
}

impl Silhouette {
    /// How it was measured, in words when not the plain Euclidean one on every row: "Gower's
    /// distance", "on a seeded sample of 10,000", or both; empty otherwise.
    pub fn how(&self) -> String {
        let sample = self.sampled.then(|| format!("on a seeded sample of {}", crate::format::thousands(self.rows)));
        match (self.gower, sample) {
            (true, Some(s)) => format!("Gower's distance, {s}"),
            (true, None) => "Gower's distance".to_string(),
            (false, Some(s)) => s,
            (false, None) => String::new(),
        }
    }
}

/// Up to this many rows the Gower silhouette of mixed features is exact; above, it is taken on a
/// seeded sample of this size (each distance walks every feature, so it costs more than the
/// Euclidean one).
pub const GOWER_ROWS: usize = 4_000;

/// All of `0..n` when `n <= max_rows`, else `max_rows` of them drawn with `seed`, in order.
pub(crate) fn sampled_rows(n: usize, max_rows: usize, seed: u64) -> Vec<usize> {
    if n > max_rows {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut picked = sample(&mut rng, n, max_rows).into_vec();
        picked.sort_unstable();
        picked
    } else {
        (0..n).collect()
    }
}

/// The mean silhouette of `labels` (each `0..k`) over the rows of `x`, exact up to `max_rows`
/// rows, else on that many rows drawn with `seed` (as scikit-learn's
/// `silhouette_score(sample_size=…)`). A row alone in its cluster scores 0. `None` with fewer
/// than 2 clusters in use.
pub fn silhouette(x: &Matrix, labels: &[u32], k: usize, max_rows: usize, seed: u64) -> Option<Silhouette> {
    silhouette_by(x, labels, k, max_rows, seed, |a, b| squared_distance(a, b).sqrt())
}

/// The mean silhouette of `labels` with Gower's distance, for features that mix numbers and
/// categories (as the `gower` Python package measures it): the mean over features of
/// |a − b| / the number's range for each numeric column, and 0 or 1 for each category (the
/// one-hot columns in `blocks`: the same level or not). On the prepared values, so a scaled number
/// measures as the original (Gower divides by the range) and a logged one as its log. Exact up to
/// `max_rows` rows, else on a sample drawn with `seed`.
pub fn gower_silhouette(
    x: &Matrix,
    blocks: &[std::ops::Range<usize>],
    labels: &[u32],
    k: usize,
    max_rows: usize,
    seed: u64,
) -> Option<Silhouette> {
    let d = x.columns();
    let n = x.rows().min(labels.len());
    let in_block = |j: usize| blocks.iter().any(|b| b.contains(&j));
    let numeric: Vec<usize> = (0..d).filter(|&j| !in_block(j)).collect();
    // Ranges over the rows measured (the `gower` package takes them over the data it is given).
    let rows = sampled_rows(n, max_rows.max(2), seed);
    let mut lo = vec![f64::INFINITY; d];
    let mut hi = vec![f64::NEG_INFINITY; d];
    for &i in &rows {
        for &j in &numeric {
            if let (Some(v), Some(l), Some(h)) = (x.row(i).get(j), lo.get_mut(j), hi.get_mut(j)) {
                *l = l.min(*v);
                *h = h.max(*v);
            }
        }
    }
    let inverse_range: Vec<(usize, f64)> = numeric
        .iter()
        .map(|&j| {
            let range = hi.get(j).copied().unwrap_or(0.0) - lo.get(j).copied().unwrap_or(0.0);
            (j, if range > 0.0 { 1.0 / range } else { 0.0 })
        })
        .collect();
    // Cannot saturate: the lengths of two slices of 8- and 16-byte items.
    let features = numeric.len().saturating_add(blocks.len()).max(1) as f64;
    // A row's level in a block: the column that is not 0 (`None`: no level).
    let level =
        |row: &[f64], b: &std::ops::Range<usize>| row.get(b.clone()).and_then(|v| v.iter().position(|&x| x != 0.0));
    let gower = |a: &[f64], b: &[f64]| {
        let mut sum = 0.0;
        for &(j, inv) in &inverse_range {
            sum += (a.get(j).copied().unwrap_or(0.0) - b.get(j).copied().unwrap_or(0.0)).abs() * inv;
        }
        for block in blocks {
            if level(a, block) != level(b, block) {
                sum += 1.0;
            }
        }
        sum / features
    };
    let mut s = silhouette_by(x, labels, k, max_rows, seed, gower)?;
    s.gower = true;
    Some(s)
}

/// The mean silhouette under `distance`, on the rows [`sampled_rows`] picks.
fn silhouette_by(
    x: &Matrix,
    labels: &[u32],
    k: usize,
    max_rows: usize,
    seed: u64,
    distance: impl Fn(&[f64], &[f64]) -> f64,
) -> Option<Silhouette> {
    let n = x.rows().min(labels.len());
    let rows = sampled_rows(n, max_rows.max(2), seed);
    let label = |i: usize| labels.get(i).map_or(0, |&l| l as usize);
    let mut sizes = vec![0usize; k];
    for &i in &rows {
        if let Some(s) = sizes.get_mut(label(i)) {
            // Cannot saturate: one per row.
            *s = s.saturating_add(1);
        }
    }
    if sizes.iter().filter(|&&s| s > 0).count() < 2 {
        return None;
    }
    let mut total = 0.0;
    let mut sums = vec![0.0; k];
    for &i in &rows {
        sums.iter_mut().for_each(|s| *s = 0.0);
        let row = x.row(i);
        for &j in &rows {
            if let Some(s) = sums.get_mut(label(j)) {
                *s += distance(row, x.row(j));
            }
        }
        let own = label(i);
        let own_size = sizes.get(own).copied().unwrap_or(0);
        if own_size <= 1 {
            continue;
        }
        // Cannot saturate: own_size > 1 (above).
        let a = sums.get(own).copied().unwrap_or(0.0) / own_size.saturating_sub(1) as f64;
        let b = sums
            .iter()
            .zip(&sizes)
            .enumerate()
            .filter(|&(c, (_, &size))| c != own && size > 0)
            .map(|(_, (s, &size))| s / size as f64)
            .fold(f64::INFINITY, f64::min);
        let m = a.max(b);
        if m > 0.0 {
            total += (b - a) / m;
        }
    }
    Some(Silhouette { score: total / rows.len() as f64, rows: rows.len(), sampled: rows.len() < n, gower: false })
}

/// Each cluster's size and centre (the mean of its rows); `None` when k centres are more values
/// than can be counted.
fn centres(x: &Matrix, labels: &[u32], k: usize) -> Option<(Vec<usize>, Vec<f64>)> {
    let d = x.columns();
    let mut sizes = vec![0usize; k];
    let mut sums = vec![0.0; k.checked_mul(d)?];
    for (i, &l) in labels.iter().enumerate().take(x.rows()) {
        let l = l as usize;
        if let (Some(size), Some(s)) = (sizes.get_mut(l), nth_row_mut(&mut sums, l, d)) {
            // Cannot saturate: one per row.
            *size = size.saturating_add(1);
            s.iter_mut().zip(x.row(i)).for_each(|(a, b)| *a += b);
        }
    }
    for (c, &size) in sums.chunks_exact_mut(d).zip(&sizes) {
        if size > 0 {
            c.iter_mut().for_each(|v| *v /= size as f64);
        }
    }
    Some((sizes, sums))
}

/// The Calinski–Harabasz score: between-cluster dispersion over within-cluster dispersion, each
/// divided by its degrees of freedom. `None` with fewer than 2 clusters in use or as many
/// clusters as rows.
pub fn calinski_harabasz(x: &Matrix, labels: &[u32], k: usize) -> Option<f64> {
    let d = x.columns();
    let n = x.rows().min(labels.len());
    let (sizes, centres) = centres(x, labels, k)?;
    let used = sizes.iter().filter(|&&s| s > 0).count();
    if used < 2 || used >= n {
        return None;
    }
    let mut mean = vec![0.0; d];
    for i in 0..n {
        mean.iter_mut().zip(x.row(i)).for_each(|(m, v)| *m += v);
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    let between: f64 = centres.chunks_exact(d).zip(&sizes).map(|(c, &s)| s as f64 * squared_distance(c, &mean)).sum();
    let within: f64 = labels
        .iter()
        .enumerate()
        .take(n)
        .map(|(i, &l)| squared_distance(x.row(i), nth_row(&centres, l as usize, d).unwrap_or_default()))
        .sum();
    if within == 0.0 {
        return Some(1.0);
    }
    // Cannot saturate: 2 ≤ used < n (above).
    Some(between * n.saturating_sub(used) as f64 / (within * used.saturating_sub(1) as f64))
}

/// The Davies–Bouldin score: the mean over clusters of the worst ratio of two clusters' spread
/// (mean distance to the centre) to the distance between their centres. `None` with fewer than
/// 2 clusters in use.
pub fn davies_bouldin(x: &Matrix, labels: &[u32], k: usize) -> Option<f64> {
    let d = x.columns();
    let (sizes, centres) = centres(x, labels, k)?;
    let used: Vec<usize> = (0..k).filter(|&c| sizes.get(c).copied().unwrap_or(0) > 0).collect();
    if used.len() < 2 {
        return None;
    }
    let centre = |c: usize| nth_row(&centres, c, d).unwrap_or_default();
    let mut spread = vec![0.0; k];
    for (i, &l) in labels.iter().enumerate().take(x.rows()) {
        if let Some(s) = spread.get_mut(l as usize) {
            *s += squared_distance(x.row(i), centre(l as usize)).sqrt();
        }
    }
    spread.iter_mut().zip(&sizes).for_each(|(s, &n)| *s /= n.max(1) as f64);
    let mut total = 0.0;
    for &i in &used {
        let worst = used
            .iter()
            .filter(|&&j| j != i)
            .map(|&j| {
                let apart = squared_distance(centre(i), centre(j)).sqrt();
                let together = spread.get(i).copied().unwrap_or(0.0) + spread.get(j).copied().unwrap_or(0.0);
                // Coincident centres count as far apart, as in scikit-learn.
                if apart == 0.0 {
                    0.0
                } else {
                    together / apart
                }
            })
            .fold(0.0, f64::max);
        total += worst;
    }
    Some(total / used.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> Matrix {
        Matrix::new((0..n).map(|i| i as f64).collect(), 1).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn one_cluster_has_no_score() {
        let x = line(4);
        assert_eq!(silhouette(&x, &[0, 0, 0, 0], 2, SILHOUETTE_EXACT_ROWS, 0), None);
        assert_eq!(calinski_harabasz(&x, &[1, 1, 1, 1], 2), None);
        assert_eq!(davies_bouldin(&x, &[0, 0, 0, 0], 3), None);
    }

    #[test]
    fn a_large_silhouette_is_taken_on_a_seeded_sample_and_says_so() {
        // Evenly spaced points cut in half: the silhouette tends to 0.62673 (numerically integrated).
        let x = line(20_000);
        let labels: Vec<u32> = (0..20_000).map(|i| u32::from(i >= 10_000)).collect();
        let a = silhouette(&x, &labels, 2, 2000, 7).unwrap_or_else(|| panic!("no score"));
        assert!(a.sampled);
        assert_eq!(a.rows, 2000);
        assert_eq!(silhouette(&x, &labels, 2, 2000, 7), Some(a));
        assert!((a.score - 0.62673).abs() < 0.01, "{}", a.score);
    }
}
