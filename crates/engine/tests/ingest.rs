//! Reading every kind of file the import view promises to handle, from fixtures in `tests/data`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::ingest::{
    read_table, DateOrder, EncodingEvidence, ImportWarning, IngestErrorKind, Ingested, RaggedRows, ReadOptions,
    TextEncoding,
};
use segscope_engine::progress::Quiet;
use segscope_engine::table::{ColumnData, ColumnType, Table};

fn read(name: &str, bytes: &[u8]) -> Ingested {
    read_with(name, bytes, &ReadOptions::default())
}

fn read_with(name: &str, bytes: &[u8], options: &ReadOptions) -> Ingested {
    match read_table(name, bytes, options, &mut Quiet) {
        Ok(i) => i,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn error(name: &str, bytes: &[u8], options: &ReadOptions) -> IngestErrorKind {
    let err = read_table(name, bytes, options, &mut Quiet).unwrap_err();
    assert!(err.to_string().starts_with(&format!("{name}: ")), "message names the file: {err}");
    err.kind
}

fn types(t: &Table) -> Vec<ColumnType> {
    t.columns.iter().map(|c| c.column_type()).collect()
}

#[test]
fn rfc4180_quotes_escapes_and_embedded_newlines() {
    let r = read("rfc4180.csv", include_bytes!("data/rfc4180.csv"));
    let t = &r.table;
    assert_eq!(t.rows(), 3);
    assert_eq!(t.original_row(0), ["00017", "Smith, Jane", "said \"hi\"", "12.50"]);
    assert_eq!(t.original_row(1), ["00018", "Bob", "two\r\nlines", "3"]);
    assert_eq!(t.line_of(2), Some(5), "the embedded line break moves the next record to line 5");
    assert_eq!(r.diagnostics.line_terminator, "CRLF");
    assert_eq!(types(t), [ColumnType::Text, ColumnType::Text, ColumnType::Text, ColumnType::Decimal]);
}

#[test]
fn semicolon_file_with_decimal_comma_and_day_first_dates() {
    let r = read("semicolon_decimal_comma.csv", include_bytes!("data/semicolon_decimal_comma.csv"));
    assert_eq!(r.diagnostics.delimiter, b';');
    let amount = r.table.column("amount").unwrap();
    assert_eq!(amount.data, ColumnData::Decimal { values: vec![Some(12.5), Some(1234.75), Some(7.0)], scale: 2 });
    let when = r.table.column("when").unwrap();
    assert_eq!(when.column_type(), ColumnType::Date);
    assert_eq!(when.format.date_order, Some(DateOrder::Dmy));
    assert_eq!(when.format_number(when.data.number(0).unwrap()), "2024-12-31");
}

#[test]
fn tab_and_pipe_delimiters_are_detected() {
    let tab = read("tab.tsv", include_bytes!("data/tab.tsv"));
    assert_eq!(tab.diagnostics.delimiter, b'\t');
    assert_eq!(types(&tab.table), [ColumnType::Integer, ColumnType::Text, ColumnType::Decimal]);
    let pipe = read("pipe.txt", include_bytes!("data/pipe.txt"));
    assert_eq!(pipe.diagnostics.delimiter, b'|');
    assert_eq!(pipe.table.column("flag").unwrap().data, ColumnData::Boolean(vec![Some(true), Some(false), None]));
}

#[test]
fn utf8_bom_is_detected_and_kept_out_of_the_first_name() {
    let r = read("bom_utf8.csv", include_bytes!("data/bom_utf8.csv"));
    assert!(r.diagnostics.bom);
    assert_eq!(r.diagnostics.encoding_evidence, EncodingEvidence::ByteOrderMark);
    assert_eq!(r.table.columns[0].name, "id");
    assert_eq!(r.table.original_row(0), ["1", "Zoë"]);
}

#[test]
fn latin1_falls_back_to_windows_1252_and_says_so() {
    let r = read("latin1.csv", include_bytes!("data/latin1.csv"));
    assert_eq!(r.diagnostics.encoding, TextEncoding::Windows1252);
    assert_eq!(r.table.original_row(0), ["1", "José", "München"]);
    assert_eq!(r.table.original_row(2), ["3", "€ price", "Paris"]);
    assert!(matches!(r.diagnostics.warnings[0], ImportWarning::EncodingGuessed { line: 2 }));
}

#[test]
fn utf16_with_bom_is_read() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend("id\tname\r\n1\tZoë\r\n".encode_utf16().flat_map(u16::to_le_bytes));
    let r = read("unicode.txt", &bytes);
    assert_eq!(r.diagnostics.encoding, TextEncoding::Utf16Le);
    assert_eq!(r.table.original_row(0), ["1", "Zoë"]);
}

#[test]
fn ragged_rows_are_kept_by_default_and_reported_with_lines() {
    let r = read("ragged.csv", include_bytes!("data/ragged.csv"));
    assert_eq!(r.table.rows(), 4);
    let w = r.diagnostics.warnings.iter().find(|w| matches!(w, ImportWarning::RaggedRows { .. })).unwrap();
    let text = w.to_string();
    assert!(
        text.contains("2 rows") && text.contains("line 3: 2 fields") && text.contains("line 4: 4 fields"),
        "{text}"
    );
    assert!(r.table.column("b").unwrap().data.is_missing(1), "the short row's missing field is missing");
}

#[test]
fn ragged_rows_can_be_skipped_or_stop_reading() {
    let skip = ReadOptions { ragged_rows: RaggedRows::Skip, ..ReadOptions::default() };
    let r = read_with("ragged.csv", include_bytes!("data/ragged.csv"), &skip);
    assert_eq!(r.table.rows(), 2);
    let fail = ReadOptions { ragged_rows: RaggedRows::Fail, ..ReadOptions::default() };
    let kind = error("ragged.csv", include_bytes!("data/ragged.csv"), &fail);
    assert_eq!(kind, IngestErrorKind::RaggedRow { line: 3, found: 2, expected: 3 });
}

#[test]
fn unterminated_quote_names_line_and_column() {
    let kind = error("unterminated_quote.csv", include_bytes!("data/unterminated_quote.csv"), &ReadOptions::default());
    assert_eq!(kind, IngestErrorKind::UnterminatedQuote { line: 3, column: 2, column_name: "comment".into() });
    assert!(kind.to_string().contains("line 3, column 2 (`comment`)"));
}

#[test]
fn empty_header_only_and_headerless_files_are_clear_errors() {
    assert_eq!(error("empty.csv", include_bytes!("data/empty.csv"), &ReadOptions::default()), IngestErrorKind::Empty);
    assert_eq!(
        error("header_only.csv", include_bytes!("data/header_only.csv"), &ReadOptions::default()),
        IngestErrorKind::NoRows
    );
    let kind = error("no_header.csv", include_bytes!("data/no_header.csv"), &ReadOptions::default());
    assert!(matches!(kind, IngestErrorKind::NoHeader { .. }), "{kind:?}");
    assert!(kind.to_string().contains("no header row"));
}

#[test]
fn no_header_option_names_columns() {
    let options = ReadOptions { has_header: false, ..ReadOptions::default() };
    let r = read_with("no_header.csv", include_bytes!("data/no_header.csv"), &options);
    assert_eq!(r.table.rows(), 2);
    assert_eq!(r.table.columns[1].name, "column_2");
    assert_eq!(types(&r.table), [ColumnType::Integer, ColumnType::Date, ColumnType::Decimal]);
}

#[test]
fn binary_files_are_named() {
    let kind = error("book.xlsx", b"PK\x03\x04\x14\x00\x06\x00", &ReadOptions::default());
    assert!(kind.to_string().contains("Excel workbook"), "{kind}");
    let kind = error("blob.bin", b"id,x\n1,\x00\x01\n", &ReadOptions::default());
    assert!(matches!(kind, IngestErrorKind::NotText { .. }));
}

#[test]
fn missing_value_tokens_are_missing_and_configurable() {
    let r = read("na_heavy.csv", include_bytes!("data/na_heavy.csv"));
    let income = r.table.column("income").unwrap();
    assert_eq!(income.column_type(), ColumnType::Integer);
    assert_eq!(income.stats.missing, 5);
    assert_eq!(r.table.column("region").unwrap().stats.missing, 2);
    let mut options = ReadOptions::default();
    options.column_missing_tokens.insert("region".into(), vec![String::new()]);
    let r = read_with("na_heavy.csv", include_bytes!("data/na_heavy.csv"), &options);
    assert_eq!(r.table.column("region").unwrap().stats.missing, 1, "NULL is a value when only empty is missing");
}

#[test]
fn date_formats_and_orders_are_decided_per_column() {
    let r = read("dates.csv", include_bytes!("data/dates.csv"));
    let t = &r.table;
    let col = |n: &str| t.column(n).unwrap();
    assert_eq!(col("mdy").format.date_order, Some(DateOrder::Mdy));
    assert_eq!(col("dmy").format.date_order, Some(DateOrder::Dmy));
    assert_eq!(col("compact").column_type(), ColumnType::Date);
    assert_eq!(col("stamp").column_type(), ColumnType::Datetime);
    assert_eq!(col("mdy").data.number(0), col("dmy").data.number(0));
    assert!(col("ambiguous").format.date_order_ambiguous);
    assert!(r
        .diagnostics
        .warnings
        .iter()
        .any(|w| matches!(w, ImportWarning::AmbiguousDateOrder { column, .. } if column == "ambiguous")));
    let options = ReadOptions { date_order: Some(DateOrder::Mdy), ..ReadOptions::default() };
    let r = read_with("dates.csv", include_bytes!("data/dates.csv"), &options);
    let amb = r.table.column("ambiguous").unwrap();
    assert_eq!(amb.format_number(amb.data.number(0).unwrap()), "2024-01-02");
}

#[test]
fn leading_zero_ids_stay_text() {
    let r = read("leading_zeros.csv", include_bytes!("data/leading_zeros.csv"));
    let t = &r.table;
    assert_eq!(types(t), [ColumnType::Text, ColumnType::Categorical, ColumnType::Integer]);
    assert_eq!(t.column("customer_id").unwrap().data.label(0), Some("00017"));
    assert_eq!(t.column("zip").unwrap().data.label(1), Some("01234"));
}

#[test]
fn chosen_types_apply_and_unreadable_values_are_reported() {
    let mut options = ReadOptions::default();
    options.types.insert("customer_id".into(), ColumnType::Integer);
    options.types.insert("zip".into(), ColumnType::Date);
    let r = read_with("leading_zeros.csv", include_bytes!("data/leading_zeros.csv"), &options);
    let id = r.table.column("customer_id").unwrap();
    assert_eq!(id.data, ColumnData::Integer(vec![Some(17), Some(18), Some(19), Some(20)]));
    assert!(id.type_chosen);
    let warning = r.diagnostics.warnings.iter().find(|w| matches!(w, ImportWarning::UnreadableValues { .. })).unwrap();
    let text = warning.to_string();
    assert!(text.contains("`zip`: 4 values could not be read as date") && text.contains("line 2: \"01234\""), "{text}");
}

#[test]
fn choosing_a_column_that_does_not_exist_lists_the_columns() {
    let mut options = ReadOptions::default();
    options.types.insert("agee".into(), ColumnType::Integer);
    let kind = error("leading_zeros.csv", include_bytes!("data/leading_zeros.csv"), &options);
    assert!(kind.to_string().contains("no column named `agee`") && kind.to_string().contains("`age`"), "{kind}");
}

#[test]
fn duplicate_and_empty_header_names_are_renamed_with_a_warning() {
    let r = read("duplicate_headers.csv", include_bytes!("data/duplicate_headers.csv"));
    let names: Vec<&str> = r.table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "id_2", "column_3"]);
    assert!(matches!(r.diagnostics.warnings[0], ImportWarning::RenamedColumns { .. }));
}

