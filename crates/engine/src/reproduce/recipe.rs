//! How a download was made, as the manifest records it: which file was opened and how, the
//! segmentation's full spec (parameters, seed, definition, map, as-of date), the settings that
//! shaped the file (KPIs, a CLV fit) and the request that wrote it. [`super::verify`] replays it
//! through [`crate::api::Session`], the code the page's worker runs, so the same recipe gives the
//! same bytes in the page and on the command line.

use serde::{Deserialize, Serialize};

use crate::api::SegmentationFiles;
use crate::cluster::params::ClusterParams;
use crate::clv::ClvParams;
use crate::custom_kpi::KpiDef;
use crate::customers::TransactionMapping;
use crate::profile::{NicheParams, ProfileOptions};
use crate::report::ReportFormat;
use crate::rfm::{RfmMap, RfmParams};
use crate::rules::sql::Dialect;
use crate::rules::Definition;
use crate::split::SplitParams;

/// Everything needed to make a download again from its input file(s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// What the input file was opened as.
    pub opened: Opened,
    /// For a transactions file opened alone: the columns it was read with (the mapping is set to
    /// them when it is opened again, if the guess differs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<TransactionMapping>,
    /// The segmentation the download is of, when it is of one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segmentation: Option<SegmentationRecipe>,
    /// The user's KPIs kept with the data (they appear in profiles and reports).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kpis: Vec<KpiDef>,
    /// The lifetime-value fit in place (its predictions appear in CLV files, profiles and reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clv: Option<ClvParams>,
    /// The request that wrote the files.
    pub download: Download,
    /// The names the files were written under, in the order the download makes them (its
    /// manifest left out), when they are not the download's own: the command line writes where it
    /// is told. Empty for the page's downloads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub written_as: Vec<String>,
}

/// What the input file was opened as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Opened {
    /// A customer table (the manifest's `transactions`, when present, were attached to it).
    Table,
    /// A transactions file with no customers file: the customers are its keys.
    Transactions,
}

/// A segmentation's full spec, enough to make it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SegmentationRecipe {
    /// Split by one column.
    Split {
        /// The name the user sees (files are named after it).
        name: String,
        /// The split's parameters, as checked.
        params: SplitParams,
    },
    /// Rule segments.
    Rules {
        /// The name the user sees.
        name: String,
        /// The definition as applied.
        definition: Box<Definition>,
    },
    /// RFM scores and named segments.
    Rfm {
        /// The name the user sees.
        name: String,
        /// Scoring settings, as checked.
        params: RfmParams,
        /// The segment map.
        map: RfmMap,
        /// The as-of date typed (`None`: the day after the last transaction; the date used is the
        /// manifest's `as_of`).
        as_of: Option<String>,
    },
    /// Clusters, fitted again with the same settings and seed.
    Clusters {
        /// The name the user sees.
        name: String,
        /// Features, method, seed and the rest, as checked.
        params: ClusterParams,
        /// Clusters.
        k: usize,
        /// The clusters' names, in order (the user may have renamed them).
        names: Vec<String>,
    },
}

impl SegmentationRecipe {
    /// The kind of segmentation it makes.
    pub fn kind(&self) -> crate::api::SegmentationKind {
        use crate::api::SegmentationKind;
        match self {
            SegmentationRecipe::Split { .. } => SegmentationKind::Split,
            SegmentationRecipe::Rules { .. } => SegmentationKind::Rules,
            SegmentationRecipe::Rfm { .. } => SegmentationKind::Rfm,
            SegmentationRecipe::Clusters { .. } => SegmentationKind::Clusters,
        }
    }

    /// The segmentation's name.
    pub fn name(&self) -> &str {
        match self {
            SegmentationRecipe::Split { name, .. }
            | SegmentationRecipe::Rules { name, .. }
            | SegmentationRecipe::Rfm { name, .. }
            | SegmentationRecipe::Clusters { name, .. } => name,
        }
    }
}

