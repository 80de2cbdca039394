//! `segscope apply --definition seg.json --input customers.csv --output out.csv [--summary]`.

use std::path::PathBuf;

use clap::Args;
use segscope_engine::dates::{parse_optional, DateField};
use segscope_engine::definitions::AnyDefinition;
use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::Quiet;
use segscope_engine::rules::Mode;
use segscope_engine::stream::{apply_rules, RulesRun, TransactionsInput, PART_RECORDS};

use crate::commands::definition::load_any_definition;
use crate::error::{create_file, CliError};
use crate::read_args::ReadArgs;
use crate::transaction_args::TransactionArgs;

/// Arguments of `segscope apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The segment definition: rule segments (segscope.segments/1) or a saved RFM segmentation
    /// (segscope.rfm/1, which needs --transactions).
    #[arg(long)]
    pub definition: PathBuf,
    /// The customer file to segment.
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write the file with the segment column (or flags) appended.
    #[arg(long)]
    pub output: PathBuf,
    /// The analysis date (YYYY-MM-DD) for "in the last N days" when the definition sets none
    /// [default: the day after the latest transaction with --transactions, else the day after the
    /// latest date in the columns the definition uses].
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

/// Applies the definition, streaming the input to the output.
pub fn run(args: &ApplyArgs) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let as_of = parse_optional(DateField::AsOf, args.as_of.as_deref())?;
    let def = match load_any_definition(&args.definition)? {
        AnyDefinition::Rules(def) => def,
        AnyDefinition::Rfm(mut rfm) => {
            if let Some(s) = args.as_of.as_ref().filter(|_| as_of.is_some()) {
                if let Some(saved) = rfm.as_of.replace(s.clone()).filter(|saved| saved != s) {
                    eprintln!("--as-of {s} replaces the definition's as-of date {saved}");
                }
            }
            return run_rfm(args, &rfm);
        }
    };
    let name = args.input.display().to_string();
    let input = std::fs::File::open(&args.input).map_err(|source| CliError::File { path: name.clone(), source })?;
    let out = create_file(&args.output)?;
    let (mapping, replaced) = args.transactions.mapping(def.transactions.as_ref());
    for r in &replaced {
        eprintln!("transaction mapping from the command line replaces the definition's {r}");
    }
    let tx_options = args.transactions.read_options(&ReadOptions::default());
    let mut tx_file = match &args.transactions.transactions {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::File::open(path).map_err(|source| CliError::File { path: path.display().to_string(), source })?,
        )),
        None if def.transactions.is_some() => {
            return Err(CliError::usage(format!(
                "{}: this definition uses a transactions file; give it with --transactions FILE.",
                args.definition.display()
            )))
        }
        None => None,
    };
    let mut workers = crate::workers::Threads::default();
    let transactions = tx_file.as_mut().map(|(n, f)| TransactionsInput {
        name: n.as_str(),
        input: f,
        options: &tx_options,
        mapping: mapping.clone(),
        workers: &mut workers,
    });
    let mut run = RulesRun { definition: &def, as_of, part_records: PART_RECORDS, transactions };
    let summary = apply_rules(&name, input, &options, &mut run, out, &mut Quiet)?;
    if let Some(report) = &summary.transactions {
        for m in report.messages() {
            eprintln!("transactions: {m}");
        }
    }
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
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
        println!("{:width$}  {:>10}  {:>7}  {:>10}", "segment", "customers", "share", "undecided");
        for (i, s) in summary.segments.iter().enumerate() {
            let undecided = summary.excluded_for_missing.get(i).map(|n| n.to_string()).unwrap_or_default();
            println!("{:width$}  {:>10}  {:>6.1}%  {:>10}", s.name, s.count, s.share * 100.0, undecided);
        }
        println!("{:width$}  {:>10}", "total", summary.rows);
        println!(
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
fn run_rfm(args: &ApplyArgs, def: &segscope_engine::rfm::RfmDefinition) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let path = args.transactions.transactions.as_ref().ok_or_else(|| {
        CliError::usage(format!(
            "{}: an RFM segmentation is computed from transactions; give them with --transactions FILE.",
            args.definition.display()
        ))
    })?;
    let (mapping, replaced) = args.transactions.mapping(def.transactions.as_ref());
    for r in &replaced {
        eprintln!("transaction mapping from the command line replaces the definition's {r}");
    }
    let tx_name = path.display().to_string();
    let mut tx_file = std::fs::File::open(path).map_err(|source| CliError::File { path: tx_name.clone(), source })?;
    let tx_options = args.transactions.read_options(&ReadOptions::default());
    let mut tx = TransactionsInput {
        name: &tx_name,
        input: &mut tx_file,
        options: &tx_options,
        mapping,
        workers: &mut crate::workers::Threads::default(),
    };
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
    if let Some(day) = summary.as_of {
        eprintln!("RFM as of {}", segscope_engine::ingest::values::date_from_days(day));
    }
    if args.summary {
        for s in &summary.segments {
            println!("{:24}  {:>10}  {:>6.1}%", s.name, s.count, s.share * 100.0);
        }
        println!("{:24}  {:>10}", "total", summary.rows);
    }
    eprintln!("wrote {} rows to {}", summary.rows, args.output.display());
    Ok(())
}
