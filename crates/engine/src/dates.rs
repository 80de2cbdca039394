//! Dates a user types (the as-of date, the CLV calibration end) and the default as-of date.
//!
//! One parser and one message for a date that cannot be read, and one rule for the default as-of
//! date (DECISIONS 3): the day after the latest transaction date; with no transactions, the day
//! after the latest date in the columns the definition uses. Rules, RFM and CLV use these in the
//! app (through [`crate::api`]) and on the command line (through [`crate::stream`] and the CLI),
//! so the same mistake gets the same sentence everywhere.

use thiserror::Error;

/// Which date a user typed: named in the message when it cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateField {
    /// The as-of date that rules ("in the last N days", age, tenure) and RFM count from.
    AsOf,
    /// The last day of CLV's calibration period.
    CalibrationEnd,
}

impl DateField {
    /// The field as a sentence names it.
    pub fn label(self) -> &'static str {
        match self {
            DateField::AsOf => "the as-of date",
            DateField::CalibrationEnd => "the calibration end",
        }
    }
}

/// A typed date that is not a calendar date in `YYYY-MM-DD` form.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{} `{text}` is not a date; write it as YYYY-MM-DD, for example 2024-12-31.", .field.label())]
pub struct DateError {
    /// Which date it was.
    pub field: DateField,
    /// What was typed.
    pub text: String,
}

/// Reads a typed `YYYY-MM-DD` date (surrounding spaces ignored) as days since 1970-01-01.
///
/// ```
/// use segscope_engine::dates::{parse_date, DateField};
///
/// assert_eq!(parse_date(DateField::AsOf, "1970-01-02"), Ok(1));
/// let err = parse_date(DateField::AsOf, "2024-02-30").unwrap_err();
/// assert_eq!(err.to_string(), "the as-of date `2024-02-30` is not a date; write it as YYYY-MM-DD, for example 2024-12-31.");
/// ```
///
/// # Errors
/// [`DateError`] naming the field and the text when it is not a calendar date in that form.
pub fn parse_date(field: DateField, text: &str) -> Result<i32, DateError> {
    crate::rules::parse_iso_date(text.trim()).ok_or_else(|| DateError { field, text: text.to_string() })
}

/// Reads an optional typed date: `None`, or only spaces, is "not given".
///
/// # Errors
/// [`DateError`] as [`parse_date`].
pub fn parse_optional(field: DateField, text: Option<&str>) -> Result<Option<i32>, DateError> {
    match text.filter(|t| !t.trim().is_empty()) {
        Some(t) => parse_date(field, t).map(Some),
        None => Ok(None),
    }
}

/// The default as-of day (DECISIONS 3): the day after `latest_transaction`; when there are no
/// (dated) transactions, the day after `latest_date_used()`, the latest date in the columns the
/// definition uses (computed only when needed). `None` when neither has a date.
///
/// ```
/// use segscope_engine::dates::default_as_of;
///
/// assert_eq!(default_as_of(Some(100), || Some(500)), Some(101));
/// assert_eq!(default_as_of(None, || Some(500)), Some(501));
/// assert_eq!(default_as_of(None, || None), None);
/// ```
pub fn default_as_of(latest_transaction: Option<i32>, latest_date_used: impl FnOnce() -> Option<i32>) -> Option<i32> {
    // No saturation: stored days are dates chrono holds (within about 96 million days of 1970).
    latest_transaction.or_else(latest_date_used).map(|d| d.saturating_add(1))
}

/// The as-of day to use and whether it is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    /// Days since 1970-01-01.
    pub day: i32,
    /// True when nothing was typed and [`default_as_of`] decided it.
    pub is_default: bool,
}

/// The as-of day: the typed one when given (see [`parse_optional`]), else [`default_as_of`].
/// `Ok(None)` when nothing was typed and there is no date to default from.
///
/// # Errors
/// [`DateError`] when the typed date cannot be read.
pub fn resolve_as_of(
    typed: Option<&str>,
    latest_transaction: Option<i32>,
    latest_date_used: impl FnOnce() -> Option<i32>,
) -> Result<Option<AsOf>, DateError> {
    Ok(match parse_optional(DateField::AsOf, typed)? {
        Some(day) => Some(AsOf { day, is_default: false }),
        None => default_as_of(latest_transaction, latest_date_used).map(|day| AsOf { day, is_default: true }),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_date_names_the_field_and_the_form() {
        let e = parse_date(DateField::CalibrationEnd, "31/12/2024").unwrap_err();
        assert_eq!(
            e.to_string(),
            "the calibration end `31/12/2024` is not a date; write it as YYYY-MM-DD, for example 2024-12-31."
        );
        assert!(parse_date(DateField::AsOf, "2024-13-01").is_err());
        assert!(parse_date(DateField::AsOf, "2024-01-01 10:00:00").is_err());
    }

    #[test]
    fn spaces_around_a_date_are_ignored_and_blank_is_not_given() {
        assert_eq!(parse_date(DateField::AsOf, " 1970-01-03 "), Ok(2));
        assert_eq!(parse_optional(DateField::AsOf, Some("  ")), Ok(None));
        assert_eq!(parse_optional(DateField::AsOf, None), Ok(None));
    }

    #[test]
    fn the_typed_date_wins_over_the_default() {
        assert_eq!(resolve_as_of(Some("1970-01-11"), Some(3), || None), Ok(Some(AsOf { day: 10, is_default: false })));
        assert_eq!(resolve_as_of(Some(""), Some(3), || None), Ok(Some(AsOf { day: 4, is_default: true })));
        assert_eq!(resolve_as_of(None, None, || None), Ok(None));
    }

    #[test]
    fn the_columns_are_read_only_without_a_transaction_date() {
        let mut asked = false;
        assert_eq!(
            default_as_of(Some(1), || {
                asked = true;
                None
            }),
            Some(2)
        );
        assert!(!asked);
    }
}
