//! The SQL for each dialect, pinned as golden files (regenerate with `UPDATE_GOLDEN=1`): the example
//! definitions' and a cluster model's; and the example definitions round-tripping byte for byte.
//! BigQuery's SQL is pinned here and not executed; the other dialects also run in their warehouses
//! (`warehouse_*.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::PathBuf;

use segscope_engine::cluster::model::{ClusterModel, ModelCluster, ModelInput, MODEL_FORMAT};
use segscope_engine::cluster::prep::{FeatureSpec, Missing, PreparedColumn, Scaling};
use segscope_engine::cluster::sql::model_sql;
use segscope_engine::customers::TransactionMapping;
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

/// A small cluster model by hand: a number, a number under ln(1 + x), a boolean, a category with a
/// weight, and two aggregates of the transactions (revenue under ln(1 + x), the last order date as
/// days before the as-of date); missing values left out (`drop`) or filled (`impute`).
fn cluster_model(missing: Missing) -> ClusterModel {
    let impute = |v: f64| (missing == Missing::Impute).then_some(v);
    let column = |feature: &str, level: Option<&str>| PreparedColumn {
        feature: feature.into(),
        level: level.map(str::to_string),
        ..PreparedColumn::default()
    };
    let columns = vec![
        PreparedColumn { impute: impute(41.0), center: 42.09, scale: 14.25, ..column("age", None) },
        PreparedColumn { impute: impute(38200.0), log: true, center: 10.6, scale: 0.61, ..column("income", None) },
        PreparedColumn {
            impute: impute(1.0),
            boolean: true,
            center: 0.509,
            scale: 0.4999,
            ..column("email_opt_in", None)
        },
        PreparedColumn { impute: impute(1.0), weight: 0.5, ..column("gender", Some("Female")) },
        PreparedColumn { impute: impute(0.0), weight: 0.5, ..column("gender", Some("Male")) },
        PreparedColumn { impute: impute(0.0), weight: 0.5, ..column("gender", Some("Non-binary")) },
        PreparedColumn { impute: impute(412.5), log: true, center: 5.9, scale: 1.1, ..column("revenue", None) },
        PreparedColumn {
            impute: impute(61.0),
            days: true,
            center: 1.0,
            scale: 729.0,
            ..column("last_order_date", None)
        },
    ];
    let feature = |name: &str, log: bool, weight: f64| FeatureSpec {
        column: name.into(),
        log,
        scaling: Scaling::Zscore,
        weight,
        score: None,
    };
    ClusterModel {
        format: MODEL_FORMAT.into(),
        algorithm: "kmeans".into(),
        gamma: None,
        mixture: None,
        k: 3,
        n_init: 10,
        max_iter: 300,
        seed: 0,
        features: vec![
            feature("age", false, 1.0),
            feature("income", true, 1.0),
            feature("email_opt_in", false, 1.0),
            feature("gender", false, 0.5),
            feature("revenue", true, 1.0),
            feature("last_order_date", false, 1.0),
        ],
        missing,
        as_of: Some("2025-12-01".into()),
        transactions: Some(TransactionMapping {
            customer_id: "customer_id".into(),
            date: "order_date".into(),
            amount: "amount".into(),
            order_id: Some("order_id".into()),
            category: Some("category".into()),
            quantity: None,
            margin: None,
            customer_key: None,
        }),
        columns,
        clusters: [
            ("Young app lovers", [-0.9, 0.2, 0.1, 0.3, 0.15, 0.05, 0.4, 0.02]),
            ("Big spenders", [0.3, 1.1, -0.2, 0.25, 0.25, 0.0, 1.2, 0.01]),
            ("Lapsed", [0.8, -0.4, 0.0, 0.2, 0.3, 0.0, -1.3, 0.6]),
        ]
        .into_iter()
        .map(|(name, centre)| ModelCluster { name: name.into(), size: 100, centre: centre.to_vec() })
        .collect(),
        inertia: 1.0,
        n_iter: 5,
        fitted_with: String::new(),
        input: ModelInput { file: "customers.csv".into(), bytes: 1, rows: 300 },
    }
}

#[test]
fn cluster_model_sql_for_each_dialect_matches_the_golden_files() {
    for missing in [Missing::Drop, Missing::Impute] {
        let model = cluster_model(missing);
        let name = match missing {
            Missing::Drop => "clusters-drop",
            Missing::Impute => "clusters-impute",
        };
        for d in Dialect::ALL {
            let sql = model_sql(&model, d, "my_project.crm.customers", Some("my_project.crm.orders")).unwrap();
            golden(&format!("{name}.{}.sql", d.label()), &sql);
        }
    }
}

#[test]
fn mixture_model_sql_for_each_dialect_matches_the_golden_files() {
    use segscope_engine::cluster::mixture::{Mixture, MixtureComponent};
    let mut model = cluster_model(Missing::Drop);
    model.algorithm = "mixture".into();
    // Each component: a precision factor with its own diagonal and one value above it.
    let factor = |c: usize| -> Vec<Vec<f64>> {
        (0..8)
            .map(|i| {
                (0..8)
                    .map(|j| {
                        if i == j {
                            1.0 + 0.25 * (c + i) as f64
                        } else if j == i + 1 {
                            -0.5
                        } else {
                            0.0
                        }
                    })
                    .collect()
            })
            .collect()
    };
    model.mixture = Some(Mixture {
        components: [0.5, 0.3, 0.2]
            .iter()
            .enumerate()
            .map(|(c, &weight)| MixtureComponent { weight, precision_cholesky: factor(c) })
            .collect(),
        log_likelihood: -3.5,
    });
    model.check().unwrap();
    for d in Dialect::ALL {
        let sql = model_sql(&model, d, "my_project.crm.customers", Some("my_project.crm.orders")).unwrap();
        golden(&format!("clusters-mixture.{}.sql", d.label()), &sql);
    }
}

#[test]
fn scored_model_sql_for_each_dialect_matches_the_golden_files() {
    // RFM as features: revenue and the last order date scored 1–5 instead of their values (a later
    // date, fewer days, scores higher), missing values filled before scoring.
    let mut model = cluster_model(Missing::Impute);
    for f in model.features.iter_mut().filter(|f| f.column == "revenue" || f.column == "last_order_date") {
        f.log = false;
        f.score = Some(5);
    }
    for c in &mut model.columns {
        let cuts = match c.feature.as_str() {
            "revenue" => vec![14.96, 29.204, 55.07, 121.52],
            "last_order_date" => vec![7.0, 30.0, 90.0, 180.0],
            _ => continue,
        };
        (c.log, c.cuts, c.center, c.scale) = (false, Some(cuts), 3.0, std::f64::consts::SQRT_2);
    }
    model.check().unwrap();
    for d in Dialect::ALL {
        let sql = model_sql(&model, d, "my_project.crm.customers", Some("my_project.crm.orders")).unwrap();
        golden(&format!("clusters-score.{}.sql", d.label()), &sql);
    }
}
