//! The squared distances of the hot loops, for any number of features and, for 1 to 8, as
//! fixed-width arrays the compiler unrolls (no bounds checks). Every way adds the squared
//! differences in feature order from 0, as [`squared_distance`] does, so every width gives the
//! same bits.
//!
//! Finding a row's nearest centre measures [`LANES`] centres at once: the centres are laid out
//! feature by feature, `LANES` centres side by side ([`Centres`]), so each step is one operation
//! on `LANES` values (SIMD where the target has it) while each centre's sum still runs over the
//! features in order.

use super::super::matrix::squared_distance;

/// Centres measured side by side when finding a row's nearest: two, an SSE2 register of `f64`s
/// (4 measured more padding lanes for the common k = 6 and was no faster).
pub(super) const LANES: usize = 2;

/// The centres, row after row and laid out for [`Kernel::nearest_two`]: `L` side by side.
pub(super) struct Centres<'a, const L: usize = LANES> {
    /// `k` rows of `d` values.
    pub(super) rows: &'a [f64],
    /// Per group of `L` centres, per feature, the group's values; a missing centre's are
    /// infinite (never nearest).
    packed: Vec<[f64; L]>,
}

impl<'a, const L: usize> Centres<'a, L> {
    /// `rows`: `k` rows of `d` values.
    pub(super) fn new(rows: &'a [f64], d: usize) -> Self {
        let mut centres = rows.chunks_exact(d.max(1));
        // Cannot saturate: ⌈k / L⌉ × d ≤ k × d ≤ rows.len().
        let mut packed = vec![[f64::INFINITY; L]; centres.len().div_ceil(L).saturating_mul(d)];
        // Group g's entries hold centres g × L .. (g + 1) × L, lane by lane.
        for group in packed.chunks_exact_mut(d.max(1)) {
            for lane in 0..L {
                let Some(c) = centres.next() else { break };
                for (values, &v) in group.iter_mut().zip(c) {
                    if let Some(slot) = values.get_mut(lane) {
                        *slot = v;
                    }
                }
            }
        }
        Centres { rows, packed }
    }

    /// The groups of `L` centres, `width` entries each (see [`Kernel::lanes`]).
    pub(super) fn groups(&self, width: usize) -> std::slice::ChunksExact<'_, [f64; L]> {
        self.packed.chunks_exact(width.max(1))
    }
}

/// How rows of a given width are measured.
pub(super) trait Kernel {
    /// Values per row: the fixed width, or `d`.
    fn width(d: usize) -> usize;
    /// Squared Euclidean distance between two rows of [`Kernel::width`] values.
    fn distance(a: &[f64], b: &[f64]) -> f64;
    /// Squared distances from `row` to each of a group of `L` centres (one entry per feature).
    fn lanes<const L: usize>(row: &[f64], group: &[[f64; L]]) -> [f64; L];

    /// The nearest of `centres` to `row`, its squared distance and the squared distance of the
    /// second nearest (infinite with one centre). The lowest index wins a tie.
    #[inline(always)]
    fn nearest_two(row: &[f64], centres: &Centres, d: usize) -> (u32, f64, f64) {
        let mut near = Nearest::new();
        for group in centres.groups(Self::width(d)) {
            for dist in Self::lanes(row, group) {
                near.offer(dist);
            }
        }
        near.result()
    }
}

/// Rows of any width.
pub(super) struct AnyWidth;

impl Kernel for AnyWidth {
    #[inline(always)]
    fn width(d: usize) -> usize {
        d
    }

    #[inline(always)]
    fn distance(a: &[f64], b: &[f64]) -> f64 {
        squared_distance(a, b)
    }

    #[inline(always)]
    fn lanes<const L: usize>(row: &[f64], group: &[[f64; L]]) -> [f64; L] {
        let mut sums = [0.0; L];
        for (x, c) in row.iter().zip(group) {
            for (s, y) in sums.iter_mut().zip(c) {
                *s += (x - y) * (x - y);
            }
        }
        sums
    }
}

/// Rows of exactly `D` values.
pub(super) struct Fixed<const D: usize>;

impl<const D: usize> Kernel for Fixed<D> {
    #[inline(always)]
    fn width(_: usize) -> usize {
        D
    }

    #[inline(always)]
    fn distance(a: &[f64], b: &[f64]) -> f64 {
        match (<&[f64; D]>::try_from(a), <&[f64; D]>::try_from(b)) {
            (Ok(a), Ok(b)) => {
                let mut sum = 0.0;
                for (x, y) in a.iter().zip(b) {
                    sum += (x - y) * (x - y);
                }
                sum
            }
            _ => squared_distance(a, b),
        }
    }

    #[inline(always)]
    fn lanes<const L: usize>(row: &[f64], group: &[[f64; L]]) -> [f64; L] {
        match (<&[f64; D]>::try_from(row), <&[[f64; L]; D]>::try_from(group)) {
            (Ok(row), Ok(group)) => {
                let mut sums = [0.0; L];
                for (x, c) in row.iter().zip(group) {
                    for (s, y) in sums.iter_mut().zip(c) {
                        *s += (x - y) * (x - y);
                    }
                }
                sums
            }
            _ => AnyWidth::lanes(row, group),
        }
    }
}

