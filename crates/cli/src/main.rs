//! `segscope`: the Segscope engine on the command line, for files of any size.

#[macro_use]
mod stdout;
mod commands;
mod error;
mod manifests;
mod panic_message;
mod read_args;
mod transaction_args;
mod workers;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::{apply, cluster, clv, convert, inspect, movement, profile, rfm, sample, sql, verify};

/// Customer segmentation on your own machine: inspect files, apply segment definitions, write SQL.
#[derive(Debug, Parser)]
#[command(name = "segscope", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Arguments are parsed once at start-up: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Show how a file is read: format, encoding, delimiter, rows, and each column's type and statistics.
    Inspect(inspect::InspectArgs),
    /// Write a delimited file's records as a JSON array of objects (header → original text).
    Convert(convert::ConvertArgs),
    /// Write the built-in sample data (customers.csv, transactions.csv) to a folder.
    Sample(sample::SampleArgs),
    /// Append each row's segment to a file of any size: rule segments, a saved RFM segmentation, or a cluster model.
    Apply(apply::ApplyArgs),
    /// RFM scores and named segments per customer from a transactions file.
    Rfm(rfm::RfmArgs),
    /// Customer lifetime value: historical, and predicted with BG/NBD and Gamma-Gamma.
    Clv(clv::ClvArgs),
    /// Print SQL that applies a rule definition or a cluster model in DuckDB, BigQuery, Spark SQL or PostgreSQL.
    ///
    /// It reads no data file and writes to standard output, so it writes no manifest: the
    /// definition or model file it reads is the record (with its manifest beside it when Segscope
    /// wrote it).
    Sql(sql::SqlArgs),
    /// Group customers by how alike their features are (k-means), or scan k = 2..10 to help choose k.
    Cluster(cluster::ClusterArgs),
    /// A report on a segmentation's segments: sizes, KPIs, typical customers, profiles with index,
    /// niches; as a self-contained HTML page, a workbook, a tidy CSV or JSON.
    Profile(profile::ProfileArgs),
    /// How many customers moved between the segments of two snapshot files of the same customers
    /// (a transition matrix with New and Gone).
    Movement(movement::MovementArgs),
    /// Re-run a download's manifest (NAME.manifest.json, or the zip holding one) on its input and
    /// say whether every file comes out byte for byte the same: prints "identical" (exit 0) or
    /// what differs (exit 1).
    Verify(verify::VerifyArgs),
}

fn main() -> ExitCode {
    panic_message::install();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Sample(args) => sample::run(&args),
        Command::Apply(args) => apply::run(&args),
        Command::Sql(args) => sql::run(&args),
        Command::Cluster(args) => cluster::run(&args),
        Command::Rfm(args) => rfm::run(&args),
        Command::Clv(args) => clv::run(&args),
        Command::Profile(args) => profile::run(&args),
        Command::Movement(args) => movement::run(&args),
        Command::Verify(args) => match verify::run(&args) {
            Ok(verify::Verdict::Identical) => Ok(()),
            Ok(verify::Verdict::Different) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
