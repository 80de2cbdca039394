//! `verify`: a manifest re-run on its input, its files compared byte for byte with the hashes it
//! records.

use std::fmt;
use std::io::Read;

use super::errors::VerifyError;
use super::hash::sha256_hex;
use super::recipe::{Download, Opened, SegmentationRecipe};
use crate::api::{AssignmentId, DatasetId, FileOut, Request, Response, Session, Typed};
use crate::export::{ColumnRecord, FileRecord, Manifest, OutputRecord, MANIFEST_FORMAT, MANIFEST_FORMAT_V1};
use crate::progress::Monitor;

/// What re-running a manifest found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// How the input differs from the file the manifest describes (empty: the same file).
    pub input: Vec<Difference>,
    /// How the transactions file differs from the one the manifest describes.
    pub transactions: Vec<Difference>,
    /// Each output the manifest records, and what the re-run made of it (empty when an input
    /// differs: nothing was re-run).
    pub outputs: Vec<OutputCheck>,
    /// The files the re-run made, as the page would download them (with their new manifest).
    pub rebuilt: Vec<FileOut>,
}

impl Verification {
    /// True when the inputs are the files the manifest describes and every output came out
    /// byte for byte the same.
    pub fn identical(&self) -> bool {
        self.input.is_empty()
            && self.transactions.is_empty()
            && !self.outputs.is_empty()
            && self.outputs.iter().all(OutputCheck::identical)
    }
}

/// One way a given file differs from the file a manifest describes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Difference {
    /// Another size.
    Size {
        /// The manifest's.
        expected: u64,
        /// The file's.
        found: u64,
    },
    /// Another SHA-256.
    Hash {
        /// The manifest's.
        expected: String,
        /// The file's.
        found: String,
    },
    /// Other columns or types, read with the manifest's settings.
    Columns {
        /// The first column that differs, in words.
        first: String,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Size { expected, found } => {
                write!(f, "size {found} bytes, the manifest says {expected} bytes")
            }
            Difference::Hash { expected, found } => write!(f, "SHA-256 {found}, the manifest says {expected}"),
            Difference::Columns { first } => write!(f, "columns: {first}"),
        }
    }
}

/// An output the manifest records, and the re-run's file of that name.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputCheck {
    /// What the manifest records.
    pub expected: OutputRecord,
    /// What the re-run made (`None`: no file of that name).
    pub found: Option<OutputRecord>,
    /// The re-run's bytes of it.
    pub bytes: Option<Vec<u8>>,
}

impl OutputCheck {
    /// True when the re-run made the same bytes.
    pub fn identical(&self) -> bool {
        self.found.as_ref().is_some_and(|f| f.bytes == self.expected.bytes && f.sha256 == self.expected.sha256)
    }
}

/// The first line where two files differ (lines from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDifference {
    /// The line's number, from 1.
    pub line: usize,
    /// The line in the expected file (`None`: it ended before).
    pub expected: Option<String>,
    /// The line in the file found (`None`: it ended before).
    pub found: Option<String>,
}

/// The first line where `expected` and `found` differ, or `None` when they are the same bytes.
pub fn first_difference(expected: &[u8], found: &[u8]) -> Option<LineDifference> {
    if expected == found {
        return None;
    }
    let text = |l: &[u8]| String::from_utf8_lossy(l.strip_suffix(b"\r").unwrap_or(l)).into_owned();
    let mut a = expected.split_inclusive(|&b| b == b'\n');
    let mut b = found.split_inclusive(|&b| b == b'\n');
    let mut line: usize = 0;
    loop {
        line = line.saturating_add(1);
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (None, None) => return None,
            (x, y) => {
                let strip = |l: &[u8]| text(l.strip_suffix(b"\n").unwrap_or(l));
                return Some(LineDifference { line, expected: x.map(strip), found: y.map(strip) });
            }
        }
    }
}

