//! A rule definition in words, for reports: how customers are placed, each segment's rule as a
//! sentence a marketer reads ("orders ≥ 5 and last_order_date in the last 90 days"), the derived
//! fields and the as-of date. Operators read as the rule builder's menu labels ([`Op::label`]).

use super::condition::{Condition, Inclusive, Op, Unit};
use super::definition::{Definition, Mode};
use super::derived::{Derived, TenureUnit};
use crate::format;

impl Definition {
    /// The definition in words: one paragraph on how customers are placed, then one line per
    /// segment with its rule, the derived fields and the as-of date.
    ///
    /// ```
    /// use segscope_engine::rules::Definition;
    ///
    /// let def = Definition::from_json(r#"{"format": "segscope.segments/1", "name": "Value tiers",
    ///   "segments": [{"name": "Big", "when": {"all": [{"column": "orders", "op": "ge", "value": 5},
    ///   {"column": "revenue", "op": "gt", "value": 10000}]}}]}"#).unwrap();
    /// assert_eq!(
    ///     def.in_words(),
    ///     "Rule segments “Value tiers”: each customer is in the first segment whose rule they meet, \
    ///      in this order; customers who meet none are in “Everyone else”.\n\
    ///      Big: orders ≥ 5 and revenue > 10,000."
    /// );
    /// ```
    pub fn in_words(&self) -> String {
        let name = self.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let title = name.map_or_else(|| "Rule segments".to_string(), |n| format!("Rule segments “{n}”"));
        let placing = match self.mode {
            Mode::FirstMatch => format!(
                "each customer is in the first segment whose rule they meet, in this order; customers who meet \
                 none are in “{}”.",
                self.remainder.name
            ),
            Mode::Overlapping => {
                "each segment is a flag: a customer is in every segment whose rule they meet, so in several or \
                 none."
                    .to_string()
            }
        };
        let mut lines = vec![format!("{title}: {placing}")];
        lines.extend(self.segments.iter().map(|s| format!("{}: {}.", s.name, condition(&s.condition, false))));
        lines.extend(self.derived.iter().map(derived));
        if let Some(as_of) = &self.as_of {
            lines.push(format!("Dates are counted back from {as_of}."));
        }
        lines.join("\n")
    }
}

/// A condition in words, as a segment's rule reads in [`Definition::in_words`]
/// ("orders ≥ 5 and revenue > 10,000").
pub(crate) fn condition_in_words(c: &Condition) -> String {
    condition(c, false)
}

/// A condition in words; `nested` puts a group of several in brackets.
fn condition(c: &Condition, nested: bool) -> String {
    let group = |items: &[Condition], joint: &str| {
        let words: Vec<String> = items.iter().map(|c| condition(c, true)).collect();
        let text = words.join(joint);
        if nested && words.len() > 1 {
            format!("({text})")
        } else {
            text
        }
    };
    let listed = |items: &[Condition]| items.iter().map(|c| condition(c, true)).collect::<Vec<_>>().join("; ");
    match c {
        Condition::All(items) if items.is_empty() => "everyone".to_string(),
        Condition::All(items) => group(items, " and "),
        Condition::Any(items) => group(items, " or "),
        Condition::None(items) => format!("none of ({})", listed(items)),
        Condition::AtLeast { k, of } => format!("at least {k} of ({})", listed(of)),
        Condition::Test { column, op } => test(column, op),
    }
}

/// A number as a rule shows it: thousands grouped.
fn number(n: &impl std::fmt::Display) -> String {
    format::grouped(n.to_string().trim())
}

/// A bound of a range: a number, or a date as written.
fn bound(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => number(s),
        other => number(other),
    }
}

