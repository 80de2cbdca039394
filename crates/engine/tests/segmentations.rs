//! Segmentations as first-class things: split, rules and RFM all land in one list per dataset,
//! can be renamed, duplicated, deleted and made current, download from one place, are made again
//! (or marked stale with the reason) when the data changes, and CLV is summarised by any of them.
//! A request its monitor cancels leaves the dataset and every segmentation as they were.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/monitor.rs"]
mod monitor;

#[path = "support/session.rs"]
mod session;

use monitor::CancelAfter;
use segscope_engine::api::{
    AssignmentId, DatasetId, Request, Response, SegmentationFiles, SegmentationKind, SegmentationView, Session,
};
use segscope_engine::clv::ClvParams;
use segscope_engine::ingest::ReadOptions;
use segscope_engine::progress::{Quiet, CANCELLED};
use segscope_engine::rfm::RfmParams;
use segscope_engine::rules::sql::Dialect;
use segscope_engine::rules::Definition;
use segscope_engine::sample::SampleParams;
use segscope_engine::split::SplitParams;
use segscope_engine::table::ColumnType;
use session::ok;

const D: DatasetId = DatasetId(1);

fn definition(name: &str) -> Definition {
    let path = format!("{}/../../examples/segments/{name}", env!("CARGO_MANIFEST_DIR"));
    Definition::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn lifestyle() -> Definition {
    definition("sample-lifestyle.json")
}

fn list(s: &mut Session) -> Vec<SegmentationView> {
    match ok(s, Request::Segmentations { dataset: D }) {
        Response::Segmentations(v) => v,
        other => panic!("{other:?}"),
    }
}

/// The names and bytes of the files a request answers with.
fn files(s: &mut Session, request: Request) -> Vec<(String, Vec<u8>)> {
    match ok(s, request) {
        Response::Files(f) => f.into_iter().map(|f| (f.name, f.bytes)).collect(),
        other => panic!("{other:?}"),
    }
}

/// The sample with transactions, and one segmentation of each kind: (split, rules, rfm) ids.
fn three_kinds(s: &mut Session) -> (AssignmentId, AssignmentId, AssignmentId) {
    let params = SampleParams { customers: 800.into(), ..SampleParams::default() };
    ok(s, Request::LoadSample { params: params.clone() });
    ok(s, Request::AttachSampleTransactions { dataset: D, params });
    let Response::Segmented(split) =
        ok(s, Request::Split { dataset: D, params: SplitParams { column: "region".into(), ..SplitParams::default() } })
    else {
        panic!()
    };
    let Response::Rules(rules) = ok(s, Request::ApplyRules { dataset: D, definition: lifestyle() }) else { panic!() };
    let Response::Rfm(rfm) = ok(s, Request::Rfm { dataset: D, params: RfmParams::default(), map: None, as_of: None })
    else {
        panic!()
    };
    (split.id, rules.assignment.unwrap(), rfm.assignment)
}

#[test]
fn every_workspace_adds_to_one_list_in_the_order_made() {
    let mut s = Session::new();
    let (split, rules, rfm) = three_kinds(&mut s);
    let l = list(&mut s);
    let kinds: Vec<_> = l.iter().map(|v| (v.id, v.kind, v.name.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (split, SegmentationKind::Split, "Split by region (44 values)"),
            (rules, SegmentationKind::Rules, "Life stage and engagement"),
            (rfm, SegmentationKind::Rfm, "RFM segments"),
        ]
    );
    assert!(l[2].current, "the latest made is current");
    assert!(l.iter().all(|v| v.rows == 800 && v.stale.is_none() && v.working));
    assert_eq!(l[1].segments, 6, "five segments and the remainder");
    assert!(l[1].unassigned > 0 && l[1].unassigned < 800, "the remainder is unassigned");
    assert!(l[2].unassigned > 0, "customers without purchases are unassigned in RFM");
    assert_eq!(l[0].unassigned, 0);
    assert!(!l[0].has_definition && l[1].has_definition && l[2].has_definition);
}

#[test]
fn a_live_recount_updates_the_same_segmentation_and_keeps_its_new_name() {
    let mut s = Session::new();
    let (_, rules, _) = three_kinds(&mut s);
    ok(&mut s, Request::RenameSegmentation { dataset: D, segmentation: rules, name: "Lifestyle Q1".into() });
    let mut edited = lifestyle();
    edited.segments.truncate(2);
    let Response::Rules(v) = ok(&mut s, Request::ApplyRules { dataset: D, definition: edited }) else { panic!() };
    assert_eq!(v.assignment, Some(rules), "the same id");
    let l = list(&mut s);
    assert_eq!(l.len(), 3);
    let r = l.iter().find(|v| v.id == rules).unwrap();
    assert_eq!((r.name.as_str(), r.segments), ("Lifestyle Q1", 3));
    // An empty name is refused with a sentence.
    let Response::Error { message } =
        s.handle(Request::RenameSegmentation { dataset: D, segmentation: rules, name: "  ".into() }, &mut Quiet)
    else {
        panic!()
    };
    assert_eq!(message, "A segmentation needs a name; type one.");
}

#[test]
fn a_duplicate_stays_as_it_was_when_its_workspace_edits_on() {
    let mut s = Session::new();
    let (_, rules, _) = three_kinds(&mut s);
    let Response::Segmentations(l) = ok(&mut s, Request::DuplicateSegmentation { dataset: D, segmentation: rules })
    else {
        panic!()
    };
    let copy = l.last().unwrap().clone();
    assert_eq!(copy.name, "Life stage and engagement (copy)");
    assert!(copy.current && !copy.working);
    let mut edited = lifestyle();
    edited.segments.truncate(1);
    ok(&mut s, Request::ApplyRules { dataset: D, definition: edited });
    let l = list(&mut s);
    assert_eq!(l.iter().find(|v| v.id == rules).unwrap().segments, 2);
    assert_eq!(l.iter().find(|v| v.id == copy.id).unwrap().segments, 6, "the copy is unchanged");
    // Delete it; the current one moves to the latest left.
    ok(&mut s, Request::DeleteSegmentation { dataset: D, segmentation: copy.id });
    let l = list(&mut s);
    assert_eq!(l.len(), 3);
    ok(&mut s, Request::SetCurrentSegmentation { dataset: D, segmentation: rules });
    assert!(list(&mut s).iter().find(|v| v.id == rules).unwrap().current);
}

/// The numbers a workspace sends as typed are recorded as the checked plain numbers (the manifest's
/// spec, the definition download), never the text.
#[test]
fn typed_numbers_are_recorded_as_plain_numbers() {
    use segscope_engine::api::Typed;
    use segscope_engine::rfm::Method;
    let mut s = Session::new();
    three_kinds(&mut s);
    let params = SplitParams { column: "age".into(), bands: Typed::Text(" 3 ".into()), ..SplitParams::default() };
    let Response::Segmented(split) = ok(&mut s, Request::Split { dataset: D, params }) else { panic!() };
    let Response::Files(files) =
        ok(&mut s, Request::SegmentationFiles { dataset: D, segmentation: split.id, files: SegmentationFiles::Csv })
    else {
        panic!()
    };
    let manifest: serde_json::Value = serde_json::from_slice(&files[0].bytes).unwrap();
    assert_eq!(manifest["segmentation"]["params"]["bands"], 3, "{}", manifest["segmentation"]);
    fn text<T>(t: &str) -> Typed<T> {
        Typed::Text(t.to_string())
    }
    let method = Method::Thresholds { r: text("30; 90"), f: text("2, 4"), m: text("50 100") };
    let params = RfmParams { bins: text("3"), method, ..RfmParams::default() };
    let Response::Rfm(rfm) = ok(&mut s, Request::Rfm { dataset: D, params, map: None, as_of: None }) else { panic!() };
    assert_eq!((rfm.bins, &rfm.params.bins), (3, &Typed::Value(3)));
    let Response::Files(files) = ok(
        &mut s,
        Request::SegmentationFiles { dataset: D, segmentation: rfm.assignment, files: SegmentationFiles::Definition },
    ) else {
        panic!()
    };
    let saved: serde_json::Value = serde_json::from_slice(&files[0].bytes).unwrap();
    assert_eq!(saved["params"]["bins"], 3);
    assert_eq!(
        saved["params"]["method"],
        serde_json::json!({"kind": "thresholds", "r": [30.0, 90.0], "f": [2.0, 4.0], "m": [50.0, 100.0]})
    );
    let clv = ClvParams {
        horizon_months: text("6"),
        discount_monthly: text("2%"),
        margin: Some(text("30%")),
        ..ClvParams::default()
    };
    let Response::Clv(v) = ok(&mut s, Request::Clv { dataset: D, params: clv, by: None }) else { panic!() };
    assert_eq!((&v.params.horizon_months, &v.params.discount_monthly), (&Typed::Value(6), &Typed::Value(0.02)));
    let Response::Files(files) = ok(&mut s, Request::ClvFiles { dataset: D }) else { panic!() };
    let json: serde_json::Value = serde_json::from_slice(&files[1].bytes).unwrap();
    assert_eq!(json["settings"]["horizon_months"], 6);
    assert_eq!(json["settings"]["discount_monthly"], 0.02);
    assert_eq!(json["settings"]["margin"], 0.3);
}

#[test]
fn every_segmentation_downloads_its_csv_with_manifest_and_its_definition_and_sql_where_it_has_them() {
    let mut s = Session::new();
    let (split, rules, rfm) = three_kinds(&mut s);
    for id in [split, rules, rfm] {
        let Response::Files(files) =
            ok(&mut s, Request::SegmentationFiles { dataset: D, segmentation: id, files: SegmentationFiles::Csv })
        else {
            panic!()
        };
        let names: Vec<_> = files.iter().map(|f| f.name.as_str()).collect();
        let csv = files.iter().find(|f| f.name.ends_with(".csv")).unwrap();
        assert!(names.contains(&format!("{}.manifest.json", csv.name).as_str()), "{names:?}");
        assert_eq!(String::from_utf8_lossy(&csv.bytes).lines().count(), 801, "{names:?}");
    }
    let Response::Error { message } = s.handle(
        Request::SegmentationFiles { dataset: D, segmentation: split, files: SegmentationFiles::Definition },
        &mut Quiet,
    ) else {
        panic!()
    };
    assert!(message.contains("has no definition or SQL"), "{message}");
    for id in [rules, rfm] {
        let def = ok(
            &mut s,
            Request::SegmentationFiles { dataset: D, segmentation: id, files: SegmentationFiles::Definition },
        );
        let sql = ok(
            &mut s,
            Request::SegmentationFiles {
                dataset: D,
                segmentation: id,
                files: SegmentationFiles::Sql { dialect: Dialect::Postgres },
            },
        );
        let (Response::Files(def), Response::Files(sql)) = (def, sql) else { panic!() };
        // Each with its manifest beside it.
        assert!(def.len() == 2 && def[0].name.ends_with(".json"), "{:?}", def[0].name);
        assert!(sql.len() == 2 && sql[0].name.ends_with(".postgres.sql"), "{:?}", sql[0].name);
        assert_eq!(sql[1].name, format!("{}.manifest.json", sql[0].name));
    }
}

/// The zip for campaign tools: one CSV per segment, each the customers file's header and that
/// segment's rows as they were read, with the segment column; together every row once; the manifest inside.
#[test]
fn every_segmentation_downloads_one_csv_per_segment_in_a_zip() {
    use std::io::Read;
    let mut s = Session::new();
    let (split, rules, rfm) = three_kinds(&mut s);
    let Response::Files(whole) =
        ok(&mut s, Request::SegmentationFiles { dataset: D, segmentation: split, files: SegmentationFiles::Csv })
    else {
        panic!()
    };
    let whole = whole.iter().find(|f| f.name.ends_with(".csv")).unwrap();
    let whole_lines: Vec<String> = String::from_utf8_lossy(&whole.bytes).lines().map(str::to_string).collect();
    for id in [split, rules, rfm] {
        let got =
            files(&mut s, Request::SegmentationFiles { dataset: D, segmentation: id, files: SegmentationFiles::Zip });
        assert_eq!(got.len(), 1);
        assert!(got[0].0.ends_with(".zip"), "{}", got[0].0);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(got[0].1.clone())).unwrap();
        let names: Vec<String> = zip.file_names().map(str::to_string).collect();
        assert!(names.iter().any(|n| n.ends_with(".manifest.json")), "{names:?}");
        let mut rows = 0;
        for name in names.iter().filter(|n| n.ends_with(".csv")) {
            let mut text = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert!(lines[0].starts_with("customer_id,") && lines[0].ends_with(",segment"), "{}", lines[0]);
            let segment = lines.get(1).map(|l| l.rsplit(',').next().unwrap().to_string());
            assert!(
                lines[1..].iter().all(|l| Some(l.rsplit(',').next().unwrap().to_string()) == segment),
                "{name}: one segment a file"
            );
            rows += lines.len() - 1;
        }
        assert_eq!(rows, 800, "every customer once");
        if id == split {
            // Each row's bytes are the whole download's row (the split's segment column included).
            let mut text = String::new();
            let first = names.iter().find(|n| n.ends_with(".csv")).unwrap().clone();
            zip.by_name(&first).unwrap().read_to_string(&mut text).unwrap();
            assert!(text.lines().skip(1).all(|l| whole_lines.iter().any(|w| w == l)));
        }
    }
}

