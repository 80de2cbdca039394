//! RFM on the CDNOW sample (2,357 customers; it ships with the `lifetimes` Python package) equals
//! a pandas 3.1 computation of the same stated rules, row for row and byte for byte.
//! `tests/data/cdnow/make_expected.py` made the expected files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Cursor;

use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::Quiet;
use segscope_engine::rfm::{write_csv, Method, RfmMap, RfmParams};
use segscope_engine::stream::{rfm_from_transactions, TransactionsInput};

const CDNOW: &[u8] = include_bytes!("data/cdnow/cdnow_sample.csv");

fn rfm(method: Method) -> String {
    let mut input = Cursor::new(CDNOW);
    let options = ReadOptions::default();
    let mut tx = TransactionsInput {
        name: "cdnow_sample.csv",
        input: &mut input,
        options: &options,
        mapping: Default::default(),
        workers: &mut segscope_engine::customers::InOrder,
    };
    let params = RfmParams { method, ..RfmParams::default() }.check().unwrap();
    let (keys, result, mapping) =
        rfm_from_transactions(&mut tx, &params, &RfmMap::default_for(5), None, &mut Quiet).unwrap();
    assert_eq!(
        (mapping.date.as_str(), mapping.order_id),
        ("order_date", None),
        "YYYYMMDD dates are read as dates; there is no order id"
    );
    let mut out = Vec::new();
    write_csv(&keys, &result, &mut out, &mut Quiet).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn rank_method_matches_pandas() {
    assert_eq!(rfm(Method::Rank), include_str!("data/cdnow/rfm_expected_rank.csv"));
}

#[test]
fn quantile_method_matches_pandas_qcut() {
    assert_eq!(rfm(Method::QuantileEqualCount), include_str!("data/cdnow/rfm_expected_quantile.csv"));
}
