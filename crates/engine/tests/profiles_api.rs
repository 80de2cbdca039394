//! Profiles through the boundary: any segmentation's profile by its id (with the KPIs of the
//! attached transactions, and predicted value once CLV was computed), its niches, the sentences
//! a wrong setting or id gets, and a cancel.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/monitor.rs"]
mod monitor;

#[path = "support/session.rs"]
mod session;

use monitor::CancelAfter;
use segscope_engine::api::{
    AssignmentId, ClvParams, NicheParams, Profile, ProfileOptions, Request, Response, Session, Typed,
};
use segscope_engine::progress::CANCELLED;
use segscope_engine::sample::SampleParams;
use session::{error, ok, split_sample, D};

fn options() -> ProfileOptions {
    ProfileOptions { leave_out: vec!["urbanicity".into()], ..ProfileOptions::default() }
}

/// The profile, after checking that it survives the worker's JSON unchanged.
fn profile(s: &mut Session, segmentation: AssignmentId, options: ProfileOptions) -> Profile {
    let response = ok(s, Request::Profile { dataset: D, segmentation, options });
    let json = serde_json::to_string(&response).unwrap();
    assert_eq!(serde_json::from_str::<Response>(&json).unwrap(), response, "the profile crosses as JSON");
    match response {
        Response::Profile(p) => *p,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_segmentation_is_profiled_by_its_id_with_the_transactions_kpis() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    let p = profile(&mut s, id, options());
    assert_eq!(p.customers, 600);
    assert_eq!(p.segments.len(), 3);
    let skipped: Vec<&str> = p.skipped.iter().map(|c| c.column.as_str()).collect();
    assert!(skipped.contains(&"customer_id") && skipped.contains(&"urbanicity"), "{skipped:?}");
    assert!(p.numbers.iter().any(|n| n.column == "revenue"), "the aggregates are profiled too");
    let kpis = p.kpis.as_ref().expect("transactions are attached");
    assert!(kpis.as_of_is_default && kpis.as_of.is_some());
    assert_eq!(kpis.all.customers, 600);
    let shares: f64 = kpis.segments.iter().filter_map(|k| k.revenue_share).sum();
    assert!((shares - 1.0).abs() < 1e-12);
    assert!(kpis.all.mean_clv.is_none(), "no CLV fit yet");
    assert!(p.typical.iter().any(|t| !t.callouts.is_empty()), "urbanicity's segments differ on something");
    assert!(p.sensitive.is_empty());
}

#[test]
fn predicted_value_joins_the_kpis_once_clv_was_computed() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    ok(&mut s, Request::Clv { dataset: D, params: ClvParams::default(), by: None });
    let p = profile(&mut s, id, options());
    let kpis = p.kpis.unwrap();
    assert!(kpis.all.mean_clv.is_some_and(|v| v > 0.0));
    assert!(kpis.segments.iter().all(|k| k.mean_p_alive.is_some_and(|p| (0.0..=1.0).contains(&p))));
}

#[test]
fn niches_respect_the_size_range_and_the_index() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    let params =
        NicheParams { value: "revenue".into(), min_index: Typed::Text("120".into()), ..NicheParams::default() };
    let Response::Niches(report) = ok(&mut s, Request::Niches { dataset: D, segmentation: id, params }) else {
        panic!()
    };
    assert!(report.candidates > 0);
    for n in &report.niches {
        assert!((0.005..=0.1).contains(&n.share) && n.index >= 120.0 && n.adjusted_p <= 0.05, "{n:?}");
    }
}

#[test]
fn wrong_settings_and_ids_get_a_sentence() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    let bad = ProfileOptions { alpha: Typed::Text("five".into()), ..ProfileOptions::default() };
    let message = error(&mut s, Request::Profile { dataset: D, segmentation: id, options: bad });
    assert!(message.starts_with("the significance level must be a number above 0"), "{message}");
    let message = error(&mut s, Request::Profile { dataset: D, segmentation: AssignmentId(99), options: options() });
    assert_eq!(message, "those segments are no longer available; make them again.");
    let params = NicheParams { value: "gender".into(), ..NicheParams::default() };
    let message = error(&mut s, Request::Niches { dataset: D, segmentation: id, params });
    assert!(message.starts_with("column `gender` is categorical, but the niche finder's value must be a number"));
}

