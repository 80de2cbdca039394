//! Per-customer aggregates of transactions, built part by part (so files of any size work) and
//! joined onto the customers by key, text-exact.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::errors::CustomersError;
use super::mapping::{TransactionMapping, ValidMapping};
use super::money::Money;
use crate::ingest::{Example, MAX_EXAMPLES};
use crate::stats::column_stats;
use crate::table::{Column, ColumnData, Table, ValueFormat};

/// The most categories that get a share-of-spend column of their own.
pub const MAX_CATEGORY_SHARES: usize = 20;

/// The names of the aggregate columns (before per-category shares).
pub const COLUMNS: [&str; 7] =
    ["orders", "revenue", "first_order_date", "last_order_date", "days_between_orders", "categories_bought", "returns"];

/// One customer's transactions so far. `spend` holds purchases (positive amounts) per category.
#[derive(Debug, Clone, Default)]
struct CustomerAgg {
    /// Purchase rows (positive amounts).
    rows: u64,
    order_ids: BTreeSet<String>,
    revenue: Money,
    /// Purchases before returns (positive amounts), for shares of spend.
    gross: Money,
    first: Option<i32>,
    last: Option<i32>,
    spend: BTreeMap<String, Money>,
    /// Purchases per day (days since 1970-01-01), for repeat-purchase models.
    days: BTreeMap<i32, Money>,
    /// Sum of the margin column (when mapped), returns netted.
    margin: Money,
    returns: u64,
}

/// What value analyses (RFM, CLV) read of one customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerSummary {
    /// Orders (purchases).
    pub orders: u64,
    /// All amounts, returns netted.
    pub revenue: Money,
    /// Purchases only (returns excluded).
    pub purchases: Money,
    /// Sum of the margin column, when one is mapped.
    pub margin: Option<Money>,
    /// First purchase day (days since 1970-01-01).
    pub first: Option<i32>,
    /// Last purchase day.
    pub last: Option<i32>,
}

/// Aggregates of a transactions table, by customer key.
#[derive(Debug, Clone, Default)]
pub struct Aggregates {
    by_key: HashMap<String, CustomerAgg>,
    uses_order_ids: bool,
    uses_categories: bool,
    uses_margin: bool,
    /// Transaction rows read.
    pub rows: u64,
    /// Rows left out because their key, date or amount is missing or unreadable.
    pub unreadable: u64,
    /// The first few of them.
    pub unreadable_examples: Vec<Example>,
    /// Rows without a customer key, without a readable date and without a readable amount (a row
    /// can lack several), for saying which column is the problem.
    without: [u64; 3],
    /// The latest date in any row read (see [`Aggregates::latest`]).
    latest: Option<i32>,
}

/// The text of a key value, compared exactly (`00017` is not `17`).
pub fn key_text(data: &ColumnData, row: usize) -> Option<String> {
    match data {
        ColumnData::Integer(v) => v.get(row).copied().flatten().map(|x| x.to_string()),
        other => other.label(row).map(str::to_string),
    }
}

fn day(data: &ColumnData, row: usize) -> Option<i32> {
    match data {
        ColumnData::Date(v) => v.get(row).copied().flatten(),
        ColumnData::Datetime(v) => v.get(row).copied().flatten().map(|s| s.div_euclid(86_400) as i32),
        _ => None,
    }
}

fn scale_of(data: &ColumnData) -> u8 {
    match data {
        ColumnData::Decimal { scale, .. } => *scale,
        _ => 0,
    }
}

impl Aggregates {
    /// Adds the rows of (a part of) a transactions table.
    pub fn add(&mut self, transactions: &Table, m: &ValidMapping) {
        // Quiet never cancels.
        let _ = self.add_monitored(transactions, m, &mut crate::progress::Quiet);
    }

