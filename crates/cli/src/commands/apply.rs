//! `segscope apply --definition seg.json | --model model.json --input customers.csv --output out.csv [--summary]`.

use std::path::{Path, PathBuf};

use clap::Args;
use segscope_engine::cluster::model::ClusterModel;
use segscope_engine::dates::{parse_optional, DateField};
use segscope_engine::definitions::AnyDefinition;
use segscope_engine::export::Sources;
use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::Quiet;
use segscope_engine::reproduce::{Command, Download, Opened, SegmentationRecipe};
use segscope_engine::rules::Mode;
use segscope_engine::stream::{apply_model, apply_rules, ApplySummary, ModelRun, RulesRun, PART_RECORDS};

use crate::commands::definition::{load_any_definition, load_cluster_model, model_hint};
use crate::error::{create_file, CliError};
use crate::manifests::{file_name, record, with_transactions, write_beside};
use crate::read_args::ReadArgs;
use crate::transaction_args::{TransactionArgs, TransactionsFile};

/// Arguments of `segscope apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The segment definition: rule segments (segscope.segments/1) or a saved RFM segmentation
    /// (segscope.rfm/1, which needs --transactions). Give this or --model.
    #[arg(long, value_name = "FILE")]
    pub definition: Option<PathBuf>,
    /// A cluster model (segscope.cluster-model/1, saved by `segscope cluster --model` or the app):
    /// each row gets the name of its nearest cluster in a `cluster` column (empty for a row missing
    /// a feature). A model that reads the transactions' aggregates needs --transactions; their
    /// mapping is the model's. Give this or --definition.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// The customer file to segment.
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write the file with the segment column (or flags) appended. Its manifest is
    /// written beside it (OUTPUT.manifest.json: the input's and transactions' hashes, the
    /// settings, the definition or model; `segscope verify` re-runs it).
    #[arg(long)]
    pub output: PathBuf,
    /// The analysis date (YYYY-MM-DD) for "in the last N days" when the definition sets none
    /// [default: the day after the latest transaction with --transactions, else the day after the
    /// latest date in the columns the definition uses]. With --model, replaces the date the
    /// model's date features count days back from.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Print the number of customers per segment.
    #[arg(long)]
    pub summary: bool,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub transactions: TransactionArgs,
}

/// Applies the definition or the model, streaming the input to the output.
pub fn run(args: &ApplyArgs) -> Result<(), CliError> {
    match (&args.definition, &args.model) {
        (Some(definition), None) => run_definition(args, definition),
        (None, Some(model)) => run_model(args, model),
        (Some(_), Some(_)) => Err(CliError::usage(
            "give either --definition FILE (rule segments or a saved RFM segmentation) or --model FILE (a cluster model), not both.".into(),
        )),
        (None, None) => Err(CliError::usage(
            "say what to apply: --definition FILE (rule segments or a saved RFM segmentation) or --model FILE (a cluster model).".into(),
        )),
    }
}

