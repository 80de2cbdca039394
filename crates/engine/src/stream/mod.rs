//! Files of any size: read in parts of whole records, each part read, segmented and written like
//! a small file, so memory stays bounded by the part size, not the file size.

pub use crate::ingest::records::Records;

mod clusters;
mod customers;
mod model;
mod movement;
mod segments;

pub use clusters::{fit_report, scan_report, write_clusters};
pub use customers::{customer_table, CustomerTable, JoinedTransactions};
pub use model::{apply_model, ModelRun};
pub use movement::movement_between;
pub use segments::{SegmentSource, Segmented};

use std::io::{BufReader, Read, Seek, SeekFrom, Write};

use thiserror::Error;

use crate::assignment::SegmentSize;
use crate::customers::{
    choose_mapping, customer_keys, key_column, report, Aggregates, CustomersError, JoinReport, MappingOverrides,
    TransactionMapping,
};
use crate::export::{write_appended, ExportError};
use crate::ingest::{
    read_table, read_table_part, sniff_delimiter, Diagnostics, ImportWarning, IngestError, Ingested, ReadOptions,
    TextEncoding, MAX_EXAMPLES,
};
use crate::progress::{Monitor, Quiet};
use crate::rules::{check, evaluate_frame, latest_date_used, schema_with, Definition, Frame, Mode, RulesError};
use crate::table::Table;

/// Records per part by default (the first part also decides the column types for the whole file).
pub const PART_RECORDS: usize = 100_000;

