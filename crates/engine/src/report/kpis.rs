//! The KPIs a report shows, in one list every format reads: the key a file names it by, its
//! label, its unit (how the HTML writes it and the workbook formats it) and where its value is.

use crate::format;
use crate::profile::{KpiTable, SegmentKpis};

/// What a KPI measures, for formatting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Customers or orders.
    Count,
    /// An amount in the amount column's currency.
    Money,
    /// A share, 0..=1.
    Share,
    /// A measured value (orders per customer).
    Number,
    /// Days.
    Days,
}

/// One KPI column.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kpi {
    /// Its name in files (`revenue_per_customer`).
    pub key: &'static str,
    /// Its label for people.
    pub label: &'static str,
    /// Its unit.
    pub unit: Unit,
    /// Its value for a group.
    pub get: fn(&SegmentKpis) -> Option<f64>,
}

/// Every KPI, in the order tables show them; the CLV ones only when a CLV fit gave values.
pub(crate) fn kpis(table: &KpiTable) -> Vec<Kpi> {
    let all: [Kpi; 15] = [
        Kpi { key: "customers", label: "Customers", unit: Unit::Count, get: |k| Some(k.customers as f64) },
        Kpi { key: "customer_share", label: "Share of customers", unit: Unit::Share, get: |k| Some(k.customer_share) },
        Kpi { key: "buyers", label: "Buyers", unit: Unit::Count, get: |k| Some(k.buyers as f64) },
        Kpi { key: "orders", label: "Orders", unit: Unit::Count, get: |k| Some(k.orders as f64) },
        Kpi { key: "revenue", label: "Revenue", unit: Unit::Money, get: |k| Some(k.revenue) },
        Kpi { key: "revenue_share", label: "Share of revenue", unit: Unit::Share, get: |k| k.revenue_share },
        Kpi {
            key: "orders_per_customer",
            label: "Orders per customer",
            unit: Unit::Number,
            get: |k| k.orders_per_customer,
        },
        Kpi {
            key: "average_order_value",
            label: "Average order value",
            unit: Unit::Money,
            get: |k| k.average_order_value,
        },
        Kpi {
            key: "revenue_per_customer",
            label: "Revenue per customer",
            unit: Unit::Money,
            get: |k| k.revenue_per_customer,
        },
        Kpi { key: "mean_recency_days", label: "Mean recency (days)", unit: Unit::Days, get: |k| k.mean_recency_days },
        Kpi { key: "repeat_rate", label: "Repeat-purchase rate", unit: Unit::Share, get: |k| k.repeat_rate },
        Kpi { key: "lapsed_share", label: "Lapsed (churn proxy)", unit: Unit::Share, get: |k| k.lapsed_share },
        Kpi { key: "mean_clv", label: "Mean predicted CLV", unit: Unit::Money, get: |k| k.mean_clv },
        Kpi { key: "total_clv", label: "Total predicted CLV", unit: Unit::Money, get: |k| k.total_clv },
        Kpi { key: "mean_p_alive", label: "Mean P(alive)", unit: Unit::Share, get: |k| k.mean_p_alive },
    ];
    let groups = || std::iter::once(&table.all).chain(&table.segments);
    all.into_iter()
        .filter(|k| {
            !matches!(k.key, "mean_clv" | "total_clv" | "mean_p_alive") || groups().any(|g| (k.get)(g).is_some())
        })
        .collect()
}

/// A KPI's value as people read it (DECISIONS 24), `–` when there is none.
pub(crate) fn shown(kpi: &Kpi, group: &SegmentKpis, currency: Option<&str>) -> String {
    let Some(x) = (kpi.get)(group) else { return "–".to_string() };
    match kpi.unit {
        Unit::Count => format::count(x.max(0.0) as u64),
        Unit::Money => format::money(x, currency),
        Unit::Share => format::share(x),
        Unit::Number | Unit::Days => format::number(x),
    }
}
