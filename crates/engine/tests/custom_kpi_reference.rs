//! The user's KPIs ([`segscope_engine::custom_kpi`]) on the built-in sample (2,000 customers,
//! default seed, transactions aggregated; the file `profile_reference.rs` reads) segmented by
//! `life_stage`, against pandas 3.1.1 (the version is in the JSON):
//! `tests/data/profile/make_custom_kpi_reference.py` wrote each KPI of
//! `tests/data/profile/custom_kpis.json` again as a pandas mask and aggregate (count, sum, mean,
//! median, min, max, share) and made `custom_kpi_reference.json`.
//!
//! Tolerance: 1e-12 relative.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::assignment::{Assignment, Segment};
use segscope_engine::custom_kpi::{compute, CustomKpiTable, KpiData};
use segscope_engine::definitions::read_kpis;
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::table::Table;
use serde_json::Value;

fn table() -> Table {
    let bytes = include_bytes!("data/profile/profile_customers.csv");
    read_table("profile_customers.csv", bytes, &ReadOptions::default(), &mut Quiet).unwrap().table
}

fn segmentation(table: &Table, reference: &Value) -> Assignment {
    let names: Vec<String> =
        reference["segments"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
    let column = table.column(reference["segment_column"].as_str().unwrap()).unwrap();
    let codes = (0..table.rows())
        .map(|r| names.iter().position(|n| Some(n.as_str()) == column.data.label(r)).unwrap() as u32)
        .collect();
    Assignment { title: "Life stage".into(), segments: names.into_iter().map(|name| Segment { name }).collect(), codes }
}

/// The KPIs of `custom_kpis.json` on the sample by life stage (amounts in `currency`), and the reference.
fn computed(currency: Option<&str>) -> (CustomKpiTable, Value) {
    let reference: Value = serde_json::from_str(include_str!("data/profile/custom_kpi_reference.json")).unwrap();
    let set = read_kpis("custom_kpis.json", include_bytes!("data/profile/custom_kpis.json")).unwrap();
    let table = table();
    let assignment = segmentation(&table, &reference);
    let data = KpiData { table: &table, extra: &[], latest_transaction: None, as_of: None, currency };
    (compute(&set.kpis, &data, &assignment, &mut Quiet).unwrap(), reference)
}

#[test]
fn every_aggregate_with_conditions_matches_pandas() {
    let (result, reference) = computed(None);
    assert!(result.not_computed.is_empty(), "{:?}", result.not_computed);
    let expected = reference["kpis"].as_array().unwrap();
    assert_eq!(result.kpis.len(), expected.len());
    for (kpi, want) in result.kpis.iter().zip(expected) {
        assert_eq!(kpi.definition.name, want["name"].as_str().unwrap());
        for group in kpi.segments.iter().chain(std::iter::once(&kpi.all)) {
            let what = format!("{} for {}", kpi.definition.name, group.segment);
            let w = &want["values"][group.segment.as_str()];
            match (group.value, w.as_f64()) {
                (Some(got), Some(w)) => {
                    let ok = if w == 0.0 { got == 0.0 } else { (got - w).abs() <= 1e-12 * w.abs() };
                    assert!(ok, "{what}: {got}, pandas {w}");
                }
                (got, _) => assert!(got.is_none() && w.is_null(), "{what}: {got:?}, pandas {w}"),
            }
        }
    }
}

#[test]
fn targets_show_how_far_each_segment_is() {
    let (result, _) = computed(Some("€"));
    let urban = &result.kpis[0];
    let single = urban.segments.iter().find(|g| g.segment == "Single").unwrap();
    let retired = urban.segments.iter().find(|g| g.segment == "Retired").unwrap();
    assert_eq!(single.target, Some(50_000.0));
    assert_eq!(single.met, Some(false));
    assert!((single.progress.unwrap() - single.value.unwrap() / 50_000.0).abs() < 1e-15);
    assert_eq!(urban.target_words(single, Some("€")).unwrap(), "78.4% of the way to the target (≥ €50,000)");
    assert_eq!(retired.target, Some(45_000.0), "a target typed as text reads");
    let couple = urban.segments.iter().find(|g| g.segment == "Couple").unwrap();
    assert_eq!((couple.target, couple.progress, couple.met), (None, None, None), "no target, no progress");
    let opted = &result.kpis[2];
    assert_eq!(opted.all.target, Some(0.4), "40% reads as 0.4 for a percentage KPI");
    assert_eq!(opted.all.met, Some(true));
    assert_eq!(opted.target_words(&opted.all, None).unwrap(), "met (target ≥ 40.0%)");
    assert_eq!(opted.show_value(&opted.all, None), "51.1%");
}
