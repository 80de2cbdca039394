//! RFM on the CDNOW sample (2,357 customers; it ships with the `lifetimes` Python package) equals
//! a pandas 3.1 computation of the same stated rules, row for row and byte for byte.
//! `tests/data/cdnow/make_expected.py` made the expected files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Cursor;

use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::Quiet;
use segscope_engine::rfm::{write_csv, Method, RfmMap, RfmParams};
use segscope_engine::stream::{rfm_from_transactions, PerCustomer, TransactionsInput};

const CDNOW: &[u8] = include_bytes!("data/cdnow/cdnow_sample.csv");

fn rfm(method: Method) -> String {
    rfm_of(CDNOW, method, None)
}

/// RFM of a CDNOW-shaped file as CSV, as of the typed date when given.
fn rfm_of(file: &[u8], method: Method, as_of: Option<&str>) -> String {
    let mut input = Cursor::new(file);
    let options = ReadOptions::default();
    let mut tx = TransactionsInput {
        name: "cdnow_sample.csv",
        input: &mut input,
        options: &options,
        mapping: Default::default(),
        workers: &mut segscope_engine::customers::InOrder,
    };
    let params = RfmParams { method, ..RfmParams::default() }.check().unwrap();
    let PerCustomer { keys, result, mapping, .. } =
        rfm_from_transactions(&mut tx, &params, &RfmMap::default_for(5), as_of, &mut Quiet).unwrap();
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

/// RFM as of an earlier day is RFM of the file cut at that day: the same customers (those with a
/// transaction before it), the same recency, orders, money, scores and segments, byte for byte.
#[test]
fn an_earlier_as_of_date_is_the_file_cut_at_that_date() {
    let text = std::str::from_utf8(CDNOW).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let date = header.split(',').position(|c| c == "order_date").unwrap();
    for (as_of, yyyymmdd) in [("1997-09-01", "19970901"), ("1997-02-10", "19970210")] {
        let kept: Vec<&str> = lines.clone().filter(|l| l.split(',').nth(date).unwrap() < yyyymmdd).collect();
        assert!(kept.len() > 100 && kept.len() < text.lines().count() - 100, "a real cut at {as_of}");
        let cut = format!("{header}\n{}\n", kept.join("\n"));
        for method in [Method::Rank, Method::QuantileEqualCount] {
            assert_eq!(
                rfm_of(CDNOW, method.clone(), Some(as_of)),
                rfm_of(cut.as_bytes(), method, Some(as_of)),
                "as of {as_of}"
            );
        }
    }
}
