//! Chart drawing functions: data plus any plotters backend, so the same code draws to a canvas
//! in the page (the app) and to SVG for downloads and the HTML report (the engine, the command line).

pub mod contrast;
pub mod distribution;
pub mod heatmap;
pub mod index;
pub mod markers;
pub mod numbers;
pub mod scatter;
pub mod segment_sizes;
pub mod svg;
pub mod treemap;
pub mod xy;
