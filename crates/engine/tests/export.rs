//! The annotated CSV export passes every input byte through and appends one segment column.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use proptest::prelude::*;
use segscope_engine::export::write_annotated_csv;
use segscope_engine::ingest::{read_table, RaggedRows, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::split::{split, SplitParams};
use segscope_engine::table::Table;

fn export(table: &Table, column: &str) -> Vec<u8> {
    let params = SplitParams { column: column.into(), ..SplitParams::default() };
    let assignment = split(table, &params.check(table).unwrap(), &mut Quiet).unwrap();
    let mut out = Vec::new();
    write_annotated_csv(table, &assignment, "segment", &mut out, &mut Quiet).unwrap();
    out
}

fn read(bytes: &[u8], options: &ReadOptions) -> Table {
    read_table("t.csv", bytes, options, &mut Quiet).unwrap().table
}

/// Parses CSV bytes into records of strings (lossy UTF-8), as any CSV reader would.
fn parse(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes);
    r.byte_records().map(|rec| rec.unwrap().iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()).collect()
}

#[test]
fn crlf_quotes_and_embedded_newlines_pass_through() {
    let input = include_bytes!("data/rfc4180.csv");
    let out = export(&read(input, &ReadOptions::default()), "name");
    let expected = "customer_id,name,note,amount,segment\r\n\
        00017,\"Smith, Jane\",\"said \"\"hi\"\"\",12.50,\"Smith, Jane\"\r\n\
        00018,Bob,\"two\r\nlines\",3,Bob\r\n\
        00019,Ann,,0.25,Ann\r\n";
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn bom_and_windows_1252_bytes_are_kept() {
    let input = include_bytes!("data/latin1.csv");
    let out = export(&read(input, &ReadOptions::default()), "city");
    assert_eq!(&out[..], b"id,name,city,segment\n1,Jos\xe9,M\xfcnchen,M\xfcnchen\n2,Fran\xe7ois,Z\xfcrich,Z\xfcrich\n3,\x80 price,Paris,Paris\n");
    let input = include_bytes!("data/bom_utf8.csv");
    let out = export(&read(input, &ReadOptions::default()), "id");
    assert!(out.starts_with(b"\xef\xbb\xbfid,name,segment\n"));
}

#[test]
fn short_rows_are_padded_so_the_segment_lines_up_and_skipped_rows_stay_out() {
    let input = include_bytes!("data/ragged.csv");
    let out = export(&read(input, &ReadOptions::default()), "id");
    assert_eq!(String::from_utf8(out).unwrap(), "id,a,b,segment\n1,x,y,1\n2,x,,2\n3,x,y,z,3\n4,x,y,4\n");
    let skip = ReadOptions { ragged_rows: RaggedRows::Skip, ..ReadOptions::default() };
    let out = export(&read(input, &skip), "id");
    assert_eq!(String::from_utf8(out).unwrap(), "id,a,b,segment\n1,x,y,1\n4,x,y,4\n");
}

#[test]
fn a_last_line_without_terminator_gets_none() {
    let out = export(&read(b"id;v\n1;a\n2;b", &ReadOptions::default()), "v");
    assert_eq!(String::from_utf8(out).unwrap(), "id;v;segment\n1;a;a\n2;b;b");
}

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9 ]{0,6}",
        "[a-z,;\"]{1,5}",
        "[a-z]{1,3}\r?\n[a-z]{0,3}",
        "(é|ü|€|日本|😀){1,2}",
        Just(String::new()),
        Just("NA".to_string()),
    ]
}

fn write_field(f: &str, delimiter: char) -> String {
    if f.contains([delimiter, '"', '\n', '\r']) || f.starts_with(' ') {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the values, quoting and line endings: reading the export back gives every input
    /// record unchanged plus its segment, and the bytes grow only by the appended fields.
    #[test]
    fn export_is_input_plus_one_column(
        rows in prop::collection::vec(prop::collection::vec(field(), 3), 1..12),
        crlf in any::<bool>(),
        trailing in any::<bool>(),
        semicolon in any::<bool>(),
    ) {
        let (d, t) = (if semicolon { ';' } else { ',' }, if crlf { "\r\n" } else { "\n" });
        let mut input = format!("alpha{d}beta{d}gamma");
        for row in &rows {
            input.push_str(t);
            input.push_str(&row.iter().map(|f| write_field(f, d)).collect::<Vec<_>>().join(&d.to_string()));
        }
        if trailing {
            input.push_str(t);
        }
        let options = ReadOptions { delimiter: Some(d as u8), ..ReadOptions::default() };
        let table = match read_table("p.csv", input.as_bytes(), &options, &mut Quiet) {
            Ok(i) => i.table,
            // Rows whose only field is empty are blank lines, which CSV readers skip.
            Err(e) => { prop_assume!(false, "{}", e); unreachable!() }
        };
        prop_assume!(table.rows() == rows.len());
        let out = export(&table, "beta");
        let before = parse(input.as_bytes(), d as u8);
        let after = parse(&out, d as u8);
        prop_assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            prop_assert_eq!(&a[..a.len() - 1], &b[..]);
        }
        prop_assert_eq!(after[0].last().unwrap(), "segment");
        let added: usize = after.iter().map(|a| 1 + write_field(a.last().unwrap(), d).len()).sum();
        prop_assert_eq!(out.len(), input.len() + added);
    }
}

#[test]
fn currencies_month_names_and_offsets_pass_through_unchanged() {
    for input in [&include_bytes!("data/retail_values.csv")[..], &include_bytes!("data/shopify_orders.csv")[..]] {
        let table = read(input, &ReadOptions::default());
        let name = table.columns.first().unwrap().name.clone();
        let out = export(&table, &name);
        // Every input record, byte for byte, then `,` and the segment.
        let text = String::from_utf8(out).unwrap();
        for (line_in, line_out) in String::from_utf8(input.to_vec()).unwrap().lines().zip(text.lines()) {
            assert!(line_out.starts_with(line_in) && line_out.len() > line_in.len(), "{line_in} → {line_out}");
        }
        assert_eq!(text.lines().count(), input.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count());
        for r in 0..table.rows() {
            let fields = parse(input, b',').get(r + 1).cloned().unwrap();
            assert_eq!(table.original_row(r), fields);
        }
    }
}
