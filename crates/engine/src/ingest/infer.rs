//! Turning a column's text into typed values: inferring the type, or applying the user's choice.
//!
//! Conventions are decided from the whole column, never value by value: the day/month order of
//! dates, the decimal style of numbers (`1,234.50` or `1.234,50`) and their currency. A column
//! that mixes two decimal styles or two currencies is reported ([`ImportWarning::MixedNumberConventions`],
//! [`ImportWarning::MixedCurrencies`]) and read as text, not guessed row by row.

use std::collections::{BTreeSet, HashMap};

use super::cells::Cells;
use super::diagnostics::{Example, ImportWarning, MAX_EXAMPLES};
use super::missing::MissingTokens;
use super::options::DateOrder;
use super::values::{
    date_shape, number_parts, parse_bool, parse_int, parse_number, same_currency, DateLayout, DateShape, DecimalStyle,
    CURRENCIES,
};
use crate::table::{ColumnData, ColumnType, ValueFormat};

/// At most this many distinct values for text to be read as categories.
pub const MAX_CATEGORIES: usize = 1000;

/// What reading one column needs to know besides its cells.
pub struct ColumnContext<'a> {
    /// The column's name.
    pub name: &'a str,
    /// Tokens read as missing.
    pub missing_tokens: &'a [String],
    /// The type the user chose, if any.
    pub chosen: Option<ColumnType>,
    /// The user's day/month order, if any.
    pub date_order: Option<DateOrder>,
    /// The user's decimal-comma choice, if any.
    pub decimal_comma: Option<bool>,
    /// A pinned format for this column (decimal style, currency, date order), if any.
    pub format: Option<&'a ValueFormat>,
    /// The file's delimiter (a decimal comma is unlikely in a comma-separated file).
    pub delimiter: u8,
    /// Line number of each row, for examples in warnings.
    pub lines: &'a [u64],
}

/// A typed column and what reading it found.
pub struct BuiltColumn {
    /// The values.
    pub data: ColumnData,
    /// How they were read.
    pub format: ValueFormat,
    /// Warnings about this column.
    pub warnings: Vec<ImportWarning>,
    /// True when how these values were read depends on all of them in a way more values could
    /// change and [`super::column_builder`] cannot follow (no value present to infer a type from,
    /// numbers written two ways, a pinned format over an inferred type): more rows mean reading
    /// the whole column again.
    pub whole_column: bool,
    /// For dates and date-times: which day/month orders read every value.
    pub dates: Option<DateEvidence>,
}

/// Which day/month orders read every date of a column, and whether one is written year last:
/// what decides the order ([`date_order`]) and whether it is ambiguous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateEvidence {
    /// Every value reads day first.
    pub dmy_all: bool,
    /// Every value reads month first.
    pub mdy_all: bool,
    /// Some value is laid out year last (`31/12/2024`).
    pub year_last: bool,
}

impl DateEvidence {
    /// The evidence of no values.
    pub const NONE: DateEvidence = DateEvidence { dmy_all: true, mdy_all: true, year_last: false };

    /// The evidence with one more value.
    pub fn with(self, s: &DateShape) -> DateEvidence {
        DateEvidence {
            dmy_all: self.dmy_all && s.days(DateOrder::Dmy).is_some(),
            mdy_all: self.mdy_all && s.days(DateOrder::Mdy).is_some(),
            year_last: self.year_last || s.layout == DateLayout::YearLast,
        }
    }

    /// The order that reads every value (day first when both or neither do), and whether both do
    /// for values written year last.
    pub fn order(self, chosen: Option<DateOrder>) -> (DateOrder, bool) {
        if let Some(order) = chosen {
            return (order, false);
        }
        match (self.dmy_all, self.mdy_all) {
            (false, true) => (DateOrder::Mdy, false),
            (true, true) => (DateOrder::Dmy, self.year_last),
            _ => (DateOrder::Dmy, false),
        }
    }
}

/// How a column of numbers is written, decided from all of its values.
#[derive(Debug, Clone, Copy, PartialEq)]
struct NumberFormat {
    style: DecimalStyle,
    /// The one currency written in the column, if any.
    currency: Option<&'static str>,
}

