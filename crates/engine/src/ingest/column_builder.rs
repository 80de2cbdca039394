//! A column read past its leading sample, straight into its typed storage.
//!
//! The sample's values decide the column's type and conventions ([`build_column`]); every later
//! cell is parsed once, into that type, with no text kept. A value that would change what reading
//! the whole column decides (another type, the day/month order, the decimal style, the currency)
//! marks the column to be read again whole from the file's bytes (see [`Grown::Again`]), so the
//! result is always the one [`build_column`] gives for the whole column: the sample only makes it
//! faster. Integers keep growing as decimals are met only through that path; it is rare in real
//! files and exact.

use rustc_hash::FxHashMap as HashMap;

use super::diagnostics::{Example, ImportWarning, MAX_EXAMPLES};
use super::infer::{has_leading_zero, BuiltColumn, ColumnContext, DateEvidence, MAX_CATEGORIES};
use super::missing::MissingTokens;
use super::options::DateOrder;
use super::values::{
    date_shape, parse_bool, parse_int, parse_number, same_currency, DateLayout, DecimalStyle, CURRENCIES,
};
use crate::table::{ColumnData, ColumnType, ValueFormat};

/// One column being read past its sample.
pub(super) struct ColumnBuilder {
    name: String,
    state: State,
    format: ValueFormat,
    warnings: Vec<ImportWarning>,
    missing: MissingTokens,
    /// Values present but unreadable as a chosen type, after the sample.
    bad: u64,
    bad_examples: Vec<Example>,
}

/// What a finished column is.
pub(super) enum Grown {
    /// The whole column, as reading it whole would give it.
    Built(BuiltColumn),
    /// A value after the sample changes what the whole column decides: read it again whole.
    Again,
}

enum State {
    Integer {
        values: Vec<Option<i64>>,
        inferred: bool,
    },
    Decimal {
        values: Vec<Option<f64>>,
        scale: u8,
        style: DecimalStyle,
        currency: Option<&'static str>,
        /// The style and currency were pinned: other currencies are unreadable, not a change.
        pinned: bool,
        inferred: bool,
    },
    Boolean {
        values: Vec<Option<bool>>,
        inferred: bool,
    },
    Dates {
        days: Vec<Option<i32>>,
        seconds: Vec<Option<i64>>,
        with_time: bool,
        inferred: bool,
        layout: DateLayout,
        /// The order the user fixed, if any.
        fixed: Option<DateOrder>,
        /// The order values are read with.
        order: DateOrder,
        /// The order the user chose for inference (inferred columns), if any.
        inference_fixed: Option<DateOrder>,
        /// The order that decided the type (inferred columns).
        inference_order: DateOrder,
        seen: DateEvidence,
    },
    Words(Words),
    Again,
}

/// Categories and text: a dictionary while the values are few, text once they are many.
struct Words {
    /// Distinct values in the order first met.
    dictionary: Vec<String>,
    index: HashMap<String, u32>,
    codes: Vec<Option<u32>>,
    /// Set once the column holds too many distinct values for categories (or was chosen as text).
    text: Option<Vec<Option<String>>>,
    present: u64,
    chosen: Option<ColumnType>,
    /// Inferred text or categories whose values so far all read as numbers in some decimal style
    /// (one written `3762247526601012,275` alone is ambiguous): a later number could make the whole
    /// column numbers, or numbers written two ways, so it asks for the column to be read again.
    numbers: bool,
}

/// A value inference could read as a number: in some decimal style, without a leading zero (an
/// identifier such as `007` keeps the whole column text).
fn reads_as_number(v: &str) -> bool {
    !has_leading_zero(v)
        && [DecimalStyle::Dot, DecimalStyle::DotGrouped, DecimalStyle::Comma]
            .into_iter()
            .any(|style| parse_number(v, style).is_some())
}

