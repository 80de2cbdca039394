//! `segscope movement`: two snapshot files segmented by the same rule definition (or each by its
//! own segment column), customers matched by key, the matrix written as CSV with New and Gone; a
//! key column a file lacks is a sentence.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::process::{Command, Output};

fn segscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_segscope")).args(args).output().unwrap()
}

const JUNE: &str = "id,age,segment\na,25,Young\nb,28,Young\nc,29,Young\nd,45,Other\ne,52,Other\nf,33,Other\n";
const DECEMBER: &str =
    "id,age,segment\na,31,Other\nb,30,Other\nc,29,Young\nd,46,Other\ne,53,Other\ng,22,Young\nh,40,Other\n";
const YOUNG: &str = r#"{"format": "segscope.segments/1", "segments": [{"name": "Young", "when": {"column": "age", "op": "lt", "value": 30}}], "remainder": {"name": "Other"}}"#;

#[test]
fn two_files_segmented_alike_give_the_matrix_with_new_and_gone() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let (june, december, young) = (file("june.csv", JUNE), file("december.csv", DECEMBER), file("young.json", YOUNG));
    let out = dir.path().join("m.csv").display().to_string();
    let by_rules = "june.csv \\ december.csv,Young,Other,Gone\nYoung,1,2,0\nOther,0,2,1\nNew,1,1,0\n";
    // A segment column's segments are its values in order.
    let by_column = "june.csv \\ december.csv,Other,Young,Gone\nOther,2,0,1\nYoung,2,1,0\nNew,1,1,0\n";
    for (source, expected) in
        [(["--definition", young.as_str()], by_rules), (["--segment-column", "segment"], by_column)]
    {
        let o = segscope(&[
            "movement", "--before", &june, "--after", &december, "--key", "id", source[0], source[1], "--output", &out,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let csv = std::fs::read_to_string(&out).unwrap();
        assert_eq!(csv, expected, "{source:?}");
        assert!(String::from_utf8_lossy(&o.stderr)
            .contains("5 customers are in both files; 3 of them in a segment of the same name"));
    }
    let o = segscope(&[
        "movement",
        "--before",
        &june,
        "--after",
        &december,
        "--key",
        "customer_id",
        "--definition",
        &young,
        "--output",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("has no column `customer_id` to match the customers by"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
