//! RFM: recency, frequency and monetary scores per customer, and named segments from R and F.
//!
//! Read from the one customer table ([`crate::customers`]): `recency_days` is the as-of date
//! minus the last purchase date, in whole days; `frequency` the number of orders; `monetary` the
//! total amount (returns netted or excluded) or the mean order value. Amounts are compared
//! exactly, so equal totals are equal. Scores run 1..B, higher is better; see [`Method`] for the
//! three ways. Customers with no purchase get the map's "No purchases" segment.

mod errors;
mod map;
mod params;
mod score;
pub mod sql;
mod words;

pub use errors::RfmError;
pub use map::{RfmMap, RfmSegment, ValidRfmMap};
pub use params::{Dimension, Method, Monetary, Returns, RfmParams, ValidRfmParams, BINS};
pub use score::{quantile_scores, rank_scores, threshold_scores, Better};
pub use words::{in_words, rule};

use serde::{Deserialize, Serialize};

use crate::assignment::{Assignment, Segment};
use crate::customers::{Aggregates, Money};
use crate::export::{write_records, ExportError};
use crate::progress::{Monitor, Stage};

/// Customers between two progress reports.
const REPORT_EVERY: u64 = 1 << 16;

/// The RFM definition file's format tag.
pub const FORMAT: &str = "segscope.rfm/1";

/// An RFM segmentation as saved: settings, the segment map, the as-of date and the transaction mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmDefinition {
    /// Always [`FORMAT`].
    pub format: String,
    /// The analysis date (`YYYY-MM-DD`); default the day after the last transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// How transactions map onto customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions: Option<crate::customers::TransactionMapping>,
    /// Scoring settings.
    pub params: RfmParams,
    /// Named segments.
    pub map: RfmMap,
}

/// One customer's RFM values, scores and segment.
#[derive(Debug, Clone, PartialEq)]
pub struct RfmRow {
    /// Days since the last purchase (none without purchases).
    pub recency_days: Option<i64>,
    /// Orders.
    pub frequency: u64,
    /// Total (or mean order value) as text at the amounts' precision.
    pub monetary: String,
    /// The monetary value as a number.
    pub monetary_value: f64,
    /// R, F and M scores (none without purchases).
    pub scores: Option<[u8; 3]>,
    /// Index of the segment: into the map's segments, or `map.segments.len()` for "No purchases".
    pub segment: usize,
}

/// RFM for a list of customers.
#[derive(Debug, Clone, PartialEq)]
pub struct RfmResult {
    /// One row per customer, in the order given.
    pub rows: Vec<RfmRow>,
    /// The as-of day (days since 1970-01-01).
    pub as_of: i32,
    /// Segment names: the map's, then "No purchases".
    pub names: Vec<String>,
}

impl RfmResult {
    /// The segments as an [`Assignment`] (one per customer row).
    pub fn assignment(&self, title: &str) -> Assignment {
        Assignment {
            title: title.to_string(),
            segments: self.names.iter().map(|n| Segment { name: n.clone() }).collect(),
            codes: self.rows.iter().map(|r| r.segment as u32).collect(),
        }
    }
}

/// A total order on floats as integers, so mean order values rank like numbers.
fn ordered(x: f64) -> i128 {
    let bits = x.to_bits() as i64;
    i128::from(bits ^ (((bits >> 63) as u64) >> 1) as i64)
}

