//! The one customer table: per-customer aggregates of a transactions file (orders, revenue, first
//! and last order date, days between orders, categories bought and share of spend per category,
//! returns), joined onto the customers by key, text-exact. Rules, RFM, CLV, clustering and
//! profiles all read these; none recomputes its own.
//!
//! Purchases are rows with a positive amount: orders (distinct order ids among purchases, or
//! purchase rows when no order id is mapped) and first/last order dates count only purchases.
//! Negative amounts are returns: counted, and netted into revenue. Shares of spend are of purchases.

mod aggregate;
mod errors;
mod mapping;
mod money;
mod read;
pub mod sql;

pub use aggregate::{
    customer_keys, join, key_text, report, Aggregates, AggregatesBuilder, Amount, BuiltPart, CustomerSummary,
    JoinReport, PurchaseDays, TransactionRow, COLUMNS, MAX_CATEGORY_SHARES,
};
pub use errors::CustomersError;
pub use mapping::{choose_mapping, key_column, MappingChoices, MappingOverrides, TransactionMapping, ValidMapping};
pub use money::Money;
pub use read::{
    read_transactions, read_transactions_on, InOrder, PartBytesError, PartReader, PartTotals, ReadTransactions,
    ReadTransactionsError, Workers,
};
pub use sql::{aggregate_type, is_aggregate};