/// Why a streaming run stopped.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StreamError {
    /// Reading the input failed.
    #[error("could not read the input: {0}")]
    Read(std::io::Error),
    /// A part of the input could not be read as a table.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The transactions do not fit the mapping.
    #[error(transparent)]
    Customers(#[from] CustomersError),
    /// Lifetime value could not be computed.
    #[error(transparent)]
    Clv(#[from] crate::clv::ClvError),
    /// RFM could not be computed.
    #[error(transparent)]
    Rfm(#[from] crate::rfm::RfmError),
    /// The definition does not fit the data.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// A cluster model does not fit the file (a feature's column missing or of another type).
    #[error("{file}: {source}")]
    Model {
        /// The file being labelled.
        file: String,
        /// What does not fit, naming the column.
        source: crate::cluster::model::ModelError,
    },
    /// A column named to take the segments from is not there.
    #[error(transparent)]
    Split(#[from] crate::split::SplitError),
    /// The segments could not be profiled (a setting out of range, a value column that cannot be used).
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    /// Two snapshots cannot be compared.
    #[error(transparent)]
    Movement(#[from] crate::movement::MovementError),
    /// The user's KPIs do not fit the customers.
    #[error(transparent)]
    Kpi(#[from] crate::custom_kpi::KpiError),
    /// Writing the output failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The user stopped the run.
    #[error("the run was cancelled; the output is incomplete and should be deleted.")]
    Cancelled,
}

/// What to apply to a file, and how.
pub struct RulesRun<'a> {
    /// The rule definition.
    pub definition: &'a Definition,
    /// The as-of day (days since 1970-01-01) when the definition sets none; `None` for the default.
    pub as_of: Option<i32>,
    /// Records per part ([`PART_RECORDS`] is a good default).
    pub part_records: usize,
    /// A transactions file whose per-customer aggregates the rules may use.
    pub transactions: Option<TransactionsInput<'a>>,
}

/// What applying a definition to a file did.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplySummary {
    /// Rows written.
    pub rows: u64,
    /// The column(s) appended: the segment's, or (overlapping rules) one per segment.
    pub appended: Vec<String>,
    /// Rows per segment (first match: the remainder last; overlapping: rows flagged per segment).
    pub segments: Vec<SegmentSize>,
    /// Per segment: rows left undecided by missing values.
    pub excluded_for_missing: Vec<u64>,
    /// Rows given no segment (a cluster model's rows missing a feature; their value is empty).
    pub left_out: u64,
    /// The as-of day used (days since 1970-01-01), if the definition needs one.
    pub as_of: Option<i32>,
    /// How the first part of the file was read (column types apply to the whole file).
    pub first_part: Ingested,
    /// Warnings from every part.
    pub warnings: Vec<ImportWarning>,
    /// What joining the transactions found (when given).
    pub transactions: Option<JoinReport>,
    /// The transaction mapping used (when transactions were given).
    pub mapping: Option<TransactionMapping>,
}

/// One part of a file: its header and some of its records, ready for [`read_table_part`].
struct Part {
    bytes: Vec<u8>,
    first: bool,
    line_offset: u64,
}

/// Cuts a file into parts of at most [`PART_RECORDS`] records, each starting with the header.
struct Parts<R> {
    records: Records<BufReader<R>>,
    size: usize,
    header: Vec<u8>,
    header_lines: u64,
    first: bool,
    done: bool,
}

impl<R: Read> Parts<R> {
    fn new(input: R, has_header: bool, delimiter: u8, size: usize) -> std::io::Result<Self> {
        let mut records = Records::new(BufReader::with_capacity(1 << 20, input), delimiter);
        let mut header = Vec::new();
        if has_header {
            records.next_record(&mut header)?;
        }
        let header_lines = header.iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(Parts { records, size: size.max(1), header, header_lines, first: true, done: false })
    }

    fn next_part(&mut self) -> std::io::Result<Option<Part>> {
        if self.done {
            return Ok(None);
        }
        let mut bytes = self.header.clone();
        let mut first_line = None;
        for _ in 0..self.size {
            match self.records.next_record(&mut bytes)? {
                Some(line) => {
                    first_line.get_or_insert(line);
                }
                None => {
                    self.done = true;
                    break;
                }
            }
        }
        if first_line.is_none() && !self.first {
            return Ok(None);
        }
        // In the part, data starts right after the header's lines; in the file, at `first_line`.
        let line_offset = first_line.map_or(0, |l| l.saturating_sub(self.header_lines).saturating_sub(1));
        let first = std::mem::replace(&mut self.first, false);
        Ok(Some(Part { bytes, first, line_offset }))
    }
}

/// A delimited file read in parts: the first part (which decides types for all), and a way to
/// visit every part with those types pinned. UTF-16 files cannot be cut on byte boundaries, and
/// gzip, JSON Lines and spreadsheet files are converted to CSV first, so they are read whole.
struct PartedFile<'a, R> {
    name: &'a str,
    input: R,
    first: Ingested,
    pinned: ReadOptions,
    whole: bool,
    part_records: usize,
}

impl<'a, R: Read + Seek> PartedFile<'a, R> {
    fn open(
        name: &'a str,
        mut input: R,
        options: &ReadOptions,
        part_records: usize,
        monitor: &mut dyn Monitor,
    ) -> Result<Self, StreamError> {
        input.seek(SeekFrom::Start(0)).map_err(StreamError::Read)?;
        let mut sniff = Vec::with_capacity(64 * 1024);
        (&mut input).take(64 * 1024).read_to_end(&mut sniff).map_err(StreamError::Read)?;
        // gzip, JSON Lines and workbooks are turned into CSV whole (with a size limit), then read whole.
        // UTF-16 (with a mark, recognised without one, or chosen) cannot be cut on its bytes either.
        let whole = sniff.starts_with(&[0xFF, 0xFE])
            || sniff.starts_with(&[0xFE, 0xFF])
            || matches!(options.encoding, Some(TextEncoding::Utf16Le | TextEncoding::Utf16Be))
            || crate::ingest::encoding::utf16_without_bom(&sniff).is_some()
            || crate::ingest::formats::detect(name, &sniff) != crate::ingest::FileFormat::Csv;
        input.seek(SeekFrom::Start(0)).map_err(StreamError::Read)?;
        let first = if whole {
            let mut bytes = Vec::new();
            input.read_to_end(&mut bytes).map_err(StreamError::Read)?;
            read_table(name, &bytes, options, monitor)?
        } else {
            let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&sniff));
            let mut parts =
                Parts::new(&mut input, options.has_header, delimiter, part_records).map_err(StreamError::Read)?;
            match parts.next_part().map_err(StreamError::Read)? {
                Some(part) => read_table_part(name, &part.bytes, options, part.line_offset, monitor)?,
                None => read_table(name, &[], options, monitor)?,
            }
        };
        let pinned = pin(&first, options);
        Ok(PartedFile { name, input, first, pinned, whole, part_records })
    }

    /// Calls `f(part, is_first)` for every part, from the start of the file.
    fn visit(&mut self, mut f: impl FnMut(&Ingested, bool) -> Result<(), StreamError>) -> Result<(), StreamError> {
        if self.whole {
            return f(&self.first, true);
        }
        self.input.seek(SeekFrom::Start(0)).map_err(StreamError::Read)?;
        let delimiter = self.first.diagnostics.delimiter;
        let mut parts = Parts::new(&mut self.input, self.pinned.has_header, delimiter, self.part_records)
            .map_err(StreamError::Read)?;
        while let Some(part) = parts.next_part().map_err(StreamError::Read)? {
            let ingested = read_table_part(self.name, &part.bytes, &self.pinned, part.line_offset, &mut Quiet)?;
            f(&ingested, part.first)?;
        }
        Ok(())
    }
}

