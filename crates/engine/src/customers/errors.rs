//! Why transactions cannot be turned into customer aggregates.

use thiserror::Error;

/// A transaction mapping or aggregation problem; `Display` says what to change.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CustomersError {
    /// The mapping names columns that are missing or of the wrong type (every problem listed).
    #[error("the transaction columns do not fit: {}", .0.join(" "))]
    Mapping(Vec<String>),
    /// The customers table has no column named as the mapping's customer key.
    #[error("the customers file {file} has no column `{column}` to join the transactions on; its columns are {columns}. Choose which of them is the customers' key (the mapping's customer key), or name that column `{column}` in the file.")]
    NoKeyColumn {
        /// The customers file.
        file: String,
        /// The key column looked for.
        column: String,
        /// The columns there are, as a list.
        columns: String,
    },
    /// No date and amount columns could be guessed in the transactions.
    #[error("{file} has no date and amount columns, so it cannot be read as transactions; check the column types (the date must be read as a date, the amount as a number), or choose the columns of the transaction mapping.")]
    NoGuess {
        /// The transactions file.
        file: String,
    },
    /// Transactions that are the whole customer base have no row that can be aggregated.
    #[error("no row of {file} has a customer key (`{customer_id}`), a date (`{date}`) and an amount (`{amount}`) that can all be read: {lacking}. Check that the mapping names the right columns and how they are read.")]
    NoReadableRows {
        /// The transactions file.
        file: String,
        /// The customer key column.
        customer_id: String,
        /// The date column.
        date: String,
        /// The amount column.
        amount: String,
        /// How many rows lack each, as a list (`12 of 12 rows have no readable date in `Created at``).
        lacking: String,
    },
    /// A customer's amounts (or margins) add up to more than can be added exactly.
    #[error("the `{column}` values of customer `{customer}` add up to more than Segscope can add exactly (9.2 × 10^18 units of the last decimal on one day, 1.7 × 10^38 in all); check `{column}` for values that are not amounts, such as order or card numbers, and read it again.")]
    TooLarge {
        /// The amount or margin column.
        column: String,
        /// The customer's key.
        customer: String,
    },
    /// More readable transaction rows than can be grouped at once.
    #[error("{rows} transactions are more than Segscope can add up at once (at most 4,294,967,295 readable rows); split the file by customer and read the parts one at a time.")]
    TooManyRows {
        /// Readable rows.
        rows: u64,
    },
    /// No transactions file was given where one is needed.
    #[error("this needs a transactions file (customer key, date, amount); add one.")]
    NoTransactions,
    /// The user cancelled.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
}

impl From<crate::progress::Cancelled> for CustomersError {
    fn from(_: crate::progress::Cancelled) -> Self {
        CustomersError::Cancelled
    }
}
