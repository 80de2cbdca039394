//! The report download through the boundary (`Request::ProfileFiles`): any segmentation's report,
//! named after it, as a workbook that opens with calamine and holds the profile's values, a
//! self-contained HTML page (an inline SVG per chart, no reference to anything outside, user
//! text escaped), JSON that reads back and a tidy CSV; RFM and rules say how they were made.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/session.rs"]
mod session;

use calamine::{Data, Reader, Xlsx};
use segscope_engine::api::{
    AssignmentId, Definition, FileOut, NicheParams, Profile, ProfileOptions, ReportFormat, ReportInput, Request,
    Response, RfmParams, Session,
};
use segscope_engine::progress::Quiet;
use session::{ok, sample, split_sample, D};

fn options() -> ProfileOptions {
    ProfileOptions { leave_out: vec!["urbanicity".into()], ..ProfileOptions::default() }
}

fn profile(s: &mut Session, segmentation: AssignmentId) -> Profile {
    match ok(s, Request::Profile { dataset: D, segmentation, options: options() }) {
        Response::Profile(p) => *p,
        other => panic!("{other:?}"),
    }
}

/// The report file of a report download (its manifest beside it).
fn report(s: &mut Session, segmentation: AssignmentId, niches: Option<NicheParams>, format: ReportFormat) -> FileOut {
    let request = Request::ProfileFiles { dataset: D, segmentation, options: options(), niches, format };
    let json = serde_json::to_string(&request).unwrap();
    assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), request, "the request crosses as JSON");
    match ok(s, request) {
        Response::Files(mut files) => {
            assert_eq!(files.len(), 2);
            assert_eq!(files[1].name, format!("{}.manifest.json", files[0].name));
            files.remove(0)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_workbook_opens_with_calamine_and_holds_the_profiles_values() {
    let mut s = Session::new();
    let id = split_sample(&mut s);
    let p = profile(&mut s, id);
    let file = report(&mut s, id, None, ReportFormat::Xlsx);
    assert_eq!(file.name, "sample-customers-split-by-urbanicity-3-values-report.xlsx");
    assert_eq!(file.mime, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(file.bytes)).unwrap();
    let names = book.sheet_names();
    let segments: Vec<&str> = p.segments.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names[..2], ["KPIs", "Sizes"]);
    assert_eq!(names[2..5], segments);
    assert_eq!(names[5..], ["Typical customers", "Definition"]);

    let sizes = book.worksheet_range("Sizes").unwrap();
    for (i, seg) in p.segments.iter().enumerate() {
        let row = 2 + i as u32;
        assert_eq!(sizes.get_value((row, 0)), Some(&Data::String(seg.name.clone())));
        assert_eq!(sizes.get_value((row, 1)), Some(&Data::Float(seg.count as f64)));
        assert_eq!(sizes.get_value((row, 2)), Some(&Data::Float(seg.share)));
    }

    let kpis = book.worksheet_range("KPIs").unwrap();
    let rows: Vec<&[Data]> = kpis.rows().collect();
    let header = rows.iter().position(|r| r.first() == Some(&Data::String("Segment".into()))).unwrap();
    let column = rows[header].iter().position(|c| c == &Data::String("Share of revenue".into())).unwrap();
    let table = p.kpis.as_ref().unwrap();
    for (i, k) in table.segments.iter().enumerate() {
        assert_eq!(rows[header + 1 + i][0], Data::String(k.segment.clone()));
        assert_eq!(rows[header + 1 + i][column], Data::Float(k.revenue_share.unwrap()), "{}", k.segment);
    }

    // A category level's index on the first segment's sheet.
    let trait_ = p.categories.iter().find(|c| c.segments[0].levels.iter().any(|l| l.index.is_some())).unwrap();
    let (level, expected) =
        trait_.levels.iter().zip(&trait_.segments[0].levels).find_map(|(n, l)| Some((n, l.index?))).unwrap();
    let sheet = book.worksheet_range(segments[0]).unwrap();
    let row = sheet
        .rows()
        .find(|r| {
            r.first() == Some(&Data::String(trait_.column.clone())) && r.get(1) == Some(&Data::String(level.clone()))
        })
        .unwrap();
    assert_eq!(row[5], Data::Float(expected));

    let definition = book.worksheet_range("Definition").unwrap();
    let text: Vec<String> = definition.rows().filter_map(|r| r.first().map(ToString::to_string)).collect();
    assert!(text.iter().any(|t| t.starts_with("Split by the column urbanicity: one segment per value")), "{text:?}");
}

/// Rule segments whose first segment's name needs escaping.
fn rules(s: &mut Session) -> AssignmentId {
    sample(s);
    let definition = Definition::from_json(
        r#"{"format": "segscope.segments/1", "name": "Buyers <&> browsers",
        "segments": [{"name": "Tom & <Jerry>", "when": {"column": "orders", "op": "ge", "value": 8}}],
        "remainder": {"name": "Everyone else"}}"#,
    )
    .unwrap();
    let Response::Rules(view) = ok(s, Request::ApplyRules { dataset: D, definition }) else { panic!() };
    view.assignment.unwrap()
}

