//! The manifest beside every file a command writes (`FILE.manifest.json`, issue #17): the engine
//! says what it records ([`Command`]); this hashes the files and writes it.

use std::path::Path;

use segscope_engine::export::{FileRecord, OutputRecord, Sources};
use segscope_engine::ingest::ReadOptions;
use segscope_engine::reproduce::Command;

use crate::error::CliError;
use crate::transaction_args::TransactionArgs;

/// A file's name without its folder (what a manifest records, as the page knows a file).
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The name, size and SHA-256 of the file at `path`.
pub fn record(path: &Path) -> Result<FileRecord, CliError> {
    let failed = |source| CliError::File { path: path.display().to_string(), source };
    FileRecord::read(&file_name(path), std::fs::File::open(path).map_err(failed)?).map_err(failed)
}

/// `sources` with the `--transactions` file attached, read as the command read it (`options`)
/// with the mapping `used`; unchanged without one.
pub fn with_transactions(
    sources: Sources,
    args: &TransactionArgs,
    options: &ReadOptions,
    used: Option<&segscope_engine::customers::TransactionMapping>,
) -> Result<Sources, CliError> {
    Ok(match (&args.transactions, used) {
        (Some(path), Some(mapping)) => sources.with_transactions(record(path)?, options, mapping),
        _ => sources,
    })
}

/// Writes `FILE.manifest.json` beside the file `written`, recording it as `command` made it.
pub fn write_beside(written: &Path, command: &Command) -> Result<(), CliError> {
    let file = record(written)?;
    let output = OutputRecord { name: file.name, inside: None, bytes: file.bytes, sha256: file.sha256 };
    let path = written.with_file_name(format!("{}.manifest.json", file_name(written)));
    std::fs::write(&path, command.manifest(output).to_json())
        .map_err(|source| CliError::File { path: path.display().to_string(), source })
}
