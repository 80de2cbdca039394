//! A scored clustering feature (`FeatureSpec.score`) against pandas: every customer's score equals
//! `pandas.qcut(x, B, labels=False, duplicates="drop") + 1` and the cuts equal qcut's inner edges
//! (to 1e-9: pandas nudges its quantiles up an ulp where i/B is not exact), on CDNOW's revenue,
//! orders (most customers have one: fewer scores, with a warning) and last order date (a later
//! date scores higher; cuts in days before the as-of date), CDNOW's mean spend and recency, and
//! the 1996 election study's TV news days, income and age. Expected values made by
//! `tests/data/cluster/make_score_reference.py` (pandas version in the JSON).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::BTreeMap;

use segscope_engine::cluster::prep::{prepare, FeatureSpec, Missing, PrepWarning, Scaling};
use segscope_engine::ingest::values::days_from_ymd;
use segscope_engine::table::ColumnData;
use serde_json::Value;

fn data(path: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A numeric column of a CSV file without quoted fields.
fn csv_column(path: &str, column: &str) -> Vec<f64> {
    let text = data(path);
    let mut lines = text.lines();
    let j = lines.next().unwrap().split(',').position(|h| h == column).unwrap();
    lines.map(|l| l.split(',').nth(j).unwrap().parse().unwrap()).collect()
}

/// CDNOW's customers in the order of their id: revenue (added in cents), orders and the day of the
/// last order (days since 1970-01-01).
fn cdnow_customers() -> Vec<(f64, f64, i32)> {
    let mut per: BTreeMap<String, (i64, u32, i32)> = BTreeMap::new();
    for line in data("cdnow/cdnow_sample.csv").lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let date = f[1];
        let day = days_from_ymd(date[..4].parse().unwrap(), date[4..6].parse().unwrap(), date[6..].parse().unwrap());
        let cents: i64 = if f[3].contains('.') {
            f[3].replace('.', "").parse().unwrap()
        } else {
            f[3].parse::<i64>().unwrap() * 100
        };
        let e = per.entry(f[0].to_string()).or_insert((0, 0, i32::MIN));
        e.0 += cents;
        e.1 += 1;
        e.2 = e.2.max(day.unwrap());
    }
    per.into_values().map(|(cents, orders, last)| (cents as f64 / 100.0, f64::from(orders), last)).collect()
}

#[test]
fn scores_equal_pandas_qcut_with_repeated_edges_dropped() {
    let reference: Value = serde_json::from_str(&data("cluster/score_reference.json")).unwrap();
    let customers = cdnow_customers();
    let cases = reference["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let (source, column) = (case["source"].as_str().unwrap(), case["column"].as_str().unwrap());
        let bins = case["bins"].as_u64().unwrap() as u8;
        let as_of = case["as_of"].as_str().and_then(segscope_engine::rules::parse_iso_date);
        let values = match (source, column) {
            ("cdnow_sample.csv", "revenue") => {
                ColumnData::Decimal { values: customers.iter().map(|c| Some(c.0)).collect(), scale: 2 }
            }
            ("cdnow_sample.csv", "orders") => ColumnData::Integer(customers.iter().map(|c| Some(c.1 as i64)).collect()),
            ("cdnow_sample.csv", "last_order_date") => ColumnData::Date(customers.iter().map(|c| Some(c.2)).collect()),
            ("cdnow_summary.csv", _) => ColumnData::Decimal {
                values: csv_column("cdnow/cdnow_summary.csv", column).into_iter().map(Some).collect(),
                scale: 2,
            },
            _ => ColumnData::Decimal {
                values: csv_column("cluster/anes96.csv", column).into_iter().map(Some).collect(),
                scale: 0,
            },
        };
        let feature =
            FeatureSpec { column: column.into(), log: false, scaling: Scaling::None, weight: 1.0, score: Some(bins) };
        let p = prepare(&[(column, &values)], &[feature], Missing::Drop, as_of).unwrap();
        let what = format!("{source} {column}, {bins} bins");
        let expected: Vec<f64> = case["scores"].as_array().unwrap().iter().map(|s| s.as_f64().unwrap()).collect();
        let got: Vec<f64> = (0..p.matrix.rows()).map(|i| p.matrix.row(i)[0]).collect();
        let differ = got.iter().zip(&expected).filter(|(a, b)| a != b).count();
        assert_eq!((got.len(), differ), (expected.len(), 0), "{what}: scores differ from pandas");
        let cuts = p.columns[0].cuts.clone().unwrap();
        let want: Vec<f64> = case["cuts"].as_array().unwrap().iter().map(|c| c.as_f64().unwrap()).collect();
        assert_eq!(cuts.len(), want.len(), "{what}: {cuts:?} vs pandas {want:?}");
        for (a, b) in cuts.iter().zip(&want) {
            assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{what}: cut {a} vs pandas {b}");
        }
        let fewer = p.warnings.iter().any(|w| matches!(w, PrepWarning::FewerScores { .. }));
        assert_eq!(fewer, want.len() + 1 < usize::from(bins), "{what}: {:?}", p.warnings);
    }
}
