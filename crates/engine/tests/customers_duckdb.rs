//! The SQL for per-customer aggregates gives the engine's answers: random customers and
//! transactions (unmatched keys, refunds, repeated order ids, missing fields), random rules on
//! the aggregates, applied by the engine and by DuckDB running the exported SQL; every row agrees.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/duckdb.rs"]
mod duckdb_support;
#[path = "support/random_aggregates.rs"]
mod random_aggregates;

use duckdb_support::duckdb;
use proptest::prelude::*;
use random_aggregates::{input, prepare};
use segscope_engine::rules::sql::{select_with, Dialect};
use segscope_engine::rules::Mode;

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn aggregate_sql_assigns_every_customer_like_the_engine(case in input()) {
        let prepared = prepare(&case);
        prop_assume!(prepared.is_some());
        let p = prepared.unwrap();
        let (customers_csv, transactions_csv) = (&p.customers_csv, &p.transactions_csv);

        let dir = tempfile::tempdir().unwrap();
        let (cp, tp) = (dir.path().join("customers.csv"), dir.path().join("transactions.csv"));
        std::fs::write(&cp, customers_csv).unwrap();
        std::fs::write(&tp, transactions_csv).unwrap();
        let sql = select_with(&p.valid, Dialect::Duckdb, "customers", Some("transactions"), "test");
        let outputs: Vec<String> = match p.def.mode {
            Mode::FirstMatch => vec!["\"segment\"".into()],
            Mode::Overlapping => p.def.segments.iter().map(|s| Dialect::Duckdb.ident(&s.name)).collect(),
        };
        let query = format!("SELECT {} FROM ({}) ORDER BY \"customer_id\"", outputs.join(", "), sql.trim_end().trim_end_matches(';'));
        let request = serde_json::json!({
            "tables": [
                {"name": "customers", "csv": cp, "columns": {"customer_id": "VARCHAR", "name": "VARCHAR"}},
                {"name": "transactions", "csv": tp, "columns": {"customer_id": "VARCHAR", "order_id": "VARCHAR", "order_date": "DATE", "amount": "DECIMAL(18,2)", "category": "VARCHAR"}},
            ],
            "query": query,
        });
        let got = duckdb(&request);
        prop_assert_eq!(got.len(), p.customers.rows());
        for (r, row) in got.iter().enumerate() {
            match p.def.mode {
                Mode::FirstMatch => prop_assert_eq!(row[0].as_str(), p.engine.assignment.segment_of(r), "customer {} of\n{}\n{}\n{}", r, customers_csv, transactions_csv, sql),
                Mode::Overlapping => for (s, flags) in p.engine.flags.iter().enumerate() {
                    prop_assert_eq!(row[s].as_bool(), Some(flags[r]), "customer {} segment {} of\n{}\n{}\n{}", r, s, customers_csv, transactions_csv, sql);
                },
            }
        }
    }
}
