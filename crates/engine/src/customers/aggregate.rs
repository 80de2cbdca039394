//! Per-customer aggregates of transactions, built row by row as a file streams by (so files of any
//! size work, and only what later analyses need is kept), and joined onto the customers by key,
//! text-exact.
//!
//! Built in two steps: an [`AggregatesBuilder`] takes rows (a customer's slot found by hashing the
//! key; per-customer totals kept as they come; each readable row also logged in 32 bytes), and
//! [`AggregatesBuilder::finish`] groups the log by customer once (a counting sort, so rows keep
//! file order) into compact columns: purchases per day, distinct orders, spend per category. The
//! result never depends on how the rows were split into parts, nor on how much of the file the
//! sample that decided the column types saw: amounts are summed at the whole amount column's
//! decimals, and a row whose amount might not fit there (9 × 10^9 or more) waits for the end, when
//! those are known.

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};

use super::errors::CustomersError;
use super::mapping::{TransactionMapping, ValidMapping};
use super::money::{Money, MAX_SCALE};
use crate::ingest::{cell_of, Example, MAX_EXAMPLES};
use crate::stats::column_stats;
use crate::table::{Column, ColumnData, Table, ValueFormat};

/// The most categories that get a share-of-spend column of their own.
pub const MAX_CATEGORY_SHARES: usize = 20;

/// The names of the aggregate columns (before per-category shares).
pub const COLUMNS: [&str; 7] =
    ["orders", "revenue", "first_order_date", "last_order_date", "days_between_orders", "categories_bought", "returns"];

/// Customer keys to their slot. FxHash: fast and the same on every machine (nothing depends on
/// the map's order: keys are sorted wherever they are listed).
type KeyIndex = std::collections::HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>;

/// One customer's totals, kept as rows come.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Slot {
    /// Purchase rows (positive amounts).
    rows: u64,
    /// Return rows (negative amounts).
    returns: u64,
    /// All amounts, returns netted.
    revenue: Money,
    /// Purchases before returns (positive amounts), for shares of spend.
    gross: Money,
    /// Sum of the margin column (when mapped), returns netted.
    margin: Money,
    first: Option<i32>,
    last: Option<i32>,
    /// Distinct order ids among purchases (set by [`AggregatesBuilder::finish`]).
    orders: u64,
}

/// No category on a logged row.
const NO_CATEGORY: u32 = u32::MAX;

/// One readable row as logged for grouping: 32 bytes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Logged {
    slot: u32,
    day: i32,
    category: u32,
    has_order: bool,
    scale: u8,
    units: i64,
    /// A 64-bit SipHash of the order id (distinct orders of one customer are counted by it; two
    /// different ids of one customer sharing a hash is a chance of about 1 in 10^17).
    order: u64,
}

/// One transaction row as the aggregates take it: `None` where the row has no readable value.
#[derive(Debug, Clone, Copy, Default)]
pub struct TransactionRow<'a> {
    /// The customer key, as text ([`key_text`]).
    pub key: Option<&'a str>,
    /// The day (days since 1970-01-01).
    pub day: Option<i32>,
    /// The amount, as read.
    pub amount: Option<Amount>,
    /// The order id, when one is mapped.
    pub order: Option<&'a str>,
    /// The category, when one is mapped.
    pub category: Option<&'a str>,
    /// The margin, when one is mapped.
    pub margin: Option<Amount>,
    /// The 1-based line of the row, for examples.
    pub line: u64,
}

/// A number of the amount (or margin) column as read, and the decimals it was read at: its
/// column's in a table, at least its own after a sample. Added up exactly at the whole column's
/// decimals (the most any of its numbers has, at most [`MAX_SCALE`]), so the result does not
/// depend on how much of the file a sample saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amount {
    /// The number.
    pub value: f64,
    /// Its decimals.
    pub decimals: u8,
}

/// A readable row with an amount (or margin) that might be too large to add up exactly at the
/// column's decimals, known only when the whole column has been read: added up, or left out as
/// too large, by [`AggregatesBuilder::finish`], in file order.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    key: Box<str>,
    day: i32,
    amount: f64,
    margin: Option<f64>,
    category: Option<Box<str>>,
    /// The order id's hash ([`order_hash`]), when the row has one.
    order: Option<u64>,
    line: u64,
}

/// Takes transaction rows; [`AggregatesBuilder::finish`] turns them into [`Aggregates`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AggregatesBuilder {
    index: KeyIndex,
    slots: Vec<Slot>,
    log: Vec<Logged>,
    categories: Vec<Box<str>>,
    category_index: std::collections::HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>,
    pending: Vec<Pending>,
    counts: Counts,
}

/// What a builder took, in the form [`AggregatesBuilder::append`] adds to another builder: the
/// customer keys in slot order instead of a hash index (so a part sent between workers is read
/// back without building one).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BuiltPart {
    keys: Vec<Box<str>>,
    slots: Vec<Slot>,
    log: Vec<Logged>,
    categories: Vec<Box<str>>,
    pending: Vec<Pending>,
    counts: Counts,
}

impl From<AggregatesBuilder> for BuiltPart {
    fn from(builder: AggregatesBuilder) -> Self {
        let AggregatesBuilder { index, slots, log, categories, pending, counts, .. } = builder;
        let mut keys: Vec<Box<str>> = vec![Box::from(""); slots.len()];
        for (key, s) in index {
            if let Some(k) = keys.get_mut(s as usize) {
                *k = key;
            }
        }
        BuiltPart { keys, slots, log, categories, pending, counts }
    }
}

