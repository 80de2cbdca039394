//! The transaction mapping flags shared by every subcommand that reads transactions.

use clap::Args;
use segscope_engine::customers::TransactionMapping;
use segscope_engine::ingest::ReadOptions;
use segscope_engine::table::ColumnType;

use crate::error::CliError;

/// A transactions file and which of its columns hold what (guessed from names when not given).
#[derive(Debug, Clone, Default, Args)]
pub struct TransactionArgs {
    /// A transactions file (one row per order or order line) whose per-customer aggregates
    /// (orders, revenue, first_order_date, last_order_date, days_between_orders, categories_bought,
    /// spend_share_<category>, returns) rules may use. Read with detected settings.
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

    fn any_flag(&self) -> bool {
        self.customer_id.is_some()
            || self.date.is_some()
            || self.amount.is_some()
            || self.order_id.is_some()
            || self.category.is_some()
            || self.quantity.is_some()
            || self.margin_column.is_some()
            || self.customer_key.is_some()
    }

    /// The mapping to use: the flags given, over the mapping stored in the definition; `None` to
    /// use the stored one (or guess). The second value says which stored fields the flags replaced.
    pub fn mapping(
        &self,
        stored: Option<&TransactionMapping>,
    ) -> Result<(Option<TransactionMapping>, Vec<String>), CliError> {
        if !self.any_flag() {
            return Ok((None, Vec::new()));
        }
        let mut m = match stored {
            Some(m) => m.clone(),
            None => match (&self.customer_id, &self.date, &self.amount) {
                (Some(c), Some(d), Some(a)) => TransactionMapping { customer_id: c.clone(), date: d.clone(), amount: a.clone(), order_id: None, category: None, quantity: None, margin: None, customer_key: None },
                _ => return Err(CliError::usage("give all of --customer-id, --date and --amount, or none of the mapping flags to have them guessed.".into())),
            },
        };
        let mut replaced = Vec::new();
        let mut set = |field: &str, slot: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                if slot != v {
                    replaced.push(format!("{field}: `{slot}` → `{v}`"));
                }
                *slot = v.clone();
            }
        };
        set("customer id", &mut m.customer_id, &self.customer_id);
        set("date", &mut m.date, &self.date);
        set("amount", &mut m.amount, &self.amount);
        for (field, slot, value) in [
            ("order id", &mut m.order_id, &self.order_id),
            ("category", &mut m.category, &self.category),
            ("quantity", &mut m.quantity, &self.quantity),
            ("margin", &mut m.margin, &self.margin_column),
            ("customer key", &mut m.customer_key, &self.customer_key),
        ] {
            if let Some(v) = value {
                if slot.as_ref() != Some(v) {
                    replaced.push(format!(
                        "{field}: {} → `{v}`",
                        slot.as_deref().map_or("none".to_string(), |s| format!("`{s}`"))
                    ));
                }
                *slot = Some(v.clone());
            }
        }
        Ok((Some(m), if stored.is_some() { replaced } else { Vec::new() }))
    }
}