/// Why a column was not read as numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum NotNumbers {
    /// Some value is not a number in any style.
    No,
    /// Every value is a number, but some only with a decimal point and others only with a decimal
    /// comma (rows of one of each).
    MixedConventions { point: usize, comma: usize },
    /// Every value reads in `style`, but with two currencies (rows of the first of each).
    MixedCurrencies { style: DecimalStyle, first: usize, other: usize },
}

/// The present (non-missing) values.
fn present<'a>(values: &'a [Option<&'a str>]) -> impl Iterator<Item = &'a str> + Clone + 'a {
    values.iter().flatten().copied()
}

/// Reads a column's cells as the chosen type, or as the type inferred from them.
pub fn build_column(cells: &Cells, ctx: &ColumnContext<'_>) -> BuiltColumn {
    let missing = MissingTokens::new(ctx.missing_tokens);
    let values: Vec<Option<&str>> = (0..cells.len()).map(|i| missing.present(cells.get(i))).collect();
    let mut warnings = Vec::new();
    // A pinned format over an inferred type: rare (pinned formats come with chosen types).
    let mut whole_column = ctx.chosen.is_none() && ctx.format.is_some();
    let mut dates = None;
    let (ty, mut numbers) = match ctx.chosen {
        Some(ty) => (ty, None),
        None => {
            let (ty, numbers, refused) = infer_type(&values, ctx);
            if let Some(w) = refused.and_then(|r| not_numbers_warning(r, &values, ctx, true)) {
                warnings.push(w);
                whole_column = true;
            }
            whole_column |= present(&values).next().is_none();
            (ty, numbers)
        }
    };
    let mut format = ValueFormat::default();
    let mut bad: Vec<usize> = Vec::new();
    let data = match ty {
        ColumnType::Integer => {
            let out: Vec<Option<i64>> = values.iter().map(|v| v.and_then(|s| parse_int(s, true))).collect();
            collect_bad(&values, &out, &mut bad);
            ColumnData::Integer(out)
        }
        ColumnType::Decimal => {
            let pinned = ctx.format.and_then(|f| {
                let currency = f.currency.as_deref().and_then(|c| CURRENCIES.iter().copied().find(|k| *k == c));
                f.decimal_style.map(|style| NumberFormat { style, currency })
            });
            let chosen = pinned.or(numbers.take()).unwrap_or_else(|| match number_format(&values, ctx) {
                Ok(f) => f,
                Err(reason) => {
                    whole_column = true;
                    warnings.extend(not_numbers_warning(reason, &values, ctx, false));
                    match reason {
                        NotNumbers::MixedCurrencies { style, .. } => NumberFormat { style, currency: None },
                        _ => NumberFormat { style: most_read_style(&values, ctx), currency: None },
                    }
                }
            });
            format.decimal_style = Some(chosen.style);
            format.currency = chosen.currency.map(str::to_string);
            let mut parenthesized = false;
            let mut scale = 0u8;
            let mut out: Vec<Option<f64>> = Vec::with_capacity(values.len());
            for v in &values {
                // A value in another currency than the column's is not one of its amounts.
                let n = v.and_then(|s| parse_number(s, chosen.style)).filter(|n| match (n.currency, chosen.currency) {
                    (Some(c), Some(column)) => same_currency(c, column),
                    _ => true,
                });
                if let Some(n) = n {
                    parenthesized |= n.parenthesized;
                    scale = scale.max(n.decimals);
                }
                out.push(n.map(|n| n.value));
            }
            format.parenthesized_negatives = parenthesized;
            collect_bad(&values, &out, &mut bad);
            ColumnData::Decimal { values: out, scale }
        }
        ColumnType::Boolean => {
            let out: Vec<Option<bool>> = values.iter().map(|v| v.and_then(parse_bool)).collect();
            collect_bad(&values, &out, &mut bad);
            ColumnData::Boolean(out)
        }
        ColumnType::Date | ColumnType::Datetime => {
            let shapes: Vec<Option<DateShape>> = values.iter().map(|v| v.and_then(date_shape)).collect();
            let pinned = ctx.format.and_then(|f| f.date_order);
            let seen = evidence(shapes.iter().flatten());
            dates = Some(seen);
            let (order, ambiguous) = seen.order(pinned.or(ctx.date_order));
            format.date_layout = shapes.iter().flatten().next().map(|s| s.layout);
            whole_column |= format.date_layout.is_none();
            if format.date_layout == Some(DateLayout::YearLast) {
                format.date_order = Some(order);
                format.date_order_ambiguous = ambiguous;
            }
            format.utc_offsets_ignored = shapes.iter().flatten().any(DateShape::has_offset);
            format.two_digit_years = shapes.iter().flatten().any(|s| s.short_year);
            if ty == ColumnType::Date {
                let out: Vec<Option<i32>> = shapes.iter().map(|s| s.and_then(|s| s.days(order))).collect();
                collect_bad(&values, &out, &mut bad);
                ColumnData::Date(out)
            } else {
                let out: Vec<Option<i64>> = shapes.iter().map(|s| s.and_then(|s| s.seconds(order))).collect();
                collect_bad(&values, &out, &mut bad);
                ColumnData::Datetime(out)
            }
        }
        ColumnType::Categorical => {
            let dictionary: Vec<String> =
                present(&values).collect::<BTreeSet<&str>>().into_iter().map(str::to_string).collect();
            let index: HashMap<&str, u32> =
                dictionary.iter().enumerate().map(|(i, s)| (s.as_str(), i as u32)).collect();
            let codes = values.iter().map(|v| v.and_then(|s| index.get(s).copied())).collect();
            ColumnData::Categorical { dictionary, codes }
        }
        ColumnType::Text => ColumnData::Text(values.iter().map(|v| v.map(str::to_string)).collect()),
    };
    if format.date_order_ambiguous {
        warnings.push(ImportWarning::AmbiguousDateOrder {
            column: ctx.name.to_string(),
            chosen_day_first: format.date_order == Some(DateOrder::Dmy),
        });
    }
    if !bad.is_empty() {
        warnings.push(ImportWarning::UnreadableValues {
            column: ctx.name.to_string(),
            column_type: ty,
            count: bad.len() as u64,
            examples: bad.iter().take(MAX_EXAMPLES).map(|&r| example(&values, ctx, r)).collect(),
        });
    }
    BuiltColumn { data, format, warnings, whole_column, dates }
}