    /// [`Aggregates::add`], reporting the rows done to `monitor`.
    ///
    /// # Errors
    /// [`crate::progress::Cancelled`] when `monitor` asks to stop (the aggregates are then partial).
    pub fn add_monitored(
        &mut self,
        transactions: &Table,
        m: &ValidMapping,
        monitor: &mut dyn crate::progress::Monitor,
    ) -> Result<(), crate::progress::Cancelled> {
        let col = |i: usize| transactions.columns.get(i).map(|c| &c.data);
        let (Some(keys), Some(dates), Some(amounts)) = (col(m.key), col(m.date), col(m.amount)) else { return Ok(()) };
        let orders = m.order_id.and_then(col);
        let categories = m.category.and_then(col);
        let margins = m.margin.and_then(col);
        let margin_scale = margins.map_or(0, scale_of);
        self.uses_order_ids |= orders.is_some();
        self.uses_categories |= categories.is_some();
        self.uses_margin |= margins.is_some();
        let scale = scale_of(amounts);
        let total = transactions.rows() as u64;
        for r in 0..transactions.rows() {
            crate::progress::tick(monitor, "Adding up the transactions", r as u64, total, 1 << 16)?;
            self.rows += 1;
            if let Some(d) = day(dates, r) {
                self.latest = Some(self.latest.map_or(d, |l| l.max(d)));
            }
            let (Some(key), Some(d), Some(x)) = (key_text(keys, r), day(dates, r), amounts.number(r)) else {
                self.unreadable += 1;
                let lacks = [keys.is_missing(r), dates.is_missing(r), amounts.is_missing(r)];
                for (n, lacking) in self.without.iter_mut().zip(lacks) {
                    *n += u64::from(lacking);
                }
                if self.unreadable_examples.len() < MAX_EXAMPLES {
                    let what = match lacks {
                        [true, ..] => "no customer key",
                        [_, true, _] => "no readable date",
                        _ => "no readable amount",
                    };
                    self.unreadable_examples
                        .push(Example { line: transactions.line_of(r).unwrap_or(0), found: what.into() });
                }
                continue;
            };
            let amount = Money::from_f64(x, scale);
            let a = self.by_key.entry(key).or_default();
            a.revenue = a.revenue + amount;
            if let Some(x) = margins.and_then(|c| c.number(r)) {
                a.margin = a.margin + Money::from_f64(x, margin_scale);
            }
            if amount.units < 0 {
                a.returns += 1;
            }
            // Orders and their dates are purchases (positive amounts); returns only net the revenue.
            if amount.units > 0 {
                a.rows += 1;
                if let Some(id) = orders.and_then(|o| key_text(o, r)) {
                    a.order_ids.insert(id);
                }
                a.first = Some(a.first.map_or(d, |f| f.min(d)));
                a.last = Some(a.last.map_or(d, |l| l.max(d)));
                let day = a.days.entry(d).or_default();
                *day = *day + amount;
            }
            let purchase = if amount.units > 0 { amount } else { Money { units: 0, scale } };
            a.gross = a.gross + purchase;
            if let Some(c) = categories.and_then(|c| c.label(r)) {
                let s = a.spend.entry(c.to_string()).or_default();
                *s = *s + purchase;
            }
        }
        Ok(())
    }

    /// Customers with at least one readable transaction.
    pub fn customers(&self) -> usize {
        self.by_key.len()
    }

    /// The latest transaction date (days since 1970-01-01) in any row read, whatever its key and
    /// amount; `None` when no row has a readable date. The default as-of date is the day after
    /// ([`crate::dates::default_as_of`]).
    pub fn latest(&self) -> Option<i32> {
        self.latest
    }

