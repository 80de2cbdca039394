//! Every file `segscope apply`, `rfm`, `clv`, `cluster` and `profile` write has its manifest
//! beside it (`FILE.manifest.json`, issue #17), recording that file's name, size and SHA-256, and
//! `segscope verify` on it and the same input says `identical`: through the page's code path
//! where the page downloads the same file, else as the command made it. `segscope sql` writes to
//! standard output and no manifest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests fail loudly by design

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use segscope_engine::reproduce::sha256_hex;
use serde_json::Value;

fn segscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_segscope")).args(args).output().unwrap()
}

/// Runs `segscope` and asserts it succeeded.
fn ok(args: &[&str]) -> Output {
    let o = segscope(args);
    assert!(o.status.success(), "segscope {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o
}

fn examples(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/segments").join(name).display().to_string()
}

/// The sample (`segscope sample`) in a new folder: the folder, the customers and the transactions.
fn sample() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    ok(&["sample", "--out", &dir.path().display().to_string(), "--customers", "400"]);
    let (c, t) = (path(&dir, "customers.csv"), path(&dir, "transactions.csv"));
    (dir, c, t)
}

fn path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).display().to_string()
}

/// The manifest beside `file`, after checking that it records exactly that file (its name
/// without the folder, its size and SHA-256).
fn manifest_of(file: &str) -> Value {
    let beside = PathBuf::from(format!("{file}.manifest.json"));
    let m: Value = serde_json::from_slice(&std::fs::read(&beside).unwrap()).unwrap();
    assert_eq!(m["format"], "segscope.manifest/2");
    let bytes = std::fs::read(file).unwrap();
    let name = Path::new(file).file_name().unwrap().to_string_lossy();
    let outputs = m["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 1, "{file}: {outputs:?}");
    assert_eq!(outputs[0]["name"], *name);
    assert_eq!(outputs[0]["bytes"], bytes.len());
    assert_eq!(outputs[0]["sha256"], sha256_hex(&bytes));
    assert_eq!(m["output_file"], *name);
    m
}

/// `segscope verify` on the manifest beside `file` says identical (exit 0) for `file`; returns
/// the manifest.
fn verified(file: &str, input: &str, transactions: Option<&str>) -> Value {
    let m = manifest_of(file);
    let beside = format!("{file}.manifest.json");
    let mut args = vec!["verify", beside.as_str(), input];
    if let Some(t) = transactions {
        args.extend(["--transactions", t]);
    }
    let o = segscope(&args);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}{}", String::from_utf8_lossy(&o.stderr));
    let name = Path::new(file).file_name().unwrap().to_string_lossy();
    assert!(text.contains(&format!("{name}: identical")) && text.ends_with("identical\n"), "{text}");
    m
}

/// The request the manifest's recipe records.
fn request(m: &Value) -> &str {
    m["recipe"]["download"]["request"].as_str().unwrap()
}

