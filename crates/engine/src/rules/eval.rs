//! Evaluating checked conditions on a table, with SQL's three-valued logic.
//!
//! A test on a missing value is *unknown*, never silently true or false: `age > 30` does not match
//! a customer whose age is missing, and neither does `NOT (age > 30)`. Groups combine with
//! Kleene logic exactly as SQL's `AND`, `OR` and `NOT` do, so the exported SQL gives the same
//! segments; "at least K of" counts the conditions that are true. Rows are evaluated 64 at a time
//! as bit masks, in chunks of 65,536 rows between two progress reports.

use std::ops::Range;

use super::check::{Check, Cmp, TextTest, ValidDefinition};
use super::definition::Mode;
use super::derived::compute;
use super::errors::RulesError;
use crate::assignment::{Assignment, Segment};
use crate::progress::{tick, Monitor};
use crate::table::{Column, ColumnData, Table};

/// Rows evaluated between two progress reports: large, so a live count stays as fast as without
/// them, and a multiple of 64, so the chunks' bit masks join word by word.
const CHUNK: usize = 1 << 16;
const _: () = assert!(CHUNK % 64 == 0);

/// The stage evaluation reports.
const STAGE: &str = "Counting the rule segments";

/// Per row: is the condition true, and is it false (neither: unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    t: Vec<u64>,
    f: Vec<u64>,
    rows: usize,
}

impl Truth {
    /// The truth of the rows in `rows` (bit `i` is row `rows.start + i`), from `value(row)`.
    fn from_fn(rows: Range<usize>, mut value: impl FnMut(usize) -> Option<bool>) -> Self {
        let len = rows.len();
        let words = len.div_ceil(64);
        let (mut t, mut f) = (vec![0u64; words], vec![0u64; words]);
        for (i, r) in rows.enumerate() {
            let (w, b) = (i / 64, 1u64 << (i % 64));
            match value(r) {
                Some(true) => {
                    if let Some(x) = t.get_mut(w) {
                        *x |= b;
                    }
                }
                Some(false) => {
                    if let Some(x) = f.get_mut(w) {
                        *x |= b;
                    }
                }
                None => {}
            }
        }
        Truth { t, f, rows: len }
    }

    /// The truth of a slice of a column's values (bit `i` is `values[i]`): `None` is unknown, else
    /// `test(value)`. Word by word, with no per-row branching on the column's type (the live counts
    /// are this loop: at 1,000,000 rows it is several times faster than [`Truth::from_fn`]).
    fn from_values<T: Copy>(values: &[Option<T>], test: impl Fn(T) -> bool) -> Self {
        let mut t = Vec::with_capacity(values.len().div_ceil(64));
        let mut f = Vec::with_capacity(values.len().div_ceil(64));
        for block in values.chunks(64) {
            let (mut tw, mut fw) = (0u64, 0u64);
            for (i, v) in block.iter().enumerate() {
                let (known, hit) = match v {
                    Some(x) => (1u64, u64::from(test(*x))),
                    None => (0, 0),
                };
                tw |= hit << i;
                fw |= (known & !hit & 1) << i;
            }
            t.push(tw);
            f.push(fw);
        }
        Truth { t, f, rows: values.len() }
    }

    /// `rows` rows that are all `value`.
    fn constant(rows: usize, value: bool) -> Self {
        let words = rows.div_ceil(64);
        let mut all = vec![u64::MAX; words];
        if let (Some(last), r @ 1..) = (all.last_mut(), rows % 64) {
            *last = !(u64::MAX << r); // the low `r` bits
        }
        let none = vec![0u64; words];
        if value {
            Truth { t: all, f: none, rows }
        } else {
            Truth { t: none, f: all, rows }
        }
    }

    /// No rows yet, with room for `rows`.
    fn with_capacity(rows: usize) -> Self {
        let words = rows.div_ceil(64);
        Truth { t: Vec::with_capacity(words), f: Vec::with_capacity(words), rows: 0 }
    }

    /// Appends the rows of `part` after these, whose number is a multiple of 64 (every chunk but
    /// the last is `CHUNK` rows), so the words join as they are.
    fn append(&mut self, part: Truth) {
        debug_assert_eq!(self.rows % 64, 0, "only whole words of rows are appended to");
        self.t.extend(part.t);
        self.f.extend(part.f);
        self.rows = self.rows.saturating_add(part.rows); // rows of one frame
    }

