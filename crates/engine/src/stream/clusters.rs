//! A clustering of a customer table from files, as `segscope cluster` makes it: the fit, the
//! customers file with each row's cluster appended, the fit's report and a scan's report. The
//! command line calls these, and [`crate::reproduce::verify`] calls them again to re-run its files.

use std::io::Write;

use serde_json::json;

use super::customers::CustomerTable;
use super::segments::file_name;
use crate::api::SCAN_ROWS;
use crate::assignment::SegmentSize;
use crate::cluster::mixture::membership;
use crate::cluster::model::{fit_model, Fitted, ModelInput};
use crate::cluster::params::ValidClusterParams;
use crate::cluster::quality::{calinski_harabasz, davies_bouldin};
use crate::cluster::scan::{scan_features, FeatureScan};
use crate::cluster::ClusterError;
use crate::export::{segment_column_name, write_appended, ExportError};
use crate::ingest::values::date_from_days;
use crate::progress::{Monitor, Quiet};

impl CustomerTable {
    /// The names of the features `params` cluster on.
    fn feature_names(params: &ValidClusterParams) -> Vec<String> {
        params.features.iter().map(|f| f.column.clone()).collect()
    }

    /// Fits the clustering `params` describe on these customers, date features counting back from
    /// the params' as-of date, else the default ([`CustomerTable::default_as_of`]). The model
    /// names the customers file it was fitted on and keeps the transactions' mapping when a
    /// feature is one of their aggregates (DECISIONS 5).
    ///
    /// # Errors
    /// [`ClusterError`] naming the feature or setting that cannot be used, or a cancel.
    pub fn fit_clusters(&self, params: &ValidClusterParams, monitor: &mut dyn Monitor) -> Result<Fitted, ClusterError> {
        let features = Self::feature_names(params);
        let customers = &self.customers;
        let input = ModelInput {
            file: file_name(&customers.table.name).to_string(),
            bytes: customers.diagnostics.bytes,
            rows: customers.table.rows() as u64,
        };
        let mut fitted = fit_model(&self.columns(), params, self.default_as_of(&features), input, monitor)?;
        if self.reads_aggregates(&features) {
            fitted.model.transactions = self.transactions.as_ref().map(|t| t.mapping.clone());
        }
        Ok(fitted)
    }

    /// Fits and scores each k from `min_k` to `max_k` (on a seeded sample of [`SCAN_ROWS`]
    /// customers above that many), as the app's scan does; also the as-of day date features
    /// count back from (the params' own, else the default).
    ///
    /// # Errors
    /// [`ClusterError`] naming the feature or setting that cannot be used, or a cancel.
    pub fn scan_clusters(
        &self,
        params: &ValidClusterParams,
        (min_k, max_k): (usize, usize),
        monitor: &mut dyn Monitor,
    ) -> Result<(FeatureScan, Option<i32>), ClusterError> {
        let as_of = params.as_of.or_else(|| self.default_as_of(&Self::feature_names(params)));
        let scan = scan_features(&self.columns(), params, (min_k, max_k), as_of, SCAN_ROWS, monitor)?;
        Ok((scan, as_of))
    }
}

/// Writes the customers file, every byte kept, with each row's cluster name appended as
/// `cluster` (`cluster_2`… when the file has one), as the fit labelled it: empty for a row the
/// fit left out. `segscope apply --model` with the fit's model writes the same bytes. Returns
/// the column's name and each cluster's size.
///
/// # Errors
/// [`ExportError`] when writing fails.
pub fn write_clusters<W: Write>(
    table: &CustomerTable,
    fitted: &Fitted,
    out: W,
) -> Result<(String, Vec<SegmentSize>), ExportError> {
    let customers = &table.customers.table;
    let names = fitted.model.names();
    let mut labels: Vec<Option<&str>> = vec![None; customers.rows()];
    for (&row, &label) in fitted.prepared.rows.iter().zip(&fitted.fit.labels) {
        if let Some(slot) = labels.get_mut(row) {
            *slot = names.get(label as usize).map(String::as_str);
        }
    }
    let column = [segment_column_name(customers, "cluster")];
    let value = |row: usize, values: &mut Vec<String>| {
        values.push(labels.get(row).copied().flatten().unwrap_or_default().into())
    };
    write_appended(customers, &column, value, true, out, &mut Quiet)?;
    let total = customers.rows().max(1) as f64;
    let sizes = fitted.model.clusters.iter().map(|c| SegmentSize {
        name: c.name.clone(),
        count: c.size,
        share: c.size as f64 / total,
    });
    let [column] = column;
    Ok((column, sizes.collect()))
}

