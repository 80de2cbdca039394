//! The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013), as in `lifetimes`.

use serde::{Deserialize, Serialize};

use super::special::ln_gamma;

/// Largest whole `x` for which [`GammaGamma::total_log_likelihood`] tabulates ln Γ.
const TABLE_LIMIT: f64 = 100_000.0;

/// Repeat customers' `(x, m)` prepared for many likelihood evaluations: ln x and ln m taken once,
/// and the ln Γ terms, which depend only on `x`, once per whole `x` up to the largest.
pub struct PreparedSpend<'a> {
    data: &'a [(f64, f64)],
    /// ln x and ln m per customer.
    logs: Vec<(f64, f64)>,
    /// The largest `x`, when every `x` is a whole number below [`TABLE_LIMIT`].
    largest: Option<u32>,
}

impl<'a> PreparedSpend<'a> {
    /// Prepares `data`.
    pub fn new(data: &'a [(f64, f64)]) -> Self {
        let largest = data.iter().map(|d| d.0).fold(0.0, f64::max);
        let whole = largest < TABLE_LIMIT && data.iter().all(|d| d.0.fract() == 0.0 && d.0 >= 0.0);
        let logs = data.iter().map(|(x, m)| (x.ln(), m.ln())).collect();
        PreparedSpend { data, logs, largest: whole.then_some(largest as u32) }
    }
}

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

    /// The total log-likelihood of many repeat customers' `(x, m)` (the same number, to the bit,
    /// as adding up [`GammaGamma::log_likelihood`]).
    pub fn total_log_likelihood(&self, data: &[(f64, f64)]) -> f64 {
        self.prepared_log_likelihood(&PreparedSpend::new(data))
    }

    /// [`GammaGamma::total_log_likelihood`] of data prepared once for many evaluations.
    pub fn prepared_log_likelihood(&self, prepared: &PreparedSpend<'_>) -> f64 {
        let PreparedSpend { data, logs, largest } = prepared;
        let Some(largest) = largest else {
            return data.iter().map(|(x, m)| self.log_likelihood(*x, *m)).sum();
        };
        let GammaGamma { p, q, gamma } = *self;
        let ks = || (0..=*largest).map(f64::from);
        let with_q: Vec<f64> = ks().map(|x| ln_gamma(p * x + q)).collect();
        let without: Vec<f64> = ks().map(|x| ln_gamma(p * x)).collect();
        let (ln_gamma_q, ln_scale) = (ln_gamma(q), gamma.ln());
        data.iter()
            .zip(logs)
            .map(|(&(x, m), &(ln_x, ln_m))| {
                let k = x as usize;
                let at = |t: &[f64]| t.get(k).copied().unwrap_or(f64::NAN);
                // As `log_likelihood`, term for term.
                at(&with_q) - at(&without) - ln_gamma_q + q * ln_scale + (p * x - 1.0) * ln_m + p * x * ln_x
                    - (p * x + q) * (x * m + gamma).ln()
            })
            .sum()
    }

    /// The expected mean transaction value of a customer with `x` repeat transactions of mean `m`.
    pub fn expected_average_value(&self, x: f64, m: f64) -> f64 {
        let GammaGamma { p, q, gamma } = *self;
        let weight = p * x / (p * x + q - 1.0);
        weight * m + (1.0 - weight) * gamma * p / (q - 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_is_the_sum_of_each_customers_log_likelihood_to_the_bit() {
        let data: Vec<(f64, f64)> =
            (1..400u32).map(|i| (f64::from(i % 9 + 1), 3.5 + f64::from(i % 31) * 2.25)).collect();
        let m = GammaGamma { p: 7.46, q: 1.99, gamma: 13.09 };
        let one_by_one: f64 = data.iter().map(|(x, v)| m.log_likelihood(*x, *v)).sum();
        assert_eq!(m.total_log_likelihood(&data).to_bits(), one_by_one.to_bits());
        assert_eq!(m.total_log_likelihood(&[(1.5, 2.0)]), m.log_likelihood(1.5, 2.0));
    }
}
