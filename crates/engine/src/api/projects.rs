//! Projects on a session (issue #17): save an open dataset's work as a `.segscope` file, say what a
//! project file holds, how the open data differ from the project's, and put a project's
//! segmentations back on the open data (each made again from its spec, one rule for every kind, as
//! when the data change).

use std::io::Read;

use serde::{Deserialize, Serialize};

use super::clusters::ClusterSpec;
use super::manifests::{inputs, recipe_of, Inputs};
use super::segmentations::{make, Data, Spec, Store};
use super::{AssignmentId, Dataset, EngineError, FileOut, SegmentationView, Typed};
use crate::clv::ClvParams;
use crate::custom_kpi::KpiDef;
use crate::export::{FileRecord, TransactionsRecord};
use crate::ingest::ReadOptions;
use crate::progress::Monitor;
use crate::project::{IncludedData, Project, ProjectError, ProjectSegmentation, PROJECT_FORMAT};
use crate::reproduce::{Opened, SegmentationRecipe};

/// What a project file holds: enough for the page to ask for the right files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectSummary {
    /// The project file's name.
    pub file: String,
    /// The Segscope version that saved it.
    pub segscope_version: String,
    /// What its data file was opened as.
    pub opened: Opened,
    /// Its data file.
    pub input: FileRecord,
    /// How to read the data file.
    pub read_options: ReadOptions,
    /// Its transactions (file, read settings, mapping), when any were attached to a customers file.
    pub transactions: Option<TransactionsRecord>,
    /// True when the data are inside the project file.
    pub includes_data: bool,
    /// Its segmentations' names, in order.
    pub segmentations: Vec<String>,
}

impl ProjectSummary {
    /// What `project` (read from `file`) holds.
    pub fn of(file: &str, project: &Project) -> ProjectSummary {
        ProjectSummary {
            file: file.to_string(),
            segscope_version: project.segscope_version.clone(),
            opened: project.opened,
            input: project.input.clone(),
            read_options: project.read_options.clone(),
            transactions: project.transactions.clone(),
            includes_data: project.data.is_some(),
            segmentations: project.segmentations.iter().map(|s| s.recipe.name().to_string()).collect(),
        }
    }
}

/// What opening a project put back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectRestored {
    /// The project file's name.
    pub file: String,
    /// The data opened from inside the project (`None` when the project was put on data already open).
    pub dataset: Option<Box<super::DatasetView>>,
    /// The transactions attached from inside the project.
    pub attached: Option<Box<super::AttachView>>,
    /// The segmentations now, in the project's order.
    pub segmentations: Vec<SegmentationView>,
    /// The spec each workspace edits (one per kind at most), for the workspaces' forms.
    pub working: Vec<SegmentationRecipe>,
    /// The KPIs put back.
    pub kpis: Vec<KpiDef>,
    /// The lifetime-value settings put back (fitted again), when the project had them.
    pub clv: Option<ClvParams>,
    /// The page's own choices, as saved.
    pub view: serde_json::Value,
    /// How the open data differ from the project's (empty: the same files); the user chose to
    /// open the project anyway.
    pub differences: Vec<String>,
    /// What could not be put back, each as a sentence.
    pub not_restored: Vec<String>,
}

/// The project of `ds`: its files' fingerprints and settings, every segmentation, the KPIs, the
/// CLV settings and `view`; with the data inside when `include_data`.
///
/// # Errors
/// A file could not be read again (for its hash or its bytes), or the data are too large to include.
pub(super) fn save(ds: &Dataset, include_data: bool, view: serde_json::Value) -> Result<FileOut, EngineError> {
    let Inputs { input, read_options, transactions, columns, .. } = inputs(ds)?;
    let store = &ds.segmentations;
    let current = store.chosen().and_then(|id| store.ids().position(|e| e == id));
    let segmentations = store
        .entries()
        .map(|e| ProjectSegmentation {
            recipe: recipe_of(&e.spec, &e.name),
            model: match &e.spec {
                Spec::Clusters(spec) => serde_json::to_value(&spec.model).ok(),
                _ => None,
            },
            working: store.working(e.spec.kind()) == Some(e.id),
            renamed: e.renamed,
        })
        .collect();
    let data = if include_data { Some(included(ds)?) } else { None };
    let project = Project {
        format: PROJECT_FORMAT.to_string(),
        segscope_version: env!("CARGO_PKG_VERSION").to_string(),
        opened: ds.opened,
        input,
        read_options,
        columns,
        transactions,
        segmentations,
        current,
        kpis: store.kpis.clone(),
        clv: ds.clv.as_ref().map(|(params, _)| params.params()),
        view,
        data,
    };
    let stem = super::slug(super::file_stem(&project.input.name));
    Ok(FileOut {
        name: format!("{stem}.segscope"),
        mime: "application/json".into(),
        bytes: project.to_json().into_bytes(),
    })
}

/// The data files' bytes, encoded for a project.
fn included(ds: &Dataset) -> Result<IncludedData, EngineError> {
    let read_all = |file: &crate::input::InputFile| -> Result<Vec<u8>, EngineError> {
        let unreadable = |e: std::io::Error| ProjectError::Unreadable { message: e.to_string() };
        let mut bytes = Vec::new();
        file.open().map_err(unreadable)?.read_to_end(&mut bytes).map_err(unreadable)?;
        Ok(bytes)
    };
    let data = match (ds.opened, &ds.transactions) {
        (Opened::Transactions, Some(attached)) => IncludedData::new(&read_all(&attached.file)?, None),
        (_, Some(attached)) => IncludedData::new(&ds.file, Some(&read_all(&attached.file)?)),
        (_, None) => IncludedData::new(&ds.file, None),
    };
    Ok(data?)
}

