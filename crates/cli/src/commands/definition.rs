//! Reading a segment definition file or a cluster model, shared by `apply`, `rfm` and `sql`: the
//! file is read here, and read and checked by the engine's readers
//! ([`segscope_engine::definitions`]), the same the app uses, so a file gets the same sentences in
//! both.

use std::path::Path;

use segscope_engine::cluster::model::ClusterModel;
use segscope_engine::definitions::{read_any, read_cluster_model, read_rfm, read_rules, AnyDefinition, FileProblem};
use segscope_engine::rfm::RfmDefinition;
use segscope_engine::rules::Definition;

use crate::error::{read_file, CliError};

/// Reads a rule definition file (`segscope.segments/1`).
pub fn load_definition(path: &Path) -> Result<Definition, CliError> {
    Ok(read_rules(&path.display().to_string(), &read_file(path)?)?)
}

/// Reads and checks a saved RFM segmentation (`segscope.rfm/1`).
pub fn load_rfm_definition(path: &Path) -> Result<RfmDefinition, CliError> {
    Ok(read_rfm(&path.display().to_string(), &read_file(path)?)?)
}

/// Reads a definition file of either kind, told apart by its `format`.
pub fn load_any_definition(path: &Path) -> Result<AnyDefinition, CliError> {
    Ok(read_any(&path.display().to_string(), &read_file(path)?)?)
}

/// Reads and checks a cluster model (`segscope.cluster-model/1`).
pub fn load_cluster_model(path: &Path) -> Result<ClusterModel, CliError> {
    Ok(read_cluster_model(&path.display().to_string(), &read_file(path)?)?)
}

/// A cluster model given as `--definition`: the reader's sentence says what the file holds; this
/// adds that `segscope <command>` takes it as `--model`.
pub fn model_hint(e: CliError, definition: &Path, command: &str) -> CliError {
    match e {
        CliError::Definition(d) if matches!(&d.problem, FileProblem::WrongFormat { found, .. } if found.starts_with("segscope.cluster-model/")) => {
            CliError::usage(format!("{d} With `segscope {command}`, give it as --model {}.", definition.display()))
        }
        other => other,
    }
}
