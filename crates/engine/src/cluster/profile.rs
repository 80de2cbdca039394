//! What sets each cluster apart, in words a marketer reads: its size and share, each feature's
//! mean in the feature's own units (a category's share of each level, a scored feature's score)
//! beside the overall mean,
//! the quartiles and the 5th and 95th percentiles of each number (a box and its whiskers), a
//! z-score per feature (the cluster's centre against all clustered customers, in standard
//! deviations: the heat map), the features that most set it apart, and a name built from them
//! ("High income, low orders") that the user can change.

use serde::{Deserialize, Serialize};

use super::matrix::{nth_row, nth_row_mut};
use super::prep::{find, raw, PrepError, Prepared, Raw};
use crate::stats::quantile_sorted;
use crate::table::ColumnData;

/// A z-score at least this far from 0 sets a cluster apart on a feature.
pub const APART: f64 = 0.5;

/// One prepared column of one cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureStat {
    /// The feature (`feature=level` for a category's level).
    pub label: String,
    /// The cluster's mean in the feature's units (days for a date; for a level, its share 0..1;
    /// for a scored feature, its mean score).
    pub mean: f64,
    /// The mean over every clustered customer.
    pub overall: f64,
    /// The cluster's centre against all clustered customers, in standard deviations.
    pub z: f64,
    /// For a number: the cluster's first quartile, median and third quartile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quartiles: Option<[f64; 3]>,
    /// For a number: the cluster's 5th and 95th percentiles (linear, as the quartiles), where the
    /// whiskers of its box end. Absent from a view written before they were recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p5_p95: Option<[f64; 2]>,
}

/// One cluster's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterProfile {
    /// Customers in it.
    pub size: u64,
    /// Share of the clustered customers.
    pub share: f64,
    /// One per prepared column, in the model's order.
    pub features: Vec<FeatureStat>,
    /// The features that most set it apart, strongest first, as phrases ("high income").
    pub apart: Vec<String>,
    /// A name built from them.
    pub suggested_name: String,
}

