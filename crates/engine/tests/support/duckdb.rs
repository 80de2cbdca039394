//! A long-running DuckDB (Python) process for the equivalence tests: one JSON request per line.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

struct DuckDb {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

static DUCKDB: Mutex<Option<DuckDb>> = Mutex::new(None);

pub fn duckdb(request: &serde_json::Value) -> Vec<Vec<serde_json::Value>> {
    let mut guard = DUCKDB.lock().unwrap_or_else(|e| e.into_inner());
    let db = guard.get_or_insert_with(|| {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/duckdb_runner.py");
        let mut child = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 is needed for the DuckDB equivalence test (scripts/setup.sh installs it with duckdb)");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        DuckDb { _child: child, stdin, stdout }
    });
    writeln!(db.stdin, "{request}").unwrap();
    db.stdin.flush().unwrap();
    let mut line = String::new();
    db.stdout.read_line(&mut line).unwrap();
    assert!(
        !line.is_empty(),
        "the DuckDB runner stopped: is the duckdb Python package installed? (pip install duckdb)"
    );
    let answer: serde_json::Value = serde_json::from_str(&line).unwrap();
    if let Some(e) = answer.get("error") {
        panic!("DuckDB rejected the query: {e}\n{}", request["query"].as_str().unwrap_or_default());
    }
    serde_json::from_value(answer["rows"].clone()).unwrap()
}