    /// True when row `r` matches.
    pub fn is_true(&self, r: usize) -> bool {
        self.t.get(r / 64).is_some_and(|w| w & (1 << (r % 64)) != 0)
    }

    /// True when row `r` is unknown (decided by missing values).
    pub fn is_unknown(&self, r: usize) -> bool {
        let b = 1u64 << (r % 64);
        r < self.rows
            && self.t.get(r / 64).is_some_and(|w| w & b == 0)
            && self.f.get(r / 64).is_some_and(|w| w & b == 0)
    }

    /// Rows where both `self` and `other` are true (a popcount over the bit masks).
    pub fn count_both(&self, other: &Truth) -> u64 {
        self.t.iter().zip(&other.t).map(|(a, b)| u64::from((a & b).count_ones())).sum()
    }

    fn and(mut self, o: &Truth) -> Self {
        self.t.iter_mut().zip(&o.t).for_each(|(a, b)| *a &= b);
        self.f.iter_mut().zip(&o.f).for_each(|(a, b)| *a |= b);
        self
    }

    fn or(mut self, o: &Truth) -> Self {
        self.t.iter_mut().zip(&o.t).for_each(|(a, b)| *a |= b);
        self.f.iter_mut().zip(&o.f).for_each(|(a, b)| *a &= b);
        self
    }

    fn not(self) -> Self {
        Truth { t: self.f, f: self.t, rows: self.rows }
    }
}

/// The columns a checked definition reads: the table's, then any joined columns (customer
/// aggregates), then its derived fields (computed here).
pub struct Frame<'a> {
    table: &'a Table,
    extra: &'a [Column],
    derived: Vec<ColumnData>,
}

impl<'a> Frame<'a> {
    /// The table's columns plus `def`'s derived fields.
    pub fn new(table: &'a Table, def: &ValidDefinition) -> Self {
        Frame::with_extra(table, &[], def)
    }

    /// The table's columns, the `extra` columns (one value per table row), and `def`'s derived fields.
    pub fn with_extra(table: &'a Table, extra: &'a [Column], def: &ValidDefinition) -> Self {
        let mut frame = Frame { table, extra, derived: Vec::new() };
        for d in &def.derived {
            let data = match frame.column(d.source) {
                Some(source) => compute(d, source),
                None => ColumnData::Integer(vec![None; table.rows()]),
            };
            frame.derived.push(data);
        }
        frame
    }

    /// Rows.
    pub fn rows(&self) -> usize {
        self.table.rows()
    }

    /// Column `i` of the schema the definition was checked against.
    pub fn column(&self, i: usize) -> Option<&ColumnData> {
        match i.checked_sub(self.table.columns.len()) {
            None => self.table.columns.get(i).map(|c| &c.data),
            Some(i) => match i.checked_sub(self.extra.len()) {
                None => self.extra.get(i).map(|c| &c.data),
                Some(i) => self.derived.get(i),
            },
        }
    }
}

/// Evaluates one checked condition on every row of the frame.
pub fn truth(check: &Check, frame: &Frame<'_>) -> Truth {
    truth_in(check, frame, 0..frame.rows())
}

