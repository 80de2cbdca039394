//! Segscope's analysis engine: bytes → [`table::Table`] → [`assignment::Assignment`] → files.
//!
//! Pure Rust with no web dependencies, so the same code runs in the browser (wasm), in the
//! `segscope` command-line tool and in plain `cargo test`. The app talks to it only through
//! [`api`]'s request and response types.
#![deny(missing_docs)]
// Arithmetic and indexing on user data cannot wrap or panic (issue #17): checked, or allowed on the
// smallest item with the local proof in a comment. Tests may index and panic.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::panic))]

pub mod api;
pub mod assignment;
pub mod budget;
pub mod cluster;
pub mod clv;
pub mod custom_kpi;
pub mod customers;
pub mod dates;
pub mod definitions;
pub mod export;
pub mod format;
pub mod ingest;
pub mod input;
pub mod movement;
pub mod profile;
pub mod progress;
pub mod project;
pub mod report;
pub mod reproduce;
pub mod rfm;
pub mod rules;
pub mod sample;
pub mod split;
pub mod stats;
pub mod stream;
pub mod table;
pub mod typed;
pub mod waiting;
