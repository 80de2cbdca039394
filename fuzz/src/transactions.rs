//! Transactions files from arbitrary bytes: a customer key, an order id, a date and an amount per
//! line, in the shapes real exports have (and the broken ones), under header names the mapping
//! guess recognises.

use arbitrary::Arbitrary;

use crate::cells::{delimited, Cell};

/// One transaction line.
#[derive(Debug, Clone, Arbitrary)]
pub struct Transaction {
    /// The customer: one of a few keys, or any cell (blank keys, numbers, text).
    pub customer: Key,
    /// An order id (repeated ids are lines of one order).
    pub order: Option<u8>,
    /// The date: days after 2020-01-01 in one layout, or any cell.
    pub date: When,
    /// The amount.
    pub amount: Amount,
}

/// A customer key.
#[derive(Debug, Clone, Arbitrary)]
pub enum Key {
    Few(u8),
    Any(Cell),
}

/// A transaction date.
#[derive(Debug, Clone, Arbitrary)]
pub enum When {
    /// Days after 2020-01-01 (ISO), a small spread of days so customers repeat and scores tie.
    Day(u16),
    /// Any cell (other layouts, date-times, far years, broken dates, text).
    Any(Cell),
}

/// A transaction amount.
#[derive(Debug, Clone, Arbitrary)]
pub enum Amount {
    /// Cents, written with two decimals (negative: a return).
    Cents(i32),
    /// Huge amounts, past exact money sometimes.
    Huge(i64),
    /// Any cell.
    Any(Cell),
}

/// A transactions file.
#[derive(Debug, Clone, Arbitrary)]
pub struct Transactions {
    pub lines: Vec<Transaction>,
    /// 0: the usual names; 1: other names the guess knows; 2: no order column.
    pub names: u8,
}

impl Transactions {
    /// The file's bytes (at most 40 lines).
    pub fn csv(&self) -> Vec<u8> {
        let with_order = self.names % 3 != 2;
        let header: Vec<String> = match self.names % 3 {
            0 => vec!["customer_id", "order_id", "order_date", "amount"],
            1 => vec!["Customer", "Invoice", "InvoiceDate", "Revenue"],
            _ => vec!["customer_id", "date", "amount"],
        }
        .into_iter()
        .map(String::from)
        .collect();
        let rows: Vec<Vec<String>> = self
            .lines
            .iter()
            .take(40)
            .map(|t| {
                let mut row = vec![match &t.customer {
                    Key::Few(k) => format!("C{}", k % 12),
                    Key::Any(c) => c.render(),
                }];
                if with_order {
                    row.push(t.order.map_or_else(String::new, |o| format!("O{o}")));
                }
                row.push(match &t.date {
                    When::Day(d) => day(u32::from(d % 1500)),
                    When::Any(c) => c.render(),
                });
                row.push(match &t.amount {
                    Amount::Cents(c) => {
                        let sign = if *c < 0 { "-" } else { "" };
                        format!("{sign}{}.{:02}", c.unsigned_abs() / 100, c.unsigned_abs() % 100)
                    }
                    Amount::Huge(v) => v.to_string(),
                    Amount::Any(c) => c.render(),
                });
                row
            })
            .collect();
        delimited(Some(&header), &rows, b',', "\n")
    }
}

/// `days` after 2020-01-01 as `YYYY-MM-DD`.
pub fn day(days: u32) -> String {
    // Civil-from-days (Howard Hinnant), for days since 1970-01-01.
    let z = i64::from(days) + 18_262 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