/// Transactions to aggregate per customer while applying a definition.
pub struct TransactionsInput<'a> {
    /// The file's name.
    pub name: &'a str,
    /// Its bytes.
    pub input: &'a mut dyn ReadSeek,
    /// How to read it.
    pub options: &'a ReadOptions,
    /// The columns named for the mapping; the others come from the definition's stored mapping,
    /// else from the guess ([`choose_mapping`]).
    pub mapping: MappingOverrides,
    /// Who adds up the file's parts (on several threads, when the host has them).
    pub workers: &'a mut dyn crate::customers::Workers,
}

/// Anything readable and seekable (a file, bytes in memory).
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// Aggregates a transactions file a record at a time ([`crate::customers::read_transactions`]); returns the aggregates (with the latest
/// transaction day, [`Aggregates::latest`]), the mapping used (the columns `tx.mapping` names over
/// `stored`, else over the guess, [`choose_mapping`]), the amount column's currency, when known,
/// and how the file was read (its leading sample's diagnostics, which count every row).
fn aggregate_transactions(
    tx: &mut TransactionsInput<'_>,
    customers: Option<&Table>,
    stored: Option<&TransactionMapping>,
    monitor: &mut dyn Monitor,
) -> Result<(Aggregates, TransactionMapping, Option<String>, Diagnostics), StreamError> {
    let size = tx.input.seek(SeekFrom::End(0)).map_err(StreamError::Read)?;
    tx.input.seek(SeekFrom::Start(0)).map_err(StreamError::Read)?;
    let choose = |t: &Table| choose_mapping(t, customers, stored.cloned(), &tx.mapping);
    let read = crate::waiting::now(crate::customers::read_transactions_on(
        tx.name,
        &mut *tx.input,
        size,
        tx.options,
        crate::ingest::SAMPLE_RECORDS,
        choose,
        &mut *tx.workers,
        monitor,
    ))
    .map_err(|e| match e {
        crate::customers::ReadTransactionsError::Ingest(e) => StreamError::Ingest(e),
        crate::customers::ReadTransactionsError::Customers(e) => StreamError::Customers(e),
    })?;
    let currency = read.sample.table.columns.get(read.mapping.amount).and_then(|c| c.format.currency.clone());
    let (aggregates, valid) = (read.aggregates, read.mapping);
    // Transactions that are the whole customer base need a customer (as in the app).
    if customers.is_none() {
        aggregates.require_customers(tx.name, &valid.mapping)?;
    }
    Ok((aggregates, valid.mapping, currency, read.sample.diagnostics))
}

/// Transactions added up and matched to the key column of a customers table (its first part).
#[derive(Debug, Clone)]
struct Joined {
    aggregates: Aggregates,
    key: usize,
    mapping: TransactionMapping,
    /// The amount column's currency, when known.
    currency: Option<String>,
}