/// What every row adds up to, whatever its customer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Counts {
    uses_order_ids: bool,
    uses_categories: bool,
    uses_margin: bool,
    rows: u64,
    unreadable: u64,
    unreadable_examples: Vec<Example>,
    /// Rows without a customer key, without a readable date and without a readable amount (a row
    /// can lack several), for saying which column is the problem.
    without: [u64; 3],
    latest: Option<i32>,
    /// The amount and margin columns' names, for errors.
    amount_column: String,
    margin_column: String,
    /// The amount and margin columns' decimals: the most of any number read in them (at most
    /// [`MAX_SCALE`]), whatever its row. Sums are exact at these.
    amount_scale: u8,
    margin_scale: u8,
    /// The first total that would not add up exactly.
    overflow: Option<Overflow>,
}

/// A customer's total that would not add up exactly (beyond `i64` per day or category, `i128` in
/// all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Overflow {
    customer: String,
    margin: bool,
}

/// Aggregates of a transactions file, by customer key.
#[derive(Debug, Clone, Default)]
pub struct Aggregates {
    index: KeyIndex,
    slots: Vec<Slot>,
    /// Per customer, `day_starts[s]..day_starts[s + 1]` into `days` / `day_units`: purchase days
    /// in order and what was bought each day, in units of `scale`.
    day_starts: Vec<usize>,
    days: Vec<i32>,
    day_units: Vec<i64>,
    /// Beside `days`: the orders first seen that day (distinct order ids, or purchase rows when no
    /// order id is mapped), so the orders up to any day add up.
    day_orders: Vec<u32>,
    /// Per customer, `return_starts[s]..return_starts[s + 1]` into `return_days` /
    /// `return_units`: each return day in order and what was returned (negative units of `scale`).
    return_starts: Vec<usize>,
    return_days: Vec<i32>,
    return_units: Vec<i64>,
    /// Per customer, the day of their first readable row of any amount (zero amounts too).
    first_seen: Vec<i32>,
    /// Per customer, `spend_starts[s]..spend_starts[s + 1]` into `spend_category` / `spend_units`:
    /// categories bought (in text order) and purchases in each, in units of `scale`.
    spend_starts: Vec<usize>,
    spend_category: Vec<u32>,
    spend_units: Vec<i64>,
    /// Category names, in text order (a category's number is its place here).
    categories: Vec<String>,
    /// The scale of `day_units` and `spend_units`: the most decimals of any amount.
    scale: u8,
    counts: Counts,
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

/// One customer's purchases per day, days in order.
#[derive(Debug, Clone, Copy)]
pub struct PurchaseDays<'a> {
    days: &'a [i32],
    units: &'a [i64],
    scale: u8,
}

impl<'a> PurchaseDays<'a> {
    /// Days with a purchase.
    pub fn len(&self) -> usize {
        self.days.len()
    }

    /// True when there is no purchase day.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// Each day (days since 1970-01-01) and what was bought that day.
    pub fn iter(&self) -> impl Iterator<Item = (i32, Money)> + 'a {
        let scale = self.scale;
        self.days.iter().zip(self.units).map(move |(&d, &u)| (d, Money { units: i128::from(u), scale }))
    }

    /// The days up to and including `day`.
    pub fn up_to(&self, day: i32) -> PurchaseDays<'a> {
        let n = self.days.partition_point(|&d| d <= day);
        let (days, units) = (self.days.get(..n).unwrap_or_default(), self.units.get(..n).unwrap_or_default());
        PurchaseDays { days, units, scale: self.scale }
    }

    /// The days after `day`.
    pub fn after(&self, day: i32) -> PurchaseDays<'a> {
        let n = self.days.partition_point(|&d| d <= day);
        let (days, units) = (self.days.get(n..).unwrap_or_default(), self.units.get(n..).unwrap_or_default());
        PurchaseDays { days, units, scale: self.scale }
    }
}

/// The text of a key value, compared exactly (`00017` is not `17`).
pub fn key_text(data: &ColumnData, row: usize) -> Option<String> {
    match data {
        ColumnData::Integer(v) => v.get(row).copied().flatten().map(|x| x.to_string()),
        other => other.label(row).map(str::to_string),
    }
}

fn scale_of(data: &ColumnData) -> u8 {
    match data {
        ColumnData::Decimal { scale, .. } => *scale,
        _ => 0,
    }
}

