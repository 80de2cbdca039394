//! A transactions file read straight into per-customer aggregates, a record at a time: only the
//! mapped columns are read, no transaction table is built, and memory is the aggregates plus a
//! leading sample of the file (which decides column types and the mapping, and which the import
//! view shows), whatever the file's size. The app and the command line both read transactions here.

use std::future::Future;
use std::io::Read;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::aggregate::{Aggregates, AggregatesBuilder, Amount, BuiltPart, TransactionRow};
use super::errors::CustomersError;
use super::mapping::ValidMapping;
use crate::ingest::{
    CellValue, ChunkReader, ChunkVisited, IngestError, IngestErrorKind, Ingested, ReadOptions, RecordChunk, RowReader,
    CHUNK_BYTES,
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
    crate::waiting::now(read_transactions_on(name, input, size, options, sample_records, choose, &mut InOrder, monitor))
}

/// [`read_transactions`], with the parts of the file after the sample added up by `workers`
/// (on several threads or browser workers, when the host has them). The result is the same, to
/// the byte, whatever the workers and however they share the parts out: each part is added up on
/// its own and the parts are put together in file order ([`AggregatesBuilder::append`]).
///
/// # Errors
/// As [`read_transactions`]; of several parts that fail, the first in the file is reported.
#[allow(clippy::too_many_arguments)] // read_transactions' arguments, and the workers
pub async fn read_transactions_on<R: Read>(
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
            wanted.len().saturating_sub(1)
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
    let column_name = |i: usize| columns.get(i).map_or("", |c| c.name.as_str());
    builder.name_columns(column_name(valid.amount), valid.margin.map(column_name));
    // A little more than the estimate: one more doubling of the log would cost far more.
    builder.reserve(reader.estimated_rows().saturating_add(reader.estimated_rows() / 32));
    reader.visit_sample(&wanted, &mut adder.adding_to(&mut builder));
    // Keys and order ids are identifiers: after the sample, one that is not the sample's type is its text.
    let keys: Vec<usize> = std::iter::once(0).chain(order_at).collect();
    let parts = PartReader { chunks: reader.chunk_reader(&wanted).with_keys_at(&keys), adder };
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
    workers.run(&mut next, &parts, &mut done).await;
    // A part that failed comes before any part still being cut: report it first.
    if let Some(e) = later_failure.or(failed) {
        return Err(e.into());
    }
    let (mut sample, visited) = reader.finish(visited);
    sample.diagnostics.rows = visited.rows;
    sample.diagnostics.warnings = visited.warnings;
    let aggregates = builder.finish()?;
    Ok(ReadTransactions { sample, mapping: valid, aggregates })
}

/// What adds up the parts of a transactions file after its sample: each record's mapped cells
/// read as the sample decided, added to the part's totals. It holds no data of the file, so a host
/// can send it to other threads, or to other workers as bytes ([`PartReader::to_bytes`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartReader {
    chunks: ChunkReader,
    adder: RowAdder,
}

impl PartReader {
    /// What the records of `chunk` add up to.
    pub fn add_up(&self, chunk: &RecordChunk) -> PartTotals {
        let mut part = self.adder.builder();
        let visited = self.chunks.visit(chunk, &mut self.adder.adding_to(&mut part));
        PartTotals { result: visited.map(|v| (part.into(), v)), end: chunk.end }
    }

    /// This reader in a compact binary form, for [`PartReader::from_bytes`] in another worker.
    ///
    /// # Errors
    /// Never expected: the reader holds only plain values.
    pub fn to_bytes(&self) -> Result<Vec<u8>, PartBytesError> {
        postcard::to_allocvec(self).map_err(PartBytesError)
    }

    /// The reader [`PartReader::to_bytes`] wrote.
    ///
    /// # Errors
    /// The bytes are not a reader written by this version of the engine.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PartBytesError> {
        postcard::from_bytes(bytes).map_err(PartBytesError)
    }
}

/// What one part of a file added up to, for [`Workers`] to hand back.
#[derive(Debug)]
pub struct PartTotals {
    result: Result<(BuiltPart, ChunkVisited), IngestErrorKind>,
    end: u64,
}

