//! The report as one self-contained HTML page that works offline when e-mailed: no request of
//! any kind (no fonts, scripts, stylesheets or images by URL; the charts are inline SVG, the CSS
//! sits in a `<style>`), and a print stylesheet so the browser's "Print to PDF" gives a clean
//! document: `@page` margins, headings kept with what follows, a table row never split across
//! pages and a table's header repeated on each, and no table wider than the page (fixed layout
//! at the page's width, long values wrapping, the KPI table's segments split over several tables,
//! each with all customers beside them).
//!
//! What it shows: the data set, the segmentation in words, sizes (bar chart, treemap, table),
//! the KPIs (table and comparison bar charts), each segment's typical-customer card, each
//! segment's profile (numbers, categories with index, dates, and an index chart of its top
//! traits), the niches when looked for, the sensitive-column notes, the columns not compared
//! and the method. Every chart has a table beside it; every user text (file, column, segment and
//! level names) is escaped; every number shown goes through [`crate::format`].

use std::fmt::Write as _;

use super::charts;
use super::kpis::{kpis, shown};
use super::{ReportError, ReportInput};
use crate::format;
use crate::profile::sentences::cut;
use crate::profile::{Profile, ALL_CUSTOMERS};

/// The most segments one KPI table shows side by side, beside all customers; more are split
/// evenly over several tables, so no table is wider than the page.
const KPI_SEGMENTS: usize = 4;
/// A column header that may break (soft hyphen) in a narrow column.
const SIGNIFICANT: &str = "Signif\u{ad}icant";
/// The most traits an index chart shows.
const INDEX_TRAITS: usize = 10;