/// How the open data `ds` differ from the data `project` was saved with, each as a sentence
/// (empty: the same files, the same columns).
///
/// # Errors
/// A file could not be read again for its hash.
pub(super) fn differences(project: &Project, ds: &Dataset) -> Result<Vec<String>, EngineError> {
    let now = inputs(ds)?;
    let mut out = Vec::new();
    let file = |what: &str, saved: &FileRecord, open: &FileRecord, out: &mut Vec<String>| {
        if saved.bytes != open.bytes {
            out.push(format!(
                "{what} {} is {} bytes; the project was saved with {} ({} bytes).",
                open.name, open.bytes, saved.name, saved.bytes
            ));
        } else if saved.sha256 != open.sha256 {
            out.push(format!(
                "{what} {} has the same size as {} but other contents (SHA-256 {}…, the project's {}…).",
                open.name,
                saved.name,
                open.sha256.get(..12).unwrap_or_default(),
                saved.sha256.get(..12).unwrap_or_default()
            ));
        }
    };
    if project.opened != ds.opened {
        out.push(match project.opened {
            Opened::Table => "the project was made on a customers file; the open data are a transactions file.".into(),
            Opened::Transactions => {
                "the project was made on a transactions file opened alone; the open data are a customers file.".into()
            }
        });
    }
    file("the data file", &project.input, &now.input, &mut out);
    match (&project.transactions, &now.transactions) {
        (Some(saved), Some(open)) => {
            file("the transactions file", &saved.file, &open.file, &mut out);
            if saved.mapping != open.mapping {
                out.push("the transactions' columns are mapped differently (customer, date or amount).".into());
            }
        }
        (Some(saved), None) => out.push(format!(
            "the project had the transactions file {} attached; the open data have none (RFM and value rules need it).",
            saved.file.name
        )),
        (None, Some(open)) => {
            out.push(format!("transactions ({}) are attached now; the project had none.", open.file.name))
        }
        (None, None) => {}
    }
    if let Some(first) = crate::reproduce::column_difference(&project.columns, &now.columns, "the project") {
        out.push(format!("in the open data, {first}."));
    }
    Ok(out)
}

/// Replaces the segmentations of `ds` with `project`'s, each made again from its spec on the open
/// data (one that cannot be made is kept, stale, with the reason); `fresh` gives each a new id.
/// KPIs and CLV are the caller's (they go through their own requests). What could not be put back,
/// as sentences.
///
/// # Errors
/// Only a cancel ([`EngineError::is_cancelled`]), or running out of ids.
pub(super) fn restore(
    ds: &mut Dataset,
    project: &Project,
    project_file: &str,
    fresh: &mut dyn FnMut() -> Result<AssignmentId, EngineError>,
    monitor: &mut dyn Monitor,
) -> Result<Vec<String>, EngineError> {
    let mut store = Store::default();
    let mut not_restored = Vec::new();
    let data = Data { table: &ds.ingested.table, attached: ds.transactions.as_ref() };
    for (i, saved) in project.segmentations.iter().enumerate() {
        let name = saved.recipe.name().to_string();
        let spec = match spec_of(saved, project_file) {
            Ok(spec) => spec,
            Err(why) => {
                not_restored.push(format!("“{name}” could not be read from the project: {why}"));
                continue;
            }
        };
        let id = fresh()?;
        match make(id, &spec, &data, monitor) {
            Err(cancel) if cancel.is_cancelled() => return Err(cancel),
            Ok(made) => store.put(id, spec.clone(), made),
            Err(why) => {
                let why = format!("it could not be made on the open data: {why}");
                not_restored.push(format!("“{name}”: {why}"));
                store.put_stale(id, spec.clone(), name.clone(), why);
            }
        }
        if saved.renamed {
            store.rename(id, &name);
        }
        if saved.working {
            store.set_working(spec.kind(), id);
        }
        if project.current == Some(i) {
            store.set_current(id);
        }
    }
    store.kpis = ds.segmentations.kpis.clone();
    ds.segmentations = store;
    Ok(not_restored)
}

/// The spec a saved segmentation stands for, its settings checked as when it was made.
fn spec_of(saved: &ProjectSegmentation, project_file: &str) -> Result<Spec, String> {
    Ok(match &saved.recipe {
        SegmentationRecipe::Split { params, .. } => Spec::Split(params.clone()),
        SegmentationRecipe::Rules { definition, .. } => Spec::Rules(definition.clone()),
        SegmentationRecipe::Rfm { params, map, as_of, .. } => {
            let params = params.check().map_err(|e| e.to_string())?;
            let map = map.check(params.bins()).map_err(|e| e.to_string())?;
            Spec::Rfm { params, map, as_of: as_of.clone() }
        }
        SegmentationRecipe::Clusters { params, k, .. } => {
            let model = saved.model.as_ref().ok_or("a clustering saved without its model")?;
            let model = crate::definitions::read_cluster_model(project_file, model.to_string().as_bytes())
                .map_err(|e| e.to_string())?;
            let params = params.check_fit(&Typed::Value(*k)).map_err(|e| e.to_string())?;
            Spec::Clusters(Box::new(ClusterSpec { params, model, warnings: Vec::new() }))
        }
    })
}
