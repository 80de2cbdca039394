//! The one typed boundary between the app and the engine.
//!
//! The app sends a [`Request`] and gets a [`Response`]; both are plain serde data, so the same
//! [`Session`] can run on the page's thread today and inside a Web Worker later without the
//! components changing. Results stay in the session and are referred to by id; responses carry
//! small summaries for display, and files as bytes.

mod clusters;
mod clv;
mod manifests;
pub mod memory;
mod movement;
mod profiles;
mod projects;
mod rfm;
mod rules;
mod segmentations;
mod transactions;
mod views;
mod wire;

pub use crate::cluster::explain::ExplainedCluster;
pub use clusters::{
    ClusterRow, ClustersView, FeaturesView, RulesExplanation, ScanView, EXTRA_LEAVES, LEFT_OUT, SCAN_ROWS,
};
pub use clv::{ClvView, SegmentValue, TopCustomer};
pub use memory::TooLargeView;
pub use movement::OtherFile;
pub use projects::{ProjectRestored, ProjectSummary};
pub use rfm::{GridCell, RfmSegmentRow, RfmView};
pub use rules::{column_values, ProblemView, RuleCount, RulesView, MAX_OVERLAP_SEGMENTS};
pub use segmentations::{SegmentationKind, SegmentationView};

// The types that cross the boundary inside requests and responses, so the page depends on `api` only.
pub use crate::cluster::params::{ClusterParams, Method as ClusterMethod};
pub use crate::cluster::pca::Projection;
pub use crate::cluster::prep::{FeatureChoice, FeatureSpec, Missing, Scaling};
pub use crate::cluster::profile::{ClusterProfile, FeatureStat};
pub use crate::cluster::quality::Silhouette;
pub use crate::cluster::scan::ScanPoint;
pub use crate::clv::{ClvParams, TimeUnit};
pub use crate::custom_kpi::{Aggregate, Better, CustomKpi, CustomKpiTable, KpiDef, KpiFormat, KpiValue, Target};
pub use crate::customers::{MappingChoices, TransactionMapping};
pub use crate::ingest::reduce::Reduction;
pub use crate::ingest::{DateOrder, EncodingEvidence, FileFormat, RaggedRows, ReadOptions, TextEncoding};
pub use crate::input::{FileSource, InputFile};
pub use crate::movement::Movement;
pub use crate::profile::{Comparison, NicheParams, NicheReport, NumberTest, Profile, ProfileOptions};
pub use crate::report::{ReportFormat, ReportInput};
pub use crate::rfm::{Method, Monetary, Returns, RfmMap, RfmParams, RfmSegment};
pub use crate::rules::derived::{Derived, TenureUnit, PRESETS};
pub use crate::rules::sql::Dialect;
pub use crate::rules::{Condition, Definition, Inclusive, Mode, Op, OperatorChoice, Place, SegmentDef, Unit};
pub use crate::sample::SampleParams;
pub use crate::split::SplitParams;
pub use crate::table::ColumnType;
pub use crate::typed::Typed;
pub use transactions::AttachView;
pub use views::{AssignmentView, ColumnView, DatasetView, FileOut, PreviewRows};
pub use wire::{Journal, JournalLog, Progress, ReplaceKey};

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assignment::{Assignment, SegmentSize};
use crate::customers::{InOrder, Workers};
use crate::export::{
    segment_column_name, segment_file_names, write_annotated_csv, write_appended, write_segment_zip, ExportError,
    SegmentFile,
};
use crate::ingest::reduce::reduced_copy;
use crate::ingest::{read_table, IngestError, Ingested};
use crate::progress::Monitor;
use crate::reproduce::{Download, Opened};
use crate::rfm::{RfmError, RfmResult};
use crate::rules::templates::{self, Suggestion, Template};
use crate::rules::RulesError;
use crate::sample::{sample_csv, SampleError};
use crate::split::{split, SplitError};
use crate::stats::TopValue;
use segmentations::{Data, Made, Spec, Store};

/// Refers to a dataset held by a [`Session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DatasetId(pub u32);

/// Refers to an assignment (a set of segments) held by a [`Session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AssignmentId(pub u32);

/// The most values a value picker lists.
pub const MAX_PICKER_VALUES: usize = 500;

/// The customers' columns and the aggregates of attached transactions.
fn customer_columns(ds: &Dataset) -> Vec<&crate::table::Column> {
    ds.ingested.table.columns.iter().chain(ds.transactions.iter().flat_map(|t| t.columns.iter())).collect()
}

/// A file-name-safe version of a name: letters, digits and dashes.
fn slug(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if s.is_empty() {
        "segments".into()
    } else {
        s
    }
}

/// A file name without its extension (`customers.csv` → `customers`).
fn file_stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Rows the dataset view shows before the user asks for more.
pub const PREVIEW_ROWS: usize = 20;

/// Which files of a segmentation to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "files", rename_all = "kebab-case")]
pub enum SegmentationFiles {
    /// The customer table with its segment column(s), and the manifest.
    Csv,
    /// One CSV per segment (the input's header and the segment's rows, with the segment column)
    /// and the manifest, in one zip.
    Zip,
    /// The definition file (rules: `segscope.segments/1`; RFM: `segscope.rfm/1`; clusters: the
    /// model, `segscope.cluster-model/1`).
    Definition,
    /// The SQL that applies it in a warehouse.
    Sql {
        /// The SQL dialect.
        dialect: Dialect,
    },
}

