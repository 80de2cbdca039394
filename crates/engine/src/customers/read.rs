//! A transactions file read straight into per-customer aggregates, a record at a time: only the
//! mapped columns are read, no transaction table is built, and memory is the aggregates plus a
//! leading sample of the file (which decides column types and the mapping, and which the import
//! view shows), whatever the file's size. The app and the command line both read transactions here.

use std::io::Read;

use thiserror::Error;

use super::aggregate::{Aggregates, AggregatesBuilder, TransactionRow};
use super::errors::CustomersError;
use super::mapping::ValidMapping;
use super::money::Money;
use crate::ingest::{
    CellValue, ChunkVisited, IngestError, IngestErrorKind, Ingested, ReadOptions, RecordChunk, RowReader, CHUNK_BYTES,
};
use crate::progress::Monitor;
use crate::table::{ColumnData, Table};

/// Why a transactions file could not be read into aggregates.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReadTransactionsError {
    /// The file could not be read.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The file's columns do not fit the mapping.
    #[error(transparent)]
    Customers(#[from] CustomersError),
}

/// A transactions file read into aggregates.
#[derive(Debug, Clone)]
pub struct ReadTransactions {
    /// The file's leading sample as a table (its diagnostics count every row of the file).
    pub sample: Ingested,
    /// The mapping used.
    pub mapping: ValidMapping,
    /// The per-customer aggregates.
    pub aggregates: Aggregates,
}

/// Reads `input` (a transactions file called `name`, `size` bytes when known, else 0): opens it,
/// lets `choose` pick the mapping from the leading sample's table (its first `sample_records`
/// records, [`crate::ingest::SAMPLE_RECORDS`] by default), then adds up every record, one part
/// after another on this thread.
///
/// # Errors
/// The file cannot be read ([`IngestError`], with its line where that applies), `choose` refuses
/// the sample, or `monitor` cancelled (an [`IngestError`] of kind `Cancelled`).
pub fn read_transactions<R: Read>(
    name: &str,
    input: R,
    size: u64,
    options: &ReadOptions,
    sample_records: usize,
    choose: impl FnOnce(&Table) -> Result<ValidMapping, CustomersError>,
    monitor: &mut dyn Monitor,
) -> Result<ReadTransactions, ReadTransactionsError> {
    read_transactions_on(name, input, size, options, sample_records, choose, &mut InOrder, monitor)
}

/// [`read_transactions`], with the parts of the file after the sample added up by `workers`
/// (on several threads, when the host has them). The result is the same, to the byte, whatever
/// the workers and however they share the parts out: each part is added up on its own and the
/// parts are put together in file order ([`AggregatesBuilder::append`]).
///
/// # Errors
/// As [`read_transactions`]; of several parts that fail, the first in the file is reported.
#[allow(clippy::too_many_arguments)] // read_transactions' arguments, and the workers
pub fn read_transactions_on<R: Read>(
    name: &str,
    input: R,
    size: u64,
    options: &ReadOptions,
    sample_records: usize,
    choose: impl FnOnce(&Table) -> Result<ValidMapping, CustomersError>,
    workers: &mut dyn Workers,
    monitor: &mut dyn Monitor,
) -> Result<ReadTransactions, ReadTransactionsError> {
    let mut reader = RowReader::open(name, input, size, options, sample_records, monitor)?;
    let valid = choose(&reader.sample().table)?;
    let columns = &reader.sample().table.columns;
    let scale = |i: Option<usize>| match i.and_then(|i| columns.get(i)).map(|c| &c.data) {
        Some(ColumnData::Decimal { scale, .. }) => *scale,
        _ => 0,
    };
    // The cells visited, in this order: key, date, amount, then the optional columns mapped.
    let mut wanted = vec![valid.key, valid.date, valid.amount];
    let mut place = |i: Option<usize>| {
        i.map(|i| {
            wanted.push(i);
            wanted.len() - 1
        })
    };
    let (order_at, category_at, margin_at) = (place(valid.order_id), place(valid.category), place(valid.margin));
    let adder = RowAdder {
        order_at,
        category_at,
        margin_at,
        amount_scale: scale(Some(valid.amount)),
        margin_scale: scale(valid.margin),
    };
    const LABEL: &str = "Adding up the transactions";
    monitor.progress(LABEL, 0, size);
    let mut builder = adder.builder();
    // A little more than the estimate: one more doubling of the log would cost far more.
    builder.reserve(reader.estimated_rows() + reader.estimated_rows() / 32);
    reader.visit_sample(&wanted, &mut adder.adding_to(&mut builder));
    let chunks = reader.chunk_reader(&wanted);
    let work = |chunk: RecordChunk| {
        let mut part = adder.builder();
        let visited = chunks.visit(&chunk, &mut adder.adding_to(&mut part));
        PartTotals { result: visited.map(|v| (part, v)), end: chunk.end }
    };
    let mut failed: Option<IngestError> = None;
    let mut visited = ChunkVisited::default();
    let chunk_bytes = workers.chunk_bytes().max(1);
    let mut next = || match reader.next_chunk(chunk_bytes) {
        Ok(chunk) => chunk,
        Err(e) => {
            failed.get_or_insert(e);
            None
        }
    };
    let mut later_failure: Option<IngestError> = None;
    let mut done = |part: PartTotals| {
        match part.result {
            Ok((part, v)) => {
                builder.append(part);
                visited.append(v);
            }
            Err(kind) => {
                later_failure = Some(kind.in_file(name));
                return false;
            }
        }
        monitor.progress(LABEL, part.end, size);
        if monitor.is_cancelled() {
            later_failure = Some(IngestErrorKind::Cancelled.in_file(name));
            return false;
        }
        true
    };
    workers.run(&mut next, &work, &mut done);
    // A part that failed comes before any part still being cut: report it first.
    if let Some(e) = later_failure.or(failed) {
        return Err(e.into());
    }
    let (mut sample, visited) = reader.finish(visited);
    sample.diagnostics.rows = visited.rows;
    sample.diagnostics.warnings = visited.warnings;
    Ok(ReadTransactions { sample, mapping: valid, aggregates: builder.finish() })
}

