//! The one customer table: transaction aggregates joined onto customers, checked against the
//! sample generator's own record of each customer's orders.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::customers::{customer_keys, join, Aggregates, TransactionMapping};
use segscope_engine::ingest::values::date_from_days;
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::sample::{customer, sample_csv, SampleParams, DEFAULT_SEED};
use segscope_engine::table::{ColumnData, Table};

fn read(name: &str, bytes: &[u8]) -> Table {
    read_table(name, bytes, &ReadOptions::default(), &mut Quiet).unwrap().table
}

fn attach(
    customers: &Table,
    transactions: &Table,
) -> (Vec<segscope_engine::table::Column>, segscope_engine::customers::JoinReport) {
    let mapping = TransactionMapping::guess(transactions, Some(customers)).unwrap();
    let valid = mapping.check(transactions, Some(customers)).unwrap();
    let a = Aggregates::from_table(transactions, &valid).unwrap_or_else(|e| panic!("{e}"));
    join(&a, &customer_keys(customers, valid.customer_key.unwrap()))
}

#[test]
fn aggregates_of_the_sample_match_the_generators_own_numbers() {
    let n = 600;
    let (c, t) = sample_csv(&SampleParams { customers: n.into(), ..SampleParams::default() }.check().unwrap()).unwrap();
    let (customers, transactions) = (read("customers.csv", &c), read("transactions.csv", &t));
    let mapping = TransactionMapping::guess(&transactions, Some(&customers)).unwrap();
    assert_eq!(
        (
            mapping.customer_id.as_str(),
            mapping.date.as_str(),
            mapping.amount.as_str(),
            mapping.order_id.as_deref(),
            mapping.category.as_deref()
        ),
        ("customer_id", "order_date", "amount", Some("order_id"), Some("category"))
    );
    let (cols, report) = attach(&customers, &transactions);
    let col = |name: &str| &cols.iter().find(|c| c.name == name).unwrap().data;
    for i in 0..n as usize {
        let truth = customer(DEFAULT_SEED, i as u64);
        assert_eq!(col("orders").number(i), Some(truth.orders() as f64), "customer {}", truth.customer_id);
        let revenue = col("revenue").number(i).unwrap();
        assert!(
            (revenue - truth.net_spend_cents() as f64 / 100.0).abs() < 1e-6,
            "customer {} revenue {revenue}",
            truth.customer_id
        );
        let last = col("last_order_date").number(i).map(|d| date_from_days(d as i32));
        assert_eq!(last, truth.last_order_date(), "customer {}", truth.customer_id);
    }
    assert_eq!(report.unmatched_keys, 0);
    assert!(report.customers_without_transactions > 0, "the sample plants customers with no transactions");
    assert_eq!(report.customers_with_transactions + report.customers_without_transactions, n);
    assert!(report.messages()[0].contains("have none (0 orders, no dates)"));
}

#[test]
fn keys_match_as_text_exactly_and_problems_are_reported() {
    let customers = read("c.csv", b"customer_id,name\n00017,Ann\n00018,Bob\n00019,Cy\n");
    let transactions = read(
        "t.csv",
        b"customer_id,order_id,order_date,amount,category\n00017,A1,2024-01-05,0.10,Toys\n00017,A2,2024-01-09,0.20,Toys\n00017,A2,2024-01-20,-0.05,Toys\n17,B1,2024-02-01,5.00,Home\n00018,C1,,3.00,Home\n00018,C2,2024-03-01,12.50,Home\n",
    );
    let (cols, report) = attach(&customers, &transactions);
    let col = |name: &str| &cols.iter().find(|c| c.name == name).unwrap().data;
    assert_eq!(col("orders"), &ColumnData::Integer(vec![Some(2), Some(1), Some(0)]));
    assert_eq!(col("revenue").number(0), Some(0.25), "0.10 + 0.20 - 0.05, summed exactly");
    assert_eq!(col("returns").number(0), Some(1.0));
    assert_eq!(
        col("days_between_orders").number(0),
        Some(4.0),
        "purchases on Jan 5 and Jan 9; the Jan 20 refund is no order"
    );
    assert_eq!(col("first_order_date").number(2), None, "no transactions: no dates");
    assert_eq!(col("categories_bought").label(0), Some("Toys"));
    assert_eq!(col("spend_share_Home").number(1), Some(1.0));
    assert_eq!(
        (report.unmatched_keys, report.unmatched_rows, report.unmatched_examples.clone()),
        (1, 1, vec!["17".to_string()])
    );
    assert_eq!(report.unreadable_rows, 1);
    assert_eq!(report.unreadable_examples[0].line, 6);
    let text = report.messages().join(" ");
    assert!(
        text.contains("`17`") && text.contains("leading zeros") && text.contains("line 6: no readable date"),
        "{text}"
    );
}

