//! The built-in KPIs of each segment, from the per-customer aggregates of attached transactions
//! ([`crate::customers`]): customers, revenue and its share, orders per customer, average order
//! value, recency, repeat-purchase rate, revenue per customer and a churn proxy; predicted CLV
//! and P(alive) when a CLV fit exists.

use serde::{Deserialize, Serialize};

use super::errors::ProfileError;
use super::sentences;
use crate::assignment::Assignment;
use crate::clv::ClvRow;
use crate::customers::COLUMNS;
use crate::format;
use crate::stats::significance::CompensatedSum;
use crate::table::{ColumnData, ColumnType};

/// The aggregate column of each customer's orders.
pub const ORDERS: &str = COLUMNS[0];
/// The aggregate column of each customer's revenue (returns netted).
pub const REVENUE: &str = COLUMNS[1];
/// The aggregate column of each customer's last order date.
pub const LAST_ORDER_DATE: &str = COLUMNS[3];

/// The aggregate columns the KPIs read (one value per customer of the segmentation).
#[derive(Debug, Clone, Copy)]
pub struct KpiColumns<'a> {
    /// Orders per customer (missing counts as 0).
    pub orders: &'a ColumnData,
    /// Revenue per customer (missing counts as 0).
    pub revenue: &'a ColumnData,
    /// Each customer's last order date (missing: no order).
    pub last_order_date: &'a ColumnData,
    /// The latest transaction date of the file (days since 1970-01-01), from which the default
    /// as-of date is the day after (DECISIONS 3); without it, the day after the latest last order.
    pub latest_transaction: Option<i32>,
}

impl<'a> KpiColumns<'a> {
    /// The aggregate columns among `aggregates` (the columns transactions add to the customers,
    /// [`crate::customers::Aggregates::columns_for`]): `None` when one of `orders`, `revenue` and
    /// `last_order_date` is not there.
    ///
    /// # Errors
    /// [`ProfileError::WrongType`] when one is there but is not a number (a date for the last order).
    pub fn find(
        aggregates: &[(&'a str, &'a ColumnData)],
        latest_transaction: Option<i32>,
    ) -> Result<Option<Self>, ProfileError> {
        let get = |name: &str| aggregates.iter().rev().find(|(n, _)| *n == name).map(|(_, d)| *d);
        let (Some(orders), Some(revenue), Some(last_order_date)) = (get(ORDERS), get(REVENUE), get(LAST_ORDER_DATE))
        else {
            return Ok(None);
        };
        let number = |data: &ColumnData, name: &str, purpose| match data.column_type() {
            ColumnType::Integer | ColumnType::Decimal => Ok(()),
            found => Err(ProfileError::WrongType { name: name.to_string(), purpose, expected: "a number", found }),
        };
        number(orders, ORDERS, "the orders of the KPIs")?;
        number(revenue, REVENUE, "the revenue of the KPIs")?;
        if !matches!(last_order_date.column_type(), ColumnType::Date | ColumnType::Datetime) {
            return Err(ProfileError::WrongType {
                name: LAST_ORDER_DATE.to_string(),
                purpose: "the last order date of the KPIs",
                expected: "a date",
                found: last_order_date.column_type(),
            });
        }
        Ok(Some(KpiColumns { orders, revenue, last_order_date, latest_transaction }))
    }

    /// The day of `row`'s last order.
    fn last_day(&self, row: usize) -> Option<i32> {
        match self.last_order_date {
            ColumnData::Datetime(v) => {
                v.get(row).copied().flatten().and_then(|s| i32::try_from(s.div_euclid(86_400)).ok())
            }
            ColumnData::Date(v) => v.get(row).copied().flatten(),
            _ => None,
        }
    }
}

