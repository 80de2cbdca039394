//! Clusters through the boundary: the features to choose from, the scan over k, the fit (a
//! segmentation in the store, whose model labels the customers), renaming clusters, and the view
//! the Clusters workspace shows, made again whenever the segmentation is (DECISIONS 18–19).

use serde::{Deserialize, Serialize};

use super::segmentations::{Data, Made};
use super::transactions::Attached;
use super::{rules, AssignmentId, EngineError, Stored};
use crate::assignment::{Assignment, Segment};
use crate::cluster::explain::{as_rules, ExplainedCluster};
use crate::cluster::mixture::{membership, Membership};
use crate::cluster::model::{fit_model, ClusterModel, ModelInput};
use crate::cluster::params::{ClusterParams, ValidClusterParams};
use crate::cluster::pca::{project, Projection, MAX_POINTS};
use crate::cluster::prep::Prepared;
use crate::cluster::prep::{choices, FeatureChoice};
use crate::cluster::profile::{profile, ClusterProfile};
use crate::cluster::quality::{calinski_harabasz, davies_bouldin, Silhouette};
use crate::cluster::scan::{scan_features, FeatureScan, ScanPoint};
use crate::cluster::tree::TREE_ROWS;
use crate::cluster::ClusterError;
use crate::progress::Monitor;
use crate::rules::Definition;
use crate::table::{ColumnData, Table};

/// Above this many customers the scan over k is scored on a seeded sample of this many (said so).
pub const SCAN_ROWS: usize = 20_000;

pub use crate::cluster::model::LEFT_OUT;

/// The features a user can cluster on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeaturesView {
    /// The customers' columns, then the aggregates of attached transactions.
    pub choices: Vec<FeatureChoice>,
    /// How many of the choices are aggregates of the transactions (the last ones).
    pub from_transactions: usize,
    /// The default as-of date date features count days back from (`YYYY-MM-DD`).
    pub as_of: Option<String>,
}

/// A scan over k as the Clusters workspace shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanView {
    /// One point per k, smallest first.
    pub points: Vec<ScanPoint>,
    /// The k recommended.
    pub recommended: usize,
    /// Why, in one sentence.
    pub reason: String,
    /// Customers with every feature (or all, when imputing).
    pub clustered: usize,
    /// Customers left out for a missing value.
    pub dropped: usize,
    /// Customers the scan fitted (all clustered ones, or a seeded sample of [`SCAN_ROWS`]).
    pub scanned: usize,
    /// Restarts per k.
    pub n_init: usize,
    /// What the user should know about the features.
    pub warnings: Vec<String>,
}

/// One cluster in the view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterRow {
    /// Its name (the segment's name).
    pub name: String,
    /// Its profile (with the name Segscope suggests).
    pub profile: ClusterProfile,
}

/// The clusters explained as rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesExplanation {
    /// The rule definition: open it in the rule builder, edit it, export it as SQL.
    pub definition: Definition,
    /// Each cluster's rules in words.
    pub clusters: Vec<ExplainedCluster>,
    /// Leaves of the tree.
    pub leaves: usize,
    /// Customers the tree was built on (all clustered ones, or a seeded sample of [`TREE_ROWS`]).
    pub built_on: usize,
    /// Share of the clustered customers the rules put in their own cluster (as the rule engine
    /// applies them: a test on a missing value decides nothing).
    pub agreement: f64,
    /// The same share per cluster.
    pub per_cluster: Vec<f64>,
}

/// A fitted clustering as the Clusters workspace shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClustersView {
    /// The segmentation (previews, downloads, renames).
    pub assignment: AssignmentId,
    /// Clusters.
    pub k: usize,
    /// The settings as checked (plain numbers).
    pub params: ClusterParams,
    /// The date date features count days back from, when one is used.
    pub as_of: Option<String>,
    /// Sum of squared distances to the centres when fitted, and the fit's iterations.
    pub inertia: f64,
    /// Lloyd iterations of the fit kept.
    pub n_iter: usize,
    /// How the centres were fitted, in words (exact k-means, or mini-batch above a stated size).
    pub fitted_with: String,
    /// Mean silhouette (on a seeded sample above [`crate::cluster::quality::SILHOUETTE_EXACT_ROWS`]
    /// customers, said so; Gower's for k-prototypes).
    pub silhouette: Option<Silhouette>,
    /// Calinski–Harabasz score.
    pub calinski_harabasz: Option<f64>,
    /// Davies–Bouldin score.
    pub davies_bouldin: Option<f64>,
    /// For a Gaussian mixture, how sure it is of its customers (soft membership): per cluster the
    /// mean probability its members have of belonging to it, and the share of clustered
    /// customers whose highest probability is below 0.8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    /// Customers in all.
    pub rows: u64,
    /// Customers clustered.
    pub clustered: u64,
    /// Customers left out (a missing value), in the segment [`LEFT_OUT`].
    pub dropped: u64,
    /// The prepared columns (`feature` or `feature=level`): the rows of the heat map.
    pub columns: Vec<String>,
    /// The clusters in label order.
    pub clusters: Vec<ClusterRow>,
    /// The customers on the first two principal components (a seeded sample).
    pub projection: Projection,
    /// The clusters as rules, or why they could not be written as rules.
    pub rules: Result<RulesExplanation, String>,
    /// What the user should know about the features.
    pub warnings: Vec<String>,
}

