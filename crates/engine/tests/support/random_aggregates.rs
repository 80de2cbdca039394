//! The random customers, transactions and rules on per-customer aggregates of the DuckDB property test
//! (`customers_duckdb.rs`), shared with the warehouse tests that run a seeded sample of them in PostgreSQL
//! and Spark: unmatched keys, keys that only look alike, refunds, repeated order ids, missing fields, and
//! categories that sort differently by bytes and by language.
#![allow(dead_code)]

use proptest::prelude::*;
use segscope_engine::customers::{customer_keys, join, Aggregates, TransactionMapping};
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::{
    check, evaluate_frame, schema_with, Condition, Definition, Frame, Mode, Op, RuleResult, SegmentDef, Unit,
    ValidDefinition,
};
use segscope_engine::table::{Column, ColumnType, Table};
use serde_json::Number;

/// The order dates.
pub const DAYS: [&str; 5] = ["2024-01-01", "2024-01-15", "2024-02-29", "2024-03-01", "2024-03-31"];
/// The amounts: a refund, zero and purchases.
pub const AMOUNTS: [&str; 6] = ["-5.00", "0.00", "0.10", "0.20", "12.50", "100.00"];
/// The categories: "Ä b" sorts last by bytes and first in a language's order.
pub const CATEGORIES: [&str; 3] = ["Toys", "Home", "Ä b"];

/// A transaction: customer (index into [`key`]), order id, day, amount and category (indices, `None` missing).
pub type Tx = (usize, Option<usize>, Option<usize>, Option<usize>, Option<usize>);

/// One random case before the engine sees it.
#[derive(Debug, Clone)]
pub struct Input {
    /// Customers `0..n`.
    pub n: usize,
    /// The transactions.
    pub txs: Vec<Tx>,
    /// Whether an order id column is mapped.
    pub with_order_ids: bool,
    /// Whether a category column is mapped (and conditions may test categories).
    pub with_categories: bool,
    /// One condition per segment.
    pub conds: Vec<Condition>,
    /// Overlapping (else first match).
    pub overlapping: bool,
}

/// A case the engine has applied: the files' text, the tables as read, the definition and the engine's answer.
pub struct Prepared {
    /// The customers file.
    pub customers_csv: String,
    /// The transactions file.
    pub transactions_csv: String,
    /// The customers as read.
    pub customers: Table,
    /// The transactions as read.
    pub transactions: Table,
    /// The aggregate columns joined onto the customers.
    pub extra: Vec<Column>,
    /// The definition.
    pub def: Definition,
    /// The definition checked against the customers and their aggregates.
    pub valid: ValidDefinition,
    /// The engine's answer.
    pub engine: RuleResult,
}

/// Read options choosing each column's type, empty fields missing.
pub fn options(types: &[(&str, ColumnType)]) -> ReadOptions {
    let mut o = ReadOptions { missing_tokens: vec![String::new()], ..ReadOptions::default() };
    for (n, t) in types {
        o.types.insert(n.to_string(), *t);
    }
    o
}

/// The text of customer key `k`.
pub fn key(k: usize) -> String {
    // Customers are keys 0..n; key 99 never is, and "17" looks like "00017" but is not.
    match k {
        99 => "00099".into(),
        98 => "17".into(),
        k => format!("{k:05}"),
    }
}

/// A JSON number.
pub fn num(x: &str) -> serde_json::Number {
    serde_json::from_str(x).unwrap()
}

