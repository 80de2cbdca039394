//! Inputs the fuzz targets (`fuzz/`, `scripts/fuzz.sh`) found to break a promise, minimized, each
//! pinned by the behaviour it broke. Every input is inline bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::ingest::{read_table, ImportWarning, ReadOptions, RowReader, TextEncoding};
use segscope_engine::progress::Quiet;

/// Each record's line and first cell as the streaming reader visits them, with a sample of `sample` records.
fn streamed(bytes: &[u8], options: &ReadOptions, sample: usize) -> Vec<(u64, String)> {
    let reader = RowReader::open("t.csv", bytes, bytes.len() as u64, options, sample, &mut Quiet).unwrap();
    let mut seen = Vec::new();
    reader.visit(&[0], "Reading", &mut Quiet, |line, cells| seen.push((line, format!("{:?}", cells[0])))).unwrap();
    seen
}

/// Each record's line and first cell as the whole-file reader reads them.
fn whole(bytes: &[u8], options: &ReadOptions) -> Vec<(u64, String)> {
    let table = read_table("t.csv", bytes, options, &mut Quiet).unwrap().table;
    (0..table.rows())
        .map(|r| {
            let cell = segscope_engine::ingest::cell_of(&table.columns[0].data, r);
            (table.line_of(r).unwrap(), format!("{cell:?}"))
        })
        .collect()
}

// stream_chunks: a UTF-16 file without a byte order mark, too short to be recognised as UTF-16,
// was cut into records on its bytes when UTF-16 was chosen, splitting its two-byte line feeds.
#[test]
fn a_chosen_utf16_encoding_streams_the_records_the_whole_file_reader_reads() {
    for (encoding, bytes) in [
        (TextEncoding::Utf16Be, &b"\n\0"[..]), // the fuzzer's input: one record, U+0A00
        (TextEncoding::Utf16Le, &b"a\0\n\0b\0\n\0"[..]),
        (TextEncoding::Utf16Be, &b"\0a\0\n\0b\0\n"[..]),
    ] {
        let options = ReadOptions { encoding: Some(encoding), has_header: false, ..ReadOptions::default() };
        let expected = whole(bytes, &options);
        for sample in 1..=3 {
            assert_eq!(streamed(bytes, &options, sample), expected, "{encoding:?}, sample of {sample}");
        }
    }
}

// stream_chunks: a carriage return alone ends a record for the table reader (as in old Mac files,
// or files joined from different systems), but the streaming reader cut records on line feeds
// only and kept the first record of "W\r," (the fuzzer's input): the records after the sample
// that followed a lone carriage return on the same line were lost.
#[test]
fn records_ended_by_a_lone_carriage_return_after_the_sample_are_all_visited() {
    let options = ReadOptions { delimiter: Some(b';'), has_header: false, ..ReadOptions::default() };
    let expected = whole(b"1\nW\r,", &options);
    assert_eq!(expected.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 2]);
    let lines: Vec<u64> = streamed(b"1\nW\r,", &options, 1).iter().map(|r| r.0).collect();
    assert_eq!(lines, [1, 2, 2]);

    let csv = b"id,name\n1,a\n2,\"b\nc\"\r3,d\r\n4,e\r\r5,f";
    let options = ReadOptions::default();
    let expected = whole(csv, &options);
    assert_eq!(expected.len(), 5);
    for sample in 1..=5 {
        assert_eq!(streamed(csv, &options, sample), expected, "sample of {sample}");
    }
}

// The same records in a smaller copy (some columns) of a file larger than the sample.
#[test]
fn a_smaller_copy_keeps_records_ended_by_a_lone_carriage_return() {
    use segscope_engine::ingest::reduce::{reduced_copy, Reduction};
    let mut csv = String::from("id,name\n");
    for i in 0..segscope_engine::ingest::SAMPLE_RECORDS {
        csv.push_str(&format!("{i},n\n"));
    }
    csv.push_str("x,y\ry2,z\n");
    let open = || Ok(std::io::Cursor::new(csv.as_bytes()));
    let reduction = Reduction { columns: Some(vec!["name".into()]), rows: None, seed: 0 };
    let copy = reduced_copy("t.csv", open, csv.len() as u64, &ReadOptions::default(), &reduction, &mut Quiet).unwrap();
    assert!(String::from_utf8(copy).unwrap().ends_with("n\ny\nz\n"));
}

