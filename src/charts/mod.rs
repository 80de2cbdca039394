//! Chart drawing functions: data plus any plotters backend, so the same code draws to a canvas
//! in the page and to SVG for downloads.

pub mod distribution;
pub mod scatter;
pub mod segment_sizes;
pub mod xy;
