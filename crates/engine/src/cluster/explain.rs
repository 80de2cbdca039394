//! A clustering's threshold tree ([`super::tree`]) as an ordinary rule definition: one segment per
//! cluster, named as the cluster, whose condition is its leaves' paths, each cut a test on the
//! original feature (a number at most or above a round number, a category that is or is not a
//! level, a yes/no, a date as whole days before the as-of date through a derived "days since"
//! field; a cut between two scores of a scored feature is the score's own cut point on the value,
//! so the rule scores every customer as the model does). The marketer can open it in the rule builder, edit it and export it as SQL.

use serde::{Deserialize, Serialize};

use super::model::ClusterModel;
use super::prep::{Prepared, PreparedColumn};
use super::score;
use super::tree::{explain, Cut};
use crate::rules::derived::{Derived, TenureUnit};
use crate::rules::{Condition, Definition, Inclusive, Mode, Op, Remainder, SegmentDef};
use crate::table::{ColumnData, ColumnType};
use crate::typed::Typed;

/// One cluster's rules in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplainedCluster {
    /// The cluster's name (the segment's).
    pub name: String,
    /// Its leaves' paths, each as conditions joined by "and" (a customer meeting any is in it).
    pub rules: Vec<String>,
}

/// The rules that explain a clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The rule definition (first match; the remainder holds customers a test cannot decide).
    pub definition: Definition,
    /// The tree's leaves.
    pub leaves: usize,
    /// The rules of each cluster, in cluster order (a cluster no leaf takes has none).
    pub clusters: Vec<ExplainedCluster>,
}

/// The tree explaining `labels` (one per prepared row, `0..k`) around the model's centres, as a
/// rule definition on the columns of `table` (name, values), with up to `extra_leaves` leaves
/// beyond one per cluster.
pub fn as_rules(
    model: &ClusterModel,
    prepared: &Prepared,
    labels: &[u32],
    table: &[(&str, &ColumnData)],
    extra_leaves: usize,
) -> Explanation {
    let centres: Vec<f64> = model.clusters.iter().flat_map(|c| c.centre.iter().copied()).collect();
    let tree = explain(&prepared.matrix, labels, &centres, model.k, extra_leaves, model.seed);
    let type_of = |name: &str| table.iter().find(|(n, _)| *n == name).map(|(_, d)| d.column_type());
    let mut derived: Vec<Derived> = Vec::new();
    let mut segments = Vec::new();
    let mut clusters = Vec::new();
    let paths = tree.paths();
    for (c, cluster) in model.clusters.iter().enumerate() {
        let mut conditions = Vec::new();
        let mut words = Vec::new();
        for (path, _) in paths.iter().filter(|(_, leaf)| *leaf as usize == c) {
            let tests = path_tests(path, &prepared.columns, &type_of, &mut derived);
            words.push(tests.iter().map(|(_, w)| w.clone()).collect::<Vec<_>>().join(" and "));
            let mut tests: Vec<Condition> = tests.into_iter().map(|(t, _)| t).collect();
            conditions.push(if tests.len() == 1 { tests.remove(0) } else { Condition::All(tests) });
        }
        clusters.push(ExplainedCluster { name: cluster.name.clone(), rules: words });
        if conditions.is_empty() {
            continue;
        }
        let condition = if conditions.len() == 1 { conditions.remove(0) } else { Condition::Any(conditions) };
        segments.push(SegmentDef { name: cluster.name.clone(), color: None, condition });
    }
    let definition = Definition {
        name: Some(format!("Clusters (k = {}) as rules", model.k)),
        mode: Mode::FirstMatch,
        as_of: model.as_of.clone(),
        transactions: model.transactions.clone(),
        derived,
        segments,
        remainder: Remainder { name: "Not decided (missing values)".into(), color: None },
        ..Definition::default()
    };
    Explanation { definition, leaves: tree.leaves(), clusters }
}

/// The tightest bounds a path puts on one prepared column.
#[derive(Default)]
struct Bounds {
    /// Cut the path went left at (value at most its threshold), the lowest.
    at_most: Option<Cut>,
    /// Cut the path went right at (value above its threshold), the highest.
    above: Option<Cut>,
}

