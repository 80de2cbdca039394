//! A transactions file attached to a customers dataset: the one customer table's aggregates.

use serde::{Deserialize, Serialize};

use super::ColumnView;
use crate::customers::{
    choose_mapping, customer_keys, join, key_column, read_transactions_on, Aggregates, CustomersError, JoinReport,
    MappingChoices, MappingOverrides, ReadTransactionsError, TransactionMapping, Workers,
};
use crate::export::{write_records, ExportError};
use crate::ingest::{IngestError, IngestErrorKind, Ingested, ReadOptions, SAMPLE_RECORDS};
use crate::input::InputFile;
use crate::rules::{collect_columns, Definition};
use crate::table::{Column, ColumnType, Table};

/// Transactions attached to a dataset, and the aggregate columns joined onto its customers.
pub(super) struct Attached {
    /// The file as given (read again when the mapping changes) and how it is read.
    pub file: InputFile,
    pub options: ReadOptions,
    /// The file's leading sample (its diagnostics count every row): the columns and types shown.
    pub ingested: Ingested,
    pub mapping: TransactionMapping,
    pub aggregates: Aggregates,
    pub columns: Vec<Column>,
    pub report: JoinReport,
    /// Why the transactions are not joined onto the customers (no key column there), as a sentence.
    pub unjoined: Option<String>,
    /// The columns the mapping form can offer.
    pub choices: MappingChoices,
    /// The file's SHA-256, taken when a manifest first asks (the file is read once more then).
    sha256: std::cell::OnceCell<String>,
}

/// What joining transactions onto the customers made: the aggregate columns and the report.
pub(super) struct Join {
    columns: Vec<Column>,
    report: JoinReport,
    unjoined: Option<String>,
    choices: MappingChoices,
}

/// What the app shows about attached transactions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachView {
    /// The transactions file's name.
    pub file: String,
    /// Rows in it.
    pub rows: u64,
    /// The mapping in use.
    pub mapping: TransactionMapping,
    /// The transactions' columns and types (for changing the mapping).
    pub transaction_columns: Vec<(String, ColumnType)>,
    /// How the file was read (warnings as sentences).
    pub import_warnings: Vec<String>,
    /// What the join found, as sentences.
    pub messages: Vec<String>,
    /// The join's numbers.
    pub report: JoinReport,
    /// The aggregate columns added to the customers, with statistics.
    pub columns: Vec<ColumnView>,
    /// The latest transaction date (`YYYY-MM-DD`): the default as-of date is the day after.
    pub latest: Option<String>,
    /// Why the transactions are read but not joined onto the customers: their key column was not
    /// found. The user chooses it in the mapping form ([`MappingChoices::customer_keys`]).
    pub unjoined: Option<String>,
    /// The columns each field of the mapping form can take.
    pub choices: MappingChoices,
}

impl Attached {
    /// Reads the transactions file `name` (`file`, read with `options`) straight into aggregates
    /// with `mapping` (guessed when `None`), and joins them onto `customers`.
    pub async fn new(
        name: &str,
        file: InputFile,
        options: ReadOptions,
        mapping: Option<TransactionMapping>,
        customers: &Table,
        workers: &mut dyn Workers,
        monitor: &mut dyn crate::progress::Monitor,
    ) -> Result<Self, ReadTransactionsError> {
        let choose = |t: &Table| {
            let none = MappingOverrides::default();
            match choose_mapping(t, Some(customers), mapping.clone(), &none) {
                // The transactions fit; only the customers' key is not found. They are read and added up,
                // and the view asks for the key instead of the user's file being refused.
                Err(CustomersError::NoKeyColumn { .. }) => choose_mapping(t, None, mapping, &none),
                other => other,
            }
        };
        let mut attached = Self::read(name, file, options, choose, workers, monitor).await?;
        match attached.rejoin(customers) {
            Err(e @ CustomersError::NoKeyColumn { .. }) => attached.unjoined = Some(e.to_string()),
            other => other?,
        }
        Ok(attached)
    }

    /// Reads transactions that are the whole customer base (no customers file), with the mapping
    /// guessed from them alone. Nothing is joined yet: make the customers from [`Attached::customer_list`],
    /// then [`Attached::rejoin`] onto them.
    pub async fn standalone(
        name: &str,
        file: InputFile,
        options: ReadOptions,
        workers: &mut dyn Workers,
        monitor: &mut dyn crate::progress::Monitor,
    ) -> Result<Self, ReadTransactionsError> {
        let choose = |t: &Table| choose_mapping(t, None, None, &MappingOverrides::default());
        let attached = Self::read(name, file, options, choose, workers, monitor).await?;
        attached.aggregates.require_customers(name, &attached.mapping)?;
        Ok(attached)
    }

    /// The same file read again with another mapping, joined onto `customers`.
    pub async fn remapped(
        &self,
        mapping: TransactionMapping,
        customers: &Table,
        workers: &mut dyn Workers,
        monitor: &mut dyn crate::progress::Monitor,
    ) -> Result<Self, ReadTransactionsError> {
        let name = self.ingested.table.name.clone();
        Self::new(&name, self.file.clone(), self.options.clone(), Some(mapping), customers, workers, monitor).await
    }

