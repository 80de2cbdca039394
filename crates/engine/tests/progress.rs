//! Long steps report progress and stop when asked: split, rule evaluation, RFM scoring and the
//! exports each report a fraction that advances to its total on a table of 200,000 rows, and return
//! their module's `Cancelled` error when the monitor asks. (Through the session, a cancelled request
//! leaving everything as it was: `segmentations.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/monitor.rs"]
mod monitor;

use std::sync::OnceLock;

use monitor::CancelAfter;
use segscope_engine::customers::{Aggregates, TransactionMapping};
use segscope_engine::export::{write_annotated_csv, ExportError};
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::{Cancelled, Quiet, Stage, CANCELLED};
use segscope_engine::rfm::{self, RfmError, RfmMap, RfmParams};
use segscope_engine::rules::{check, evaluate, schema_of, truth, Definition, Frame, RulesError};
use segscope_engine::split::{split, SplitError, SplitParams};
use segscope_engine::table::Table;

/// Rows of the big tables: more than three chunks of 65,536 rows, the last one partial.
const ROWS: usize = 200_000;

/// Customers: id, age (missing every 97th row), region (four values) and a signup date.
fn customers() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut csv = String::from("id,age,region,signup_date\n");
        for i in 0..ROWS {
            let age = if i % 97 == 0 { String::new() } else { (18 + i % 60).to_string() };
            let region = ["north", "south", "east", "west"][i % 4];
            csv.push_str(&format!("C{i},{age},{region},2024-{:02}-{:02}\n", 1 + i % 12, 1 + i % 28));
        }
        read_table("customers.csv", csv.as_bytes(), &ReadOptions::default(), &mut Quiet).unwrap().table
    })
}

/// Checks that the reports of `stage` start at 0, never go back, and end at their total.
fn advances_to_the_total(monitor: &CancelAfter, stage: &str, total: u64) {
    let reports = monitor.of(stage);
    assert!(reports.len() >= 4, "reports of {stage}: {reports:?}");
    assert_eq!(reports.first(), Some(&(0, total)), "{reports:?}");
    assert_eq!(reports.last(), Some(&(total, total)), "{reports:?}");
    assert!(reports.windows(2).all(|w| w[0].0 <= w[1].0 && w[1].1 == total), "{reports:?}");
}

#[test]
fn a_stage_reports_its_start_every_interval_and_its_end_once() {
    let mut seen = CancelAfter::never();
    let mut stage = Stage::start(&mut seen, "Counting", 10, 4).unwrap();
    for _ in 0..10 {
        stage.step().unwrap();
    }
    stage.finish().unwrap();
    assert_eq!(seen.of("Counting"), [(0, 10), (4, 10), (8, 10), (10, 10)]);
    let mut exact = CancelAfter::never();
    let mut stage = Stage::start(&mut exact, "Counting", 8, 4).unwrap();
    stage.advance(8).unwrap();
    stage.finish().unwrap();
    assert_eq!(exact.of("Counting"), [(0, 8), (8, 8)], "the end is reported once");
    let mut stop = CancelAfter::reports(2);
    let mut stage = Stage::start(&mut stop, "Counting", 10, 4).unwrap();
    let stopped = (0..10).map(|_| stage.step()).find(Result::is_err);
    assert_eq!(stopped, Some(Err(Cancelled)));
    assert_eq!(stop.of("Counting"), [(0, 10), (4, 10)]);
}

#[test]
fn splitting_reports_every_row_and_stops_when_asked() {
    let t = customers();
    for column in ["age", "region"] {
        let params = SplitParams { column: column.into(), ..SplitParams::default() }.check(t).unwrap();
        let mut seen = CancelAfter::never();
        let a = split(t, &params, &mut seen).unwrap();
        assert_eq!(a.rows(), ROWS);
        assert_eq!(seen.stages(), [format!("Splitting by {column}")]);
        // Every row is visited twice: counted (or sorted), then assigned.
        advances_to_the_total(&seen, "Splitting by", 2 * ROWS as u64);
        let mut stop = CancelAfter::reports(3);
        assert_eq!(split(t, &params, &mut stop), Err(SplitError::Cancelled));
        assert_eq!(stop.reports.len(), 3);
    }
}

fn definition() -> Definition {
    Definition::from_json(
        r#"{"format": "segscope.segments/1", "segments": [
          {"name": "Young north", "when": {"all": [{"column": "age", "op": "lt", "value": 30},
                                                  {"column": "region", "op": "is", "value": "north"}]}},
          {"name": "Two of three", "when": {"at_least": 2, "of": [{"column": "age", "op": "ge", "value": 50},
              {"column": "region", "op": "any_of", "values": ["east", "west"]},
              {"column": "signup_date", "op": "before", "date": "2024-06-01"}]}},
          {"name": "Not south", "when": {"none": [{"column": "region", "op": "is", "value": "south"}]}}
        ]}"#,
    )
    .unwrap()
}

