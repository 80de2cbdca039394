//! `segscope profile` on the sample with its transactions: every format writes its file, the JSON
//! and the tidy CSV hold the sizes `segscope apply` gives the same definition, a segment column
//! and a cluster model give reports too, the HTML page refers to nothing outside itself, and the
//! segment source is exactly one of three, with one sentence when it is not.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn segscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_segscope")).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> Output {
    let o = segscope(args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o
}

fn value_definition() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/segments/sample-value.json").display().to_string()
}

/// The sample (1,000 customers and their transactions) in a temporary folder.
fn sample() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    ok(&["sample", "--customers", "1000", "--out", dir.path().to_str().unwrap()]);
    let customers = dir.path().join("customers.csv").display().to_string();
    let transactions = dir.path().join("transactions.csv").display().to_string();
    (dir, customers, transactions)
}

fn path(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

/// Customers per segment in the file `segscope apply` wrote (its last column).
fn applied_sizes(file: &Path) -> BTreeMap<String, u64> {
    let mut reader = csv::Reader::from_path(file).unwrap();
    let mut sizes = BTreeMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        *sizes.entry(record.iter().next_back().unwrap().to_string()).or_default() += 1;
    }
    sizes
}

/// Customers per segment in a JSON report.
fn json_sizes(file: &Path) -> BTreeMap<String, u64> {
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(report["format"], "segscope.report/1");
    report["profile"]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s["count"].as_u64().unwrap()))
        .collect()
}

