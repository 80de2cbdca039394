//! Reproducible results (issue #17): every download's manifest round-trips, and re-running it on
//! the same input (`reproduce::verify`, what `segscope verify` runs) gives the same bytes, for
//! every kind of segmentation and every download; another input or a changed parameter is said.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests fail loudly by design

#[path = "support/session.rs"]
mod session;

use segscope_engine::api::{FileOut, ReportFormat, Request, Response, SegmentationFiles, Session, Typed};
use segscope_engine::clv::ClvParams;
use segscope_engine::export::Manifest;
use segscope_engine::progress::Quiet;
use segscope_engine::reproduce::{read_manifest, verify, zip_members, Difference, SegmentationRecipe};
use segscope_engine::rfm::RfmParams;
use segscope_engine::sample::{sample_csv, SampleParams};
use segscope_engine::split::SplitParams;
use session::{kmeans, lifestyle, ok, D};

/// The sample's files (customers, transactions) as `segscope sample` writes them.
fn sample_files() -> (Vec<u8>, Vec<u8>) {
    sample_csv(&params().check().unwrap()).unwrap()
}

fn params() -> SampleParams {
    SampleParams { customers: 500.into(), ..SampleParams::default() }
}

/// A session with the sample and its transactions, as the page's "Try the sample data".
fn session() -> Session {
    let mut s = Session::new();
    ok(&mut s, Request::LoadSample { params: params() });
    ok(&mut s, Request::AttachSampleTransactions { dataset: D, params: params() });
    s
}

fn files(s: &mut Session, request: Request) -> Vec<FileOut> {
    match ok(s, request) {
        Response::Files(f) => f,
        other => panic!("{other:?}"),
    }
}

/// The manifest of a download: beside the files, or inside the zip.
fn manifest_of(files: &[FileOut]) -> Manifest {
    match files.iter().find(|f| f.name.ends_with(".manifest.json")) {
        Some(m) => read_manifest(&m.bytes).unwrap(),
        None => read_manifest(&files[0].bytes).unwrap(),
    }
}

/// Re-runs the download's manifest on the sample's files: identical, and every file (the
/// manifest too) the same bytes as the session's.
fn assert_reproduced(downloaded: &[FileOut]) -> Manifest {
    let manifest = manifest_of(downloaded);
    assert_eq!(read_manifest(manifest.to_json().as_bytes()).unwrap(), manifest, "the manifest round-trips");
    let (customers, transactions) = sample_files();
    let v = verify(&manifest, customers, Some(transactions), &mut Quiet).unwrap();
    assert!(v.identical(), "{:?}", v.outputs.iter().filter(|o| !o.identical()).collect::<Vec<_>>());
    let names = |f: &[FileOut]| f.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&v.rebuilt), names(downloaded));
    for (a, b) in v.rebuilt.iter().zip(downloaded) {
        assert!(a.bytes == b.bytes, "{} is not the same bytes", a.name);
    }
    manifest
}

#[test]
fn a_split_csv_and_zip_record_input_hash_types_and_outputs_and_re_run_to_the_same_bytes() {
    let mut s = session();
    let split = SplitParams { column: "urbanicity".into(), ..SplitParams::default() };
    let Response::Segmented(view) = ok(&mut s, Request::Split { dataset: D, params: split }) else { panic!() };
    let csv =
        files(&mut s, Request::SegmentationFiles { dataset: D, segmentation: view.id, files: SegmentationFiles::Csv });
    let m = assert_reproduced(&csv);
    let (customers, transactions) = sample_files();
    assert_eq!(m.format, "segscope.manifest/2");
    assert_eq!((m.input.bytes, m.input.sha256.len()), (customers.len() as u64, 64));
    assert_eq!(m.transactions.as_ref().unwrap().file.bytes, transactions.len() as u64);
    assert!(m.columns.iter().any(|c| c.name == "urbanicity"), "{:?}", m.columns);
    assert_eq!(m.outputs.len(), 1);
    assert!(matches!(m.recipe.segmentation, Some(SegmentationRecipe::Split { .. })));

    let zip =
        files(&mut s, Request::SegmentationFiles { dataset: D, segmentation: view.id, files: SegmentationFiles::Zip });
    let m = assert_reproduced(&zip);
    let members = zip_members(&zip[0].bytes).unwrap();
    assert_eq!(m.outputs.len(), members.len() - 1, "every CSV in the zip, not the manifest");
    assert!(m.outputs.iter().all(|o| o.inside.as_deref() == Some(zip[0].name.as_str())));
}

