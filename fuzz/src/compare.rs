//! Comparisons for the differential targets: two readings that must agree, compared exactly,
//! with a message showing both when they do not.

use std::fmt::Debug;

/// Panics (a finding) when `a` and `b` differ. Values unequal by `==` are compared again as
/// their `Debug` text, so a NaN read the same way twice counts as the same value.
pub fn same<T: Debug + PartialEq>(what: &str, a: &T, b: &T) {
    if a == b {
        return;
    }
    let (a, b) = (format!("{a:#?}"), format!("{b:#?}"));
    if a != b {
        let first = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
        let show = |s: &str| s.lines().skip(first.saturating_sub(8)).take(24).collect::<Vec<_>>().join("\n");
        panic!("{what} differ (first difference at line {first}):\n--- one\n{}\n--- other\n{}", show(&a), show(&b));
    }
}