#[test]
fn every_format_writes_its_report_with_the_sizes_apply_gives() {
    let (dir, customers, transactions) = sample();
    let definition = value_definition();
    let applied = path(&dir, "applied.csv");
    ok(&[
        "apply",
        "--definition",
        &definition,
        "--input",
        &customers,
        "--transactions",
        &transactions,
        "--output",
        applied.to_str().unwrap(),
    ]);
    let expected = applied_sizes(&applied);
    for format in ["html", "xlsx", "csv", "json"] {
        let out = path(&dir, &format!("report.{format}"));
        let o = ok(&[
            "profile",
            "--input",
            &customers,
            "--transactions",
            &transactions,
            "--definition",
            &definition,
            "--niche-value",
            "revenue",
            "--format",
            format,
            "--output",
            out.to_str().unwrap(),
        ]);
        let said = String::from_utf8_lossy(&o.stderr);
        assert!(said.contains(&format!("wrote the {format} report on 1000 customers")), "{said}");
        assert!(std::fs::metadata(&out).unwrap().len() > 1000, "{format}");
    }
    assert_eq!(json_sizes(&path(&dir, "report.json")), expected);

    let mut csv_sizes = BTreeMap::new();
    let mut reader = csv::Reader::from_path(path(&dir, "report.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["segment", "column", "level", "statistic", "value", "index", "adjusted_p", "significant"]
    );
    for r in reader.records() {
        let r = r.unwrap();
        if r[1].is_empty() && &r[3] == "customers" && &r[0] != "All customers" {
            csv_sizes.insert(r[0].to_string(), r[4].parse::<u64>().unwrap());
        }
    }
    assert_eq!(csv_sizes, expected);

    let page = std::fs::read_to_string(path(&dir, "report.html")).unwrap();
    for outside in ["http://", "https://", "src=", "<link", "<script", "url("] {
        assert!(!page.contains(outside), "the report refers to something outside: {outside}");
    }
    assert!(page.matches("<svg ").count() >= 8 && page.contains("Value from transactions"));
    assert_eq!(&std::fs::read(path(&dir, "report.xlsx")).unwrap()[..2], b"PK", "a workbook is a zip");
}

#[test]
fn a_segment_column_and_a_cluster_model_give_reports_too() {
    let (dir, customers, transactions) = sample();
    let applied = path(&dir, "applied.csv");
    ok(&[
        "apply",
        "--definition",
        &value_definition(),
        "--input",
        &customers,
        "--transactions",
        &transactions,
        "--output",
        applied.to_str().unwrap(),
    ]);
    let by_column = path(&dir, "by-column.json");
    ok(&[
        "profile",
        "--input",
        applied.to_str().unwrap(),
        "--segment-column",
        "segment",
        "--output",
        by_column.to_str().unwrap(),
    ]);
    assert_eq!(json_sizes(&by_column), applied_sizes(&applied), "the format follows the output's extension");

    let model = path(&dir, "model.json");
    ok(&["cluster", "--input", &customers, "--features", "age,income", "--k", "3", "--model", model.to_str().unwrap()]);
    let by_model = path(&dir, "by-model.json");
    ok(&[
        "profile",
        "--input",
        &customers,
        "--model",
        model.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        by_model.to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&by_model).unwrap()).unwrap();
    assert_eq!(report["kind"], "Clusters");
    assert!(
        report["in_words"].as_str().unwrap().starts_with("Clusters: k-means with k = 3 on age"),
        "{}",
        report["in_words"]
    );
    assert_eq!(json_sizes(&by_model).values().sum::<u64>(), 1000);
    assert!(report["profile"]["kpis"].is_null(), "no transactions, no KPIs");
}

#[test]
fn the_segments_come_from_exactly_one_source() {
    let (dir, customers, transactions) = sample();
    let out = path(&dir, "r.html");
    let out = out.to_str().unwrap();
    let o = segscope(&["profile", "--input", &customers, "--output", out]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "error: say where the segments come from: --segment-column COL (a column of the input), --definition FILE \
         (rule segments or a saved RFM segmentation) or --model FILE (a cluster model)."
    );
    let definition = value_definition();
    let o = segscope(&[
        "profile",
        "--input",
        &customers,
        "--segment-column",
        "gender",
        "--definition",
        &definition,
        "--output",
        out,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give only one of --segment-column, --definition and --model"));
    let o = segscope(&["profile", "--input", &customers, "--definition", &definition, "--output", out]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give them with --transactions FILE"), "{o:?}");
    let o = segscope(&[
        "profile",
        "--input",
        &customers,
        "--transactions",
        &transactions,
        "--segment-column",
        "gender",
        "--format",
        "pdf",
        "--output",
        out,
    ]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "error: --format `pdf` is not a report format; use html, xlsx, csv or json."
    );
    let o = segscope(&["profile", "--input", &customers, "--segment-column", "segment", "--output", out]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("error: there is no column named `segment`."), "{o:?}");
}

#[test]
fn your_kpis_join_the_report_and_a_kpi_that_does_not_fit_is_refused() {
    let (dir, customers, transactions) = sample();
    let kpis = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/data/profile/custom_kpis.json");
    let kpis = kpis.to_str().unwrap();
    let out = path(&dir, "report.json");
    let args = |kpis: &str| {
        let mut a = vec!["profile", "--input", &customers, "--transactions", &transactions];
        a.extend(["--segment-column", "life_stage", "--kpis", kpis, "--output", out.to_str().unwrap()]);
        a.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    ok(&refs(&args(kpis)));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let custom = &report["profile"]["custom_kpis"];
    assert_eq!(custom["not_computed"].as_array().unwrap().len(), 0, "{custom}");
    let list = custom["kpis"].as_array().unwrap();
    assert_eq!(list.len(), 9);
    assert_eq!(list[3]["definition"]["name"], "Big buyers");
    let single = list[0]["segments"].as_array().unwrap().iter().find(|g| g["segment"] == "Single").unwrap();
    assert_eq!(single["target"], 50000.0, "{single}");

    let bad = path(&dir, "bad.kpis.json");
    std::fs::write(
        &bad,
        r#"{"format": "segscope.kpis/1", "kpis": [{"name": "Spend", "aggregate": "mean", "column": "spend"}]}"#,
    )
    .unwrap();
    let o = segscope(&refs(&args(bad.to_str().unwrap())));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).lines().last().unwrap(),
        format!(
            "error: {}: KPI “Spend”: there is no column `spend` in this data; choose one of its columns (or the \
             transactions' aggregates, once attached).",
            bad.display()
        )
    );
}

/// The arguments as `&str`s.
fn refs(a: &[String]) -> Vec<&str> {
    a.iter().map(String::as_str).collect()
}