impl ColumnBuilder {
    /// Continues the column the sample read (`sample`, read with `ctx`). `None` when nothing about
    /// the sample's reading can be carried on (see [`BuiltColumn::whole_column`]).
    pub(super) fn new(sample: BuiltColumn, ctx: &ColumnContext<'_>) -> Option<Self> {
        if sample.whole_column {
            return None;
        }
        let inferred = ctx.chosen.is_none();
        let BuiltColumn { data, format, warnings, dates, .. } = sample;
        let state = match data {
            ColumnData::Integer(values) => State::Integer { values, inferred },
            ColumnData::Decimal { values, scale } => State::Decimal {
                values,
                scale,
                style: format.decimal_style.unwrap_or(DecimalStyle::Dot),
                currency: format.currency.as_deref().and_then(|c| CURRENCIES.iter().copied().find(|k| *k == c)),
                pinned: ctx.format.is_some_and(|f| f.decimal_style.is_some()),
                inferred,
            },
            ColumnData::Boolean(values) => State::Boolean { values, inferred },
            ColumnData::Date(_) | ColumnData::Datetime(_) => {
                let seen = dates?;
                let fixed = ctx.format.and_then(|f| f.date_order).or(ctx.date_order);
                let (days, seconds, with_time) = match data {
                    ColumnData::Date(d) => (d, Vec::new(), false),
                    ColumnData::Datetime(s) => (Vec::new(), s, true),
                    _ => return None,
                };
                State::Dates {
                    days,
                    seconds,
                    with_time,
                    inferred,
                    layout: format.date_layout?,
                    fixed,
                    order: seen.order(fixed).0,
                    inference_fixed: ctx.date_order,
                    inference_order: seen.order(ctx.date_order).0,
                    seen,
                }
            }
            ColumnData::Categorical { dictionary, codes } => {
                let present = codes.iter().flatten().count() as u64;
                let index = dictionary.iter().enumerate().map(|(i, s)| (s.clone(), i as u32)).collect();
                let numbers = ctx.chosen.is_none() && dictionary.iter().all(|v| reads_as_number(v));
                State::Words(Words { dictionary, index, codes, text: None, present, chosen: ctx.chosen, numbers })
            }
            ColumnData::Text(values) => State::Words(Words::from_text(values, ctx.chosen)),
        };
        Some(ColumnBuilder {
            name: ctx.name.to_string(),
            state,
            format,
            warnings,
            missing: MissingTokens::new(ctx.missing_tokens),
            bad: 0,
            bad_examples: Vec::new(),
        })
    }

    /// True once a value has asked for the whole column to be read again.
    pub(super) fn is_again(&self) -> bool {
        matches!(self.state, State::Again)
    }

