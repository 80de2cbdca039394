//! Reading one text value as a number, boolean, date or date-time.
//!
//! Hand-written scanners rather than regular expressions: these run once per cell of every
//! file, and they also report the shape a column must agree on (decimal style, date order).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::options::DateOrder;

/// How a decimal number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecimalStyle {
    /// `1234.5`, `-0.25`, `1e3`.
    Dot,
    /// `1234,5` or `1.234,5`: decimal comma, optional dot thousands separators.
    Comma,
    /// `1,234.5`: dot decimals with comma thousands separators.
    DotGrouped,
}

/// Parses an integer; with `allow_leading_zeros` false, `007` is rejected (it is an identifier).
pub fn parse_int(s: &str, allow_leading_zeros: bool) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !allow_leading_zeros && digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    s.parse().ok()
}

/// Parses a decimal number written in `style`; returns the value and its number of decimals.
pub fn parse_decimal(s: &str, style: DecimalStyle) -> Option<(f64, u8)> {
    let (sign, body) = match s.as_bytes().first()? {
        b'-' => ("-", s.get(1..)?),
        b'+' => ("", s.get(1..)?),
        _ => ("", s),
    };
    let (int_sep, dec_sep) = match style {
        DecimalStyle::Dot => (None, '.'),
        DecimalStyle::Comma => (Some('.'), ','),
        DecimalStyle::DotGrouped => (Some(','), '.'),
    };
    let (mantissa, exponent) = match style {
        DecimalStyle::Dot => match body.find(['e', 'E']) {
            Some(i) => (body.get(..i)?, Some(body.get(i + 1..)?)),
            None => (body, None),
        },
        _ => (body, None),
    };
    let (int_part, frac_part) = match mantissa.split_once(dec_sep) {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let int_digits = match int_sep {
        Some(sep) if int_part.contains(sep) => grouped_digits(int_part, sep)?,
        _ => int_part.to_string(),
    };
    if !int_digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = frac_part.unwrap_or("");
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (int_digits.is_empty() && frac.is_empty()) {
        return None;
    }
    let mut text = format!("{sign}{}.{frac}", if int_digits.is_empty() { "0" } else { &int_digits });
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.push('e');
        text.push_str(exp);
    }
    let value: f64 = text.parse().ok()?;
    value.is_finite().then_some((value, frac.len().min(u8::MAX as usize) as u8))
}

/// `1.234.567` → `1234567` when every group after the first has exactly three digits.
fn grouped_digits(int_part: &str, sep: char) -> Option<String> {
    let mut groups = int_part.split(sep);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut out = first.to_string();
    for g in groups {
        if g.len() != 3 {
            return None;
        }
        out.push_str(g);
    }
    Some(out)
}

/// Parses a boolean word: true/false, yes/no, y/n, t/f (any case). `1`/`0` stay numbers.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "t" => Some(true),
        "false" | "no" | "n" | "f" => Some(false),
        _ => None,
    }
}

/// The shape of a date-like value before its day/month order is decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateShape {
    /// How the date part is written.
    pub layout: DateLayout,
    /// First number (year for year-first layouts).
    pub a: u32,
    /// Second number.
    pub b: u32,
    /// Third number.
    pub c: u32,
    /// Seconds since midnight, plus a UTC offset in seconds, when a time is present.
    pub time: Option<(u32, i32)>,
}

/// How the date part of a value is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateLayout {
    /// `2024-12-31` or `2024/12/31`.
    YearFirst,
    /// `20241231`.
    Compact,
    /// `31/12/2024`, `12-31-2024`, `31.12.2024`: day and month order to be decided.
    YearLast,
}

