//! Numbers as a person typed them, and the one reader that turns them into checked values.
//!
//! Every number a user can type (a horizon, a band count, thresholds, a discount, the N of
//! "in the last N days", a sample size) travels from the page or the command line as
//! [`Typed`]: either a number already (from a definition file or a program) or the text as
//! typed. The engine reads it here, once, with the allowed range in the sentence, so the app
//! and the CLI answer the same mistake with the same words.
//!
//! ```
//! use segscope_engine::typed::Typed;
//!
//! let typed: Typed<u32> = Typed::Text(" 12 ".into());
//! assert_eq!(typed.read("the horizon in months", 1..=120).unwrap(), 12);
//! let err = Typed::<u32>::Text("12.5".into()).read("the horizon in months", 1..=120).unwrap_err();
//! assert_eq!(err.to_string(), "the horizon in months must be a whole number from 1 to 120 (got `12.5`).");
//! let discount: Typed<f64> = Typed::Text("1%".into());
//! assert_eq!(discount.read_fraction("the monthly discount rate", 0.0..1.0).unwrap(), 0.01);
//! ```

use std::fmt::Display;
use std::ops::{Bound, RangeBounds};

use serde::{Deserialize, Serialize};

/// A setting's value as it arrived: a number, or the text a person typed, read by [`Typed::read`].
///
/// In JSON it is the number itself (`12`) or a string (`"12"`), so definition files written
/// with numbers keep loading. A number that is not of the setting's kind (`-5` or `1.5` for a
/// whole number of days) is kept as its text, so reading it says the allowed range instead of
/// the file failing to load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Typed<T> {
    /// A number.
    Value(T),
    /// The text as typed; read and checked by the engine.
    Text(String),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Typed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "a number, or a number written in quotes")]
        enum Raw<T> {
            Value(T),
            OtherNumber(serde_json::Number),
            Text(String),
        }
        Ok(match Raw::<T>::deserialize(deserializer)? {
            Raw::Value(v) => Typed::Value(v),
            Raw::OtherNumber(n) => Typed::Text(n.to_string()),
            Raw::Text(t) => Typed::Text(t),
        })
    }
}

impl<T> From<T> for Typed<T> {
    fn from(value: T) -> Self {
        Typed::Value(value)
    }
}

impl<T: Default> Default for Typed<T> {
    fn default() -> Self {
        Typed::Value(T::default())
    }
}

impl<T: Display> Display for Typed<T> {
    /// The value as a person would type it again.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Typed::Value(v) => v.fmt(f),
            Typed::Text(t) => f.write_str(t.trim()),
        }
    }
}

/// A typed setting that is not a number of the kind it must be, or lies outside its range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be {kind}{} (got `{got}`).", if range.is_empty() { String::new() } else { format!(" {range}") })]
pub struct TypedError {
    /// The setting, as the sentence names it ("the horizon in months").
    pub what: String,
    /// "a whole number", "a number", "numbers separated by commas"…
    pub kind: &'static str,
    /// The allowed range in words ("from 1 to 120", "at least 0 and below 1").
    pub range: String,
    /// What was typed (or the number given), trimmed.
    pub got: String,
}

impl<T> Typed<T> {
    /// True for text that is empty or only spaces: an optional setting left blank (a cleared
    /// margin field), which its check reads as "not set".
    pub fn is_blank(&self) -> bool {
        matches!(self, Typed::Text(t) if t.trim().is_empty())
    }
}

/// A kind of number a setting can hold: whole (`u8`, `u32`, `usize`, `i64`…) or decimal (`f64`).
pub trait Number: Copy + PartialOrd + Display {
    /// True for whole-number types.
    const WHOLE: bool;
    /// The value of `x` when it is one of this type (whole and in the type's range, for whole types).
    fn from_f64(x: f64) -> Option<Self>;
    /// The number as a range in a sentence writes it: whole numbers of five digits or more with
    /// comma thousands separators (`50,000,000`, DECISIONS 24; four digits stay `1200`, as SI
    /// style writes them), decimals as they are.
    fn words(self) -> String {
        self.to_string()
    }
}

macro_rules! whole {
    ($($t:ty),*) => {$(
        impl Number for $t {
            const WHOLE: bool = true;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
            fn from_f64(x: f64) -> Option<Self> {
                (x.fract() == 0.0 && x >= <$t>::MIN as f64 && x <= <$t>::MAX as f64).then(|| x as $t)
            }
            fn words(self) -> String {
                crate::format::thousands(self)
            }
        }
    )*};
}
whole!(u8, u16, u32, u64, usize, i32, i64);