/// One test in words.
fn test(column: &str, op: &Op) -> String {
    let case = |insensitive: bool| if insensitive { " (any case)" } else { "" };
    let label = op.label();
    match op {
        Op::Eq { value }
        | Op::Ne { value }
        | Op::Lt { value }
        | Op::Le { value }
        | Op::Gt { value }
        | Op::Ge { value } => {
            format!("{column} {label} {}", number(value))
        }
        Op::Between { min, max, inclusive } => {
            let (lo, hi) = (bound(min), bound(max));
            match inclusive {
                Inclusive::Both => format!("{column} from {lo} to {hi}"),
                Inclusive::Neither => format!("{column} above {lo} and below {hi}"),
                Inclusive::Lower => format!("{column} from {lo} to below {hi}"),
                Inclusive::Upper => format!("{column} above {lo} up to {hi}"),
            }
        }
        Op::IsMissing | Op::IsNotMissing | Op::IsTrue | Op::IsFalse => format!("{column} {label}"),
        Op::Is { value, case_insensitive } | Op::IsNot { value, case_insensitive } => {
            format!("{column} {label} “{value}”{}", case(*case_insensitive))
        }
        Op::AnyOf { values, case_insensitive } | Op::NoneOf { values, case_insensitive } => {
            let listed = values.iter().map(|v| format!("“{v}”")).collect::<Vec<_>>().join(", ");
            format!("{column} {label} {listed}{}", case(*case_insensitive))
        }
        Op::Contains { value, case_insensitive }
        | Op::StartsWith { value, case_insensitive }
        | Op::EndsWith { value, case_insensitive } => {
            format!("{column} {label} “{value}”{}", case(*case_insensitive))
        }
        Op::Before { date } | Op::After { date } => format!("{column} {label} {date}"),
        Op::InLast { n, unit } => {
            let unit = match unit {
                Unit::Days => "days",
                Unit::Months => "months",
            };
            format!("{column} {label} {} {unit}", number(n))
        }
    }
}

/// A derived field in words.
fn derived(d: &Derived) -> String {
    match d {
        Derived::Age { name, from } => format!("{name} is the age in whole years on the as-of date, from {from}."),
        Derived::Tenure { name, from, unit } => {
            let unit = match unit {
                TenureUnit::Days => "days",
                TenureUnit::Months => "months",
                TenureUnit::Years => "years",
            };
            format!("{name} is the whole {unit} from {from} to the as-of date.")
        }
        Derived::Bands { name, from, cuts, .. } => {
            format!("{name} is {from} in bands cut at {}.", cuts.text())
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn def(json: &str) -> Definition {
        Definition::from_json(json).unwrap()
    }

    #[test]
    fn nested_groups_are_bracketed_and_lists_quoted() {
        let d = def(r#"{"format": "segscope.segments/1", "mode": "overlapping", "segments": [{"name": "Urban app",
            "when": {"all": [{"column": "channel", "op": "any_of", "values": ["app", "web"]},
            {"any": [{"column": "urbanicity", "op": "is", "value": "Urban"}, {"column": "age", "op": "between",
            "min": 18, "max": 30, "inclusive": "lower"}]}]}}]}"#);
        assert_eq!(
            d.in_words(),
            "Rule segments: each segment is a flag: a customer is in every segment whose rule they meet, so in \
             several or none.\nUrban app: channel is any of “app”, “web” and (urbanicity is “Urban” or age from 18 to \
             below 30)."
        );
    }

    #[test]
    fn relative_dates_derived_fields_and_the_as_of_date_are_said() {
        let d = def(r#"{"format": "segscope.segments/1", "as_of": "2024-06-01",
            "derived": [{"kind": "age", "name": "age", "from": "birth_date"}],
            "segments": [{"name": "Recent", "when": {"at_least": 1, "of": [
              {"column": "last_order_date", "op": "in_last", "n": 90, "unit": "days"},
              {"column": "vip", "op": "is_true"}]}}],
            "remainder": {"name": "Rest"}}"#);
        let words = d.in_words();
        assert!(words.contains("“Rest”"), "{words}");
        assert!(words.contains("Recent: at least 1 of (last_order_date in the last 90 days; vip is true)."), "{words}");
        assert!(words.contains("age is the age in whole years on the as-of date, from birth_date."), "{words}");
        assert!(words.ends_with("Dates are counted back from 2024-06-01."), "{words}");
    }
}
