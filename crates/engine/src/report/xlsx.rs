//! The report as a summary workbook (Excel `.xlsx`): a "KPIs" sheet (per segment and all
//! customers when transactions were attached, else the sizes), a "Sizes" sheet, one profile sheet
//! per segment (numbers against everyone, categories with index and tests, dates), a "Typical
//! customers" sheet, a "Niches" sheet when niches were looked for, and a "Definition" sheet (the
//! data set, the segmentation in words, the method, the sensitive columns and the columns not
//! compared). Cells hold plain values (DECISIONS 24) shown through number formats: thousands,
//! percentages, p-values. Sensitive columns are marked on every sheet they appear on.
//!
//! The workbook's creation date is the report's as-of date (else 1980-01-01), never the clock,
//! so the same report gives the same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

use super::kpis::{kpis, Unit};
use super::{ReportError, ReportInput};
use crate::custom_kpi::{CustomKpiTable, KpiFormat};
use crate::profile::{Profile, ALL_CUSTOMERS};

/// The longest sheet name Excel accepts.
const SHEET_NAME: usize = 31;

/// The number formats cells are shown with.
struct Formats {
    bold: Format,
    title: Format,
    header: Format,
    count: Format,
    share: Format,
    number: Format,
    index: Format,
    p: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Self {
        let header = Format::new().set_bold().set_background_color("#F3F5F8").set_text_wrap();
        Formats {
            bold: Format::new().set_bold(),
            title: Format::new().set_bold().set_font_size(14),
            header,
            count: Format::new().set_num_format("#,##0"),
            share: Format::new().set_num_format("0.0%"),
            number: Format::new().set_num_format("#,##0.00"),
            index: Format::new().set_num_format("0"),
            p: Format::new().set_num_format("0.0000"),
            wrap: Format::new().set_text_wrap(),
        }
    }
}

/// A valid sheet name for `wanted`, unlike (ignoring case, as Excel does) every name in `taken`:
/// the characters Excel refuses (`[ ] : * ? / \`) become `_`, leading and trailing apostrophes
/// go, at most [`SHEET_NAME`] characters, and a number is added to tell names apart.
pub fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String =
        wanted.chars().map(|c| if "[]:*?/\\".contains(c) || c.is_control() { '_' } else { c }).collect();
    let clean = clean.trim().trim_matches('\'').trim();
    let clean = if clean.is_empty() { "Sheet" } else { clean };
    let fits =
        |s: &str, room: usize| s.chars().take(room).collect::<String>().trim_end().trim_end_matches('\'').to_string();
    let free = |name: &str| {
        !taken.iter().any(|t| t.eq_ignore_ascii_case(name) || t.to_lowercase() == name.to_lowercase())
            && !name.eq_ignore_ascii_case("History")
    };
    let first = fits(clean, SHEET_NAME);
    if free(&first) {
        return first;
    }
    (2..=u64::MAX)
        .map(|n| {
            let suffix = format!(" ({n})");
            // A suffix " (n)" is at most 23 characters, fewer than SHEET_NAME: never saturates.
            format!("{}{suffix}", fits(clean, SHEET_NAME.saturating_sub(suffix.chars().count())))
        })
        .find(|name| free(name))
        .unwrap_or_else(|| first.clone())
}

/// A sheet being filled row by row.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
}

impl<'a> Sheet<'a> {
    /// On to the next row. Rows are written between steps and the workbook refuses rows past 1,048,575
    /// (an error), so the row stays far below u32::MAX and never saturates.
    fn step(&mut self) {
        self.row = self.row.saturating_add(1);
    }

    fn new(workbook: &'a mut Workbook, name: &str, taken: &mut Vec<String>) -> Result<Self, ReportError> {
        let name = sheet_name(name, taken);
        taken.push(name.clone());
        let ws = workbook.add_worksheet();
        ws.set_name(name)?;
        Ok(Sheet { ws, row: 0 })
    }

    fn title(&mut self, text: &str, f: &Formats) -> Result<(), ReportError> {
        self.ws.write_string_with_format(self.row, 0, text, &f.title)?;
        self.step();
        Ok(())
    }