/// The files in a zip (name and bytes), in the zip's order.
///
/// # Errors
/// [`VerifyError::NotAManifest`] when the bytes are not a readable zip.
pub fn zip_members(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, VerifyError> {
    let bad = |e: zip::result::ZipError| VerifyError::NotAManifest { message: format!("a damaged zip: {e}") };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(bad)?;
    let mut out = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(bad)?;
        let mut contents = Vec::new();
        file.read_to_end(&mut contents)
            .map_err(|e| VerifyError::NotAManifest { message: format!("a damaged zip: {e}") })?;
        out.push((file.name().to_string(), contents));
    }
    Ok(out)
}

/// Reads a manifest: the JSON file, or a zip download with the manifest inside.
///
/// # Errors
/// [`VerifyError::NotAManifest`], [`VerifyError::VersionOne`] or [`VerifyError::OtherFormat`].
pub fn read_manifest(bytes: &[u8]) -> Result<Manifest, VerifyError> {
    if bytes.starts_with(b"PK\x03\x04") {
        let inside = zip_members(bytes)?
            .into_iter()
            .find(|(name, _)| name.ends_with("manifest.json"))
            .ok_or_else(|| VerifyError::NotAManifest { message: "a zip with no manifest.json inside".into() })?;
        return read_manifest(&inside.1);
    }
    let not = |e: serde_json::Error| VerifyError::NotAManifest { message: e.to_string() };
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(not)?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str).map(str::to_string);
    match text("format").as_deref() {
        Some(MANIFEST_FORMAT) => serde_json::from_value(value).map_err(not),
        Some(MANIFEST_FORMAT_V1) => Err(VerifyError::VersionOne),
        Some(other) if other.starts_with("segscope.manifest/") => Err(VerifyError::OtherFormat {
            found: other.to_string(),
            version: text("segscope_version").unwrap_or_else(|| "unknown".into()),
        }),
        Some(other) => Err(VerifyError::NotAManifest { message: format!("its format is `{other}`") }),
        None => Err(VerifyError::NotAManifest { message: "it has no `format`".into() }),
    }
}

/// Re-runs `manifest` on `input` (and the `transactions` file, when the manifest used one)
/// through [`Session`], the code the page's worker runs, and compares each output with the size
/// and SHA-256 the manifest records. When a file is not the one the manifest describes (size,
/// hash, or columns and types read with its settings), that is said and nothing is re-run.
///
/// # Errors
/// [`VerifyError`] when the transactions are needed and not given, the recipe cannot be re-run,
/// or re-running fails (the engine's sentence).
pub fn verify(
    manifest: &Manifest,
    input: Vec<u8>,
    transactions: Option<Vec<u8>>,
    monitor: &mut dyn Monitor,
) -> Result<Verification, VerifyError> {
    let recipe = &manifest.recipe;
    let input_diff = file_differences(&manifest.input, &input);
    let (transactions, transactions_diff) = match (&manifest.transactions, transactions) {
        (Some(record), Some(bytes)) => {
            let diff = file_differences(&record.file, &bytes);
            (Some((record, bytes)), diff)
        }
        (Some(record), None) => {
            return Err(VerifyError::TransactionsNeeded { name: record.file.name.clone(), bytes: record.file.bytes });
        }
        (None, _) => (None, Vec::new()),
    };
    let mut verification =
        Verification { input: input_diff, transactions: transactions_diff, outputs: Vec::new(), rebuilt: Vec::new() };
    if !verification.input.is_empty() || !verification.transactions.is_empty() {
        // Say whether the columns differ too, when the file can be read with the manifest's settings.
        if verification.input.is_empty() || recipe.opened == Opened::Table {
            let mut session = Session::new();
            if let Ok((_, columns)) = open(&mut session, manifest, input, None, monitor) {
                verification.input.extend(
                    column_difference(&manifest.columns, &columns, "the manifest")
                        .map(|first| Difference::Columns { first }),
                );
            }
        }
        return Ok(verification);
    }
    // A file only the command line writes is made again from the bytes, as the command line made it.
    let command_line =
        recipe.download.command_line_only().then(|| (input.clone(), transactions.as_ref().map(|t| t.1.clone())));
    let mut session = Session::new();
    let (dataset, columns) = open(&mut session, manifest, input, transactions.map(|(_, b)| b), monitor)?;
    if let Some(first) = column_difference(&manifest.columns, &columns, "the manifest") {
        verification.input.push(Difference::Columns { first });
        return Ok(verification);
    }
    let files = match command_line {
        Some((input, transactions)) => super::command::replay(manifest, &input, transactions.as_deref(), monitor)?,
        None => written_as(replay(&mut session, dataset, manifest, monitor)?, &recipe.written_as),
    };
    let found = expand(&files)?;
    verification.outputs = manifest
        .outputs
        .iter()
        .map(|expected| {
            let hit = found.iter().find(|(r, _)| r.name == expected.name && r.inside == expected.inside);
            OutputCheck {
                expected: expected.clone(),
                found: hit.map(|(r, _)| r.clone()),
                bytes: hit.map(|(_, b)| b.clone()),
            }
        })
        .collect();
    verification.rebuilt = files;
    Ok(verification)
}

