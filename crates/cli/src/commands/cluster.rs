//! `segscope cluster`: k-means on chosen columns of a customers file, or a scan over k.

use std::path::PathBuf;

use clap::Args;
use segscope_engine::cluster::kmeans::{fit, KMeansParams};
use segscope_engine::cluster::prep::{prepare, FeatureSpec, Missing, Prepared, Scaling};
use segscope_engine::cluster::quality::{calinski_harabasz, davies_bouldin, silhouette, SILHOUETTE_EXACT_ROWS};
use segscope_engine::cluster::scan::{scan, ScanParams};
use segscope_engine::export::write_appended;
use segscope_engine::ingest::read_table;
use segscope_engine::progress::Quiet;
use segscope_engine::table::{ColumnData, ColumnType, Table};

use crate::error::{create_file, read_file, write_failed, CliError};
use crate::read_args::ReadArgs;

/// Arguments of `segscope cluster`.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// The customers file (one row per customer).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// The columns to cluster on, comma-separated (numbers, booleans, categories).
    #[arg(long, value_delimiter = ',', value_name = "COLS", required_unless_present = "all_numeric")]
    pub features: Vec<String>,
    /// Cluster on every integer and decimal column instead (see --exclude).
    #[arg(long, conflicts_with = "features")]
    pub all_numeric: bool,
    /// Columns left out of --all-numeric, comma-separated (an id, for example).
    #[arg(long, value_delimiter = ',', value_name = "COLS")]
    pub exclude: Vec<String>,
    /// The number of clusters.
    #[arg(long, required_unless_present = "scan")]
    pub k: Option<usize>,
    /// Instead of one fit, try each k of a range like 2..10 and print their scores.
    #[arg(long, value_name = "MIN..MAX", conflicts_with = "k")]
    pub scan: Option<String>,
    /// Scaling of the numbers: zscore, robust, minmax or none.
    #[arg(long, default_value = "zscore")]
    pub scale: String,
    /// Features to take ln(1 + x) of before scaling (skewed money and counts), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "COLS")]
    pub log: Vec<String>,
    /// Rows missing a feature: drop (left without a cluster) or impute (median, most common category).
    #[arg(long, default_value = "drop")]
    pub missing: String,
    /// Restarts of k-means from new seeds; the lowest inertia is kept.
    #[arg(long, default_value_t = 10)]
    pub n_init: usize,
    /// Most iterations per restart.
    #[arg(long, default_value_t = 300)]
    pub max_iter: usize,
    /// Seed of the random numbers (the same seed gives the same clusters).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The input file with a `cluster` column appended (1..k; empty for rows left out).
    #[arg(long, value_name = "FILE", required_unless_present = "scan")]
    pub output: Option<PathBuf>,
    /// A JSON report: k, inertia, iterations, scores, sizes, centres in original units (or the scan's scores).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Reads the file, prepares the features, and fits or scans.