    fn line(&mut self, text: &str) -> Result<(), ReportError> {
        self.ws.write_string(self.row, 0, text)?;
        self.step();
        Ok(())
    }

    fn gap(&mut self) {
        self.step();
    }

    fn headers(&mut self, headers: &[&str], f: &Formats) -> Result<(), ReportError> {
        for (c, h) in (0u16..).zip(headers) {
            self.ws.write_string_with_format(self.row, c, *h, &f.header)?;
        }
        self.step();
        Ok(())
    }

    fn text(&mut self, col: u16, text: &str) -> Result<(), ReportError> {
        self.ws.write_string(self.row, col, text)?;
        Ok(())
    }

    /// A number with a format, or nothing when there is none (or it is not finite).
    fn number(&mut self, col: u16, value: Option<f64>, format: &Format) -> Result<(), ReportError> {
        if let Some(v) = value.filter(|v| v.is_finite()) {
            self.ws.write_number_with_format(self.row, col, v, format)?;
        }
        Ok(())
    }

    fn flag(&mut self, col: u16, value: Option<bool>) -> Result<(), ReportError> {
        if let Some(v) = value {
            self.ws.write_boolean(self.row, col, v)?;
        }
        Ok(())
    }

    fn next(&mut self) {
        self.step();
    }

    fn widths(&mut self, widths: &[f64]) -> Result<(), ReportError> {
        for (c, w) in (0u16..).zip(widths) {
            self.ws.set_column_width(c, *w)?;
        }
        Ok(())
    }
}

/// The note a sensitive column carries, or nothing.
fn sensitive<'a>(p: &'a Profile, column: &str) -> Option<&'a str> {
    p.sensitive.iter().find(|s| s.column == column).map(|s| s.reason.as_str())
}

/// The summary workbook of `input`.
///
/// # Errors
/// [`ReportError::Workbook`] when the workbook library refuses a sheet or a cell.
pub fn write(input: &ReportInput) -> Result<Vec<u8>, ReportError> {
    let p = &input.profile;
    let f = Formats::new();
    let mut workbook = Workbook::new();
    let created = input
        .as_of
        .as_deref()
        .and_then(|d| {
            let mut parts = d.splitn(3, '-').map(|x| x.parse::<u16>().ok());
            let (y, m, day) = (parts.next()??, parts.next()??, parts.next()??);
            ExcelDateTime::from_ymd(y, u8::try_from(m).ok()?, u8::try_from(day).ok()?).ok()
        })
        .map_or_else(|| ExcelDateTime::from_ymd(1980, 1, 1), Ok)?;
    let properties = DocProperties::new()
        .set_title(format!("Segment report: {}", input.segmentation))
        .set_comment(format!("Made with Segscope {} from {}", env!("CARGO_PKG_VERSION"), input.dataset))
        .set_creation_datetime(&created);
    workbook.set_properties(&properties);
    let mut taken = Vec::new();
    kpi_sheet(&mut workbook, &mut taken, p, &f)?;
    if let Some(t) = &p.custom_kpis {
        custom_kpi_sheet(&mut workbook, &mut taken, t, &f)?;
    }
    sizes_sheet(&mut workbook, &mut taken, p, &f)?;
    for s in 0..p.segments.len() {
        profile_sheet(&mut workbook, &mut taken, p, s, &f)?;
    }
    typical_sheet(&mut workbook, &mut taken, p, &f)?;
    if let Some(report) = &input.niches {
        niche_sheet(&mut workbook, &mut taken, report, &f)?;
    }
    definition_sheet(&mut workbook, &mut taken, input, &f)?;
    Ok(workbook.save_to_buffer()?)
}

/// Sizes: one row per segment, and all customers.
fn size_rows(sheet: &mut Sheet<'_>, p: &Profile, f: &Formats) -> Result<(), ReportError> {
    sheet.headers(&["Segment", "Customers", "Share"], f)?;
    for s in &p.segments {
        sheet.text(0, &s.name)?;
        sheet.number(1, Some(s.count as f64), &f.count)?;
        sheet.number(2, Some(s.share), &f.share)?;
        sheet.next();
    }
    sheet.ws.write_string_with_format(sheet.row, 0, ALL_CUSTOMERS, &f.bold)?;
    sheet.number(1, Some(p.customers as f64), &f.count)?;
    sheet.number(2, Some(1.0), &f.share)?;
    sheet.next();
    Ok(())
}

