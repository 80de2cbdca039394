//! One sentence per mistake (DECISIONS 21): the same bad input given to the app's path (the
//! engine's `api::Session`, which the worker runs) and to the `segscope` binary gets the same
//! sentence. The command line may add `error: ` in front; the app's whole message must appear in
//! its output verbatim.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;
use std::process::Command;

use segscope_engine::api::{ClusterParams, DatasetId, FeatureSpec, Request, Response, Scaling, Session};
use segscope_engine::clv::ClvParams;
use segscope_engine::customers::TransactionMapping;
use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::Quiet;
use segscope_engine::rfm::{Method, RfmDefinition, RfmMap, RfmParams};
use segscope_engine::rules::Definition;
use segscope_engine::sample::{SampleParams, DEFAULT_SEED};
use segscope_engine::table::ColumnType;
use segscope_engine::typed::Typed;

const BAD_DATE: &str = "2024-13-45";

const CUSTOMERS: &str = "customer_id,name,signup\nA,Ann,2024-01-05\nB,Bob,2024-02-01\nC,Cy,2024-03-10\n";
const CUSTOMERS_WITHOUT_KEY: &str = "id,name\nA,Ann\nB,Bob\n";
const TRANSACTIONS: &str = "customer_id,order_date,amount\nA,2024-01-10,20.00\nA,2024-02-11,15.50\n\
                            B,2024-02-03,40.00\nC,2024-03-12,9.99\nC,2024-03-20,12.00\n";
const UNDATED: &str = "customer_id,order_date,amount\nA,,20.00\nB,,40.00\n";

/// Recent sign-ups: needs an as-of date.
const RECENT: &str = r#"{"format": "segscope.segments/1", "segments": [{"name": "Recent", "when": {"column": "signup", "op": "in_last", "n": 30, "unit": "days"}}]}"#;
/// Buyers: needs the transactions' aggregates.
const BUYERS: &str = r#"{"format": "segscope.segments/1", "segments": [{"name": "Buyers", "when": {"column": "orders", "op": "gt", "value": 0}}]}"#;

/// A folder with the files both paths read; the command line runs inside it, so both name the
/// files the same way.
struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("customers.csv", CUSTOMERS);
        write("customers_without_key.csv", CUSTOMERS_WITHOUT_KEY);
        write("transactions.csv", TRANSACTIONS);
        write("undated.csv", UNDATED);
        write("recent.json", RECENT);
        write("buyers.json", BUYERS);
        let mut bad_as_of: Definition = serde_json::from_str(RECENT).unwrap();
        bad_as_of.as_of = Some(BAD_DATE.into());
        write("recent_bad_as_of.json", &bad_as_of.to_json());
        Files(dir)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path().join(name), bytes).unwrap();
    }

    fn bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path().join(name)).unwrap()
    }

    /// Runs `segscope` in the folder; it must fail. Returns what it wrote to stderr.
    fn cli_error(&self, args: &[&str]) -> String {
        let o = Command::new(env!("CARGO_BIN_EXE_segscope")).current_dir(self.path()).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(!o.status.success(), "segscope {args:?} should fail; stderr: {err}");
        err
    }
}

/// The app's message for a request that must fail.
fn app_error(s: &mut Session, request: Request) -> String {
    match s.handle(request, &mut Quiet) {
        Response::Error { message } => message,
        other => panic!("the request should fail: {other:?}"),
    }
}

fn ingest(s: &mut Session, files: &Files, name: &str) -> DatasetId {
    let request = Request::Ingest { name: name.into(), bytes: files.bytes(name), options: ReadOptions::default() };
    match s.handle(request, &mut Quiet) {
        Response::Dataset(d) => d.id,
        other => panic!("{other:?}"),
    }
}

/// The request that attaches `transactions_file` to dataset `d` (the mapping named, the date read as a date).
fn attach(d: DatasetId, files: &Files, transactions_file: &str) -> Request {
    let mut options = ReadOptions::default();
    options.types.insert("order_date".into(), ColumnType::Date);
    let mapping = TransactionMapping {
        customer_id: "customer_id".into(),
        date: "order_date".into(),
        amount: "amount".into(),
        order_id: None,
        category: None,
        quantity: None,
        margin: None,
        customer_key: None,
    };
    Request::AttachTransactions {
        dataset: d,
        name: transactions_file.into(),
        file: files.bytes(transactions_file).into(),
        options,
        mapping: Some(mapping),
    }
}

