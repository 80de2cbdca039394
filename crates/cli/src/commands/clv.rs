//! `segscope clv --transactions T.csv [mapping] --horizon-months 12 --discount-monthly 1% --output clv.csv`.

use std::path::PathBuf;

use clap::Args;
use segscope_engine::clv::{params_json, write_csv, ClvParams, TimeUnit};
use segscope_engine::export::Sources;
use segscope_engine::progress::Quiet;
use segscope_engine::reproduce::{Command, Download, Opened};
use segscope_engine::stream::{clv_from_transactions, PerCustomer, TransactionsInput};
use segscope_engine::typed::Typed;

use crate::error::{create_file, write_failed, CliError};
use crate::manifests::{file_name, record, write_beside};
use crate::read_args::ReadArgs;
use crate::transaction_args::TransactionArgs;

/// Arguments of `segscope clv`.
#[derive(Debug, Args)]
pub struct ClvArgs {
    #[command(flatten)]
    pub transactions: TransactionArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Months to predict, 1 to 120.
    #[arg(long, value_name = "MONTHS", default_value = "12")]
    pub horizon_months: String,
    /// Monthly discount rate, as a fraction or a percentage (0.01 or 1% = 1% a month).
    #[arg(long, value_name = "RATE", default_value = "0.01")]
    pub discount_monthly: String,
    /// The models' time unit: days or weeks.
    #[arg(long, default_value = "weeks")]
    pub unit: String,
    /// End of the calibration period (YYYY-MM-DD): later purchases check the predictions.
    #[arg(long, value_name = "DATE")]
    pub calibration_end: Option<String>,
    /// Margin as a fraction or a percentage of revenue (0.3 or 30%), for value in profit.
    #[arg(long, value_name = "RATE")]
    pub margin: Option<String>,
    /// Where to write one row per customer. Each file's manifest is written beside it
    /// (NAME.manifest.json; `segscope verify` re-runs it).
    #[arg(long)]
    pub output: PathBuf,
    /// Where to write the fitted parameters as JSON [default: OUTPUT with .params.json].
    #[arg(long)]
    pub params_json: Option<PathBuf>,
}

/// Fits the models, prints the parameters and writes the files.
pub fn run(args: &ClvArgs) -> Result<(), CliError> {
    let unit = match args.unit.as_str() {
        "days" => TimeUnit::Days,
        "weeks" => TimeUnit::Weeks,
        other => return Err(CliError::usage(format!("--unit `{other}` must be days or weeks."))),
    };
    // The numbers as typed: the engine reads them, so a mistake gets the app's sentence.
    let settings = ClvParams {
        horizon_months: Typed::Text(args.horizon_months.clone()),
        discount_monthly: Typed::Text(args.discount_monthly.clone()),
        unit,
        calibration_end: args.calibration_end.clone(),
        margin: args.margin.clone().map(Typed::Text),
    };
    let params = settings.check().map_err(|e| CliError::usage(e.to_string()))?;
    let path = args
        .transactions
        .transactions
        .as_ref()
        .ok_or_else(|| CliError::usage("give the transactions file with --transactions FILE.".into()))?;
    let name = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(|source| CliError::File { path: name.clone(), source })?;
    let options = args.transactions.read_options(&args.read.to_options()?);
    let (mapping, _) = args.transactions.mapping(None);
    let mut tx = TransactionsInput {
        name: &name,
        input: &mut file,
        options: &options,
        mapping,
        workers: &mut crate::workers::Threads::default(),
    };
    let PerCustomer { keys, result, mapping, left_out, read, .. } =
        clv_from_transactions(&mut tx, &params, &mut Quiet)?;
    if let Some(note) = left_out {
        eprintln!("note: {note}");
    }
    let out_path = args.output.display().to_string();
    write_csv(&keys, &result, create_file(&args.output)?, &mut Quiet).map_err(|e| write_failed(&out_path, e))?;
    let json_path = args.params_json.clone().unwrap_or_else(|| args.output.with_extension("params.json"));
    let text = params_json(&params, &result);
    std::fs::write(&json_path, text)
        .map_err(|source| CliError::File { path: json_path.display().to_string(), source })?;
    // The page's CLV download (the table and the parameters) of the same transactions opened alone;
    // a manifest beside each file.
    let sources = Sources::of_transactions_alone(record(path)?, &options, &read, &mapping);
    let written = vec![file_name(&args.output), file_name(&json_path)];
    let mut command = Command::new(Opened::Transactions, sources, Download::ClvFiles, written);
    command.mapping = Some(mapping);
    command.clv = Some(params.params());
    write_beside(&args.output, &command)?;
    write_beside(&json_path, &command)?;
    let b = &result.bgnbd.params;
    let g = &result.gamma_gamma.params;
    outln!(
        "BG/NBD: r = {:.4}, alpha = {:.4}, a = {:.4}, b = {:.4}; log-likelihood {:.2} ({})",
        b.r,
        b.alpha,
        b.a,
        b.b,
        result.bgnbd.log_likelihood,
        result.bgnbd.convergence.reason
    );
    outln!(
        "Gamma-Gamma: p = {:.4}, q = {:.4}, gamma = {:.4}; log-likelihood {:.2}; frequency-spend correlation {:.3}",
        g.p,
        g.q,
        g.gamma,
        result.gamma_gamma.log_likelihood,
        result.gamma_gamma.frequency_spend_correlation
    );
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!("wrote {} customers to {out_path} and the fitted parameters to {}", keys.len(), json_path.display());
    Ok(())
}