/// "KPIs": a row per segment and all customers, a column per KPI; the sizes without transactions.
fn kpi_sheet(workbook: &mut Workbook, taken: &mut Vec<String>, p: &Profile, f: &Formats) -> Result<(), ReportError> {
    let mut sheet = Sheet::new(workbook, "KPIs", taken)?;
    sheet.title("KPIs by segment", f)?;
    let Some(t) = &p.kpis else {
        sheet.line("No transactions were attached, so there are no KPIs; these are the segments' sizes.")?;
        sheet.gap();
        size_rows(&mut sheet, p, f)?;
        return sheet.widths(&[28.0, 12.0, 10.0]);
    };
    if let Some(as_of) = &t.as_of {
        sheet.line(&format!(
            "As of {as_of}{}",
            if t.as_of_is_default { " (the day after the latest transaction)" } else { "" }
        ))?;
    }
    if let Some(c) = &t.currency {
        sheet.line(&format!("Amounts in {c}"))?;
    }
    if let Some(d) = &t.lapsed_definition {
        sheet.line(&format!("Lapsed (churn proxy): {d}"))?;
    }
    sheet.gap();
    let list = kpis(t);
    let mut headers = vec!["Segment"];
    headers.extend(list.iter().map(|k| k.label));
    sheet.headers(&headers, f)?;
    for g in t.segments.iter().chain(std::iter::once(&t.all)) {
        sheet.text(0, &g.segment)?;
        for (c, k) in (1u16..).zip(&list) {
            let format = match k.unit {
                Unit::Count => &f.count,
                Unit::Share => &f.share,
                Unit::Money | Unit::Number | Unit::Days => &f.number,
            };
            sheet.number(c, (k.get)(g), format)?;
        }
        sheet.next();
    }
    let mut widths = vec![28.0];
    widths.extend(list.iter().map(|_| 14.0));
    sheet.widths(&widths)
}

/// "Your KPIs": a row per KPI and group, with its value, target and progress as plain numbers.
fn custom_kpi_sheet(
    workbook: &mut Workbook,
    taken: &mut Vec<String>,
    t: &CustomKpiTable,
    f: &Formats,
) -> Result<(), ReportError> {
    let mut sheet = Sheet::new(workbook, "Your KPIs", taken)?;
    sheet.title("Your KPIs by segment", f)?;
    for k in &t.kpis {
        sheet.line(&format!("{}: {}.", k.definition.name, k.description))?;
    }
    if let Some(as_of) = &t.as_of {
        sheet.line(&format!("Conditions on recent dates count back from {as_of}."))?;
    }
    for n in &t.not_computed {
        sheet.line(&format!("Not computed: {n}"))?;
    }
    sheet.gap();
    sheet.headers(&["KPI", "Segment", "Value", "Customers", "Target", "Progress", "Met"], f)?;
    for k in &t.kpis {
        let format = match k.definition.format {
            KpiFormat::Percent => &f.share,
            KpiFormat::Number | KpiFormat::Currency => &f.number,
        };
        for g in k.segments.iter().chain(std::iter::once(&k.all)) {
            sheet.text(0, &k.definition.name)?;
            sheet.text(1, &g.segment)?;
            sheet.number(2, g.value, format)?;
            sheet.number(3, Some(g.customers as f64), &f.count)?;
            sheet.number(4, g.target, format)?;
            sheet.number(5, g.progress, &f.share)?;
            sheet.flag(6, g.met)?;
            sheet.next();
        }
    }
    sheet.widths(&[28.0, 24.0, 14.0, 12.0, 14.0, 10.0, 8.0])
}

