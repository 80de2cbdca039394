//! One module per subcommand: argument parsing into engine parameters, and output.

pub mod apply;
pub mod cluster;
pub mod clv;
pub mod convert;
pub mod definition;
pub mod inspect;
pub mod movement;
pub mod profile;
pub mod rfm;
pub mod sample;
pub mod segment_source;
pub mod sql;
pub mod verify;
