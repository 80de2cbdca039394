//! `segscope sql` works for every definition the app can save: for each example definition (and the
//! definitions with derived fields the engine's tests keep), the SQL it prints runs in DuckDB on the sample
//! `segscope sample` writes, and gives every customer the segment `segscope apply` gives; and so does the
//! SQL `segscope sql --model` prints for a cluster model `segscope cluster` saved, cluster for cluster.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "../../engine/tests/support/warehouse.rs"]
mod warehouse;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::{Definition, Mode};
use segscope_engine::table::Table;
use warehouse::{TableFile, Warehouse};

fn segscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_segscope")).args(args).output().unwrap()
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/segments").join(name)
}

fn derived_definition(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/data/definitions").join(name)
}

fn read(path: &Path) -> Table {
    let bytes = std::fs::read(path).unwrap();
    read_table(&path.display().to_string(), &bytes, &ReadOptions::default(), &mut Quiet).unwrap().table
}

/// What `segscope sql <flag> <file>` prints for DuckDB, over the tables `customers` and `transactions`.
fn duckdb_sql(flag: &str, file: &str) -> String {
    ok(segscope(&[
        "sql",
        flag,
        file,
        "--dialect",
        "duckdb",
        "--table",
        "customers",
        "--transactions-table",
        "transactions",
    ]))
}

/// The SQL `segscope sql` prints for `definition` runs in DuckDB and agrees with `segscope apply` on every
/// customer of a 500-customer sample (with its transactions when the definition uses aggregates).
fn sql_runs_and_agrees_with_apply(definition: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(segscope(&["sample", "--out", d.to_str().unwrap(), "--customers", "500", "--seed", "1"]));
    let def = Definition::from_json(&std::fs::read_to_string(definition).unwrap()).unwrap();
    let (customers, transactions) = (d.join("customers.csv"), d.join("transactions.csv"));
    let output = d.join("segmented.csv");
    let def_arg = definition.to_str().unwrap();
    let mut apply = vec!["apply", "--definition", def_arg, "--input", customers.to_str().unwrap()];
    if def.transactions.is_some() {
        apply.extend(["--transactions", transactions.to_str().unwrap()]);
    }
    apply.extend(["--output", output.to_str().unwrap()]);
    ok(segscope(&apply));
    let sql = duckdb_sql("--definition", def_arg);

    // DuckDB gets the tables typed as Segscope read them, missing values as NULL.
    let tables_dir = d.join("tables");
    std::fs::create_dir(&tables_dir).unwrap();
    let mut tables = vec![TableFile::write(&read(&customers), "customers", &tables_dir).request(Warehouse::Duckdb)];
    if def.transactions.is_some() {
        tables.push(TableFile::write(&read(&transactions), "transactions", &tables_dir).request(Warehouse::Duckdb));
    }
    let answer = Warehouse::Duckdb
        .query(&serde_json::json!({"tables": tables, "query": sql}))
        .unwrap_or_else(|e| panic!("DuckDB rejected the SQL of {def_arg}: {e}\n{sql}"));

    let applied = read(&output);
    let outputs: Vec<String> = match def.mode {
        Mode::FirstMatch => vec!["segment".into()],
        Mode::Overlapping => def.segments.iter().map(|s| s.name.clone()).collect(),
    };
    let position = |columns: &[String], name: &str| {
        columns.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column `{name}` in {columns:?}"))
    };
    let applied_columns: Vec<String> = applied.columns.iter().map(|c| c.name.clone()).collect();
    let expected: Vec<Vec<String>> = (0..applied.rows())
        .map(|r| {
            std::iter::once("customer_id")
                .chain(outputs.iter().map(String::as_str))
                .map(|n| applied.columns[position(&applied_columns, n)].data.label(r).unwrap_or_default().to_string())
                .collect()
        })
        .collect();
    let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let mut got: Vec<Vec<String>> = answer
        .rows
        .iter()
        .map(|row| {
            std::iter::once("customer_id")
                .chain(outputs.iter().map(String::as_str))
                .map(|n| text(&row[position(&answer.columns, n)]))
                .collect()
        })
        .collect();
    got.sort();
    let mut expected = expected;
    expected.sort();
    assert_eq!(
        got.len(),
        expected.len(),
        "{def_arg}: DuckDB returned {} customers, apply {}",
        got.len(),
        expected.len()
    );
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, e, "{def_arg}: DuckDB (left) and `segscope apply` (right) differ\n{sql}");
    }
}

#[test]
fn sql_of_the_lifestyle_example_runs_and_agrees_with_apply() {
    sql_runs_and_agrees_with_apply(&example("sample-lifestyle.json"));
}

#[test]
fn sql_of_the_tenure_and_income_example_with_derived_fields_runs_and_agrees_with_apply() {
    sql_runs_and_agrees_with_apply(&example("sample-tenure-income.json"));
}

#[test]
fn sql_of_the_value_example_with_transaction_aggregates_runs_and_agrees_with_apply() {
    sql_runs_and_agrees_with_apply(&example("sample-value.json"));
}