// rfm_transactions: an amount past 2^53 units (here -27,692,722,414,576,227 in a column whose
// other amount has cents) was multiplied into units in floating point, so the file read with its
// types decided from the first record (the amount a whole number) summed to a different revenue
// than the whole file read at once (the amount a decimal): whole numbers now become units exactly.
#[test]
fn a_huge_whole_amount_sums_the_same_whatever_the_sample_that_decides_its_type() {
    use segscope_engine::customers::{choose_mapping, read_transactions, MappingOverrides};
    let csv = b"customer_id,order_id,order_date,amount\nC3,O34,2020-06-17,-27692722414576227\nC0,,2020-01-01,0.00\n";
    let revenue = |sample: usize| {
        let choose = |t: &_| choose_mapping(t, None, None, &MappingOverrides::default());
        let read =
            read_transactions("t.csv", &csv[..], csv.len() as u64, &ReadOptions::default(), sample, choose, &mut Quiet)
                .unwrap();
        let summary = read.aggregates.summary_before("C3", i32::MAX).unwrap();
        summary.revenue
    };
    let whole = revenue(usize::MAX);
    assert_eq!(whole.units_at(2), Some(-2_769_272_241_457_622_800));
    let sampled = revenue(1);
    assert_eq!(sampled.units_at(2), whole.units_at(2));
    assert_eq!(sampled.to_f64().to_bits(), whole.to_f64().to_bits());
}

#[test]
fn whole_amounts_become_units_exactly_at_any_scale() {
    use segscope_engine::customers::Money;
    let x = -27_692_722_414_576_228.0; // an f64: a whole number past 2^53
    assert_eq!(Money::from_f64(x, 2).unwrap().units, -2_769_272_241_457_622_800);
    assert_eq!(Money::from_f64(x, 0).unwrap().units_at(2), Money::from_f64(x, 2).unwrap().units_at(2));
    assert_eq!(Money::from_f64(9.3e16, 2), None, "2^63 units or more are still too large");
}

// type_inference: `3762247526601012,275` alone reads as text (a comma of three digits in a
// comma-separated file could be a thousands separator); the whole column with `$0.00` below it is
// numbers written two ways, read as text with a warning. A sample of the first value decided text
// and took `$0.00` as text without the warning: a later number in a column of numbers read as
// text now has the column read again whole.
#[test]
fn a_later_number_in_a_text_column_of_numbers_gives_the_whole_columns_reading() {
    use segscope_engine::ingest::read_table_sampled;
    for csv in [
        &b"c0\n\"3762247526601012,275\"\n$0.00\n"[..],
        b"c0\n\"1234567,123\"\n\"5,5\"\n",
        b"id,c0\n1,\"12,345\"\n2,text\n3,\"4.5\"\n",
    ] {
        let whole = read_table_sampled("t.csv", csv, &ReadOptions::default(), usize::MAX, &mut Quiet).unwrap();
        for sample in 1..=3 {
            let got = read_table_sampled("t.csv", csv, &ReadOptions::default(), sample, &mut Quiet).unwrap();
            assert_eq!(got, whole, "sample of {sample}: {}", String::from_utf8_lossy(csv));
        }
    }
}

/// `text` in UTF-16 LE without a byte order mark (as `tests/data/hostile/utf16le_no_bom.csv`).
fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// The file with a segment column appended by `stream::apply_rules` (spend > 10 is `Big`), in parts of 2 records.
fn applied(name: &str, bytes: &[u8]) -> String {
    use segscope_engine::rules::Definition;
    use segscope_engine::stream::{apply_rules, RulesRun};
    let def = Definition::from_json(
        r#"{"format": "segscope.segments/1", "segments": [{"name": "Big", "when": {"column": "spend", "op": "gt", "value": 10}}]}"#,
    )
    .unwrap();
    let mut run = RulesRun { definition: &def, as_of: None, part_records: 2, transactions: None };
    let mut out = Vec::new();
    let input = std::io::Cursor::new(bytes);
    apply_rules(name, input, &ReadOptions::default(), &mut run, &mut out, &mut Quiet).unwrap();
    String::from_utf8(out).unwrap()
}