#[test]
fn rules_rfm_and_clv_downloads_re_run_to_the_same_bytes() {
    let mut s = session();
    let Response::Rules(rules) = ok(&mut s, Request::ApplyRules { dataset: D, definition: lifestyle() }) else {
        panic!()
    };
    let id = rules.assignment.unwrap();
    assert_reproduced(&files(&mut s, Request::ExportCsv { dataset: D, assignment: id }));
    assert_reproduced(&files(&mut s, Request::SaveDefinition { dataset: D, definition: lifestyle() }));

    let rfm = Request::Rfm { dataset: D, params: RfmParams::default(), map: None, as_of: None };
    let Response::Rfm(view) = ok(&mut s, rfm) else { panic!() };
    let csv = files(
        &mut s,
        Request::SegmentationFiles { dataset: D, segmentation: view.assignment, files: SegmentationFiles::Csv },
    );
    let m = assert_reproduced(&csv);
    assert_eq!(m.as_of.as_deref(), Some(view.as_of.as_str()), "the as-of date used is recorded");
    let table = Request::RfmFiles {
        dataset: D,
        dialect: None,
        customers_table: "customers".into(),
        transactions_table: "transactions".into(),
    };
    assert_reproduced(&files(&mut s, table));

    ok(&mut s, Request::Clv { dataset: D, params: ClvParams::default(), by: None });
    let clv = assert_reproduced(&files(&mut s, Request::ClvFiles { dataset: D }));
    assert!(clv.recipe.clv.is_some());
    let report = Request::ProfileFiles {
        dataset: D,
        segmentation: view.assignment,
        options: Default::default(),
        niches: None,
        format: ReportFormat::Csv,
    };
    assert_reproduced(&files(&mut s, report));
}

#[test]
fn a_seeded_k_means_is_fitted_again_to_the_same_bytes_with_its_renamed_clusters() {
    let mut s = session();
    let fit = Request::ClusterFit { dataset: D, params: kmeans(), k: Typed::Value(3) };
    let Response::Clusters(view) = ok(&mut s, fit) else { panic!() };
    let rename = Request::RenameCluster { dataset: D, segmentation: view.assignment, cluster: 1, name: "Mine".into() };
    ok(&mut s, rename);
    let csv = files(
        &mut s,
        Request::SegmentationFiles { dataset: D, segmentation: view.assignment, files: SegmentationFiles::Csv },
    );
    let m = assert_reproduced(&csv);
    let Some(SegmentationRecipe::Clusters { params, k, names, .. }) = &m.recipe.segmentation else { panic!() };
    assert_eq!((params.seed.clone(), *k, names[1].as_str()), (Typed::Value(7), 3, "Mine"));
    assert!(m.model.is_some(), "the model is in the manifest");
    let model = files(
        &mut s,
        Request::SegmentationFiles { dataset: D, segmentation: view.assignment, files: SegmentationFiles::Definition },
    );
    assert_reproduced(&model);
}

#[test]
fn another_input_is_said_with_its_size_and_hash_and_nothing_is_re_run() {
    let mut s = session();
    let split = SplitParams { column: "urbanicity".into(), ..SplitParams::default() };
    let Response::Segmented(view) = ok(&mut s, Request::Split { dataset: D, params: split }) else { panic!() };
    let m = manifest_of(&files(&mut s, Request::ExportCsv { dataset: D, assignment: view.id }));
    let (mut customers, transactions) = sample_files();
    customers.push(b'\n');
    let v = verify(&m, customers, Some(transactions), &mut Quiet).unwrap();
    assert!(!v.identical() && v.outputs.is_empty());
    assert!(
        matches!(v.input[0], Difference::Size { .. }) && matches!(v.input[1], Difference::Hash { .. }),
        "{:?}",
        v.input
    );
}

#[test]
fn a_changed_parameter_makes_other_outputs() {
    let mut s = session();
    let split = SplitParams { column: "urbanicity".into(), ..SplitParams::default() };
    let Response::Segmented(view) = ok(&mut s, Request::Split { dataset: D, params: split }) else { panic!() };
    let mut m = manifest_of(&files(&mut s, Request::ExportCsv { dataset: D, assignment: view.id }));
    let Some(SegmentationRecipe::Split { params, .. }) = &mut m.recipe.segmentation else { panic!() };
    params.column = "region".into();
    let (customers, transactions) = sample_files();
    let v = verify(&m, customers, Some(transactions), &mut Quiet).unwrap();
    assert!(v.input.is_empty() && !v.identical());
    assert!(!v.outputs[0].identical());
}
