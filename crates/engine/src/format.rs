//! Numbers, shares, amounts and dates as people read them (DECISIONS 24): the one formatting
//! module for every view, sentence and report. Thousands separators, a currency symbol when the
//! amount's currency is known, shares as percentages with one decimal, very large totals
//! abbreviated only where a chart label needs it (`1.2M`). Downloads keep plain machine-readable
//! values and never pass through here.
//!
//! ```
//! use segscope_engine::format;
//!
//! assert_eq!(format::number(1240.4), "1,240");
//! assert_eq!(format::share(0.6204), "62.0%");
//! assert_eq!(format::money(1234.56, Some("€")), "€1,235");
//! assert_eq!(format::money(83.339, Some("€")), "€83.34");
//! assert_eq!(format::compact(1_234_567.0), "1.2M");
//! ```

use std::fmt::Display;

/// Digits with comma thousands separators from five digits on, SI style for numbers in a
/// sentence about a range: `50000000` → `50,000,000`, `-12345` → `-12,345`, `1200` stays `1200`.
pub fn thousands(n: impl Display) -> String {
    let text = n.to_string();
    let digits = text.trim_start_matches('-');
    if digits.len() < 5 {
        return text;
    }
    grouped(&text)
}

/// A number already written with a point for decimals, with comma thousands separators in its
/// whole part: `12345.5` → `12,345.5`, `-1234` → `-1,234`, `999.25` unchanged. (The charts'
/// labels group the same way: one implementation, in the lower crate.)
pub use segscope_charts::numbers::grouped;

/// A measured value (a mean, a median, a count per customer): no decimals from 1,000, one from
/// 10, two below, trailing zeros dropped, thousands grouped: `1240.4` → `1,240`, `61.26` →
/// `61.3`, `2.50` → `2.5`, `3.0` → `3`.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let digits = if x.abs() >= 1000.0 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{x:.digits$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    // `-0` from a tiny negative reads as 0.
    grouped(if text == "-0" { "0" } else { &text })
}

/// A count of customers or orders: `12345` → `12,345`, `999` → `999`.
pub fn count(n: u64) -> String {
    grouped(&n.to_string())
}

/// A share 0..=1 as a percentage with one decimal: `0.6204` → `62.0%`, `1.0` → `100.0%`.
pub fn share(fraction: f64) -> String {
    if !fraction.is_finite() {
        return "–".to_string();
    }
    format!("{}%", grouped(&format!("{:.1}", fraction * 100.0)))
}

/// An index (100 = as everyone) as a whole number: `147.6` → `148`, `1234.0` → `1,234`.
pub fn index(value: f64) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    grouped(&format!("{value:.0}"))
}

/// An amount of money: two decimals below 1,000, none from 1,000, thousands grouped; with the
/// currency when known, a symbol before (`€1,240`, `$61.20`) and a code after (`1,240 USD`).
pub fn money(amount: f64, currency: Option<&str>) -> String {
    if !amount.is_finite() {
        return "–".to_string();
    }
    let digits = if amount.abs() >= 1000.0 { 0 } else { 2 };
    let plain = grouped(&format!("{:.digits$}", amount.abs()));
    let sign = if amount < 0.0 && plain.bytes().any(|b| (b'1'..=b'9').contains(&b)) { "-" } else { "" };
    match currency.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) if code.chars().all(|c| c.is_ascii_alphabetic()) => format!("{sign}{plain} {code}"),
        Some(symbol) => format!("{sign}{symbol}{plain}"),
        None => format!("{sign}{plain}"),
    }
}

/// A p-value: `< 0.001` below a thousandth, else three decimals: `0.01234` → `0.012`, `1.0` → `1.000`.
pub fn p_value(p: f64) -> String {
    if !p.is_finite() {
        "–".to_string()
    } else if p < 0.001 {
        "< 0.001".to_string()
    } else {
        format!("{p:.3}")
    }
}

