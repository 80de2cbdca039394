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
