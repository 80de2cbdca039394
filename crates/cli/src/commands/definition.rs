//! Reading a segment definition file, shared by `apply` and `sql`.

use std::path::Path;

use segscope_engine::rules::{Definition, RulesError};

use crate::error::{read_file, CliError};

/// Reads and parses a definition file, naming it in errors.
pub fn load_definition(path: &Path) -> Result<Definition, CliError> {
    let bytes = read_file(path)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::usage(format!("{}: a definition file must be UTF-8 JSON.", path.display())))?;
    Definition::from_json(&text)
        .map_err(|e| CliError::Rules { file: path.display().to_string(), source: RulesError::Format(e) })
}

/// A definition file: rule segments or a saved RFM segmentation, told apart by its `format`.
pub enum AnyDefinition {
    /// `segscope.segments/1`.
    Rules(Definition),
    /// `segscope.rfm/1`.
    Rfm(segscope_engine::rfm::RfmDefinition),
}

/// Reads a definition file of either kind.
pub fn load_any_definition(path: &Path) -> Result<AnyDefinition, CliError> {
    let bytes = read_file(path)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::usage(format!("{}: a definition file must be UTF-8 JSON.", path.display())))?;
    let format = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("format").and_then(|f| f.as_str()).map(str::to_string));
    if format.as_deref() == Some(segscope_engine::rfm::FORMAT) {
        let def = serde_json::from_str(&text).map_err(|e| CliError::Rules {
            file: path.display().to_string(),
            source: RulesError::Format(e.to_string()),
        })?;
        return Ok(AnyDefinition::Rfm(def));
    }
    Definition::from_json(&text)
        .map(AnyDefinition::Rules)
        .map_err(|e| CliError::Rules { file: path.display().to_string(), source: RulesError::Format(e) })
}
