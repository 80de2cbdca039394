//! Columns whose names suggest special categories of personal data (GDPR article 9): racial or
//! ethnic origin, religious or philosophical beliefs, health (including disability), sex life or
//! sexual orientation, political opinions, trade union membership, and genetic or biometric data.
//! A flag is a prompt to check the lawful basis before segmenting, profiling or exporting by such
//! a column, not a verdict: names are all it reads.

use serde::{Deserialize, Serialize};

/// A special category of personal data (GDPR article 9(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SpecialCategory {
    /// Racial or ethnic origin.
    EthnicOrigin,
    /// Religious or philosophical beliefs.
    Religion,
    /// Health, including disability and medical data.
    Health,
    /// Sex life or sexual orientation.
    SexualOrientation,
    /// Political opinions.
    PoliticalOpinion,
    /// Trade union membership.
    TradeUnion,
    /// Genetic or biometric data.
    GeneticOrBiometric,
}

impl SpecialCategory {
    /// The category in words, as a sentence names it.
    pub fn label(self) -> &'static str {
        match self {
            SpecialCategory::EthnicOrigin => "racial or ethnic origin",
            SpecialCategory::Religion => "religious or philosophical beliefs",
            SpecialCategory::Health => "health or disability",
            SpecialCategory::SexualOrientation => "sex life or sexual orientation",
            SpecialCategory::PoliticalOpinion => "political opinions",
            SpecialCategory::TradeUnion => "trade union membership",
            SpecialCategory::GeneticOrBiometric => "genetic or biometric data",
        }
    }
}

/// A column whose name suggests a special category, with the reason in one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensitiveColumn {
    /// The column.
    pub column: String,
    /// The special category its name suggests.
    pub category: SpecialCategory,
    /// Why it is flagged and what to do, in one sentence.
    pub reason: String,
}

/// A word (or a run of words that must all be present) suggesting a category. Words ending in `*`
/// match any word they begin (`ethnic*`: ethnic, ethnicity).
const PATTERNS: &[(SpecialCategory, &[&str])] = &[
    (SpecialCategory::EthnicOrigin, &["ethnic*"]),
    (SpecialCategory::EthnicOrigin, &["race"]),
    (SpecialCategory::EthnicOrigin, &["racial*"]),
    (SpecialCategory::EthnicOrigin, &["skin", "colour"]),
    (SpecialCategory::EthnicOrigin, &["skin", "color"]),
    (SpecialCategory::Religion, &["relig*"]),
    (SpecialCategory::Religion, &["faith"]),
    (SpecialCategory::Religion, &["belief*"]),
    (SpecialCategory::Religion, &["church*"]),
    (SpecialCategory::Religion, &["denomination"]),
    (SpecialCategory::Health, &["health*"]),
    (SpecialCategory::Health, &["medic*"]),
    (SpecialCategory::Health, &["disab*"]),
    (SpecialCategory::Health, &["handicap*"]),
    (SpecialCategory::Health, &["diagnos*"]),
    (SpecialCategory::Health, &["illness*"]),
    (SpecialCategory::Health, &["disease*"]),
    (SpecialCategory::Health, &["pregnan*"]),
    (SpecialCategory::Health, &["allerg*"]),
    (SpecialCategory::Health, &["bmi"]),
    (SpecialCategory::Health, &["mental"]),
    (SpecialCategory::Health, &["chronic*"]),
    (SpecialCategory::Health, &["hiv"]),
    (SpecialCategory::Health, &["blood", "type"]),
    (SpecialCategory::SexualOrientation, &["sexual*"]),
    (SpecialCategory::SexualOrientation, &["lgbt*"]),
    (SpecialCategory::SexualOrientation, &["sex", "life"]),
    (SpecialCategory::PoliticalOpinion, &["politic*"]),
    (SpecialCategory::PoliticalOpinion, &["voter*"]),
    (SpecialCategory::PoliticalOpinion, &["voting"]),
    (SpecialCategory::PoliticalOpinion, &["party", "affiliation"]),
    (SpecialCategory::TradeUnion, &["trade", "union*"]),
    (SpecialCategory::TradeUnion, &["union", "member*"]),
    (SpecialCategory::TradeUnion, &["unionised"]),
    (SpecialCategory::TradeUnion, &["unionized"]),
    (SpecialCategory::GeneticOrBiometric, &["genetic*"]),
    (SpecialCategory::GeneticOrBiometric, &["dna"]),
    (SpecialCategory::GeneticOrBiometric, &["genom*"]),
    (SpecialCategory::GeneticOrBiometric, &["biometric*"]),
    (SpecialCategory::GeneticOrBiometric, &["fingerprint*"]),
];

