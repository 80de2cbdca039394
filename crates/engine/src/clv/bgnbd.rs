//! The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005), as in `lifetimes`.

use serde::{Deserialize, Serialize};

use super::special::{hyp2f1, ln_rising};

/// Largest whole `x` for which [`BgNbd::total_log_likelihood`] tabulates the sums of logs.
const RISING_TABLE_LIMIT: f64 = 1_000.0;

/// `ln_rising(z, k)` for every `k` from 0 to `largest`, each added up in the order `ln_rising` adds.
fn rising_table(z: f64, largest: f64) -> Vec<f64> {
    // largest is at most RISING_TABLE_LIMIT, so the capacity never saturates.
    let mut table = Vec::with_capacity((largest as usize).saturating_add(1));
    // An empty sum of f64s is -0.0 in std.
    let mut sum = -0.0f64;
    table.push(sum);
    for k in 0..largest as u32 {
        sum += (z + f64::from(k)).ln();
        table.push(sum);
    }
    table
}

/// One customer's calibration history: repeat purchases `x`, recency `t_x` (first to last
/// purchase) and age `t` (first purchase to the end of calibration), in the chosen time unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct History {
    /// Repeat purchases (purchase days after the first).
    pub x: f64,
    /// Time from the first to the last purchase.
    pub t_x: f64,
    /// Time from the first purchase to the end of calibration.
    pub t: f64,
}

/// Histories prepared for many likelihood evaluations (the fit makes hundreds): the logarithms
/// that depend only on a customer's `x`, age or recency are taken once per distinct value, not once
/// per customer. Measured at 100,000 customers: the fit about 7 times faster, to the same bits.
pub struct Prepared<'a> {
    data: &'a [History],
    /// `None` when some `x` is not a whole number below [`RISING_TABLE_LIMIT`].
    tables: Option<Tables>,
}

struct Tables {
    largest: f64,
    /// Distinct ages and recencies, sorted.
    ages: Vec<f64>,
    recencies: Vec<f64>,
    /// Per customer: `x`, and the positions of its age and recency.
    index: Vec<[u32; 3]>,
}

impl<'a> Prepared<'a> {
    /// Prepares `data`.
    pub fn new(data: &'a [History]) -> Self {
        let largest = data.iter().map(|h| h.x).fold(0.0, f64::max);
        let whole = largest < RISING_TABLE_LIMIT && data.iter().all(|h| h.x.fract() == 0.0 && h.x >= 0.0);
        let tables = whole.then(|| {
            let distinct = |v: fn(&History) -> f64| {
                let mut all: Vec<f64> = data.iter().map(v).collect();
                all.sort_unstable_by(f64::total_cmp);
                all.dedup_by(|a, b| a.to_bits() == b.to_bits());
                all
            };
            let (ages, recencies) = (distinct(|h| h.t), distinct(|h| h.t_x));
            let position = |values: &[f64], v: f64| {
                values.binary_search_by(|probe| probe.total_cmp(&v)).map_or(u32::MAX, |i| i as u32)
            };
            let index = data.iter().map(|h| [h.x as u32, position(&ages, h.t), position(&recencies, h.t_x)]).collect();
            Tables { largest, ages, recencies, index }
        });
        Prepared { data, tables }
    }
}

/// Fitted BG/NBD parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BgNbd {
    /// Shape of the purchase-rate gamma.
    pub r: f64,
    /// Scale of the purchase-rate gamma.
    pub alpha: f64,
    /// Dropout beta's a.
    pub a: f64,
    /// Dropout beta's b.
    pub b: f64,
}