    /// Adds the next row's cell (`None`: the row has no field here), which starts on `line`.
    pub(super) fn push(&mut self, cell: Option<&str>, line: u64) {
        let value = self.missing.present(cell);
        let unreadable = match &mut self.state {
            State::Again => return,
            State::Integer { values, inferred } => match value {
                None => {
                    values.push(None);
                    false
                }
                Some(v) => {
                    // Inference refuses leading zeros (`007` is an identifier); a chosen integer reads them.
                    let n = parse_int(v, !*inferred);
                    values.push(n);
                    match (n, *inferred) {
                        (Some(_), _) => false,
                        (None, true) => return self.again(),
                        (None, false) => true,
                    }
                }
            },
            State::Decimal { values, scale, style, currency, pinned, inferred } => match value {
                None => {
                    values.push(None);
                    false
                }
                Some(v) => {
                    let n = parse_number(v, *style);
                    let fits = n.is_some_and(|n| match (n.currency, *currency) {
                        (None, _) => true,
                        (Some(c), Some(column)) => same_currency(c, column),
                        // A currency in a column without one: unreadable when pinned, else it changes the column's.
                        (Some(_), None) => *pinned,
                    });
                    let changes = !*pinned && (!fits || *inferred && has_leading_zero(v));
                    if changes {
                        return self.again();
                    }
                    let n = n.filter(|_| fits);
                    if let Some(n) = n {
                        *scale = (*scale).max(n.decimals);
                        self.format.parenthesized_negatives |= n.parenthesized;
                    }
                    values.push(n.map(|n| n.value));
                    n.is_none()
                }
            },
            State::Boolean { values, inferred } => match value {
                None => {
                    values.push(None);
                    false
                }
                Some(v) => {
                    let b = parse_bool(v);
                    if b.is_none() && *inferred {
                        return self.again();
                    }
                    values.push(b);
                    b.is_none()
                }
            },
            State::Dates {
                days,
                seconds,
                with_time,
                inferred,
                layout,
                fixed,
                order,
                inference_fixed,
                inference_order,
                seen,
            } => {
                let shape = value.and_then(date_shape);
                if let Some(s) = &shape {
                    let now = seen.with(s);
                    let changes = now.order(*fixed).0 != *order
                        || *inferred
                            && (s.layout != *layout
                                || s.time.is_some() && !*with_time
                                || now.order(*inference_fixed).0 != *inference_order
                                || s.days(*inference_order).is_none());
                    if changes {
                        return self.again();
                    }
                    *seen = now;
                    self.format.utc_offsets_ignored |= s.has_offset();
                    self.format.two_digit_years |= s.short_year;
                }
                let read_days = || shape.and_then(|s| s.days(*order));
                let read = if *with_time {
                    let v = shape.and_then(|s| s.seconds(*order));
                    seconds.push(v);
                    v.is_some()
                } else {
                    let v = read_days();
                    days.push(v);
                    v.is_some()
                };
                if !read && value.is_some() && *inferred {
                    return self.again();
                }
                value.is_some() && !read
            }
            State::Words(words) => {
                if words.numbers {
                    match value {
                        Some(v) if reads_as_number(v) => return self.again(),
                        Some(_) => words.numbers = false, // text whatever follows
                        None => {}
                    }
                }
                words.push(value);
                false
            }
        };
        if unreadable {
            self.bad = self.bad.saturating_add(1); // at most the values pushed
            if self.bad_examples.len() < MAX_EXAMPLES {
                self.bad_examples.push(Example { line, found: format!("\"{}\"", value.unwrap_or("")) });
            }
        }
    }

    fn again(&mut self) {
        self.state = State::Again;
    }

    /// The whole column, or [`Grown::Again`].
    pub(super) fn finish(self) -> Grown {
        let ColumnBuilder { name, state, mut format, mut warnings, bad, bad_examples, .. } = self;
        let (data, seen) = match state {
            State::Again => return Grown::Again,
            State::Integer { values, .. } => (ColumnData::Integer(values), None),
            State::Decimal { values, scale, .. } => (ColumnData::Decimal { values, scale }, None),
            State::Boolean { values, .. } => (ColumnData::Boolean(values), None),
            State::Dates { days, seconds, with_time, fixed, seen, .. } => {
                let data = if with_time { ColumnData::Datetime(seconds) } else { ColumnData::Date(days) };
                (data, Some((seen, fixed)))
            }
            State::Words(words) => (words.finish(), None),
        };
        if let Some((seen, fixed)) = seen {
            // More values can only settle an ambiguous order (a different order reads again).
            let ambiguous = format.date_layout == Some(DateLayout::YearLast) && seen.order(fixed).1;
            if format.date_order_ambiguous && !ambiguous {
                format.date_order_ambiguous = false;
                warnings.retain(|w| !matches!(w, ImportWarning::AmbiguousDateOrder { .. }));
            }
        }
        if bad > 0 {
            add_unreadable(&mut warnings, &name, data.column_type(), bad, bad_examples);
        }
        Grown::Built(BuiltColumn { data, format, warnings, whole_column: false, dates: seen.map(|s| s.0) })
    }
}