impl Number for f64 {
    const WHOLE: bool = false;
    fn from_f64(x: f64) -> Option<Self> {
        x.is_finite().then_some(x)
    }
}

/// The number in a person's text: `12`, ` 12.5 `, `12,5` (a decimal comma), `1e3`.
/// `None` for anything else, including `1,000` (a thousands separator or a decimal comma?).
fn number_in(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = match t.split_once(',') {
        Some((int, frac)) if !t.contains('.') && !frac.contains(',') && frac.len() != 3 => format!("{int}.{frac}"),
        Some(_) => return None,
        None => t.to_string(),
    };
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// The range in words, for the sentence.
fn range_words<T: Number>(range: &impl RangeBounds<T>) -> String {
    let words = |b: Bound<&T>| b.map(|x| x.words());
    match (words(range.start_bound()), words(range.end_bound())) {
        (Bound::Included(a), Bound::Included(b)) => format!("from {a} to {b}"),
        (Bound::Included(a), Bound::Excluded(b)) => format!("at least {a} and below {b}"),
        (Bound::Excluded(a), Bound::Included(b)) => format!("above {a} and at most {b}"),
        (Bound::Excluded(a), Bound::Excluded(b)) => format!("above {a} and below {b}"),
        (Bound::Included(a), Bound::Unbounded) => format!("of at least {a}"),
        (Bound::Excluded(a), Bound::Unbounded) => format!("above {a}"),
        (Bound::Unbounded, Bound::Included(b)) => format!("of at most {b}"),
        (Bound::Unbounded, Bound::Excluded(b)) => format!("below {b}"),
        (Bound::Unbounded, Bound::Unbounded) => String::new(),
    }
}

impl<T: Number> Typed<T> {
    /// The value, read from the text when it was typed and checked against `range`.
    /// `what` names the setting in the sentence ("the horizon in months").
    ///
    /// # Errors
    /// [`TypedError`] saying what kind of number, which range, and what was typed.
    pub fn read(&self, what: &str, range: impl RangeBounds<T>) -> Result<T, TypedError> {
        let err = || TypedError {
            what: what.to_string(),
            kind: if T::WHOLE { "a whole number" } else { "a number" },
            range: range_words(&range),
            got: self.to_string(),
        };
        let value = match self {
            Typed::Value(v) => *v,
            Typed::Text(t) => number_in(t).and_then(T::from_f64).ok_or_else(err)?,
        };
        if range.contains(&value) {
            Ok(value)
        } else {
            Err(err())
        }
    }
}

impl Typed<f64> {
    /// A fraction, typed either as one (`0.3`) or as a percentage (`30%`, `30 %`); checked against
    /// `range` (as a fraction). `what` names the setting in the sentence.
    ///
    /// # Errors
    /// [`TypedError`] when it is not a number or not in the range; the range is said both ways
    /// ("at least 0 and below 1 (0% to 100%)").
    pub fn read_fraction(&self, what: &str, range: impl RangeBounds<f64>) -> Result<f64, TypedError> {
        let percent = |b: Bound<&f64>| match b {
            Bound::Included(x) | Bound::Excluded(x) => format!("{}%", x * 100.0),
            Bound::Unbounded => String::new(),
        };
        let err = || TypedError {
            what: what.to_string(),
            kind: "a number",
            range: match (range.start_bound(), range.end_bound()) {
                (Bound::Unbounded, Bound::Unbounded) => "as a fraction (0.4) or a percentage (40%)".to_string(),
                (start, end) => format!(
                    "{}, as a fraction or a percentage ({} to {})",
                    range_words(&range),
                    percent(start),
                    percent(end)
                ),
            },
            got: self.to_string(),
        };
        let value = match self {
            Typed::Value(v) => *v,
            Typed::Text(t) => match t.trim().strip_suffix('%') {
                Some(p) => number_in(p).map(|x| x / 100.0).ok_or_else(err)?,
                None => number_in(t).ok_or_else(err)?,
            },
        };
        if value.is_finite() && range.contains(&value) {
            Ok(value)
        } else {
            Err(err())
        }
    }
}

/// The items of a typed list: split on commas, semicolons and white space, empty items dropped.
fn list_items(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|s| !s.is_empty())
}