/// A large total abbreviated for a chart label, with the exact number left to the tooltip or
/// table: `1234` → `1.2K`, `1234567` → `1.2M`, `3.4e9` → `3.4B`; below 1,000 as [`number`].
pub fn compact(x: f64) -> String {
    let magnitude = x.abs();
    let (scaled, suffix) = if magnitude >= 1e12 {
        (x / 1e12, "T")
    } else if magnitude >= 1e9 {
        (x / 1e9, "B")
    } else if magnitude >= 1e6 {
        (x / 1e6, "M")
    } else if magnitude >= 1e3 {
        (x / 1e3, "K")
    } else {
        return number(x);
    };
    let text = format!("{scaled:.1}");
    format!("{}{suffix}", text.strip_suffix(".0").unwrap_or(&text))
}

/// A day (days since 1970-01-01) as `YYYY-MM-DD`.
pub fn date(days: i32) -> String {
    crate::ingest::values::date_from_days(days).to_string()
}

/// A column name as words: `app_sessions_90d` → `app sessions 90d`, `last-order date` → `last order date`.
pub fn words(column: &str) -> String {
    column.replace(['_', '-'], " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_in_a_range_start_at_five_digits() {
        assert_eq!(thousands(9_999), "9999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(-1_234_567_i64), "-1,234,567");
        assert_eq!(thousands(1_234_567_890_u64), "1,234,567,890");
    }

    #[test]
    fn grouping_touches_only_the_whole_part() {
        assert_eq!(grouped("123.25"), "123.25");
        assert_eq!(grouped("1234"), "1,234");
        assert_eq!(grouped("-1234567.5"), "-1,234,567.5");
        assert_eq!(grouped("12000"), "12,000");
        assert_eq!(grouped("1e300"), "1e300");
    }

    #[test]
    fn measured_values_get_fewer_decimals_as_they_grow() {
        assert_eq!(number(1240.4), "1,240");
        assert_eq!(number(610.0), "610");
        assert_eq!(number(61.26), "61.3");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(0.126), "0.13");
        assert_eq!(number(-0.001), "0");
        assert_eq!(number(-12_345.6), "-12,346");
        assert_eq!(number(f64::NAN), "–");
    }

    #[test]
    fn shares_are_percentages_with_one_decimal() {
        assert_eq!(share(0.6204), "62.0%");
        assert_eq!(share(0.00049), "0.0%");
        assert_eq!(share(1.0), "100.0%");
        assert_eq!(share(12.5), "1,250.0%");
        assert_eq!(index(147.6), "148");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn money_shows_a_symbol_before_and_a_code_after() {
        assert_eq!(money(1240.4, Some("€")), "€1,240");
        assert_eq!(money(61.2, Some("$")), "$61.20");
        assert_eq!(money(1240.0, Some("USD")), "1,240 USD");
        assert_eq!(money(-5.5, None), "-5.50");
        assert_eq!(money(-0.001, Some("£")), "£0.00");
    }

    #[test]
    fn p_values_show_three_decimals_or_a_bound() {
        assert_eq!(p_value(0.01234), "0.012");
        assert_eq!(p_value(0.0004), "< 0.001");
        assert_eq!(p_value(1.0), "1.000");
        assert_eq!(p_value(f64::NAN), "–");
    }

    #[test]
    fn chart_labels_abbreviate_large_totals() {
        assert_eq!(compact(1_234_567.0), "1.2M");
        assert_eq!(compact(2_000.0), "2K");
        assert_eq!(compact(-3_400_000_000.0), "-3.4B");
        assert_eq!(compact(999.0), "999");
    }

    #[test]
    fn column_names_read_as_words() {
        assert_eq!(words("app_sessions_90d"), "app sessions 90d");
        assert_eq!(words(" last-order  date "), "last order date");
        assert_eq!(date(0), "1970-01-01");
    }
}