// Found by hand while looking into the UTF-16 finding above: `segscope apply` cut a UTF-16 file
// without a byte order mark into parts on its bytes and refused it as binary (NUL bytes), though
// `segscope inspect` reads it.
#[test]
fn a_utf16_file_without_a_byte_order_mark_is_segmented_in_parts() {
    let bytes = utf16le("customer_id,spend\nC1,12.5\nC2,7\nC3,30\n");
    assert_eq!(applied("t.csv", &bytes), "customer_id,spend,segment\nC1,12.5,Big\nC2,7,Everyone else\nC3,30,Big\n");
}

// Found with it: a UTF-16 file with a byte order mark was written back as UTF-8 text behind the
// UTF-16 mark (FF FE), which no program reads correctly; the copy starts with UTF-8's mark.
#[test]
fn a_utf16_file_is_written_back_as_utf8_with_utf8s_byte_order_mark() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(utf16le("customer_id,spend\nC1,12.5\n"));
    let out = applied("t.csv", &bytes);
    assert_eq!(out, "\u{feff}customer_id,spend,segment\nC1,12.5,Big\n");
}

// type_inference (`fuzz/findings/type_inference-leading-feff`): a cell starting with U+FEFF (the
// byte order mark's character, here in the middle of the file) was kept when the whole file
// decided the column's type, but lost when a sample of the first record decided it and the
// column was then read again (`"\u{feff}x"` read as `"x"`): the re-read split each record with
// csv-core reset, which drops a UTF-8 byte order mark at the start of its input. Only a mark at
// the very start of the file is a byte order mark; one at the start of any other cell is its text.
#[test]
fn a_cell_starting_with_u_feff_keeps_it_whatever_the_sample() {
    use segscope_engine::ingest::read_table_sampled;
    use segscope_engine::table::ColumnData;
    let csv = "c0\n(12.50)\n\u{feff}x\n"; // the fuzzer's input
    let read = read_table_sampled("t.csv", csv.as_bytes(), &ReadOptions::default(), usize::MAX, &mut Quiet).unwrap();
    let ColumnData::Text(values) = &read.table.columns[0].data else { panic!("{:?}", read.table.columns[0]) };
    assert_eq!(values[1].as_deref(), Some("\u{feff}x"));
    for sample in 1..=2 {
        let got = read_table_sampled("t.csv", csv.as_bytes(), &ReadOptions::default(), sample, &mut Quiet).unwrap();
        assert_eq!(got, read, "sample of {sample}");
    }
    // The first column of every record, when streamed past the sample; a mark at the start of the
    // file is still a byte order mark, and one right after it is the first cell's text.
    let csv = "\u{feff}\u{feff}id,n\n\u{feff}a,1\n\u{feff}b,2\n\u{feff}c,3\n";
    let options = ReadOptions::default();
    let expected = whole(csv.as_bytes(), &options);
    assert!(expected.iter().all(|(_, cell)| cell.contains("\\u{feff}")), "{expected:?}");
    assert_eq!(streamed(csv.as_bytes(), &options, 1), expected);
    let table = read_table("t.csv", csv.as_bytes(), &options, &mut Quiet).unwrap();
    assert!(table.diagnostics.bom);
    assert_eq!(table.table.columns[0].name, "\u{feff}id");
    assert_eq!(table.table.source.fields(&table.table.source.records[0])[0], "\u{feff}a");
}

