//! Profiles through the boundary: the profile and the niches of any segmentation, by its id,
//! whichever kind made it (DECISIONS 18). The customers' columns, the aggregates of attached
//! transactions (the KPIs) and the latest CLV fit (predicted value, P(alive)) are what it reads.
//! The report download ([`files`]) writes them, with the segmentation in words, as one file.

use super::transactions::Attached;
use super::{file_stem, slug, AssignmentId, Dataset, EngineError, FileOut};
use crate::assignment::Assignment;
use crate::clv::ClvResult;
use crate::custom_kpi::{for_profile, KpiDef};
use crate::profile::{
    compare, compute, find_niches, Comparison, Customers, NicheParams, NicheReport, Profile, ProfileData,
    ProfileOptions, ValidProfileOptions,
};
use crate::progress::Monitor;
use crate::report::{write_report, ReportFormat, ReportInput};
use crate::table::{ColumnData, Table};

/// The profile of `assignment` (a segmentation of `table`'s rows) with `options`; KPIs when
/// transactions are attached, CLV columns when `clv` is a fit of these customers. Without a
/// currency in the options, the transactions' amount column's currency is used.
/// The user's `kpis` (kept with the segmentations) are computed too.
#[allow(clippy::too_many_arguments)] // the profile's inputs and the user's KPIs
pub(super) fn profile(
    table: &Table,
    attached: Option<&Attached>,
    clv: Option<&ClvResult>,
    assignment: &Assignment,
    options: &ProfileOptions,
    kpis: &[KpiDef],
    monitor: &mut dyn Monitor,
) -> Result<Profile, EngineError> {
    with_data(table, attached, clv, options, |data, valid| {
        let mut profile = compute(data, assignment, valid, monitor)?;
        let columns = (table, attached.map_or(&[][..], |a| a.columns.as_slice()));
        let latest = attached.and_then(|a| a.aggregates.latest());
        profile.custom_kpis = for_profile(kpis, columns, latest, valid, assignment, monitor)?;
        Ok(profile)
    })
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
    let currency = attached.and_then(|a| a.ingested.table.column(&a.mapping.amount)?.format.currency.as_deref());
    let extra = attached.map_or(&[][..], |a| a.columns.as_slice());
    let columns = table.named_columns(extra);
    let aggregates: Vec<(&str, &ColumnData)> = extra.iter().map(|c| (c.name.as_str(), &c.data)).collect();
    let customers = Customers {
        columns: &columns,
        aggregates: &aggregates,
        latest_transaction: attached.and_then(|a| a.aggregates.latest()),
        currency,
        clv: clv.map(|r| r.rows.as_slice()),
    };
    let (data, valid) = customers.prepare(options, table.rows())?;
    f(&data, &valid)
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

/// `options` with the column segmentation `id` of `ds` was split on left out: its segments are
/// that column's values, so "100% urban" would say nothing about the urban segment.
pub(super) fn options_for(ds: &Dataset, id: AssignmentId, options: &ProfileOptions) -> ProfileOptions {
    let mut options = options.clone();
    if let Some(own) = ds.segmentations.get(id).and_then(|e| e.spec.own_column()) {
        if !options.leave_out.iter().any(|c| c == own) {
            options.leave_out.push(own.to_string());
        }
    }
    options
}

/// What a report download asks for.
pub(super) struct Wanted<'a> {
    /// How to profile the segmentation.
    pub options: &'a ProfileOptions,
    /// Look for niches with these settings too.
    pub niches: Option<&'a NicheParams>,
    /// The file's format.
    pub format: ReportFormat,
}

/// The report on segmentation `id` of `ds` as one file, `DATASET-SEGMENTATION-report.EXT`.
pub(super) fn files(
    ds: &Dataset,
    id: AssignmentId,
    wanted: &Wanted<'_>,
    monitor: &mut dyn Monitor,
) -> Result<Vec<FileOut>, EngineError> {
    let entry = ds.segmentations.get(id).ok_or(EngineError::UnknownAssignment)?;
    let made = ds.made(id)?;
    let assignment = &made.stored.assignment;
    let (table, attached) = (&ds.ingested.table, ds.transactions.as_ref());
    let clv = ds.clv.as_ref().map(|(_, result)| result);
    let options = options_for(ds, id, wanted.options);
    let profile = profile(table, attached, clv, assignment, &options, &ds.segmentations.kpis, monitor)?;
    let niches = wanted.niches.map(|params| niches(table, attached, assignment, params, monitor)).transpose()?;
    let as_of = made.as_of.clone();
    let kind = entry.spec.kind().label();
    let words = entry.spec.in_words(table, as_of.as_deref());
    let mut input = ReportInput::new(&table.name, &entry.name, kind, words, profile);
    input.as_of = as_of.or(input.as_of);
    input.niches = niches;
    let format = wanted.format;
    Ok(vec![FileOut {
        name: format!("{}-{}-report.{}", slug(file_stem(&table.name)), slug(&entry.name), format.extension()),
        mime: format.mime().into(),
        bytes: write_report(&input, format)?,
    }])
}
