//! The profile's plain-words sentences: what a segment's call-outs, typical values, niches and
//! KPI definitions say. Numbers go through [`crate::format`] (DECISIONS 24).

use crate::format;
use crate::stats::NumericSummary;

/// A number trait that sets a segment apart: its median beside everyone's, or its mean when the
/// medians are the same ("median revenue 1,240 vs 610 overall", "mean orders 3.4 vs 2.1 overall").
pub(crate) fn number_callout(column: &str, segment: &NumericSummary, all: &NumericSummary) -> String {
    let (what, mine, theirs) = if format::number(segment.median) != format::number(all.median) {
        ("median", segment.median, all.median)
    } else {
        ("mean", segment.mean, all.mean)
    };
    format!("{what} {} {} vs {} overall", format::words(column), format::number(mine), format::number(theirs))
}

/// A level that sets a segment apart: "62.0% Urban in urbanicity vs 41.9% overall (index 148)";
/// for a yes/no column "72.0% with email opt in vs 55.4% overall (index 130)" (or "without").
pub(crate) fn level_callout(column: &str, level: &str, flag: bool, share: f64, overall: f64, index: f64) -> String {
    let what = if flag { yes_no(column, level) } else { format!("{level} in {}", format::words(column)) };
    format!("{} {what} vs {} overall (index {})", format::share(share), format::share(overall), format::index(index))
}

/// A typical number: "age: 34 (median)".
pub(crate) fn typical_number(column: &str, median: f64) -> String {
    format!("{}: {} (median)", format::words(column), format::number(median))
}

/// A typical level: "urbanicity: Urban (62.0%)"; for a yes/no column "email opt in: yes (72.0%)".
pub(crate) fn typical_level(column: &str, level: &str, flag: bool, share: f64) -> String {
    let level = match (flag, level) {
        (true, "true") => "yes",
        (true, _) => "no",
        (false, l) => l,
    };
    format!("{}: {level} ({})", format::words(column), format::share(share))
}

/// A typical date: "signup date: 2023-04-01 (median)".
pub(crate) fn typical_date(column: &str, median: &str) -> String {
    format!("{}: {median} (median)", format::words(column))
}

/// A niche: "Champions, urbanicity Urban: 3.2% of customers (64), mean revenue 1,240 vs 610 overall (index 203)".
pub(crate) fn niche(label: &str, size: u64, share: f64, value: &str, mean: f64, overall: f64, index: f64) -> String {
    format!(
        "{label}: {} of customers ({}), mean {} {} vs {} overall (index {})",
        format::share(share),
        format::count(size),
        format::words(value),
        format::number(mean),
        format::number(overall),
        format::index(index)
    )
}

/// A segment's cut by one level: "city Lyon"; for a yes/no column "with email opt in" (or "without").
pub(crate) fn cut(column: &str, level: &str, flag: bool) -> String {
    if flag {
        yes_no(column, level)
    } else {
        format!("{} {level}", format::words(column))
    }
}

/// A yes/no column's level: "with email opt in" for `true`, "without email opt in" for `false`.
fn yes_no(column: &str, level: &str) -> String {
    format!("{} {}", if level == "true" { "with" } else { "without" }, format::words(column))
}

/// What the churn proxy counts, in words.
pub(crate) fn lapsed_definition(cutoff: i32, lapsed_days: u32, as_of: i32) -> String {
    format!(
        "The share of customers with at least one order whose last order was before {} ({} days before the \
         as-of date {}); customers without an order are not counted.",
        format::date(cutoff),
        format::thousands(lapsed_days),
        format::date(as_of)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(median: f64, mean: f64) -> NumericSummary {
        NumericSummary { min: 0.0, q1: 0.0, median, q3: 0.0, max: 0.0, mean }
    }

    #[test]
    fn a_number_is_said_by_its_median_unless_the_medians_read_the_same() {
        assert_eq!(
            number_callout("revenue", &summary(1240.4, 1500.0), &summary(610.0, 800.0)),
            "median revenue 1,240 vs 610 overall"
        );
        assert_eq!(number_callout("orders", &summary(2.0, 3.4), &summary(2.0, 2.1)), "mean orders 3.4 vs 2.1 overall");
    }

    #[test]
    fn a_level_is_said_with_its_share_the_overall_share_and_the_index() {
        assert_eq!(
            level_callout("urbanicity", "Urban", false, 0.62, 0.419, 147.97),
            "62.0% Urban in urbanicity vs 41.9% overall (index 148)"
        );
        assert_eq!(
            level_callout("email_opt_in", "true", true, 0.72, 0.554, 130.0),
            "72.0% with email opt in vs 55.4% overall (index 130)"
        );
        assert_eq!(typical_level("email_opt_in", "false", true, 0.6), "email opt in: no (60.0%)");
    }

    #[test]
    fn niches_and_the_churn_proxy_are_said_in_full() {
        assert_eq!(
            niche("Champions, urbanicity Urban", 64, 0.032, "revenue", 1240.0, 610.0, 203.3),
            "Champions, urbanicity Urban: 3.2% of customers (64), mean revenue 1,240 vs 610 overall (index 203)"
        );
        assert_eq!(
            lapsed_definition(19_723 - 365, 365, 19_723),
            "The share of customers with at least one order whose last order was before 2023-01-01 (365 days \
             before the as-of date 2024-01-01); customers without an order are not counted."
        );
    }
}
