//! `segscope movement --before june.csv --after december.csv --key customer_id (--segment-column COL |
//! --definition seg.json | --model m.json) --output movement.csv`: how many customers moved between
//! the segments of two snapshot files of the same customers (issue #16). The engine segments each
//! file the same way and matches customers by the key ([`movement_between`]); this reads the flags
//! and the files and writes the matrix.

use std::path::{Path, PathBuf};

use clap::Args;
use segscope_engine::progress::Quiet;
use segscope_engine::stream::{customer_table, movement_between, CustomerTable, SegmentSource};

use crate::commands::segment_source::{load, Flags};
use crate::error::{read_file, CliError};
use crate::read_args::ReadArgs;

/// Arguments of `segscope movement`.
#[derive(Debug, Args)]
pub struct MovementArgs {
    /// The earlier snapshot: a customers file (one row per customer).
    #[arg(long, value_name = "FILE")]
    pub before: PathBuf,
    /// The later snapshot: a customers file with the same key column.
    #[arg(long, value_name = "FILE")]
    pub after: PathBuf,
    /// The column both files identify customers by.
    #[arg(long, value_name = "COL")]
    pub key: String,
    /// A column of each file that holds each customer's segment (for example the segment column
    /// `segscope apply` or `segscope rfm --as-of` wrote). Give this, --definition or --model.
    #[arg(long, value_name = "COL")]
    pub segment_column: Option<String>,
    /// Rule segments (segscope.segments/1) made on each file. Give this, --segment-column or --model.
    #[arg(long, value_name = "FILE")]
    pub definition: Option<PathBuf>,
    /// A cluster model (segscope.cluster-model/1): each customer of each file in its nearest
    /// cluster. Give this, --segment-column or --definition.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Where to write the matrix (CSV: a row per earlier segment and "New", a column per later
    /// segment and "Gone").
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Reads one snapshot file.
fn read(path: &Path, options: &segscope_engine::ingest::ReadOptions) -> Result<CustomerTable, CliError> {
    let bytes = read_file(path)?;
    Ok(customer_table(&path.display().to_string(), &bytes, options, None, None, &mut Quiet)?)
}

/// Writes the movement matrix.
pub fn run(args: &MovementArgs) -> Result<(), CliError> {
    let options = args.read.to_options()?;
    let flags = Flags {
        column: args.segment_column.as_deref(),
        definition: args.definition.as_deref(),
        model: args.model.as_deref(),
    };
    let (loaded, from) = load(&flags, &args.before, "movement")?;
    let source = loaded.source();
    if matches!(source, SegmentSource::Rfm(_)) || source.mapping().is_some() {
        return Err(CliError::usage(format!(
            "{from} is made from transactions, which a customers file does not hold; write each snapshot's segments \
             first (segscope rfm --as-of, or segscope apply --transactions) and compare them with --segment-column."
        )));
    }
    let (before, after) = (read(&args.before, &options)?, read(&args.after, &options)?);
    let m = movement_between(&before, &after, &source, &args.key, &mut Quiet)?;
    std::fs::write(&args.output, m.to_csv())
        .map_err(|source| CliError::File { path: args.output.display().to_string(), source })?;
    eprintln!(
        "{} customers are in both files; {} of them in a segment of the same name; wrote the matrix to {}",
        m.matched,
        m.stayed,
        args.output.display()
    );
    Ok(())
}