/// The running nearest and second nearest of distances offered in centre order.
struct Nearest {
    offered: u32,
    label: u32,
    best: f64,
    second: f64,
}

impl Nearest {
    #[inline(always)]
    fn new() -> Self {
        Nearest { offered: 0, label: 0, best: f64::INFINITY, second: f64::INFINITY }
    }

    /// The next centre's distance. Written as selects, not branches: which centre is nearest is
    /// data, not a pattern a branch predictor learns.
    #[inline(always)]
    fn offer(&mut self, dist: f64) {
        let nearer = dist < self.best;
        self.second = if nearer { self.best } else { smaller(self.second, dist) };
        self.label = if nearer { self.offered } else { self.label };
        self.best = if nearer { dist } else { self.best };
        // Cannot wrap while it can be a label: k ≤ u32::MAX (KMeansParams::check), and only the
        // padding lanes past the k-th centre, never nearest (infinite), come after.
        self.offered = self.offered.wrapping_add(1);
    }

    #[inline(always)]
    fn result(&self) -> (u32, f64, f64) {
        (self.label, self.best, self.second)
    }
}

/// The smaller of two distances (never NaN) as a select. `f64::min` is the same value here, but
/// its NaN rule makes it a call to `fmin` in wasm, once per row in the hot loops.
#[inline(always)]
pub(super) fn smaller(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// The larger of two bounds (never NaN) as a select, for the same reason as [`smaller`].
#[inline(always)]
pub(super) fn larger(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// Calls `$f::<K>($args)` with the kernel for `$d` features.
macro_rules! with_kernel {
    ($d:expr, $f:ident($($arg:expr),* $(,)?)) => {{
        use $crate::cluster::kmeans::kernel::{AnyWidth, Fixed};
        match $d {
            1 => $f::<Fixed<1>>($($arg),*),
            2 => $f::<Fixed<2>>($($arg),*),
            3 => $f::<Fixed<3>>($($arg),*),
            4 => $f::<Fixed<4>>($($arg),*),
            5 => $f::<Fixed<5>>($($arg),*),
            6 => $f::<Fixed<6>>($($arg),*),
            7 => $f::<Fixed<7>>($($arg),*),
            8 => $f::<Fixed<8>>($($arg),*),
            _ => $f::<AnyWidth>($($arg),*),
        }
    }};
}
pub(super) use with_kernel;

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize, salt: u64) -> Vec<f64> {
        (0..n as u64).map(|i| ((i * 7919 + salt * 104_729) % 1013) as f64 / 97.0 - 5.1).collect()
    }

    fn check<K: Kernel>(d: usize) {
        let rows = values(40 * d, 1);
        for k in [1, 2, 4, 5, 9] {
            let mut centres = values(k * d, 2);
            // A tie: the second centre equals the first.
            if k > 1 {
                let first = centres[..d].to_vec();
                centres[d..2 * d].copy_from_slice(&first);
            }
            let packed = Centres::new(&centres, d);
            for row in rows.chunks_exact(d) {
                for c in centres.chunks_exact(d) {
                    assert_eq!(K::distance(row, c).to_bits(), squared_distance(row, c).to_bits(), "d = {d}");
                }
                let (j, best, second) = K::nearest_two(row, &packed, d);
                // The rule written plainly: the first strictly nearer centre wins.
                let (mut lj, mut ld) = (0u32, f64::INFINITY);
                for (i, c) in centres.chunks_exact(d).enumerate() {
                    let dist = squared_distance(row, c);
                    if dist < ld {
                        (lj, ld) = (i as u32, dist);
                    }
                }
                assert_eq!((j, best.to_bits()), (lj, ld.to_bits()), "d = {d}, k = {k}");
                let mut all: Vec<f64> = centres.chunks_exact(d).map(|c| squared_distance(row, c)).collect();
                all.sort_by(f64::total_cmp);
                assert_eq!(second, all.get(1).copied().unwrap_or(f64::INFINITY), "d = {d}, k = {k}");
            }
        }
    }

    #[test]
    fn every_width_gives_the_plain_distances_and_nearest_bit_for_bit() {
        check::<Fixed<1>>(1);
        check::<Fixed<2>>(2);
        check::<Fixed<3>>(3);
        check::<Fixed<4>>(4);
        check::<Fixed<5>>(5);
        check::<Fixed<6>>(6);
        check::<Fixed<7>>(7);
        check::<Fixed<8>>(8);
        check::<AnyWidth>(11);
    }

    #[test]
    fn with_kernel_picks_the_width() {
        fn width<K: Kernel>(d: usize) -> usize {
            K::width(d)
        }
        for d in 1..=12 {
            assert_eq!(with_kernel!(d, width(d)), d);
        }
    }
}
