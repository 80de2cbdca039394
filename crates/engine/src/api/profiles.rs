//! Profiles through the boundary: the profile and the niches of any segmentation, by its id,
//! whichever kind made it (DECISIONS 18). The customers' columns, the aggregates of attached
//! transactions (the KPIs) and the latest CLV fit (predicted value, P(alive)) are what it reads.

use super::transactions::Attached;
use super::EngineError;
use crate::assignment::Assignment;
use crate::clv::ClvResult;
use crate::profile::{
    compare, compute, find_niches, Comparison, KpiColumns, NicheParams, NicheReport, Profile, ProfileData,
    ProfileOptions, ValidProfileOptions,
};
use crate::progress::Monitor;
use crate::table::{ColumnData, Table};

/// The profile of `assignment` (a segmentation of `table`'s rows) with `options`; KPIs when
/// transactions are attached, CLV columns when `clv` is a fit of these customers. Without a
/// currency in the options, the transactions' amount column's currency is used.
pub(super) fn profile(
    table: &Table,
    attached: Option<&Attached>,
    clv: Option<&ClvResult>,
    assignment: &Assignment,
    options: &ProfileOptions,
    monitor: &mut dyn Monitor,
) -> Result<Profile, EngineError> {
    with_data(table, attached, clv, options, |data, valid| Ok(compute(data, assignment, valid, monitor)?))
}

/// Segment `first` of `assignment` against segment `second`, or against everyone else, read as
/// [`profile`] reads the customers.
#[allow(clippy::too_many_arguments)] // the profile's inputs and the two segments
pub(super) fn comparison(
    table: &Table,
    attached: Option<&Attached>,
    clv: Option<&ClvResult>,
    assignment: &Assignment,
    (first, second): (u32, Option<u32>),
    options: &ProfileOptions,
    monitor: &mut dyn Monitor,
) -> Result<Comparison, EngineError> {
    with_data(table, attached, clv, options, |data, valid| {
        Ok(compare(data, assignment, first, second, valid, monitor)?)
    })
}

/// Runs `f` on the customers' columns (with the transactions' KPI columns and the CLV rows that
/// fit) and the checked `options` (the amount column's currency when none is given).
fn with_data<T>(
    table: &Table,
    attached: Option<&Attached>,
    clv: Option<&ClvResult>,
    options: &ProfileOptions,
    f: impl FnOnce(&ProfileData<'_>, &ValidProfileOptions) -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    let mut options = options.clone();
    if options.currency.as_deref().is_none_or(|c| c.trim().is_empty()) {
        options.currency = attached.and_then(|a| a.ingested.table.column(&a.mapping.amount)?.format.currency.clone());
    }
    let valid = options.check()?;
    let extra = attached.map_or(&[][..], |a| a.columns.as_slice());
    let columns = table.named_columns(extra);
    let aggregates: Vec<(&str, &ColumnData)> = extra.iter().map(|c| (c.name.as_str(), &c.data)).collect();
    let transactions = KpiColumns::find(&aggregates, attached.and_then(|a| a.aggregates.latest()))?;
    let clv = clv.map(|r| r.rows.as_slice()).filter(|rows| rows.len() == table.rows());
    f(&ProfileData { columns: &columns, transactions, clv }, &valid)
}

/// The niches of `assignment` with `params`.
pub(super) fn niches(
    table: &Table,
    attached: Option<&Attached>,
    assignment: &Assignment,
    params: &NicheParams,
    monitor: &mut dyn Monitor,
) -> Result<NicheReport, EngineError> {
    let columns = table.named_columns(attached.map_or(&[][..], |a| a.columns.as_slice()));
    let valid = params.check(&columns)?;
    Ok(find_niches(&columns, assignment, &valid, monitor)?)
}
