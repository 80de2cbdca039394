//! Which columns a profile compares, and how: numbers, categories (with booleans and text of
//! few values), dates; keys, names, free text and empty columns are skipped with the reason.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use super::params::MAX_LEVELS;
use crate::table::ColumnData;

/// A column the profile does not compare, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedColumn {
    /// The column.
    pub column: String,
    /// Why, as a sentence.
    pub reason: String,
}

/// A category's levels and each row's level.
pub(crate) struct Levels<'a> {
    /// The level names (a category's dictionary, `false`/`true`, or a text column's values).
    pub names: Cow<'a, [String]>,
    /// Per row, the index of its level in `names` (`None` when missing).
    pub codes: Cow<'a, [Option<u32>]>,
    /// True for a boolean column (levels `false` and `true`).
    pub flag: bool,
}

/// How the profile reads one column.
pub(crate) enum Kind<'a> {
    /// Integers and decimals, compared by their distribution.
    Number,
    /// A category, a boolean or text of few values, compared level by level.
    Category(Levels<'a>),
    /// Dates and date-times, summarised as dates.
    Date,
    /// Not compared, with the reason.
    Skipped(String),
}

/// How to profile `data` (the column `name`).
pub(crate) fn classify<'a>(name: &str, data: &'a ColumnData) -> Kind<'a> {
    let present = (0..data.len()).filter(|&r| !data.is_missing(r)).count();
    if present == 0 {
        return Kind::Skipped("it has no values".to_string());
    }
    match data {
        ColumnData::Integer(values) if looks_like_identifier(name) && all_distinct(values) => Kind::Skipped(
            "its name says it is an identifier and every value is different, so it is a key, not a trait".to_string(),
        ),
        ColumnData::Integer(_) | ColumnData::Decimal { .. } => Kind::Number,
        ColumnData::Date(_) | ColumnData::Datetime(_) => Kind::Date,
        ColumnData::Boolean(values) => Kind::Category(Levels {
            names: Cow::Owned(vec!["false".to_string(), "true".to_string()]),
            codes: Cow::Owned(values.iter().map(|v| v.map(u32::from)).collect()),
            flag: true,
        }),
        ColumnData::Categorical { dictionary, codes } => {
            let mut used = vec![false; dictionary.len()];
            for c in codes.iter().flatten() {
                if let Some(u) = used.get_mut(*c as usize) {
                    *u = true;
                }
            }
            let distinct = used.iter().filter(|u| **u).count();
            if distinct > MAX_LEVELS {
                return Kind::Skipped(too_many(distinct));
            }
            Kind::Category(Levels { names: Cow::Borrowed(dictionary), codes: Cow::Borrowed(codes), flag: false })
        }
        ColumnData::Text(values) => text_levels(values, present),
    }
}

/// Text of at most [`MAX_LEVELS`] values, each seen at least twice on average, as a category.
fn text_levels(values: &[Option<String>], present: usize) -> Kind<'_> {
    let mut index: HashMap<&str, u32> = HashMap::default();
    let mut codes = Vec::with_capacity(values.len());
    for v in values {
        let code = match v.as_deref().map(str::trim) {
            Some(text) => {
                let next = index.len() as u32;
                let code = *index.entry(text).or_insert(next);
                if index.len() > MAX_LEVELS {
                    return Kind::Skipped(format!(
                        "it is text with more than {MAX_LEVELS} different values (a key, a name or free text)"
                    ));
                }
                Some(code)
            }
            None => None,
        };
        codes.push(code);
    }
    // Saturating is exact here: a product beyond usize::MAX is above `present` too.
    if index.len().saturating_mul(2) > present {
        return Kind::Skipped(
            "it is text in which most values appear only once (a key, a name or free text)".to_string(),
        );
    }
    let mut names = vec![String::new(); index.len()];
    for (text, code) in index {
        if let Some(slot) = names.get_mut(code as usize) {
            *slot = text.to_string();
        }
    }
    Kind::Category(Levels { names: Cow::Owned(names), codes: Cow::Owned(codes), flag: false })
}

