//! One typed column: its values, how they were read, and their statistics.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ingest::values::{date_from_days, datetime_from_seconds, DateLayout, DecimalStyle};
use crate::ingest::DateOrder;
use crate::stats::ColumnStats;

/// The type of a column, inferred from its values or chosen by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Whole numbers.
    Integer,
    /// Numbers with decimals.
    Decimal,
    /// True/false, yes/no.
    Boolean,
    /// Calendar dates.
    Date,
    /// Dates with a time of day.
    Datetime,
    /// Text with few distinct values (a dictionary of categories).
    Categorical,
    /// Free text and identifiers, kept exactly as written.
    Text,
}

impl ColumnType {
    /// Every type, in the order the app lists them.
    pub const ALL: [ColumnType; 7] = [
        ColumnType::Integer,
        ColumnType::Decimal,
        ColumnType::Boolean,
        ColumnType::Date,
        ColumnType::Datetime,
        ColumnType::Categorical,
        ColumnType::Text,
    ];

    /// The lowercase name used in files, the CLI and the app.
    pub fn label(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Decimal => "decimal",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Datetime => "datetime",
            ColumnType::Categorical => "categorical",
            ColumnType::Text => "text",
        }
    }

    /// Parses a type name as written by [`ColumnType::label`].
    pub fn from_label(label: &str) -> Option<Self> {
        ColumnType::ALL.into_iter().find(|t| t.label() == label.trim().to_ascii_lowercase())
    }

    /// True for types whose values are ordered numbers (integers, decimals, dates, date-times).
    pub fn is_ordered(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Decimal | ColumnType::Date | ColumnType::Datetime)
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a column's text was turned into values, so the app can show it and the user can change it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValueFormat {
    /// For decimals: how they are written.
    pub decimal_style: Option<DecimalStyle>,
    /// For dates: how they are laid out.
    pub date_layout: Option<DateLayout>,
    /// For day/month dates: the order used.
    pub date_order: Option<DateOrder>,
    /// True when the day/month order could not be decided from the data.
    pub date_order_ambiguous: bool,
    /// For numbers: the currency symbol or code written with them, as written (`$`, `€`, `USD`),
    /// when the column has one (a column in two currencies is read as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// For numbers: true when negatives are written in accounting parentheses, `(12.00)`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub parenthesized_negatives: bool,
    /// For dates and date-times: true when times carry UTC offsets (`-0500`, `+01:00`, `Z`). They
    /// are ignored: times and calendar dates are kept as written (see [`crate::ingest::values`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub utc_offsets_ignored: bool,
    /// For dates and date-times: true when years are written with two digits (`31/12/24`), read
    /// as POSIX `%y` reads them: 69–99 as 1969–1999, 00–68 as 2000–2068.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub two_digit_years: bool,
}

impl ValueFormat {
    /// What is notable about how the values were read, one short phrase each, in the order the
    /// import view shows them: `day-first dates`, `decimal comma`, `currency €`, ….
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(layout @ (DateLayout::DayMonthName | DateLayout::MonthNameFirst)) = self.date_layout {
            notes.push(layout.label().to_string());
        }
        if let Some(order) = self.date_order {
            let name = match order {
                DateOrder::Dmy => "day-first dates",
                DateOrder::Mdy => "month-first dates",
                DateOrder::Ymd => "year-first dates",
            };
            notes.push(format!("{name}{}", if self.date_order_ambiguous { " (ambiguous: check)" } else { "" }));
        }
        if self.two_digit_years {
            notes.push("two-digit years: 69–99 are 1969–1999, 00–68 are 2000–2068".to_string());
        }
        if self.utc_offsets_ignored {
            notes.push("UTC offsets ignored: dates and times as written".to_string());
        }
        if let Some(style @ (DecimalStyle::Comma | DecimalStyle::DotGrouped)) = self.decimal_style {
            notes.push(style.label().to_string());
        }
        if let Some(c) = &self.currency {
            notes.push(format!("currency {c}"));
        }
        if self.parenthesized_negatives {
            notes.push("negatives in parentheses".to_string());
        }
        notes
    }
}

/// A column's values, stored by type. `None` is a missing value.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Whole numbers.
    Integer(Vec<Option<i64>>),
    /// Decimal numbers, with the most decimals seen (`scale`) so sums can be exact.
    Decimal {
        /// The values.
        values: Vec<Option<f64>>,
        /// The largest number of decimals in the column.
        scale: u8,
    },
    /// Booleans.
    Boolean(Vec<Option<bool>>),
    /// Days since 1970-01-01.
    Date(Vec<Option<i32>>),
    /// Seconds since 1970-01-01T00:00:00 of the date and time as written (a UTC offset in the file
    /// is ignored, so the day is the calendar date written).
    Datetime(Vec<Option<i64>>),
    /// Categories: a sorted dictionary and one code per row.
    Categorical {
        /// Distinct values, sorted.
        dictionary: Vec<String>,
        /// Index into `dictionary` per row.
        codes: Vec<Option<u32>>,
    },
    /// Text kept as written (trimmed of surrounding spaces for comparisons).
    Text(Vec<Option<String>>),
}

