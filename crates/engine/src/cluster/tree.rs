//! Clusters as rules: a shallow threshold tree that explains a clustering with axis-aligned cuts,
//! each of which becomes a condition on one original feature.
//!
//! The tree is built as Dasgupta, Frost, Moshkovitz and Rashtchian's IMM ("Explainable k-Means and
//! k-Medians Clustering", ICML 2020) builds it: one leaf per cluster, each cut the one (feature,
//! threshold) that separates the node's centres while sending the fewest customers away from
//! their own centre. Then, as ExKMC (Frost, Moshkovitz and Rashtchian 2020) does, a few more
//! leaves may be added where a cut puts clearly more customers with their own cluster (each new
//! leaf takes the cluster most of its customers are in). It is built on a seeded sample of the
//! customers; how well the rules agree with the clusters is measured on all of them by the
//! caller, with the rule engine itself.

use super::quality::sampled_rows;
use super::Matrix;

/// Customers a tree is built on at most (a seeded sample above).
pub const TREE_ROWS: usize = 50_000;

/// A new leaf is added only when it puts at least this share of the sample more with their own
/// cluster.
pub const MIN_GAIN: f64 = 0.005;

/// One axis-aligned cut: rows whose prepared value in `column` is at most `threshold` go left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cut {
    /// The prepared column.
    pub column: usize,
    /// Values at most this go left.
    pub threshold: f64,
    /// The smallest value above the threshold seen in the node: any cut in
    /// `threshold..above` splits the node's rows the same way.
    pub above: f64,
}

/// A node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Customers here are put in `cluster`.
    Leaf {
        /// The cluster, from 0.
        cluster: u32,
    },
    /// Customers go left or right by a cut.
    Split {
        /// The cut.
        cut: Cut,
        /// At most the threshold.
        left: Box<Node>,
        /// Above it.
        right: Box<Node>,
    },
}

impl Node {
    /// The leaves, left to right.
    pub fn leaves(&self) -> usize {
        match self {
            Node::Leaf { .. } => 1,
            // Cannot saturate: a tree has fewer leaves than it has nodes in memory.
            Node::Split { left, right, .. } => left.leaves().saturating_add(right.leaves()),
        }
    }

    /// The cluster of a row of prepared values.
    pub fn cluster_of(&self, row: &[f64]) -> u32 {
        match self {
            Node::Leaf { cluster } => *cluster,
            Node::Split { cut, left, right } => {
                if row.get(cut.column).copied().unwrap_or(0.0) <= cut.threshold {
                    left.cluster_of(row)
                } else {
                    right.cluster_of(row)
                }
            }
        }
    }

    /// Every leaf's path from the root: the cuts taken (`true`: went left, at most the
    /// threshold) and the leaf's cluster.
    pub fn paths(&self) -> Vec<(Vec<(Cut, bool)>, u32)> {
        let mut out = Vec::new();
        walk(self, &mut Vec::new(), &mut out);
        out
    }
}

fn walk(node: &Node, path: &mut Vec<(Cut, bool)>, out: &mut Vec<(Vec<(Cut, bool)>, u32)>) {
    match node {
        Node::Leaf { cluster } => out.push((path.clone(), *cluster)),
        Node::Split { cut, left, right } => {
            path.push((*cut, true));
            walk(left, path, out);
            path.pop();
            path.push((*cut, false));
            walk(right, path, out);
            path.pop();
        }
    }
}

/// Builds the tree for the rows of `x` labelled `labels` (`0..k`) around `centres` (k rows of
/// `x.columns()` values): IMM's k leaves, then up to `extra_leaves` more (see the module's
/// documentation), on at most [`TREE_ROWS`] rows drawn with `seed`.
pub fn explain(x: &Matrix, labels: &[u32], centres: &[f64], k: usize, extra_leaves: usize, seed: u64) -> Node {
    let d = x.columns();
    let rows = sampled_rows(x.rows().min(labels.len()), TREE_ROWS, seed);
    let ctx = Ctx { x, labels, centres, d };
    let clusters: Vec<u32> = (0..k as u32).filter(|&c| labels.contains(&c) || rows.is_empty()).collect();
    let clusters = if clusters.is_empty() { vec![0] } else { clusters };
    let mut tree = ctx.imm(rows.clone(), clusters);
    let min_gain = ((rows.len() as f64) * MIN_GAIN).ceil().max(1.0) as usize;
    for _ in 0..extra_leaves {
        if !ctx.expand(&mut tree, &rows, k, min_gain) {
            break;
        }
    }
    tree
}