/// The lowercase words of a column name: split at anything not a letter or digit and where a
/// lowercase letter meets an uppercase one (`EthnicGroup` → `ethnic`, `group`).
pub(crate) fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

fn matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == pattern,
    }
}

/// The special category a column's name suggests, if any.
pub fn special_category(name: &str) -> Option<SpecialCategory> {
    let words = name_words(name);
    PATTERNS
        .iter()
        .find(|(_, all)| all.iter().all(|p| words.iter().any(|w| matches(p, w))))
        .map(|(category, _)| *category)
}

/// The columns among `names` whose names suggest a special category, in the order given.
///
/// ```
/// use segscope_engine::profile::{sensitive_columns, SpecialCategory};
///
/// let flagged = sensitive_columns(["age", "Religion", "health_score", "trace_id"]);
/// let found: Vec<(&str, SpecialCategory)> = flagged.iter().map(|f| (f.column.as_str(), f.category)).collect();
/// assert_eq!(found, [("Religion", SpecialCategory::Religion), ("health_score", SpecialCategory::Health)]);
/// ```
pub fn sensitive_columns<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<SensitiveColumn> {
    names
        .into_iter()
        .filter_map(|name| {
            let category = special_category(name)?;
            Some(SensitiveColumn {
                column: name.to_string(),
                category,
                reason: format!(
                    "Its name suggests {}, a special category of personal data (GDPR article 9); check you have \
                     a lawful basis before segmenting, profiling or exporting by it.",
                    category.label()
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words_at_separators_and_case() {
        assert_eq!(name_words("EthnicGroup"), ["ethnic", "group"]);
        assert_eq!(name_words("trade-union_member"), ["trade", "union", "member"]);
        assert_eq!(name_words("visits90d"), ["visits90d"]);
        assert_eq!(name_words("customerID"), ["customer", "id"]);
    }

    #[test]
    fn each_special_category_is_recognised() {
        let cases = [
            ("ethnicity", SpecialCategory::EthnicOrigin),
            ("Race", SpecialCategory::EthnicOrigin),
            ("religious_affiliation", SpecialCategory::Religion),
            ("medical_conditions", SpecialCategory::Health),
            ("hasDisability", SpecialCategory::Health),
            ("sexual_orientation", SpecialCategory::SexualOrientation),
            ("political_party", SpecialCategory::PoliticalOpinion),
            ("Trade Union", SpecialCategory::TradeUnion),
            ("union_membership", SpecialCategory::TradeUnion),
            ("dna_test", SpecialCategory::GeneticOrBiometric),
        ];
        for (name, category) in cases {
            assert_eq!(special_category(name), Some(category), "{name}");
        }
    }

    #[test]
    fn words_that_merely_contain_a_term_are_not_flagged() {
        for name in ["trace_id", "embrace", "european_union", "party_size", "gender", "age", "income", "sex"] {
            assert_eq!(special_category(name), None, "{name}");
        }
    }

    #[test]
    fn the_reason_names_the_category_and_what_to_do() {
        let flagged = sensitive_columns(["ethnicity"]);
        assert_eq!(
            flagged[0].reason,
            "Its name suggests racial or ethnic origin, a special category of personal data (GDPR article 9); \
             check you have a lawful basis before segmenting, profiling or exporting by it."
        );
    }
}
