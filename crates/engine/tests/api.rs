//! The app's boundary: requests in, responses out, as the browser uses it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::api::{DatasetId, Request, Response, RulesView, SegmentationFiles, Session};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::sql::Dialect;
use segscope_engine::rules::{Definition, Mode};
use segscope_engine::sample::SampleParams;

fn sample(s: &mut Session) -> DatasetId {
    match s.handle(
        Request::LoadSample { params: SampleParams { customers: 1_000.into(), ..SampleParams::default() } },
        &mut Quiet,
    ) {
        Response::Dataset(d) => d.id,
        other => panic!("{other:?}"),
    }
}

fn example() -> Definition {
    Definition::from_json(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/segments/sample-lifestyle.json"))
            .unwrap(),
    )
    .unwrap()
}

fn rules(s: &mut Session, dataset: DatasetId, definition: Definition) -> RulesView {
    match s.handle(Request::ApplyRules { dataset, definition }, &mut Quiet) {
        Response::Rules(v) => *v,
        other => panic!("{other:?}"),
    }
}

#[test]
fn live_counts_cover_every_customer_and_overlaps_are_symmetric() {
    let mut s = Session::new();
    let d = sample(&mut s);
    let v = rules(&mut s, d, example());
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!(v.counts.len(), 6, "five segments and the remainder");
    assert_eq!(v.counts.iter().map(|c| c.size.count).sum::<u64>(), 1_000);
    for i in 0..5 {
        for j in 0..5 {
            assert_eq!(v.overlap[i][j], v.overlap[j][i]);
        }
    }
    let mut overlapping = example();
    overlapping.mode = Mode::Overlapping;
    let o = rules(&mut s, d, overlapping);
    for i in 0..5 {
        assert_eq!(o.overlap[i][i], o.counts[i].size.count, "the diagonal is the segment's size");
    }
    // The overlapping result exports one flag column per segment.
    let Response::Files(files) =
        s.handle(Request::ExportCsv { dataset: d, assignment: o.assignment.unwrap() }, &mut Quiet)
    else {
        panic!()
    };
    let csv = String::from_utf8(files[1].bytes.clone()).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",New this half-year,Young urban,\"Families & \"\"affluent\"\" couples\",Engaged ✓ (2 of 3),\"Retired, not rural\""));
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.rsplitn(6, ',').take(5).collect();
        assert!(fields.iter().all(|f| *f == "true" || *f == "false"), "{line}");
    }
}

#[test]
fn problems_come_back_instead_of_counts() {
    let mut s = Session::new();
    let d = sample(&mut s);
    let mut def = example();
    def.segments[1].name = "New this half-year".into();
    let v = rules(&mut s, d, def);
    assert!(v.assignment.is_none());
    assert!(v.problems[0].message.contains("same name"), "{:?}", v.problems);
}

#[test]
fn saved_definitions_record_column_types_and_the_as_of_date() {
    let mut s = Session::new();
    let d = sample(&mut s);
    let mut def = example();
    def.as_of = None;
    def.columns.clear();
    let v = rules(&mut s, d, def.clone());
    assert!(v.as_of_is_default);
    let Response::Files(files) = s.handle(Request::SaveDefinition { dataset: d, definition: def }, &mut Quiet) else {
        panic!()
    };
    assert_eq!(files[0].name, "life-stage-and-engagement.segments.json");
    let Response::Definition(reopened) =
        s.handle(Request::OpenDefinition { name: files[0].name.clone(), bytes: files[0].bytes.clone() }, &mut Quiet)
    else {
        panic!()
    };
    assert_eq!(reopened.as_of, v.as_of);
    assert_eq!(reopened.columns.len(), 8);
    let Response::Error { message } =
        s.handle(Request::OpenDefinition { name: "x.json".into(), bytes: b"{\"format\": 1}".to_vec() }, &mut Quiet)
    else {
        panic!()
    };
    assert!(message.contains("x.json"), "{message}");
}