/// A path's cuts as tests on the original features, with their words; derived "days since"
/// fields are added to `derived` as needed.
fn path_tests(
    path: &[(Cut, bool)],
    columns: &[PreparedColumn],
    type_of: &dyn Fn(&str) -> Option<ColumnType>,
    derived: &mut Vec<Derived>,
) -> Vec<(Condition, String)> {
    let mut bounds: Vec<(usize, Bounds)> = Vec::new();
    for &(cut, left) in path {
        let i = match bounds.iter().position(|(j, _)| *j == cut.column) {
            Some(i) => i,
            None => {
                bounds.push((cut.column, Bounds::default()));
                // Cannot saturate: one was just pushed.
                bounds.len().saturating_sub(1)
            }
        };
        let Some((_, b)) = bounds.get_mut(i) else { continue };
        if left {
            if b.at_most.is_none_or(|c| cut.threshold < c.threshold) {
                b.at_most = Some(cut);
            }
        } else if b.above.is_none_or(|c| cut.threshold > c.threshold) {
            b.above = Some(cut);
        }
    }
    // Tests on the levels of one category are gathered into one.
    let mut tests: Vec<(Condition, String)> = Vec::new();
    let mut not_levels: Vec<(String, Vec<String>)> = Vec::new();
    for (j, b) in bounds {
        let Some(column) = columns.get(j) else { continue };
        let feature = column.feature.clone();
        if let Some(level) = &column.level {
            if b.above.is_some() {
                let op = Op::Is { value: level.clone(), case_insensitive: false };
                tests.push((test(&feature, op), format!("{feature} is {level}")));
            } else {
                match not_levels.iter_mut().find(|(f, _)| *f == feature) {
                    Some((_, levels)) => levels.push(level.clone()),
                    None => not_levels.push((feature, vec![level.clone()])),
                }
            }
            continue;
        }
        let ty = type_of(&feature);
        if ty == Some(ColumnType::Boolean) {
            let (op, word) = if b.above.is_some() { (Op::IsTrue, "yes") } else { (Op::IsFalse, "no") };
            tests.push((test(&feature, op), format!("{feature} is {word}")));
            continue;
        }
        let (field, label) = if column.days {
            let name = format!("days_since_{feature}");
            if !derived.iter().any(|d| d.name() == name) {
                derived.push(Derived::Tenure { name: name.clone(), from: feature.clone(), unit: TenureUnit::Days });
            }
            (name, format!("days since {feature}"))
        } else {
            (feature.clone(), feature.clone())
        };
        let integer = column.days || ty == Some(ColumnType::Integer);
        let (above, at_most) = match &column.cuts {
            Some(cuts) => score_bounds(column, cuts, &b, integer),
            None => {
                let cut_at = |c: Cut| round_cut(column.original(c.threshold), column.original(c.above), integer);
                (b.above.map(cut_at), b.at_most.map(cut_at))
            }
        };
        match (above, at_most) {
            (Some(lo), Some(hi)) => {
                let op = Op::Between { min: number(lo).into(), max: number(hi).into(), inclusive: Inclusive::Upper };
                tests.push((test(&field, op), format!("{} < {label} ≤ {}", show(lo), show(hi))));
            }
            (Some(lo), None) => tests
                .push((test(&field, Op::Gt { value: Typed::Value(number(lo)) }), format!("{label} > {}", show(lo)))),
            (None, Some(hi)) => tests
                .push((test(&field, Op::Le { value: Typed::Value(number(hi)) }), format!("{label} ≤ {}", show(hi)))),
            (None, None) => {}
        }
    }
    for (feature, levels) in not_levels {
        let words = format!("{feature} is not {}", levels.join(" or "));
        let op = match <[String; 1]>::try_from(levels) {
            Ok([value]) => Op::IsNot { value, case_insensitive: false },
            Err(values) => Op::NoneOf { values, case_insensitive: false },
        };
        tests.push((test(&feature, op), words));
    }
    tests
}

/// A scored column's bounds as bounds on the value it scores: (value above, value at most). A
/// cut between scores is the cut point between them, exactly, so the rule puts every customer
/// where the score would (whole numbers and days compare as whole numbers). For a date the
/// direction turns: a higher score is fewer days since it.
fn score_bounds(column: &PreparedColumn, cuts: &[f64], b: &Bounds, integer: bool) -> (Option<f64>, Option<f64>) {
    // "score ≤ s" for the highest whole s at most the threshold (a threshold may be a centre,
    // between two scores); going back through the scale costs a little precision.
    let cut = |c: Cut| {
        let s = (column.original(c.threshold) + 1e-9).floor();
        score::cut_of_score(cuts, column.days, s as i64)
    };
    let (at_most, above) = (b.at_most.and_then(cut), b.above.and_then(cut));
    if column.days {
        // score ≤ s ⇔ days ≥ c ⇔ days > ⌈c⌉ − 1; score > s ⇔ days ≤ ⌈c⌉ − 1.
        let whole = |c: f64| c.ceil() - 1.0;
        (at_most.map(whole), above.map(whole))
    } else {
        // score ≤ s ⇔ x ≤ c; for whole numbers, x ≤ ⌊c⌋.
        let value = |c: f64| if integer { c.floor() } else { c };
        (above.map(value), at_most.map(value))
    }
}