// xlsx_ingest (`fuzz/findings/xlsx_ingest-leading-feff`): the same in a workbook. A sheet's cell
// of U+FEFF alone (A8, the fuzzer's input) was read as a missing value when a sample of the
// first record decided its column; and a first cell (A1) starting with U+FEFF lost it in both
// readings, taken for the byte order mark of the CSV the sheet is converted to.
#[test]
fn a_workbook_cell_starting_with_u_feff_keeps_it_whatever_the_sample() {
    use segscope_engine::ingest::read_table_sampled;
    use segscope_engine::table::ColumnData;
    let book = |a1: &str| {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(7, 0, "\u{feff}").unwrap();
        sheet.write_boolean(1, 1, true).unwrap();
        sheet.write_string(0, 0, a1).unwrap();
        workbook.save_to_buffer().unwrap()
    };
    for a1 in ["0", "\u{feff}0"] {
        let bytes = book(a1);
        let whole = read_table_sampled("x.xlsx", &bytes, &ReadOptions::default(), usize::MAX, &mut Quiet).unwrap();
        let column = &whole.table.columns[0];
        assert_eq!(column.name, a1);
        let ColumnData::Text(values) = &column.data else { panic!("{column:?}") };
        assert_eq!(values, &[None, Some("\u{feff}".to_string())]);
        for sample in 1..=2 {
            let got = read_table_sampled("x.xlsx", &bytes, &ReadOptions::default(), sample, &mut Quiet).unwrap();
            assert_eq!(got, whole, "sample of {sample}, A1 {a1:?}");
        }
    }
}

/// The aggregates of the transactions in `csv` (a sample of `sample` records deciding the types) as
/// text: the join report, the aggregate columns of every key, the latest day and the rows left out.
fn transactions_summary(csv: &str, sample: usize) -> String {
    use segscope_engine::customers::{choose_mapping, join, read_transactions, MappingOverrides};
    let choose = |t: &_| choose_mapping(t, None, None, &MappingOverrides::default());
    let bytes = csv.as_bytes();
    let read =
        read_transactions("t.csv", bytes, bytes.len() as u64, &ReadOptions::default(), sample, choose, &mut Quiet)
            .unwrap();
    let a = read.aggregates;
    let keys: Vec<Option<String>> = a.keys().into_iter().map(Some).collect();
    let (columns, report) = join(&a, &keys);
    format!("{report:?}\n{columns:?}\n{:?}\n{:?}", a.latest(), a.left_out())
}

// rfm_transactions (`fuzz/findings/rfm_transactions-too-large-at-one-scale`): whether an amount
// is too large to add up exactly (2^63 units of its last decimal) was decided at the decimals the
// sample gave its column. The whole column has `0.00`, so -6,944,656,592,455,360,609 is 6.9 × 10^20
// units of a cent and was left out; a sample of the first record read it as a whole number and
// added it up. Whether such an amount (9 × 10^9 or more) fits at the column's decimals is now
// decided when the whole column has been read, and the totals are at the column's decimals
// however the file was read (here with the 2-decimal amount on a row without a key).
#[test]
fn an_amount_too_large_at_its_columns_decimals_is_left_out_whatever_the_sample() {
    let csv = "customer_id,order_id,order_date,amount\n\
        C6,O105,2020-12-29,-6944656592455360609\n\
        ,,2020-01-01,0.00\n"; // the fuzzer's input
    let whole = transactions_summary(csv, usize::MAX);
    assert!(whole.contains("line 2: an amount too large to add up exactly"), "{whole}");
    assert_eq!(transactions_summary(csv, 1), whole);

    // The same amount among others, and the decimals of a row left out: sums at the column's 2.
    let csv = "customer_id,order_id,order_date,amount\n\
        C1,O1,2020-01-02,5\n\
        C6,O105,2020-12-29,-6944656592455360609\n\
        C6,O106,2020-12-30,12000000000\n\
        C2,O2,2020-01-03,4.5\n\
        ,,2020-01-01,0.00\n\
        C1,O3,2020-01-04,92233720368547758\n";
    let whole = transactions_summary(csv, usize::MAX);
    assert!(whole.contains("line 3: an amount too large to add up exactly"), "{whole}");
    assert!(whole.contains("line 7: an amount too large to add up exactly"), "{whole}");
    assert!(whole.contains("Decimal { values: [Some(5.0), Some(4.5), Some(12000000000.0)], scale: 2 }"), "{whole}");
    for sample in 1..=6 {
        assert_eq!(transactions_summary(csv, sample), whole, "sample of {sample}");
    }
}

/// The warnings of reading the transactions in `csv` with a sample of `sample` records.
fn transactions_warnings(csv: &str, sample: usize) -> Vec<ImportWarning> {
    use segscope_engine::customers::{choose_mapping, read_transactions, MappingOverrides};
    let choose = |t: &_| choose_mapping(t, None, None, &MappingOverrides::default());
    let bytes = csv.as_bytes();
    read_transactions("t.csv", bytes, bytes.len() as u64, &ReadOptions::default(), sample, choose, &mut Quiet)
        .unwrap()
        .sample
        .diagnostics
        .warnings
}

