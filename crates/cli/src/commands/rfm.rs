//! `segscope rfm --transactions T.csv [mapping] [--as-of] [--bins 5] [--method …] --output rfm.csv`.

use std::path::PathBuf;

use clap::Args;
use segscope_engine::dates::{parse_optional, DateField};
use segscope_engine::export::Sources;
use segscope_engine::progress::Quiet;
use segscope_engine::reproduce::{Command, Download, Opened, SegmentationRecipe};
use segscope_engine::rfm::{write_csv, Method, Monetary, Returns, RfmMap, RfmParams};
use segscope_engine::stream::{rfm_from_transactions, PerCustomer, TransactionsInput};
use segscope_engine::typed::Typed;

use crate::error::{create_file, write_failed, CliError};
use crate::manifests::{file_name, record, write_beside};
use crate::read_args::ReadArgs;
use crate::transaction_args::TransactionArgs;

/// Arguments of `segscope rfm`.
#[derive(Debug, Args)]
pub struct RfmArgs {
    #[command(flatten)]
    pub transactions: TransactionArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// The analysis date (YYYY-MM-DD) [default: the day after the last transaction].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Scores 1..BINS: 3, 4 or 5.
    #[arg(long, default_value = "5")]
    pub bins: String,
    /// rank (1 + floor(B·w/N), equal values equal scores), quantile-equal-count (pandas qcut of
    /// first ranks, ties by customer key) or thresholds (give --r-thresholds, --f-thresholds, --m-thresholds).
    #[arg(long, default_value = "rank")]
    pub method: String,
    /// Recency cut points in days, ascending (thresholds method), e.g. 30,90,180,365.
    #[arg(long, value_name = "LIST")]
    pub r_thresholds: Option<String>,
    /// Frequency cut points in orders, ascending.
    #[arg(long, value_name = "LIST")]
    pub f_thresholds: Option<String>,
    /// Monetary cut points, ascending.
    #[arg(long, value_name = "LIST")]
    pub m_thresholds: Option<String>,
    /// total (default) or mean (mean order value).
    #[arg(long, default_value = "total")]
    pub monetary: String,
    /// net (default: returns netted) or exclude (returns left out).
    #[arg(long, default_value = "net")]
    pub returns: String,
    /// Where to write one row per customer (the page's RFM table). Its manifest is written
    /// beside it (OUTPUT.manifest.json; `segscope verify` re-runs it).
    #[arg(long)]
    pub output: PathBuf,
    /// A saved RFM segmentation (segscope.rfm/1) whose settings, segment map, as-of date and
    /// mapping to use (the flags above are then ignored, except --as-of and the mapping flags).
    #[arg(long)]
    pub definition: Option<PathBuf>,
}

/// The cut points as typed (the engine reads them); the flag must be given.
fn cuts(flag: &str, text: &Option<String>) -> Result<Typed<Vec<f64>>, CliError> {
    let text = text.clone().ok_or_else(|| {
        CliError::usage(format!("the thresholds method needs --{flag}-thresholds, e.g. 30,90,180,365."))
    })?;
    Ok(Typed::Text(text))
}

/// Computes RFM and writes the CSV.
pub fn run(args: &RfmArgs) -> Result<(), CliError> {
    let method = match args.method.as_str() {
        "rank" => Method::Rank,
        "quantile-equal-count" | "quantile" => Method::QuantileEqualCount,
        "thresholds" => Method::Thresholds {
            r: cuts("r", &args.r_thresholds)?,
            f: cuts("f", &args.f_thresholds)?,
            m: cuts("m", &args.m_thresholds)?,
        },
        other => {
            return Err(CliError::usage(format!(
                "--method `{other}` must be rank, quantile-equal-count or thresholds."
            )))
        }
    };
    let monetary = match args.monetary.as_str() {
        "total" => Monetary::Total,
        "mean" | "mean-order" => Monetary::MeanOrder,
        other => return Err(CliError::usage(format!("--monetary `{other}` must be total or mean."))),
    };
    let returns = match args.returns.as_str() {
        "net" => Returns::Net,
        "exclude" => Returns::Exclude,
        other => return Err(CliError::usage(format!("--returns `{other}` must be net or exclude."))),
    };
    // The typed date first: a mistake in it stops the run before any file is read.
    parse_optional(DateField::AsOf, args.as_of.as_deref())?;
    let saved = match &args.definition {
        Some(path) => Some(crate::commands::definition::load_rfm_definition(path)?),
        None => None,
    };
    let typed = RfmParams { bins: Typed::Text(args.bins.clone()), method, monetary, returns };
    let raw = saved.as_ref().map_or(typed, |d| d.params.clone());
    let params = raw.check().map_err(|e| CliError::usage(e.to_string()))?;
    let map = saved.as_ref().map_or_else(|| RfmMap::default_for(params.bins()), |d| d.map.clone());
    let typed = args.as_of.as_deref().filter(|s| !s.trim().is_empty());
    let as_of = typed.or_else(|| saved.as_ref().and_then(|d| d.as_of.as_deref()));
    let path = args
        .transactions
        .transactions
        .as_ref()
        .ok_or_else(|| CliError::usage("give the transactions file with --transactions FILE.".into()))?;
    let name = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(|source| CliError::File { path: name.clone(), source })?;
    let options = args.transactions.read_options(&args.read.to_options()?);
    // A saved definition's mapping, with the columns the flags name put over it.
    let (named, _) = args.transactions.mapping(None);
    let mapping = match saved.as_ref().and_then(|d| d.transactions.clone()) {
        Some(stored) => named.over(stored).into(),
        None => named,
    };
    let mut tx = TransactionsInput {
        name: &name,
        input: &mut file,
        options: &options,
        mapping,
        workers: &mut crate::workers::Threads::default(),
    };
    let PerCustomer { keys, result, mapping: used, left_out, later, read } =
        rfm_from_transactions(&mut tx, &params, &map, as_of, &mut Quiet)?;
    if let Some(note) = left_out {
        eprintln!("note: {note}");
    }
    let out_path = args.output.display().to_string();
    write_csv(&keys, &result, create_file(&args.output)?, &mut Quiet).map_err(|e| write_failed(&out_path, e))?;
    // The page's RFM table of the same transactions opened alone; but the page lists the
    // customers first seen after the as-of date too (with no purchases).
    let download = match later {
        0 => Download::RfmFiles {
            dialect: None,
            customers_table: "customers".into(),
            transactions_table: "transactions".into(),
        },
        _ => Download::RfmTable,
    };
    let sources = Sources::of_transactions_alone(record(path)?, &options, &read, &used);
    let mut command = Command::new(Opened::Transactions, sources, download, vec![file_name(&args.output)]);
    command.mapping = Some(used.clone());
    command.as_of = Some(segscope_engine::format::date(result.as_of));
    command.segmentation = Some(SegmentationRecipe::rfm(params.params(), map.clone(), as_of.map(str::to_string)));
    write_beside(&args.output, &command)?;
    eprintln!(
        "RFM of {} customers as of {} (customer id `{}`, date `{}`, amount `{}`{}) written to {out_path}",
        keys.len(),
        segscope_engine::ingest::values::date_from_days(result.as_of),
        used.customer_id,
        used.date,
        used.amount,
        used.order_id.map(|o| format!(", order id `{o}`")).unwrap_or_default()
    );
    Ok(())
}
