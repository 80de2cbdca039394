//! Customer lifetime value: historical (what customers have been worth) and predictive, with the
//! BG/NBD model of repeat purchases and the Gamma-Gamma model of spend, fitted by maximum
//! likelihood ([`optimize`]: argmin's Nelder–Mead on log parameters), as in `lifetimes`.
//!
//! Inputs come from the one customer table ([`crate::customers`]): per customer, purchases per day.
//! A repeat purchase is a purchase day after the first; `t_x` runs from the first to the last
//! purchase day and `T` from the first purchase to the end of calibration, in days or weeks
//! (days / 7). The Gamma-Gamma spend is the mean of the repeat days' purchases.

mod analysis;
pub mod bgnbd;
mod errors;
pub mod gamma_gamma;
pub mod optimize;
pub mod special;

pub use analysis::{
    analyse, last_day, params_json, write_csv, CalibrationPoint, ClvParams, ClvResult, ClvRow, ValidClvParams,
    HORIZON_MONTHS,
};
pub use bgnbd::{BgNbd, History, Prepared};
pub use errors::ClvError;
pub use gamma_gamma::{GammaGamma, PreparedSpend};
pub use optimize::Convergence;

use serde::{Deserialize, Serialize};

use crate::customers::Aggregates;
use crate::progress::Monitor;

/// Customers with a repeat purchase needed before the models are fitted.
pub const MIN_REPEAT_CUSTOMERS: usize = 10;

/// The time unit of the models.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Days.
    Days,
    /// Weeks (days / 7).
    #[default]
    Weeks,
}

impl TimeUnit {
    /// Days per unit.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Days => 1.0,
            TimeUnit::Weeks => 7.0,
        }
    }

    /// Units per month, as `lifetimes` counts them for CLV (30 days; 4.345 weeks).
    pub fn per_month(self) -> f64 {
        match self {
            TimeUnit::Days => 30.0,
            TimeUnit::Weeks => 4.345,
        }
    }
}

/// A fitted BG/NBD model with its fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BgNbdFit {
    /// The parameters.
    pub params: BgNbd,
    /// Total log-likelihood.
    pub log_likelihood: f64,
    /// How the optimiser ended.
    pub convergence: Convergence,
}

/// A fitted Gamma-Gamma model with its fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaFit {
    /// The parameters.
    pub params: GammaGamma,
    /// Total log-likelihood.
    pub log_likelihood: f64,
    /// How the optimiser ended.
    pub convergence: Convergence,
    /// Pearson correlation of repeat purchases and mean spend (the model assumes none).
    pub frequency_spend_correlation: f64,
}

impl GammaGammaFit {
    /// A warning when spend and frequency are correlated enough to doubt the model (|r| ≥ 0.3).
    pub fn correlation_warning(&self) -> Option<String> {
        (self.frequency_spend_correlation.abs() >= 0.3).then(|| {
            format!(
                "Repeat purchases and mean spend are correlated (r = {:.2}); the Gamma-Gamma model assumes they are independent, so treat spend predictions with care.",
                self.frequency_spend_correlation
            )
        })
    }
}

/// Fits BG/NBD to calibration histories.
///
/// # Errors
/// [`ClvError::TooFewRepeat`] when fewer than [`MIN_REPEAT_CUSTOMERS`] customers bought again, and
/// [`ClvError::NoFit`] when the optimiser fails, [`ClvError::Cancelled`] when `monitor` asks to stop.
pub fn fit_bgnbd(data: &[History], monitor: &mut dyn Monitor) -> Result<BgNbdFit, ClvError> {
    let repeat = data.iter().filter(|h| h.x > 0.0).count();
    if repeat < MIN_REPEAT_CUSTOMERS {
        return Err(ClvError::TooFewRepeat { repeat, needed: MIN_REPEAT_CUSTOMERS });
    }
    // The mean negative log-likelihood (as lifetimes minimises), so the tolerance does not depend on N.
    let n = data.len() as f64;
    let prepared = Prepared::new(data);
    // The optimiser passes as many parameters as the start has; any other number is not a fit (NaN).
    let nll = |p: &[f64]| match *p {
        [r, alpha, a, b] => -BgNbd { r, alpha, a, b }.prepared_log_likelihood(&prepared) / n,
        _ => f64::NAN,
    };
    let (p, cost, convergence) =
        optimize::minimise(&nll, &[1.0, 1.0, 1.0, 1.0], "Fitting BG/NBD, evaluation", monitor)?
            .ok_or(ClvError::NoFit { model: "BG/NBD", reason: "the optimiser stopped".into() })?;
    let [r, alpha, a, b] = *p.as_slice() else {
        return Err(ClvError::NoFit { model: "BG/NBD", reason: "the optimiser returned the wrong parameters".into() });
    };
    let params = BgNbd { r, alpha, a, b };
    if !cost.is_finite() || cost == f64::MAX {
        return Err(ClvError::NoFit { model: "BG/NBD", reason: "no parameters give a finite likelihood".into() });
    }
    Ok(BgNbdFit { params, log_likelihood: -cost * n, convergence })
}