impl Joined {
    /// Adds up `tx` ([`aggregate_transactions`]) and finds the customers' key column.
    fn new(
        tx: &mut TransactionsInput<'_>,
        customers: &Table,
        stored: Option<&TransactionMapping>,
        monitor: &mut dyn Monitor,
    ) -> Result<Self, StreamError> {
        let (aggregates, mapping, currency, _) = aggregate_transactions(tx, Some(customers), stored, monitor)?;
        let key = key_column(customers, &mapping)?;
        Ok(Joined { aggregates, key, mapping, currency })
    }

    /// The keys of a table (or part) of customers.
    fn keys(&self, customers: &Table) -> Vec<Option<String>> {
        customer_keys(customers, self.key)
    }

    /// The aggregate columns for a table (or part) of customers, one value per row.
    fn columns(&self, customers: &Table) -> Vec<crate::table::Column> {
        self.aggregates.columns_for(&self.keys(customers))
    }
}

/// Applies a rule definition to a file of any size, writing the file with the segment column
/// (first match) or one true/false column per segment (overlapping) appended.
///
/// The file is read `part_records` records at a time ([`PART_RECORDS`] is a good default). Column
/// types are decided from the first part (or as `options` choose) and then pinned for the rest.
/// Without an as-of date in the definition or in `as_of`, relative date tests count back from the
/// default ([`crate::dates::default_as_of`]): the day after the latest transaction, else the day
/// after the latest date in the columns they use (one extra pass).
///
/// # Errors
/// [`StreamError`] naming the file, line and column for unreadable input, every problem of a
/// definition that does not fit, and write failures.
pub fn apply_rules<R: Read + Seek, W: Write>(
    name: &str,
    input: R,
    options: &ReadOptions,
    run: &mut RulesRun<'_>,
    mut out: W,
    monitor: &mut dyn Monitor,
) -> Result<ApplySummary, StreamError> {
    let (def, part_records) = (run.definition, run.part_records);
    let mut file = PartedFile::open(name, input, options, part_records, monitor)?;

    // Transactions: aggregated first, then joined onto each part of the customers.
    let joined = match run.transactions.as_mut() {
        Some(tx) => Some(Joined::new(tx, &file.first.table, def.transactions.as_ref(), monitor)?),
        None => None,
    };
    let latest_transaction = joined.as_ref().and_then(|j| j.aggregates.latest());
    let extra_for = |table: &Table| joined.as_ref().map(|j| j.columns(table)).unwrap_or_default();
    let mut def = def.clone();
    if let Some(j) = &joined {
        def.transactions = Some(j.mapping.clone());
    }
    let first_extra = extra_for(&file.first.table);
    let schema = schema_with(&file.first.table, &first_extra);
    let as_of = if def.as_of.is_none() && run.as_of.is_none() && crate::rules::uses_as_of(&def) {
        // The latest date the definition uses is read only without a transaction date (one extra pass).
        let mut latest_used: Option<i32> = None;
        if latest_transaction.is_none() {
            file.visit(|part, _| {
                latest_used = latest_used.max(latest_date_used(&def, &part.table));
                Ok(())
            })?;
        }
        crate::dates::default_as_of(latest_transaction, || latest_used)
    } else {
        run.as_of
    };
    let valid = check(&def, &schema, as_of)?;

    let names: Vec<String> = match valid.mode {
        Mode::FirstMatch => vec![crate::export::segment_column_name(&file.first.table, "segment")],
        Mode::Overlapping => valid.segments.iter().map(|s| s.name.clone()).collect(),
    };
    // No saturation: a vector's length is below `usize::MAX`.
    let width = valid.segments.len().saturating_add(usize::from(valid.mode == Mode::FirstMatch));
    let mut counts = vec![0u64; width];
    let mut excluded = vec![0u64; valid.segments.len()];
    let mut tally = Tally::default();
    let mut keys_seen: Vec<Option<String>> = Vec::new();
    file.visit(|ingested, with_header| {
        let extra = extra_for(&ingested.table);
        if let Some(j) = &joined {
            keys_seen.extend(j.keys(&ingested.table));
        }
        // Each part is reported whole below; its evaluation and writing are quick.
        let result = evaluate_frame(&valid, &Frame::with_extra(&ingested.table, &extra, &valid), &mut Quiet)?;
        for (e, x) in excluded.iter_mut().zip(&result.excluded_for_missing) {
            *e = e.saturating_add(*x); // rows of the file
        }
        match valid.mode {
            Mode::FirstMatch => {
                for (size, c) in result.assignment.sizes().iter().zip(counts.iter_mut()) {
                    *c = c.saturating_add(size.count); // rows of the file
                }
                let value = |r: usize, v: &mut Vec<String>| {
                    v.push(result.assignment.segment_of(r).unwrap_or_default().to_string())
                };
                write_appended(&ingested.table, &names, value, with_header, &mut out, &mut Quiet)?;
            }
            Mode::Overlapping => {
                for (flags, c) in result.flags.iter().zip(counts.iter_mut()) {
                    *c = c.saturating_add(flags.iter().filter(|&&b| b).count() as u64);
                    // rows of the file
                }
                let flag = |r: usize, v: &mut Vec<String>| {
                    v.extend(result.flags.iter().map(|f| f.get(r).copied().unwrap_or(false).to_string()))
                };
                write_appended(&ingested.table, &names, flag, with_header, &mut out, &mut Quiet)?;
            }
        }
        tally.written(ingested, "applying segments", monitor)
    })?;
    out.flush().map_err(|e| StreamError::Export(ExportError::Io(e)))?;
    let mut segment_names: Vec<String> = valid.segments.iter().map(|s| s.name.clone()).collect();
    if valid.mode == Mode::FirstMatch {
        segment_names.push(valid.remainder.clone());
    }
    let transactions = joined.as_ref().map(|j| report(&j.aggregates, &keys_seen));
    let mapping_used = joined.map(|j| j.mapping);
    Ok(ApplySummary {
        rows: tally.rows,
        appended: names,
        segments: tally.sizes(segment_names, counts),
        excluded_for_missing: excluded,
        left_out: 0,
        as_of,
        first_part: file.first,
        warnings: tally.warnings,
        transactions,
        mapping: mapping_used,
    })
}

