//! gzip-compressed CSV, JSON Lines and Excel workbooks read to the same typed table as their CSV
//! twin (fixtures made by `tests/data/make_formats.py`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::ingest::{read_table, FileFormat, IngestErrorKind, Ingested, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::table::ColumnType;

const CSV: &[u8] = include_bytes!("data/transactions.csv");
const GZ: &[u8] = include_bytes!("data/transactions.csv.gz");
const JSONL: &[u8] = include_bytes!("data/transactions.jsonl");
const XLSX: &[u8] = include_bytes!("data/transactions.xlsx");

fn read(name: &str, bytes: &[u8], options: &ReadOptions) -> Ingested {
    read_table(name, bytes, options, &mut Quiet).unwrap_or_else(|e| panic!("{e}"))
}

fn orders() -> ReadOptions {
    ReadOptions { sheet: Some("Orders".into()), ..ReadOptions::default() }
}

fn twin() -> Ingested {
    read("transactions.csv", CSV, &ReadOptions::default())
}

#[test]
fn the_csv_twin_has_the_types_the_others_must_match() {
    let t = twin().table;
    let types: Vec<ColumnType> = t.columns.iter().map(|c| c.column_type()).collect();
    assert_eq!(types, [ColumnType::Categorical, ColumnType::Date, ColumnType::Decimal, ColumnType::Categorical]);
    assert_eq!(t.rows(), 60);
}

#[test]
fn gzip_csv_reads_like_its_twin_and_keeps_the_original_bytes() {
    let gz = read("transactions.csv.gz", GZ, &ReadOptions::default());
    let csv = twin();
    assert_eq!(gz.table.columns, csv.table.columns);
    assert_eq!(gz.diagnostics.format, FileFormat::GzipCsv);
    assert_eq!(gz.diagnostics.bytes, GZ.len() as u64);
    // The decompressed bytes are the original file: exports pass them through.
    assert_eq!(gz.table.source.bytes, CSV);
}

#[test]
fn json_lines_read_like_the_twin() {
    let j = read("transactions.jsonl", JSONL, &ReadOptions::default());
    assert_eq!(j.table.columns, twin().table.columns);
    assert_eq!(j.diagnostics.format, FileFormat::JsonLines);
    assert_eq!(j.table.original_row(0), ["00002", "2024-06-06", "173.72", "web"]);
}

#[test]
fn the_orders_sheet_reads_like_the_twin_with_serials_as_dates() {
    let x = read("transactions.xlsx", XLSX, &orders());
    assert_eq!(x.table.columns, twin().table.columns);
    assert_eq!(x.diagnostics.format, FileFormat::Xlsx);
    assert_eq!(x.diagnostics.sheets, ["Summary", "Orders"]);
    assert_eq!(x.diagnostics.sheet.as_deref(), Some("Orders"));
    // The "original" of a sheet is the CSV it is written as.
    assert_eq!(x.table.source.bytes, CSV);
}

#[test]
fn the_first_sheet_is_read_by_default_with_merged_headers_named() {
    let x = read("transactions.xlsx", XLSX, &ReadOptions::default());
    assert_eq!(x.diagnostics.sheet.as_deref(), Some("Summary"));
    let names: Vec<&str> = x.table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["region", "column_2", "updated"]);
    assert_eq!(x.table.original_row(0), ["North", "3", "2024-03-31 12:00:00"]);
    assert_eq!(x.table.original_row(1), ["South", "5", "2024-04-01"]);
    assert_eq!(x.table.columns[1].column_type(), ColumnType::Integer);
}

#[test]
fn a_sheet_that_is_not_there_lists_the_sheets() {
    let options = ReadOptions { sheet: Some("Customers".into()), ..ReadOptions::default() };
    let err = read_table("transactions.xlsx", XLSX, &options, &mut Quiet).unwrap_err();
    assert_eq!(
        err.to_string(),
        "transactions.xlsx: there is no sheet named `Customers` in this workbook. Its sheets are: `Summary`, `Orders`."
    );
}

#[test]
fn a_corrupt_workbook_is_named_and_says_what_to_do() {
    let mut broken = XLSX.to_vec();
    broken.truncate(600);
    let err = read_table("broken.xlsx", &broken, &ReadOptions::default(), &mut Quiet).unwrap_err();
    assert!(matches!(err.kind, IngestErrorKind::Unreadable { .. }), "{err}");
    let text = err.to_string();
    assert!(text.starts_with("broken.xlsx: this Excel workbook (.xlsx) could not be read ("), "{text}");
    assert!(text.contains("save the sheet as CSV"), "{text}");
}