/// The customers with `transactions_file` attached (the mapping named, the date read as a date).
fn with_transactions(s: &mut Session, files: &Files, transactions_file: &str) -> DatasetId {
    let d = ingest(s, files, "customers.csv");
    match s.handle(attach(d, files, transactions_file), &mut Quiet) {
        Response::Attached(_) => d,
        other => panic!("{other:?}"),
    }
}

/// The command line's output contains the app's message, word for word.
#[track_caller]
fn same(app: &str, cli: &str) {
    assert!(cli.contains(app), "the command line does not say what the app says.\n app: {app}\n cli: {cli}");
}

const TX: [&str; 8] = [
    "--transactions",
    "transactions.csv",
    "--customer-id",
    "customer_id",
    "--date",
    "order_date",
    "--amount",
    "amount",
];

fn args<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(tail).copied().collect()
}

#[test]
fn a_bad_as_of_date_reads_the_same_for_rules_rfm_and_the_cli() {
    let files = Files::new();
    let sentence =
        segscope_engine::dates::parse_date(segscope_engine::dates::DateField::AsOf, BAD_DATE).unwrap_err().to_string();
    let mut s = Session::new();

    // Rules: the as-of date typed in the rule builder is the definition's.
    let d = ingest(&mut s, &files, "customers.csv");
    let mut def: Definition = serde_json::from_str(RECENT).unwrap();
    def.as_of = Some(BAD_DATE.into());
    let view = match s.handle(Request::ApplyRules { dataset: d, definition: def }, &mut Quiet) {
        Response::Rules(v) => v,
        other => panic!("{other:?}"),
    };
    let problem = &view.problems.first().expect("a problem").message;
    assert!(problem.contains(&sentence), "{problem}");
    // … in a definition file given to `apply`: the same problem, word for word.
    let base = ["apply", "--input", "customers.csv", "--output", "out.csv", "--definition"];
    same(problem, &files.cli_error(&args(&base, &["recent_bad_as_of.json"])));
    // … and as `--as-of`: the same sentence.
    same(&sentence, &files.cli_error(&args(&base, &["recent.json", "--as-of", BAD_DATE])));

    // RFM.
    let d = with_transactions(&mut s, &files, "transactions.csv");
    let app = app_error(
        &mut s,
        Request::Rfm { dataset: d, params: RfmParams::default(), map: None, as_of: Some(BAD_DATE.into()) },
    );
    assert_eq!(app, sentence);
    same(&app, &files.cli_error(&args(&["rfm", "--output", "rfm.csv", "--as-of", BAD_DATE], &TX)));

    // A saved RFM segmentation applied with `--as-of`.
    let def = RfmDefinition {
        format: segscope_engine::rfm::FORMAT.into(),
        as_of: None,
        transactions: None,
        params: RfmParams::default(),
        map: RfmMap::default_for(5),
    };
    files.write("rfm.json", &serde_json::to_vec(&def).unwrap());
    let apply = ["apply", "--definition", "rfm.json", "--input", "customers.csv", "--output", "o.csv", "--as-of"];
    same(&app, &files.cli_error(&args(&apply, &[BAD_DATE, "--transactions", "transactions.csv"])));
}

#[test]
fn a_bad_calibration_end_reads_the_same() {
    let files = Files::new();
    let mut s = Session::new();
    let d = with_transactions(&mut s, &files, "transactions.csv");
    let params = ClvParams { calibration_end: Some(BAD_DATE.into()), ..ClvParams::default() };
    let app = app_error(&mut s, Request::Clv { dataset: d, params, by: None });
    assert!(app.starts_with("the calibration end `2024-13-45` is not a date; write it as YYYY-MM-DD"), "{app}");
    same(&app, &files.cli_error(&args(&["clv", "--output", "clv.csv", "--calibration-end", BAD_DATE], &TX)));
}