/// Computes RFM for customers with the given keys (`None`: a row without a key), as of `as_of`
/// (only transactions before that day count, so an earlier as-of date scores the customers as they
/// were then; a customer whose first purchase came later has none), reporting to `monitor` as "Scoring RFM": the customers are visited five times (their
/// summaries, the R, F and M scores, their rows), so the stage counts five times the customers.
///
/// ```
/// use segscope_engine::customers::{Aggregates, TransactionMapping};
/// use segscope_engine::ingest::{read_table, ReadOptions};
/// use segscope_engine::progress::Quiet;
/// use segscope_engine::rfm::{compute, RfmMap, RfmParams};
///
/// let csv = b"customer_id,order_date,amount\nA,2024-01-01,10\nA,2024-03-01,5\nB,2024-02-01,30\n";
/// let t = read_table("t.csv", csv, &ReadOptions::default(), &mut Quiet).unwrap().table;
/// let mapping = TransactionMapping::guess(&t, None).unwrap().check(&t, None).unwrap();
/// let agg = Aggregates::from_table(&t, &mapping).unwrap();
/// let keys: Vec<Option<String>> = agg.keys().into_iter().map(Some).collect();
/// let params = RfmParams { bins: 3.into(), ..RfmParams::default() }.check().unwrap();
/// let r = compute(&keys, &agg, &params, &RfmMap::default_for(3), 19_784, &mut Quiet).unwrap(); // as of 2024-03-02
/// assert_eq!(r.rows[0].recency_days, Some(1));
/// assert_eq!(r.rows[0].scores, Some([2, 2, 1]));
/// assert_eq!(r.rows[1].monetary, "30");
/// ```
///
/// # Errors
/// [`RfmError::Map`] when the map does not fit the bins, [`RfmError::NoPurchases`] when no
/// customer has a purchase, and [`RfmError::Cancelled`] when `monitor` asks to stop.
pub fn compute(
    keys: &[Option<String>],
    aggregates: &Aggregates,
    params: &ValidRfmParams,
    map: &RfmMap,
    as_of: i32,
    monitor: &mut dyn Monitor,
) -> Result<RfmResult, RfmError> {
    let p = params;
    let valid_map = map.check(p.bins)?;
    let n = keys.len() as u64;
    let mut stage = Stage::start(monitor, "Scoring RFM", n.saturating_mul(5), REPORT_EVERY)?;
    let mut summaries = Vec::with_capacity(keys.len());
    for k in keys {
        stage.step()?;
        // Only what happened before the as-of date: RFM as of an earlier date is the customers as they were then.
        summaries.push(k.as_deref().and_then(|k| aggregates.summary_before(k, as_of)));
    }
    let scale = summaries.iter().flatten().map(|s| s.revenue.scale.max(s.purchases.scale)).max().unwrap_or(0);
    let money = |s: &crate::customers::CustomerSummary| -> Money {
        match p.returns {
            Returns::Net => s.revenue,
            Returns::Exclude => s.purchases,
        }
    };
    // Who is scored: customers with a purchase.
    let scored: Vec<usize> = summaries
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_some_and(|s| s.orders > 0 && s.last.is_some()))
        .map(|(i, _)| i)
        .collect();
    if scored.is_empty() {
        return Err(RfmError::NoPurchases);
    }
    let (mut r_exact, mut f_exact, mut m_exact) = (Vec::new(), Vec::new(), Vec::new());
    let (mut r_float, mut f_float, mut m_float) = (Vec::new(), Vec::new(), Vec::new());
    let mut scored_keys = Vec::new();
    for &i in &scored {
        let Some(s) = summaries.get(i).copied().flatten() else { continue };
        // Cannot overflow: the difference of two i32 days, taken in i64.
        let recency = i64::from(as_of).saturating_sub(i64::from(s.last.unwrap_or(as_of)));
        let total = money(&s);
        r_exact.push(i128::from(recency));
        f_exact.push(i128::from(s.orders));
        let m = match p.monetary {
            Monetary::Total => total.to_f64(),
            Monetary::MeanOrder => total.to_f64() / s.orders as f64,
        };
        m_exact.push(match p.monetary {
            Monetary::Total => total
                .units_at(scale)
                .ok_or_else(|| RfmError::TooLarge { customer: keys.get(i).cloned().flatten().unwrap_or_default() })?,
            Monetary::MeanOrder => ordered(m),
        });
        r_float.push(recency as f64);
        f_float.push(s.orders as f64);
        m_float.push(m);
        scored_keys.push(keys.get(i).cloned().flatten().unwrap_or_default());
    }
    let b = p.bins;
    let score = |dimension: Dimension, exact: &[i128], float: &[f64], better: Better| match &p.method {
        Method::Rank => rank_scores(exact, b, better),
        Method::QuantileEqualCount => quantile_scores(exact, &scored_keys, b, better),
        Method::Thresholds { r, f, m } => {
            let cuts = match dimension {
                Dimension::Recency => r,
                Dimension::Frequency => f,
                Dimension::Monetary => m,
            };
            threshold_scores(float, cuts, better)
        }
    };
    let r = score(Dimension::Recency, &r_exact, &r_float, Better::Lower);
    stage.advance(n)?;
    let f = score(Dimension::Frequency, &f_exact, &f_float, Better::Higher);
    stage.advance(n)?;
    let m = score(Dimension::Monetary, &m_exact, &m_float, Better::Higher);
    stage.advance(n)?;
    let no_purchases = map.segments.len();
    let mut rows: Vec<RfmRow> = Vec::with_capacity(summaries.len());
    for s in &summaries {
        stage.step()?;
        let total = s.map(|s| money(&s)).unwrap_or_default();
        rows.push(RfmRow {
            recency_days: None,
            frequency: s.map_or(0, |s| s.orders),
            monetary: total.to_text_at(scale),
            monetary_value: total.to_f64(),
            scores: None,
            segment: no_purchases,
        });
    }
    let each = r.iter().zip(&f).zip(&m).zip(&r_exact).zip(&m_float);
    for (&i, ((((&r, &f), &m), &recency), &mean)) in scored.iter().zip(each) {
        let Some(row) = rows.get_mut(i) else { continue };
        // In range: recency days were pushed from an i64.
        row.recency_days = Some(recency as i64);
        row.scores = Some([r, f, m]);
        row.segment = valid_map.segment_of(r, f, m).unwrap_or(no_purchases);
        if p.monetary == Monetary::MeanOrder {
            row.monetary = format!("{:.*}", usize::from(scale).saturating_add(2), mean);
            row.monetary_value = mean;
        }
    }
    let mut names: Vec<String> = map.segments.iter().map(|s| s.name.clone()).collect();
    names.push(map.no_purchases.clone());
    stage.finish()?;
    Ok(RfmResult { rows, as_of, names })
}

/// The RFM CSV: `customer_id,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_segment`,
/// one row per customer (keys as in the input); reports the rows written to `monitor`.
///
/// # Errors
/// [`ExportError::Io`] when writing fails, [`ExportError::Cancelled`] when `monitor` asks to stop.
pub fn write_csv<W: std::io::Write>(
    keys: &[String],
    result: &RfmResult,
    out: W,
    monitor: &mut dyn Monitor,
) -> Result<(), ExportError> {
    let header =
        ["customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_segment"];
    let record = |i: usize, fields: &mut Vec<String>| {
        let (Some(key), Some(row)) = (keys.get(i), result.rows.get(i)) else { return };
        let score = |i: usize| row.scores.and_then(|s| s.get(i).map(u8::to_string)).unwrap_or_default();
        fields.extend([
            key.clone(),
            row.recency_days.map(|d| d.to_string()).unwrap_or_default(),
            row.frequency.to_string(),
            row.monetary.clone(),
            score(0),
            score(1),
            score(2),
            result.names.get(row.segment).cloned().unwrap_or_default(),
        ]);
    };
    let rows = keys.len().min(result.rows.len());
    write_records("Writing the RFM scores", &header, rows, record, out, monitor)
}