impl PartTotals {
    /// The totals in a compact binary form, for [`PartTotals::from_bytes`] in another worker;
    /// `None` when the part failed (the receiver adds the part up again itself to have the error,
    /// which names the line).
    ///
    /// # Errors
    /// Never expected: the totals hold only plain values.
    pub fn to_bytes(&self) -> Result<Option<Vec<u8>>, PartBytesError> {
        match &self.result {
            Ok((part, visited)) => postcard::to_allocvec(&(part, visited, self.end)).map(Some).map_err(PartBytesError),
            Err(_) => Ok(None),
        }
    }

    /// A part that could not be added up where it was sent (the other worker stopped, or its
    /// answer could not be read): `message` says what happened; the part ends at `end` in the file.
    pub fn unreadable(message: String, end: u64) -> Self {
        let advice =
            "Reload the page and add the file again; if it happens again, use the command-line tool `segscope`.";
        PartTotals { result: Err(IngestErrorKind::Unreadable { what: "file", message, advice }), end }
    }

    /// The totals [`PartTotals::to_bytes`] wrote.
    ///
    /// # Errors
    /// The bytes are not totals written by this version of the engine.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PartBytesError> {
        let (part, visited, end): (BuiltPart, ChunkVisited, u64) =
            postcard::from_bytes(bytes).map_err(PartBytesError)?;
        Ok(PartTotals { result: Ok((part, visited)), end })
    }
}

/// Totals or a reader sent between workers could not be written or read back.
#[derive(Debug, Error)]
#[error("The engine's workers could not pass a part of the file between them ({0}); reload the page and try again.")]
pub struct PartBytesError(postcard::Error);

/// Runs the parts of a file on this thread or on several, handing their totals back in order.
pub trait Workers {
    /// About how many bytes of the file each part holds ([`CHUNK_BYTES`] unless a host knows better).
    fn chunk_bytes(&self) -> usize {
        CHUNK_BYTES
    }

    /// Adds up (with `reader`) every chunk `next` gives until it gives `None`, and calls `done` on
    /// each part's totals in the chunks' order (so the parts may be added up elsewhere, several at
    /// once). Stops asking for chunks once `done` returns false.
    fn run<'a>(
        &'a mut self,
        next: &'a mut dyn FnMut() -> Option<RecordChunk>,
        reader: &'a PartReader,
        done: &'a mut dyn FnMut(PartTotals) -> bool,
    ) -> Pin<Box<dyn Future<Output = ()> + 'a>>;
}

/// Every part on this thread, one after another.
pub struct InOrder;

impl InOrder {
    /// [`Workers::run`], done before it returns.
    pub fn run_now(
        next: &mut dyn FnMut() -> Option<RecordChunk>,
        reader: &PartReader,
        done: &mut dyn FnMut(PartTotals) -> bool,
    ) {
        while let Some(chunk) = next() {
            if !done(reader.add_up(&chunk)) {
                return;
            }
        }
    }
}

impl Workers for InOrder {
    fn run<'a>(
        &'a mut self,
        next: &'a mut dyn FnMut() -> Option<RecordChunk>,
        reader: &'a PartReader,
        done: &'a mut dyn FnMut(PartTotals) -> bool,
    ) -> Pin<Box<dyn Future<Output = ()> + 'a>> {
        Box::pin(async move { InOrder::run_now(next, reader, done) })
    }
}

/// Turns visited cells into transaction rows for a builder.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
        // A number at the sample's decimals, or its own when it has more.
        let number =
            |c: &CellValue<'_>, scale: u8| c.number().map(|value| Amount { value, decimals: scale.max(c.decimals()) });
        let (mut key_buf, mut order_buf) = (String::new(), String::new());
        move |line, cells| {
            let cell = |at: Option<usize>| at.and_then(|i| cells.get(i)).copied().unwrap_or(CellValue::Missing);
            let (key, order) = (cell(Some(0)), cell(self.order_at));
            let category = cell(self.category_at);
            let row = TransactionRow {
                key: key.key_text(&mut key_buf),
                day: cell(Some(1)).day(),
                amount: number(&cell(Some(2)), self.amount_scale),
                order: order.key_text(&mut order_buf),
                category: match category {
                    CellValue::Text(t) => Some(t),
                    _ => None,
                },
                margin: number(&cell(self.margin_at), self.margin_scale),
                line,
            };
            builder.add_row(&row);
        }
    }
}
