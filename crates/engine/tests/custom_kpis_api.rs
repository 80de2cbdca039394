//! The user's KPIs through the boundary: kept with a dataset's segmentations (`SetKpis`), checked
//! there with a sentence per problem, shown by every profile and report, saved and opened as a
//! file, a live count for the editor that makes no segmentation, and a KPI that no longer fits
//! after the transactions are removed said, not fatal.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/session.rs"]
mod session;

use calamine::{Data, Reader, Xlsx};
use segscope_engine::api::{
    Aggregate, AssignmentId, Condition, Definition, KpiDef, KpiFormat, Mode, Op, ProfileOptions, ReportFormat, Request,
    Response, SegmentDef, Session, SplitParams, Target, Typed,
};
use session::{error, ok, split_sample, D};

fn kpi(name: &str, aggregate: Aggregate, column: Option<&str>, condition: Option<Condition>) -> KpiDef {
    KpiDef {
        name: name.into(),
        aggregate,
        column: column.map(str::to_string),
        condition,
        format: aggregate.default_format(),
        better: Default::default(),
        targets: Vec::new(),
    }
}

fn test(column: &str, op: Op) -> Condition {
    Condition::Test { column: column.into(), op }
}

fn kpis() -> Vec<KpiDef> {
    let opted = test("email_opt_in", Op::IsTrue);
    let mut share = kpi("Opted in", Aggregate::Share, None, Some(opted));
    share.targets = vec![Target { segment: "Urban".into(), value: Typed::Text("60%".into()) }];
    let mut revenue = kpi("Revenue", Aggregate::Sum, Some("revenue"), None);
    revenue.format = KpiFormat::Currency;
    vec![share, revenue, kpi("Everyone", Aggregate::Count, None, None)]
}

fn profile(s: &mut Session, segmentation: AssignmentId) -> segscope_engine::api::Profile {
    let options = ProfileOptions::default();
    match ok(s, Request::Profile { dataset: D, segmentation, options }) {
        Response::Profile(p) => *p,
        other => panic!("{other:?}"),
    }
}

#[test]
fn kpis_kept_with_the_segmentations_show_in_every_profile() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    let mut typed = kpis();
    typed[2].condition = Some(test("age", Op::Ge { value: Typed::Text(" 18 ".into()) }));
    let Response::Kpis(kept) = ok(&mut s, Request::SetKpis { dataset: D, kpis: typed }) else { panic!() };
    assert_eq!(kept[0].targets[0].value, Typed::Value(0.6), "kept with the target's number read");
    assert_eq!(kept[2].condition, Some(test("age", Op::Ge { value: Typed::Value(18.into()) })), "and the condition's");
    let p = profile(&mut s, id);
    let custom = p.custom_kpis.as_ref().expect("the KPIs are defined");
    assert!(custom.not_computed.is_empty(), "{:?}", custom.not_computed);
    let built_in = p.kpis.as_ref().unwrap();
    let (revenue, everyone) = (&custom.kpis[1], &custom.kpis[2]);
    for (i, size) in p.segments.iter().enumerate() {
        assert_eq!(everyone.segments[i].value, Some(size.count as f64), "a count without a condition is the size");
        let sum = revenue.segments[i].value.unwrap();
        assert!((sum - built_in.segments[i].revenue).abs() < 1e-6, "the sum of revenue is the built-in revenue");
    }
    let opted = &custom.kpis[0];
    let urban = opted.segments.iter().find(|g| g.segment == "Urban").unwrap();
    assert_eq!(urban.target, Some(0.6));
    assert!(urban.met.is_some() && urban.progress.is_some());
    assert_eq!(opted.description, "share of customers for whom email_opt_in is true");
    // Another segmentation shows them too.
    let split = SplitParams { column: "gender".into(), ..SplitParams::default() };
    let Response::Segmented(view) = ok(&mut s, Request::Split { dataset: D, params: split }) else { panic!() };
    assert_eq!(profile(&mut s, view.id).custom_kpis.unwrap().kpis.len(), 3);
}

#[test]
fn kpis_that_do_not_fit_get_a_sentence_each() {
    let mut s = Session::new();
    split_sample(&mut s);
    let mut bad = vec![
        kpi("Mean name", Aggregate::Mean, Some("gender"), None),
        kpi("", Aggregate::Sum, Some("nope"), None),
        kpi("Share", Aggregate::Share, None, None),
        kpi("Old", Aggregate::Count, None, Some(test("age", Op::Gt { value: Typed::Text("old".into()) }))),
    ];
    bad[0].targets = vec![Target { segment: "Urban".into(), value: Typed::Text("lots".into()) }];
    let message = error(&mut s, Request::SetKpis { dataset: D, kpis: bad });
    assert_eq!(
        message,
        "6 problems with the KPIs:\n  \
         - KPI “Mean name”: the mean of `gender` cannot be taken: it is a categorical column, not a number; choose a number column (or count the customers with a condition on it).\n  \
         - KPI “Mean name”: the target for “Urban” must be a number (got `lots`).\n  \
         - KPI 2: it has no name; give it one (it heads its row in the profile and the report).\n  \
         - KPI 2: there is no column `nope` in this data; choose one of its columns (or the transactions' aggregates, once attached).\n  \
         - KPI “Share”: a share needs a condition (the share of customers for whom it holds); add one.\n  \
         - KPI “Old”: its condition (`age` gt): the value `age` is compared with must be a number (got `old`)."
    );
    let Response::Kpis(kept) = ok(&mut s, Request::SetKpis { dataset: D, kpis: Vec::new() }) else { panic!() };
    assert!(kept.is_empty(), "a refused set changes nothing, and an empty one clears");
}

