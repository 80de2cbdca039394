//! One folder or file per workspace of the app shell: presentation only.

pub mod clusters;
pub mod profiles;
pub mod segmentations;