    /// Checks that transactions read as the whole customer base (no customers file) found a
    /// customer: a row with a readable key, date and amount.
    ///
    /// # Errors
    /// [`CustomersError::NoReadableRows`] naming the file, the mapped columns and how many rows
    /// each of them leaves without a value (so the sentence names the column that is the problem).
    pub fn require_customers(&self, file: &str, mapping: &TransactionMapping) -> Result<(), CustomersError> {
        if self.by_key.is_empty() {
            let [key, date, amount] = self.without;
            let lacking: Vec<String> = [
                (key, &mapping.customer_id, "no customer key"),
                (date, &mapping.date, "no readable date"),
                (amount, &mapping.amount, "no readable amount"),
            ]
            .into_iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, column, what)| format!("{n} of {} rows have {what} in `{column}`", self.rows))
            .collect();
            return Err(CustomersError::NoReadableRows {
                file: file.to_string(),
                customer_id: mapping.customer_id.clone(),
                date: mapping.date.clone(),
                amount: mapping.amount.clone(),
                lacking: lacking.join(", "),
            });
        }
        Ok(())
    }

    /// Every customer key with transactions, sorted (text order).
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.by_key.keys().cloned().collect();
        keys.sort();
        keys
    }

    /// One customer's purchases per day (days since 1970-01-01, in order), if the key has transactions.
    pub fn purchase_days(&self, key: &str) -> Option<&BTreeMap<i32, Money>> {
        self.by_key.get(key).map(|a| &a.days)
    }

    /// One customer's summary, if the key has transactions.
    pub fn summary(&self, key: &str) -> Option<CustomerSummary> {
        let a = self.by_key.get(key)?;
        Some(CustomerSummary {
            orders: self.orders(a),
            revenue: a.revenue,
            purchases: a.gross,
            margin: self.uses_margin.then_some(a.margin),
            first: a.first,
            last: a.last,
        })
    }

    fn orders(&self, a: &CustomerAgg) -> u64 {
        if self.uses_order_ids {
            a.order_ids.len() as u64
        } else {
            a.rows
        }
    }

    /// The categories by total spend, largest first (at most [`MAX_CATEGORY_SHARES`]).
    fn top_categories(&self) -> Vec<String> {
        let mut totals: BTreeMap<&str, Money> = BTreeMap::new();
        for a in self.by_key.values() {
            for (c, m) in &a.spend {
                let t = totals.entry(c).or_default();
                *t = *t + *m;
            }
        }
        let mut v: Vec<(&str, Money)> = totals.into_iter().collect();
        v.sort_by(|a, b| b.1.to_f64().total_cmp(&a.1.to_f64()).then_with(|| a.0.cmp(b.0)));
        v.into_iter().take(MAX_CATEGORY_SHARES).map(|(c, _)| c.to_string()).collect()
    }

    /// The aggregate columns for customers with the given keys, in that order; customers with no
    /// transactions get 0 orders, 0 revenue and missing dates.
    pub fn columns_for(&self, keys: &[Option<String>]) -> Vec<Column> {
        let get = |k: &Option<String>| k.as_ref().and_then(|k| self.by_key.get(k));
        let scale = self.by_key.values().map(|a| a.revenue.scale).max().unwrap_or(0);
        let mut cols = vec![
            (
                "orders",
                ColumnData::Integer(keys.iter().map(|k| Some(get(k).map_or(0, |a| self.orders(a) as i64))).collect()),
            ),
            (
                "revenue",
                ColumnData::Decimal {
                    values: keys.iter().map(|k| Some(get(k).map_or(0.0, |a| a.revenue.to_f64()))).collect(),
                    scale,
                },
            ),
            ("first_order_date", ColumnData::Date(keys.iter().map(|k| get(k).and_then(|a| a.first)).collect())),
            ("last_order_date", ColumnData::Date(keys.iter().map(|k| get(k).and_then(|a| a.last)).collect())),
            (
                "days_between_orders",
                ColumnData::Decimal {
                    values: keys
                        .iter()
                        .map(|k| {
                            let a = get(k)?;
                            let n = self.orders(a);
                            let span = a.last? - a.first?;
                            (n >= 2).then(|| f64::from(span) / (n - 1) as f64)
                        })
                        .collect(),
                    scale: 1,
                },
            ),
        ];
        if self.uses_categories {
            cols.push((
                "categories_bought",
                ColumnData::Text(
                    keys.iter()
                        .map(|k| {
                            get(k)
                                .filter(|a| !a.spend.is_empty())
                                .map(|a| a.spend.keys().cloned().collect::<Vec<_>>().join("; "))
                        })
                        .collect(),
                ),
            ));
        }
        cols.push((
            "returns",
            ColumnData::Integer(keys.iter().map(|k| Some(get(k).map_or(0, |a| a.returns as i64))).collect()),
        ));
        let mut out: Vec<Column> = cols.into_iter().map(|(n, d)| column(n.to_string(), d)).collect();
        if self.uses_categories {
            for c in self.top_categories() {
                let values = keys
                    .iter()
                    .map(|k| {
                        let a = get(k)?;
                        let total = a.gross.to_f64();
                        let mine = a.spend.get(&c).map_or(0.0, |m| m.to_f64());
                        (total > 0.0).then(|| mine / total)
                    })
                    .collect();
                out.push(column(format!("spend_share_{c}"), ColumnData::Decimal { values, scale: 4 }));
            }
        }
        out
    }
}

