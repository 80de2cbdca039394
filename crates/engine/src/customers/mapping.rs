//! Which transaction columns hold the customer key, date, amount, order id, category, quantity and margin.

use serde::{Deserialize, Serialize};

use super::errors::CustomersError;
use crate::table::{ColumnType, Table};

/// How a transactions table maps onto customers, as the user chose (or accepted a guess).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionMapping {
    /// The transactions' customer key column.
    pub customer_id: String,
    /// The transaction date column.
    pub date: String,
    /// The amount column (negative amounts are returns and refunds).
    pub amount: String,
    /// The order id column: orders are distinct order ids (otherwise transaction rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The product category column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The quantity column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<String>,
    /// The margin (profit) column, for lifetime value in profit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<String>,
    /// The customers table's key column, when it is named differently from `customer_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_key: Option<String>,
}

/// The types a key column (customer id, order id, the customers' key) can have.
const KEY_TYPES: &[ColumnType] = &[ColumnType::Text, ColumnType::Categorical, ColumnType::Integer];
/// The types a date column can have.
const DATE_TYPES: &[ColumnType] = &[ColumnType::Date, ColumnType::Datetime];
/// The types an amount, quantity or margin column can have.
const NUMBER_TYPES: &[ColumnType] = &[ColumnType::Decimal, ColumnType::Integer];
/// The types a category column can have.
const CATEGORY_TYPES: &[ColumnType] = &[ColumnType::Categorical, ColumnType::Text];

/// The columns that can fill each field of a mapping (those of a type the field accepts, in file
/// order): the choices of the app's mapping form, so it offers only what [`TransactionMapping::check`]
/// accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingChoices {
    /// For the transactions' customer key and the order id.
    pub keys: Vec<String>,
    /// For the date.
    pub dates: Vec<String>,
    /// For the amount, quantity and margin.
    pub numbers: Vec<String>,
    /// For the category.
    pub categories: Vec<String>,
    /// For the customers table's key column.
    pub customer_keys: Vec<String>,
}

impl MappingChoices {
    /// The choices `transactions` (and `customers`, for their key) offer.
    pub fn new(transactions: &Table, customers: Option<&Table>) -> Self {
        let of = |table: &Table, types: &[ColumnType]| -> Vec<String> {
            table.columns.iter().filter(|c| types.contains(&c.column_type())).map(|c| c.name.clone()).collect()
        };
        MappingChoices {
            keys: of(transactions, KEY_TYPES),
            dates: of(transactions, DATE_TYPES),
            numbers: of(transactions, NUMBER_TYPES),
            categories: of(transactions, CATEGORY_TYPES),
            customer_keys: customers.map(|c| of(c, KEY_TYPES)).unwrap_or_default(),
        }
    }
}

/// A mapping checked against the tables: column indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidMapping {
    /// The mapping as given.
    pub mapping: TransactionMapping,
    /// Transactions: key, date, amount, order id, category, quantity column indexes.
    pub key: usize,
    /// Date column.
    pub date: usize,
    /// Amount column.
    pub amount: usize,
    /// Order id column.
    pub order_id: Option<usize>,
    /// Category column.
    pub category: Option<usize>,
    /// Quantity column.
    pub quantity: Option<usize>,
    /// Margin column.
    pub margin: Option<usize>,
    /// The customers table's key column index, when there is a customers table.
    pub customer_key: Option<usize>,
}

fn find(table: &Table, names: &[&str], types: &[ColumnType]) -> Option<String> {
    let fits = |t: ColumnType| types.is_empty() || types.contains(&t);
    names
        .iter()
        .find_map(|n| table.columns.iter().find(|c| fits(c.column_type()) && c.name.to_lowercase() == *n))
        .or_else(|| {
            names
                .iter()
                .find_map(|n| table.columns.iter().find(|c| fits(c.column_type()) && c.name.to_lowercase().contains(n)))
        })
        .map(|c| c.name.clone())
}