/// "Sizes".
fn sizes_sheet(workbook: &mut Workbook, taken: &mut Vec<String>, p: &Profile, f: &Formats) -> Result<(), ReportError> {
    let mut sheet = Sheet::new(workbook, "Sizes", taken)?;
    sheet.title("Segment sizes", f)?;
    size_rows(&mut sheet, p, f)?;
    sheet.widths(&[28.0, 12.0, 10.0])
}

/// One segment's profile: numbers, categories and dates against all customers.
fn profile_sheet(
    workbook: &mut Workbook,
    taken: &mut Vec<String>,
    p: &Profile,
    s: usize,
    f: &Formats,
) -> Result<(), ReportError> {
    let Some(seg) = p.segments.get(s) else { return Ok(()) };
    let mut sheet = Sheet::new(workbook, &seg.name, taken)?;
    sheet.title(&format!("Profile of {}", seg.name), f)?;
    sheet.text(0, "Customers")?;
    sheet.number(1, Some(seg.count as f64), &f.count)?;
    sheet.next();
    sheet.text(0, "Share of all customers")?;
    sheet.number(1, Some(seg.share), &f.share)?;
    sheet.next();
    sheet.gap();
    if !p.numbers.is_empty() {
        sheet.title("Numbers", f)?;
        let headers = [
            "Column",
            "Count",
            "Missing",
            "Mean",
            "Median",
            "Q1",
            "Q3",
            "Min",
            "Max",
            "Mean, all",
            "Median, all",
            "Q1, all",
            "Q3, all",
            "Min, all",
            "Max, all",
            "Index",
            "Adjusted p",
            "Significant",
            "Note",
        ];
        sheet.headers(&headers, f)?;
        for t in &p.numbers {
            let Some(x) = t.segments.get(s) else { continue };
            sheet.text(0, &t.column)?;
            sheet.number(1, Some(x.summary.count as f64), &f.count)?;
            sheet.number(2, Some(x.summary.missing as f64), &f.count)?;
            for (offset, stats) in [(3u16, x.summary.stats.as_ref()), (9, t.all.stats.as_ref())] {
                let values = stats.map(|m| [m.mean, m.median, m.q1, m.q3, m.min, m.max]);
                for (c, v) in (offset..).zip(values.map_or([None; 6], |v| v.map(Some))) {
                    sheet.number(c, v, &f.number)?;
                }
            }
            sheet.number(15, x.index, &f.index)?;
            sheet.number(16, x.test.map(|t| t.adjusted_p), &f.p)?;
            sheet.flag(17, x.test.map(|t| t.significant))?;
            if let Some(note) = sensitive(p, &t.column) {
                sheet.text(18, note)?;
            }
            sheet.next();
        }
        sheet.gap();
    }
    if !p.categories.is_empty() {
        sheet.title("Categories", f)?;
        let headers = ["Column", "Level", "Count", "Share", "Share, all", "Index", "Adjusted p", "Significant", "Note"];
        sheet.headers(&headers, f)?;
        for t in &p.categories {
            let Some(d) = t.segments.get(s) else { continue };
            for ((level, l), all) in t.levels.iter().zip(&d.levels).zip(&t.all.levels) {
                sheet.text(0, &t.column)?;
                sheet.text(1, level)?;
                sheet.number(2, Some(l.share.count as f64), &f.count)?;
                sheet.number(3, Some(l.share.share), &f.share)?;
                sheet.number(4, Some(all.share), &f.share)?;
                sheet.number(5, l.index, &f.index)?;
                sheet.number(6, l.test.map(|t| t.adjusted_p), &f.p)?;
                sheet.flag(7, l.test.map(|t| t.significant))?;
                if let Some(note) = sensitive(p, &t.column) {
                    sheet.text(8, note)?;
                }
                sheet.next();
            }
        }
        sheet.gap();
    }
    if !p.dates.is_empty() {
        sheet.title("Dates", f)?;
        let headers = ["Column", "Earliest", "Median", "Latest", "Earliest, all", "Median, all", "Latest, all", "Note"];
        sheet.headers(&headers, f)?;
        for t in &p.dates {
            let Some(d) = t.segments.get(s) else { continue };
            sheet.text(0, &t.column)?;
            for (c, v) in (1u16..).zip([&d.min, &d.median, &d.max, &t.all.min, &t.all.median, &t.all.max]) {
                sheet.text(c, v.as_deref().unwrap_or(""))?;
            }
            if let Some(note) = sensitive(p, &t.column) {
                sheet.text(7, note)?;
            }
            sheet.next();
        }
    }
    let mut widths = vec![24.0, 16.0];
    widths.extend([12.0; 16]);
    widths.push(60.0);
    sheet.widths(&widths)
}