    /// Reads and adds up with the mapping `choose` picks from the sample; not joined.
    async fn read(
        name: &str,
        file: InputFile,
        options: ReadOptions,
        choose: impl FnOnce(&Table) -> Result<crate::customers::ValidMapping, CustomersError>,
        workers: &mut dyn Workers,
        monitor: &mut dyn crate::progress::Monitor,
    ) -> Result<Self, ReadTransactionsError> {
        let input = file.open().map_err(|e| IngestError {
            file: name.to_string(),
            kind: IngestErrorKind::Unreadable {
                what: "file",
                message: e.to_string(),
                advice: "Check that the file is still where it was and readable, then add it again.",
            },
        })?;
        let read =
            read_transactions_on(name, input, file.size(), &options, SAMPLE_RECORDS, choose, workers, monitor).await?;
        let choices = MappingChoices::new(&read.sample.table, None);
        Ok(Attached {
            file,
            options,
            ingested: read.sample,
            mapping: read.mapping.mapping,
            aggregates: read.aggregates,
            columns: Vec::new(),
            report: JoinReport::default(),
            unjoined: None,
            choices,
            sha256: std::cell::OnceCell::new(),
        })
    }

    /// The file's name, size and SHA-256, for a manifest: the file is read once more, the first
    /// time only.
    ///
    /// # Errors
    /// The host could not read the file again.
    pub fn file_record(&self) -> Result<crate::export::FileRecord, IngestError> {
        let name = self.ingested.table.name.clone();
        let sha256 = match self.sha256.get() {
            Some(sha) => sha.clone(),
            None => {
                let unreadable = |e: std::io::Error| IngestError {
                    file: name.clone(),
                    kind: IngestErrorKind::Unreadable {
                        what: "file",
                        message: e.to_string(),
                        advice: "Check that the file is still where it was and readable, then add it again.",
                    },
                };
                let (sha, _) =
                    crate::reproduce::sha256_of_reader(self.file.open().map_err(unreadable)?).map_err(unreadable)?;
                self.sha256.get_or_init(|| sha).clone()
            }
        };
        Ok(crate::export::FileRecord { name, bytes: self.file.size(), sha256 })
    }

    /// The customers of the transactions as a CSV file: a header naming the key column, then one row per
    /// customer key with a readable transaction, in text order; writing reports to `monitor`.
    pub fn customer_list(&self, monitor: &mut dyn crate::progress::Monitor) -> Result<Vec<u8>, ExportError> {
        let keys = self.aggregates.keys();
        let mut out = Vec::new();
        let key = |i: usize, fields: &mut Vec<String>| fields.extend(keys.get(i).cloned());
        write_records(
            "Listing the customers",
            &[self.mapping.customer_id.as_str()],
            keys.len(),
            key,
            &mut out,
            monitor,
        )?;
        Ok(out)
    }

    /// Takes out what joining onto the customers made, so that a re-read that is undone can put it
    /// back with [`Attached::put_join`] (every field [`Attached::rejoin`] sets is in [`Join`]).
    pub fn take_join(&mut self) -> Join {
        Join {
            columns: std::mem::take(&mut self.columns),
            report: std::mem::take(&mut self.report),
            unjoined: self.unjoined.take(),
            choices: std::mem::take(&mut self.choices),
        }
    }

    /// Puts back what [`Attached::take_join`] took out.
    pub fn put_join(&mut self, join: Join) {
        self.columns = join.columns;
        self.report = join.report;
        self.unjoined = join.unjoined;
        self.choices = join.choices;
    }

    /// Joins again after the customers were read again (their keys may have changed).
    pub fn rejoin(&mut self, customers: &Table) -> Result<(), CustomersError> {
        self.columns.clear();
        self.report = JoinReport::default();
        self.choices = MappingChoices::new(&self.ingested.table, Some(customers));
        self.mapping.check(&self.ingested.table, Some(customers))?;
        let (columns, report) = join(&self.aggregates, &self.keys(customers)?);
        self.columns = columns;
        self.report = report;
        self.unjoined = None;
        Ok(())
    }

    /// The customers' keys in row order, from the key column [`key_column`] finds.
    pub fn keys(&self, customers: &Table) -> Result<Vec<Option<String>>, CustomersError> {
        Ok(customer_keys(customers, key_column(customers, &self.mapping)?))
    }

    /// The view for the app.
    pub fn view(&self) -> AttachView {
        let t = &self.ingested.table;
        AttachView {
            file: t.name.clone(),
            rows: self.ingested.diagnostics.rows,
            mapping: self.mapping.clone(),
            transaction_columns: t.columns.iter().map(|c| (c.name.clone(), c.column_type())).collect(),
            import_warnings: self.ingested.diagnostics.warnings.iter().map(ToString::to_string).collect(),
            messages: self.report.messages(),
            report: self.report.clone(),
            columns: self.columns.iter().map(ColumnView::new).collect(),
            latest: self.aggregates.latest().map(|d| crate::ingest::values::date_from_days(d).to_string()),
            unjoined: self.unjoined.clone(),
            choices: self.choices.clone(),
        }
    }
}

/// True when the definition reads an aggregate column (in a condition or as a derived field's source).
pub(super) fn uses_aggregates(def: &Definition) -> bool {
    let mut names: Vec<String> = def.derived.iter().map(|d| d.from().to_string()).collect();
    for s in &def.segments {
        collect_columns(&s.condition, &mut names);
    }
    names.iter().any(|n| crate::customers::is_aggregate(n))
}