/// How a cluster segmentation is made again: its settings and its fitted model, which labels the
/// customers (the data read again, or new transactions, are labelled by the same centres).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ClusterSpec {
    pub params: ValidClusterParams,
    pub model: ClusterModel,
    /// The preparation's warnings when it was fitted.
    pub warnings: Vec<String>,
}

/// The customers' columns and the aggregates of attached transactions, by name.
fn columns<'a>(table: &'a Table, attached: Option<&'a Attached>) -> Vec<(&'a str, &'a ColumnData)> {
    table.named_columns(attached.map_or(&[], |a| a.columns.as_slice()))
}

/// The default as-of day (DECISIONS 3): the day after the last transaction, else after the latest
/// date in the chosen columns.
fn default_as_of(table: &Table, attached: Option<&Attached>, names: &[String]) -> Option<i32> {
    crate::dates::default_as_of(attached.and_then(|a| a.aggregates.latest()), || {
        crate::rules::latest_date_among(names, table)
    })
}

/// The features to choose from.
pub(super) fn features(table: &Table, attached: Option<&Attached>) -> FeaturesView {
    let all: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    let as_of = default_as_of(table, attached, &all);
    let cols = columns(table, attached);
    let from_transactions = attached.map_or(0, |a| a.columns.len());
    FeaturesView {
        choices: choices(&cols, as_of),
        from_transactions,
        as_of: as_of.map(|d| crate::ingest::values::date_from_days(d).to_string()),
    }
}

/// Scans k from `min_k` to `max_k` on the chosen features (on a seeded sample of [`SCAN_ROWS`]
/// customers above that many).
pub(super) fn run_scan(
    data: &Data<'_>,
    params: &ValidClusterParams,
    min_k: usize,
    max_k: usize,
    monitor: &mut dyn Monitor,
) -> Result<ScanView, EngineError> {
    let names: Vec<String> = params.features.iter().map(|f| f.column.clone()).collect();
    let as_of = params.as_of.or_else(|| default_as_of(data.table, data.attached, &names));
    let cols = columns(data.table, data.attached);
    let FeatureScan { prepared, scanned, scan } =
        scan_features(&cols, params, (min_k, max_k), as_of, SCAN_ROWS, monitor)?;
    Ok(ScanView {
        points: scan.points,
        recommended: scan.recommended,
        reason: scan.reason,
        clustered: prepared.matrix.rows(),
        dropped: prepared.dropped,
        scanned,
        n_init: params.kmeans.n_init,
        warnings: prepared.warnings.iter().map(|w| w.message()).collect(),
    })
}

/// The customers as a clustering sees them: their prepared rows, each row's cluster, and the
/// clusters' profiles.
pub(super) struct Labelled {
    prepared: Prepared,
    labels: Vec<u32>,
    profiles: Vec<ClusterProfile>,
}

/// Fits the clustering and returns its spec (the model names its clusters as suggested) and the
/// customers as the fit labelled them (what the model gives them again: no second pass needed).
pub(super) fn fit(
    data: &Data<'_>,
    params: ValidClusterParams,
    input_bytes: u64,
    monitor: &mut dyn Monitor,
) -> Result<(ClusterSpec, Labelled), EngineError> {
    let names: Vec<String> = params.features.iter().map(|f| f.column.clone()).collect();
    let as_of = default_as_of(data.table, data.attached, &names);
    let cols = columns(data.table, data.attached);
    let input = ModelInput { file: data.table.name.clone(), bytes: input_bytes, rows: data.table.rows() as u64 };
    let fitted = fit_model(&cols, &params, as_of, input, monitor)?;
    let mut model = fitted.model;
    // A model that reads the transactions' aggregates keeps their mapping (DECISIONS 5).
    if let Some(a) = data.attached {
        if a.columns.iter().any(|c| names.contains(&c.name)) {
            model.transactions = Some(a.mapping.clone());
        }
    }
    let warnings = fitted.prepared.warnings.iter().map(|w| w.message()).collect();
    let labelled = Labelled { prepared: fitted.prepared, labels: fitted.fit.labels, profiles: fitted.profiles };
    Ok((ClusterSpec { params, model, warnings }, labelled))
}

