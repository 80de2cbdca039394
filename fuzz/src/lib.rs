//! Shared pieces of the fuzz targets in `fuzz_targets/`: read options, cells and transactions
//! built from arbitrary bytes ([`arbitrary`]), written out as the files a user would open, and the
//! comparisons the differential targets make. Every target must never panic on any input; an
//! error from the engine is a fine answer.

pub mod cells;
pub mod compare;
pub mod options;
pub mod transactions;
