//! Cluster models (`segscope.cluster-model/1`): any bytes. Reading and checking must not panic; a
//! model that reads, written back to JSON and read again, is the same model; and labelling small
//! tables with its feature columns (numbers, text, missing values) must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use segscope_engine::definitions::read_cluster_model;
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_fuzz::cells::delimited;
use segscope_fuzz::compare::same;

fuzz_target!(|bytes: &[u8]| {
    let Ok(model) = read_cluster_model("m.json", bytes) else { return };
    let json = match serde_json::to_vec(&model) {
        Ok(json) => json,
        Err(e) => panic!("a model read does not write: {e}"),
    };
    match read_cluster_model("m.json", &json) {
        Ok(again) => same("a model and its JSON read again", &model, &again),
        Err(e) => panic!("a model written back does not read: {e}\n{}", String::from_utf8_lossy(&json)),
    }
    // Tables with the features' columns: numbers, dates, text, missing values.
    let mut header: Vec<String> = Vec::new();
    for f in &model.features {
        if !header.contains(&f.column) && header.len() < 16 {
            header.push(f.column.clone());
        }
    }
    let width = header.len();
    for values in [["1", "2.5", "-3", ""], ["2024-01-01", "2023-06-30", "", "1999-12-31"], ["a", "b", "NA", "a"]] {
        let rows: Vec<Vec<String>> = values.iter().map(|v| vec![v.to_string(); width]).collect();
        let csv = delimited(Some(&header), &rows, b',', "\n");
        if let Ok(read) = read_table("t.csv", &csv, &ReadOptions::default(), &mut Quiet) {
            let _ = model.label(&read.table.named_columns(&[]));
        }
    }
});
