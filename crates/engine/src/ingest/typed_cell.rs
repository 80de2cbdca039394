//! One cell read as its column's decided type, for files read a record at a time: a leading sample
//! of the file decides each column's type and conventions ([`super::infer`]), and every later cell
//! is read with them, the way [`super::infer::build_column`] reads a pinned column.

use super::infer::has_leading_zero;
use super::missing::MissingTokens;
use super::options::DateOrder;
use super::values::{date_shape, parse_bool, parse_int, parse_number, same_currency, DecimalStyle, CURRENCIES};
use crate::table::{Column, ColumnData, ColumnType};

/// One cell's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellValue<'a> {
    /// Empty, a missing-value token, or no field in a short row.
    Missing,
    /// Text was there but does not read as the column's type: the text, trimmed (still a key).
    Unreadable(&'a str),
    /// A whole number.
    Integer(i64),
    /// A decimal number and how many digits follow its decimal separator.
    Decimal {
        /// The value.
        value: f64,
        /// Digits after the decimal separator.
        decimals: u8,
    },
    /// `true` / `false`.
    Boolean(bool),
    /// Days since 1970-01-01.
    Date(i32),
    /// Seconds since 1970-01-01T00:00:00, as written.
    Datetime(i64),
    /// Text or a category, trimmed.
    Text(&'a str),
}

impl CellValue<'_> {
    /// The value as a number (dates as days, date-times as seconds), as [`ColumnData::number`] reads it.
    pub fn number(&self) -> Option<f64> {
        match *self {
            CellValue::Integer(x) => Some(x as f64),
            CellValue::Decimal { value, .. } => Some(value),
            CellValue::Date(d) => Some(f64::from(d)),
            CellValue::Datetime(s) => Some(s as f64),
            _ => None,
        }
    }

    /// The calendar day (days since 1970-01-01) of a date or date-time.
    pub fn day(&self) -> Option<i32> {
        match *self {
            CellValue::Date(d) => Some(d),
            CellValue::Datetime(s) => i32::try_from(s.div_euclid(86_400)).ok(),
            _ => None,
        }
    }

    /// Digits after the decimal separator (0 for anything but a decimal).
    pub fn decimals(&self) -> u8 {
        match *self {
            CellValue::Decimal { decimals, .. } => decimals,
            _ => 0,
        }
    }

    /// True for a missing cell (not for one that does not read).
    pub fn is_missing(&self) -> bool {
        matches!(self, CellValue::Missing)
    }

    /// The value as key text, as [`crate::customers::key_text`] gives it for a table's column:
    /// integers as digits, text and categories as written, booleans as `true`/`false`, and text
    /// that did not read as its column's type as written; other types are not keys. Integers are
    /// written into `buf`.
    pub fn key_text<'b>(&'b self, buf: &'b mut String) -> Option<&'b str> {
        match *self {
            CellValue::Integer(x) => {
                use std::fmt::Write;
                buf.clear();
                let _ = write!(buf, "{x}");
                Some(buf.as_str())
            }
            // A key after the sample that is not the sample's type (`A17`, `007` among numbers) is its text.
            CellValue::Text(s) | CellValue::Unreadable(s) => Some(s),
            CellValue::Boolean(b) => Some(if b { "true" } else { "false" }),
            _ => None,
        }
    }
}

/// How one column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
enum Kind {
    Integer,
    Decimal { style: DecimalStyle, currency: Option<Currency> },
    Boolean,
    Date(DateOrder),
    Datetime(DateOrder),
    Text,
}

/// A column's currency: one of [`CURRENCIES`] (sent between workers by its name).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Currency(&'static str);

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        CURRENCIES
            .iter()
            .copied()
            .find(|c| *c == name)
            .map(Currency)
            .ok_or_else(|| serde::de::Error::custom("an unknown currency"))
    }
}

/// Reads cells of one column with the type and conventions a leading sample decided.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CellReader {
    kind: Kind,
    missing: MissingTokens,
    /// The column holds identifiers (customer keys, order ids): a cell that does not read as the
    /// column's type is its text, and a whole-number column is never widened to decimals for it.
    #[serde(default)]
    key: bool,
}

impl CellReader {
    /// A reader for more cells of `column` (read from a leading sample), with the file's missing
    /// tokens for it and the user's day/month order, if chosen.
    pub fn for_column(column: &Column, missing_tokens: &[String], date_order: Option<DateOrder>) -> Self {
        let f = &column.format;
        let order = f.date_order.or(date_order).unwrap_or(DateOrder::Dmy);
        let kind = match column.column_type() {
            ColumnType::Integer => Kind::Integer,
            ColumnType::Decimal => Kind::Decimal {
                style: f.decimal_style.unwrap_or(DecimalStyle::Dot),
                currency: f
                    .currency
                    .as_deref()
                    .and_then(|c| CURRENCIES.iter().copied().find(|k| *k == c))
                    .map(Currency),
            },
            ColumnType::Boolean => Kind::Boolean,
            ColumnType::Date => Kind::Date(order),
            ColumnType::Datetime => Kind::Datetime(order),
            ColumnType::Categorical | ColumnType::Text => Kind::Text,
        };
        CellReader { kind, missing: MissingTokens::new(missing_tokens), key: false }
    }

