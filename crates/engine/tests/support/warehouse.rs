//! The warehouses the SQL export is tested in: DuckDB, a throwaway PostgreSQL cluster and a local Spark,
//! each a long-running Python process (`tests/*_runner.py`) answering one JSON request per line.
//!
//! A runner starts on first use and serves every test of the test binary; it stops when the binary exits
//! (its stdin closes). A warehouse that is missing fails the test with a sentence saying to run
//! `bash scripts/setup.sh`: these tests are never skipped.
#![allow(dead_code)]

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

use segscope_engine::ingest::values::{date_from_days, datetime_from_seconds};
use segscope_engine::rules::sql::Dialect;
use segscope_engine::table::{ColumnData, ColumnType, Table};

/// A warehouse that runs the exported SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warehouse {
    /// DuckDB (the `duckdb` Python package).
    Duckdb,
    /// PostgreSQL (Debian's `postgresql`), a throwaway cluster on a Unix socket.
    Postgres,
    /// Spark (the `pyspark` Python package, on a Java runtime), `local[2]`.
    Spark,
}

static DUCKDB: Mutex<Option<Runner>> = Mutex::new(None);
static POSTGRES: Mutex<Option<Runner>> = Mutex::new(None);
static SPARK: Mutex<Option<Runner>> = Mutex::new(None);

/// What a query returned: the result's column names and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// Column names, in order.
    pub columns: Vec<String>,
    /// Rows, values as JSON (numbers, strings, booleans, null; other types as text).
    pub rows: Vec<Vec<serde_json::Value>>,
}

impl Warehouse {
    /// The SQL dialect Segscope writes for this warehouse.
    pub fn dialect(self) -> Dialect {
        match self {
            Warehouse::Duckdb => Dialect::Duckdb,
            Warehouse::Postgres => Dialect::Postgres,
            Warehouse::Spark => Dialect::Spark,
        }
    }

    /// The product's name.
    pub fn name(self) -> &'static str {
        match self {
            Warehouse::Duckdb => "DuckDB",
            Warehouse::Postgres => "PostgreSQL",
            Warehouse::Spark => "Spark",
        }
    }

    /// The runner script, beside the engine's tests (the same path from the engine's and the CLI's tests).
    fn script(self) -> PathBuf {
        let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests");
        tests.join(match self {
            Warehouse::Duckdb => "duckdb_runner.py",
            Warehouse::Postgres => "postgres_runner.py",
            Warehouse::Spark => "spark_runner.py",
        })
    }

    fn slot(self) -> &'static Mutex<Option<Runner>> {
        match self {
            Warehouse::Duckdb => &DUCKDB,
            Warehouse::Postgres => &POSTGRES,
            Warehouse::Spark => &SPARK,
        }
    }

    /// The column type for a column Segscope read as `ty` (with `scale` decimals).
    pub fn column_type(self, ty: ColumnType, scale: u8) -> String {
        match (self, ty) {
            (_, ColumnType::Integer) => "BIGINT".into(),
            (Warehouse::Postgres, ColumnType::Decimal) => format!("NUMERIC(18, {scale})"),
            (_, ColumnType::Decimal) => format!("DECIMAL(18, {scale})"),
            (_, ColumnType::Boolean) => "BOOLEAN".into(),
            (_, ColumnType::Date) => "DATE".into(),
            (_, ColumnType::Datetime) => "TIMESTAMP".into(),
            (Warehouse::Duckdb, ColumnType::Categorical | ColumnType::Text) => "VARCHAR".into(),
            (Warehouse::Postgres, ColumnType::Categorical | ColumnType::Text) => "TEXT".into(),
            (Warehouse::Spark, ColumnType::Categorical | ColumnType::Text) => "STRING".into(),
        }
    }

    /// Sends one request (`{"tables": [...], "query": ...}`) and returns the answer, or the
    /// warehouse's error message when it rejected the query.
    ///
    /// # Panics
    /// When the warehouse cannot be started (the sentence says what is missing and to run
    /// `bash scripts/setup.sh`) or its runner stopped.
    pub fn query(self, request: &serde_json::Value) -> Result<Answer, String> {
        let mut guard = self.slot().lock().unwrap_or_else(|e| e.into_inner());
        let runner = guard.get_or_insert_with(|| Runner::start(self).unwrap_or_else(|e| panic!("{e}")));
        runner.ask(request).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The warehouse's name and version, starting it if needed.
    pub fn version(self) -> String {
        let mut guard = self.slot().lock().unwrap_or_else(|e| e.into_inner());
        let runner = guard.get_or_insert_with(|| Runner::start(self).unwrap_or_else(|e| panic!("{e}")));
        runner.version.clone()
    }
}

/// The Python interpreter: `$PYTHON`, else the venv `scripts/setup.sh` makes when the system Python refuses
/// pip installs, else `python3` on PATH.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("PYTHON") {
        return p.into();
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv/bin/python3");
    if venv.exists() {
        venv
    } else {
        "python3".into()
    }
}

struct Runner {
    warehouse: Warehouse,
    version: String,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// The runner's stderr (an unlinked temporary file), shown when it stops unexpectedly.
    log: File,
}

