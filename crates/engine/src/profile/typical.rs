//! The typical customer of a segment: the median of each number, the most common level of each
//! category, the median of each date, and the few traits that most set the segment apart. Only
//! traits whose difference is significant after the correction are ever called out.

use serde::{Deserialize, Serialize};

use super::categories::CategoryTrait;
use super::dates::DateTrait;
use super::numbers::NumberTrait;
use super::sentences;

/// One column's typical value in a segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypicalValue {
    /// The column.
    pub column: String,
    /// The value in words: "age: 34 (median)", "urbanicity: Urban (62.0%)".
    pub text: String,
}

/// A trait that sets a segment apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Callout {
    /// The column.
    pub column: String,
    /// The level, for a category.
    pub level: Option<String>,
    /// The segment's index on it (share or mean against everyone's, × 100).
    pub index: Option<f64>,
    /// Its correlation with being in the segment (see [`super::TraitTest::strength`]).
    pub strength: f64,
    /// Its adjusted p-value.
    pub adjusted_p: f64,
    /// What it says: "62.0% Urban in urbanicity vs 41.9% overall (index 148)".
    pub sentence: String,
}

/// A segment's typical customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypicalCustomer {
    /// The segment.
    pub segment: String,
    /// Per profiled column, in the order numbers, categories, dates.
    pub values: Vec<TypicalValue>,
    /// The traits that most set it apart, strongest first, at most one per column.
    pub callouts: Vec<Callout>,
}

/// The typical customer of segment `s` (named `segment`), with at most `callouts` call-outs.
pub(crate) fn typical_customer(
    s: usize,
    segment: &str,
    numbers: &[NumberTrait],
    categories: &[CategoryTrait],
    dates: &[DateTrait],
    callouts: usize,
) -> TypicalCustomer {
    let mut values = Vec::new();
    let mut candidates: Vec<Callout> = Vec::new();
    for t in numbers {
        let Some(seg) = t.segments.get(s) else { continue };
        if let Some(st) = seg.summary.stats {
            values
                .push(TypicalValue { column: t.column.clone(), text: sentences::typical_number(&t.column, st.median) });
        }
        if let (Some(test), Some(mine), Some(all)) = (seg.test, seg.summary.stats, t.all.stats) {
            if test.significant {
                candidates.push(Callout {
                    column: t.column.clone(),
                    level: None,
                    index: seg.index,
                    strength: test.strength,
                    adjusted_p: test.adjusted_p,
                    sentence: sentences::number_callout(&t.column, &mine, &all),
                });
            }
        }
    }
    for t in categories {
        if let Some((level, share)) = t.mode(s) {
            values.push(TypicalValue {
                column: t.column.clone(),
                text: sentences::typical_level(&t.column, level, t.flag, share),
            });
        }
        let Some(seg) = t.segments.get(s) else { continue };
        for ((level, mine), all) in t.levels.iter().zip(&seg.levels).zip(&t.all.levels) {
            let (Some(test), Some(index)) = (mine.test, mine.index) else { continue };
            if test.significant {
                candidates.push(Callout {
                    column: t.column.clone(),
                    level: Some(level.clone()),
                    index: Some(index),
                    strength: test.strength,
                    adjusted_p: test.adjusted_p,
                    sentence: sentences::level_callout(&t.column, level, t.flag, mine.share.share, all.share, index),
                });
            }
        }
    }
    for t in dates {
        if let Some(median) = t.segments.get(s).and_then(|d| d.median.as_deref()) {
            values.push(TypicalValue { column: t.column.clone(), text: sentences::typical_date(&t.column, median) });
        }
    }
    TypicalCustomer { segment: segment.to_string(), values, callouts: strongest(candidates, callouts) }
}

/// The `n` strongest call-outs, at most one per column: by |strength|, then the one the segment
/// has more of, then by column and level name.
fn strongest(mut candidates: Vec<Callout>, n: usize) -> Vec<Callout> {
    candidates.sort_by(|a, b| {
        b.strength
            .abs()
            .total_cmp(&a.strength.abs())
            .then_with(|| b.strength.total_cmp(&a.strength))
            .then_with(|| a.column.cmp(&b.column))
            .then_with(|| a.level.cmp(&b.level))
    });
    let mut chosen: Vec<Callout> = Vec::new();
    for c in candidates {
        if chosen.len() >= n {
            break;
        }
        if !chosen.iter().any(|k| k.column == c.column) {
            chosen.push(c);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callout(column: &str, level: &str, strength: f64) -> Callout {
        Callout {
            column: column.into(),
            level: Some(level.into()),
            index: None,
            strength,
            adjusted_p: 0.001,
            sentence: String::new(),
        }
    }

    #[test]
    fn the_strongest_traits_come_first_one_per_column() {
        let chosen = strongest(
            vec![
                callout("area", "rural", -0.4),
                callout("area", "urban", 0.4),
                callout("age", "-", 0.1),
                callout("plan", "gold", -0.3),
            ],
            2,
        );
        let got: Vec<(&str, Option<&str>)> = chosen.iter().map(|c| (c.column.as_str(), c.level.as_deref())).collect();
        assert_eq!(got, [("area", Some("urban")), ("plan", Some("gold"))]);
    }
}
