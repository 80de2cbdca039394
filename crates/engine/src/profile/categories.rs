//! A category across the segments: each level's count and share in each segment (shares of the
//! customers with a value), its index against everyone (segment share ÷ overall share × 100),
//! and a chi-square test per level of the segment against the rest.

use serde::{Deserialize, Serialize};

use super::columns::Levels;
use super::significance::{untested, TestKind, TraitTest};
use crate::stats::significance::{chi_square, ContingencyTable, YatesCorrection};

/// A level's count and share in a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelShare {
    /// Customers with this level.
    pub count: u64,
    /// Their share of the group's customers with a value, 0..=1.
    pub share: f64,
}

/// How all customers are spread over the levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Customers with a value.
    pub count: u64,
    /// Customers without one.
    pub missing: u64,
    /// Per level, in the trait's level order.
    pub levels: Vec<LevelShare>,
}

/// One level in one segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelInSegment {
    /// Count and share in the segment.
    #[serde(flatten)]
    pub share: LevelShare,
    /// The segment's share ÷ everyone's share × 100 (none when the segment has no values).
    pub index: Option<f64>,
    /// This level in the segment against the rest.
    pub test: Option<TraitTest>,
    /// Why there is no test, when there is none.
    pub untested: Option<String>,
}

/// How one segment is spread over the levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentDistribution {
    /// Customers in the segment with a value.
    pub count: u64,
    /// Customers in the segment without one.
    pub missing: u64,
    /// Per level, in the trait's level order.
    pub levels: Vec<LevelInSegment>,
}

/// A category across the segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryTrait {
    /// The column.
    pub column: String,
    /// True for a yes/no column (levels `false` and `true`).
    pub flag: bool,
    /// The levels someone has, most common overall first (ties by name).
    pub levels: Vec<String>,
    /// All customers.
    pub all: Distribution,
    /// Per segment, in the segmentation's order.
    pub segments: Vec<SegmentDistribution>,
}

impl CategoryTrait {
    /// The most common level of segment `s` (ties: the first by name, as pandas' `mode`), with its share.
    pub fn mode(&self, s: usize) -> Option<(&str, f64)> {
        let seg = self.segments.get(s)?;
        let best = self
            .levels
            .iter()
            .zip(&seg.levels)
            .filter(|(_, l)| l.share.count > 0)
            .max_by(|a, b| a.1.share.count.cmp(&b.1.share.count).then_with(|| b.0.cmp(a.0)))?;
        Some((best.0.as_str(), best.1.share.share))
    }
}

fn share(count: u64, of: u64) -> f64 {
    if of == 0 {
        0.0
    } else {
        count as f64 / of as f64
    }
}

/// Phi, the correlation of two yes/no traits from their 2 × 2 table [[a, b], [c, d]]:
/// (ad − bc) / √((a+b)(c+d)(a+c)(b+d)); 0 when a margin is empty.
pub(crate) fn phi(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (a, b, c, d) = (a as f64, b as f64, c as f64, d as f64);
    let denominator = ((a + b) * (c + d) * (a + c) * (b + d)).sqrt();
    if denominator == 0.0 {
        0.0
    } else {
        (a * d - b * c) / denominator
    }
}

