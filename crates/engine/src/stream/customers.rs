//! The one customer table (DECISIONS 1) from files: a customers file read whole, with the
//! per-customer aggregates of a transactions file (added up a part at a time) joined on by key,
//! as the app attaches transactions to an open dataset. What a clustering is fitted on, and what
//! `segscope profile` segments and profiles ([`super::segments`]).

use super::{Joined, StreamError, TransactionsInput};
use crate::customers::{join, JoinReport, TransactionMapping};
use crate::ingest::{read_table, Ingested, ReadOptions};
use crate::progress::Monitor;
use crate::table::{Column, ColumnData};

/// A customers file and the aggregates of its transactions, joined by key.
#[derive(Debug, Clone)]
pub struct CustomerTable {
    /// The customers file as read.
    pub customers: Ingested,
    /// The aggregate columns, one value per customer row (none without transactions).
    pub aggregates: Vec<Column>,
    /// The transactions joined, when there are some.
    pub transactions: Option<JoinedTransactions>,
    /// The transactions' totals by key and the customers' key column (RFM reads them).
    pub(super) joined: Option<Joined>,
}

/// What joining a transactions file onto the customers used and found.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinedTransactions {
    /// The mapping used (the columns named, over the guess).
    pub mapping: TransactionMapping,
    /// The day of the latest transaction (days since 1970-01-01).
    pub latest: Option<i32>,
    /// Customers with and without transactions, keys with no customer, unreadable rows.
    pub report: JoinReport,
}

impl CustomerTable {
    /// Every column by name: the customers' columns, then the aggregates (a name in both is the
    /// customers' column, as in the app).
    pub fn columns(&self) -> Vec<(&str, &ColumnData)> {
        self.customers.table.named_columns(&self.aggregates)
    }

    /// True when a column of `names` is an aggregate of the transactions (not a customers column).
    pub fn reads_aggregates(&self, names: &[String]) -> bool {
        names.iter().any(|n| self.customers.table.column(n).is_none() && self.aggregates.iter().any(|c| &c.name == n))
    }

    /// The default as-of day (DECISIONS 3): the day after the latest transaction, else the day
    /// after the latest date in the customers' columns named in `names`.
    pub fn default_as_of(&self, names: &[String]) -> Option<i32> {
        crate::dates::default_as_of(self.transactions.as_ref().and_then(|t| t.latest), || {
            crate::rules::latest_date_among(names, &self.customers.table)
        })
    }
}

/// Reads a customers file (`name`, `bytes`) whole and, with `transactions`, adds up the
/// transactions a part at a time and joins their aggregates onto the customers by key (the
/// mapping: the columns `transactions` names over `stored`, else over the guess).
///
/// # Errors
/// [`StreamError`] for an unreadable file, a mapping that does not fit, or a customers file
/// without the key column.
pub fn customer_table(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    transactions: Option<&mut TransactionsInput<'_>>,
    stored: Option<&TransactionMapping>,
    monitor: &mut dyn Monitor,
) -> Result<CustomerTable, StreamError> {
    let customers = read_table(name, bytes, options, monitor)?;
    let Some(tx) = transactions else {
        return Ok(CustomerTable { customers, aggregates: Vec::new(), transactions: None, joined: None });
    };
    let joined = Joined::new(tx, &customers.table, stored, monitor)?;
    let (aggregates, report) = join(&joined.aggregates, &joined.keys(&customers.table));
    let transactions =
        JoinedTransactions { latest: joined.aggregates.latest(), mapping: joined.mapping.clone(), report };
    Ok(CustomerTable { customers, aggregates, transactions: Some(transactions), joined: Some(joined) })
}
