//! Files a user downloads: the data with its segments appended, the manifest beside it, and the
//! tables the engine makes (per-customer scores and values). Writing reports progress and stops
//! when the caller's monitor asks ([`ExportError::Cancelled`]).

mod annotated;
mod errors;
mod manifest;
mod records;
mod segment_files;

pub(crate) use annotated::quote;
pub use annotated::{segment_column_name, write_annotated_csv, write_appended};
pub use errors::ExportError;
pub use manifest::{
    ColumnRecord, FileRecord, Making, Manifest, OutputRecord, Sources, TransactionsRecord, MANIFEST_FORMAT,
    MANIFEST_FORMAT_V1,
};
pub use records::write_records;
pub use segment_files::{segment_file_names, write_segment_zip, SegmentFile};
