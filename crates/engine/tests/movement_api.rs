//! Movement from another snapshot file through the boundary: the segmentation made again on the
//! other file from its spec, customers matched by a key column, "New" and "Gone" counted; the
//! other file earlier or later; a key column the other file lacks, and RFM (which needs each
//! snapshot's transactions), get a sentence.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/session.rs"]
mod session;

use segscope_engine::api::{
    AssignmentId, Condition, DatasetId, Definition, Mode, Op, OtherFile, Request, Response, SegmentDef, Session,
    SplitParams, Typed,
};
use segscope_engine::movement::Movement;
use segscope_engine::progress::Quiet;
use session::ok;

const D: DatasetId = DatasetId(1);

/// June: a, b, c young; d, e older; f only here.
const JUNE: &[u8] = b"id,age,region\na,25,North\nb,28,South\nc,29,North\nd,45,South\ne,52,North\nf,33,South\n";
/// December: a, b older now (their age column says so), c still young, d and e as they were,
/// f gone, g and h new (g young).
const DECEMBER: &[u8] =
    b"id,age,region\na,31,North\nb,30,South\nc,29,North\nd,46,South\ne,53,North\ng,22,North\nh,40,South\n";

/// December open, with rule segments Young (age < 30) and the rest.
fn december_with_rules(s: &mut Session) -> AssignmentId {
    ok(s, Request::Ingest { name: "december.csv".into(), bytes: DECEMBER.to_vec(), options: Default::default() });
    let young = Condition::Test { column: "age".into(), op: Op::Lt { value: Typed::Value(30.into()) } };
    let definition = Definition {
        mode: Mode::FirstMatch,
        segments: vec![SegmentDef { name: "Young".into(), color: None, condition: young }],
        ..Definition::default()
    };
    let Response::Rules(view) = ok(s, Request::ApplyRules { dataset: D, definition }) else { panic!() };
    view.assignment.unwrap()
}

fn movement(s: &mut Session, segmentation: AssignmentId, key: &str, other_is: OtherFile) -> Result<Movement, String> {
    let request = Request::MovementFromFile {
        dataset: D,
        segmentation,
        key: key.into(),
        other_is,
        name: "june.csv".into(),
        bytes: JUNE.to_vec(),
    };
    assert_eq!(request.journal(), segscope_engine::api::Journal::Read, "a read: nothing to replay");
    match s.handle(request, &mut Quiet) {
        Response::Movement(m) => Ok(*m),
        Response::Error { message } => Err(message),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_segmentation_is_made_again_on_the_earlier_file_and_customers_matched_by_key() {
    let mut s = Session::new();
    let id = december_with_rules(&mut s);
    let m = movement(&mut s, id, "id", OtherFile::Earlier).unwrap();
    assert_eq!((m.before.as_str(), m.after.as_str()), ("june.csv", "december.csv"));
    assert_eq!(m.rows, ["Young", "Everyone else", "New"]);
    assert_eq!(m.columns, ["Young", "Everyone else", "Gone"]);
    // June Young a, b, c → December: c Young, a and b Everyone else. June older d, e stay; f gone.
    // New in December: g (Young) and h.
    assert_eq!(m.counts, [vec![1, 2, 0], vec![0, 2, 1], vec![1, 1, 0]]);
    assert_eq!((m.stayed, m.matched), (3, 5));
}

#[test]
fn the_other_file_can_be_the_later_one() {
    let mut s = Session::new();
    let id = december_with_rules(&mut s);
    let m = movement(&mut s, id, "id", OtherFile::Later).unwrap();
    assert_eq!((m.before.as_str(), m.after.as_str()), ("december.csv", "june.csv"));
    assert_eq!(m.counts, [vec![1, 0, 1], vec![2, 2, 1], vec![0, 1, 0]], "the same moves, the other way round");
}

#[test]
fn a_split_is_split_again_on_the_other_file() {
    let mut s = Session::new();
    december_with_rules(&mut s);
    let split = SplitParams { column: "region".into(), ..SplitParams::default() };
    let Response::Segmented(view) = ok(&mut s, Request::Split { dataset: D, params: split }) else { panic!() };
    let m = movement(&mut s, view.id, "id", OtherFile::Earlier).unwrap();
    assert_eq!(m.matched, 5);
    assert_eq!(m.stayed, 5, "nobody moved region");
}

#[test]
fn a_missing_key_column_and_rfm_get_a_sentence() {
    let mut s = Session::new();
    let id = december_with_rules(&mut s);
    assert_eq!(
        movement(&mut s, id, "customer_id", OtherFile::Earlier).unwrap_err(),
        "december.csv has no column `customer_id` to match the customers by; choose a column both files have (its \
         columns are `id`, `age`, `region`)."
    );
    let sample = segscope_engine::sample::SampleParams { customers: 300.into(), ..Default::default() };
    let mut s = Session::new();
    ok(&mut s, Request::LoadSample { params: sample.clone() });
    ok(&mut s, Request::AttachSampleTransactions { dataset: D, params: sample });
    let Response::Segmentations(list) = ok(&mut s, Request::Segmentations { dataset: D }) else { panic!() };
    let rfm = list.iter().find(|v| v.kind == segscope_engine::api::SegmentationKind::Rfm).map(|v| v.id);
    let rfm = match rfm {
        Some(id) => id,
        None => {
            let params = segscope_engine::api::RfmParams::default();
            let Response::Rfm(view) = ok(&mut s, Request::Rfm { dataset: D, params, map: None, as_of: None }) else {
                panic!()
            };
            view.assignment
        }
    };
    let message = movement(&mut s, rfm, "customer_id", OtherFile::Earlier).unwrap_err();
    assert!(message.starts_with("RFM is made from each snapshot's transactions"), "{message}");
}