#[test]
fn changed_data_makes_each_segmentation_again_or_marks_it_stale_with_the_reason() {
    let mut s = Session::new();
    let (split, rules, rfm) = three_kinds(&mut s);
    let before = list(&mut s);
    // `age` read as text: the rules compare it as a number, so they cannot be made again.
    let mut options = ReadOptions::default();
    options.types.insert("age".into(), ColumnType::Text);
    ok(&mut s, Request::Reread { dataset: D, options });
    let after = list(&mut s);
    let get = |l: &[SegmentationView], id| l.iter().find(|v| v.id == id).unwrap().clone();
    assert_eq!(get(&after, split).segments, get(&before, split).segments);
    assert!(get(&after, split).stale.is_none() && get(&after, rfm).stale.is_none());
    let stale = get(&after, rules).stale.expect("the rules are stale");
    assert!(stale.starts_with("The data was read again, and it could not be made again: "), "{stale}");
    assert!(stale.contains("age"), "{stale}");
    // A stale segmentation's download says why instead of giving old rows.
    let Response::Error { message } = s.handle(
        Request::SegmentationFiles { dataset: D, segmentation: rules, files: SegmentationFiles::Csv },
        &mut Quiet,
    ) else {
        panic!()
    };
    assert!(message.contains("is out of date"), "{message}");
    // The split, made again, shows as its workspace showed it; a stale one says why.
    let Response::Segmented(view) = ok(&mut s, Request::Segmentation { dataset: D, segmentation: split }) else {
        panic!()
    };
    assert_eq!((view.id, view.column.as_str()), (split, "region"));
    assert_eq!(view.segments.len(), get(&after, split).segments);
    assert_eq!(view.rows, 800);
    let Response::Error { message } = s.handle(Request::Segmentation { dataset: D, segmentation: rules }, &mut Quiet)
    else {
        panic!()
    };
    assert!(message.contains("is out of date"), "{message}");
    // Without transactions, RFM cannot be made.
    ok(&mut s, Request::Detach { dataset: D });
    let stale = get(&list(&mut s), rfm).stale.expect("RFM is stale");
    assert!(stale.contains("transactions"), "{stale}");
}

