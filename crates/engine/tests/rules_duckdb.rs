//! The SQL export gives exactly the engine's segments: random definitions over random data (with
//! missing values and values on every boundary) are applied by the engine and, as DuckDB SQL, by
//! DuckDB (the `duckdb` Python package, installed by scripts/setup.sh); every row must agree.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/duckdb.rs"]
mod duckdb_support;

use duckdb_support::duckdb;
use proptest::prelude::*;
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::derived::{Derived, TenureUnit};
use segscope_engine::rules::sql::{select, Dialect};
use segscope_engine::rules::{
    check, evaluate, schema_of, Condition, Definition, Inclusive, Mode, Op, SegmentDef, Unit,
};
use segscope_engine::table::ColumnType;

const COLUMNS: [(&str, ColumnType, &str); 7] = [
    ("id", ColumnType::Integer, "BIGINT"),
    ("n int", ColumnType::Integer, "BIGINT"),
    ("amount", ColumnType::Decimal, "DOUBLE"),
    ("cat", ColumnType::Categorical, "VARCHAR"),
    ("it's text", ColumnType::Text, "VARCHAR"),
    ("flag", ColumnType::Boolean, "BOOLEAN"),
    ("day", ColumnType::Date, "DATE"),
];
const INTS: [i64; 5] = [-2, 0, 1, 3, 5];
const DECS: [&str; 5] = ["-1.5", "0", "0.25", "1", "2.75"];
const CATS: [&str; 5] = ["a", "B", "b", "Ä", "x, y"];
const TEXTS: [&str; 6] = ["abc", "ABC", "xabcx", "O'Neil", "zé", "a\"b"];
const DAYS: [&str; 5] = ["2024-01-01", "2024-01-15", "2024-02-29", "2024-03-01", "2024-03-31"];

type Row = (Option<usize>, Option<usize>, Option<usize>, Option<usize>, Option<bool>, Option<usize>);

fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.85, 0..INTS.len()),
        prop::option::weighted(0.85, 0..DECS.len()),
        prop::option::weighted(0.85, 0..CATS.len()),
        prop::option::weighted(0.85, 0..TEXTS.len()),
        prop::option::weighted(0.85, any::<bool>()),
        prop::option::weighted(0.85, 0..DAYS.len()),
    )
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(rows: &[Row]) -> String {
    let mut out = COLUMNS.iter().map(|c| quote(c.0)).collect::<Vec<_>>().join(",") + "\n";
    for (i, r) in rows.iter().enumerate() {
        let f = [
            (i + 1).to_string(),
            r.0.map(|k| INTS[k].to_string()).unwrap_or_default(),
            r.1.map(|k| DECS[k].to_string()).unwrap_or_default(),
            r.2.map(|k| quote(CATS[k])).unwrap_or_default(),
            r.3.map(|k| quote(TEXTS[k])).unwrap_or_default(),
            r.4.map(|b| b.to_string()).unwrap_or_default(),
            r.5.map(|k| DAYS[k].to_string()).unwrap_or_default(),
        ];
        out += &(f.join(",") + "\n");
    }
    out
}

fn num(x: &str) -> serde_json::Number {
    serde_json::from_str(x).unwrap()
}