#[test]
fn a_definition_typed_in_the_builder_counts_and_downloads_with_numbers() {
    let mut s = Session::new();
    let d = sample(&mut s);
    let definition = |young: &str, n: &str, cuts: &str| {
        Definition::from_json(&format!(
            r#"{{"format": "segscope.segments/1", "as_of": "2026-01-01",
            "derived": [{{"kind": "bands", "name": "age_band", "from": "age", "cuts": {cuts}}}],
            "segments": [
                {{"name": "Young", "when": {{"column": "age", "op": "lt", "value": {young}}}}},
                {{"name": "Recent", "when": {{"column": "signup_date", "op": "in_last", "n": {n}, "unit": "days"}}}},
                {{"name": "Middle", "when": {{"column": "age_band", "op": "is", "value": "30 to under 50"}}}}]}}"#
        ))
        .unwrap()
    };
    let typed = definition(r#"" 30 ""#, r#""365""#, r#""30, 50""#);
    let numbers = definition("30", "365", "[30, 50]");
    let v = rules(&mut s, d, typed.clone());
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!(v.counts, rules(&mut s, d, numbers.clone()).counts, "typed text counts like the numbers it says");
    let v = rules(&mut s, d, typed.clone());
    let saved = |r: Response| match r {
        Response::Files(f) => String::from_utf8(f[0].bytes.clone()).unwrap(),
        other => panic!("{other:?}"),
    };
    let file = saved(s.handle(Request::SaveDefinition { dataset: d, definition: typed.clone() }, &mut Quiet));
    let json: serde_json::Value = serde_json::from_str(&file).unwrap();
    assert_eq!(json["segments"][0]["when"]["value"], serde_json::json!(30));
    assert_eq!(json["segments"][1]["when"]["n"], serde_json::json!(365));
    assert_eq!(json["derived"][0]["cuts"], serde_json::json!([30, 50]));
    let from_numbers = saved(s.handle(Request::SaveDefinition { dataset: d, definition: numbers }, &mut Quiet));
    assert_eq!(file, from_numbers, "the same file as the numbers make");
    // The stored segmentation's definition and SQL downloads hold the numbers too.
    let segmentation = v.assignment.unwrap();
    let files = SegmentationFiles::Definition;
    let stored = saved(s.handle(Request::SegmentationFiles { dataset: d, segmentation, files }, &mut Quiet));
    assert_eq!(stored, file);
    let files = SegmentationFiles::Sql { dialect: Dialect::Duckdb };
    let sql = saved(s.handle(Request::SegmentationFiles { dataset: d, segmentation, files }, &mut Quiet));
    assert!(sql.contains("< 30") && !sql.contains("' 30 '"), "{sql}");
    // Text that is not a number cannot be saved: the sentence says which value and why.
    let bad = definition(r#""abc""#, "365", "[30, 50]");
    let Response::Error { message } = s.handle(Request::SaveDefinition { dataset: d, definition: bad }, &mut Quiet)
    else {
        panic!()
    };
    assert!(
        message.ends_with("segment “Young”, condition when (`age` lt): the value `age` is compared with must be a number (got `abc`)."),
        "{message}"
    );
}

#[test]
fn every_field_the_rule_builder_offers_comes_with_its_operator_menu() {
    use segscope_engine::sample::sample_csv;
    let mut s = Session::new();
    let params = SampleParams { customers: 1_000.into(), ..SampleParams::default() };
    let Response::Dataset(data) = s.handle(Request::LoadSample { params: params.clone() }, &mut Quiet) else {
        panic!()
    };
    let first = |c: &segscope_engine::api::ColumnView| c.operators.first().map(|o| o.start.name());
    let column = |name: &str| data.columns.iter().find(|c| c.name == name).unwrap();
    assert_eq!(first(column("age")), Some("eq"));
    assert_eq!(first(column("signup_date")), Some("before"));
    assert_eq!(first(column("urbanicity")), Some("is"));
    assert_eq!(first(column("email_opt_in")), Some("is_true"));
    // The aggregates of attached transactions.
    let (_, transactions) = sample_csv(&params.check().unwrap()).unwrap();
    let request = Request::AttachTransactions {
        dataset: data.id,
        name: "transactions.csv".into(),
        file: transactions.into(),
        options: Default::default(),
        mapping: None,
    };
    let Response::Attached(a) = s.handle(request, &mut Quiet) else { panic!() };
    let aggregate = |name: &str| a.columns.iter().find(|c| c.name == name).unwrap();
    assert_eq!(first(aggregate("orders")), Some("eq"));
    assert_eq!(first(aggregate("last_order_date")), Some("before"));
    // Derived fields, also while the definition has a problem elsewhere; one that cannot be computed
    // yet (no column chosen) has its type's menu.
    let def = Definition::from_json(
        r#"{"format": "segscope.segments/1", "as_of": "2026-01-01", "derived": [
            {"kind": "bands", "name": "age_band", "from": "age", "cuts": [30, 50]},
            {"kind": "tenure", "name": "tenure", "from": "", "unit": "months"}],
          "segments": [{"name": "A", "when": {"column": "age", "op": "gt", "value": "abc"}}]}"#,
    )
    .unwrap();
    let v = rules(&mut s, data.id, def);
    assert!(!v.problems.is_empty());
    let names: Vec<&str> = v.derived_columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["age_band", "tenure"]);
    assert_eq!(
        serde_json::to_value(&v.derived_columns[0].operators[0].start).unwrap(),
        serde_json::json!({"op": "is", "value": "30 to under 50"}),
        "the most frequent band"
    );
    assert_eq!(v.derived_columns[1].operators[0].label, "=");
}