/// Applies a definition (rule segments or an RFM segmentation), streaming the input to the output.
fn run_definition(args: &ApplyArgs, definition: &Path) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let as_of = parse_optional(DateField::AsOf, args.as_of.as_deref())?;
    let def = match load_any_definition(definition).map_err(|e| model_hint(e, definition, "apply"))? {
        AnyDefinition::Rules(def) => def,
        AnyDefinition::Rfm(mut rfm) => {
            if let Some(s) = args.as_of.as_ref().filter(|_| as_of.is_some()) {
                if let Some(saved) = rfm.as_of.replace(s.clone()).filter(|saved| saved != s) {
                    eprintln!("--as-of {s} replaces the definition's as-of date {saved}");
                }
            }
            return run_rfm(args, definition, &rfm);
        }
    };
    let name = args.input.display().to_string();
    let input = std::fs::File::open(&args.input).map_err(|source| CliError::File { path: name.clone(), source })?;
    let out = create_file(&args.output)?;
    let (mapping, replaced) = args.transactions.mapping(def.transactions.as_ref());
    for r in &replaced {
        eprintln!("transaction mapping from the command line replaces the definition's {r}");
    }
    let mut tx_file = args.transactions.open(mapping)?;
    if tx_file.is_none() && def.transactions.is_some() {
        return Err(CliError::usage(format!(
            "{}: this definition uses a transactions file; give it with --transactions FILE.",
            definition.display()
        )));
    }
    let transactions = tx_file.as_mut().map(TransactionsFile::input);
    let mut run = RulesRun { definition: &def, as_of, part_records: PART_RECORDS, transactions };
    let summary = apply_rules(&name, input, &options, &mut run, out, &mut Quiet)?;
    let mut applied = def.as_ref().clone();
    if applied.as_of.is_none() && as_of.is_some() {
        applied.as_of.clone_from(&args.as_of);
    }
    applied.transactions = summary.mapping.clone().or(applied.transactions);
    let mut command = command(args, &options, &summary, Download::ExportCsv)?;
    command.as_of = applied.as_of.clone().or_else(|| summary.as_of.map(segscope_engine::format::date));
    command.segmentation = Some(SegmentationRecipe::rules(applied));
    write_beside(&args.output, &command)?;
    print_messages(&summary);
    if let Some(day) = summary.as_of.filter(|_| def.as_of.is_none() && as_of.is_none()) {
        let why = if summary.transactions.is_some() {
            "the day after the latest transaction"
        } else {
            "the day after the latest date in the columns the definition uses"
        };
        eprintln!("as of {} ({why})", segscope_engine::ingest::values::date_from_days(day));
    }
    if args.summary {
        let width = summary.segments.iter().map(|s| s.name.chars().count()).max().unwrap_or(7).max(7);
        outln!("{:width$}  {:>10}  {:>7}  {:>10}", "segment", "customers", "share", "undecided");
        for (i, s) in summary.segments.iter().enumerate() {
            let undecided = summary.excluded_for_missing.get(i).map(|n| n.to_string()).unwrap_or_default();
            outln!("{:width$}  {:>10}  {:>6.1}%  {:>10}", s.name, s.count, s.share * 100.0, undecided);
        }
        outln!("{:width$}  {:>10}", "total", summary.rows);
        outln!(
            "{}",
            match def.mode {
                Mode::FirstMatch => "(undecided: rows a segment's condition could not decide because of missing values; they went on to later segments)",
                Mode::Overlapping => "(undecided: rows a segment's condition could not decide because of missing values; they are not flagged)",
            }
        );
    }
    eprintln!("wrote {} rows to {}", summary.rows, args.output.display());
    Ok(())
}

/// Applies a saved RFM segmentation: an `rfm_segment` column on every customer row.
fn run_rfm(args: &ApplyArgs, definition: &Path, def: &segscope_engine::rfm::RfmDefinition) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let (mapping, replaced) = args.transactions.mapping(def.transactions.as_ref());
    let mut tx_file = args.transactions.open(mapping)?.ok_or_else(|| {
        CliError::usage(format!(
            "{}: an RFM segmentation is computed from transactions; give them with --transactions FILE.",
            definition.display()
        ))
    })?;
    for r in &replaced {
        eprintln!("transaction mapping from the command line replaces the definition's {r}");
    }
    let mut tx = tx_file.input();
    let name = args.input.display().to_string();
    let input = std::fs::File::open(&args.input).map_err(|source| CliError::File { path: name.clone(), source })?;
    let summary = segscope_engine::stream::apply_rfm(
        &name,
        input,
        &options,
        def,
        &mut tx,
        create_file(&args.output)?,
        &mut Quiet,
    )?;
    let mut command = command(args, &options, &summary, Download::RfmColumn)?;
    command.as_of = summary.as_of.map(segscope_engine::format::date);
    command.segmentation = Some(SegmentationRecipe::rfm(def.params.clone(), def.map.clone(), def.as_of.clone()));
    write_beside(&args.output, &command)?;
    if let Some(day) = summary.as_of {
        eprintln!("RFM as of {}", segscope_engine::ingest::values::date_from_days(day));
    }
    if args.summary {
        for s in &summary.segments {
            outln!("{:24}  {:>10}  {:>6.1}%", s.name, s.count, s.share * 100.0);
        }
        outln!("{:24}  {:>10}", "total", summary.rows);
    }
    eprintln!("wrote {} rows to {}", summary.rows, args.output.display());
    Ok(())
}