/// Something the app asks the engine to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Request {
    /// Read a file into a new dataset.
    Ingest {
        /// The file's name.
        name: String,
        /// The file's bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
        /// How to read it.
        options: ReadOptions,
    },
    /// Generate the built-in sample customers and read them into a new dataset.
    LoadSample {
        /// How many customers, and the seed.
        params: SampleParams,
    },
    /// Read a dataset's file again with other options (a changed column type, delimiter...).
    Reread {
        /// The dataset.
        dataset: DatasetId,
        /// The new options.
        options: ReadOptions,
    },
    /// Rows of a dataset as written in the file, optionally only those of one segment.
    Preview {
        /// The dataset.
        dataset: DatasetId,
        /// Only rows in this segment (assignment and segment index).
        segment: Option<(AssignmentId, u32)>,
        /// Rows to skip.
        offset: usize,
        /// Rows to return.
        limit: usize,
    },
    /// Split a dataset into segments by one column.
    Split {
        /// The dataset.
        dataset: DatasetId,
        /// How.
        params: SplitParams,
    },
    /// The dataset's file with a segment column appended (CSV), and its manifest.
    ExportCsv {
        /// The dataset.
        dataset: DatasetId,
        /// The segments.
        assignment: AssignmentId,
    },
    /// Apply a rule definition: live counts, overlaps and problems.
    ApplyRules {
        /// The dataset.
        dataset: DatasetId,
        /// The definition.
        definition: Definition,
    },
    /// Every distinct value of a column with its count (for value pickers).
    ColumnValues {
        /// The dataset.
        dataset: DatasetId,
        /// The column.
        column: String,
    },
    /// The definition as a file (`segscope.segments/1`), with column types and as-of date filled in.
    SaveDefinition {
        /// The dataset it was built on.
        dataset: DatasetId,
        /// The definition.
        definition: Definition,
    },
    /// The templates the dataset supports, with their columns guessed.
    SuggestTemplates {
        /// The dataset.
        dataset: DatasetId,
    },
    /// A definition built from a template, to edit.
    FromTemplate {
        /// The dataset (for per-value templates).
        dataset: DatasetId,
        /// The template.
        template: Template,
    },
    /// Read a definition file.
    OpenDefinition {
        /// The file's name.
        name: String,
        /// The file's bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// The SQL that applies a definition in a warehouse.
    RulesSql {
        /// The dataset it was built on.
        dataset: DatasetId,
        /// The definition.
        definition: Definition,
        /// The SQL dialect.
        dialect: Dialect,
        /// The table name to select from.
        table: String,
        /// The transactions table the aggregates are computed from (default `transactions`).
        #[serde(default)]
        transactions_table: Option<String>,
    },
    /// Read a transactions file and join its per-customer aggregates onto a customers dataset.
    AttachTransactions {
        /// The customers dataset.
        dataset: DatasetId,
        /// The transactions file's name.
        name: String,
        /// The file (read a part at a time, and again when the mapping changes).
        #[serde(skip)]
        file: InputFile,
        /// How to read it.
        options: ReadOptions,
        /// The column mapping; guessed from names and types when `None`.
        mapping: Option<TransactionMapping>,
    },
    /// Read a dataset as transactions: make a customers dataset with one row per customer key in it,
    /// and attach the transactions to that (for a transactions file without a customers file).
    CustomersFromTransactions {
        /// The dataset that holds the transactions.
        dataset: DatasetId,
    },
    /// Open a transactions file with no customers file: read it a record at a time straight into
    /// per-customer aggregates (never as a table, so files of millions of rows fit), make a customers
    /// dataset with one row per customer key, and attach the transactions to it.
    OpenTransactions {
        /// The file's name.
        name: String,
        /// The file (read a part at a time, and again when the mapping changes).
        #[serde(skip)]
        file: InputFile,
        /// How to read it.
        options: ReadOptions,
    },
    /// Read a smaller copy of a file into a new dataset: some of its columns, a seeded sample of
    /// its rows, or both (for a file too large to open whole, [`Response::TooLarge`]). The file is
    /// read a part at a time; the dataset's name says what was kept.
    OpenReduced {
        /// The file's name.
        name: String,
        /// The file (read a part at a time).
        #[serde(skip)]
        file: InputFile,
        /// How to read it.
        options: ReadOptions,
        /// What the copy keeps.
        reduction: crate::ingest::reduce::Reduction,
    },
    /// Attach the built-in sample's transactions (generated with the same parameters as its customers).
    AttachSampleTransactions {
        /// The sample customers dataset.
        dataset: DatasetId,
        /// The sample's size and seed.
        params: SampleParams,
    },
    /// Change the mapping of attached transactions.
    Remap {
        /// The customers dataset.
        dataset: DatasetId,
        /// The new mapping.
        mapping: TransactionMapping,
    },
    /// Remove attached transactions.
    Detach {
        /// The customers dataset.
        dataset: DatasetId,
    },
    /// RFM scores and named segments of the customers, from their attached transactions.
    Rfm {
        /// The dataset (with transactions attached).
        dataset: DatasetId,
        /// Scoring settings.
        params: RfmParams,
        /// The segment map (the default for the bins when `None`).
        map: Option<RfmMap>,
        /// The as-of date (`YYYY-MM-DD`); the day after the last transaction when `None`.
        as_of: Option<String>,
    },
    /// Customers in one cell of the latest RFM grid.
    RfmCell {
        /// The dataset.
        dataset: DatasetId,
        /// R score.
        r: u8,
        /// F score.
        f: u8,
        /// Rows to return.
        limit: usize,
    },
    /// The latest RFM as files: the per-customer CSV, or the definition (JSON) and its SQL.
    RfmFiles {
        /// The dataset.
        dataset: DatasetId,
        /// `Some` for the definition and SQL in this dialect; `None` for the per-customer CSV.
        dialect: Option<Dialect>,
        /// The customers table name for the SQL.
        customers_table: String,
        /// The transactions table name for the SQL.
        transactions_table: String,
    },
    /// Read a saved RFM segmentation (`segscope.rfm/1`).
    OpenRfmDefinition {
        /// The file's name.
        name: String,
        /// Its bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// Customer lifetime value from the attached transactions.
    Clv {
        /// The dataset (with transactions attached).
        dataset: DatasetId,
        /// Settings.
        params: crate::clv::ClvParams,
        /// The segmentation to summarise value by (the current one when `None`).
        #[serde(default)]
        by: Option<AssignmentId>,
    },
    /// The latest CLV as files: the per-customer CSV and the fitted parameters (JSON).
    ClvFiles {
        /// The dataset.
        dataset: DatasetId,
    },
    /// The segmentations of a dataset, in the order made.
    Segmentations {
        /// The dataset.
        dataset: DatasetId,
    },
    /// Give a segmentation another name.
    RenameSegmentation {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
        /// Its new name.
        name: String,
    },
    /// Copy a segmentation (the copy is not changed by its workspace).
    DuplicateSegmentation {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
    },
    /// Remove a segmentation.
    DeleteSegmentation {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
    },
    /// Make a segmentation the current one (what views show by default).
    SetCurrentSegmentation {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
    },
    /// A segmentation's segments and sizes as it is now (its workspace shows them again after the
    /// data was read again and the store made it again); a stale one is an error that says why.
    Segmentation {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
    },
    /// A segmentation's files, whichever kind made it.
    SegmentationFiles {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
        /// Which files.
        files: SegmentationFiles,
    },
    /// The columns (and transactions' aggregates) a clustering can use, with their types,
    /// missing counts and skewness.
    ClusterFeatures {
        /// The dataset.
        dataset: DatasetId,
    },
    /// Fit k-means for each k of a range and score each, to help choose k.
    ClusterScan {
        /// The dataset.
        dataset: DatasetId,
        /// Features and settings.
        params: ClusterParams,
        /// The smallest k, as typed.
        min_k: Typed<usize>,
        /// The largest k, as typed.
        max_k: Typed<usize>,
    },
    /// Fit k-means with k clusters: the Clusters workspace's segmentation.
    ClusterFit {
        /// The dataset.
        dataset: DatasetId,
        /// Features and settings.
        params: ClusterParams,
        /// Clusters, as typed.
        k: Typed<usize>,
    },
    /// A cluster segmentation's view as it is now (after the data was read again).
    Clusters {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
    },
    /// A segmentation's profile: who is in each segment and how they differ from the rest (with
    /// KPIs when transactions are attached, and predicted value when CLV was computed).
    Profile {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
        /// How to profile it.
        #[serde(default)]
        options: ProfileOptions,
    },
    /// Small groups of a segmentation's customers worth far more than the average (DECISIONS 16).
    Niches {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
        /// The value to stand out on, the size range and the index.
        params: NicheParams,
    },
    /// A segmentation's report as one file named after it: its profile (sizes, KPIs, typical
    /// customers, traits with index, sensitive columns, the method), its definition in words and,
    /// when `niches` is given, its niches; as JSON, a tidy CSV, a summary workbook or a
    /// self-contained HTML page.
    ProfileFiles {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
        /// How to profile it.
        #[serde(default)]
        options: ProfileOptions,
        /// Look for niches with these settings too.
        #[serde(default)]
        niches: Option<NicheParams>,
        /// The file's format.
        format: ReportFormat,
    },
    /// Two segments of a segmentation side by side, or one against everyone else.
    Compare {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
        /// The first segment (its number in the segmentation, from 0).
        first: u32,
        /// The second segment, or everyone else when none.
        #[serde(default)]
        second: Option<u32>,
        /// How to compare them (the profile's settings).
        #[serde(default)]
        options: ProfileOptions,
    },
    /// How customers moved between the segments of two segmentations of the same customers (for
    /// example RFM at two as-of dates), matched row by row.
    Movement {
        /// The dataset.
        dataset: DatasetId,
        /// The earlier snapshot.
        before: AssignmentId,
        /// The later snapshot.
        after: AssignmentId,
    },
    /// How customers moved between this data and another snapshot file of the same customers: the
    /// segmentation made again, from its spec, on the other file, customers matched by `key`.
    MovementFromFile {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation (split, rules or clusters; RFM needs each snapshot's transactions).
        segmentation: AssignmentId,
        /// The column both files identify customers by.
        key: String,
        /// Whether the other file is the earlier or the later snapshot.
        other_is: OtherFile,
        /// The other file's name.
        name: String,
        /// Its bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// Keep these KPIs with the dataset's segmentations (replacing those kept), after checking
    /// them against its columns; every profile and report of its segmentations then shows them.
    SetKpis {
        /// The dataset.
        dataset: DatasetId,
        /// The KPIs, in the order shown.
        kpis: Vec<crate::custom_kpi::KpiDef>,
    },
    /// The dataset's KPIs as a file (`segscope.kpis/1`).
    KpisFile {
        /// The dataset.
        dataset: DatasetId,
    },
    /// Read a KPI file (`segscope.kpis/1`); answered with its KPIs (`Request::SetKpis` keeps them).
    OpenKpis {
        /// The file's name.
        name: String,
        /// Its bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// Count the customers a condition picks, and say its problems, as the rule builder does,
    /// without making a segmentation (the KPI editor's live count).
    CountRules {
        /// The dataset.
        dataset: DatasetId,
        /// The condition(s), as rule segments.
        definition: Definition,
    },
    /// Give one cluster of a cluster segmentation another name.
    RenameCluster {
        /// The dataset.
        dataset: DatasetId,
        /// The segmentation.
        segmentation: AssignmentId,
        /// The cluster, from 0.
        cluster: usize,
        /// Its new name.
        name: String,
    },
    /// Drop a dataset and its assignments.
    Forget {
        /// The dataset.
        dataset: DatasetId,
    },
    /// Save the dataset's work as a project file (`NAME.segscope`): answered with the file.
    SaveProject {
        /// The dataset.
        dataset: DatasetId,
        /// True to put the data files inside the project.
        include_data: bool,
        /// The page's own choices, kept as given.
        #[serde(default)]
        view: serde_json::Value,
    },
    /// Read a project file and say what it holds ([`Response::Project`]); nothing changes.
    ReadProject {
        /// The file's name.
        name: String,
        /// Its bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// Open a project that holds its data: the data are read as the project says and its work is put
    /// back ([`Response::ProjectRestored`]).
    OpenProject {
        /// The file's name.
        name: String,
        /// Its bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// Put a project's work on the open dataset, replacing its segmentations. When the data differ
    /// from the project's, the answer says how ([`Response::ProjectDiffers`]) and nothing changes,
    /// unless `anyway`.
    RestoreProject {
        /// The dataset.
        dataset: DatasetId,
        /// The project file's name.
        name: String,
        /// Its bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
        /// True to put the work back even on data that differ.
        anyway: bool,
    },
}

/// The engine's answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "response", content = "body", rename_all = "kebab-case")]
pub enum Response {
    /// A dataset was read.
    Dataset(Box<DatasetView>),
    /// A file was not read: it would not fit in the memory left ([`memory::too_large`]).
    TooLarge(Box<TooLargeView>),
    /// Preview rows.
    Preview(PreviewRows),
    /// Segments were made.
    Segmented(AssignmentView),
    /// Files to download.
    Files(Vec<FileOut>),
    /// Rule segments were applied (or their problems found).
    Rules(Box<RulesView>),
    /// A column's values with counts.
    Values(Vec<TopValue>),
    /// A definition was read or built.
    Definition(Box<Definition>),
    /// Templates the data supports.
    Templates(Vec<Suggestion>),
    /// Transactions were attached (or re-mapped).
    Attached(Box<AttachView>),
    /// A customers dataset was made from transactions, and the transactions attached to it.
    Derived {
        /// The new customers dataset.
        dataset: Box<DatasetView>,
        /// The attached transactions.
        attached: Box<AttachView>,
    },
    /// RFM was computed.
    Rfm(Box<RfmView>),
    /// Lifetime value was computed.
    Clv(Box<ClvView>),
    /// A saved RFM segmentation was read.
    RfmDefinition(Box<crate::rfm::RfmDefinition>),
    /// The segmentations of a dataset.
    Segmentations(Vec<SegmentationView>),
    /// The features a clustering can use.
    ClusterFeatures(Box<FeaturesView>),
    /// A scan over k.
    ClusterScan(Box<ScanView>),
    /// A cluster segmentation.
    Clusters(Box<ClustersView>),
    /// A segmentation's profile.
    Profile(Box<Profile>),
    /// The niches of a segmentation.
    Niches(Box<NicheReport>),
    /// Two segments compared.
    Comparison(Box<Comparison>),
    /// The movement between two snapshots.
    Movement(Box<Movement>),
    /// The KPIs kept with a dataset's segmentations, or read from a file.
    Kpis(Vec<crate::custom_kpi::KpiDef>),
    /// What a project file holds.
    Project(Box<ProjectSummary>),
    /// A project's work was put back.
    ProjectRestored(Box<ProjectRestored>),
    /// The open data differ from the project's (each difference a sentence); nothing changed.
    ProjectDiffers {
        /// The project file's name.
        file: String,
        /// How they differ.
        differences: Vec<String>,
    },
    /// Done, nothing to show.
    Done,
    /// The request failed; the message is for the user.
    Error {
        /// A sentence saying what went wrong and what to do.
        message: String,
    },
}

/// Why a request failed. `Display` is the message the user sees.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EngineError {
    /// Reading a file failed.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Splitting failed.
    #[error("{}", cannot_split(.0))]
    Split(#[from] SplitError),
    /// Generating the sample failed.
    #[error(transparent)]
    Sample(#[from] SampleError),
    /// Writing an export failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// RFM could not be computed.
    #[error(transparent)]
    Rfm(#[from] RfmError),
    /// Lifetime value could not be computed.
    #[error(transparent)]
    Clv(#[from] crate::clv::ClvError),
    /// Transactions could not be joined.
    #[error(transparent)]
    Customers(#[from] crate::customers::CustomersError),
    /// A rule definition could not be read or does not fit.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// A definition file could not be read.
    #[error(transparent)]
    Definition(#[from] crate::definitions::DefinitionFileError),
    /// A dataset id the session does not hold (it was closed).
    #[error("that data is no longer open; open the file again.")]
    UnknownDataset,
    /// An assignment id the session does not hold.
    #[error("those segments are no longer available; make them again.")]
    UnknownAssignment,
    /// A segmentation could not be made again on changed data.
    #[error("{0}")]
    Stale(String),
    /// A segmentation could not be made.
    #[error("{0}")]
    Segmentation(String),
    /// Clusters could not be scanned, fitted or applied.
    #[error(transparent)]
    Cluster(#[from] crate::cluster::ClusterError),
    /// A profile or a niche search could not be made.
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    /// A report could not be written.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// Two snapshots could not be compared.
    #[error(transparent)]
    Movement(#[from] crate::movement::MovementError),
    /// The user's KPIs do not fit the data.
    #[error(transparent)]
    Kpi(#[from] crate::custom_kpi::KpiError),
    /// The session has numbered as many datasets and segmentations as its ids can tell apart.
    #[error(
        "this session has opened 4,294,967,295 datasets and segmentations, the most it can tell apart; reload \
         Segscope to start a new session."
    )]
    OutOfIds,
    /// A project file could not be read, saved or opened.
    #[error(transparent)]
    Project(#[from] crate::project::ProjectError),
}

impl From<crate::customers::ReadTransactionsError> for EngineError {
    fn from(e: crate::customers::ReadTransactionsError) -> Self {
        match e {
            crate::customers::ReadTransactionsError::Ingest(e) => EngineError::Ingest(e),
            crate::customers::ReadTransactionsError::Customers(e) => EngineError::Customers(e),
        }
    }
}

/// "Cannot split: …", except for a cancel, which says what every cancel says.
fn cannot_split(e: &SplitError) -> String {
    match e {
        SplitError::Cancelled => e.to_string(),
        _ => format!("Cannot split: {e}"),
    }
}

impl EngineError {
    /// True when the request stopped because its monitor asked (whichever step was running);
    /// the message is then [`crate::progress::CANCELLED`] (or reading's own sentence).
    pub fn is_cancelled(&self) -> bool {
        use crate::clv::ClvError;
        use crate::customers::CustomersError;
        match self {
            EngineError::Ingest(e) => matches!(e.kind, crate::ingest::IngestErrorKind::Cancelled),
            _ => matches!(
                self,
                EngineError::Split(SplitError::Cancelled)
                    | EngineError::Sample(SampleError::Cancelled)
                    | EngineError::Export(ExportError::Cancelled)
                    | EngineError::Rfm(RfmError::Cancelled)
                    | EngineError::Clv(ClvError::Cancelled)
                    | EngineError::Customers(CustomersError::Cancelled)
                    | EngineError::Rules(RulesError::Cancelled)
                    | EngineError::Cluster(crate::cluster::ClusterError::Cancelled)
                    | EngineError::Profile(crate::profile::ProfileError::Cancelled)
                    | EngineError::Movement(crate::movement::MovementError::Cancelled)
                    | EngineError::Kpi(crate::custom_kpi::KpiError::Cancelled)
            ),
        }
    }
}

/// A segmentation held for a dataset: how it was made (for the manifest) and its result.
struct Stored {
    spec: serde_json::Value,
    assignment: Assignment,
    /// Overlapping rule segments: (segment name, membership per row), exported as flag columns.
    flags: Option<Vec<(String, Vec<bool>)>>,
}

struct Dataset {
    /// The file as given: read again when the read options change, or as transactions.
    file: Rc<Vec<u8>>,
    options: ReadOptions,
    ingested: Ingested,
    transactions: Option<transactions::Attached>,
    /// Its segmentations, whichever workspace made them.
    segmentations: Store,
    /// The latest CLV: checked settings and result (for downloads).
    clv: Option<(crate::clv::ValidClvParams, crate::clv::ClvResult)>,
    /// What the file was opened as (a transactions file alone: `file` is the customer list made from it).
    opened: Opened,
    /// `file`'s SHA-256, taken when a manifest first asks.
    sha256: std::cell::OnceCell<String>,
}

impl Dataset {
    /// Makes every segmentation again after the data or its transactions changed (DECISIONS 19),
    /// reporting to `monitor`; the CLV fit no longer matches the data and is dropped. A cancel
    /// changes nothing.
    fn changed(&mut self, why: &str, monitor: &mut dyn Monitor) -> Result<(), EngineError> {
        let data = Data { table: &self.ingested.table, attached: self.transactions.as_ref() };
        self.segmentations.refresh(&data, why, monitor)?;
        self.clv = None;
        Ok(())
    }

    /// Puts `transactions` in place (attached, re-mapped or removed) and makes every segmentation
    /// again; when that is cancelled, the old transactions are put back and nothing has changed.
    fn set_transactions(
        &mut self,
        transactions: Option<transactions::Attached>,
        why: &str,
        monitor: &mut dyn Monitor,
    ) -> Result<(), EngineError> {
        let old = std::mem::replace(&mut self.transactions, transactions);
        let result = self.changed(why, monitor);
        if result.is_err() {
            self.transactions = old;
        }
        result
    }

    /// Puts the data read again in place, joins the transactions onto it again and makes every
    /// segmentation again; when any of that fails or is cancelled, the dataset is left as it was.
    fn reread(
        &mut self,
        ingested: Ingested,
        options: ReadOptions,
        monitor: &mut dyn Monitor,
    ) -> Result<(), EngineError> {
        let old_ingested = std::mem::replace(&mut self.ingested, ingested);
        let old_options = std::mem::replace(&mut self.options, options);
        let old_join = self.transactions.as_mut().map(transactions::Attached::take_join);
        let result = match self.transactions.as_mut().map(|t| t.rejoin(&self.ingested.table)) {
            Some(Err(e)) => Err(e.into()),
            _ => self.changed("The data was read again", monitor),
        };
        if result.is_err() {
            self.ingested = old_ingested;
            self.options = old_options;
            if let (Some(t), Some(join)) = (self.transactions.as_mut(), old_join) {
                t.put_join(join);
            }
        }
        result
    }

    /// The made segmentation `id`; a stale one is an error that says why.
    fn made(&self, id: AssignmentId) -> Result<&Made, EngineError> {
        let entry = self.segmentations.get(id).ok_or(EngineError::UnknownAssignment)?;
        entry.made.as_ref().ok_or_else(|| {
            EngineError::Stale(format!(
                "\"{}\" is out of date: {}",
                entry.name,
                entry.stale.clone().unwrap_or_default()
            ))
        })
    }

    /// The RFM segmentation the Value workspace works on.
    fn rfm(&self) -> Result<(&crate::rfm::ValidRfmParams, &crate::rfm::ValidRfmMap, &RfmResult), EngineError> {
        let id = self.segmentations.working(SegmentationKind::Rfm).ok_or(EngineError::UnknownAssignment)?;
        let made = self.made(id)?;
        match (&self.segmentations.get(id).map(|e| &e.spec), &made.rfm) {
            (Some(Spec::Rfm { params, map, .. }), Some(result)) => Ok((params, map, result)),
            _ => Err(EngineError::UnknownAssignment),
        }
    }
}

/// The engine's state for one user: open datasets and their segmentations.
#[derive(Default)]
pub struct Session {
    datasets: BTreeMap<DatasetId, Dataset>,
    next_id: u32,
}

impl Session {
    /// A session with nothing open.
    pub fn new() -> Self {
        Self::default()
    }

    /// Carries out one request. Failures become [`Response::Error`] with the user's message.
    pub fn handle(&mut self, request: Request, monitor: &mut dyn Monitor) -> Response {
        crate::waiting::now(self.handle_on(request, monitor, &mut InOrder))
    }

    /// [`Session::handle`], with the parts of a transactions file added up by `workers` (other
    /// threads or browser workers; the answer is the same, to the byte, whatever they are).
    pub async fn handle_on(
        &mut self,
        request: Request,
        monitor: &mut dyn Monitor,
        workers: &mut dyn Workers,
    ) -> Response {
        self.try_handle(request, monitor, workers).await.unwrap_or_else(|e| Response::Error { message: e.to_string() })
    }

    fn fresh_id(&mut self) -> Result<u32, EngineError> {
        self.next_id = self.next_id.checked_add(1).ok_or(EngineError::OutOfIds)?;
        Ok(self.next_id)
    }

    /// The id of the segmentation the workspace of `kind` edits on `dataset` (given once, then kept).
    fn working_id(&mut self, dataset: DatasetId, kind: SegmentationKind) -> Result<AssignmentId, EngineError> {
        let kept = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?.segmentations.working(kind);
        let id = match kept {
            Some(id) => id,
            None => AssignmentId(self.fresh_id()?),
        };
        if let Some(ds) = self.datasets.get_mut(&dataset) {
            ds.segmentations.set_working(kind, id);
        }
        Ok(id)
    }

    /// A segmentation's files: its CSV with the manifest (writing reports to `monitor`), its
    /// definition, or its SQL.
    fn segmentation_files(
        &self,
        ds: &Dataset,
        segmentation: AssignmentId,
        files: SegmentationFiles,
        monitor: &mut dyn Monitor,
    ) -> Result<Vec<FileOut>, EngineError> {
        let entry = ds.segmentations.get(segmentation).ok_or(EngineError::UnknownAssignment)?;
        let stem = slug(&entry.name);
        let table = &ds.ingested.table;
        let customers = rules::Customers { table, attached: ds.transactions.as_ref() };
        let no_definition = || {
            EngineError::Segmentation(format!(
                "\"{}\" is a split by column: it has no definition or SQL; download its CSV.",
                entry.name
            ))
        };
        let download = Download::SegmentationFiles { files };
        let side = |out: Vec<FileOut>| manifests::with_manifest(ds, Some(segmentation), download.clone(), out);
        match (files, &entry.spec) {
            (SegmentationFiles::Definition, Spec::Clusters(spec)) => side(vec![FileOut {
                name: format!("{stem}.cluster-model.json"),
                mime: "application/json".into(),
                bytes: spec.model.to_json().into_bytes(),
            }]),
            (SegmentationFiles::Sql { dialect }, Spec::Clusters(spec)) => {
                let text = crate::cluster::sql::model_sql(&spec.model, dialect, "customers", None)
                    .map_err(crate::cluster::ClusterError::from)?;
                side(vec![FileOut {
                    name: format!("{stem}.{}.sql", dialect.label()),
                    mime: "application/sql".into(),
                    bytes: text.into_bytes(),
                }])
            }
            (SegmentationFiles::Csv, _) => {
                let name = format!("{}-{stem}.csv", slug(file_stem(&table.name)));
                csv_files(ds, segmentation, name, download.clone(), monitor)
            }
            (SegmentationFiles::Zip, _) => {
                let name = format!("{}-{stem}.zip", slug(file_stem(&table.name)));
                zip_file(ds, segmentation, name, download.clone(), monitor)
            }
            (_, Spec::Split(_)) => Err(no_definition()),
            (SegmentationFiles::Definition, Spec::Rules(def)) => {
                let saved = rules::completed(def, customers)?;
                side(vec![FileOut {
                    name: format!("{stem}.segments.json"),
                    mime: "application/json".into(),
                    bytes: saved.to_json().into_bytes(),
                }])
            }
            (SegmentationFiles::Sql { dialect }, Spec::Rules(def)) => {
                let text = rules::sql(def, customers, dialect, "customers", None)?;
                side(vec![FileOut {
                    name: format!("{stem}.{}.sql", dialect.label()),
                    mime: "application/sql".into(),
                    bytes: text.into_bytes(),
                }])
            }
            (wanted, Spec::Rfm { params, map, .. }) => {
                let made = ds.made(segmentation)?;
                let result = made.rfm.as_ref().ok_or(EngineError::UnknownAssignment)?;
                let attached = ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                let run = rfm::RfmRun { table, attached };
                let dialect = match wanted {
                    SegmentationFiles::Sql { dialect } => dialect,
                    _ => Dialect::Duckdb,
                };
                let mut out = run.definition_files(params, map, result, dialect, "customers", "transactions")?;
                let keep_sql = matches!(wanted, SegmentationFiles::Sql { .. });
                out.retain(|f| f.name.ends_with(".sql") == keep_sql);
                for f in &mut out {
                    f.name = f.name.replacen("rfm", &stem, 1);
                }
                side(out)
            }
        }
    }

    async fn try_handle(
        &mut self,
        request: Request,
        monitor: &mut dyn Monitor,
        workers: &mut dyn Workers,
    ) -> Result<Response, EngineError> {
        match request {
            Request::Ingest { name, bytes, options } => self.ingest(name, bytes, options, monitor),
            Request::LoadSample { params } => {
                let valid = params.check()?;
                let (customers, _transactions) = sample_csv(&valid)?;
                self.ingest("sample-customers.csv".to_string(), customers, ReadOptions::default(), monitor)
            }
            Request::Reread { dataset, options } => {
                let id = dataset;
                let ds = self.datasets.get_mut(&id).ok_or(EngineError::UnknownDataset)?;
                let ingested = read_table(&ds.ingested.table.name, &ds.file, &options, monitor)?;
                ds.reread(ingested, options, monitor)?;
                Ok(Response::Dataset(Box::new(DatasetView::new(id, &ds.ingested, &ds.options))))
            }
            Request::Preview { dataset, segment, offset, limit } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let table = &ds.ingested.table;
                let rows: Vec<usize> = match segment {
                    Some((a, code)) => {
                        let stored = &ds.made(a)?.stored;
                        match &stored.flags {
                            Some(flags) => flags
                                .get(code as usize)
                                .map(|(_, f)| {
                                    f.iter()
                                        .enumerate()
                                        .filter(|(_, &b)| b)
                                        .map(|(r, _)| r)
                                        .skip(offset)
                                        .take(limit)
                                        .collect()
                                })
                                .unwrap_or_default(),
                            None => stored.assignment.rows_in(code).skip(offset).take(limit).collect(),
                        }
                    }
                    None => (offset..table.rows()).take(limit).collect(),
                };
                Ok(Response::Preview(PreviewRows::of(table, &rows)))
            }
            Request::Split { dataset, params } => {
                let id = self.working_id(dataset, SegmentationKind::Split)?;
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let valid = params.check(&ds.ingested.table)?;
                let assignment = split(&ds.ingested.table, &valid, monitor)?;
                let view = AssignmentView::new(id, dataset, &params.column, &assignment);
                // Kept and recorded as checked: plain numbers, never the typed text.
                let params = valid.params();
                ds.segmentations.put(id, Spec::Split(params.clone()), segmentations::split_made(&params, assignment));
                Ok(Response::Segmented(view))
            }
            Request::ExportCsv { dataset, assignment } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let stem = file_stem(&ds.ingested.table.name);
                let name = format!("{stem}-segments.csv");
                Ok(Response::Files(csv_files(ds, assignment, name, Download::ExportCsv, monitor)?))
            }
            Request::ApplyRules { dataset, definition } => {
                // One working id per dataset for its rule segments, whatever was applied before: so a
                // live count leaves the session as if only it had run (`wire::Journal::Replaceable`).
                let id = self.working_id(dataset, SegmentationKind::Rules)?;
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let customers = rules::Customers { table: &ds.ingested.table, attached: ds.transactions.as_ref() };
                let (view, stored) = rules::apply(id, &definition, customers, monitor)?;
                let rows = ds.ingested.table.rows();
                let name = segmentations::rules_name(&definition);
                match stored {
                    // No segments: no segmentation yet (an existing one waits, stale, for segments).
                    _ if definition.segments.is_empty() => {
                        if ds.segmentations.get(id).is_some() {
                            let why = segmentations::NO_SEGMENTS.to_string();
                            ds.segmentations.put_stale(id, Spec::Rules(Box::new(definition)), name, why);
                        }
                    }
                    Some(stored) => {
                        let made = segmentations::rules_made(&view, stored, &definition, rows);
                        ds.segmentations.put(id, Spec::Rules(Box::new(definition)), made);
                    }
                    None => {
                        let why = segmentations::rules_problem(&view);
                        ds.segmentations.put_stale(id, Spec::Rules(Box::new(definition)), name, why);
                    }
                }
                Ok(Response::Rules(Box::new(view)))
            }
            Request::ColumnValues { dataset, column } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                Ok(Response::Values(rules::column_values(&ds.ingested.table, &column, MAX_PICKER_VALUES)))
            }
            Request::SaveDefinition { dataset, definition } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let saved = rules::completed(
                    &definition,
                    rules::Customers { table: &ds.ingested.table, attached: ds.transactions.as_ref() },
                )?;
                let stem = slug(saved.name.as_deref().unwrap_or("segments"));
                let file = FileOut {
                    name: format!("{stem}.segments.json"),
                    mime: "application/json".into(),
                    bytes: saved.to_json().into_bytes(),
                };
                let download = Download::SaveDefinition { definition: Box::new(definition) };
                Ok(Response::Files(manifests::with_manifest(ds, None, download, vec![file])?))
            }
            Request::SuggestTemplates { dataset } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let columns = customer_columns(ds);
                Ok(Response::Templates(templates::suggest(&columns)))
            }
            Request::FromTemplate { dataset, template } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let columns = customer_columns(ds);
                Ok(Response::Definition(Box::new(templates::build(&template, &columns))))
            }
            Request::OpenDefinition { name, bytes } => {
                Ok(Response::Definition(Box::new(crate::definitions::read_rules(&name, &bytes)?)))
            }
            Request::RulesSql { dataset, definition, dialect, table, transactions_table } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let customers = rules::Customers { table: &ds.ingested.table, attached: ds.transactions.as_ref() };
                let text = rules::sql(&definition, customers, dialect, &table, transactions_table.as_deref())?;
                let stem = slug(definition.name.as_deref().unwrap_or("segments"));
                let file = FileOut {
                    name: format!("{stem}.{}.sql", dialect.label()),
                    mime: "application/sql".into(),
                    bytes: text.into_bytes(),
                };
                let download =
                    Download::RulesSql { definition: Box::new(definition), dialect, table, transactions_table };
                Ok(Response::Files(manifests::with_manifest(ds, None, download, vec![file])?))
            }
            Request::AttachTransactions { dataset, name, file, options, mapping } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let customers = &ds.ingested.table;
                let attached =
                    transactions::Attached::new(&name, file, options, mapping, customers, workers, monitor).await?;
                let view = attached.view();
                ds.set_transactions(Some(attached), "The transactions changed", monitor)?;
                Ok(Response::Attached(Box::new(view)))
            }
            Request::CustomersFromTransactions { dataset } => {
                self.customers_from_transactions(dataset, workers, monitor).await
            }
            Request::OpenTransactions { name, file, options } => {
                let attached = transactions::Attached::standalone(&name, file, options, workers, monitor).await?;
                self.customers_of(attached, monitor)
            }
            Request::OpenReduced { name, file, options, reduction } => {
                let open = || file.open();
                let bytes = reduced_copy(&name, open, file.size(), &options, &reduction, monitor)?;
                let kept = |column: &String| reduction.columns.as_ref().is_none_or(|c| c.contains(column));
                let mut options = ReadOptions { delimiter: Some(b','), sheet: None, ..options };
                options.types.retain(|c, _| kept(c));
                options.column_missing_tokens.retain(|c, _| kept(c));
                options.formats.retain(|c, _| kept(c));
                let name = format!("{} ({}).csv", file_stem(&name), reduction.describe());
                self.ingest(name, bytes, options, monitor)
            }
            Request::AttachSampleTransactions { dataset, params } => {
                let (_, bytes) = sample_csv(&params.check()?)?;
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let name = "sample-transactions.csv";
                let attached = transactions::Attached::new(
                    name,
                    bytes.into(),
                    ReadOptions::default(),
                    None,
                    &ds.ingested.table,
                    workers,
                    monitor,
                )
                .await?;
                let view = attached.view();
                ds.set_transactions(Some(attached), "The transactions changed", monitor)?;
                Ok(Response::Attached(Box::new(view)))
            }
            Request::Remap { dataset, mapping } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let old = ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                let attached = old.remapped(mapping, &ds.ingested.table, workers, monitor).await?;
                let view = attached.view();
                ds.set_transactions(Some(attached), "The transactions changed", monitor)?;
                Ok(Response::Attached(Box::new(view)))
            }
            Request::Detach { dataset } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                ds.set_transactions(None, "The transactions were removed", monitor)?;
                Ok(Response::Done)
            }
            Request::Rfm { dataset, params, map, as_of } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                let id = self.working_id(dataset, SegmentationKind::Rfm)?;
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let attached = ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                let run = rfm::RfmRun { table: &ds.ingested.table, attached };
                let valid = params.check()?;
                let (result, map, default) = run.compute(&valid, map.as_ref(), as_of.as_deref(), monitor)?;
                let (view, stored) = run.view(id, &valid, &map, &result, default);
                let spec = Spec::Rfm { params: valid, map, as_of };
                ds.segmentations.put(id, spec, segmentations::rfm_made(&view, stored, result));
                Ok(Response::Rfm(Box::new(view)))
            }
            Request::RfmCell { dataset, r, f, limit } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let (_, _, result) = ds.rfm()?;
                let rows: Vec<usize> = result
                    .rows
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.scores.is_some_and(|s| s[0] == r && s[1] == f))
                    .map(|(i, _)| i)
                    .take(limit)
                    .collect();
                Ok(Response::Preview(PreviewRows::of(&ds.ingested.table, &rows)))
            }
            Request::RfmFiles { dataset, dialect, customers_table, transactions_table } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let (params, map, result) = ds.rfm()?;
                let attached = ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                let run = rfm::RfmRun { table: &ds.ingested.table, attached };
                let files = match dialect {
                    None => vec![run.csv(result, monitor)?],
                    Some(d) => run.definition_files(params, map, result, d, &customers_table, &transactions_table)?,
                };
                let id = ds.segmentations.working(SegmentationKind::Rfm);
                let download = Download::RfmFiles { dialect, customers_table, transactions_table };
                Ok(Response::Files(manifests::with_manifest(ds, id, download, files)?))
            }
            Request::OpenRfmDefinition { name, bytes } => {
                Ok(Response::RfmDefinition(Box::new(crate::definitions::read_rfm(&name, &bytes)?)))
            }
            Request::Clv { dataset, params, by } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let attached = ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                // Value by segment: the chosen segmentation, else the current one (if it can be used).
                let by = match by {
                    Some(id) => Some(ds.made(id).map(|m| (id, m))?),
                    None => ds.segmentations.current().and_then(|e| Some((e.id, e.made.as_ref()?))),
                };
                let by = by.and_then(|(id, m)| {
                    let name = ds.segmentations.get(id)?.name.clone();
                    Some((id, name, &m.stored.assignment))
                });
                let valid = params.check()?;
                let (view, result) = clv::run(&ds.ingested.table, attached, &valid, by, monitor)?;
                ds.clv = Some((valid, result));
                Ok(Response::Clv(Box::new(view)))
            }
            Request::Segmentations { dataset } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                Ok(Response::Segmentations(ds.segmentations.views()))
            }
            Request::RenameSegmentation { dataset, segmentation, name } => {
                if name.trim().is_empty() {
                    return Err(EngineError::Segmentation("A segmentation needs a name; type one.".into()));
                }
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                if !ds.segmentations.rename(segmentation, &name) {
                    return Err(EngineError::UnknownAssignment);
                }
                Ok(Response::Segmentations(ds.segmentations.views()))
            }
            Request::DuplicateSegmentation { dataset, segmentation } => {
                self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let new_id = AssignmentId(self.fresh_id()?);
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let data = Data { table: &ds.ingested.table, attached: ds.transactions.as_ref() };
                ds.segmentations.duplicate(segmentation, new_id, &data, monitor)?;
                Ok(Response::Segmentations(ds.segmentations.views()))
            }
            Request::DeleteSegmentation { dataset, segmentation } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                if !ds.segmentations.remove(segmentation) {
                    return Err(EngineError::UnknownAssignment);
                }
                Ok(Response::Segmentations(ds.segmentations.views()))
            }
            Request::SetCurrentSegmentation { dataset, segmentation } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                if !ds.segmentations.set_current(segmentation) {
                    return Err(EngineError::UnknownAssignment);
                }
                Ok(Response::Segmentations(ds.segmentations.views()))
            }
            Request::Segmentation { dataset, segmentation } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let made = ds.made(segmentation)?;
                let column = match ds.segmentations.get(segmentation).map(|e| &e.spec) {
                    Some(Spec::Split(params)) => params.column.as_str(),
                    _ => "",
                };
                let view = AssignmentView::new(segmentation, dataset, column, &made.stored.assignment);
                Ok(Response::Segmented(view))
            }
            Request::SegmentationFiles { dataset, segmentation, files } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                Ok(Response::Files(self.segmentation_files(ds, segmentation, files, monitor)?))
            }
            Request::ClvFiles { dataset } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let (params, result) = ds.clv.as_ref().ok_or(EngineError::UnknownAssignment)?;
                let attached = ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                let files = clv::files(&ds.ingested.table, attached, params, result, monitor)?;
                Ok(Response::Files(manifests::with_manifest(ds, None, Download::ClvFiles, files)?))
            }
            Request::ClusterFeatures { dataset } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let view = clusters::features(&ds.ingested.table, ds.transactions.as_ref());
                Ok(Response::ClusterFeatures(Box::new(view)))
            }
            Request::ClusterScan { dataset, params, min_k, max_k } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let (valid, min, max) = params.check_scan(&min_k, &max_k)?;
                let data = Data { table: &ds.ingested.table, attached: ds.transactions.as_ref() };
                Ok(Response::ClusterScan(Box::new(clusters::run_scan(&data, &valid, min, max, monitor)?)))
            }
            Request::ClusterFit { dataset, params, k } => {
                self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let valid = params.check_fit(&k)?;
                let id = self.working_id(dataset, SegmentationKind::Clusters)?;
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let data = Data { table: &ds.ingested.table, attached: ds.transactions.as_ref() };
                let (spec, labelled) = clusters::fit(&data, valid, ds.ingested.diagnostics.bytes, monitor)?;
                let made = clusters::made_from(id, &spec, &data, labelled, monitor)?;
                let view = made.clusters.clone().ok_or(EngineError::UnknownAssignment)?;
                ds.segmentations.put(id, Spec::Clusters(Box::new(spec)), made);
                Ok(Response::Clusters(view))
            }
            Request::Clusters { dataset, segmentation } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let view = ds.made(segmentation)?.clusters.clone().ok_or(EngineError::UnknownAssignment)?;
                Ok(Response::Clusters(view))
            }
            Request::Profile { dataset, segmentation, options } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let assignment = &ds.made(segmentation)?.stored.assignment;
                let options = profiles::options_for(ds, segmentation, &options);
                let clv = ds.clv.as_ref().map(|(_, result)| result);
                let (table, attached) = (&ds.ingested.table, ds.transactions.as_ref());
                let kpis = &ds.segmentations.kpis;
                let profile = profiles::profile(table, attached, clv, assignment, &options, kpis, monitor)?;
                Ok(Response::Profile(Box::new(profile)))
            }
            Request::Niches { dataset, segmentation, params } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let assignment = &ds.made(segmentation)?.stored.assignment;
                let (table, attached) = (&ds.ingested.table, ds.transactions.as_ref());
                Ok(Response::Niches(Box::new(profiles::niches(table, attached, assignment, &params, monitor)?)))
            }
            Request::ProfileFiles { dataset, segmentation, options, niches, format } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let wanted = profiles::Wanted { options: &options, niches: niches.as_ref(), format };
                let files = profiles::files(ds, segmentation, &wanted, monitor)?;
                let download = Download::ProfileFiles { options: Box::new(options), niches, format };
                Ok(Response::Files(manifests::with_manifest(ds, Some(segmentation), download, files)?))
            }
            Request::Compare { dataset, segmentation, first, second, options } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let assignment = &ds.made(segmentation)?.stored.assignment;
                let options = profiles::options_for(ds, segmentation, &options);
                let clv = ds.clv.as_ref().map(|(_, result)| result);
                let (table, attached) = (&ds.ingested.table, ds.transactions.as_ref());
                let c = profiles::comparison(table, attached, clv, assignment, (first, second), &options, monitor)?;
                Ok(Response::Comparison(Box::new(c)))
            }
            Request::Movement { dataset, before, after } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let name = |id: AssignmentId| ds.segmentations.get(id).map(|e| e.name.clone()).unwrap_or_default();
                let (b, a) = (&ds.made(before)?.stored.assignment, &ds.made(after)?.stored.assignment);
                // The same customers: each row is its own key.
                let keys: Vec<Option<String>> = (0..ds.ingested.table.rows()).map(|r| Some(r.to_string())).collect();
                let (before_name, after_name) = (name(before), name(after));
                let m = crate::movement::movement(
                    crate::movement::Snapshot { label: &before_name, keys: &keys, assignment: b },
                    crate::movement::Snapshot { label: &after_name, keys: &keys, assignment: a },
                    monitor,
                )?;
                Ok(Response::Movement(Box::new(m)))
            }
            Request::MovementFromFile { dataset, segmentation, key, other_is, name, bytes } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let other = movement::Other { name: &name, bytes: &bytes, is: other_is, key: &key };
                Ok(Response::Movement(Box::new(movement::from_file(ds, segmentation, &other, monitor)?)))
            }
            Request::SetKpis { dataset, kpis } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let extra = ds.transactions.as_ref().map_or(&[][..], |a| a.columns.as_slice());
                let schema = crate::rules::schema_with(&ds.ingested.table, extra);
                // "In the last N days" needs a day to count back from; any will do to check.
                let valid = crate::custom_kpi::check(&kpis, &schema, Some(0))?;
                ds.segmentations.kpis = valid.into_iter().map(|k| k.def).collect();
                Ok(Response::Kpis(ds.segmentations.kpis.clone()))
            }
            Request::KpisFile { dataset } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let set = crate::custom_kpi::KpiSet::new(ds.segmentations.kpis.clone());
                let file = FileOut {
                    name: format!("{}.kpis.json", slug(file_stem(&ds.ingested.table.name))),
                    mime: "application/json".into(),
                    bytes: set.to_json().into_bytes(),
                };
                Ok(Response::Files(manifests::with_manifest(ds, None, Download::KpisFile, vec![file])?))
            }
            Request::OpenKpis { name, bytes } => Ok(Response::Kpis(crate::definitions::read_kpis(&name, &bytes)?.kpis)),
            Request::CountRules { dataset, definition } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let customers = rules::Customers { table: &ds.ingested.table, attached: ds.transactions.as_ref() };
                let (mut view, _) = rules::apply(AssignmentId(u32::MAX), &definition, customers, monitor)?;
                view.assignment = None;
                Ok(Response::Rules(Box::new(view)))
            }
            Request::RenameCluster { dataset, segmentation, cluster, name } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let entry = ds.segmentations.get_mut(segmentation).ok_or(EngineError::UnknownAssignment)?;
                let segmentations::Entry { spec: Spec::Clusters(spec), made, .. } = entry else {
                    return Err(EngineError::UnknownAssignment);
                };
                clusters::rename(spec, made.as_mut(), cluster, &name)?;
                let view = ds.made(segmentation)?.clusters.clone().ok_or(EngineError::UnknownAssignment)?;
                Ok(Response::Clusters(view))
            }
            Request::Forget { dataset } => {
                self.datasets.remove(&dataset);
                Ok(Response::Done)
            }
            Request::SaveProject { dataset, include_data, view } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                Ok(Response::Files(vec![projects::save(ds, include_data, view)?]))
            }
            Request::ReadProject { name, bytes } => {
                let project = crate::project::Project::read(&name, &bytes)?;
                Ok(Response::Project(Box::new(ProjectSummary::of(&name, &project))))
            }
            Request::OpenProject { name, bytes } => Box::pin(self.open_project(name, bytes, monitor, workers)).await,
            Request::RestoreProject { dataset, name, bytes, anyway } => {
                let project = crate::project::Project::read(&name, &bytes)?;
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let differences = projects::differences(&project, ds)?;
                if !differences.is_empty() && !anyway {
                    return Ok(Response::ProjectDiffers { file: name, differences });
                }
                let restored = self.restore_project(dataset, &name, &project, differences, monitor, workers).await?;
                Ok(Response::ProjectRestored(Box::new(restored)))
            }
        }
    }

    /// Opens a project that holds its data: reads them as the project says, attaches its
    /// transactions, and puts its work back.
    async fn open_project(
        &mut self,
        name: String,
        bytes: Vec<u8>,
        monitor: &mut dyn Monitor,
        workers: &mut dyn Workers,
    ) -> Result<Response, EngineError> {
        let project = crate::project::Project::read(&name, &bytes)?;
        drop(bytes);
        let no_data = || crate::project::ProjectError::NoData { file: name.clone(), input: project.input.name.clone() };
        let (input, transactions) = project.data.as_ref().ok_or_else(no_data)?.decode(&name)?;
        let file_name = project.input.name.clone();
        let options = project.read_options.clone();
        let (dataset, attached) = match project.opened {
            Opened::Table => {
                let view = self.open(file_name, input, options, monitor)?;
                let attached = match (&project.transactions, transactions) {
                    (Some(record), Some(bytes)) => {
                        let request = Request::AttachTransactions {
                            dataset: view.id,
                            name: record.file.name.clone(),
                            file: bytes.into(),
                            options: record.read_options.clone(),
                            mapping: Some(record.mapping.clone()),
                        };
                        match Box::pin(self.try_handle(request, monitor, workers)).await {
                            Ok(Response::Attached(a)) => Some(a),
                            Ok(_) => None,
                            Err(e) => {
                                self.datasets.remove(&view.id);
                                return Err(e);
                            }
                        }
                    }
                    _ => None,
                };
                (view, attached)
            }
            Opened::Transactions => {
                let attached =
                    transactions::Attached::standalone(&file_name, input.into(), options, workers, monitor).await?;
                match self.customers_of(attached, monitor)? {
                    Response::Derived { dataset, attached } => (dataset, Some(attached)),
                    _ => return Err(EngineError::UnknownDataset),
                }
            }
        };
        let ds = self.datasets.get(&dataset.id).ok_or(EngineError::UnknownDataset)?;
        let differences = projects::differences(&project, ds)?;
        let mut restored = match self.restore_project(dataset.id, &name, &project, differences, monitor, workers).await
        {
            Ok(r) => r,
            Err(e) => {
                self.datasets.remove(&dataset.id);
                return Err(e);
            }
        };
        restored.dataset = Some(dataset);
        restored.attached = attached;
        Ok(Response::ProjectRestored(Box::new(restored)))
    }

    /// Puts `project`'s segmentations, KPIs and lifetime-value settings on `dataset`.
    async fn restore_project(
        &mut self,
        dataset: DatasetId,
        file: &str,
        project: &crate::project::Project,
        differences: Vec<String>,
        monitor: &mut dyn Monitor,
        workers: &mut dyn Workers,
    ) -> Result<ProjectRestored, EngineError> {
        let mut not_restored = Vec::new();
        if !project.kpis.is_empty() {
            let request = Request::SetKpis { dataset, kpis: project.kpis.clone() };
            if let Err(e) = Box::pin(self.try_handle(request, monitor, workers)).await {
                not_restored.push(format!("The KPIs could not be put back: {e}"));
            }
        }
        let mut next_id = self.next_id;
        let mut fresh = || {
            next_id = next_id.checked_add(1).ok_or(EngineError::OutOfIds)?;
            Ok(AssignmentId(next_id))
        };
        let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
        not_restored.extend(projects::restore(ds, project, file, &mut fresh, monitor)?);
        self.next_id = next_id;
        let mut clv = None;
        if let Some(params) = &project.clv {
            let request = Request::Clv { dataset, params: params.clone(), by: None };
            match Box::pin(self.try_handle(request, monitor, workers)).await {
                Ok(_) => clv = Some(params.clone()),
                Err(e) if e.is_cancelled() => return Err(e),
                Err(e) => not_restored.push(format!("The lifetime value could not be fitted again: {e}")),
            }
        }
        let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
        let store = &ds.segmentations;
        let working = store
            .entries()
            .filter(|e| store.working(e.spec.kind()) == Some(e.id))
            .map(|e| manifests::recipe_of(&e.spec, &e.name))
            .collect();
        Ok(ProjectRestored {
            file: file.to_string(),
            dataset: None,
            attached: None,
            segmentations: store.views(),
            working,
            kpis: store.kpis.clone(),
            clv,
            view: project.view.clone(),
            differences,
            not_restored,
        })
    }

    fn ingest(
        &mut self,
        name: String,
        bytes: Vec<u8>,
        options: ReadOptions,
        monitor: &mut dyn Monitor,
    ) -> Result<Response, EngineError> {
        Ok(Response::Dataset(self.open(name, bytes, options, monitor)?))
    }

    async fn customers_from_transactions(
        &mut self,
        dataset: DatasetId,
        workers: &mut dyn Workers,
        monitor: &mut dyn Monitor,
    ) -> Result<Response, EngineError> {
        let source = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
        let (file, options) = (InputFile::Bytes(Rc::clone(&source.file)), source.options.clone());
        let name = source.ingested.table.name.clone();
        let attached = transactions::Attached::standalone(&name, file, options, workers, monitor).await?;
        self.customers_of(attached, monitor)
    }

    /// A new customers dataset with one row per customer key of `attached`, which is attached to it.
    fn customers_of(
        &mut self,
        mut attached: transactions::Attached,
        monitor: &mut dyn Monitor,
    ) -> Result<Response, EngineError> {
        let mut options = ReadOptions::default();
        options.types.insert(attached.mapping.customer_id.clone(), crate::table::ColumnType::Text);
        let name = format!("customers of {}", attached.ingested.table.name);
        let view = self.open(name, attached.customer_list(monitor)?, options, monitor)?;
        let ds = self.datasets.get_mut(&view.id).ok_or(EngineError::UnknownDataset)?;
        attached.rejoin(&ds.ingested.table)?;
        let attached_view = attached.view();
        ds.transactions = Some(attached);
        ds.opened = Opened::Transactions;
        Ok(Response::Derived { dataset: view, attached: Box::new(attached_view) })
    }

    fn open(
        &mut self,
        name: String,
        bytes: Vec<u8>,
        options: ReadOptions,
        monitor: &mut dyn Monitor,
    ) -> Result<Box<DatasetView>, EngineError> {
        let ingested = read_table(&name, &bytes, &options, monitor)?;
        let id = DatasetId(self.fresh_id()?);
        let view = DatasetView::new(id, &ingested, &options);
        self.datasets.insert(
            id,
            Dataset {
                file: Rc::new(bytes),
                options,
                ingested,
                transactions: None,
                segmentations: Store::default(),
                clv: None,
                opened: Opened::Table,
                sha256: std::cell::OnceCell::new(),
            },
        );
        Ok(Box::new(view))
    }
}

