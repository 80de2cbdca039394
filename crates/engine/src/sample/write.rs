//! Streaming the sample into two CSV files.

use std::fmt::Write as _;
use std::io::Write;

use serde::Serialize;

use super::calendar::iso;
use super::errors::SampleError;
use super::generate::generate;
use super::params::ValidSampleParams;
use super::{SampleCustomer, CUSTOMER_HEADER, TRANSACTION_HEADER};
use crate::progress::Monitor;

/// Customers generated between two progress reports and cancellation checks.
pub const PROGRESS_EVERY: u64 = 10_000;

/// The progress stage name reported while generating.
pub const STAGE: &str = "Generating sample data";

const CUSTOMERS_FILE: &str = "customers";
const TRANSACTIONS_FILE: &str = "transactions";

/// What [`write_sample`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SampleSummary {
    /// Rows written to the customers file (excluding the header).
    pub customers: u64,
    /// Rows written to the transactions file (excluding the header), orders and refunds.
    pub transactions: u64,
    /// Transactions that are refunds (negative amounts).
    pub refunds: u64,
    /// Customers with no transactions at all.
    pub customers_without_transactions: u64,
    /// Sum of all transaction amounts in cents (refunds subtract).
    pub net_revenue_cents: i64,
}

/// Generates the sample and streams it as CSV: every customer row to `customers` and
/// their transactions to `transactions`, one customer at a time, so memory does not grow
/// with the number of customers. Reports progress to `monitor` every
/// [`PROGRESS_EVERY`] customers and stops when it asks to.
///
/// Writers are buffered internally; pass a `File` or `&mut Vec<u8>` directly.
///
/// # Errors
///
/// [`SampleError::Io`] when either writer fails, [`SampleError::Cancelled`] when
/// `monitor` asks to stop (the files then hold a partial sample).
///
/// ```
/// use segscope_engine::progress::Quiet;
/// use segscope_engine::sample::{write_sample, SampleParams};
///
/// let params = SampleParams::default().customers(200).seed(7).check()?;
/// let (mut customers, mut transactions) = (Vec::new(), Vec::new());
/// let summary = write_sample(&params, &mut customers, &mut transactions, &mut Quiet)?;
/// assert_eq!(summary.customers, 200);
/// let rows = transactions.iter().filter(|&&b| b == b'\n').count() as u64;
/// assert_eq!(rows, summary.transactions + 1); // plus the header
/// # Ok::<(), segscope_engine::sample::SampleError>(())
/// ```
pub fn write_sample<C: Write, T: Write>(
    params: &ValidSampleParams,
    customers: C,
    transactions: T,
    monitor: &mut dyn Monitor,
) -> Result<SampleSummary, SampleError> {
    let total = params.customers();
    let mut out = Writers {
        customers: csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(customers),
        transactions: csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(transactions),
        scratch: String::with_capacity(32),
    };
    out.headers()?;
    let mut summary = SampleSummary::default();
    monitor.progress(STAGE, 0, total);
    for index in 0..total {
        if index % PROGRESS_EVERY == 0 && index > 0 {
            monitor.progress(STAGE, index, total);
        }
        if index % PROGRESS_EVERY == 0 && monitor.is_cancelled() {
            return Err(SampleError::Cancelled);
        }
        let customer = generate(params.seed(), index);
        out.customer(&customer, &mut summary)?;
    }
    out.finish()?;
    monitor.progress(STAGE, total, total);
    Ok(summary)
}

/// Bytes of customers' text reserved per customer of a sample made in memory (about 110 are
/// written).
pub const CUSTOMER_BYTES: usize = 130;

/// Bytes of transactions' text reserved per customer of a sample made in memory (about 491 are
/// written: ten orders and a few refunds of about 47 bytes each), so the text is reserved once and
/// never grows by doubling.
pub const TRANSACTION_BYTES: usize = 520;

/// Generates the whole sample in memory and returns the customers and transactions files as
/// CSV bytes (for the browser, where there is no file system).
///
/// # Errors
///
/// [`SampleError::TooLarge`] when the transactions' text ([`TRANSACTION_BYTES`] a customer)
/// would pass [`crate::budget::MAX_ARRAY_BYTES`]: in the page, above about 1.9 million
/// customers. Writing to memory cannot fail otherwise, and nothing cancels it.
///
/// ```
/// use segscope_engine::sample::{sample_csv, SampleParams};
///
/// let params = SampleParams::default().customers(50).check()?;
/// let (customers, transactions) = sample_csv(&params)?;
/// assert!(customers.starts_with(b"customer_id,age,gender,"));
/// assert!(transactions.starts_with(b"customer_id,order_id,order_date,amount,category\n"));
/// assert_eq!((customers.clone(), transactions.clone()), sample_csv(&params)?);
/// # Ok::<(), segscope_engine::sample::SampleError>(())
/// ```
pub fn sample_csv(params: &ValidSampleParams) -> Result<(Vec<u8>, Vec<u8>), SampleError> {
    let n = usize::try_from(params.customers()).unwrap_or(usize::MAX);
    let what = |per: usize| {
        move || format!("the sample's {} customers ({per} bytes of text each)", crate::format::thousands(n))
    };
    const ADVICE: &str =
        "choose fewer customers, or make the sample with `segscope sample --customers N` and open its files.";
    // Reserved whole, so the text never grows by doubling past what a wasm32 allocation may have.
    let mut transactions =
        crate::budget::reserved(n.saturating_mul(TRANSACTION_BYTES), what(TRANSACTION_BYTES), ADVICE)?;
    let mut customers = crate::budget::reserved(n.saturating_mul(CUSTOMER_BYTES), what(CUSTOMER_BYTES), ADVICE)?;
    write_sample(params, &mut customers, &mut transactions, &mut crate::progress::Quiet)?;
    Ok((customers, transactions))
}