impl TransactionMapping {
    /// Guesses the mapping from column names and types; `None` when no date or amount is found.
    pub fn guess(transactions: &Table, customers: Option<&Table>) -> Option<Self> {
        // An e-mail address is the key of exports that have no customer id (Shopify's orders export).
        let key_names =
            ["customer_id", "customerid", "customer", "client_id", "member_id", "account_id", "user_id", "email"];
        let customer_id = find(transactions, &key_names, KEY_TYPES)
            .or_else(|| transactions.columns.first().map(|c| c.name.clone()))?;
        let date = find(
            transactions,
            &["order_date", "transaction_date", "purchase_date", "invoice_date", "date", "created_at", "created at"],
            DATE_TYPES,
        )?;
        let amount = find(transactions, &["amount", "revenue", "sales", "total", "value", "price"], NUMBER_TYPES)?;
        let order_id = find(transactions, &["order_id", "orderid", "invoice", "transaction_id", "order"], KEY_TYPES)
            .filter(|o| *o != customer_id);
        let category = find(transactions, &["category", "product_category", "department", "product"], CATEGORY_TYPES);
        let quantity = find(transactions, &["quantity", "qty", "units"], NUMBER_TYPES);
        let margin = find(transactions, &["margin", "profit", "gross_profit"], NUMBER_TYPES).filter(|m| *m != amount);
        let customer_key =
            customers.and_then(
                |c| {
                    if c.column(&customer_id).is_some() {
                        None
                    } else {
                        find(c, &key_names, KEY_TYPES)
                    }
                },
            );
        Some(TransactionMapping { customer_id, date, amount, order_id, category, quantity, margin, customer_key })
    }

    /// The customers table's key column name.
    pub fn customer_key(&self) -> &str {
        self.customer_key.as_deref().unwrap_or(&self.customer_id)
    }

    /// Checks the mapping against the tables (every problem at once); the customers' key column is
    /// found by [`key_column`], with its sentence.
    ///
    /// # Errors
    /// [`CustomersError::Mapping`] naming each column that is missing or of the wrong type;
    /// [`CustomersError::NoKeyColumn`] when the customers' key column is the only one missing.
    pub fn check(&self, transactions: &Table, customers: Option<&Table>) -> Result<ValidMapping, CustomersError> {
        let mut problems = Vec::new();
        let mut col = |table: &Table, which: &str, name: &str, holds: Holds, what: &str| -> Option<usize> {
            let Some(i) = table.columns.iter().position(|c| c.name == name) else {
                problems.push(format!("the {which} have no column `{name}`; the columns are {}.", table.column_list()));
                return None;
            };
            match column_problem(table, i, holds, what) {
                None => Some(i),
                Some(p) => {
                    problems.push(p);
                    None
                }
            }
        };
        let key = col(transactions, "transactions", &self.customer_id, Holds::Keys, "customer key");
        let date = col(transactions, "transactions", &self.date, Holds::Dates, "date");
        let amount = col(transactions, "transactions", &self.amount, Holds::Numbers, "amount");
        let order_id = self.order_id.as_ref().map(|n| col(transactions, "transactions", n, Holds::Keys, "order id"));
        let category =
            self.category.as_ref().map(|n| col(transactions, "transactions", n, Holds::Categories, "category"));
        let quantity = self.quantity.as_ref().map(|n| col(transactions, "transactions", n, Holds::Numbers, "quantity"));
        let margin = self.margin.as_ref().map(|n| col(transactions, "transactions", n, Holds::Numbers, "margin"));
        let mut no_key = None;
        let customer_key = customers.map(|c| match key_column(c, self) {
            Ok(_) => col(c, "customers", self.customer_key(), Holds::Keys, "customer key"),
            Err(e) => {
                no_key = Some(e);
                None
            }
        });
        // A missing customers' key alone keeps its own error, so the app can ask for the key.
        if let Some(e) = no_key {
            if problems.is_empty() {
                return Err(e);
            }
            problems.push(e.to_string());
        }
        match (key, date, amount) {
            (Some(key), Some(date), Some(amount)) if problems.is_empty() => Ok(ValidMapping {
                mapping: self.clone(),
                key,
                date,
                amount,
                order_id: order_id.flatten(),
                category: category.flatten(),
                quantity: quantity.flatten(),
                margin: margin.flatten(),
                customer_key: customer_key.flatten(),
            }),
            _ => Err(CustomersError::Mapping(problems)),
        }
    }
}