/// The page's CSS: screen and print.
const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1d1d1f; background: #fff; line-height: 1.45; max-width: 62rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid #4e79a7; }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: .98rem; margin: 1rem 0 .3rem; }
p, li { overflow-wrap: anywhere; }
.meta { color: #555; margin: 0; }
.words p { margin: .2rem 0; }
nav ol { columns: 2; margin: .6rem 0 0; padding-left: 1.2rem; }
nav a { color: #2a5a8a; }
figure { margin: .8rem 0; }
figcaption { font-size: .85rem; color: #555; }
svg.chart { display: block; width: 100%; max-width: 720px; height: auto; }
table { width: 100%; table-layout: fixed; border-collapse: collapse; margin: .5rem 0 1rem;
  font-size: .86rem; overflow-wrap: anywhere; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; caption-side: top; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .4rem; vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid #999; background: #f3f5f8; font-size: .8rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th.label { width: 26%; }
th.sublabel { width: 16%; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: .8rem; }
.card { border: 1px solid #ccd; border-left: 6px solid #4e79a7; border-radius: 6px; padding: .6rem .8rem; }
.card h3 { margin-top: 0; }
.card ul { margin: .2rem 0 .4rem; padding-left: 1.1rem; }
.card p { margin: .4rem 0 .1rem; }
.card ul.values { font-size: .82rem; color: #333; }
.note { background: #fff7e6; border-left: 4px solid #f28e2b; padding: .4rem .7rem; margin: .6rem 0; }
.flag { color: #a0522d; font-weight: 600; }
footer { margin-top: 2.5rem; font-size: .8rem; color: #666; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  #typical, #profiles, #niches, #method, h3.next { break-before: page; }
  .cards { display: block; }
  .card { margin-bottom: .6rem; }
  .card ul.values { columns: 3; column-gap: 1rem; }
  h2, h3, h4, caption { break-after: avoid; }
  figure, .card { break-inside: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  svg.chart { max-width: 100%; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// `text` safe inside HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A table cell: its text (escaped when written) and whether it is a number (right-aligned).
struct Cell {
    text: String,
    number: bool,
}

fn text(t: impl Into<String>) -> Cell {
    Cell { text: t.into(), number: false }
}

fn num(t: impl Into<String>) -> Cell {
    Cell { text: t.into(), number: true }
}

/// A table: a caption, its headers (the first `labels` are label columns) and its rows.
fn table(out: &mut String, caption: &str, headers: &[&str], labels: usize, rows: &[Vec<Cell>]) {
    let _ = write!(out, "<table><caption>{}</caption><thead><tr>", escape(caption));
    for (i, h) in headers.iter().enumerate() {
        let class = match i {
            0 if labels > 0 => " class=\"label\"",
            1 if labels > 1 => " class=\"sublabel\"",
            i if i >= labels => " class=\"num\"",
            _ => "",
        };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let close = if i == 0 { "th" } else { "td" };
            let class = if c.number { " class=\"num\"" } else { "" };
            let _ = write!(out, "<{tag}{class}>{}</{close}>", escape(&c.text));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

/// A chart in a figure with its caption.
fn figure(out: &mut String, svg: &str, caption: &str) {
    let _ = writeln!(out, "<figure>{svg}<figcaption>{}</figcaption></figure>", escape(caption));
}

/// Opens a section with its heading.
fn section(out: &mut String, id: &str, title: &str) {
    let _ = writeln!(out, "<section id=\"{id}\"><h2>{}</h2>", escape(title));
}

/// `column`, marked when it is flagged as sensitive.
fn column_name(profile: &Profile, column: &str) -> String {
    if profile.sensitive.iter().any(|s| s.column == column) {
        format!("{column} (sensitive)")
    } else {
        column.to_string()
    }
}

/// An adjusted p-value and whether it is significant, as two cells.
fn test_cells(test: Option<&crate::profile::TraitTest>) -> [Cell; 2] {
    match test {
        Some(t) => [num(format::p_value(t.adjusted_p)), num(if t.significant { "yes" } else { "no" })],
        None => [num("–"), num("not tested")],
    }
}

/// The report as an HTML page.
///
/// # Errors
/// [`ReportError::Chart`] when a chart cannot be drawn.
pub fn write(input: &ReportInput) -> Result<String, ReportError> {
    let p = &input.profile;
    let mut out = String::with_capacity(64 * 1024);
    let title = format!("Segment report: {}", input.segmentation);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Segscope {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&format!("{title} ({})", input.dataset))
    );
    header(&mut out, input, &title);
    segmentation(&mut out, input);
    sizes(&mut out, p)?;
    kpi_section(&mut out, p)?;
    custom_kpi_section(&mut out, p);
    typical(&mut out, p);
    profiles(&mut out, p)?;
    niches(&mut out, input);
    notes(&mut out, p);
    let _ = write!(
        out,
        "<footer>Made with Segscope {}. This page is self-contained: it loads nothing from anywhere, so it can be \
         e-mailed, archived and opened offline; print it to PDF from the browser.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    Ok(out)
}

/// The title, the data set and the contents.
fn header(out: &mut String, input: &ReportInput, title: &str) {
    let p = &input.profile;
    let mut facts = vec![
        format!("Data set: {}", input.dataset),
        format!("{} customers", format::count(p.customers)),
        format!("{} segments", p.segments.len()),
    ];
    if let Some(as_of) = &input.as_of {
        facts.push(format!("as of {as_of}"));
    }
    let _ = writeln!(out, "<header><h1>{}</h1><p class=\"meta\">{}</p>", escape(title), escape(&facts.join(" · ")));
    let mut contents = vec![("segmentation", "The segmentation"), ("sizes", "Segment sizes")];
    if p.kpis.is_some() {
        contents.push(("kpis", "KPIs"));
    }
    if p.custom_kpis.is_some() {
        contents.push(("custom-kpis", "Your KPIs"));
    }
    contents.extend([("typical", "Typical customers"), ("profiles", "Profiles")]);
    if input.niches.is_some() {
        contents.push(("niches", "Niches"));
    }
    contents.push(("method", "Method and notes"));
    out.push_str("<nav aria-label=\"Contents\"><ol>");
    for (id, name) in contents {
        let _ = write!(out, "<li><a href=\"#{id}\">{name}</a></li>");
    }
    out.push_str("</ol></nav></header>\n");
}

/// The segmentation in words, and the sensitive columns up front.
fn segmentation(out: &mut String, input: &ReportInput) {
    section(out, "segmentation", "The segmentation");
    let _ = writeln!(
        out,
        "<p><strong>{}</strong> ({})</p><div class=\"words\">",
        escape(&input.segmentation),
        escape(&input.kind)
    );
    for line in input.in_words.lines().filter(|l| !l.trim().is_empty()) {
        let _ = writeln!(out, "<p>{}</p>", escape(line));
    }
    out.push_str("</div>\n");
    if !input.profile.sensitive.is_empty() {
        let names: Vec<&str> = input.profile.sensitive.iter().map(|s| s.column.as_str()).collect();
        let _ = writeln!(
            out,
            "<p class=\"note\">Columns whose names suggest special categories of personal data: {}. See the notes \
             at the end before sharing this report.</p>",
            escape(&names.join(", "))
        );
    }
    out.push_str("</section>\n");
}

/// Sizes: bar chart, treemap and table.
fn sizes(out: &mut String, p: &Profile) -> Result<(), ReportError> {
    section(out, "sizes", "Segment sizes");
    figure(out, &charts::sizes(p)?, "Customers per segment; the bars are labelled with the count and share.");
    figure(out, &charts::treemap(p)?, "The same sizes as areas: each rectangle is a segment's share of all customers.");
    let mut rows: Vec<Vec<Cell>> = p
        .segments
        .iter()
        .map(|s| vec![text(s.name.clone()), num(format::count(s.count)), num(format::share(s.share))])
        .collect();
    rows.push(vec![text(ALL_CUSTOMERS), num(format::count(p.customers)), num(format::share(1.0))]);
    table(out, "Segment sizes", &["Segment", "Customers", "Share"], 1, &rows);
    out.push_str("</section>\n");
    Ok(())
}

/// The KPIs: tables of at most [`KPI_SEGMENTS`] segments each, and comparison charts.
fn kpi_section(out: &mut String, p: &Profile) -> Result<(), ReportError> {
    let Some(t) = &p.kpis else { return Ok(()) };
    section(out, "kpis", "KPIs");
    let currency = t.currency.as_deref();
    let mut facts = Vec::new();
    if let Some(as_of) = &t.as_of {
        let how = if t.as_of_is_default { " (the day after the latest transaction)" } else { "" };
        facts.push(format!("Recency and the churn proxy count back from {as_of}{how}."));
    }
    if let Some(d) = &t.lapsed_definition {
        facts.push(format!("Lapsed (churn proxy): {d}"));
    }
    if let Some(c) = currency {
        facts.push(format!("Amounts are in {c}."));
    }
    for f in facts {
        let _ = writeln!(out, "<p>{}</p>", escape(&f));
    }
    let list = kpis(t);
    let parts = t.segments.len().div_ceil(KPI_SEGMENTS).max(1);
    let per_table = t.segments.len().div_ceil(parts).max(1);
    for (i, segments) in t.segments.chunks(per_table).enumerate() {
        let chunk: Vec<_> = segments.iter().chain(std::iter::once(&t.all)).collect();
        let mut headers = vec!["KPI"];
        headers.extend(chunk.iter().map(|g| g.segment.as_str()));
        let rows: Vec<Vec<Cell>> = list
            .iter()
            .map(|k| {
                let mut row = vec![text(k.label)];
                row.extend(chunk.iter().map(|g| num(shown(k, g, currency))));
                row
            })
            .collect();
        let caption = if parts > 1 {
            format!("KPIs by segment ({} of {parts})", i.saturating_add(1))
        } else {
            "KPIs by segment".into()
        };
        table(out, &caption, &headers, 1, &rows);
    }
    let charted = ["revenue_per_customer", "revenue_share", "repeat_rate", "mean_recency_days"];
    for kpi in list.iter().filter(|k| charted.contains(&k.key)) {
        let caption = format!("{} per segment; the grey bar is all customers.", kpi.label);
        figure(out, &charts::kpi(t, kpi)?, &caption);
    }
    out.push_str("</section>\n");
    Ok(())
}

/// The user's KPIs: what each computes, then tables of at most [`KPI_SEGMENTS`] segments each, a
/// value per cell with its target's state.
fn custom_kpi_section(out: &mut String, p: &Profile) {
    let Some(t) = &p.custom_kpis else { return };
    section(out, "custom-kpis", "Your KPIs");
    let currency = t.currency.as_deref();
    out.push_str("<ul>");
    for k in &t.kpis {
        let _ = write!(out, "<li><strong>{}</strong>: {}.</li>", escape(&k.definition.name), escape(&k.description));
    }
    out.push_str("</ul>\n");
    if let Some(as_of) = &t.as_of {
        let _ = writeln!(out, "<p>Conditions on recent dates count back from {}.</p>", escape(as_of));
    }
    let segments = t.kpis.first().map_or(0, |k| k.segments.len());
    let parts = segments.div_ceil(KPI_SEGMENTS).max(1);
    let per_table = segments.div_ceil(parts).max(1);
    for part in 0..parts {
        // None saturates: both are at most parts × per_table, below segments + parts (1 without segments).
        let start = part.saturating_mul(per_table);
        let range = start..start.saturating_add(per_table).min(segments);
        let mut headers = vec!["KPI"];
        if let Some(k) = t.kpis.first() {
            headers.extend(k.segments.get(range.clone()).unwrap_or_default().iter().map(|g| g.segment.as_str()));
            headers.push(ALL_CUSTOMERS);
        }
        let rows: Vec<Vec<Cell>> = t
            .kpis
            .iter()
            .map(|k| {
                let mut row = vec![text(k.definition.name.clone())];
                let groups = k.segments.get(range.clone()).unwrap_or_default().iter().chain(std::iter::once(&k.all));
                row.extend(groups.map(|g| {
                    let value = k.show_value(g, currency);
                    num(match k.target_words(g, currency) {
                        Some(target) => format!("{value} ({target})"),
                        None => value,
                    })
                }));
                row
            })
            .collect();
        let caption = if parts > 1 {
            format!("Your KPIs by segment ({} of {parts})", part.saturating_add(1))
        } else {
            "Your KPIs by segment".into()
        };
        table(out, &caption, &headers, 1, &rows);
    }
    for n in &t.not_computed {
        let _ = writeln!(out, "<p class=\"note\">Not computed: {}</p>", escape(n));
    }
    out.push_str("</section>\n");
}

/// The typical-customer cards.
fn typical(out: &mut String, p: &Profile) {
    section(out, "typical", "Typical customers");
    out.push_str(
        "<p>Each segment's typical customer: the median of each number, the most common value of each category, and \
         the traits that most set the segment apart (only differences that are statistically significant).</p>\n\
         <div class=\"cards\">\n",
    );
    for (t, s) in p.typical.iter().zip(&p.segments) {
        let _ = write!(
            out,
            "<article class=\"card\"><h3>{}</h3><p class=\"meta\">{} customers, {} of all</p>",
            escape(&t.segment),
            format::count(s.count),
            format::share(s.share)
        );
        if t.callouts.is_empty() {
            out.push_str("<p>No trait differs significantly from the other customers.</p>");
        } else {
            out.push_str("<p><strong>What sets them apart</strong></p><ul>");
            for c in &t.callouts {
                let _ = write!(out, "<li>{}</li>", escape(&c.sentence));
            }
            out.push_str("</ul>");
        }
        if !t.values.is_empty() {
            out.push_str("<p><strong>Typical values</strong></p><ul class=\"values\">");
            for v in &t.values {
                let _ = write!(out, "<li>{}</li>", escape(&v.text));
            }
            out.push_str("</ul>");
        }
        out.push_str("</article>\n");
    }
    out.push_str("</div></section>\n");
}

/// Segment `s`'s top significant traits (label, index), strongest first.
fn top_traits(p: &Profile, s: usize) -> Vec<(String, f64)> {
    let mut traits: Vec<(f64, String, f64)> = Vec::new();
    for t in &p.numbers {
        let Some(seg) = t.segments.get(s) else { continue };
        if let (Some(index), Some(test)) = (seg.index, seg.test.filter(|t| t.significant)) {
            traits.push((test.strength.abs(), format!("{} (mean)", format::words(&t.column)), index));
        }
    }
    for t in &p.categories {
        let Some(seg) = t.segments.get(s) else { continue };
        for (level, l) in t.levels.iter().zip(&seg.levels) {
            if let (Some(index), Some(test)) = (l.index, l.test.filter(|t| t.significant)) {
                traits.push((test.strength.abs(), cut(&t.column, level, t.flag), index));
            }
        }
    }
    traits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    traits.into_iter().take(INDEX_TRAITS).map(|(_, label, index)| (label, index)).collect()
}

/// Each segment's profile: index chart, numbers, categories and dates.
fn profiles(out: &mut String, p: &Profile) -> Result<(), ReportError> {
    section(out, "profiles", "Profiles");
    out.push_str(
        "<p>Each segment against all customers. The index is the segment's share (or mean) ÷ everyone's × 100: above \
         100 the segment has more of it. Adj. p is the p-value of the segment against the rest, adjusted for testing \
         all its traits (see Method); significant means at most the chosen level.</p>\n",
    );
    for (s, seg) in p.segments.iter().enumerate() {
        // In print, each segment after the first starts a page.
        let class = if s > 0 { " class=\"next\"" } else { "" };
        let _ = writeln!(out, "<h3{class}>{}</h3>", escape(&seg.name));
        let traits = top_traits(p, s);
        if !traits.is_empty() {
            let caption = format!(
                "The traits that most set {} apart (significant only), as an index: 100 is the same as all customers.",
                seg.name
            );
            figure(out, &charts::index(&seg.name, &traits)?, &caption);
        }
        number_table(out, p, s, &seg.name);
        category_table(out, p, s, &seg.name);
        date_table(out, p, s, &seg.name);
    }
    out.push_str("</section>\n");
    Ok(())
}

/// Segment `s`'s numbers beside everyone's, in two tables so each fits the page: the centre
/// (means, medians, index and test), then the spread (quartiles, range, values and missing).
fn number_table(out: &mut String, p: &Profile, s: usize, name: &str) {
    let dash = || "–".to_string();
    let n = |x: Option<f64>| num(x.map_or_else(dash, format::number));
    let range = |a: f64, b: f64| format!("{} – {}", format::number(a), format::number(b));
    let mut centre: Vec<Vec<Cell>> = Vec::new();
    let mut spread: Vec<Vec<Cell>> = Vec::new();
    for t in &p.numbers {
        let Some(seg) = t.segments.get(s) else { continue };
        let (mine, all) = (seg.summary.stats.as_ref(), t.all.stats.as_ref());
        let [pv, sig] = test_cells(seg.test.as_ref());
        centre.push(vec![
            text(column_name(p, &t.column)),
            n(mine.map(|m| m.mean)),
            n(all.map(|m| m.mean)),
            n(mine.map(|m| m.median)),
            n(all.map(|m| m.median)),
            num(seg.index.map_or_else(dash, format::index)),
            pv,
            sig,
        ]);
        spread.push(vec![
            text(column_name(p, &t.column)),
            num(mine.map_or_else(dash, |m| range(m.q1, m.q3))),
            num(all.map_or_else(dash, |m| range(m.q1, m.q3))),
            num(mine.map_or_else(dash, |m| range(m.min, m.max))),
            num(all.map_or_else(dash, |m| range(m.min, m.max))),
            num(format::count(seg.summary.count)),
            num(format::count(seg.summary.missing)),
        ]);
    }
    if centre.is_empty() {
        return;
    }
    let headers = ["Column", "Mean", "Mean, all", "Median", "Median, all", "Index", "Adj. p", SIGNIFICANT];
    table(out, &format!("Numbers: {name} against all customers"), &headers, 1, &centre);
    let headers = ["Column", "Q1 – Q3", "Q1 – Q3, all", "Min – max", "Min – max, all", "Values", "Missing"];
    table(out, &format!("Numbers: the spread in {name} and in all customers"), &headers, 1, &spread);
}

/// Segment `s`'s category levels with share, overall share, index and test.
fn category_table(out: &mut String, p: &Profile, s: usize, name: &str) {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for t in &p.categories {
        let Some(seg) = t.segments.get(s) else { continue };
        for ((level, l), all) in t.levels.iter().zip(&seg.levels).zip(&t.all.levels) {
            let [pv, sig] = test_cells(l.test.as_ref());
            rows.push(vec![
                text(column_name(p, &t.column)),
                text(level.clone()),
                num(format::share(l.share.share)),
                num(format::share(all.share)),
                num(l.index.map_or_else(|| "–".to_string(), format::index)),
                pv,
                sig,
            ]);
        }
    }
    if rows.is_empty() {
        return;
    }
    let headers = ["Column", "Level", "Share", "Share, all", "Index", "Adj. p", SIGNIFICANT];
    table(out, &format!("Categories: {name} against all customers"), &headers, 2, &rows);
}

/// Segment `s`'s dates beside everyone's.
fn date_table(out: &mut String, p: &Profile, s: usize, name: &str) {
    let day = |d: &Option<String>| num(d.clone().unwrap_or_else(|| "–".to_string()));
    let rows: Vec<Vec<Cell>> = p
        .dates
        .iter()
        .filter_map(|t| {
            let seg = t.segments.get(s)?;
            Some(vec![
                text(column_name(p, &t.column)),
                day(&seg.min),
                day(&seg.median),
                day(&seg.max),
                day(&t.all.median),
            ])
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let headers = ["Column", "Earliest", "Median", "Latest", "Median, all"];
    table(out, &format!("Dates: {name} against all customers"), &headers, 1, &rows);
}

/// The niches, when they were looked for.
fn niches(out: &mut String, input: &ReportInput) {
    let Some(report) = &input.niches else { return };
    section(out, "niches", "Niches");
    let params = &report.params;
    let _ = writeln!(
        out,
        "<p>Small groups worth far more than the average on {}: a segment, or a segment cut by one level of a \
         category, of {} to {} of all customers, whose mean indexes at least {} against everyone's (100 is the \
         average) with a significant difference (Welch's t-test, p-values adjusted across the {} groups tested). \
         Everyone's mean is {}.</p>",
        escape(&format::words(&params.value)),
        escape(&typed(&params.min_share, format::share)),
        escape(&typed(&params.max_share, format::share)),
        escape(&typed(&params.min_index, format::index)),
        format::count(report.candidates),
        format::number(report.overall_mean)
    );
    if report.niches.is_empty() {
        out.push_str("<p>No group met all three conditions.</p></section>\n");
        return;
    }
    let rows: Vec<Vec<Cell>> = report
        .niches
        .iter()
        .map(|n| {
            vec![
                text(n.label.clone()),
                num(format::count(n.size)),
                num(format::share(n.share)),
                num(format::number(n.mean)),
                num(format::index(n.index)),
                num(format::p_value(n.adjusted_p)),
            ]
        })
        .collect();
    let headers = ["Group", "Customers", "Share", "Mean", "Index", "Adj. p"];
    table(out, &format!("Niches on {}", format::words(&params.value)), &headers, 1, &rows);
    out.push_str("</section>\n");
}

/// A checked setting for people, or the text as typed.
fn typed(setting: &crate::typed::Typed<f64>, show: fn(f64) -> String) -> String {
    match setting {
        crate::typed::Typed::Value(v) => show(*v),
        crate::typed::Typed::Text(t) => t.trim().to_string(),
    }
}

/// Sensitive columns, columns not compared, and the method.
fn notes(out: &mut String, p: &Profile) {
    section(out, "method", "Method and notes");
    if !p.sensitive.is_empty() {
        out.push_str("<h3>Sensitive columns</h3><ul>");
        for s in &p.sensitive {
            let _ = write!(out, "<li><span class=\"flag\">{}</span>: {}</li>", escape(&s.column), escape(&s.reason));
        }
        out.push_str("</ul>\n");
    }
    if !p.skipped.is_empty() {
        out.push_str("<h3>Columns not compared</h3><ul>");
        for s in &p.skipped {
            let _ = write!(out, "<li>{}: {}</li>", escape(&s.column), escape(&s.reason));
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(out, "<h3>Method</h3><p>{}</p></section>", escape(&p.method.description));
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::report::tests::sample;

    #[test]
    fn user_text_is_escaped() {
        assert_eq!(escape("Tom & <Jerry> \"q\" 'a'"), "Tom &amp; &lt;Jerry&gt; &quot;q&quot; &#39;a&#39;");
        let page = write(&sample()).unwrap();
        assert!(page.contains("Tom &amp; &lt;Jerry&gt;"), "the segment's name, escaped");
        assert!(!page.contains("<Jerry>"), "never raw");
        assert!(page.contains("customers &lt;2024&gt;.csv"), "the file's name, escaped");
    }

    #[test]
    fn the_page_requests_nothing() {
        let page = write(&sample()).unwrap();
        for banned in ["http://", "https://", "src=", "<link", "<script", "@import", "url("] {
            assert!(!page.contains(banned), "{banned}");
        }
    }

    #[test]
    fn every_chart_is_inline_svg_with_a_label_and_a_table_beside_it() {
        let input = sample();
        let page = write(&input).unwrap();
        let charts = page.matches("<svg ").count();
        // Sizes bar and treemap, four KPI charts, an index chart per segment.
        assert_eq!(charts, 2 + 4 + input.profile.segments.len(), "{charts}");
        assert_eq!(page.matches("role=\"img\" aria-label=").count(), charts);
        assert!(
            page.contains("<caption>Segment sizes</caption>") && page.contains("<caption>KPIs by segment</caption>")
        );
        assert!(page.contains("Customers") && page.contains("Index (100 = all customers)"), "axis captions");
    }

    #[test]
    fn numbers_are_formatted_for_people() {
        let page = write(&sample()).unwrap();
        assert!(page.contains("<td class=\"num\">20.0%</td>"), "a share");
        assert!(page.contains('€'), "the currency");
        assert!(page.contains("health_score (sensitive)"), "a flagged column is marked where it appears");
        assert!(page.contains("@page") && page.contains("break-inside: avoid") && page.contains("table-header-group"));
    }

    #[test]
    fn many_segments_split_the_kpi_table() {
        let mut input = sample();
        let kpis = input.profile.kpis.as_mut().unwrap();
        let more = kpis.segments.clone();
        kpis.segments.extend(more.clone());
        kpis.segments.extend(more);
        let page = write(&input).unwrap();
        assert!(page.contains("KPIs by segment (1 of 3)") && page.contains("KPIs by segment (3 of 3)"));
        assert_eq!(page.matches("<th scope=\"col\" class=\"num\">All customers</th>").count(), 3, "beside each part");
    }
}
