//! The `segscope` binary, run as a user runs it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn segscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_segscope")).args(args).output().unwrap()
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/data").join(name).display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn inspect_json_reports_rows_types_and_detection() {
    let o = segscope(&["inspect", &data("semicolon_decimal_comma.csv"), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["rows"], 3);
    assert_eq!(v["delimiter"], ";");
    assert_eq!(v["encoding"], "utf-8");
    let types: Vec<&str> = v["columns"].as_array().unwrap().iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["integer", "text", "decimal", "date"]);
    assert_eq!(v["columns"][2]["format"], "decimal comma");
}

#[test]
fn inspect_for_people_lists_columns_and_warnings() {
    let o = segscope(&["inspect", &data("latin1.csv")]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("3 rows × 3 columns") && out.contains("windows-1252"), "{out}");
    assert!(out.contains("warning: The file is not valid UTF-8"), "{out}");
}

#[test]
fn read_options_are_shared_flags() {
    let o =
        segscope(&["inspect", &data("dates.csv"), "--json", "--date-order", "mdy", "--type", "id=text", "--na", "x"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["columns"][0]["type"], "text");
    assert_eq!(v["columns"][0]["type_chosen"], true);
    let o = segscope(&["inspect", &data("no_header.csv"), "--json", "--no-header"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["columns"][0]["name"], "column_1");
}

#[test]
fn bad_files_and_flags_fail_with_a_message_and_exit_code() {
    let o = segscope(&["inspect", &data("unterminated_quote.csv")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unterminated_quote.csv: line 3, column 2 (`comment`)"), "{}", stderr(&o));
    let o = segscope(&["inspect", "does-not-exist.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("does-not-exist.csv"));
    let o = segscope(&["inspect", &data("tab.tsv"), "--type", "score=money"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`money` is not a type"), "{}", stderr(&o));
    let o = segscope(&["inspect", &data("tab.tsv"), "--delimiter", "::"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn convert_writes_original_text_as_json_objects() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let o = segscope(&["convert", &data("rfc4180.csv"), out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"customer_id": "00017", "name": "Smith, Jane", "note": "said \"hi\"", "amount": "12.50"},
            {"customer_id": "00018", "name": "Bob", "note": "two\r\nlines", "amount": "3"},
            {"customer_id": "00019", "name": "Ann", "note": "", "amount": "0.25"}
        ])
    );
}

fn sample_into(dir: &Path, customers: &str, seed: &str) -> (Vec<u8>, Vec<u8>) {
    let o = segscope(&["sample", "--out", dir.to_str().unwrap(), "--customers", customers, "--seed", seed]);
    assert!(o.status.success(), "{}", stderr(&o));
    (std::fs::read(dir.join("customers.csv")).unwrap(), std::fs::read(dir.join("transactions.csv")).unwrap())
}

#[test]
fn sample_is_deterministic_and_inspectable() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = sample_into(a.path(), "200", "7");
    assert_eq!(first, sample_into(b.path(), "200", "7"));
    let customers: PathBuf = a.path().join("customers.csv");
    let o = segscope(&["inspect", customers.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["rows"], 200);
    let o = segscope(&["sample", "--out", a.path().to_str().unwrap(), "--customers", "0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("customers"), "{}", stderr(&o));
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/segments/sample-lifestyle.json").display().to_string()
}

#[test]
fn apply_appends_segments_and_summarises() {
    let dir = tempfile::tempdir().unwrap();
    let (customers, _) = sample_into(dir.path(), "300", "1");
    let input = dir.path().join("customers.csv");
    let output = dir.path().join("out.csv");
    let o = segscope(&[
        "apply",
        "--definition",
        &example(),
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
        "--summary",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Young urban") && out.lines().any(|l| l.starts_with("total") && l.ends_with(" 300")), "{out}");
    let written = std::fs::read(&output).unwrap();
    let lines: Vec<&[u8]> = written.split(|&b| b == b'\n').collect();
    let original: Vec<&[u8]> = customers.split(|&b| b == b'\n').collect();
    assert_eq!(lines.len(), original.len());
    for (a, b) in lines.iter().zip(&original).filter(|(a, _)| !a.is_empty()) {
        assert!(a.starts_with(b) && a.get(b.len()) == Some(&b','), "every row passes through with a segment appended");
    }
}

#[test]
fn apply_reports_every_mismatch_with_another_file() {
    let dir = tempfile::tempdir().unwrap();
    sample_into(dir.path(), "50", "1");
    let input = dir.path().join("transactions.csv");
    let o = segscope(&[
        "apply",
        "--definition",
        &example(),
        "--input",
        input.to_str().unwrap(),
        "--output",
        dir.path().join("x.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("(11 problems)") && err.contains("there is no column `urbanicity`"), "{err}");
}

#[test]
fn sql_prints_each_dialect_and_rejects_unknown_ones() {
    for (dialect, quote) in [("duckdb", "\"age\""), ("postgres", "\"age\""), ("bigquery", "`age`"), ("spark", "`age`")]
    {
        let o = segscope(&["sql", "--definition", &example(), "--dialect", dialect, "--table", "crm.customers"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let sql = stdout(&o);
        assert!(sql.contains(quote) && sql.contains("END AS") && sql.contains("FROM"), "{sql}");
    }
    let o = segscope(&["sql", "--definition", &example(), "--dialect", "oracle", "--table", "t"]);
    assert_eq!(o.status.code(), Some(2));
}

fn value_example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/segments/sample-value.json").display().to_string()
}

#[test]
fn apply_with_transactions_uses_customer_aggregates() {
    let dir = tempfile::tempdir().unwrap();
    sample_into(dir.path(), "400", "1");
    let (c, t) = (dir.path().join("customers.csv"), dir.path().join("transactions.csv"));
    let out = dir.path().join("out.csv");
    let o = segscope(&[
        "apply",
        "--definition",
        &value_example(),
        "--input",
        c.to_str().unwrap(),
        "--transactions",
        t.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--summary",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Champions") && text.contains("Never bought"), "{text}");
    assert!(stderr(&o).contains("transactions: "), "{}", stderr(&o));
    // Without the transactions file, the definition says it needs one.
    let o = segscope(&[
        "apply",
        "--definition",
        &value_example(),
        "--input",
        c.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--transactions FILE"), "{}", stderr(&o));
    // Mapping flags override the stored mapping, and say so.
    let o = segscope(&[
        "apply",
        "--definition",
        &value_example(),
        "--input",
        c.to_str().unwrap(),
        "--transactions",
        t.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--category",
        "order_id",
    ]);
    assert!(stderr(&o).contains("replaces the definition's category: `category` → `order_id`"), "{}", stderr(&o));
}

#[test]
fn sql_with_transactions_names_both_tables() {
    let o = segscope(&[
        "sql",
        "--definition",
        &value_example(),
        "--dialect",
        "spark",
        "--table",
        "crm.customers",
        "--transactions-table",
        "crm.orders",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sql = stdout(&o);
    assert!(
        sql.contains("FROM `crm`.`orders`")
            && sql.contains("FROM `crm`.`customers` AS c")
            && sql.contains("collect_set"),
        "{sql}"
    );
}

#[test]
fn rfm_writes_one_row_per_customer_like_the_pandas_reference() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rfm.csv");
    let cdnow = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/data/cdnow");
    let input = cdnow.join("cdnow_sample.csv");
    let o = segscope(&[
        "rfm",
        "--transactions",
        input.to_str().unwrap(),
        "--customer-id",
        "customer_id",
        "--date",
        "order_date",
        "--amount",
        "amount",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(cdnow.join("rfm_expected_rank.csv")).unwrap()
    );
    assert!(stderr(&o).contains("as of 1998-07-01"), "{}", stderr(&o));
    let o = segscope(&[
        "rfm",
        "--transactions",
        input.to_str().unwrap(),
        "--method",
        "thresholds",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--r-thresholds"), "{}", stderr(&o));
    let o = segscope(&[
        "rfm",
        "--transactions",
        input.to_str().unwrap(),
        "--bins",
        "4",
        "--method",
        "thresholds",
        "--r-thresholds",
        "30,90,365",
        "--f-thresholds",
        "2,3,5",
        "--m-thresholds",
        "20,50,100",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.lines().skip(1).all(
        |l| l.ends_with(",No purchases") || l.split(',').nth(4).is_some_and(|s| ["1", "2", "3", "4"].contains(&s))
    ));
}

#[test]
fn clv_fits_prints_and_writes_customers_and_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clv.csv");
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/data/cdnow/cdnow_sample.csv");
    let o = segscope(&[
        "clv",
        "--transactions",
        input.to_str().unwrap(),
        "--calibration-end",
        "1997-09-30",
        "--horizon-months",
        "12",
        "--discount-monthly",
        "1%",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("BG/NBD: r = 0.24") && stdout(&o).contains("the simplex converged"), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 2358);
    let params: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("clv.params.json")).unwrap()).unwrap();
    assert!((params["bgnbd"]["params"]["a"].as_f64().unwrap() - 0.7929).abs() < 0.01);
    assert_eq!(params["calibration"][0]["x"], 0);
    // The settings as checked: plain numbers, the percentage as a fraction.
    assert_eq!(params["settings"]["horizon_months"], 12);
    assert_eq!(params["settings"]["discount_monthly"], 0.01);
    assert_eq!(params["settings"]["calibration_end"], "1997-09-30");
    let o = segscope(&[
        "clv",
        "--transactions",
        input.to_str().unwrap(),
        "--discount-monthly",
        "2",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("monthly discount rate must be a number at least 0 and below 1"), "{}", stderr(&o));
}

/// `segscope rfm` on `transactions` with the customer id, date and amount columns named, more
/// flags, and the output file.
fn rfm(transactions: &str, [customer, date, amount]: [&str; 3], more: &[&str], out: &Path) -> Output {
    let mut args = vec!["rfm", "--transactions", transactions, "--customer-id", customer, "--date", date];
    args.extend(["--amount", amount, "--output", out.to_str().unwrap()]);
    args.extend(more);
    segscope(&args)
}

#[test]
fn the_named_date_column_is_read_as_a_date_whatever_its_format() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("t.csv"), dir.path().join("rfm.csv"));
    // Day-first dates that inference alone would also read; and compact dates.
    std::fs::write(&input, "cust,day,amt\nA,03/01/2024,10\nA,15/01/2024,5\nB,20240102,7\n").unwrap();
    let o = rfm(input.to_str().unwrap(), ["cust", "day", "amt"], &["--bins", "3"], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("as of 2024-01-16"), "{}", stderr(&o));
}

#[test]
fn a_saved_rfm_segmentation_applies_to_customers_and_drives_segscope_rfm() {
    use segscope_engine::rfm::{RfmDefinition, RfmMap, RfmParams, FORMAT};
    let dir = tempfile::tempdir().unwrap();
    sample_into(dir.path(), "300", "1");
    let (c, t) = (dir.path().join("customers.csv"), dir.path().join("transactions.csv"));
    let mut map = RfmMap::default_for(4);
    map.segments[0].name = "Top".into();
    let def = RfmDefinition {
        format: FORMAT.into(),
        as_of: Some("2026-01-01".into()),
        transactions: None,
        params: RfmParams { bins: 4.into(), ..RfmParams::default() },
        map,
    };
    let def_path = dir.path().join("rfm.json");
    std::fs::write(&def_path, serde_json::to_string_pretty(&def).unwrap()).unwrap();
    let out = dir.path().join("out.csv");
    let o = segscope(&[
        "apply",
        "--definition",
        def_path.to_str().unwrap(),
        "--input",
        c.to_str().unwrap(),
        "--transactions",
        t.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--summary",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Top"), "{}", stdout(&o));
    let applied = std::fs::read_to_string(&out).unwrap();
    assert!(applied.lines().next().unwrap().ends_with(",rfm_segment"));
    // The same definition through `segscope rfm`: the same segment for every customer with transactions.
    let rfm = dir.path().join("rfm.csv");
    let o = segscope(&[
        "rfm",
        "--transactions",
        t.to_str().unwrap(),
        "--definition",
        def_path.to_str().unwrap(),
        "--output",
        rfm.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let by_key: std::collections::HashMap<String, String> = applied
        .lines()
        .skip(1)
        .map(|l| (l.split(',').next().unwrap().to_string(), l.rsplit(',').next().unwrap().to_string()))
        .collect();
    for line in std::fs::read_to_string(&rfm).unwrap().lines().skip(1) {
        let key = line.split(',').next().unwrap();
        assert_eq!(by_key[key], line.rsplit(',').next().unwrap(), "customer {key}");
    }
    let o = segscope(&[
        "apply",
        "--definition",
        def_path.to_str().unwrap(),
        "--input",
        c.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("give them with --transactions FILE"), "{}", stderr(&o));
    // --as-of overrides the saved date, and says so.
    let o = segscope(&[
        "apply",
        "--definition",
        def_path.to_str().unwrap(),
        "--input",
        c.to_str().unwrap(),
        "--transactions",
        t.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("replaces the definition's as-of date 2026-01-01")
            && stderr(&o).contains("RFM as of 2026-06-30"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn mapping_flags_replace_only_the_columns_they_name_in_the_guess() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rfm.csv");
    let cdnow = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/data/cdnow");
    let input = cdnow.join("cdnow_sample.csv");
    // Only the amount is named: the customer id and date columns are guessed, as with no flags.
    let o = segscope(&[
        "rfm",
        "--transactions",
        input.to_str().unwrap(),
        "--amount",
        "amount",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(cdnow.join("rfm_expected_rank.csv")).unwrap()
    );
    // A named column that is not there gets the engine's mapping sentence.
    let o = segscope(&[
        "rfm",
        "--transactions",
        input.to_str().unwrap(),
        "--customer-id",
        "nope",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("have no column `nope`"), "{}", stderr(&o));
}

#[test]
fn a_shopify_orders_export_gives_each_customer_their_orders_and_spend() {
    // One row per line item; the order's fields (Total, Financial Status…) only on its first row,
    // `Created at` like `2024-01-15 10:23:45 -0500` on every row. By hand, from the fixture:
    //   ann@example.com  #1001 2024-01-15 52.50, #1004 2024-02-03 18.00, #1006 2024-03-28 61.25
    //                    → frequency 3, monetary 52.50 + 18.00 + 61.25 = 131.75
    //   bob@example.com  #1002 2024-01-20 30.00                → 1, 30.00
    //   cara@example.com #1003 2024-01-31 99.99, #1007 2024-03-30 45.00 → 2, 144.99
    //   dan@example.com  #1005 2024-02-10 12.00                → 1, 12.00
    // The later line items (empty Total) are not orders of their own. The last order is
    // 2024-03-30 21:45 -0400, 01:45 on the 31st in UTC: the calendar date written counts, so the
    // as-of date is 2024-03-31 and recency is 3 (ann, last 03-28), 71 (bob, 01-20), 1 (cara, 03-30)
    // and 50 days (dan, 02-10).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rfm.csv");
    let o = rfm(&data("shopify_orders.csv"), ["Email", "Created at", "Total"], &["--order-id", "Name"], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("RFM of 4 customers as of 2024-03-31"), "{}", stderr(&o));
    let rows: Vec<Vec<String>> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(4).map(str::to_string).collect())
        .collect();
    let expected = [
        ["ann@example.com", "3", "3", "131.75"],
        ["bob@example.com", "71", "1", "30.00"],
        ["cara@example.com", "1", "2", "144.99"],
        ["dan@example.com", "50", "1", "12.00"],
    ];
    assert_eq!(rows, expected.map(|r| r.map(str::to_string).to_vec()));
}

#[test]
fn inspect_shows_currencies_month_names_and_ignored_offsets() {
    let o = segscope(&["inspect", &data("retail_values.csv"), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let col = |i: usize| &v["columns"][i];
    assert_eq!((col(1)["type"].as_str(), col(1)["currency"].as_str()), (Some("decimal"), Some("$")));
    assert_eq!(col(1)["format"], "thousands separators, currency $");
    assert_eq!(col(2)["format"], "decimal comma, currency €");
    assert_eq!(col(3)["format"], "currency $, negatives in parentheses");
    assert_eq!(col(4)["format"], "month names (15-Jan-2024)");
    assert_eq!(col(6)["format"], "UTC offsets ignored: dates and times as written");
    let o = segscope(&["inspect", &data("retail_values.csv")]);
    assert!(stdout(&o).contains("(decimal comma, currency €)"), "{}", stdout(&o));
}

#[test]
fn a_date_column_that_holds_no_dates_is_named_with_two_of_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("orders.csv"), dir.path().join("rfm.csv"));
    std::fs::write(
        &input,
        "Name,Email,Created at,Total\n#1,a@x.com,the 15th of January,10.00\n#2,b@x.com,end of March,5.00\n",
    )
    .unwrap();
    let o = rfm(input.to_str().unwrap(), ["Email", "Created at", "Total"], &[], &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("`Created at` is text, not a date: its values look like `the 15th of January`, `end of March`."),
        "{err}"
    );
    assert!(!err.contains("amount"), "the amount is not blamed: {err}");
}

/// The commands the page offers for a file too large to open (`api::memory::too_large`) are ones
/// this binary takes: the first runs as given, the second gets as far as its definition file.
#[test]
fn the_commands_offered_for_a_file_too_large_to_open_run() {
    use segscope_engine::api::memory::too_large;
    use segscope_engine::ingest::ReadOptions;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("my customers.csv");
    let csv = (0..2_000).fold(String::from("customer_id,age\n"), |s, i| s + &format!("C{i},{}\n", 20 + i % 50));
    std::fs::write(&file, &csv).unwrap();
    let view = too_large("my customers.csv", csv.as_bytes(), csv.len() as u64, &ReadOptions::default(), 1_000).unwrap();
    let words = |command: &str| -> Vec<String> {
        let unquoted = command.strip_prefix("segscope ").unwrap().replace("\"my customers.csv\"", "\u{0}");
        unquoted.split(' ').map(|w| w.replace('\u{0}', "my customers.csv")).collect()
    };
    let run = |command: &str| {
        Command::new(env!("CARGO_BIN_EXE_segscope")).current_dir(dir.path()).args(words(command)).output().unwrap()
    };
    let inspect = run(&view.commands[0]);
    assert!(inspect.status.success(), "{}: {}", view.commands[0], stderr(&inspect));
    assert!(stdout(&inspect).contains("age"), "{}", stdout(&inspect));
    let apply = run(&view.commands[1]);
    assert!(stderr(&apply).contains("segments.json"), "{}: {}", view.commands[1], stderr(&apply));
    assert!(!stderr(&apply).contains("unexpected argument"), "{}", stderr(&apply));
}