/// What a mapped column must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    /// A customer key or order id.
    Keys,
    /// The transaction date.
    Dates,
    /// The amount, quantity or margin.
    Numbers,
    /// The product category.
    Categories,
}

impl Holds {
    fn types(self) -> &'static [ColumnType] {
        match self {
            Holds::Keys => KEY_TYPES,
            Holds::Dates => DATE_TYPES,
            Holds::Numbers => NUMBER_TYPES,
            Holds::Categories => CATEGORY_TYPES,
        }
    }
}

/// The forms of dates and numbers Segscope reads, for messages that ask for them.
const DATE_FORMS: &str = "2024-01-15, 15/01/2024, 01/15/2024, 15-Jan-2024, Jan 15 2024, 20240115, each optionally with a time and a UTC offset (2024-01-15 10:23:45 -0500)";
const NUMBER_FORMS: &str = "1234.50, 1,234.50, 1.234,50, $12.00, 12,00 €, (12.00)";

/// Why column `i` of `table` cannot be the mapping's `what`, as a sentence that names the column,
/// shows two of its values and says what to do; `None` when it can. A column of the right type in
/// which no value could be read (a date column of text the command line's `--date` asked for) is
/// as unusable as a text column, and gets the same sentence.
fn column_problem(table: &Table, i: usize, holds: Holds, what: &str) -> Option<String> {
    let column = table.columns.get(i)?;
    let ty = column.column_type();
    let nothing_read = column.stats.count > 0 && column.stats.missing == column.stats.count;
    if holds.types().contains(&ty) && !nothing_read {
        return None;
    }
    let name = &column.name;
    let examples = table.text_examples(i, 2);
    if examples.is_empty() {
        return Some(format!("`{name}` is empty: no row has a value; choose the column that holds the {what}."));
    }
    let shown = examples.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
    if nothing_read && matches!(holds, Holds::Keys | Holds::Categories) {
        return Some(format!(
            "`{name}` has no value that can be used: its values look like {shown}, and every one is read as missing; choose the column that holds the {what}, or change which values are read as missing."
        ));
    }
    let kind = match ty {
        _ if nothing_read => "text",
        ColumnType::Text | ColumnType::Categorical => "text",
        other => other.label(),
    };
    Some(match holds {
        Holds::Dates => format!(
            "`{name}` is {kind}, not a date: its values look like {shown}. Choose the column that holds the {what}, or write its dates in a form Segscope reads: {DATE_FORMS}."
        ),
        Holds::Numbers => format!(
            "`{name}` is {kind}, not a number: its values look like {shown}. Choose the column that holds the {what}, or write its values as numbers in one convention and one currency: {NUMBER_FORMS}."
        ),
        Holds::Keys | Holds::Categories => format!(
            "`{name}` is {kind} (its values look like {shown}), but the {what} must be {}; change its type when reading the file, or choose another column.",
            holds.types().iter().map(|t| t.label()).collect::<Vec<_>>().join(" or ")
        ),
    })
}

/// The customers table's key column: the one named by the mapping's
/// [`customer_key`](TransactionMapping::customer_key). Every join of transactions onto customers
/// (rules, RFM, CLV; in the app and on the command line) finds the key with this; nothing falls
/// back to another column.
///
/// ```
/// use segscope_engine::customers::{key_column, TransactionMapping};
/// use segscope_engine::ingest::{read_table, ReadOptions};
/// use segscope_engine::progress::Quiet;
///
/// let t = read_table("t.csv", b"customer_id,order_date,amount\nA,2024-01-01,10\n", &ReadOptions::default(), &mut Quiet).unwrap().table;
/// let c = read_table("c.csv", b"name,id\nAda,A\n", &ReadOptions::default(), &mut Quiet).unwrap().table;
/// let mut m = TransactionMapping::guess(&t, None).unwrap();
/// let err = key_column(&c, &m).unwrap_err().to_string();
/// assert!(err.starts_with("the customers file c.csv has no column `customer_id`"), "{err}");
/// m.customer_key = Some("id".into());
/// assert_eq!(key_column(&c, &m).unwrap(), 1);
/// ```
///
/// # Errors
/// [`CustomersError::NoKeyColumn`] naming the column looked for and the columns there are.
pub fn key_column(customers: &Table, mapping: &TransactionMapping) -> Result<usize, CustomersError> {
    let column = mapping.customer_key();
    customers.columns.iter().position(|c| c.name == column).ok_or_else(|| CustomersError::NoKeyColumn {
        file: customers.name.clone(),
        column: column.to_string(),
        columns: customers.column_list(),
    })
}

