//! RFM through the boundary: the grid, the segment table, distributions, previews and downloads.

use serde::{Deserialize, Serialize};

use super::transactions::Attached;
use super::{AssignmentId, EngineError, FileOut, Stored};
use crate::dates::resolve_as_of;
use crate::ingest::values::date_from_days;
use crate::progress::Monitor;
use crate::rfm::{
    compute, rule, sql, write_csv, RfmDefinition, RfmError, RfmMap, RfmParams, RfmResult, ValidRfmMap, ValidRfmParams,
    FORMAT,
};
use crate::rules::sql::Dialect;
use crate::table::Table;

/// One cell of the R × F grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridCell {
    /// R score.
    pub r: u8,
    /// F score.
    pub f: u8,
    /// Customers in the cell.
    pub count: u64,
    /// Share of scored customers.
    pub share: f64,
    /// Mean monetary value in the cell (none when empty).
    pub mean_monetary: Option<f64>,
    /// The segment painting the cell (index into the map), for customers of any M.
    pub segment: Option<usize>,
}

/// One named segment's size and averages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmSegmentRow {
    /// Its name.
    pub name: String,
    /// Its colour.
    pub color: Option<String>,
    /// Customers.
    pub count: u64,
    /// Share of all customers.
    pub share: f64,
    /// Share of all monetary value.
    pub revenue_share: f64,
    /// Mean days since the last purchase.
    pub mean_recency: Option<f64>,
    /// Mean orders.
    pub mean_frequency: f64,
    /// Mean monetary value.
    pub mean_monetary: f64,
}

/// RFM as the Value workspace shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmView {
    /// The stored assignment (previews, the customers CSV with the segment).
    pub assignment: AssignmentId,
    /// The as-of date used.
    pub as_of: String,
    /// True when it is the default (the day after the last transaction).
    pub as_of_is_default: bool,
    /// The settings as checked (plain numbers).
    pub params: RfmParams,
    /// Scores run 1..bins (the checked number of bins).
    pub bins: u8,
    /// The segment map used.
    pub map: RfmMap,
    /// The scoring rule in a sentence.
    pub rule: String,
    /// The R × F grid, R from B down to 1, F from 1 to B.
    pub grid: Vec<GridCell>,
    /// Segments in map order, then "No purchases".
    pub segments: Vec<RfmSegmentRow>,
    /// Customers per score 1..B, for R, F and M.
    pub distributions: [Vec<u64>; 3],
    /// Customers.
    pub customers: u64,
    /// Customers with a purchase (scored).
    pub scored: u64,
}

/// The data RFM runs on: the customers and their attached transactions.
pub(super) struct RfmRun<'a> {
    pub table: &'a Table,
    pub attached: &'a Attached,
}