/// One group's KPIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentKpis {
    /// The segment ("All customers" for everyone).
    pub segment: String,
    /// Customers.
    pub customers: u64,
    /// Their share of all customers.
    pub customer_share: f64,
    /// Customers with at least one order.
    pub buyers: u64,
    /// Orders.
    pub orders: u64,
    /// Revenue, returns netted.
    pub revenue: f64,
    /// Share of everyone's revenue (none when everyone's revenue is 0).
    pub revenue_share: Option<f64>,
    /// Orders ÷ customers.
    pub orders_per_customer: Option<f64>,
    /// Revenue ÷ orders, over the whole group.
    pub average_order_value: Option<f64>,
    /// Revenue ÷ customers.
    pub revenue_per_customer: Option<f64>,
    /// Mean days from the last order to the as-of date, over customers with an order.
    pub mean_recency_days: Option<f64>,
    /// Share of the customers with an order who have two or more.
    pub repeat_rate: Option<f64>,
    /// The churn proxy: share of the customers with an order whose last order is before the
    /// lapse date ([`KpiTable::lapsed_definition`]).
    pub lapsed_share: Option<f64>,
    /// Mean predicted lifetime value over customers with a prediction (when a CLV fit exists).
    pub mean_clv: Option<f64>,
    /// Total predicted lifetime value (when a CLV fit exists).
    pub total_clv: Option<f64>,
    /// Mean probability of being alive over customers with a prediction (when a CLV fit exists).
    pub mean_p_alive: Option<f64>,
}

/// The KPIs of every segment and of all customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiTable {
    /// The date recency and the churn proxy count back from (`YYYY-MM-DD`), when there is one.
    pub as_of: Option<String>,
    /// True when the as-of date is the default (DECISIONS 3), not one the user typed.
    pub as_of_is_default: bool,
    /// Customers whose last order is before this date are lapsed (`YYYY-MM-DD`).
    pub lapsed_before: Option<String>,
    /// What the churn proxy counts, in words.
    pub lapsed_definition: Option<String>,
    /// The amount's currency, when known (for showing revenue).
    pub currency: Option<String>,
    /// All customers.
    pub all: SegmentKpis,
    /// Per segment, in the segmentation's order.
    pub segments: Vec<SegmentKpis>,
}

/// Running totals of one group.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    customers: u64,
    buyers: u64,
    repeat: u64,
    orders: u64,
    revenue: CompensatedSum,
    recency_sum: i64,
    dated: u64,
    lapsed: u64,
    clv: CompensatedSum,
    clv_n: u64,
    p_alive: CompensatedSum,
    p_alive_n: u64,
}

impl Totals {
    fn kpis(&self, segment: &str, everyone: &Totals, has_clv: bool) -> SegmentKpis {
        let per = |x: f64, n: u64| (n > 0).then(|| x / n as f64);
        let revenue = self.revenue.total();
        let all_revenue = everyone.revenue.total();
        SegmentKpis {
            segment: segment.to_string(),
            customers: self.customers,
            customer_share: per(self.customers as f64, everyone.customers).unwrap_or(0.0),
            buyers: self.buyers,
            orders: self.orders,
            revenue,
            revenue_share: (all_revenue != 0.0).then(|| revenue / all_revenue),
            orders_per_customer: per(self.orders as f64, self.customers),
            average_order_value: per(revenue, self.orders),
            revenue_per_customer: per(revenue, self.customers),
            mean_recency_days: per(self.recency_sum as f64, self.dated),
            repeat_rate: per(self.repeat as f64, self.buyers),
            lapsed_share: per(self.lapsed as f64, self.dated),
            mean_clv: if has_clv { per(self.clv.total(), self.clv_n) } else { None },
            total_clv: has_clv.then(|| self.clv.total()),
            mean_p_alive: if has_clv { per(self.p_alive.total(), self.p_alive_n) } else { None },
        }
    }
}

/// The as-of day and whether it is the default: the typed one, else DECISIONS 3's default.
fn as_of(columns: &KpiColumns<'_>, typed: Option<i32>, rows: usize) -> Option<(i32, bool)> {
    if let Some(day) = typed {
        return Some((day, false));
    }
    crate::dates::default_as_of(columns.latest_transaction, || (0..rows).filter_map(|r| columns.last_day(r)).max())
        .map(|day| (day, true))
}

/// 2⁶⁴: every number of orders below it converts to a `u64` (its fraction dropped).
const ORDERS_LIMIT: f64 = 18_446_744_073_709_551_616.0;

