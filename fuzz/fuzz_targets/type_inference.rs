//! Type inference: files of cells in every shape the inference tells apart (numbers in several
//! styles, money, dates and date-times in many layouts, booleans, missing tokens, text). Reading
//! must not panic; the types decided from any sample size must be those of the whole file; and
//! reading again with every column's type and format pinned (what reading a large file in parts
//! does for every part after the first) must give the same values.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use segscope_engine::ingest::{cell_of, read_table_sampled, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::table::Table;
use segscope_fuzz::cells::CellTable;
use segscope_fuzz::compare::same;
use segscope_fuzz::options::FuzzOptions;

#[derive(Debug, Arbitrary)]
struct Input {
    table: CellTable,
    options: FuzzOptions,
    sample: u8,
}

/// Every cell as the typed value it was read as.
fn values(table: &Table) -> Vec<Vec<String>> {
    (0..table.rows()).map(|r| table.columns.iter().map(|c| format!("{:?}", cell_of(&c.data, r))).collect()).collect()
}

fuzz_target!(|input: Input| {
    let bytes = input.table.csv();
    let mut chosen = input.options.clone();
    chosen.no_header = false;
    chosen.encoding = 0;
    chosen.sheet = None;
    let options = chosen.to_options(&input.table.header());
    let options = ReadOptions { delimiter: Some(input.table.delimiter()), ..options };
    let sample = usize::from(input.sample % 8) + 1;
    let whole = read_table_sampled("t.csv", &bytes, &options, usize::MAX, &mut Quiet);
    let sampled = read_table_sampled("t.csv", &bytes, &options, sample, &mut Quiet);
    let whole = match (whole, sampled) {
        (Ok(w), Ok(s)) => {
            same("tables read whole and with a sample", &w, &s);
            w
        }
        (Err(w), Err(s)) => return same("errors read whole and with a sample", &w.to_string(), &s.to_string()),
        (w, s) => panic!("one reading failed: whole {:?}, sample of {sample} {:?}", w.err(), s.err()),
    };
    // Pinned as `stream` pins the parts after the first: delimiter, every column's type and format.
    let mut pinned = options.clone();
    for c in &whole.table.columns {
        pinned.types.insert(c.name.clone(), c.column_type());
        pinned.formats.insert(c.name.clone(), c.format.clone());
    }
    match read_table_sampled("t.csv", &bytes, &pinned, usize::MAX, &mut Quiet) {
        Ok(again) => {
            same("values read and read again with the types pinned", &values(&whole.table), &values(&again.table))
        }
        Err(e) => panic!("a file read once fails with its own types pinned: {e}"),
    }
});
