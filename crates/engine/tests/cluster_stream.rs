//! A cluster model applied to a file in parts (`stream::apply_model`, what `segscope apply --model`
//! runs): the same bytes however the file is cut, the labels the fit gave its own customers, the
//! labels the app's clustering gave when its downloaded model is applied, and a file that does not
//! fit the model is a sentence naming the file and the column.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Cursor;

use segscope_engine::api::{
    ClusterParams, FeatureSpec, Missing, Request, Response, Scaling, SegmentationFiles, Session, Typed,
};
use segscope_engine::cluster::model::{fit_model, ClusterModel, ModelInput};
use segscope_engine::customers::InOrder;
use segscope_engine::definitions::read_cluster_model;
use segscope_engine::export::write_appended;
use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::Quiet;
use segscope_engine::sample::{sample_csv, SampleParams};
use segscope_engine::stream::{apply_model, customer_table, ApplySummary, ModelRun, StreamError, TransactionsInput};

fn sample(customers: u64) -> (Vec<u8>, Vec<u8>) {
    sample_csv(&SampleParams { customers: customers.into(), ..SampleParams::default() }.check().unwrap()).unwrap()
}

fn params(missing: Missing) -> ClusterParams {
    let f =
        |c: &str, log: bool| FeatureSpec { column: c.into(), log, scaling: Scaling::Zscore, weight: 1.0, score: None };
    ClusterParams {
        features: vec![
            f("age", false),
            f("income", true),
            f("app_sessions_90d", false),
            f("revenue", true),
            f("last_order_date", false),
            f("urbanicity", false),
        ],
        missing,
        n_init: Typed::Value(3),
        ..ClusterParams::default()
    }
}

/// `model` applied to the customers (with their transactions) read `part_records` at a time.
fn apply(
    model: &ClusterModel,
    customers: &[u8],
    transactions: Option<&[u8]>,
    part_records: usize,
) -> Result<(ApplySummary, Vec<u8>), StreamError> {
    let mut tx = transactions.map(Cursor::new);
    let options = ReadOptions::default();
    let mut workers = InOrder;
    let mut run = ModelRun {
        model,
        part_records,
        transactions: tx.as_mut().map(|input| TransactionsInput {
            name: "transactions.csv",
            input,
            options: &options,
            mapping: Default::default(),
            workers: &mut workers,
        }),
    };
    let mut out = Vec::new();
    let summary = apply_model("customers.csv", Cursor::new(customers), &options, &mut run, &mut out, &mut Quiet)?;
    Ok((summary, out))
}

#[test]
fn a_model_labels_a_file_in_parts_as_the_fit_labelled_its_customers() {
    let (customers, transactions) = sample(2_500);
    for missing in [Missing::Drop, Missing::Impute] {
        // The fit on the one customer table: the customers and their transactions' aggregates.
        let mut tx = Cursor::new(&transactions);
        let mut input = TransactionsInput {
            name: "transactions.csv",
            input: &mut tx,
            options: &ReadOptions::default(),
            mapping: Default::default(),
            workers: &mut InOrder,
        };
        let table =
            customer_table("customers.csv", &customers, &ReadOptions::default(), Some(&mut input), None, &mut Quiet)
                .unwrap();
        let names: Vec<String> = params(missing).features.iter().map(|f| f.column.clone()).collect();
        assert!(table.reads_aggregates(&names));
        assert!(!table.reads_aggregates(&names[..3]));
        let joined = table.transactions.as_ref().unwrap();
        assert_eq!(table.default_as_of(&names), joined.latest.map(|d| d + 1));
        assert_eq!(joined.report.customers_with_transactions + joined.report.customers_without_transactions, 2_500);
        let valid = params(missing).check_fit(&Typed::Text("4".into())).unwrap();
        let input = ModelInput { file: "customers.csv".into(), bytes: customers.len() as u64, rows: 2_500 };
        let fitted = fit_model(&table.columns(), &valid, table.default_as_of(&names), input, &mut Quiet).unwrap();
        let model = fitted.model;
        let mut labels = vec![String::new(); 2_500];
        for (&row, &label) in fitted.prepared.rows.iter().zip(&fitted.fit.labels) {
            labels[row] = model.clusters[label as usize].name.clone();
        }
        if missing == Missing::Drop {
            assert!(fitted.prepared.dropped > 0, "customers without transactions have no last order date");
        }
        let mut expected = Vec::new();
        let customers_table = &table.customers.table;
        let value = |r: usize, v: &mut Vec<String>| v.push(labels[r].clone());
        write_appended(customers_table, &["cluster".into()], value, true, &mut expected, &mut Quiet).unwrap();

        // The saved model, read back, applied a part at a time.
        let model = read_cluster_model("m.json", model.to_json().as_bytes()).unwrap();
        for part_records in [1, 7, 1000, 100_000] {
            let (summary, got) = apply(&model, &customers, Some(&transactions), part_records).unwrap();
            assert!(got == expected, "{missing:?}: parts of {part_records} records differ from the fit's labels");
            assert_eq!(summary.rows, 2_500);
            assert_eq!(summary.left_out, fitted.prepared.dropped as u64);
            let sizes: Vec<u64> = summary.segments.iter().map(|s| s.count).collect();
            assert_eq!(sizes, model.clusters.iter().map(|c| c.size).collect::<Vec<_>>());
            assert_eq!(summary.segments[0].name, model.clusters[0].name);
        }
    }
}

