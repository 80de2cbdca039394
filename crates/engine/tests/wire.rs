//! The worker boundary: every request and response of a real session survives the trip as JSON
//! (files beside it), and a session rebuilt from the page's journal (after a cancel restarts the
//! worker) answers exactly as the original does.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/monitor.rs"]
mod monitor;

use monitor::CancelAfter;
use segscope_engine::api::{JournalLog, Request, Response, Session};
use segscope_engine::clv::ClvParams;
use segscope_engine::progress::Quiet;
use segscope_engine::rfm::RfmParams;
use segscope_engine::rules::sql::Dialect;
use segscope_engine::rules::Definition;
use segscope_engine::sample::SampleParams;
use segscope_engine::split::SplitParams;

/// Sends a request as the page and worker do: JSON with the file's bytes beside it, and back.
fn over_the_wire(session: &mut Session, mut request: Request) -> Response {
    let file = request.take_file();
    let json = serde_json::to_string(&request).unwrap();
    let mut received: Request = serde_json::from_str(&json).unwrap();
    received.put_file(file);
    let mut response = session.handle(received, &mut Quiet);
    let files = response.take_files();
    let json = serde_json::to_string(&response).unwrap();
    let mut back: Response = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json:.300}"));
    back.put_files(files);
    back
}

fn definition(name: &str) -> Definition {
    let path = format!("{}/../../examples/segments/{name}", env!("CARGO_MANIFEST_DIR"));
    Definition::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A session as a user builds it: the sample, a split, live rule counts, RFM, CLV, downloads.
fn a_session() -> Vec<Request> {
    let params = SampleParams { customers: 600.into(), ..SampleParams::default() };
    let d = segscope_engine::api::DatasetId(1);
    let split = SplitParams { column: "region".into(), ..SplitParams::default() };
    let value = definition("sample-value.json");
    let mut edited = value.clone();
    edited.name = Some("Edited".into());
    vec![
        Request::LoadSample { params: params.clone() },
        Request::AttachSampleTransactions { dataset: d, params },
        Request::Split { dataset: d, params: split },
        Request::ApplyRules { dataset: d, definition: definition("sample-lifestyle.json") },
        Request::ApplyRules { dataset: d, definition: value },
        Request::ApplyRules { dataset: d, definition: Definition::default() },
        Request::ApplyRules { dataset: d, definition: edited.clone() },
        Request::Rfm { dataset: d, params: RfmParams::default(), map: None, as_of: None },
        Request::Clv { dataset: d, params: ClvParams::default(), by: None },
        Request::Preview { dataset: d, segment: None, offset: 0, limit: 5 },
        Request::Segmentations { dataset: d },
        Request::RulesSql {
            dataset: d,
            definition: edited,
            dialect: Dialect::Duckdb,
            table: "customers".into(),
            transactions_table: None,
        },
        Request::RfmFiles {
            dataset: d,
            dialect: None,
            customers_table: "customers".into(),
            transactions_table: "transactions".into(),
        },
        Request::ClvFiles { dataset: d },
        Request::Ingest { name: "tiny.csv".into(), bytes: b"id,x\n1,a\n2,b\n".to_vec(), options: Default::default() },
    ]
}

#[test]
fn every_response_of_a_session_survives_the_worker_json() {
    let mut direct = Session::new();
    let mut wired = Session::new();
    for request in a_session() {
        let kind = request.kind();
        let want = direct.handle(request.clone(), &mut Quiet);
        assert!(!matches!(want, Response::Error { .. }), "{kind}: {want:?}");
        assert_eq!(over_the_wire(&mut wired, request), want, "{kind}");
    }
}

#[test]
fn a_session_rebuilt_from_its_journal_answers_as_the_original() {
    let mut original = Session::new();
    let mut journal = JournalLog::new();
    for request in a_session() {
        original.handle(request.clone(), &mut Quiet);
        journal.record(request, ());
    }
    // Live rule counts in a row are one entry (the one with no segments is kept apart); reads are not kept.
    assert_eq!(journal.len(), 9, "{:?}", journal.entries().iter().map(|(r, _)| r.kind()).collect::<Vec<_>>());
    let mut rebuilt = Session::new();
    for (request, ()) in journal.entries() {
        rebuilt.handle(request.clone(), &mut Quiet);
    }
    for request in a_session().into_iter().filter(|r| r.journal() == segscope_engine::api::Journal::Read) {
        let kind = request.kind();
        assert_eq!(rebuilt.handle(request.clone(), &mut Quiet), original.handle(request, &mut Quiet), "{kind}");
    }
}

#[test]
fn long_steps_report_progress_and_stop_when_asked() {
    let mut s = Session::new();
    let params = SampleParams { customers: 600.into(), ..SampleParams::default() };
    let d = segscope_engine::api::DatasetId(1);
    s.handle(Request::LoadSample { params: params.clone() }, &mut Quiet);
    let mut attach = CancelAfter::never();
    s.handle(Request::AttachSampleTransactions { dataset: d, params }, &mut attach);
    assert!(attach.stages().contains(&"Adding up the transactions"), "{:?}", attach.stages());
    let mut fit = CancelAfter::reports(3);
    let Response::Error { message } =
        s.handle(Request::Clv { dataset: d, params: ClvParams::default(), by: None }, &mut fit)
    else {
        panic!("a cancelled fit is not a result")
    };
    assert_eq!(message, "Cancelled; nothing was changed.");
    assert_eq!(fit.stages(), ["Fitting BG/NBD, evaluation"]);
    // Nothing was kept: the files of a CLV that never finished do not exist.
    assert!(matches!(s.handle(Request::ClvFiles { dataset: d }, &mut Quiet), Response::Error { .. }));
}