#[test]
fn column_statistics_are_computed() {
    let r = read("na_heavy.csv", include_bytes!("data/na_heavy.csv"));
    let region = r.table.column("region").unwrap();
    assert_eq!(region.column_type(), ColumnType::Categorical);
    assert_eq!(region.stats.top[0].value, "North");
    assert_eq!(region.stats.top[0].count, 2);
    let dates = read("dates.csv", include_bytes!("data/dates.csv"));
    let dmy = dates.table.column("dmy").unwrap();
    let n = dmy.stats.numeric.unwrap();
    assert_eq!((dmy.format_number(n.min), dmy.format_number(n.max)), ("2023-01-15".into(), "2024-12-31".into()));
}

#[test]
fn the_built_in_sample_reads_with_the_documented_types() {
    use segscope_engine::sample::{sample_csv, SampleParams};
    let params = SampleParams { customers: 300.into(), ..SampleParams::default() }.check().unwrap();
    let (customers, transactions) = sample_csv(&params).unwrap();
    let c = read("customers.csv", &customers);
    assert_eq!(c.table.rows(), 300);
    let ty = |t: &Table, n: &str| t.column(n).unwrap().column_type();
    assert_eq!(ty(&c.table, "customer_id"), ColumnType::Text);
    assert_eq!(ty(&c.table, "age"), ColumnType::Integer);
    assert_eq!(ty(&c.table, "country"), ColumnType::Categorical);
    assert_eq!(ty(&c.table, "signup_date"), ColumnType::Date);
    assert_eq!(ty(&c.table, "email_opt_in"), ColumnType::Boolean);
    let t = read("transactions.csv", &transactions);
    assert_eq!(ty(&t.table, "amount"), ColumnType::Decimal);
    assert_eq!(ty(&t.table, "order_date"), ColumnType::Date);
    assert!(c.diagnostics.warnings.is_empty(), "{:?}", c.diagnostics.warnings);
}

