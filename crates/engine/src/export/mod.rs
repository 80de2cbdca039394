//! Files a user downloads: the data with its segments appended, and the manifest beside it.

mod annotated;
mod errors;
mod manifest;

pub use annotated::{segment_column_name, write_annotated_csv, write_appended};
pub use errors::ExportError;
pub use manifest::{Manifest, MANIFEST_FORMAT};
