//! Reading one text value as a number, boolean, date or date-time.
//!
//! Hand-written scanners rather than regular expressions: these run once per cell of every file,
//! so none allocates, and they also report the shape a column must agree on (decimal style,
//! currency, date layout and day/month order), which [`super::infer`] decides from the whole column.
//!
//! What is read:
//! - **Numbers** ([`parse_number`]): `1234.5`, `-0.25`, `1e3`; with the column's grouping convention
//!   ([`DecimalStyle`]: `1,234.50` or `1.234,50`); with a currency symbol or code before or after
//!   ([`CURRENCIES`]: `$1,234.50`, `1.234,50 €`, `USD 12.00`, `12.00 USD`, with or without a space);
//!   negatives as `-12.00`, `-$12.00`, `$-12.00`, or in accounting parentheses `(12.00)`, `($12.00)`.
//! - **Dates** ([`date_shape`]): `2024-12-31`, `2024/12/31`, `20241231`, `31/12/2024` or `12/31/2024`
//!   (the order decided per column), `31.12.2024`, and English month names, three letters or in full,
//!   any case: `15-Jan-2024`, `15 Jan 2024`, `15-January-2024`, `Jan 15 2024`, `Jan 15, 2024`,
//!   `January 15, 2024`.
//! - **Date-times**: any of those dates with `HH:MM[:SS[.fff]]` after a space (or `T`), an optional
//!   `AM`/`PM` and an optional UTC offset: `Z`, `UTC`, `+01:00`, `-0500`, `+01`, with or without a
//!   space before it (`2024-01-15 10:23:45 -0500`, `2024-01-15T10:23:45-05:00`). **The offset is read
//!   and then ignored**: the time and the calendar date stay as written, so `2024-01-15 22:10:00 -0500`
//!   is 22:10 on 15 January (not 03:10 on the 16th in UTC), and day-level work (order dates, recency,
//!   RFM, lifetime value) counts the day the file shows. The column's [`crate::table::ValueFormat`]
//!   records that offsets were present, and the import view says so.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::options::DateOrder;

/// How a decimal number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecimalStyle {
    /// `1234.5`, `-0.25`, `1e3`.
    Dot,
    /// `1234,5`, `1.234,5` or `1 234,5`: decimal comma, optional dot or space thousands separators.
    Comma,
    /// `1,234.5` or `1 234.5`: dot decimals with comma (or space) thousands separators.
    DotGrouped,
}

impl DecimalStyle {
    /// The style as the import view and warnings name it.
    pub fn label(self) -> &'static str {
        match self {
            DecimalStyle::Dot => "decimal point",
            DecimalStyle::Comma => "decimal comma",
            DecimalStyle::DotGrouped => "thousands separators",
        }
    }
}

/// The currency symbols and codes read around a number, as written (codes in capitals).
pub const CURRENCIES: &[&str] = &["$", "€", "£", "¥", "₹", "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD"];

/// Symbols that stand for one currency code: a column writing both (`$12.00` and `USD 5.00`) is in
/// one currency. (`$` alone may be another dollar; written beside `USD`, it is taken for the US one.)
const SAME_CURRENCY: &[(&str, &str)] = &[("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY")];

/// True when two currencies as written are one: equal, or a symbol and its code ([`SAME_CURRENCY`]).
pub fn same_currency(a: &str, b: &str) -> bool {
    a == b || SAME_CURRENCY.iter().any(|&(symbol, code)| (a, b) == (symbol, code) || (a, b) == (code, symbol))
}

/// A number as written in one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    /// The value (negative for `-12`, `(12)`, `-$12`, `$-12`).
    pub value: f64,
    /// How many digits follow the decimal separator.
    pub decimals: u8,
    /// The currency symbol or code written with it (one of [`CURRENCIES`]).
    pub currency: Option<&'static str>,
    /// True for an accounting negative: `(12.00)`.
    pub parenthesized: bool,
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

/// The parts of a written number around its digits: sign, currency, parentheses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberParts<'a> {
    /// True when a minus sign or accounting parentheses make it negative.
    pub negative: bool,
    /// The currency symbol or code, before or after the digits.
    pub currency: Option<&'static str>,
    /// True for `(12.00)`.
    pub parenthesized: bool,
    /// The digits with their separators (and exponent): `1,234.50`.
    pub body: &'a str,
}

/// Spaces allowed between a currency and its number: a space, a no-break space, a narrow no-break space.
fn strip_space_start(s: &str) -> &str {
    s.trim_start_matches([' ', '\u{a0}', '\u{202f}'])
}

fn strip_space_end(s: &str) -> &str {
    s.trim_end_matches([' ', '\u{a0}', '\u{202f}'])
}

fn leading_currency(s: &str) -> Option<(&'static str, &str)> {
    // Most cells start with a digit: no table lookup for them.
    if s.as_bytes().first().is_none_or(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.')) {
        return None;
    }
    CURRENCIES.iter().find_map(|&c| s.strip_prefix(c).map(|rest| (c, strip_space_start(rest))))
}

