//! `segscope cluster`: k-means (or mini-batch k-means, k-prototypes, a Gaussian mixture) on
//! chosen features of the customer table (a customers file, with
//! the aggregates of its transactions joined on), or a scan over k. The settings are read and
//! checked by the engine ([`ClusterParams`], the same check and sentences as the app), the fit,
//! the labelled file and the reports are the engine's ([`CustomerTable::fit_clusters`],
//! [`write_clusters`], [`fit_report`], [`scan_report`]), and the model it saves labels any file by
//! `segscope apply --model` with the same names this command writes. Every file written has its
//! manifest beside it.

use std::path::{Path, PathBuf};

use clap::Args;
use segscope_engine::api::SegmentationFiles;
use segscope_engine::cluster::mixture::membership;
use segscope_engine::cluster::model::Fitted;
use segscope_engine::cluster::params::{ClusterParams, Method};
use segscope_engine::cluster::prep::{FeatureSpec, Missing, Scaling};
use segscope_engine::cluster::scan::FeatureScan;
use segscope_engine::cluster::ClusterError;
use segscope_engine::export::Sources;
use segscope_engine::ingest::values::date_from_days;
use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::Quiet;
use segscope_engine::reproduce::{Command, Download, Opened, SegmentationRecipe};
use segscope_engine::stream::{customer_table, fit_report, scan_report, write_clusters, CustomerTable};
use segscope_engine::table::ColumnType;
use segscope_engine::typed::Typed;

use crate::error::{create_file, read_file, write_failed, CliError};
use crate::manifests::{file_name, record, with_transactions, write_beside};
use crate::read_args::ReadArgs;
use crate::transaction_args::TransactionArgs;

/// Arguments of `segscope cluster`.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// The customers file (one row per customer).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// The columns to cluster on, comma-separated: numbers, booleans, categories, dates (read as
    /// days before the as-of date), and with --transactions their aggregates (orders, revenue,
    /// last_order_date, ...).
    #[arg(long, value_delimiter = ',', value_name = "COLS", required_unless_present = "all_numeric")]
    pub features: Vec<String>,
    /// Cluster on every integer and decimal column instead (with --transactions, their numeric
    /// aggregates too; see --exclude).
    #[arg(long, conflicts_with = "features")]
    pub all_numeric: bool,
    /// Columns left out of --all-numeric, comma-separated (an id, for example).
    #[arg(long, value_delimiter = ',', value_name = "COLS")]
    pub exclude: Vec<String>,
    /// The number of clusters (2 to 50).
    #[arg(long, value_name = "K", required_unless_present = "scan")]
    pub k: Option<String>,
    /// Instead of one fit, try each k of a range like 2..10 and print their scores (above 20,000
    /// customers, on a seeded sample of 20,000). Printed only, with no manifest, unless --report
    /// writes them to a file (with its manifest beside it).
    #[arg(long, value_name = "MIN..MAX", conflicts_with = "k")]
    pub scan: Option<String>,
    /// How the clusters are fitted: kmeans (exact; mini-batch above 5,000,000 customers, said so),
    /// minibatch (mini-batch k-means at any size), kprototypes (Huang's k-prototypes: numbers
    /// by their mean, categories by their most common value) or mixture (a Gaussian mixture with
    /// full covariances, as scikit-learn's GaussianMixture: for groups of different spread or
    /// stretched along correlated features, where k-means' equal round clusters fit badly; each
    /// customer gets a probability of each cluster, and a scan adds each k's BIC).
    #[arg(long, default_value = "kmeans", value_name = "METHOD")]
    pub algorithm: String,
    /// k-prototypes: what one category mismatch costs against squared differences of the scaled
    /// numbers [default: half the numbers' mean standard deviation, as the kmodes package].
    #[arg(long, value_name = "GAMMA")]
    pub gamma: Option<String>,
    /// Scaling of the numbers: zscore, robust, minmax or none.
    #[arg(long, default_value = "zscore")]
    pub scale: String,
    /// Features to take ln(1 + x) of before scaling (skewed money and counts), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "COLS")]
    pub log: Vec<String>,
    /// Features to use as scores 1 to --score-bins instead of their values, comma-separated:
    /// equal-count bins as RFM scores them (pandas.qcut), a larger number scoring higher and a
    /// later date (fewer days before the as-of date) scoring higher; the score is then scaled.
    /// Not with --log for the same feature. The model keeps the cut points, so it scores other
    /// files the same way.
    #[arg(long, value_delimiter = ',', value_name = "COLS")]
    pub score: Vec<String>,
    /// The number of scores of each --score feature (2 to 10; fewer when many values tie).
    #[arg(long, default_value_t = 5, value_name = "B", requires = "score")]
    pub score_bins: u8,
    /// Rows missing a feature: drop (left without a cluster) or impute (median, most common category).
    #[arg(long, default_value = "drop")]
    pub missing: String,
    /// Restarts of k-means from new seeds; the lowest inertia is kept [default: 10].
    #[arg(long, value_name = "N")]
    pub n_init: Option<String>,
    /// Most iterations per restart [default: 300].
    #[arg(long, value_name = "N")]
    pub max_iter: Option<String>,
    /// Seed of the random numbers (the same seed gives the same clusters) [default: 0].
    #[arg(long, value_name = "N")]
    pub seed: Option<String>,
    /// The date date features count days back from (YYYY-MM-DD) [default: the day after the
    /// latest transaction with --transactions, else the day after the latest date in the date
    /// features].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// The input file with a `cluster` column appended: each row's cluster name (empty for rows
    /// left out), the same names `segscope apply --model` writes. Each file written (--output,
    /// --model, --report) has its manifest beside it (FILE.manifest.json; `segscope verify`
    /// fits again and compares).
    #[arg(long, value_name = "FILE", required_unless_present_any = ["scan", "model", "report"])]
    pub output: Option<PathBuf>,
    /// Save the fitted model (segscope.cluster-model/1) to label other files with `segscope apply --model`.
    #[arg(long, value_name = "FILE", conflicts_with = "scan")]
    pub model: Option<PathBuf>,
    /// A JSON report: k, inertia, iterations, scores, sizes, each cluster's name and centre in
    /// original units (or, with --scan, each k's scores and the recommendation).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub transactions: TransactionArgs,
}