#[test]
fn sql_downloads_for_each_dialect() {
    let mut s = Session::new();
    let d = sample(&mut s);
    for dialect in Dialect::ALL {
        let Response::Files(f) = s.handle(
            Request::RulesSql {
                dataset: d,
                definition: example(),
                dialect,
                table: "crm.customers".into(),
                transactions_table: None,
            },
            &mut Quiet,
        ) else {
            panic!()
        };
        assert!(f[0].name.ends_with(&format!(".{}.sql", dialect.label())));
        assert!(String::from_utf8(f[0].bytes.clone()).unwrap().contains("END AS"));
    }
}

#[test]
fn column_values_come_with_counts() {
    let mut s = Session::new();
    let d = sample(&mut s);
    let Response::Values(v) = s.handle(Request::ColumnValues { dataset: d, column: "urbanicity".into() }, &mut Quiet)
    else {
        panic!()
    };
    assert_eq!(v.len(), 3);
    assert_eq!(v.iter().map(|x| x.count).sum::<u64>(), 1_000);
}

#[test]
fn attached_transactions_give_rules_the_customer_aggregates() {
    use segscope_engine::sample::sample_csv;
    let mut s = Session::new();
    let d = sample(&mut s);
    let (_, transactions) =
        sample_csv(&SampleParams { customers: 1_000.into(), ..SampleParams::default() }.check().unwrap()).unwrap();
    let Response::Attached(a) = s.handle(
        Request::AttachTransactions {
            dataset: d,
            name: "transactions.csv".into(),
            file: transactions.into(),
            options: Default::default(),
            mapping: Default::default(),
        },
        &mut Quiet,
    ) else {
        panic!()
    };
    assert_eq!(a.mapping.order_id.as_deref(), Some("order_id"));
    assert_eq!(a.report.unmatched_keys, 0);
    assert!(a.columns.iter().any(|c| c.name == "last_order_date"));
    let def = Definition::from_json(
        r#"{"format": "segscope.segments/1", "segments": [
            {"name": "Frequent", "when": {"column": "orders", "op": "ge", "value": 15}},
            {"name": "Lapsed", "when": {"none": [{"column": "last_order_date", "op": "in_last", "n": 365, "unit": "days"}]}}
        ]}"#,
    )
    .unwrap();
    let v = rules(&mut s, d, def.clone());
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!(v.as_of.as_deref(), Some("2026-01-01"), "the day after the latest transaction (2025-12-31)");
    assert!(v.counts[0].size.count > 0 && v.counts[1].size.count > 0);
    let Response::Files(f) = s.handle(Request::SaveDefinition { dataset: d, definition: def.clone() }, &mut Quiet)
    else {
        panic!()
    };
    let saved = Definition::from_json(std::str::from_utf8(&f[0].bytes).unwrap()).unwrap();
    assert_eq!(
        saved.transactions.as_ref().map(|m| m.amount.as_str()),
        Some("amount"),
        "the mapping is saved with the definition"
    );
    let Response::Files(f) = s.handle(
        Request::RulesSql {
            dataset: d,
            definition: def.clone(),
            dialect: Dialect::Bigquery,
            table: "crm.customers".into(),
            transactions_table: Some("crm.orders".into()),
        },
        &mut Quiet,
    ) else {
        panic!()
    };
    let sql = String::from_utf8(f[0].bytes.clone()).unwrap();
    assert!(sql.contains("FROM `crm`.`orders`") && sql.contains("LEFT JOIN segscope_orders"), "{sql}");
    // Transactions bring the lifecycle and products-bought templates.
    let Response::Templates(t) = s.handle(Request::SuggestTemplates { dataset: d }, &mut Quiet) else { panic!() };
    for wanted in ["Lifecycle", "Products bought"] {
        let found = t.iter().find(|x| x.label.starts_with(wanted)).unwrap_or_else(|| panic!("{wanted} missing"));
        let Response::Definition(def) =
            s.handle(Request::FromTemplate { dataset: d, template: found.template.clone() }, &mut Quiet)
        else {
            panic!()
        };
        let v = rules(&mut s, d, *def);
        assert!(v.problems.is_empty() && v.counts.iter().all(|c| c.size.count > 0), "{wanted}: {:?}", v);
    }
    // Without transactions, the same rules say what is missing.
    s.handle(Request::Detach { dataset: d }, &mut Quiet);
    let v = rules(&mut s, d, def);
    assert!(v.problems[0].message.contains("computed from a transactions file"), "{:?}", v.problems);
}

