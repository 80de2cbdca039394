//! The segment definition file: plain data, serialised as `segscope.segments/1` JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::customers::TransactionMapping;
use crate::table::ColumnType;

use super::condition::{Condition, Op};
use super::derived::Derived;

/// The definition file's format tag and version.
pub const FORMAT: &str = "segscope.segments/1";

/// Whether a customer can be in one segment or several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Segments are tried in order; each customer is in the first that matches, or the remainder.
    #[default]
    FirstMatch,
    /// Each segment is a flag; a customer may be in several segments or none.
    Overlapping,
}

/// The segment for customers no segment matches (first-match mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remainder {
    /// Its name.
    pub name: String,
    /// Its colour (`#rrggbb`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

impl Default for Remainder {
    fn default() -> Self {
        Remainder { name: "Everyone else".to_string(), color: None }
    }
}

/// One named segment and its condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentDef {
    /// Its name, shown to users and written into exports.
    pub name: String,
    /// Its colour (`#rrggbb`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Who is in it.
    #[serde(rename = "when", with = "condition_json")]
    pub condition: Condition,
}

/// A segmentation by rules: ordered named segments and a remainder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Always [`FORMAT`].
    pub format: String,
    /// A name for the whole segmentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// First match or overlapping.
    #[serde(default)]
    pub mode: Mode,
    /// The analysis date (`YYYY-MM-DD`) that "in the last N days" counts back from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The types of the columns the definition was built on, by name; applying it to other
    /// data checks that each still has a compatible type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, ColumnType>,
    /// How a transactions file maps onto the customers, when conditions use per-customer aggregates
    /// (orders, revenue, first/last order date...): applying the definition elsewhere computes them the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions: Option<TransactionMapping>,
    /// Fields computed from columns (age, tenure, bands), usable in conditions by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived: Vec<Derived>,
    /// The segments, in order.
    pub segments: Vec<SegmentDef>,
    /// Customers no segment matches.
    #[serde(default)]
    pub remainder: Remainder,
}

impl Default for Definition {
    fn default() -> Self {
        Definition {
            format: FORMAT.to_string(),
            name: None,
            mode: Mode::FirstMatch,
            as_of: None,
            columns: BTreeMap::new(),
            transactions: None,
            derived: Vec::new(),
            segments: Vec::new(),
            remainder: Remainder::default(),
        }
    }
}

