//! The customer aggregates as SQL: a `GROUP BY` over the transactions table, joined onto the
//! customers table by key compared as text, with the same definitions as the engine.

use super::mapping::TransactionMapping;
use crate::rules::sql::Dialect;
use crate::table::ColumnType;

/// True for the names of aggregate columns (`orders`, `revenue`, …, `spend_share_<category>`).
pub fn is_aggregate(name: &str) -> bool {
    aggregate_type(name).is_some()
}

/// The type of an aggregate column, by name; `None` for other names.
pub fn aggregate_type(name: &str) -> Option<ColumnType> {
    match name {
        "orders" | "returns" => Some(ColumnType::Integer),
        "revenue" | "days_between_orders" => Some(ColumnType::Decimal),
        "first_order_date" | "last_order_date" => Some(ColumnType::Date),
        "categories_bought" => Some(ColumnType::Text),
        n if n.starts_with("spend_share_") => Some(ColumnType::Decimal),
        _ => None,
    }
}

/// The dialect's text type, for comparing keys as text.
pub fn text_type(d: Dialect) -> &'static str {
    match d {
        Dialect::Duckdb => "VARCHAR",
        Dialect::Postgres => "TEXT",
        Dialect::Bigquery | Dialect::Spark => "STRING",
    }
}

/// Whole days from `earlier` to `later` (dates).
pub fn days_between(d: Dialect, later: &str, earlier: &str) -> String {
    match d {
        Dialect::Duckdb => format!("date_diff('day', {earlier}, {later})"),
        Dialect::Postgres => format!("({later} - {earlier})"),
        Dialect::Bigquery => format!("DATE_DIFF({later}, {earlier}, DAY)"),
        Dialect::Spark => format!("DATEDIFF({later}, {earlier})"),
    }
}

/// `segscope_orders AS (…), segscope_customers AS (…)`: the customers table with the aggregate
/// columns `used` appended (customers without transactions: 0 orders, 0 revenue, NULL dates).
pub fn ctes(m: &TransactionMapping, used: &[String], d: Dialect, customers: &str, transactions: &str) -> String {
    let (orders, outer) = parts(m, used, d, transactions, None);
    format!(
        "{orders},\nsegscope_customers AS (\n  SELECT\n    c.*,\n    {}\n  FROM {} AS c\n  LEFT JOIN segscope_orders AS o ON CAST(c.{} AS {}) = o.segscope_key\n)",
        outer.join(",\n    "),
        d.table(customers),
        d.ident(m.customer_key()),
        text_type(d),
    )
}

/// `segscope_orders AS (…)` alone: the per-customer aggregates of the transactions table
/// (`segscope_key`, `orders`, `revenue`, `segscope_gross`, `first_order_date`, `last_order_date`, …),
/// of the transactions before the day `before` (`YYYY-MM-DD`) when one is given.
pub fn orders_cte(m: &TransactionMapping, d: Dialect, transactions: &str, before: Option<&str>) -> String {
    parts(m, &[], d, transactions, before).0
}

/// The orders CTE and the customer columns built from it (`o.` prefixed).
fn parts(
    m: &TransactionMapping,
    used: &[String],
    d: Dialect,
    transactions: &str,
    before: Option<&str>,
) -> (String, Vec<String>) {
    let q = |n: &str| d.ident(n);
    let (key, date, amount) = (q(&m.customer_id), q(&m.date), q(&m.amount));
    let day = format!("CAST({date} AS DATE)");
    let orders = match &m.order_id {
        Some(o) => format!("COUNT(DISTINCT CASE WHEN {amount} > 0 THEN {} END)", q(o)),
        None => format!("SUM(CASE WHEN {amount} > 0 THEN 1 ELSE 0 END)"),
    };
    let mut inner = vec![
        format!("CAST({key} AS {}) AS segscope_key", text_type(d)),
        format!("{orders} AS orders"),
        format!("SUM({amount}) AS revenue"),
        format!("MIN(CASE WHEN {amount} > 0 THEN {day} END) AS first_order_date"),
        format!("MAX(CASE WHEN {amount} > 0 THEN {day} END) AS last_order_date"),
        format!("SUM(CASE WHEN {amount} < 0 THEN 1 ELSE 0 END) AS returns"),
        format!("SUM(CASE WHEN {amount} > 0 THEN {amount} ELSE 0 END) AS segscope_gross"),
    ];
    let mut outer = vec![
        "COALESCE(o.orders, 0) AS orders".to_string(),
        "COALESCE(o.revenue, 0) AS revenue".to_string(),
        "o.first_order_date".to_string(),
        "o.last_order_date".to_string(),
        format!(
            "CASE WHEN o.orders >= 2 THEN {} / (o.orders - 1.0) END AS days_between_orders",
            days_between(d, "o.last_order_date", "o.first_order_date")
        ),
        "COALESCE(o.returns, 0) AS returns".to_string(),
    ];
    if let Some(c) = &m.category {
        let cat = q(c);
        inner.push(match d {
            Dialect::Spark => {
                format!("NULLIF(array_join(array_sort(collect_set({cat})), '; '), '') AS categories_bought")
            }
            // With DISTINCT, PostgreSQL wants the ORDER BY expression to be the aggregated one; both
            // are byte-ordered ("C", like the engine), and the result goes back to the database's
            // collation so that LOWER() on it folds every letter, not only ASCII ones.
            Dialect::Postgres => format!(
                "STRING_AGG(DISTINCT {cat} COLLATE \"C\", '; ' ORDER BY {cat} COLLATE \"C\") COLLATE \"default\" AS categories_bought"
            ),
            _ => format!("STRING_AGG(DISTINCT {cat}, '; ' ORDER BY {cat}) AS categories_bought"),
        });
        outer.push("o.categories_bought".to_string());
        for (i, name) in used.iter().filter(|n| n.starts_with("spend_share_")).enumerate() {
            let category = name.trim_start_matches("spend_share_");
            inner.push(format!(
                "SUM(CASE WHEN {cat} = {} AND {amount} > 0 THEN {amount} ELSE 0 END) AS segscope_share_{i}",
                d.string(category)
            ));
            outer.push(format!("o.segscope_share_{i} / NULLIF(o.segscope_gross, 0) AS {}", q(name)));
        }
    }
    let until = before.map(|b| format!(" AND {day} < DATE '{b}'")).unwrap_or_default();
    let orders = format!(
        "segscope_orders AS (\n  SELECT\n    {}\n  FROM {}\n  WHERE {key} IS NOT NULL AND {date} IS NOT NULL AND {amount} IS NOT NULL{until}\n  GROUP BY {key}\n)",
        inner.join(",\n    "),
        d.table(transactions),
    );
    (orders, outer)
}