#[test]
fn a_missing_customer_key_column_reads_the_same() {
    let files = Files::new();
    let mut s = Session::new();
    let d = ingest(&mut s, &files, "customers_without_key.csv");
    let request = Request::AttachTransactions {
        dataset: d,
        name: "transactions.csv".into(),
        file: files.bytes("transactions.csv").into(),
        options: ReadOptions::default(),
        mapping: None,
    };
    // The app keeps the transactions and asks for the key, with the sentence the CLI fails with.
    let Response::Attached(attached) = s.handle(request, &mut Quiet) else { panic!("the transactions are kept") };
    let app = attached.unjoined.expect("not joined");
    assert!(
        app.contains("the customers file customers_without_key.csv has no column `customer_id` to join the transactions on; its columns are `id`, `name`."),
        "{app}"
    );
    let cli = files.cli_error(&[
        "apply",
        "--definition",
        "buyers.json",
        "--input",
        "customers_without_key.csv",
        "--transactions",
        "transactions.csv",
        "--output",
        "out.csv",
    ]);
    same(&app, &cli);
}

#[test]
fn a_definition_that_is_not_json_or_has_another_format_reads_the_same() {
    let files = Files::new();
    let mut s = Session::new();
    let cases: [(&str, &[u8]); 4] = [
        ("not-json.json", b"segment,rule\nVIP,spend > 100\n"),
        ("other-version.json", br#"{"format": "segscope.segments/9", "segments": []}"#),
        ("no-format.json", br#"{"segments": []}"#),
        (
            "bad-condition.json",
            br#"{"format": "segscope.segments/1", "segments": [{"name": "A", "when": {"colum": "x"}}]}"#,
        ),
    ];
    for (name, bytes) in cases {
        files.write(name, bytes);
        let app = app_error(&mut s, Request::OpenDefinition { name: name.into(), bytes: bytes.to_vec() });
        assert!(app.starts_with(&format!("{name}: ")), "the message names the file: {app}");
        same(&app, &files.cli_error(&["sql", "--definition", name, "--dialect", "duckdb", "--table", "customers"]));
        same(&app, &files.cli_error(&["apply", "--definition", name, "--input", "customers.csv", "--output", "o.csv"]));
    }
    // An RFM file opened as rule segments says what it is.
    files.write("rfm-as-rules.json", br#"{"format": "segscope.rfm/1"}"#);
    let app =
        app_error(&mut s, Request::OpenDefinition { name: "x.json".into(), bytes: files.bytes("rfm-as-rules.json") });
    assert!(app.contains("it holds a saved RFM segmentation"), "{app}");
    // The same mistakes in an RFM file.
    for (name, bytes) in [cases[0], ("rules-as-rfm.json", BUYERS.as_bytes())] {
        files.write(name, bytes);
        let app = app_error(&mut s, Request::OpenRfmDefinition { name: name.into(), bytes: bytes.to_vec() });
        same(&app, &files.cli_error(&args(&["rfm", "--output", "o.csv", "--definition", name], &TX)));
    }
}

#[test]
fn an_rfm_map_that_does_not_fit_its_bins_reads_the_same() {
    let files = Files::new();
    let mut s = Session::new();
    let def = RfmDefinition {
        format: segscope_engine::rfm::FORMAT.into(),
        as_of: None,
        transactions: None,
        params: RfmParams { bins: 4.into(), ..RfmParams::default() },
        map: RfmMap::default_for(5),
    };
    let bytes = serde_json::to_vec_pretty(&def).unwrap();
    files.write("rfm4.json", &bytes);
    let app = app_error(&mut s, Request::OpenRfmDefinition { name: "rfm4.json".into(), bytes });
    assert!(app.starts_with("rfm4.json: the RFM segment map: "), "{app}");
    same(&app, &files.cli_error(&args(&["rfm", "--output", "o.csv", "--definition", "rfm4.json"], &TX)));
    let apply = ["apply", "--definition", "rfm4.json", "--input", "customers.csv", "--output", "o.csv"];
    same(&app, &files.cli_error(&args(&apply, &["--transactions", "transactions.csv"])));
}

#[test]
fn a_date_column_without_values_reads_the_same_before_any_analysis() {
    let files = Files::new();
    let mut s = Session::new();
    let d = ingest(&mut s, &files, "customers.csv");
    // A date column with no value cannot be the date: the mapping says so, naming it, before any analysis.
    let app = app_error(&mut s, attach(d, &files, "undated.csv"));
    assert!(
        app.ends_with("`order_date` is empty: no row has a value; choose the column that holds the date."),
        "{app}"
    );
    let mut tx = TX;
    tx[1] = "undated.csv";
    same(&app, &files.cli_error(&args(&["clv", "--output", "clv.csv"], &tx)));
}

#[test]
fn out_of_range_numbers_read_the_same() {
    let files = Files::new();
    let mut s = Session::new();
    let d = with_transactions(&mut s, &files, "transactions.csv");
    let clv = |s: &mut Session, params: ClvParams| app_error(s, Request::Clv { dataset: d, params, by: None });
    let rfm =
        |s: &mut Session, params: RfmParams| app_error(s, Request::Rfm { dataset: d, params, map: None, as_of: None });

    let app = clv(&mut s, ClvParams { horizon_months: 0.into(), ..ClvParams::default() });
    assert_eq!(app, "CLV settings: the horizon in months must be a whole number from 1 to 120 (got `0`).");
    same(&app, &files.cli_error(&args(&["clv", "--output", "c.csv", "--horizon-months", "0"], &TX)));

    let app = clv(&mut s, ClvParams { discount_monthly: 1.5.into(), ..ClvParams::default() });
    same(&app, &files.cli_error(&args(&["clv", "--output", "c.csv", "--discount-monthly", "1.5"], &TX)));

    let app = clv(&mut s, ClvParams { margin: Some(30.0.into()), ..ClvParams::default() });
    same(&app, &files.cli_error(&args(&["clv", "--output", "c.csv", "--margin", "30"], &TX)));

    let app = rfm(&mut s, RfmParams { bins: 7.into(), ..RfmParams::default() });
    assert_eq!(app, "RFM settings: the number of bins must be a whole number from 3 to 5 (got `7`).");
    same(&app, &files.cli_error(&args(&["rfm", "--output", "r.csv", "--bins", "7"], &TX)));

    let method =
        Method::Thresholds { r: vec![90.0, 30.0].into(), f: vec![2.0, 3.0].into(), m: vec![50.0, 100.0].into() };
    let app = rfm(&mut s, RfmParams { bins: 3.into(), method, ..RfmParams::default() });
    let thresholds = ["--method", "thresholds", "--r-thresholds", "90,30", "--f-thresholds", "2,3", "--m-thresholds"];
    let cli = files.cli_error(&args(&["rfm", "--output", "r.csv", "--bins", "3"], &args(&thresholds, &["50,100"])));
    same(&app, &cli);

    let app = app_error(
        &mut s,
        Request::LoadSample { params: SampleParams { customers: 0.into(), ..SampleParams::default() } },
    );
    same(&app, &files.cli_error(&["sample", "--out", "sample", "--customers", "0"]));
}

/// What a person types in the app's fields (sent as text, [`Typed::Text`]) and on the command
/// line reads the same: the engine reads both, and its sentence says the allowed range.
#[test]
fn typed_mistakes_read_the_same() {
    let files = Files::new();
    let mut s = Session::new();
    let d = with_transactions(&mut s, &files, "transactions.csv");
    fn text<T>(t: &str) -> Typed<T> {
        Typed::Text(t.to_string())
    }
    let clv = |s: &mut Session, params: ClvParams| app_error(s, Request::Clv { dataset: d, params, by: None });
    let rfm =
        |s: &mut Session, params: RfmParams| app_error(s, Request::Rfm { dataset: d, params, map: None, as_of: None });

    // The CLV horizon: not a number, and out of range.
    for typed in ["abc", "0"] {
        let app = clv(&mut s, ClvParams { horizon_months: text(typed), ..ClvParams::default() });
        assert_eq!(
            app,
            format!("CLV settings: the horizon in months must be a whole number from 1 to 120 (got `{typed}`).")
        );
        same(&app, &files.cli_error(&args(&["clv", "--output", "c.csv", "--horizon-months", typed], &TX)));
    }

    // A discount typed as a percentage.
    let app = clv(&mut s, ClvParams { discount_monthly: text("150%"), ..ClvParams::default() });
    assert_eq!(
        app,
        "CLV settings: the monthly discount rate must be a number at least 0 and below 1, as a fraction or a percentage (0% to 100%) (got `150%`)."
    );
    same(&app, &files.cli_error(&args(&["clv", "--output", "c.csv", "--discount-monthly", "150%"], &TX)));

    // RFM bins typed.
    let app = rfm(&mut s, RfmParams { bins: text("7"), ..RfmParams::default() });
    assert_eq!(app, "RFM settings: the number of bins must be a whole number from 3 to 5 (got `7`).");
    same(&app, &files.cli_error(&args(&["rfm", "--output", "r.csv", "--bins", "7"], &TX)));

    // A threshold list with an item that is not a number.
    let method = Method::Thresholds { r: text("30,x,90"), f: text("2,3,5"), m: text("50,100,200") };
    let app = rfm(&mut s, RfmParams { bins: text("4"), method, ..RfmParams::default() });
    assert_eq!(
        app,
        "RFM settings: the recency thresholds must be numbers separated by commas such as 30, 90, 180 (got `x`)."
    );
    let thresholds =
        ["--method", "thresholds", "--r-thresholds", "30,x,90", "--f-thresholds", "2,3,5", "--m-thresholds"];
    let cli = files.cli_error(&args(&["rfm", "--output", "r.csv", "--bins", "4"], &args(&thresholds, &["50,100,200"])));
    same(&app, &cli);

    // The sample size (`?sample=0` in the app's address).
    let app =
        app_error(&mut s, Request::LoadSample { params: SampleParams { customers: text("0"), seed: DEFAULT_SEED } });
    assert_eq!(app, "the number of customers must be a whole number from 1 to 50,000,000 (got `0`).");
    same(&app, &files.cli_error(&["sample", "--out", "sample", "--customers", "0"]));
}

#[test]
fn a_typed_rule_number_out_of_range_or_not_a_number_reads_the_same_as_in_a_file() {
    let files = Files::new();
    let mut s = Session::new();
    let d = ingest(&mut s, &files, "customers.csv");
    // In the rule builder the N of “in the last N days” and a threshold arrive as typed; in a file, as numbers
    // (or text): the app's live count and `apply` say the same sentence.
    let cases = [
        (r#""n": "0""#, r#""n": 0"#, "N in “in the last N days” must be a whole number from 1 to 36,500 (got `0`)."),
        (r#""n": "99999""#, r#""n": 99999"#, "(got `99999`)."),
        (r#""n": "ten""#, r#""n": "ten""#, "(got `ten`)."),
    ];
    for (typed, in_file, says) in cases {
        let def = |n: &str| {
            format!(
                r#"{{"format": "segscope.segments/1", "as_of": "2024-04-01", "segments": [{{"name": "Recent", "when": {{"column": "signup", "op": "in_last", {n}, "unit": "days"}}}}]}}"#
            )
        };
        let definition: Definition = serde_json::from_str(&def(typed)).unwrap();
        let view = match s.handle(Request::ApplyRules { dataset: d, definition }, &mut Quiet) {
            Response::Rules(v) => v,
            other => panic!("{other:?}"),
        };
        let app = &view.problems.first().expect("a problem").message;
        assert!(app.ends_with(says), "{app}");
        files.write("typed.json", def(in_file).as_bytes());
        same(
            app,
            &files.cli_error(&[
                "apply",
                "--input",
                "customers.csv",
                "--output",
                "out.csv",
                "--definition",
                "typed.json",
            ]),
        );
    }
}

#[test]
fn a_date_or_amount_column_that_cannot_be_used_reads_the_same_and_names_that_column() {
    let files = Files::new();
    // Dates that are not dates (the app reads the column as text; the command line, asked for a
    // date, reads no value), and amounts that are not numbers.
    files
        .write("text_dates.csv", b"customer_id,order_date,amount\nA,the 15th of January,20.00\nB,end of March,40.00\n");
    files.write("text_amounts.csv", b"customer_id,order_date,amount\nA,2024-01-10,twenty\nB,2024-02-03,n.a.\n");
    for (file, column, values) in [
        ("text_dates.csv", "order_date", "`the 15th of January`, `end of March`"),
        ("text_amounts.csv", "amount", "`twenty`, `n.a.`"),
    ] {
        let mut s = Session::new();
        let d = ingest(&mut s, &files, "customers.csv");
        let mut request = attach(d, &files, file);
        if let Request::AttachTransactions { options, .. } = &mut request {
            *options = ReadOptions::default(); // as the app reads it: types inferred
        }
        let app = app_error(&mut s, request);
        assert!(app.contains(&format!("`{column}` is text, not a ")), "{app}");
        assert!(app.contains(&format!("its values look like {values}.")), "{app}");
        let other = if column == "amount" { "order_date" } else { "amount" };
        assert!(!app.contains(&format!("`{other}`")), "only `{column}` is named: {app}");
        let tx = ["--transactions", file, "--customer-id", "customer_id", "--date", "order_date", "--amount", "amount"];
        same(&app, &files.cli_error(&args(&["rfm", "--output", "rfm.csv"], &tx)));
    }
}

/// A clustering's settings typed in the Clusters workspace and given as `segscope cluster` flags
/// read the same: the engine's `ClusterParams` check reads both, and a feature that is not a
/// column lists the same columns (the customers' and the transactions' aggregates).
#[test]
fn cluster_setting_mistakes_read_the_same() {
    let files = Files::new();
    let mut s = Session::new();
    let d = with_transactions(&mut s, &files, "transactions.csv");
    let params = |features: &[&str]| ClusterParams {
        features: features
            .iter()
            .map(|c| FeatureSpec {
                column: c.to_string(),
                log: false,
                scaling: Scaling::Zscore,
                weight: 1.0,
                score: None,
            })
            .collect(),
        ..ClusterParams::default()
    };
    fn text<T>(t: &str) -> Typed<T> {
        Typed::Text(t.to_string())
    }
    let fit = ["cluster", "--input", "customers.csv", "--output", "o.csv"];
    let features = ["--features", "orders,revenue"];

    for k in ["1", "abc", "51", "4"] {
        let app =
            app_error(&mut s, Request::ClusterFit { dataset: d, params: params(&["orders", "revenue"]), k: text(k) });
        if k == "4" {
            assert!(app.contains('3'), "three customers cannot make four clusters: {app}");
        } else {
            assert_eq!(
                app,
                format!(
                    "Cluster settings: the number of clusters (k) must be a whole number from 2 to 50 (got `{k}`)."
                )
            );
        }
        same(&app, &files.cli_error(&args(&args(&fit, &TX), &args(&features, &["--k", k]))));
    }

    let app = app_error(
        &mut s,
        Request::ClusterFit {
            dataset: d,
            params: ClusterParams { n_init: text("0"), ..params(&["orders", "revenue"]) },
            k: text("2"),
        },
    );
    assert!(app.starts_with("Cluster settings: the number of restarts (n_init) must be"), "{app}");
    same(&app, &files.cli_error(&args(&args(&fit, &TX), &args(&features, &["--k", "2", "--n-init", "0"]))));

    let app = app_error(
        &mut s,
        Request::ClusterFit {
            dataset: d,
            params: ClusterParams { as_of: Some(BAD_DATE.into()), ..params(&["orders", "last_order_date"]) },
            k: text("2"),
        },
    );
    let cli = ["--features", "orders,last_order_date", "--k", "2", "--as-of", BAD_DATE];
    same(&app, &files.cli_error(&args(&args(&fit, &TX), &cli)));

    let app = app_error(&mut s, Request::ClusterFit { dataset: d, params: params(&["orders", "spend"]), k: text("2") });
    assert!(
        app.starts_with("there is no column named `spend`. The columns are: `customer_id`, `name`, `signup`, `orders`"),
        "{app}"
    );
    same(&app, &files.cli_error(&args(&args(&fit, &TX), &["--features", "orders,spend", "--k", "2"])));

    // A score of too many bins, and a score with ln(1 + x).
    let scored = |bins: u8, log: bool| {
        let mut p = params(&["orders", "revenue"]);
        p.features[1].score = Some(bins);
        p.features[1].log = log;
        p
    };
    let app = app_error(&mut s, Request::ClusterFit { dataset: d, params: scored(11, false), k: text("2") });
    assert!(app.starts_with("`revenue` is scored with 11 bins; choose from 2 to 10 bins"), "{app}");
    let cli = ["--score", "revenue", "--score-bins", "11", "--k", "2"];
    same(&app, &files.cli_error(&args(&args(&fit, &TX), &args(&features, &cli))));
    let app = app_error(&mut s, Request::ClusterFit { dataset: d, params: scored(5, true), k: text("2") });
    assert!(app.starts_with("`revenue` is both scored and set to ln(1 + x)"), "{app}");
    let cli = ["--score", "revenue", "--log", "revenue", "--k", "2"];
    same(&app, &files.cli_error(&args(&args(&fit, &TX), &args(&features, &cli))));

    let scan = ["cluster", "--input", "customers.csv", "--features", "orders,revenue", "--scan"];
    for (min, max) in [("6", "3"), ("2", "40")] {
        let request = Request::ClusterScan {
            dataset: d,
            params: params(&["orders", "revenue"]),
            min_k: text(min),
            max_k: text(max),
        };
        let app = app_error(&mut s, request);
        let range = format!("{min}..{max}");
        same(&app, &files.cli_error(&args(&args(&scan, &[range.as_str()]), &TX)));
    }
}