fn too_many(distinct: usize) -> String {
    format!(
        "it has {} different values, more than the {MAX_LEVELS} a profile compares level by level",
        crate::format::count(distinct as u64)
    )
}

/// True for names such as `id`, `customer_id`, `customerId`, `order key`.
fn looks_like_identifier(name: &str) -> bool {
    super::sensitive::name_words(name).last().is_some_and(|w| matches!(w.as_str(), "id" | "key" | "uuid" | "guid"))
}

fn all_distinct(values: &[Option<i64>]) -> bool {
    let mut v: Vec<i64> = values.iter().flatten().copied().collect();
    v.sort_unstable();
    v.iter().zip(v.iter().skip(1)).all(|(a, b)| a != b)
}

/// The number columns, as a message lists what exists.
pub(crate) fn list_numbers(columns: &[(&str, &ColumnData)]) -> String {
    let names: Vec<String> = columns
        .iter()
        .filter(|(_, d)| matches!(d, ColumnData::Integer(_) | ColumnData::Decimal { .. }))
        .map(|(n, _)| format!("`{n}`"))
        .collect();
    if names.is_empty() {
        "(there are no number columns)".to_string()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(values: &[&str]) -> ColumnData {
        ColumnData::Text(values.iter().map(|v| (!v.is_empty()).then(|| v.to_string())).collect())
    }

    fn reason(kind: Kind<'_>) -> String {
        match kind {
            Kind::Skipped(r) => r,
            _ => panic!("not skipped"),
        }
    }

    #[test]
    fn text_of_few_repeated_values_is_a_category() {
        let data = text(&["Lyon", "Ghent", "Lyon", "", "Ghent", "Lyon"]);
        let Kind::Category(levels) = classify("city", &data) else { panic!("not a category") };
        assert_eq!(levels.names.as_ref(), ["Lyon", "Ghent"]);
        assert_eq!(levels.codes.as_ref(), [Some(0), Some(1), Some(0), None, Some(1), Some(0)]);
    }

    #[test]
    fn keys_and_names_are_skipped_with_the_reason() {
        let names = text(&["Ann", "Bob", "Cy", "Dee"]);
        assert_eq!(
            reason(classify("name", &names)),
            "it is text in which most values appear only once (a key, a name or free text)"
        );
        let many: Vec<String> = (0..=MAX_LEVELS).flat_map(|i| [format!("v{i}"), format!("v{i}")]).collect();
        let many = ColumnData::Text(many.into_iter().map(Some).collect());
        assert_eq!(
            reason(classify("code", &many)),
            "it is text with more than 50 different values (a key, a name or free text)"
        );
    }

    #[test]
    fn categories_with_too_many_levels_are_skipped() {
        let dictionary: Vec<String> = (0..60).map(|i| format!("r{i:02}")).collect();
        let codes = (0..120).map(|i| Some(i % 60)).collect();
        let data = ColumnData::Categorical { dictionary, codes };
        assert_eq!(
            reason(classify("region", &data)),
            "it has 60 different values, more than the 50 a profile compares level by level"
        );
    }

    #[test]
    fn integer_identifiers_are_skipped_but_integer_traits_are_numbers() {
        let ids = ColumnData::Integer(vec![Some(3), Some(1), Some(2)]);
        assert!(matches!(classify("customerId", &ids), Kind::Skipped(_)));
        assert!(matches!(classify("visits", &ids), Kind::Number));
        let repeated = ColumnData::Integer(vec![Some(3), Some(3)]);
        assert!(matches!(classify("store_id", &repeated), Kind::Number));
    }

    #[test]
    fn booleans_are_two_level_flags_and_empty_columns_are_skipped() {
        let data = ColumnData::Boolean(vec![Some(true), None, Some(false)]);
        let Kind::Category(levels) = classify("opt_in", &data) else { panic!("not a category") };
        assert!(levels.flag);
        assert_eq!(levels.codes.as_ref(), [Some(1), None, Some(0)]);
        assert_eq!(reason(classify("x", &ColumnData::Decimal { values: vec![None], scale: 0 })), "it has no values");
    }
}