/// The request that wrote a download (the same fields as the [`crate::api::Request`] of that name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Download {
    /// A segmentation's files (CSV, zip, definition or SQL).
    SegmentationFiles {
        /// Which files.
        files: SegmentationFiles,
    },
    /// The customer table with the segment column (the split, rules and RFM workspaces' CSV).
    ExportCsv,
    /// The RFM per-customer table, or its definition and SQL.
    RfmFiles {
        /// `None` for the per-customer CSV.
        dialect: Option<Dialect>,
        /// The customers table's name in the SQL.
        customers_table: String,
        /// The transactions table's name in the SQL.
        transactions_table: String,
    },
    /// The CLV per-customer table and the fitted parameters.
    ClvFiles,
    /// A segmentation's report.
    ProfileFiles {
        /// The profile's settings.
        options: Box<ProfileOptions>,
        /// The niche search's settings.
        niches: Option<NicheParams>,
        /// The format.
        format: ReportFormat,
    },
    /// A rule definition saved as a file.
    SaveDefinition {
        /// The definition.
        definition: Box<Definition>,
    },
    /// A rule definition as warehouse SQL.
    RulesSql {
        /// The definition.
        definition: Box<Definition>,
        /// The dialect.
        dialect: Dialect,
        /// The customers table's name.
        table: String,
        /// The transactions table's name.
        transactions_table: Option<String>,
    },
    /// The KPIs as a file.
    KpisFile,
    /// The command line's `segscope rfm` table when its as-of date is before some customers'
    /// first transaction: it leaves them out (the page's table lists them, with no purchases).
    /// Made again by [`crate::stream::rfm_from_transactions`] with the recipe's RFM settings.
    RfmTable,
    /// The command line's `segscope apply` with a saved RFM segmentation (the recipe's): the input
    /// with each customer's segment appended as `rfm_segment`, from the manifest's transactions.
    /// Made again by [`crate::stream::apply_rfm`], as the command line makes it.
    RfmColumn,
    /// The input with each row's cluster appended as `cluster` (empty for a row left out): the
    /// command line's `segscope cluster --output` (the recipe's clustering, fitted again), or
    /// `segscope apply --model` (the manifest's model). Made again as the command line makes it.
    ClusterColumn,
    /// The command line's `segscope cluster --report`: the recipe's clustering fitted again, and
    /// its report (JSON: the scores, sizes, names, centres and profiles).
    ClusterReport,
    /// The command line's `segscope cluster --scan --report`: each k's scores and the
    /// recommendation (JSON).
    ScanReport {
        /// The features and settings, as checked.
        params: ClusterParams,
        /// The smallest k scanned.
        min_k: usize,
        /// The largest k scanned.
        max_k: usize,
    },
    /// The command line's `segscope profile` on segments the page does not make: a column of the
    /// input that holds them, or the manifest's cluster model (fitted on other data).
    SegmentReport {
        /// Where the segments come from.
        segments: ReportSegments,
        /// The profile's settings.
        options: Box<ProfileOptions>,
        /// The niche search's settings.
        niches: Option<NicheParams>,
        /// The format.
        format: ReportFormat,
    },
}

/// Where the segments of a [`Download::SegmentReport`] come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum ReportSegments {
    /// A column of the input that holds each customer's segment (one segment per value).
    Column {
        /// The column.
        column: String,
    },
    /// The manifest's cluster model: each customer in its nearest cluster.
    Model,
}

impl Download {
    /// True for the files only the command line writes: made again by the engine functions the
    /// command line runs, not through [`crate::api::Session`].
    pub fn command_line_only(&self) -> bool {
        matches!(
            self,
            Download::RfmTable
                | Download::RfmColumn
                | Download::ClusterColumn
                | Download::ClusterReport
                | Download::ScanReport { .. }
                | Download::SegmentReport { .. }
        )
    }
}