/// Profiles the category `column` over the segments `codes` (one per row, each below `segments`).
pub(crate) fn category_trait(column: &str, levels: &Levels<'_>, codes: &[u32], segments: usize) -> CategoryTrait {
    let k = levels.names.len();
    // Per segment, per level (the counts count rows, so adding one never saturates).
    let mut counts = vec![vec![0u64; k]; segments];
    let mut missing = vec![0u64; segments];
    for (level, &code) in levels.codes.iter().zip(codes) {
        let s = code as usize;
        match level {
            Some(l) if (*l as usize) < k => counts
                .get_mut(s)
                .and_then(|row| row.get_mut(*l as usize))
                .into_iter()
                .for_each(|c| *c = c.saturating_add(1)),
            _ => missing.get_mut(s).into_iter().for_each(|m| *m = m.saturating_add(1)),
        }
    }
    let total = |l: usize| counts.iter().map(|row| row.get(l).copied().unwrap_or(0)).sum::<u64>();
    // Levels someone has, most common first, ties by name.
    let mut order: Vec<(usize, u64)> = (0..k).map(|l| (l, total(l))).filter(|(_, t)| *t > 0).collect();
    let name = |l: usize| levels.names.get(l).map_or("", String::as_str);
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(a.0).cmp(name(b.0))));
    let all_count: u64 = order.iter().map(|(_, t)| t).sum();
    let all = Distribution {
        count: all_count,
        missing: missing.iter().sum(),
        levels: order.iter().map(|&(_, t)| LevelShare { count: t, share: share(t, all_count) }).collect(),
    };
    let segments_out = (0..segments)
        .map(|s| {
            let row = counts.get(s).map_or(&[][..], Vec::as_slice);
            let n: u64 = row.iter().sum();
            let levels_out = order
                .iter()
                .map(|&(l, level_total)| {
                    let a = row.get(l).copied().unwrap_or(0);
                    let seg_share = share(a, n);
                    // Segment/rest × this level/any other. None saturates: a ≤ n (the segment's count of
                    // the level, and of all levels); a ≤ level_total (the level's count in every segment); and
                    // c ≤ all_count − n (the level's count in the other segments, of their count of all levels).
                    let (b, c) = (n.saturating_sub(a), level_total.saturating_sub(a));
                    let d = all_count.saturating_sub(n).saturating_sub(c);
                    let tested = ContingencyTable::new(&[vec![a, b], vec![c, d]]).map(|table| {
                        let t = chi_square(&table, YatesCorrection::WhenOneDegreeOfFreedom);
                        TraitTest::raw(TestKind::ChiSquare, t.statistic, t.p_value, t.cramers_v, phi(a, b, c, d))
                    });
                    LevelInSegment {
                        share: LevelShare { count: a, share: seg_share },
                        index: (n > 0).then(|| seg_share / share(level_total, all_count) * 100.0),
                        untested: tested.as_ref().err().map(untested),
                        test: tested.ok(),
                    }
                })
                .collect();
            SegmentDistribution { count: n, missing: missing.get(s).copied().unwrap_or(0), levels: levels_out }
        })
        .collect();
    CategoryTrait {
        column: column.to_string(),
        flag: levels.flag,
        levels: order.iter().map(|&(l, _)| name(l).to_string()).collect(),
        all,
        segments: segments_out,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn levels(names: &[&str], codes: &[Option<u32>]) -> Levels<'static> {
        Levels {
            names: Cow::Owned(names.iter().map(|s| s.to_string()).collect()),
            codes: Cow::Owned(codes.to_vec()),
            flag: false,
        }
    }

    #[test]
    fn shares_are_of_customers_with_a_value_and_index_is_against_everyone() {
        // Segment 0: urban, urban, rural, missing. Segment 1: rural, rural, rural, urban.
        let l = levels(
            &["rural", "urban", "unused"],
            &[Some(1), Some(1), Some(0), None, Some(0), Some(0), Some(0), Some(1)],
        );
        let t = category_trait("area", &l, &[0, 0, 0, 0, 1, 1, 1, 1], 2);
        assert_eq!(t.levels, ["rural", "urban"], "most common first; levels nobody has are left out");
        assert_eq!((t.all.count, t.all.missing), (7, 1));
        let urban = &t.segments[0].levels[1];
        assert_eq!((urban.share.count, urban.share.share), (2, 2.0 / 3.0));
        assert_eq!(urban.index, Some((2.0 / 3.0) / (3.0 / 7.0) * 100.0));
        assert_eq!(t.segments[0].missing, 1);
    }

    #[test]
    fn each_level_is_tested_on_its_two_by_two_table_with_yates() {
        let codes: Vec<Option<u32>> = (0..100).map(|i| Some(u32::from(i < 30 || (50..60).contains(&i)))).collect();
        let segments: Vec<u32> = (0..100).map(|i| u32::from(i >= 50)).collect();
        let t = category_trait("x", &levels(&["no", "yes"], &codes), &segments, 2);
        // Segment 0 has 30 of 50 "yes", the rest 10 of 50: scipy.stats.chi2_contingency([[30, 20], [10, 40]]).
        let yes = t.segments[0].levels.iter().zip(&t.levels).find(|(_, n)| *n == "yes").map(|(l, _)| l);
        let test = yes.and_then(|l| l.test).unwrap_or_else(|| panic!("no test"));
        assert!((test.statistic - 15.041_666_666_666_666).abs() < 1e-12, "{}", test.statistic);
        assert!((test.strength - phi(30, 20, 10, 40)).abs() < 1e-15 && test.strength > 0.0);
        assert_eq!(t.mode(0), Some(("yes", 0.6)));
    }

    #[test]
    fn a_level_everyone_has_is_described_but_not_tested() {
        let t = category_trait("x", &levels(&["a"], &[Some(0), Some(0), Some(0)]), &[0, 1, 1], 2);
        assert!(t.segments[0].levels[0].test.is_none());
        assert!(t.segments[0].levels[0].untested.as_deref().is_some_and(|r| r.contains("every customer")));
        assert_eq!(t.segments[0].levels[0].index, Some(100.0));
    }
}
