//! Turning a column's text into typed values: inferring the type, or applying the user's choice.

use std::collections::{BTreeSet, HashMap};

use super::cells::Cells;
use super::diagnostics::{Example, ImportWarning, MAX_EXAMPLES};
use super::options::DateOrder;
use super::values::{date_shape, parse_bool, parse_decimal, parse_int, DateLayout, DateShape, DecimalStyle};
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
    /// A pinned format for this column (decimal style, date order), if any.
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
}

/// Reads a column's cells as the chosen type, or as the type inferred from them.
pub fn build_column(cells: &Cells, ctx: &ColumnContext<'_>) -> BuiltColumn {
    let values: Vec<Option<&str>> = (0..cells.len())
        .map(|i| cells.get(i).map(str::trim).filter(|v| !ctx.missing_tokens.iter().any(|t| t.trim() == *v)))
        .collect();
    let present = || values.iter().flatten().copied();
    let ty = ctx.chosen.unwrap_or_else(|| infer_type(present(), ctx));
    let mut format = ValueFormat::default();
    let mut bad: Vec<usize> = Vec::new();
    let data = match ty {
        ColumnType::Integer => {
            let out: Vec<Option<i64>> = values.iter().map(|v| v.and_then(|s| parse_int(s, true))).collect();
            collect_bad(&values, &out, &mut bad);
            ColumnData::Integer(out)
        }
        ColumnType::Decimal => {
            let pinned = ctx.format.and_then(|f| f.decimal_style);
            let style = pinned.or_else(|| decimal_style(present(), ctx)).unwrap_or(DecimalStyle::Dot);
            format.decimal_style = Some(style);
            let parsed: Vec<Option<(f64, u8)>> =
                values.iter().map(|v| v.and_then(|s| parse_decimal(s, style))).collect();
            let scale = parsed.iter().flatten().map(|p| p.1).max().unwrap_or(0);
            let out: Vec<Option<f64>> = parsed.iter().map(|p| p.map(|p| p.0)).collect();
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
            let (order, ambiguous) = date_order(shapes.iter().flatten(), pinned.or(ctx.date_order));
            format.date_layout = shapes.iter().flatten().next().map(|s| s.layout);
            if format.date_layout == Some(DateLayout::YearLast) {
                format.date_order = Some(order);
                format.date_order_ambiguous = ambiguous;
            }
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
                present().collect::<BTreeSet<&str>>().into_iter().map(str::to_string).collect();
            let index: HashMap<&str, u32> =
                dictionary.iter().enumerate().map(|(i, s)| (s.as_str(), i as u32)).collect();
            let codes = values.iter().map(|v| v.and_then(|s| index.get(s).copied())).collect();
            ColumnData::Categorical { dictionary, codes }
        }
        ColumnType::Text => ColumnData::Text(values.iter().map(|v| v.map(str::to_string)).collect()),
    };
    let mut warnings = Vec::new();
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
            examples: bad
                .iter()
                .take(MAX_EXAMPLES)
                .map(|&r| Example {
                    line: ctx.lines.get(r).copied().unwrap_or(0),
                    found: format!("\"{}\"", values.get(r).copied().flatten().unwrap_or("")),
                })
                .collect(),
        });
    }
    BuiltColumn { data, format, warnings }
}

/// Rows where text was present but the typed value is missing: values that could not be read.
fn collect_bad<T>(values: &[Option<&str>], typed: &[Option<T>], bad: &mut Vec<usize>) {
    bad.extend(values.iter().zip(typed).enumerate().filter(|(_, (v, t))| v.is_some() && t.is_none()).map(|(r, _)| r));
}

/// The most specific type every present value fits.
fn infer_type<'a>(values: impl Iterator<Item = &'a str> + Clone, ctx: &ColumnContext<'_>) -> ColumnType {
    let mut probe = values.clone().peekable();
    if probe.peek().is_none() {
        return ColumnType::Text;
    }
    if values.clone().all(|v| parse_bool(v).is_some()) {
        return ColumnType::Boolean;
    }
    if let Some(ty) = infer_date(values.clone(), ctx.date_order) {
        return ty;
    }
    if values.clone().all(|v| parse_int(v, false).is_some()) {
        return ColumnType::Integer;
    }
    if !values.clone().any(has_leading_zero) && decimal_style(values.clone(), ctx).is_some() {
        return ColumnType::Decimal;
    }
    let mut distinct: BTreeSet<&str> = BTreeSet::new();
    let mut present = 0usize;
    for v in values {
        present += 1;
        if distinct.len() <= MAX_CATEGORIES {
            distinct.insert(v);
        }
    }
    if distinct.len() <= MAX_CATEGORIES && distinct.len() * 2 <= present {
        ColumnType::Categorical
    } else {
        ColumnType::Text
    }
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
fn date_order<'a>(shapes: impl Iterator<Item = &'a DateShape> + Clone, chosen: Option<DateOrder>) -> (DateOrder, bool) {
    if let Some(order) = chosen {
        return (order, false);
    }
    let dmy = shapes.clone().all(|s| s.days(DateOrder::Dmy).is_some());
    let mdy = shapes.clone().all(|s| s.days(DateOrder::Mdy).is_some());
    let year_last = shapes.clone().any(|s| s.layout == DateLayout::YearLast);
    match (dmy, mdy) {
        (false, true) => (DateOrder::Mdy, false),
        (true, true) => (DateOrder::Dmy, year_last),
        _ => (DateOrder::Dmy, false),
    }
}

/// `007`, `-00.5`: digits with a leading zero, which mark an identifier rather than a number.
fn has_leading_zero(v: &str) -> bool {
    let d = v.strip_prefix(['+', '-']).unwrap_or(v).as_bytes();
    matches!(d, [b'0', b'0'..=b'9', ..])
}

/// The one decimal style every value fits, honouring the user's decimal-comma choice.
fn decimal_style<'a>(values: impl Iterator<Item = &'a str> + Clone, ctx: &ColumnContext<'_>) -> Option<DecimalStyle> {
    let all = |style| values.clone().all(|v| parse_decimal(v, style).is_some());
    match ctx.decimal_comma {
        Some(true) => return all(DecimalStyle::Comma).then_some(DecimalStyle::Comma),
        Some(false) => {
            return [DecimalStyle::Dot, DecimalStyle::DotGrouped].into_iter().find(|&s| all(s));
        }
        None => {}
    }
    if all(DecimalStyle::Dot) {
        return Some(DecimalStyle::Dot);
    }
    // `1,234` alone could be either; a comma followed by other than three digits, or a file not
    // separated by commas, decides for the decimal comma.
    let comma_is_decimal = ctx.delimiter != b','
        || values.clone().any(|v| {
            v.rsplit_once(',').is_some_and(|(_, frac)| frac.len() != 3 || v.contains('.') && v.find('.') < v.find(','))
        });
    if comma_is_decimal && all(DecimalStyle::Comma) {
        return Some(DecimalStyle::Comma);
    }
    if all(DecimalStyle::DotGrouped) {
        return Some(DecimalStyle::DotGrouped);
    }
    None
}
