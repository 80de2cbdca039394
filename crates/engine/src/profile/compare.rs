//! Two segments side by side, or a segment against everyone else: both profiles, and the
//! differences between them with their effect sizes and significance, largest first.
//!
//! The comparison is a profile of a two-segment segmentation of only the customers in either
//! segment (the first against the second is then the first against "the rest"), so every
//! statistic, test and correction is the profile's own.

use serde::{Deserialize, Serialize};

use super::{compute, KpiColumns, Profile, ProfileData, ProfileError, TraitTest, ValidProfileOptions};
use crate::assignment::{Assignment, Segment};
use crate::clv::ClvRow;
use crate::format;
use crate::progress::Monitor;
use crate::table::ColumnData;

/// The name of the second group when a segment is compared with everyone else.
pub const EVERYONE_ELSE: &str = "Everyone else";

/// One difference between the two groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The column.
    pub column: String,
    /// The level, for a category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The first group's value: a category level's share, a number's mean.
    pub first: f64,
    /// The second group's value.
    pub second: f64,
    /// The first's value ÷ the second's × 100 (none when the second's is 0).
    pub index: Option<f64>,
    /// The first group against the second.
    pub test: TraitTest,
    /// The difference in words.
    pub sentence: String,
}

/// Two groups compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The first group's name.
    pub first: String,
    /// The second group's name (a segment, or [`EVERYONE_ELSE`]).
    pub second: String,
    /// The profile of the two groups (two segments; "all customers" is both together).
    pub profile: Profile,
    /// The significant differences, the strongest first (by the trait's correlation with being
    /// in the first group).
    pub differences: Vec<Difference>,
}

/// Compares segment `first` of `assignment` with segment `second`, or with everyone else when
/// `second` is `None`, on `data`.
///
/// # Errors
/// [`ProfileError::NoSuchSegment`] for a segment that is not there, [`ProfileError::SameSegment`]
/// for a segment compared with itself, what [`compute`] returns otherwise.
pub fn compare(
    data: &ProfileData<'_>,
    assignment: &Assignment,
    first: u32,
    second: Option<u32>,
    options: &ValidProfileOptions,
    monitor: &mut dyn Monitor,
) -> Result<Comparison, ProfileError> {
    let segments = assignment.segments.len();
    let name = |code: u32| {
        assignment
            .segments
            .get(code as usize)
            .map(|s| s.name.clone())
            .ok_or(ProfileError::NoSuchSegment { code, segments })
    };
    let first_name = name(first)?;
    let second_name = match second {
        Some(s) if s == first => return Err(ProfileError::SameSegment { segment: first_name }),
        Some(s) => name(s)?,
        None => EVERYONE_ELSE.to_string(),
    };
    let two = |codes: Vec<u32>| Assignment {
        title: format!("{first_name} and {second_name}"),
        segments: vec![Segment { name: first_name.clone() }, Segment { name: second_name.clone() }],
        codes,
    };
    let profile =
        match second {
            None => {
                let codes = assignment.codes.iter().map(|&c| u32::from(c != first)).collect();
                compute(data, &two(codes), options, monitor)?
            }
            Some(second) => {
                let rows: Vec<usize> = (0..assignment.rows())
                    .filter(|&r| matches!(assignment.codes.get(r), Some(&c) if c == first || c == second))
                    .collect();
                let codes = rows.iter().map(|&r| u32::from(assignment.codes.get(r) != Some(&first))).collect();
                let taken: Vec<ColumnData> = data.columns.iter().map(|(_, d)| d.take(&rows)).collect();
                let columns: Vec<(&str, &ColumnData)> =
                    data.columns.iter().zip(&taken).map(|((n, _), d)| (*n, d)).collect();
                let kpi = data.transactions.map(|k| {
                    (k.orders.take(&rows), k.revenue.take(&rows), k.last_order_date.take(&rows), k.latest_transaction)
                });
                let transactions = kpi.as_ref().map(|(orders, revenue, last_order_date, latest_transaction)| {
                    KpiColumns { orders, revenue, last_order_date, latest_transaction: *latest_transaction }
                });
                let clv: Option<Vec<ClvRow>> =
                    data.clv.map(|all| rows.iter().filter_map(|&r| all.get(r).cloned()).collect());
                let sub = ProfileData { columns: &columns, transactions, clv: clv.as_deref() };
                compute(&sub, &two(codes), options, monitor)?
            }
        };
    let differences = differences(&profile, &first_name, &second_name);
    Ok(Comparison { first: first_name, second: second_name, profile, differences })
}