/// "Typical customers": each segment's typical values and call-outs.
fn typical_sheet(
    workbook: &mut Workbook,
    taken: &mut Vec<String>,
    p: &Profile,
    f: &Formats,
) -> Result<(), ReportError> {
    let mut sheet = Sheet::new(workbook, "Typical customers", taken)?;
    sheet.title("Typical customers", f)?;
    sheet.headers(&["Segment", "What", "Column", "Level", "In words", "Index", "Adjusted p"], f)?;
    for t in &p.typical {
        for v in &t.values {
            sheet.text(0, &t.segment)?;
            sheet.text(1, "typical value")?;
            sheet.text(2, &v.column)?;
            sheet.text(4, &v.text)?;
            sheet.next();
        }
        for c in &t.callouts {
            sheet.text(0, &t.segment)?;
            sheet.text(1, "sets them apart")?;
            sheet.text(2, &c.column)?;
            sheet.text(3, c.level.as_deref().unwrap_or(""))?;
            sheet.text(4, &c.sentence)?;
            sheet.number(5, c.index, &f.index)?;
            sheet.number(6, Some(c.adjusted_p), &f.p)?;
            sheet.next();
        }
    }
    sheet.widths(&[24.0, 16.0, 20.0, 14.0, 60.0, 8.0, 11.0])
}

/// "Niches": what was looked for and each niche found.
fn niche_sheet(
    workbook: &mut Workbook,
    taken: &mut Vec<String>,
    report: &crate::profile::NicheReport,
    f: &Formats,
) -> Result<(), ReportError> {
    let mut sheet = Sheet::new(workbook, "Niches", taken)?;
    sheet.title(&format!("Niches on {}", report.params.value), f)?;
    sheet.text(0, "Everyone's mean")?;
    sheet.number(1, Some(report.overall_mean), &f.number)?;
    sheet.next();
    sheet.text(0, "Groups tested")?;
    sheet.number(1, Some(report.candidates as f64), &f.count)?;
    sheet.next();
    sheet.gap();
    let headers = ["Segment", "Column", "Level", "Customers", "Share", "Mean", "Index", "p", "Adjusted p", "In words"];
    sheet.headers(&headers, f)?;
    for n in &report.niches {
        sheet.text(0, &n.segment)?;
        sheet.text(1, n.column.as_deref().unwrap_or(""))?;
        sheet.text(2, n.level.as_deref().unwrap_or(""))?;
        sheet.number(3, Some(n.size as f64), &f.count)?;
        sheet.number(4, Some(n.share), &f.share)?;
        sheet.number(5, Some(n.mean), &f.number)?;
        sheet.number(6, Some(n.index), &f.index)?;
        sheet.number(7, Some(n.p_value), &f.p)?;
        sheet.number(8, Some(n.adjusted_p), &f.p)?;
        sheet.text(9, &n.sentence)?;
        sheet.next();
    }
    sheet.widths(&[24.0, 16.0, 16.0, 11.0, 9.0, 12.0, 8.0, 10.0, 11.0, 80.0])
}