/// Rows written and warnings met, part after part.
#[derive(Default)]
struct Tally {
    rows: u64,
    warnings: Vec<ImportWarning>,
}

impl Tally {
    /// Counts a part written, merges its warnings, reports `stage` and stops on a cancel.
    fn written(&mut self, part: &Ingested, stage: &str, monitor: &mut dyn Monitor) -> Result<(), StreamError> {
        self.rows = self.rows.saturating_add(part.table.rows() as u64); // rows of the file
        for w in &part.diagnostics.warnings {
            merge_warning(&mut self.warnings, w);
        }
        monitor.progress(stage, self.rows, 0);
        if monitor.is_cancelled() {
            return Err(StreamError::Cancelled);
        }
        Ok(())
    }

    /// Each segment's rows and share of all rows written.
    fn sizes(&self, names: Vec<String>, counts: Vec<u64>) -> Vec<SegmentSize> {
        let total = self.rows.max(1) as f64;
        names
            .into_iter()
            .zip(counts)
            .map(|(name, count)| SegmentSize { name, count, share: count as f64 / total })
            .collect()
    }
}

/// Options that read every part like the first: its delimiter, types and formats.
fn pin(first: &Ingested, options: &ReadOptions) -> ReadOptions {
    let mut pinned = options.clone();
    pinned.delimiter = Some(first.diagnostics.delimiter);
    if first.diagnostics.encoding == TextEncoding::Windows1252 {
        pinned.encoding = Some(TextEncoding::Windows1252);
    }
    for c in &first.table.columns {
        pinned.types.insert(c.name.clone(), c.column_type());
        pinned.formats.insert(c.name.clone(), c.format.clone());
    }
    pinned
}

