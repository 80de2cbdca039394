//! RFM as SQL: per-customer recency, frequency and monetary from a transactions table, scores
//! with window functions that follow the engine's rules exactly, and the named segment.

use super::map::ValidRfmMap;
use super::params::{Method, Monetary, Returns, ValidRfmParams};
use crate::customers::sql::{days_between, orders_cte, text_type};
use crate::customers::TransactionMapping;
use crate::ingest::values::date_from_days;
use crate::rules::sql::Dialect;

/// Integer division, rounding down for non-negative operands.
fn div(d: Dialect, a: &str, b: &str) -> String {
    match d {
        Dialect::Duckdb => format!("({a}) // ({b})"),
        Dialect::Postgres => format!("({a}) / ({b})"),
        Dialect::Bigquery => format!("DIV({a}, {b})"),
        Dialect::Spark => format!("({a}) DIV ({b})"),
    }
}

fn score(
    d: Dialect,
    method: &Method<Vec<f64>>,
    bins: u8,
    value: &str,
    lower_is_better: bool,
    cuts: Option<&[f64]>,
) -> String {
    let worst_first = if lower_is_better { "DESC" } else { "ASC" };
    let key = if d == Dialect::Postgres { "segscope_key COLLATE \"C\"" } else { "segscope_key" };
    match (method, cuts) {
        (Method::Thresholds { .. }, Some(cuts)) => {
            let mut s = String::from("CASE");
            if lower_is_better {
                for (score, c) in (1..=bins).rev().zip(cuts) {
                    s += &format!(" WHEN {value} <= {c} THEN {score}");
                }
                s += " ELSE 1 END";
            } else {
                for (score, c) in (1usize..).zip(cuts) {
                    s += &format!(" WHEN {value} < {c} THEN {score}");
                }
                s += &format!(" ELSE {bins} END");
            }
            s
        }
        (Method::QuantileEqualCount, _) => {
            let pos = format!("ROW_NUMBER() OVER (ORDER BY {value} {worst_first}, {key}) - 1");
            format!(
                "CASE WHEN COUNT(*) OVER () = 1 THEN 1 ELSE GREATEST(1, {}) END",
                div(d, &format!("{bins} * ({pos}) + COUNT(*) OVER () - 2"), "COUNT(*) OVER () - 1")
            )
        }
        _ => format!(
            "1 + {}",
            div(d, &format!("{bins} * (RANK() OVER (ORDER BY {value} {worst_first}) - 1)"), "COUNT(*) OVER ()")
        ),
    }
}

fn segment_case(d: Dialect, valid: &ValidRfmMap) -> String {
    let map = valid.map();
    let cells = |s: &super::map::RfmSegment| {
        let mut by_r: std::collections::BTreeMap<u8, Vec<u8>> = std::collections::BTreeMap::new();
        for &[r, f] in &s.cells {
            by_r.entry(r).or_default().push(f);
        }
        let parts: Vec<String> = by_r
            .into_iter()
            .map(|(r, fs)| {
                format!(
                    "(r_score = {r} AND f_score IN ({}))",
                    fs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        format!("({})", parts.join(" OR "))
    };
    let mut s = String::from("CASE");
    let with_m = |i: &usize| !valid.m_scores(*i).is_empty();
    for (i, seg) in map.segments.iter().enumerate().filter(|(i, _)| with_m(i)) {
        s += &format!(
            "\n      WHEN {} AND m_score IN ({}) THEN {}",
            cells(seg),
            valid.m_scores(i).iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
            d.string(&seg.name)
        );
    }
    for (_, seg) in map.segments.iter().enumerate().filter(|(i, _)| !with_m(i)) {
        s += &format!("\n      WHEN {} THEN {}", cells(seg), d.string(&seg.name));
    }
    s + "\n    END"
}

/// The SQL: one row per customer key of the transactions table (`customer_id, recency_days,
/// frequency, monetary, r_score, f_score, m_score, rfm_segment`), or, with a customers table,
/// every customer with those columns appended.
pub fn select(
    params: &ValidRfmParams,
    map: &ValidRfmMap,
    mapping: &TransactionMapping,
    as_of: i32,
    d: Dialect,
    transactions: &str,
    customers: Option<&str>,
) -> String {
    let p = params;
    let money = match p.returns {
        Returns::Net => "o.revenue",
        Returns::Exclude => "o.segscope_gross",
    };
    let monetary = match p.monetary {
        Monetary::Total => money.to_string(),
        Monetary::MeanOrder => format!("CASE WHEN o.orders > 0 THEN {money} / o.orders ELSE {money} END"),
    };
    let (rc, fc, mc) = match &p.method {
        Method::Thresholds { r, f, m } => (Some(r.as_slice()), Some(f.as_slice()), Some(m.as_slice())),
        _ => (None, None, None),
    };
    let a = date_from_days(as_of);
    // Only what happened before the as-of date, as the engine counts it.
    let orders_only = orders_cte(mapping, d, transactions, Some(&a.to_string()));
    let body = format!(
        "{orders_only},\nsegscope_rfm AS (\n  SELECT\n    o.segscope_key,\n    {} AS recency_days,\n    o.orders AS frequency,\n    {monetary} AS monetary\n  FROM segscope_orders AS o\n  WHERE o.orders > 0\n),\nsegscope_scored AS (\n  SELECT\n    *,\n    {} AS r_score,\n    {} AS f_score,\n    {} AS m_score\n  FROM segscope_rfm\n),\nsegscope_segmented AS (\n  SELECT\n    *,\n    {} AS rfm_segment\n  FROM segscope_scored\n)",
        days_between(d, &format!("DATE '{a}'"), "o.last_order_date"),
        score(d, &p.method, p.bins, "recency_days", true, rc),
        score(d, &p.method, p.bins, "frequency", false, fc),
        score(d, &p.method, p.bins, "monetary", false, mc),
        segment_case(d, map),
    );
    let head = format!(
        "-- Segscope RFM ({} bins, {}), as of {a}, {}.\n-- Expects the transactions' amounts as DECIMAL and dates as DATE.\n",
        p.bins,
        match p.method {
            Method::Rank => "rank method",
            Method::QuantileEqualCount => "equal-count bins",
            Method::Thresholds { .. } => "thresholds",
        },
        d.product()
    );
    let no = d.string(&map.map().no_purchases);
    match customers {
        None => format!(
            "{head}WITH {body}\nSELECT\n  o.segscope_key AS customer_id,\n  s.recency_days,\n  o.orders AS frequency,\n  {monetary} AS monetary,\n  s.r_score,\n  s.f_score,\n  s.m_score,\n  COALESCE(s.rfm_segment, {no}) AS rfm_segment\nFROM segscope_orders AS o\nLEFT JOIN segscope_segmented AS s ON s.segscope_key = o.segscope_key\nORDER BY customer_id;\n"
        ),
        Some(table) => format!(
            "{head}WITH {body}\nSELECT\n  c.*,\n  s.recency_days,\n  s.frequency,\n  s.monetary,\n  s.r_score,\n  s.f_score,\n  s.m_score,\n  COALESCE(s.rfm_segment, {no}) AS rfm_segment\nFROM {} AS c\nLEFT JOIN segscope_segmented AS s ON CAST(c.{} AS {}) = s.segscope_key;\n",
            d.table(table),
            d.ident(mapping.customer_key()),
            text_type(d)
        ),
    }
}
