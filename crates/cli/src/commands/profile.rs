//! `segscope profile --input customers.csv [--transactions t.csv] (--segment-column COL |
//! --definition seg.json | --model m.json) [--niche-value COL] [--kpis kpis.json]
//! --format html|xlsx|csv|json --output FILE`:
//! the report the app downloads for a segmentation (issue #16), from files. The engine segments
//! the customer table ([`CustomerTable::segment`]), profiles it and writes the report
//! ([`CustomerTable::report`], [`write_report`]); this reads the flags and the files.

use std::path::{Path, PathBuf};

use clap::Args;
use segscope_engine::definitions::read_kpis;
use segscope_engine::export::Sources;
use segscope_engine::profile::{NicheParams, ProfileOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::report::{write_report, ReportFormat};
use segscope_engine::reproduce::Command;
use segscope_engine::stream::{customer_table, CustomerTable, SegmentSource};

use crate::commands::segment_source::{load, SegmentArgs};
use crate::error::{read_file, CliError};
use crate::manifests::{file_name, record, with_transactions, write_beside};
use crate::read_args::ReadArgs;
use crate::transaction_args::TransactionArgs;

/// Arguments of `segscope profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The customers file (one row per customer).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    #[command(flatten)]
    pub segments: SegmentArgs,
    /// Also look for niches: segments, or segments cut by one level of a category, of 0.5% to 10%
    /// of the customers whose mean of this number column (revenue, orders...) is at least 1.5
    /// times everyone's, significantly.
    #[arg(long, value_name = "COL")]
    pub niche_value: Option<String>,
    /// Your own KPIs (segscope.kpis/1, as the app's Profiles workspace saves them): each computed
    /// per segment, with its targets.
    #[arg(long, value_name = "FILE")]
    pub kpis: Option<PathBuf>,
    /// The report's format: html (a self-contained page, printable to PDF), xlsx (a summary
    /// workbook), csv (a tidy table) or json [default: the --output file's extension].
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Where to write the report. Its manifest is written beside it (OUTPUT.manifest.json;
    /// `segscope verify` re-runs it).
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub transactions: TransactionArgs,
}

/// Writes the report on the segments of the input.
pub fn run(args: &ProfileArgs) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let format = format(args)?;
    let (loaded, from) = load(&args.segments, &args.input, "profile")?;
    let source = loaded.source();
    let table = read_customers(args, &options, &source, &from)?;
    let segmented = table.segment(&source, &mut Quiet)?;
    if let Some(day) = &segmented.as_of {
        eprintln!("as of {day}");
    }
    let niches = args.niche_value.as_ref().map(|value| NicheParams { value: value.clone(), ..NicheParams::default() });
    let kpis = match &args.kpis {
        Some(path) => {
            let file = path.display().to_string();
            let kpis = read_kpis(&file, &read_file(path)?)?.kpis;
            table.check_kpis(&kpis).map_err(|source| CliError::Kpis { file, source })?;
            kpis
        }
        None => Vec::new(),
    };
    let profile = ProfileOptions::default();
    let report = table.report(&segmented, &profile, niches.as_ref(), &kpis, &mut Quiet)?;
    let bytes = write_report(&report, format)?;
    std::fs::write(&args.output, bytes)
        .map_err(|source| CliError::File { path: args.output.display().to_string(), source })?;
    let sources = Sources::of_file(record(&args.input)?, &options, &table.customers);
    let used = table.transactions.as_ref().map(|t| &t.mapping);
    let tx = &args.transactions;
    let sources = with_transactions(sources, tx, &tx.file_options(), used)?;
    let written = file_name(&args.output);
    let mut command = Command::profile(sources, &source, &profile, niches.as_ref(), format, written);
    command.as_of.clone_from(&segmented.as_of);
    command.kpis = kpis;
    write_beside(&args.output, &command)?;
    eprintln!(
        "wrote the {} report on {} customers in {} segments to {}",
        format.extension(),
        report.profile.customers,
        report.profile.segments.len(),
        args.output.display()
    );
    Ok(())
}

/// `--format`, else the output's extension.
fn format(args: &ProfileArgs) -> Result<ReportFormat, CliError> {
    let names = "html, xlsx, csv or json";
    match &args.format {
        Some(f) => ReportFormat::from_extension(f)
            .ok_or_else(|| CliError::usage(format!("--format `{f}` is not a report format; use {names}."))),
        None => {
            args.output.extension().and_then(|e| ReportFormat::from_extension(&e.to_string_lossy())).ok_or_else(|| {
                CliError::usage(format!(
                    "say which report to write: --format {names} (or an --output file ending in one)."
                ))
            })
        }
    }
}

/// The customers file, with the aggregates of `--transactions` joined on by key (the mapping:
/// the columns the flags name over the one `source` saved).
fn read_customers(
    args: &ProfileArgs,
    options: &segscope_engine::ingest::ReadOptions,
    source: &SegmentSource<'_>,
    from: &str,
) -> Result<CustomerTable, CliError> {
    let (mapping, replaced) = args.transactions.mapping(source.mapping());
    for r in &replaced {
        eprintln!("transaction mapping from the command line replaces the saved {r}");
    }
    let mut tx_file = args.transactions.open(mapping)?;
    let needs = match source {
        SegmentSource::Rfm(_) => Some("an RFM segmentation is computed from transactions"),
        SegmentSource::Rules(_) | SegmentSource::Model(_) if source.mapping().is_some() => {
            Some("it reads the transactions' aggregates")
        }
        _ => None,
    };
    if let (None, Some(why)) = (&tx_file, needs) {
        return Err(CliError::usage(format!("{from}: {why}; give them with --transactions FILE.")));
    }
    let name = args.input.display().to_string();
    let bytes = read_file(Path::new(&args.input))?;
    let mut input = tx_file.as_mut().map(|t| t.input());
    let table = customer_table(&name, &bytes, options, input.as_mut(), source.mapping(), &mut Quiet)?;
    if let Some(t) = &table.transactions {
        for m in t.report.messages() {
            eprintln!("transactions: {m}");
        }
    }
    Ok(table)
}
