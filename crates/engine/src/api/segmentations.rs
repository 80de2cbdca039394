//! The segmentations of an open customer table (DECISIONS 18–19): every workspace (split, rules,
//! RFM, clusters) creates or updates one here, and profiles, CLV by segment and downloads
//! take its id whatever kind made it.
//!
//! Each workspace edits one working segmentation per dataset (a live rule count replaces the
//! rule segmentation in place); "Duplicate" keeps a copy the workspace no longer changes. When the
//! data or its transactions change, [`Store::refresh`] makes every segmentation again from its
//! spec, or marks it stale with the reason: one rule for every kind.

use serde::{Deserialize, Serialize};

use super::clusters::{self, ClusterSpec, ClustersView};
use super::transactions::Attached;
use super::{rfm, rules, AssignmentId, EngineError, Stored};
use crate::customers::CustomersError;
use crate::progress::Monitor;
use crate::rfm::{RfmResult, ValidRfmMap, ValidRfmParams};
use crate::rules::Definition;
use crate::split::{split, SplitParams};
use crate::table::Table;

/// Which workspace made a segmentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SegmentationKind {
    /// Split by one column.
    Split,
    /// Rule segments.
    Rules,
    /// RFM scores and named segments.
    Rfm,
    /// k-means clusters of chosen features.
    Clusters,
}

impl SegmentationKind {
    /// The kind as the user reads it.
    pub fn label(self) -> &'static str {
        match self {
            SegmentationKind::Split => "Split by column",
            SegmentationKind::Rules => "Rules",
            SegmentationKind::Rfm => "RFM",
            SegmentationKind::Clusters => "Clusters",
        }
    }

    /// True when the kind can be written as a definition file (for clusters, the model).
    pub fn has_definition(self) -> bool {
        matches!(self, SegmentationKind::Rules | SegmentationKind::Rfm | SegmentationKind::Clusters)
    }

    /// True when the kind can be written as warehouse SQL.
    pub fn has_sql(self) -> bool {
        matches!(self, SegmentationKind::Rules | SegmentationKind::Rfm | SegmentationKind::Clusters)
    }
}

/// How a segmentation is made again from the data.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Spec {
    /// Split parameters.
    Split(SplitParams),
    /// A rule definition.
    Rules(Box<Definition>),
    /// RFM settings and map (checked), and as-of date (`None`: the day after the last transaction).
    Rfm { params: ValidRfmParams, map: ValidRfmMap, as_of: Option<String> },
    /// Cluster settings and the fitted model.
    Clusters(Box<ClusterSpec>),
}

impl Spec {
    pub(super) fn kind(&self) -> SegmentationKind {
        match self {
            Spec::Split(_) => SegmentationKind::Split,
            Spec::Rules(_) => SegmentationKind::Rules,
            Spec::Rfm { .. } => SegmentationKind::Rfm,
            Spec::Clusters(_) => SegmentationKind::Clusters,
        }
    }

    /// The segmentation in words, for reports, whichever kind made it (each kind says it in its
    /// own module's words); `as_of` is the as-of date the segmentation was made with, when it has one.
    pub fn in_words(&self, table: &Table, as_of: Option<&str>) -> String {
        match self {
            Spec::Split(params) => params.in_words(table),
            Spec::Rules(definition) => {
                let mut definition = definition.as_ref().clone();
                definition.as_of = definition.as_of.or_else(|| as_of.map(str::to_string));
                definition.in_words()
            }
            Spec::Rfm { params, map, as_of: typed } => crate::rfm::in_words(params, map, typed.as_deref().or(as_of)),
            Spec::Clusters(spec) => spec.model.in_words(),
        }
    }

    /// The column a profile leaves out because its segments are that column's values (a split's
    /// column: "100% urban" says nothing about the urban segment).
    pub(super) fn own_column(&self) -> Option<&str> {
        match self {
            Spec::Split(params) => Some(params.column.as_str()),
            Spec::Rules(_) | Spec::Rfm { .. } | Spec::Clusters(_) => None,
        }
    }
}