#[test]
fn rfm_in_the_session_matches_rfm_over_the_transactions_file() {
    use segscope_engine::rfm::{RfmMap, RfmParams};
    use segscope_engine::sample::sample_csv;
    use segscope_engine::stream::{rfm_from_transactions, PerCustomer, TransactionsInput};
    let mut s = Session::new();
    let d = sample(&mut s);
    let params = SampleParams { customers: 1_000.into(), ..SampleParams::default() };
    let Response::Attached(_) =
        s.handle(Request::AttachSampleTransactions { dataset: d, params: params.clone() }, &mut Quiet)
    else {
        panic!()
    };
    let Response::Rfm(v) =
        s.handle(Request::Rfm { dataset: d, params: RfmParams::default(), map: None, as_of: None }, &mut Quiet)
    else {
        panic!()
    };
    assert_eq!(v.grid.len(), 25);
    assert_eq!(v.as_of, "2026-01-01");
    assert!(v.as_of_is_default);
    assert_eq!(v.distributions[0].iter().sum::<u64>(), v.scored);
    assert_eq!(v.segments.last().unwrap().name, "No purchases");
    assert_eq!(v.segments.iter().map(|x| x.count).sum::<u64>(), 1_000);
    assert!(v.segments.iter().find(|x| x.name == "Champions").unwrap().count > 0, "the sample plants champions");
    // The per-customer CSV equals RFM over the transactions file, for every customer with transactions.
    let Response::Files(f) = s.handle(
        Request::RfmFiles {
            dataset: d,
            dialect: None,
            customers_table: String::new(),
            transactions_table: String::new(),
        },
        &mut Quiet,
    ) else {
        panic!()
    };
    let app = String::from_utf8(f[0].bytes.clone()).unwrap();
    let (_, transactions) = sample_csv(&params.check().unwrap()).unwrap();
    let mut input = std::io::Cursor::new(transactions);
    let options = segscope_engine::ingest::ReadOptions::default();
    let mut tx = TransactionsInput {
        name: "t.csv",
        input: &mut input,
        options: &options,
        mapping: Default::default(),
        workers: &mut segscope_engine::customers::InOrder,
    };
    let valid = RfmParams::default().check().unwrap();
    let PerCustomer { keys, result, .. } =
        rfm_from_transactions(&mut tx, &valid, &RfmMap::default_for(5), None, &mut Quiet).unwrap();
    let mut cli = Vec::new();
    segscope_engine::rfm::write_csv(&keys, &result, &mut cli, &mut Quiet).unwrap();
    let cli = String::from_utf8(cli).unwrap();
    let app_lines: std::collections::HashSet<&str> = app.lines().collect();
    assert!(cli.lines().all(|l| app_lines.contains(l)), "every line of the file-based RFM is in the app's");
    assert!(app.lines().filter(|l| !cli.contains(*l)).all(|l| l.ends_with(",0,0.00,,,,No purchases")));
    // The cell preview and the definition files.
    let Response::Preview(p) = s.handle(Request::RfmCell { dataset: d, r: 5, f: 5, limit: 10 }, &mut Quiet) else {
        panic!()
    };
    assert!(!p.rows.is_empty());
    let Response::Files(f) = s.handle(
        Request::RfmFiles {
            dataset: d,
            dialect: Some(Dialect::Duckdb),
            customers_table: "customers".into(),
            transactions_table: "transactions".into(),
        },
        &mut Quiet,
    ) else {
        panic!()
    };
    assert!(String::from_utf8(f[0].bytes.clone()).unwrap().contains("\"format\": \"segscope.rfm/1\""));
    assert!(String::from_utf8(f[1].bytes.clone()).unwrap().contains("LEFT JOIN segscope_segmented"));
}