/// The fit's report (what `segscope cluster --report` writes), as pretty JSON with a newline:
/// k, the method and its settings, inertia, iterations, the silhouette, Calinski–Harabasz,
/// Davies–Bouldin, soft membership for a mixture, sizes, names, each cluster's centre in
/// original units and its profile, the features and the preparation's warnings.
pub fn fit_report(table: &CustomerTable, fitted: &Fitted) -> Vec<u8> {
    let Fitted { model, prepared, fit, profiles } = fitted;
    let (x, k) = (&prepared.matrix, model.k);
    let sil = model.silhouette(prepared, &fit.labels);
    let soft = model.probabilities(prepared).map(|p| membership(&p, &fit.labels, k));
    let clusters: Vec<serde_json::Value> = model
        .clusters
        .iter()
        .zip(profiles)
        .enumerate()
        .map(|(i, (c, p))| {
            let centre: serde_json::Map<String, serde_json::Value> =
                p.features.iter().map(|f| (f.label.clone(), json!(f.mean))).collect();
            json!({
                "cluster": i.saturating_add(1),
                "name": c.name,
                "size": c.size,
                "share": p.share,
                "centre": centre,
                "apart": p.apart,
            })
        })
        .collect();
    let report = json!({
        "k": k,
        "algorithm": model.algorithm,
        "inertia": model.inertia,
        "n_iter": model.n_iter,
        "n_init": model.n_init,
        "max_iter": model.max_iter,
        "seed": model.seed,
        "silhouette": sil.map(|s| s.score),
        "silhouette_sampled": sil.is_some_and(|s| s.sampled),
        "silhouette_rows": sil.map(|s| s.rows),
        "silhouette_distance": if sil.is_some_and(|s| s.gower) { "gower" } else { "euclidean" },
        "gamma": model.gamma,
        "fitted_with": model.fitted_with,
        "calinski_harabasz": calinski_harabasz(x, &fit.labels, k),
        "davies_bouldin": davies_bouldin(x, &fit.labels, k),
        "membership": soft,
        "rows": table.customers.table.rows(),
        "clustered": prepared.rows.len(),
        "dropped": prepared.dropped,
        "sizes": model.clusters.iter().map(|c| c.size).collect::<Vec<_>>(),
        "names": model.names(),
        "centroids": clusters,
        "profiles": profiles,
        "as_of": model.as_of,
        "features": model.features,
        "missing": model.missing,
        "columns": model.columns,
        "transactions": model.transactions,
        "warnings": prepared.warnings.iter().map(|w| w.message()).collect::<Vec<_>>(),
    });
    pretty(&report)
}

/// A scan's report (what `segscope cluster --scan --report` writes), as pretty JSON with a
/// newline: each k's scores, the recommendation and why, the customers clustered, dropped and
/// scanned, the settings, the as-of day `as_of` when a feature is a date, and the warnings.
pub fn scan_report(scan: &FeatureScan, params: &ValidClusterParams, as_of: Option<i32>) -> Vec<u8> {
    let FeatureScan { prepared, scanned, scan: s } = scan;
    let report = json!({
        "points": s.points,
        "recommended": s.recommended,
        "reason": s.reason,
        "clustered": prepared.matrix.rows(),
        "dropped": prepared.dropped,
        "scanned": scanned,
        "algorithm": params.method.name(),
        "n_init": params.kmeans.n_init,
        "seed": params.kmeans.seed,
        "features": params.features,
        "as_of": as_of.filter(|_| prepared.columns.iter().any(|c| c.days)).map(|d| date_from_days(d).to_string()),
        "warnings": prepared.warnings.iter().map(|w| w.message()).collect::<Vec<_>>(),
    });
    pretty(&report)
}

/// Pretty JSON with a trailing newline.
fn pretty(value: &serde_json::Value) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}