/// A segmentation's result on the current data.
pub(super) struct Made {
    /// The assignment, its manifest spec and (overlapping rules) flags.
    pub stored: Stored,
    /// The RFM result, for RFM segmentations (cell previews, per-customer files).
    pub rfm: Option<RfmResult>,
    /// What the Clusters workspace shows, for cluster segmentations.
    pub clusters: Option<Box<ClustersView>>,
    /// Customers in no real segment (the remainder, "No purchases", or in no overlapping segment).
    pub unassigned: u64,
    /// The as-of date used, when it matters.
    pub as_of: Option<String>,
    /// The name the workspace gives it.
    pub default_name: String,
}

/// One segmentation in the store.
pub(super) struct Entry {
    pub id: AssignmentId,
    pub name: String,
    /// True when the user named it (its workspace no longer renames it).
    pub renamed: bool,
    pub spec: Spec,
    /// `None` while stale.
    pub made: Option<Made>,
    pub stale: Option<String>,
}

/// What the customer table is, for making segmentations again.
pub(super) struct Data<'a> {
    pub table: &'a Table,
    pub attached: Option<&'a Attached>,
}

/// Why rule segments without segments are not a segmentation yet.
pub(super) const NO_SEGMENTS: &str = "it has no segments yet; add one in Rules.";

/// Makes a segmentation from its spec, reporting to `monitor`. The error's sentence is what the
/// user sees; a cancel is an error too ([`EngineError::is_cancelled`]).
pub(super) fn make(
    id: AssignmentId,
    spec: &Spec,
    data: &Data<'_>,
    monitor: &mut dyn Monitor,
) -> Result<Made, EngineError> {
    match spec {
        Spec::Split(params) => {
            let valid = params.check(data.table)?;
            Ok(split_made(params, split(data.table, &valid, monitor)?))
        }
        Spec::Rules(definition) if definition.segments.is_empty() => Err(EngineError::Segmentation(NO_SEGMENTS.into())),
        Spec::Rules(definition) => {
            let customers = rules::Customers { table: data.table, attached: data.attached };
            let (view, stored) = rules::apply(id, definition, customers, monitor)?;
            match stored {
                Some(stored) => Ok(rules_made(&view, stored, definition, data.table.rows())),
                None => Err(EngineError::Segmentation(rules_problem(&view))),
            }
        }
        Spec::Rfm { params, map, as_of } => {
            let attached = data.attached.ok_or(CustomersError::NoTransactions)?;
            let run = rfm::RfmRun { table: data.table, attached };
            let (result, map, default) = run.compute(params, Some(map.map()), as_of.as_deref(), monitor)?;
            let (view, stored) = run.view(id, params, &map, &result, default);
            Ok(rfm_made(&view, stored, result))
        }
        Spec::Clusters(spec) => clusters::made(id, spec, data, monitor),
    }
}

/// A split's result.
pub(super) fn split_made(params: &SplitParams, assignment: crate::assignment::Assignment) -> Made {
    let spec = serde_json::json!({ "kind": "split-by-column", "title": assignment.title, "params": params });
    let default_name = assignment.title.clone();
    Made {
        stored: Stored { spec, assignment, flags: None },
        rfm: None,
        clusters: None,
        unassigned: 0,
        as_of: None,
        default_name,
    }
}

/// Rule segments' result, from the live count's view.
pub(super) fn rules_made(view: &rules::RulesView, stored: Stored, definition: &Definition, rows: usize) -> Made {
    let unassigned = match &stored.flags {
        Some(flags) => (0..rows).filter(|&r| !flags.iter().any(|(_, f)| f.get(r) == Some(&true))).count() as u64,
        None => view.counts.last().map_or(0, |c| c.size.count),
    };
    Made {
        stored,
        rfm: None,
        clusters: None,
        unassigned,
        as_of: view.as_of.clone(),
        default_name: rules_name(definition),
    }
}

/// The name rule segments get until the user renames them.
pub(super) fn rules_name(definition: &Definition) -> String {
    definition.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "Rule segments".into())
}

/// Why rule segments cannot be made: their first problem.
pub(super) fn rules_problem(view: &rules::RulesView) -> String {
    view.problems.first().map_or_else(
        || "the rules do not fit the data.".to_string(),
        |p| format!("the rules have {} problem(s), the first: {}", view.problems.len(), p.message),
    )
}

