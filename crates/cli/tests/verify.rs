//! `segscope verify` (issue #17, reproducible results): the page's downloads, made by
//! `api::Session` as the worker makes them, verified by the binary; another input and a changed
//! parameter are said; the CLI's own re-run writes the same bytes as the page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests fail loudly by design

use std::path::Path;
use std::process::{Command, Output};

use segscope_engine::api::{Request, Response, SegmentationFiles, Session, SplitParams};
use segscope_engine::progress::Quiet;
use segscope_engine::sample::{sample_csv, SampleParams};

fn segscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_segscope")).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The page's "Try the sample data", split by urbanicity, and the Segmentations workspace's
/// "CSV + manifest" and "Zip" downloads, written to `dir` as the browser saves them (the worker
/// runs these requests on `api::Session`). Also writes the sample's two files as
/// `segscope sample` does. Returns the downloaded files' names.
fn page_downloads(dir: &Path) -> Vec<String> {
    let params = SampleParams { customers: 400.into(), ..SampleParams::default() };
    let (customers, transactions) = sample_csv(&params.check().unwrap()).unwrap();
    std::fs::write(dir.join("customers.csv"), customers).unwrap();
    std::fs::write(dir.join("transactions.csv"), transactions).unwrap();
    let mut s = Session::new();
    let ask = |s: &mut Session, r: Request| {
        let response = s.handle(r, &mut Quiet);
        assert!(!matches!(response, Response::Error { .. }), "{response:?}");
        response
    };
    let Response::Dataset(d) = ask(&mut s, Request::LoadSample { params: params.clone() }) else { panic!() };
    ask(&mut s, Request::AttachSampleTransactions { dataset: d.id, params });
    let split = SplitParams { column: "urbanicity".into(), ..SplitParams::default() };
    let Response::Segmented(v) = ask(&mut s, Request::Split { dataset: d.id, params: split }) else { panic!() };
    let mut names = Vec::new();
    for files in [SegmentationFiles::Csv, SegmentationFiles::Zip] {
        let Response::Files(out) = ask(&mut s, Request::SegmentationFiles { dataset: d.id, segmentation: v.id, files })
        else {
            panic!()
        };
        for f in out {
            std::fs::write(dir.join(&f.name), &f.bytes).unwrap();
            names.push(f.name);
        }
    }
    names
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

#[test]
fn the_pages_csv_and_zip_verify_as_identical_and_the_clis_re_run_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let names = page_downloads(dir.path());
    let manifest = names.iter().find(|n| n.ends_with(".csv.manifest.json")).unwrap();
    let (input, tx) = (path(dir.path(), "customers.csv"), path(dir.path(), "transactions.csv"));
    let out = dir.path().join("cli");
    let o = segscope(&[
        "verify",
        &path(dir.path(), manifest),
        &input,
        "--transactions",
        &tx,
        "--out",
        &out.display().to_string(),
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).ends_with("identical\n"), "{}", stdout(&o));
    // The CLI's own outputs for the same manifest: byte for byte the page's.
    for name in names.iter().filter(|n| !n.ends_with(".zip")) {
        let page = std::fs::read(dir.path().join(name)).unwrap();
        assert!(page == std::fs::read(out.join(name)).unwrap(), "{name} differs between the page and the CLI");
    }

    let zip = names.iter().find(|n| n.ends_with(".zip")).unwrap();
    let o = segscope(&["verify", &path(dir.path(), zip), &input, "--transactions", &tx]);
    assert!(o.status.success(), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains(&format!("{zip}/rural.csv: identical")), "{}", stdout(&o));
}

#[test]
fn a_changed_input_byte_is_another_file_by_size_or_hash() {
    let dir = tempfile::tempdir().unwrap();
    let names = page_downloads(dir.path());
    let manifest = names.iter().find(|n| n.ends_with(".csv.manifest.json")).unwrap();
    let input = dir.path().join("customers.csv");
    let mut bytes = std::fs::read(&input).unwrap();
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b'1' { b'2' } else { b'1' };
    std::fs::write(&input, bytes).unwrap();
    let o = segscope(&[
        "verify",
        &path(dir.path(), manifest),
        &input.display().to_string(),
        "--transactions",
        &path(dir.path(), "transactions.csv"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("is a different file from the one the manifest describes (sample-customers.csv)"), "{text}");
    assert!(text.contains("SHA-256") && !text.contains("size "), "same size, another hash: {text}");
}

#[test]
fn a_tampered_parameter_makes_other_outputs_with_the_first_differing_line() {
    let dir = tempfile::tempdir().unwrap();
    let names = page_downloads(dir.path());
    let manifest = dir.path().join(names.iter().find(|n| n.ends_with(".csv.manifest.json")).unwrap());
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    m["recipe"]["segmentation"]["params"]["column"] = "region".into();
    std::fs::write(&manifest, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let o = segscope(&[
        "verify",
        &manifest.display().to_string(),
        &path(dir.path(), "customers.csv"),
        "--transactions",
        &path(dir.path(), "transactions.csv"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    assert!(text.contains(": differs: ") && text.contains("first differing line: 2"), "{text}");
    assert!(text.ends_with("different\n"), "{text}");
}

#[test]
fn a_first_format_manifest_and_missing_transactions_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let names = page_downloads(dir.path());
    let old = dir.path().join("old.manifest.json");
    std::fs::write(&old, br#"{"format": "segscope.manifest/1", "input_file": "c.csv"}"#).unwrap();
    let input = path(dir.path(), "customers.csv");
    let o = segscope(&["verify", &old.display().to_string(), &input]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("segscope.manifest/1"), "{:?}", o);
    let manifest = names.iter().find(|n| n.ends_with(".csv.manifest.json")).unwrap();
    let o = segscope(&["verify", &path(dir.path(), manifest), &input]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("sample-transactions.csv") && err.contains("--transactions FILE"), "{err}");
}