fn trailing_currency(s: &str) -> Option<(&'static str, &str)> {
    if s.as_bytes().last().is_none_or(u8::is_ascii_digit) {
        return None;
    }
    CURRENCIES.iter().find_map(|&c| s.strip_suffix(c).map(|rest| (c, strip_space_end(rest))))
}

/// Splits a number as written into sign, currency, parentheses and the digits, without checking
/// the digits (see [`parse_number`]). `None` when the signs or currencies do not fit together
/// (`(-12)`, `$12 €`, `--12`).
pub fn number_parts(s: &str) -> Option<NumberParts<'_>> {
    let (parenthesized, s) = match s.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => (true, inner.trim()),
        None => (false, s),
    };
    let sign = |s: &str| -> (Option<bool>, usize) {
        match s.as_bytes().first() {
            Some(b'-') => (Some(true), 1),
            Some(b'+') => (Some(false), 1),
            _ => (None, 0),
        }
    };
    let (mut signed, skip) = sign(s);
    let mut rest = s.get(skip..)?;
    let mut currency = None;
    if let Some((c, after)) = leading_currency(rest) {
        currency = Some(c);
        rest = after;
        if signed.is_none() {
            let (s2, skip2) = sign(rest);
            signed = s2;
            rest = rest.get(skip2..)?;
        }
    } else if let Some((c, before)) = trailing_currency(rest) {
        currency = Some(c);
        rest = before;
    }
    if parenthesized && signed.is_some() {
        return None;
    }
    Some(NumberParts { negative: parenthesized || signed == Some(true), currency, parenthesized, body: rest })
}

/// Exact powers of ten: an integer below 2^53 divided by one is the correctly rounded decimal.
const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// Parses a number written in `style`, with an optional currency and accounting negative (see the
/// module docs); `None` when it is not one. Allocates nothing.
pub fn parse_number(s: &str, style: DecimalStyle) -> Option<Number> {
    let parts = number_parts(s)?;
    // An exponent only on a plain number: `$1e3` and `(1e3)` are not amounts anyone writes.
    let plain = parts.currency.is_none() && !parts.parenthesized;
    let (value, decimals) = parse_body(parts.body, style, parts.negative, plain)?;
    Some(Number { value, decimals, currency: parts.currency, parenthesized: parts.parenthesized })
}

/// The digits of a number: integer part (grouped as `style` allows), fraction, exponent.
fn parse_body(body: &str, style: DecimalStyle, negative: bool, allow_exponent: bool) -> Option<(f64, u8)> {
    let (group, point) = match style {
        DecimalStyle::Dot => (None, b'.'),
        DecimalStyle::Comma => (Some(b'.'), b','),
        DecimalStyle::DotGrouped => (Some(b','), b'.'),
    };
    let bytes = body.as_bytes();
    let (mantissa, exponent) = match style {
        DecimalStyle::Dot if allow_exponent => match bytes.iter().position(|b| matches!(b, b'e' | b'E')) {
            Some(i) => {
                let (mantissa, exponent) = bytes.split_at_checked(i)?;
                (mantissa, Some(exponent.get(1..)?))
            }
            None => (bytes, None),
        },
        _ => (bytes, None),
    };
    let (int_part, frac) = match mantissa.iter().position(|&b| b == point) {
        Some(i) => {
            let (int_part, frac) = mantissa.split_at_checked(i)?;
            (int_part, frac.get(1..)?)
        }
        None => (mantissa, &[][..]),
    };
    if !frac.iter().all(u8::is_ascii_digit) || (int_part.is_empty() && frac.is_empty()) {
        return None;
    }
    // Thousands separated by spaces (`1 234,50`, `1 234.50`; also no-break and narrow no-break
    // spaces) in the grouped styles: each space becomes one byte, then groups are checked as usual.
    let mut spaced = [0u8; 64];
    let (int_part, group) = match space_grouped(int_part, &mut spaced) {
        Some(n) if style != DecimalStyle::Dot => (spaced.get(..n)?, Some(b' ')),
        Some(_) => return None,
        None => (int_part, group),
    };
    // Integer digits: when grouped, the first group has one to three digits and every later one three.
    let grouped = group.is_some_and(|g| int_part.contains(&g));
    let (mut m, mut digits, mut group_len, mut first_group) = (0u64, 0usize, 0usize, true);
    for &b in int_part {
        if grouped && Some(b) == group {
            if (first_group && !(1..=3).contains(&group_len)) || (!first_group && group_len != 3) {
                return None;
            }
            (first_group, group_len) = (false, 0);
            continue;
        }
        if !b.is_ascii_digit() {
            return None;
        }
        // Cannot overflow: both counters count bytes of `int_part`, and `b` is an ASCII digit.
        #[allow(clippy::arithmetic_side_effects)]
        {
            group_len += 1;
            digits += 1;
            m = m.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
        }
    }
    if grouped && group_len != 3 {
        return None;
    }
    // Cannot overflow: `digits` counts bytes of `body`, and `frac` is all ASCII digits (checked above).
    #[allow(clippy::arithmetic_side_effects)]
    for &b in frac {
        digits += 1;
        m = m.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
    }
    let decimals = frac.len().min(usize::from(u8::MAX)) as u8;
    let value = match exponent {
        None if digits <= 15 => {
            let x = m as f64 / POW10.get(frac.len()).copied()?;
            if negative {
                -x
            } else {
                x
            }
        }
        _ => slow_value(int_part, group, frac, exponent, negative)?,
    };
    value.is_finite().then_some((value, decimals))
}

