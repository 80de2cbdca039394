//! Day numbers: the generator counts days from 2019-01-01 (day 0) and turns them into
//! dates only at the edges.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

/// Days from 2019-01-01 to the civil date `y-m-d` (proleptic Gregorian, any valid date).
// Cannot overflow: called with the generator's fixed calendar dates (all in constants, so any
// overflow would fail to compile); for any date chrono holds both terms are below 2^27.
#[allow(clippy::arithmetic_side_effects)]
pub(crate) const fn day(y: i32, m: u32, d: u32) -> i32 {
    days_from_civil(y, m, d) - days_from_civil(2019, 1, 1)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
// Cannot overflow: only `day` calls it, with valid dates (`1 <= m <= 12`, `1 <= d <= 31`, years
// of the generator's window), where every intermediate value is below 2^27.
#[allow(clippy::arithmetic_side_effects)]
const fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i32;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// 2019-01-01, day 0.
const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(2019, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// Days covered by the lookup table: 2019-01-01 ..= 2025-12-31.
const TABLE_DAYS: usize = 2_557;

/// The date of day number `d`.
pub(crate) fn date(d: i32) -> NaiveDate {
    static TABLE: OnceLock<Vec<NaiveDate>> = OnceLock::new();
    let table = TABLE.get_or_init(|| (0..TABLE_DAYS as i32).map(compute_date).collect());
    usize::try_from(d).ok().and_then(|i| table.get(i).copied()).unwrap_or_else(|| compute_date(d))
}

fn compute_date(d: i32) -> NaiveDate {
    EPOCH.checked_add_signed(chrono::TimeDelta::days(i64::from(d))).unwrap_or(EPOCH)
}

/// `date` as ISO `YYYY-MM-DD` bytes, for years 0..=9999.
pub(crate) fn iso(date: NaiveDate) -> [u8; 10] {
    let y = date.year().clamp(0, 9999) as u32;
    let m = date.month();
    let d = date.day();
    // Cannot overflow: `n % 10 < 10`, so the digit is at most `b'9'`.
    #[allow(clippy::arithmetic_side_effects)]
    let digit = |n: u32| b'0' + (n % 10) as u8;
    [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(d / 10),
        digit(d),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_match_chrono() {
        for (y, m, d) in [(2019, 1, 1), (2020, 2, 29), (2023, 1, 1), (2024, 12, 31), (2025, 12, 31)] {
            let n = day(y, m, d);
            let expected = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(date(n), expected, "{y}-{m}-{d}");
        }
        assert_eq!(day(2019, 1, 1), 0);
        assert_eq!(day(2023, 1, 1), 1461);
        assert_eq!(day(2025, 12, 31), 2556);
        assert_eq!(TABLE_DAYS as i32, day(2025, 12, 31) + 1);
        assert_eq!(date(-1), NaiveDate::from_ymd_opt(2018, 12, 31).unwrap());
        assert_eq!(date(3000), compute_date(3000));
    }

    #[test]
    fn iso_matches_chrono_display() {
        for n in [0, 59, 424, 1461, 2000, 2556] {
            let d = date(n);
            assert_eq!(std::str::from_utf8(&iso(d)).unwrap(), d.to_string());
        }
    }
}
