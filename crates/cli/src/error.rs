//! What the command line reports when a command fails.

use segscope_engine::export::ExportError;
use segscope_engine::ingest::IngestError;
use segscope_engine::sample::SampleError;
use thiserror::Error;

/// A failed command; `Display` is printed after `error: `.
#[derive(Debug, Error)]
pub enum CliError {
    /// A flag or argument is wrong.
    #[error("{0}")]
    Usage(String),
    /// A typed `--as-of` date is not a date: the engine's sentence.
    #[error(transparent)]
    Date(#[from] segscope_engine::dates::DateError),
    /// A file could not be read or written.
    #[error("{path}: {source}. Check the path and that you may read or write it.")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The input could not be read as a table.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// A definition file could not be read (the message names the file).
    #[error(transparent)]
    Definition(#[from] segscope_engine::definitions::DefinitionFileError),
    /// A definition does not fit the data.
    #[error("{file}: {source}")]
    Rules {
        /// The definition file.
        file: String,
        /// What is wrong.
        source: segscope_engine::rules::RulesError,
    },
    /// A KPI file does not fit the data.
    #[error("{file}: {source}")]
    Kpis {
        /// The KPI file.
        file: String,
        /// What is wrong.
        source: segscope_engine::custom_kpi::KpiError,
    },
    /// A clustering cannot be fitted or scanned (the engine's sentence).
    #[error(transparent)]
    Cluster(#[from] segscope_engine::cluster::ClusterError),
    /// Applying segments to a file failed.
    #[error(transparent)]
    Stream(#[from] segscope_engine::stream::StreamError),
    /// The sample could not be generated.
    #[error(transparent)]
    Sample(#[from] SampleError),
    /// A report could not be written.
    #[error(transparent)]
    Report(#[from] segscope_engine::report::ReportError),
    /// A manifest could not be read or re-run (the engine's sentence).
    #[error(transparent)]
    Verify(#[from] segscope_engine::reproduce::VerifyError),
    /// An output could not be written (other than a failed write, which is [`CliError::File`]).
    #[error(transparent)]
    Export(#[from] ExportError),
}

impl CliError {
    /// A usage error with the given message.
    pub fn usage(message: String) -> Self {
        CliError::Usage(message)
    }

    /// The process exit code: 2 for usage errors, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Date(_) => 2,
            _ => 1,
        }
    }
}

/// Reads a whole input file, naming it in the error.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::File { path: path.display().to_string(), source })
}

/// Creates an output file, naming it in the error.
pub fn create_file(path: &std::path::Path) -> Result<std::io::BufWriter<std::fs::File>, CliError> {
    std::fs::File::create(path)
        .map(std::io::BufWriter::new)
        .map_err(|source| CliError::File { path: path.display().to_string(), source })
}

/// What writing the output file `path` failed with: a failed write names the file, as
/// [`create_file`]'s errors do.
pub fn write_failed(path: &str, e: ExportError) -> CliError {
    match e {
        ExportError::Io(source) => CliError::File { path: path.to_string(), source },
        other => CliError::Export(other),
    }
}