// rfm_transactions (`fuzz/findings/rfm_transactions-decimal-comma-after-the-sample`): after the
// sample, cells are read with the conventions the sample decided, so `"1234,5"` after a sample of
// whole amounts does not read there, while the whole column decides a decimal comma. A file far
// larger than memory cannot be read twice to find out; as DuckDB's and pandas' chunked readers do,
// the sample decides, and what does not read is reported: the row is left out, and the warning
// names the column, how many values and their lines, instead of the row vanishing unexplained.
#[test]
fn an_amount_after_the_sample_that_does_not_read_as_the_sample_decided_is_reported_with_its_line() {
    let csv = "customer_id,order_date,amount\n\
        C1,2024-01-05,12\n\
        C2,2024-01-06,\"1234,5\"\n";
    assert!(transactions_warnings(csv, usize::MAX).is_empty(), "the whole column reads a decimal comma");
    let sampled = transactions_warnings(csv, 1);
    let [ImportWarning::UnreadableValues { column, count, examples, .. }] = sampled.as_slice() else {
        panic!("one warning about the amount: {sampled:?}");
    };
    assert_eq!((column.as_str(), *count), ("amount", 1));
    assert_eq!((examples[0].line, examples[0].found.as_str()), (3, "1234,5"));
    assert!(transactions_summary(csv, 1).contains("line 3"), "the row left out is listed");
}

// rfm_transactions (`fuzz/findings/rfm_transactions-number-like-key-after-the-sample`): a key such
// as `(12.50)` after a sample of whole-number keys was widened to a decimal after the sample (a
// negative amount in accountants' brackets), so its row had no key; the whole column (with `007`, an
// identifier) is text and it is a key. Keys and order ids after the sample that are not the
// sample's type are their text.
#[test]
fn a_number_like_key_after_the_sample_is_a_key_whatever_the_sample() {
    let csv = "customer_id,order_date,amount\n\
        17,2024-01-05,12.00\n\
        (12.50),2024-01-06,3.50\n\
        007,2024-01-07,1.00\n";
    let whole = transactions_summary(csv, usize::MAX);
    assert!(whole.contains("unreadable_rows: 0") && whole.contains("customers_with_transactions: 3"), "{whole}");
    assert_eq!(transactions_summary(csv, 1), whole);
    assert!(transactions_warnings(csv, 1).is_empty(), "a key written so is not an unreadable value");
}

// stream_chunks: a UTF-16 byte order mark (`FE FF`) at the start of a file read with Windows-1252
// chosen. The whole-file reader reads it as the user chose (the mark dropped, the rest Windows-1252
// text: two records); the streaming reader took the mark for UTF-16 and converted the file whole,
// then read Windows-1252 bytes as UTF-8, and the first record was lost. A chosen encoding now wins
// over a mark in both readers.
#[test]
fn a_chosen_encoding_wins_over_a_utf16_mark_in_the_streaming_reader_too() {
    let bytes = b"\xfe\xff\xff\xfe\nu7"; // the fuzzer's input
    for encoding in [TextEncoding::Windows1252, TextEncoding::Utf8] {
        let options = ReadOptions {
            encoding: Some(encoding),
            has_header: false,
            ragged_rows: segscope_engine::ingest::RaggedRows::Keep,
            ..ReadOptions::default()
        };
        let Ok(table) = read_table("t.csv", bytes, &options, &mut Quiet) else {
            // Not UTF-8 after the mark: both readers refuse it (the streaming reader's sample is the file).
            assert!(RowReader::open("t.csv", &bytes[..], bytes.len() as u64, &options, 5, &mut Quiet).is_err());
            continue;
        };
        assert_eq!(table.table.rows(), 2, "{encoding:?}");
        let expected = whole(bytes, &options);
        for sample in 1..=5 {
            assert_eq!(streamed(bytes, &options, sample), expected, "{encoding:?}, sample of {sample}");
        }
    }
}
