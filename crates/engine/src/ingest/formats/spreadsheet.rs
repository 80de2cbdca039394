//! Excel and OpenDocument workbooks (via `calamine`): one sheet written as CSV. Dates stored as
//! Excel serial numbers are written as ISO dates (`2024-03-31`, or `2024-03-31 14:05:00` when they
//! have a time); empty header cells (a merged header keeps its text in the first cell only) are
//! named `column_N` by the CSV reader, as in a CSV file.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader, Sheets, XlsxError};

use super::{push_record, FileFormat};
use crate::ingest::errors::IngestErrorKind;

/// One sheet as CSV, and the workbook's sheets.
pub(super) struct Sheet {
    pub csv: Vec<u8>,
    pub sheets: Vec<String>,
    pub sheet: String,
}

/// Reads the sheet called `chosen` (the first when `None`) of the workbook in `bytes`, refused
/// when it would not fit in memory ([`super::workbook_limits`]).
pub(super) fn to_csv(bytes: &[u8], format: FileFormat, chosen: Option<&str>) -> Result<Sheet, IngestErrorKind> {
    let unreadable = |message: String| IngestErrorKind::Unreadable {
        what: format.label(),
        message,
        advice: "Open it in Excel or LibreOffice and save it again, or save the sheet as CSV and open that.",
    };
    super::workbook_limits::check(bytes)?;
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
    let mut csv = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut write_row = |row: &mut dyn Iterator<Item = String>| {
        cells.clear();
        cells.extend(row);
        if !cells.iter().all(String::is_empty) {
            push_record(&mut csv, cells.iter().map(String::as_str));
        }
    };
    // An .xlsx or .xlsb sheet is read cell by cell: calamine's `worksheet_range` lays the sheet out whole, so one
    // value far from the rest (or a damaged cell reference) asked for billions of cells at once.
    let mut cells = Vec::new();
    let mut keep = |(row, column): (u32, u32), value: Data| {
        if value != Data::Empty {
            cells.push((row, column, value));
        }
    };
    if let Sheets::Xlsx(xlsx) = &mut workbook {
        match xlsx.worksheet_cells_reader(&sheet) {
            Ok(mut reader) => {
                while let Some(cell) = reader.next_cell().map_err(|e| unreadable(e.to_string()))? {
                    keep(cell.get_position(), Data::from(cell.get_value().clone()));
                }
            }
            Err(XlsxError::NotAWorksheet(_)) => {} // a chart sheet: no cells
            Err(e) => return Err(unreadable(e.to_string())),
        }
        sparse_rows(cells, &sheet, &mut write_row)?;
    } else if let Sheets::Xlsb(xlsb) = &mut workbook {
        match xlsb.worksheet_cells_reader(&sheet) {
            Ok(mut reader) => {
                while let Some(cell) = reader.next_cell().map_err(|e| unreadable(e.to_string()))? {
                    keep(cell.get_position(), Data::from(cell.get_value().clone()));
                }
            }
            Err(e) => return Err(unreadable(e.to_string())),
        }
        sparse_rows(cells, &sheet, &mut write_row)?;
    } else {
        let range = workbook.worksheet_range(&sheet).map_err(|e| unreadable(e.to_string()))?;
        for row in range.rows() {
            write_row(&mut row.iter().map(cell_text));
        }
    }
    if csv.is_empty() {
        return Err(IngestErrorKind::EmptySheet { sheet, available: list(&sheets) });
    }
    Ok(Sheet { csv, sheets, sheet })
}

/// Cells a sheet read as CSV may span (its rows with values times its columns, from the leftmost
/// to the rightmost value): 2^28, a CSV of at least 256 MB of separators alone, far more than any
/// real sheet of data (Excel's own grid is 2^34 cells, nearly all of them empty in any workbook).
pub const MAX_SHEET_CELLS: u64 = 1 << 28;

/// Columns in Excel's grid (A to XFD).
const EXCEL_COLUMNS: u32 = 16_384;
/// Rows in Excel's grid.
const EXCEL_ROWS: u32 = 1_048_576;

/// Calls `write_row` with each row of `cells` (row, column, value; in any order, the last value of
/// a position kept, as calamine lays them out), from the leftmost column with a value to the
/// rightmost, rows in order.
///
/// # Errors
/// [`IngestErrorKind::SheetTooWide`] when the rows with values times that width pass [`MAX_SHEET_CELLS`].
fn sparse_rows(
    mut cells: Vec<(u32, u32, Data)>,
    sheet: &str,
    write_row: &mut dyn FnMut(&mut dyn Iterator<Item = String>),
) -> Result<(), IngestErrorKind> {
    // Stable: of two values at one position, the later in the file stays last.
    cells.sort_by_key(|&(row, column, _)| (row, column));
    let (Some(left), Some(right)) =
        (cells.iter().map(|c| c.1).min(), cells.iter().max_by_key(|c| c.1).map(|c| (c.0, c.1)))
    else {
        return Ok(());
    };
    // Past Excel's last cell (XFD1048576) only a damaged reference can be (calamine wraps one of many letters).
    if right.1 >= EXCEL_COLUMNS || cells.last().is_some_and(|c| c.0 >= EXCEL_ROWS) {
        return Err(IngestErrorKind::Unreadable {
            what: FileFormat::Xlsx.label(),
            message: format!("the sheet `{sheet}` has a cell reference past Excel's last cell, XFD1048576"),
            advice: "Open it in Excel or LibreOffice and save it again, or save the sheet as CSV and open that.",
        });
    }
    let width = u64::from(right.1.saturating_sub(left)).saturating_add(1);
    let mut rows: u64 = 0;
    let mut last_row = None;
    for &(row, ..) in &cells {
        if last_row != Some(row) {
            rows = rows.saturating_add(1);
            last_row = Some(row);
        }
    }
    if rows.saturating_mul(width) > MAX_SHEET_CELLS {
        return Err(IngestErrorKind::SheetTooWide {
            sheet: sheet.to_string(),
            cell: cell_name(right.0, right.1),
            columns: width,
            rows,
        });
    }
    let width = usize::try_from(width).unwrap_or(usize::MAX); // at most MAX_SHEET_CELLS here
    let mut line: Vec<String> = Vec::with_capacity(width);
    let mut rest = cells.into_iter().peekable();
    while let Some(&(row, ..)) = rest.peek() {
        line.clear();
        line.resize(width, String::new());
        while let Some((_, column, value)) = rest.next_if(|c| c.0 == row) {
            // `column - left` is within `width`: `left` is the least column, `width` spans to the greatest.
            if let Some(slot) = usize::try_from(column.saturating_sub(left)).ok().and_then(|i| line.get_mut(i)) {
                *slot = cell_text(&value);
            }
        }
        write_row(&mut line.drain(..));
    }
    Ok(())
}

/// A cell's name as a spreadsheet shows it (`XFD1048576`) from its 0-based row and column.
pub(super) fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(column).saturating_add(1);
    while n > 0 {
        let digit = (n.saturating_sub(1)) % 26;
        letters.push(char::from(b'A'.saturating_add(u8::try_from(digit).unwrap_or(0))));
        n = (n.saturating_sub(1)) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), u64::from(row).saturating_add(1))
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
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(9, 25), "Z10");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn a_damaged_workbook_says_what_it_is() {
        let err = to_csv(b"PK\x03\x04garbage", FileFormat::Xlsx, None).err().unwrap();
        assert!(matches!(err, IngestErrorKind::Unreadable { what: "Excel workbook (.xlsx)", .. }));
    }
}
