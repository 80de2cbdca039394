//! Rule evaluation on arbitrary tables: a table of cells in every shape, and a definition built
//! from arbitrary choices (nested ALL / ANY / NONE / AT LEAST groups, every operator, values of
//! every kind, derived age, tenure and bands, either mode, with or without an as-of date). Checking
//! and evaluating must not panic; when the definition checks, every ALL / ANY / NONE group's truth
//! must be the three-valued (Kleene) combination of its parts' truths (an AT LEAST K group counts
//! its true parts, an unknown one not, as documented), number, date and missing tests must
//! agree with a row-by-row reading of the column, each row's segment must be the first segment
//! true for it, and the rows left undecided per segment must be counted as they are.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::{check, evaluate, schema_of, truth, Check, Cmp, Definition, Frame, Mode, Truth};
use segscope_fuzz::cells::{Cell, CellTable};
use segscope_fuzz::compare::same;
use serde_json::{json, Value};

#[derive(Debug, Arbitrary)]
enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    None(Vec<Cond>),
    AtLeast(Lit, Vec<Cond>),
    Test(u8, FOp),
}

#[derive(Debug, Arbitrary)]
enum FOp {
    /// eq, ne, lt, le, gt, ge.
    Cmp(u8, Lit),
    Between(Lit, Lit, u8),
    IsMissing,
    IsNotMissing,
    /// is, is_not, contains, starts_with, ends_with.
    Text(u8, Cell, bool),
    /// any_of, none_of.
    List(bool, Vec<Cell>, bool),
    Before(Cell),
    After(Cell),
    InLast(Lit, bool),
    IsTrue,
    IsFalse,
}

/// A literal: a number, a number or date as typed, or any cell's text.
#[derive(Debug, Arbitrary)]
enum Lit {
    Int(i32),
    Float(f64),
    Cell(Cell),
}