/// The error for an item of a typed list that is not a number.
fn list_error(what: &str, whole: bool, got: &str) -> TypedError {
    TypedError {
        what: what.to_string(),
        kind: if whole { "whole numbers separated by commas" } else { "numbers separated by commas" },
        range: "such as 30, 90, 180".to_string(),
        got: got.to_string(),
    }
}

impl<T: Number> Typed<Vec<T>> {
    /// A list of numbers, typed separated by commas, semicolons or spaces (`30, 90, 180`); each
    /// checked to be a number of the kind. Count and order are for the caller to check.
    ///
    /// # Errors
    /// [`TypedError`] naming the first item that is not a number.
    pub fn read_list(&self, what: &str) -> Result<Vec<T>, TypedError> {
        match self {
            Typed::Value(v) => Ok(v.clone()),
            Typed::Text(t) => list_items(t)
                .map(|s| number_in(s).and_then(T::from_f64).ok_or_else(|| list_error(what, T::WHOLE, s)))
                .collect(),
        }
    }

    /// A list of whole numbers (`4, 5`), each checked against `range`. `what` names the setting.
    ///
    /// # Errors
    /// [`TypedError`] naming the first item that is not a whole number in the range.
    pub fn read_list_in(&self, what: &str, range: impl RangeBounds<T>) -> Result<Vec<T>, TypedError> {
        let err = |got: String| TypedError {
            what: what.to_string(),
            kind: if T::WHOLE { "whole numbers" } else { "numbers" },
            range: format!("{} separated by commas", range_words(&range)),
            got,
        };
        let items = match self {
            Typed::Value(v) => v.iter().map(|x| (Some(*x), x.to_string())).collect::<Vec<_>>(),
            Typed::Text(t) => list_items(t).map(|s| (number_in(s).and_then(T::from_f64), s.to_string())).collect(),
        };
        items.into_iter().map(|(x, got)| x.filter(|x| range.contains(x)).ok_or_else(|| err(got))).collect()
    }

    /// True for an empty list, or text with nothing in it (a list left blank).
    pub fn is_empty_list(&self) -> bool {
        match self {
            Typed::Value(v) => v.is_empty(),
            Typed::Text(t) => t.trim().is_empty(),
        }
    }
}

impl<T: Display> Typed<Vec<T>> {
    /// The list as a person would type it again: `30, 90, 180`, or the text as typed.
    pub fn text(&self) -> String {
        match self {
            Typed::Value(v) => v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
            Typed::Text(t) => t.trim().to_string(),
        }
    }
}

/// The JSON number for a number a person typed: whole numbers stay whole (`30` and `1e3` are
/// written `30` and `1000`, not `30.0`), and so do long whole numbers (`12345678901234567890`).
fn json_number(text: &str) -> Option<serde_json::Number> {
    /// Whole numbers up to this size are exact as `f64`.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(i.into());
    }
    if let Ok(u) = t.parse::<u64>() {
        return Some(u.into());
    }
    let x = number_in(t)?;
    if x.fract() == 0.0 && x.abs() <= EXACT {
        #[allow(clippy::cast_possible_truncation)]
        return Some((x as i64).into());
    }
    serde_json::Number::from_f64(x)
}

impl Typed<serde_json::Number> {
    /// A number of any size, kept as JSON writes it (for values that are written back into files
    /// and SQL, such as a rule's threshold): a number given as a number is kept digit for digit, a
    /// typed one is read (`30`, ` 12.5 `, `12,5`, `1e3`) and written plainly (`30`, `12.5`, `1000`).
    /// `what` names it in the sentence.
    ///
    /// # Errors
    /// [`TypedError`] when the text is not a number.
    pub fn read_number(&self, what: &str) -> Result<serde_json::Number, TypedError> {
        match self {
            Typed::Value(n) => Ok(n.clone()),
            Typed::Text(t) => json_number(t).ok_or_else(|| TypedError {
                what: what.to_string(),
                kind: "a number",
                range: String::new(),
                got: t.trim().to_string(),
            }),
        }
    }
}

