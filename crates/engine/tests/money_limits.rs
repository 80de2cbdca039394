//! Money at the edge of what can be added exactly: amounts with very many decimals, one amount
//! past the money type's range, sums past it. Each gives a result or an error that names the
//! column and the customer, read as a table or a record at a time; none panics or wraps.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Cursor;

use segscope_engine::customers::{
    choose_mapping, join, read_transactions, Aggregates, CustomersError, MappingOverrides, ReadTransactionsError,
};
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rfm::{compute, RfmMap, RfmParams};
use segscope_engine::table::Table;

fn table(csv: &str) -> Table {
    read_table("t.csv", csv.as_bytes(), &ReadOptions::default(), &mut Quiet).unwrap().table
}

/// The aggregates of `csv` read whole, as a table.
fn whole(csv: &str) -> Result<Aggregates, CustomersError> {
    let t = table(csv);
    let m = choose_mapping(&t, None, None, &MappingOverrides::default()).unwrap();
    Aggregates::from_table(&t, &m)
}

/// The aggregates of `csv` read a record at a time (the app's and the command line's way).
fn streamed(csv: &str) -> Result<Aggregates, ReadTransactionsError> {
    let choose = |t: &_| choose_mapping(t, None, None, &MappingOverrides::default());
    let bytes = csv.as_bytes();
    read_transactions("t.csv", Cursor::new(bytes), bytes.len() as u64, &ReadOptions::default(), 2, choose, &mut Quiet)
        .map(|r| r.aggregates)
}

const THIRTY_DECIMALS: &str = "customer_id,order_date,amount\n\
    A,2024-01-01,0.123456789012345678901234567890\n\
    A,2024-01-02,1.5\n\
    B,2024-01-03,2\n";

#[test]
fn an_amount_column_with_thirty_decimals_is_added_at_nine() {
    for a in [whole(THIRTY_DECIMALS).unwrap(), streamed(THIRTY_DECIMALS).unwrap()] {
        let revenue = a.summary("A").unwrap().revenue;
        assert_eq!(revenue.to_text(), "1.623456789");
        let keys: Vec<Option<String>> = a.keys().into_iter().map(Some).collect();
        let params = RfmParams { bins: 3.into(), ..RfmParams::default() }.check().unwrap();
        // As of 2024-01-04.
        let r = compute(&keys, &a, &params, &RfmMap::default_for(3), 19_726, &mut Quiet).unwrap();
        assert_eq!(r.rows[0].monetary, "1.623456789");
        assert_eq!(r.rows[1].monetary, "2.000000000");
    }
}

#[test]
fn amounts_that_add_up_past_exact_money_are_an_error_naming_the_column_and_the_customer() {
    // At 2 decimals 90,000,000,000,000,000.00 is 9 × 10^18 units, just below 2^63: one fits, two on a day do not.
    let csv = "customer_id,order_date,amount\n\
        A,2024-01-01,1.00\n\
        C-7,2024-01-01,90000000000000000.00\n\
        C-7,2024-01-01,90000000000000000.00\n";
    let expected = CustomersError::TooLarge { column: "amount".into(), customer: "C-7".into() };
    assert_eq!(whole(csv).err(), Some(expected.clone()));
    match streamed(csv) {
        Err(ReadTransactionsError::Customers(e)) => assert_eq!(e, expected),
        other => panic!("{:?}", other.map(|a| a.customers())),
    }
    let message = expected.to_string();
    assert!(message.contains("`amount`") && message.contains("`C-7`"), "{message}");
    // On different days each fits, and the customer's total is exact.
    let apart = csv.replacen("C-7,2024-01-01,9", "C-7,2024-01-02,9", 1);
    let a = whole(&apart).unwrap();
    assert_eq!(a.summary("C-7").unwrap().revenue.to_text(), "180000000000000000.00");
}

#[test]
fn an_amount_too_large_to_add_exactly_leaves_its_row_out_and_says_which_line() {
    let csv = "customer_id,order_date,amount\n\
        A,2024-01-01,10.5\n\
        B,2024-01-02,99999999999999999999.5\n\
        B,2024-01-03,4.0\n";
    for a in [whole(csv).unwrap(), streamed(csv).unwrap()] {
        assert_eq!(a.unreadable(), 1);
        assert_eq!(a.summary("B").unwrap().revenue.to_text(), "4.0");
        let keys: Vec<Option<String>> = a.keys().into_iter().map(Some).collect();
        let messages = join(&a, &keys).1.messages().join(" ");
        assert!(messages.contains("line 3: an amount too large to add up exactly"), "{messages}");
    }
}
