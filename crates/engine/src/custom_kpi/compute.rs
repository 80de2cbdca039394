//! The user's KPIs per segment and for all customers, with each target's progress.

use serde::{Deserialize, Serialize};

use super::check::{check_one, ValidKpi};
use super::definition::{Aggregate, Better, KpiDef};
use super::errors::KpiError;
use crate::assignment::Assignment;
use crate::format;
use crate::ingest::values::date_from_days;
use crate::profile::{ValidProfileOptions, ALL_CUSTOMERS};
use crate::progress::{Monitor, Stage};
use crate::rules::{latest_date_used, schema_with, truth, uses_as_of, Frame};
use crate::stats::quantile_sorted;
use crate::stats::significance::CompensatedSum;
use crate::table::{Column, ColumnData, Table};

/// One KPI's value for one group of customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiValue {
    /// The segment ([`ALL_CUSTOMERS`] for everyone).
    pub segment: String,
    /// The value; none when no customer counts (a mean of nobody).
    pub value: Option<f64>,
    /// The customers it was computed over: those the condition picks (with a value in the
    /// column, when it reads one); for a share, the segment's customers.
    pub customers: u64,
    /// The target for this group, when one is set.
    pub target: Option<f64>,
    /// How far along the target is, 0 to 1 (1: met); none without a target or a value.
    pub progress: Option<f64>,
    /// True when the target is met.
    pub met: Option<bool>,
}

/// One KPI computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomKpi {
    /// The KPI as defined (targets with their numbers read).
    pub definition: KpiDef,
    /// What it computes, in words ("mean of income, of customers where region is North").
    pub description: String,
    /// All customers.
    pub all: KpiValue,
    /// Per segment, in the segmentation's order.
    pub segments: Vec<KpiValue>,
}

impl CustomKpi {
    /// `x` for people, in the KPI's format.
    pub fn show(&self, x: f64, currency: Option<&str>) -> String {
        self.definition.format.show(x, currency)
    }

    /// A value for people: the value, or "–" when there is none.
    pub fn show_value(&self, v: &KpiValue, currency: Option<&str>) -> String {
        v.value.map_or_else(|| "–".to_string(), |x| self.show(x, currency))
    }

    /// A target's state in words ("62% of the target of €1,000"; "met: target ≤ 30"), when it has one.
    pub fn target_words(&self, v: &KpiValue, currency: Option<&str>) -> Option<String> {
        let target = v.target?;
        let t = self.show(target, currency);
        let sign = if self.definition.better == Better::Higher { "≥" } else { "≤" };
        Some(match (v.met, v.progress) {
            (Some(true), _) => format!("met (target {sign} {t})"),
            (_, Some(p)) => format!("{} of the way to the target ({sign} {t})", format::share(p)),
            _ => format!("target {sign} {t}"),
        })
    }
}

/// The user's KPIs of a segmentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomKpiTable {
    /// The day conditions on "the last N days" counted back from (`YYYY-MM-DD`), when one did.
    pub as_of: Option<String>,
    /// The amount column's currency, when known (for currency KPIs).
    pub currency: Option<String>,
    /// The KPIs computed, in the order defined.
    pub kpis: Vec<CustomKpi>,
    /// KPIs that do not fit this data (a column no longer there), each in a sentence.
    pub not_computed: Vec<String>,
}

/// What the user's KPIs read: the customers' table and the aggregates of attached transactions.
#[derive(Debug, Clone, Copy)]
pub struct KpiData<'a> {
    /// The customers.
    pub table: &'a Table,
    /// The aggregates of attached transactions, one value per customer (empty without).
    pub extra: &'a [Column],
    /// The day of the latest transaction, from which the default as-of date follows (DECISIONS 3).
    pub latest_transaction: Option<i32>,
    /// The as-of day the user chose, if any.
    pub as_of: Option<i32>,
    /// The amount column's currency, when known.
    pub currency: Option<&'a str>,
}

/// Running totals of one KPI for one group.
#[derive(Debug, Clone, Default)]
struct Totals {
    rows: u64,
    counted: u64,
    sum: CompensatedSum,
    min: Option<f64>,
    max: Option<f64>,
    values: Vec<f64>,
}

impl Totals {
    fn add(&mut self, x: f64, keep: bool) {
        // Counts rows: never saturates.
        self.counted = self.counted.saturating_add(1);
        self.sum.add(x);
        self.min = Some(self.min.map_or(x, |m| m.min(x)));
        self.max = Some(self.max.map_or(x, |m| m.max(x)));
        if keep {
            self.values.push(x);
        }
    }