#[test]
fn a_mapping_that_does_not_fit_names_every_problem() {
    let customers = read("c.csv", b"id,name\n1,Ann\n");
    let transactions = read("t.csv", b"customer,when,amount\n1,yesterday,5\n");
    let m = TransactionMapping {
        customer_id: "customer".into(),
        date: "when".into(),
        amount: "amt".into(),
        order_id: None,
        category: None,
        quantity: None,
        margin: None,
        customer_key: Some("id".into()),
    };
    let err = m.check(&transactions, Some(&customers)).unwrap_err().to_string();
    assert!(err.contains("`when` is text, not a date: its values look like `yesterday`."), "{err}");
    assert!(err.contains("no column `amt`"), "{err}");
}

#[test]
fn rfm_rules_ties_returns_and_no_purchases() {
    use segscope_engine::rfm::{compute, Method, Monetary, Returns, RfmMap, RfmParams};
    let customers = read("c.csv", b"customer_id\nA\nB\nC\nD\nE\n");
    let transactions = read(
        "t.csv",
        b"customer_id,order_id,order_date,amount\nA,1,2024-03-01,10.00\nA,2,2024-03-10,10.00\nA,2,2024-03-12,-5.00\nB,3,2024-03-10,15.00\nC,4,2024-01-01,0.10\nC,5,2024-01-02,0.20\nD,6,2024-02-01,-3.00\n",
    );
    let m = TransactionMapping::guess(&transactions, Some(&customers))
        .unwrap()
        .check(&transactions, Some(&customers))
        .unwrap();
    let a = Aggregates::from_table(&transactions, &m).unwrap_or_else(|e| panic!("{e}"));
    let keys = customer_keys(&customers, 0);
    // After the refund of 2024-03-12 (only what came before the as-of date counts).
    let as_of = segscope_engine::rules::parse_iso_date("2024-03-13").unwrap();
    let run = |params: RfmParams| {
        let valid = params.check().unwrap();
        compute(&keys, &a, &valid, &RfmMap::default_for(valid.bins()), as_of, &mut Quiet).unwrap()
    };
    let r = run(RfmParams { bins: 3.into(), ..RfmParams::default() });
    // A and B bought last on the same day: equal recency, equal R score; A's 2 orders beat B's 1.
    assert_eq!(r.rows[0].recency_days, Some(3));
    assert_eq!(r.rows[0].scores.unwrap()[0], r.rows[1].scores.unwrap()[0]);
    assert_eq!(r.rows[0].frequency, 2, "the refund of order 2 is not an order");
    // Net monetary: A 10 + 10 - 5 = 15 = B's 15: equal money, equal M score.
    assert_eq!((r.rows[0].monetary.as_str(), r.rows[1].monetary.as_str()), ("15.00", "15.00"));
    assert_eq!(r.rows[0].scores.unwrap()[2], r.rows[1].scores.unwrap()[2]);
    // C's 0.10 + 0.20 is exactly 0.30.
    assert_eq!(r.rows[2].monetary, "0.30");
    // D only returned something, E has nothing: both "No purchases".
    assert_eq!(
        (r.names[r.rows[3].segment].as_str(), r.names[r.rows[4].segment].as_str()),
        ("No purchases", "No purchases")
    );
    // Excluding returns: A's monetary is 20.
    let r = run(RfmParams { bins: 3.into(), returns: Returns::Exclude, ..RfmParams::default() });
    assert_eq!(r.rows[0].monetary, "20.00");
    // Mean order value: A 15 / 2 orders.
    let r = run(RfmParams { bins: 3.into(), monetary: Monetary::MeanOrder, ..RfmParams::default() });
    assert_eq!(r.rows[0].monetary_value, 7.5);
    // Thresholds: recency ≤ 3 days scores 3, ≤ 30 scores 2, older 1.
    let r = run(RfmParams {
        bins: 3.into(),
        method: Method::Thresholds { r: vec![3.0, 30.0].into(), f: vec![2.0, 3.0].into(), m: vec![1.0, 16.0].into() },
        ..RfmParams::default()
    });
    assert_eq!(r.rows[0].scores, Some([3, 2, 2]));
    assert_eq!(r.rows[2].scores, Some([1, 2, 1]));
    let bad = RfmParams {
        bins: 3.into(),
        method: Method::Thresholds { r: vec![30.0, 1.0].into(), f: vec![1.0, 2.0].into(), m: vec![1.0, 2.0].into() },
        ..RfmParams::default()
    }
    .check();
    assert!(bad.unwrap_err().to_string().contains("recency thresholds must be 2 ascending numbers"));
    assert!(RfmParams { bins: 6.into(), ..RfmParams::default() }
        .check()
        .unwrap_err()
        .to_string()
        .contains("the number of bins must be a whole number from 3 to 5 (got `6`)"));
}