#[test]
fn rule_evaluation_reports_every_row_and_stops_when_asked() {
    let t = customers();
    let valid = check(&definition(), &schema_of(t), None).unwrap();
    let mut seen = CancelAfter::never();
    let result = evaluate(&valid, t, &mut seen).unwrap();
    assert_eq!(seen.stages(), ["Counting the rule segments"]);
    advances_to_the_total(&seen, "Counting the rule segments", ROWS as u64);
    // Evaluated chunk by chunk, every segment's truth is the one of the whole table at once.
    let frame = Frame::new(t, &valid);
    for (segment, chunked) in valid.segments.iter().zip(&result.truths) {
        assert!(*chunked == truth(&segment.check, &frame), "{}", segment.name);
    }
    let young_north = (0..ROWS).filter(|&i| i % 97 != 0 && 18 + i % 60 < 30 && i % 4 == 0).count() as u64;
    assert_eq!(result.assignment.sizes()[0].count, young_north);
    let mut stop = CancelAfter::reports(2);
    assert_eq!(evaluate(&valid, t, &mut stop), Err(RulesError::Cancelled));
    assert_eq!(stop.reports.len(), 2);
}

#[test]
fn rfm_scoring_reports_every_customer_and_stops_when_asked() {
    let mut csv = String::from("customer_id,order_date,amount\n");
    for i in 0..ROWS {
        csv.push_str(&format!("C{i},2025-{:02}-{:02},{}.{:02}\n", 1 + i % 12, 1 + i % 28, 1 + i % 300, i % 100));
    }
    let t = read_table("transactions.csv", csv.as_bytes(), &ReadOptions::default(), &mut Quiet).unwrap().table;
    let mapping = TransactionMapping::guess(&t, None).unwrap().check(&t, None).unwrap();
    let aggregates = Aggregates::from_table(&t, &mapping).unwrap_or_else(|e| panic!("{e}"));
    let keys: Vec<Option<String>> = aggregates.keys().into_iter().map(Some).collect();
    let params = RfmParams::default().check().unwrap();
    let map = RfmMap::default_for(params.bins());
    let as_of = aggregates.latest().unwrap() + 1;
    let mut seen = CancelAfter::never();
    let result = rfm::compute(&keys, &aggregates, &params, &map, as_of, &mut seen).unwrap();
    assert_eq!(result.rows.len(), ROWS);
    assert_eq!(seen.stages(), ["Scoring RFM"]);
    // Each customer is visited five times: its summary, its R, F and M scores, its row.
    advances_to_the_total(&seen, "Scoring RFM", 5 * ROWS as u64);
    let mut stop = CancelAfter::reports(4);
    assert_eq!(rfm::compute(&keys, &aggregates, &params, &map, as_of, &mut stop), Err(RfmError::Cancelled));

    // Its per-customer file reports every row written, and stops too.
    let names: Vec<String> = keys.into_iter().flatten().collect();
    let mut seen = CancelAfter::never();
    rfm::write_csv(&names, &result, std::io::sink(), &mut seen).unwrap();
    advances_to_the_total(&seen, "Writing the RFM scores", ROWS as u64);
    let mut stop = CancelAfter::reports(2);
    assert!(matches!(rfm::write_csv(&names, &result, std::io::sink(), &mut stop), Err(ExportError::Cancelled)));
}

#[test]
fn the_csv_export_reports_every_row_and_stops_when_asked() {
    let t = customers();
    let params = SplitParams { column: "region".into(), ..SplitParams::default() }.check(t).unwrap();
    let a = split(t, &params, &mut Quiet).unwrap();
    let mut seen = CancelAfter::never();
    let mut out = Vec::new();
    write_annotated_csv(t, &a, "segment", &mut out, &mut seen).unwrap();
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), ROWS + 1);
    assert_eq!(seen.stages(), ["Writing the data with its segments"]);
    advances_to_the_total(&seen, "Writing the data", ROWS as u64);
    let mut stop = CancelAfter::reports(2);
    let result = write_annotated_csv(t, &a, "segment", Vec::new(), &mut stop);
    assert!(matches!(result, Err(ExportError::Cancelled)), "{result:?}");
    assert_eq!(result.unwrap_err().to_string(), CANCELLED);
}