#[test]
fn apply_writes_a_manifest_that_verifies_for_rules_rfm_and_a_model() {
    let (dir, c, t) = sample();
    // Rule segments: the page's CSV of the same segmentation, written under the name given.
    let out = path(&dir, "segmented.csv");
    ok(&["apply", "--definition", &examples("sample-lifestyle.json"), "--input", &c, "--output", &out]);
    let m = verified(&out, &c, None);
    assert_eq!((request(&m), m["recipe"]["written_as"][0].as_str()), ("export-csv", Some("segmented.csv")));
    assert_eq!((m["input"]["name"].as_str(), m["segment_column"].as_str()), (Some("customers.csv"), Some("segment")));
    assert_eq!(m["recipe"]["segmentation"]["kind"], "rules");

    // With the transactions' aggregates, and the as-of date typed (the definition sets none).
    let mut value: Value = serde_json::from_slice(&std::fs::read(examples("sample-value.json")).unwrap()).unwrap();
    value.as_object_mut().unwrap().remove("as_of");
    let def = path(&dir, "value.json");
    std::fs::write(&def, value.to_string()).unwrap();
    let out = path(&dir, "value.csv");
    ok(&[
        "apply",
        "--definition",
        &def,
        "--input",
        &c,
        "--transactions",
        &t,
        "--as-of",
        "2025-12-01",
        "--output",
        &out,
    ]);
    let m = verified(&out, &c, Some(&t));
    assert_eq!(m["transactions"]["file"]["name"], "transactions.csv");
    assert_eq!(m["transactions"]["mapping"]["customer_id"], "customer_id");
    assert_eq!(m["as_of"], "2025-12-01");
    assert_eq!(m["recipe"]["segmentation"]["definition"]["as_of"], "2025-12-01");

    // A saved RFM segmentation: an `rfm_segment` column, made again as the command line makes it.
    let rfm = path(&dir, "rfm.csv");
    ok(&["rfm", "--transactions", &t, "--bins", "4", "--output", &rfm]);
    let mut definition = verified(&rfm, &t, None)["segmentation"]["definition"].clone();
    definition.as_object_mut().unwrap().remove("as_of");
    let def = path(&dir, "rfm.json");
    std::fs::write(&def, definition.to_string()).unwrap();
    let out = path(&dir, "with-rfm.csv");
    ok(&["apply", "--definition", &def, "--input", &c, "--transactions", &t, "--output", &out]);
    let m = verified(&out, &c, Some(&t));
    assert_eq!((request(&m), m["segment_column"].as_str()), ("rfm-column", Some("rfm_segment")));

    // A cluster model: its labels, made again with the manifest's model.
    let model = path(&dir, "model.json");
    ok(&["cluster", "--input", &c, "--features", "age,income", "--k", "3", "--model", &model]);
    let out = path(&dir, "labelled.csv");
    ok(&["apply", "--model", &model, "--input", &c, "--output", &out]);
    let m = verified(&out, &c, None);
    assert_eq!((request(&m), m["model"]["k"].as_u64()), ("cluster-column", Some(3)));
}

#[test]
fn rfm_and_clv_manifests_verify_on_the_transactions_alone() {
    let (dir, _, t) = sample();
    let out = path(&dir, "scores.csv");
    ok(&["rfm", "--transactions", &t, "--customer-id", "customer_id", "--method", "quantile", "--output", &out]);
    let m = verified(&out, &t, None);
    assert_eq!((request(&m), m["recipe"]["opened"].as_str()), ("rfm-files", Some("transactions")));
    assert_eq!(m["recipe"]["mapping"]["date"], "order_date");
    assert_eq!(m["columns"], serde_json::json!([{ "name": "customer_id", "type": "text" }]));

    // Another amount column than the one guessed: the manifest records the columns read, and the
    // page's code path is told them.
    let text = std::fs::read_to_string(&t).unwrap();
    let gross: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| match i {
            0 => format!("{line},gross\n"),
            _ => format!("{line},{}\n", line.rsplit(',').nth(1).unwrap()),
        })
        .collect();
    let other = path(&dir, "gross.csv");
    std::fs::write(&other, gross).unwrap();
    let out = path(&dir, "gross-rfm.csv");
    ok(&["rfm", "--transactions", &other, "--amount", "gross", "--output", &out]);
    assert_eq!(verified(&out, &other, None)["recipe"]["mapping"]["amount"], "gross");

    // Before some customers' first purchase: the command line leaves them out (the page lists
    // them), so the table is made again as the command line makes it.
    let early = path(&dir, "early.csv");
    ok(&["rfm", "--transactions", &t, "--as-of", "2024-06-01", "--output", &early]);
    let m = verified(&early, &t, None);
    assert_eq!((request(&m), m["as_of"].as_str()), ("rfm-table", Some("2024-06-01")));

    // Two files, a manifest beside each, both the page's CLV download.
    let clv = path(&dir, "value.csv");
    let params = path(&dir, "fit.json");
    ok(&["clv", "--transactions", &t, "--horizon-months", "6", "--output", &clv, "--params-json", &params]);
    for file in [&clv, &params] {
        let m = verified(file, &t, None);
        assert_eq!(request(&m), "clv-files");
        assert_eq!(m["recipe"]["written_as"], serde_json::json!(["value.csv", "fit.json"]));
        assert_eq!(m["recipe"]["clv"]["horizon_months"], 6);
    }
}

