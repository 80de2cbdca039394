//! Applying a definition to a file in parts gives the same bytes as applying it in memory.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Cursor;

use segscope_engine::export::write_annotated_csv;
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::{check, default_as_of, evaluate, schema_of, Definition};
use segscope_engine::sample::{sample_csv, SampleParams};
use segscope_engine::stream::{apply_rules, RulesRun};

/// Applies `def` to CSV bytes read `part_records` records at a time: the summary and the output.
fn apply_csv(
    csv: &[u8],
    def: &Definition,
    part_records: usize,
) -> Result<(segscope_engine::stream::ApplySummary, Vec<u8>), segscope_engine::stream::StreamError> {
    let mut out = Vec::new();
    let mut run = RulesRun { definition: def, as_of: None, part_records, transactions: None };
    let summary = apply_rules("t.csv", Cursor::new(csv), &ReadOptions::default(), &mut run, &mut out, &mut Quiet)?;
    Ok((summary, out))
}

fn example() -> Definition {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/segments/sample-lifestyle.json"))
            .unwrap();
    Definition::from_json(&text).unwrap()
}

#[test]
fn parts_give_the_same_bytes_as_one_table() {
    let (customers, _) =
        sample_csv(&SampleParams { customers: 2_500.into(), ..SampleParams::default() }.check().unwrap()).unwrap();
    let def = example();
    let table = read_table("customers.csv", &customers, &ReadOptions::default(), &mut Quiet).unwrap().table;
    let valid = check(&def, &schema_of(&table), None).unwrap();
    let mut expected = Vec::new();
    let assignment = evaluate(&valid, &table, &mut Quiet).unwrap().assignment;
    write_annotated_csv(&table, &assignment, "segment", &mut expected, &mut Quiet).unwrap();
    for part_records in [1, 7, 1000, 100_000] {
        let mut got = Vec::new();
        let summary = apply_rules(
            "customers.csv",
            Cursor::new(&customers),
            &ReadOptions::default(),
            &mut RulesRun { definition: &def, as_of: None, part_records, transactions: None },
            &mut got,
            &mut Quiet,
        )
        .unwrap();
        assert_eq!(summary.rows, 2_500);
        assert!(got == expected, "parts of {part_records} records differ");
        assert_eq!(summary.segments.iter().map(|s| s.count).sum::<u64>(), 2_500);
    }
}

#[test]
fn default_as_of_spans_every_part() {
    let csv = b"id,joined\n1,2024-01-01\n2,2024-03-10\n3,2024-02-01\n4,\n";
    let mut def = Definition::from_json(&format!(
        r#"{{"format": "{}", "segments": [{{"name": "recent", "when": {{"column": "joined", "op": "in_last", "n": 40, "unit": "days"}}}}]}}"#,
        segscope_engine::rules::FORMAT
    ))
    .unwrap();
    let table = read_table("t.csv", csv, &ReadOptions::default(), &mut Quiet).unwrap().table;
    let expected_day = default_as_of(&def, &table).unwrap();
    let (s, out) = apply_csv(csv, &def, 1).unwrap();
    assert_eq!(s.as_of, Some(expected_day), "the day after 2024-03-10, found in the second part");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "id,joined,segment\n1,2024-01-01,Everyone else\n2,2024-03-10,recent\n3,2024-02-01,recent\n4,,Everyone else\n"
    );
    def.as_of = Some("2024-02-15".into());
    let (s, _) = apply_csv(csv, &def, 2).unwrap();
    assert_eq!(s.segments[0].count, 1, "only 2024-02-01 lies in 2024-01-06 ..< 2024-02-15");
}

#[test]
fn errors_in_later_parts_name_lines_of_the_whole_file() {
    let csv = b"id,comment\n1,a\n2,b\n3,c\n4,\"never closed\n5,x\n";
    let def = Definition::from_json(&format!(r#"{{"format": "{}", "segments": []}}"#, segscope_engine::rules::FORMAT))
        .unwrap();
    let err = apply_csv(csv, &def, 2).unwrap_err();
    assert!(err.to_string().contains("t.csv: line 5, column 2 (`comment`)"), "{err}");
}

#[test]
fn transactions_in_parts_give_the_same_segments_as_in_memory() {
    use segscope_engine::api::{Request, Response, Session};
    use segscope_engine::stream::TransactionsInput;
    let (customers, transactions) =
        sample_csv(&SampleParams { customers: 400.into(), ..SampleParams::default() }.check().unwrap()).unwrap();
    let def = Definition::from_json(
        r#"{"format": "segscope.segments/1", "segments": [
            {"name": "Champions", "when": {"all": [{"column": "orders", "op": "ge", "value": 12}, {"column": "last_order_date", "op": "in_last", "n": 60, "unit": "days"}]}},
            {"name": "Toys", "when": {"column": "categories_bought", "op": "contains", "value": "Toys"}},
            {"name": "Lapsed", "when": {"none": [{"column": "last_order_date", "op": "in_last", "n": 365, "unit": "days"}]}}
        ]}"#,
    )
    .unwrap();
    // In memory, as the app does it.
    let mut s = Session::new();
    let Response::Dataset(d) = s.handle(
        Request::Ingest { name: "customers.csv".into(), bytes: customers.clone(), options: ReadOptions::default() },
        &mut Quiet,
    ) else {
        panic!()
    };
    s.handle(
        Request::AttachTransactions {
            dataset: d.id,
            name: "transactions.csv".into(),
            file: transactions.clone().into(),
            options: ReadOptions::default(),
            mapping: Default::default(),
        },
        &mut Quiet,
    );
    let Response::Rules(v) = s.handle(Request::ApplyRules { dataset: d.id, definition: def.clone() }, &mut Quiet)
    else {
        panic!()
    };
    let Response::Files(files) =
        s.handle(Request::ExportCsv { dataset: d.id, assignment: v.assignment.unwrap() }, &mut Quiet)
    else {
        panic!()
    };
    let expected = &files[1].bytes;
    // In parts, as `segscope apply --transactions` does it.
    for part_records in [7, 100_000] {
        let mut tx = Cursor::new(&transactions);
        let mut got = Vec::new();
        let options = ReadOptions::default();
        let mut run = RulesRun {
            definition: &def,
            as_of: None,
            part_records,
            transactions: Some(TransactionsInput {
                name: "transactions.csv",
                input: &mut tx,
                options: &options,
                mapping: Default::default(),
                workers: &mut segscope_engine::customers::InOrder,
            }),
        };
        let summary = apply_rules(
            "customers.csv",
            Cursor::new(&customers),
            &ReadOptions::default(),
            &mut run,
            &mut got,
            &mut Quiet,
        )
        .unwrap();
        assert!(got == *expected, "parts of {part_records} differ from the in-memory result");
        assert_eq!(summary.as_of.map(|d| segscope_engine::ingest::values::date_from_days(d).to_string()), v.as_of);
        let report = summary.transactions.unwrap();
        assert_eq!(report.customers_with_transactions + report.customers_without_transactions, 400);
        assert_eq!(summary.mapping.unwrap().order_id.as_deref(), Some("order_id"));
    }
}