/// Recognises a date or date-time value without deciding day/month order.
pub fn date_shape(s: &str) -> Option<DateShape> {
    let (date_part, time_part) = split_date_time(s);
    let time = match time_part {
        Some(t) => Some(parse_time(t)?),
        None => None,
    };
    let bytes = date_part.as_bytes();
    if bytes.len() == 8 && bytes.iter().all(u8::is_ascii_digit) {
        let n: u32 = date_part.parse().ok()?;
        let (y, m, d) = (n / 10_000, n / 100 % 100, n % 100);
        // Compact dates are only believed within a plausible range of years.
        if !(1900..=2100).contains(&y) || NaiveDate::from_ymd_opt(y as i32, m, d).is_none() {
            return None;
        }
        return Some(DateShape { layout: DateLayout::Compact, a: y, b: m, c: d, time });
    }
    let sep = *bytes.iter().find(|b| matches!(b, b'-' | b'/' | b'.'))?;
    let mut parts = date_part.split(sep as char);
    let (p1, p2, p3) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let num = |p: &str, max_len: usize| -> Option<u32> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
    };
    if p1.len() == 4 {
        let (y, m, d) = (num(p1, 4)?, num(p2, 2)?, num(p3, 2)?);
        NaiveDate::from_ymd_opt(y as i32, m, d)?;
        Some(DateShape { layout: DateLayout::YearFirst, a: y, b: m, c: d, time })
    } else if p3.len() == 4 {
        let (a, b, y) = (num(p1, 2)?, num(p2, 2)?, num(p3, 4)?);
        if a == 0 || b == 0 || a > 31 || b > 31 || (a > 12 && b > 12) {
            return None;
        }
        Some(DateShape { layout: DateLayout::YearLast, a, b, c: y, time })
    } else {
        None
    }
}

fn split_date_time(s: &str) -> (&str, Option<&str>) {
    if let Some(i) = s.find('T') {
        if i >= 8 {
            return (s.get(..i).unwrap_or(s), s.get(i + 1..));
        }
    }
    match s.split_once(' ') {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    }
}