/// Random tests on the aggregates.
pub fn leaf() -> impl Strategy<Value = Condition> {
    let t = |c: &str, op: Op| Condition::Test { column: c.into(), op };
    prop_oneof![
        (0i64..4, any::<bool>()).prop_map(move |(v, lt)| t(
            "orders",
            if lt { Op::Lt { value: Number::from(v).into() } } else { Op::Ge { value: Number::from(v).into() } }
        )),
        (prop::sample::select(vec!["-5", "0", "0.1", "0.3", "12.5", "12.6", "100"]), any::<bool>()).prop_map(
            move |(v, lt)| t(
                "revenue",
                if lt { Op::Lt { value: num(v).into() } } else { Op::Ge { value: num(v).into() } }
            )
        ),
        (0..DAYS.len(), any::<bool>(), any::<bool>()).prop_map(move |(d, first, after)| {
            let date = DAYS[d].to_string();
            t(
                if first { "first_order_date" } else { "last_order_date" },
                if after { Op::After { date } } else { Op::Before { date } },
            )
        }),
        prop::sample::select(vec![1u32, 17, 31, 60])
            .prop_map(move |n| t("last_order_date", Op::InLast { n: n.into(), unit: Unit::Days })),
        (prop::sample::select(vec!["0", "14", "29", "30.5", "45"]), any::<bool>()).prop_map(move |(v, lt)| t(
            "days_between_orders",
            if lt { Op::Lt { value: num(v).into() } } else { Op::Ge { value: num(v).into() } }
        )),
        (0i64..3).prop_map(move |v| t("returns", Op::Ge { value: Number::from(v).into() })),
        any::<bool>().prop_map(move |m| t("last_order_date", if m { Op::IsMissing } else { Op::IsNotMissing })),
        Just(t("days_between_orders", Op::IsMissing)),
    ]
}

/// Random tests on the category aggregates.
pub fn category_leaf() -> impl Strategy<Value = Condition> {
    let t = |c: &str, op: Op| Condition::Test { column: c.into(), op };
    prop_oneof![
        (0..CATEGORIES.len()).prop_map(move |c| t(
            "categories_bought",
            Op::Contains { value: CATEGORIES[c].into(), case_insensitive: false }
        )),
        // Byte order puts "Ä b" last; a language's order puts it first.
        prop::sample::select(vec!["Home; Toys", "Home; Toys; Ä b", "Ä b; Home; Toys", "Toys; Ä b"])
            .prop_map(move |v| t("categories_bought", Op::Is { value: v.into(), case_insensitive: false })),
        // Ignoring case folds every letter of the list, not only ASCII ones.
        Just(t("categories_bought", Op::Contains { value: "ä b".into(), case_insensitive: true })),
        (prop::sample::select(vec!["0", "0.5", "1"]), any::<bool>()).prop_map(move |(v, lt)| t(
            "spend_share_Toys",
            if lt { Op::Lt { value: num(v).into() } } else { Op::Ge { value: num(v).into() } }
        )),
    ]
}

/// Random conditions, on categories too when they are mapped.
pub fn condition(with_categories: bool) -> BoxedStrategy<Condition> {
    let leaf = if with_categories { prop_oneof![3 => leaf(), 1 => category_leaf()].boxed() } else { leaf().boxed() };
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3).prop_map(Condition::All),
            prop::collection::vec(inner, 1..3).prop_map(Condition::Any)
        ]
    })
    .boxed()
}

