//! Customer lifetime value on arbitrary transactions (the same files as `rfm_transactions`), with
//! any settings: horizon and discount as numbers or as typed, days or weeks, a calibration end
//! (holdout) or none, a margin or none. Nothing may panic; when it runs, one row per customer key,
//! keys sorted and distinct, and no probability of being alive outside 0..=1.
#![no_main]

use std::io::Cursor;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use segscope_engine::clv::{ClvParams, TimeUnit};
use segscope_engine::customers::{InOrder, MappingOverrides};
use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::Quiet;
use segscope_engine::stream::{clv_from_transactions, PerCustomer, TransactionsInput};
use segscope_engine::typed::Typed;
use segscope_fuzz::cells::Cell;
use segscope_fuzz::transactions::{day, Transactions};

#[derive(Debug, Arbitrary)]
enum Num<T> {
    Value(T),
    Text(String),
}

impl<T> Num<T> {
    fn typed(self) -> Typed<T> {
        match self {
            Num::Value(v) => Typed::Value(v),
            Num::Text(t) => Typed::Text(t.chars().take(8).collect()),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum End {
    None,
    Day(u16),
    Any(Cell),
}

#[derive(Debug, Arbitrary)]
struct Input {
    transactions: Transactions,
    horizon: Num<u32>,
    discount: Num<f64>,
    days: bool,
    end: End,
    margin: Option<Num<f64>>,
}

fuzz_target!(|input: Input| {
    let bytes = input.transactions.csv();
    let params = ClvParams {
        horizon_months: input.horizon.typed(),
        discount_monthly: input.discount.typed(),
        unit: if input.days { TimeUnit::Days } else { TimeUnit::Weeks },
        calibration_end: match input.end {
            End::None => None,
            End::Day(d) => Some(day(u32::from(d % 1600))),
            End::Any(c) => Some(c.render()),
        },
        margin: input.margin.map(Num::typed),
    };
    let Ok(valid) = params.check() else { return };
    let options = ReadOptions::default();
    let mut cursor = Cursor::new(bytes.as_slice());
    let mut tx = TransactionsInput {
        name: "t.csv",
        input: &mut cursor,
        options: &options,
        mapping: MappingOverrides::default(),
        workers: &mut InOrder,
    };
    let Ok(PerCustomer { keys, result, .. }) = clv_from_transactions(&mut tx, &valid, &mut Quiet) else { return };
    assert_eq!(keys.len(), result.rows.len(), "one row per key");
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "keys sorted and distinct: {keys:?}");
    for row in &result.rows {
        if let Some(p) = row.p_alive {
            assert!((0.0..=1.0).contains(&p) || p.is_nan(), "P(alive) {p}");
        }
    }
});