/// Columns named one by one (the command line's `--customer-id`, `--date`… flags) over a mapping
/// that is stored or guessed: each named field replaces that field, the others stay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappingOverrides {
    /// The transactions' customer key column.
    pub customer_id: Option<String>,
    /// The transaction date column.
    pub date: Option<String>,
    /// The amount column.
    pub amount: Option<String>,
    /// The order id column.
    pub order_id: Option<String>,
    /// The product category column.
    pub category: Option<String>,
    /// The quantity column.
    pub quantity: Option<String>,
    /// The margin column.
    pub margin: Option<String>,
    /// The customers table's key column.
    pub customer_key: Option<String>,
}

impl From<TransactionMapping> for MappingOverrides {
    /// Every column of a whole mapping, named.
    fn from(m: TransactionMapping) -> Self {
        MappingOverrides {
            customer_id: Some(m.customer_id),
            date: Some(m.date),
            amount: Some(m.amount),
            order_id: m.order_id,
            category: m.category,
            quantity: m.quantity,
            margin: m.margin,
            customer_key: m.customer_key,
        }
    }
}

impl MappingOverrides {
    /// True when no column is named.
    pub fn is_empty(&self) -> bool {
        *self == MappingOverrides::default()
    }

    /// The mapping the named columns make on their own, when they name the three a mapping needs.
    fn complete(&self) -> Option<TransactionMapping> {
        let (Some(customer_id), Some(date), Some(amount)) = (&self.customer_id, &self.date, &self.amount) else {
            return None;
        };
        Some(self.over(TransactionMapping {
            customer_id: customer_id.clone(),
            date: date.clone(),
            amount: amount.clone(),
            order_id: None,
            category: None,
            quantity: None,
            margin: None,
            customer_key: None,
        }))
    }

    /// `base` with the named columns put in. A field of `base` that was not named and now names the
    /// same column as a named one is dropped (a guessed order id that is the chosen customer id).
    pub fn over(&self, base: TransactionMapping) -> TransactionMapping {
        let mut m = base;
        let named: Vec<&String> =
            [&self.customer_id, &self.date, &self.amount, &self.order_id, &self.category, &self.quantity, &self.margin]
                .into_iter()
                .flatten()
                .collect();
        for (slot, value) in [
            (&mut m.order_id, &self.order_id),
            (&mut m.category, &self.category),
            (&mut m.quantity, &self.quantity),
            (&mut m.margin, &self.margin),
        ] {
            match value {
                Some(v) => *slot = Some(v.clone()),
                None if slot.as_ref().is_some_and(|s| named.contains(&s)) => *slot = None,
                None => {}
            }
        }
        for (slot, value) in
            [(&mut m.customer_id, &self.customer_id), (&mut m.date, &self.date), (&mut m.amount, &self.amount)]
        {
            if let Some(v) = value {
                slot.clone_from(v);
            }
        }
        if let Some(k) = &self.customer_key {
            m.customer_key = Some(k.clone());
        }
        m
    }

