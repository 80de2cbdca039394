//! A picture of the clusters: the prepared rows projected on their first two principal
//! components (as scikit-learn's `PCA(n_components=2)`: centred, the covariance's top two
//! eigenvectors, each signed so its largest loading is positive), on a seeded sample of rows.

use serde::{Deserialize, Serialize};

use super::matrix::{nth_row, nth_row_mut};
use super::quality::sampled_rows;
use super::Matrix;

/// Points a projection shows at most.
pub const MAX_POINTS: usize = 2_000;

/// The rows on the first two principal components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// (first component, second component, cluster `0..k`) per point shown.
    pub points: Vec<(f64, f64, u32)>,
    /// Share of the variance each component explains.
    pub explained: [f64; 2],
    /// Rows projected (the points shown).
    pub shown: usize,
    /// Rows in all.
    pub rows: usize,
}

/// Projects the rows of `x` labelled `labels` on their first two principal components, showing at
/// most `max_points` rows drawn with `seed`.
pub fn project(x: &Matrix, labels: &[u32], max_points: usize, seed: u64) -> Projection {
    let (n, d) = (x.rows(), x.columns());
    let Some(dd) = d.checked_mul(d) else {
        // A covariance of more values than can be counted: nothing to show.
        return Projection { points: Vec::new(), explained: [0.0, 0.0], shown: 0, rows: n };
    };
    let mut mean = vec![0.0; d];
    for i in 0..n {
        mean.iter_mut().zip(x.row(i)).for_each(|(m, v)| *m += v);
    }
    mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
    let mut cov = vec![0.0; dd];
    let mut centred = vec![0.0; d];
    for i in 0..n {
        centred.iter_mut().zip(x.row(i)).zip(&mean).for_each(|((c, v), m)| *c = v - m);
        // Row a of the covariance, from column a on.
        for (a, (&ca, cov)) in centred.iter().zip(cov.chunks_exact_mut(d.max(1))).enumerate() {
            let (Some(cov), Some(later)) = (cov.get_mut(a..), centred.get(a..)) else { continue };
            for (slot, cb) in cov.iter_mut().zip(later) {
                *slot += ca * cb;
            }
        }
    }
    // Cannot saturate: at least 2 less 1.
    let dof = n.max(2).saturating_sub(1) as f64;
    for a in 0..d {
        for b in a..d {
            let v = at(&cov, d, a, b) / dof;
            set(&mut cov, d, a, b, v);
            set(&mut cov, d, b, a, v);
        }
    }
    let (values, vectors) = jacobi(cov, d);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| values.get(b).unwrap_or(&0.0).total_cmp(values.get(a).unwrap_or(&0.0)));
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
    let component = |r: usize| -> Vec<f64> {
        let Some(&j) = order.get(r) else { return vec![0.0; d] };
        let mut v: Vec<f64> = (0..d).map(|i| at(&vectors, d, i, j)).collect();
        let largest = v.iter().copied().fold(0.0f64, |a, b| if b.abs() > a.abs() { b } else { a });
        if largest < 0.0 {
            v.iter_mut().for_each(|x| *x = -*x);
        }
        v
    };
    let (c1, c2) = (component(0), component(1));
    let share = |r: usize| {
        let v = order.get(r).and_then(|&j| values.get(j)).copied().unwrap_or(0.0);
        if total > 0.0 {
            v.max(0.0) / total
        } else {
            0.0
        }
    };
    let rows = sampled_rows(n.min(labels.len()), max_points, seed);
    let dot = |row: &[f64], c: &[f64]| row.iter().zip(&mean).zip(c).map(|((v, m), w)| (v - m) * w).sum::<f64>();
    let points =
        rows.iter().map(|&i| (dot(x.row(i), &c1), dot(x.row(i), &c2), labels.get(i).copied().unwrap_or(0))).collect();
    Projection { points, explained: [share(0), share(1)], shown: rows.len(), rows: n }
}