/// The smaller of two days, either of which may be missing.
fn min_some(a: Option<i32>, b: Option<i32>) -> Option<i32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A 64-bit hash of an order id, the same on every machine and in every run.
fn order_hash(id: &str) -> u64 {
    #[allow(deprecated)] // SipHasher's keys are fixed (0, 0): the same hash everywhere, as wanted here.
    let mut h = std::hash::SipHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl AggregatesBuilder {
    /// Adds one transaction row.
    pub fn add_row(&mut self, row: &TransactionRow<'_>) {
        // Cannot overflow, here and in the counts below: one per row, and no machine holds 2^64 rows.
        let c = &mut self.counts;
        c.rows = c.rows.saturating_add(1);
        if let Some(d) = row.day {
            c.latest = Some(c.latest.map_or(d, |l| l.max(d)));
        }
        if let Some(a) = row.amount {
            c.amount_scale = c.amount_scale.max(a.decimals.min(MAX_SCALE));
        }
        if let Some(m) = row.margin {
            c.margin_scale = c.margin_scale.max(m.decimals.min(MAX_SCALE));
        }
        let order = row.order.map(order_hash);
        if let (Some(key), Some(day), Some(amount)) = (row.key, row.day, row.amount) {
            // Whether an amount of 9 × 10^9 or more fits at the column's decimals is known at the end.
            let large = |a: &Amount| !Money::fits_at_any_scale(a.value);
            if large(&amount) || row.margin.as_ref().is_some_and(large) {
                self.pending.push(Pending {
                    key: key.into(),
                    day,
                    amount: amount.value,
                    margin: row.margin.map(|m| m.value),
                    category: row.category.map(Box::from),
                    order,
                    line: row.line,
                });
                return;
            }
        }
        let money = |a: Option<Amount>| a.and_then(|a| Money::from_f64(a.value, a.decimals));
        let amount = money(row.amount);
        match (row.key, row.day, amount) {
            (Some(key), Some(day), Some(amount)) => {
                self.add_readable(key, day, amount, money(row.margin), row.category, order);
            }
            _ => {
                let lacks = [row.key.is_none(), row.day.is_none(), amount.is_none()];
                self.leave_out(lacks, row.amount.is_some(), row.line);
            }
        }
    }

    /// Counts a row left out for what it `lacks` (a key, a date, an amount: [`Counts::without`]),
    /// its amount a number `too_large` to add up exactly or not, with its line among the first
    /// examples (in file order, so a row left out at the end finds its place).
    fn leave_out(&mut self, lacks: [bool; 3], too_large: bool, line: u64) {
        let c = &mut self.counts;
        c.unreadable = c.unreadable.saturating_add(1);
        for (n, lacking) in c.without.iter_mut().zip(lacks) {
            *n = n.saturating_add(u64::from(lacking));
        }
        let at = c.unreadable_examples.partition_point(|e| e.line <= line);
        if at < MAX_EXAMPLES {
            let what = match lacks {
                [true, ..] => "no customer key",
                [_, true, _] => "no readable date",
                _ if too_large => "an amount too large to add up exactly",
                _ => "no readable amount",
            };
            c.unreadable_examples.insert(at, Example { line, found: what.into() });
            c.unreadable_examples.truncate(MAX_EXAMPLES);
        }
    }

    /// Adds a row with a key, a date and an amount that can be added up exactly.
    fn add_readable(
        &mut self,
        key: &str,
        day: i32,
        amount: Money,
        margin: Option<Money>,
        category: Option<&str>,
        order: Option<u64>,
    ) {
        // In range: `Money::from_f64` gives fewer than 2^63 units.
        let Ok(units) = i64::try_from(amount.units) else { return };
        let slot = match self.index.get(key) {
            Some(&s) => s,
            None => {
                let s = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
                self.index.insert(key.into(), s);
                self.slots.push(Slot::default());
                s
            }
        };
        let Some(a) = self.slots.get_mut(slot as usize) else { return };
        let (revenue, margin) = (a.revenue.checked_add(amount), margin.map(|m| a.margin.checked_add(m)));
        if let Some(revenue) = revenue {
            a.revenue = revenue;
        }
        if let Some(Some(margin)) = margin {
            a.margin = margin;
        }
        if revenue.is_none() || margin == Some(None) {
            let margin = revenue.is_some();
            self.counts.overflow.get_or_insert_with(|| Overflow { customer: key.to_string(), margin });
            return;
        }
        if units < 0 {
            a.returns = a.returns.saturating_add(1);
        }
        if units > 0 {
            // Orders and their dates are purchases (positive amounts); returns only net the revenue.
            a.rows = a.rows.saturating_add(1);
            a.first = Some(a.first.map_or(day, |f| f.min(day)));
            a.last = Some(a.last.map_or(day, |l| l.max(day)));
            // Cannot overflow where the revenue did not: the purchases are the revenue's positive part.
            a.gross = a.gross.checked_add(amount).unwrap_or(a.gross);
        }
        let category = match category {
            None => NO_CATEGORY,
            Some(name) => match self.category_index.get(name) {
                Some(&i) => i,
                None => {
                    let i = u32::try_from(self.categories.len()).unwrap_or(NO_CATEGORY);
                    self.category_index.insert(name.into(), i);
                    self.categories.push(name.into());
                    i
                }
            },
        };
        let (has_order, order) = (order.is_some(), order.unwrap_or(0));
        self.log.push(Logged { slot, day, category, has_order, scale: amount.scale, units, order });
    }

    /// Adds the rows whose amount or margin might not fit at the column's decimals, now that the
    /// whole column has been read: each as the whole column reads it (added up, or left out as too
    /// large; a margin too large is not added, as elsewhere), in file order.
    fn add_pending(&mut self) {
        let (scale, margin_scale) = (self.counts.amount_scale, self.counts.margin_scale);
        for p in std::mem::take(&mut self.pending) {
            let margin = p.margin.and_then(|m| Money::from_f64(m, margin_scale));
            match Money::from_f64(p.amount, scale) {
                Some(amount) => self.add_readable(&p.key, p.day, amount, margin, p.category.as_deref(), p.order),
                None => self.leave_out([false, false, true], true, p.line),
            }
        }
    }

    /// Adds the rows of (a part of) a transactions table.
    pub fn add(&mut self, transactions: &Table, m: &ValidMapping) {
        // Quiet never cancels.
        let _ = self.add_monitored(transactions, m, &mut crate::progress::Quiet);
    }

    /// [`AggregatesBuilder::add`], reporting the rows done to `monitor`.
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
        let (orders, categories, margins) =
            (m.order_id.and_then(col), m.category.and_then(col), m.margin.and_then(col));
        self.uses(orders.is_some(), categories.is_some(), margins.is_some());
        let name = |i: usize| transactions.columns.get(i).map_or("", |c| c.name.as_str());
        self.name_columns(name(m.amount), m.margin.map(name));
        let (scale, margin_scale) = (scale_of(amounts), margins.map_or(0, scale_of));
        let total = transactions.rows() as u64;
        let mut key_buf = String::new();
        let mut order_buf = String::new();
        for r in 0..transactions.rows() {
            crate::progress::tick(monitor, "Adding up the transactions", r as u64, total, 1 << 16)?;
            let key = cell_of(keys, r);
            let order = orders.map(|o| cell_of(o, r));
            let row = TransactionRow {
                key: key.key_text(&mut key_buf),
                day: cell_of(dates, r).day(),
                amount: amounts.number(r).map(|value| Amount { value, decimals: scale }),
                order: order.as_ref().and_then(|o| o.key_text(&mut order_buf)),
                category: categories.and_then(|c| c.label(r)),
                margin: margins.and_then(|c| c.number(r)).map(|value| Amount { value, decimals: margin_scale }),
                line: transactions.line_of(r).unwrap_or(0),
            };
            self.add_row(&row);
        }
        Ok(())
    }

    /// Makes room for about `rows` more rows at once (so a large file's rows are not copied each
    /// time the log doubles; at 10 million rows that is hundreds of megabytes of peak memory). When
    /// that much memory is not free, nothing happens: the log grows as rows come.
    pub fn reserve(&mut self, rows: u64) {
        let _ = self.log.try_reserve_exact(usize::try_from(rows).unwrap_or(usize::MAX));
    }

    /// Adds the rows another builder took, as if they had come after this builder's rows (so a
    /// file's parts added up on their own, then appended in file order, give exactly what adding
    /// every row to one builder gives: slots and categories are numbered in order of first
    /// appearance, and money adds exactly).
    pub fn append(&mut self, later: impl Into<BuiltPart>) {
        let BuiltPart { keys, slots, log, categories, pending, counts } = later.into();
        let mut overflow = None;
        let slot_of: Vec<u32> = keys
            .into_iter()
            .zip(&slots)
            .map(|(key, slot)| {
                let s = match self.index.get(&key) {
                    Some(&s) => s,
                    None => {
                        let s = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
                        self.index.insert(key.clone(), s);
                        self.slots.push(Slot::default());
                        s
                    }
                };
                if let Some(a) = self.slots.get_mut(s as usize) {
                    // Cannot overflow: rows are counted one by one, and a machine holds fewer than 2^64.
                    a.rows = a.rows.saturating_add(slot.rows);
                    a.returns = a.returns.saturating_add(slot.returns);
                    let sums = (
                        a.revenue.checked_add(slot.revenue),
                        a.gross.checked_add(slot.gross),
                        a.margin.checked_add(slot.margin),
                    );
                    match sums {
                        (Some(revenue), Some(gross), Some(margin)) => {
                            (a.revenue, a.gross, a.margin) = (revenue, gross, margin);
                        }
                        (revenue, _, _) => {
                            let margin = revenue.is_some();
                            overflow.get_or_insert_with(|| Overflow { customer: key.to_string(), margin });
                        }
                    }
                    a.first = min_some(a.first, slot.first);
                    a.last = a.last.max(slot.last);
                }
                s
            })
            .collect();
        let category_of: Vec<u32> = categories
            .into_iter()
            .map(|name| match self.category_index.get(&name) {
                Some(&i) => i,
                None => {
                    let i = u32::try_from(self.categories.len()).unwrap_or(NO_CATEGORY);
                    self.category_index.insert(name.clone(), i);
                    self.categories.push(name);
                    i
                }
            })
            .collect();
        self.log.reserve(log.len());
        self.log.extend(log.into_iter().map(|l| Logged {
            slot: slot_of.get(l.slot as usize).copied().unwrap_or(u32::MAX),
            category: if l.category == NO_CATEGORY {
                NO_CATEGORY
            } else {
                category_of.get(l.category as usize).copied().unwrap_or(NO_CATEGORY)
            },
            ..l
        }));
        self.pending.extend(pending);
        let c = &mut self.counts;
        if c.overflow.is_none() {
            c.overflow = counts.overflow.or(overflow);
        }
        c.amount_scale = c.amount_scale.max(counts.amount_scale);
        c.margin_scale = c.margin_scale.max(counts.margin_scale);
        c.uses_order_ids |= counts.uses_order_ids;
        c.uses_categories |= counts.uses_categories;
        c.uses_margin |= counts.uses_margin;
        // Cannot overflow: counts of rows, one per row.
        c.rows = c.rows.saturating_add(counts.rows);
        c.unreadable = c.unreadable.saturating_add(counts.unreadable);
        c.unreadable_examples.extend(counts.unreadable_examples);
        c.unreadable_examples.truncate(MAX_EXAMPLES);
        for (n, more) in c.without.iter_mut().zip(counts.without) {
            *n = n.saturating_add(more);
        }
        c.latest = c.latest.max(counts.latest);
    }

    /// Records which optional columns are mapped (they change what is counted: orders by order id,
    /// shares of spend, margin).
    pub fn uses(&mut self, order_ids: bool, categories: bool, margin: bool) {
        let c = &mut self.counts;
        c.uses_order_ids |= order_ids;
        c.uses_categories |= categories;
        c.uses_margin |= margin;
    }

    /// Names the amount and margin columns, for an error saying which one does not add up.
    pub fn name_columns(&mut self, amount: &str, margin: Option<&str>) {
        self.counts.amount_column = amount.to_string();
        self.counts.margin_column = margin.unwrap_or_default().to_string();
    }

    /// Groups the rows by customer into [`Aggregates`].
    ///
    /// # Errors
    /// [`CustomersError::TooLarge`] when a customer's amounts (or margins) add up to more than can
    /// be added exactly: 2^63 units of the last decimal on one day or in one category, about
    /// 1.7 × 10^38 in all; [`CustomersError::TooManyRows`] past 2^32 − 1 readable rows.
    pub fn finish(mut self) -> Result<Aggregates, CustomersError> {
        self.add_pending();
        let AggregatesBuilder { index, mut slots, log, categories, mut counts, .. } = self;
        let too_large = |counts: &Counts, overflow: &Overflow| CustomersError::TooLarge {
            column: if overflow.margin { counts.margin_column.clone() } else { counts.amount_column.clone() },
            customer: overflow.customer.clone(),
        };
        if let Some(overflow) = counts.overflow.take() {
            return Err(too_large(&counts, &overflow));
        }
        if u32::try_from(log.len()).is_err() {
            return Err(CustomersError::TooManyRows { rows: log.len() as u64 });
        }
        // Keys by slot, to name a customer whose totals do not add up.
        let key_of = |s: usize| index.iter().find(|(_, &v)| v as usize == s).map(|(k, _)| k.to_string());
        let overflow_at = |s: usize| Overflow { customer: key_of(s).unwrap_or_default(), margin: false };
        let n = slots.len();
        // The amount column's decimals (every row's are at most these), however the file was read.
        let scale = log.iter().map(|l| l.scale).max().unwrap_or(0).max(counts.amount_scale);
        let margin_scale = counts.margin_scale;
        // A row's units at the column's scale; `None` past i64.
        let at_scale = |l: &Logged| -> Option<i64> {
            10i64.checked_pow(u32::from(scale.saturating_sub(l.scale)))?.checked_mul(l.units)
        };
        let add = |total: &mut i64, u: i64| -> Option<()> {
            *total = total.checked_add(u)?;
            Some(())
        };
        // Categories renumbered in text order, so lists and shares come out sorted by name.
        let mut by_name: Vec<u32> = (0..categories.len() as u32).collect();
        by_name.sort_by(|&a, &b| categories.get(a as usize).cmp(&categories.get(b as usize)));
        let mut rank = vec![0u32; categories.len()];
        for (place, &id) in by_name.iter().enumerate() {
            if let Some(r) = rank.get_mut(id as usize) {
                *r = place as u32;
            }
        }
        let names: Vec<String> =
            by_name.iter().filter_map(|&id| categories.get(id as usize)).map(|c| c.to_string()).collect();
        drop(categories);
        // Counting sort by slot (stable: a customer's rows stay in file order).
        // Cannot overflow: the counts and their running sums are at most the log's length (below 2^32).
        let mut counts_by_slot = vec![0usize; n];
        for l in &log {
            if let Some(c) = counts_by_slot.get_mut(l.slot as usize) {
                *c = c.saturating_add(1);
            }
        }
        let mut starts = Vec::with_capacity(n.saturating_add(1));
        let mut running = 0usize;
        starts.push(0);
        for c in counts_by_slot {
            running = running.saturating_add(c);
            starts.push(running);
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; log.len()];
        for (i, l) in (0u32..).zip(&log) {
            if let Some(at) = next.get_mut(l.slot as usize) {
                if let Some(o) = order.get_mut(*at) {
                    *o = i;
                }
                *at = at.saturating_add(1);
            }
        }
        let (mut day_starts, mut days, mut day_units) = (Vec::with_capacity(starts.len()), Vec::new(), Vec::new());
        let mut day_orders: Vec<u32> = Vec::new();
        let (mut return_starts, mut return_days, mut return_units) =
            (Vec::with_capacity(starts.len()), Vec::new(), Vec::<i64>::new());
        let mut first_orders: Vec<(u64, i32)> = Vec::new();
        let mut first_seen: Vec<i32> = Vec::with_capacity(n);
        let (mut spend_starts, mut spend_category, mut spend_units) =
            (Vec::with_capacity(starts.len()), Vec::new(), Vec::new());
        let mut rows: Vec<Logged> = Vec::new();
        let mut hashes: Vec<u64> = Vec::new();
        let mut spend: Vec<(u32, i64)> = Vec::new();
        for (s, slot) in slots.iter_mut().enumerate() {
            day_starts.push(days.len());
            return_starts.push(return_days.len());
            spend_starts.push(spend_category.len());
            // The totals at the columns' decimals, whatever decimals the rows were read at.
            let at = |m: Money, scale: u8| m.units_at(scale).map(|units| Money { units, scale });
            match (at(slot.revenue, scale), at(slot.gross, scale), at(slot.margin, margin_scale.max(slot.margin.scale)))
            {
                (Some(revenue), Some(gross), Some(margin)) => {
                    (slot.revenue, slot.gross, slot.margin) = (revenue, gross, margin)
                }
                (revenue, gross, _) => {
                    let margin = revenue.is_some() && gross.is_some();
                    let customer = key_of(s).unwrap_or_default();
                    return Err(too_large(&counts, &Overflow { customer, margin }));
                }
            }
            rows.clear();
            let range = Self::range_of(&starts, s);
            rows.extend(order.get(range).unwrap_or_default().iter().filter_map(|&i| log.get(i as usize)).copied());
            let too_large = || Err(too_large(&counts, &overflow_at(s)));
            // Purchases per day.
            rows.sort_by_key(|l| l.day);
            first_seen.push(rows.first().map_or(i32::MAX, |l| l.day));
            for l in rows.iter().filter(|l| l.units > 0) {
                let Some(u) = at_scale(l) else { return too_large() };
                match (days.last(), day_units.last_mut()) {
                    (Some(&d), Some(total)) if d == l.day && days.len() > *day_starts.last().unwrap_or(&0) => {
                        let Some(()) = add(total, u) else { return too_large() };
                    }
                    _ => {
                        days.push(l.day);
                        day_units.push(u);
                        day_orders.push(0);
                    }
                }
                if !counts.uses_order_ids {
                    if let Some(o) = day_orders.last_mut() {
                        // Cannot overflow: at most the log's length, below 2^32.
                        *o = o.saturating_add(1);
                    }
                }
            }
            // Returns per day.
            for l in rows.iter().filter(|l| l.units < 0) {
                let Some(u) = at_scale(l) else { return too_large() };
                match (return_days.last(), return_units.last_mut()) {
                    (Some(&d), Some(total))
                        if d == l.day && return_days.len() > *return_starts.last().unwrap_or(&0) =>
                    {
                        let Some(()) = add(total, u) else { return too_large() };
                    }
                    _ => {
                        return_days.push(l.day);
                        return_units.push(u);
                    }
                }
            }
            // Distinct orders among purchases.
            hashes.clear();
            hashes.extend(rows.iter().filter(|l| l.units > 0 && l.has_order).map(|l| l.order));
            hashes.sort_unstable();
            hashes.dedup();
            slot.orders = if counts.uses_order_ids { hashes.len() as u64 } else { slot.rows };
            if counts.uses_order_ids {
                // Each distinct order counts on the first day it was seen (rows are in day order).
                first_orders.clear();
                first_orders.extend(rows.iter().filter(|l| l.units > 0 && l.has_order).map(|l| (l.order, l.day)));
                first_orders.sort_unstable();
                first_orders.dedup_by_key(|&mut (order, _)| order);
                let start = day_starts.last().copied().unwrap_or(0);
                let customer_days = days.get(start..).unwrap_or_default();
                for &(_, day) in &first_orders {
                    // In range: a place among this customer's days, after `start`.
                    let at = start.saturating_add(customer_days.partition_point(|&d| d < day));
                    if let Some(o) = day_orders.get_mut(at) {
                        // Cannot overflow: at most the log's length, below 2^32.
                        *o = o.saturating_add(1);
                    }
                }
            }
            // Spend per category (a return names its category with nothing spent).
            spend.clear();
            for l in rows.iter().filter(|l| l.category != NO_CATEGORY) {
                let u = if l.units > 0 { at_scale(l) } else { Some(0) };
                let Some(u) = u else { return too_large() };
                spend.push((rank.get(l.category as usize).copied().unwrap_or(0), u));
            }
            spend.sort_by_key(|&(c, _)| c);
            for &(c, u) in &spend {
                match (spend_category.last(), spend_units.last_mut()) {
                    (Some(&last), Some(total))
                        if last == c && spend_category.len() > *spend_starts.last().unwrap_or(&0) =>
                    {
                        let Some(()) = add(total, u) else { return too_large() };
                    }
                    _ => {
                        spend_category.push(c);
                        spend_units.push(u);
                    }
                }
            }
        }
        day_starts.push(days.len());
        return_starts.push(return_days.len());
        spend_starts.push(spend_category.len());
        drop(log);
        days.shrink_to_fit();
        day_units.shrink_to_fit();
        day_orders.shrink_to_fit();
        Ok(Aggregates {
            index,
            slots,
            day_starts,
            days,
            day_units,
            day_orders,
            return_starts,
            return_days,
            return_units,
            first_seen,
            spend_starts,
            spend_category,
            spend_units,
            categories: names,
            scale,
            counts,
        })
    }

    /// `starts[s]..starts[s + 1]`, empty where `starts` has no such entries.
    fn range_of(starts: &[usize], s: usize) -> std::ops::Range<usize> {
        let start = starts.get(s).copied().unwrap_or(0);
        start..starts.get(s.saturating_add(1)).copied().unwrap_or(start)
    }
}

