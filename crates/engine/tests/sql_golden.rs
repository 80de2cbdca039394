//! The SQL for each dialect, pinned as golden files (regenerate with `UPDATE_GOLDEN=1`), and the
//! example definitions round-tripping byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::PathBuf;

use segscope_engine::rules::sql::{select_with, Dialect};
use segscope_engine::rules::{check, implied_schema, Definition};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/segments")
}

/// Definitions with derived fields of every kind: as the app saves them, and chained by hand.
fn derived_definitions() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/definitions")
}

fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}: run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(actual, expected, "{name} changed; if intended, run with UPDATE_GOLDEN=1 and review the diff");
}

#[test]
fn example_definitions_round_trip_byte_for_byte() {
    for entry in std::fs::read_dir(examples()).unwrap().chain(std::fs::read_dir(derived_definitions()).unwrap()) {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let def = Definition::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(def.to_json(), text, "{}", path.display());
    }
}

#[test]
fn sql_for_each_dialect_matches_the_golden_files() {
    let derived = derived_definitions();
    for (dir, example) in [
        (examples(), "sample-lifestyle"),
        (examples(), "sample-tenure-income"),
        (examples(), "sample-value"),
        (derived.clone(), "sample-derived-saved"),
        (derived, "sample-derived-chained"),
    ] {
        let text = std::fs::read_to_string(dir.join(format!("{example}.json"))).unwrap();
        let def = Definition::from_json(&text).unwrap();
        // The schema `segscope sql` checks against: the definition's own.
        let valid = check(&def, &implied_schema(&def), None).unwrap();
        for d in Dialect::ALL {
            golden(
                &format!("{example}.{}.sql", d.label()),
                &select_with(
                    &valid,
                    d,
                    "my_project.crm.customers",
                    Some("my_project.crm.orders"),
                    def.name.as_deref().unwrap_or(example),
                ),
            );
        }
    }
}

#[test]
fn identifiers_and_strings_are_quoted_for_each_dialect() {
    let name = "it's a \"name\" with `ticks` \\ and ü";
    let got: Vec<(String, String)> = Dialect::ALL.iter().map(|d| (d.ident(name), d.string(name))).collect();
    assert_eq!(
        got[0],
        (r#""it's a ""name"" with `ticks` \ and ü""#.into(), r#"'it''s a "name" with `ticks` \ and ü'"#.into())
    );
    assert_eq!(
        got[1],
        (r#"`it's a "name" with \`ticks\` \\ and ü`"#.into(), r#"'it\'s a "name" with `ticks` \\ and ü'"#.into())
    );
    assert_eq!(
        got[2],
        (r#"`it's a "name" with ``ticks`` \ and ü`"#.into(), r#"'it\'s a "name" with `ticks` \\ and ü'"#.into())
    );
    assert_eq!(got[3], got[0]);
}

#[test]
fn the_json_schema_lists_every_operator_and_field() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/segments.schema.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let ops: Vec<&str> = schema["$defs"]["test"]["properties"]["op"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let text = std::fs::read_to_string(examples().join("sample-lifestyle.json")).unwrap();
    let def = Definition::from_json(&text).unwrap();
    // Every field a definition serialises is a property of the schema.
    for key in serde_json::to_value(&def).unwrap().as_object().unwrap().keys() {
        assert!(schema["properties"].get(key).is_some(), "schema lacks top-level `{key}`");
    }
    for op in [
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "between",
        "is_missing",
        "is_not_missing",
        "is",
        "is_not",
        "any_of",
        "none_of",
        "contains",
        "starts_with",
        "ends_with",
        "before",
        "after",
        "in_last",
        "is_true",
        "is_false",
    ] {
        assert!(ops.contains(&op), "schema lacks op `{op}`");
        // And the engine reads each one (an unknown op would be an error naming it).
        let json = format!(
            r#"{{"format": "segscope.segments/1", "segments": [{{"name": "a", "when": {{"column": "x", "op": "{op}"}}}}]}}"#
        );
        if let Err(e) = Definition::from_json(&json) {
            assert!(!e.contains("unknown variant"), "{op}: {e}");
        }
    }
    assert_eq!(ops.len(), 21);
}

#[test]
fn a_between_in_quotes_is_a_date_range_only_when_its_bounds_read_as_dates() {
    let def = |min: &str, max: &str| {
        Definition::from_json(&format!(
            r#"{{"format": "segscope.segments/1", "segments": [{{"name": "s",
                "when": {{"column": "x", "op": "between", "min": "{min}", "max": "{max}"}}}}]}}"#
        ))
        .unwrap()
    };
    let numbers = def("18", "30");
    let valid = check(&numbers, &implied_schema(&numbers), None).unwrap();
    let sql = select_with(&valid, Dialect::Duckdb, "c", None, "t");
    assert!(sql.contains(r#"("x" >= 18 AND "x" <= 30)"#), "{sql}");
    let dates = def("2024-01-01", "2024-06-30");
    let valid = check(&dates, &implied_schema(&dates), None).unwrap();
    let sql = select_with(&valid, Dialect::Duckdb, "c", None, "t");
    assert!(sql.contains(r#"("x" >= DATE '2024-01-01' AND "x" <= DATE '2024-06-30')"#), "{sql}");
}