/// Fits Gamma-Gamma to repeat customers' (repeat purchases, mean spend).
///
/// # Errors
/// [`ClvError::TooFewRepeat`] and [`ClvError::NoFit`] as [`fit_bgnbd`].
pub fn fit_gamma_gamma(data: &[(f64, f64)], monitor: &mut dyn Monitor) -> Result<GammaGammaFit, ClvError> {
    let data: Vec<(f64, f64)> = data.iter().copied().filter(|(x, m)| *x > 0.0 && *m > 0.0).collect();
    if data.len() < MIN_REPEAT_CUSTOMERS {
        return Err(ClvError::TooFewRepeat { repeat: data.len(), needed: MIN_REPEAT_CUSTOMERS });
    }
    let n = data.len() as f64;
    let prepared = PreparedSpend::new(&data);
    // As in fit_bgnbd: any other number of parameters is not a fit.
    let nll = |p: &[f64]| match *p {
        [p, q, gamma] => -GammaGamma { p, q, gamma }.prepared_log_likelihood(&prepared) / n,
        _ => f64::NAN,
    };
    let (p, cost, convergence) =
        optimize::minimise(&nll, &[1.0, 1.0, 1.0], "Fitting Gamma-Gamma, evaluation", monitor)?
            .ok_or(ClvError::NoFit { model: "Gamma-Gamma", reason: "the optimiser stopped".into() })?;
    let [p, q, gamma] = *p.as_slice() else {
        return Err(ClvError::NoFit {
            model: "Gamma-Gamma",
            reason: "the optimiser returned the wrong parameters".into(),
        });
    };
    Ok(GammaGammaFit {
        params: GammaGamma { p, q, gamma },
        log_likelihood: -cost * n,
        convergence,
        frequency_spend_correlation: pearson(&data),
    })
}

fn pearson(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    let (mx, my) = (pairs.iter().map(|p| p.0).sum::<f64>() / n, pairs.iter().map(|p| p.1).sum::<f64>() / n);
    let cov: f64 = pairs.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let (vx, vy): (f64, f64) =
        (pairs.iter().map(|(x, _)| (x - mx).powi(2)).sum(), pairs.iter().map(|(_, y)| (y - my).powi(2)).sum());
    if vx == 0.0 || vy == 0.0 {
        0.0
    } else {
        cov / (vx * vy).sqrt()
    }
}

/// Predicted lifetime value over `months`, discounted monthly at `discount`, as `lifetimes`
/// computes it: each month's expected purchases × expected mean spend / (1 + discount)^month.
pub fn lifetime_value(bg: &BgNbd, spend: f64, h: &History, months: u32, discount: f64, unit: TimeUnit) -> f64 {
    let f = unit.per_month();
    (1..=months)
        .map(|i| {
            let t = f64::from(i) * f;
            let purchases = bg.expected_purchases(t, h) - bg.expected_purchases(t - f, h);
            spend * purchases / (1.0 + discount).powf(f64::from(i))
        })
        .sum()
}

/// One customer's calibration history, mean repeat spend, and purchases after calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CustomerHistory {
    /// The BG/NBD history (none without a purchase before the end of calibration).
    pub history: Option<History>,
    /// Mean of the repeat days' purchases (none without a repeat purchase).
    pub repeat_spend: Option<f64>,
    /// Purchase days after calibration, up to the end of observation.
    pub holdout_purchases: u32,
}

/// Builds each customer's history from the aggregates: calibration up to and including day
/// `calibration_end`, holdout after it up to and including `observation_end`.
pub fn histories(
    aggregates: &Aggregates,
    keys: &[Option<String>],
    calibration_end: i32,
    observation_end: i32,
    unit: TimeUnit,
) -> Vec<CustomerHistory> {
    let per = unit.days();
    keys.iter()
        .map(|k| {
            let Some(days) = k.as_deref().and_then(|k| aggregates.purchase_days(k)) else {
                return CustomerHistory { history: None, repeat_spend: None, holdout_purchases: 0 };
            };
            let cal: Vec<(i32, _)> = days.up_to(calibration_end).iter().collect();
            let holdout = if calibration_end < observation_end {
                days.after(calibration_end).up_to(observation_end).len() as u32
            } else {
                0
            };
            let (Some(&(first, _)), Some(&(last, _))) = (cal.first(), cal.last()) else {
                return CustomerHistory { history: None, repeat_spend: None, holdout_purchases: holdout };
            };
            let x = cal.len() as f64 - 1.0;
            // The day differences in f64: exact (|difference| < 2^33), where i32 could overflow.
            let (t_x, t) = (f64::from(last) - f64::from(first), f64::from(calibration_end) - f64::from(first));
            let history = History { x, t_x: t_x / per, t: t / per };
            let repeat: Vec<f64> = cal.iter().skip(1).map(|(_, m)| m.to_f64()).collect();
            let repeat_spend = (!repeat.is_empty()).then(|| repeat.iter().sum::<f64>() / repeat.len() as f64);
            CustomerHistory { history: Some(history), repeat_spend, holdout_purchases: holdout }
        })
        .collect()
}