#[test]
fn the_apps_downloaded_model_labels_a_file_as_the_app_did() {
    let (customers, transactions) = sample(800);
    let mut s = Session::new();
    let request =
        Request::Ingest { name: "customers.csv".into(), bytes: customers.clone(), options: Default::default() };
    let Response::Dataset(d) = s.handle(request, &mut Quiet) else { panic!() };
    let attach = Request::AttachTransactions {
        dataset: d.id,
        name: "transactions.csv".into(),
        file: transactions.clone().into(),
        options: ReadOptions::default(),
        mapping: Default::default(),
    };
    assert!(matches!(s.handle(attach, &mut Quiet), Response::Attached(_)));
    let fit = Request::ClusterFit { dataset: d.id, params: params(Missing::Impute), k: Typed::Text("5".into()) };
    let Response::Clusters(view) = s.handle(fit, &mut Quiet) else { panic!() };
    let mut download = |files| {
        let request = Request::SegmentationFiles { dataset: d.id, segmentation: view.assignment, files };
        match s.handle(request, &mut Quiet) {
            Response::Files(files) => files,
            other => panic!("{other:?}"),
        }
    };
    let model_file = download(SegmentationFiles::Definition);
    let model = read_cluster_model(&model_file[0].name, &model_file[0].bytes).unwrap();
    assert!(model.transactions.is_some(), "a model on the transactions' aggregates keeps their mapping");
    let csv = download(SegmentationFiles::Csv);
    let app = &csv.iter().find(|f| f.name.ends_with(".csv")).unwrap().bytes;
    let (_, got) = apply(&model, &customers, Some(&transactions), 99).unwrap();
    // The same rows and cluster names; only the appended column's header may be named otherwise.
    let body = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap().split_once('\n').unwrap().1.to_string();
    assert_eq!(body(&got), body(app));
}

#[test]
fn a_file_that_does_not_fit_the_model_names_the_file_and_the_column() {
    let (customers, _) = sample(300);
    let f = |c: &str| FeatureSpec { column: c.into(), log: false, scaling: Scaling::Zscore, weight: 1.0, score: None };
    let params = ClusterParams { features: vec![f("age"), f("income")], ..ClusterParams::default() };
    let table = customer_table("customers.csv", &customers, &ReadOptions::default(), None, None, &mut Quiet).unwrap();
    let input = ModelInput { file: "customers.csv".into(), bytes: 0, rows: 300 };
    let valid = params.check_fit(&Typed::Value(3)).unwrap();
    let model = fit_model(&table.columns(), &valid, None, input, &mut Quiet).unwrap().model;

    let text = String::from_utf8(customers).unwrap();
    let without_income: String = text.lines().map(|l| l.replacen(",income,", ",salary,", 1) + "\n").collect();
    let e = apply(&model, without_income.as_bytes(), None, 50).unwrap_err().to_string();
    assert!(e.starts_with("customers.csv: the model clusters on `income`, but there is no column of that name here (the columns are: `customer_id`, `age`"), "{e}");
    assert!(e.ends_with("use a file with that column, or rename it to `income`."), "{e}");

    // Ages written as text in every part.
    let text_age: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 0 { format!("{l}\n") } else { l.replacen(',', ",age ", 1) + "\n" })
        .collect();
    let e = apply(&model, text_age.as_bytes(), None, 50).unwrap_err().to_string();
    assert!(e.starts_with("customers.csv: the model reads `age` as numbers, but here it was read as "), "{e}");
    assert!(e.ends_with("set its type (for example --type age=decimal) and try again."), "{e}");
}
