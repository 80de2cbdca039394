//! Checking a definition against the columns it will run on: every mismatch is reported at once.

use std::ops::RangeBounds;

use rustc_hash::FxHashSet as HashSet;
use serde_json::Number;

use super::condition::{Condition, Inclusive, Op, TypedNumber, Unit};
use super::definition::{Definition, Mode};
use super::derived::{check_derived, read_cuts, Derived, ValidDerived};
use super::errors::{Place, Problem, RulesError};
use crate::ingest::values::{date_shape, DateLayout};
use crate::ingest::DateOrder;
use crate::table::ColumnType;
use crate::typed::{Typed, TypedError};

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `=`
    Eq,
    /// `≠`
    Ne,
    /// `<`
    Lt,
    /// `≤`
    Le,
    /// `>`
    Gt,
    /// `≥`
    Ge,
}

/// A bound of a number or date test: the value on the column's scale and its literal.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// On the column's scale: the number, days since 1970-01-01, or seconds.
    pub x: f64,
    /// The value as SQL needs it: the number's text, or `YYYY-MM-DD` / `YYYY-MM-DD HH:MM:SS`.
    pub literal: String,
}

/// A text test, after case folding.
#[derive(Debug, Clone, PartialEq)]
pub enum TextTest {
    /// Equal to one of these (`is`, `any_of`); `negate` for `is_not` and `none_of`.
    OneOf {
        /// The values, in the definition's order (the SQL lists them so).
        values: Vec<String>,
        /// The same values, looked up per row in constant time: a list of 100,000 customer ids
        /// tested on a million rows stays linear. Made by [`TextTest::one_of`].
        set: HashSet<String>,
        /// True for `is_not`/`none_of`.
        negate: bool,
    },
    /// Contains.
    Contains(String),
    /// Starts with.
    StartsWith(String),
    /// Ends with.
    EndsWith(String),
}

impl TextTest {
    /// Equal to one of `values` (or, with `negate`, to none of them).
    pub fn one_of(values: Vec<String>, negate: bool) -> Self {
        let set = values.iter().cloned().collect();
        TextTest::OneOf { values, set, negate }
    }
}

/// A checked test, tied to a column of the schema it was checked against.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// Every condition holds.
    All(Vec<Check>),
    /// At least one holds.
    Any(Vec<Check>),
    /// None holds.
    None(Vec<Check>),
    /// At least `k` hold.
    AtLeast(usize, Vec<Check>),
    /// A number, date or date-time compared with a bound.
    Compare {
        /// Column index in the schema.
        column: usize,
        /// The comparison.
        cmp: Cmp,
        /// The bound.
        bound: Bound,
    },
    /// A number, date or date-time within a range.
    Range {
        /// Column index.
        column: usize,
        /// Lower bound and whether it is included.
        lo: (Bound, bool),
        /// Upper bound and whether it is included.
        hi: (Bound, bool),
    },
    /// A text or category test.
    Text {
        /// Column index.
        column: usize,
        /// The test.
        test: TextTest,
        /// Compare lower-cased.
        case_insensitive: bool,
    },
    /// A boolean is true (or false).
    Bool {
        /// Column index.
        column: usize,
        /// The value wanted.
        want: bool,
    },
    /// The value is missing (or present).
    Missing {
        /// Column index.
        column: usize,
        /// True for `is_missing`.
        missing: bool,
    },
}

/// A segment whose condition was checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSegment {
    /// Its name.
    pub name: String,
    /// Its checked condition.
    pub check: Check,
}

/// A definition checked against a schema: names resolved, literals typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidDefinition {
    /// First match or overlapping.
    pub mode: Mode,
    /// The segments in order.
    pub segments: Vec<ValidSegment>,
    /// The remainder's name.
    pub remainder: String,
    /// The as-of day (days since 1970-01-01) used by relative date tests.
    pub as_of: Option<i32>,
    /// Derived fields, computed after the data's columns.
    pub derived: Vec<ValidDerived>,
    /// How per-customer aggregates are computed from transactions (for the SQL), when used.
    pub transactions: Option<crate::customers::TransactionMapping>,
    /// The schema: (name, type) per column, the data's then the derived fields', indexed by [`Check`]s.
    pub schema: Vec<(String, ColumnType)>,
}

