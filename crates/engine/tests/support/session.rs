//! Requests through the boundary as the API tests send them: one that must be answered, one
//! that must fail with the user's sentence.
#![allow(dead_code)]

use segscope_engine::api::{Request, Response, Session};
use segscope_engine::progress::Quiet;

/// The answer to `request`; fails the test, naming the request's kind, when it is an error.
pub fn ok(s: &mut Session, request: Request) -> Response {
    let kind = request.kind();
    let response = s.handle(request, &mut Quiet);
    assert!(!matches!(response, Response::Error { .. }), "{kind}: {response:?}");
    response
}

/// The sentence `request` fails with; fails the test when it is answered.
pub fn error(s: &mut Session, request: Request) -> String {
    match s.handle(request, &mut Quiet) {
        Response::Error { message } => message,
        other => panic!("{other:?}"),
    }
}

/// The dataset a fresh session's first file or sample becomes.
pub const D: segscope_engine::api::DatasetId = segscope_engine::api::DatasetId(1);

/// The built-in sample (600 customers) with its transactions attached.
pub fn sample(s: &mut Session) {
    let params = segscope_engine::sample::SampleParams { customers: 600.into(), ..Default::default() };
    ok(s, Request::LoadSample { params: params.clone() });
    ok(s, Request::AttachSampleTransactions { dataset: D, params });
}

/// [`sample`] split by urbanicity: the segmentation's id.
pub fn split_sample(s: &mut Session) -> segscope_engine::api::AssignmentId {
    sample(s);
    let split = segscope_engine::api::SplitParams { column: "urbanicity".into(), ..Default::default() };
    let Response::Segmented(view) = ok(s, Request::Split { dataset: D, params: split }) else { panic!() };
    view.id
}

/// The sample's "lifestyle" rule segments (`examples/segments/sample-lifestyle.json`).
pub fn lifestyle() -> segscope_engine::api::Definition {
    let path = format!("{}/../../examples/segments/sample-lifestyle.json", env!("CARGO_MANIFEST_DIR"));
    segscope_engine::api::Definition::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// k-means on the sample's age, income and revenue (z-scores, missing imputed, 2 inits, seed 7).
pub fn kmeans() -> segscope_engine::api::ClusterParams {
    use segscope_engine::api::{ClusterParams, FeatureSpec, Missing, Scaling, Typed};
    let f = |c: &str| FeatureSpec { column: c.into(), log: false, scaling: Scaling::Zscore, weight: 1.0, score: None };
    ClusterParams {
        features: vec![f("age"), f("income"), f("revenue")],
        missing: Missing::Impute,
        n_init: Typed::Value(2),
        seed: Typed::Value(7),
        ..ClusterParams::default()
    }
}