/// RFM's result, from its view.
pub(super) fn rfm_made(view: &rfm::RfmView, stored: Stored, result: RfmResult) -> Made {
    let unassigned = view.segments.iter().find(|s| s.name == view.map.no_purchases).map_or(0, |s| s.count);
    Made {
        stored,
        rfm: Some(result),
        clusters: None,
        unassigned,
        as_of: Some(view.as_of.clone()),
        default_name: "RFM segments".into(),
    }
}

/// A segmentation as the Segmentations view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SegmentationView {
    /// Its id (the id its assignment is downloaded and previewed by).
    pub id: AssignmentId,
    /// Its name.
    pub name: String,
    /// Which workspace made it.
    pub kind: SegmentationKind,
    /// The kind as the user reads it.
    pub kind_label: String,
    /// Number of segments (the remainder included).
    pub segments: usize,
    /// Customers in no real segment.
    pub unassigned: u64,
    /// Customers in all.
    pub rows: u64,
    /// The as-of date used, when it matters (`YYYY-MM-DD`).
    pub as_of: Option<String>,
    /// Why it could not be made again on the current data, when it could not.
    pub stale: Option<String>,
    /// True when it is the one views show by default.
    pub current: bool,
    /// True when it is the one its workspace edits (a duplicate is not).
    pub working: bool,
    /// True when it can be downloaded as a definition (for clusters, the model).
    pub has_definition: bool,
    /// True when it can be downloaded as warehouse SQL.
    #[serde(default)]
    pub has_sql: bool,
}

/// Every segmentation of one dataset, in the order made.
#[derive(Default)]
pub(super) struct Store {
    entries: Vec<Entry>,
    /// The one the user made current, if any. Without a choice (or when the chosen one is stale),
    /// the current segmentation is the latest usable one: so it never depends on how many live
    /// counts ran, only on what they left.
    chosen: Option<AssignmentId>,
    /// The segmentation each workspace edits.
    working: Vec<(SegmentationKind, AssignmentId)>,
    /// The user's own KPIs, kept with the segmentations; every profile and report shows them.
    pub kpis: Vec<crate::custom_kpi::KpiDef>,
}

impl Store {
    /// The id the workspace of `kind` edits, if it made one already.
    pub fn working(&self, kind: SegmentationKind) -> Option<AssignmentId> {
        self.working.iter().find(|(k, _)| *k == kind).map(|(_, id)| *id)
    }

    /// Remembers `id` as the one the workspace of `kind` edits.
    pub fn set_working(&mut self, kind: SegmentationKind, id: AssignmentId) {
        self.working.retain(|(k, _)| *k != kind);
        self.working.push((kind, id));
    }

    /// Puts a made segmentation under `id` (a new entry, or the same entry updated: a name the user
    /// gave is kept).
    pub fn put(&mut self, id: AssignmentId, spec: Spec, made: Made) {
        match self.entries.iter_mut().find(|e| e.id == id) {
            Some(e) => {
                if !e.renamed {
                    e.name = made.default_name.clone();
                }
                e.spec = spec;
                e.made = Some(made);
                e.stale = None;
            }
            None => self.entries.push(Entry {
                id,
                name: made.default_name.clone(),
                renamed: false,
                spec,
                made: Some(made),
                stale: None,
            }),
        }
    }

    /// Keeps `id` (new or existing) as stale: it cannot be made now (rule segments with problems
    /// while the user edits them).
    pub fn put_stale(&mut self, id: AssignmentId, spec: Spec, name: String, why: String) {
        match self.entries.iter_mut().find(|e| e.id == id) {
            Some(e) => {
                if !e.renamed {
                    e.name = name;
                }
                e.spec = spec;
                e.made = None;
                e.stale = Some(why);
            }
            None => self.entries.push(Entry { id, name, renamed: false, spec, made: None, stale: Some(why) }),
        }
    }

