//! Workbooks that would take more memory to open than there is, or that calamine would not survive
//! opening (issue #17): calamine lays out an `.ods` or `.xls` whole as it opens it, trusts the
//! positions an `.xls` gives, and any zip workbook expands as it is read. Each is refused with a
//! sentence before calamine allocates; real files (the empty repeats LibreOffice writes, an `.xls`
//! small enough to live in its compound file's mini stream) read.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Write;

use segscope_engine::ingest::{read_table, IngestError, IngestErrorKind, ReadOptions};
use segscope_engine::progress::Quiet;
use zip::write::SimpleFileOptions;

/// A zip of `parts` (name, text), the first stored, the others deflated.
fn zip(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (i, (name, text)) in parts.iter().enumerate() {
        let method = if i == 0 { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        out.start_file(*name, SimpleFileOptions::default().compression_method(method)).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// An OpenDocument spreadsheet of one sheet, `Data`, whose `<table:table>` holds `rows` (XML).
fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Data">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip(&[
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        (
            "META-INF/manifest.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#,
        ),
        ("content.xml", &content),
    ])
}

fn text(value: &str) -> String {
    format!(r#"<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>"#)
}

fn number(value: u32) -> String {
    format!(r#"<table:table-cell office:value-type="float" office:value="{value}"/>"#)
}

/// A header and two customers, each row ending in the empty cells LibreOffice writes to the grid's edge.
fn customers() -> String {
    let end = r#"<table:table-cell table:number-columns-repeated="16382"/>"#;
    format!(
        "<table:table-row>{}{}{end}</table:table-row><table:table-row>{}{}{end}</table:table-row><table:table-row>{}{}{end}</table:table-row>",
        text("customer_id"),
        text("age"),
        text("C1"),
        number(34),
        text("C2"),
        number(41)
    )
}

#[test]
fn an_ods_sheet_with_libreoffice_empty_repeats_to_the_grid_edge_reads() {
    let empty = r#"<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
    let read = read_table("customers.ods", &ods(&(customers() + empty)), &ReadOptions::default(), &mut Quiet).unwrap();
    assert_eq!((read.table.rows(), read.table.columns.len()), (2, 2));
    assert_eq!(read.table.original_row(1), ["C2", "41"]);
}

#[test]
fn a_value_at_the_far_corner_of_an_ods_sheet_is_refused_naming_the_cell() {
    let far = format!(
        r#"<table:table-row table:number-rows-repeated="1048572"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/>{}</table:table-row>"#,
        text("x")
    );
    let err = refusal("far.ods", &ods(&(customers() + &far)));
    assert!(
        matches!(err.kind, IngestErrorKind::SheetTooLarge { ref cell, rows: 1_048_576, columns: 16_384, .. } if cell == "XFD1048576"),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.starts_with("far.ods: the sheet `Data` spans 1048576 rows × 16384 columns"), "{message}");
    assert!(message.contains("clear them") && message.contains("save the sheet as CSV"), "{message}");
}

#[test]
fn a_value_repeated_across_every_column_of_many_rows_is_refused() {
    // 20,000 rows of one value repeated to the grid's edge: 328 million cells from a file of a few kilobytes.
    let row = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
    let err = refusal("repeated.ods", &ods(&row.repeat(20_000)));
    assert!(matches!(err.kind, IngestErrorKind::SheetTooLarge { columns: 16_384, .. }), "{err:?}");
}

#[test]
fn a_cell_asking_for_billions_of_spaces_is_refused() {
    let row = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="20000000000"/>b</text:p></table:table-cell></table:table-row>"#;
    let err = refusal("spaces.ods", &ods(&(customers() + row)));
    assert!(matches!(err.kind, IngestErrorKind::Unreadable { .. }), "{err:?}");
    assert!(err.to_string().contains("20000000000 spaces or more"), "{err}");
}

#[test]
fn a_workbook_part_that_expands_a_thousandfold_is_refused_before_it_is_read() {
    // An .xlsx whose sheet holds 40 MB of spaces between two cells: deflate packs it about a thousandfold.
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>{}</sheetData></worksheet>"#,
        " ".repeat(40 << 20)
    );
    let bytes = zip(&[("[Content_Types].xml", "<Types/>"), ("xl/worksheets/sheet1.xml", &sheet)]);
    assert!(bytes.len() < 200_000, "{}", bytes.len());
    let err = refusal("bomb.xlsx", &bytes);
    assert!(matches!(err.kind, IngestErrorKind::CompressionBomb { .. }), "{err:?}");
    assert!(err.to_string().contains("save the sheet as CSV"), "{err}");
}

/// A file of the hostile corpus (`tests/data/hostile/`, written by its `make.py`).
fn hostile(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../../tests/data/hostile/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// What reading `bytes` as `name` says (the read must fail).
fn refusal(name: &str, bytes: &[u8]) -> IngestError {
    read_table(name, bytes, &ReadOptions::default(), &mut Quiet).unwrap_err()
}

/// `customers.xls` with its directory (sector 1) continuing to sector `next` in the allocation table (sector 0).
fn directory_continuing_to(next: u32) -> Vec<u8> {
    let mut bytes = hostile("customers.xls");
    let entry = 512 + 4;
    bytes[entry..entry + 4].copy_from_slice(&next.to_le_bytes());
    bytes
}

#[test]
fn an_xls_reads_whether_its_data_is_in_whole_sectors_or_the_mini_stream() {
    for name in ["customers.xls", "small_customers.xls"] {
        let read = read_table(name, &hostile(name), &ReadOptions::default(), &mut Quiet).unwrap();
        assert_eq!((read.table.rows(), read.table.columns.len()), (2, 2), "{name}");
        assert_eq!(read.table.original_row(1), ["C2", "DE"], "{name}");
    }
}

#[test]
fn an_xls_value_at_the_last_position_a_record_names_is_refused_naming_the_cell() {
    // calamine laid the sheet out as 65,536 x 65,536 cells: an allocation that aborts.
    let err = refusal("far_cell.xls", &hostile("far_cell.xls"));
    assert!(matches!(err.kind, IngestErrorKind::Unreadable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("its sheet `Data` spans 65536 rows × 65536 columns (out to cell CRXP65536), more than an Excel 97-2003 sheet holds"), "{message}");
}

#[test]
fn an_xls_sheet_said_to_start_past_the_data_is_refused_in_sectors_and_the_mini_stream() {
    // calamine sliced its data from that position: a panic.
    for name in ["sheet_past_the_end.xls", "small_sheet_past_the_end.xls"] {
        let err = refusal(name, &hostile(name));
        assert!(matches!(err.kind, IngestErrorKind::Unreadable { .. }), "{name}: {err:?}");
        assert!(err.to_string().contains("its sheet `Data` is said to start at byte 2147483632"), "{err}");
    }
}

#[test]
fn an_xls_sheet_whose_dimensions_end_before_they_start_is_refused() {
    // calamine's arithmetic wraps to four billion rows, and it reserved room for them.
    let err = refusal("wrapped.xls", &hostile("wrapped_dimensions.xls"));
    assert!(err.to_string().contains("says it holds 8589934584 cells (its Dimensions record)"), "{err}");
}

#[test]
fn an_xls_whose_directory_chain_loops_is_refused() {
    // Sector 1 (the directory) pointing at itself: calamine followed the chain without end.
    let err = refusal("loop.xls", &directory_continuing_to(1));
    assert!(err.to_string().contains("a chain of its sectors loops back on itself"), "{err}");
}

#[test]
fn an_xls_defined_name_shorter_than_its_lengths_is_refused() {
    // calamine read the name's length at byte 3 and its text from byte 14 of a 6-byte record: a panic.
    let err = refusal("name.xls", &hostile("damaged_name.xls"));
    assert!(err.to_string().contains("a record of type 0x0018 is 6 bytes long, too short for what it holds"), "{err}");
}

#[test]
fn an_xls_string_table_or_merged_cells_list_past_its_record_is_refused() {
    // calamine read a count of formatting runs after the last byte, and eight bytes a merged range past the end.
    let err = refusal("strings.xls", &hostile("damaged_strings.xls"));
    assert!(err.to_string().contains("its table of shared strings ends inside a string"), "{err}");
    let err = refusal("merged.xls", &hostile("damaged_merged_cells.xls"));
    assert!(err.to_string().contains("its sheet `Data` lists merged cells past the end of its record"), "{err}");
}

#[test]
fn an_xls_chain_leading_to_the_sector_after_the_file_is_refused() {
    // Found by fuzz/xls_ingest: calamine counts a sector that starts where the file ends as present, and sliced
    // from past the end of what it had read (a panic). The directory (sector 1) continuing to sector 11 of 11.
    let bytes = directory_continuing_to(11);
    assert_eq!(bytes.len(), 11 * 512);
    let err = refusal("short.xls", &bytes);
    assert!(err.to_string().contains("leads to sector 11, past the end of the file"), "{err}");
}

#[test]
fn an_xls_formula_text_counts_at_its_cell_when_the_sheet_is_measured() {
    // Found by fuzz/xls_ingest: a String record (a formula's text) with no formula before it is at A1 for
    // calamine; with one value at 65,536 x 65,536 the sheet was laid out as four billion cells.
    let err = refusal("text.xls", &hostile("formula_text_far.xls"));
    assert!(err.to_string().contains("spans 65536 rows × 65536 columns (out to cell CRXP65536)"), "{err}");
}

#[test]
fn an_xls_whose_short_data_has_no_mini_stream_table_is_refused() {
    // Found by fuzz/xls_ingest: the header counting no sectors of the mini stream's table, calamine looked the
    // second mini sector up in an empty table (a panic).
    let mut bytes = hostile("small_customers.xls");
    bytes[0x40..0x44].copy_from_slice(&0u32.to_le_bytes());
    let err = refusal("no_table.xls", &bytes);
    assert!(err.to_string().contains("its data is in a mini stream that has no table"), "{err}");
}