/// The N of “in the last N days”: 1 day to 100 years, which covers any birth or signup date; a
/// larger N (up to the edge of its type, `i64::MAX` in a file) is refused with this range instead
/// of reaching date arithmetic.
pub const IN_LAST_DAYS: std::ops::RangeInclusive<u32> = 1..=36_500;
/// The N of “in the last N months”: 1 month to 100 years, as [`IN_LAST_DAYS`].
pub const IN_LAST_MONTHS: std::ops::RangeInclusive<u32> = 1..=1_200;

struct Checker {
    schema: Vec<(String, ColumnType)>,
    as_of: Option<i32>,
    problems: Vec<Problem>,
    /// The problems that are typed numbers which are not numbers at all (a copy of each): they
    /// stop a definition from being saved, see [`with_numbers`].
    unreadable: Vec<Problem>,
    segment: String,
    /// The segment's position, for [`Place`].
    index: usize,
}

/// Parses `YYYY-MM-DD` to days since 1970-01-01.
pub fn parse_iso_date(s: &str) -> Option<i32> {
    let shape = date_shape(s)?;
    (shape.layout == DateLayout::YearFirst && shape.time.is_none()).then(|| shape.days(DateOrder::Dmy)).flatten()
}

/// What checking a definition found.
struct Checked {
    /// The definition with every typed number replaced by the number read (where it is one).
    numbers: Definition,
    /// The checked definition, when nothing is wrong.
    valid: Option<ValidDefinition>,
    /// Every problem.
    problems: Vec<Problem>,
    /// The problems that are typed numbers which are not numbers.
    unreadable: Vec<Problem>,
}

/// Checks `def` against the columns of the data it will run on.
///
/// `as_of` is the analysis day to use when the definition does not fix one. Numbers may be
/// typed text ([`crate::typed::Typed`]): the check reads them, each with its allowed range or
/// form in the sentence.
///
/// # Errors
/// [`RulesError::Invalid`] listing every problem: unknown columns, operators that do not fit a
/// column's type, values that are not numbers or dates, reversed ranges, empty groups, a K of
/// `at_least` outside 1 to the group's size, duplicate segment names, an unreadable or missing
/// as-of date for relative tests, an N of “in the last N days/months” outside [`IN_LAST_DAYS`] /
/// [`IN_LAST_MONTHS`], bands with too few or too many cut points.
pub fn check(
    def: &Definition,
    schema: &[(String, ColumnType)],
    as_of: Option<i32>,
) -> Result<ValidDefinition, RulesError> {
    let checked = run(def, schema, as_of);
    match checked.valid {
        Some(valid) if checked.problems.is_empty() => Ok(valid),
        _ => Err(RulesError::Invalid(checked.problems)),
    }
}

/// `def` as it is saved: every number typed as text (a threshold, a range's ends on a number
/// column, the N of “in the last N”, the K of “at least K of”, band cut points) replaced by the
/// number read, so files hold plain numbers. Other problems (an unknown column, a number out of
/// range) do not stop it: a definition being built can be saved and finished later.
///
/// ```
/// use segscope_engine::rules::{with_numbers, Definition};
/// use segscope_engine::table::ColumnType;
///
/// let def = Definition::from_json(r#"{"format": "segscope.segments/1", "segments": [
///   {"name": "Adults", "when": {"column": "age", "op": "ge", "value": " 18 "}}]}"#).unwrap();
/// let saved = with_numbers(&def, &[("age".into(), ColumnType::Integer)]).unwrap();
/// assert!(saved.to_json().contains(r#""value": 18"#));
/// ```
///
/// # Errors
/// [`RulesError::Invalid`] listing the typed values that are not numbers, each as [`check`] says it.
pub fn with_numbers(def: &Definition, schema: &[(String, ColumnType)]) -> Result<Definition, RulesError> {
    let checked = run(def, schema, None);
    if checked.unreadable.is_empty() {
        Ok(checked.numbers)
    } else {
        Err(RulesError::Invalid(checked.unreadable))
    }
}