/// A CSV field, quoted when it needs to be.
pub fn quote(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Random cases.
pub fn input() -> impl Strategy<Value = Input> {
    (
        1usize..8,
        prop::collection::vec(
            (
                prop::sample::select(vec![0usize, 1, 2, 3, 4, 5, 6, 7, 98, 99]),
                prop::option::weighted(0.8, 0..4usize),
                prop::option::weighted(0.9, 0..DAYS.len()),
                prop::option::weighted(0.9, 0..AMOUNTS.len()),
                prop::option::weighted(0.9, 0..CATEGORIES.len()),
            ),
            0..25,
        ),
        any::<bool>(),
        any::<bool>().prop_flat_map(|c| (Just(c), prop::collection::vec(condition(c), 1..4))),
        any::<bool>(),
    )
        .prop_map(|(n, txs, with_order_ids, (with_categories, conds), overlapping)| Input {
            n,
            txs,
            with_order_ids,
            with_categories,
            conds,
            overlapping,
        })
}

/// The transaction mapping of a case.
pub fn mapping(input: &Input) -> TransactionMapping {
    TransactionMapping {
        customer_id: "customer_id".into(),
        date: "order_date".into(),
        amount: "amount".into(),
        order_id: input.with_order_ids.then(|| "order_id".into()),
        category: input.with_categories.then(|| "category".into()),
        quantity: None,
        margin: None,
        customer_key: None,
    }
}

/// Writes and reads the case's files and applies its definition in the engine; `None` when there is nothing
/// to compare (a transactions file of only a header) or a condition tests a share no one has.
pub fn prepare(input: &Input) -> Option<Prepared> {
    let customers_csv = std::iter::once("customer_id,name".to_string())
        .chain((0..input.n).map(|k| format!("{},c{k}", key(k))))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let mut transactions_csv = String::from("customer_id,order_id,order_date,amount,category\n");
    for (k, o, d, a, c) in &input.txs {
        transactions_csv += &format!(
            "{},{},{},{},{}\n",
            key(*k),
            o.map(|o| format!("O{o}")).unwrap_or_default(),
            d.map(|d| DAYS[d]).unwrap_or_default(),
            a.map(|a| AMOUNTS[a]).unwrap_or_default(),
            c.map(|c| quote(CATEGORIES[c])).unwrap_or_default()
        );
    }
    let customers = read_table(
        "customers.csv",
        customers_csv.as_bytes(),
        &options(&[("customer_id", ColumnType::Text), ("name", ColumnType::Text)]),
        &mut Quiet,
    )
    .unwrap()
    .table;
    let transactions = read_table(
        "transactions.csv",
        transactions_csv.as_bytes(),
        &options(&[
            ("customer_id", ColumnType::Text),
            ("order_id", ColumnType::Text),
            ("order_date", ColumnType::Date),
            ("amount", ColumnType::Decimal),
            ("category", ColumnType::Categorical),
        ]),
        &mut Quiet,
    )
    // A file of only a header has no rows to read: nothing to compare.
    .ok()?
    .table;
    let mapping = mapping(input);
    let valid_mapping = match mapping.check(&transactions, Some(&customers)) {
        Ok(valid) => valid,
        // A mapped column with no value in any row cannot be used, and the mapping says which: nothing to compare.
        Err(segscope_engine::customers::CustomersError::Mapping(problems))
            if problems.iter().all(|p| p.contains("is empty: no row has a value")) =>
        {
            return None
        }
        Err(e) => panic!("{e}"),
    };
    let aggregates = Aggregates::from_table(&transactions, &valid_mapping).unwrap_or_else(|e| panic!("{e}"));
    let (extra, _) = join(&aggregates, &customer_keys(&customers, 0));
    // Shares exist only for categories someone bought: test a share only when its column exists.
    let has_toys_share = extra.iter().any(|c| c.name == "spend_share_Toys");
    let uses_share = |c: &Condition| format!("{c:?}").contains("spend_share_Toys");
    if !has_toys_share && input.conds.iter().any(uses_share) {
        return None;
    }
    let def = Definition {
        mode: if input.overlapping { Mode::Overlapping } else { Mode::FirstMatch },
        as_of: Some("2024-04-01".into()),
        transactions: Some(mapping),
        segments: input
            .conds
            .iter()
            .enumerate()
            .map(|(i, c)| SegmentDef { name: format!("S{i}"), color: None, condition: c.clone() })
            .collect(),
        ..Definition::default()
    };
    let valid = check(&def, &schema_with(&customers, &extra), None).unwrap_or_else(|e| panic!("{e}"));
    let engine = evaluate_frame(&valid, &Frame::with_extra(&customers, &extra, &valid), &mut Quiet).unwrap();
    Some(Prepared { customers_csv, transactions_csv, customers, transactions, extra, def, valid, engine })
}
