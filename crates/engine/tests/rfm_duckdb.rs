//! The RFM SQL gives the engine's answers: on the CDNOW sample, for every scoring method, both
//! monetary measures and both return rules, DuckDB running the exported SQL scores and segments
//! every customer exactly as the engine does, as of the day after the last transaction or of an
//! earlier day (only what came before it counts).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/duckdb.rs"]
mod duckdb_support;

use std::io::Cursor;

use duckdb_support::duckdb;
use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::Quiet;
use segscope_engine::rfm::{sql, Method, Monetary, Returns, RfmMap, RfmParams};
use segscope_engine::rules::sql::Dialect;
use segscope_engine::stream::{rfm_from_transactions, PerCustomer, TransactionsInput};

const CDNOW: &[u8] = include_bytes!("data/cdnow/cdnow_sample.csv");

fn check(params: RfmParams) {
    check_as_of(params, None);
}

/// As [`check`], as of the typed date when given.
fn check_as_of(params: RfmParams, as_of: Option<&str>) {
    let valid = params.check().unwrap();
    let map = RfmMap::default_for(valid.bins());
    let mut input = Cursor::new(CDNOW);
    let options = ReadOptions::default();
    let mut tx = TransactionsInput {
        name: "cdnow_sample.csv",
        input: &mut input,
        options: &options,
        mapping: Default::default(),
        workers: &mut segscope_engine::customers::InOrder,
    };
    let PerCustomer { keys, result, mapping, .. } =
        rfm_from_transactions(&mut tx, &valid, &map, as_of, &mut Quiet).unwrap();
    let query = sql::select(
        &valid,
        &map.check(valid.bins()).unwrap(),
        &mapping,
        result.as_of,
        Dialect::Duckdb,
        "transactions",
        None,
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cdnow/cdnow_sample.csv");
    let rows = duckdb(&serde_json::json!({
        "tables": [{"name": "transactions", "csv": path, "columns": {"customer_id": "VARCHAR", "order_date": "DATE", "quantity": "INTEGER", "amount": "DECIMAL(18,2)"}, "extra": ", dateformat='%Y%m%d'"}],
        "query": query.trim_end().trim_end_matches(';'),
    }));
    assert_eq!(rows.len(), keys.len(), "{params:?}");
    for ((key, row), db) in keys.iter().zip(&result.rows).zip(&rows) {
        assert_eq!(db[0].as_str(), Some(key.as_str()));
        let segment = result.names[row.segment].as_str();
        let scores: Vec<Option<u64>> = (4..7).map(|i| db[i].as_u64()).collect();
        let expected: Vec<Option<u64>> = (0..3).map(|i| row.scores.map(|s| u64::from(s[i]))).collect();
        assert_eq!((scores, db[7].as_str()), (expected, Some(segment)), "customer {key}, {params:?}\n{query}");
        assert_eq!(db[1].as_i64(), row.recency_days, "customer {key}");
    }
}

#[test]
fn rank_method() {
    check(RfmParams::default());
}

#[test]
fn equal_count_bins_with_three_bins() {
    check(RfmParams { bins: 3.into(), method: Method::QuantileEqualCount, ..RfmParams::default() });
}

#[test]
fn thresholds_mean_order_value_and_returns_excluded() {
    check(RfmParams {
        bins: 4.into(),
        method: Method::Thresholds {
            r: vec![30.0, 90.0, 365.0].into(),
            f: vec![2.0, 3.0, 6.0].into(),
            m: vec![20.0, 35.5, 80.0].into(),
        },
        monetary: Monetary::MeanOrder,
        returns: Returns::Exclude,
    });
}

#[test]
fn an_earlier_as_of_date_counts_only_the_transactions_before_it() {
    check_as_of(RfmParams::default(), Some("1997-09-01"));
    check_as_of(
        RfmParams { bins: 3.into(), method: Method::QuantileEqualCount, ..RfmParams::default() },
        Some("1997-03-15"),
    );
}