/// `HH:MM[:SS[.fff]]`, optional ` AM`/` PM`, optional `Z` or `±HH:MM` → (seconds, offset seconds).
fn parse_time(t: &str) -> Option<(u32, i32)> {
    let (t, pm) = match t.get(t.len().saturating_sub(2)..).map(str::to_ascii_uppercase).as_deref() {
        Some("AM") => (t.get(..t.len() - 2)?.trim_end(), Some(false)),
        Some("PM") => (t.get(..t.len() - 2)?.trim_end(), Some(true)),
        _ => (t, None),
    };
    let (clock, offset) = if let Some(c) = t.strip_suffix('Z') {
        (c, 0)
    } else if let Some(i) = t.rfind(['+', '-']).filter(|&i| i >= 4) {
        let off = t.get(i + 1..)?.replace(':', "");
        if off.len() != 4 || !off.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mins: i32 = off.get(..2)?.parse::<i32>().ok()? * 60 + off.get(2..)?.parse::<i32>().ok()?;
        let sign = if t.as_bytes().get(i) == Some(&b'-') { -1 } else { 1 };
        (t.get(..i)?, sign * mins * 60)
    } else {
        (t, 0)
    };
    let mut parts = clock.split(':');
    let h: u32 = two_digits(parts.next()?)?;
    let m: u32 = two_digits(parts.next()?)?;
    let sec: u32 = match parts.next() {
        Some(s) => {
            let whole = s.split('.').next()?;
            let frac_ok = s.split('.').nth(1).is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
            if !frac_ok {
                return None;
            }
            two_digits(whole)?
        }
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    let h = match pm {
        Some(true) if (1..=12).contains(&h) => h % 12 + 12,
        Some(false) if (1..=12).contains(&h) => h % 12,
        Some(_) => return None,
        None => h,
    };
    NaiveTime::from_hms_opt(h, m, sec)?;
    Some((h * 3600 + m * 60 + sec, offset))
}

fn two_digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// Days since 1970-01-01 for a calendar date, if it exists.
pub fn days_from_ymd(y: u32, m: u32, d: u32) -> Option<i32> {
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    Some(date.signed_duration_since(epoch()).num_days() as i32)
}

/// 1970-01-01, day 0 of stored dates.
pub fn epoch() -> NaiveDate {
    NaiveDate::default()
}

/// The calendar date of a stored day number.
pub fn date_from_days(days: i32) -> NaiveDate {
    epoch() + chrono::Duration::days(days as i64)
}

/// The date-time of stored seconds since 1970-01-01T00:00:00.
pub fn datetime_from_seconds(seconds: i64) -> NaiveDateTime {
    epoch().and_time(NaiveTime::MIN) + chrono::Duration::seconds(seconds)
}

impl DateShape {
    /// Days since 1970-01-01 with the given day/month order (ignored for year-first layouts).
    pub fn days(&self, order: DateOrder) -> Option<i32> {
        match self.layout {
            DateLayout::YearFirst | DateLayout::Compact => days_from_ymd(self.a, self.b, self.c),
            DateLayout::YearLast => match order {
                DateOrder::Dmy => days_from_ymd(self.c, self.b, self.a),
                DateOrder::Mdy => days_from_ymd(self.c, self.a, self.b),
                DateOrder::Ymd => None,
            },
        }
    }

    /// Seconds since 1970-01-01T00:00:00 in UTC when an offset was written, else as written.
    pub fn seconds(&self, order: DateOrder) -> Option<i64> {
        let days = self.days(order)? as i64;
        let (secs, offset) = self.time.unwrap_or((0, 0));
        Some(days * 86_400 + secs as i64 - offset as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_zero_integers_are_identifiers_unless_allowed() {
        assert_eq!(parse_int("00017", false), None);
        assert_eq!(parse_int("00017", true), Some(17));
        assert_eq!(parse_int("0", false), Some(0));
        assert_eq!(parse_int("-42", false), Some(-42));
        assert_eq!(parse_int("4.2", false), None);
        assert_eq!(parse_int("99999999999999999999", false), None);
    }

    #[test]
    fn decimals_in_each_style() {
        assert_eq!(parse_decimal("12.50", DecimalStyle::Dot), Some((12.5, 2)));
        assert_eq!(parse_decimal("-.5", DecimalStyle::Dot), Some((-0.5, 1)));
        assert_eq!(parse_decimal("1e3", DecimalStyle::Dot), Some((1000.0, 0)));
        assert_eq!(parse_decimal("12,50", DecimalStyle::Comma), Some((12.5, 2)));
        assert_eq!(parse_decimal("1.234,5", DecimalStyle::Comma), Some((1234.5, 1)));
        assert_eq!(parse_decimal("1,234.5", DecimalStyle::DotGrouped), Some((1234.5, 1)));
        assert_eq!(parse_decimal("1,23.5", DecimalStyle::DotGrouped), None);
        assert_eq!(parse_decimal("12,5", DecimalStyle::Dot), None);
        assert_eq!(parse_decimal("abc", DecimalStyle::Dot), None);
        assert_eq!(parse_decimal(".", DecimalStyle::Dot), None);
        assert_eq!(parse_decimal("inf", DecimalStyle::Dot), None);
    }

    #[test]
    fn boolean_words_but_not_digits() {
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("FALSE"), Some(false));
        assert_eq!(parse_bool("1"), None);
    }

    #[test]
    fn iso_compact_and_year_last_dates() {
        let iso = date_shape("2024-02-29").unwrap();
        assert_eq!(iso.days(DateOrder::Dmy), Some(19782));
        assert_eq!(date_shape("2023-02-29"), None);
        let compact = date_shape("20240229").unwrap();
        assert_eq!(compact.layout, DateLayout::Compact);
        assert_eq!(date_shape("12345678"), None);
        let dmy = date_shape("31/12/2024").unwrap();
        assert_eq!(dmy.days(DateOrder::Dmy), days_from_ymd(2024, 12, 31));
        assert_eq!(dmy.days(DateOrder::Mdy), None);
        assert_eq!(date_shape("31.12.2024").unwrap().layout, DateLayout::YearLast);
        assert_eq!(date_shape("2024-1-5").unwrap().days(DateOrder::Dmy), days_from_ymd(2024, 1, 5));
    }

    #[test]
    fn date_times_with_offsets_and_am_pm() {
        let s = date_shape("2024-01-05T10:30:00Z").unwrap();
        assert_eq!(s.time, Some((37_800, 0)));
        let s = date_shape("2024-01-05 10:30:15+01:00").unwrap();
        assert_eq!(s.seconds(DateOrder::Dmy), Some(19727 * 86_400 + 37_815 - 3600));
        let s = date_shape("1/5/2024 3:15 PM").unwrap();
        assert_eq!(s.time, Some((15 * 3600 + 15 * 60, 0)));
        assert_eq!(date_shape("2024-01-05 25:00"), None);
        assert_eq!(date_shape("2024-01-05 10:30:00.123").unwrap().time, Some((37_800, 0)));
    }
}
