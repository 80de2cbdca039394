//! JSON Lines: one JSON object per line, written as CSV whose columns are the keys in the order
//! first seen. Strings are their text, numbers and booleans as written, `null` an empty (missing)
//! value, nested objects and arrays their JSON text.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::push_record;
use crate::ingest::errors::IngestErrorKind;

/// True when the first non-blank line starts with `{` and ends with `}`.
pub(super) fn looks_like(bytes: &[u8]) -> bool {
    let first = bytes.split(|&b| b == b'\n').map(<[u8]>::trim_ascii).find(|l| !l.is_empty());
    first.is_some_and(|l| l.starts_with(b"{") && l.ends_with(b"}"))
}

/// One line's keys and values, in the order written.
struct Object(Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Object;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    out.push(entry);
                }
                Ok(Object(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The file as CSV text.
pub(super) fn to_csv(bytes: &[u8]) -> Result<Vec<u8>, IngestErrorKind> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(|e| {
        let newlines = bytes.get(..e.valid_up_to()).unwrap_or_default().iter().filter(|&&b| b == b'\n').count();
        // No saturation: at most the count of the bytes.
        IngestErrorKind::InvalidUtf8 { line: (newlines as u64).saturating_add(1) }
    })?;
    let mut keys: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<(usize, String)>> = Vec::new();
    for (line_no, line) in (1u64..).zip(text.lines()) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if !trimmed.starts_with('{') {
            let found: String = trimmed.chars().take(40).collect();
            return Err(IngestErrorKind::JsonLine {
                line: line_no,
                message: format!("`{found}` is not a JSON object"),
            });
        }
        let object: Object = serde_json::from_str(trimmed)
            .map_err(|e| IngestErrorKind::JsonLine { line: line_no, message: e.to_string() })?;
        let mut row = Vec::with_capacity(object.0.len());
        for (key, value) in object.0 {
            let index = match keys.iter().position(|k| *k == key) {
                Some(i) => i,
                None => {
                    let index = keys.len();
                    keys.push(key);
                    index
                }
            };
            row.push((index, cell_text(&value)));
        }
        rows.push(row);
    }
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(bytes.len());
    push_record(&mut out, keys.iter().map(String::as_str));
    let mut cells = vec![String::new(); keys.len()];
    for row in rows {
        cells.iter_mut().for_each(String::clear);
        for (index, value) in row {
            if let Some(cell) = cells.get_mut(index) {
                *cell = value;
            }
        }
        push_record(&mut out, cells.iter().map(String::as_str));
    }
    Ok(out)
}

fn cell_text(value: &RawValue) -> String {
    let raw = value.get();
    match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string()),
        Some(b'n') => String::new(),
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_columns_in_the_order_first_seen() {
        let csv =
            to_csv(b"{\"id\": \"007\", \"spend\": 12.50}\n\n{\"city\": \"Ghent, BE\", \"id\": \"008\"}\n").unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "id,spend,city\n007,12.50,\n008,,\"Ghent, BE\"\n");
    }

    #[test]
    fn nested_values_keep_their_json_and_null_is_missing() {
        let csv = to_csv(b"{\"a\": {\"x\": [1, 2]}, \"b\": null, \"c\": true}\n").unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "a,b,c\n\"{\"\"x\"\": [1, 2]}\",,true\n");
    }

    #[test]
    fn a_line_that_is_not_an_object_names_its_line() {
        let err = to_csv(b"{\"a\": 1}\n[1, 2]\n").unwrap_err();
        assert_eq!(err, IngestErrorKind::JsonLine { line: 2, message: "`[1, 2]` is not a JSON object".into() });
        let err = to_csv(b"{\"a\": 1}\n{\"a\": \n").unwrap_err();
        assert!(matches!(err, IngestErrorKind::JsonLine { line: 2, .. }));
    }
}