impl Typed<Vec<serde_json::Number>> {
    /// A list of numbers kept as JSON writes them (see [`Typed::read_number`]), typed separated by
    /// commas, semicolons or spaces. Count and order are for the caller to check.
    ///
    /// # Errors
    /// [`TypedError`] naming the first item that is not a number.
    pub fn read_numbers(&self, what: &str) -> Result<Vec<serde_json::Number>, TypedError> {
        match self {
            Typed::Value(v) => Ok(v.clone()),
            Typed::Text(t) => list_items(t).map(|s| json_number(s).ok_or_else(|| list_error(what, false, s))).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_read_from_text_and_checked_against_their_range() {
        assert_eq!(Typed::<u32>::Text("7".into()).read("n", 1..=10), Ok(7));
        assert_eq!(Typed::<u32>::Value(7).read("n", 1..=10), Ok(7));
        assert_eq!(Typed::<u32>::Text("7.0".into()).read("n", 1..=10), Ok(7));
        let e = Typed::<u32>::Text("0".into()).read("the number of bands", 1..=10).unwrap_err();
        assert_eq!(e.to_string(), "the number of bands must be a whole number from 1 to 10 (got `0`).");
        let e = Typed::<u8>::Text("-3".into()).read("bins", 3..=5).unwrap_err();
        assert_eq!(e.to_string(), "bins must be a whole number from 3 to 5 (got `-3`).");
        assert!(Typed::<u32>::Text("".into()).read("n", 1..=10).is_err());
        assert!(Typed::<u32>::Text("ten".into()).read("n", 1..=10).is_err());
    }

    #[test]
    fn decimals_accept_a_decimal_comma_but_not_an_ambiguous_thousands_comma() {
        assert_eq!(Typed::<f64>::Text("12,5".into()).read("x", ..), Ok(12.5));
        assert_eq!(Typed::<f64>::Text(" 12.5 ".into()).read("x", ..), Ok(12.5));
        assert!(Typed::<f64>::Text("1,000".into()).read("x", ..).is_err());
        assert!(Typed::<f64>::Text("NaN".into()).read("x", ..).is_err());
        assert!(Typed::<f64>::Text("inf".into()).read("x", ..).is_err());
        let e = Typed::<f64>::Text("abc".into()).read("the value", ..).unwrap_err();
        assert_eq!(e.to_string(), "the value must be a number (got `abc`).");
    }

    #[test]
    fn fractions_are_read_as_fractions_or_percentages() {
        assert_eq!(Typed::<f64>::Text("30%".into()).read_fraction("m", 0.0..=1.0), Ok(0.3));
        assert_eq!(Typed::<f64>::Text("30 %".into()).read_fraction("m", 0.0..=1.0), Ok(0.3));
        assert_eq!(Typed::<f64>::Text("0.3".into()).read_fraction("m", 0.0..=1.0), Ok(0.3));
        let e = Typed::<f64>::Text("150%".into()).read_fraction("the margin", 0.0..=1.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the margin must be a number from 0 to 1, as a fraction or a percentage (0% to 100%) (got `150%`)."
        );
    }

    #[test]
    fn lists_are_split_on_commas_and_name_the_item_that_is_not_a_number() {
        assert_eq!(Typed::<Vec<f64>>::Text("30, 90;180 365".into()).read_list("t"), Ok(vec![30.0, 90.0, 180.0, 365.0]));
        let e = Typed::<Vec<f64>>::Text("2,three".into()).read_list("the frequency thresholds").unwrap_err();
        assert_eq!(
            e.to_string(),
            "the frequency thresholds must be numbers separated by commas such as 30, 90, 180 (got `three`)."
        );
    }

    #[test]
    fn large_whole_numbers_in_a_range_have_thousands_separators_from_five_digits() {
        let e = Typed::<u64>::Text("0".into()).read("the number of customers", 1..=50_000_000).unwrap_err();
        assert_eq!(e.to_string(), "the number of customers must be a whole number from 1 to 50,000,000 (got `0`).");
        let e = Typed::<u64>::Value(60_000_000).read("the number of customers", 1..=50_000_000).unwrap_err();
        assert!(e.to_string().ends_with("(got `60000000`)."), "what was given, as given: {e}");
        let e = Typed::<u32>::Text("0".into()).read("N", 1..=1200).unwrap_err();
        assert_eq!(e.to_string(), "N must be a whole number from 1 to 1200 (got `0`).");
    }

    #[test]
    fn blank_text_is_an_optional_setting_left_empty() {
        assert!(Typed::<f64>::Text("  ".into()).is_blank());
        assert!(!Typed::<f64>::Text("0".into()).is_blank());
        assert!(!Typed::<f64>::Value(0.0).is_blank());
    }

    #[test]
    fn a_list_in_a_range_names_the_item_outside_it() {
        assert_eq!(Typed::<Vec<u8>>::Text("4, 5".into()).read_list_in("m", 1..=5), Ok(vec![4, 5]));
        let e = Typed::<Vec<u8>>::Text("4,7".into()).read_list_in("the M scores", 1..=5).unwrap_err();
        assert_eq!(e.to_string(), "the M scores must be whole numbers from 1 to 5 separated by commas (got `7`).");
        assert!(Typed::<Vec<u8>>::Value(vec![0]).read_list_in("m", 1..=5).is_err());
        assert!(Typed::<Vec<u8>>::Text("4.5".into()).read_list_in("m", 1..=5).is_err());
        assert!(Typed::<Vec<u8>>::Text(" ".into()).is_empty_list() && Typed::<Vec<u8>>::Value(vec![]).is_empty_list());
        assert!(!Typed::<Vec<u8>>::Text("x".into()).is_empty_list());
    }

    #[test]
    fn a_list_reads_back_as_it_would_be_typed() {
        assert_eq!(Typed::<Vec<f64>>::Value(vec![30.0, 90.5]).text(), "30, 90.5");
        assert_eq!(Typed::<Vec<f64>>::Text(" 1,2 ".into()).text(), "1,2");
    }

    #[test]
    fn typed_values_cross_json_as_numbers_or_strings() {
        let n: Typed<u32> = serde_json::from_str("12").unwrap();
        assert_eq!(n, Typed::Value(12));
        let t: Typed<u32> = serde_json::from_str("\"12\"").unwrap();
        assert_eq!(t, Typed::Text("12".into()));
        assert_eq!(serde_json::to_string(&Typed::<u32>::Value(12)).unwrap(), "12");
        assert_eq!(serde_json::to_string(&Typed::<u32>::Text("12".into())).unwrap(), "\"12\"");
    }

    #[test]
    fn a_number_of_the_wrong_kind_in_a_file_is_read_with_the_range_in_the_sentence() {
        let n: Typed<u32> = serde_json::from_str("-5").unwrap();
        assert_eq!(n, Typed::Text("-5".into()));
        let e = n.read("N in “in the last N days”", 1..=36_500).unwrap_err();
        assert_eq!(e.to_string(), "N in “in the last N days” must be a whole number from 1 to 36,500 (got `-5`).");
        let half: Typed<u32> = serde_json::from_str("1.5").unwrap();
        assert!(half.read("n", 1..=10).is_err());
        let e = serde_json::from_str::<Typed<u32>>("true").unwrap_err().to_string();
        assert!(e.contains("a number, or a number written in quotes"), "{e}");
    }

    #[test]
    fn json_numbers_keep_their_digits_and_typed_ones_are_written_plainly() {
        let n = |t: &str| Typed::<serde_json::Number>::Text(t.into()).read_number("the value").map(|n| n.to_string());
        assert_eq!(n("30").as_deref(), Ok("30"));
        assert_eq!(n(" 12.5 ").as_deref(), Ok("12.5"));
        assert_eq!(n("12,5").as_deref(), Ok("12.5"));
        assert_eq!(n("1e3").as_deref(), Ok("1000"));
        assert_eq!(n("-7").as_deref(), Ok("-7"));
        assert_eq!(n("abc").unwrap_err().to_string(), "the value must be a number (got `abc`).");
        assert_eq!(n("").unwrap_err().to_string(), "the value must be a number (got ``).");
        let given: Typed<serde_json::Number> = serde_json::from_str("12345678901234567890").unwrap();
        assert_eq!(given.read_number("x").unwrap().to_string(), "12345678901234567890");
        let cuts = Typed::<Vec<serde_json::Number>>::Text("18, 25;35 45.5".into());
        let read: Vec<String> = cuts.read_numbers("the cut points").unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(read, ["18", "25", "35", "45.5"]);
        let e = Typed::<Vec<serde_json::Number>>::Text("18, x".into()).read_numbers("the cut points").unwrap_err();
        assert_eq!(e.to_string(), "the cut points must be numbers separated by commas such as 30, 90, 180 (got `x`).");
        assert_eq!(Typed::Value(vec![serde_json::Number::from(18), 25.into()]).text(), "18, 25");
    }
}
