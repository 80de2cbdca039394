//! Portable random draws for the generator.
//!
//! Every customer gets its own ChaCha8 stream derived from `(seed, index)` only. The
//! distributions here use nothing but IEEE-754 basic operations (`+ - * /`, `sqrt`) and
//! our own `ln`/`exp`, never the platform's maths library, so the same seed gives the same
//! bytes on every platform, native and wasm alike.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A customer's random source.
pub(crate) struct Draw {
    rng: ChaCha8Rng,
    /// The second normal of the last polar-method pair, not yet used.
    spare_normal: Option<f64>,
}

impl Draw {
    /// The stream for customer `index` under `seed`.
    pub(crate) fn for_customer(seed: u64, index: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(index);
        Draw { rng, spare_normal: None }
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform integer in `lo..=hi` (returns `lo` when `hi < lo`).
    // Cannot overflow: `i64` holds `hi - lo + 1` for any `i32`s, below 2^33, so the product is
    // below 2^97; `scaled < width`, so `lo + scaled <= hi`.
    #[allow(clippy::arithmetic_side_effects)]
    pub(crate) fn between(&mut self, lo: i32, hi: i32) -> i32 {
        if hi <= lo {
            return lo;
        }
        let width = (i64::from(hi) - i64::from(lo) + 1) as u64;
        // Lemire's multiply-shift on 64 bits; the bias is below 2^-32 for our small ranges.
        let scaled = (u128::from(self.rng.next_u64()) * u128::from(width)) >> 64;
        lo + scaled as i32
    }

    /// One of `items`, chosen with probability proportional to the matching entry of `weights`
    /// (items without a weight are never chosen).
    pub(crate) fn pick<T: Copy + Default>(&mut self, items: &[T], weights: &[u32]) -> T {
        let total: u32 = weights.iter().take(items.len()).sum();
        if total == 0 {
            return items.first().copied().unwrap_or_default();
        }
        let mut r = self.rng.random_range(0..total);
        for (&item, &w) in items.iter().zip(weights) {
            match r.checked_sub(w) {
                None => return item, // `r < w`
                Some(rest) => r = rest,
            }
        }
        items.last().copied().unwrap_or_default()
    }

    /// Standard normal (Marsaglia's polar method, which yields them in pairs).
    pub(crate) fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.unit() - 1.0;
            let v = 2.0 * self.unit() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let factor = (-2.0 * ln(s) / s).sqrt();
                self.spare_normal = Some(v * factor);
                return u * factor;
            }
        }
    }

    /// Normal with the given mean and standard deviation.
    pub(crate) fn gauss(&mut self, mean: f64, sd: f64) -> f64 {
        mean + sd * self.normal()
    }

    /// A log-normal multiplier with mean 1 and log-scale spread `sigma`.
    pub(crate) fn spread(&mut self, sigma: f64) -> f64 {
        exp(sigma * self.normal() - 0.5 * sigma * sigma)
    }

    /// Exponential with the given mean.
    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        -mean * ln(1.0 - self.unit())
    }

    /// Poisson count with mean `lambda` (normal approximation above 30).
    pub(crate) fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            let x = (lambda + lambda.sqrt() * self.normal()).round();
            return if x < 0.0 { 0 } else { x as u32 };
        }
        let limit = exp(-lambda);
        let mut k = 0u32;
        let mut p = self.unit();
        while p > limit {
            // No saturation: reaching `u32::MAX` would take billions of draws each just below 1.
            k = k.saturating_add(1);
            p *= self.unit();
        }
        k
    }

    /// A Poisson count whose mean is `mean` times a customer-level [`Draw::spread`] of `sigma`.
    pub(crate) fn noisy_count(&mut self, mean: f64, sigma: f64) -> u32 {
        let lambda = mean * self.spread(sigma);
        self.poisson(lambda)
    }
}

const LN2: f64 = std::f64::consts::LN_2;

/// `1 / (2k + 1)` for k = 0..11: the series of atanh(s) / s in powers of s².
const ATANH_COEFFICIENTS: [f64; 11] = [
    1.0,
    1.0 / 3.0,
    1.0 / 5.0,
    1.0 / 7.0,
    1.0 / 9.0,
    1.0 / 11.0,
    1.0 / 13.0,
    1.0 / 15.0,
    1.0 / 17.0,
    1.0 / 19.0,
    1.0 / 21.0,
];

/// `1 / n!` for n = 0..14: the Taylor series of e^r.
const EXP_COEFFICIENTS: [f64; 14] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