    fn value(&mut self, aggregate: Aggregate) -> Option<f64> {
        let n = self.counted;
        match aggregate {
            Aggregate::Count => Some(n as f64),
            Aggregate::Share => (self.rows > 0).then(|| n as f64 / self.rows as f64),
            Aggregate::Sum => Some(self.sum.total()),
            Aggregate::Mean => (n > 0).then(|| self.sum.total() / n as f64),
            Aggregate::Min => self.min,
            Aggregate::Max => self.max,
            Aggregate::Median => {
                self.values.sort_by(f64::total_cmp);
                quantile_sorted(&self.values, 0.5)
            }
        }
    }
}

/// `kpis` for a profile of `assignment` made with `options`: none when there are no KPIs; the
/// as-of date and currency are the profile's.
///
/// # Errors
/// As [`compute`].
pub fn for_profile(
    kpis: &[KpiDef],
    (table, extra): (&Table, &[Column]),
    latest_transaction: Option<i32>,
    options: &ValidProfileOptions,
    assignment: &Assignment,
    monitor: &mut dyn Monitor,
) -> Result<Option<CustomKpiTable>, KpiError> {
    if kpis.is_empty() {
        return Ok(None);
    }
    let data =
        KpiData { table, extra, latest_transaction, as_of: options.as_of, currency: options.currency.as_deref() };
    compute(kpis, &data, assignment, monitor).map(Some)
}

/// A number column's value at `row`: numbers as they are, yes/no as 1/0.
fn number_at(data: &ColumnData, row: usize) -> Option<f64> {
    match data {
        ColumnData::Boolean(v) => v.get(row).copied().flatten().map(|b| if b { 1.0 } else { 0.0 }),
        other => other.number(row),
    }
}

/// Computes `kpis` for each segment of `assignment` (a segmentation of `data.table`'s rows) and
/// for all customers. A KPI that does not fit the data is left out and said in
/// [`CustomKpiTable::not_computed`] (after a re-read its column may be gone), so the other KPIs
/// and the profile still show.
///
/// # Errors
/// [`KpiError::RowsDiffer`] when the segmentation is of other rows; [`KpiError::Cancelled`].
pub fn compute(
    kpis: &[KpiDef],
    data: &KpiData<'_>,
    assignment: &Assignment,
    monitor: &mut dyn Monitor,
) -> Result<CustomKpiTable, KpiError> {
    let table = data.table;
    let rows = table.rows();
    if assignment.rows() != rows || data.extra.iter().any(|c| c.data.len() != rows) {
        return Err(KpiError::RowsDiffer { found: rows, expected: assignment.rows() });
    }
    let schema = schema_with(table, data.extra);
    // Progress units (rows × KPIs): far below u64::MAX, so they never saturate.
    let units = (rows as u64).saturating_mul(kpis.len() as u64);
    let mut stage = Stage::start(monitor, "Computing your KPIs", units, 1)?;
    let mut out = CustomKpiTable {
        as_of: None,
        currency: data.currency.map(str::to_string),
        kpis: Vec::new(),
        not_computed: Vec::new(),
    };
    for (i, kpi) in kpis.iter().enumerate() {
        let rules = kpi.as_rules();
        let as_of = data
            .as_of
            .or_else(|| crate::dates::default_as_of(data.latest_transaction, || latest_date_used(&rules, table)));
        match check_one(i, kpi, &schema, as_of) {
            Ok(valid) => {
                if uses_as_of(&rules) && out.as_of.is_none() {
                    out.as_of = as_of.map(|d| date_from_days(d).to_string());
                }
                out.kpis.push(one(&valid, data, assignment));
            }
            Err(problems) => out.not_computed.extend(problems.iter().map(ToString::to_string)),
        }
        stage.advance(rows as u64)?;
    }
    stage.finish()?;
    Ok(out)
}

