//! Transactions read a record at a time (`customers::read_transactions`, the path the app and the
//! command line use) give the same aggregates as the whole file read as a table, whatever the size
//! of the leading sample that decides the column types, for files with the hard cases: quoted line
//! breaks, CRLF, a byte-order mark, UTF-16, Windows-1252, ragged and blank rows, returns, order ids
//! and categories.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::future::Future;
use std::io::Cursor;
use std::pin::Pin;

use proptest::prelude::*;
use segscope_engine::customers::{
    choose_mapping, customer_keys, join, read_transactions, read_transactions_on, Aggregates, MappingOverrides,
    PartReader, PartTotals, ReadTransactions, Workers,
};
use segscope_engine::ingest::{read_table, IngestErrorKind, ReadOptions, RecordChunk};
use segscope_engine::progress::Quiet;
use segscope_engine::table::ColumnData;
use segscope_engine::waiting::now;

/// The aggregate columns (and the join report) for every key, as text, to compare exactly.
fn summary(a: &Aggregates) -> String {
    let keys: Vec<Option<String>> = a.keys().into_iter().map(Some).collect();
    let (columns, report) = join(a, &keys);
    let mut out = format!("{report:?}\n");
    for c in &columns {
        out.push_str(&c.name);
        for r in 0..keys.len() {
            let v = match &c.data {
                ColumnData::Text(_) | ColumnData::Categorical { .. } => c.data.label(r).map(str::to_string),
                d => d.number(r).map(|x| format!("{x}")),
            };
            out.push_str(&format!(",{v:?}"));
        }
        out.push('\n');
    }
    out
}

fn whole(bytes: &[u8]) -> String {
    let t = read_table("t.csv", bytes, &ReadOptions::default(), &mut Quiet).unwrap().table;
    let m = choose_mapping(&t, None, None, &MappingOverrides::default()).unwrap();
    summary(&Aggregates::from_table(&t, &m).unwrap_or_else(|e| panic!("{e}")))
}

fn streamed(bytes: &[u8], sample: usize) -> ReadTransactions {
    let choose = |t: &_| choose_mapping(t, None, None, &MappingOverrides::default());
    read_transactions(
        "t.csv",
        Cursor::new(bytes),
        bytes.len() as u64,
        &ReadOptions::default(),
        sample,
        choose,
        &mut Quiet,
    )
    .unwrap()
}

const TRICKY: &str = "\u{feff}customer_id,order_id,order_date,amount,category,note\r\n\
C1,O1,2024-01-05,10.50,Books,\"a note\r\nover two lines\"\r\n\
C2,O2,2024-01-06,\"1,200.00\",Garden,\r\n\
\r\n\
C1,O1,2024-01-05,4.25,Music,\"say \"\"hi\"\"\"\r\n\
C1,O3,2024-02-01,-3.00,Books,return\r\n\
,O4,2024-02-02,5.00,Books,no key\r\n\
C3,O5,NA,5.00,Books,no date\r\n\
C2,O6,2024-03-01,7.00,Garden\r\n\
C4,O7,2024-03-02,0.99,Music,x,extra\r\n\
C2,O8,2024-03-01,1.00,Books,same day\r\n";

#[test]
fn every_sample_size_gives_the_whole_files_aggregates() {
    let expected = whole(TRICKY.as_bytes());
    for sample in 1..=12 {
        let read = streamed(TRICKY.as_bytes(), sample);
        assert_eq!(summary(&read.aggregates), expected, "sample of {sample} records");
        assert_eq!(read.sample.diagnostics.rows, 9, "every data row is counted (sample {sample})");
    }
}

#[test]
fn values_after_the_sample_that_do_not_fit_its_types_are_widened_like_the_whole_column() {
    // The first records have whole-number amounts and numeric customer ids; later ones have
    // decimals, thousands separators, an id with a leading zero and a letter.
    let csv = "customer_id,order_date,amount\n\
        17,2024-01-05,10\n\
        18,2024-01-06,20\n\
        17,2024-01-07,30\n\
        17,2024-01-08,4.75\n\
        007,2024-01-09,\"1,250.50\"\n\
        A19,2024-01-10,3\n\
        18,2024-01-11,0.05\n";
    let expected = whole(csv.as_bytes());
    let mut keys = streamed(csv.as_bytes(), 100).aggregates.keys();
    keys.sort();
    assert_eq!(keys, ["007", "17", "18", "A19"]);
    for sample in 1..=8 {
        let read = streamed(csv.as_bytes(), sample);
        assert_eq!(summary(&read.aggregates), expected, "sample of {sample} records");
        let mut got = read.aggregates.keys();
        got.sort();
        assert_eq!(got, keys, "sample of {sample} records");
        assert_eq!(read.aggregates.unreadable(), 0, "sample of {sample} records");
    }
}

