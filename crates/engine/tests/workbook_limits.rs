//! Workbooks that would take more memory to open than there is (issue #17): calamine lays out an
//! `.ods` whole as it opens it, and any zip workbook expands as it is read. Each is refused with a
//! sentence before calamine allocates; real files with the empty repeats LibreOffice writes read.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Write;

use segscope_engine::ingest::{read_table, IngestErrorKind, ReadOptions};
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
    let err = read_table("far.ods", &ods(&(customers() + &far)), &ReadOptions::default(), &mut Quiet).unwrap_err();
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
    let row = format!(
        r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#
    );
    let err = read_table("repeated.ods", &ods(&row.repeat(20_000)), &ReadOptions::default(), &mut Quiet).unwrap_err();
    assert!(matches!(err.kind, IngestErrorKind::SheetTooLarge { columns: 16_384, .. }), "{err:?}");
}

#[test]
fn a_cell_asking_for_billions_of_spaces_is_refused() {
    let row = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="20000000000"/>b</text:p></table:table-cell></table:table-row>"#;
    let err = read_table("spaces.ods", &ods(&(customers() + row)), &ReadOptions::default(), &mut Quiet).unwrap_err();
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
    let err = read_table("bomb.xlsx", &bytes, &ReadOptions::default(), &mut Quiet).unwrap_err();
    assert!(matches!(err.kind, IngestErrorKind::CompressionBomb { .. }), "{err:?}");
    assert!(err.to_string().contains("save the sheet as CSV"), "{err}");
}