pub fn run(args: &ClusterArgs) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let name = args.input.display().to_string();
    let table = read_table(&name, &read_file(&args.input)?, &options, &mut Quiet)?.table;
    let prepared = prepared(args, &table)?;
    for w in &prepared.warnings {
        eprintln!("warning: {}", w.message());
    }
    if prepared.dropped > 0 {
        eprintln!("{} rows miss a feature and get no cluster (use --missing impute to fill them)", prepared.dropped);
    }
    let kmeans = KMeansParams {
        k: args.k.unwrap_or(2),
        n_init: args.n_init,
        max_iter: args.max_iter,
        seed: args.seed,
        ..KMeansParams::default()
    };
    let usage = |e: &dyn std::fmt::Display| CliError::usage(e.to_string());
    if let Some(range) = &args.scan {
        let (min_k, max_k) = parse_range(range)?;
        let s = scan(&prepared.matrix, &ScanParams { min_k, max_k, kmeans, ..ScanParams::default() }, &mut Quiet)
            .map_err(|e| usage(&e))?;
        println!(
            "{:>3}  {:>14}  {:>10}  {:>17}  {:>14}  {:>9}",
            "k", "inertia", "silhouette", "calinski_harabasz", "davies_bouldin", "stability"
        );
        for p in &s.points {
            let opt = |v: Option<f64>, w: usize| v.map_or_else(|| format!("{:>w$}", "-"), |v| format!("{v:>w$.3}"));
            println!(
                "{:>3}  {:>14.3}  {}  {}  {}  {:>9.3}",
                p.k,
                p.inertia,
                opt(p.silhouette.map(|s| s.score), 10),
                opt(p.calinski_harabasz, 17),
                opt(p.davies_bouldin, 14),
                p.stability
            );
        }
        if let Some(sil) = s.points.first().and_then(|p| p.silhouette).filter(|s| s.sampled) {
            println!("silhouette on a seeded sample of {} rows", sil.rows);
        }
        println!("recommended: {}", s.reason);
        if let Some(path) = &args.report {
            write_json(path, &serde_json::to_value(&s).unwrap_or_default())?;
        }
        return Ok(());
    }
    let model = fit(&prepared.matrix, &kmeans, &mut Quiet).map_err(|e| usage(&e))?;
    let k = kmeans.k;
    let mut labels: Vec<Option<u32>> = vec![None; table.rows()];
    for (&row, &label) in prepared.rows.iter().zip(&model.labels) {
        if let Some(slot) = labels.get_mut(row) {
            *slot = Some(label + 1);
        }
    }
    if let Some(path) = &args.output {
        let column = segscope_engine::export::segment_column_name(&table, "cluster");
        let out = create_file(path)?;
        write_appended(
            &table,
            &[column],
            |row, values| values.push(labels.get(row).copied().flatten().map(|l| l.to_string()).unwrap_or_default()),
            true,
            out,
            &mut Quiet,
        )
        .map_err(|e| write_failed(&path.display().to_string(), e))?;
    }
    let x = &prepared.matrix;
    let sil = silhouette(x, &model.labels, k, SILHOUETTE_EXACT_ROWS, args.seed);
    let sizes = model.sizes();
    let kept = prepared.rows.len() as f64;
    let centroids: Vec<serde_json::Value> = (0..k)
        .map(|c| {
            let centre = model.centroids.row(c);
            let values: serde_json::Map<String, serde_json::Value> = prepared
                .columns
                .iter()
                .zip(centre)
                .map(|(col, &v)| {
                    let key = match &col.level {
                        Some(level) => format!("{}={level}", col.feature),
                        None => col.feature.clone(),
                    };
                    (key, serde_json::json!(col.original(v)))
                })
                .collect();
            let size = sizes.get(c).copied().unwrap_or(0);
            serde_json::json!({"cluster": c + 1, "size": size, "share": size as f64 / kept, "centre": values})
        })
        .collect();
    let report = serde_json::json!({
        "k": k,
        "algorithm": "kmeans",
        "inertia": model.inertia,
        "n_iter": model.n_iter,
        "n_init": args.n_init,
        "seed": args.seed,
        "silhouette": sil.map(|s| s.score),
        "silhouette_sampled": sil.is_some_and(|s| s.sampled),
        "silhouette_rows": sil.map(|s| s.rows),
        "calinski_harabasz": calinski_harabasz(x, &model.labels, k),
        "davies_bouldin": davies_bouldin(x, &model.labels, k),
        "rows": table.rows(),
        "clustered": prepared.rows.len(),
        "dropped": prepared.dropped,
        "sizes": sizes,
        "centroids": centroids,
        "features": prepared.columns,
        "warnings": prepared.warnings.iter().map(|w| w.message()).collect::<Vec<_>>(),
    });
    eprintln!(
        "k = {k}: inertia {:.3} after {} iterations; sizes {}",
        model.inertia,
        model.n_iter,
        sizes.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
    );
    if let Some(path) = &args.report {
        write_json(path, &report)?;
    }
    Ok(())
}

/// The features the flags choose, prepared.
fn prepared(args: &ClusterArgs, table: &Table) -> Result<Prepared, CliError> {
    let scaling = match args.scale.as_str() {
        "zscore" => Scaling::Zscore,
        "robust" => Scaling::Robust,
        "minmax" => Scaling::Minmax,
        "none" => Scaling::None,
        other => return Err(CliError::usage(format!("--scale `{other}` must be zscore, robust, minmax or none."))),
    };
    let missing = match args.missing.as_str() {
        "drop" => Missing::Drop,
        "impute" => Missing::Impute,
        other => return Err(CliError::usage(format!("--missing `{other}` must be drop or impute."))),
    };
    let names: Vec<String> = if args.all_numeric {
        table
            .columns
            .iter()
            .filter(|c| matches!(c.column_type(), ColumnType::Integer | ColumnType::Decimal))
            .filter(|c| !args.exclude.contains(&c.name))
            .map(|c| c.name.clone())
            .collect()
    } else {
        args.features.iter().map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect()
    };
    if let Some(l) = args.log.iter().find(|l| !names.contains(l)) {
        return Err(CliError::usage(format!("--log `{l}` is not one of the features clustered on.")));
    }
    let specs: Vec<FeatureSpec> = names
        .iter()
        .map(|n| FeatureSpec { column: n.clone(), log: args.log.contains(n), scaling, weight: 1.0 })
        .collect();
    let columns: Vec<(&str, &ColumnData)> = table.columns.iter().map(|c| (c.name.as_str(), &c.data)).collect();
    prepare(&columns, &specs, missing).map_err(|e| CliError::usage(format!("{}: {e}", args.input.display())))
}

/// `2..10` as (2, 10).
fn parse_range(text: &str) -> Result<(usize, usize), CliError> {
    let bad = || CliError::usage(format!("--scan `{text}` must look like 2..10 (the smallest and the largest k)."));
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    Ok((a.trim().parse().map_err(|_| bad())?, b.trim().trim_start_matches('=').parse().map_err(|_| bad())?))
}

fn write_json(path: &std::path::Path, value: &serde_json::Value) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default() + "\n";
    std::fs::write(path, text).map_err(|source| CliError::File { path: path.display().to_string(), source })
}