/// The first segment's significant traits against the second, the strongest first.
fn differences(profile: &Profile, first: &str, second: &str) -> Vec<Difference> {
    let mut out = Vec::new();
    for n in &profile.numbers {
        let (Some(a), Some(b)) = (n.segments.first(), n.segments.get(1)) else { continue };
        let (Some(test), Some(sa), Some(sb)) = (a.test, a.summary.stats.as_ref(), b.summary.stats.as_ref()) else {
            continue;
        };
        let sentence = format!(
            "mean {} {} in {first} vs {} in {second}",
            format::words(&n.column),
            format::number(sa.mean),
            format::number(sb.mean)
        );
        out.push(Difference {
            column: n.column.clone(),
            level: None,
            first: sa.mean,
            second: sb.mean,
            index: ratio(sa.mean, sb.mean),
            test,
            sentence,
        });
    }
    for c in &profile.categories {
        let (Some(a), Some(b)) = (c.segments.first(), c.segments.get(1)) else { continue };
        for (l, level) in c.levels.iter().enumerate() {
            let (Some(la), Some(lb)) = (a.levels.get(l), b.levels.get(l)) else { continue };
            let Some(test) = la.test else { continue };
            let sentence = format!(
                "{} {level} in {first} vs {} in {second} ({})",
                format::share(la.share.share),
                format::share(lb.share.share),
                format::words(&c.column)
            );
            out.push(Difference {
                column: c.column.clone(),
                level: Some(level.clone()),
                first: la.share.share,
                second: lb.share.share,
                index: ratio(la.share.share, lb.share.share),
                test,
                sentence,
            });
        }
    }
    out.retain(|d| d.test.significant);
    out.sort_by(|a, b| b.test.strength.abs().total_cmp(&a.test.strength.abs()));
    out
}

/// `a` ÷ `b` × 100, when `b` is not 0.
fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0 && a.is_finite() && b.is_finite()).then(|| a / b * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ProfileOptions;
    use crate::progress::Quiet;

    /// Three segments of 150: A spends about 300, B and C about 100; A is mostly urban, B and C not.
    fn data() -> (ColumnData, ColumnData, Assignment) {
        let spend = ColumnData::Decimal {
            values: (0..450).map(|i| Some(if i < 150 { 300.0 } else { 100.0 } + f64::from(i % 11))).collect(),
            scale: 0,
        };
        let area = ColumnData::Categorical {
            dictionary: vec!["Rural".into(), "Urban".into()],
            codes: (0..450).map(|i| Some(u32::from(if i < 150 { i % 4 != 0 } else { i % 4 == 0 }))).collect(),
        };
        let a = Assignment {
            title: "t".into(),
            segments: ["A", "B", "C"].iter().map(|n| Segment { name: (*n).into() }).collect(),
            codes: (0..450).map(|i| (i / 150) as u32).collect(),
        };
        (spend, area, a)
    }

    fn valid() -> ValidProfileOptions {
        ProfileOptions::default().check().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn two_segments_are_compared_on_their_own_customers_only() {
        let (spend, area, a) = data();
        let columns = [("spend", &spend), ("area", &area)];
        let c = compare(&ProfileData::new(&columns), &a, 0, Some(1), &valid(), &mut Quiet)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((c.first.as_str(), c.second.as_str()), ("A", "B"));
        assert_eq!(c.profile.customers, 300, "A and B only");
        assert_eq!(c.profile.segments.iter().map(|s| s.count).collect::<Vec<_>>(), [150, 150]);
        let spend = c.differences.iter().find(|d| d.column == "spend").unwrap_or_else(|| panic!("{:?}", c.differences));
        assert!(spend.first > 290.0 && spend.second < 110.0 && spend.index.is_some_and(|i| i > 250.0));
        assert!(spend.sentence.starts_with("mean spend "), "{}", spend.sentence);
        assert!(c.differences.iter().any(|d| d.level.as_deref() == Some("Urban")));
        assert!(c.differences.windows(2).all(|w| w[0].test.strength.abs() >= w[1].test.strength.abs()));
    }

    #[test]
    fn a_segment_against_everyone_else_uses_every_customer() {
        let (spend, area, a) = data();
        let columns = [("spend", &spend), ("area", &area)];
        let c =
            compare(&ProfileData::new(&columns), &a, 1, None, &valid(), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.second, EVERYONE_ELSE);
        assert_eq!(c.profile.customers, 450);
        assert_eq!(c.profile.segments[0].count, 150);
    }

    #[test]
    fn a_segment_compared_with_itself_or_a_missing_one_is_a_sentence() {
        let (spend, area, a) = data();
        let columns = [("spend", &spend), ("area", &area)];
        let same = compare(&ProfileData::new(&columns), &a, 1, Some(1), &valid(), &mut Quiet).unwrap_err();
        assert_eq!(
            same.to_string(),
            "“B” is compared with itself; choose two different segments, or compare it with everyone else."
        );
        let missing = compare(&ProfileData::new(&columns), &a, 7, None, &valid(), &mut Quiet).unwrap_err();
        assert!(matches!(missing, ProfileError::NoSuchSegment { code: 7, segments: 3 }));
    }
}
