//! The silhouette under Gower's distance (the scan's score for features that mix numbers and
//! categories) against the `gower` package 0.1.2 and scikit-learn's
//! `silhouette_score(metric="precomputed")`, on the 1996 American National Election Study extract
//! (`anes96.csv`: four numbers, three categories) grouped by two fixed rules. `gower` measures in
//! float32, hence 1e-5. Expected values made by `tests/data/cluster/make_gower_reference.py`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::cluster::kprototypes::blocks;
use segscope_engine::cluster::prep::{prepare, FeatureSpec, Missing, Scaling};
use segscope_engine::cluster::quality::gower_silhouette;
use segscope_engine::table::ColumnData;

const NUMBERS: [&str; 4] = ["logpopul", "TVnews", "age", "income"];
const CATEGORIES: [&str; 3] = ["PID", "educ", "vote"];

/// anes96.csv's columns: the numbers as decimals, the categories by their codes' text.
fn columns() -> Vec<(String, ColumnData)> {
    let path = format!("{}/tests/data/cluster/anes96.csv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    header
        .iter()
        .enumerate()
        .map(|(j, &name)| {
            let cells = rows.iter().map(|r| r[j]);
            let data = if CATEGORIES.contains(&name) {
                let mut dictionary: Vec<String> = cells.clone().map(str::to_string).collect();
                dictionary.sort();
                dictionary.dedup();
                let codes = cells.map(|c| Some(dictionary.iter().position(|d| d == c).unwrap() as u32)).collect();
                ColumnData::Categorical { dictionary, codes }
            } else {
                ColumnData::Decimal { values: cells.map(|c| Some(c.parse::<f64>().unwrap())).collect(), scale: 6 }
            };
            (name.to_string(), data)
        })
        .collect()
}

#[test]
fn gower_silhouette_equals_the_gower_package_with_scikit_learn_on_anes96() {
    let path = format!("{}/tests/data/cluster/gower_reference.json", env!("CARGO_MANIFEST_DIR"));
    let reference: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let columns = columns();
    let table: Vec<(&str, &ColumnData)> = columns.iter().map(|(n, d)| (n.as_str(), d)).collect();
    // Gower divides each number by its range, so z-scored numbers measure as the raw ones; a
    // category's weight does not matter either (only whether the levels are the same).
    let features: Vec<FeatureSpec> = NUMBERS
        .iter()
        .chain(&CATEGORIES)
        .map(|&c| FeatureSpec { column: c.into(), log: false, scaling: Scaling::Zscore, weight: 0.7, score: None })
        .collect();
    let prepared = prepare(&table, &features, Missing::Drop, None).unwrap();
    let blocks = blocks(&prepared.columns);
    assert_eq!(blocks.len(), 3);
    for (name, r) in reference["groupings"].as_object().unwrap() {
        let labels: Vec<u32> = r["labels"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        let k = *labels.iter().max().unwrap() as usize + 1;
        let s = gower_silhouette(&prepared.matrix, &blocks, &labels, k, 10_000, 0).unwrap();
        assert!(s.gower && !s.sampled && s.rows == 944);
        let theirs = r["silhouette"].as_f64().unwrap();
        println!("{name}: {} vs gower + scikit-learn {theirs}", s.score);
        assert!((s.score - theirs).abs() <= 1e-5, "{name}: {} vs {theirs}", s.score);
    }
}
