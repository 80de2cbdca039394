//! The SQL for per-customer aggregates gives the engine's answers: random customers and
//! transactions (unmatched keys, refunds, repeated order ids, missing fields), random rules on
//! the aggregates, applied by the engine and by DuckDB running the exported SQL; every row agrees.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/duckdb.rs"]
mod duckdb_support;

use duckdb_support::duckdb;
use proptest::prelude::*;
use segscope_engine::customers::{customer_keys, join, Aggregates, TransactionMapping};
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::sql::{select_with, Dialect};
use segscope_engine::rules::{
    check, evaluate_frame, schema_with, Condition, Definition, Frame, Mode, Op, SegmentDef, Unit,
};
use segscope_engine::table::ColumnType;

const DAYS: [&str; 5] = ["2024-01-01", "2024-01-15", "2024-02-29", "2024-03-01", "2024-03-31"];
const AMOUNTS: [&str; 6] = ["-5.00", "0.00", "0.10", "0.20", "12.50", "100.00"];
const CATEGORIES: [&str; 3] = ["Toys", "Home", "Ä b"];

type Tx = (usize, Option<usize>, Option<usize>, Option<usize>, Option<usize>);

fn options(types: &[(&str, ColumnType)]) -> ReadOptions {
    let mut o = ReadOptions { missing_tokens: vec![String::new()], ..ReadOptions::default() };
    for (n, t) in types {
        o.types.insert(n.to_string(), *t);
    }
    o
}

fn key(k: usize) -> String {
    // Customers are keys 0..n; key 99 never is, and "17" looks like "00017" but is not.
    match k {
        99 => "00099".into(),
        98 => "17".into(),
        k => format!("{k:05}"),
    }
}

fn num(x: &str) -> serde_json::Number {
    serde_json::from_str(x).unwrap()
}

fn leaf() -> impl Strategy<Value = Condition> {
    let t = |c: &str, op: Op| Condition::Test { column: c.into(), op };
    prop_oneof![
        (0i64..4, any::<bool>()).prop_map(move |(v, lt)| t(
            "orders",
            if lt { Op::Lt { value: v.into() } } else { Op::Ge { value: v.into() } }
        )),
        (prop::sample::select(vec!["-5", "0", "0.1", "0.3", "12.5", "12.6", "100"]), any::<bool>()).prop_map(
            move |(v, lt)| t("revenue", if lt { Op::Lt { value: num(v) } } else { Op::Ge { value: num(v) } })
        ),
        (0..DAYS.len(), any::<bool>(), any::<bool>()).prop_map(move |(d, first, after)| {
            let date = DAYS[d].to_string();
            t(
                if first { "first_order_date" } else { "last_order_date" },
                if after { Op::After { date } } else { Op::Before { date } },
            )
        }),
        prop::sample::select(vec![1u32, 17, 31, 60])
            .prop_map(move |n| t("last_order_date", Op::InLast { n, unit: Unit::Days })),
        (prop::sample::select(vec!["0", "14", "29", "30.5", "45"]), any::<bool>()).prop_map(move |(v, lt)| t(
            "days_between_orders",
            if lt { Op::Lt { value: num(v) } } else { Op::Ge { value: num(v) } }
        )),
        (0i64..3).prop_map(move |v| t("returns", Op::Ge { value: v.into() })),
        any::<bool>().prop_map(move |m| t("last_order_date", if m { Op::IsMissing } else { Op::IsNotMissing })),
        Just(t("days_between_orders", Op::IsMissing)),
    ]
}

fn category_leaf() -> impl Strategy<Value = Condition> {
    let t = |c: &str, op: Op| Condition::Test { column: c.into(), op };
    prop_oneof![
        (0..CATEGORIES.len()).prop_map(move |c| t(
            "categories_bought",
            Op::Contains { value: CATEGORIES[c].into(), case_insensitive: false }
        )),
        Just(t("categories_bought", Op::Is { value: "Home; Toys".into(), case_insensitive: false })),
        (prop::sample::select(vec!["0", "0.5", "1"]), any::<bool>()).prop_map(move |(v, lt)| t(
            "spend_share_Toys",
            if lt { Op::Lt { value: num(v) } } else { Op::Ge { value: num(v) } }
        )),
    ]
}

fn condition(with_categories: bool) -> BoxedStrategy<Condition> {
    let leaf = if with_categories { prop_oneof![3 => leaf(), 1 => category_leaf()].boxed() } else { leaf().boxed() };
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3).prop_map(Condition::All),
            prop::collection::vec(inner, 1..3).prop_map(Condition::Any)
        ]
    })
    .boxed()
}

