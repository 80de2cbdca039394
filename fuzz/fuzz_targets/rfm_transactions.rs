//! RFM on arbitrary transactions: files of keys, order ids, dates and amounts in every shape
//! (returns, huge amounts, broken dates, blank keys), scored with any settings (bins, rank,
//! equal-count or typed thresholds, total or mean, returns netted or left out), any segment map
//! and any typed as-of date. Nothing may panic. When it runs: one row per customer key, keys
//! sorted and distinct, scores within 1..=bins, every segment one of the names, and the CSV
//! written. Reading the transactions with a leading sample of 1 to 8 records must give the
//! aggregates the whole file gives, when the sample leads to the same mapping, reads the keys as
//! the same kind of value (whole numbers, where `+5` is `5`, or text), and every cell after it
//! reads as the sample decided (one that does not is reported, with its line, as the column's
//! unreadable values): a file too large to read twice is read with its sample's conventions.
#![no_main]

use std::io::Cursor;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use segscope_engine::customers::{
    choose_mapping, join, read_transactions, Aggregates, InOrder, MappingOverrides, ValidMapping,
};
use segscope_engine::ingest::{ImportWarning, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rfm::{write_csv, Method, Monetary, Returns, RfmMap, RfmParams, RfmSegment};
use segscope_engine::stream::{rfm_from_transactions, PerCustomer, TransactionsInput};
use segscope_engine::table::{ColumnType, Table};
use segscope_engine::typed::Typed;
use segscope_fuzz::cells::Cell;
use segscope_fuzz::compare::same;
use segscope_fuzz::transactions::{day, Transactions};

#[derive(Debug, Arbitrary)]
enum FMethod {
    Rank,
    Quantile,
    Thresholds(Vec<f64>, Vec<f64>, Vec<f64>),
    TypedThresholds(String, String, String),
}

#[derive(Debug, Arbitrary)]
enum Bins {
    Value(u8),
    Text(String),
}

#[derive(Debug, Arbitrary)]
enum AsOf {
    Default,
    Day(u16),
    Any(Cell),
}

#[derive(Debug, Arbitrary)]
struct Input {
    transactions: Transactions,
    bins: Bins,
    method: FMethod,
    mean: bool,
    exclude_returns: bool,
    /// `None`: the default map for the bins; else segments of (name, R-F cells, M scores).
    map: Option<Vec<(String, Vec<[u8; 2]>, Vec<u8>)>>,
    as_of: AsOf,
    sample: u8,
}

/// The aggregates of every key as text, to compare exactly.
fn summary(a: &Aggregates) -> String {
    let keys: Vec<Option<String>> = a.keys().into_iter().map(Some).collect();
    let (columns, report) = join(a, &keys);
    format!("{report:?}\n{columns:?}\n{:?}\n{:?}", a.latest(), a.left_out())
}

/// Whether the key and order-id columns read as whole numbers: a key is the value its column
/// reads (`+5` is `5` among whole numbers, `+5` among text), so the key of such a value depends on
/// whether the sample saw the column as numbers or text, as it would on the file's first 100,000 rows.
fn key_kinds(table: &Table, mapping: &ValidMapping) -> Vec<bool> {
    let integer = |i: usize| table.columns.get(i).is_some_and(|c| c.column_type() == ColumnType::Integer);
    std::iter::once(mapping.key).chain(mapping.order_id).map(integer).collect()
}

/// The warnings about values that did not read as their column's type.
fn unreadable(warnings: &[ImportWarning]) -> Vec<ImportWarning> {
    warnings.iter().filter(|w| matches!(w, ImportWarning::UnreadableValues { .. })).cloned().collect()
}

fuzz_target!(|input: Input| {
    let bytes = input.transactions.csv();
    let options = ReadOptions::default();

    // The aggregates do not depend on the sample that decides the column types, when the sample
    // leads to the same mapping (the mapping is guessed from the sample, so it may differ), the
    // same kind of keys, and reports no more unreadable values than the whole file.
    let read = |sample: usize| {
        let choose = |t: &_| choose_mapping(t, None, None, &MappingOverrides::default());
        read_transactions("t.csv", Cursor::new(&bytes), bytes.len() as u64, &options, sample, choose, &mut Quiet)
            .ok()
            .map(|r| {
                let kinds = key_kinds(&r.sample.table, &r.mapping);
                (r.mapping, summary(&r.aggregates), unreadable(&r.sample.diagnostics.warnings), kinds)
            })
    };
    let sample = usize::from(input.sample % 8) + 1;
    if let (Some(whole), Some(sampled)) = (read(usize::MAX), read(sample)) {
        if whole.0 == sampled.0 && whole.2 == sampled.2 && whole.3 == sampled.3 {
            same("aggregates read whole and with a sample", &whole.1, &sampled.1);
        }
    }

    let bins = match &input.bins {
        Bins::Value(b) => Typed::Value(*b % 8),
        Bins::Text(t) => Typed::Text(t.chars().take(6).collect()),
    };
    let cuts = |v: &[f64]| -> Typed<Vec<f64>> { Typed::Value(v.iter().take(6).copied().collect()) };
    let method = match &input.method {
        FMethod::Rank => Method::Rank,
        FMethod::Quantile => Method::QuantileEqualCount,
        FMethod::Thresholds(r, f, m) => Method::Thresholds { r: cuts(r), f: cuts(f), m: cuts(m) },
        FMethod::TypedThresholds(r, f, m) => {
            let text = |s: &String| Typed::Text(s.chars().take(24).collect());
            Method::Thresholds { r: text(r), f: text(f), m: text(m) }
        }
    };
    let params = RfmParams {
        bins,
        method,
        monetary: if input.mean { Monetary::MeanOrder } else { Monetary::Total },
        returns: if input.exclude_returns { Returns::Exclude } else { Returns::Net },
    };
    let Ok(valid) = params.check() else { return };
    let map = match &input.map {
        None => RfmMap::default_for(valid.bins()),
        Some(segments) => RfmMap {
            segments: segments
                .iter()
                .take(6)
                .map(|(name, cells, m)| RfmSegment {
                    name: name.chars().take(8).collect(),
                    color: None,
                    cells: cells.iter().take(25).copied().collect(),
                    m: Typed::Value(m.iter().take(5).copied().collect()),
                })
                .collect(),
            no_purchases: "No purchases".into(),
        },
    };
    let as_of = match &input.as_of {
        AsOf::Default => None,
        AsOf::Day(d) => Some(day(u32::from(*d % 1600))),
        AsOf::Any(c) => Some(c.render()),
    };
    let mut cursor = Cursor::new(bytes.as_slice());
    let mut tx = TransactionsInput {
        name: "t.csv",
        input: &mut cursor,
        options: &options,
        mapping: MappingOverrides::default(),
        workers: &mut InOrder,
    };
    let Ok(PerCustomer { keys, result, .. }) =
        rfm_from_transactions(&mut tx, &valid, &map, as_of.as_deref(), &mut Quiet)
    else {
        return;
    };
    assert_eq!(keys.len(), result.rows.len(), "one row per key");
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "keys sorted and distinct: {keys:?}");
    for row in &result.rows {
        if let Some(scores) = row.scores {
            assert!(
                scores.iter().all(|s| (1..=valid.bins()).contains(s)),
                "scores {scores:?} of {} bins",
                valid.bins()
            );
        }
        assert!(row.segment < result.names.len(), "segment {} of {:?}", row.segment, result.names);
    }
    let mut csv = Vec::new();
    if let Err(e) = write_csv(&keys, &result, &mut csv, &mut Quiet) {
        panic!("RFM computed but not written: {e}");
    }
});