impl BgNbd {
    /// The log-likelihood of one customer's history.
    pub fn log_likelihood(&self, h: &History) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        // ln Γ(r+x) − ln Γ(r) and ln B(a, b+x) − ln B(a, b), as sums of logs for whole x.
        let a1 = ln_rising(r, h.x) + r * alpha.ln();
        let a2 = ln_rising(b, h.x) - ln_rising(a + b, h.x);
        let a3 = -(r + h.x) * (alpha + h.t).ln();
        let a4 = a.ln() - (b + h.x.max(1.0) - 1.0).ln() - (r + h.x) * (h.t_x + alpha).ln();
        let m = if h.x > 0.0 { a3.max(a4) } else { a3 };
        let tail = (a3 - m).exp() + if h.x > 0.0 { (a4 - m).exp() } else { 0.0 };
        a1 + a2 + tail.ln() + m
    }

    /// The total log-likelihood of many histories (the same number, to the bit, as adding up
    /// [`BgNbd::log_likelihood`]).
    pub fn total_log_likelihood(&self, data: &[History]) -> f64 {
        self.prepared_log_likelihood(&Prepared::new(data))
    }

    /// [`BgNbd::total_log_likelihood`] of histories prepared once for many evaluations.
    pub fn prepared_log_likelihood(&self, p: &Prepared<'_>) -> f64 {
        let Some(tables) = &p.tables else {
            return p.data.iter().map(|h| self.log_likelihood(h)).sum();
        };
        let BgNbd { r, alpha, a, b } = *self;
        let largest = tables.largest;
        let (rising_r, rising_b, rising_ab) =
            (rising_table(r, largest), rising_table(b, largest), rising_table(a + b, largest));
        let ln_b_x: Vec<f64> = (0..=largest as u32).map(|x| (b + f64::from(x).max(1.0) - 1.0).ln()).collect();
        let ln_age: Vec<f64> = tables.ages.iter().map(|t| (alpha + t).ln()).collect();
        let ln_recency: Vec<f64> = tables.recencies.iter().map(|t_x| (t_x + alpha).ln()).collect();
        let (ln_alpha, ln_a) = (alpha.ln(), a.ln());
        let at = |t: &[f64], i: u32| t.get(i as usize).copied().unwrap_or(f64::NAN);
        p.data
            .iter()
            .zip(&tables.index)
            .map(|(h, &[k, age, recency])| {
                // As `log_likelihood`, term for term, with the logs that repeat looked up.
                let a1 = at(&rising_r, k) + r * ln_alpha;
                let a2 = at(&rising_b, k) - at(&rising_ab, k);
                let a3 = -(r + h.x) * at(&ln_age, age);
                let a4 = ln_a - at(&ln_b_x, k) - (r + h.x) * at(&ln_recency, recency);
                let m = if h.x > 0.0 { a3.max(a4) } else { a3 };
                let tail = (a3 - m).exp() + if h.x > 0.0 { (a4 - m).exp() } else { 0.0 };
                a1 + a2 + tail.ln() + m
            })
            .sum()
    }

    /// P(alive) at the end of calibration.
    pub fn p_alive(&self, h: &History) -> f64 {
        if h.x == 0.0 {
            return 1.0;
        }
        let BgNbd { r, alpha, a, b } = *self;
        1.0 / (1.0 + (a / (b + h.x - 1.0)) * ((alpha + h.t) / (alpha + h.t_x)).powf(r + h.x))
    }

    /// Expected repeat purchases in the next `t` time units, given the history.
    pub fn expected_purchases(&self, t: f64, h: &History) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let (aa, bb, cc) = (r + h.x, b + h.x, a + b + h.x - 1.0);
        let z = t / (alpha + h.t + t);
        let hyp = hyp2f1(aa, bb, cc, z);
        let first = (a + b + h.x - 1.0) / (a - 1.0);
        let second = 1.0 - hyp * ((alpha + h.t) / (alpha + t + h.t)).powf(r + h.x);
        let denominator =
            1.0 + if h.x > 0.0 { (a / (b + h.x - 1.0)) * ((alpha + h.t) / (alpha + h.t_x)).powf(r + h.x) } else { 0.0 };
        first * second / denominator
    }

    /// Expected repeat purchases in `t` time units for a new customer (for the calibration plot).
    pub fn expected_purchases_new(&self, t: f64) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let hyp = hyp2f1(r, b, a + b - 1.0, t / (alpha + t));
        (a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t)).powf(r) * hyp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_is_the_sum_of_each_customers_log_likelihood_to_the_bit() {
        let data: Vec<History> = (0..500u32)
            .map(|i| {
                let x = f64::from(i % 13);
                let t = 10.0 + f64::from(i % 97) * 1.37;
                History { x, t_x: if x > 0.0 { t * f64::from(i % 7) / 7.0 } else { 0.0 }, t }
            })
            .collect();
        for m in [BgNbd { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 }, BgNbd { r: 2.0, alpha: 25.06, a: 0.0077, b: 0.225 }]
        {
            let one_by_one: f64 = data.iter().map(|h| m.log_likelihood(h)).sum();
            assert_eq!(m.total_log_likelihood(&data).to_bits(), one_by_one.to_bits());
        }
        let fractional = [History { x: 1.5, t_x: 2.0, t: 3.0 }];
        let m = BgNbd { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
        assert_eq!(m.total_log_likelihood(&fractional), m.log_likelihood(&fractional[0]));
    }
}