    /// Removes a segmentation (a workspace's working one is made again when it next runs).
    pub fn remove(&mut self, id: AssignmentId) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        if self.chosen == Some(id) {
            self.chosen = None;
        }
        self.entries.len() != before
    }

    /// The segmentation with this id.
    pub fn get(&self, id: AssignmentId) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The segmentation with this id, to change in place (a cluster's name).
    pub fn get_mut(&mut self, id: AssignmentId) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    /// Renames it; the workspace keeps the name from then on.
    pub fn rename(&mut self, id: AssignmentId, name: &str) -> bool {
        match self.entries.iter_mut().find(|e| e.id == id) {
            Some(e) => {
                e.name = name.trim().to_string();
                e.renamed = true;
                true
            }
            None => false,
        }
    }

    /// Copies `id` under `new_id` as "NAME (copy)": a copy no workspace edits, made again from its
    /// spec (reporting to `monitor`).
    pub fn duplicate(
        &mut self,
        id: AssignmentId,
        new_id: AssignmentId,
        data: &Data<'_>,
        monitor: &mut dyn Monitor,
    ) -> Result<(), EngineError> {
        let missing = || EngineError::Segmentation("that segmentation no longer exists.".into());
        let entry = self.get(id).ok_or_else(missing)?;
        let (spec, name) = (entry.spec.clone(), format!("{} (copy)", entry.name));
        let made = make(new_id, &spec, data, monitor)?;
        self.entries.push(Entry { id: new_id, name, renamed: true, spec, made: Some(made), stale: None });
        Ok(())
    }

    /// The segmentations, in the order made.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// Their ids, in the order made.
    pub fn ids(&self) -> impl Iterator<Item = AssignmentId> + '_ {
        self.entries.iter().map(|e| e.id)
    }

    /// The one the user made current, if they chose one.
    pub fn chosen(&self) -> Option<AssignmentId> {
        self.chosen
    }

    /// Makes `id` the current segmentation.
    pub fn set_current(&mut self, id: AssignmentId) -> bool {
        let known = self.get(id).is_some();
        if known {
            self.chosen = Some(id);
        }
        known
    }

    /// The current segmentation: the one the user chose, else the latest that is not stale.
    pub fn current(&self) -> Option<&Entry> {
        let usable = |e: &&Entry| e.made.is_some();
        self.chosen.and_then(|id| self.get(id)).filter(usable).or_else(|| self.entries.iter().rev().find(usable))
    }

    /// Makes every segmentation again on changed data, or marks it stale with `why` and the reason,
    /// reporting to `monitor`. Every one is made before any is replaced, so a cancel changes nothing.
    ///
    /// # Errors
    /// Only a cancel ([`EngineError::is_cancelled`]); a segmentation that cannot be made is stale.
    pub fn refresh(&mut self, data: &Data<'_>, why: &str, monitor: &mut dyn Monitor) -> Result<(), EngineError> {
        let mut remade = Vec::with_capacity(self.entries.len());
        for e in &self.entries {
            match make(e.id, &e.spec, data, monitor) {
                Err(cancel) if cancel.is_cancelled() => return Err(cancel),
                result => remade.push(result),
            }
        }
        for (e, result) in self.entries.iter_mut().zip(remade) {
            match result {
                Ok(made) => {
                    if !e.renamed {
                        e.name = made.default_name.clone();
                    }
                    e.made = Some(made);
                    e.stale = None;
                }
                Err(reason) => {
                    e.made = None;
                    e.stale = Some(format!("{why}, and it could not be made again: {reason}"));
                }
            }
        }
        Ok(())
    }

    /// The list for the Segmentations view, in the order made.
    pub fn views(&self) -> Vec<SegmentationView> {
        let current = self.current().map(|e| e.id);
        self.entries
            .iter()
            .map(|e| {
                let kind = e.spec.kind();
                SegmentationView {
                    id: e.id,
                    name: e.name.clone(),
                    kind,
                    kind_label: kind.label().to_string(),
                    segments: e.made.as_ref().map_or(0, |m| match &m.stored.flags {
                        Some(flags) => flags.len(),
                        None => m.stored.assignment.segments.len(),
                    }),
                    unassigned: e.made.as_ref().map_or(0, |m| m.unassigned),
                    rows: e.made.as_ref().map_or(0, |m| m.stored.assignment.rows() as u64),
                    as_of: e.made.as_ref().and_then(|m| m.as_of.clone()),
                    stale: e.stale.clone(),
                    current: current == Some(e.id),
                    working: self.working(kind) == Some(e.id),
                    has_definition: kind.has_definition(),
                    has_sql: kind.has_sql(),
                }
            })
            .collect()
    }
}