/// Labels the customers with the spec's model and makes the segmentation ([`made_from`]).
pub(super) fn made(
    id: AssignmentId,
    spec: &ClusterSpec,
    data: &Data<'_>,
    monitor: &mut dyn Monitor,
) -> Result<Made, EngineError> {
    let model = &spec.model;
    let cols = columns(data.table, data.attached);
    monitor.progress("Labelling the customers by the model", 0, 4);
    let (prepared, labels) = model.prepare(&cols).map_err(ClusterError::from)?;
    let as_of = model.as_of.as_deref().and_then(crate::rules::parse_iso_date);
    let profiles = profile(&cols, &prepared, &labels, model.k, as_of).map_err(ClusterError::from)?;
    made_from(id, spec, data, Labelled { prepared, labels, profiles }, monitor)
}

/// The segmentation and the view of customers labelled by the spec's model: scores, picture,
/// the clusters as rules.
pub(super) fn made_from(
    id: AssignmentId,
    spec: &ClusterSpec,
    data: &Data<'_>,
    labelled: Labelled,
    monitor: &mut dyn Monitor,
) -> Result<Made, EngineError> {
    let Labelled { prepared, labels, profiles } = labelled;
    let model = &spec.model;
    let k = model.k;
    let cols = columns(data.table, data.attached);
    cancelled(monitor)?;
    monitor.progress("Scoring the clusters", 1, 4);
    let x = &prepared.matrix;
    let seed = model.seed;
    let silhouette = model.silhouette(&prepared, &labels);
    let membership = model.probabilities(&prepared).map(|p| membership(&p, &labels, k));
    cancelled(monitor)?;
    monitor.progress("Drawing the clusters", 2, 4);
    let projection = project(x, &labels, MAX_POINTS, seed);
    monitor.progress("Writing the clusters as rules", 3, 4);
    let rules = explained(id, model, &prepared, &labels, &cols, data, monitor)?;
    let rows = data.table.rows();
    let mut segments: Vec<Segment> = model.clusters.iter().map(|c| Segment { name: c.name.clone() }).collect();
    let left_out = segments.len() as u32;
    if prepared.dropped > 0 {
        segments.push(Segment { name: LEFT_OUT.to_string() });
    }
    let mut codes = vec![left_out; rows];
    for (&row, &label) in prepared.rows.iter().zip(&labels) {
        if let Some(c) = codes.get_mut(row) {
            *c = label;
        }
    }
    let title = model.title();
    let assignment = Assignment { title: title.clone(), segments, codes };
    let view = ClustersView {
        assignment: id,
        k,
        params: spec.params.params(),
        as_of: model.as_of.clone(),
        inertia: model.inertia,
        n_iter: model.n_iter,
        fitted_with: model.fitted_with.clone(),
        silhouette,
        calinski_harabasz: calinski_harabasz(x, &labels, k),
        davies_bouldin: davies_bouldin(x, &labels, k),
        membership,
        rows: rows as u64,
        clustered: prepared.rows.len() as u64,
        dropped: prepared.dropped as u64,
        columns: prepared.columns.iter().map(|c| c.label()).collect(),
        clusters: model
            .clusters
            .iter()
            .zip(profiles)
            .map(|(c, profile)| ClusterRow { name: c.name.clone(), profile })
            .collect(),
        projection,
        rules,
        warnings: spec.warnings.clone(),
    };
    let manifest = model.summary();
    Ok(Made {
        stored: Stored { spec: manifest, assignment, flags: None },
        rfm: None,
        clusters: Some(Box::new(view)),
        unassigned: prepared.dropped as u64,
        as_of: model.as_of.clone(),
        default_name: title,
    })
}

/// Extra leaves a tree may have beyond one per cluster.
pub const EXTRA_LEAVES: usize = 3;

