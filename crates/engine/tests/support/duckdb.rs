//! DuckDB for the equivalence tests: the long-running runner of [`warehouse`], answering rows.
#![allow(dead_code)]

#[path = "warehouse.rs"]
mod warehouse;

/// Runs a request in DuckDB and returns the rows; a query DuckDB rejects fails the test with its message.
pub fn duckdb(request: &serde_json::Value) -> Vec<Vec<serde_json::Value>> {
    match warehouse::Warehouse::Duckdb.query(request) {
        Ok(answer) => answer.rows,
        Err(e) => panic!("DuckDB rejected the query: {e}\n{}", request["query"].as_str().unwrap_or_default()),
    }
}