/// Adds a part's warning to the run's: the same kind of warning about the same column is counted
/// once, with its counts added up and the first examples kept.
fn merge_warning(all: &mut Vec<ImportWarning>, w: &ImportWarning) {
    use ImportWarning as W;
    for existing in all.iter_mut() {
        match (existing, w) {
            (W::RaggedRows { count, examples, .. }, W::RaggedRows { count: c, examples: e, .. }) => {
                *count = count.saturating_add(*c); // rows of the file
                examples.extend(e.iter().cloned());
                examples.truncate(MAX_EXAMPLES);
                return;
            }
            (
                W::UnreadableValues { column, count, examples, .. },
                W::UnreadableValues { column: col, count: c, examples: e, .. },
            ) if column == col => {
                *count = count.saturating_add(*c); // rows of the file
                examples.extend(e.iter().cloned());
                examples.truncate(MAX_EXAMPLES);
                return;
            }
            // Written two ways, or in two currencies: the first part's examples say it.
            (W::MixedNumberConventions { column, .. }, W::MixedNumberConventions { column: col, .. })
            | (W::MixedCurrencies { column, .. }, W::MixedCurrencies { column: col, .. })
                if column == col =>
            {
                return
            }
            (a, b) if a == b => return,
            _ => {}
        }
    }
    all.push(w.clone());
}

/// A per-customer table of a transactions file ([`rfm_from_transactions`], [`clv_from_transactions`]).
#[derive(Debug, Clone)]
pub struct PerCustomer<T> {
    /// The customer keys, sorted: one row of `result` each.
    pub keys: Vec<String>,
    /// The scores or values.
    pub result: T,
    /// The transaction mapping used.
    pub mapping: TransactionMapping,
    /// The sentence on transactions left out ([`Aggregates::left_out`]), if any.
    pub left_out: Option<String>,
    /// Customers left out because their first transaction is after the as-of date (RFM; the
    /// page lists them, with no purchases).
    pub later: usize,
    /// How the file was read: its leading sample's diagnostics, which count every row (what a
    /// manifest records).
    pub read: Diagnostics,
}

/// RFM over a transactions file of any size: one row per customer key (sorted) with a transaction
/// before the as-of date, counting only those transactions, as of the typed
/// `as_of` (`YYYY-MM-DD`) or by default the day after the last transaction
/// ([`crate::dates::resolve_as_of`], as in the app). Returns the keys, the result, the mapping used,
/// the sentence on transactions left out ([`Aggregates::left_out`]), if any, and how the file was read.
///
/// # Errors
/// [`StreamError`] for unreadable input or a mapping that does not fit, an as-of date that is not
/// a date, and RFM problems.
pub fn rfm_from_transactions(
    tx: &mut TransactionsInput<'_>,
    params: &crate::rfm::ValidRfmParams,
    map: &crate::rfm::RfmMap,
    as_of: Option<&str>,
    monitor: &mut dyn Monitor,
) -> Result<PerCustomer<crate::rfm::RfmResult>, StreamError> {
    let as_of_day = |latest| crate::dates::resolve_as_of(as_of, latest, || None).map_err(crate::rfm::RfmError::from);
    as_of_day(None)?; // a typed date that cannot be read stops the run before the file is read
    let (aggregates, mapping, _, read) = aggregate_transactions(tx, None, None, monitor)?;
    let as_of = as_of_day(aggregates.latest())?.ok_or(crate::rfm::RfmError::NoPurchases)?;
    // The customers as of the as-of date: keys first seen later were not customers yet (as the SQL lists them).
    let mut keys = aggregates.keys();
    let all = keys.len();
    keys.retain(|k| aggregates.seen_before(k, as_of.day));
    let later = all.saturating_sub(keys.len());
    let with_keys: Vec<Option<String>> = keys.iter().cloned().map(Some).collect();
    let result = crate::rfm::compute(&with_keys, &aggregates, params, map, as_of.day, monitor)?;
    Ok(PerCustomer { keys, result, mapping, left_out: aggregates.left_out(), later, read })
}