/// The clusters as rules, with how often the rules (applied as the rule builder applies them)
/// put a clustered customer in their own cluster; an error sentence when they cannot be applied.
fn explained(
    id: AssignmentId,
    model: &ClusterModel,
    prepared: &Prepared,
    labels: &[u32],
    cols: &[(&str, &ColumnData)],
    data: &Data<'_>,
    monitor: &mut dyn Monitor,
) -> Result<Result<RulesExplanation, String>, EngineError> {
    let e = as_rules(model, prepared, labels, cols, EXTRA_LEAVES);
    let customers = rules::Customers { table: data.table, attached: data.attached };
    let (view, stored) = match rules::apply(id, &e.definition, customers, monitor) {
        Ok(v) => v,
        Err(err @ crate::rules::RulesError::Cancelled) => return Err(err.into()),
        Err(err) => return Ok(Err(err.to_string())),
    };
    let Some(stored) = stored else {
        return Ok(Err(super::segmentations::rules_problem(&view)));
    };
    // Rule segment → cluster, by name (a cluster no leaf takes has no segment).
    let cluster_of: Vec<Option<u32>> = e
        .definition
        .segments
        .iter()
        .map(|s| model.clusters.iter().position(|c| c.name == s.name).map(|p| p as u32))
        .collect();
    let k = model.k;
    let (mut agree, mut size) = (vec![0u64; k], vec![0u64; k]);
    for (&row, &label) in prepared.rows.iter().zip(labels) {
        let by_rules =
            stored.assignment.codes.get(row).and_then(|&code| cluster_of.get(code as usize)).copied().flatten();
        // Both count rows: they never saturate.
        if let Some(s) = size.get_mut(label as usize) {
            *s = s.saturating_add(1);
        }
        if by_rules == Some(label) {
            if let Some(a) = agree.get_mut(label as usize) {
                *a = a.saturating_add(1);
            }
        }
    }
    let share = |a: u64, n: u64| if n == 0 { 0.0 } else { a as f64 / n as f64 };
    Ok(Ok(RulesExplanation {
        agreement: share(agree.iter().sum(), size.iter().sum()),
        per_cluster: agree.iter().zip(&size).map(|(&a, &n)| share(a, n)).collect(),
        built_on: prepared.rows.len().min(TREE_ROWS),
        leaves: e.leaves,
        clusters: e.clusters,
        definition: e.definition,
    }))
}

fn cancelled(monitor: &mut dyn Monitor) -> Result<(), EngineError> {
    if monitor.is_cancelled() {
        Err(ClusterError::Cancelled.into())
    } else {
        Ok(())
    }
}

/// Renames cluster `cluster` (0-based) of the spec and its made result.
///
/// # Errors
/// A sentence when the name is empty, taken by another cluster, or the cluster does not exist.
pub(super) fn rename(
    spec: &mut ClusterSpec,
    made: Option<&mut Made>,
    cluster: usize,
    name: &str,
) -> Result<(), EngineError> {
    let name = name.trim();
    let fail = |s: String| Err(EngineError::Segmentation(s));
    if name.is_empty() {
        return fail("A cluster needs a name; type one.".into());
    }
    if name == LEFT_OUT {
        return fail(format!("“{LEFT_OUT}” names the customers left out; choose another name."));
    }
    if spec.model.clusters.iter().enumerate().any(|(i, c)| i != cluster && c.name == name) {
        return fail(format!("Another cluster is already called “{name}”; choose another name."));
    }
    let Some(c) = spec.model.clusters.get_mut(cluster) else {
        // Counted from 1 in a u128, which holds every usize + 1.
        let number = (cluster as u128).saturating_add(1);
        return fail(format!("There is no cluster {number} (there are {}).", spec.model.k));
    };
    c.name = name.to_string();
    if let Some(made) = made {
        if let Some(s) = made.stored.assignment.segments.get_mut(cluster) {
            s.name = name.to_string();
        }
        if let Some(view) = made.clusters.as_mut() {
            let old = view.clusters.get(cluster).map(|c| c.name.clone());
            if let Some(row) = view.clusters.get_mut(cluster) {
                row.name = name.to_string();
            }
            if let (Ok(rules), Some(old)) = (view.rules.as_mut(), old) {
                rules.definition.segments.iter_mut().filter(|s| s.name == old).for_each(|s| s.name = name.to_string());
                if let Some(c) = rules.clusters.get_mut(cluster) {
                    c.name = name.to_string();
                }
            }
        }
        if let Some(names) = made.stored.spec.get_mut("clusters") {
            *names = serde_json::json!(spec.model.names());
        }
    }
    Ok(())
}