/// Evaluates one checked condition on the rows `rows` of the frame (bit `i` is row `rows.start + i`).
fn truth_in(check: &Check, frame: &Frame<'_>, rows: Range<usize>) -> Truth {
    let column = |i: usize| frame.column(i);
    let part = |c: &Check| truth_in(c, frame, rows.clone());
    let (start, len) = (rows.start, rows.len());
    match check {
        Check::All(items) => items.iter().fold(Truth::constant(len, true), |acc, c| acc.and(&part(c))),
        Check::Any(items) => items.iter().fold(Truth::constant(len, false), |acc, c| acc.or(&part(c))),
        Check::None(items) => items.iter().fold(Truth::constant(len, false), |acc, c| acc.or(&part(c))).not(),
        Check::AtLeast(k, items) => {
            let parts: Vec<Truth> = items.iter().map(part).collect();
            Truth::from_fn(rows, |r| {
                let i = r.checked_sub(start)?; // `r` is in `rows`, from `start` on
                Some(parts.iter().filter(|p| p.is_true(i)).count() >= *k)
            })
        }
        Check::Missing { column: c, missing } => match column(*c) {
            Some(data) => Truth::from_fn(rows, |r| Some(data.is_missing(r) == *missing)),
            None => Truth::constant(len, false),
        },
        Check::Compare { column: c, cmp, bound } => {
            let test = |x: f64| match cmp {
                Cmp::Eq => x == bound.x,
                Cmp::Ne => x != bound.x,
                Cmp::Lt => x < bound.x,
                Cmp::Le => x <= bound.x,
                Cmp::Gt => x > bound.x,
                Cmp::Ge => x >= bound.x,
            };
            match column(*c) {
                Some(data) => numbers_truth(data, rows, test),
                None => Truth::constant(len, false),
            }
        }
        Check::Range { column: c, lo, hi } => {
            let test = |x: f64| {
                let above = if lo.1 { x >= lo.0.x } else { x > lo.0.x };
                let below = if hi.1 { x <= hi.0.x } else { x < hi.0.x };
                above && below
            };
            match column(*c) {
                Some(data) => numbers_truth(data, rows, test),
                None => Truth::constant(len, false),
            }
        }
        Check::Bool { column: c, want } => match column(*c) {
            Some(ColumnData::Boolean(v)) => Truth::from_values(slice(v, rows), |b| b == *want),
            _ => Truth::constant(len, false),
        },
        Check::Text { column: c, test, case_insensitive } => match column(*c) {
            // Categories: decide once per dictionary entry, then look codes up.
            Some(ColumnData::Categorical { dictionary, codes }) => {
                let hits: Vec<bool> = dictionary.iter().map(|v| text_matches(test, v, *case_insensitive)).collect();
                Truth::from_values(slice(codes, rows), |code| hits.get(code as usize).copied().unwrap_or(false))
            }
            Some(data) => Truth::from_fn(rows, |r| data.label(r).map(|v| text_matches(test, v, *case_insensitive))),
            None => Truth::constant(len, false),
        },
    }
}

/// Rows `rows` of a column's values (empty past its end).
fn slice<T>(values: &[T], rows: Range<usize>) -> &[T] {
    values.get(rows).unwrap_or_default()
}

/// The truth of `test` on rows `rows` of an ordered column read as numbers (as
/// [`ColumnData::number`] reads them: dates as days, date-times as seconds); unknown where missing.
fn numbers_truth(data: &ColumnData, rows: Range<usize>, test: impl Fn(f64) -> bool) -> Truth {
    match data {
        ColumnData::Integer(v) => Truth::from_values(slice(v, rows), |x| test(x as f64)),
        ColumnData::Decimal { values, .. } => Truth::from_values(slice(values, rows), test),
        ColumnData::Date(v) => Truth::from_values(slice(v, rows), |x| test(f64::from(x))),
        ColumnData::Datetime(v) => Truth::from_values(slice(v, rows), |x| test(x as f64)),
        other => Truth::from_fn(rows, |r| other.number(r).map(&test)),
    }
}

fn text_matches(test: &TextTest, value: &str, case_insensitive: bool) -> bool {
    let folded;
    let v = if case_insensitive {
        folded = value.to_lowercase();
        folded.as_str()
    } else {
        value
    };
    match test {
        TextTest::OneOf { set, negate, .. } => set.contains(v) != *negate,
        TextTest::Contains(x) => v.contains(x.as_str()),
        TextTest::StartsWith(x) => v.starts_with(x.as_str()),
        TextTest::EndsWith(x) => v.ends_with(x.as_str()),
    }
}

/// The segments of one evaluation, with what the summary needs.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleResult {
    /// First-match mode: the segment of each row (the remainder last).
    pub assignment: Assignment,
    /// Overlapping mode: per segment, whether each row is in it (empty in first-match mode).
    pub flags: Vec<Vec<bool>>,
    /// Per segment: rows it would have taken had their missing values been known (rows left
    /// undecided by missing values), among the rows that reached it.
    pub excluded_for_missing: Vec<u64>,
    /// Per segment, whether each row matches its rule, ignoring order (for overlaps).
    pub truths: Vec<Truth>,
}