#[test]
fn a_line_that_is_not_an_object_is_named_by_its_number() {
    let err = read_table("orders.jsonl", b"{\"a\": 1}\n{\"a\": 2}\n\"three\"\n", &ReadOptions::default(), &mut Quiet)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "orders.jsonl: line 3 is not one JSON object (`\"three\"` is not a JSON object). Each line of a JSON Lines file must hold one object, like {\"id\": 1, \"city\": \"Ghent\"}."
    );
}

#[test]
fn a_damaged_gzip_file_is_named() {
    let err = read_table("orders.csv.gz", &GZ[..40], &ReadOptions::default(), &mut Quiet).unwrap_err();
    assert!(err.to_string().starts_with("orders.csv.gz: this gzip file could not be read ("), "{err}");
}

/// Parquet fixtures written by DuckDB and polars (`tests/data/make_parquet.py`); read with the
/// `parquet` feature, which the CLI turns on.
#[cfg(feature = "parquet")]
mod parquet {
    use super::*;

    const TRANSACTIONS: &[u8] = include_bytes!("data/transactions.parquet");
    const VALUES: &[u8] = include_bytes!("data/values.parquet");

    #[test]
    fn a_parquet_file_from_duckdb_reads_like_its_csv_twin() {
        let p = read("transactions.parquet", TRANSACTIONS, &ReadOptions::default());
        assert_eq!(p.table.columns, twin().table.columns);
        assert_eq!(p.diagnostics.format, FileFormat::Parquet);
        assert!(!p.diagnostics.delimiter_detected);
        // The "original" of a Parquet file is the CSV it is written as.
        assert_eq!(p.table.source.bytes, CSV);
    }

    #[test]
    fn parquet_values_are_written_as_segscope_reads_them() {
        let v = read("values.parquet", VALUES, &ReadOptions::default());
        assert_eq!(
            v.table.original_row(0),
            ["1", "2024-01-15 10:23:45", "2024-01-15 11:23:45+01:00", "true", "12.5", "", "[a, b]"]
        );
        assert_eq!(
            v.table.original_row(1),
            [
                "2",
                "2024-02-29 23:59:59.500",
                "2024-03-01 00:00:00+01:00",
                "false",
                "-3.25",
                "said \"hi\", then left",
                "[]"
            ]
        );
        let types: Vec<ColumnType> = v.table.columns.iter().map(|c| c.column_type()).collect();
        assert_eq!(
            types[..5],
            [ColumnType::Integer, ColumnType::Datetime, ColumnType::Datetime, ColumnType::Boolean, ColumnType::Decimal]
        );
    }

    #[test]
    fn a_truncated_parquet_file_is_named_and_says_what_to_do() {
        let err =
            read_table("orders.parquet", &TRANSACTIONS[..TRANSACTIONS.len() - 10], &ReadOptions::default(), &mut Quiet)
                .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("orders.parquet: this Parquet file could not be read ("), "{text}");
        assert!(text.contains("ends with `PAR1`"), "{text}");
    }
}

/// A workbook of a header (`id`, `name`) and `rows` rows, with `stray` also written at (row, column).
fn workbook_with_a_stray_value(rows: u32, stray: (u32, u16)) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "id").unwrap();
    sheet.write_string(0, 1, "name").unwrap();
    for r in 1..=rows {
        sheet.write_number(r, 0, f64::from(r)).unwrap();
        sheet.write_string(r, 1, "Ann").unwrap();
    }
    sheet.write_string(stray.0, stray.1, "x").unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_value_in_the_last_cell_of_the_grid_reads_as_one_more_row_not_a_sheet_laid_out_whole() {
    // XFD1048576: laid out whole, the sheet was 1,048,576 x 16,384 cells (the page's memory, gone).
    let x = read("stray.xlsx", &workbook_with_a_stray_value(3, (1_048_575, 16_383)), &ReadOptions::default());
    assert_eq!(x.table.rows(), 4);
    assert_eq!(x.table.columns.len(), 16_384);
    assert_eq!(x.table.columns[0].column_type(), ColumnType::Integer);
}

#[test]
fn a_sheet_too_wide_to_lay_out_names_the_far_cell_and_what_to_do() {
    let bytes = workbook_with_a_stray_value(20_000, (0, 16_383));
    let err = read_table("stray.xlsx", &bytes, &ReadOptions::default(), &mut Quiet).unwrap_err();
    assert!(
        matches!(err.kind, IngestErrorKind::SheetTooWide { ref cell, rows: 20_001, columns: 16_384, .. } if cell == "XFD1"),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("cell XFD1") && text.contains("clear it"), "{text}");
}