/// Row `r`'s value, quoted, with its line.
fn example(values: &[Option<&str>], ctx: &ColumnContext<'_>, r: usize) -> Example {
    Example {
        line: ctx.lines.get(r).copied().unwrap_or(0),
        found: format!("\"{}\"", values.get(r).copied().flatten().unwrap_or("")),
    }
}

/// The warning for a column that is numbers written two ways; `read_as_text` when the type was inferred.
fn not_numbers_warning(
    reason: NotNumbers,
    values: &[Option<&str>],
    ctx: &ColumnContext<'_>,
    read_as_text: bool,
) -> Option<ImportWarning> {
    let column = ctx.name.to_string();
    match reason {
        NotNumbers::No => None,
        NotNumbers::MixedConventions { point, comma } => Some(ImportWarning::MixedNumberConventions {
            column,
            point: example(values, ctx, point),
            comma: example(values, ctx, comma),
            read_as_text,
        }),
        NotNumbers::MixedCurrencies { first, other, .. } => Some(ImportWarning::MixedCurrencies {
            column,
            first: example(values, ctx, first),
            other: example(values, ctx, other),
            read_as_text,
        }),
    }
}

/// Rows where text was present but the typed value is missing: values that could not be read.
fn collect_bad<T>(values: &[Option<&str>], typed: &[Option<T>], bad: &mut Vec<usize>) {
    bad.extend(values.iter().zip(typed).enumerate().filter(|(_, (v, t))| v.is_some() && t.is_none()).map(|(r, _)| r));
}