/// How `bytes` differ from the file `record` describes.
fn file_differences(record: &FileRecord, bytes: &[u8]) -> Vec<Difference> {
    let mut out = Vec::new();
    let size = bytes.len() as u64;
    if size != record.bytes {
        out.push(Difference::Size { expected: record.bytes, found: size });
    }
    let sha = sha256_hex(bytes);
    if sha != record.sha256 {
        out.push(Difference::Hash { expected: record.sha256.clone(), found: sha });
    }
    out
}

/// The first column that differs, in words (a manifest's or a project's `reference`, "the manifest").
pub(crate) fn column_difference(expected: &[ColumnRecord], found: &[ColumnRecord], reference: &str) -> Option<String> {
    let words = |c: &ColumnRecord| format!("`{}` ({})", c.name, c.column_type.label());
    for (i, pair) in expected.iter().zip(found).enumerate() {
        if pair.0 != pair.1 {
            return Some(format!(
                "column {} is {}, {reference} says {}",
                i.saturating_add(1),
                words(pair.1),
                words(pair.0)
            ));
        }
    }
    (expected.len() != found.len()).then(|| format!("{} columns, {reference} says {}", found.len(), expected.len()))
}

/// Sends one request; an error response is the engine's sentence.
fn ask(session: &mut Session, request: Request, monitor: &mut dyn Monitor) -> Result<Response, VerifyError> {
    match session.handle(request, monitor) {
        Response::Error { message } => Err(VerifyError::Rerun(message)),
        other => Ok(other),
    }
}

fn unexpected(what: &str) -> VerifyError {
    VerifyError::Rerun(format!("the engine did not answer {what} as expected"))
}

/// Opens the input as the manifest says (and attaches its transactions): the dataset and its
/// columns as read.
fn open(
    session: &mut Session,
    manifest: &Manifest,
    input: Vec<u8>,
    transactions: Option<Vec<u8>>,
    monitor: &mut dyn Monitor,
) -> Result<(DatasetId, Vec<ColumnRecord>), VerifyError> {
    let name = manifest.input.name.clone();
    let options = manifest.read_options.clone();
    let view = match manifest.recipe.opened {
        Opened::Table => match ask(session, Request::Ingest { name, bytes: input, options }, monitor)? {
            Response::Dataset(view) => view,
            _ => return Err(unexpected("opening the input")),
        },
        Opened::Transactions => {
            let (dataset, guessed) =
                match ask(session, Request::OpenTransactions { name, file: input.into(), options }, monitor)? {
                    Response::Derived { dataset, attached } => (dataset, attached.mapping),
                    _ => return Err(unexpected("opening the transactions")),
                };
            // Read with the columns recorded, when they are not the ones guessed.
            if let Some(mapping) = manifest.recipe.mapping.clone().filter(|m| *m != guessed) {
                ask(session, Request::Remap { dataset: dataset.id, mapping }, monitor)?;
            }
            dataset
        }
    };
    if let (Some(record), Some(bytes)) = (&manifest.transactions, transactions) {
        let request = Request::AttachTransactions {
            dataset: view.id,
            name: record.file.name.clone(),
            file: bytes.into(),
            options: record.read_options.clone(),
            mapping: Some(record.mapping.clone()),
        };
        ask(session, request, monitor)?;
    }
    let columns = view.columns.iter().map(|c| ColumnRecord { name: c.name.clone(), column_type: c.column_type });
    Ok((view.id, columns.collect()))
}