#[test]
fn clv_on_the_sample_ranks_champions_above_hibernating_customers() {
    use segscope_engine::clv::ClvParams;
    use segscope_engine::rfm::RfmParams;
    let mut s = Session::new();
    let d = sample(&mut s);
    let params = SampleParams { customers: 1_000.into(), ..SampleParams::default() };
    s.handle(Request::AttachSampleTransactions { dataset: d, params }, &mut Quiet);
    s.handle(Request::Rfm { dataset: d, params: RfmParams::default(), map: None, as_of: None }, &mut Quiet);
    let clv = ClvParams { calibration_end: Some("2025-06-30".into()), ..ClvParams::default() };
    let Response::Clv(v) = s.handle(Request::Clv { dataset: d, params: clv, by: None }, &mut Quiet) else { panic!() };
    // The sample's lapsed buyers drop out, so BG/NBD's drop-out is identifiable: both fits converge
    // inside their bounds, without a warning.
    assert!(v.gamma_gamma.convergence.converged, "{:?}", v.gamma_gamma.convergence);
    assert!(v.bgnbd.convergence.converged, "{:?}", v.bgnbd.convergence);
    assert!(!v.warnings.iter().any(|w| w.contains("did not converge")), "{:?}", v.warnings);
    let mean = |name: &str| v.by_segment.iter().find(|x| x.segment == name).unwrap().mean_clv;
    assert!(
        mean("Champions") > 3.0 * mean("Hibernating"),
        "champions {} vs hibernating {}",
        mean("Champions"),
        mean("Hibernating")
    );
    assert!(!v.calibration.is_empty(), "a calibration end gives the holdout check");
    assert!(v.distribution.iter().map(|b| b.1).sum::<u64>() > 900, "every predicted customer is in a band");
    assert_eq!(v.top.len(), 20);
    assert!(v.top.windows(2).all(|w| w[0].clv >= w[1].clv));
    let Response::Files(f) = s.handle(Request::ClvFiles { dataset: d }, &mut Quiet) else { panic!() };
    assert_eq!(String::from_utf8(f[0].bytes.clone()).unwrap().lines().count(), 1_001);
    let Response::Error { message } = s.handle(
        Request::Clv { dataset: d, params: ClvParams { horizon_months: 0.into(), ..ClvParams::default() }, by: None },
        &mut Quiet,
    ) else {
        panic!()
    };
    assert_eq!(message, "CLV settings: the horizon in months must be a whole number from 1 to 120 (got `0`).");
}