#[test]
fn a_cancelled_profile_says_so() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    let mut monitor = CancelAfter::reports(2);
    let response = s.handle(Request::Profile { dataset: D, segmentation: id, options: options() }, &mut monitor);
    assert_eq!(response, Response::Error { message: CANCELLED.to_string() });
    assert!(monitor.stages().contains(&"Profiling segments"));
}

/// A split's segments are its column's values: its profile leaves that column out (with the reason), unasked.
#[test]
fn a_split_is_profiled_without_the_column_it_splits() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    let p = profile(&mut s, id, ProfileOptions::default());
    assert!(p.skipped.iter().any(|c| c.column == "urbanicity"), "{:?}", p.skipped);
    assert!(p.categories.iter().all(|c| c.column != "urbanicity"));
}

/// Two segments side by side, and one against everyone else: the comparison's profile holds only
/// the customers compared, and its differences are significant, the strongest first.
#[test]
fn two_segments_are_compared_and_one_against_everyone_else() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    let sizes: Vec<u64> = profile(&mut s, id, options()).segments.iter().map(|x| x.count).collect();
    let Response::Comparison(c) =
        ok(&mut s, Request::Compare { dataset: D, segmentation: id, first: 0, second: Some(1), options: options() })
    else {
        panic!()
    };
    assert_eq!(c.profile.customers, sizes[0] + sizes[1]);
    assert!(c.differences.iter().all(|d| d.test.significant));
    assert!(c.differences.windows(2).all(|w| w[0].test.strength.abs() >= w[1].test.strength.abs()));
    let Response::Comparison(rest) =
        ok(&mut s, Request::Compare { dataset: D, segmentation: id, first: 2, second: None, options: options() })
    else {
        panic!()
    };
    assert_eq!((rest.profile.customers, rest.second.as_str()), (600, "Everyone else"));
    let same =
        error(&mut s, Request::Compare { dataset: D, segmentation: id, first: 1, second: Some(1), options: options() });
    assert!(same.contains("is compared with itself"), "{same}");
}

/// RFM with five scores frozen (a copy) and made again with three: the movement matrix counts
/// every customer once, with no new or gone customers (the same customers), and shows who moved.
#[test]
fn two_snapshots_of_rfm_give_a_movement_matrix() {
    use segscope_engine::api::RfmParams;
    let mut s = Session::new();
    let params = SampleParams { customers: 600.into(), ..SampleParams::default() };
    ok(&mut s, Request::LoadSample { params: params.clone() });
    ok(&mut s, Request::AttachSampleTransactions { dataset: D, params });
    let Response::Rfm(rfm) =
        ok(&mut s, Request::Rfm { dataset: D, params: RfmParams::default(), map: None, as_of: None })
    else {
        panic!()
    };
    let Response::Segmentations(list) =
        ok(&mut s, Request::DuplicateSegmentation { dataset: D, segmentation: rfm.assignment })
    else {
        panic!()
    };
    let frozen = list.last().unwrap().id;
    let three = RfmParams { bins: Typed::Text("3".into()), ..RfmParams::default() };
    ok(&mut s, Request::Rfm { dataset: D, params: three, map: None, as_of: None });
    let Response::Movement(m) = ok(&mut s, Request::Movement { dataset: D, before: frozen, after: rfm.assignment })
    else {
        panic!()
    };
    assert_eq!(m.before, "RFM segments (copy)");
    assert_eq!(m.counts.iter().flatten().sum::<u64>(), 600);
    assert_eq!(m.matched, 600);
    assert_eq!(m.counts.last().unwrap().iter().sum::<u64>(), 0, "no new customers");
    assert!(m.counts.iter().all(|r| r.last() == Some(&0)), "none gone");
    assert!(m.stayed < 600, "three scores move some customers: {m:?}");
}