/// The customer table with the segmentation's column(s) appended, as `output_file`, and its
/// manifest beside it (DECISIONS 12); writing reports to `monitor`.
fn csv_files(
    ds: &Dataset,
    assignment: AssignmentId,
    output_file: String,
    download: Download,
    monitor: &mut dyn Monitor,
) -> Result<Vec<FileOut>, EngineError> {
    let stored = &ds.made(assignment)?.stored;
    let a = &stored.assignment;
    let table = &ds.ingested.table;
    let column = segment_column_name(table, "segment");
    let mut csv = Vec::new();
    // Room for the file and the segment column; when that cannot be had, the CSV grows as it is written.
    if let Some(guess) = table.rows().checked_mul(16).and_then(|s| s.checked_add(table.source.bytes.len())) {
        let _ = csv.try_reserve_exact(guess);
    }
    let (column, sizes) = match &stored.flags {
        None => {
            write_annotated_csv(table, a, &column, &mut csv, monitor)?;
            (column, a.sizes())
        }
        Some(flags) => {
            let names: Vec<String> = flags.iter().map(|(n, _)| n.clone()).collect();
            let value = |r: usize, v: &mut Vec<String>| {
                v.extend(flags.iter().map(|(_, f)| f.get(r).copied().unwrap_or(false).to_string()))
            };
            write_appended(table, &names, value, true, &mut csv, monitor)?;
            let total = table.rows().max(1) as f64;
            let sizes = flags
                .iter()
                .map(|(name, f)| {
                    let count = f.iter().filter(|&&b| b).count() as u64;
                    SegmentSize { name: name.clone(), count, share: count as f64 / total }
                })
                .collect();
            (names.join(", "), sizes)
        }
    };
    let appended = manifests::Appended { column, sizes };
    let mut manifest = manifests::manifest(ds, Some(assignment), download, &output_file, Some(appended))?;
    manifest.outputs = vec![crate::export::OutputRecord::of(&output_file, &csv)];
    Ok(vec![
        FileOut {
            name: format!("{output_file}.manifest.json"),
            mime: "application/json".into(),
            bytes: manifest.to_json().into_bytes(),
        },
        FileOut { name: output_file, mime: "text/csv".into(), bytes: csv },
    ])
}