/// CLV over a transactions file of any size: one row per customer key (sorted). The data ends on
/// the last transaction day ([`crate::clv::last_day`], as in the app). Returns the keys, the
/// result, the mapping used, the sentence on transactions left out, if any, and how the file was read.
///
/// # Errors
/// [`StreamError`] for unreadable input, a mapping that does not fit, or data that cannot support a fit.
pub fn clv_from_transactions(
    tx: &mut TransactionsInput<'_>,
    params: &crate::clv::ValidClvParams,
    monitor: &mut dyn Monitor,
) -> Result<PerCustomer<crate::clv::ClvResult>, StreamError> {
    let (aggregates, mapping, _, read) = aggregate_transactions(tx, None, None, monitor)?;
    let last = crate::clv::last_day(&aggregates, &mapping.date)?;
    let keys = aggregates.keys();
    let with_keys: Vec<Option<String>> = keys.iter().cloned().map(Some).collect();
    let result = crate::clv::analyse(&aggregates, &with_keys, params, last, monitor)?;
    Ok(PerCustomer { keys, result, mapping, left_out: aggregates.left_out(), later: 0, read })
}

/// Applies a saved RFM segmentation (`segscope.rfm/1`) to a customers file of any size, with its
/// transactions: appends an `rfm_segment` column to every row. RFM ranks all customers together,
/// so the customers file is read twice (their keys, then the rows).
///
/// # Errors
/// [`StreamError`] for unreadable input, a mapping that does not fit, or RFM problems.
pub fn apply_rfm<R: Read + Seek, W: Write>(
    name: &str,
    input: R,
    options: &ReadOptions,
    def: &crate::rfm::RfmDefinition,
    tx: &mut TransactionsInput<'_>,
    mut out: W,
    monitor: &mut dyn Monitor,
) -> Result<ApplySummary, StreamError> {
    let params = def.params.check()?;
    let mut file = PartedFile::open(name, input, options, PART_RECORDS, monitor)?;
    let Joined { aggregates, key, mapping, .. } =
        Joined::new(tx, &file.first.table, def.transactions.as_ref(), monitor)?;
    let mut keys: Vec<Option<String>> = Vec::new();
    file.visit(|part, _| {
        keys.extend(customer_keys(&part.table, key));
        Ok(())
    })?;
    let as_of = crate::dates::resolve_as_of(def.as_of.as_deref(), aggregates.latest(), || None)
        .map_err(crate::rfm::RfmError::from)?
        .ok_or(crate::rfm::RfmError::NoPurchases)?
        .day;
    let result = crate::rfm::compute(&keys, &aggregates, &params, &def.map, as_of, monitor)?;
    let names = vec![crate::export::segment_column_name(&file.first.table, "rfm_segment")];
    let mut offset = 0usize;
    let mut warnings: Vec<ImportWarning> = Vec::new();
    file.visit(|part, with_header| {
        let value = |r: usize, v: &mut Vec<String>| {
            let row = offset.checked_add(r).and_then(|i| result.rows.get(i));
            let segment = row.map(|row| row.segment).and_then(|s| result.names.get(s));
            v.push(segment.cloned().unwrap_or_default());
        };
        write_appended(&part.table, &names, value, with_header, &mut out, &mut Quiet)?;
        offset = offset.saturating_add(part.table.rows()); // rows of the file
        for w in &part.diagnostics.warnings {
            merge_warning(&mut warnings, w);
        }
        Ok(())
    })?;
    out.flush().map_err(|e| StreamError::Export(ExportError::Io(e)))?;
    let assignment = result.assignment("RFM segments");
    let report = report(&aggregates, &keys);
    Ok(ApplySummary {
        rows: keys.len() as u64,
        appended: names,
        segments: assignment.sizes(),
        excluded_for_missing: Vec::new(),
        left_out: 0,
        as_of: Some(as_of),
        first_part: file.first,
        warnings,
        transactions: Some(report),
        mapping: Some(mapping),
    })
}