/// The most specific type every present value fits; for numbers, how they are written; and why a
/// column of numbers was not read as numbers, when they mix conventions or currencies.
fn infer_type(
    values: &[Option<&str>],
    ctx: &ColumnContext<'_>,
) -> (ColumnType, Option<NumberFormat>, Option<NotNumbers>) {
    let mut probe = present(values).peekable();
    if probe.peek().is_none() {
        return (ColumnType::Text, None, None);
    }
    if present(values).all(|v| parse_bool(v).is_some()) {
        return (ColumnType::Boolean, None, None);
    }
    if let Some(ty) = infer_date(present(values), ctx.date_order) {
        return (ty, None, None);
    }
    if present(values).all(|v| parse_int(v, false).is_some()) {
        return (ColumnType::Integer, None, None);
    }
    // Numbers first (text fails at its first value), then leading zeros (a pass over every value).
    let mut refused = None;
    match number_format(values, ctx) {
        Err(NotNumbers::No) => {}
        _ if present(values).any(has_leading_zero) => {}
        Ok(f) => return (ColumnType::Decimal, Some(f), None),
        Err(reason) => refused = Some(reason),
    }
    let mut distinct: BTreeSet<&str> = BTreeSet::new();
    let mut count = 0usize;
    for v in present(values) {
        count = count.saturating_add(1); // at most `values.len()`
        if distinct.len() <= MAX_CATEGORIES {
            distinct.insert(v);
        }
    }
    // No saturation: the first test bounds the length by `MAX_CATEGORIES`.
    let ty = if distinct.len() <= MAX_CATEGORIES && distinct.len().saturating_mul(2) <= count {
        ColumnType::Categorical
    } else {
        ColumnType::Text
    };
    (ty, None, refused)
}

/// `Date` or `Datetime` when every value is a date of one layout that one day/month order reads.
fn infer_date<'a>(values: impl Iterator<Item = &'a str> + Clone, order: Option<DateOrder>) -> Option<ColumnType> {
    let mut layout = None;
    let mut has_time = false;
    let mut shapes = Vec::new();
    for v in values {
        let s = date_shape(v)?;
        if *layout.get_or_insert(s.layout) != s.layout {
            return None;
        }
        has_time |= s.time.is_some();
        shapes.push(s);
    }
    let (order, _) = date_order(shapes.iter(), order);
    if shapes.iter().any(|s| s.days(order).is_none()) {
        return None;
    }
    Some(if has_time { ColumnType::Datetime } else { ColumnType::Date })
}

/// The day/month order that reads every value, and whether both would.
fn date_order<'a>(shapes: impl Iterator<Item = &'a DateShape>, chosen: Option<DateOrder>) -> (DateOrder, bool) {
    evidence(shapes).order(chosen)
}

fn evidence<'a>(shapes: impl Iterator<Item = &'a DateShape>) -> DateEvidence {
    shapes.fold(DateEvidence::NONE, |e, s| e.with(s))
}

/// `007`, `-00.5`, `$007`: digits with a leading zero, which mark an identifier rather than a number.
pub(super) fn has_leading_zero(v: &str) -> bool {
    let body = number_parts(v).map_or(v, |p| p.body);
    matches!(body.as_bytes(), [b'0', b'0'..=b'9', ..])
}

/// The currencies of a column's values: the row of the first value with a currency (and that
/// currency), and the row of the first in another currency.
#[derive(Debug, Clone, Copy, Default)]
struct Currencies {
    first: Option<(usize, &'static str)>,
    other: Option<usize>,
}

/// Reads every present value in `style`: `None` when one does not read; else their currencies.
fn reads_all(values: &[Option<&str>], style: DecimalStyle) -> Option<Currencies> {
    let mut seen = Currencies::default();
    for (r, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        let n = parse_number(v, style)?;
        if let (Some(c), None) = (n.currency, seen.other) {
            match seen.first {
                None => seen.first = Some((r, c)),
                Some((_, f)) if !same_currency(f, c) => seen.other = Some(r),
                Some(_) => {}
            }
        }
    }
    Some(seen)
}

/// The one decimal style and currency every value fits, honouring the user's decimal-comma choice.
fn number_format(values: &[Option<&str>], ctx: &ColumnContext<'_>) -> Result<NumberFormat, NotNumbers> {
    let fits = |style: DecimalStyle| {
        reads_all(values, style).map(|seen| match seen {
            Currencies { first: Some((first, _)), other: Some(other) } => {
                Err(NotNumbers::MixedCurrencies { style, first, other })
            }
            Currencies { first, .. } => Ok(NumberFormat { style, currency: first.map(|f| f.1) }),
        })
    };
    let found = match ctx.decimal_comma {
        Some(true) => fits(DecimalStyle::Comma),
        Some(false) => fits(DecimalStyle::Dot).or_else(|| fits(DecimalStyle::DotGrouped)),
        // Whether a comma is a decimal comma looks at every value: only when they all read with one.
        None => fits(DecimalStyle::Dot)
            .or_else(|| fits(DecimalStyle::Comma).filter(|_| comma_is_decimal(present(values), ctx.delimiter)))
            .or_else(|| fits(DecimalStyle::DotGrouped)),
    };
    found.unwrap_or_else(|| Err(mixed_conventions(values).unwrap_or(NotNumbers::No)))
}

/// `1,234` alone could be either; a comma followed by other than three digits, or a file not
/// separated by commas, decides for the decimal comma.
fn comma_is_decimal<'a>(mut values: impl Iterator<Item = &'a str>, delimiter: u8) -> bool {
    delimiter != b','
        || values.any(|v| {
            let body = number_parts(v).map_or(v, |p| p.body);
            body.rsplit_once(',')
                .is_some_and(|(_, frac)| frac.len() != 3 || body.contains('.') && body.find('.') < body.find(','))
        })
}