/// The check itself: walks a copy of `def`, reading typed numbers into it as it goes.
fn run(def: &Definition, schema: &[(String, ColumnType)], as_of: Option<i32>) -> Checked {
    let mut c = Checker {
        schema: schema.to_vec(),
        as_of: None,
        problems: Vec::new(),
        unreadable: Vec::new(),
        segment: "definition".into(),
        index: 0,
    };
    let mut numbers = def.clone();
    c.as_of = match &def.as_of {
        Some(s) => match crate::dates::parse_date(crate::dates::DateField::AsOf, s) {
            Ok(d) => Some(d),
            Err(e) => {
                c.problem("", Place::Definition, e.to_string());
                None
            }
        },
        None => as_of,
    };
    for (name, declared) in &def.columns {
        match schema.iter().find(|(n, _)| n == name) {
            Some((_, actual)) if !compatible(*declared, *actual) => c.problem(
                "",
                Place::Definition,
                format!("column `{name}` is {actual} in this data but {declared} in the definition; choose {declared} for it when reading the file."),
            ),
            _ => {}
        }
    }
    let mut derived = Vec::new();
    for (j, d) in numbers.derived.iter_mut().enumerate() {
        if let Derived::Bands { cuts, .. } = d {
            match read_cuts(cuts) {
                Ok(read) => *cuts = Typed::Value(read),
                Err(e) => {
                    let p = Problem {
                        segment: format!("derived field {}", d.name()),
                        path: String::new(),
                        message: e.to_string(),
                        place: Place::Derived(j),
                    };
                    c.unreadable.push(p.clone());
                    c.problems.push(p);
                    continue;
                }
            }
        }
        if let Some(v) = check_derived(d, j, &c.schema, c.as_of, &mut c.problems) {
            c.schema.push((v.name.clone(), d.column_type()));
            derived.push(v);
        }
    }
    let mut segments = Vec::new();
    for (i, s) in numbers.segments.iter_mut().enumerate() {
        c.segment = s.name.clone();
        c.index = i;
        if s.name.trim().is_empty() {
            c.problem("", Place::Segment(i), format!("segment {} has no name; give it one.", i.saturating_add(1)));
        }
        if def.segments.iter().take(i).any(|o| o.name == s.name)
            || (def.mode == Mode::FirstMatch && s.name == def.remainder.name)
        {
            c.problem("", Place::Segment(i), "another segment has the same name; rename one of them.".into());
        }
        if let Some(check) = c.condition(&mut s.condition, "when", &[]) {
            segments.push(ValidSegment { name: s.name.clone(), check });
        }
    }
    let valid = c.problems.is_empty().then(|| ValidDefinition {
        mode: def.mode,
        segments,
        remainder: def.remainder.name.clone(),
        as_of: c.as_of,
        derived,
        transactions: def.transactions.clone(),
        schema: c.schema,
    });
    Checked { numbers, valid, problems: c.problems, unreadable: c.unreadable }
}

/// Integer and decimal columns are interchangeable for rules; other types must match.
fn compatible(a: ColumnType, b: ColumnType) -> bool {
    let numeric = |t| matches!(t, ColumnType::Integer | ColumnType::Decimal);
    let textual = |t| matches!(t, ColumnType::Categorical | ColumnType::Text);
    a == b || (numeric(a) && numeric(b)) || (textual(a) && textual(b))
}

impl Checker {
    fn problem(&mut self, path: &str, place: Place, message: String) {
        self.problems.push(Problem { segment: self.segment.clone(), path: path.to_string(), message, place });
    }

    /// The place of the condition at `at` in the current segment.
    fn at(&self, at: &[usize]) -> Place {
        Place::Condition { segment: self.index, at: at.to_vec() }
    }

    /// A typed number that is not a number: a problem that also stops saving.
    fn unreadable(&mut self, path: &str, at: &[usize], e: &TypedError) {
        self.problem(path, self.at(at), e.to_string());
        if let Some(p) = self.problems.last() {
            self.unreadable.push(p.clone());
        }
    }

    /// A typed number of any size (kept as JSON writes it), read into `typed`.
    fn number(&mut self, typed: &mut TypedNumber, what: &str, path: &str, at: &[usize]) -> Option<Number> {
        match typed.read_number(what) {
            Ok(n) => {
                *typed = Typed::Value(n.clone());
                Some(n)
            }
            Err(e) => {
                self.unreadable(path, at, &e);
                None
            }
        }
    }