struct Ctx<'a> {
    x: &'a Matrix,
    labels: &'a [u32],
    centres: &'a [f64],
    d: usize,
}

impl Ctx<'_> {
    fn value(&self, row: usize, j: usize) -> f64 {
        self.x.row(row).get(j).copied().unwrap_or(0.0)
    }

    fn centre(&self, cluster: u32, j: usize) -> f64 {
        super::matrix::nth_row(self.centres, cluster as usize, self.d).and_then(|c| c.get(j)).copied().unwrap_or(0.0)
    }

    fn label(&self, row: usize) -> u32 {
        self.labels.get(row).copied().unwrap_or(0)
    }

    /// IMM: splits `points` until each node holds one of `clusters`' centres.
    fn imm(&self, points: Vec<usize>, clusters: Vec<u32>) -> Node {
        let [only] = clusters.as_slice() else {
            return self.imm_split(points, clusters);
        };
        Node::Leaf { cluster: *only }
    }

    fn imm_split(&self, points: Vec<usize>, clusters: Vec<u32>) -> Node {
        let mut best: Option<(usize, Cut)> = None;
        for j in 0..self.d {
            if let Some((mistakes, cut)) = self.best_cut(&points, &clusters, j) {
                if best.as_ref().is_none_or(|(m, _)| mistakes < *m) {
                    best = Some((mistakes, cut));
                }
            }
        }
        let Some((_, cut)) = best else {
            // Centres that no cut separates (identical): the first takes the node.
            return Node::Leaf { cluster: clusters.first().copied().unwrap_or(0) };
        };
        let (left_points, right_points): (Vec<usize>, Vec<usize>) =
            points.into_iter().partition(|&r| self.value(r, cut.column) <= cut.threshold);
        let (left_clusters, right_clusters): (Vec<u32>, Vec<u32>) =
            clusters.into_iter().partition(|&c| self.centre(c, cut.column) <= cut.threshold);
        Node::Split {
            cut,
            left: Box::new(self.imm(left_points, left_clusters)),
            right: Box::new(self.imm(right_points, right_clusters)),
        }
    }

    /// The cut on column `j` that separates `clusters`' centres with the fewest of the node's
    /// rows (those whose own centre is among them) sent to the other side than their centre.
    fn best_cut(&self, points: &[usize], clusters: &[u32], j: usize) -> Option<(usize, Cut)> {
        let centre_values: Vec<f64> = clusters.iter().map(|&c| self.centre(c, j)).collect();
        let lo = centre_values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = centre_values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
            return None;
        }
        // mistakes(t) = #{v ≤ t} + #{c ≤ t} − 2 #{max(v, c) ≤ t}, over rows whose centre is here.
        let mut v = Vec::with_capacity(points.len());
        let mut c = Vec::with_capacity(points.len());
        let mut m = Vec::with_capacity(points.len());
        for &r in points {
            let label = self.label(r);
            if clusters.contains(&label) {
                let (x, cx) = (self.value(r, j), self.centre(label, j));
                v.push(x);
                c.push(cx);
                m.push(x.max(cx));
            }
        }
        let mut candidates: Vec<f64> =
            points.iter().map(|&r| self.value(r, j)).chain(centre_values.iter().copied()).collect();
        candidates.sort_by(f64::total_cmp);
        candidates.dedup();
        for list in [&mut v, &mut c, &mut m] {
            list.sort_by(f64::total_cmp);
        }
        let (mut iv, mut ic, mut im) = (0usize, 0usize, 0usize);
        let mut best: Option<(usize, Cut)> = None;
        for (i, &t) in candidates.iter().enumerate() {
            if t < lo || t >= hi {
                continue;
            }
            // Cannot saturate: each count stays below its list's length.
            while v.get(iv).is_some_and(|&x| x <= t) {
                iv = iv.saturating_add(1);
            }
            while c.get(ic).is_some_and(|&x| x <= t) {
                ic = ic.saturating_add(1);
            }
            while m.get(im).is_some_and(|&x| x <= t) {
                im = im.saturating_add(1);
            }
            // im ≤ iv and im ≤ ic for finite values; a centre that is not a number can break
            // that, and then the cut is not counted.
            let Some(mistakes) = iv.checked_add(ic).and_then(|s| s.checked_sub(im.checked_mul(2)?)) else {
                continue;
            };
            if best.as_ref().is_none_or(|(b, _)| mistakes < *b) {
                let above = i.checked_add(1).and_then(|next| candidates.get(next)).copied().unwrap_or(t);
                best = Some((mistakes, Cut { column: j, threshold: t, above }));
            }
        }
        best
    }

    /// Splits the leaf whose best cut puts the most more rows with their own cluster (at least
    /// `min_gain`); false when none does.
    fn expand(&self, tree: &mut Node, rows: &[usize], k: usize, min_gain: usize) -> bool {
        let mut at_leaf: Vec<Vec<usize>> = vec![Vec::new(); tree.leaves()];
        for &r in rows {
            let i = leaf_index(tree, self.x.row(r));
            if let Some(list) = at_leaf.get_mut(i) {
                list.push(r);
            }
        }
        let mut best: Option<(usize, usize, Cut, u32, u32)> = None;
        for (i, points) in at_leaf.iter().enumerate() {
            let Some(&mut Node::Leaf { cluster }) = nth_leaf(tree, i) else { continue };
            let kept = points.iter().filter(|&&r| self.label(r) == cluster).count();
            for j in 0..self.d {
                if let Some((right, cut, l, rc)) = self.majority_cut(points, j, k) {
                    let gain = right.saturating_sub(kept);
                    if gain >= min_gain && best.as_ref().is_none_or(|b| gain > b.1) {
                        best = Some((i, gain, cut, l, rc));
                    }
                }
            }
        }
        let Some((i, _, cut, left, right)) = best else { return false };
        if let Some(leaf) = nth_leaf(tree, i) {
            *leaf = Node::Split {
                cut,
                left: Box::new(Node::Leaf { cluster: left }),
                right: Box::new(Node::Leaf { cluster: right }),
            };
        }
        true
    }

    /// The cut on column `j` of a leaf's rows that puts the most rows with their own cluster when
    /// each side takes its majority cluster: (rows right, cut, left cluster, right cluster).
    fn majority_cut(&self, points: &[usize], j: usize, k: usize) -> Option<(usize, Cut, u32, u32)> {
        let mut sorted: Vec<(f64, u32)> = points.iter().map(|&r| (self.value(r, j), self.label(r))).collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut right = vec![0usize; k.max(1)];
        // Cannot saturate (the counts, here and below): one per row.
        for &(_, l) in &sorted {
            if let Some(n) = right.get_mut(l as usize) {
                *n = n.saturating_add(1);
            }
        }
        let mut left = vec![0usize; k.max(1)];
        let argmax = |counts: &[usize]| {
            counts
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
                .map_or((0, 0), |(i, &n)| (i as u32, n))
        };
        let mut best: Option<(usize, Cut, u32, u32)> = None;
        for (i, &(x, l)) in sorted.iter().enumerate() {
            if let Some(n) = left.get_mut(l as usize) {
                *n = n.saturating_add(1);
            }
            // Each row was counted on the right above, so this row's count there is at least 1.
            if let Some(n) = right.get_mut(l as usize) {
                *n = n.saturating_sub(1);
            }
            let Some(&(next, _)) = i.checked_add(1).and_then(|next| sorted.get(next)) else { break };
            if next <= x {
                continue;
            }
            let ((lc, ln), (rc, rn)) = (argmax(&left), argmax(&right));
            // Cannot saturate: counts of different rows.
            let placed = ln.saturating_add(rn);
            if lc != rc && best.as_ref().is_none_or(|b| placed > b.0) {
                best = Some((placed, Cut { column: j, threshold: x, above: next }, lc, rc));
            }
        }
        best
    }
}

