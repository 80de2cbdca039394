//! A table read with its column types decided from a leading sample and every later value parsed
//! straight into that type (`ingest::read_table_sampled`, what `read_table` does with
//! `SAMPLE_RECORDS`) is the table the whole-column reading gives, warnings and statistics included,
//! whatever the sample's size: for files whose later values change a column's type (integer →
//! decimal → text), day/month order, decimal style, currency or categories, for chosen types with
//! unreadable values, and for random files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::fmt::Write;

use proptest::prelude::*;
use segscope_engine::ingest::{read_table_sampled, DateOrder, Ingested, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::table::ColumnType;

fn read(bytes: &[u8], options: &ReadOptions, sample: usize) -> Ingested {
    read_table_sampled("t.csv", bytes, options, sample, &mut Quiet).unwrap()
}

/// Every sample size from 1 to past the file's rows gives what one sample of the whole file gives.
fn same_for_every_sample(csv: &str, options: &ReadOptions) {
    let whole = read(csv.as_bytes(), options, usize::MAX);
    for sample in 1..=whole.table.rows() + 1 {
        let got = read(csv.as_bytes(), options, sample);
        if got != whole {
            for (g, w) in got.table.columns.iter().zip(&whole.table.columns) {
                assert_eq!(g, w, "column {} with a sample of {sample}", w.name);
            }
            assert_eq!(got.diagnostics, whole.diagnostics, "sample of {sample}");
            assert_eq!(got, whole, "sample of {sample}");
        }
    }
}

/// A file with a header and one column per entry of `columns`, each a list of cells (all of one length).
fn file(columns: &[(&str, Vec<&str>)]) -> String {
    let mut out = columns.iter().map(|c| c.0).collect::<Vec<_>>().join(",");
    out.push('\n');
    let rows = columns.first().map_or(0, |c| c.1.len());
    for r in 0..rows {
        let row: Vec<String> = columns.iter().map(|c| csv_cell(c.1[r])).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn csv_cell(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

#[test]
fn later_values_that_change_a_columns_type_give_the_whole_columns_reading() {
    let csv = file(&[
        ("int_then_decimal", vec!["1", "2", "3", "4.5", "5"]),
        ("int_then_text", vec!["1", "2", "", "x", "5"]),
        ("int_then_leading_zero", vec!["10", "20", "30", "007", "5"]),
        ("decimal_then_grouped", vec!["1.5", "2.25", "3", "1,234.50", "2"]),
        ("decimal_then_currency", vec!["1.5", "2.25", "3", "$4.00", "2"]),
        ("currency_then_another", vec!["$1.50", "$2.25", "3", "€4.00", "$2"]),
        ("decimal_then_leading_zero", vec!["1.5", "2.25", "3.0", "00.5", "2"]),
        ("bool_then_int", vec!["1", "0", "1", "2", "0"]),
        ("bool_words", vec!["yes", "no", "NA", "yes", "no"]),
        ("missing_then_numbers", vec!["", "NA", "", "4", "5"]),
        ("missing_then_dates", vec!["", "", "", "2024-01-02", "2024-01-03"]),
        ("text_then_number", vec!["abc", "def", "1", "2", "3"]),
        ("short_text_then_repeats", vec!["a", "b", "a", "a", "b"]),
    ]);
    same_for_every_sample(&csv, &ReadOptions::default());
}

#[test]
fn later_dates_that_settle_or_change_the_day_month_order_give_the_whole_columns_reading() {
    let csv = file(&[
        ("ambiguous_then_day_first", vec!["01/02/2024", "03/04/2024", "05/06/2024", "13/01/2024", "02/03/2024"]),
        ("ambiguous_then_month_first", vec!["01/02/2024", "03/04/2024", "05/06/2024", "01/13/2024", "02/03/2024"]),
        ("month_first_then_neither", vec!["01/13/2024", "03/04/2024", "05/06/2024", "13/13/2024", "02/03/2024"]),
        ("date_then_datetime", vec!["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05 10:00:00", "2024-01-06"]),
        ("datetime_then_date", vec!["2024-01-02 10:00", "2024-01-03 11:00", "2024-01-04", "2024-01-05", "NA"]),
        ("iso_then_year_last", vec!["2024-01-02", "2024-01-03", "2024-01-04", "05/01/2024", "2024-01-06"]),
        ("offsets_later", vec!["2024-01-02 10:00:00", "2024-01-03 10:00:00", "2024-01-04 10:00:00 -0500", "", ""]),
        ("names_then_iso", vec!["15-Jan-2024", "3-Feb-2024", "1-Mar-2024", "2024-03-02", "4-Apr-2024"]),
    ]);
    same_for_every_sample(&csv, &ReadOptions::default());
    let day_first = ReadOptions { date_order: Some(DateOrder::Mdy), ..ReadOptions::default() };
    same_for_every_sample(&csv, &day_first);
}

#[test]
fn chosen_types_count_unreadable_values_after_the_sample_like_the_whole_column() {
    let csv = file(&[
        ("i", vec!["1", "x", "3", "y", "z", "007"]),
        ("d", vec!["1.5", "2", "oops", "$3.00", "€4", "5"]),
        ("b", vec!["true", "false", "maybe", "yes", "no", "2"]),
        ("day", vec!["02/01/2024", "x", "13/01/2024", "01/13/2024", "2024-01-02", "nope"]),
        ("at", vec!["", "2024-01-02 10:00", "2024-01-02", "x", "2024-13-01", "2024-01-03 23:59:59"]),
        ("c", vec!["z", "a", "m", "a", "z", "b"]),
        ("t", vec!["1", "1", "1", "2", "2", "x"]),
    ]);
    let mut options = ReadOptions::default();
    for (name, ty) in [
        ("i", ColumnType::Integer),
        ("d", ColumnType::Decimal),
        ("b", ColumnType::Boolean),
        ("day", ColumnType::Date),
        ("at", ColumnType::Datetime),
        ("c", ColumnType::Categorical),
        ("t", ColumnType::Text),
    ] {
        options.types.insert(name.to_string(), ty);
    }
    same_for_every_sample(&csv, &options);
    let decimal_comma = ReadOptions { decimal_comma: Some(true), ..options.clone() };
    same_for_every_sample(&csv, &decimal_comma);
}

#[test]
fn a_column_that_outgrows_the_category_limit_after_the_sample_becomes_text() {
    // 2,500 rows: the first 1,000 repeat four values, then every value is new.
    let mut csv = String::from("id,kind,grows\n");
    for r in 0..2500 {
        let grows = if r < 1000 { format!("g{}", r % 4) } else { format!("new{r}") };
        writeln!(csv, "{r},k{},{grows}", r % 3).unwrap();
    }
    let whole = read(csv.as_bytes(), &ReadOptions::default(), usize::MAX);
    let types: Vec<ColumnType> = whole.table.columns.iter().map(|c| c.column_type()).collect();
    assert_eq!(types, [ColumnType::Integer, ColumnType::Categorical, ColumnType::Text]);
    for sample in [1, 2, 500, 999, 1000, 1001, 2004, 2005, 2499, 2500] {
        assert_eq!(read(csv.as_bytes(), &ReadOptions::default(), sample), whole, "sample of {sample}");
    }
}

#[test]
fn quoting_line_endings_ragged_rows_and_encodings_read_the_same_with_any_sample() {
    let tricky = "\u{feff}id;amount;note;day\r\n\
        1;\"1,5\";\"two\r\nlines\";31.12.2024\r\n\
        \r\n\
        2;2,25;\"q\"\"uote\";01.01.2025\r\n\
        3;NA;short\r\n\
        4;3;x;02.01.2025;extra\r\n\
        5;\"4,75\";\"\";\r\n\
        6;-1;last;03.01.2025";
    same_for_every_sample(tricky, &ReadOptions::default());
    let cp1252: Vec<u8> = b"name,city,spend\nJos\xe9,M\xfcnchen,1.5\nAnn,K\xf6ln,2\nBob,Z\xfcrich,x\n".to_vec();
    let whole = read(&cp1252, &ReadOptions::default(), usize::MAX);
    for sample in 1..=4 {
        assert_eq!(read(&cp1252, &ReadOptions::default(), sample), whole, "sample of {sample}");
    }
}

/// Cells of every kind the reader tells apart, so random columns mix types and conventions.
const CELLS: &[&str] = &[
    "",
    "NA",
    "0",
    "1",
    "7",
    "-3",
    "007",
    "12345678901234567890",
    "1.5",
    "-0.25",
    "2,5",
    "1,234.50",
    "1.234,50",
    "$3.00",
    "€4,00",
    "(12.00)",
    "true",
    "no",
    "2024-01-02",
    "02/01/2024",
    "13/01/2024",
    "01/13/2024",
    "2024-01-02 10:30:00",
    "2024-01-02T10:30:00Z",
    "15-Jan-2024",
    "red",
    "blue",
    " padded ",
    "x\"y",
    "a,b",
];

fn column_strategy() -> impl Strategy<Value = Vec<usize>> {
    // Mostly one kind of cell with a few others, so types are often inferred, then broken later.
    (0..CELLS.len(), prop::collection::vec((0..CELLS.len(), 0..10u8), 1..40))
        .prop_map(|(main, cells)| cells.into_iter().map(|(other, dice)| if dice < 7 { main } else { other }).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_files_read_the_same_with_any_sample(
        columns in prop::collection::vec(column_strategy(), 1..5),
        chosen in prop::collection::vec(prop::option::of(0..ColumnType::ALL.len()), 4),
        samples in prop::collection::vec(1..45usize, 3),
    ) {
        let rows = columns.iter().map(Vec::len).min().unwrap_or(0);
        let mut csv = (0..columns.len()).map(|c| format!("c{c}")).collect::<Vec<_>>().join(",");
        csv.push('\n');
        for r in 0..rows {
            let row: Vec<String> = columns.iter().map(|c| csv_cell(CELLS[c[r]])).collect();
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
        let mut options = ReadOptions::default();
        for (c, ty) in chosen.iter().enumerate().take(columns.len()) {
            if let Some(ty) = ty {
                options.types.insert(format!("c{c}"), ColumnType::ALL[*ty]);
            }
        }
        // A file whose rows are all empty (one column of empty cells) has no rows: every sample says so alike.
        let attempt = |sample| {
            read_table_sampled("t.csv", csv.as_bytes(), &options, sample, &mut Quiet).map_err(|e| e.to_string())
        };
        let whole = attempt(usize::MAX);
        for sample in samples {
            prop_assert_eq!(&attempt(sample), &whole, "sample of {}\n{}", sample, csv);
        }
    }
}