/// When `int_part` holds spaces (a space, U+00A0 or U+202F): its bytes copied into `out` with
/// each space as one `b' '`, and how many; `None` when it has none (or is too long to be a number).
// Cannot overflow: `i` indexes `int_part` (the loop runs while `int_part.get(i)` is `Some`) and
// `width <= 3`; `n < 64` (`out.get_mut(n)?` returned before `n + 1`).
#[allow(clippy::arithmetic_side_effects)]
fn space_grouped(int_part: &[u8], out: &mut [u8; 64]) -> Option<usize> {
    if !int_part.iter().any(|&b| b == b' ' || b == 0xC2 || b == 0xE2) {
        return None;
    }
    let (mut i, mut n) = (0, 0);
    while let Some(&b) = int_part.get(i) {
        let (byte, width) = match int_part.get(i..i + 3) {
            _ if b == b' ' => (b' ', 1),
            _ if int_part.get(i..i + 2) == Some(&[0xC2, 0xA0]) => (b' ', 2),
            Some([0xE2, 0x80, 0xAF]) => (b' ', 3),
            _ => (b, 1),
        };
        *out.get_mut(n)? = byte;
        (i, n) = (i + width, n + 1);
    }
    Some(n)
}

/// Long or exponent numbers: the digits copied to a buffer on the stack and parsed by the standard
/// library (correctly rounded); a heap buffer only past 64 characters.
fn slow_value(int_part: &[u8], group: Option<u8>, frac: &[u8], exponent: Option<&[u8]>, negative: bool) -> Option<f64> {
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(b"+").or_else(|| exp.strip_prefix(b"-")).unwrap_or(exp);
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
    }
    let mut stack = [0u8; 64];
    let mut heap = Vec::new();
    // Cannot overflow: the three are parts of one string, which is at most `isize::MAX` bytes.
    #[allow(clippy::arithmetic_side_effects)]
    let needed = int_part.len() + frac.len() + exponent.map_or(0, <[u8]>::len) + 4;
    let buf: &mut [u8] = if needed <= stack.len() {
        &mut stack
    } else {
        heap.resize(needed, 0);
        &mut heap
    };
    let mut n = 0;
    // Cannot overflow: `n` indexes `buf` (`buf.get_mut(n)` was `Some`) before `n + 1`.
    #[allow(clippy::arithmetic_side_effects)]
    let mut push = |b: u8| {
        if let Some(slot) = buf.get_mut(n) {
            *slot = b;
            n += 1;
        }
    };
    if negative {
        push(b'-');
    }
    push(b'0');
    int_part.iter().filter(|&&b| Some(b) != group).for_each(|&b| push(b));
    push(b'.');
    frac.iter().for_each(|&b| push(b));
    push(b'0');
    if let Some(exp) = exponent {
        push(b'e');
        exp.iter().for_each(|&b| push(b));
    }
    std::str::from_utf8(buf.get(..n)?).ok()?.parse().ok()
}

/// Parses a boolean word: true/false, yes/no, y/n, t/f (any case). `1`/`0` stay numbers.
pub fn parse_bool(s: &str) -> Option<bool> {
    let is = |words: [&str; 4]| words.iter().any(|w| w.eq_ignore_ascii_case(s));
    if is(["true", "yes", "y", "t"]) {
        Some(true)
    } else if is(["false", "no", "n", "f"]) {
        Some(false)
    } else {
        None
    }
}

/// A time of day as written after a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay {
    /// Seconds since midnight, as written (fractions of a second dropped).
    pub seconds: u32,
    /// The UTC offset written after it, in seconds (`Z` is 0), if any. Read, then ignored: see the module docs.
    pub offset: Option<i32>,
}

/// The shape of a date-like value before its day/month order is decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateShape {
    /// How the date part is written.
    pub layout: DateLayout,
    /// First number: the year for year-first, compact and month-name layouts, else the first of
    /// day and month.
    pub a: u32,
    /// Second number: the month for year-first, compact and month-name layouts.
    pub b: u32,
    /// Third number: the day for year-first, compact and month-name layouts, else the year.
    pub c: u32,
    /// The time of day, when one is written.
    pub time: Option<TimeOfDay>,
    /// True when the year was written with two digits (`31/12/24`): `c` holds it read as
    /// POSIX's `%y` does, 69–99 as 1969–1999 and 00–68 as 2000–2068 (no clock is read).
    pub short_year: bool,
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
    /// `15-Jan-2024`, `15 January 2024`: the day, then the month's name.
    DayMonthName,
    /// `Jan 15 2024`, `January 15, 2024`: the month's name, then the day.
    MonthNameFirst,
}