/// Makes the segmentation, the KPIs and the CLV fit the recipe records, then the download.
fn replay(
    session: &mut Session,
    dataset: DatasetId,
    manifest: &Manifest,
    monitor: &mut dyn Monitor,
) -> Result<Vec<FileOut>, VerifyError> {
    let recipe = &manifest.recipe;
    if !recipe.kpis.is_empty() {
        ask(session, Request::SetKpis { dataset, kpis: recipe.kpis.clone() }, monitor)?;
    }
    let segmentation = match &recipe.segmentation {
        Some(s) => Some(make_segmentation(session, dataset, s, monitor)?),
        None => None,
    };
    if let Some(params) = &recipe.clv {
        ask(session, Request::Clv { dataset, params: params.clone(), by: None }, monitor)?;
    }
    let needs = |what: &str| {
        segmentation.ok_or_else(|| VerifyError::BadRecipe(format!("{what} is of a segmentation, and it records none")))
    };
    let request = match &recipe.download {
        Download::SegmentationFiles { files } => {
            Request::SegmentationFiles { dataset, segmentation: needs("the download")?, files: *files }
        }
        Download::ExportCsv => Request::ExportCsv { dataset, assignment: needs("the CSV")? },
        Download::RfmFiles { dialect, customers_table, transactions_table } => Request::RfmFiles {
            dataset,
            dialect: *dialect,
            customers_table: customers_table.clone(),
            transactions_table: transactions_table.clone(),
        },
        Download::ClvFiles => Request::ClvFiles { dataset },
        Download::ProfileFiles { options, niches, format } => Request::ProfileFiles {
            dataset,
            segmentation: needs("the report")?,
            options: options.as_ref().clone(),
            niches: niches.clone(),
            format: *format,
        },
        Download::SaveDefinition { definition } => {
            Request::SaveDefinition { dataset, definition: definition.as_ref().clone() }
        }
        Download::RulesSql { definition, dialect, table, transactions_table } => Request::RulesSql {
            dataset,
            definition: definition.as_ref().clone(),
            dialect: *dialect,
            table: table.clone(),
            transactions_table: transactions_table.clone(),
        },
        Download::KpisFile => Request::KpisFile { dataset },
        Download::RfmTable
        | Download::RfmColumn
        | Download::ClusterColumn
        | Download::ClusterReport
        | Download::ScanReport { .. }
        | Download::SegmentReport { .. } => {
            return Err(VerifyError::BadRecipe(
                "a file only the command line writes is made again from the files".into(),
            ))
        }
    };
    match ask(session, request, monitor)? {
        Response::Files(files) => Ok(files),
        _ => Err(unexpected("the download")),
    }
}

/// Makes the recipe's segmentation with its name (and its clusters' names): its id.
fn make_segmentation(
    session: &mut Session,
    dataset: DatasetId,
    recipe: &SegmentationRecipe,
    monitor: &mut dyn Monitor,
) -> Result<AssignmentId, VerifyError> {
    let request = match recipe {
        SegmentationRecipe::Split { params, .. } => Request::Split { dataset, params: params.clone() },
        SegmentationRecipe::Rules { definition, .. } => {
            Request::ApplyRules { dataset, definition: definition.as_ref().clone() }
        }
        SegmentationRecipe::Rfm { params, map, as_of, .. } => {
            Request::Rfm { dataset, params: params.clone(), map: Some(map.clone()), as_of: as_of.clone() }
        }
        SegmentationRecipe::Clusters { params, k, .. } => {
            Request::ClusterFit { dataset, params: params.clone(), k: Typed::Value(*k) }
        }
    };
    let made = ask(session, request, monitor)?;
    if let Response::Rules(view) = &made {
        if let Some(problem) = view.problems.first() {
            return Err(VerifyError::Rerun(problem.message.clone()));
        }
    }
    let Response::Segmentations(list) = ask(session, Request::Segmentations { dataset }, monitor)? else {
        return Err(unexpected("the list of segmentations"));
    };
    let entry = list.last().ok_or_else(|| unexpected("the segmentation"))?;
    let id = entry.id;
    if entry.name != recipe.name() {
        let name = recipe.name().to_string();
        ask(session, Request::RenameSegmentation { dataset, segmentation: id, name }, monitor)?;
    }
    if let (SegmentationRecipe::Clusters { names, .. }, Response::Clusters(view)) = (recipe, &made) {
        for (cluster, (want, have)) in names.iter().zip(&view.clusters).enumerate() {
            if *want != have.name {
                let request = Request::RenameCluster { dataset, segmentation: id, cluster, name: want.clone() };
                ask(session, request, monitor)?;
            }
        }
    }
    Ok(id)
}

