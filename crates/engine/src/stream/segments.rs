//! A customer table's segments from the sources a file can give them (a column that holds them,
//! rule segments, a saved RFM segmentation, a cluster model), each as an [`Assignment`] with its
//! name, kind and definition in words; and the report on them ([`ReportInput`]), profiled as the
//! app profiles a stored segmentation. `segscope profile` calls these and nothing else.

use super::customers::CustomerTable;
use super::StreamError;
use crate::assignment::Assignment;
use crate::cluster::model::ClusterModel;
use crate::custom_kpi::{for_profile, KpiDef};
use crate::customers::{CustomersError, TransactionMapping};
use crate::format;
use crate::profile::{compute, find_niches, Customers, NicheParams, ProfileOptions};
use crate::progress::Monitor;
use crate::report::ReportInput;
use crate::rfm::{RfmDefinition, RfmError};
use crate::rules::{check, evaluate_frame, latest_date_used, schema_with, uses_as_of, Definition, Frame};
use crate::table::ColumnData;

/// Where a customer table's segments come from.
#[derive(Debug, Clone, Copy)]
pub enum SegmentSource<'a> {
    /// A column of the customers file that holds each customer's segment.
    Column(&'a str),
    /// Rule segments (`segscope.segments/1`).
    Rules(&'a Definition),
    /// A saved RFM segmentation (`segscope.rfm/1`); it needs the transactions.
    Rfm(&'a RfmDefinition),
    /// A cluster model (`segscope.cluster-model/1`): each customer in its nearest cluster.
    Model(&'a ClusterModel),
}

impl SegmentSource<'_> {
    /// The transaction mapping the definition or model saved, which reading the transactions
    /// starts from (the command line's columns go over it).
    pub fn mapping(&self) -> Option<&TransactionMapping> {
        match self {
            SegmentSource::Column(_) => None,
            SegmentSource::Rules(def) => def.transactions.as_ref(),
            SegmentSource::Rfm(def) => def.transactions.as_ref(),
            SegmentSource::Model(model) => model.transactions.as_ref(),
        }
    }
}

/// A customer table's segments, and how they were made.
#[derive(Debug, Clone, PartialEq)]
pub struct Segmented {
    /// Each customer's segment.
    pub assignment: Assignment,
    /// The segmentation's name.
    pub name: String,
    /// Which kind made it, as a person reads it.
    pub kind: String,
    /// How the segments are made, in words.
    pub in_words: String,
    /// The date it counts back from (`YYYY-MM-DD`), when it uses one.
    pub as_of: Option<String>,
    /// Columns the profile leaves out: a segment column, whose differences are true by construction.
    pub leave_out: Vec<String>,
}

/// The file name of a path, for a report's heading.
pub(super) fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().filter(|n| !n.is_empty()).unwrap_or(path)
}

impl CustomerTable {
    /// Checks the user's `kpis` against these customers' columns and aggregates.
    ///
    /// # Errors
    /// [`crate::custom_kpi::KpiError`] with every problem.
    pub fn check_kpis(&self, kpis: &[KpiDef]) -> Result<(), crate::custom_kpi::KpiError> {
        // "In the last N days" needs a day to count back from; any will do to check.
        crate::custom_kpi::check(kpis, &schema_with(&self.customers.table, &self.aggregates), Some(0)).map(|_| ())
    }

    /// The segments `source` gives this table's customers.
    ///
    /// # Errors
    /// [`StreamError`]: a segment column that is not there, a definition or model that does not fit
    /// the columns (every problem, or the column named), RFM without transactions, or a cancel.
    pub fn segment(&self, source: &SegmentSource<'_>, monitor: &mut dyn Monitor) -> Result<Segmented, StreamError> {
        let table = &self.customers.table;
        let latest = self.transactions.as_ref().and_then(|t| t.latest);
        match source {
            SegmentSource::Column(column) => {
                let assignment = crate::split::by_value(table, column, monitor)?;
                Ok(Segmented {
                    name: assignment.title.clone(),
                    kind: "Segment column".to_string(),
                    in_words: format!(
                        "The segments as given in the column {column} of {}: one segment per value.",
                        file_name(&table.name)
                    ),
                    as_of: None,
                    leave_out: vec![column.to_string()],
                    assignment,
                })
            }
            SegmentSource::Rules(definition) => {
                let mut def = (*definition).clone();
                if let Some(t) = &self.transactions {
                    def.transactions = Some(t.mapping.clone());
                }
                let as_of = match &def.as_of {
                    None if uses_as_of(&def) => crate::dates::default_as_of(latest, || latest_date_used(&def, table)),
                    _ => None,
                };
                let valid = check(&def, &schema_with(table, &self.aggregates), as_of)?;
                let result = evaluate_frame(&valid, &Frame::with_extra(table, &self.aggregates, &valid), monitor)?;
                if def.as_of.is_none() {
                    def.as_of = as_of.map(format::date);
                }
                Ok(Segmented {
                    assignment: result.assignment,
                    name: def.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "Rule segments".into()),
                    kind: "Rules".to_string(),
                    in_words: def.in_words(),
                    as_of: def.as_of.clone().filter(|_| uses_as_of(&def) || definition.as_of.is_some()),
                    leave_out: Vec::new(),
                })
            }
            SegmentSource::Rfm(def) => {
                let joined = self.joined.as_ref().ok_or(CustomersError::NoTransactions)?;
                let params = def.params.check()?;
                let map = def.map.check(params.bins())?;
                let as_of = crate::dates::resolve_as_of(def.as_of.as_deref(), joined.aggregates.latest(), || None)
                    .map_err(RfmError::from)?
                    .ok_or(RfmError::NoPurchases)?
                    .day;
                let keys = joined.keys(table);
                let result = crate::rfm::compute(&keys, &joined.aggregates, &params, map.map(), as_of, monitor)?;
                let day = format::date(as_of);
                Ok(Segmented {
                    assignment: result.assignment("RFM segments"),
                    name: "RFM segments".to_string(),
                    kind: "RFM".to_string(),
                    in_words: crate::rfm::in_words(&params, &map, Some(&day)),
                    as_of: Some(day),
                    leave_out: Vec::new(),
                })
            }
            SegmentSource::Model(model) => {
                let labels = model
                    .label(&self.columns())
                    .map_err(|source| StreamError::Model { file: table.name.clone(), source })?;
                Ok(Segmented {
                    assignment: labels.assignment(model),
                    name: format!("Clusters (k = {})", model.k),
                    kind: "Clusters".to_string(),
                    in_words: model.in_words(),
                    as_of: model.as_of.clone(),
                    leave_out: Vec::new(),
                })
            }
        }
    }

    /// The report on `segmented`: the profile with `options` (KPIs with the transactions, the
    /// amount's currency, the user's `kpis`), and the niches when `niches` says what to look for.
    ///
    /// # Errors
    /// [`StreamError::Profile`] for settings out of range or a value column that cannot be used,
    /// or a cancel. A KPI that does not fit these customers is said in the profile's
    /// [`crate::custom_kpi::CustomKpiTable::not_computed`]; [`CustomerTable::check_kpis`] refuses it first.
    pub fn report(
        &self,
        segmented: &Segmented,
        options: &ProfileOptions,
        niches: Option<&NicheParams>,
        kpis: &[KpiDef],
        monitor: &mut dyn Monitor,
    ) -> Result<ReportInput, StreamError> {
        let columns = self.columns();
        let aggregates: Vec<(&str, &ColumnData)> = self.aggregates.iter().map(|c| (c.name.as_str(), &c.data)).collect();
        let mut options = options.clone();
        options.leave_out.extend(segmented.leave_out.iter().cloned());
        let customers = Customers {
            columns: &columns,
            aggregates: &aggregates,
            latest_transaction: self.transactions.as_ref().and_then(|t| t.latest),
            currency: self.joined.as_ref().and_then(|j| j.currency.as_deref()),
            clv: None,
        };
        let assignment = &segmented.assignment;
        let (data, valid) = customers.prepare(&options, assignment.rows())?;
        let mut profile = compute(&data, assignment, &valid, monitor)?;
        let table = (&self.customers.table, self.aggregates.as_slice());
        let latest = self.transactions.as_ref().and_then(|t| t.latest);
        profile.custom_kpis = for_profile(kpis, table, latest, &valid, assignment, monitor)?;
        let niches = match niches {
            Some(params) => {
                let mut params = params.clone();
                params.leave_out.extend(segmented.leave_out.iter().cloned());
                let valid = params.check(&columns)?;
                Some(find_niches(&columns, assignment, &valid, monitor)?)
            }
            None => None,
        };
        let name = file_name(&self.customers.table.name);
        let mut input = ReportInput::new(name, &segmented.name, &segmented.kind, &segmented.in_words, profile);
        input.as_of = segmented.as_of.clone().or(input.as_of);
        input.niches = niches;
        Ok(input)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ingest::ReadOptions;
    use crate::progress::Quiet;
    use crate::stream::customer_table;

    const CSV: &[u8] = b"id,tier,spend,channel\n1,Gold,500,app\n2,Gold,520,app\n3,Basic,50,web\n4,Basic,60,web\n5,Basic,55,app\n6,,40,web\n";

    #[test]
    fn a_segment_column_gives_one_segment_per_value_and_is_left_out_of_the_profile() {
        let table = customer_table("data/c.csv", CSV, &ReadOptions::default(), None, None, &mut Quiet).unwrap();
        let s = table.segment(&SegmentSource::Column("tier"), &mut Quiet).unwrap();
        let names: Vec<&str> = s.assignment.segments.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Basic", "Gold", "Missing"]);
        assert_eq!(s.leave_out, ["tier"]);
        assert!(s.in_words.contains("column tier of c.csv"), "{}", s.in_words);
        let report = table.report(&s, &ProfileOptions::default(), None, &[], &mut Quiet).unwrap();
        assert_eq!(report.dataset, "c.csv");
        assert!(report.profile.skipped.iter().any(|c| c.column == "tier"));
        let e = table.segment(&SegmentSource::Column("segment"), &mut Quiet).unwrap_err();
        assert!(e.to_string().starts_with("there is no column named `segment`."), "{e}");
    }

    #[test]
    fn rules_are_applied_to_the_whole_table_and_said_in_words() {
        let table = customer_table("c.csv", CSV, &ReadOptions::default(), None, None, &mut Quiet).unwrap();
        let def = Definition::from_json(
            r#"{"format": "segscope.segments/1", "name": "Spend", "segments": [{"name": "Big",
            "when": {"column": "spend", "op": "ge", "value": 100}}]}"#,
        )
        .unwrap();
        let s = table.segment(&SegmentSource::Rules(&def), &mut Quiet).unwrap();
        assert_eq!(s.assignment.sizes().iter().map(|s| s.count).collect::<Vec<_>>(), [2, 4]);
        assert_eq!((s.name.as_str(), s.kind.as_str(), s.as_of.as_deref()), ("Spend", "Rules", None));
        assert!(s.in_words.ends_with("Big: spend ≥ 100."), "{}", s.in_words);
    }
}