#[test]
fn a_mapped_margin_column_is_summed_exactly() {
    let customers = read("c.csv", b"customer_id\nA\n");
    let transactions = read("t.csv", b"customer_id,order_date,amount,margin\nA,2024-01-01,10.00,2.10\nA,2024-01-05,20.00,4.20\nA,2024-01-09,-10.00,-2.10\n");
    let m = TransactionMapping::guess(&transactions, Some(&customers)).unwrap();
    assert_eq!(m.margin.as_deref(), Some("margin"));
    let valid = m.check(&transactions, Some(&customers)).unwrap();
    let a = Aggregates::from_table(&transactions, &valid).unwrap_or_else(|e| panic!("{e}"));
    let s = a.summary("A").unwrap();
    assert_eq!(s.margin.unwrap().to_text(), "4.20");
    assert_eq!(s.revenue.to_text(), "20.00");
}

#[test]
fn the_latest_date_counts_every_dated_row_and_the_key_column_is_never_guessed_silently() {
    let t = read(
        "t.csv",
        b"customer_id,order_date,amount\nA,2024-01-10,20\nA,2024-02-01,-5\n,2024-03-01,7\nB,2024-01-20,\n",
    );
    let valid = TransactionMapping::guess(&t, None).unwrap().check(&t, None).unwrap();
    let a = Aggregates::from_table(&t, &valid).unwrap_or_else(|e| panic!("{e}"));
    // A return and a row without a key still date the data: the as-of default is the day after.
    assert_eq!(a.latest().map(date_from_days).map(|d| d.to_string()).as_deref(), Some("2024-03-01"));
    let customers = read("c.csv", b"id,name\nA,Ann\n");
    let err = segscope_engine::customers::key_column(&customers, &valid.mapping).unwrap_err().to_string();
    assert!(err.contains("c.csv has no column `customer_id`") && err.contains("`id`, `name`"), "{err}");
    let err = valid.mapping.check(&t, Some(&customers)).unwrap_err().to_string();
    assert!(err.contains(&segscope_engine::customers::key_column(&customers, &valid.mapping).unwrap_err().to_string()));
}

#[test]
fn a_summary_before_a_day_counts_only_what_came_before_it() {
    // Order 2 spans two days (it counts once, on its first day); a return on 01-09; B buys only later.
    let csv = b"customer_id,order_id,order_date,amount\nA,1,2024-01-01,10.00\nA,2,2024-01-05,5.50\nA,2,2024-01-06,4.50\nA,3,2024-01-06,20.00\nA,4,2024-01-09,-10.00\nB,5,2024-02-01,7.00\n";
    let transactions = read("t.csv", csv);
    let valid = TransactionMapping::guess(&transactions, None).unwrap().check(&transactions, None).unwrap();
    let a = Aggregates::from_table(&transactions, &valid).unwrap_or_else(|e| panic!("{e}"));
    let day = |d: &str| segscope_engine::dates::parse_date(segscope_engine::dates::DateField::AsOf, d).unwrap();
    let at = |key: &str, d: &str| {
        let s = a.summary_before(key, day(d)).unwrap();
        (s.orders, s.revenue.to_text(), s.purchases.to_text(), s.first.map(date_from_days), s.last.map(date_from_days))
    };
    let date = |d: &str| Some(date_from_days(day(d)));
    assert_eq!(at("A", "2024-01-01"), (0, "0.00".to_string(), "0.00".to_string(), None, None));
    assert_eq!(at("A", "2024-01-06"), (2, "15.50".into(), "15.50".into(), date("2024-01-01"), date("2024-01-05")));
    assert_eq!(at("A", "2024-01-07"), (3, "40.00".into(), "40.00".into(), date("2024-01-01"), date("2024-01-06")));
    assert_eq!(at("A", "2024-01-10"), (3, "30.00".into(), "40.00".into(), date("2024-01-01"), date("2024-01-06")));
    // After everything: the whole summary, margin and all.
    assert_eq!(a.summary_before("A", day("2024-03-01")), a.summary("A"));
    assert_eq!(a.summary_before("B", day("2024-01-10")).unwrap().orders, 0);
    assert!(a.seen_before("A", day("2024-01-02")) && !a.seen_before("A", day("2024-01-01")));
    assert!(!a.seen_before("B", day("2024-02-01")) && a.seen_before("B", day("2024-02-02")));
}
