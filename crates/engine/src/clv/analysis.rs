//! The whole CLV analysis of a customer list: historical value, the two fits, per-customer
//! predictions, and the calibration/holdout check.

use std::ops::Bound;

use serde::{Deserialize, Serialize};

use super::{fit_bgnbd, fit_gamma_gamma, histories, lifetime_value, BgNbdFit, ClvError, GammaGammaFit, TimeUnit};
use crate::customers::Aggregates;
use crate::dates::DateField;
use crate::export::{write_records, ExportError};
use crate::progress::Monitor;
use crate::typed::Typed;

/// CLV settings as the user gave them: the numbers as numbers or as typed ([`Typed`]), read and
/// checked by [`ClvParams::check`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClvParams {
    /// Months to predict ([`HORIZON_MONTHS`]).
    pub horizon_months: Typed<u32>,
    /// Monthly discount rate, as a fraction or a percentage (`0.01` or `1%` = 1% a month).
    pub discount_monthly: Typed<f64>,
    /// Days or weeks.
    #[serde(default)]
    pub unit: TimeUnit,
    /// End of the calibration period (`YYYY-MM-DD`); later purchases are the holdout used to check
    /// the predictions. `None` (or blank): fit on everything, no holdout check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration_end: Option<String>,
    /// Margin as a fraction or a percentage of revenue (`0.3` or `30%`) for value in profit;
    /// `None` (or blank): revenue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<Typed<f64>>,
}

impl Default for ClvParams {
    fn default() -> Self {
        ClvParams {
            horizon_months: 12.into(),
            discount_monthly: 0.01.into(),
            unit: TimeUnit::Weeks,
            calibration_end: None,
            margin: None,
        }
    }
}

/// Settings known to be usable, as plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidClvParams {
    horizon_months: u32,
    discount_monthly: f64,
    unit: TimeUnit,
    calibration_end: Option<i32>,
    margin: Option<f64>,
}

/// Months CLV can predict: up to ten years; BG/NBD extrapolated further says more about the
/// model than about the customers.
pub const HORIZON_MONTHS: std::ops::RangeInclusive<u32> = 1..=120;

/// Monthly discount rates CLV accepts: at least 0 and below 1 (100%, at which every later month
/// would be worth nothing).
pub const DISCOUNT_MONTHLY: std::ops::Range<f64> = 0.0..1.0;

/// Margins CLV accepts: above 0 and at most 1 (100%): a share of revenue kept as profit.
pub const MARGIN: (Bound<f64>, Bound<f64>) = (Bound::Excluded(0.0), Bound::Included(1.0));

impl ClvParams {
    /// Reads and checks the settings.
    ///
    /// ```
    /// use segscope_engine::clv::ClvParams;
    /// use segscope_engine::typed::Typed;
    ///
    /// let typed = ClvParams { discount_monthly: Typed::Text("2%".into()), ..ClvParams::default() };
    /// assert_eq!(typed.check().unwrap().discount_monthly(), 0.02);
    /// let bad = ClvParams { horizon_months: Typed::Text("abc".into()), ..ClvParams::default() };
    /// assert_eq!(
    ///     bad.check().unwrap_err().to_string(),
    ///     "CLV settings: the horizon in months must be a whole number from 1 to 120 (got `abc`)."
    /// );
    /// ```
    ///
    /// # Errors
    /// [`ClvError::Params`] naming the setting that is not a number or out of range (with the
    /// range), and [`ClvError::Date`] for a calibration end that is not a date.
    pub fn check(&self) -> Result<ValidClvParams, ClvError> {
        let horizon_months = self.horizon_months.read("the horizon in months", HORIZON_MONTHS)?;
        let discount_monthly = self.discount_monthly.read_fraction("the monthly discount rate", DISCOUNT_MONTHLY)?;
        let margin = match self.margin.as_ref().filter(|m| !m.is_blank()) {
            Some(m) => Some(m.read_fraction("the margin", MARGIN)?),
            None => None,
        };
        let calibration_end = crate::dates::parse_optional(DateField::CalibrationEnd, self.calibration_end.as_deref())?;
        Ok(ValidClvParams { horizon_months, discount_monthly, unit: self.unit, calibration_end, margin })
    }
}

impl ValidClvParams {
    /// Months to predict.
    pub fn horizon_months(&self) -> u32 {
        self.horizon_months
    }

    /// Monthly discount rate as a fraction (0.01 = 1% a month).
    pub fn discount_monthly(&self) -> f64 {
        self.discount_monthly
    }

    /// Days or weeks.
    pub fn unit(&self) -> TimeUnit {
        self.unit
    }

    /// Margin as a fraction of revenue, when set.
    pub fn margin(&self) -> Option<f64> {
        self.margin
    }