/// Labels the input with a cluster model: a `cluster` column holding each row's cluster name.
fn run_model(args: &ApplyArgs, path: &Path) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let as_of = parse_optional(DateField::AsOf, args.as_of.as_deref())?;
    let mut model = load_cluster_model(path)?;
    if let Some(text) = args.as_of.as_ref().filter(|_| as_of.is_some()) {
        replace_as_of(&mut model, text);
    }
    let (mapping, replaced) = args.transactions.mapping(model.transactions.as_ref());
    let mut tx_file = args.transactions.open(mapping)?;
    if tx_file.is_none() && model.transactions.is_some() {
        let aggregates: Vec<String> = model
            .features
            .iter()
            .filter(|f| segscope_engine::customers::is_aggregate(&f.column))
            .map(|f| format!("`{}`", f.column))
            .collect();
        return Err(CliError::usage(format!(
            "{}: this model clusters on the transactions' aggregates ({}); give the transactions with --transactions FILE.",
            path.display(),
            aggregates.join(", ")
        )));
    }
    for r in &replaced {
        eprintln!("transaction mapping from the command line replaces the model's {r}");
    }
    let transactions = tx_file.as_mut().map(TransactionsFile::input);
    let name = args.input.display().to_string();
    let input = std::fs::File::open(&args.input).map_err(|source| CliError::File { path: name.clone(), source })?;
    let out = create_file(&args.output)?;
    let mut run = ModelRun { model: &model, part_records: PART_RECORDS, transactions };
    let summary = apply_model(&name, input, &options, &mut run, out, &mut Quiet)?;
    let mut command = command(args, &options, &summary, Download::ClusterColumn)?;
    command.as_of.clone_from(&model.as_of);
    command.model = Some(model.clone());
    write_beside(&args.output, &command)?;
    print_messages(&summary);
    if let Some(as_of) = &model.as_of {
        eprintln!("date features counted in days before {as_of}");
    }
    if args.summary {
        print_clusters(&summary);
    }
    eprintln!("wrote {} rows to {}", summary.rows, args.output.display());
    Ok(())
}

/// The manifest of the output (before the segmentation is said): the input read in parts, the
/// transactions with the mapping used, the column(s) appended and the segments' sizes.
fn command(
    args: &ApplyArgs,
    options: &ReadOptions,
    summary: &ApplySummary,
    download: Download,
) -> Result<Command, CliError> {
    let sources = Sources::of_parts(record(&args.input)?, options, summary);
    let tx = &args.transactions;
    let sources = with_transactions(sources, tx, &tx.file_options(), summary.mapping.as_ref())?;
    let mut command = Command::new(Opened::Table, sources, download, vec![file_name(&args.output)]);
    command.appended = Some((summary.appended.join(", "), summary.segments.clone()));
    Ok(command)
}

/// `--as-of` over the model's as-of date, said when it changes it.
fn replace_as_of(model: &mut ClusterModel, text: &str) {
    if !model.columns.iter().any(|c| c.days) {
        eprintln!("--as-of {text} is not used: the model has no date features");
        return;
    }
    if let Some(saved) = model.as_of.replace(text.to_string()).filter(|saved| saved != text) {
        eprintln!("--as-of {text} replaces the model's as-of date {saved}");
    }
}

/// What joining the transactions found, and the input's warnings.
fn print_messages(summary: &ApplySummary) {
    if let Some(report) = &summary.transactions {
        for m in report.messages() {
            eprintln!("transactions: {m}");
        }
    }
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
}

/// Customers per cluster, and those left out.
fn print_clusters(summary: &ApplySummary) {
    const LEFT_OUT: &str = "(left out: a feature missing)";
    let width = summary.segments.iter().map(|s| s.name.chars().count()).max().unwrap_or(7).max(LEFT_OUT.len());
    outln!("{:width$}  {:>10}  {:>7}", "cluster", "customers", "share");
    for s in &summary.segments {
        outln!("{:width$}  {:>10}  {:>6.1}%", s.name, s.count, s.share * 100.0);
    }
    if summary.left_out > 0 {
        let share = summary.left_out as f64 / summary.rows.max(1) as f64 * 100.0;
        outln!("{LEFT_OUT:width$}  {:>10}  {share:>6.1}%", summary.left_out);
    }
    outln!("{:width$}  {:>10}", "total", summary.rows);
}
