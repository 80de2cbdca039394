//! Segment-definition files (`segscope.segments/1`): any bytes. Reading must not panic; a file
//! that reads, written back to JSON and read again, is the same definition; `read_any` reads it
//! the same; checking it against the columns it implies (with and without an as-of date), saving
//! it with its numbers read, and writing its SQL in every dialect must not panic, and the saved
//! form reads back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use segscope_engine::definitions::{read_any, read_rules, AnyDefinition};
use segscope_engine::rules::sql::{select, Dialect};
use segscope_engine::rules::{check, implied_schema, with_numbers};
use segscope_fuzz::compare::same;

fuzz_target!(|bytes: &[u8]| {
    let Ok(def) = read_rules("d.json", bytes) else { return };
    match read_any("d.json", bytes) {
        Ok(AnyDefinition::Rules(any)) => same("read_rules and read_any", &def, &*any),
        other => panic!("read_rules reads it but read_any gives {other:?}"),
    }
    match read_rules("d.json", def.to_json().as_bytes()) {
        Ok(again) => same("a definition and its JSON read again", &def, &again),
        Err(e) => panic!("a definition written back does not read: {e}\n{}", def.to_json()),
    }
    let schema = implied_schema(&def);
    for as_of in [None, Some(19_723)] {
        if let Ok(valid) = check(&def, &schema, as_of) {
            for d in Dialect::ALL {
                let _ = select(&valid, d, "customers", "segment");
            }
        }
    }
    if let Ok(saved) = with_numbers(&def, &schema) {
        match read_rules("d.json", saved.to_json().as_bytes()) {
            Ok(again) => same("a saved definition and its JSON read again", &saved, &again),
            Err(e) => panic!("a saved definition does not read: {e}\n{}", saved.to_json()),
        }
    }
});