    /// The settings as checked, with plain numbers and the calibration end as `YYYY-MM-DD`: what
    /// the view shows and `clv.params.json` records (never the typed text).
    pub fn params(&self) -> ClvParams {
        ClvParams {
            horizon_months: self.horizon_months.into(),
            discount_monthly: self.discount_monthly.into(),
            unit: self.unit,
            calibration_end: self.calibration_end.map(|d| crate::ingest::values::date_from_days(d).to_string()),
            margin: self.margin.map(Typed::Value),
        }
    }
}

/// The last day of the data CLV is fitted to: the latest transaction date
/// ([`Aggregates::latest`]). The app and the command line both start a fit here.
///
/// # Errors
/// [`ClvError::NoDates`] naming `date_column` when no transaction has a readable date.
pub fn last_day(aggregates: &Aggregates, date_column: &str) -> Result<i32, ClvError> {
    aggregates.latest().ok_or_else(|| ClvError::NoDates { column: date_column.to_string() })
}

/// One customer's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvRow {
    /// Orders (all data).
    pub orders: u64,
    /// Value so far: the margin column's sum when one is mapped, else revenue with returns netted
    /// (× the margin rate when one is set).
    pub historical_value: f64,
    /// Mean order value.
    pub average_order_value: Option<f64>,
    /// Orders per year since the first purchase.
    pub orders_per_year: Option<f64>,
    /// Days from the first purchase to the end of the data.
    pub tenure_days: Option<i64>,
    /// Calibration repeat purchases, recency and age (model units).
    pub x: Option<f64>,
    /// Recency in model units.
    pub t_x: Option<f64>,
    /// Age in model units.
    pub t: Option<f64>,
    /// P(alive) at the end of calibration.
    pub p_alive: Option<f64>,
    /// Expected purchases over the horizon.
    pub expected_purchases: Option<f64>,
    /// Expected mean spend per purchase (× margin when set).
    pub expected_spend: Option<f64>,
    /// Predicted lifetime value over the horizon, discounted.
    pub clv: Option<f64>,
    /// Purchases after calibration (holdout).
    pub holdout_purchases: u32,
}

/// The calibration/holdout check: by calibration repeat purchases, mean actual vs predicted
/// repeat purchases in the holdout period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationPoint {
    /// Calibration repeat purchases (the last point counts this many or more).
    pub x: u32,
    /// Customers.
    pub customers: u64,
    /// Mean actual repeat purchases in the holdout.
    pub actual: f64,
    /// Mean predicted.
    pub predicted: f64,
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvResult {
    /// Per customer, in the order given.
    pub rows: Vec<ClvRow>,
    /// The BG/NBD fit.
    pub bgnbd: BgNbdFit,
    /// The Gamma-Gamma fit.
    pub gamma_gamma: GammaGammaFit,
    /// The calibration period's last day and the data's last day (`YYYY-MM-DD`).
    pub calibration_end: String,
    /// The data's last day.
    pub observation_end: String,
    /// The holdout check (empty without a calibration end).
    pub calibration: Vec<CalibrationPoint>,
    /// Warnings for the user.
    pub warnings: Vec<String>,
}