fn leaf() -> impl Strategy<Value = Condition> {
    let t = |column: &str, op: Op| Condition::Test { column: column.into(), op };
    let ci = any::<bool>();
    prop_oneof![
        (0..6usize, 0..INTS.len()).prop_map(move |(o, k)| {
            let value = num(&INTS[k].to_string());
            let op = [
                Op::Eq { value: value.clone() },
                Op::Ne { value: value.clone() },
                Op::Lt { value: value.clone() },
                Op::Le { value: value.clone() },
                Op::Gt { value: value.clone() },
                Op::Ge { value },
            ];
            t("n int", op[o].clone())
        }),
        (0..DECS.len(), 0..DECS.len(), 0..4usize).prop_map(move |(a, b, inc)| {
            let (a, b) = (a.min(b), a.max(b));
            let inclusive = [Inclusive::Both, Inclusive::Neither, Inclusive::Lower, Inclusive::Upper][inc];
            t(
                "amount",
                Op::Between {
                    min: serde_json::Value::Number(num(DECS[a])),
                    max: serde_json::Value::Number(num(DECS[b])),
                    inclusive,
                },
            )
        }),
        (0..DECS.len(), any::<bool>()).prop_map(move |(k, lt)| {
            let value = num(DECS[k]);
            t("amount", if lt { Op::Lt { value } } else { Op::Ge { value } })
        }),
        (prop::collection::vec(0..CATS.len(), 1..3), 0..4usize, ci).prop_map(move |(vals, o, ci)| {
            let values: Vec<String> = vals.iter().map(|&k| CATS[k].to_string()).collect();
            let value = values[0].clone();
            let op = match o {
                0 => Op::Is { value, case_insensitive: ci },
                1 => Op::IsNot { value, case_insensitive: ci },
                2 => Op::AnyOf { values, case_insensitive: ci },
                _ => Op::NoneOf { values, case_insensitive: ci },
            };
            t("cat", op)
        }),
        (prop::sample::select(vec!["a", "ab", "bc", "ABC", "'", "é", "\""]), 0..3usize, ci).prop_map(
            move |(v, o, ci)| {
                let value = v.to_string();
                let op = match o {
                    0 => Op::Contains { value, case_insensitive: ci },
                    1 => Op::StartsWith { value, case_insensitive: ci },
                    _ => Op::EndsWith { value, case_insensitive: ci },
                };
                t("it's text", op)
            }
        ),
        any::<bool>().prop_map(move |b| t("flag", if b { Op::IsTrue } else { Op::IsFalse })),
        (0..DAYS.len(), 0..3usize).prop_map(move |(k, o)| {
            let date = DAYS[k].to_string();
            t(
                "day",
                match o {
                    0 => Op::Before { date },
                    1 => Op::After { date },
                    _ => Op::Between {
                        min: serde_json::Value::String(DAYS[0].into()),
                        max: serde_json::Value::String(date),
                        inclusive: Inclusive::Both,
                    },
                },
            )
        }),
        (prop::sample::select(vec![1u32, 14, 15, 31, 60]), any::<bool>()).prop_map(move |(n, days)| {
            t(
                "day",
                Op::InLast { n: if days { n } else { n.min(3) }, unit: if days { Unit::Days } else { Unit::Months } },
            )
        }),
        (0..COLUMNS.len() - 1, any::<bool>())
            .prop_map(move |(c, m)| t(COLUMNS[c + 1].0, if m { Op::IsMissing } else { Op::IsNotMissing })),
        // Derived fields (see `derived()`): whole years, months and days since `day`, and bands of `amount`.
        // Thresholds sit on the values these dates and as-of dates produce, so off-by-one errors show.
        (
            prop::sample::select(vec![
                ("years since", -25i64),
                ("years since", -24),
                ("years since", 0),
                ("years since", 1),
                ("months since", -288),
                ("months since", -287),
                ("months since", 0),
                ("months since", 1),
                ("months since", 2),
                ("months since", 12),
                ("months since", 13),
                ("months since", 14),
                ("days since", 0),
                ("days since", 1),
                ("days since", 29),
                ("days since", 30),
                ("days since", 31),
                ("days since", 60),
                ("days since", 366),
                ("days since", 425),
            ]),
            any::<bool>(),
        )
            .prop_map(move |((f, v), lt)| {
                let value = serde_json::Number::from(v);
                t(f, if lt { Op::Lt { value } } else { Op::Ge { value } })
            }),
        prop::collection::vec(prop::sample::select(vec!["low", "0 to under 1", "1 and over"]), 1..3).prop_map(
            move |v| t(
                "amount band",
                Op::AnyOf { values: v.into_iter().map(String::from).collect(), case_insensitive: false }
            )
        ),
    ]
}

fn derived() -> Vec<Derived> {
    vec![
        Derived::Age { name: "years since".into(), from: "day".into() },
        Derived::Tenure { name: "months since".into(), from: "day".into(), unit: TenureUnit::Months },
        Derived::Tenure { name: "days since".into(), from: "day".into(), unit: TenureUnit::Days },
        Derived::Bands {
            name: "amount band".into(),
            from: "amount".into(),
            cuts: vec![num("0"), num("1")],
            labels: vec!["low".into(), "0 to under 1".into(), "1 and over".into()],
        },
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Condition::All),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Condition::Any),
            prop::collection::vec(inner.clone(), 1..3).prop_map(Condition::None),
            prop::collection::vec(inner, 1..4)
                .prop_flat_map(|of| (1..=of.len()).prop_map(move |k| Condition::AtLeast { k, of: of.clone() })),
        ]
    })
}

fn definition() -> impl Strategy<Value = Definition> {
    let as_of = prop::sample::select(vec!["2024-03-31", "2024-02-29", "2025-03-01", "2000-01-01"]);
    (prop::collection::vec(condition(), 1..4), any::<bool>(), as_of).prop_map(|(conds, overlapping, as_of)| {
        Definition {
            mode: if overlapping { Mode::Overlapping } else { Mode::FirstMatch },
            as_of: Some(as_of.into()),
            derived: derived(),
            segments: conds
                .into_iter()
                .enumerate()
                .map(|(i, c)| SegmentDef { name: format!("Seg {i} 'q'"), color: None, condition: c })
                .collect(),
            ..Definition::default()
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn duckdb_sql_assigns_every_row_like_the_engine(rows in prop::collection::vec(row(), 1..30), def in definition()) {
        let text = csv(&rows);
        let mut options = ReadOptions { missing_tokens: vec![String::new()], ..ReadOptions::default() };
        for (name, ty, _) in COLUMNS {
            options.types.insert(name.to_string(), ty);
        }
        let table = read_table("customers.csv", text.as_bytes(), &options, &mut Quiet).unwrap().table;
        let valid = check(&def, &schema_of(&table), None).unwrap();
        let engine = evaluate(&valid, &table);

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