    /// A typed whole number checked against `range`. A whole number out of range is written into
    /// `typed` anyway (it is saved as typed; the check says the range); text that is not a whole
    /// number stays text and stops saving.
    fn whole<T: crate::typed::Number>(
        &mut self,
        typed: &mut Typed<T>,
        what: &str,
        range: impl RangeBounds<T>,
        path: &str,
        at: &[usize],
    ) -> Option<T> {
        let read = typed.read(what, range);
        if let Ok(v) = typed.read(what, ..) {
            *typed = Typed::Value(v);
        }
        match read {
            Ok(v) => Some(v),
            Err(e) if matches!(typed, Typed::Text(_)) => {
                self.unreadable(path, at, &e);
                None
            }
            Err(e) => {
                self.problem(path, self.at(at), e.to_string());
                None
            }
        }
    }

    fn group(&mut self, items: &mut [Condition], path: &str, at: &[usize], key: &str) -> Option<Vec<Check>> {
        if items.is_empty() {
            self.problem(
                path,
                self.at(at),
                format!("the `{key}` group is empty; add a condition or remove the group."),
            );
            return None;
        }
        let checked: Vec<Option<Check>> = items
            .iter_mut()
            .enumerate()
            .map(|(i, c)| {
                let child: Vec<usize> = at.iter().copied().chain([i]).collect();
                self.condition(c, &format!("{path}.{key}[{i}]"), &child)
            })
            .collect();
        checked.into_iter().collect()
    }

    fn condition(&mut self, c: &mut Condition, path: &str, at: &[usize]) -> Option<Check> {
        match c {
            Condition::All(items) => self.group(items, path, at, "all").map(Check::All),
            Condition::Any(items) => self.group(items, path, at, "any").map(Check::Any),
            Condition::None(items) => self.group(items, path, at, "none").map(Check::None),
            Condition::AtLeast { k, of } => {
                let n = of.len();
                let k = if n == 0 {
                    None // the empty group is the problem
                } else {
                    self.whole(
                        k,
                        "K in “at least K of”, at most the number of conditions in the group,",
                        1..=n,
                        path,
                        at,
                    )
                };
                let checked = self.group(of, path, at, "of")?;
                k.map(|k| Check::AtLeast(k, checked))
            }
            Condition::Test { column, op } => self.test(column, op, path, at),
        }
    }

