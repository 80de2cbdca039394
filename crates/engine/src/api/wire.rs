//! What crosses between the page and the engine's Web Worker besides the JSON of a request.
//!
//! Requests and responses travel as JSON, but file contents never do: a request's input file
//! crosses as a `Blob` handle (no copy; the worker reads it) and a response's files cross as
//! transferable buffers. [`Request::take_file`] / [`Request::put_file`] and
//! [`Response::take_files`] / [`Response::put_files`] move the bytes out of and back into the
//! typed values on either side; the byte fields are skipped by serde.
//!
//! The page also keeps a journal of the requests that changed the session, so it can rebuild
//! the session in a fresh worker after cancelling a run (see ARCHITECTURE.md, "Cancel");
//! [`Request::journal`] says how each request enters that journal.

use serde::{Deserialize, Serialize};

use std::rc::Rc;

use super::{DatasetId, Request, Response};
use crate::input::InputFile;

/// How a request enters the page's journal of session changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Journal {
    /// It only reads the session (previews, downloads, SQL): not journalled.
    Read,
    /// It changes the session: replayed, in order, to rebuild it.
    Change,
    /// It changes the session, and a request with the same key that directly follows it in
    /// the journal leaves the session exactly as if only the later one had run (live rule
    /// counts while typing): the later one replaces it.
    Replaceable(ReplaceKey),
}

/// Which state a [`Journal::Replaceable`] request overwrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplaceKey {
    /// The rule segmentation of a dataset.
    Rules(DatasetId),
}

/// A progress report from a running request, as the worker posts it to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// What is being done, for the user ("Reading transactions.csv").
    pub stage: String,
    /// Units done.
    pub done: u64,
    /// Units in all; 0 when unknown.
    pub total: u64,
}

impl Progress {
    /// The share done, 0..=1, when the total is known.
    pub fn fraction(&self) -> Option<f64> {
        (self.total > 0).then(|| (self.done as f64 / self.total as f64).clamp(0.0, 1.0))
    }
}

