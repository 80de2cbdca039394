//! The transaction mapping flags shared by every subcommand that reads transactions.

use clap::Args;
use segscope_engine::customers::{MappingOverrides, TransactionMapping};
use segscope_engine::ingest::ReadOptions;
use segscope_engine::stream::TransactionsInput;
use segscope_engine::table::ColumnType;

use crate::error::CliError;
use crate::workers::Threads;

/// A transactions file and which of its columns hold what (guessed from names when not given).
#[derive(Debug, Clone, Default, Args)]
pub struct TransactionArgs {
    /// A transactions file (one row per order or order line) whose per-customer aggregates
    /// (orders, revenue, first_order_date, last_order_date, days_between_orders, categories_bought,
    /// spend_share_<category>, returns) rules and clustering features may use. Read with detected
    /// settings.
    #[arg(long, value_name = "FILE")]
    pub transactions: Option<std::path::PathBuf>,
    /// The transactions' customer key column.
    #[arg(long, value_name = "COL")]
    pub customer_id: Option<String>,
    /// The transaction date column.
    #[arg(long, value_name = "COL")]
    pub date: Option<String>,
    /// The amount column (negative amounts are returns).
    #[arg(long, value_name = "COL")]
    pub amount: Option<String>,
    /// The order id column (orders are distinct order ids).
    #[arg(long, value_name = "COL")]
    pub order_id: Option<String>,
    /// The product category column.
    #[arg(long, value_name = "COL")]
    pub category: Option<String>,
    /// The quantity column.
    #[arg(long, value_name = "COL")]
    pub quantity: Option<String>,
    /// The margin (profit) column, for lifetime value in profit.
    #[arg(long, value_name = "COL")]
    pub margin_column: Option<String>,
    /// The customers file's key column, when it is named differently from the transactions'
    /// customer id column [default: guessed from names].
    #[arg(long, value_name = "COL")]
    pub customer_key: Option<String>,
}

impl TransactionArgs {
    /// Read options for the transactions file: `base`, with the `--date` column read as a date
    /// whatever its format (ISO, YYYYMMDD, day-first, month-first).
    pub fn read_options(&self, base: &ReadOptions) -> ReadOptions {
        let mut options = base.clone();
        if let Some(date) = &self.date {
            options.types.entry(date.clone()).or_insert(ColumnType::Date);
        }
        options
    }

    /// How [`TransactionArgs::open`] reads the file: detected settings, the `--date` column as a date.
    pub fn file_options(&self) -> ReadOptions {
        self.read_options(&ReadOptions::default())
    }

    /// The columns the flags name, and which fields of the `stored` mapping (a definition's) they
    /// replace, one line each. Columns not named come from the stored mapping, else from the guess.
    pub fn mapping(&self, stored: Option<&TransactionMapping>) -> (MappingOverrides, Vec<String>) {
        let named = MappingOverrides {
            customer_id: self.customer_id.clone(),
            date: self.date.clone(),
            amount: self.amount.clone(),
            order_id: self.order_id.clone(),
            category: self.category.clone(),
            quantity: self.quantity.clone(),
            margin: self.margin_column.clone(),
            customer_key: self.customer_key.clone(),
        };
        let replaced = stored.map(|m| named.changes(m)).unwrap_or_default();
        (named, replaced)
    }
}

/// The `--transactions` file, open, with how to read it and who adds up its parts.
pub struct TransactionsFile {
    name: String,
    file: std::fs::File,
    options: ReadOptions,
    mapping: MappingOverrides,
    workers: Threads,
}

impl TransactionArgs {
    /// Opens `--transactions` (`None` without it), to be read with detected settings (the `--date`
    /// column as a date) and the columns the flags name in `mapping`.
    pub fn open(&self, mapping: MappingOverrides) -> Result<Option<TransactionsFile>, CliError> {
        let Some(path) = &self.transactions else { return Ok(None) };
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| CliError::File { path: name.clone(), source })?;
        let options = self.file_options();
        Ok(Some(TransactionsFile { name, file, options, mapping, workers: Threads::default() }))
    }
}

impl TransactionsFile {
    /// The file as the engine reads it.
    pub fn input(&mut self) -> TransactionsInput<'_> {
        TransactionsInput {
            name: &self.name,
            input: &mut self.file,
            options: &self.options,
            mapping: self.mapping.clone(),
            workers: &mut self.workers,
        }
    }
}
