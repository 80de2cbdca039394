//! The niche finder: small groups of customers worth far more than the average. Candidates are
//! the segments themselves and every segment cut by one level of one more category; a niche is a
//! candidate between the smallest and largest share (DECISIONS 16: 0.5% and 10% of customers)
//! whose index on the value column (its mean ÷ everyone's mean × 100) is at least the chosen
//! index (150) with a significant difference: Welch's t against everyone else, the p-values of
//! all candidates in the size range adjusted together.

use serde::{Deserialize, Serialize};

use super::columns::{classify, Kind};
use super::errors::ProfileError;
use super::numbers::{index_of, Spread};
use super::params::{NicheParams, ValidNicheParams};
use super::sentences;
use crate::assignment::Assignment;
use crate::progress::{Monitor, Stage};
use crate::stats::significance::{adjust_p_values, welch_from_moments, CompensatedSum};
use crate::table::ColumnData;

/// A group of customers that stands out on the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Niche {
    /// The segment it is in.
    pub segment: String,
    /// The category that cuts the segment, for a sub-segment.
    pub column: Option<String>,
    /// The category's level, for a sub-segment.
    pub level: Option<String>,
    /// The group in words: "Champions" or "Champions, urbanicity Urban".
    pub label: String,
    /// Customers in it.
    pub size: u64,
    /// Their share of all customers.
    pub share: f64,
    /// Its mean value (over its customers with a value).
    pub mean: f64,
    /// Its mean ÷ everyone's mean × 100.
    pub index: f64,
    /// Welch's t-test against everyone else: the two-sided p-value.
    pub p_value: f64,
    /// The p-value adjusted across all candidates tested.
    pub adjusted_p: f64,
    /// What it says, in words.
    pub sentence: String,
}

/// What the niche finder found, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NicheReport {
    /// The settings as checked.
    pub params: NicheParams,
    /// The value column's mean over all customers with a value.
    pub overall_mean: f64,
    /// Candidates in the size range that could be tested (the correction's family).
    pub candidates: u64,
    /// The niches, highest index first (then larger first, then by label).
    pub niches: Vec<Niche>,
}

/// A group of customers: a segment, or a segment and a level of one category.
struct Candidate {
    segment: usize,
    cut: Option<(String, String, bool)>,
    size: u64,
    spread: Spread,
}

/// Per group: customers, and the spread of the value over those with one.
fn group_spreads(
    value: &ColumnData,
    groups: usize,
    group_of: impl Fn(usize) -> Option<usize>,
) -> (Vec<u64>, Vec<Spread>) {
    let mut size = vec![0u64; groups];
    let mut sums = vec![CompensatedSum::default(); groups];
    let mut n = vec![0u64; groups];
    for row in 0..value.len() {
        let Some(g) = group_of(row) else { continue };
        // Both count rows: they never saturate.
        size.get_mut(g).into_iter().for_each(|s| *s = s.saturating_add(1));
        if let Some(v) = value.number(row) {
            sums.get_mut(g).into_iter().for_each(|s| s.add(v));
            n.get_mut(g).into_iter().for_each(|c| *c = c.saturating_add(1));
        }
    }
    let means: Vec<f64> = sums.iter().zip(&n).map(|(s, &c)| if c > 0 { s.total() / c as f64 } else { 0.0 }).collect();
    let mut m2 = vec![CompensatedSum::default(); groups];
    for row in 0..value.len() {
        let (Some(g), Some(v)) = (group_of(row), value.number(row)) else { continue };
        if let (Some(acc), Some(mean)) = (m2.get_mut(g), means.get(g)) {
            acc.add((v - mean) * (v - mean));
        }
    }
    let spreads = (0..groups)
        .map(|g| Spread {
            n: n.get(g).copied().unwrap_or(0),
            sum: sums.get(g).map_or(0.0, |s| s.total()),
            mean: means.get(g).copied().unwrap_or(0.0),
            m2: m2.get(g).map_or(0.0, |s| s.total()),
        })
        .collect();
    (size, spreads)
}