/// `files` (a download of the page) under the names the command line wrote them as: the
/// download's files in order, and each one's manifest after it.
fn written_as(mut files: Vec<FileOut>, names: &[String]) -> Vec<FileOut> {
    let made: Vec<String> = files.iter().map(|f| f.name.clone()).filter(|n| !n.ends_with(".manifest.json")).collect();
    for file in &mut files {
        let (stem, side) = match file.name.strip_suffix(".manifest.json") {
            Some(stem) => (stem.to_string(), ".manifest.json"),
            None => (file.name.clone(), ""),
        };
        if let Some(name) = made.iter().position(|m| *m == stem).and_then(|i| names.get(i)) {
            file.name = format!("{name}{side}");
        }
    }
    files
}

/// The files made, as output records with their bytes: a zip's files one by one (its manifest
/// left out), the side manifests left out.
fn expand(files: &[FileOut]) -> Result<Vec<(OutputRecord, Vec<u8>)>, VerifyError> {
    let mut out = Vec::new();
    for file in files.iter().filter(|f| !f.name.ends_with(".manifest.json")) {
        if file.name.ends_with(".zip") {
            for (name, bytes) in zip_members(&file.bytes)?.into_iter().filter(|(n, _)| !n.ends_with("manifest.json")) {
                let mut record = OutputRecord::of(&name, &bytes);
                record.inside = Some(file.name.clone());
                out.push((record, bytes));
            }
        } else {
            out.push((OutputRecord::of(&file.name, &file.bytes), file.bytes.clone()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_differing_line_is_numbered_from_one() {
        let d = first_difference(b"a,b\n1,x\n2,y\n", b"a,b\n1,x\n2,z\n").unwrap();
        assert_eq!(d, LineDifference { line: 3, expected: Some("2,y".into()), found: Some("2,z".into()) });
        let shorter = first_difference(b"a\nb\n", b"a\n").unwrap();
        assert_eq!(shorter, LineDifference { line: 2, expected: Some("b".into()), found: None });
        assert_eq!(first_difference(b"same\r\n", b"same\r\n"), None);
    }

    #[test]
    fn a_downloads_files_take_the_names_the_command_line_wrote_them_as() {
        let file = |name: &str| FileOut { name: name.into(), mime: String::new(), bytes: Vec::new() };
        let made = vec![file("clv.csv"), file("clv.params.json"), file("clv.csv.manifest.json")];
        let names: Vec<String> = ["value.csv", "fit.json"].map(String::from).into();
        let renamed: Vec<String> = written_as(made.clone(), &names).into_iter().map(|f| f.name).collect();
        assert_eq!(renamed, ["value.csv", "fit.json", "value.csv.manifest.json"]);
        let kept: Vec<String> = written_as(made, &[]).into_iter().map(|f| f.name).collect();
        assert_eq!(kept, ["clv.csv", "clv.params.json", "clv.csv.manifest.json"], "the page's own names");
    }

    #[test]
    fn a_first_format_manifest_says_it_cannot_be_verified() {
        let e = read_manifest(br#"{"format": "segscope.manifest/1"}"#).unwrap_err();
        assert!(matches!(e, VerifyError::VersionOne), "{e}");
        let e = read_manifest(br#"{"format": "segscope.manifest/9", "segscope_version": "9.0.0"}"#).unwrap_err();
        assert!(e.to_string().contains("segscope.manifest/9") && e.to_string().contains("9.0.0"), "{e}");
        let e = read_manifest(br#"{"format": "segscope.segments/1"}"#).unwrap_err();
        assert!(e.to_string().starts_with("this is not a Segscope manifest"), "{e}");
    }
}