fn test(column: &str, op: Op) -> Condition {
    Condition::Test { column: column.to_string(), op }
}

/// A cut as a definition file writes it: a whole number without a decimal point, never −0.
fn number(x: f64) -> serde_json::Number {
    let x = if x == 0.0 { 0.0 } else { x };
    if x.fract() == 0.0 && x.abs() < 9e15 {
        serde_json::Number::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).unwrap_or_else(|| serde_json::Number::from(0))
    }
}

/// A number as a condition shows it.
fn show(x: f64) -> String {
    let x = if x == 0.0 { 0.0 } else { x };
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The cut in original units: the roundest number from `a` up to (not including) `b` (every
/// value there splits the customers the tree saw alike); for whole numbers, a whole number that
/// splits them alike.
fn round_cut(a: f64, b: f64, integer: bool) -> f64 {
    // Going back through ln and the scale costs a little precision: allow for it.
    let eps = 1e-9 * a.abs().max(b.abs()).max(1.0);
    if integer {
        let lo = (a - eps).ceil();
        return roundest(lo, b - eps, true).unwrap_or_else(|| (a + eps).floor());
    }
    roundest(a - eps, b - eps, false).unwrap_or(a)
}

/// The number with the fewest significant digits in `a..b`, if the range holds one.
fn roundest(a: f64, b: f64, integer: bool) -> Option<f64> {
    if a.partial_cmp(&b) != Some(std::cmp::Ordering::Less) {
        return None;
    }
    let magnitude = a.abs().max(b.abs()).max(1e-12);
    if !magnitude.is_finite() {
        // An infinite end: no power of ten to start from, so none is tried.
        return None;
    }
    // Cannot saturate: a finite magnitude's log10 is below 309.
    let top = (magnitude.log10().floor() as i32).saturating_add(1);
    let bottom = if integer { 0 } else { -9 };
    for p in (bottom..=top).rev() {
        let step = 10f64.powi(p);
        let m = (a / step).ceil();
        let r = if p >= 0 {
            (m * step).round()
        } else {
            format!("{:.*}", p.unsigned_abs() as usize, m * step).parse().unwrap_or(m * step)
        };
        if r >= a && r < b {
            return Some(r);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::model::{fit_model, ModelInput};
    use crate::cluster::params::ClusterParams;
    use crate::cluster::prep::{FeatureSpec, Missing, Scaling};
    use crate::progress::Quiet;

    #[test]
    fn cuts_are_round_numbers_that_split_alike() {
        assert_eq!(roundest(44_317.0, 51_020.0, false), Some(50_000.0));
        assert_eq!(roundest(0.3141, 0.3199, false), Some(0.315));
        assert_eq!(round_cut(44.3, 45.0, true), 44.0);
        assert_eq!(round_cut(44.000_000_000_1, 47.0, true), 44.0);
        assert_eq!(round_cut(12.0, 12.0, false), 12.0);
    }

    #[test]
    fn a_clustering_becomes_one_segment_per_cluster_on_the_original_features() {
        // Big spenders who rarely visit, loyal app users, and the rest; a date and a category too.
        let (mut spend, mut visits, mut last, mut plan) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for i in 0..90u32 {
            let g = (i % 3) as usize;
            spend.push(Some([20.0, 900.0, 60.0][g] + f64::from(i % 7)));
            visits.push(Some([2i64, 3, 40][g] + i64::from(i % 4)));
            last.push(Some([1000, 990, 1099][g] - (i % 5) as i32));
            plan.push(Some([0u32, 1, 1][g]));
        }
        let spend = ColumnData::Decimal { values: spend, scale: 0 };
        let visits = ColumnData::Integer(visits);
        let last = ColumnData::Date(last);
        let plan = ColumnData::Categorical { dictionary: vec!["basic".into(), "plus".into()], codes: plan };
        let table = [("spend", &spend), ("visits", &visits), ("last_order", &last), ("plan", &plan)];
        let f = |c: &str, log: bool| FeatureSpec {
            column: c.into(),
            log,
            scaling: Scaling::Zscore,
            weight: 1.0,
            score: None,
        };
        let params = ClusterParams {
            features: vec![f("spend", true), f("visits", false), f("last_order", false), f("plan", false)],
            missing: Missing::Drop,
            ..ClusterParams::default()
        }
        .check_fit(&Typed::Value(3))
        .unwrap_or_else(|e| panic!("{e}"));
        let input = ModelInput { file: "t.csv".into(), bytes: 1, rows: 90 };
        let fitted = fit_model(&table, &params, Some(1100), input, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        let e = as_rules(&fitted.model, &fitted.prepared, &fitted.fit.labels, &table, 0);
        assert_eq!(e.leaves, 3);
        assert_eq!(e.definition.segments.len(), 3);
        assert_eq!(e.definition.as_of.as_deref(), Some("1973-01-05"));
        let names: Vec<&str> = e.definition.segments.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, fitted.model.names().iter().map(String::as_str).collect::<Vec<_>>());
        // Every rule reads in the features' own units.
        let words: Vec<String> = e.clusters.iter().flat_map(|c| c.rules.clone()).collect();
        assert!(words.iter().all(|w| !w.is_empty()), "{words:?}");
        assert!(
            words.iter().any(|w| w.contains("spend")
                || w.contains("visits")
                || w.contains("days since last_order")
                || w.contains("plan")),
            "{words:?}"
        );
        // It reads as a rule definition file.
        let json = e.definition.to_json();
        let back = Definition::from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
        assert_eq!(back.segments.len(), 3);
    }

    #[test]
    fn rules_on_scored_features_cut_the_values_where_the_scores_change() {
        // Three groups on spend (decimal), visits (whole numbers, heavily tied) and the last order
        // date, scored 1–5; the rules, run by the rule engine, must put every customer where the
        // tree on the scores does. On the date alone, the cuts are on days since it.
        let mut csv = String::from("id,spend,visits,last_order\n");
        for i in 0..150u32 {
            let g = i % 3;
            let spend = [15.0, 480.0, 95.0][g as usize] + f64::from((i * 37) % 41) * 1.25;
            let visits = [1, 2, 9][g as usize] + (i * 7) % 3;
            let day = [3, 20, 12][g as usize] + (i * 11) % 9;
            csv += &format!("{i},{spend:.2},{visits},2025-03-{day:02}\n");
        }
        let read = crate::ingest::read_table("t.csv", csv.as_bytes(), &Default::default(), &mut Quiet)
            .unwrap_or_else(|e| panic!("{e}"));
        let table = read.table;
        let cols: Vec<(&str, &ColumnData)> = table.columns.iter().map(|c| (c.name.as_str(), &c.data)).collect();
        let f = |c: &str| FeatureSpec {
            column: c.into(),
            log: false,
            scaling: Scaling::Zscore,
            weight: 1.0,
            score: Some(5),
        };
        let as_of = crate::rules::parse_iso_date("2025-04-01");
        for (features, cut_on) in [
            (vec![f("spend"), f("visits"), f("last_order")], "visits"),
            (vec![f("last_order")], "days since last_order"),
        ] {
            let params = ClusterParams { features, ..ClusterParams::default() }
                .check_fit(&Typed::Value(3))
                .unwrap_or_else(|e| panic!("{e}"));
            let input = ModelInput { file: "t.csv".into(), bytes: 1, rows: 150 };
            let fitted = fit_model(&cols, &params, as_of, input, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
            assert!(fitted.model.columns.iter().all(|c| c.cuts.is_some()));
            for extra in [0, 3] {
                let e = as_rules(&fitted.model, &fitted.prepared, &fitted.fit.labels, &cols, extra);
                let centres: Vec<f64> = fitted.model.clusters.iter().flat_map(|c| c.centre.iter().copied()).collect();
                let x = &fitted.prepared.matrix;
                let tree = explain(x, &fitted.fit.labels, &centres, 3, extra, fitted.model.seed);
                let valid = crate::rules::check(&e.definition, &crate::rules::schema_of(&table), as_of)
                    .unwrap_or_else(|err| panic!("{err}"));
                let result = crate::rules::evaluate(&valid, &table, &mut Quiet).unwrap_or_else(|err| panic!("{err}"));
                let names = fitted.model.names();
                for (i, &row) in fitted.prepared.rows.iter().enumerate() {
                    let by_tree = names.get(tree.cluster_of(x.row(i)) as usize).map(String::as_str);
                    assert_eq!(result.assignment.segment_of(row), by_tree, "row {row}, rules {:?}", e.clusters);
                }
                let words: Vec<String> = e.clusters.iter().flat_map(|c| c.rules.clone()).collect();
                assert!(words.iter().any(|w| w.contains(cut_on)), "{words:?}");
                assert!(words.iter().all(|w| !w.contains("score")), "rules on the values: {words:?}");
            }
        }
    }
}