fn quote(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn aggregate_sql_assigns_every_customer_like_the_engine(
        n in 1usize..8,
        txs in prop::collection::vec(
            (prop::sample::select(vec![0usize, 1, 2, 3, 4, 5, 6, 7, 98, 99]), prop::option::weighted(0.8, 0..4usize),
             prop::option::weighted(0.9, 0..DAYS.len()), prop::option::weighted(0.9, 0..AMOUNTS.len()), prop::option::weighted(0.9, 0..CATEGORIES.len())),
            0..25),
        mapped in (any::<bool>(), any::<bool>()),
        conds in (any::<bool>()).prop_flat_map(|c| (Just(c), prop::collection::vec(condition(c), 1..4))),
        overlapping in any::<bool>(),
    ) {
        let (with_order_ids, _) = mapped;
        let (with_categories, conds) = conds;
        let customers_csv = std::iter::once("customer_id,name".to_string()).chain((0..n).map(|k| format!("{},c{k}", key(k)))).collect::<Vec<_>>().join("\n") + "\n";
        let tx: Vec<Tx> = txs;
        let mut transactions_csv = String::from("customer_id,order_id,order_date,amount,category\n");
        for (k, o, d, a, c) in &tx {
            transactions_csv += &format!(
                "{},{},{},{},{}\n",
                key(*k),
                o.map(|o| format!("O{o}")).unwrap_or_default(),
                d.map(|d| DAYS[d]).unwrap_or_default(),
                a.map(|a| AMOUNTS[a]).unwrap_or_default(),
                c.map(|c| quote(CATEGORIES[c])).unwrap_or_default()
            );
        }
        let customers = read_table("customers.csv", customers_csv.as_bytes(), &options(&[("customer_id", ColumnType::Text), ("name", ColumnType::Text)]), &mut Quiet).unwrap().table;
        let transactions = read_table(
            "transactions.csv",
            transactions_csv.as_bytes(),
            &options(&[("customer_id", ColumnType::Text), ("order_id", ColumnType::Text), ("order_date", ColumnType::Date), ("amount", ColumnType::Decimal), ("category", ColumnType::Categorical)]),
            &mut Quiet,
        );
        // A file of only a header has no rows to read: nothing to compare.
        prop_assume!(transactions.is_ok());
        let transactions = transactions.unwrap().table;
        let mapping = TransactionMapping {
            customer_id: "customer_id".into(),
            date: "order_date".into(),
            amount: "amount".into(),
            order_id: with_order_ids.then(|| "order_id".into()),
            category: with_categories.then(|| "category".into()),
            quantity: None,
            margin: None,
            customer_key: None,
        };
        let valid_mapping = mapping.check(&transactions, Some(&customers)).unwrap();
        let mut aggregates = Aggregates::default();
        aggregates.add(&transactions, &valid_mapping);
        let (extra, _) = join(&aggregates, &customer_keys(&customers, 0));
        // Shares exist only for categories someone bought: test a share only when its column exists.
        let has_toys_share = extra.iter().any(|c| c.name == "spend_share_Toys");
        let uses_share = |c: &Condition| format!("{c:?}").contains("spend_share_Toys");
        prop_assume!(has_toys_share || !conds.iter().any(uses_share));
        let def = Definition {
            mode: if overlapping { Mode::Overlapping } else { Mode::FirstMatch },
            as_of: Some("2024-04-01".into()),
            transactions: Some(mapping),
            segments: conds.into_iter().enumerate().map(|(i, c)| SegmentDef { name: format!("S{i}"), color: None, condition: c }).collect(),
            ..Definition::default()
        };
        let valid = check(&def, &schema_with(&customers, &extra), None).unwrap_or_else(|e| panic!("{e}"));
        let engine = evaluate_frame(&valid, &Frame::with_extra(&customers, &extra, &valid));

        let dir = tempfile::tempdir().unwrap();
        let (cp, tp) = (dir.path().join("customers.csv"), dir.path().join("transactions.csv"));
        std::fs::write(&cp, &customers_csv).unwrap();
        std::fs::write(&tp, &transactions_csv).unwrap();
        let sql = select_with(&valid, Dialect::Duckdb, "customers", Some("transactions"), "test");
        let outputs: Vec<String> = match def.mode {
            Mode::FirstMatch => vec!["\"segment\"".into()],
            Mode::Overlapping => def.segments.iter().map(|s| Dialect::Duckdb.ident(&s.name)).collect(),
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
        prop_assert_eq!(got.len(), customers.rows());
        for (r, row) in got.iter().enumerate() {
            match def.mode {
                Mode::FirstMatch => prop_assert_eq!(row[0].as_str(), engine.assignment.segment_of(r), "customer {} of\n{}\n{}\n{}", r, customers_csv, transactions_csv, sql),
                Mode::Overlapping => for (s, flags) in engine.flags.iter().enumerate() {
                    prop_assert_eq!(row[s].as_bool(), Some(flags[r]), "customer {} segment {} of\n{}\n{}\n{}", r, s, customers_csv, transactions_csv, sql);
                },
            }
        }
    }
}