/// Finds the niches of `assignment` on the value `params` name, reading `columns` (one value per
/// customer of the segmentation).
///
/// ```
/// use segscope_engine::assignment::{Assignment, Segment};
/// use segscope_engine::profile::{find_niches, NicheParams};
/// use segscope_engine::progress::Quiet;
/// use segscope_engine::table::ColumnData;
///
/// // 1,000 customers; the 40 "Gold" ones spend about 500, everyone else about 100.
/// let spend = ColumnData::Decimal { values: (0..1000).map(|i| Some(if i < 40 { 500.0 } else { 100.0 } + f64::from(i % 5))).collect(), scale: 0 };
/// let columns = [("spend", &spend)];
/// let segments = vec![Segment { name: "Gold".into() }, Segment { name: "Others".into() }];
/// let assignment = Assignment { title: "Tiers".into(), segments, codes: (0..1000).map(|i| u32::from(i >= 40)).collect() };
/// let params = NicheParams { value: "spend".into(), ..Default::default() }.check(&columns).unwrap_or_else(|e| panic!("{e}"));
/// let report = find_niches(&columns, &assignment, &params, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
/// assert_eq!(report.niches.len(), 1);
/// assert_eq!((report.niches[0].label.as_str(), report.niches[0].size), ("Gold", 40));
/// assert!(report.niches[0].index > 400.0);
/// ```
///
/// # Errors
/// [`ProfileError::RowsDiffer`] or [`ProfileError::UnknownSegment`] when the columns and the
/// segmentation do not fit; [`ProfileError::NoPositiveMean`] when the value's overall mean is
/// not above 0; [`ProfileError::Cancelled`] when `monitor` asks to stop.
pub fn find_niches(
    columns: &[(&str, &ColumnData)],
    assignment: &Assignment,
    params: &ValidNicheParams,
    monitor: &mut dyn Monitor,
) -> Result<NicheReport, ProfileError> {
    super::check_fit(columns, assignment)?;
    let rows = assignment.rows();
    let value = columns.iter().rev().find(|(n, _)| *n == params.value).map(|(_, d)| *d).ok_or_else(|| {
        ProfileError::UnknownColumn {
            name: params.value.clone(),
            purpose: "the niche finder's value",
            available: super::columns::list_numbers(columns),
        }
    })?;
    let cuts: Vec<&(&str, &ColumnData)> =
        columns.iter().filter(|(n, _)| *n != params.value && !params.leave_out.iter().any(|l| l == n)).collect();
    // Progress units (rows × columns): far below u64::MAX, so they never saturate.
    let units = (rows as u64).saturating_mul((cuts.len() as u64).saturating_add(1));
    let mut stage = Stage::start(monitor, "Looking for niches", units, 1)?;
    let segments = assignment.segments.len();
    let codes = &assignment.codes;
    let (sizes, spreads) = group_spreads(value, segments, |r| codes.get(r).map(|&c| c as usize));
    let all = spreads.iter().fold(Spread::default(), |acc, s| combine(&acc, s));
    if !(all.n > 0 && all.mean > 0.0) {
        return Err(ProfileError::NoPositiveMean { column: params.value.clone(), mean: all.mean });
    }
    let mut candidates: Vec<Candidate> = sizes
        .iter()
        .zip(&spreads)
        .enumerate()
        .map(|(segment, (&size, &spread))| Candidate { segment, cut: None, size, spread })
        .collect();
    stage.advance(rows as u64)?;
    for (name, data) in cuts {
        if let Kind::Category(levels) = classify(name, data) {
            let k = levels.names.len();
            // Group segment × k + level for each segment and level. More groups than a usize counts
            // could not be held in memory: such a column is no cut.
            let Some(groups) = segments.checked_mul(k) else {
                stage.advance(rows as u64)?;
                continue;
            };
            let (sub_sizes, sub_spreads) = group_spreads(value, groups, |r| {
                let level = levels.codes.get(r).copied().flatten()? as usize;
                if level >= k {
                    return None;
                }
                (*codes.get(r)? as usize).checked_mul(k)?.checked_add(level)
            });
            // The groups in order: segment by segment, level by level.
            let cells = (0..segments).flat_map(|segment| (0..k).map(move |level| (segment, level)));
            for ((segment, level), (&size, &spread)) in cells.zip(sub_sizes.iter().zip(&sub_spreads)) {
                // A cut that keeps the whole segment is the segment again.
                if size == 0 || sizes.get(segment) == Some(&size) {
                    continue;
                }
                let level = levels.names.get(level).cloned().unwrap_or_default();
                candidates.push(Candidate { segment, cut: Some((name.to_string(), level, levels.flag)), size, spread });
            }
        }
        stage.advance(rows as u64)?;
    }
    stage.finish()?;
    // The family: candidates in the size range that can be tested.
    let n = rows as f64;
    let mut tested: Vec<(Candidate, f64)> = candidates
        .into_iter()
        .filter(|c| (params.min_share..=params.max_share).contains(&(c.size as f64 / n)))
        .filter_map(|c| {
            let p = welch_from_moments(c.spread.moments(), all.without(&c.spread).moments()).ok()?.p_value;
            Some((c, p))
        })
        .collect();
    let p: Vec<f64> = tested.iter().map(|(_, p)| *p).collect();
    let adjusted = adjust_p_values(&p, params.correction).unwrap_or_else(|_| vec![1.0; p.len()]);
    let candidates_tested = tested.len() as u64;
    let mut niches: Vec<Niche> = tested
        .drain(..)
        .zip(adjusted)
        .filter_map(|((c, p_value), adjusted_p)| {
            let index = index_of(c.spread.mean, all.mean)?;
            (index >= params.min_index && adjusted_p <= params.alpha)
                .then(|| niche(assignment, c, index, p_value, adjusted_p, &params.value, all.mean, n))
        })
        .collect();
    niches.sort_by(|a, b| {
        b.index.total_cmp(&a.index).then_with(|| b.size.cmp(&a.size)).then_with(|| a.label.cmp(&b.label))
    });
    Ok(NicheReport { params: params.params(), overall_mean: all.mean, candidates: candidates_tested, niches })
}

