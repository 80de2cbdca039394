//! Project files (issue #17): a project saved from a session opens in a new one with the same
//! segmentations (names, kinds, counts, the current one, the ones each workspace edits) and the
//! same downloads byte for byte, from its own data or from the same file opened again; against
//! another file it says what differs and changes nothing until the user agrees.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests fail loudly by design

#[path = "support/session.rs"]
mod session;

use segscope_engine::api::{
    AssignmentId, FileOut, ProjectRestored, ReadOptions, Request, Response, SegmentationFiles, SegmentationView,
    Session, SplitParams, Typed,
};
use segscope_engine::clv::ClvParams;
use segscope_engine::project::Project;
use segscope_engine::reproduce::SegmentationRecipe;
use segscope_engine::rfm::RfmParams;
use segscope_engine::sample::{sample_csv, SampleParams};
use session::{error, kmeans, lifestyle, ok, D};

fn params() -> SampleParams {
    SampleParams { customers: 500.into(), ..SampleParams::default() }
}

/// The sample's files (customers, transactions) as `segscope sample` writes them.
fn sample_files() -> (Vec<u8>, Vec<u8>) {
    sample_csv(&params().check().unwrap()).unwrap()
}

/// The sample's files opened as a user opens them (not the built-in sample), with work of every
/// kind: a split, rule segments (renamed), RFM, clusters (one renamed), a duplicate, a chosen
/// current segmentation, and a lifetime-value fit.
fn worked_session() -> Session {
    let (customers, transactions) = sample_files();
    let mut s = Session::new();
    open_files(&mut s, customers, transactions);
    let split = SplitParams { column: "urbanicity".into(), ..SplitParams::default() };
    ok(&mut s, Request::Split { dataset: D, params: split });
    let Response::Rules(rules) = ok(&mut s, Request::ApplyRules { dataset: D, definition: lifestyle() }) else {
        panic!()
    };
    let rules = rules.assignment.unwrap();
    ok(&mut s, Request::RenameSegmentation { dataset: D, segmentation: rules, name: "Lifestyle Q1".into() });
    ok(&mut s, Request::Rfm { dataset: D, params: RfmParams::default(), map: None, as_of: None });
    let Response::Clusters(c) = ok(&mut s, Request::ClusterFit { dataset: D, params: kmeans(), k: Typed::Value(3) })
    else {
        panic!()
    };
    ok(
        &mut s,
        Request::RenameCluster { dataset: D, segmentation: c.assignment, cluster: 1, name: "Big spenders".into() },
    );
    ok(&mut s, Request::DuplicateSegmentation { dataset: D, segmentation: rules });
    ok(&mut s, Request::SetCurrentSegmentation { dataset: D, segmentation: rules });
    ok(&mut s, Request::Clv { dataset: D, params: ClvParams::default(), by: None });
    s
}

/// Opens the customers file and attaches the transactions file, as the page does.
fn open_files(s: &mut Session, customers: Vec<u8>, transactions: Vec<u8>) -> segscope_engine::api::DatasetId {
    let Response::Dataset(view) =
        ok(s, Request::Ingest { name: "customers.csv".into(), bytes: customers, options: ReadOptions::default() })
    else {
        panic!()
    };
    let request = Request::AttachTransactions {
        dataset: view.id,
        name: "transactions.csv".into(),
        file: transactions.into(),
        options: ReadOptions::default(),
        mapping: None,
    };
    ok(s, request);
    view.id
}

fn segmentations(s: &mut Session, dataset: segscope_engine::api::DatasetId) -> Vec<SegmentationView> {
    match ok(s, Request::Segmentations { dataset }) {
        Response::Segmentations(list) => list,
        other => panic!("{other:?}"),
    }
}

fn save(s: &mut Session, include_data: bool) -> FileOut {
    let view = serde_json::json!({ "route": "segmentations", "dialect": "duckdb" });
    match ok(s, Request::SaveProject { dataset: D, include_data, view }) {
        Response::Files(mut files) => files.remove(0),
        other => panic!("{other:?}"),
    }
}

/// Every segmentation's CSV (with its manifest) and, where it has one, its definition.
fn downloads(
    s: &mut Session,
    dataset: segscope_engine::api::DatasetId,
    list: &[SegmentationView],
) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for v in list {
        let mut kinds = vec![SegmentationFiles::Csv];
        if v.has_definition {
            kinds.push(SegmentationFiles::Definition);
        }
        for files in kinds {
            match ok(s, Request::SegmentationFiles { dataset, segmentation: v.id, files }) {
                Response::Files(f) => out.extend(f.into_iter().map(|f| (f.name, f.bytes))),
                other => panic!("{other:?}"),
            }
        }
    }
    out
}