impl Aggregates {
    /// The aggregates of a whole transactions table.
    ///
    /// # Errors
    /// As [`AggregatesBuilder::finish`].
    pub fn from_table(transactions: &Table, m: &ValidMapping) -> Result<Aggregates, CustomersError> {
        let mut b = AggregatesBuilder::default();
        b.add(transactions, m);
        b.finish()
    }

    /// Transaction rows read.
    pub fn rows(&self) -> u64 {
        self.counts.rows
    }

    /// Rows left out because their key, date or amount is missing or unreadable.
    pub fn unreadable(&self) -> u64 {
        self.counts.unreadable
    }

    /// The sentence on the rows left out ([`Aggregates::unreadable`]), with the first few lines and
    /// why; `None` when every row was used.
    pub fn left_out(&self) -> Option<String> {
        left_out(self.counts.unreadable, &self.counts.unreadable_examples)
    }

    /// Customers with at least one readable transaction.
    pub fn customers(&self) -> usize {
        self.slots.len()
    }

    /// The latest transaction date (days since 1970-01-01) in any row read, whatever its key and
    /// amount; `None` when no row has a readable date. The default as-of date is the day after
    /// ([`crate::dates::default_as_of`]).
    pub fn latest(&self) -> Option<i32> {
        self.counts.latest
    }