#[test]
fn clv_without_a_calibration_end_fits_on_everything() {
    use segscope_engine::clv::ClvParams;
    let mut s = Session::new();
    let d = sample(&mut s);
    s.handle(
        Request::AttachSampleTransactions {
            dataset: d,
            params: SampleParams { customers: 1_000.into(), ..SampleParams::default() },
        },
        &mut Quiet,
    );
    let Response::Clv(v) = s.handle(Request::Clv { dataset: d, params: ClvParams::default(), by: None }, &mut Quiet)
    else {
        panic!()
    };
    assert!(v.calibration.is_empty(), "no holdout without a calibration end");
    assert_eq!(v.calibration_end, v.observation_end);
}

fn ingest(s: &mut Session, name: &str, bytes: &[u8]) -> DatasetId {
    match s
        .handle(Request::Ingest { name: name.into(), bytes: bytes.to_vec(), options: Default::default() }, &mut Quiet)
    {
        Response::Dataset(d) => d.id,
        other => panic!("{other:?}"),
    }
}

/// RFM with the default settings: the as-of date used and the per-customer CSV download.
fn rfm_csv(s: &mut Session, dataset: DatasetId) -> (String, String) {
    let Response::Rfm(rfm) =
        s.handle(Request::Rfm { dataset, params: Default::default(), map: None, as_of: None }, &mut Quiet)
    else {
        panic!()
    };
    let files =
        Request::RfmFiles { dataset, dialect: None, customers_table: "c".into(), transactions_table: "t".into() };
    let Response::Files(f) = s.handle(files, &mut Quiet) else { panic!() };
    (rfm.as_of, String::from_utf8(f[0].bytes.clone()).unwrap())
}

#[test]
fn a_transactions_file_alone_becomes_one_customer_per_key_with_its_transactions_attached() {
    let mut s = Session::new();
    let file = b"customer_id,order_date,amount\n00017,2025-01-02,10.50\n17,2025-01-03,4.00\n00017,2025-02-01,-2.00\n,2025-02-02,3.00\n";
    let t = ingest(&mut s, "orders.csv", file);
    let Response::Derived { dataset, attached } =
        s.handle(Request::CustomersFromTransactions { dataset: t }, &mut Quiet)
    else {
        panic!()
    };
    assert_eq!(dataset.rows, 2, "one row per key; `00017` and `17` are different customers");
    assert_eq!(attached.report.unmatched_keys, 0);
    assert_eq!(attached.mapping.customer_id, "customer_id");
    let (as_of, csv) = rfm_csv(&mut s, dataset.id);
    assert_eq!(as_of, "2025-02-03");
    assert!(csv.contains("\n00017,32,1,8.50,"), "a return is netted, not a purchase: {csv}");
    assert!(csv.contains("\n17,31,1,4.00,"), "{csv}");
}

/// A file the host holds, given out a few bytes per read, counting how often it is opened.
struct HostFile {
    bytes: Vec<u8>,
    opened: std::rc::Rc<std::cell::Cell<usize>>,
}

impl segscope_engine::api::FileSource for HostFile {
    fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn open(&self) -> std::io::Result<Box<dyn std::io::Read + '_>> {
        self.opened.set(self.opened.get() + 1);
        Ok(Box::new(Trickle(&self.bytes)))
    }
}