impl DateLayout {
    /// The layout as the import view names it, with an example.
    pub fn label(self) -> &'static str {
        match self {
            DateLayout::YearFirst => "year first (2024-12-31)",
            DateLayout::Compact => "YYYYMMDD (20241231)",
            DateLayout::YearLast => "year last (31/12/2024)",
            DateLayout::DayMonthName => "month names (15-Jan-2024)",
            DateLayout::MonthNameFirst => "month names (Jan 15, 2024)",
        }
    }
}

/// Recognises a date or date-time value without deciding day/month order (see the module docs
/// for what is read).
pub fn date_shape(s: &str) -> Option<DateShape> {
    let first = *s.as_bytes().first()?;
    if first.is_ascii_alphabetic() {
        return named_month_date(s);
    }
    numeric_date(s).or_else(|| {
        (first.is_ascii_digit() && s.bytes().any(|b| b.is_ascii_alphabetic())).then(|| named_month_date(s)).flatten()
    })
}

/// `2024-12-31`, `20241231`, `31/12/2024`, each with an optional time.
fn numeric_date(s: &str) -> Option<DateShape> {
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
        return Some(DateShape { layout: DateLayout::Compact, a: y, b: m, c: d, time, short_year: false });
    }
    let sep = *bytes.iter().find(|b| matches!(b, b'-' | b'/' | b'.'))?;
    let mut parts = date_part.split(sep as char);
    let (p1, p2, p3) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    if p1.len() == 4 {
        let (y, m, d) = (digits(p1, 4)?, digits(p2, 2)?, digits(p3, 2)?);
        NaiveDate::from_ymd_opt(y as i32, m, d)?;
        Some(DateShape { layout: DateLayout::YearFirst, a: y, b: m, c: d, time, short_year: false })
    } else if p3.len() == 4 || p3.len() == 2 {
        let (a, b, y) = (digits(p1, 2)?, digits(p2, 2)?, digits(p3, 4)?);
        if a == 0 || b == 0 || a > 31 || b > 31 || (a > 12 && b > 12) {
            return None;
        }
        let short_year = p3.len() == 2;
        // Cannot overflow: a two-digit year (the only one these arms see) is at most 99.
        #[allow(clippy::arithmetic_side_effects)]
        let y = match y {
            _ if !short_year => y,
            69..=99 => 1900 + y,
            _ => 2000 + y,
        };
        Some(DateShape { layout: DateLayout::YearLast, a, b, c: y, time, short_year })
    } else {
        None
    }
}

/// One to `max_len` ASCII digits as a number.
fn digits(p: &str, max_len: usize) -> Option<u32> {
    (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
}

fn split_date_time(s: &str) -> (&str, Option<&str>) {
    // ISO's `T` between a date and a time: after the date, before a digit (not the T of `UTC`).
    if let Some((date, t_time)) = s.find('T').filter(|&i| i >= 8).and_then(|i| s.split_at_checked(i)) {
        let time = t_time.get(1..); // after the one-byte `T`
        if time.and_then(|t| t.as_bytes().first()).is_some_and(u8::is_ascii_digit) {
            return (date, time);
        }
    }
    match s.split_once(' ') {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// True when `word` is `name` in full or its first three letters, in any case.
fn names(word: &[u8], name: &str) -> bool {
    let name = name.as_bytes();
    word.eq_ignore_ascii_case(name) || (word.len() == 3 && name.get(..3).is_some_and(|n| word.eq_ignore_ascii_case(n)))
}

/// 1–12 for an English month name (`Jan`, `january`, `Sept`).
fn month_number(word: &[u8]) -> Option<u32> {
    if word.eq_ignore_ascii_case(b"sept") {
        return Some(9);
    }
    MONTHS.iter().zip(1..).find_map(|(m, number)| names(word, m).then_some(number))
}

/// A cursor over the bytes of a date with month names.
struct Scan<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.at).copied()
    }

    // Cannot overflow: `self.at` only steps past a byte `peek` returned, so it stays `<= s.len()`.
    #[allow(clippy::arithmetic_side_effects)]
    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.at;
        while self.peek().is_some_and(&f) {
            self.at += 1;
        }
        self.s.as_bytes().get(start..self.at).unwrap_or_default()
    }

    fn number(&mut self, lengths: std::ops::RangeInclusive<usize>) -> Option<u32> {
        let d = self.take_while(|b| b.is_ascii_digit());
        let value =
            |d: &[u8]| d.iter().try_fold(0u32, |n, &b| n.checked_mul(10)?.checked_add(u32::from(b.checked_sub(b'0')?)));
        lengths.contains(&d.len()).then(|| value(d)).flatten()
    }

    fn word(&mut self) -> &'a [u8] {
        self.take_while(|b| b.is_ascii_alphabetic())
    }

    // Cannot overflow: `self.at` steps only past the byte `peek` returned, so it stays `<= s.len()`.
    #[allow(clippy::arithmetic_side_effects)]
    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.at += usize::from(hit);
        hit
    }

    fn rest(&self) -> &'a str {
        self.s.get(self.at..).unwrap_or_default()
    }
}