/// The profiles of the clusters `labels` (one per prepared row, `0..k`) make, `as_of` being the date date features count back from.
///
/// # Errors
/// [`PrepError`] when a feature's column cannot be read again (it was read to prepare them).
pub fn profile(
    table: &[(&str, &ColumnData)],
    prepared: &Prepared,
    labels: &[u32],
    k: usize,
    as_of: Option<i32>,
) -> Result<Vec<ClusterProfile>, PrepError> {
    let x = &prepared.matrix;
    let (n, d) = (x.rows(), x.columns());
    // Each cluster's size and mean of each prepared column (its centre, for a fit's own labels).
    let mut sizes = vec![0u64; k];
    let mut centres = vec![0.0; k.checked_mul(d).ok_or(PrepError::TooManyValues { rows: k, columns: d })?];
    for (i, &l) in labels.iter().enumerate().take(n) {
        let l = l as usize;
        if let Some(s) = sizes.get_mut(l) {
            // Cannot saturate: one per row.
            *s = s.saturating_add(1);
        }
        if let Some(c) = nth_row_mut(&mut centres, l, d) {
            c.iter_mut().zip(x.row(i)).for_each(|(c, v)| *c += v);
        }
    }
    for (c, &s) in centres.chunks_exact_mut(d.max(1)).zip(&sizes) {
        c.iter_mut().for_each(|v| *v /= s.max(1) as f64);
    }
    // Overall mean and population sd of each prepared column.
    let mut mean = vec![0.0; d];
    for i in 0..n {
        mean.iter_mut().zip(x.row(i)).for_each(|(m, v)| *m += v);
    }
    mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
    let mut var = vec![0.0; d];
    for i in 0..n {
        var.iter_mut().zip(x.row(i)).zip(&mean).for_each(|((s, v), m)| *s += (v - m) * (v - m));
    }
    let sd: Vec<f64> = var.iter().map(|v| (v / n.max(1) as f64).sqrt()).collect();
    // Each number feature's values in its own units (a scored one's scores), per cluster (imputed
    // values as imputed).
    let rows = table.first().map_or(0, |(_, d)| d.len());
    let mut originals: Vec<Option<Vec<Vec<f64>>>> = Vec::with_capacity(d);
    for c in &prepared.columns {
        if c.level.is_some() {
            originals.push(None);
            continue;
        }
        let values = match raw(&c.feature, find(table, &c.feature)?, rows, as_of)? {
            Raw::Numbers(v) => v,
            Raw::Levels { .. } => Vec::new(),
        };
        let mut per: Vec<Vec<f64>> = vec![Vec::new(); k];
        for (&row, &label) in prepared.rows.iter().zip(labels) {
            if let (Some(v), Some(list)) =
                (values.get(row).copied().flatten().or(c.impute), per.get_mut(label as usize))
            {
                list.push(c.in_units(v));
            }
        }
        originals.push(Some(per));
    }
    let mut profiles = Vec::with_capacity(k);
    for cluster in 0..k {
        let centre = nth_row(&centres, cluster, d).unwrap_or_default();
        let mut features = Vec::with_capacity(d);
        for (j, c) in prepared.columns.iter().enumerate() {
            let (m, s, centre_j) = (
                mean.get(j).copied().unwrap_or(0.0),
                sd.get(j).copied().unwrap_or(0.0),
                centre.get(j).copied().unwrap_or(0.0),
            );
            let z = if s > 0.0 { (centre_j - m) / s } else { 0.0 };
            let stat = match originals.get(j).and_then(Option::as_ref).and_then(|per| per.get(cluster)) {
                Some(values) => {
                    let mut sorted = values.clone();
                    sorted.sort_by(f64::total_cmp);
                    let q = |p: f64| quantile_sorted(&sorted, p).unwrap_or(f64::NAN);
                    let all: f64 =
                        originals.get(j).and_then(Option::as_ref).map_or(0.0, |per| per.iter().flatten().sum());
                    FeatureStat {
                        label: c.label(),
                        mean: values.iter().sum::<f64>() / values.len().max(1) as f64,
                        overall: all / n.max(1) as f64,
                        z,
                        quartiles: Some([q(0.25), q(0.5), q(0.75)]),
                        p5_p95: Some([q(0.05), q(0.95)]),
                    }
                }
                None => FeatureStat {
                    label: c.label(),
                    mean: centre_j / c.weight,
                    overall: m / c.weight,
                    z,
                    quartiles: None,
                    p5_p95: None,
                },
            };
            features.push(stat);
        }
        let size = sizes.get(cluster).copied().unwrap_or(0);
        let apart = apart(prepared, &features);
        profiles.push(ClusterProfile {
            size,
            share: size as f64 / n.max(1) as f64,
            features,
            suggested_name: String::new(),
            apart,
        });
    }
    name_clusters(&mut profiles);
    Ok(profiles)
}

