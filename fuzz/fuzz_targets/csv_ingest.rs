//! CSV ingest: any bytes under any read options. Reading must not panic, and (differential) a
//! table whose column types are decided from a sample of 1 to 8 records must be the table that
//! deciding from the whole file gives (`read_table_sampled`'s promise), or fail with the same error.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use segscope_engine::ingest::{read_table_sampled, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_fuzz::compare::same;
use segscope_fuzz::options::FuzzOptions;

#[derive(Debug, Arbitrary)]
struct Input {
    options: FuzzOptions,
    /// The file's name: decides nothing for text but how JSON Lines and misnamed files are told.
    name: u8,
    /// Records in the sample, 1..=8.
    sample: u8,
    bytes: Vec<u8>,
}

const NAMES: [&str; 4] = ["t.csv", "t.tsv", "t.jsonl", "t.txt"];

fuzz_target!(|input: Input| {
    let name = NAMES[usize::from(input.name) % NAMES.len()];
    let sample = usize::from(input.sample % 8) + 1;
    // Types and missing tokens are chosen for columns the file has: their names come from a first reading.
    let plain = input.options.to_options(&[]);
    let mut whole = read_table_sampled(name, &input.bytes, &plain, usize::MAX, &mut Quiet);
    let mut options: ReadOptions = plain;
    if !input.options.types.is_empty() || input.options.column_missing.is_some() {
        if let Ok(read) = &whole {
            let names: Vec<String> = read.table.columns.iter().map(|c| c.name.clone()).collect();
            options = input.options.to_options(&names);
            whole = read_table_sampled(name, &input.bytes, &options, usize::MAX, &mut Quiet);
        }
    }
    let sampled = read_table_sampled(name, &input.bytes, &options, sample, &mut Quiet);
    match (whole, sampled) {
        (Ok(w), Ok(s)) => same("tables read whole and with a sample", &w, &s),
        (Err(w), Err(s)) => same("errors read whole and with a sample", &w.to_string(), &s.to_string()),
        (w, s) => panic!("one reading failed: whole {:?}, sample of {sample} {:?}", w.err(), s.err()),
    }
});
