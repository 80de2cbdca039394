//! The random data and definitions of the DuckDB property test (`rules_duckdb.rs`), shared with the
//! warehouse tests that run a seeded sample of them in PostgreSQL and Spark: seven typed columns with missing
//! values and values on every boundary, and definitions nesting every operator, group and derived field.
#![allow(dead_code)]

use proptest::prelude::*;
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::derived::{Derived, TenureUnit};
use segscope_engine::rules::{Condition, Definition, Inclusive, Mode, Op, SegmentDef, Unit};
use segscope_engine::table::{ColumnType, Table};
use segscope_engine::typed::Typed;

/// The columns: name, Segscope type, DuckDB type.
pub const COLUMNS: [(&str, ColumnType, &str); 7] = [
    ("id", ColumnType::Integer, "BIGINT"),
    ("n int", ColumnType::Integer, "BIGINT"),
    ("amount", ColumnType::Decimal, "DOUBLE"),
    ("cat", ColumnType::Categorical, "VARCHAR"),
    ("it's text", ColumnType::Text, "VARCHAR"),
    ("flag", ColumnType::Boolean, "BOOLEAN"),
    ("day", ColumnType::Date, "DATE"),
];
/// The values of `n int`.
pub const INTS: [i64; 5] = [-2, 0, 1, 3, 5];
/// The values of `amount`.
pub const DECS: [&str; 5] = ["-1.5", "0", "0.25", "1", "2.75"];
/// The values of `cat`: cases and a letter outside ASCII.
pub const CATS: [&str; 5] = ["a", "B", "b", "Ä", "x, y"];
/// The values of `it's text`: quotes and letters outside ASCII.
pub const TEXTS: [&str; 6] = ["abc", "ABC", "xabcx", "O'Neil", "zé", "a\"b"];
/// The values of `day`: month ends and a leap day.
pub const DAYS: [&str; 5] = ["2024-01-01", "2024-01-15", "2024-02-29", "2024-03-01", "2024-03-31"];

/// One row: an index into each column's values (`None` missing); the id is the row number.
pub type Row = (Option<usize>, Option<usize>, Option<usize>, Option<usize>, Option<bool>, Option<usize>);

/// Random rows.
pub fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.85, 0..INTS.len()),
        prop::option::weighted(0.85, 0..DECS.len()),
        prop::option::weighted(0.85, 0..CATS.len()),
        prop::option::weighted(0.85, 0..TEXTS.len()),
        prop::option::weighted(0.85, any::<bool>()),
        prop::option::weighted(0.85, 0..DAYS.len()),
    )
}

/// A CSV field, quoted when it needs to be.
pub fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The CSV text of the rows, with a header.
pub fn csv(rows: &[Row]) -> String {
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

/// A JSON number.
pub fn num(x: &str) -> serde_json::Number {
    serde_json::from_str(x).unwrap()
}

/// Random tests: every operator on every column, and on the derived fields.
pub fn leaf() -> impl Strategy<Value = Condition> {
    let t = |column: &str, op: Op| Condition::Test { column: column.into(), op };
    let ci = any::<bool>();
    prop_oneof![
        (0..6usize, 0..INTS.len()).prop_map(move |(o, k)| {
            // Half of them as a person types them: the check reads the text.
            let value: Typed<serde_json::Number> =
                if k % 2 == 0 { num(&INTS[k].to_string()).into() } else { Typed::Text(format!(" {} ", INTS[k])) };
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
            let value = num(DECS[k]).into();
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
                Op::InLast {
                    n: (if days { n } else { n.min(3) }).into(),
                    unit: if days { Unit::Days } else { Unit::Months },
                },
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
                let value: Typed<serde_json::Number> = serde_json::Number::from(v).into();
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

/// The derived fields every random definition has.
pub fn derived() -> Vec<Derived> {
    vec![
        Derived::Age { name: "years since".into(), from: "day".into() },
        Derived::Tenure { name: "months since".into(), from: "day".into(), unit: TenureUnit::Months },
        Derived::Tenure { name: "days since".into(), from: "day".into(), unit: TenureUnit::Days },
        Derived::Bands {
            name: "amount band".into(),
            from: "amount".into(),
            cuts: Typed::Text("0, 1".into()),
            labels: vec!["low".into(), "0 to under 1".into(), "1 and over".into()],
        },
    ]
}

/// Random conditions: tests nested in every kind of group.
pub fn condition() -> impl Strategy<Value = Condition> {
    leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Condition::All),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Condition::Any),
            prop::collection::vec(inner.clone(), 1..3).prop_map(Condition::None),
            prop::collection::vec(inner, 1..4).prop_flat_map(
                |of| (1..=of.len()).prop_map(move |k| Condition::AtLeast { k: k.into(), of: of.clone() })
            ),
        ]
    })
}

/// Random definitions: one to three segments, either mode, an as-of date among a few.
pub fn definition() -> impl Strategy<Value = Definition> {
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

/// Reads the CSV of [`csv`] as the property test does: every column's type chosen, empty fields missing.
pub fn read(text: &str) -> Table {
    let mut options = ReadOptions { missing_tokens: vec![String::new()], ..ReadOptions::default() };
    for (name, ty, _) in COLUMNS {
        options.types.insert(name.to_string(), ty);
    }
    read_table("customers.csv", text.as_bytes(), &options, &mut Quiet).unwrap().table
}