/// `15-Jan-2024`, `15 January 2024`, `Jan 15 2024`, `January 15, 2024` (optionally after a weekday,
/// `Monday, January 15, 2024`), each with an optional time after a space.
fn named_month_date(s: &str) -> Option<DateShape> {
    let mut p = Scan { s, at: 0 };
    if p.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        let save = p.at;
        let word = p.word();
        if WEEKDAYS.iter().any(|w| names(word, w)) && p.eat(b',') {
            p.take_while(|b| b == b' ');
        } else {
            p.at = save;
        }
    }
    let (layout, year, month, day) = if p.peek().is_some_and(|b| b.is_ascii_digit()) {
        let day = p.number(1..=2)?;
        let sep = p.peek().filter(|b| matches!(b, b'-' | b' ' | b'/' | b'.'))?;
        p.eat(sep);
        let month = month_number(p.word())?;
        if !p.eat(sep) {
            return None;
        }
        (DateLayout::DayMonthName, p.number(4..=4)?, month, day)
    } else {
        let month = month_number(p.word())?;
        p.eat(b'.'); // `Jan. 15, 2024`
        let sep = p.peek().filter(|b| matches!(b, b' ' | b'-'))?;
        p.eat(sep);
        let day = p.number(1..=2)?;
        // `Jan 15 2024`, `Jan 15, 2024`, `Jan-15-2024`.
        let joined = if sep == b' ' {
            p.eat(b',');
            p.eat(b' ')
        } else {
            p.eat(b'-')
        };
        if !joined {
            return None;
        }
        (DateLayout::MonthNameFirst, p.number(4..=4)?, month, day)
    };
    NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let rest = p.rest();
    let time = match rest.strip_prefix(' ') {
        Some(t) => Some(parse_time(t.trim())?),
        None if rest.is_empty() => None,
        None => return None,
    };
    Some(DateShape { layout, a: year, b: month, c: day, time, short_year: false })
}

