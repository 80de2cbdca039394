//! The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013), as in `lifetimes`.

use serde::{Deserialize, Serialize};

use super::special::ln_gamma;

/// Fitted Gamma-Gamma parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    /// Shape of the transaction-value gamma.
    pub p: f64,
    /// Shape of the customer-mean gamma.
    pub q: f64,
    /// Scale of the customer-mean gamma (γ, `v` in lifetimes).
    pub gamma: f64,
}

impl GammaGamma {
    /// The log-likelihood of a repeat customer's `x` transactions with mean value `m`.
    pub fn log_likelihood(&self, x: f64, m: f64) -> f64 {
        let GammaGamma { p, q, gamma } = *self;
        ln_gamma(p * x + q) - ln_gamma(p * x) - ln_gamma(q) + q * gamma.ln() + (p * x - 1.0) * m.ln() + p * x * x.ln()
            - (p * x + q) * (x * m + gamma).ln()
    }

    /// The expected mean transaction value of a customer with `x` repeat transactions of mean `m`.
    pub fn expected_average_value(&self, x: f64, m: f64) -> f64 {
        let GammaGamma { p, q, gamma } = *self;
        let weight = p * x / (p * x + q - 1.0);
        weight * m + (1.0 - weight) * gamma * p / (q - 1.0)
    }
}