/// When every value is a number, some only with a decimal point and others only with a decimal
/// comma: the first of each.
fn mixed_conventions(values: &[Option<&str>]) -> Option<NotNumbers> {
    let (mut point, mut comma) = (None, None);
    for (r, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        let reads_point =
            parse_number(v, DecimalStyle::Dot).is_some() || parse_number(v, DecimalStyle::DotGrouped).is_some();
        let reads_comma = parse_number(v, DecimalStyle::Comma).is_some();
        match (reads_point, reads_comma) {
            (false, false) => return None,
            (true, false) => {
                point.get_or_insert(r);
            }
            (false, true) => {
                comma.get_or_insert(r);
            }
            (true, true) => {}
        }
    }
    Some(NotNumbers::MixedConventions { point: point?, comma: comma? })
}

/// For a column chosen as decimal that no one style reads whole: the style that reads the most
/// values (the others are reported as unreadable), honouring the user's decimal-comma choice.
fn most_read_style(values: &[Option<&str>], ctx: &ColumnContext<'_>) -> DecimalStyle {
    let styles: &[DecimalStyle] = match ctx.decimal_comma {
        Some(true) => &[DecimalStyle::Comma],
        Some(false) => &[DecimalStyle::Dot, DecimalStyle::DotGrouped],
        None => &[DecimalStyle::Dot, DecimalStyle::DotGrouped, DecimalStyle::Comma],
    };
    let read = |style: DecimalStyle| present(values).filter(|v| parse_number(v, style).is_some()).count();
    let mut best = (styles.first().copied().unwrap_or(DecimalStyle::Dot), 0usize);
    for &style in styles {
        let n = read(style);
        if n > best.1 {
            best = (style, n);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::values::days_from_ymd;

    fn read_with(values: &[&str], chosen: Option<ColumnType>, format: Option<&ValueFormat>) -> BuiltColumn {
        let mut cells = Cells::default();
        values.iter().for_each(|v| cells.push(v));
        let lines: Vec<u64> = (2..).take(values.len()).collect();
        let missing = vec![String::new()];
        let ctx = ColumnContext {
            name: "Total",
            missing_tokens: &missing,
            chosen,
            date_order: None,
            decimal_comma: None,
            format,
            delimiter: b',',
            lines: &lines,
        };
        build_column(&cells, &ctx)
    }

    fn read(values: &[&str]) -> BuiltColumn {
        read_with(values, None, None)
    }

    fn decimals(b: &BuiltColumn) -> Vec<Option<f64>> {
        match &b.data {
            ColumnData::Decimal { values, .. } => values.clone(),
            other => panic!("not decimal: {other:?}"),
        }
    }

    #[test]
    fn amounts_with_a_currency_symbol_and_thousands_are_numbers_of_that_currency() {
        let b = read(&["$1,234.50", "$12.00", "", "$0.99", "7.00"]);
        assert_eq!(decimals(&b), [Some(1234.5), Some(12.0), None, Some(0.99), Some(7.0)]);
        assert_eq!(b.format.currency.as_deref(), Some("$"));
        assert_eq!(b.format.decimal_style, Some(DecimalStyle::DotGrouped));
        assert!(b.warnings.is_empty(), "{:?}", b.warnings);
        assert_eq!(b.format.notes(), ["thousands separators", "currency $"]);
    }

    #[test]
    fn european_amounts_with_a_trailing_euro_read_with_the_decimal_comma() {
        let b = read(&["1.234,50 €", "12,00 €", "-3,10 €"]);
        assert_eq!(decimals(&b), [Some(1234.5), Some(12.0), Some(-3.1)]);
        assert_eq!((b.format.decimal_style, b.format.currency.as_deref()), (Some(DecimalStyle::Comma), Some("€")));
        let codes = read(&["USD 10.00", "USD 2.50"]);
        assert_eq!(codes.format.currency.as_deref(), Some("USD"));
    }

    #[test]
    fn amounts_grouped_by_spaces_are_numbers_in_their_style() {
        let french = read(&["1 234,50 €", "12,00 €", "3\u{a0}000,00 €"]);
        assert_eq!(decimals(&french), [Some(1234.5), Some(12.0), Some(3000.0)]);
        assert_eq!(french.format.decimal_style, Some(DecimalStyle::Comma));
        let si = read(&["1 234.50", "12.00", "3 000.25"]);
        assert_eq!(decimals(&si), [Some(1234.5), Some(12.0), Some(3000.25)]);
        assert_eq!(si.format.decimal_style, Some(DecimalStyle::DotGrouped));
    }

    #[test]
    fn accounting_negatives_are_negative_numbers() {
        let b = read(&["(12.00)", "40.00", "($3.50)", "$-1.00", "-$2.00"]);
        assert_eq!(decimals(&b), [Some(-12.0), Some(40.0), Some(-3.5), Some(-1.0), Some(-2.0)]);
        assert!(b.format.parenthesized_negatives);
        assert!(b.format.notes().contains(&"negatives in parentheses".to_string()));
        if let ColumnData::Decimal { scale, .. } = b.data {
            assert_eq!(scale, 2);
        }
    }

    #[test]
    fn a_column_mixing_decimal_point_and_decimal_comma_is_reported_not_guessed() {
        let b = read(&["1,234.50", "12.00", "1.234,50", "7,25"]);
        assert_ne!(b.data.column_type(), ColumnType::Decimal);
        let [ImportWarning::MixedNumberConventions { column, point, comma, read_as_text: true }] =
            b.warnings.as_slice()
        else {
            panic!("{:?}", b.warnings)
        };
        assert_eq!((column.as_str(), point.line, point.found.as_str()), ("Total", 2, "\"1,234.50\""));
        assert_eq!((comma.line, comma.found.as_str()), (4, "\"1.234,50\""));
        let text = b.warnings[0].to_string();
        assert!(text.starts_with("Column `Total` writes numbers two ways: \"1,234.50\" on line 2"), "{text}");
        assert!(text.contains("read as text rather than guessed value by value"), "{text}");
    }

    #[test]
    fn chosen_decimal_over_mixed_conventions_reads_the_most_used_one_and_lists_the_rest() {
        let b = read_with(&["1,234.50", "12.00", "1.234,50", "3.00"], Some(ColumnType::Decimal), None);
        assert_eq!(decimals(&b), [Some(1234.5), Some(12.0), None, Some(3.0)]);
        assert!(matches!(b.warnings.first(), Some(ImportWarning::MixedNumberConventions { read_as_text: false, .. })));
        assert!(matches!(b.warnings.get(1), Some(ImportWarning::UnreadableValues { count: 1, .. })));
    }

    #[test]
    fn a_column_in_two_currencies_stays_text_with_a_warning() {
        let b = read(&["$12.00", "$4.00", "€9.50", "$1.00"]);
        assert_eq!(b.data.column_type(), ColumnType::Text);
        let [ImportWarning::MixedCurrencies { first, other, read_as_text: true, .. }] = b.warnings.as_slice() else {
            panic!("{:?}", b.warnings)
        };
        assert_eq!((first.found.as_str(), other.found.as_str(), other.line), ("\"$12.00\"", "\"€9.50\"", 4));
        let text = b.warnings[0].to_string();
        assert!(text.contains("more than one currency (\"$12.00\" on line 2, \"€9.50\" on line 4)"), "{text}");
        // Chosen as decimal, the numbers are read, with no currency, and the warning stays.
        let chosen = read_with(&["$12.00", "€9.50"], Some(ColumnType::Decimal), None);
        assert_eq!((decimals(&chosen), chosen.format.currency), (vec![Some(12.0), Some(9.5)], None));
        assert!(matches!(chosen.warnings.as_slice(), [ImportWarning::MixedCurrencies { read_as_text: false, .. }]));
    }

    #[test]
    fn a_symbol_and_its_code_are_one_currency_but_two_dollars_are_two() {
        let b = read(&["$12.00", "USD 5.00", "$1.00"]);
        assert_eq!(decimals(&b), [Some(12.0), Some(5.0), Some(1.0)]);
        assert_eq!(b.format.currency.as_deref(), Some("$"));
        assert!(b.warnings.is_empty(), "{:?}", b.warnings);
        assert_eq!(read(&["€3,50", "4,00 EUR"]).format.currency.as_deref(), Some("€"));
        assert_eq!(read(&["$12.00", "CAD 5.00"]).data.column_type(), ColumnType::Text);
    }

    #[test]
    fn a_pinned_currency_reads_other_currencies_as_unreadable() {
        let pinned = ValueFormat {
            decimal_style: Some(DecimalStyle::Dot),
            currency: Some("$".into()),
            ..ValueFormat::default()
        };
        let b = read_with(&["$5.00", "€5.00", "5.00"], Some(ColumnType::Decimal), Some(&pinned));
        assert_eq!(decimals(&b), [Some(5.0), None, Some(5.0)]);
        assert!(matches!(b.warnings.as_slice(), [ImportWarning::UnreadableValues { count: 1, .. }]));
    }

    #[test]
    fn shopify_timestamps_are_datetimes_keeping_the_written_date() {
        let b = read(&["2024-01-15 10:23:45 -0500", "2024-01-16 23:59:00 -0500", "2024-03-10 08:00:00 -0400"]);
        let ColumnData::Datetime(secs) = &b.data else { panic!("{:?}", b.data) };
        let days: Vec<Option<i64>> = secs.iter().map(|s| s.map(|s| s.div_euclid(86_400))).collect();
        let day = |m, d| days_from_ymd(2024, m, d).map(i64::from);
        assert_eq!(days, [day(1, 15), day(1, 16), day(3, 10)]);
        assert!(b.format.utc_offsets_ignored);
        assert_eq!(b.format.notes(), ["UTC offsets ignored: dates and times as written"]);
        // Read as dates (the command line's --date), the same calendar days.
        let d = read_with(&["2024-01-16 23:59:00 -0500"], Some(ColumnType::Date), None);
        assert_eq!(d.data, ColumnData::Date(vec![days_from_ymd(2024, 1, 16)]));
    }

    #[test]
    fn two_digit_years_are_dates_read_as_posix_reads_them() {
        let b = read(&["15/01/24", "03/02/99", "28/12/68 10:30"]);
        assert_eq!(
            b.data,
            ColumnData::Datetime(vec![
                days_from_ymd(2024, 1, 15).map(|d| i64::from(d) * 86_400),
                days_from_ymd(1999, 2, 3).map(|d| i64::from(d) * 86_400),
                days_from_ymd(2068, 12, 28).map(|d| i64::from(d) * 86_400 + 10 * 3600 + 30 * 60),
            ])
        );
        assert!(b.format.two_digit_years);
        assert!(
            b.format.notes().iter().any(|n| n.starts_with("two-digit years: 69–99 are 1969–1999")),
            "{:?}",
            b.format.notes()
        );
        // Versions and codes with a one- or three-digit last part are not dates.
        assert_eq!(read(&["1.2.10", "2.0.1"]).data.column_type(), ColumnType::Text);
    }

    #[test]
    fn month_name_dates_are_dates() {
        let b = read(&["15-Jan-2024", "3-Feb-2024", "28-December-2023"]);
        assert_eq!(
            b.data,
            ColumnData::Date(vec![days_from_ymd(2024, 1, 15), days_from_ymd(2024, 2, 3), days_from_ymd(2023, 12, 28)])
        );
        assert_eq!(b.format.notes(), ["month names (15-Jan-2024)"]);
        let us = read(&["Jan 15, 2024", "February 3, 2024 4:05 PM"]);
        assert_eq!(us.data.column_type(), ColumnType::Datetime);
    }

    #[test]
    fn leading_zeros_and_plain_text_stay_text_without_a_warning() {
        assert_eq!(read(&["$007", "$010"]).data.column_type(), ColumnType::Text);
        let words = read(&["red", "blue", "12.00"]);
        assert!(words.warnings.is_empty());
    }
}