/// Conditions as JSON: groups are `{"all": [...]}`, `{"any": [...]}`, `{"none": [...]}` or
/// `{"at_least": K, "of": [...]}`; tests are `{"column": "age", "op": "gt", "value": 30}`.
mod condition_json {
    use super::*;
    use serde::de::Error as _;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(c: &Condition, s: S) -> Result<S::Ok, S::Error> {
        to_value(c).map_err(serde::ser::Error::custom)?.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Condition, D::Error> {
        let v = Value::deserialize(d)?;
        from_value(&v, "when").map_err(D::Error::custom)
    }

    pub(in crate::rules) fn to_value(c: &Condition) -> Result<Value, serde_json::Error> {
        let mut m = Map::new();
        let list = |cs: &[Condition]| -> Result<Value, serde_json::Error> {
            cs.iter().map(to_value).collect::<Result<Vec<_>, _>>().map(Value::Array)
        };
        match c {
            Condition::All(cs) => {
                m.insert("all".into(), list(cs)?);
            }
            Condition::Any(cs) => {
                m.insert("any".into(), list(cs)?);
            }
            Condition::None(cs) => {
                m.insert("none".into(), list(cs)?);
            }
            Condition::AtLeast { k, of } => {
                m.insert("at_least".into(), serde_json::to_value(k)?);
                m.insert("of".into(), list(of)?);
            }
            Condition::Test { column, op } => {
                m.insert("column".into(), Value::String(column.clone()));
                if let Value::Object(fields) = serde_json::to_value(op)? {
                    m.extend(fields);
                }
            }
        }
        Ok(Value::Object(m))
    }

    pub(in crate::rules) fn from_value(v: &Value, path: &str) -> Result<Condition, String> {
        let Value::Object(m) = v else {
            return Err(format!(
                "{path}: expected an object like {{\"all\": [...]}} or {{\"column\": ..., \"op\": ...}}, found {v}"
            ));
        };
        let list = |key: &str| -> Result<Vec<Condition>, String> {
            match m.get(key) {
                Some(Value::Array(items)) => {
                    items.iter().enumerate().map(|(i, c)| from_value(c, &format!("{path}.{key}[{i}]"))).collect()
                }
                _ => Err(format!("{path}.{key}: expected a list of conditions")),
            }
        };
        let only = |keys: &[&str]| -> Result<(), String> {
            match m.keys().find(|k| !keys.contains(&k.as_str())) {
                Some(extra) => {
                    Err(format!("{path}: unknown field `{extra}` (this kind of condition takes {})", keys.join(", ")))
                }
                None => Ok(()),
            }
        };
        if m.contains_key("column") {
            let column = match m.get("column") {
                Some(Value::String(s)) => s.clone(),
                _ => return Err(format!("{path}.column: expected a column name in quotes")),
            };
            let rest: Map<String, Value> =
                m.iter().filter(|(k, _)| *k != "column").map(|(k, v)| (k.clone(), v.clone())).collect();
            let op: Op =
                serde_json::from_value(Value::Object(rest)).map_err(|e| format!("{path} (column `{column}`): {e}"))?;
            return Ok(Condition::Test { column, op });
        }
        for (key, make) in [
            ("all", Condition::All as fn(Vec<Condition>) -> Condition),
            ("any", Condition::Any),
            ("none", Condition::None),
        ] {
            if m.contains_key(key) {
                only(&[key])?;
                return Ok(make(list(key)?));
            }
        }
        if m.contains_key("at_least") {
            only(&["at_least", "of"])?;
            let k = m
                .get("at_least")
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .ok_or_else(|| format!("{path}.at_least: expected a whole number"))?;
            return Ok(Condition::AtLeast { k, of: list("of")? });
        }
        Err(format!(
            "{path}: expected one of `all`, `any`, `none`, `at_least` or `column`, found fields {}",
            m.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        ))
    }
}

/// An optional condition as JSON, written as [`condition_json`] writes a segment's (`null` or absent: none).
pub(crate) mod optional_condition_json {
    use super::condition_json::{from_value, to_value};
    use super::*;
    use serde::de::Error as _;
    use serde::{Deserializer, Serializer};

    /// Writes the condition, or `null`.
    pub fn serialize<S: Serializer>(c: &Option<Condition>, s: S) -> Result<S::Ok, S::Error> {
        match c {
            Some(c) => to_value(c).map_err(serde::ser::Error::custom)?.serialize(s),
            None => s.serialize_none(),
        }
    }

    /// Reads a condition, or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Condition>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            v => from_value(&v, "where").map(Some).map_err(D::Error::custom),
        }
    }
}

impl Definition {
    /// Reads a definition file.
    ///
    /// # Errors
    /// A message naming the line and column (for malformed JSON and unknown fields) or the
    /// place in the definition (for conditions), and the format version when it is not `/1`.
    pub fn from_json(text: &str) -> Result<Definition, String> {
        let def: Definition = serde_json::from_str(text).map_err(|e| format!("{e}"))?;
        if def.format != FORMAT {
            return Err(format!(
                "this file's format is `{}`, but this version of Segscope reads `{FORMAT}`. Save it again from a matching version, or update Segscope.",
                def.format
            ));
        }
        Ok(def)
    }

    /// Writes the definition in its canonical form: two-space indented JSON, fields in a fixed
    /// order, defaults omitted, and a trailing newline. Reading and writing it again gives the
    /// same bytes.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