/// Reads the customers (and transactions), then fits or scans.
pub fn run(args: &ClusterArgs) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let (scaling, missing) = (scaling(&args.scale)?, missing(&args.missing)?);
    Method::parse(&args.algorithm)?;
    let range = args.scan.as_deref().map(parse_range).transpose()?;
    // Named features are checked with the settings before any file is read.
    if !args.all_numeric {
        check(&params(args, feature_specs(args, &args.features, scaling)?, missing), args.k.as_deref(), &range)?;
    }
    let table = read_customers(args, &options)?;
    let names = feature_names(args, &table);
    let params = params(args, feature_specs(args, &names, scaling)?, missing);
    match &range {
        Some(range) => run_scan(args, &table, &params, range, &options),
        None => run_fit(args, &table, &params, &options),
    }
}

/// The settings as typed (numbers are the engine's to read, so its sentences are the app's).
fn params(args: &ClusterArgs, features: Vec<FeatureSpec>, missing: Missing) -> ClusterParams {
    let d = ClusterParams::default();
    ClusterParams {
        features,
        // Checked when the arguments are read (a bad name stops there).
        method: Method::parse(&args.algorithm).unwrap_or_default(),
        gamma: args.gamma.clone().map(Typed::Text),
        missing,
        n_init: typed(&args.n_init, d.n_init),
        max_iter: typed(&args.max_iter, d.max_iter),
        seed: typed(&args.seed, d.seed),
        as_of: args.as_of.clone(),
    }
}

/// A flag's text, or the default.
fn typed<T>(flag: &Option<String>, default: Typed<T>) -> Typed<T> {
    flag.clone().map_or(default, Typed::Text)
}

/// The engine's check for a fit with `--k`, or for a scan of `--scan`.
fn check(params: &ClusterParams, k: Option<&str>, range: &Option<(String, String)>) -> Result<(), ClusterError> {
    let text = |t: &str| Typed::Text(t.to_string());
    match range {
        Some((min, max)) => params.check_scan(&text(min), &text(max)).map(|_| ()),
        None => params.check_fit(&text(k.unwrap_or_default())).map(|_| ()),
    }
}

/// The customers file, with the aggregates of `--transactions` joined on by key.
fn read_customers(args: &ClusterArgs, options: &ReadOptions) -> Result<CustomerTable, CliError> {
    let name = args.input.display().to_string();
    let bytes = read_file(&args.input)?;
    let Some(mut tx_file) = args.transactions.open(args.transactions.mapping(None).0)? else {
        return Ok(customer_table(&name, &bytes, options, None, None, &mut Quiet)?);
    };
    let table = customer_table(&name, &bytes, options, Some(&mut tx_file.input()), None, &mut Quiet)?;
    if let Some(t) = &table.transactions {
        for m in t.report.messages() {
            eprintln!("transactions: {m}");
        }
    }
    Ok(table)
}

/// The features the flags name, or every number column with --all-numeric.
fn feature_names(args: &ClusterArgs, table: &CustomerTable) -> Vec<String> {
    if !args.all_numeric {
        return args.features.clone();
    }
    table
        .columns()
        .into_iter()
        .filter(|(_, data)| matches!(data.column_type(), ColumnType::Integer | ColumnType::Decimal))
        .map(|(name, _)| name.to_string())
        .filter(|name| !args.exclude.contains(name))
        .collect()
}

