//! Inputs a user can make large, answered in linear time: a file of 100,000 columns through the
//! requests the page makes when it opens one (read, preview, templates, the rules' count, the
//! features a clustering offers, a split), and an `any_of` list of 100,000 values. A search per
//! column name over all columns (10^10 comparisons) took minutes in the page's engine; the
//! deadline here fails such a regression, not a slow machine.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/session.rs"]
mod session;

use std::time::{Duration, Instant};

use segscope_engine::api::{Request, Response, Session, SplitParams};
use segscope_engine::ingest::ReadOptions;
use segscope_engine::rules::Definition;
use session::{ok, D};

/// Far above what linear work takes in a debug build, far below what quadratic work takes.
const DEADLINE: Duration = Duration::from_secs(20);

const COLUMNS: usize = 100_000;

fn wide_file() -> Vec<u8> {
    let header: Vec<String> = (0..COLUMNS).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (0..COLUMNS).map(|i| (i % 7).to_string()).collect();
    format!("{}\n{}\n{}\n", header.join(","), row.join(","), row.join(",")).into_bytes()
}

fn timed(s: &mut Session, request: Request) -> Response {
    let kind = request.kind();
    let start = Instant::now();
    let response = ok(s, request);
    let took = start.elapsed();
    assert!(took < DEADLINE, "{kind} took {took:?} on {COLUMNS} columns");
    response
}

#[test]
fn every_request_of_opening_a_file_of_100000_columns_answers_in_linear_time() {
    let mut s = Session::new();
    let bytes = wide_file();
    timed(&mut s, Request::Ingest { name: "wide.csv".into(), bytes, options: ReadOptions::default() });
    timed(&mut s, Request::Preview { dataset: D, segment: None, offset: 0, limit: 20 });
    timed(&mut s, Request::SuggestTemplates { dataset: D });
    timed(&mut s, Request::CountRules { dataset: D, definition: Definition::default() });
    let Response::ClusterFeatures(features) = timed(&mut s, Request::ClusterFeatures { dataset: D }) else {
        panic!("not the features")
    };
    assert_eq!(features.choices.len(), COLUMNS);
    let split = SplitParams { column: "c99999".into(), ..SplitParams::default() };
    timed(&mut s, Request::Split { dataset: D, params: split });
    timed(&mut s, Request::Segmentations { dataset: D });
}

/// An `any_of` list of 100,000 customer ids tested on 200,000 rows of a text column: each row is
/// looked up in a set, not compared with every id (2·10^10 comparisons took minutes).
#[test]
fn a_long_any_of_list_on_a_text_column_counts_in_linear_time() {
    let rows = 200_000usize;
    let mut csv = String::from("customer_id,spend\n");
    for i in 0..rows {
        csv.push_str(&format!("id-{i:07},{}\n", i % 100));
    }
    let mut s = Session::new();
    timed(&mut s, Request::Ingest { name: "ids.csv".into(), bytes: csv.into_bytes(), options: ReadOptions::default() });
    let ids: Vec<String> = (0..rows).step_by(2).map(|i| format!("\"id-{i:07}\"")).collect();
    let json = format!(
        r#"{{"format":"segscope.segments/1","segments":[{{"name":"Listed","when":{{"column":"customer_id","op":"any_of","values":[{}]}}}}]}}"#,
        ids.join(",")
    );
    let definition: Definition = serde_json::from_str(&json).expect("a rules definition");
    let Response::Rules(view) = timed(&mut s, Request::CountRules { dataset: D, definition }) else {
        panic!("not the counts")
    };
    assert_eq!(view.counts.first().map(|c| c.size.count), Some(100_000));
}
