//! Spreadsheet ingest: workbooks built from arbitrary cells (strings, numbers, booleans, dates,
//! formulas, on several sheets), the same with bytes flipped, and any bytes named `.xlsx`, `.xls`
//! or `.ods`. Reading must not panic (a damaged workbook is an error), and the table must not
//! depend on the sample size that decides its column types.
//!
//! Writing a workbook (a zip of a dozen deflated parts) was most of an execution, so workbooks are
//! written once per set of sheets ([`built`]): libFuzzer often changes only the options, the
//! sample size or the bytes flipped, and the same sheets then read from the same bytes.
#![no_main]

use std::cell::RefCell;
use std::collections::HashMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
use segscope_engine::ingest::read_table_sampled;
use segscope_engine::progress::Quiet;
use segscope_fuzz::cells::Cell;
use segscope_fuzz::compare::same;
use segscope_fuzz::options::FuzzOptions;

/// A cell of a workbook.
#[derive(Debug, Arbitrary)]
enum XCell {
    Text(Cell),
    Number(f64),
    Int(i32),
    Bool(bool),
    Date { year: u16, month: u8, day: u8, seconds: u32 },
    Formula(String),
    Blank,
}

#[derive(Debug, Arbitrary)]
struct Sheet {
    name: String,
    /// (row, column, cell), at most 8 rows by 6 columns.
    cells: Vec<(u8, u8, XCell)>,
}

#[derive(Debug, Arbitrary)]
enum Source {
    /// A workbook written by rust_xlsxwriter.
    Built(Vec<Sheet>),
    /// The same, with bytes flipped: (position, xor).
    Damaged(Vec<Sheet>, Vec<(u16, u8)>),
    /// Any bytes, named 0: `.xlsx`, 1: `.xls`, 2: `.ods`.
    Raw(u8, Vec<u8>),
}

#[derive(Debug, Arbitrary)]
struct Input {
    source: Source,
    options: FuzzOptions,
    sample: u8,
}

/// The most sheets, and cells per sheet, a workbook is written with.
const SHEETS: usize = 3;
const CELLS: usize = 48;

/// The most workbooks kept by [`built`] (a few kilobytes each); all are dropped when it is full.
const CACHED: usize = 256;

thread_local! {
    /// Workbooks written lately, by the `Debug` text of the sheets they were written from.
    static BUILT: RefCell<HashMap<String, Option<Vec<u8>>>> = RefCell::new(HashMap::new());
}

/// [`build`], once per set of sheets (only the sheets and cells it writes count).
fn built(sheets: &[Sheet]) -> Option<Vec<u8>> {
    let used: Vec<(&str, &[(u8, u8, XCell)])> =
        sheets.iter().take(SHEETS).map(|s| (s.name.as_str(), s.cells.get(..CELLS).unwrap_or(&s.cells))).collect();
    let key = format!("{used:?}");
    BUILT.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(bytes) = cache.get(&key) {
            return bytes.clone();
        }
        let bytes = build(sheets);
        if cache.len() >= CACHED {
            cache.clear();
        }
        cache.insert(key, bytes.clone());
        bytes
    })
}

/// The workbook's bytes; `None` when the writer refuses a name or a value. The same bytes for the
/// same sheets: the creation date is fixed (the writer takes the clock's otherwise).
fn build(sheets: &[Sheet]) -> Option<Vec<u8>> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2024, 1, 1).ok()?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for sheet in sheets.iter().take(SHEETS) {
        let ws = workbook.add_worksheet();
        if !sheet.name.is_empty() {
            ws.set_name(sheet.name.chars().take(31).collect::<String>()).ok()?;
        }
        for (r, c, cell) in sheet.cells.iter().take(CELLS) {
            let (r, c) = (u32::from(r % 8), u16::from(c % 6));
            match cell {
                XCell::Text(t) => ws.write_string(r, c, t.render()).ok()?,
                XCell::Number(x) => ws.write_number(r, c, *x).ok()?,
                XCell::Int(i) => ws.write_number(r, c, f64::from(*i)).ok()?,
                XCell::Bool(b) => ws.write_boolean(r, c, *b).ok()?,
                XCell::Date { year, month, day, seconds } => {
                    let d = ExcelDateTime::from_ymd(1900 + year % 300, month % 12 + 1, day % 28 + 1).ok()?;
                    if seconds % 2 == 0 {
                        ws.write_datetime_with_format(r, c, &d, &date).ok()?
                    } else {
                        let s = seconds % 86_400;
                        let (h, m) = (u16::try_from(s / 3600).ok()?, u8::try_from(s / 60 % 60).ok()?);
                        let t = d.and_hms(h, m, f64::from(s % 60)).ok()?;
                        ws.write_datetime_with_format(r, c, &t, &datetime).ok()?
                    }
                }
                XCell::Formula(f) => ws.write_formula(r, c, f.chars().take(16).collect::<String>().as_str()).ok()?,
                XCell::Blank => ws.write_blank(r, c, &date).ok()?,
            };
        }
    }
    workbook.save_to_buffer().ok()
}

fuzz_target!(|input: Input| {
    let (name, bytes) = match &input.source {
        Source::Built(sheets) => ("x.xlsx", built(sheets)),
        Source::Damaged(sheets, flips) => {
            let bytes = built(sheets).map(|mut b| {
                let n = b.len();
                for &(at, xor) in flips.iter().take(8) {
                    if let Some(byte) = b.get_mut(usize::from(at) % n.max(1)) {
                        *byte ^= xor;
                    }
                }
                b
            });
            ("x.xlsx", bytes)
        }
        Source::Raw(n, bytes) => (["x.xlsx", "x.xls", "x.ods"][usize::from(n % 3)], Some(bytes.clone())),
    };
    let Some(bytes) = bytes else { return };
    let mut chosen = input.options.clone();
    chosen.types.clear();
    chosen.column_missing = None;
    let options = chosen.to_options(&[]);
    let sample = usize::from(input.sample % 8) + 1;
    let whole = read_table_sampled(name, &bytes, &options, usize::MAX, &mut Quiet);
    let sampled = read_table_sampled(name, &bytes, &options, sample, &mut Quiet);
    match (whole, sampled) {
        (Ok(w), Ok(s)) => same("workbooks read whole and with a sample", &w, &s),
        (Err(w), Err(s)) => same("errors read whole and with a sample", &w.to_string(), &s.to_string()),
        (w, s) => panic!("one reading failed: whole {:?}, sample of {sample} {:?}", w.err(), s.err()),
    }
});
