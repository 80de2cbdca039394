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
use crate::ingest::{CellValue, IngestError, Ingested, ReadOptions, RowReader};
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
/// records, [`crate::ingest::SAMPLE_RECORDS`] by default), then adds up every record.
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
    let reader = RowReader::open(name, input, size, options, sample_records, monitor)?;
    let valid = choose(&reader.sample().table)?;
    let columns = &reader.sample().table.columns;
    let scale = |i: Option<usize>| match i.and_then(|i| columns.get(i)).map(|c| &c.data) {
        Some(ColumnData::Decimal { scale, .. }) => *scale,
        _ => 0,
    };
    let (amount_scale, margin_scale) = (scale(Some(valid.amount)), scale(valid.margin));
    // The cells visited, in this order: key, date, amount, then the optional columns mapped.
    let mut wanted = vec![valid.key, valid.date, valid.amount];
    let mut place = |i: Option<usize>| {
        i.map(|i| {
            wanted.push(i);
            wanted.len() - 1
        })
    };
    let (order_at, category_at, margin_at) = (place(valid.order_id), place(valid.category), place(valid.margin));
    let mut builder = AggregatesBuilder::default();
    builder.uses(order_at.is_some(), category_at.is_some(), margin_at.is_some());
    let money = |c: &CellValue<'_>, scale: u8| c.number().map(|x| Money::from_f64(x, scale.max(c.decimals())));
    let (mut key_buf, mut order_buf) = (String::new(), String::new());
    let (mut sample, visited) = reader.visit(&wanted, "Adding up the transactions", monitor, |line, cells| {
        let cell = |at: Option<usize>| at.and_then(|i| cells.get(i)).copied().unwrap_or(CellValue::Missing);
        let (key, order) = (cell(Some(0)), cell(order_at));
        let category = cell(category_at);
        let row = TransactionRow {
            key: key.key_text(&mut key_buf),
            day: cell(Some(1)).day(),
            amount: money(&cell(Some(2)), amount_scale),
            order: order.key_text(&mut order_buf),
            category: match category {
                CellValue::Text(t) => Some(t),
                _ => None,
            },
            margin: money(&cell(margin_at), margin_scale),
            line,
        };
        builder.add_row(&row);
    })?;
    sample.diagnostics.rows = visited.rows;
    sample.diagnostics.warnings = visited.warnings;
    Ok(ReadTransactions { sample, mapping: valid, aggregates: builder.finish() })
}