    /// Checks that transactions read as the whole customer base (no customers file) found a
    /// customer: a row with a readable key, date and amount.
    ///
    /// # Errors
    /// [`CustomersError::NoReadableRows`] naming the file, the mapped columns and how many rows
    /// each of them leaves without a value (so the sentence names the column that is the problem).
    pub fn require_customers(&self, file: &str, mapping: &TransactionMapping) -> Result<(), CustomersError> {
        if self.slots.is_empty() {
            let [key, date, amount] = self.counts.without;
            let lacking: Vec<String> = [
                (key, &mapping.customer_id, "no customer key"),
                (date, &mapping.date, "no readable date"),
                (amount, &mapping.amount, "no readable amount"),
            ]
            .into_iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, column, what)| format!("{n} of {} rows have {what} in `{column}`", self.counts.rows))
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
        let mut keys: Vec<String> = self.index.keys().map(|k| k.to_string()).collect();
        keys.sort();
        keys
    }

    fn slot(&self, key: &str) -> Option<(usize, &Slot)> {
        let s = *self.index.get(key)? as usize;
        Some((s, self.slots.get(s)?))
    }

    fn range(starts: &[usize], s: usize) -> std::ops::Range<usize> {
        AggregatesBuilder::range_of(starts, s)
    }

    /// One customer's purchases per day (days in order), if the key has transactions.
    pub fn purchase_days(&self, key: &str) -> Option<PurchaseDays<'_>> {
        let (s, _) = self.slot(key)?;
        let r = Self::range(&self.day_starts, s);
        Some(PurchaseDays {
            days: self.days.get(r.clone()).unwrap_or_default(),
            units: self.day_units.get(r).unwrap_or_default(),
            scale: self.scale,
        })
    }

    /// One customer's categories (in text order) and purchases in each.
    fn spend(&self, s: usize) -> impl Iterator<Item = (u32, Money)> + '_ {
        let r = Self::range(&self.spend_starts, s);
        let scale = self.scale;
        self.spend_category
            .get(r.clone())
            .unwrap_or_default()
            .iter()
            .zip(self.spend_units.get(r).unwrap_or_default())
            .map(move |(&c, &u)| (c, Money { units: i128::from(u), scale }))
    }

    /// One customer's summary, if the key has transactions.
    pub fn summary(&self, key: &str) -> Option<CustomerSummary> {
        let (_, a) = self.slot(key)?;
        Some(CustomerSummary {
            orders: a.orders,
            revenue: a.revenue,
            purchases: a.gross,
            margin: self.counts.uses_margin.then_some(a.margin),
            first: a.first,
            last: a.last,
        })
    }

    /// One customer's summary counting only what happened before `day` (days since 1970-01-01):
    /// the customer as they were on an earlier as-of date. The same as [`Aggregates::summary`] when
    /// nothing happened on or after `day`; otherwise without the margin (not kept per day).
    /// `None` when the key has no transactions.
    pub fn summary_before(&self, key: &str, day: i32) -> Option<CustomerSummary> {
        let (s, _) = self.slot(key)?;
        let whole = self.summary(key)?;
        let purchases = Self::range(&self.day_starts, s);
        let returns = Self::range(&self.return_starts, s);
        let days = self.days.get(purchases.clone()).unwrap_or_default();
        let return_days = self.return_days.get(returns.clone()).unwrap_or_default();
        let later = |d: &[i32]| d.last().is_some_and(|&last| last >= day);
        if !later(days) && !later(return_days) {
            return Some(whole);
        }
        let n = days.partition_point(|&d| d < day);
        let r = return_days.partition_point(|&d| d < day);
        let sum = |units: Option<&[i64]>| units.unwrap_or_default().iter().map(|&u| i128::from(u)).sum::<i128>();
        let bought_days = purchases.start..purchases.start.saturating_add(n);
        let bought = sum(self.day_units.get(bought_days.clone()));
        let returned = sum(self.return_units.get(returns.start..returns.start.saturating_add(r)));
        let orders = self.day_orders.get(bought_days).unwrap_or_default();
        Some(CustomerSummary {
            orders: orders.iter().map(|&o| u64::from(o)).sum(),
            // Cannot overflow: each is a sum of fewer than 2^32 values of at most 2^63 in size.
            revenue: Money { units: bought.saturating_add(returned), scale: self.scale },
            purchases: Money { units: bought, scale: self.scale },
            margin: None,
            first: days.first().copied().filter(|&d| d < day),
            last: n.checked_sub(1).and_then(|i| days.get(i)).copied(),
        })
    }

    /// True when the key has a readable transaction row (of any amount) before `day`: a customer as
    /// of that day.
    pub fn seen_before(&self, key: &str, day: i32) -> bool {
        self.slot(key).and_then(|(s, _)| self.first_seen.get(s)).is_some_and(|&first| first < day)
    }

    /// The categories by total spend, largest first (at most [`MAX_CATEGORY_SHARES`]), as numbers.
    fn top_categories(&self) -> Vec<u32> {
        let mut totals: BTreeMap<u32, Money> = BTreeMap::new();
        for s in 0..self.slots.len() {
            for (c, m) in self.spend(s) {
                let t = totals.entry(c).or_default();
                // Cannot overflow: at most 2^32 rows of at most 2^63 units each, all at one scale.
                *t = t.checked_add(m).unwrap_or(*t);
            }
        }
        let mut v: Vec<(u32, Money)> = totals.into_iter().collect();
        v.sort_by(|a, b| b.1.to_f64().total_cmp(&a.1.to_f64()).then_with(|| a.0.cmp(&b.0)));
        v.into_iter().take(MAX_CATEGORY_SHARES).map(|(c, _)| c).collect()
    }

    /// The aggregate columns for customers with the given keys, in that order; customers with no
    /// transactions get 0 orders, 0 revenue and missing dates.
    pub fn columns_for(&self, keys: &[Option<String>]) -> Vec<Column> {
        let found: Vec<Option<(usize, &Slot)>> = keys.iter().map(|k| k.as_deref().and_then(|k| self.slot(k))).collect();
        let get = |i: usize| found.get(i).copied().flatten().map(|(_, a)| a);
        let n = keys.len();
        let scale = self.slots.iter().map(|a| a.revenue.scale).max().unwrap_or(0);
        let mut cols = vec![
            ("orders", ColumnData::Integer((0..n).map(|i| Some(get(i).map_or(0, |a| a.orders as i64))).collect())),
            (
                "revenue",
                ColumnData::Decimal {
                    values: (0..n).map(|i| Some(get(i).map_or(0.0, |a| a.revenue.to_f64()))).collect(),
                    scale,
                },
            ),
            ("first_order_date", ColumnData::Date((0..n).map(|i| get(i).and_then(|a| a.first)).collect())),
            ("last_order_date", ColumnData::Date((0..n).map(|i| get(i).and_then(|a| a.last)).collect())),
            (
                "days_between_orders",
                ColumnData::Decimal {
                    values: (0..n)
                        .map(|i| {
                            let a = get(i)?;
                            let span = f64::from(a.last?) - f64::from(a.first?);
                            let gaps = a.orders.checked_sub(1).filter(|&g| g > 0)?;
                            Some(span / gaps as f64)
                        })
                        .collect(),
                    scale: 1,
                },
            ),
        ];
        if self.counts.uses_categories {
            let names = |s: usize| -> Option<String> {
                let list: Vec<&str> =
                    self.spend(s).filter_map(|(c, _)| self.categories.get(c as usize)).map(String::as_str).collect();
                (!list.is_empty()).then(|| list.join("; "))
            };
            cols.push((
                "categories_bought",
                ColumnData::Text((0..n).map(|i| found.get(i).copied().flatten().and_then(|(s, _)| names(s))).collect()),
            ));
        }
        cols.push((
            "returns",
            ColumnData::Integer((0..n).map(|i| Some(get(i).map_or(0, |a| a.returns as i64))).collect()),
        ));
        let mut out: Vec<Column> = cols.into_iter().map(|(n, d)| column(n.to_string(), d)).collect();
        if self.counts.uses_categories {
            for c in self.top_categories() {
                let values = (0..n)
                    .map(|i| {
                        let (s, a) = found.get(i).copied().flatten()?;
                        let total = a.gross.to_f64();
                        let mine = self.spend(s).find(|(k, _)| *k == c).map_or(0.0, |(_, m)| m.to_f64());
                        (total > 0.0).then(|| mine / total)
                    })
                    .collect();
                let name = self.categories.get(c as usize).cloned().unwrap_or_default();
                out.push(column(format!("spend_share_{name}"), ColumnData::Decimal { values, scale: 4 }));
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
        out.extend(left_out(self.unreadable_rows, &self.unreadable_examples));
        out
    }
}

/// The sentence on transactions left out for want of a readable key, date or amount, with the
/// first few lines and why; `None` when none was.
fn left_out(rows: u64, examples: &[Example]) -> Option<String> {
    (rows > 0).then(|| {
        let lines: Vec<String> = examples.iter().map(|e| format!("line {}: {}", e.line, e.found)).collect();
        format!(
            "{rows} transactions have no customer key, date or amount that can be used and were left out ({}).",
            lines.join("; ")
        )
    })
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
    let known: HashSet<&str> = keys.iter().flatten().map(String::as_str).collect();
    let mut unmatched: Vec<(&str, &Slot)> = aggregates
        .index
        .iter()
        .filter(|(k, _)| !known.contains(&***k))
        .filter_map(|(k, &s)| Some((&**k, aggregates.slots.get(s as usize)?)))
        .collect();
    unmatched.sort_by(|a, b| a.0.cmp(b.0));
    let with = keys.iter().filter(|k| k.as_deref().is_some_and(|k| aggregates.index.contains_key(k))).count() as u64;
    JoinReport {
        transaction_rows: aggregates.counts.rows,
        unreadable_rows: aggregates.counts.unreadable,
        unreadable_examples: aggregates.counts.unreadable_examples.clone(),
        customers_with_transactions: with,
        customers_without_transactions: (keys.len() as u64).saturating_sub(with),
        unmatched_keys: unmatched.len() as u64,
        unmatched_rows: unmatched.iter().map(|(_, a)| a.rows.saturating_add(a.returns)).sum(),
        unmatched_examples: unmatched.iter().take(MAX_EXAMPLES).map(|(k, _)| (*k).to_string()).collect(),
        columns: Vec::new(),
    }
}