#[test]
fn lifetime_value_is_summarised_by_any_segmentation() {
    let mut s = Session::new();
    let (split, _, _) = three_kinds(&mut s);
    let Response::Clv(v) = ok(&mut s, Request::Clv { dataset: D, params: ClvParams::default(), by: Some(split) })
    else {
        panic!()
    };
    assert_eq!(v.by_segmentation, Some((split, "Split by region (44 values)".to_string())));
    let Response::Segmentations(l) = ok(&mut s, Request::Segmentations { dataset: D }) else { panic!() };
    assert_eq!(v.by_segment.len(), l[0].segments);
    assert_eq!(v.by_segment.iter().map(|b| b.customers).sum::<u64>(), 800);
}

#[test]
fn a_cancelled_request_leaves_the_dataset_and_its_segmentations_as_they_were() {
    let mut s = Session::new();
    let (split, _, _) = three_kinds(&mut s);
    let value_counts = ok(&mut s, Request::ApplyRules { dataset: D, definition: definition("sample-value.json") });
    let before = list(&mut s);
    let csv = |segmentation| Request::SegmentationFiles { dataset: D, segmentation, files: SegmentationFiles::Csv };
    let exported: Vec<_> = before.iter().map(|v| files(&mut s, csv(v.id))).collect();
    let rfm_csv = || Request::RfmFiles {
        dataset: D,
        dialect: None,
        customers_table: "customers".into(),
        transactions_table: "transactions".into(),
    };
    let rfm_file = files(&mut s, rfm_csv());

    let mut edited = lifestyle();
    edited.segments.truncate(2);
    // Read again with the first customer's key (and a common value) as missing: the join changes.
    let Response::Preview(first) = ok(&mut s, Request::Preview { dataset: D, segment: None, offset: 0, limit: 1 })
    else {
        panic!()
    };
    let mut reread = ReadOptions::default();
    reread.missing_tokens.extend([first.rows[0].1[0].clone(), "Urban".into()]);
    let age = SplitParams { column: "age".into(), ..SplitParams::default() };
    let rfm4 = RfmParams { bins: 4.into(), ..RfmParams::default() };
    let params = SampleParams { customers: 800.into(), ..SampleParams::default() };
    let cancelled: Vec<(Request, CancelAfter)> = vec![
        (Request::Split { dataset: D, params: age }, CancelAfter::in_stage("Splitting by", 2)),
        (Request::ApplyRules { dataset: D, definition: edited }, CancelAfter::in_stage("Counting", 1)),
        (Request::Rfm { dataset: D, params: rfm4, map: None, as_of: None }, CancelAfter::in_stage("Scoring", 1)),
        // Reading again makes every segmentation again; RFM, made last, is cancelled after the others.
        (Request::Reread { dataset: D, options: reread.clone() }, CancelAfter::in_stage("Scoring", 1)),
        (Request::Reread { dataset: D, options: reread }, CancelAfter::in_stage("Splitting by", 1)),
        (Request::Detach { dataset: D }, CancelAfter::in_stage("Splitting by", 1)),
        (Request::AttachSampleTransactions { dataset: D, params }, CancelAfter::in_stage("Scoring", 1)),
        (Request::DuplicateSegmentation { dataset: D, segmentation: split }, CancelAfter::in_stage("Split", 1)),
        (csv(split), CancelAfter::in_stage("Writing", 1)),
        (rfm_csv(), CancelAfter::in_stage("Writing", 1)),
    ];
    for (request, mut monitor) in cancelled {
        let kind = request.kind();
        let response = s.handle(request, &mut monitor);
        assert_eq!(response, Response::Error { message: CANCELLED.into() }, "{kind}: {:?}", monitor.stages());
        assert_eq!(list(&mut s), before, "{kind}");
    }
    // The data, its read options (in the manifests), its transactions and every result are as before.
    let after: Vec<_> = before.iter().map(|v| files(&mut s, csv(v.id))).collect();
    assert!(after == exported, "the downloads changed");
    assert!(files(&mut s, rfm_csv()) == rfm_file, "the RFM scores changed");
    // Counted again, rules on the aggregates joined onto the customers find what they found before.
    let value = Request::ApplyRules { dataset: D, definition: definition("sample-value.json") };
    assert_eq!(ok(&mut s, value), value_counts, "the joined aggregates changed");
}