    /// The same reader for a column of identifiers: `(12.50)` or `12.5` among whole-number keys is
    /// a key written so (as in the whole column, which is text or not a key column at all), not a number.
    pub fn for_keys(self) -> Self {
        CellReader { key: true, ..self }
    }

    /// True when this reader reads identifiers ([`CellReader::for_keys`]): its cells that do not
    /// read as the column's type are keys, not missing values.
    pub fn reads_keys(&self) -> bool {
        self.key
    }

    /// Reads one cell's text (`None`: the row has no field here).
    pub fn read<'a>(&self, cell: Option<&'a str>) -> CellValue<'a> {
        let Some(v) = self.missing.present(cell) else { return CellValue::Missing };
        let value = match self.kind {
            // Widened as the whole column would be: a later decimal in a column of integers is a
            // decimal, and `007` (an identifier, which makes a column text) is its text.
            Kind::Integer => parse_int(v, false)
                .map(CellValue::Integer)
                .or_else(|| (!self.key && !has_leading_zero(v)).then(|| decimal(v, DecimalStyle::Dot, None)).flatten()),
            Kind::Decimal { style, currency } => decimal(v, style, currency.map(|c| c.0)),
            Kind::Boolean => parse_bool(v).map(CellValue::Boolean),
            Kind::Date(order) => date_shape(v).and_then(|s| s.days(order)).map(CellValue::Date),
            Kind::Datetime(order) => date_shape(v).and_then(|s| s.seconds(order)).map(CellValue::Datetime),
            Kind::Text => Some(CellValue::Text(v)),
        };
        value.unwrap_or(CellValue::Unreadable(v))
    }
}

/// `v` as a number in `style` (or, written with a point, with thousands separators too), in
/// `currency` when the column has one.
fn decimal(v: &str, style: DecimalStyle, currency: Option<&'static str>) -> Option<CellValue<'static>> {
    let grouped = || (style == DecimalStyle::Dot).then(|| parse_number(v, DecimalStyle::DotGrouped)).flatten();
    parse_number(v, style)
        .or_else(grouped)
        // A value in another currency than the column's is not one of its amounts.
        .filter(|n| match (n.currency, currency) {
            (Some(c), Some(column)) => same_currency(c, column),
            _ => true,
        })
        .map(|n| CellValue::Decimal { value: n.value, decimals: n.decimals })
}

/// Row `row` of a typed column as a cell value (for the rows of a sample that is already typed).
pub fn cell_of(data: &ColumnData, row: usize) -> CellValue<'_> {
    let got = match data {
        ColumnData::Integer(v) => v.get(row).copied().flatten().map(CellValue::Integer),
        ColumnData::Decimal { values, scale } => {
            values.get(row).copied().flatten().map(|value| CellValue::Decimal { value, decimals: *scale })
        }
        ColumnData::Boolean(v) => v.get(row).copied().flatten().map(CellValue::Boolean),
        ColumnData::Date(v) => v.get(row).copied().flatten().map(CellValue::Date),
        ColumnData::Datetime(v) => v.get(row).copied().flatten().map(CellValue::Datetime),
        ColumnData::Categorical { .. } | ColumnData::Text(_) => data.label(row).map(CellValue::Text),
    };
    got.unwrap_or(CellValue::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{read_table, ReadOptions, DEFAULT_MISSING_TOKENS};
    use crate::progress::Quiet;

    fn readers(csv: &str) -> Vec<CellReader> {
        let read = read_table("t.csv", csv.as_bytes(), &ReadOptions::default(), &mut Quiet).unwrap();
        let missing: Vec<String> = DEFAULT_MISSING_TOKENS.iter().map(|s| s.to_string()).collect();
        read.table.columns.iter().map(|c| CellReader::for_column(c, &missing, None)).collect()
    }

    #[test]
    fn later_cells_read_with_the_conventions_the_sample_decided() {
        let r = readers("id,amount,day,at\n00017,\"1.234,50 €\",31/12/2024,2024-01-15 10:23:45 -0500\n");
        assert_eq!(r[0].read(Some(" 00018 ")), CellValue::Text("00018"));
        assert_eq!(r[1].read(Some("2.000,25 €")), CellValue::Decimal { value: 2000.25, decimals: 2 });
        // Another currency than the column's is not one of its amounts.
        assert_eq!(r[1].read(Some("$3,00")), CellValue::Unreadable("$3,00"));
        assert_eq!(r[2].read(Some("01/02/2025")).day(), crate::ingest::values::days_from_ymd(2025, 2, 1));
        assert_eq!(
            r[3].read(Some("2024-01-16 23:00:00 +0100")).day(),
            crate::ingest::values::days_from_ymd(2024, 1, 16)
        );
        assert_eq!(r[1].read(Some("NA")), CellValue::Missing);
        assert_eq!(r[1].read(None), CellValue::Missing);
    }

    #[test]
    fn integer_keys_are_their_digits_like_a_tables_keys() {
        let r = readers("id\n17\n18\n");
        let mut buf = String::new();
        let v = r[0].read(Some("+19"));
        assert_eq!(v.key_text(&mut buf), Some("19"));
    }
}