#[test]
fn sql_of_derived_fields_as_the_app_saves_them_runs_and_agrees_with_apply() {
    sql_runs_and_agrees_with_apply(&derived_definition("sample-derived-saved.json"));
}

#[test]
fn sql_of_derived_fields_of_aggregates_and_of_derived_fields_runs_and_agrees_with_apply() {
    sql_runs_and_agrees_with_apply(&derived_definition("sample-derived-chained.json"));
}

#[test]
fn sql_works_for_every_dialect_and_every_example() {
    let mut files: Vec<PathBuf> =
        ["sample-lifestyle.json", "sample-tenure-income.json", "sample-value.json"].into_iter().map(example).collect();
    files.extend(["sample-derived-saved.json", "sample-derived-chained.json"].into_iter().map(derived_definition));
    for file in files {
        for dialect in ["duckdb", "bigquery", "spark", "postgres"] {
            let sql =
                ok(segscope(&["sql", "--definition", file.to_str().unwrap(), "--dialect", dialect, "--table", "t"]));
            assert!(sql.trim_end().ends_with(';') && sql.contains("SELECT"), "{} {dialect}:\n{sql}", file.display());
        }
    }
}

#[test]
fn sql_of_a_cluster_model_runs_and_agrees_with_apply() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = |name: &str| d.join(name).to_str().unwrap().to_string();
    ok(segscope(&["sample", "--out", &path(""), "--customers", "500", "--seed", "1"]));
    let (customers, transactions, model, output) =
        (path("customers.csv"), path("transactions.csv"), path("m.json"), path("labelled.csv"));
    let features = "age,income,app_sessions_90d,revenue,last_order_date,gender,email_opt_in";
    ok(segscope(&[
        "cluster",
        "--input",
        &customers,
        "--transactions",
        &transactions,
        "--k",
        "4",
        "--features",
        features,
        "--log",
        "income,revenue",
        "--model",
        &model,
    ]));
    ok(segscope(&[
        "apply",
        "--model",
        &model,
        "--input",
        &customers,
        "--transactions",
        &transactions,
        "--output",
        &output,
    ]));
    let sql = duckdb_sql("--model", &model);
    let tables_dir = d.join("tables");
    std::fs::create_dir(&tables_dir).unwrap();
    let tables = vec![
        TableFile::write(&read(Path::new(&customers)), "customers", &tables_dir).request(Warehouse::Duckdb),
        TableFile::write(&read(Path::new(&transactions)), "transactions", &tables_dir).request(Warehouse::Duckdb),
    ];
    let answer = Warehouse::Duckdb
        .query(&serde_json::json!({"tables": tables, "query": sql}))
        .unwrap_or_else(|e| panic!("DuckDB rejected the model's SQL: {e}\n{sql}"));
    let key = answer.columns.iter().position(|c| c == "customer_id").unwrap();
    let cluster = answer.columns.iter().position(|c| c == "cluster").unwrap();
    let mut got: Vec<(String, String)> = answer
        .rows
        .iter()
        .map(|r| (r[key].as_str().unwrap().to_string(), r[cluster].as_str().unwrap_or_default().to_string()))
        .collect();
    got.sort();
    let applied = read(Path::new(&output));
    let column = |name: &str| &applied.columns.iter().find(|c| c.name == name).unwrap().data;
    let mut expected: Vec<(String, String)> = (0..applied.rows())
        .map(|r| {
            let text = |name: &str| column(name).label(r).unwrap_or_default().to_string();
            (text("customer_id"), text("cluster"))
        })
        .collect();
    expected.sort();
    assert!(expected.iter().any(|(_, c)| c.is_empty()), "some customers are left out (no gender or income)");
    assert_eq!(got, expected, "DuckDB (left) and `segscope apply --model` (right) differ\n{sql}");
}

#[test]
fn sql_takes_a_definition_or_a_model_and_says_which_flag_takes_a_model() {
    let both = segscope(&["sql", "--definition", "d.json", "--model", "m.json", "--dialect", "duckdb", "--table", "t"]);
    assert_eq!(both.status.code(), Some(2));
    let err = String::from_utf8_lossy(&both.stderr);
    assert!(
        err.contains("give either --definition FILE (rule segments) or --model FILE (a cluster model), not both."),
        "{err}"
    );
    let neither = segscope(&["sql", "--dialect", "duckdb", "--table", "t"]);
    assert_eq!(neither.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&neither.stderr).contains("say what to write as SQL: --definition FILE"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = |name: &str| d.join(name).to_str().unwrap().to_string();
    ok(segscope(&["sample", "--out", &path(""), "--customers", "200", "--seed", "1"]));
    let model = path("m.json");
    ok(segscope(&[
        "cluster",
        "--input",
        &path("customers.csv"),
        "--k",
        "3",
        "--features",
        "age,income",
        "--model",
        &model,
    ]));
    let o = segscope(&["sql", "--definition", &model, "--dialect", "spark", "--table", "t"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("With `segscope sql`, give it as --model {model}.")), "{err}");
}