#[test]
fn kpis_travel_as_a_file() {
    let mut s = Session::new();
    split_sample(&mut s);
    ok(&mut s, Request::SetKpis { dataset: D, kpis: kpis() });
    let Response::Files(files) = ok(&mut s, Request::KpisFile { dataset: D }) else { panic!() };
    assert_eq!(files[0].name, "sample-customers.kpis.json");
    let text = String::from_utf8(files[0].bytes.clone()).unwrap();
    assert!(text.starts_with("{\n  \"format\": \"segscope.kpis/1\""), "{text}");
    assert!(
        text.contains("\"where\": {\n        \"column\": \"email_opt_in\",\n        \"op\": \"is_true\""),
        "{text}"
    );
    let Response::Kpis(read) = ok(&mut s, Request::OpenKpis { name: "k.json".into(), bytes: files[0].bytes.clone() })
    else {
        panic!()
    };
    let Response::Kpis(kept) = ok(&mut s, Request::SetKpis { dataset: D, kpis: kpis() }) else { panic!() };
    assert_eq!(read, kept, "the file opens as the KPIs kept");
    let wrong = error(
        &mut s,
        Request::OpenKpis { name: "k.json".into(), bytes: b"{\"format\": \"segscope.segments/1\"}".to_vec() },
    );
    assert_eq!(wrong, "k.json: it holds rule segments (`segscope.segments/1`), not KPIs (`segscope.kpis/1`); open it as rule segments.");
}

#[test]
fn the_editor_counts_a_condition_without_making_a_segmentation() {
    let mut s = Session::new();
    split_sample(&mut s);
    let Response::Segmentations(before) = ok(&mut s, Request::Segmentations { dataset: D }) else { panic!() };
    let definition = Definition {
        mode: Mode::Overlapping,
        segments: vec![SegmentDef { name: "k".into(), color: None, condition: test("email_opt_in", Op::IsTrue) }],
        ..Definition::default()
    };
    let request = Request::CountRules { dataset: D, definition };
    assert_eq!(request.journal(), segscope_engine::api::Journal::Read);
    let Response::Rules(view) = ok(&mut s, request) else { panic!() };
    assert!(view.assignment.is_none() && view.problems.is_empty());
    assert!(view.counts[0].size.count > 0 && view.counts[0].size.count < 600);
    let Response::Segmentations(after) = ok(&mut s, Request::Segmentations { dataset: D }) else { panic!() };
    assert_eq!(before, after, "no segmentation was made");
}

#[test]
fn a_kpi_that_no_longer_fits_is_said_and_the_rest_still_show() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    ok(&mut s, Request::SetKpis { dataset: D, kpis: kpis() });
    ok(&mut s, Request::Detach { dataset: D });
    let custom = profile(&mut s, id).custom_kpis.unwrap();
    assert_eq!(custom.kpis.len(), 2);
    assert_eq!(
        custom.not_computed,
        ["KPI “Revenue”: there is no column `revenue` in this data; choose one of its columns (or the transactions' aggregates, once attached)."]
    );
}

#[test]
fn reports_show_the_kpis_with_their_targets() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    ok(&mut s, Request::SetKpis { dataset: D, kpis: kpis() });
    let request = |format| Request::ProfileFiles {
        dataset: D,
        segmentation: id,
        options: ProfileOptions::default(),
        niches: None,
        format,
    };
    let Response::Files(html) = ok(&mut s, request(ReportFormat::Html)) else { panic!() };
    let html = String::from_utf8(html[0].bytes.clone()).unwrap();
    assert!(html.contains("<section id=\"custom-kpis\"><h2>Your KPIs</h2>"), "{html}");
    assert!(html.contains("<li><strong>Opted in</strong>: share of customers for whom email_opt_in is true.</li>"));
    assert!(html.contains("of the way to the target (≥ 60.0%)") || html.contains("met (target ≥ 60.0%)"));
    let Response::Files(csv) = ok(&mut s, request(ReportFormat::Csv)) else { panic!() };
    let csv = String::from_utf8(csv[0].bytes.clone()).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("Urban,,Opted in,custom_kpi_target,0.6,")), "{csv}");
    // The workbook has a sheet of them: a row per KPI and group with plain values.
    let Response::Files(xlsx) = ok(&mut s, request(ReportFormat::Xlsx)) else { panic!() };
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx[0].bytes.clone())).unwrap();
    let sheet = book.worksheet_range("Your KPIs").unwrap();
    let header = sheet.rows().position(|r| r.first() == Some(&Data::String("KPI".into()))).unwrap();
    let urban = sheet
        .rows()
        .skip(header + 1)
        .find(|r| {
            r.first() == Some(&Data::String("Opted in".into())) && r.get(1) == Some(&Data::String("Urban".into()))
        })
        .unwrap();
    assert_eq!(urban.get(4), Some(&Data::Float(0.6)), "the target");
    assert!(matches!(urban.get(2), Some(Data::Float(v)) if (0.0..=1.0).contains(v)), "the share: {urban:?}");
}

#[test]
fn kpis_are_replayed_after_a_cancel_like_any_change() {
    let request = Request::SetKpis { dataset: D, kpis: kpis() };
    assert_eq!(request.journal(), segscope_engine::api::Journal::Change);
    assert_eq!(Request::KpisFile { dataset: D }.journal(), segscope_engine::api::Journal::Read);
}
