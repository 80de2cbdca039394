//! gzip-compressed CSV, JSON Lines and an Excel workbook through `segscope inspect` and `rfm`,
//! compared with their CSV twin (fixtures made by `engine/tests/data/make_formats.py`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;
use std::process::{Command, Output};

fn segscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_segscope")).args(args).output().unwrap()
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/data").join(name).display().to_string()
}

fn inspect(file: &str, extra: &[&str]) -> serde_json::Value {
    let path = data(file);
    let mut args = vec!["inspect", path.as_str(), "--json"];
    args.extend_from_slice(extra);
    let o = segscope(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// `segscope rfm` on the transactions at `path` (the fixtures' column names), writing `out`.
fn run_rfm(path: &str, extra: &[&str], out: &Path) -> Output {
    let mut args = vec![
        "rfm",
        "--transactions",
        path,
        "--customer-id",
        "customer_id",
        "--date",
        "order_date",
        "--amount",
        "amount",
        "--bins",
        "3",
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    segscope(&args)
}

fn rfm(file: &str, extra: &[&str], out: &Path) -> String {
    let o = run_rfm(&data(file), extra, out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn inspect_reads_every_twin_to_the_same_columns() {
    let csv = inspect("transactions.csv", &[]);
    assert_eq!(csv["format"], "csv");
    for (file, extra, format) in [
        ("transactions.csv.gz", &[][..], "csv.gz"),
        ("transactions.jsonl", &[][..], "jsonl"),
        ("transactions.xlsx", &["--sheet", "Orders"][..], "xlsx"),
    ] {
        let v = inspect(file, extra);
        assert_eq!(v["format"], format, "{file}");
        assert_eq!(v["rows"], csv["rows"], "{file}");
        assert_eq!(v["columns"], csv["columns"], "{file}");
    }
    let x = inspect("transactions.xlsx", &["--sheet", "Orders"]);
    assert_eq!(x["sheets"], serde_json::json!(["Summary", "Orders"]));
    assert_eq!(x["sheet"], "Orders");
}

#[test]
fn rfm_scores_every_twin_alike() {
    let dir = tempfile::tempdir().unwrap();
    let csv = rfm("transactions.csv", &[], &dir.path().join("csv.csv"));
    assert!(csv.lines().count() > 5);
    assert_eq!(rfm("transactions.csv.gz", &[], &dir.path().join("gz.csv")), csv);
    assert_eq!(rfm("transactions.jsonl", &[], &dir.path().join("jsonl.csv")), csv);
    assert_eq!(rfm("transactions.xlsx", &["--sheet", "Orders"], &dir.path().join("xlsx.csv")), csv);
}

#[test]
fn a_missing_sheet_is_a_sentence_naming_the_file() {
    let o = segscope(&["inspect", &data("transactions.xlsx"), "--sheet", "Nope"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("transactions.xlsx: there is no sheet named `Nope` in this workbook"), "{err}");
}

#[test]
fn a_parquet_file_inspects_and_scores_like_its_csv_twin() {
    let csv = inspect("transactions.csv", &[]);
    let p = inspect("transactions.parquet", &[]);
    assert_eq!(p["format"], "parquet");
    assert_eq!(p["rows"], csv["rows"]);
    assert_eq!(p["columns"], csv["columns"]);
    let dir = tempfile::tempdir().unwrap();
    // rfm reads the transactions a record batch at a time (the streaming reader).
    let twin = rfm("transactions.csv", &[], &dir.path().join("csv.csv"));
    assert_eq!(rfm("transactions.parquet", &[], &dir.path().join("parquet.csv")), twin);
}

#[test]
fn a_damaged_parquet_file_is_a_sentence_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(data("transactions.parquet")).unwrap();
    let broken = dir.path().join("orders.parquet");
    std::fs::write(&broken, &bytes[..bytes.len() / 2]).unwrap();
    let path = broken.display().to_string();
    let out = dir.path().join("rfm.csv");
    for o in [segscope(&["inspect", path.as_str()]), run_rfm(&path, &[], &out)] {
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("orders.parquet: this Parquet file could not be read ("), "{err}");
    }
}