/// The KPIs per segment of `assignment` (whose rows the columns follow); `typed_as_of` is the
/// as-of day the user chose, if any; `clv` the CLV fit's rows in the same order, if any.
///
/// # Errors
/// [`ProfileError::KpiOutOfRange`] when a customer's orders, the orders added up, the days since
/// the last orders added up or the lapse date do not fit the whole numbers they are counted in.
pub(crate) fn compute_kpis(
    columns: &KpiColumns<'_>,
    clv: Option<&[ClvRow]>,
    assignment: &Assignment,
    typed_as_of: Option<i32>,
    lapsed_days: u32,
    currency: Option<&str>,
) -> Result<KpiTable, ProfileError> {
    let out_of_range = |what: String| ProfileError::KpiOutOfRange { what };
    let orders_too_many =
        || out_of_range("the customers' orders add up to more than 18,446,744,073,709,551,615".into());
    let days_too_many = || {
        out_of_range("the days since the customers' last orders add up to more than 9,223,372,036,854,775,807".into())
    };
    let rows = assignment.rows();
    let as_of = as_of(columns, typed_as_of, rows);
    let cutoff = match as_of {
        Some((day, _)) => Some(day.checked_sub_unsigned(lapsed_days).ok_or_else(|| {
            out_of_range(format!(
                "the lapse date, {lapsed_days} days before the as-of date, is before the earliest day Segscope can count"
            ))
        })?),
        None => None,
    };
    let mut totals = vec![Totals::default(); assignment.segments.len()];
    for (row, &code) in assignment.codes.iter().enumerate() {
        let Some(t) = totals.get_mut(code as usize) else { continue };
        let orders = columns.orders.number(row).unwrap_or(0.0).max(0.0);
        if orders >= ORDERS_LIMIT {
            return Err(out_of_range(format!(
                "the customer in row {} has {orders} orders, more than 18,446,744,073,709,551,615",
                row.saturating_add(1)
            )));
        }
        // In range: 0 ≤ orders < 2⁶⁴ (NaN became 0 above).
        let orders = orders as u64;
        // The counts below count rows, so they stay far below u64::MAX and never saturate.
        t.customers = t.customers.saturating_add(1);
        t.orders = t.orders.checked_add(orders).ok_or_else(orders_too_many)?;
        t.buyers = t.buyers.saturating_add(u64::from(orders >= 1));
        t.repeat = t.repeat.saturating_add(u64::from(orders >= 2));
        t.revenue.add(columns.revenue.number(row).unwrap_or(0.0));
        if let (Some(last), Some((day, _)), Some(cutoff)) = (columns.last_day(row), as_of, cutoff) {
            t.dated = t.dated.saturating_add(1);
            // Two i32 days differ by less than 2³³, so the i64 difference never saturates.
            let recency = i64::from(day).saturating_sub(i64::from(last));
            t.recency_sum = t.recency_sum.checked_add(recency).ok_or_else(days_too_many)?;
            t.lapsed = t.lapsed.saturating_add(u64::from(last < cutoff));
        }
        if let Some(c) = clv.and_then(|c| c.get(row)) {
            if let Some(v) = c.clv {
                t.clv.add(v);
                t.clv_n = t.clv_n.saturating_add(1);
            }
            if let Some(p) = c.p_alive {
                t.p_alive.add(p);
                t.p_alive_n = t.p_alive_n.saturating_add(1);
            }
        }
    }
    let mut everyone = Totals::default();
    for t in &totals {
        // The counts add up the segments' counts of rows: they never saturate.
        everyone.customers = everyone.customers.saturating_add(t.customers);
        everyone.buyers = everyone.buyers.saturating_add(t.buyers);
        everyone.repeat = everyone.repeat.saturating_add(t.repeat);
        everyone.orders = everyone.orders.checked_add(t.orders).ok_or_else(orders_too_many)?;
        everyone.revenue.add(t.revenue.total());
        everyone.recency_sum = everyone.recency_sum.checked_add(t.recency_sum).ok_or_else(days_too_many)?;
        everyone.dated = everyone.dated.saturating_add(t.dated);
        everyone.lapsed = everyone.lapsed.saturating_add(t.lapsed);
        everyone.clv.add(t.clv.total());
        everyone.clv_n = everyone.clv_n.saturating_add(t.clv_n);
        everyone.p_alive.add(t.p_alive.total());
        everyone.p_alive_n = everyone.p_alive_n.saturating_add(t.p_alive_n);
    }
    let has_clv = clv.is_some();
    Ok(KpiTable {
        as_of: as_of.map(|(day, _)| format::date(day)),
        as_of_is_default: as_of.is_some_and(|(_, default)| default),
        lapsed_before: cutoff.map(format::date),
        lapsed_definition: as_of
            .zip(cutoff)
            .map(|((day, _), cutoff)| sentences::lapsed_definition(cutoff, lapsed_days, day)),
        currency: currency.map(str::to_string),
        all: everyone.kpis(super::ALL_CUSTOMERS, &everyone, has_clv),
        segments: totals.iter().zip(&assignment.segments).map(|(t, s)| t.kpis(&s.name, &everyone, has_clv)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::Segment;

    fn assignment(codes: &[u32], segments: &[&str]) -> Assignment {
        Assignment {
            title: "t".into(),
            segments: segments.iter().map(|s| Segment { name: s.to_string() }).collect(),
            codes: codes.to_vec(),
        }
    }

    #[test]
    fn kpis_add_up_per_segment_and_overall() {
        let orders = ColumnData::Integer(vec![Some(1), Some(3), Some(0), Some(2)]);
        let revenue = ColumnData::Decimal { values: vec![Some(10.0), Some(90.0), Some(0.0), Some(40.0)], scale: 2 };
        // Last orders 100, 10 and 60 days before the default as-of date (day 1001); one customer never ordered.
        let last = ColumnData::Date(vec![Some(901), Some(991), None, Some(941)]);
        let named = [("orders", &orders), ("revenue", &revenue), ("last_order_date", &last)];
        let columns =
            KpiColumns::find(&named, Some(1000)).unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("none"));
        let a = assignment(&[0, 0, 0, 1], &["A", "B"]);
        let t = compute_kpis(&columns, None, &a, None, 90, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.as_of.as_deref(), t.as_of_is_default), (Some("1972-09-28"), true));
        let seg = &t.segments[0];
        assert_eq!((seg.customers, seg.buyers, seg.orders, seg.revenue), (3, 2, 4, 100.0));
        assert_eq!(seg.revenue_share, Some(100.0 / 140.0));
        assert_eq!(seg.orders_per_customer, Some(4.0 / 3.0));
        assert_eq!(seg.average_order_value, Some(25.0));
        assert_eq!(seg.revenue_per_customer, Some(100.0 / 3.0));
        assert_eq!(seg.mean_recency_days, Some(55.0));
        assert_eq!(seg.repeat_rate, Some(0.5));
        assert_eq!(seg.lapsed_share, Some(0.5), "the customer last seen 100 days ago is lapsed at 90 days");
        assert_eq!((t.all.customers, t.all.orders, t.all.revenue, t.all.customer_share), (4, 6, 140.0, 1.0));
        assert_eq!((seg.mean_clv, seg.total_clv), (None, None));
    }

    #[test]
    fn a_typed_as_of_date_wins_and_clv_is_averaged_over_predictions() {
        let orders = ColumnData::Integer(vec![Some(1), Some(2)]);
        let revenue = ColumnData::Integer(vec![Some(5), Some(7)]);
        let last = ColumnData::Date(vec![Some(10), Some(20)]);
        let named = [("orders", &orders), ("revenue", &revenue), ("last_order_date", &last)];
        let columns =
            KpiColumns::find(&named, None).unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("none"));
        let row = |clv: Option<f64>| ClvRow {
            orders: 1,
            historical_value: 0.0,
            average_order_value: None,
            orders_per_year: None,
            tenure_days: None,
            x: None,
            t_x: None,
            t: None,
            p_alive: clv.map(|_| 0.5),
            expected_purchases: None,
            expected_spend: None,
            clv,
            holdout_purchases: 0,
        };
        let clv = [row(Some(30.0)), row(None)];
        let t = compute_kpis(&columns, Some(&clv), &assignment(&[0, 0], &["A"]), Some(30), 365, Some("€"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.as_of.as_deref(), t.as_of_is_default), (Some("1970-01-31"), false));
        assert_eq!(t.all.mean_recency_days, Some(15.0));
        assert_eq!((t.all.mean_clv, t.all.total_clv, t.all.mean_p_alive), (Some(30.0), Some(30.0), Some(0.5)));
    }

    #[test]
    fn kpis_need_all_three_aggregates_and_say_which_has_the_wrong_type() {
        let orders = ColumnData::Integer(vec![Some(1)]);
        assert!(matches!(KpiColumns::find(&[("orders", &orders)], None), Ok(None)));
        let text = ColumnData::Text(vec![Some("x".into())]);
        let named = [("orders", &orders), ("revenue", &text), ("last_order_date", &orders)];
        let e = KpiColumns::find(&named, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column `revenue` is text, but the revenue of the KPIs must be a number; choose another column."
        );
    }
}