/// The list without ids (a new session numbers them its own way).
fn without_ids(list: &[SegmentationView]) -> Vec<SegmentationView> {
    list.iter().map(|v| SegmentationView { id: AssignmentId(0), ..v.clone() }).collect()
}

fn restored(response: Response) -> Box<ProjectRestored> {
    match response {
        Response::ProjectRestored(r) => r,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_project_with_its_data_opens_in_a_new_session_with_the_same_segmentations_and_downloads() {
    let mut s = worked_session();
    let before = segmentations(&mut s, D);
    assert_eq!(before.len(), 5, "split, rules, RFM, clusters and the copy");
    let expected = downloads(&mut s, D, &before);
    let file = save(&mut s, true);
    assert_eq!(file.name, "customers.segscope");
    let project = Project::read(&file.name, &file.bytes).unwrap();
    assert_eq!(project.format, "segscope.project/1");
    assert!(project.data.is_some(), "the data are inside");
    assert_eq!(Project::read("again", project.to_json().as_bytes()).unwrap(), project, "the file round-trips");

    let mut fresh = Session::new();
    let r = restored(ok(&mut fresh, Request::OpenProject { name: file.name.clone(), bytes: file.bytes.clone() }));
    assert!(r.not_restored.is_empty() && r.differences.is_empty(), "{r:?}");
    let dataset = r.dataset.as_ref().unwrap().id;
    assert!(r.attached.is_some(), "the transactions are attached again");
    assert_eq!(r.view["route"], "segmentations", "the page's choices come back as saved");
    assert!(r.clv.is_some(), "the lifetime value is fitted again");
    let after = segmentations(&mut fresh, dataset);
    assert_eq!(without_ids(&after), without_ids(&before), "names, kinds, counts, current and working");
    assert_eq!(after.iter().find(|v| v.current).unwrap().name, "Lifestyle Q1");
    let kinds: Vec<&str> = r.working.iter().map(|w| w.name()).collect();
    assert_eq!(
        kinds,
        ["Split by urbanicity (3 values)", "Lifestyle Q1", "RFM segments", "Clusters (k = 3)"],
        "what each workspace edits"
    );
    let Some(SegmentationRecipe::Clusters { names, .. }) =
        r.working.iter().find(|w| matches!(w, SegmentationRecipe::Clusters { .. }))
    else {
        panic!()
    };
    assert_eq!(names[1], "Big spenders", "a renamed cluster keeps its name");
    let got = downloads(&mut fresh, dataset, &after);
    assert_eq!(got.len(), expected.len());
    for ((name, bytes), (want_name, want)) in got.iter().zip(&expected) {
        assert_eq!(name, want_name);
        assert!(bytes == want, "{name} is not the same bytes after opening the project");
    }
    // Saved again, the project is the same file.
    let again = match ok(&mut fresh, Request::SaveProject { dataset, include_data: true, view: r.view.clone() }) {
        Response::Files(f) => f.into_iter().next().unwrap(),
        other => panic!("{other:?}"),
    };
    assert!(again.bytes == file.bytes, "saving the opened project gives the same file");
}

#[test]
fn a_project_without_data_restores_on_the_same_file_and_says_what_differs_on_another() {
    let mut s = worked_session();
    let before = segmentations(&mut s, D);
    let file = save(&mut s, false);
    let Response::Project(summary) =
        ok(&mut s, Request::ReadProject { name: file.name.clone(), bytes: file.bytes.clone() })
    else {
        panic!()
    };
    assert!(!summary.includes_data);
    assert_eq!(summary.input.name, "customers.csv");
    assert_eq!(summary.transactions.as_ref().unwrap().file.name, "transactions.csv");
    assert_eq!(summary.segmentations.len(), 5);
    let e = error(&mut Session::new(), Request::OpenProject { name: file.name.clone(), bytes: file.bytes.clone() });
    assert_eq!(
        e,
        "customers.segscope was saved without its data; choose the data file it was made from (customers.csv)."
    );

    // The same files, opened again: no difference, everything back.
    let (customers, transactions) = sample_files();
    let mut same = Session::new();
    let dataset = open_files(&mut same, customers.clone(), transactions.clone());
    ok(
        &mut same,
        Request::Split { dataset, params: SplitParams { column: "gender".into(), ..SplitParams::default() } },
    );
    let restore = |dataset, anyway| Request::RestoreProject {
        dataset,
        name: file.name.clone(),
        bytes: file.bytes.clone(),
        anyway,
    };
    let r = restored(ok(&mut same, restore(dataset, false)));
    assert!(r.differences.is_empty() && r.not_restored.is_empty(), "{r:?}");
    assert_eq!(
        without_ids(&segmentations(&mut same, dataset)),
        without_ids(&before),
        "the project's replace what was there"
    );

    // Another file: one customer fewer. Nothing changes until the user agrees.
    let text = String::from_utf8(customers).unwrap();
    let fewer: String = text.lines().take(text.lines().count() - 1).map(|l| format!("{l}\n")).collect();
    let mut other = Session::new();
    let dataset = open_files(&mut other, fewer.into_bytes(), transactions);
    let Response::ProjectDiffers { differences, .. } = ok(&mut other, restore(dataset, false)) else { panic!() };
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert!(differences[0].starts_with("the data file customers.csv is "), "{}", differences[0]);
    assert!(differences[0].contains("bytes; the project was saved with customers.csv ("), "{}", differences[0]);
    assert!(segmentations(&mut other, dataset).is_empty(), "nothing changed");
    let r = restored(ok(&mut other, restore(dataset, true)));
    assert_eq!(r.differences, differences, "opened anyway, the differences are still said");
    let after = segmentations(&mut other, dataset);
    assert_eq!(after.len(), 5);
    assert!(after.iter().all(|v| v.stale.is_none() && v.rows == 499), "made again on the other file: {after:?}");
}

#[test]
fn work_that_cannot_be_made_on_the_open_data_is_kept_stale_with_the_reason() {
    let mut s = worked_session();
    let file = save(&mut s, false);
    // The customers alone: RFM and the value rules need the transactions.
    let (customers, _) = sample_files();
    let mut alone = Session::new();
    let Response::Dataset(view) = ok(
        &mut alone,
        Request::Ingest { name: "customers.csv".into(), bytes: customers, options: ReadOptions::default() },
    ) else {
        panic!()
    };
    let request = Request::RestoreProject { dataset: view.id, name: file.name, bytes: file.bytes, anyway: true };
    let r = restored(ok(&mut alone, request));
    assert!(r.differences.iter().any(|d| d.contains("transactions.csv attached; the open data have none")), "{r:?}");
    let rfm = r.segmentations.iter().find(|v| v.name == "RFM segments").unwrap();
    assert!(rfm.stale.as_deref().unwrap().starts_with("it could not be made on the open data: "), "{rfm:?}");
    assert!(r.not_restored.iter().any(|n| n.starts_with("“RFM segments”: it could not be made")), "{r:?}");
    assert!(r.not_restored.iter().any(|n| n.starts_with("The lifetime value could not be fitted again")), "{r:?}");
    let split = r.segmentations.iter().find(|v| v.name == "Split by urbanicity (3 values)").unwrap();
    assert!(split.stale.is_none(), "a split needs only the customers");
}

#[test]
fn a_file_that_is_not_a_project_is_refused_with_its_name() {
    let mut s = Session::new();
    let e = error(&mut s, Request::ReadProject { name: "notes.segscope".into(), bytes: b"hello".to_vec() });
    assert!(e.starts_with("notes.segscope: this is not a Segscope project (not JSON"), "{e}");
    let e = error(
        &mut s,
        Request::OpenProject { name: "m.json".into(), bytes: br#"{"format":"segscope.manifest/2"}"#.to_vec() },
    );
    assert!(e.contains("its format is `segscope.manifest/2`"), "{e}");
}

#[test]
fn other_columns_are_named_among_the_differences() {
    let mut s = worked_session();
    let file = save(&mut s, false);
    let (customers, transactions) = sample_files();
    let renamed = String::from_utf8(customers).unwrap().replacen("customer_id", "id", 1);
    let mut other = Session::new();
    let dataset = open_files(&mut other, renamed.into_bytes(), transactions);
    let request = Request::RestoreProject { dataset, name: file.name, bytes: file.bytes, anyway: false };
    let Response::ProjectDiffers { differences, .. } = ok(&mut other, request) else { panic!() };
    assert!(
        differences
            .iter()
            .any(|d| d.starts_with("in the open data, column 1 is `id` (")
                && d.contains("the project says `customer_id` (")),
        "{differences:?}"
    );
}