/// Gives out at most 7 bytes per read, so records cross every part edge.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(7).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn a_transactions_file_opened_alone_is_read_in_parts_and_again_on_a_new_mapping() {
    let file = b"customer_id,order_date,amount,channel\n00017,2025-01-02,10.50,web\n17,2025-01-03,4.00,\"shop,\nfront\"\n00017,2025-02-01,-2.00,web\n,2025-02-02,3.00,web\n";
    let mut by_table = Session::new();
    let t = ingest(&mut by_table, "orders.csv", file);
    let Response::Derived { dataset: expected, .. } =
        by_table.handle(Request::CustomersFromTransactions { dataset: t }, &mut Quiet)
    else {
        panic!()
    };
    let expected_rfm = rfm_csv(&mut by_table, expected.id);

    let mut s = Session::new();
    let opened = std::rc::Rc::new(std::cell::Cell::new(0));
    let host = HostFile { bytes: file.to_vec(), opened: opened.clone() };
    let request = Request::OpenTransactions {
        name: "orders.csv".into(),
        file: segscope_engine::api::InputFile::from_source(host),
        options: Default::default(),
    };
    let Response::Derived { dataset, attached } = s.handle(request, &mut Quiet) else { panic!() };
    assert_eq!((dataset.rows, dataset.name.as_str()), (2, "customers of orders.csv"));
    assert_eq!(attached.mapping.customer_id, "customer_id");
    assert_eq!(rfm_csv(&mut s, dataset.id), expected_rfm);
    // Read once into aggregates, and once more for the download manifest's SHA-256.
    assert_eq!(opened.get(), 2);
    let mut mapping = attached.mapping.clone();
    mapping.category = Some("channel".into());
    let r = s.handle(Request::Remap { dataset: dataset.id, mapping }, &mut Quiet);
    let Response::Attached(a) = r else { panic!("{r:?}") };
    assert_eq!(opened.get(), 3, "a new mapping reads the file again from the host");
    assert!(
        a.columns.iter().any(|c| c.name.contains("shop")),
        "{:?}",
        a.columns.iter().map(|c| &c.name).collect::<Vec<_>>()
    );
}

#[test]
fn a_file_without_dates_and_amounts_cannot_be_read_as_transactions() {
    let mut s = Session::new();
    let t = ingest(&mut s, "people.csv", b"customer_id,name\n1,Ann\n2,Bob\n");
    let Response::Error { message } = s.handle(Request::CustomersFromTransactions { dataset: t }, &mut Quiet) else {
        panic!()
    };
    assert!(message.contains("people.csv has no date and amount columns"), "{message}");
}

#[test]
fn transactions_whose_key_the_customers_lack_are_kept_until_the_user_names_the_key() {
    let mut s = Session::new();
    let Response::Dataset(d) = s.handle(
        Request::Ingest {
            name: "people.csv".into(),
            bytes: b"ref,name\nA,Ada\nB,Bo\n".to_vec(),
            options: Default::default(),
        },
        &mut Quiet,
    ) else {
        panic!()
    };
    let attach = Request::AttachTransactions {
        dataset: d.id,
        name: "orders.csv".into(),
        file: b"customer_id,order_date,amount\nA,2024-01-01,10\nA,2024-02-01,5\nB,2024-03-01,7\n".to_vec().into(),
        options: Default::default(),
        mapping: None,
    };
    let r = s.handle(attach, &mut Quiet);
    let Response::Attached(a) = r else { panic!("{r:?}") };
    let why = a.unjoined.clone().expect("not joined: the customers have no `customer_id`");
    assert!(why.contains("has no column `customer_id`") && why.contains("`ref`, `name`"), "{why}");
    assert_eq!(a.choices.customer_keys, ["ref", "name"]);
    assert_eq!(a.choices.dates, ["order_date"]);
    assert!(a.columns.is_empty());
    let mut mapping = a.mapping.clone();
    mapping.customer_key = Some("ref".into());
    let Response::Attached(a) = s.handle(Request::Remap { dataset: d.id, mapping }, &mut Quiet) else { panic!() };
    assert_eq!(a.unjoined, None);
    assert_eq!(a.report.unmatched_keys, 0);
    assert!(a.columns.iter().any(|c| c.name == "orders"));
}