/// Applies a checked definition to `table` ([`evaluate_frame`] on its [`Frame`]).
///
/// # Errors
/// [`RulesError::Cancelled`] when `monitor` asks to stop.
pub fn evaluate(def: &ValidDefinition, table: &Table, monitor: &mut dyn Monitor) -> Result<RuleResult, RulesError> {
    evaluate_frame(def, &Frame::new(table, def), monitor)
}

/// Applies a checked definition to a frame already holding its derived fields, reporting the rows
/// evaluated to `monitor` ("Counting the rule segments") every 65,536 rows.
///
/// # Errors
/// [`RulesError::Cancelled`] when `monitor` asks to stop.
pub fn evaluate_frame(
    def: &ValidDefinition,
    frame: &Frame<'_>,
    monitor: &mut dyn Monitor,
) -> Result<RuleResult, RulesError> {
    let rows = frame.rows();
    let total = rows as u64;
    let mut truths: Vec<Truth> = def.segments.iter().map(|_| Truth::with_capacity(rows)).collect();
    for start in (0..rows).step_by(CHUNK) {
        tick(monitor, STAGE, start as u64, total, 1)?;
        let chunk = start..rows.min(start.saturating_add(CHUNK));
        for (t, s) in truths.iter_mut().zip(&def.segments) {
            t.append(truth_in(&s.check, frame, chunk.clone()));
        }
    }
    let result = assign(def, truths, rows);
    tick(monitor, STAGE, total, total, 1)?;
    Ok(result)
}

/// The segments of every row, from each segment's truth.
fn assign(def: &ValidDefinition, truths: Vec<Truth>, rows: usize) -> RuleResult {
    let mut segments: Vec<Segment> = def.segments.iter().map(|s| Segment { name: s.name.clone() }).collect();
    let mut excluded = vec![0u64; truths.len()];
    match def.mode {
        Mode::FirstMatch => {
            let remainder = segments.len() as u32;
            segments.push(Segment { name: def.remainder.clone() });
            let mut codes = vec![remainder; rows];
            // 64 rows at a time: each segment takes the rows still unassigned that it matches, and
            // counts those it leaves undecided (unknown) before the later segments see them.
            for (w, block) in codes.chunks_mut(64).enumerate() {
                // The low `block.len()` bits (1 to 64).
                let mut open = if block.len() == 64 { u64::MAX } else { !(u64::MAX << block.len()) };
                for (i, t) in truths.iter().enumerate() {
                    let (tw, fw) = (t.t.get(w).copied().unwrap_or(0), t.f.get(w).copied().unwrap_or(0));
                    let mut hit = tw & open;
                    if let Some(e) = excluded.get_mut(i) {
                        // No saturation: it counts rows of the frame.
                        *e = e.saturating_add(u64::from((open & !tw & !fw).count_ones()));
                    }
                    open &= !hit;
                    while hit != 0 {
                        let bit = hit.trailing_zeros(); // below 64: `hit` has a bit set
                        if let Some(code) = block.get_mut(bit as usize) {
                            *code = i as u32;
                        }
                        hit &= !(1u64 << bit);
                    }
                    if open == 0 {
                        break;
                    }
                }
            }
            let assignment = Assignment { title: "Rule segments (first match)".into(), segments, codes };
            RuleResult { assignment, flags: Vec::new(), excluded_for_missing: excluded, truths }
        }
        Mode::Overlapping => {
            let flags: Vec<Vec<bool>> = truths.iter().map(|t| (0..rows).map(|r| t.is_true(r)).collect()).collect();
            for (i, t) in truths.iter().enumerate() {
                if let Some(e) = excluded.get_mut(i) {
                    *e = (0..rows).filter(|&r| t.is_unknown(r)).count() as u64;
                }
            }
            // The exclusive view of overlapping segments: the first segment a row is in, or none.
            let remainder = segments.len() as u32;
            segments.push(Segment { name: def.remainder.clone() });
            let codes =
                (0..rows).map(|r| truths.iter().position(|t| t.is_true(r)).map_or(remainder, |i| i as u32)).collect();
            let assignment = Assignment { title: "Rule segments (overlapping)".into(), segments, codes };
            RuleResult { assignment, flags, excluded_for_missing: excluded, truths }
        }
    }
}