    fn test(&mut self, name: &str, op: &mut Op, path: &str, at: &[usize]) -> Option<Check> {
        let op_name = op.name();
        let path = &format!("{path} (`{name}` {op_name})");
        // Numbers whose kind does not depend on the column are read first, so that a definition
        // being built (an unknown column, say) still saves them as numbers.
        let cmp = match op {
            Op::Eq { .. } => Some(Cmp::Eq),
            Op::Ne { .. } => Some(Cmp::Ne),
            Op::Lt { .. } => Some(Cmp::Lt),
            Op::Le { .. } => Some(Cmp::Le),
            Op::Gt { .. } => Some(Cmp::Gt),
            Op::Ge { .. } => Some(Cmp::Ge),
            _ => None,
        };
        let number = match op {
            Op::Eq { value }
            | Op::Ne { value }
            | Op::Lt { value }
            | Op::Le { value }
            | Op::Gt { value }
            | Op::Ge { value } => self.number(value, &format!("the value `{name}` is compared with"), path, at),
            _ => None,
        };
        let in_last = match op {
            Op::InLast { n, unit } => {
                let (range, unit_name) = match unit {
                    Unit::Days => (IN_LAST_DAYS, "days"),
                    Unit::Months => (IN_LAST_MONTHS, "months"),
                };
                self.whole(n, &format!("N in “in the last N {unit_name}”"), range, path, at)
            }
            _ => None,
        };
        let Some(column) = self.schema.iter().position(|(n, _)| n == name) else {
            let available = self.schema.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            let hint = if crate::customers::is_aggregate(name) {
                " It is computed from a transactions file: add one (in the app, “Add transactions”; on the command line, --transactions)."
            } else {
                ""
            };
            self.problem(path, self.at(at), format!("there is no column `{name}`; the columns are {available}.{hint}"));
            return None;
        };
        let ty = self.schema.get(column).map(|c| c.1).unwrap_or(ColumnType::Text);
        let wrong = |this: &mut Self, fits: &str| {
            this.problem(
                path,
                this.at(at),
                format!("`{op_name}` is for {fits}, but `{name}` is {ty}; choose an operator for {ty} columns."),
            );
            None
        };
        let numeric = matches!(ty, ColumnType::Integer | ColumnType::Decimal);
        let dated = matches!(ty, ColumnType::Date | ColumnType::Datetime);
        let textual = matches!(ty, ColumnType::Categorical | ColumnType::Text);
        match op {
            Op::IsMissing | Op::IsNotMissing => Some(Check::Missing { column, missing: matches!(op, Op::IsMissing) }),
            Op::Eq { .. } | Op::Ne { .. } | Op::Lt { .. } | Op::Le { .. } | Op::Gt { .. } | Op::Ge { .. } => {
                if !numeric {
                    return wrong(self, "numbers");
                }
                let value = number?;
                let bound = Bound { x: value.as_f64().unwrap_or(f64::NAN), literal: value.to_string() };
                Some(Check::Compare { column, cmp: cmp?, bound })
            }
            Op::Between { min, max, inclusive } => {
                if !numeric && !dated {
                    return wrong(self, "numbers and dates");
                }
                let (lo_incl, hi_incl) = inclusive.ends();
                let lo = self.bound(min, ty, path, at, "min");
                let hi = self.bound(max, ty, path, at, "max");
                let (lo, hi) = (lo?, hi?);
                if lo.x > hi.x {
                    self.problem(
                        path,
                        self.at(at),
                        format!("the range is reversed: min {} is above max {}; swap them.", lo.literal, hi.literal),
                    );
                    return None;
                }
                if ty == ColumnType::Datetime {
                    // Whole days: from the start of `min` to the end of `max`.
                    let lo = if lo_incl { day_start(lo.x) } else { day_start(lo.x + 1.0) };
                    let hi = if hi_incl { day_start(hi.x + 1.0) } else { day_start(hi.x) };
                    return Some(Check::Range { column, lo: (lo, true), hi: (hi, false) });
                }
                Some(Check::Range { column, lo: (lo, lo_incl), hi: (hi, hi_incl) })
            }
            Op::Before { date } | Op::After { date } => {
                if !dated {
                    return wrong(self, "dates");
                }
                let day = self.date(date, path, at, "the date")?;
                let after = op_name == "after";
                if ty == ColumnType::Datetime {
                    // No saturation: a typed date has a four-digit year, far inside `i32` days.
                    let (cmp, at) = if after { (Cmp::Ge, day.saturating_add(1)) } else { (Cmp::Lt, day) };
                    return Some(Check::Compare { column, cmp, bound: day_start(f64::from(at)) });
                }
                Some(Check::Compare { column, cmp: if after { Cmp::Gt } else { Cmp::Lt }, bound: day_bound(day) })
            }
            Op::InLast { unit, .. } => {
                if !dated {
                    return wrong(self, "dates");
                }
                let n = in_last?;
                let Some(as_of) = self.as_of else {
                    self.problem(
                        path,
                        self.at(at),
                        "“in the last” counts back from the as-of date, which is not set; set as_of (YYYY-MM-DD)."
                            .into(),
                    );
                    return None;
                };
                let from = match unit {
                    Unit::Days => i32::try_from(n).ok().and_then(|n| as_of.checked_sub(n)),
                    Unit::Months => {
                        let date = crate::ingest::values::date_from_days(as_of);
                        date.checked_sub_months(chrono::Months::new(n))
                            .map(|d| d.signed_duration_since(crate::ingest::values::epoch()).num_days() as i32)
                    }
                };
                let Some(from) = from else {
                    self.problem(
                        path,
                        self.at(at),
                        format!("{n} {unit:?} before the as-of date is out of range; choose a smaller number."),
                    );
                    return None;
                };
                if ty == ColumnType::Datetime {
                    return Some(Check::Range {
                        column,
                        lo: (day_start(f64::from(from)), true),
                        hi: (day_start(f64::from(as_of)), false),
                    });
                }
                Some(Check::Range { column, lo: (day_bound(from), true), hi: (day_bound(as_of), false) })
            }
            Op::Is { value, case_insensitive } | Op::IsNot { value, case_insensitive } => {
                if !textual {
                    return wrong(self, "text and categories");
                }
                let test = TextTest::one_of(vec![fold(value, *case_insensitive)], op_name == "is_not");
                Some(Check::Text { column, test, case_insensitive: *case_insensitive })
            }
            Op::AnyOf { values, case_insensitive } | Op::NoneOf { values, case_insensitive } => {
                if !textual {
                    return wrong(self, "text and categories");
                }
                if values.is_empty() {
                    self.problem(path, self.at(at), "the list of values is empty; pick at least one value.".into());
                    return None;
                }
                let test =
                    TextTest::one_of(values.iter().map(|v| fold(v, *case_insensitive)).collect(), op_name == "none_of");
                Some(Check::Text { column, test, case_insensitive: *case_insensitive })
            }
            Op::Contains { value, case_insensitive }
            | Op::StartsWith { value, case_insensitive }
            | Op::EndsWith { value, case_insensitive } => {
                if !textual {
                    return wrong(self, "text and categories");
                }
                if value.is_empty() {
                    self.problem(path, self.at(at), "the text to look for is empty; type some text.".into());
                    return None;
                }
                let v = fold(value, *case_insensitive);
                let test = match op_name {
                    "contains" => TextTest::Contains(v),
                    "starts_with" => TextTest::StartsWith(v),
                    _ => TextTest::EndsWith(v),
                };
                Some(Check::Text { column, test, case_insensitive: *case_insensitive })
            }
            Op::IsTrue | Op::IsFalse => {
                if ty != ColumnType::Boolean {
                    return wrong(self, "true/false columns");
                }
                Some(Check::Bool { column, want: op_name == "is_true" })
            }
        }
    }

