//! The exported DuckDB SQL, run in DuckDB (the `duckdb` Python package, `duckdb_runner.py`), gives every
//! customer the engine's segment:
//! every example definition on the built-in sample and the RFM SQL for each scoring method (random
//! definitions run in DuckDB in the property tests `rules_duckdb.rs` and `customers_duckdb.rs`). A missing
//! tool fails these tests with a sentence saying to run `bash scripts/setup.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/cases.rs"]
mod cases;

use cases::{check_all, Warehouse};

const W: Warehouse = Warehouse::Duckdb;

#[test]
fn example_definitions_segment_the_sample_like_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    check_all(W, &cases::examples(W, dir.path()));
}

#[test]
fn rfm_scores_and_segments_every_customer_like_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    check_all(W, &cases::rfm_cases(W, dir.path()));
}

#[test]
fn cluster_models_label_every_customer_like_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    check_all(W, &cases::cluster_cases(W, dir.path()));
}
