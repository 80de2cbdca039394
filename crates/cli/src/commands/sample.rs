//! `segscope sample --out DIR [--customers N] [--seed S]`.

use std::path::PathBuf;

use clap::Args;
use segscope_engine::progress::Monitor;
use segscope_engine::sample::{write_sample, SampleParams, DEFAULT_CUSTOMERS, DEFAULT_SEED};
use segscope_engine::typed::Typed;

use crate::error::{create_file, CliError};

/// Arguments of `segscope sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    /// The folder to write customers.csv and transactions.csv into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// How many customers, 1 to 50,000,000.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CUSTOMERS.to_string())]
    pub customers: String,
    /// The seed; the same seed and count always give the same files.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

/// Prints progress of large runs on stderr.
struct Stderr;

impl Monitor for Stderr {
    fn progress(&mut self, stage: &str, done: u64, total: u64) {
        if total >= 100_000 && done % 100_000 == 0 {
            eprintln!("{stage}: {done} of {total}");
        }
    }
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// Writes the sample files.
pub fn run(args: &SampleArgs) -> Result<(), CliError> {
    // The count as typed: the engine reads it, so a mistake gets the app's sentence.
    let params = SampleParams { customers: Typed::Text(args.customers.clone()), seed: args.seed }.check()?;
    std::fs::create_dir_all(&args.out)
        .map_err(|source| CliError::File { path: args.out.display().to_string(), source })?;
    let customers = args.out.join("customers.csv");
    let transactions = args.out.join("transactions.csv");
    let summary = write_sample(&params, create_file(&customers)?, create_file(&transactions)?, &mut Stderr)?;
    outln!(
        "wrote {} customers to {} and {} transactions to {}",
        summary.customers,
        customers.display(),
        summary.transactions,
        transactions.display()
    );
    Ok(())
}