impl ColumnData {
    /// The column type this storage holds.
    pub fn column_type(&self) -> ColumnType {
        match self {
            ColumnData::Integer(_) => ColumnType::Integer,
            ColumnData::Decimal { .. } => ColumnType::Decimal,
            ColumnData::Boolean(_) => ColumnType::Boolean,
            ColumnData::Date(_) => ColumnType::Date,
            ColumnData::Datetime(_) => ColumnType::Datetime,
            ColumnData::Categorical { .. } => ColumnType::Categorical,
            ColumnData::Text(_) => ColumnType::Text,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Integer(v) => v.len(),
            ColumnData::Decimal { values, .. } => values.len(),
            ColumnData::Boolean(v) => v.len(),
            ColumnData::Date(v) => v.len(),
            ColumnData::Datetime(v) => v.len(),
            ColumnData::Categorical { codes, .. } => codes.len(),
            ColumnData::Text(v) => v.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `row` as a number on the column's scale (days for dates, seconds for
    /// date-times), for ordered types; `None` when missing or not ordered.
    pub fn number(&self, row: usize) -> Option<f64> {
        match self {
            ColumnData::Integer(v) => v.get(row).copied().flatten().map(|x| x as f64),
            ColumnData::Decimal { values, .. } => values.get(row).copied().flatten(),
            ColumnData::Date(v) => v.get(row).copied().flatten().map(f64::from),
            ColumnData::Datetime(v) => v.get(row).copied().flatten().map(|x| x as f64),
            _ => None,
        }
    }

    /// The value of `row` as text (the category, the text, `true`/`false`) for unordered types.
    pub fn label(&self, row: usize) -> Option<&str> {
        match self {
            ColumnData::Boolean(v) => v.get(row).copied().flatten().map(|b| if b { "true" } else { "false" }),
            ColumnData::Categorical { dictionary, codes } => {
                codes.get(row).copied().flatten().and_then(|c| dictionary.get(c as usize)).map(String::as_str)
            }
            ColumnData::Text(v) => v.get(row).and_then(|s| s.as_deref()),
            _ => None,
        }
    }

    /// The column of only `rows`, in that order (a row out of range is missing); categories keep
    /// their dictionary.
    pub fn take(&self, rows: &[usize]) -> ColumnData {
        fn pick<T: Clone>(v: &[Option<T>], rows: &[usize]) -> Vec<Option<T>> {
            rows.iter().map(|&r| v.get(r).cloned().flatten()).collect()
        }
        match self {
            ColumnData::Integer(v) => ColumnData::Integer(pick(v, rows)),
            ColumnData::Decimal { values, scale } => ColumnData::Decimal { values: pick(values, rows), scale: *scale },
            ColumnData::Boolean(v) => ColumnData::Boolean(pick(v, rows)),
            ColumnData::Date(v) => ColumnData::Date(pick(v, rows)),
            ColumnData::Datetime(v) => ColumnData::Datetime(pick(v, rows)),
            ColumnData::Categorical { dictionary, codes } => {
                ColumnData::Categorical { dictionary: dictionary.clone(), codes: pick(codes, rows) }
            }
            ColumnData::Text(v) => ColumnData::Text(pick(v, rows)),
        }
    }

    /// True when `row`'s value is missing.
    pub fn is_missing(&self, row: usize) -> bool {
        match self {
            ColumnData::Integer(v) => v.get(row).is_none_or(Option::is_none),
            ColumnData::Decimal { values, .. } => values.get(row).is_none_or(Option::is_none),
            ColumnData::Boolean(v) => v.get(row).is_none_or(Option::is_none),
            ColumnData::Date(v) => v.get(row).is_none_or(Option::is_none),
            ColumnData::Datetime(v) => v.get(row).is_none_or(Option::is_none),
            ColumnData::Categorical { codes, .. } => codes.get(row).is_none_or(Option::is_none),
            ColumnData::Text(v) => v.get(row).is_none_or(Option::is_none),
        }
    }
}

/// A named, typed column of a [`super::Table`].
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The column's name (from the header, made unique).
    pub name: String,
    /// The values.
    pub data: ColumnData,
    /// How the text was read.
    pub format: ValueFormat,
    /// True when the user chose the type rather than inference.
    pub type_chosen: bool,
    /// Statistics of the values.
    pub stats: ColumnStats,
}

impl Column {
    /// The column's type.
    pub fn column_type(&self) -> ColumnType {
        self.data.column_type()
    }

    /// Shows a number on this column's scale the way a user reads it: a date for date columns,
    /// a date-time for date-time columns, otherwise the number with sensible precision.
    pub fn format_number(&self, x: f64) -> String {
        match &self.data {
            ColumnData::Date(_) => date_from_days(x.floor() as i32).to_string(),
            ColumnData::Datetime(_) => datetime_from_seconds(x.floor() as i64).format("%Y-%m-%d %H:%M:%S").to_string(),
            ColumnData::Integer(_) if x.fract() == 0.0 => format!("{x:.0}"),
            ColumnData::Decimal { scale, .. } if x.fract() == 0.0 || (x * 10f64.powi(*scale as i32)).fract() == 0.0 => {
                format!("{x:.*}", *scale as usize)
            }
            _ => format_significant(x),
        }
    }
}

/// Formats a number with up to 4 significant decimals, without trailing zeros.
pub fn format_significant(x: f64) -> String {
    let digits = if x.abs() >= 1000.0 {
        1
    } else if x.abs() >= 1.0 {
        2
    } else {
        4
    };
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