    /// A typed date (`YYYY-MM-DD`); `what` names it in the sentence.
    fn date(&mut self, text: &str, path: &str, at: &[usize], what: &str) -> Option<i32> {
        if text.trim().is_empty() {
            self.problem(path, self.at(at), format!("{what} is empty; choose one (YYYY-MM-DD)."));
            return None;
        }
        let day = parse_iso_date(text.trim());
        if day.is_none() {
            self.problem(path, self.at(at), format!("{what} `{text}` is not a date; write it as YYYY-MM-DD."));
        }
        day
    }

    /// An end of a range: a number (given, or typed and read into `v`) for number columns, a date for
    /// date columns.
    fn bound(
        &mut self,
        v: &mut serde_json::Value,
        ty: ColumnType,
        path: &str,
        at: &[usize],
        which: &str,
    ) -> Option<Bound> {
        let number_bound = |n: &Number| Bound { x: n.as_f64().unwrap_or(f64::NAN), literal: n.to_string() };
        match (ty, &*v) {
            (ColumnType::Integer | ColumnType::Decimal, serde_json::Value::Number(n)) => Some(number_bound(n)),
            (ColumnType::Integer | ColumnType::Decimal, serde_json::Value::String(s)) => {
                let mut typed = Typed::Text(s.clone());
                let n = self.number(&mut typed, which, path, at)?;
                *v = serde_json::Value::Number(n.clone());
                Some(number_bound(&n))
            }
            (ColumnType::Date | ColumnType::Datetime, serde_json::Value::String(s)) => {
                let s = s.clone();
                self.date(&s, path, at, which).map(day_bound)
            }
            _ => {
                let want = if matches!(ty, ColumnType::Date | ColumnType::Datetime) {
                    "a date in quotes (\"YYYY-MM-DD\")"
                } else {
                    "a number"
                };
                self.problem(path, self.at(at), format!("{which} must be {want} for a {ty} column, found {v}."));
                None
            }
        }
    }
}

/// Lower-cases when the test ignores case.
pub fn fold(s: &str, case_insensitive: bool) -> String {
    if case_insensitive {
        s.to_lowercase()
    } else {
        s.to_string()
    }
}

fn day_bound(day: i32) -> Bound {
    Bound { x: f64::from(day), literal: crate::ingest::values::date_from_days(day).to_string() }
}

/// The start (00:00:00) of a day, on the seconds scale of date-time columns.
fn day_start(day: f64) -> Bound {
    let d = day.floor() as i32;
    Bound { x: f64::from(d) * 86_400.0, literal: format!("{} 00:00:00", crate::ingest::values::date_from_days(d)) }
}

impl Inclusive {
    /// Used by the SQL writer and the UI to describe the range.
    pub fn describe(self) -> &'static str {
        match self {
            Inclusive::Both => "both ends included",
            Inclusive::Neither => "both ends excluded",
            Inclusive::Lower => "lower end included",
            Inclusive::Upper => "upper end included",
        }
    }
}