struct Writers<C: Write, T: Write> {
    customers: csv::Writer<C>,
    transactions: csv::Writer<T>,
    scratch: String,
}

impl<C: Write, T: Write> Writers<C, T> {
    fn headers(&mut self) -> Result<(), SampleError> {
        self.customers.write_record(CUSTOMER_HEADER).map_err(|e| SampleError::from_csv(CUSTOMERS_FILE, e))?;
        self.transactions.write_record(TRANSACTION_HEADER).map_err(|e| SampleError::from_csv(TRANSACTIONS_FILE, e))
    }

    fn customer(&mut self, c: &SampleCustomer, summary: &mut SampleSummary) -> Result<(), SampleError> {
        self.write_customer(c).map_err(|e| SampleError::from_csv(CUSTOMERS_FILE, e))?;
        self.write_transactions(c).map_err(|e| SampleError::from_csv(TRANSACTIONS_FILE, e))?;
        // No saturation: at most 50 million customers (`MAX_CUSTOMERS`) of at most 999 orders (and
        // their refunds) each, of well under a million cents, stay far below 2^63.
        summary.customers = summary.customers.saturating_add(1);
        summary.transactions = summary.transactions.saturating_add(c.transactions.len() as u64);
        if c.transactions.is_empty() {
            summary.customers_without_transactions = summary.customers_without_transactions.saturating_add(1);
        }
        for t in &c.transactions {
            if t.amount_cents < 0 {
                summary.refunds = summary.refunds.saturating_add(1);
            }
            summary.net_revenue_cents = summary.net_revenue_cents.saturating_add(t.amount_cents);
        }
        Ok(())
    }

    fn write_customer(&mut self, c: &SampleCustomer) -> Result<(), csv::Error> {
        let w = &mut self.customers;
        let s = &mut self.scratch;
        w.write_field(&c.customer_id)?;
        write_number(w, s, c.age)?;
        w.write_field(c.gender.unwrap_or(""))?;
        w.write_field(c.marital_status)?;
        w.write_field(c.life_stage)?;
        w.write_field(c.country)?;
        w.write_field(c.region)?;
        w.write_field(c.urbanicity)?;
        match c.income {
            Some(income) => write_number(w, s, income)?,
            None => w.write_field("NA")?,
        }
        w.write_field(iso(c.signup_date))?;
        w.write_field(c.acquisition_channel)?;
        w.write_field(if c.email_opt_in { "true" } else { "false" })?;
        write_number(w, s, c.web_visits_90d)?;
        write_number(w, s, c.app_sessions_90d)?;
        write_number(w, s, c.support_tickets_12m)?;
        match c.avg_rating {
            Some(rating) => {
                s.clear();
                let _ = write!(s, "{rating:.1}");
                w.write_field(s.as_bytes())?;
            }
            None => w.write_field("")?,
        }
        w.write_record(None::<&[u8]>)
    }

    fn write_transactions(&mut self, c: &SampleCustomer) -> Result<(), csv::Error> {
        let w = &mut self.transactions;
        let s = &mut self.scratch;
        for t in &c.transactions {
            w.write_field(&c.customer_id)?;
            w.write_field(&t.order_id)?;
            w.write_field(iso(t.order_date))?;
            s.clear();
            let sign = if t.amount_cents < 0 { "-" } else { "" };
            let abs = t.amount_cents.unsigned_abs();
            let _ = write!(s, "{sign}{}.{:02}", abs / 100, abs % 100);
            w.write_field(s.as_bytes())?;
            w.write_field(t.category)?;
            w.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), SampleError> {
        self.customers.flush().map_err(|source| SampleError::Io { file: CUSTOMERS_FILE, source })?;
        self.transactions.flush().map_err(|source| SampleError::Io { file: TRANSACTIONS_FILE, source })
    }
}

fn write_number<W: Write>(
    w: &mut csv::Writer<W>,
    scratch: &mut String,
    n: impl std::fmt::Display,
) -> Result<(), csv::Error> {
    scratch.clear();
    let _ = write!(scratch, "{n}");
    w.write_field(scratch.as_bytes())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::sample::SampleParams;

    struct FailingWriter;

    impl Write for FailingWriter {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::Error::other("disk full"))
        }
    }

    #[test]
    fn a_failing_transactions_writer_is_reported_as_io_on_that_file() {
        let params = SampleParams::default().customers(2_000).check().unwrap();
        let err = write_sample(&params, Vec::new(), FailingWriter, &mut crate::progress::Quiet);
        match err {
            Err(SampleError::Io { file, .. }) => assert_eq!(file, "transactions"),
            other => panic!("expected Io, got {other:?}"),
        }
    }

    #[test]
    fn amounts_have_exactly_two_decimals_and_a_sign_for_refunds() {
        let params = SampleParams::default().customers(500).check().unwrap();
        let (_, tx) = sample_csv(&params).unwrap();
        let text = String::from_utf8(tx).unwrap();
        let mut negatives = 0;
        for line in text.lines().skip(1) {
            let amount = line.split(',').nth(3).unwrap();
            let (whole, cents) = amount.split_once('.').unwrap();
            assert_eq!(cents.len(), 2, "{line}");
            assert!(whole.trim_start_matches('-').chars().all(|c| c.is_ascii_digit()));
            if amount.starts_with('-') {
                negatives += 1;
            }
        }
        assert!(negatives > 0);
    }
}