#[test]
fn each_file_cluster_writes_has_a_manifest_that_fits_again_and_verifies() {
    let (dir, c, t) = sample();
    let [labelled, model, report] = ["labelled.csv", "model.json", "report.json"].map(|n| path(&dir, n));
    ok(&[
        "cluster",
        "--input",
        &c,
        "--transactions",
        &t,
        "--features",
        "age,income,revenue,last_order_date",
        "--log",
        "income,revenue",
        "--k",
        "3",
        "--output",
        &labelled,
        "--model",
        &model,
        "--report",
        &report,
    ]);
    let m = verified(&labelled, &c, Some(&t));
    assert_eq!((request(&m), m["segment_column"].as_str()), ("cluster-column", Some("cluster")));
    let recipe = &m["recipe"]["segmentation"];
    assert_eq!((recipe["kind"].as_str(), recipe["k"].as_u64()), (Some("clusters"), Some(3)));
    // The model is the page's download of the same clustering: fitted again through its code.
    let m = verified(&model, &c, Some(&t));
    assert_eq!(
        (request(&m), m["recipe"]["download"]["files"]["files"].as_str()),
        ("segmentation-files", Some("definition"))
    );
    assert_eq!(request(&verified(&report, &c, Some(&t))), "cluster-report");

    let scan = path(&dir, "scan.json");
    ok(&["cluster", "--input", &c, "--features", "age,income", "--scan", "2..4", "--report", &scan]);
    let m = verified(&scan, &c, None);
    assert_eq!((request(&m), m["recipe"]["download"]["max_k"].as_u64()), ("scan-report", Some(4)));
    // A scan without --report only prints: no file, no manifest.
    let before = std::fs::read_dir(dir.path()).unwrap().count();
    ok(&["cluster", "--input", &c, "--features", "age,income", "--scan", "2..3"]);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before);
}

#[test]
fn profile_reports_verify_from_a_definition_a_segment_column_and_a_model() {
    let (dir, c, t) = sample();
    let report = path(&dir, "report.html");
    let def = examples("sample-value.json");
    ok(&[
        "profile",
        "--input",
        &c,
        "--transactions",
        &t,
        "--definition",
        &def,
        "--niche-value",
        "revenue",
        "--output",
        &report,
    ]);
    let m = verified(&report, &c, Some(&t));
    assert_eq!((request(&m), m["recipe"]["download"]["format"].as_str()), ("profile-files", Some("html")));

    let segmented = path(&dir, "segmented.csv");
    ok(&["apply", "--definition", &examples("sample-lifestyle.json"), "--input", &c, "--output", &segmented]);
    let report = path(&dir, "by-column.json");
    ok(&["profile", "--input", &segmented, "--segment-column", "segment", "--output", &report]);
    let m = verified(&report, &segmented, None);
    assert_eq!(
        (request(&m), m["recipe"]["download"]["segments"]["column"].as_str()),
        ("segment-report", Some("segment"))
    );

    let model = path(&dir, "model.json");
    ok(&["cluster", "--input", &c, "--features", "age,income", "--k", "3", "--model", &model]);
    let report = path(&dir, "by-model.csv");
    ok(&["profile", "--input", &c, "--model", &model, "--output", &report]);
    let m = verified(&report, &c, None);
    assert_eq!((request(&m), m["model"]["k"].as_u64()), ("segment-report", Some(3)));
}

#[test]
fn another_input_is_said_and_sql_writes_no_manifest() {
    let (dir, c, _) = sample();
    let out = path(&dir, "segmented.csv");
    ok(&["apply", "--definition", &examples("sample-lifestyle.json"), "--input", &c, "--output", &out]);
    let mut bytes = std::fs::read(&c).unwrap();
    bytes.truncate(bytes.len() - 40);
    let other = path(&dir, "other.csv");
    std::fs::write(&other, bytes).unwrap();
    let o = segscope(&["verify", &format!("{out}.manifest.json"), &other]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("is a different file from the one the manifest describes (customers.csv)"), "{text}");

    let before = std::fs::read_dir(dir.path()).unwrap().count();
    let o = Command::new(env!("CARGO_BIN_EXE_segscope"))
        .args(["sql", "--definition", &examples("sample-lifestyle.json"), "--dialect", "duckdb", "--table", "c"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("SELECT"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before, "sql writes no file");
    let help = String::from_utf8_lossy(&segscope(&["sql", "--help"]).stdout).into_owned();
    assert!(help.contains("writes no manifest"), "{help}");
}