/// Each feature with its log, score and scaling; a `--log` or `--score` column that is not a
/// feature is a mistake.
fn feature_specs(args: &ClusterArgs, names: &[String], scaling: Scaling) -> Result<Vec<FeatureSpec>, CliError> {
    let names: Vec<&str> = names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
    for (flag, columns) in [("--log", &args.log), ("--score", &args.score)] {
        if let Some(c) = columns.iter().find(|c| !names.contains(&c.trim())) {
            return Err(CliError::usage(format!("{flag} `{c}` is not one of the features clustered on.")));
        }
    }
    let named = |columns: &[String], n: &str| columns.iter().any(|c| c.trim() == n);
    Ok(names
        .iter()
        .map(|&n| FeatureSpec {
            column: n.to_string(),
            log: named(&args.log, n),
            scaling,
            weight: 1.0,
            score: named(&args.score, n).then_some(args.score_bins),
        })
        .collect())
}

fn scaling(text: &str) -> Result<Scaling, CliError> {
    Ok(match text {
        "zscore" => Scaling::Zscore,
        "robust" => Scaling::Robust,
        "minmax" => Scaling::Minmax,
        "none" => Scaling::None,
        other => return Err(CliError::usage(format!("--scale `{other}` must be zscore, robust, minmax or none."))),
    })
}

fn missing(text: &str) -> Result<Missing, CliError> {
    Ok(match text {
        "drop" => Missing::Drop,
        "impute" => Missing::Impute,
        other => return Err(CliError::usage(format!("--missing `{other}` must be drop or impute."))),
    })
}

/// `2..10` as the smallest and largest k, as typed (the engine reads and checks them).
fn parse_range(text: &str) -> Result<(String, String), CliError> {
    let bad = || CliError::usage(format!("--scan `{text}` must look like 2..10 (the smallest and the largest k)."));
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    Ok((a.trim().to_string(), b.trim().trim_start_matches('=').trim().to_string()))
}

/// Says which as-of date the date features count back from, when one is used and not given.
fn say_as_of(as_of: Option<&str>, given: bool, table: &CustomerTable) {
    if let Some(day) = as_of.filter(|_| !given) {
        let why = if table.transactions.as_ref().is_some_and(|t| t.latest.is_some()) {
            "the day after the latest transaction"
        } else {
            "the day after the latest date in the date features"
        };
        eprintln!("date features counted in days before {day} ({why})");
    }
}

/// Scans k over the range (on a seeded sample of [`SCAN_ROWS`] customers above that many): a
/// table of the scores and the recommended k; `--report` gets them as JSON.
fn run_scan(
    args: &ClusterArgs,
    table: &CustomerTable,
    params: &ClusterParams,
    (min, max): &(String, String),
    options: &ReadOptions,
) -> Result<(), CliError> {
    let text = |t: &String| Typed::Text(t.clone());
    let (valid, min_k, max_k) = params.check_scan(&text(min), &text(max))?;
    let (feature_scan, as_of) = table.scan_clusters(&valid, (min_k, max_k), &mut Quiet)?;
    let FeatureScan { prepared, scanned, scan: s } = &feature_scan;
    warn(&prepared.warnings.iter().map(|w| w.message()).collect::<Vec<_>>(), prepared.dropped);
    if prepared.matrix.columns() > 0 && prepared.columns.iter().any(|c| c.days) {
        say_as_of(as_of.map(|d| date_from_days(d).to_string()).as_deref(), valid.as_of.is_some(), table);
    }
    // A mixture's scan has each k's BIC as a last column.
    let with_bic = s.points.iter().any(|p| p.bic.is_some());
    let bic_head = if with_bic { format!("  {:>14}", "bic") } else { String::new() };
    outln!(
        "{:>3}  {:>14}  {:>10}  {:>17}  {:>14}  {:>9}{bic_head}",
        "k",
        "inertia",
        "silhouette",
        "calinski_harabasz",
        "davies_bouldin",
        "stability"
    );
    let opt = |v: Option<f64>, w: usize| v.map_or_else(|| format!("{:>w$}", "-"), |v| format!("{v:>w$.3}"));
    for p in &s.points {
        let bic = if with_bic { format!("  {}", opt(p.bic, 14)) } else { String::new() };
        outln!(
            "{:>3}  {:>14.3}  {}  {}  {}  {:>9.3}{bic}",
            p.k,
            p.inertia,
            opt(p.silhouette.map(|s| s.score), 10),
            opt(p.calinski_harabasz, 17),
            opt(p.davies_bouldin, 14),
            p.stability
        );
    }
    if with_bic {
        outln!("bic: the Gaussian mixture's Bayesian information criterion (lower is better); the other scores are of its most probable clusters");
    }
    let gower = if s.points.iter().any(|p| p.silhouette.is_some_and(|s| s.gower)) { " (Gower's distance)" } else { "" };
    if *scanned < prepared.matrix.rows() {
        outln!("scores of a seeded sample of {scanned} of the {} customers clustered", prepared.matrix.rows());
    }
    if let Some(sil) = s.points.first().and_then(|p| p.silhouette).filter(|s| s.sampled) {
        outln!("silhouette{gower} on a seeded sample of {} rows", sil.rows);
    } else if !gower.is_empty() {
        outln!("silhouette{gower}");
    }
    outln!("recommended: {}", s.reason);
    if let Some(path) = &args.report {
        write_bytes(path, &scan_report(&feature_scan, &valid, as_of))?;
        let download = Download::ScanReport { params: valid.params(), min_k, max_k };
        let mut command = command(args, table, options, download)?;
        command.written_as = vec![file_name(path)];
        write_beside(path, &command)?;
    }
    Ok(())
}