/// One CSV per segment (per rule, for overlapping rules) in the zip `output_file`, with the
/// manifest inside.
fn zip_file(
    ds: &Dataset,
    assignment: AssignmentId,
    output_file: String,
    download: Download,
    monitor: &mut dyn Monitor,
) -> Result<Vec<FileOut>, EngineError> {
    let stored = &ds.made(assignment)?.stored;
    let a = &stored.assignment;
    let table = &ds.ingested.table;
    let column = segment_column_name(table, "segment");
    let (groups, sizes): (Vec<(String, Vec<usize>)>, Vec<SegmentSize>) = match &stored.flags {
        None => (
            a.segments.iter().enumerate().map(|(c, s)| (s.name.clone(), a.rows_in(c as u32).collect())).collect(),
            a.sizes(),
        ),
        Some(flags) => {
            let total = table.rows().max(1) as f64;
            flags
                .iter()
                .map(|(name, f)| {
                    let rows: Vec<usize> = f.iter().enumerate().filter(|(_, &b)| b).map(|(r, _)| r).collect();
                    let size =
                        SegmentSize { name: name.clone(), count: rows.len() as u64, share: rows.len() as f64 / total };
                    ((name.clone(), rows), size)
                })
                .unzip()
        }
    };
    let names = segment_file_names(groups.iter().map(|(n, _)| n.as_str()));
    let files: Vec<SegmentFile> =
        groups.into_iter().zip(names).map(|((segment, rows), name)| SegmentFile { name, segment, rows }).collect();
    let manifest_name = format!("{}.manifest.json", output_file.trim_end_matches(".zip"));
    let appended = manifests::Appended { column: column.clone(), sizes };
    let mut manifest = manifests::manifest(ds, Some(assignment), download, &output_file, Some(appended))?;
    let inside = |written: &[crate::export::OutputRecord]| {
        manifest.outputs = written
            .iter()
            .map(|w| crate::export::OutputRecord { inside: Some(output_file.clone()), ..w.clone() })
            .collect();
        vec![(manifest_name, manifest.to_json().into_bytes())]
    };
    let bytes =
        write_segment_zip(table, &column, &files, inside, std::io::Cursor::new(Vec::new()), monitor)?.into_inner();
    Ok(vec![FileOut { name: output_file, mime: "application/zip".into(), bytes }])
}