/// "Definition": the data set, the segmentation in words, the method and the notes.
fn definition_sheet(
    workbook: &mut Workbook,
    taken: &mut Vec<String>,
    input: &ReportInput,
    f: &Formats,
) -> Result<(), ReportError> {
    let p = &input.profile;
    let mut sheet = Sheet::new(workbook, "Definition", taken)?;
    sheet.title(&format!("Segment report: {}", input.segmentation), f)?;
    for (label, value) in [
        ("Data set", input.dataset.as_str()),
        ("Segmentation", input.segmentation.as_str()),
        ("Kind", input.kind.as_str()),
        ("As of", input.as_of.as_deref().unwrap_or("")),
    ] {
        sheet.ws.write_string_with_format(sheet.row, 0, label, &f.bold)?;
        sheet.text(1, value)?;
        sheet.next();
    }
    sheet.ws.write_string_with_format(sheet.row, 0, "Customers", &f.bold)?;
    sheet.number(1, Some(p.customers as f64), &f.count)?;
    sheet.next();
    sheet.gap();
    sheet.title("The segmentation in words", f)?;
    for line in input.in_words.lines().filter(|l| !l.trim().is_empty()) {
        sheet.ws.write_string_with_format(sheet.row, 0, line, &f.wrap)?;
        sheet.next();
    }
    sheet.gap();
    sheet.title("Method", f)?;
    sheet.ws.write_string_with_format(sheet.row, 0, &p.method.description, &f.wrap)?;
    sheet.next();
    if !p.sensitive.is_empty() {
        sheet.gap();
        sheet.title("Sensitive columns", f)?;
        sheet.headers(&["Column", "Why"], f)?;
        for s in &p.sensitive {
            sheet.text(0, &s.column)?;
            sheet.text(1, &s.reason)?;
            sheet.next();
        }
    }
    if !p.skipped.is_empty() {
        sheet.gap();
        sheet.title("Columns not compared", f)?;
        sheet.headers(&["Column", "Why"], f)?;
        for s in &p.skipped {
            sheet.text(0, &s.column)?;
            sheet.text(1, &s.reason)?;
            sheet.next();
        }
    }
    sheet.widths(&[100.0, 80.0])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let taken = vec!["KPIs".to_string(), "Sizes".to_string()];
        assert_eq!(sheet_name("a/b:c[d]*?\\", &taken), "a_b_c_d____");
        assert_eq!(sheet_name("'quoted'", &taken), "quoted");
        assert_eq!(sheet_name("sizes", &taken), "sizes (2)");
        assert_eq!(sheet_name("", &taken), "Sheet");
        assert_eq!(sheet_name("History", &taken), "History (2)");
        let long = "A segment with a name far longer than Excel allows";
        let first = sheet_name(long, &taken);
        assert_eq!(first.chars().count(), 31);
        let second = sheet_name(long, std::slice::from_ref(&first));
        assert!(second.ends_with(" (2)") && second.chars().count() <= 31 && second != first, "{second}");
    }

    #[test]
    fn the_workbook_opens_and_holds_plain_values() {
        let input = sample();
        let bytes = write(&input).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let names = book.sheet_names();
        assert_eq!(names.first().map(String::as_str), Some("KPIs"));
        assert!(names.contains(&"Tom & <Jerry>".to_string()), "{names:?}");
        assert!(names.contains(&"Definition".to_string()) && names.contains(&"Typical customers".to_string()));
        let sizes = book.worksheet_range("Sizes").unwrap();
        assert_eq!(sizes.get_value((3, 0)), Some(&Data::String("Loyal, \"steady\"".into())));
        assert_eq!(sizes.get_value((3, 1)), Some(&Data::Float(90.0)));
        assert_eq!(sizes.get_value((3, 2)), Some(&Data::Float(0.3)));
        let kpis = book.worksheet_range("KPIs").unwrap();
        let header = kpis.rows().position(|r| r.first() == Some(&Data::String("Segment".into()))).unwrap();
        let revenue =
            kpis.rows().nth(header).unwrap().iter().position(|c| c == &Data::String("Revenue".into())).unwrap();
        let all = kpis.rows().nth(header + 4).unwrap();
        assert_eq!(all[0], Data::String(ALL_CUSTOMERS.into()));
        let expected = input.profile.kpis.as_ref().unwrap().all.revenue;
        assert_eq!(all[revenue], Data::Float(expected));
    }

    #[test]
    fn the_same_report_gives_the_same_bytes() {
        let input = sample();
        assert_eq!(write(&input).unwrap(), write(&input).unwrap());
    }
}