/// Two disjoint groups' spread together.
fn combine(a: &Spread, b: &Spread) -> Spread {
    // Two disjoint groups' counts of rows: never saturates.
    let n = a.n.saturating_add(b.n);
    if n == 0 {
        return Spread::default();
    }
    let sum = a.sum + b.sum;
    let mean = sum / n as f64;
    let between =
        if a.n == 0 || b.n == 0 { 0.0 } else { (a.n as f64) * (b.n as f64) / n as f64 * (a.mean - b.mean).powi(2) };
    Spread { n, sum, mean, m2: a.m2 + b.m2 + between }
}

#[allow(clippy::too_many_arguments)]
fn niche(
    assignment: &Assignment,
    c: Candidate,
    index: f64,
    p_value: f64,
    adjusted_p: f64,
    value: &str,
    overall: f64,
    rows: f64,
) -> Niche {
    let segment = assignment.segments.get(c.segment).map(|s| s.name.clone()).unwrap_or_default();
    let label = match &c.cut {
        None => segment.clone(),
        Some((column, level, flag)) => format!("{segment}, {}", sentences::cut(column, level, *flag)),
    };
    let share = c.size as f64 / rows;
    let (column, level) = c.cut.map(|(c, l, _)| (c, l)).unzip();
    Niche {
        sentence: sentences::niche(&label, c.size, share, value, c.spread.mean, overall, index),
        segment,
        column,
        level,
        label,
        size: c.size,
        share,
        mean: c.spread.mean,
        index,
        p_value,
        adjusted_p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::Segment;
    use crate::progress::Quiet;

    /// 1,000 customers in two segments; in segment "B", the 30 in Lyon spend 300 where everyone
    /// else spends about 100.
    fn data() -> (Vec<Option<f64>>, Vec<Option<u32>>, Assignment) {
        let mut spend = Vec::new();
        let mut city = Vec::new();
        let mut codes = Vec::new();
        for i in 0..1000u32 {
            let b = i >= 500;
            let lyon = b && i < 530;
            let wobble = f64::from(i % 7) - 3.0;
            spend.push(Some(if lyon { 300.0 + wobble } else { 100.0 + wobble }));
            city.push(Some(u32::from(lyon || (!b && i % 10 == 0))));
            codes.push(u32::from(b));
        }
        let segments = vec![Segment { name: "A".into() }, Segment { name: "B".into() }];
        (spend, city, Assignment { title: "t".into(), segments, codes })
    }

    #[test]
    fn a_small_high_value_cut_of_a_segment_is_a_niche() {
        let (spend, city, assignment) = data();
        let spend = ColumnData::Decimal { values: spend, scale: 0 };
        let city = ColumnData::Categorical { dictionary: vec!["Ghent".into(), "Lyon".into()], codes: city };
        let columns = [("spend", &spend), ("city", &city)];
        let params = NicheParams { value: "spend".into(), ..Default::default() }.check(&columns);
        let params = params.unwrap_or_else(|e| panic!("{e}"));
        let report = find_niches(&columns, &assignment, &params, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.niches.len(), 1, "{:?}", report.niches);
        let niche = &report.niches[0];
        assert_eq!((niche.label.as_str(), niche.size), ("B, city Lyon", 30));
        assert!(niche.index > 250.0 && niche.adjusted_p < 1e-10);
        // Segments (50%) and the Ghent cuts (45%, 47%) are too large: the two Lyon cuts are the family.
        assert_eq!(report.candidates, 2);
    }

    #[test]
    fn a_value_whose_mean_is_not_positive_has_no_index() {
        let (_, _, assignment) = data();
        let zero = ColumnData::Decimal { values: vec![Some(0.0); 1000], scale: 0 };
        let columns = [("refunds", &zero)];
        let params = NicheParams { value: "refunds".into(), ..Default::default() }.check(&columns);
        let e = find_niches(&columns, &assignment, &params.unwrap_or_else(|e| panic!("{e}")), &mut Quiet).unwrap_err();
        assert!(matches!(e, ProfileError::NoPositiveMean { .. }), "{e}");
    }
}