impl Lit {
    fn json(&self) -> Value {
        match self {
            Lit::Int(i) => json!(i),
            Lit::Float(x) => json!(x),
            Lit::Cell(c) => json!(c.render()),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Derive {
    Age(u8),
    Tenure(u8, u8),
    Bands(u8, Vec<Lit>, Vec<String>),
}

#[derive(Debug, Arbitrary)]
struct Input {
    table: CellTable,
    derived: Vec<Derive>,
    segments: Vec<(String, Cond)>,
    overlapping: bool,
    as_of: Option<u16>,
}

/// Column `i`'s name: the table's columns, then the derived fields (`d0`, `d1`, ...).
fn column(names: &[String], i: u8) -> String {
    names.get(usize::from(i) % names.len().max(1)).cloned().unwrap_or_default()
}

fn condition(c: &Cond, names: &[String], depth: u8) -> Value {
    let group = |v: &[Cond]| -> Vec<Value> {
        if depth >= 4 {
            return Vec::new();
        }
        v.iter().take(4).map(|c| condition(c, names, depth + 1)).collect()
    };
    match c {
        Cond::All(v) => json!({ "all": group(v) }),
        Cond::Any(v) => json!({ "any": group(v) }),
        Cond::None(v) => json!({ "none": group(v) }),
        Cond::AtLeast(k, v) => json!({ "at_least": k.json(), "of": group(v) }),
        Cond::Test(i, op) => {
            let col = column(names, *i);
            match op {
                FOp::Cmp(w, v) => {
                    let op = ["eq", "ne", "lt", "le", "gt", "ge"][usize::from(w % 6)];
                    json!({ "column": col, "op": op, "value": v.json() })
                }
                FOp::Between(a, b, inc) => {
                    let inclusive = ["both", "neither", "lower", "upper"][usize::from(inc % 4)];
                    json!({ "column": col, "op": "between", "min": a.json(), "max": b.json(), "inclusive": inclusive })
                }
                FOp::IsMissing => json!({ "column": col, "op": "is_missing" }),
                FOp::IsNotMissing => json!({ "column": col, "op": "is_not_missing" }),
                FOp::Text(w, v, ci) => {
                    let op = ["is", "is_not", "contains", "starts_with", "ends_with"][usize::from(w % 5)];
                    json!({ "column": col, "op": op, "value": v.render(), "case_insensitive": ci })
                }
                FOp::List(any, v, ci) => {
                    let values: Vec<String> = v.iter().take(4).map(Cell::render).collect();
                    let op = if *any { "any_of" } else { "none_of" };
                    json!({ "column": col, "op": op, "values": values, "case_insensitive": ci })
                }
                FOp::Before(d) => json!({ "column": col, "op": "before", "date": d.render() }),
                FOp::After(d) => json!({ "column": col, "op": "after", "date": d.render() }),
                FOp::InLast(n, months) => {
                    json!({ "column": col, "op": "in_last", "n": n.json(), "unit": if *months { "months" } else { "days" } })
                }
                FOp::IsTrue => json!({ "column": col, "op": "is_true" }),
                FOp::IsFalse => json!({ "column": col, "op": "is_false" }),
            }
        }
    }
}

/// A test's truth for row `r`, read row by row from the column (`None` when this reference does
/// not read that kind of test).
fn reference_leaf(check: &Check, frame: &Frame<'_>, r: usize) -> Option<Option<bool>> {
    let cmp = |x: f64, cmp: Cmp, b: f64| match cmp {
        Cmp::Eq => x == b,
        Cmp::Ne => x != b,
        Cmp::Lt => x < b,
        Cmp::Le => x <= b,
        Cmp::Gt => x > b,
        Cmp::Ge => x >= b,
    };
    match check {
        Check::Compare { column, cmp: c, bound } => {
            let data = frame.column(*column)?;
            Some(data.number(r).map(|x| cmp(x, *c, bound.x)))
        }
        Check::Range { column, lo, hi } => {
            let data = frame.column(*column)?;
            Some(data.number(r).map(|x| {
                let above = if lo.1 { x >= lo.0.x } else { x > lo.0.x };
                let below = if hi.1 { x <= hi.0.x } else { x < hi.0.x };
                above && below
            }))
        }
        Check::Missing { column, missing } => {
            let data = frame.column(*column)?;
            Some(Some(data.is_missing(r) == *missing))
        }
        _ => None,
    }
}

fn row(t: &Truth, r: usize) -> Option<bool> {
    if t.is_true(r) {
        Some(true)
    } else if t.is_unknown(r) {
        None
    } else {
        Some(false)
    }
}

/// Checks `check`'s truth against the Kleene combination of its parts' (recursively) and the
/// row-by-row reading of its tests.
fn agree(check: &Check, frame: &Frame<'_>) {
    let whole = truth(check, frame);
    let rows = frame.rows();
    let parts: Vec<Truth> = match check {
        Check::All(v) | Check::Any(v) | Check::None(v) | Check::AtLeast(_, v) => {
            v.iter().for_each(|c| agree(c, frame));
            v.iter().map(|c| truth(c, frame)).collect()
        }
        _ => Vec::new(),
    };
    for r in 0..rows {
        let got = row(&whole, r);
        let values: Vec<Option<bool>> = parts.iter().map(|p| row(p, r)).collect();
        let (yes, unknown) =
            (values.iter().filter(|v| **v == Some(true)).count(), values.iter().filter(|v| v.is_none()).count());
        let expected = match check {
            Check::All(_) => Some(if yes == values.len() {
                Some(true)
            } else if yes + unknown == values.len() {
                None
            } else {
                Some(false)
            }),
            Check::Any(_) => Some(if yes > 0 {
                Some(true)
            } else if unknown > 0 {
                None
            } else {
                Some(false)
            }),
            Check::None(_) => Some(if yes > 0 {
                Some(false)
            } else if unknown > 0 {
                None
            } else {
                Some(true)
            }),
            // "At least K of" counts the conditions that are true: an unknown one is not (README, segments.schema.json).
            Check::AtLeast(k, _) => Some(Some(yes >= *k)),
            leaf => reference_leaf(leaf, frame, r),
        };
        if let Some(expected) = expected {
            assert_eq!(got, expected, "row {r} of {check:?} (parts {values:?})");
        }
    }
}

fuzz_target!(|input: Input| {
    let bytes = input.table.csv();
    let options = ReadOptions { delimiter: Some(input.table.delimiter()), ..ReadOptions::default() };
    let Ok(read) = read_table("t.csv", &bytes, &options, &mut Quiet) else { return };
    let table = read.table;
    let mut names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    let width = names.len();
    let mut derived = Vec::new();
    for (i, d) in input.derived.iter().take(3).enumerate() {
        let name = format!("d{i}");
        derived.push(match d {
            Derive::Age(from) => json!({ "kind": "age", "name": name, "from": column(&names[..width], *from) }),
            Derive::Tenure(from, unit) => {
                let unit = ["days", "months", "years"][usize::from(unit % 3)];
                json!({ "kind": "tenure", "name": name, "from": column(&names[..width], *from), "unit": unit })
            }
            Derive::Bands(from, cuts, labels) => {
                let cuts: Vec<Value> = cuts.iter().take(6).map(Lit::json).collect();
                let labels: Vec<String> = labels.iter().take(7).map(|l| l.chars().take(8).collect()).collect();
                json!({ "kind": "bands", "name": name, "from": column(&names[..width], *from), "cuts": cuts, "labels": labels })
            }
        });
        names.push(name);
    }
    let segments: Vec<Value> = input
        .segments
        .iter()
        .take(5)
        .map(|(name, c)| json!({ "name": name.chars().take(12).collect::<String>(), "when": condition(c, &names, 0) }))
        .collect();
    let mut def = json!({
        "format": "segscope.segments/1",
        "mode": if input.overlapping { "overlapping" } else { "first-match" },
        "derived": derived,
        "segments": segments,
    });
    if let Some(days) = input.as_of {
        def["as_of"] = json!(segscope_fuzz::transactions::day(u32::from(days)));
    }
    let Ok(def) = Definition::from_json(&def.to_string()) else { return };
    let Ok(valid) = check(&def, &schema_of(&table), None) else { return };
    let result = match evaluate(&valid, &table, &mut Quiet) {
        Ok(result) => result,
        Err(e) => panic!("a checked definition fails to evaluate: {e}"),
    };
    let frame = Frame::new(&table, &valid);
    let rows = table.rows();
    for (s, t) in valid.segments.iter().zip(&result.truths) {
        agree(&s.check, &frame);
        same("a segment's truth in the result and alone", t, &truth(&s.check, &frame));
    }
    // Each row's segment: the first segment true for it, else the remainder.
    let remainder = valid.segments.len();
    let first: Vec<Option<&str>> = (0..rows)
        .map(|r| {
            let i = result.truths.iter().position(|t| t.is_true(r)).unwrap_or(remainder);
            Some(if i == remainder { valid.remainder.as_str() } else { valid.segments[i].name.as_str() })
        })
        .collect();
    let got: Vec<Option<&str>> = (0..rows).map(|r| result.assignment.segment_of(r)).collect();
    same("each row's segment and the first segment true for it", &got, &first);
    let excluded: Vec<u64> = match valid.mode {
        Mode::FirstMatch => (0..valid.segments.len())
            .map(|i| {
                (0..rows)
                    .filter(|&r| result.truths[..i].iter().all(|t| !t.is_true(r)) && result.truths[i].is_unknown(r))
                    .count() as u64
            })
            .collect(),
        Mode::Overlapping => {
            result.truths.iter().map(|t| (0..rows).filter(|&r| t.is_unknown(r)).count() as u64).collect()
        }
    };
    same("rows left undecided per segment", &result.excluded_for_missing, &excluded);
    if valid.mode == Mode::Overlapping {
        let flags: Vec<Vec<bool>> = result.truths.iter().map(|t| (0..rows).map(|r| t.is_true(r)).collect()).collect();
        same("overlapping flags and truths", &result.flags, &flags);
    }
});