impl Request {
    /// A short kebab-case name for the kind of request (timings, logs).
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Ingest { .. } => "ingest",
            Request::LoadSample { .. } => "load-sample",
            Request::Reread { .. } => "reread",
            Request::Preview { .. } => "preview",
            Request::Split { .. } => "split",
            Request::ExportCsv { .. } => "export-csv",
            Request::ApplyRules { .. } => "apply-rules",
            Request::ColumnValues { .. } => "column-values",
            Request::SaveDefinition { .. } => "save-definition",
            Request::OpenDefinition { .. } => "open-definition",
            Request::SuggestTemplates { .. } => "suggest-templates",
            Request::FromTemplate { .. } => "from-template",
            Request::RulesSql { .. } => "rules-sql",
            Request::AttachTransactions { .. } => "attach-transactions",
            Request::AttachSampleTransactions { .. } => "attach-sample-transactions",
            Request::CustomersFromTransactions { .. } => "customers-from-transactions",
            Request::OpenTransactions { .. } => "open-transactions",
            Request::OpenReduced { .. } => "open-reduced",
            Request::Remap { .. } => "remap",
            Request::Detach { .. } => "detach",
            Request::Rfm { .. } => "rfm",
            Request::RfmCell { .. } => "rfm-cell",
            Request::RfmFiles { .. } => "rfm-files",
            Request::OpenRfmDefinition { .. } => "open-rfm-definition",
            Request::Clv { .. } => "clv",
            Request::ClvFiles { .. } => "clv-files",
            Request::Forget { .. } => "forget",
            Request::Segmentations { .. } => "segmentations",
            Request::RenameSegmentation { .. } => "rename-segmentation",
            Request::DuplicateSegmentation { .. } => "duplicate-segmentation",
            Request::DeleteSegmentation { .. } => "delete-segmentation",
            Request::SetCurrentSegmentation { .. } => "set-current-segmentation",
            Request::Segmentation { .. } => "segmentation",
            Request::SegmentationFiles { .. } => "segmentation-files",
            Request::ClusterFeatures { .. } => "cluster-features",
            Request::ClusterScan { .. } => "cluster-scan",
            Request::ClusterFit { .. } => "cluster-fit",
            Request::Clusters { .. } => "clusters",
            Request::RenameCluster { .. } => "rename-cluster",
            Request::Profile { .. } => "profile",
            Request::Niches { .. } => "niches",
            Request::ProfileFiles { .. } => "profile-files",
            Request::Compare { .. } => "compare",
            Request::Movement { .. } => "movement",
            Request::MovementFromFile { .. } => "movement-from-file",
            Request::SetKpis { .. } => "set-kpis",
            Request::KpisFile { .. } => "kpis-file",
            Request::OpenKpis { .. } => "open-kpis",
            Request::CountRules { .. } => "count-rules",
            Request::SaveProject { .. } => "save-project",
            Request::ReadProject { .. } => "read-project",
            Request::OpenProject { .. } => "open-project",
            Request::RestoreProject { .. } => "restore-project",
        }
    }

    /// How this request enters the page's journal of session changes.
    pub fn journal(&self) -> Journal {
        match self {
            Request::Preview { .. }
            | Request::ExportCsv { .. }
            | Request::ColumnValues { .. }
            | Request::SaveDefinition { .. }
            | Request::OpenDefinition { .. }
            | Request::SuggestTemplates { .. }
            | Request::FromTemplate { .. }
            | Request::RulesSql { .. }
            | Request::RfmCell { .. }
            | Request::RfmFiles { .. }
            | Request::OpenRfmDefinition { .. }
            | Request::ClvFiles { .. }
            | Request::Segmentations { .. }
            | Request::Segmentation { .. }
            | Request::SegmentationFiles { .. }
            | Request::ClusterFeatures { .. }
            | Request::ClusterScan { .. }
            | Request::Clusters { .. }
            | Request::Profile { .. }
            | Request::Niches { .. }
            | Request::ProfileFiles { .. }
            | Request::Compare { .. }
            | Request::Movement { .. }
            | Request::MovementFromFile { .. }
            | Request::KpisFile { .. }
            | Request::OpenKpis { .. }
            | Request::CountRules { .. }
            | Request::SaveProject { .. }
            | Request::ReadProject { .. } => Journal::Read,
            // A definition with no segments makes no segmentation (or marks the existing one stale), so
            // only counts of real segments replace each other.
            Request::ApplyRules { dataset, definition } if !definition.segments.is_empty() => {
                Journal::Replaceable(ReplaceKey::Rules(*dataset))
            }
            Request::ApplyRules { .. } => Journal::Change,
            Request::Ingest { .. }
            | Request::LoadSample { .. }
            | Request::Reread { .. }
            | Request::Split { .. }
            | Request::AttachTransactions { .. }
            | Request::AttachSampleTransactions { .. }
            | Request::CustomersFromTransactions { .. }
            | Request::OpenTransactions { .. }
            | Request::OpenReduced { .. }
            | Request::Remap { .. }
            | Request::Detach { .. }
            | Request::Rfm { .. }
            | Request::Clv { .. }
            | Request::Forget { .. }
            | Request::RenameSegmentation { .. }
            | Request::DuplicateSegmentation { .. }
            | Request::DeleteSegmentation { .. }
            | Request::SetCurrentSegmentation { .. }
            | Request::ClusterFit { .. }
            | Request::RenameCluster { .. }
            | Request::SetKpis { .. }
            | Request::OpenProject { .. }
            | Request::RestoreProject { .. } => Journal::Change,
        }
    }

    /// Moves the input file's bytes out of the request (empty when it has none, or when its file
    /// is held by the host rather than in memory).
    pub fn take_file(&mut self) -> Vec<u8> {
        match self {
            Request::Ingest { bytes, .. }
            | Request::OpenDefinition { bytes, .. }
            | Request::OpenRfmDefinition { bytes, .. }
            | Request::OpenKpis { bytes, .. }
            | Request::MovementFromFile { bytes, .. }
            | Request::ReadProject { bytes, .. }
            | Request::OpenProject { bytes, .. }
            | Request::RestoreProject { bytes, .. } => std::mem::take(bytes),
            Request::AttachTransactions { file, .. } | Request::OpenTransactions { file, .. } => {
                match std::mem::take(file) {
                    InputFile::Bytes(bytes) => Rc::try_unwrap(bytes).unwrap_or_else(|shared| shared.as_ref().clone()),
                    InputFile::Source(_) => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    /// Puts an input file's bytes into the request (ignored when it reads no file).
    pub fn put_file(&mut self, bytes: Vec<u8>) {
        match self {
            Request::Ingest { bytes: b, .. }
            | Request::OpenDefinition { bytes: b, .. }
            | Request::OpenRfmDefinition { bytes: b, .. }
            | Request::OpenKpis { bytes: b, .. }
            | Request::MovementFromFile { bytes: b, .. }
            | Request::ReadProject { bytes: b, .. }
            | Request::OpenProject { bytes: b, .. }
            | Request::RestoreProject { bytes: b, .. } => *b = bytes,
            Request::AttachTransactions { file, .. }
            | Request::OpenTransactions { file, .. }
            | Request::OpenReduced { file, .. } => *file = InputFile::from(bytes),
            _ => {}
        }
    }

    /// True when the request reads its file a part at a time ([`Request::put_input`]), so the host
    /// need not copy it into the engine's memory.
    pub fn reads_file_in_parts(&self) -> bool {
        matches!(
            self,
            Request::AttachTransactions { .. } | Request::OpenTransactions { .. } | Request::OpenReduced { .. }
        )
    }

    /// Gives a request that [reads its file in parts](Request::reads_file_in_parts) its file;
    /// false (and nothing done) for any other request.
    pub fn put_input(&mut self, input: InputFile) -> bool {
        match self {
            Request::AttachTransactions { file, .. }
            | Request::OpenTransactions { file, .. }
            | Request::OpenReduced { file, .. } => {
                *file = input;
                true
            }
            _ => false,
        }
    }
}

impl Response {
    /// Moves the contents of the response's files out, in order (empty when it has none).
    pub fn take_files(&mut self) -> Vec<Vec<u8>> {
        match self {
            Response::Files(files) => files.iter_mut().map(|f| std::mem::take(&mut f.bytes)).collect(),
            _ => Vec::new(),
        }
    }

    /// Puts file contents back, in the order [`Response::take_files`] gave them.
    pub fn put_files(&mut self, contents: Vec<Vec<u8>>) {
        if let Response::Files(files) = self {
            for (f, bytes) in files.iter_mut().zip(contents) {
                f.bytes = bytes;
            }
        }
    }
}

/// The requests that made a session what it is, in order, each with its input file (`F`: the
/// page keeps a `Blob` handle, tests keep bytes). Replaying them into a new [`super::Session`]
/// rebuilds the same datasets and results under the same ids.
#[derive(Debug, Clone)]
pub struct JournalLog<F> {
    entries: Vec<(Request, F)>,
}

impl<F> Default for JournalLog<F> {
    fn default() -> Self {
        JournalLog { entries: Vec::new() }
    }
}

impl<F> JournalLog<F> {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a request that has completed (whatever its outcome: a failed request may still
    /// have used an id). Reads are left out; a replaceable request replaces the entry just
    /// before it when that one has the same key.
    pub fn record(&mut self, request: Request, file: F) {
        match request.journal() {
            Journal::Read => {}
            Journal::Change => self.entries.push((request, file)),
            Journal::Replaceable(key) => {
                let same = self.entries.last().is_some_and(|(last, _)| last.journal() == Journal::Replaceable(key));
                if same {
                    self.entries.pop();
                }
                self.entries.push((request, file));
            }
        }
    }

    /// The recorded requests, oldest first.
    pub fn entries(&self) -> &[(Request, F)] {
        &self.entries
    }

    /// Number of recorded requests.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing changed the session yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::FileOut;
    use crate::ingest::ReadOptions;

    #[test]
    fn file_bytes_never_travel_in_the_json() {
        let mut request =
            Request::Ingest { name: "c.csv".into(), bytes: b"id\n1\n".to_vec(), options: ReadOptions::default() };
        let json = serde_json::to_string(&request).unwrap();
        assert!(!json.contains("bytes"), "{json}");
        let file = request.take_file();
        let mut back: Request = serde_json::from_str(&json).unwrap();
        back.put_file(file);
        assert_eq!(
            back,
            Request::Ingest { name: "c.csv".into(), bytes: b"id\n1\n".to_vec(), options: ReadOptions::default() }
        );
    }

    #[test]
    fn response_files_round_trip_beside_the_json() {
        let original = Response::Files(vec![
            FileOut { name: "a.csv".into(), mime: "text/csv".into(), bytes: b"x\n".to_vec() },
            FileOut { name: "a.csv.manifest.json".into(), mime: "application/json".into(), bytes: b"{}".to_vec() },
        ]);
        let mut sent = original.clone();
        let contents = sent.take_files();
        let json = serde_json::to_string(&sent).unwrap();
        let mut back: Response = serde_json::from_str(&json).unwrap();
        back.put_files(contents);
        assert_eq!(back, original);
    }

    #[test]
    fn live_rule_counts_replace_each_other_and_reads_are_not_journalled() {
        let d = DatasetId(1);
        let mut definition = crate::rules::Definition::default();
        assert_eq!(Request::ApplyRules { dataset: d, definition: definition.clone() }.journal(), Journal::Change);
        definition.segments.push(crate::rules::SegmentDef {
            name: "All".into(),
            color: None,
            condition: crate::rules::Condition::All(Vec::new()),
        });
        let rules = Request::ApplyRules { dataset: d, definition };
        assert_eq!(rules.journal(), Journal::Replaceable(ReplaceKey::Rules(d)));
        let preview = Request::Preview { dataset: d, segment: None, offset: 0, limit: 5 };
        assert_eq!(preview.journal(), Journal::Read);
        assert_eq!(Request::Forget { dataset: d }.journal(), Journal::Change);
    }
}