#[test]
fn utf16_and_windows_1252_files_read_like_their_utf8_twin() {
    let plain = "customer_id,order_date,amount,category\nCé1,2024-01-05,10.50,Bücher\nCé1,2024-01-07,2.00,Bücher\n";
    let expected = whole(plain.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(plain.encode_utf16().flat_map(u16::to_le_bytes));
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(plain);
    for bytes in [utf16, cp1252.into_owned()] {
        for sample in [1, 2, 100] {
            assert_eq!(summary(&streamed(&bytes, sample).aggregates), expected);
        }
    }
}

#[test]
fn a_stray_quote_after_the_sample_names_its_line() {
    let csv = "customer_id,order_date,amount\nA,2024-01-01,1\nB,2024-01-02,2\nC,2024-01-03,\"3\nD,2024-01-04,4\n";
    let choose = |t: &_| choose_mapping(t, None, None, &MappingOverrides::default());
    let err =
        read_transactions("t.csv", csv.as_bytes(), 0, &ReadOptions::default(), 1, choose, &mut Quiet).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("t.csv") && text.contains("line 4"), "{text}");
    assert!(
        matches!(err, segscope_engine::customers::ReadTransactionsError::Ingest(ref e) if matches!(e.kind, IngestErrorKind::UnterminatedQuote { .. }))
    );
}

#[test]
fn joining_streamed_aggregates_onto_customers_matches_the_table_path() {
    let customers = read_table("c.csv", b"customer_id,age\nC1,30\nC2,40\nC9,50\n", &ReadOptions::default(), &mut Quiet)
        .unwrap()
        .table;
    let keys = customer_keys(&customers, 0);
    let t = read_table("t.csv", TRICKY.as_bytes(), &ReadOptions::default(), &mut Quiet).unwrap().table;
    let m = choose_mapping(&t, None, None, &MappingOverrides::default()).unwrap();
    let (a, b) = (
        join(&Aggregates::from_table(&t, &m).unwrap_or_else(|e| panic!("{e}")), &keys),
        join(&streamed(TRICKY.as_bytes(), 3).aggregates, &keys),
    );
    assert_eq!(a.1, b.1);
    assert_eq!(a.0.iter().map(|c| &c.data).collect::<Vec<_>>(), b.0.iter().map(|c| &c.data).collect::<Vec<_>>());
}

/// Parts of `chunk_bytes`, worked last to first (as threads may finish them), handed back in order.
struct Shuffled {
    chunk_bytes: usize,
}

impl Workers for Shuffled {
    fn chunk_bytes(&self) -> usize {
        self.chunk_bytes
    }

    fn run<'a>(
        &'a mut self,
        next: &'a mut dyn FnMut() -> Option<RecordChunk>,
        reader: &'a PartReader,
        done: &'a mut dyn FnMut(PartTotals) -> bool,
    ) -> Pin<Box<dyn Future<Output = ()> + 'a>> {
        Box::pin(async move {
            // As the browser's workers do: the reader and every part's totals pass as bytes.
            let elsewhere = PartReader::from_bytes(&reader.to_bytes().unwrap()).unwrap();
            let chunks: Vec<RecordChunk> = std::iter::from_fn(next).collect();
            let mut totals: Vec<PartTotals> = chunks
                .into_iter()
                .rev()
                .map(|chunk| {
                    let sent = RecordChunk::from_parts(chunk.bytes().to_vec(), chunk.first_line(), chunk.end);
                    match elsewhere.add_up(&sent).to_bytes().unwrap() {
                        Some(bytes) => PartTotals::from_bytes(&bytes).unwrap(),
                        None => reader.add_up(&chunk), // a failed part: its error found again here
                    }
                })
                .collect();
            totals.reverse();
            for t in totals {
                if !done(t) {
                    return;
                }
            }
        })
    }
}

fn streamed_on(bytes: &[u8], sample: usize, chunk_bytes: usize) -> ReadTransactions {
    let choose = |t: &_| choose_mapping(t, None, None, &MappingOverrides::default());
    now(read_transactions_on(
        "t.csv",
        Cursor::new(bytes),
        bytes.len() as u64,
        &ReadOptions::default(),
        sample,
        choose,
        &mut Shuffled { chunk_bytes },
        &mut Quiet,
    ))
    .unwrap()
}

