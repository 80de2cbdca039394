//! Saved RFM segmentations (`segscope.rfm/1`: settings, segment map, as-of date): any bytes.
//! Reading and checking must not panic; a file that reads, written back to JSON and read again,
//! is the same definition, and `read_any` reads it the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use segscope_engine::definitions::{read_any, read_rfm, AnyDefinition};
use segscope_fuzz::compare::same;

fuzz_target!(|bytes: &[u8]| {
    let Ok(def) = read_rfm("r.json", bytes) else { return };
    match read_any("r.json", bytes) {
        Ok(AnyDefinition::Rfm(any)) => same("read_rfm and read_any", &def, &*any),
        other => panic!("read_rfm reads it but read_any gives {other:?}"),
    }
    let json = match serde_json::to_vec(&def) {
        Ok(json) => json,
        Err(e) => panic!("a definition read does not write: {e}"),
    };
    match read_rfm("r.json", &json) {
        Ok(again) => same("a definition and its JSON read again", &def, &again),
        Err(e) => panic!("a definition written back does not read: {e}\n{}", String::from_utf8_lossy(&json)),
    }
});
