//! Reading a segment definition file, shared by `apply` and `sql`.

use std::path::Path;

use segscope_engine::rules::{Definition, RulesError};

use crate::error::{read_file, CliError};

/// Reads and parses a definition file, naming it in errors.
pub fn load_definition(path: &Path) -> Result<Definition, CliError> {
    let bytes = read_file(path)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::usage(format!(
            "{}: a definition file must be UTF-8 JSON.",
            path.display()
        ))
    })?;
    Definition::from_json(&text).map_err(|e| CliError::Rules {
        file: path.display().to_string(),
        source: RulesError::Format(e),
    })
}
