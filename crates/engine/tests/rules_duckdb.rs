//! The SQL export gives exactly the engine's segments: random definitions over random data (with
//! missing values and values on every boundary) are applied by the engine and, as DuckDB SQL, by
//! DuckDB (the `duckdb` Python package, installed by scripts/setup.sh); every row must agree.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/duckdb.rs"]
mod duckdb_support;
#[path = "support/random_rules.rs"]
mod random_rules;

use duckdb_support::duckdb;
use proptest::prelude::*;
use random_rules::{csv, definition, read, row, COLUMNS};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::sql::{select, Dialect};
use segscope_engine::rules::{check, evaluate, schema_of, Mode};

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn duckdb_sql_assigns_every_row_like_the_engine(rows in prop::collection::vec(row(), 1..30), def in definition()) {
        let text = csv(&rows);
        let table = read(&text);
        let valid = check(&def, &schema_of(&table), None).unwrap();
        let engine = evaluate(&valid, &table, &mut Quiet).unwrap();

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("customers.csv");
        std::fs::write(&path, &text).unwrap();
        let sql = select(&valid, Dialect::Duckdb, "customers", "test");
        let outputs: Vec<String> = match def.mode {
            Mode::FirstMatch => vec!["\"segment\"".into()],
            Mode::Overlapping => def.segments.iter().map(|s| Dialect::Duckdb.ident(&s.name)).collect(),
        };
        let query = format!("SELECT {} FROM ({}) ORDER BY \"id\"", outputs.join(", "), sql.trim_end().trim_end_matches(';'));
        let columns: serde_json::Map<String, serde_json::Value> = COLUMNS.iter().map(|(n, _, t)| (n.to_string(), (*t).into())).collect();
        let got = duckdb(&serde_json::json!({"csv": path, "columns": columns, "query": query}));
        prop_assert_eq!(got.len(), table.rows());
        for (r, db_row) in got.iter().enumerate() {
            match def.mode {
                Mode::FirstMatch => prop_assert_eq!(db_row[0].as_str(), engine.assignment.segment_of(r), "row {} of\n{}\n{}", r + 1, text, sql),
                Mode::Overlapping => for (s, flags) in engine.flags.iter().enumerate() {
                    prop_assert_eq!(db_row[s].as_bool(), Some(flags[r]), "row {} segment {} of\n{}\n{}", r + 1, s, text, sql);
                },
            }
        }
    }
}