/// Fits k-means with `--k` clusters and writes the labelled file, the model and the report, each
/// with its manifest beside it.
fn run_fit(
    args: &ClusterArgs,
    table: &CustomerTable,
    params: &ClusterParams,
    options: &ReadOptions,
) -> Result<(), CliError> {
    let valid = params.check_fit(&Typed::Text(args.k.clone().unwrap_or_default()))?;
    let fitted = table.fit_clusters(&valid, &mut Quiet)?;
    let Fitted { model, prepared, fit, profiles } = &fitted;
    warn(&prepared.warnings.iter().map(|w| w.message()).collect::<Vec<_>>(), prepared.dropped);
    say_as_of(model.as_of.as_deref(), valid.as_of.is_some(), table);
    // What each file's manifest records: the customers (and transactions) read, the settings as
    // checked and the model (the page's clustering of the same data, fitted again by `verify`).
    let mut command = command(args, table, options, Download::ClusterColumn)?;
    command.as_of.clone_from(&model.as_of);
    command.segmentation = Some(SegmentationRecipe::clusters(valid.params(), model));
    command.model = Some(model.clone());
    if let Some(path) = &args.output {
        let (column, sizes) = write_clusters(table, &fitted, create_file(path)?)
            .map_err(|e| write_failed(&path.display().to_string(), e))?;
        let mut labelled = command.clone();
        labelled.written_as = vec![file_name(path)];
        labelled.appended = Some((column, sizes));
        write_beside(path, &labelled)?;
    }
    if let Some(path) = &args.model {
        std::fs::write(path, model.to_json())
            .map_err(|source| CliError::File { path: path.display().to_string(), source })?;
        let mut saved = command.clone();
        saved.download = Download::SegmentationFiles { files: SegmentationFiles::Definition };
        saved.written_as = vec![file_name(path)];
        write_beside(path, &saved)?;
    }
    let k = model.k;
    let soft = model.probabilities(prepared).map(|p| membership(&p, &fit.labels, k));
    eprintln!("k = {k}, {}: inertia {:.3} after {} iterations", model.fitted_with, model.inertia, model.n_iter);
    if let Some(m) = &soft {
        eprintln!(
            "soft membership: {:.1}% of the customers clustered have no cluster with a probability of {} or more",
            m.uncertain * 100.0,
            m.threshold
        );
    }
    for (i, (c, p)) in model.clusters.iter().zip(profiles).enumerate() {
        eprintln!("  {:>2}  {:>8} customers ({:>5.1}%)  {}", i + 1, c.size, p.share * 100.0, c.name);
    }
    if let Some(path) = &args.report {
        write_bytes(path, &fit_report(table, &fitted))?;
        command.download = Download::ClusterReport;
        command.written_as = vec![file_name(path)];
        write_beside(path, &command)?;
    }
    Ok(())
}

/// A file's manifest, before what made it is said: the customers file (and the transactions,
/// with the mapping used) as read.
fn command(
    args: &ClusterArgs,
    table: &CustomerTable,
    options: &ReadOptions,
    download: Download,
) -> Result<Command, CliError> {
    let sources = Sources::of_file(record(&args.input)?, options, &table.customers);
    let used = table.transactions.as_ref().map(|t| &t.mapping);
    let tx = &args.transactions;
    let sources = with_transactions(sources, tx, &tx.file_options(), used)?;
    Ok(Command::new(Opened::Table, sources, download, Vec::new()))
}

/// The preparation's warnings and the rows left out, on stderr.
fn warn(warnings: &[String], dropped: usize) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
    if dropped > 0 {
        eprintln!("{dropped} rows miss a feature and get no cluster (use --missing impute to fill them)");
    }
}

/// Writes `bytes` to `path`, naming it in the error.
fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|source| CliError::File { path: path.display().to_string(), source })
}
