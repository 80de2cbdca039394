//! Lifetime value through the boundary: fits, predictions summarised for display, and downloads.

use serde::{Deserialize, Serialize};

use super::transactions::Attached;
use super::{AssignmentId, EngineError, FileOut};
use crate::assignment::Assignment;
use crate::clv::{
    analyse, last_day, write_csv, BgNbdFit, CalibrationPoint, ClvParams, ClvResult, GammaGammaFit, ValidClvParams,
};
use crate::table::Table;

/// One of the customers with the highest predicted value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopCustomer {
    /// The customer key.
    pub key: String,
    /// Predicted lifetime value.
    pub clv: f64,
    /// P(alive).
    pub p_alive: f64,
    /// Orders so far.
    pub orders: u64,
    /// Value so far.
    pub historical_value: f64,
}

/// Predicted value per segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentValue {
    /// The segment.
    pub segment: String,
    /// Customers.
    pub customers: u64,
    /// Mean predicted value.
    pub mean_clv: f64,
    /// Total predicted value.
    pub total_clv: f64,
}

/// Lifetime value as the Value workspace shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvView {
    /// The BG/NBD fit.
    pub bgnbd: BgNbdFit,
    /// The Gamma-Gamma fit.
    pub gamma_gamma: GammaGammaFit,
    /// Last day of calibration.
    pub calibration_end: String,
    /// Last day of the data.
    pub observation_end: String,
    /// Actual vs predicted holdout purchases by calibration repeat purchases.
    pub calibration: Vec<CalibrationPoint>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// Customers per predicted-value band (label, count).
    pub distribution: Vec<(String, u64)>,
    /// The 20 customers with the highest predicted value.
    pub top: Vec<TopCustomer>,
    /// Predicted value by RFM segment (when RFM has been computed).
    pub by_segment: Vec<SegmentValue>,
    /// The segmentation `by_segment` is by: its id and name.
    pub by_segmentation: Option<(AssignmentId, String)>,
    /// (days since the last purchase, P(alive)) for up to 2,000 customers.
    pub p_alive_points: Vec<(f64, f64)>,
    /// Total predicted value.
    pub total_clv: f64,
    /// The settings as checked (plain numbers).
    pub params: ClvParams,
}

/// Runs CLV for the customers with checked settings; `by` (a segmentation's id, name and
/// assignment) gives the segments to summarise value by.
pub(super) fn run(
    table: &Table,
    attached: &Attached,
    valid: &ValidClvParams,
    by: Option<(AssignmentId, String, &Assignment)>,
    monitor: &mut dyn crate::progress::Monitor,
) -> Result<(ClvView, ClvResult), EngineError> {
    let keys = attached.keys(table)?;
    let last = last_day(&attached.aggregates, &attached.mapping.date)?;
    let result = analyse(&attached.aggregates, &keys, valid, last, monitor)?;
    let values: Vec<f64> = result.rows.iter().filter_map(|r| r.clv).collect();
    let mut sorted = values.clone();
    sorted.sort_by(f64::total_cmp);
    let edges = [0.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0];
    let mut distribution: Vec<(String, u64)> = Vec::new();
    // Each edge with the next (none after the last).
    for (lo, hi) in edges.iter().zip(edges.iter().skip(1).map(Some).chain([None])) {
        let n = values.iter().filter(|v| **v >= *lo && hi.is_none_or(|h| **v < *h)).count() as u64;
        let label = match hi {
            Some(h) => format!("{lo:.0}–{h:.0}"),
            None => format!("{lo:.0}+"),
        };
        distribution.push((label, n));
    }
    let mut top: Vec<TopCustomer> = result
        .rows
        .iter()
        .zip(&keys)
        .filter_map(|(r, k)| {
            Some(TopCustomer {
                key: k.clone()?,
                clv: r.clv?,
                p_alive: r.p_alive?,
                orders: r.orders,
                historical_value: r.historical_value,
            })
        })
        .collect();
    top.sort_by(|a, b| b.clv.total_cmp(&a.clv).then_with(|| a.key.cmp(&b.key)));
    top.truncate(20);
    let by_segment = by
        .as_ref()
        .map(|(_, _, assignment)| {
            assignment
                .segments
                .iter()
                .enumerate()
                .map(|(i, segment)| {
                    let name = &segment.name;
                    let members: Vec<f64> = assignment
                        .codes
                        .iter()
                        .zip(&result.rows)
                        .filter(|(&code, _)| code as usize == i)
                        .map(|(_, c)| c.clv.unwrap_or(0.0))
                        .collect();
                    let total: f64 = members.iter().sum();
                    SegmentValue {
                        segment: name.clone(),
                        customers: members.len() as u64,
                        mean_clv: if members.is_empty() { 0.0 } else { total / members.len() as f64 },
                        total_clv: total,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let unit_days = valid.unit().days();
    let step = (result.rows.len() / 2000).max(1);
    let p_alive_points =
        result.rows.iter().step_by(step).filter_map(|r| Some(((r.t? - r.t_x?) * unit_days, r.p_alive?))).collect();
    let view = ClvView {
        bgnbd: result.bgnbd.clone(),
        gamma_gamma: result.gamma_gamma.clone(),
        calibration_end: result.calibration_end.clone(),
        observation_end: result.observation_end.clone(),
        calibration: result.calibration.clone(),
        warnings: result.warnings.clone(),
        distribution,
        top,
        by_segment,
        by_segmentation: by.map(|(id, name, _)| (id, name)),
        p_alive_points,
        total_clv: values.iter().sum(),
        params: valid.params(),
    };
    Ok((view, result))
}

/// The per-customer CLV CSV and the fitted parameters as JSON; writing reports to `monitor`.
pub(super) fn files(
    table: &Table,
    attached: &Attached,
    params: &ValidClvParams,
    result: &ClvResult,
    monitor: &mut dyn crate::progress::Monitor,
) -> Result<Vec<FileOut>, EngineError> {
    let keys: Vec<String> = attached.keys(table)?.into_iter().map(Option::unwrap_or_default).collect();
    let mut csv = Vec::new();
    write_csv(&keys, result, &mut csv, monitor)?;
    Ok(vec![
        FileOut { name: "clv.csv".into(), mime: "text/csv".into(), bytes: csv },
        FileOut {
            name: "clv.params.json".into(),
            mime: "application/json".into(),
            bytes: crate::clv::params_json(params, result).into_bytes(),
        },
    ])
}