    /// What the named columns change in `base`, one line a field (`date: `day` → `order_date``),
    /// for saying which parts of a stored mapping the command line replaced.
    pub fn changes(&self, base: &TransactionMapping) -> Vec<String> {
        let after = self.over(base.clone());
        let show = |v: Option<&str>| v.map_or("none".to_string(), |s| format!("`{s}`"));
        [
            ("customer id", Some(base.customer_id.as_str()), Some(after.customer_id.as_str())),
            ("date", Some(base.date.as_str()), Some(after.date.as_str())),
            ("amount", Some(base.amount.as_str()), Some(after.amount.as_str())),
            ("order id", base.order_id.as_deref(), after.order_id.as_deref()),
            ("category", base.category.as_deref(), after.category.as_deref()),
            ("quantity", base.quantity.as_deref(), after.quantity.as_deref()),
            ("margin", base.margin.as_deref(), after.margin.as_deref()),
            ("customer key", base.customer_key.as_deref(), after.customer_key.as_deref()),
        ]
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| format!("{field}: {} → {}", show(before), show(after)))
        .collect()
    }
}

/// The mapping to use for `transactions`: `chosen` when given, else guessed from column names and
/// types ([`TransactionMapping::guess`]), with the `overrides` put over it (so naming only the date
/// column keeps the rest of the guess); checked against the tables ([`TransactionMapping::check`]).
/// The app's attach and the command line's streaming runs both start here.
///
/// ```
/// use segscope_engine::customers::{choose_mapping, MappingOverrides};
/// use segscope_engine::ingest::{read_table, ReadOptions};
/// use segscope_engine::progress::Quiet;
///
/// let csv = b"customer_id,order_date,shipped,amount\nA,2024-01-01,2024-01-03,10\n";
/// let t = read_table("t.csv", csv, &ReadOptions::default(), &mut Quiet).unwrap().table;
/// let only_date = MappingOverrides { date: Some("shipped".into()), ..MappingOverrides::default() };
/// let m = choose_mapping(&t, None, None, &only_date).unwrap().mapping;
/// assert_eq!((m.customer_id.as_str(), m.date.as_str(), m.amount.as_str()), ("customer_id", "shipped", "amount"));
/// ```
///
/// # Errors
/// [`CustomersError::NoGuess`] when nothing is chosen, no date and amount columns are found and the
/// overrides do not name all three of customer id, date and amount, and [`CustomersError::Mapping`]
/// as [`TransactionMapping::check`].
pub fn choose_mapping(
    transactions: &Table,
    customers: Option<&Table>,
    chosen: Option<TransactionMapping>,
    overrides: &MappingOverrides,
) -> Result<ValidMapping, CustomersError> {
    let mapping = match chosen.or_else(|| TransactionMapping::guess(transactions, customers)) {
        Some(base) => overrides.over(base),
        None => overrides.complete().ok_or_else(|| CustomersError::NoGuess { file: transactions.name.clone() })?,
    };
    mapping.check(transactions, customers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guessed() -> TransactionMapping {
        TransactionMapping {
            customer_id: "customer_id".into(),
            date: "order_date".into(),
            amount: "amount".into(),
            order_id: Some("invoice".into()),
            category: Some("category".into()),
            quantity: None,
            margin: None,
            customer_key: None,
        }
    }

    #[test]
    fn named_columns_replace_only_their_fields() {
        let named = MappingOverrides { date: Some("shipped".into()), ..MappingOverrides::default() };
        let m = named.over(guessed());
        assert_eq!(m, TransactionMapping { date: "shipped".into(), ..guessed() });
        assert_eq!(named.changes(&guessed()), ["date: `order_date` → `shipped`"]);
    }

    #[test]
    fn a_guessed_field_that_names_a_chosen_column_is_dropped() {
        let named = MappingOverrides { customer_id: Some("invoice".into()), ..MappingOverrides::default() };
        let m = named.over(guessed());
        assert_eq!((m.customer_id.as_str(), m.order_id), ("invoice", None));
    }

    #[test]
    fn the_three_required_columns_named_make_a_mapping_without_a_guess() {
        let named = MappingOverrides {
            customer_id: Some("c".into()),
            date: Some("d".into()),
            amount: Some("a".into()),
            ..MappingOverrides::default()
        };
        assert_eq!(named.complete().map(|m| m.amount), Some("a".to_string()));
        assert_eq!(MappingOverrides { date: Some("d".into()), ..MappingOverrides::default() }.complete(), None);
        assert!(MappingOverrides::default().is_empty());
    }
}
