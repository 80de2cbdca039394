//! Templates: what the sample data supports, and that each builds a definition that applies.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::templates::{build, suggest, Template};
use segscope_engine::rules::{check, default_as_of, evaluate, schema_of};
use segscope_engine::sample::{sample_csv, SampleParams};
use segscope_engine::table::Table;

fn sample() -> Table {
    let (customers, _) =
        sample_csv(&SampleParams { customers: 2_000.into(), ..SampleParams::default() }.check().unwrap()).unwrap();
    read_table("customers.csv", &customers, &ReadOptions::default(), &mut Quiet).unwrap().table
}

fn counts(template: &Template, table: &Table) -> Vec<(String, u64)> {
    let def = build(template, &table.columns.iter().collect::<Vec<_>>());
    let valid = check(&def, &schema_of(table), default_as_of(&def, table)).unwrap_or_else(|e| panic!("{e}"));
    evaluate(&valid, table, &mut Quiet).unwrap().assignment.sizes().into_iter().map(|s| (s.name, s.count)).collect()
}

#[test]
fn the_sample_supports_the_demographic_and_geographic_templates() {
    let t = sample();
    let labels: Vec<String> = suggest(&t.columns.iter().collect::<Vec<_>>()).into_iter().map(|s| s.label).collect();
    for wanted in
        ["Age bands", "Gender", "Marital status", "Country", "Region", "Urban / suburban / rural", "Life stage"]
    {
        assert!(labels.iter().any(|l| l.starts_with(wanted)), "{wanted} missing from {labels:#?}");
    }
    for s in suggest(&t.columns.iter().collect::<Vec<_>>()) {
        let c = counts(&s.template, &t);
        assert_eq!(c.iter().map(|x| x.1).sum::<u64>(), 2_000, "{}", s.label);
    }
}

#[test]
fn age_bands_follow_the_stated_edges() {
    let t =
        read_table("t.csv", b"id,age\n1,17\n2,18\n3,24\n4,25\n5,64\n6,65\n7,\n", &ReadOptions::default(), &mut Quiet)
            .unwrap()
            .table;
    let c = counts(&Template::AgeBands { age: "age".into() }, &t);
    let n = |name: &str| c.iter().find(|x| x.0 == name).unwrap().1;
    assert_eq!((n("18–24"), n("25–34"), n("55–64"), n("65+"), n("Under 18 or unknown")), (2, 1, 1, 1, 2));
}

#[test]
fn life_stage_uses_the_mapped_columns() {
    let t = read_table(
        "t.csv",
        b"id,age,status,kids\n1,70,Single,0\n2,30,Married,2\n3,50,Married,0\n4,30,Partnered,0\n5,30,Single,0\n",
        &ReadOptions::default(),
        &mut Quiet,
    )
    .unwrap()
    .table;
    let template = Template::LifeStage {
        age: "age".into(),
        marital: "status".into(),
        partnered: vec!["Married".into(), "Partnered".into()],
        children: Some("kids".into()),
    };
    let def = build(&template, &t.columns.iter().collect::<Vec<_>>());
    let valid = check(&def, &schema_of(&t), None).unwrap();
    let r = evaluate(&valid, &t, &mut Quiet).unwrap();
    let got: Vec<&str> = (0..5).map(|i| r.assignment.segment_of(i).unwrap()).collect();
    assert_eq!(got, ["Retired", "Family with children", "Empty nester", "Couple", "Single"]);
}

#[test]
fn company_size_and_lifecycle_bands() {
    let t = read_table(
        "t.csv",
        b"id,employees,first_order_date,last_order_date\n1,5,2024-11-20,2024-12-30\n2,12,2023-01-01,2024-12-01\n3,300,2022-01-01,2024-08-01\n4,60,2020-01-01,2023-01-01\n5,,,\n",
        &ReadOptions::default(),
        &mut Quiet,
    )
    .unwrap()
    .table;
    let labels: Vec<String> = suggest(&t.columns.iter().collect::<Vec<_>>()).into_iter().map(|s| s.label).collect();
    assert!(
        labels.iter().any(|l| l.starts_with("Company size")) && labels.iter().any(|l| l.starts_with("Lifecycle")),
        "{labels:?}"
    );
    let size = counts(&Template::CompanySize { employees: "employees".into() }, &t);
    assert_eq!(size.iter().map(|x| x.1).collect::<Vec<_>>(), [1, 1, 1, 1, 1]);
    // As of 2024-12-31 (the day after the latest order): new ≤ 90 days since first order, active ≤ 90
    // days since last, at risk ≤ 180, lapsed older, and no purchases.
    let lc = counts(
        &Template::Lifecycle {
            first_order: "first_order_date".into(),
            last_order: "last_order_date".into(),
            new_days: 90,
            active_days: 90,
            at_risk_days: 180,
        },
        &t,
    );
    assert_eq!(
        lc,
        [
            ("New".into(), 1),
            ("Active".into(), 1),
            ("At risk".into(), 1),
            ("Lapsed".into(), 1),
            ("No purchases".into(), 1)
        ]
    );
}
