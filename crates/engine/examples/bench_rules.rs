//! Times a rule definition's re-evaluation (what the live counts do on every edit).
//!
//! `cargo run --release -p segscope-engine --example bench_rules -- CUSTOMERS.csv DEFINITION.json [REPEATS]`
//! prints one JSON object: rows, segments, ingest time and the median evaluation time in ms.
//! Run by `scripts/bench.sh`, which compares it with DuckDB and with the same engine in Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool: fail loudly

use std::time::Instant;

use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::{check, default_as_of, evaluate, schema_of, Definition};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (csv, def) = (&args[1], &args[2]);
    let repeats: usize = args.get(3).map_or(21, |r| r.parse().unwrap());
    let bytes = std::fs::read(csv).unwrap();
    let t = Instant::now();
    let table = read_table(csv, &bytes, &ReadOptions::default(), &mut Quiet).unwrap().table;
    let ingest_ms = t.elapsed().as_secs_f64() * 1e3;
    let def = Definition::from_json(&std::fs::read_to_string(def).unwrap()).unwrap();
    let mut times = Vec::with_capacity(repeats);
    let mut counts = Vec::new();
    for _ in 0..repeats {
        let t = Instant::now();
        // What one live-count update does: check against the columns, then evaluate.
        let valid = check(&def, &schema_of(&table), default_as_of(&def, &table)).unwrap();
        let result = evaluate(&valid, &table, &mut Quiet).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        counts = result.assignment.sizes().into_iter().map(|s| s.count).collect();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{{\"rows\": {}, \"segments\": {}, \"ingest_ms\": {ingest_ms:.1}, \"evaluate_ms\": {:.2}, \"counts\": {counts:?}}}",
        table.rows(),
        def.segments.len(),
        times[times.len() / 2]
    );
}
