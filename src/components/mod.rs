//! One visible thing per module.

pub mod canvas_chart;
pub mod chart_backend;
pub mod chart_legend;
pub mod column_list;
pub mod column_select;
pub mod dialect_select;
pub mod distribution_chart;
pub mod drop_zone;
pub mod import_panel;
pub mod preview_table;
pub mod privacy;
pub mod project;
pub mod rules;
pub mod scatter_chart;
pub mod segment_chart;
pub mod split_panel;
pub mod status_bar;
pub mod svg_downloads;
pub mod too_large;
pub mod transactions_panel;
pub mod value;
pub mod xy_chart;