#[test]
fn the_html_report_is_self_contained_with_an_svg_per_chart_and_escaped_names() {
    let mut s = Session::new();
    let id = rules(&mut s);
    let niches = NicheParams { value: "revenue".into(), ..NicheParams::default() };
    let file = report(&mut s, id, Some(niches), ReportFormat::Html);
    assert_eq!(file.name, "sample-customers-buyers-browsers-report.html");
    assert_eq!(file.mime, "text/html");
    let page = String::from_utf8(file.bytes).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    for outside in ["http://", "https://", "src=", "<link", "<script", "url(", "@import"] {
        assert!(!page.contains(outside), "the page refers to something outside: {outside}");
    }
    let figures: Vec<&str> = page.split("<figure>").skip(1).map(|f| f.split("</figure>").next().unwrap()).collect();
    assert!(figures.len() >= 8, "sizes, treemap, four KPI charts and index charts: {}", figures.len());
    for f in &figures {
        assert_eq!(f.matches("<svg ").count(), 1, "one inline SVG per chart: {f}");
        assert!(f.contains("</svg>") && f.contains("<figcaption>"));
    }
    assert_eq!(page.matches("<svg ").count(), figures.len(), "every chart is in a figure with its caption");
    assert!(page.contains("Tom &amp; &lt;Jerry&gt;") && !page.contains("Tom & <Jerry>"), "the segment's name escaped");
    assert!(page.contains("Buyers &lt;&amp;&gt; browsers"), "the segmentation's name escaped");
    assert!(page.contains("Tom &amp; &lt;Jerry&gt;: orders ≥ 8."), "the rule in words");
    assert!(page.contains("id=\"niches\""), "the niches");
}

#[test]
fn json_and_csv_reports_hold_plain_values_and_rfm_says_how_it_scored() {
    let mut s = Session::new();
    sample(&mut s);
    let Response::Rfm(rfm) =
        ok(&mut s, Request::Rfm { dataset: D, params: RfmParams::default(), map: None, as_of: None })
    else {
        panic!()
    };
    let id = rfm.assignment;
    let json = report(&mut s, id, None, ReportFormat::Json);
    assert_eq!(
        (json.name.as_str(), json.mime.as_str()),
        ("sample-customers-rfm-segments-report.json", "application/json")
    );
    let input: ReportInput = serde_json::from_slice(&json.bytes).unwrap();
    assert_eq!(input.kind, "RFM");
    assert_eq!(input.as_of.as_deref(), Some(rfm.as_of.as_str()));
    assert!(input.in_words.starts_with("RFM segments: each customer with a purchase gets"), "{}", input.in_words);
    assert!(input.in_words.contains("Champions: R 5, F 4–5."), "{}", input.in_words);
    assert_eq!(input.profile.customers, 600);

    let csv = report(&mut s, id, None, ReportFormat::Csv);
    assert_eq!((csv.name.as_str(), csv.mime.as_str()), ("sample-customers-rfm-segments-report.csv", "text/csv"));
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(text.starts_with("segment,column,level,statistic,value,index,adjusted_p,significant\n"));
    for seg in &input.profile.segments {
        let row = format!("\n{},,,customers,{},,,\n", seg.name, seg.count);
        assert!(
            text.contains(&row) || text.contains(&format!("\n\"{}\",,,customers,{},,,\n", seg.name, seg.count)),
            "{row}"
        );
    }
}

#[test]
fn a_report_on_an_unknown_segmentation_says_so() {
    let mut s = Session::new();
    split_sample(&mut s);
    let request = Request::ProfileFiles {
        dataset: D,
        segmentation: AssignmentId(99),
        options: options(),
        niches: None,
        format: ReportFormat::Html,
    };
    match s.handle(request, &mut Quiet) {
        Response::Error { message } => assert_eq!(message, "those segments are no longer available; make them again."),
        other => panic!("{other:?}"),
    }
}