#[test]
fn parts_of_any_size_added_up_in_any_order_give_the_same_aggregates() {
    let expected = whole(TRICKY.as_bytes());
    let one = streamed(TRICKY.as_bytes(), 1);
    for chunk_bytes in [1, 5, 40, 100, 10_000] {
        for sample in [1, 2, 4] {
            let read = streamed_on(TRICKY.as_bytes(), sample, chunk_bytes);
            assert_eq!(summary(&read.aggregates), expected, "parts of {chunk_bytes} bytes, sample {sample}");
            assert_eq!(read.sample.diagnostics, one.sample.diagnostics, "parts of {chunk_bytes} bytes");
            assert_eq!(read.aggregates.unreadable(), one.aggregates.unreadable());
        }
    }
}

#[test]
fn a_stray_quote_in_a_later_part_names_its_line_whatever_the_part_size() {
    let csv = "customer_id,order_date,amount\nA,2024-01-01,1\nB,2024-01-02,2\nC,2024-01-03,\"3\nD,2024-01-04,4\n";
    for chunk_bytes in [1, 10, 1000] {
        let choose = |t: &_| choose_mapping(t, None, None, &MappingOverrides::default());
        let err = now(read_transactions_on(
            "t.csv",
            csv.as_bytes(),
            0,
            &ReadOptions::default(),
            1,
            choose,
            &mut Shuffled { chunk_bytes },
            &mut Quiet,
        ))
        .unwrap_err();
        assert!(err.to_string().contains("line 4"), "{err}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random transactions (keys, days, amounts with returns, order ids repeated within a
    /// customer, categories) give the same aggregates streamed with any sample size.
    #[test]
    fn random_files_stream_like_the_table(
        rows in prop::collection::vec((0u8..12, 0u16..400, -2000i32..20000, 0u8..6, 0u8..4), 1..120),
        sample in 1usize..130,
        chunk_bytes in 1usize..400,
    ) {
        let mut csv = String::from("customer_id,order_id,order_date,amount,category\n");
        for (k, d, a, o, c) in &rows {
            let day = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + chrono::Duration::days(i64::from(*d));
            csv.push_str(&format!("K{k},O{k}-{o},{day},{}.{:02},Cat{c}\n", a / 100, (a % 100).abs()));
        }
        // Negative amounts between -1 and 0 print as `0.-5`: keep the file well-formed.
        let csv = csv.replace(".-", ".");
        let expected = whole(csv.as_bytes());
        let (one, parts) = (streamed(csv.as_bytes(), sample), streamed_on(csv.as_bytes(), sample, chunk_bytes));
        prop_assert_eq!(summary(&one.aggregates), expected);
        // Not only the same totals: the same aggregates, field for field.
        prop_assert_eq!(format!("{:?}", one.aggregates), format!("{:?}", parts.aggregates));
    }
}

/// Amounts of 9 × 10^9 or more (which may or may not fit at the column's decimals, known only at the
/// end), on rows of every kind, with the column's most decimals on a row left out.
const NEAR_THE_LIMIT: &str = "customer_id,order_id,order_date,amount,category,margin\n\
    A,O1,2024-01-01,5,shoes,1\n\
    B,O2,2024-01-02,-6944656592455360609,bags,2\n\
    A,O3,2024-01-03,12000000000,bags,90000000000000000\n\
    C,O4,2024-01-04,92233720368547758,hats,3\n\
    ,O5,2024-01-05,1.25,hats,0.5\n\
    B,O6,2024-01-06,4.5,shoes,99999999999\n\
    D,O7,2024-01-07,-10000000000.5,shoes,1\n\
    E,O8,,20000000000,hats,1\n";

#[test]
fn amounts_near_the_limit_give_the_whole_columns_reading_in_parts_of_any_size() {
    let expected = whole(NEAR_THE_LIMIT.as_bytes());
    for line in [3, 5] {
        let example = format!("Example {{ line: {line}, found: \"an amount too large to add up exactly\" }}");
        assert!(expected.contains(&example), "{expected}");
    }
    for chunk_bytes in [1, 30, 10_000] {
        for sample in [1, 2, 3, 5, 9] {
            let read = streamed_on(NEAR_THE_LIMIT.as_bytes(), sample, chunk_bytes);
            assert_eq!(summary(&read.aggregates), expected, "parts of {chunk_bytes} bytes, sample {sample}");
            let a = read.aggregates.summary("A").unwrap();
            assert_eq!(a.revenue.to_text(), "12000000005.00");
            assert_eq!(a.margin.map(|m| m.to_text()), Some("90000000000000001.0".to_string()));
        }
    }
}