/// Counts `more` unreadable values into the column's warning (or adds one).
fn add_unreadable(
    warnings: &mut Vec<ImportWarning>,
    name: &str,
    column_type: ColumnType,
    more: u64,
    more_examples: Vec<Example>,
) {
    for w in warnings.iter_mut() {
        if let ImportWarning::UnreadableValues { count, examples, .. } = w {
            *count = count.saturating_add(more); // values of one file
            examples.extend(more_examples);
            examples.truncate(MAX_EXAMPLES);
            return;
        }
    }
    warnings.push(ImportWarning::UnreadableValues {
        column: name.to_string(),
        column_type,
        count: more,
        examples: more_examples,
    });
}

impl Words {
    fn from_text(values: Vec<Option<String>>, chosen: Option<ColumnType>) -> Self {
        let mut words = Words {
            dictionary: Vec::new(),
            index: HashMap::default(),
            codes: Vec::with_capacity(values.len()),
            text: None,
            present: 0,
            chosen,
            numbers: chosen.is_none() && values.iter().flatten().all(|v| reads_as_number(v)),
        };
        if chosen == Some(ColumnType::Text) {
            words.present = values.iter().flatten().count() as u64;
            words.text = Some(values);
            return words;
        }
        for v in &values {
            words.push(v.as_deref());
            if words.text.is_some() {
                // Already past the categories' limit: keep the sample's text as it is.
                words.present = values.iter().flatten().count() as u64;
                words.text = Some(values);
                return words;
            }
        }
        words
    }

    fn push(&mut self, value: Option<&str>) {
        self.present = self.present.saturating_add(u64::from(value.is_some())); // at most the values pushed
        if let Some(text) = &mut self.text {
            text.push(value.map(str::to_string));
            return;
        }
        let code = value.map(|v| match self.index.get(v) {
            Some(&code) => code,
            None => {
                let code = self.dictionary.len() as u32;
                self.dictionary.push(v.to_string());
                self.index.insert(v.to_string(), code);
                code
            }
        });
        self.codes.push(code);
        if self.chosen.is_none() && self.dictionary.len() > MAX_CATEGORIES {
            self.text = Some(self.codes.iter().map(|c| self.label(*c)).collect());
            self.codes = Vec::new();
            self.index = HashMap::default();
            self.dictionary = Vec::new();
        }
    }

    fn label(&self, code: Option<u32>) -> Option<String> {
        code.and_then(|c| self.dictionary.get(c as usize)).cloned()
    }

    /// Categories when the type was chosen so, or when few values repeat (as [`super::infer`]
    /// decides: at most [`MAX_CATEGORIES`] distinct values, each seen twice on average); else text.
    fn finish(self) -> ColumnData {
        if let Some(text) = self.text {
            return ColumnData::Text(text);
        }
        let categories = match self.chosen {
            Some(ColumnType::Categorical) => true,
            Some(_) => false,
            // No saturation: the first test bounds the length by `MAX_CATEGORIES`.
            None => {
                self.dictionary.len() <= MAX_CATEGORIES
                    && (self.dictionary.len() as u64).saturating_mul(2) <= self.present
            }
        };
        if !categories {
            return ColumnData::Text(self.codes.iter().map(|c| self.label(*c)).collect());
        }
        let mut order: Vec<u32> = (0..self.dictionary.len() as u32).collect();
        order.sort_by(|&a, &b| self.dictionary.get(a as usize).cmp(&self.dictionary.get(b as usize)));
        let mut recode = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            if let Some(slot) = recode.get_mut(old as usize) {
                *slot = new as u32;
            }
        }
        let codes = self.codes.iter().map(|c| c.and_then(|c| recode.get(c as usize).copied())).collect();
        let mut dictionary = self.dictionary;
        let sorted: Vec<String> =
            order.iter().filter_map(|&i| dictionary.get_mut(i as usize).map(std::mem::take)).collect();
        ColumnData::Categorical { dictionary: sorted, codes }
    }
}