const SHOPIFY: &[u8] = include_bytes!("data/shopify_orders.csv");

#[test]
fn a_shopify_orders_export_opened_alone_gives_each_customer_their_orders() {
    let mut s = Session::new();
    let request =
        Request::Ingest { name: "orders_export.csv".into(), bytes: SHOPIFY.to_vec(), options: Default::default() };
    let Response::Dataset(view) = s.handle(request, &mut Quiet) else { panic!() };
    let t = view.id;
    let created = view.columns.iter().find(|c| c.name == "Created at").unwrap();
    assert_eq!(created.column_type, segscope_engine::table::ColumnType::Datetime);
    assert_eq!(created.format_notes, ["UTC offsets ignored: dates and times as written"]);
    let Response::Derived { dataset, attached } =
        s.handle(Request::CustomersFromTransactions { dataset: t }, &mut Quiet)
    else {
        panic!()
    };
    // Guessed from Shopify's names: the e-mail is the customer, `Created at` the date, `Total` the amount.
    let m = &attached.mapping;
    assert_eq!((m.customer_id.as_str(), m.date.as_str(), m.amount.as_str()), ("Email", "Created at", "Total"));
    let mapping = segscope_engine::customers::TransactionMapping { order_id: Some("Name".into()), ..m.clone() };
    assert!(matches!(s.handle(Request::Remap { dataset: dataset.id, mapping }, &mut Quiet), Response::Attached(_)));
    let (as_of, csv) = rfm_csv(&mut s, dataset.id);
    // The last order is 2024-03-30 21:45 -0400 (01:45 on the 31st in UTC): the day written counts.
    assert_eq!(as_of, "2024-03-31");
    // By hand (see the CLI test): ann 3 orders 131.75, bob 1 / 30.00, cara 2 / 144.99, dan 1 / 12.00.
    for row in [
        "ann@example.com,3,3,131.75,",
        "bob@example.com,71,1,30.00,",
        "cara@example.com,1,2,144.99,",
        "dan@example.com,50,1,12.00,",
    ] {
        assert!(csv.contains(&format!("\n{row}")), "{row} in {csv}");
    }
}

#[test]
fn a_mapped_date_column_of_text_is_named_with_two_of_its_values_not_the_amount() {
    let mut s = Session::new();
    let c = ingest(&mut s, "customers.csv", b"Email,name\nann@example.com,Ann\nbob@example.com,Bob\n");
    let orders = b"Name,Email,Created at,Total\n#1001,ann@example.com,the 15th of January,52.50\n#1002,bob@example.com,end of January,30.00\n#1003,ann@example.com,the 15th of January,8.00\n";
    let mapping = segscope_engine::customers::TransactionMapping {
        customer_id: "Email".into(),
        date: "Created at".into(),
        amount: "Total".into(),
        order_id: Some("Name".into()),
        category: None,
        quantity: None,
        margin: None,
        customer_key: None,
    };
    let attach = Request::AttachTransactions {
        dataset: c,
        name: "orders.csv".into(),
        file: orders.to_vec().into(),
        options: Default::default(),
        mapping: Some(mapping),
    };
    let Response::Error { message } = s.handle(attach, &mut Quiet) else { panic!("the dates cannot be read") };
    assert!(
        message.contains("`Created at` is text, not a date: its values look like `the 15th of January`, `end of January`. Choose the column that holds the date, or write its dates in a form Segscope reads: 2024-01-15,"),
        "{message}"
    );
    assert!(!message.contains("`Total`") && !message.contains("amount"), "the amount is not blamed: {message}");
}
