//! The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005), as in `lifetimes`.

use serde::{Deserialize, Serialize};

use super::special::{hyp2f1, ln_rising};

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

    /// The total log-likelihood of many histories.
    pub fn total_log_likelihood(&self, data: &[History]) -> f64 {
        data.iter().map(|h| self.log_likelihood(h)).sum()
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
