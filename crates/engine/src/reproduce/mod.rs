//! Reproducible results (issue #17): the recipe a manifest records, SHA-256 of files, and
//! [`verify`], which re-runs a manifest on its input through [`crate::api::Session`] (the code
//! the page's worker runs) and compares the files it makes, byte for byte, with the hashes the
//! manifest records. `segscope verify` is a thin shell over it.

mod command;
mod errors;
mod hash;
mod recipe;
mod verify;

pub use command::Command;
pub use errors::VerifyError;
pub use hash::{sha256_hex, sha256_of_reader, Hasher};
pub use recipe::{Download, Opened, Recipe, ReportSegments, SegmentationRecipe};
pub(crate) use verify::column_difference;
pub use verify::{
    first_difference, read_manifest, verify, zip_members, Difference, LineDifference, OutputCheck, Verification,
};