/// Eigenvalues and eigenvectors (columns of a d × d row-major matrix) of a symmetric matrix, by
/// cyclic Jacobi rotations.
fn jacobi(mut a: Vec<f64>, d: usize) -> (Vec<f64>, Vec<f64>) {
    // The identity, d × d as `a` is.
    let mut v = vec![0.0; a.len()];
    for i in 0..d {
        set(&mut v, d, i, i, 1.0);
    }
    let at = |m: &[f64], i: usize, j: usize| at(m, d, i, j);
    for _sweep in 0..100 {
        let off: f64 = (0..d)
            .flat_map(|i| (0..d).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| at(&a, i, j).powi(2))
            .sum();
        let scale: f64 = (0..d).map(|i| at(&a, i, i).powi(2)).sum::<f64>().max(f64::MIN_POSITIVE);
        if off <= 1e-30 * scale {
            break;
        }
        for p in 0..d {
            for q in (p..d).skip(1) {
                let apq = at(&a, p, q);
                if apq.abs() < f64::MIN_POSITIVE {
                    continue;
                }
                let theta = (at(&a, q, q) - at(&a, p, p)) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..d {
                    let (akp, akq) = (at(&a, k, p), at(&a, k, q));
                    set(&mut a, d, k, p, c * akp - s * akq);
                    set(&mut a, d, k, q, s * akp + c * akq);
                }
                for k in 0..d {
                    let (apk, aqk) = (at(&a, p, k), at(&a, q, k));
                    set(&mut a, d, p, k, c * apk - s * aqk);
                    set(&mut a, d, q, k, s * apk + c * aqk);
                }
                for k in 0..d {
                    let (vkp, vkq) = (at(&v, k, p), at(&v, k, q));
                    set(&mut v, d, k, p, c * vkp - s * vkq);
                    set(&mut v, d, k, q, s * vkp + c * vkq);
                }
            }
        }
    }
    ((0..d).map(|i| at(&a, i, i)).collect(), v)
}

/// Entry (i, j) of a d × d row-major matrix (0 past the end).
fn at(m: &[f64], d: usize, i: usize, j: usize) -> f64 {
    nth_row(m, i, d).and_then(|r| r.get(j)).copied().unwrap_or(0.0)
}

/// Sets entry (i, j) of a d × d row-major matrix (nothing past the end).
fn set(m: &mut [f64], d: usize, i: usize, j: usize, value: f64) {
    if let Some(x) = nth_row_mut(m, i, d).and_then(|r| r.get_mut(j)) {
        *x = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explained_variance_and_scores_equal_scikit_learns_pca() {
        // scikit-learn's explained_variance_ratio_ is each eigenvalue of the sample covariance over
        // their sum; here it is solved in closed form for a 2 × 2 covariance.
        let x =
            Matrix::new(vec![0.0, 0.0, 1.0, 0.5, 2.0, 1.0, 3.0, 1.5, 4.0, 2.5], 2).unwrap_or_else(|e| panic!("{e}"));
        let p = project(&x, &[0, 0, 1, 1, 1], 100, 0);
        // Sample covariance [[2.5, 1.5], [1.5, 0.925]].
        let (a, b, c) = (2.5f64, 1.5f64, 0.925f64);
        let disc = ((a - c).powi(2) + 4.0 * b * b).sqrt();
        let (l1, l2) = ((a + c + disc) / 2.0, (a + c - disc) / 2.0);
        assert!((p.explained[0] - l1 / (l1 + l2)).abs() < 1e-12, "{:?}", p.explained);
        assert!((p.explained[1] - l2 / (l1 + l2)).abs() < 1e-12);
        // Row 0 lies at minus the mean along the first axis.
        let first: Vec<f64> = p.points.iter().map(|q| q.0).collect();
        assert!(first.windows(2).all(|w| w[0] < w[1]), "{first:?}");
        assert!((first.iter().sum::<f64>()).abs() < 1e-12);
        assert_eq!(p.points.iter().map(|q| q.2).collect::<Vec<_>>(), [0, 0, 1, 1, 1]);
    }

    #[test]
    fn many_rows_are_shown_as_a_seeded_sample() {
        let values: Vec<f64> = (0..3000).map(|i| f64::from(i % 17)).collect();
        let x = Matrix::new(values, 3).unwrap_or_else(|e| panic!("{e}"));
        let labels = vec![0; 1000];
        let a = project(&x, &labels, 100, 7);
        assert_eq!((a.shown, a.rows, a.points.len()), (100, 1000, 100));
        assert_eq!(a, project(&x, &labels, 100, 7));
    }
}