/// Natural logarithm from basic operations only (relative error ~1e-15). `x` must be > 0.
// Cannot overflow: `e` is a binary exponent, -54 plus 0..=2047 minus 1023, plus 1.
#[allow(clippy::arithmetic_side_effects)]
pub(crate) fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x.is_infinite() {
        return f64::NEG_INFINITY;
    }
    let mut x = x;
    let mut e = 0i32;
    // Bring subnormals into the normal range first.
    if x < f64::MIN_POSITIVE {
        x *= 18_014_398_509_481_984.0; // 2^54
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172: 2 (s + s^3/3 + s^5/5 + ...).
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = ATANH_COEFFICIENTS.iter().rev().fold(0.0, |acc, &c| acc * s2 + c);
    let sum = s * series;
    f64::from(e) * LN2 + 2.0 * sum
}

/// Exponential function from basic operations only (relative error ~1e-15).
pub(crate) fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -708.0 {
        return 0.0;
    }
    let k = (x / LN2).round();
    let r = x - k * LN2;
    // Taylor series of e^r for |r| <= 0.35, by Horner's rule.
    let sum = EXP_COEFFICIENTS.iter().rev().fold(0.0, |acc, &c| acc * r + c);
    let k = k as i32;
    // 2^k as an exact power of two (k is within the normal exponent range here).
    // Cannot overflow: `-708 <= x <= 709`, so `k` is within -1022..=1023.
    #[allow(clippy::arithmetic_side_effects)]
    let scale = f64::from_bits(((k + 1023) as u64) << 52);
    sum * scale
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn ln_and_exp_match_the_platform_closely() {
        for &x in &[1e-300, 1e-10, 0.001, 0.3, 0.5, 0.999, 1.0, 1.5, 2.0, 10.0, 1234.5, 1e300] {
            let ours = ln(x);
            let std = x.ln();
            assert!((ours - std).abs() <= 1e-13 * std.abs().max(1.0), "ln({x}): {ours} vs {std}");
        }
        for &x in &[-700.0, -30.0, -1.0, -0.1, 0.0, 0.1, 1.0, 3.7, 30.0, 700.0] {
            let ours = exp(x);
            let std = x.exp();
            assert!((ours - std).abs() <= 1e-13 * std, "exp({x}): {ours} vs {std}");
        }
    }

    #[test]
    fn same_seed_and_index_give_the_same_stream() {
        let mut a = Draw::for_customer(7, 3);
        let mut b = Draw::for_customer(7, 3);
        let mut c = Draw::for_customer(7, 4);
        let xa: Vec<f64> = (0..8).map(|_| a.unit()).collect();
        let xb: Vec<f64> = (0..8).map(|_| b.unit()).collect();
        let xc: Vec<f64> = (0..8).map(|_| c.unit()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
    }

    #[test]
    fn normal_has_mean_zero_and_unit_variance() {
        let mut d = Draw::for_customer(1, 0);
        let n = 50_000;
        let xs: Vec<f64> = (0..n).map(|_| d.normal()).collect();
        let mean = xs.iter().sum::<f64>() / f64::from(n);
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / f64::from(n);
        assert!(mean.abs() < 0.02, "{mean}");
        assert!((var - 1.0).abs() < 0.03, "{var}");
    }

    #[test]
    fn poisson_mean_matches_lambda() {
        let mut d = Draw::for_customer(2, 0);
        for &lambda in &[0.5, 4.0, 12.0, 45.0] {
            let n = 20_000;
            let mean = (0..n).map(|_| f64::from(d.poisson(lambda))).sum::<f64>() / f64::from(n);
            assert!((mean - lambda).abs() < 0.05 * lambda + 0.05, "{lambda}: {mean}");
        }
    }

    #[test]
    fn between_stays_in_bounds_and_hits_both_ends() {
        let mut d = Draw::for_customer(3, 0);
        let xs: Vec<i32> = (0..2_000).map(|_| d.between(-2, 3)).collect();
        assert!(xs.iter().all(|x| (-2..=3).contains(x)));
        assert!(xs.contains(&-2) && xs.contains(&3));
        assert_eq!(d.between(5, 5), 5);
        assert_eq!(d.between(5, 1), 5);
    }

    #[test]
    fn pick_follows_weights_and_never_picks_zero_weight() {
        let mut d = Draw::for_customer(4, 0);
        let items = ["a", "b", "c"];
        let weights = [1, 0, 3];
        let n = 20_000;
        let picks: Vec<&str> = (0..n).map(|_| d.pick(&items, &weights)).collect();
        assert!(!picks.contains(&"b"));
        let c = picks.iter().filter(|&&p| p == "c").count() as f64 / f64::from(n);
        assert!((c - 0.75).abs() < 0.02, "{c}");
    }
}