fn decimals(t: &Table, name: &str) -> Vec<Option<f64>> {
    match &t.column(name).unwrap().data {
        ColumnData::Decimal { values, .. } => values.clone(),
        other => panic!("{name} is not decimal: {other:?}"),
    }
}

#[test]
fn values_as_real_exports_write_them_are_numbers_and_dates() {
    let r = read("retail_values.csv", include_bytes!("data/retail_values.csv"));
    let t = &r.table;
    assert!(r.diagnostics.warnings.is_empty(), "{:?}", r.diagnostics.warnings);
    use ColumnType::*;
    assert_eq!(types(t), [Text, Decimal, Decimal, Decimal, Date, Date, Datetime]);
    assert_eq!(decimals(t, "price_usd"), [Some(1234.5), Some(12.0), Some(-1000.0)]);
    assert_eq!(decimals(t, "price_eur"), [Some(1234.5), Some(12.0), Some(-7.25)]);
    assert_eq!(decimals(t, "refund"), [Some(-12.0), Some(-3.5), Some(-1.0)]);
    let format = |n: &str| t.column(n).unwrap().format.clone();
    assert_eq!(format("price_usd").currency.as_deref(), Some("$"));
    assert_eq!(format("price_eur").currency.as_deref(), Some("€"));
    assert_eq!(format("refund").notes(), ["currency $", "negatives in parentheses"]);
    let day = |y, m, d| segscope_engine::ingest::values::days_from_ymd(y, m, d);
    let dates = vec![day(2024, 1, 15), day(2024, 2, 3), day(2023, 12, 28)];
    assert_eq!(t.column("ordered_on").unwrap().data, ColumnData::Date(dates.clone()));
    assert_eq!(t.column("shipped_on").unwrap().data, ColumnData::Date(dates.clone()));
    // Date-times keep the calendar date and time as written, whatever the offset.
    let ColumnData::Datetime(at) = &t.column("ordered_at").unwrap().data else { panic!() };
    let at_days: Vec<Option<i32>> = at.iter().map(|s| s.map(|s| s.div_euclid(86_400) as i32)).collect();
    assert_eq!(at_days, dates);
    assert_eq!(at.first().copied().flatten().map(|s| s.rem_euclid(86_400)), Some(10 * 3600 + 23 * 60 + 45));
    assert!(format("ordered_at").utc_offsets_ignored);
    // The table keeps the text as written.
    assert_eq!(
        t.original_row(0),
        ["A1", "$1,234.50", "1.234,50 €", "(12.00)", "15-Jan-2024", "Jan 15, 2024", "2024-01-15T10:23:45-05:00"]
    );
}

#[test]
fn a_column_mixing_number_conventions_or_currencies_is_reported_and_stays_text() {
    let csv = "id;total;price\n1;1,234.50;$12.00\n2;1.234,50;€3.00\n3;12.00;$1.00\n";
    let r = read("mixed.csv", csv.as_bytes());
    assert_eq!(types(&r.table)[1..], [ColumnType::Text, ColumnType::Text]);
    let messages: Vec<String> = r.diagnostics.warnings.iter().map(ToString::to_string).collect();
    assert!(
        matches!(
            r.diagnostics.warnings.as_slice(),
            [ImportWarning::MixedNumberConventions { .. }, ImportWarning::MixedCurrencies { .. }]
        ),
        "{messages:?}"
    );
    assert!(messages[0].starts_with("Column `total` writes numbers two ways: \"1,234.50\" on line 2 (decimal point, commas between thousands) and \"1.234,50\" on line 3 (decimal comma, dots between thousands)"), "{}", messages[0]);
    assert!(messages[1].starts_with("Column `price` has amounts in more than one currency (\"$12.00\" on line 2, \"€3.00\" on line 3), so it was read as text"), "{}", messages[1]);
}
