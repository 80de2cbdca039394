//! Conditions: tests on one column, and groups of conditions nested to any depth.

use serde::{Deserialize, Serialize};
use serde_json::Number;

use crate::typed::Typed;

/// A number in a condition: as written in a file, or as typed in the rule builder (text the
/// check reads, see [`super::check`]; saved definitions hold the number read).
pub type TypedNumber = Typed<Number>;

/// Which ends of a `between` range are included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Inclusive {
    /// `min ≤ x ≤ max` (the default).
    #[default]
    Both,
    /// `min < x < max`.
    Neither,
    /// `min ≤ x < max`.
    Lower,
    /// `min < x ≤ max`.
    Upper,
}

impl Inclusive {
    fn is_both(&self) -> bool {
        *self == Inclusive::Both
    }

    /// Whether the lower and upper bounds are included.
    pub fn ends(self) -> (bool, bool) {
        match self {
            Inclusive::Both => (true, true),
            Inclusive::Neither => (false, false),
            Inclusive::Lower => (true, false),
            Inclusive::Upper => (false, true),
        }
    }
}

/// The unit of an "in the last N" test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Calendar days.
    Days,
    /// Calendar months.
    Months,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What a test checks about one column's value. Which operators fit which column type is
/// checked against the data (see [`super::check`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// Number equals.
    Eq {
        /// The number.
        value: TypedNumber,
    },
    /// Number differs.
    Ne {
        /// The number.
        value: TypedNumber,
    },
    /// Number is less than.
    Lt {
        /// The number.
        value: TypedNumber,
    },
    /// Number is at most.
    Le {
        /// The number.
        value: TypedNumber,
    },
    /// Number is more than.
    Gt {
        /// The number.
        value: TypedNumber,
    },
    /// Number is at least.
    Ge {
        /// The number.
        value: TypedNumber,
    },
    /// Number or date within a range.
    Between {
        /// Lower bound: a number (or a number as typed, in quotes) for number columns, a date
        /// `YYYY-MM-DD` for date columns.
        min: serde_json::Value,
        /// Upper bound.
        max: serde_json::Value,
        /// Which bounds are included (default both).
        #[serde(default, skip_serializing_if = "Inclusive::is_both")]
        inclusive: Inclusive,
    },
    /// The value is missing.
    IsMissing,
    /// The value is present.
    IsNotMissing,
    /// Text or category equals.
    Is {
        /// The value.
        value: String,
        /// Ignore letter case.
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// Text or category differs.
    IsNot {
        /// The value.
        value: String,
        /// Ignore letter case.
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// Text or category is one of the values.
    AnyOf {
        /// The values.
        values: Vec<String>,
        /// Ignore letter case.
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// Text or category is none of the values.
    NoneOf {
        /// The values.
        values: Vec<String>,
        /// Ignore letter case.
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// Text contains.
    Contains {
        /// The text to find.
        value: String,
        /// Ignore letter case.
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// Text starts with.
    StartsWith {
        /// The start.
        value: String,
        /// Ignore letter case.
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// Text ends with.
    EndsWith {
        /// The end.
        value: String,
        /// Ignore letter case.
        #[serde(default, skip_serializing_if = "is_false")]
        case_insensitive: bool,
    },
    /// Date is before (not on) a date.
    Before {
        /// `YYYY-MM-DD`.
        date: String,
    },
    /// Date is after (not on) a date.
    After {
        /// `YYYY-MM-DD`.
        date: String,
    },
    /// Date is within the last `n` days or months before the as-of date (the as-of day excluded).
    InLast {
        /// How many: 1 to 36500 days or 1 to 1200 months ([`super::IN_LAST_DAYS`], [`super::IN_LAST_MONTHS`]).
        n: Typed<u32>,
        /// Days or months.
        unit: Unit,
    },
    /// Boolean is true.
    IsTrue,
    /// Boolean is false.
    IsFalse,
}

impl Op {
    /// The operator's name as written in files (`gt`, `any_of`...).
    pub fn name(&self) -> &'static str {
        match self {
            Op::Eq { .. } => "eq",
            Op::Ne { .. } => "ne",
            Op::Lt { .. } => "lt",
            Op::Le { .. } => "le",
            Op::Gt { .. } => "gt",
            Op::Ge { .. } => "ge",
            Op::Between { .. } => "between",
            Op::IsMissing => "is_missing",
            Op::IsNotMissing => "is_not_missing",
            Op::Is { .. } => "is",
            Op::IsNot { .. } => "is_not",
            Op::AnyOf { .. } => "any_of",
            Op::NoneOf { .. } => "none_of",
            Op::Contains { .. } => "contains",
            Op::StartsWith { .. } => "starts_with",
            Op::EndsWith { .. } => "ends_with",
            Op::Before { .. } => "before",
            Op::After { .. } => "after",
            Op::InLast { .. } => "in_last",
            Op::IsTrue => "is_true",
            Op::IsFalse => "is_false",
        }
    }
}

/// A condition: a test on one column, or a group of conditions.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every condition holds (AND).
    All(Vec<Condition>),
    /// At least one holds (OR).
    Any(Vec<Condition>),
    /// None holds (NOT ... OR ...).
    None(Vec<Condition>),
    /// At least `k` of the conditions hold.
    AtLeast {
        /// How many must hold: 1 to the number of conditions.
        k: Typed<usize>,
        /// The conditions.
        of: Vec<Condition>,
    },
    /// A test on one column.
    Test {
        /// The column's name.
        column: String,
        /// The test.
        op: Op,
    },
}
