//! The exported Spark SQL, run in one local Spark session (`pyspark`, `local[2]`, started by
//! `spark_runner.py`), gives every customer the engine's segment:
//! every example definition on the built-in sample, a seeded sample of the DuckDB property tests' random
//! definitions, and the RFM SQL for each scoring method. Missing tools fail these tests with a sentence
//! saying to run `bash scripts/setup.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/cases.rs"]
mod cases;

use cases::{check_all, Warehouse};

const W: Warehouse = Warehouse::Spark;

#[test]
fn example_definitions_segment_the_sample_like_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    check_all(W, &cases::examples(W, dir.path()));
}

#[test]
fn random_rule_definitions_assign_every_row_like_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    check_all(W, &cases::random_rules(W, dir.path(), 30, 1));
}

#[test]
fn random_rules_on_aggregates_assign_every_customer_like_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    check_all(W, &cases::random_aggregates(W, dir.path(), 10, 2));
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
