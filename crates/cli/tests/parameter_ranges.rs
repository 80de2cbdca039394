//! Numbers at the edge of their type in a definition file are a sentence from `segscope apply`,
//! never a panic (issue #17: a very large N in "in the last N days" aborted `segscope apply`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::process::Command;

#[test]
fn an_in_last_n_at_the_edge_of_its_type_is_refused_with_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let customers = dir.path().join("customers.csv");
    std::fs::write(&customers, "id,signup\n1,2024-01-01\n2,2023-01-01\n").unwrap();
    let out = dir.path().join("out.csv");
    // (N in the file, unit, the range, N as the sentence says it): i64::MAX, u64::MAX, i64::MIN,
    // u32::MAX + 1, and the largest JSON number a reader takes (f64::MAX).
    let cases = [
        ("9223372036854775807", "days", "from 1 to 36,500", "9223372036854775807"),
        ("18446744073709551615", "days", "from 1 to 36,500", "18446744073709551615"),
        ("-9223372036854775808", "days", "from 1 to 36,500", "-9223372036854775808"),
        ("4294967296", "months", "from 1 to 1200", "4294967296"),
        ("1.7976931348623157e308", "days", "from 1 to 36,500", "1.7976931348623157e+308"),
    ];
    for (n, unit, range, got) in cases {
        let definition = dir.path().join("definition.json");
        std::fs::write(
            &definition,
            format!(
                r#"{{"format": "segscope.segments/1", "as_of": "2024-04-01", "segments": [{{"name": "Recent", "when": {{"column": "signup", "op": "in_last", "n": {n}, "unit": "{unit}"}}}}]}}"#
            ),
        )
        .unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_segscope"))
            .args(["apply", "--input"])
            .arg(&customers)
            .arg("--definition")
            .arg(&definition)
            .arg("--output")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{n}: {stderr}");
        assert!(!stderr.contains("panicked"), "{n}: {stderr}");
        let says = format!(
            "error: the definition does not fit this data (1 problem):\n  - segment “Recent”, condition when (`signup` in_last): N in “in the last N {unit}” must be a whole number {range} (got `{got}`).\n"
        );
        assert_eq!(stderr, says, "{n}");
        let written = std::fs::read(&out).unwrap_or_default();
        assert!(written.is_empty(), "{n}: no rows are written");
    }
}