/// One checked KPI over every group.
fn one(kpi: &ValidKpi, data: &KpiData<'_>, assignment: &Assignment) -> CustomKpi {
    let def = &kpi.def;
    let segments = assignment.segments.len();
    let picked = kpi.condition.as_ref().and_then(|valid| {
        let frame = Frame::with_extra(data.table, data.extra, valid);
        valid.segments.first().map(|s| truth(&s.check, &frame))
    });
    let column = kpi.column.and_then(|c| data.table.columns.iter().chain(data.extra).nth(c)).map(|c| &c.data);
    let keep = def.aggregate == Aggregate::Median;
    // The segments, then all customers (a Vec's length + 1 never saturates).
    let mut groups = vec![Totals::default(); segments.saturating_add(1)];
    for (row, &code) in assignment.codes.iter().enumerate() {
        let g = (code as usize).min(segments);
        for at in [g, segments] {
            if let Some(t) = groups.get_mut(at) {
                // Counts rows: never saturates.
                t.rows = t.rows.saturating_add(1);
            }
        }
        if picked.as_ref().is_some_and(|p| !p.is_true(row)) {
            continue;
        }
        let x = match (def.aggregate, column) {
            (Aggregate::Share, _) | (Aggregate::Count, None) => 0.0,
            (_, Some(data)) => match number_at(data, row) {
                Some(x) => x,
                None if def.aggregate == Aggregate::Count && !data.is_missing(row) => 0.0,
                None => continue,
            },
            (_, None) => continue,
        };
        for at in [g, segments] {
            if let Some(t) = groups.get_mut(at) {
                t.add(x, keep);
            }
        }
    }
    let target = |name: &str| kpi.targets.iter().find(|(s, _)| s == name).map(|(_, v)| *v);
    let mut value = |at: usize, name: &str| {
        let t = groups.get_mut(at);
        let (v, customers) = t.map_or((None, 0), |t| {
            let v = t.value(def.aggregate);
            (v, if def.aggregate == Aggregate::Share { t.rows } else { t.counted })
        });
        let target = target(name);
        let (progress, met) = match (v, target) {
            (Some(v), Some(t)) => progress(v, t, def.better),
            _ => (None, None),
        };
        KpiValue { segment: name.to_string(), value: v, customers, target, progress, met }
    };
    let per_segment: Vec<KpiValue> =
        assignment.segments.iter().enumerate().map(|(s, seg)| value(s, &seg.name)).collect();
    let all = value(segments, ALL_CUSTOMERS);
    CustomKpi { definition: def.clone(), description: def.in_words(), all, segments: per_segment }
}

/// How far `value` is along to `target`, 0 to 1, and whether it is met.
fn progress(value: f64, target: f64, better: Better) -> (Option<f64>, Option<bool>) {
    match better {
        Better::Higher => {
            let met = value >= target;
            let p = if met { Some(1.0) } else { (target > 0.0 && value >= 0.0).then(|| value / target) };
            (p, Some(met))
        }
        Better::Lower => {
            let met = value <= target;
            let p = if met { Some(1.0) } else { (value > 0.0 && target >= 0.0).then(|| target / value) };
            (p, Some(met))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::Segment;
    use crate::ingest::{read_table, ReadOptions};
    use crate::progress::Quiet;

    fn run(kpis: &str) -> CustomKpiTable {
        let csv = b"id,returns,email,tier\n1,3,a@x,gold\n2,,b@x,gold\n3,1,,silver\n4,0,d@x,silver\n";
        let table = read_table("c.csv", csv, &ReadOptions::default(), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        let assignment = Assignment {
            title: "t".into(),
            segments: vec![Segment { name: "A".into() }, Segment { name: "B".into() }],
            codes: vec![0, 0, 1, 1],
        };
        let kpis: Vec<KpiDef> = serde_json::from_str(kpis).unwrap_or_else(|e| panic!("{e}"));
        let data = KpiData { table: &table.table, extra: &[], latest_transaction: None, as_of: None, currency: None };
        compute(&kpis, &data, &assignment, &mut Quiet).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_count_of_a_column_skips_missing_values_and_a_mean_of_nobody_is_none() {
        let t = run(r#"[{"name": "With e-mail", "aggregate": "count", "column": "email"},
            {"name": "Gold returns", "aggregate": "median", "column": "returns",
             "where": {"column": "tier", "op": "is", "value": "platinum"}}]"#);
        let counts: Vec<Option<f64>> = t.kpis[0].segments.iter().map(|g| g.value).collect();
        assert_eq!(counts, [Some(2.0), Some(1.0)]);
        assert_eq!(t.kpis[0].all.value, Some(3.0));
        assert_eq!(t.kpis[1].all.value, None);
        assert_eq!(t.kpis[1].show_value(&t.kpis[1].all, None), "–");
    }

    #[test]
    fn a_lower_is_better_target_is_met_at_or_below_it() {
        let t = run(r#"[{"name": "Returns", "aggregate": "mean", "column": "returns", "better": "lower",
            "targets": [{"segment": "A", "value": 1}, {"segment": "B", "value": 0.5}]}]"#);
        let k = &t.kpis[0];
        let (a, b) = (&k.segments[0], &k.segments[1]);
        assert_eq!((a.value, a.met, a.progress), (Some(3.0), Some(false), Some(1.0 / 3.0)));
        assert_eq!((b.value, b.met, b.progress), (Some(0.5), Some(true), Some(1.0)));
        assert_eq!(k.target_words(a, None).unwrap(), "33.3% of the way to the target (≤ 1)");
        assert_eq!(k.target_words(b, None).unwrap(), "met (target ≤ 0.5)");
    }
}