/// What one part of a file added up to, for [`Workers`] to hand back.
pub struct PartTotals {
    result: Result<(AggregatesBuilder, ChunkVisited), IngestErrorKind>,
    end: u64,
}

/// Runs the parts of a file on this thread or on several, handing their totals back in order.
pub trait Workers {
    /// About how many bytes of the file each part holds ([`CHUNK_BYTES`] unless a host knows better).
    fn chunk_bytes(&self) -> usize {
        CHUNK_BYTES
    }

    /// Calls `work` on every chunk `next` gives until it gives `None`, and `done` on each result
    /// in the chunks' order (so `work` may run on other threads, several at once). Stops asking for
    /// chunks once `done` returns false.
    fn run(
        &mut self,
        next: &mut dyn FnMut() -> Option<RecordChunk>,
        work: &(dyn Fn(RecordChunk) -> PartTotals + Sync),
        done: &mut dyn FnMut(PartTotals) -> bool,
    );
}

/// Every part on this thread, one after another.
pub struct InOrder;

impl Workers for InOrder {
    fn run(
        &mut self,
        next: &mut dyn FnMut() -> Option<RecordChunk>,
        work: &(dyn Fn(RecordChunk) -> PartTotals + Sync),
        done: &mut dyn FnMut(PartTotals) -> bool,
    ) {
        while let Some(chunk) = next() {
            if !done(work(chunk)) {
                return;
            }
        }
    }
}

/// Turns visited cells into transaction rows for a builder.
struct RowAdder {
    order_at: Option<usize>,
    category_at: Option<usize>,
    margin_at: Option<usize>,
    amount_scale: u8,
    margin_scale: u8,
}

impl RowAdder {
    fn builder(&self) -> AggregatesBuilder {
        let mut builder = AggregatesBuilder::default();
        builder.uses(self.order_at.is_some(), self.category_at.is_some(), self.margin_at.is_some());
        builder
    }

    /// The visitor that adds each record's cells to `builder`.
    fn adding_to<'b>(&'b self, builder: &'b mut AggregatesBuilder) -> impl FnMut(u64, &[CellValue<'_>]) + 'b {
        let money = |c: &CellValue<'_>, scale: u8| c.number().map(|x| Money::from_f64(x, scale.max(c.decimals())));
        let (mut key_buf, mut order_buf) = (String::new(), String::new());
        move |line, cells| {
            let cell = |at: Option<usize>| at.and_then(|i| cells.get(i)).copied().unwrap_or(CellValue::Missing);
            let (key, order) = (cell(Some(0)), cell(self.order_at));
            let category = cell(self.category_at);
            let row = TransactionRow {
                key: key.key_text(&mut key_buf),
                day: cell(Some(1)).day(),
                amount: money(&cell(Some(2)), self.amount_scale),
                order: order.key_text(&mut order_buf),
                category: match category {
                    CellValue::Text(t) => Some(t),
                    _ => None,
                },
                margin: money(&cell(self.margin_at), self.margin_scale),
                line,
            };
            builder.add_row(&row);
        }
    }
}