/// The index (left to right) of the leaf a row reaches.
fn leaf_index(node: &Node, row: &[f64]) -> usize {
    match node {
        Node::Leaf { .. } => 0,
        Node::Split { cut, left, right } => {
            if row.get(cut.column).copied().unwrap_or(0.0) <= cut.threshold {
                leaf_index(left, row)
            } else {
                // Cannot saturate: an index among the tree's leaves.
                left.leaves().saturating_add(leaf_index(right, row))
            }
        }
    }
}

/// The `i`-th leaf from the left (from 0).
fn nth_leaf(node: &mut Node, i: usize) -> Option<&mut Node> {
    if let Node::Leaf { .. } = node {
        return (i == 0).then_some(node);
    }
    match node {
        Node::Split { left, right, .. } => match i.checked_sub(left.leaves()) {
            None => nth_leaf(left, i),
            Some(rest) => nth_leaf(right, rest),
        },
        Node::Leaf { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three groups on a line in feature 0, feature 1 noise.
    fn groups() -> (Matrix, Vec<u32>, Vec<f64>) {
        let mut v = Vec::new();
        let mut labels = Vec::new();
        for (g, cx) in [0.0, 10.0, 20.0].iter().enumerate() {
            for i in 0..30 {
                v.extend([cx + f64::from(i % 5), f64::from(i % 7)]);
                labels.push(g as u32);
            }
        }
        let centres = vec![2.0, 3.0, 12.0, 3.0, 22.0, 3.0];
        (Matrix::new(v, 2).unwrap_or_else(|e| panic!("{e}")), labels, centres)
    }

    #[test]
    fn separated_groups_get_one_leaf_each_and_no_mistake() {
        let (x, labels, centres) = groups();
        let tree = explain(&x, &labels, &centres, 3, 0, 0);
        assert_eq!(tree.leaves(), 3);
        for (i, &label) in labels.iter().enumerate() {
            assert_eq!(tree.cluster_of(x.row(i)), label, "row {i}");
        }
        let paths = tree.paths();
        assert!(paths.iter().all(|(p, _)| p.iter().all(|(c, _)| c.column == 0)), "cuts on the feature that separates");
        // Each cut lies between the groups: any value from the threshold up to `above` splits alike.
        for (p, _) in &paths {
            for (c, _) in p {
                assert!(c.threshold < c.above);
            }
        }
    }

    #[test]
    fn mistakes_are_counted_as_imm_counts_them() {
        // One customer of cluster 0 sits among cluster 1: the best cut still separates the centres and
        // makes that one mistake; an extra leaf can take it back only if it is worth MIN_GAIN of the rows.
        let (x0, mut labels, centres) = groups();
        labels[0] = 1;
        let tree = explain(&x0, &labels, &centres, 3, 0, 0);
        let wrong = (0..x0.rows()).filter(|&i| tree.cluster_of(x0.row(i)) != labels[i]).count();
        assert_eq!(wrong, 1);
    }

    #[test]
    fn extra_leaves_are_added_only_where_they_put_more_customers_with_their_cluster() {
        // Cluster 1 in two places on feature 0 (around 10 and around 30), with its centre between.
        let mut v = Vec::new();
        let mut labels = Vec::new();
        for (cx, g) in [(0.0, 0u32), (10.0, 1), (20.0, 2), (30.0, 1)] {
            for i in 0..25 {
                v.extend([cx + f64::from(i % 5) * 0.1, 0.0]);
                labels.push(g);
            }
        }
        let x = Matrix::new(v, 2).unwrap_or_else(|e| panic!("{e}"));
        let centres = vec![0.2, 0.0, 20.0, 0.0, 20.2, 0.0];
        let agree = |t: &Node| (0..x.rows()).filter(|&i| t.cluster_of(x.row(i)) == labels[i]).count();
        let imm = explain(&x, &labels, &centres, 3, 0, 0);
        let more = explain(&x, &labels, &centres, 3, 3, 0);
        assert!(more.leaves() > imm.leaves());
        assert!(agree(&more) > agree(&imm), "{} vs {}", agree(&more), agree(&imm));
        assert_eq!(agree(&more), 100);
    }
}
