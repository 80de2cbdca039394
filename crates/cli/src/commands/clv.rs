//! `segscope clv --transactions T.csv [mapping] --horizon-months 12 --discount-monthly 0.01 --output clv.csv`.

use std::path::PathBuf;

use clap::Args;
use segscope_engine::clv::{params_json, write_csv, ClvParams, TimeUnit};
use segscope_engine::progress::Quiet;
use segscope_engine::stream::{clv_from_transactions, TransactionsInput, PART_RECORDS};

use crate::error::{create_file, write_failed, CliError};
use crate::read_args::ReadArgs;
use crate::transaction_args::TransactionArgs;

/// Arguments of `segscope clv`.
#[derive(Debug, Args)]
pub struct ClvArgs {
    #[command(flatten)]
    pub transactions: TransactionArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Months to predict.
    #[arg(long, default_value_t = 12)]
    pub horizon_months: u32,
    /// Monthly discount rate (0.01 = 1% a month).
    #[arg(long, default_value_t = 0.01)]
    pub discount_monthly: f64,
    /// The models' time unit: days or weeks.
    #[arg(long, default_value = "weeks")]
    pub unit: String,
    /// End of the calibration period (YYYY-MM-DD): later purchases check the predictions.
    #[arg(long, value_name = "DATE")]
    pub calibration_end: Option<String>,
    /// Margin as a fraction of revenue (0.3 = 30%), for value in profit.
    #[arg(long)]
    pub margin: Option<f64>,
    /// Where to write one row per customer.
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
    let settings = ClvParams {
        horizon_months: args.horizon_months,
        discount_monthly: args.discount_monthly,
        unit,
        calibration_end: args.calibration_end.clone(),
        margin: args.margin,
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
    let mut tx = TransactionsInput { name: &name, input: &mut file, options: &options, mapping };
    let (keys, result, _) = clv_from_transactions(&mut tx, &params, PART_RECORDS, &mut Quiet)?;
    let out_path = args.output.display().to_string();
    write_csv(&keys, &result, create_file(&args.output)?, &mut Quiet).map_err(|e| write_failed(&out_path, e))?;
    let json_path = args.params_json.clone().unwrap_or_else(|| args.output.with_extension("params.json"));
    let text = params_json(&settings, &result);
    std::fs::write(&json_path, text)
        .map_err(|source| CliError::File { path: json_path.display().to_string(), source })?;
    let b = &result.bgnbd.params;
    let g = &result.gamma_gamma.params;
    println!(
        "BG/NBD: r = {:.4}, alpha = {:.4}, a = {:.4}, b = {:.4}; log-likelihood {:.2} ({})",
        b.r, b.alpha, b.a, b.b, result.bgnbd.log_likelihood, result.bgnbd.convergence.reason
    );
    println!(
        "Gamma-Gamma: p = {:.4}, q = {:.4}, gamma = {:.4}; log-likelihood {:.2}; frequency-spend correlation {:.3}",
        g.p, g.q, g.gamma, result.gamma_gamma.log_likelihood, result.gamma_gamma.frequency_spend_correlation
    );
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!("wrote {} customers to {out_path} and the fitted parameters to {}", keys.len(), json_path.display());
    Ok(())
}
