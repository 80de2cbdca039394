//! Excel and OpenDocument workbooks (via `calamine`): one sheet written as CSV. Dates stored as
//! Excel serial numbers are written as ISO dates (`2024-03-31`, or `2024-03-31 14:05:00` when they
//! have a time); empty header cells (a merged header keeps its text in the first cell only) are
//! named `column_N` by the CSV reader, as in a CSV file.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use super::{push_record, FileFormat};
use crate::ingest::errors::IngestErrorKind;

/// One sheet as CSV, and the workbook's sheets.
pub(super) struct Sheet {
    pub csv: Vec<u8>,
    pub sheets: Vec<String>,
    pub sheet: String,
}

/// Reads the sheet called `chosen` (the first when `None`) of the workbook in `bytes`.
pub(super) fn to_csv(bytes: &[u8], format: FileFormat, chosen: Option<&str>) -> Result<Sheet, IngestErrorKind> {
    let unreadable = |message: String| IngestErrorKind::Unreadable {
        what: format.label(),
        message,
        advice: "Open it in Excel or LibreOffice and save it again, or save the sheet as CSV and open that.",
    };
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let sheets = workbook.sheet_names();
    let sheet = match chosen {
        Some(name) => sheets
            .iter()
            .find(|s| *s == name)
            .cloned()
            .ok_or_else(|| IngestErrorKind::UnknownSheet { name: name.to_string(), available: list(&sheets) })?,
        None => sheets.first().cloned().ok_or_else(|| unreadable("the workbook has no sheets".into()))?,
    };
    let range = workbook.worksheet_range(&sheet).map_err(|e| unreadable(e.to_string()))?;
    let mut csv = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    for row in range.rows() {
        cells.clear();
        cells.extend(row.iter().map(cell_text));
        if cells.iter().all(String::is_empty) {
            continue;
        }
        push_record(&mut csv, cells.iter().map(String::as_str));
    }
    if csv.is_empty() {
        return Err(IngestErrorKind::EmptySheet { sheet, available: list(&sheets) });
    }
    Ok(Sheet { csv, sheets, sheet })
}

fn list(sheets: &[String]) -> String {
    sheets.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// A cell's value as text.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::Error(e) => e.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if !dt.is_duration() => {
                if t.time() == chrono::NaiveTime::MIN {
                    t.format("%Y-%m-%d").to_string()
                } else {
                    t.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            }
            _ => number_text(dt.as_f64()),
        },
    }
}

/// A number as a person writes it: whole numbers without `.0`, others in their shortest exact form.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_lose_their_point() {
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(-12.5), "-12.5");
        assert_eq!(number_text(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn a_damaged_workbook_says_what_it_is() {
        let err = to_csv(b"PK\x03\x04garbage", FileFormat::Xlsx, None).err().unwrap();
        assert!(matches!(err, IngestErrorKind::Unreadable { what: "Excel workbook (.xlsx)", .. }));
    }
}
