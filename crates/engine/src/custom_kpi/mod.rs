//! KPIs the user defines (issue #16): an aggregate (count, sum, mean, median, min, max, or the
//! share of customers where a condition holds) of any column of the customer table (with the
//! aggregates of attached transactions), over the customers a condition picks, written with the
//! rule builder's conditions; a name, a format (number, percentage, currency) and optional
//! targets per segment with their progress. A set of them is kept with a dataset's segmentations
//! (`Request::SetKpis`), every profile and report of any segmentation shows them, and they travel
//! as a file (`segscope.kpis/1`, [`KpiSet`]) to other data and to `segscope profile --kpis`.
//!
//! ```
//! use segscope_engine::custom_kpi::{Aggregate, KpiDef, KpiFormat};
//! use segscope_engine::rules::{Condition, Op};
//!
//! let kpi: KpiDef = serde_json::from_str(r#"{"name": "Big spenders", "aggregate": "share",
//!     "where": {"column": "spend", "op": "ge", "value": 500}, "format": "percent",
//!     "targets": [{"segment": "Young", "value": "25%"}]}"#).unwrap();
//! assert_eq!(kpi.aggregate, Aggregate::Share);
//! assert_eq!(kpi.format, KpiFormat::Percent);
//! assert!(matches!(kpi.condition, Some(Condition::Test { ref column, op: Op::Ge { .. } }) if column == "spend"));
//! ```

mod check;
mod compute;
mod definition;
mod errors;

pub use check::{check, ValidKpi, MAX_KPIS};
pub use compute::{compute, for_profile, CustomKpi, CustomKpiTable, KpiData, KpiValue};
pub use definition::{Aggregate, Better, KpiDef, KpiFormat, KpiSet, Target, KPIS_FORMAT};
pub use errors::{KpiError, KpiProblem};
