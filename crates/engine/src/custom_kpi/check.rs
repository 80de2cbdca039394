//! A KPI tied to the columns of the data it runs on: its column found and of a type it can
//! read, its condition checked as the rule builder checks a segment's, its targets read.

use super::definition::{Aggregate, KpiDef, KpiFormat};
use super::errors::{KpiError, KpiProblem};
use crate::rules::{check as check_rules, with_numbers, RulesError, ValidDefinition};
use crate::table::ColumnType;
use crate::typed::Typed;

/// The most KPIs a set may hold: each is one more column in every profile and report table.
pub const MAX_KPIS: usize = 100;

/// A KPI whose column, condition and targets fit the data.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidKpi {
    /// The KPI as written, with its targets' numbers read.
    pub def: KpiDef,
    /// The column's position in the schema it was checked against.
    pub column: Option<usize>,
    /// The condition as a checked one-segment definition.
    pub condition: Option<ValidDefinition>,
    /// The targets: segment name and value.
    pub targets: Vec<(String, f64)>,
}

/// Checks every KPI of `kpis` against `schema` (the customers' columns, then the aggregates of
/// attached transactions); `as_of` is the day "in the last N days" counts back from, when a
/// condition does not fix one.
///
/// # Errors
/// [`KpiError::Invalid`] with every problem of every KPI; [`KpiError::TooMany`] past [`MAX_KPIS`].
pub fn check(kpis: &[KpiDef], schema: &[(String, ColumnType)], as_of: Option<i32>) -> Result<Vec<ValidKpi>, KpiError> {
    if kpis.len() > MAX_KPIS {
        return Err(KpiError::TooMany { found: kpis.len(), max: MAX_KPIS });
    }
    let mut valid = Vec::new();
    let mut problems = Vec::new();
    for (i, kpi) in kpis.iter().enumerate() {
        let name = kpi.name.trim();
        if kpis.iter().take(i).any(|k| k.name.trim() == name) && !name.is_empty() {
            problems.push(KpiProblem::new(i, name, "another KPI has this name; give each KPI its own name."));
        }
        match check_one(i, kpi, schema, as_of) {
            Ok(v) => valid.push(v),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        Ok(valid)
    } else {
        Err(KpiError::Invalid(problems))
    }
}

/// Checks one KPI; its problems, each with its position `i`.
pub(super) fn check_one(
    i: usize,
    kpi: &KpiDef,
    schema: &[(String, ColumnType)],
    as_of: Option<i32>,
) -> Result<ValidKpi, Vec<KpiProblem>> {
    let name = kpi.name.trim();
    let mut problems = Vec::new();
    let mut problem = |message: String| problems.push(KpiProblem::new(i, name, message));
    if name.is_empty() {
        problem("it has no name; give it one (it heads its row in the profile and the report).".into());
    }
    let column = kpi.column.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let position = column.and_then(|c| schema.iter().position(|(n, _)| n == c));
    match (kpi.aggregate.needs_column(), column, position) {
        (true, None, _) => problem(format!(
            "the {} needs a number column; choose the column it is of.",
            kpi.aggregate.key()
        )),
        (_, Some(c), None) => problem(format!(
            "there is no column `{c}` in this data; choose one of its columns (or the transactions' aggregates, once attached)."
        )),
        (true, Some(c), Some(p)) => {
            let found = schema.get(p).map_or(ColumnType::Text, |(_, t)| *t);
            if !matches!(found, ColumnType::Integer | ColumnType::Decimal | ColumnType::Boolean) {
                problem(format!(
                    "the {} of `{c}` cannot be taken: it is a {} column, not a number; choose a number column (or count the customers with a condition on it).",
                    kpi.aggregate.key(),
                    found.label()
                ));
            }
        }
        _ if kpi.aggregate == Aggregate::Share && column.is_some() => problem(
            "a share counts the customers its condition picks and reads no column; leave the column empty.".into(),
        ),
        _ => {}
    }
    if kpi.aggregate == Aggregate::Share && kpi.condition.is_none() {
        problem("a share needs a condition (the share of customers for whom it holds); add one.".into());
    }
    let condition = kpi.condition.as_ref().and_then(|_| match condition(kpi, schema, as_of) {
        Ok(v) => Some(v),
        Err(sentences) => {
            for s in sentences {
                problem(s);
            }
            None
        }
    });
    let mut targets: Vec<(String, f64)> = Vec::new();
    for t in &kpi.targets {
        let segment = t.segment.trim();
        if segment.is_empty() {
            problem("a target has no segment; name the segment it is for.".into());
            continue;
        }
        if targets.iter().any(|(s, _)| s == segment) {
            problem(format!("segment “{segment}” has two targets; keep one."));
            continue;
        }
        let what = format!("the target for “{segment}”");
        let read = match kpi.format {
            KpiFormat::Percent => t.value.read_fraction(&what, ..),
            _ => t.value.read(&what, ..),
        };
        match read {
            Ok(v) => targets.push((segment.to_string(), v)),
            Err(e) => problem(e.to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut def = kpi.clone();
    def.name = name.to_string();
    def.column = column.map(str::to_string);
    // As the rule builder saves a definition: numbers typed as text kept as the numbers read.
    if let Ok(read) = with_numbers(&kpi.as_rules(), schema) {
        def.condition = read.segments.into_iter().next().map(|s| s.condition);
    }
    for (t, (_, v)) in def.targets.iter_mut().zip(&targets) {
        t.segment = t.segment.trim().to_string();
        t.value = Typed::Value(*v);
    }
    Ok(ValidKpi { def, column: position, condition, targets })
}

/// The KPI's condition checked as the rule builder checks a segment's; its problems as sentences
/// about the KPI's condition.
fn condition(
    kpi: &KpiDef,
    schema: &[(String, ColumnType)],
    as_of: Option<i32>,
) -> Result<ValidDefinition, Vec<String>> {
    let def = kpi.as_rules();
    match check_rules(&def, schema, as_of) {
        Ok(v) => Ok(v),
        Err(RulesError::Invalid(ps)) => Err(ps
            .into_iter()
            .map(|p| {
                // The rule check's place, without the segment's `when`: "all[1] (`age` gt)".
                let at = p.path.strip_prefix("when").unwrap_or(&p.path).trim_start_matches('.').trim();
                if at.is_empty() {
                    format!("its condition: {}", p.message)
                } else {
                    format!("its condition {at}: {}", p.message)
                }
            })
            .collect()),
        Err(e) => Err(vec![e.to_string()]),
    }
}