impl Runner {
    fn start(warehouse: Warehouse) -> Result<Runner, String> {
        let setup = "run `bash scripts/setup.sh` to install what the warehouse tests need";
        let log = tempfile::tempfile().map_err(|e| format!("could not make a log file for the runner: {e}"))?;
        let child_log = log.try_clone().map_err(|e| format!("could not share the runner's log file: {e}"))?;
        let mut child = Command::new(python())
            .arg(warehouse.script())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(child_log))
            .spawn()
            .map_err(|e| format!("Python 3 is needed to run the SQL in {} ({e}); {setup}.", warehouse.name()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("the runner's pipes were not opened.".into());
        };
        let mut runner =
            Runner { warehouse, version: String::new(), child, stdin, stdout: BufReader::new(stdout), log };
        let hello = runner.read_line()?;
        match (hello.get("ready").and_then(|v| v.as_str()), hello.get("error").and_then(|v| v.as_str())) {
            (Some(version), _) => {
                runner.version = version.to_string();
                Ok(runner)
            }
            (_, Some(error)) => Err(format!("{} is not available: {error}", warehouse.name())),
            _ => Err(format!("the {} runner said {hello} instead of being ready; {setup}.", warehouse.name())),
        }
    }

    fn read_line(&mut self) -> Result<serde_json::Value, String> {
        let mut line = String::new();
        let read = self.stdout.read_line(&mut line);
        if read.is_err() || line.is_empty() {
            return Err(format!(
                "the {} runner ({}) stopped; run `bash scripts/setup.sh` if a tool is missing. Its last output:\n{}",
                self.warehouse.name(),
                self.warehouse.script().display(),
                self.log_tail()
            ));
        }
        serde_json::from_str(&line)
            .map_err(|e| format!("the {} runner wrote {line:?}, not JSON: {e}", self.warehouse.name()))
    }

    fn log_tail(&self) -> String {
        let mut text = String::new();
        let mut log = &self.log;
        let _ = log.seek(SeekFrom::Start(0)).and_then(|_| log.read_to_string(&mut text));
        let start = text.char_indices().rev().nth(3000).map_or(0, |(i, _)| i);
        text[start..].to_string()
    }

    /// `Ok(Ok(answer))`, `Ok(Err(the warehouse's error))`, or `Err` when the runner itself failed.
    fn ask(&mut self, request: &serde_json::Value) -> Result<Result<Answer, String>, String> {
        writeln!(self.stdin, "{request}").and_then(|()| self.stdin.flush()).map_err(|e| {
            format!("could not write to the {} runner: {e}\n{}", self.warehouse.name(), self.log_tail())
        })?;
        let answer = self.read_line()?;
        if let Some(e) = answer.get("error") {
            return Ok(Err(e.as_str().map_or_else(|| e.to_string(), str::to_string)));
        }
        let columns = answer["columns"].as_array().map_or_else(Vec::new, |c| {
            c.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect()
        });
        let rows = serde_json::from_value(answer["rows"].clone())
            .map_err(|e| format!("the {} runner's rows are not a list of lists: {e}", self.warehouse.name()))?;
        Ok(Ok(Answer { columns, rows }))
    }
}

/// A CSV file holding a table as Segscope read it, and its columns' Segscope types.
#[derive(Debug, Clone)]
pub struct TableFile {
    /// The table's name in the warehouse.
    pub name: String,
    /// The CSV file.
    pub csv: PathBuf,
    /// (name, type, decimals) per column, in the file's order.
    pub columns: Vec<(String, ColumnType, u8)>,
}

impl TableFile {
    /// Writes `table` to `dir/<name>.csv` the way the SQL expects to find it: each column typed as Segscope
    /// read it, a missing value as an empty field (NULL), dates as `YYYY-MM-DD`, date-times as
    /// `YYYY-MM-DD HH:MM:SS`, booleans as `true`/`false` and numbers with the column's decimals.
    pub fn write(table: &Table, name: &str, dir: &Path) -> TableFile {
        let csv = dir.join(format!("{name}.csv"));
        let mut text = table.columns.iter().map(|c| quote(&c.name)).collect::<Vec<_>>().join(",") + "\n";
        for r in 0..table.rows() {
            let fields: Vec<String> = table.columns.iter().map(|c| cell(&c.data, r)).collect();
            text += &(fields.join(",") + "\n");
        }
        std::fs::write(&csv, text).unwrap();
        let columns = table
            .columns
            .iter()
            .map(|c| {
                let scale = match c.data {
                    ColumnData::Decimal { scale, .. } => scale,
                    _ => 0,
                };
                (c.name.clone(), c.column_type(), scale)
            })
            .collect();
        TableFile { name: name.to_string(), csv, columns }
    }

    /// The table as a runner request expects it: `{"name", "csv", "columns": [[name, type], ...]}`.
    pub fn request(&self, w: Warehouse) -> serde_json::Value {
        let columns: Vec<serde_json::Value> =
            self.columns.iter().map(|(n, t, s)| serde_json::json!([n, w.column_type(*t, *s)])).collect();
        serde_json::json!({"name": self.name, "csv": self.csv, "columns": columns})
    }
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.is_empty() {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn cell(data: &ColumnData, r: usize) -> String {
    match data {
        ColumnData::Integer(v) => v[r].map(|x| x.to_string()).unwrap_or_default(),
        ColumnData::Decimal { values, scale } => {
            values[r].map(|x| format!("{x:.*}", usize::from(*scale))).unwrap_or_default()
        }
        ColumnData::Boolean(v) => v[r].map(|b| b.to_string()).unwrap_or_default(),
        ColumnData::Date(v) => v[r].map(|d| date_from_days(d).to_string()).unwrap_or_default(),
        ColumnData::Datetime(v) => {
            v[r].map(|s| datetime_from_seconds(s).format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
        }
        ColumnData::Categorical { .. } | ColumnData::Text(_) => data.label(r).map(quote).unwrap_or_default(),
    }
}