/// The phrases for the features that set a cluster apart (|z| ≥ [`APART`]), strongest first:
/// "high income", "low orders", "recent last order date", "mostly Lyon".
fn apart(prepared: &Prepared, features: &[FeatureStat]) -> Vec<String> {
    let mut scored: Vec<(f64, String)> = prepared
        .columns
        .iter()
        .zip(features)
        .filter(|(_, s)| s.z.abs() >= APART)
        .filter_map(|(c, s)| {
            let name = crate::format::words(&c.feature);
            // A date's days count up into the past, its score up towards the as-of date.
            let longer_ago = if c.cuts.is_some() { s.z < 0.0 } else { s.z > 0.0 };
            let phrase = match (&c.level, c.days) {
                (Some(level), _) if s.z > 0.0 && s.mean >= 0.5 => format!("mostly {level}"),
                (Some(level), _) if s.z > 0.0 => format!("more {level}"),
                (Some(_), _) => return None,
                (None, true) if longer_ago => format!("long since {name}"),
                (None, true) => format!("recent {name}"),
                (None, false) if name == "age" => (if s.z > 0.0 { "older" } else { "younger" }).to_string(),
                (None, false) if s.z > 0.0 => format!("high {name}"),
                (None, false) => format!("low {name}"),
            };
            Some((s.z.abs(), phrase))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut phrases: Vec<String> = Vec::new();
    for (_, p) in scored {
        if !phrases.contains(&p) {
            phrases.push(p);
        }
    }
    phrases
}

/// Names each cluster from its first two phrases ("High income, low orders"), three when two
/// clusters would share a name, then a number if they still do; "Average" when nothing sets it apart.
fn name_clusters(profiles: &mut [ClusterProfile]) {
    let name = |p: &ClusterProfile, n: usize| {
        let words: Vec<&str> = p.apart.iter().take(n).map(String::as_str).collect();
        let joined = if words.is_empty() { "average".to_string() } else { words.join(", ") };
        let mut chars = joined.chars();
        chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
    };
    let short: Vec<String> = profiles.iter().map(|p| name(p, 2)).collect();
    let mut names: Vec<String> = profiles
        .iter()
        .zip(&short)
        .map(|(p, n)| if short.iter().filter(|m| *m == n).count() > 1 { name(p, 3) } else { n.clone() })
        .collect();
    let mut seen: Vec<String> = Vec::new();
    for n in names.iter_mut() {
        let base = n.clone();
        let mut count: usize = 1;
        while seen.contains(n) {
            // Cannot saturate: at most one more than the names seen.
            count = count.saturating_add(1);
            *n = format!("{base} ({count})");
        }
        seen.push(n.clone());
    }
    for (p, n) in profiles.iter_mut().zip(names) {
        p.suggested_name = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::kmeans::{fit, KMeansParams};
    use crate::cluster::prep::{prepare, FeatureSpec, Missing, Scaling};
    use crate::progress::Quiet;

    #[test]
    fn clusters_are_described_by_what_sets_them_apart() {
        // Big spenders who rarely visit, and small spenders who visit often.
        let mut spend = Vec::new();
        let mut visits = Vec::new();
        for i in 0..40 {
            let big = i < 10;
            spend.push(Some(if big { 1000.0 + f64::from(i) } else { 10.0 + f64::from(i % 5) }));
            visits.push(Some(if big { 1 } else { 20 + i64::from(i % 3) }));
        }
        let spend = ColumnData::Decimal { values: spend, scale: 0 };
        let visits = ColumnData::Integer(visits);
        let table = [("total_spend", &spend), ("visits", &visits)];
        let f =
            |c: &str| FeatureSpec { column: c.into(), log: false, scaling: Scaling::Zscore, weight: 1.0, score: None };
        let prepared =
            prepare(&table, &[f("total_spend"), f("visits")], Missing::Drop, None).unwrap_or_else(|e| panic!("{e}"));
        let fitted = fit(&prepared.matrix, &KMeansParams { k: 2, ..Default::default() }, &mut Quiet)
            .unwrap_or_else(|e| panic!("{e}"));
        let profiles = profile(&table, &prepared, &fitted.labels, 2, None).unwrap_or_else(|e| panic!("{e}"));
        let big = profiles.iter().find(|p| p.size == 10).unwrap_or_else(|| panic!("no cluster of 10"));
        assert_eq!(big.suggested_name, "High total spend, low visits");
        assert!((big.features[0].mean - 1004.5).abs() < 1e-9);
        assert!((big.features[0].overall - (10_045.0 + 30.0 * 12.0) / 40.0).abs() < 1e-9);
        assert_eq!(big.features[1].quartiles, Some([1.0, 1.0, 1.0]));
        assert!((big.share - 0.25).abs() < 1e-12);
        let small = profiles.iter().find(|p| p.size == 30).unwrap_or_else(|| panic!("no cluster of 30"));
        assert_eq!(small.suggested_name, "Low total spend, high visits");
        // z: the centre against everyone, in population standard deviations.
        assert!(big.features[0].z > 1.5 && small.features[0].z < -0.5);
    }

    #[test]
    fn whiskers_are_the_5th_and_95th_percentiles_as_numpy() {
        // Two clusters far apart on spend; a category has no percentiles, only shares.
        let small = [1.0, 2.0, 3.0, 4.0, 10.0, 7.0, 5.0];
        let large = [1000.0, 1010.0, 1020.0, 1030.0, 1100.0];
        let spend = ColumnData::Decimal { values: small.iter().chain(&large).map(|&v| Some(v)).collect(), scale: 0 };
        let city = ColumnData::Categorical {
            dictionary: vec!["Ghent".into(), "Lyon".into()],
            codes: (0..12).map(|i| Some(u32::from(i % 3 == 0))).collect(),
        };
        let table = [("spend", &spend), ("city", &city)];
        let f =
            |c: &str| FeatureSpec { column: c.into(), log: false, scaling: Scaling::Zscore, weight: 1.0, score: None };
        let prepared = prepare(&table, &[f("spend"), f("city")], Missing::Drop, None).unwrap_or_else(|e| panic!("{e}"));
        let labels: Vec<u32> = (0..12).map(|i| u32::from(i >= 7)).collect();
        let profiles = profile(&table, &prepared, &labels, 2, None).unwrap_or_else(|e| panic!("{e}"));
        // numpy.percentile(small, [5, 25, 50, 75, 95]) = [1.3, 2.5, 4, 6, 9.1]; large: [1002, 1010, 1020, 1030, 1086].
        let close = |a: [f64; 2], b: [f64; 2]| a.iter().zip(b).all(|(a, b)| (a - b).abs() < 1e-9);
        let p = |c: usize| profiles[c].features[0].p5_p95.unwrap_or_else(|| panic!("cluster {c} has no percentiles"));
        assert!(close(p(0), [1.3, 9.1]), "{:?}", p(0));
        assert!(close(p(1), [1002.0, 1086.0]), "{:?}", p(1));
        assert_eq!(profiles[0].features[0].quartiles, Some([2.5, 4.0, 6.0]));
        assert!(profiles[0].features[1..].iter().all(|s| s.p5_p95.is_none() && s.quartiles.is_none()));
        // A view written before the percentiles were recorded still reads.
        let old = r#"{"label":"spend","mean":1.0,"overall":2.0,"z":0.5,"quartiles":[1.0,2.0,3.0]}"#;
        let read: FeatureStat = serde_json::from_str(old).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.p5_p95, None);
    }

    #[test]
    fn names_that_would_repeat_are_made_unique() {
        let mk = |apart: &[&str]| ClusterProfile {
            size: 1,
            share: 0.5,
            features: Vec::new(),
            apart: apart.iter().map(|s| s.to_string()).collect(),
            suggested_name: String::new(),
        };
        let mut p = vec![mk(&["high a", "low b", "low c"]), mk(&["high a", "low b", "high c"]), mk(&[]), mk(&[])];
        name_clusters(&mut p);
        let names: Vec<&str> = p.iter().map(|p| p.suggested_name.as_str()).collect();
        assert_eq!(names, ["High a, low b, low c", "High a, low b, high c", "Average", "Average (2)"]);
    }

    #[test]
    fn a_scored_feature_is_profiled_in_scores_and_a_high_date_score_is_recent() {
        // Twenty recent customers (1–20 days) and twenty lapsed ones (200–219 days), their last
        // order date scored 1–5: the recent cluster's scores are high, and it reads as recent.
        let last = ColumnData::Date((0..40).map(|i| Some(1000 - if i < 20 { 1 + i } else { 180 + i })).collect());
        let table = [("last_order_date", &last)];
        let f = FeatureSpec {
            column: "last_order_date".into(),
            log: false,
            scaling: Scaling::Zscore,
            weight: 1.0,
            score: Some(5),
        };
        let prepared = prepare(&table, &[f], Missing::Drop, Some(1000)).unwrap_or_else(|e| panic!("{e}"));
        let labels: Vec<u32> = (0..40).map(|i| u32::from(i < 20)).collect();
        let profiles = profile(&table, &prepared, &labels, 2, Some(1000)).unwrap_or_else(|e| panic!("{e}"));
        let recent = &profiles[1];
        assert_eq!(recent.features[0].label, "last_order_date (score 1–5)");
        // Eight customers a score: the recent have 5 (8), 4 (8) and 3 (4), the lapsed 3, 2 and 1.
        assert_eq!(recent.features[0].quartiles, Some([4.0, 4.0, 5.0]));
        assert!((recent.features[0].mean - 4.2).abs() < 1e-12, "{}", recent.features[0].mean);
        assert!((recent.features[0].overall - 3.0).abs() < 1e-12, "{}", recent.features[0].overall);
        assert_eq!(recent.apart, ["recent last order date"]);
        assert_eq!(profiles[0].apart, ["long since last order date"]);
    }
}
