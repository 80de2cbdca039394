//! `segscope movement --before june.csv --after december.csv --key customer_id (--segment-column COL |
//! --definition seg.json | --model m.json) --output movement.csv`: how many customers moved between
//! the segments of two snapshot files of the same customers (issue #16). The engine segments each
//! file the same way and matches customers by the key ([`movement_between`]); this reads the flags
//! and the files and writes the matrix.

use std::path::{Path, PathBuf};

use clap::Args;
use segscope_engine::progress::Quiet;
use segscope_engine::stream::{customer_table, movement_between, CustomerTable, SegmentSource};

use crate::commands::segment_source::{load, SegmentArgs};
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
    #[command(flatten)]
    pub segments: SegmentArgs,
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
    let (loaded, from) = load(&args.segments, &args.before, "movement")?;
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
