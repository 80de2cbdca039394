//! One module per subcommand: argument parsing into engine parameters, and output.

pub mod convert;
pub mod inspect;
pub mod sample;
