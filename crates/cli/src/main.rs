//! `segscope`: the Segscope engine on the command line, for files of any size.

mod commands;
mod error;
mod read_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::{convert, inspect, sample};

/// Customer segmentation on your own machine: inspect files, generate sample data, convert.
#[derive(Debug, Parser)]
#[command(name = "segscope", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show how a file is read: format, encoding, delimiter, rows, and each column's type and statistics.
    Inspect(inspect::InspectArgs),
    /// Write a delimited file's records as a JSON array of objects (header → original text).
    Convert(convert::ConvertArgs),
    /// Write the built-in sample data (customers.csv, transactions.csv) to a folder.
    Sample(sample::SampleArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Sample(args) => sample::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