/// Runs the analysis for customers with the given keys; `last_day` is the last transaction day.
///
/// # Errors
/// [`ClvError`] when the data cannot support a fit or `monitor` cancels.
pub fn analyse(
    aggregates: &Aggregates,
    keys: &[Option<String>],
    params: &ValidClvParams,
    last_day: i32,
    monitor: &mut dyn Monitor,
) -> Result<ClvResult, ClvError> {
    let p = params;
    let unit = p.unit;
    let cal_end = params.calibration_end.unwrap_or(last_day).min(last_day);
    let hs = histories(aggregates, keys, cal_end, last_day, unit);
    let data: Vec<_> = hs.iter().filter_map(|h| h.history).collect();
    let bgnbd = fit_bgnbd(&data, monitor)?;
    let spend_pairs: Vec<(f64, f64)> = hs.iter().filter_map(|h| Some((h.history?.x, h.repeat_spend?))).collect();
    let gamma_gamma = fit_gamma_gamma(&spend_pairs, monitor)?;
    let margin = p.margin.unwrap_or(1.0);
    let horizon = f64::from(p.horizon_months) * unit.per_month();
    let rows = keys
        .iter()
        .zip(&hs)
        .map(|(k, ch)| {
            let summary = k.as_deref().and_then(|k| aggregates.summary(k));
            let orders = summary.map_or(0, |s| s.orders);
            let revenue = summary.map_or(0.0, |s| s.revenue.to_f64());
            // Value so far: the margin column when mapped, else revenue × the margin rate (if set).
            let historical = summary.and_then(|s| s.margin).map_or(revenue * margin, |m| m.to_f64());
            // Two i32 days differ by less than 2^33: the i64 subtraction never saturates.
            let tenure = summary.and_then(|s| s.first).map(|f| i64::from(last_day).saturating_sub(i64::from(f)));
            let mut row = ClvRow {
                orders,
                historical_value: historical,
                average_order_value: (orders > 0).then(|| revenue / orders as f64),
                orders_per_year: tenure.filter(|_| orders > 0).map(|t| orders as f64 * 365.25 / (t as f64 + 1.0)),
                tenure_days: tenure,
                x: None,
                t_x: None,
                t: None,
                p_alive: None,
                expected_purchases: None,
                expected_spend: None,
                clv: None,
                holdout_purchases: ch.holdout_purchases,
            };
            if let Some(h) = ch.history {
                let b = &bgnbd.params;
                row.x = Some(h.x);
                row.t_x = Some(h.t_x);
                row.t = Some(h.t);
                row.p_alive = Some(b.p_alive(&h));
                row.expected_purchases = Some(b.expected_purchases(horizon, &h));
                // Customers without a repeat purchase get the population mean spend (x = 0).
                let spend = gamma_gamma.params.expected_average_value(h.x, ch.repeat_spend.unwrap_or(0.0)) * margin;
                row.expected_spend = Some(spend);
                row.clv = Some(lifetime_value(b, spend, &h, p.horizon_months, p.discount_monthly, unit));
            }
            row
        })
        .collect();
    let calibration = if params.calibration_end.is_some() && cal_end < last_day {
        // The day difference in f64: exact (|difference| < 2^33), where i32 could overflow.
        let holdout_len = (f64::from(last_day) - f64::from(cal_end)) / unit.days();
        let mut groups: Vec<(u64, f64, f64)> = vec![(0, 0.0, 0.0); 8];
        for ch in &hs {
            let Some(h) = ch.history else { continue };
            let Some(group) = groups.get_mut((h.x as usize).min(7)) else { continue };
            // A count of customers, far below u64::MAX.
            group.0 = group.0.saturating_add(1);
            group.1 += f64::from(ch.holdout_purchases);
            group.2 += bgnbd.params.expected_purchases(holdout_len, &h);
        }
        groups
            .into_iter()
            .enumerate()
            .filter(|(_, g)| g.0 > 0)
            .map(|(x, (n, actual, predicted))| CalibrationPoint {
                x: x as u32,
                customers: n,
                actual: actual / n as f64,
                predicted: predicted / n as f64,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut warnings = Vec::new();
    warnings.extend(gamma_gamma.correlation_warning());
    if !bgnbd.convergence.converged {
        warnings.push(format!(
            "The BG/NBD fit did not converge ({}); treat its predictions with care.",
            bgnbd.convergence.reason
        ));
    }
    if !gamma_gamma.convergence.converged {
        warnings.push(format!(
            "The Gamma-Gamma fit did not converge ({}); treat spend predictions with care.",
            gamma_gamma.convergence.reason
        ));
    }
    let day = |d: i32| crate::ingest::values::date_from_days(d).to_string();
    Ok(ClvResult {
        rows,
        bgnbd,
        gamma_gamma,
        calibration_end: day(cal_end),
        observation_end: day(last_day),
        calibration,
        warnings,
    })
}

/// The `clv.params.json` file: the fits, the holdout check, the warnings and the settings used
/// (as checked: plain numbers).
pub fn params_json(params: &ValidClvParams, result: &ClvResult) -> String {
    let json = serde_json::json!({
        "bgnbd": result.bgnbd,
        "gamma_gamma": result.gamma_gamma,
        "calibration_end": result.calibration_end,
        "observation_end": result.observation_end,
        "calibration": result.calibration,
        "warnings": result.warnings,
        "settings": params.params(),
    });
    serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
}

/// The per-customer CLV CSV; reports the rows written to `monitor`.
///
/// # Errors
/// [`ExportError::Io`] when writing fails, [`ExportError::Cancelled`] when `monitor` asks to stop.
pub fn write_csv<W: std::io::Write>(
    keys: &[String],
    result: &ClvResult,
    out: W,
    monitor: &mut dyn Monitor,
) -> Result<(), ExportError> {
    let header = [
        "customer_id",
        "orders",
        "historical_value",
        "average_order_value",
        "orders_per_year",
        "tenure_days",
        "frequency",
        "recency",
        "T",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
        "holdout_purchases",
    ];
    let f = |x: Option<f64>, d: usize| x.map(|x| format!("{x:.d$}")).unwrap_or_default();
    let record = |i: usize, fields: &mut Vec<String>| {
        let (Some(key), Some(r)) = (keys.get(i), result.rows.get(i)) else { return };
        fields.extend([
            key.clone(),
            r.orders.to_string(),
            format!("{:.2}", r.historical_value),
            f(r.average_order_value, 2),
            f(r.orders_per_year, 3),
            r.tenure_days.map(|t| t.to_string()).unwrap_or_default(),
            f(r.x, 0),
            f(r.t_x, 4),
            f(r.t, 4),
            f(r.p_alive, 6),
            f(r.expected_purchases, 6),
            f(r.expected_spend, 4),
            f(r.clv, 4),
            r.holdout_purchases.to_string(),
        ]);
    };
    let rows = keys.len().min(result.rows.len());
    write_records("Writing the lifetime values", &header, rows, record, out, monitor)
}