/// Splits a UTC offset off the end of a time: `Z`, `UTC`, `GMT`, `±HH`, `±HHMM`, `±HH:MM`
/// (with or without a space before it). `None` when what follows the sign is not an offset.
fn split_offset(t: &str) -> Option<(&str, Option<i32>)> {
    for zone in ["Z", "z", "UTC", "GMT"] {
        if let Some(clock) = t.strip_suffix(zone) {
            return Some((clock.trim_end(), Some(0)));
        }
    }
    // The clock has at least `H:MM`, so a sign at position 4 or later starts an offset.
    let Some(i) = t.rfind(['+', '-']).filter(|&i| i >= 4) else { return Some((t, None)) };
    // Cannot overflow: two ASCII digits make at most 99.
    #[allow(clippy::arithmetic_side_effects)]
    let two = |d: &[u8]| -> Option<i32> {
        match d {
            [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some(i32::from(a - b'0') * 10 + i32::from(b - b'0')),
            _ => None,
        }
    };
    let (clock, signed) = t.split_at_checked(i)?;
    let (h, m) = match signed.as_bytes().get(1..)? {
        [h1, h2] => (two(&[*h1, *h2])?, 0),
        [h1, h2, m1, m2] => (two(&[*h1, *h2])?, two(&[*m1, *m2])?),
        [h1, h2, b':', m1, m2] => (two(&[*h1, *h2])?, two(&[*m1, *m2])?),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    let sign = if signed.starts_with('-') { -1 } else { 1 };
    // Cannot overflow: `h <= 14` and `m <= 59` (checked above).
    #[allow(clippy::arithmetic_side_effects)]
    let offset = sign * (h * 60 + m) * 60;
    Some((clock.trim_end(), Some(offset)))
}

/// `HH:MM[:SS[.fff]]`, an optional ` AM`/` PM` and an optional UTC offset.
fn parse_time(t: &str) -> Option<TimeOfDay> {
    let (t, offset) = split_offset(t)?;
    let split = t.len().checked_sub(2).and_then(|i| t.split_at_checked(i));
    let (clock, pm) = match split {
        Some((clock, tail)) if tail.eq_ignore_ascii_case("AM") => (clock.trim_end(), Some(false)),
        Some((clock, tail)) if tail.eq_ignore_ascii_case("PM") => (clock.trim_end(), Some(true)),
        _ => (t, None),
    };
    let mut parts = clock.split(':');
    let h: u32 = digits(parts.next()?, 2)?;
    let m: u32 = digits(parts.next()?, 2)?;
    let sec: u32 = match parts.next() {
        Some(s) => {
            let (whole, frac) = match s.split_once('.') {
                Some((whole, frac)) => (whole, Some(frac)),
                None => (s, None),
            };
            if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
                return None;
            }
            digits(whole, 2)?
        }
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    // Cannot overflow: `h` is within 1..=12 where 12 is added.
    #[allow(clippy::arithmetic_side_effects)]
    let h = match pm {
        Some(true) if (1..=12).contains(&h) => h % 12 + 12,
        Some(false) if (1..=12).contains(&h) => h % 12,
        Some(_) => return None,
        None => h,
    };
    NaiveTime::from_hms_opt(h, m, sec)?;
    // Cannot overflow: `from_hms_opt` accepted them, so `h < 24`, `m < 60` and `sec < 61`.
    #[allow(clippy::arithmetic_side_effects)]
    let seconds = h * 3600 + m * 60 + sec;
    Some(TimeOfDay { seconds, offset })
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

/// The calendar date of a stored day number. A day number past the dates chrono holds (about
/// 262,000 years either side of 1970, which no read value is) gives its earliest or latest date;
/// [`checked_date_from_days`] says `None` instead.
pub fn date_from_days(days: i32) -> NaiveDate {
    checked_date_from_days(days).unwrap_or(if days < 0 { NaiveDate::MIN } else { NaiveDate::MAX })
}

/// The calendar date of a stored day number, `None` past the dates chrono holds.
pub fn checked_date_from_days(days: i32) -> Option<NaiveDate> {
    epoch().checked_add_signed(chrono::TimeDelta::try_days(i64::from(days))?)
}

/// The date-time of stored seconds since 1970-01-01T00:00:00. Seconds past the date-times chrono
/// holds give its earliest or latest one; [`checked_datetime_from_seconds`] says `None` instead.
pub fn datetime_from_seconds(seconds: i64) -> NaiveDateTime {
    checked_datetime_from_seconds(seconds).unwrap_or(if seconds < 0 { NaiveDateTime::MIN } else { NaiveDateTime::MAX })
}

/// The date-time of stored seconds since 1970-01-01T00:00:00, `None` past the date-times chrono holds.
pub fn checked_datetime_from_seconds(seconds: i64) -> Option<NaiveDateTime> {
    epoch().and_time(NaiveTime::MIN).checked_add_signed(chrono::TimeDelta::try_seconds(seconds)?)
}

impl DateShape {
    /// Days since 1970-01-01 with the given day/month order (ignored for every layout but
    /// [`DateLayout::YearLast`]). The calendar date as written, whatever the UTC offset.
    pub fn days(&self, order: DateOrder) -> Option<i32> {
        match self.layout {
            DateLayout::YearFirst | DateLayout::Compact | DateLayout::DayMonthName | DateLayout::MonthNameFirst => {
                days_from_ymd(self.a, self.b, self.c)
            }
            DateLayout::YearLast => match order {
                DateOrder::Dmy => days_from_ymd(self.c, self.b, self.a),
                DateOrder::Mdy => days_from_ymd(self.c, self.a, self.b),
                DateOrder::Ymd => None,
            },
        }
    }

    /// Seconds since 1970-01-01T00:00:00 of the date and time as written: a UTC offset is ignored
    /// (see the module docs), so the day of the result is the calendar date in the file.
    pub fn seconds(&self, order: DateOrder) -> Option<i64> {
        let days = i64::from(self.days(order)?);
        days.checked_mul(86_400)?.checked_add(self.time.map_or(0, |t| i64::from(t.seconds)))
    }

    /// True when a UTC offset was written after the time.
    pub fn has_offset(&self) -> bool {
        self.time.is_some_and(|t| t.offset.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str, style: DecimalStyle) -> Option<(f64, u8, Option<&'static str>)> {
        parse_number(s, style).map(|n| (n.value, n.decimals, n.currency))
    }

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
        assert_eq!(num("12.50", DecimalStyle::Dot), Some((12.5, 2, None)));
        assert_eq!(num("-.5", DecimalStyle::Dot), Some((-0.5, 1, None)));
        assert_eq!(num("+3", DecimalStyle::Dot), Some((3.0, 0, None)));
        assert_eq!(num("1e3", DecimalStyle::Dot), Some((1000.0, 0, None)));
        assert_eq!(num("2.5E-2", DecimalStyle::Dot), Some((0.025, 1, None)));
        assert_eq!(num("12,50", DecimalStyle::Comma), Some((12.5, 2, None)));
        assert_eq!(num("1.234,5", DecimalStyle::Comma), Some((1234.5, 1, None)));
        assert_eq!(num("1.234.567", DecimalStyle::Comma), Some((1_234_567.0, 0, None)));
        assert_eq!(num("1,234.5", DecimalStyle::DotGrouped), Some((1234.5, 1, None)));
        assert_eq!(num("12.5", DecimalStyle::DotGrouped), Some((12.5, 1, None)));
        assert_eq!(num("1,23.5", DecimalStyle::DotGrouped), None);
        assert_eq!(num("1234,567.5", DecimalStyle::DotGrouped), None);
        assert_eq!(num(",234.5", DecimalStyle::DotGrouped), None);
        assert_eq!(num("1,234,", DecimalStyle::DotGrouped), None);
        assert_eq!(num("12,5", DecimalStyle::Dot), None);
        assert_eq!(num("1,234.50", DecimalStyle::Comma), None);
        assert_eq!(num("abc", DecimalStyle::Dot), None);
        assert_eq!(num(".", DecimalStyle::Dot), None);
        assert_eq!(num("", DecimalStyle::Dot), None);
        assert_eq!(num("-", DecimalStyle::Dot), None);
        assert_eq!(num("inf", DecimalStyle::Dot), None);
        assert_eq!(num("1e", DecimalStyle::Dot), None);
        assert_eq!(num("1e400", DecimalStyle::Dot), None);
    }

    #[test]
    fn spaces_as_thousands_separators_in_the_grouped_styles() {
        assert_eq!(num("1 234,50", DecimalStyle::Comma), Some((1234.5, 2, None)));
        assert_eq!(num("1\u{a0}234\u{a0}567,5 €", DecimalStyle::Comma), Some((1_234_567.5, 1, Some("€"))));
        assert_eq!(num("12\u{202f}345", DecimalStyle::Comma), Some((12345.0, 0, None)));
        assert_eq!(num("1 234.50", DecimalStyle::DotGrouped), Some((1234.5, 2, None)));
        assert_eq!(num("-1 234.50", DecimalStyle::DotGrouped), Some((-1234.5, 2, None)));
        // Groups of three only, one separator kind per number, none in the plain style.
        assert_eq!(num("12 34,5", DecimalStyle::Comma), None);
        assert_eq!(num("1.234 567,5", DecimalStyle::Comma), None);
        assert_eq!(num("1 234.50", DecimalStyle::Dot), None);
        assert_eq!(num("1 ", DecimalStyle::Comma), None);
    }

    #[test]
    fn currency_symbols_and_codes_before_or_after_the_number() {
        assert_eq!(num("$1,234.50", DecimalStyle::DotGrouped), Some((1234.5, 2, Some("$"))));
        assert_eq!(num("1.234,50 €", DecimalStyle::Comma), Some((1234.5, 2, Some("€"))));
        assert_eq!(num("1.234,50\u{a0}€", DecimalStyle::Comma), Some((1234.5, 2, Some("€"))));
        assert_eq!(num("€12", DecimalStyle::Dot), Some((12.0, 0, Some("€"))));
        assert_eq!(num("£ 9.99", DecimalStyle::Dot), Some((9.99, 2, Some("£"))));
        assert_eq!(num("¥1,200", DecimalStyle::DotGrouped), Some((1200.0, 0, Some("¥"))));
        assert_eq!(num("USD 12.00", DecimalStyle::Dot), Some((12.0, 2, Some("USD"))));
        assert_eq!(num("12.00 EUR", DecimalStyle::Dot), Some((12.0, 2, Some("EUR"))));
        assert_eq!(num("12.00GBP", DecimalStyle::Dot), Some((12.0, 2, Some("GBP"))));
        // One currency, on one side; no exponent on an amount.
        assert_eq!(num("$12 €", DecimalStyle::Dot), None);
        assert_eq!(num("$", DecimalStyle::Dot), None);
        assert_eq!(num("$1e3", DecimalStyle::Dot), None);
        assert_eq!(num("usd 12", DecimalStyle::Dot), None);
    }

    #[test]
    fn accounting_and_signed_negatives() {
        assert_eq!(num("(12.00)", DecimalStyle::Dot), Some((-12.0, 2, None)));
        assert_eq!(num("($12.00)", DecimalStyle::Dot), Some((-12.0, 2, Some("$"))));
        assert_eq!(num("(1.234,50 €)", DecimalStyle::Comma), Some((-1234.5, 2, Some("€"))));
        assert_eq!(num("-$12.00", DecimalStyle::Dot), Some((-12.0, 2, Some("$"))));
        assert_eq!(num("$-12.00", DecimalStyle::Dot), Some((-12.0, 2, Some("$"))));
        assert_eq!(num("-12,00 €", DecimalStyle::Comma), Some((-12.0, 2, Some("€"))));
        assert!(parse_number("(12.00)", DecimalStyle::Dot).is_some_and(|n| n.parenthesized));
        assert!(parse_number("-12.00", DecimalStyle::Dot).is_some_and(|n| !n.parenthesized));
        assert_eq!(num("(-12.00)", DecimalStyle::Dot), None);
        assert_eq!(num("-$-12.00", DecimalStyle::Dot), None);
        assert_eq!(num("(12.00", DecimalStyle::Dot), None);
        assert_eq!(num("()", DecimalStyle::Dot), None);
    }

    #[test]
    fn numbers_read_exactly_as_the_standard_parser_reads_them() {
        let mut cases: Vec<String> = vec![
            "0.1".into(),
            "0.30000000000000004".into(),
            "123456789012345.6".into(),
            "9007199254740993".into(),
            "1234567890123456789012345678901234567890.5".into(),
            "0.000000000000000000000000001".into(),
            "1".repeat(80),
            format!("{}.{}", "7".repeat(40), "3".repeat(40)),
        ];
        // A deterministic spread of digit strings and decimal places.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 10_000_000_000_000_000).to_string();
            let point = (x >> 60) as usize % (digits.len() + 1);
            let (i, f) = digits.split_at(point);
            cases.push(format!("{i}.{f}"));
            cases.push(format!("-{i}.{f}"));
        }
        for c in cases {
            let expected: f64 = c.parse().unwrap();
            let got = parse_number(&c, DecimalStyle::Dot).map(|n| n.value);
            assert_eq!(got.map(f64::to_bits), Some(expected.to_bits()), "{c}");
        }
    }

    #[test]
    fn boolean_words_but_not_digits() {
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("FALSE"), Some(false));
        assert_eq!(parse_bool("t"), Some(true));
        assert_eq!(parse_bool("1"), None);
        assert_eq!(parse_bool("yess"), None);
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
    fn month_names_in_every_layout() {
        let jan15 = days_from_ymd(2024, 1, 15);
        for (text, layout) in [
            ("15-Jan-2024", DateLayout::DayMonthName),
            ("15 Jan 2024", DateLayout::DayMonthName),
            ("15-January-2024", DateLayout::DayMonthName),
            ("15 JANUARY 2024", DateLayout::DayMonthName),
            ("15/jan/2024", DateLayout::DayMonthName),
            ("Jan 15 2024", DateLayout::MonthNameFirst),
            ("Jan 15, 2024", DateLayout::MonthNameFirst),
            ("Jan. 15, 2024", DateLayout::MonthNameFirst),
            ("January 15, 2024", DateLayout::MonthNameFirst),
            ("january 15 2024", DateLayout::MonthNameFirst),
            ("Monday, January 15, 2024", DateLayout::MonthNameFirst),
            ("Mon, 15 Jan 2024", DateLayout::DayMonthName),
        ] {
            let shape = date_shape(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((shape.layout, shape.days(DateOrder::Mdy), shape.time), (layout, jan15, None), "{text}");
        }
        assert_eq!(date_shape("5 Sept 2024").and_then(|s| s.days(DateOrder::Dmy)), days_from_ymd(2024, 9, 5));
        for text in
            ["31-Feb-2024", "15-Janu-2024", "15 Jan, 2024x", "Jan 2024", "15-Jan 2024", "Jan 15,2024 x", "10 apples"]
        {
            assert_eq!(date_shape(text), None, "{text}");
        }
    }

    #[test]
    fn month_name_dates_with_times() {
        let s = date_shape("15-Jan-2024 10:23:45").unwrap();
        assert_eq!(s.time, Some(TimeOfDay { seconds: 37_425, offset: None }));
        let s = date_shape("Jan 15, 2024 3:15 PM").unwrap();
        assert_eq!(s.time.map(|t| t.seconds), Some(15 * 3600 + 15 * 60));
        let s = date_shape("Mon, 15 Jan 2024 10:23:45 -0500").unwrap();
        assert_eq!(s.time, Some(TimeOfDay { seconds: 37_425, offset: Some(-5 * 3600) }));
    }

    #[test]
    fn date_times_with_offsets_keep_the_written_calendar_date_and_time() {
        let jan15 = days_from_ymd(2024, 1, 15).unwrap() as i64;
        let written = jan15 * 86_400 + 10 * 3600 + 23 * 60 + 45;
        for (text, offset) in [
            ("2024-01-15 10:23:45 -0500", -5 * 3600),
            ("2024-01-15T10:23:45-05:00", -5 * 3600),
            ("2024-01-15T10:23:45Z", 0),
            ("2024-01-15 10:23:45+0100", 3600),
            ("2024-01-15 10:23:45 +01", 3600),
            ("2024-01-15 10:23:45 UTC", 0),
            ("2024-01-15T10:23:45.123+05:30", 5 * 3600 + 30 * 60),
        ] {
            let s = date_shape(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(s.time.and_then(|t| t.offset), Some(offset), "{text}");
            assert_eq!(s.seconds(DateOrder::Dmy), Some(written), "{text}");
            assert!(s.has_offset());
        }
        // Late in the evening west of UTC: still the day written, not the next UTC day.
        let late = date_shape("2024-01-15 22:10:00 -0500").unwrap();
        assert_eq!(late.seconds(DateOrder::Dmy).map(|s| s.div_euclid(86_400)), Some(jan15));
        assert_eq!(late.days(DateOrder::Dmy), Some(jan15 as i32));
        for text in ["2024-01-15 10:23:45 -1:00", "2024-01-15 10:23:45 +2500", "2024-01-15 10:23:45 -05:0"] {
            assert_eq!(date_shape(text), None, "{text}");
        }
    }

    #[test]
    fn date_times_with_am_pm_and_fractions() {
        let s = date_shape("2024-01-05T10:30:00Z").unwrap();
        assert_eq!(s.time, Some(TimeOfDay { seconds: 37_800, offset: Some(0) }));
        let s = date_shape("1/5/2024 3:15 PM").unwrap();
        assert_eq!(s.time, Some(TimeOfDay { seconds: 15 * 3600 + 15 * 60, offset: None }));
        assert_eq!(date_shape("1/5/2024 12:15 am").unwrap().time.map(|t| t.seconds), Some(15 * 60));
        assert_eq!(date_shape("2024-01-05 25:00"), None);
        assert_eq!(date_shape("2024-01-05 13:00 PM"), None);
        assert_eq!(date_shape("2024-01-05 10:30:00.123").unwrap().time.map(|t| t.seconds), Some(37_800));
        assert_eq!(date_shape("2024-01-05 10:30:00."), None);
    }
}