impl RfmRun<'_> {
    /// Computes RFM with checked settings (the default map for the bins when `map` is `None`), as
    /// of the typed date or the default one ([`crate::dates::resolve_as_of`]); the last value says
    /// whether the as-of date is the default. Scoring reports to `monitor`.
    pub fn compute(
        &self,
        valid: &ValidRfmParams,
        map: Option<&RfmMap>,
        as_of: Option<&str>,
        monitor: &mut dyn Monitor,
    ) -> Result<(RfmResult, ValidRfmMap, bool), EngineError> {
        let map = match map {
            Some(map) => map.check(valid.bins())?,
            None => RfmMap::default_for(valid.bins()).check(valid.bins())?,
        };
        let as_of = resolve_as_of(as_of, self.attached.aggregates.latest(), || None).map_err(RfmError::from)?;
        let as_of = as_of.ok_or(RfmError::NoPurchases)?;
        let keys = self.attached.keys(self.table)?;
        let result = compute(&keys, &self.attached.aggregates, valid, map.map(), as_of.day, monitor)?;
        Ok((result, map, as_of.is_default))
    }

    /// The view and what to store.
    pub fn view(
        &self,
        id: AssignmentId,
        valid: &ValidRfmParams,
        checked: &ValidRfmMap,
        result: &RfmResult,
        as_of_is_default: bool,
    ) -> (RfmView, Stored) {
        let map = checked.map();
        let bins = valid.bins();
        let b = usize::from(bins);
        let rows = &result.rows;
        let customers = rows.len() as u64;
        let scored: Vec<_> = rows.iter().filter(|r| r.scores.is_some()).collect();
        let total_money: f64 = rows.iter().map(|r| r.monetary_value).sum();
        // b is 3..=5 (checked bins): never saturates.
        let mut grid = Vec::with_capacity(b.saturating_mul(b));
        for r in (1..=bins).rev() {
            for f in 1..=bins {
                let in_cell: Vec<_> =
                    scored.iter().filter(|x| x.scores.is_some_and(|s| s[0] == r && s[1] == f)).collect();
                let count = in_cell.len() as u64;
                grid.push(GridCell {
                    r,
                    f,
                    count,
                    share: count as f64 / scored.len().max(1) as f64,
                    mean_monetary: (count > 0)
                        .then(|| in_cell.iter().map(|x| x.monetary_value).sum::<f64>() / count as f64),
                    segment: map
                        .segments
                        .iter()
                        .enumerate()
                        .position(|(i, s)| checked.m_scores(i).is_empty() && s.cells.contains(&[r, f])),
                });
            }
        }
        let segments = result
            .names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let members: Vec<_> = rows.iter().filter(|r| r.segment == i).collect();
                let n = members.len() as f64;
                let recencies: Vec<f64> = members.iter().filter_map(|r| r.recency_days.map(|d| d as f64)).collect();
                RfmSegmentRow {
                    name: name.clone(),
                    color: map.segments.get(i).and_then(|s| s.color.clone()),
                    count: members.len() as u64,
                    share: n / customers.max(1) as f64,
                    revenue_share: if total_money == 0.0 {
                        0.0
                    } else {
                        members.iter().map(|r| r.monetary_value).sum::<f64>() / total_money
                    },
                    mean_recency: (!recencies.is_empty())
                        .then(|| recencies.iter().sum::<f64>() / recencies.len() as f64),
                    mean_frequency: if n == 0.0 {
                        0.0
                    } else {
                        members.iter().map(|r| r.frequency as f64).sum::<f64>() / n
                    },
                    mean_monetary: if n == 0.0 {
                        0.0
                    } else {
                        members.iter().map(|r| r.monetary_value).sum::<f64>() / n
                    },
                }
            })
            .collect();
        let mut distributions = [vec![0u64; b], vec![0u64; b], vec![0u64; b]];
        for s in scored.iter().filter_map(|r| r.scores) {
            for (d, &score) in distributions.iter_mut().zip(&s) {
                // Counts customers: never saturates.
                if let Some(c) = usize::from(score).checked_sub(1).and_then(|i| d.get_mut(i)) {
                    *c = c.saturating_add(1);
                }
            }
        }
        let view = RfmView {
            assignment: id,
            as_of: date_from_days(result.as_of).to_string(),
            as_of_is_default,
            params: valid.params(),
            bins,
            map: map.clone(),
            rule: rule(valid),
            grid,
            segments,
            distributions,
            customers,
            scored: scored.len() as u64,
        };
        let definition = RfmDefinition {
            format: FORMAT.to_string(),
            as_of: Some(view.as_of.clone()),
            transactions: Some(self.attached.mapping.clone()),
            params: valid.params(),
            map: map.clone(),
        };
        let spec = serde_json::json!({ "kind": "rfm", "definition": definition });
        let stored = Stored { spec, assignment: result.assignment("RFM segments"), flags: None };
        (view, stored)
    }

    /// The per-customer RFM CSV, keyed by the customers' key column; writing reports to `monitor`.
    pub fn csv(&self, result: &RfmResult, monitor: &mut dyn Monitor) -> Result<FileOut, EngineError> {
        let keys: Vec<String> = self.attached.keys(self.table)?.into_iter().map(Option::unwrap_or_default).collect();
        let mut bytes = Vec::new();
        write_csv(&keys, result, &mut bytes, monitor)?;
        Ok(FileOut { name: "rfm.csv".into(), mime: "text/csv".into(), bytes })
    }

    /// The RFM definition file and the SQL for `dialect`.
    pub fn definition_files(
        &self,
        valid: &ValidRfmParams,
        checked: &ValidRfmMap,
        result: &RfmResult,
        dialect: Dialect,
        customers: &str,
        transactions: &str,
    ) -> Result<Vec<FileOut>, RfmError> {
        let definition = RfmDefinition {
            format: FORMAT.to_string(),
            as_of: Some(date_from_days(result.as_of).to_string()),
            transactions: Some(self.attached.mapping.clone()),
            params: valid.params(),
            map: checked.map().clone(),
        };
        let mut json = serde_json::to_string_pretty(&definition).unwrap_or_default();
        json.push('\n');
        let text =
            sql::select(valid, checked, &self.attached.mapping, result.as_of, dialect, transactions, Some(customers));
        Ok(vec![
            FileOut { name: "rfm.segments.json".into(), mime: "application/json".into(), bytes: json.into_bytes() },
            FileOut {
                name: format!("rfm.{}.sql", dialect.label()),
                mime: "application/sql".into(),
                bytes: text.into_bytes(),
            },
        ])
    }
}