fn column(name: String, data: ColumnData) -> Column {
    let stats = column_stats(&data);
    Column { name, data, format: ValueFormat::default(), type_chosen: false, stats }
}

/// What joining transactions onto customers found, for the user to review.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JoinReport {
    /// Transaction rows read.
    pub transaction_rows: u64,
    /// Rows left out: key, date or amount missing or unreadable.
    pub unreadable_rows: u64,
    /// The first few of them.
    pub unreadable_examples: Vec<Example>,
    /// Customers with at least one transaction.
    pub customers_with_transactions: u64,
    /// Customers (rows of the customers table) with none.
    pub customers_without_transactions: u64,
    /// Distinct keys in the transactions that are not in the customers table.
    pub unmatched_keys: u64,
    /// Transaction rows of those keys (left out of every aggregate).
    pub unmatched_rows: u64,
    /// A few of those keys.
    pub unmatched_examples: Vec<String>,
    /// The names of the columns added.
    pub columns: Vec<String>,
}

impl JoinReport {
    /// The report as sentences for the import view.
    pub fn messages(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{} transactions read; {} customers have transactions, {} have none (0 orders, no dates).",
            self.transaction_rows, self.customers_with_transactions, self.customers_without_transactions
        )];
        if self.unmatched_keys > 0 {
            out.push(format!(
                "{} transactions of {} customer keys that are not in the customers file were left out (for example {}). Keys match as text exactly: check leading zeros and spaces.",
                self.unmatched_rows,
                self.unmatched_keys,
                self.unmatched_examples.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        if self.unreadable_rows > 0 {
            out.push(format!(
                "{} transactions have no customer key, date or amount and were left out ({}).",
                self.unreadable_rows,
                self.unreadable_examples
                    .iter()
                    .map(|e| format!("line {}: {}", e.line, e.found))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        out
    }
}

/// The customers table's key of every row, as text.
pub fn customer_keys(customers: &Table, key_column: usize) -> Vec<Option<String>> {
    let Some(data) = customers.columns.get(key_column).map(|c| &c.data) else { return vec![None; customers.rows()] };
    (0..customers.rows()).map(|r| key_text(data, r)).collect()
}

/// Joins aggregates onto customers with the given keys: the columns, and the report.
pub fn join(aggregates: &Aggregates, keys: &[Option<String>]) -> (Vec<Column>, JoinReport) {
    let columns = aggregates.columns_for(keys);
    let mut report = report(aggregates, keys);
    report.columns = columns.iter().map(|c| c.name.clone()).collect();
    (columns, report)
}

/// What joining onto customers with the given keys finds (without building the columns).
pub fn report(aggregates: &Aggregates, keys: &[Option<String>]) -> JoinReport {
    let known: std::collections::HashSet<&str> = keys.iter().flatten().map(String::as_str).collect();
    let mut unmatched: Vec<(&String, &CustomerAgg)> =
        aggregates.by_key.iter().filter(|(k, _)| !known.contains(k.as_str())).collect();
    unmatched.sort_by(|a, b| a.0.cmp(b.0));
    let with = keys.iter().filter(|k| k.as_ref().is_some_and(|k| aggregates.by_key.contains_key(k))).count() as u64;
    JoinReport {
        transaction_rows: aggregates.rows,
        unreadable_rows: aggregates.unreadable,
        unreadable_examples: aggregates.unreadable_examples.clone(),
        customers_with_transactions: with,
        customers_without_transactions: keys.len() as u64 - with,
        unmatched_keys: unmatched.len() as u64,
        unmatched_rows: unmatched.iter().map(|(_, a)| a.rows + a.returns).sum(),
        unmatched_examples: unmatched.iter().take(MAX_EXAMPLES).map(|(k, _)| (*k).clone()).collect(),
        columns: Vec::new(),
    }
}
