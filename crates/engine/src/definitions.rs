//! Definition files as a user opens them: rule segments (`segscope.segments/1`), saved RFM
//! segmentations (`segscope.rfm/1`) and cluster models (`segscope.cluster-model/1`). One reader
//! per format, taking the file's name and bytes, used by the app (`Request::OpenDefinition`,
//! `Request::OpenRfmDefinition`) and by the command line (`segscope apply`, `rfm`, `sql`), so a
//! file gets the same checks and sentences in both.
//!
//! A rule definition is checked here as far as it can be without data (text, JSON, format tag,
//! the shape of every field and condition); fitting it to the data's columns is
//! [`crate::rules::check`]'s job, which the rule builder shows live. An RFM definition needs no
//! data to be checked, so it is checked whole: settings, segment map and as-of date. A cluster
//! model is checked for parts that agree ([`ClusterModel::check`]); whether it fits a file's
//! columns is [`ClusterModel::label`]'s check.

use thiserror::Error;

use crate::cluster::model::{ClusterModel, ModelError, MODEL_FORMAT};
use crate::dates::{parse_optional, DateError, DateField};
use crate::rfm::{RfmDefinition, RfmError};
use crate::rules::Definition;

/// A definition file that cannot be used; `Display` names the file and says what is wrong.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{file}: {problem}")]
pub struct DefinitionFileError {
    /// The file's name as the user gave it.
    pub file: String,
    /// What is wrong with it.
    pub problem: FileProblem,
}

/// What is wrong with a definition file.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum FileProblem {
    /// The bytes are not UTF-8 text.
    #[error(
        "it is not UTF-8 text, so it is not a definition file (those are JSON); choose the .json file Segscope saved."
    )]
    NotUtf8,
    /// The text is not JSON.
    #[error("it is not JSON ({0}), so it is not a definition file; choose the .json file Segscope saved, or fix the JSON at that place.")]
    NotJson(String),
    /// JSON without a `format` tag.
    #[error("it has no \"format\" field, so it is not a Segscope definition file; choose a file Segscope saved (it starts with \"format\").")]
    NoFormat,
    /// The format tag is not the one this reader reads.
    #[error("{}", wrong_format(.found, .expected))]
    WrongFormat {
        /// The file's format tag.
        found: String,
        /// The tag this reader reads.
        expected: &'static str,
    },
    /// A field or condition does not read as the format says.
    #[error("it does not read as {what}: {detail}; fix that place in the file.")]
    Shape {
        /// The format in words.
        what: &'static str,
        /// Where and what, from the reader.
        detail: String,
    },
    /// The RFM settings or segment map are not usable.
    #[error(transparent)]
    Rfm(#[from] RfmError),
    /// A date in the file cannot be read.
    #[error(transparent)]
    Date(#[from] DateError),
    /// A cluster model's parts do not agree.
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// The sentence for a format tag this reader does not read.
fn wrong_format(found: &str, expected: &str) -> String {
    let kind = |tag: &str| {
        if tag.starts_with("segscope.rfm/") {
            Some("a saved RFM segmentation")
        } else if tag.starts_with("segscope.segments/") {
            Some("rule segments")
        } else if tag.starts_with("segscope.cluster-model/") {
            Some("a cluster model")
        } else if tag.starts_with("segscope.kpis/") {
            Some("KPIs")
        } else {
            None
        }
    };
    match (kind(found), kind(expected)) {
        (Some(a), Some(b)) if a != b => {
            format!("it holds {a} (`{found}`), not {b} (`{expected}`); open it as {a}.")
        }
        _ => format!(
            "its format is `{found}`, but this version of Segscope reads `{expected}`; save it again from a matching version, or update Segscope."
        ),
    }
}

/// Text, JSON and format tag: the first checks of every definition file.
fn open<'a>(file: &str, bytes: &'a [u8], expected: &'static str) -> Result<&'a str, DefinitionFileError> {
    let fail = |problem: FileProblem| DefinitionFileError { file: file.to_string(), problem };
    let text = std::str::from_utf8(bytes).map_err(|_| fail(FileProblem::NotUtf8))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| fail(FileProblem::NotJson(e.to_string())))?;
    let found = match value.get("format") {
        None => return Err(fail(FileProblem::NoFormat)),
        Some(serde_json::Value::String(tag)) => tag.clone(),
        Some(other) => other.to_string(),
    };
    if found != expected {
        return Err(fail(FileProblem::WrongFormat { found, expected }));
    }
    Ok(text)
}

/// Reads a rule definition file (`segscope.segments/1`).
///
/// ```
/// use segscope_engine::definitions::read_rules;
///
/// let def = read_rules("vip.json", br#"{"format": "segscope.segments/1", "segments": []}"#).unwrap();
/// assert!(def.segments.is_empty());
/// let err = read_rules("vip.json", b"name,age\n").unwrap_err();
/// assert!(err.to_string().starts_with("vip.json: it is not JSON"), "{err}");
/// ```
///
/// # Errors
/// [`DefinitionFileError`] naming the file: not UTF-8, not JSON, no or another format tag, or a
/// field or condition that does not read (with its place).
pub fn read_rules(file: &str, bytes: &[u8]) -> Result<Definition, DefinitionFileError> {
    let text = open(file, bytes, crate::rules::FORMAT)?;
    Definition::from_json(text).map_err(|detail| DefinitionFileError {
        file: file.to_string(),
        problem: FileProblem::Shape { what: "rule segments (segscope.segments/1)", detail },
    })
}

/// Reads and checks a saved RFM segmentation (`segscope.rfm/1`): its settings
/// ([`crate::rfm::RfmParams::check`]), that its map fits its bins ([`crate::rfm::RfmMap::check`]),
/// and its as-of date.
///
/// # Errors
/// [`DefinitionFileError`] naming the file and the first thing wrong.
pub fn read_rfm(file: &str, bytes: &[u8]) -> Result<RfmDefinition, DefinitionFileError> {
    let fail = |problem: FileProblem| DefinitionFileError { file: file.to_string(), problem };
    let text = open(file, bytes, crate::rfm::FORMAT)?;
    let mut def: RfmDefinition = serde_json::from_str(text).map_err(|e| {
        fail(FileProblem::Shape { what: "an RFM segmentation (segscope.rfm/1)", detail: e.to_string() })
    })?;
    let valid = def.params.check().map_err(|e| fail(e.into()))?;
    let map = def.map.check(valid.bins()).map_err(|e| fail(e.into()))?;
    parse_optional(DateField::AsOf, def.as_of.as_deref()).map_err(|e| fail(e.into()))?;
    // As checked: a file that wrote its numbers as text (`"bins": "5"`) opens with plain numbers.
    def.params = valid.params();
    def.map = map.map().clone();
    Ok(def)
}

/// Reads and checks a cluster model (`segscope.cluster-model/1`): that its parts agree (one
/// centre per cluster, one value per prepared column, usable scales, an as-of date for date
/// features; [`ClusterModel::check`]).
///
/// ```
/// use segscope_engine::definitions::read_cluster_model;
///
/// let err = read_cluster_model("m.json", br#"{"format": "segscope.segments/1", "segments": []}"#).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "m.json: it holds rule segments (`segscope.segments/1`), not a cluster model (`segscope.cluster-model/1`); open it as rule segments."
/// );
/// ```
///
/// # Errors
/// [`DefinitionFileError`] naming the file and the first thing wrong.
pub fn read_cluster_model(file: &str, bytes: &[u8]) -> Result<ClusterModel, DefinitionFileError> {
    let fail = |problem: FileProblem| DefinitionFileError { file: file.to_string(), problem };
    let text = open(file, bytes, MODEL_FORMAT)?;
    let model: ClusterModel = serde_json::from_str(text).map_err(|e| {
        fail(FileProblem::Shape { what: "a cluster model (segscope.cluster-model/1)", detail: e.to_string() })
    })?;
    model.check().map_err(|e| fail(e.into()))?;
    Ok(model)
}

/// Reads a KPI file (`segscope.kpis/1`); whether its KPIs fit a data set's columns is
/// [`crate::custom_kpi::check`]'s job.
///
/// ```
/// use segscope_engine::definitions::read_kpis;
///
/// let set = read_kpis("kpis.json", br#"{"format": "segscope.kpis/1", "kpis": [{"name": "Buyers", "aggregate": "count"}]}"#).unwrap();
/// assert_eq!(set.kpis[0].name, "Buyers");
/// let err = read_kpis("kpis.json", br#"{"format": "segscope.kpis/1", "kpis": [{"name": "Buyers", "aggregate": "total"}]}"#).unwrap_err();
/// assert!(err.to_string().starts_with("kpis.json: it does not read as KPIs (segscope.kpis/1): unknown variant `total`"), "{err}");
/// ```
///
/// # Errors
/// [`DefinitionFileError`] naming the file: not UTF-8, not JSON, no or another format tag, or a
/// field that does not read (with its place).
pub fn read_kpis(file: &str, bytes: &[u8]) -> Result<crate::custom_kpi::KpiSet, DefinitionFileError> {
    let text = open(file, bytes, crate::custom_kpi::KPIS_FORMAT)?;
    serde_json::from_str(text).map_err(|e| DefinitionFileError {
        file: file.to_string(),
        problem: FileProblem::Shape { what: "KPIs (segscope.kpis/1)", detail: e.to_string() },
    })
}

/// A definition file of either kind.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyDefinition {
    /// Rule segments (`segscope.segments/1`).
    Rules(Box<Definition>),
    /// A saved RFM segmentation (`segscope.rfm/1`).
    Rfm(Box<RfmDefinition>),
}

/// Reads a definition file of either kind, told apart by its format tag: `segscope.rfm/…` is read
/// by [`read_rfm`], anything else by [`read_rules`] (so a wrong tag gets the rules reader's sentence).
///
/// # Errors
/// [`DefinitionFileError`] as the reader of its kind.
pub fn read_any(file: &str, bytes: &[u8]) -> Result<AnyDefinition, DefinitionFileError> {
    let tag = std::str::from_utf8(bytes)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t.strip_prefix('\u{feff}').unwrap_or(t)).ok())
        .and_then(|v| v.get("format").and_then(serde_json::Value::as_str).map(str::to_string));
    match tag {
        Some(t) if t.starts_with("segscope.rfm/") => read_rfm(file, bytes).map(|d| AnyDefinition::Rfm(Box::new(d))),
        _ => read_rules(file, bytes).map(|d| AnyDefinition::Rules(Box::new(d))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn rfm_json(bins: u8, map: &crate::rfm::RfmMap, as_of: Option<&str>) -> Vec<u8> {
        let def = RfmDefinition {
            format: crate::rfm::FORMAT.into(),
            as_of: as_of.map(str::to_string),
            transactions: None,
            params: crate::rfm::RfmParams { bins: bins.into(), ..Default::default() },
            map: map.clone(),
        };
        serde_json::to_vec(&def).unwrap()
    }

    #[test]
    fn every_message_names_the_file() {
        for bytes in [&b"\xff\xfe"[..], b"{", b"[]", br#"{"format": "x/1"}"#, br#"{"format": "segscope.segments/1"}"#] {
            let e = read_rules("my file.json", bytes).unwrap_err().to_string();
            assert!(e.starts_with("my file.json: "), "{e}");
        }
    }

    #[test]
    fn a_file_of_the_other_kind_says_so() {
        let rfm = rfm_json(5, &crate::rfm::RfmMap::default_for(5), None);
        let e = read_rules("r.json", &rfm).unwrap_err().to_string();
        assert!(e.contains("it holds a saved RFM segmentation (`segscope.rfm/1`), not rule segments"), "{e}");
        let e = read_rfm("s.json", br#"{"format": "segscope.segments/1", "segments": []}"#).unwrap_err().to_string();
        assert!(e.contains("it holds rule segments"), "{e}");
    }

    #[test]
    fn an_rfm_map_must_fit_its_bins() {
        let e = read_rfm("r.json", &rfm_json(4, &crate::rfm::RfmMap::default_for(5), None)).unwrap_err().to_string();
        assert!(e.starts_with("r.json: the RFM segment map: "), "{e}");
        assert!(e.contains("outside the 4-bin grid"), "{e}");
    }

    #[test]
    fn an_rfm_file_with_numbers_written_as_text_opens_with_plain_numbers() {
        let mut v: serde_json::Value =
            serde_json::from_slice(&rfm_json(4, &crate::rfm::RfmMap::default_for(4), None)).unwrap();
        v["params"]["bins"] = "4".into();
        let def = read_rfm("r.json", &serde_json::to_vec(&v).unwrap()).unwrap();
        assert_eq!(def.params.bins, crate::typed::Typed::Value(4));
        v["params"]["bins"] = "four".into();
        let e = read_rfm("r.json", &serde_json::to_vec(&v).unwrap()).unwrap_err().to_string();
        assert_eq!(e, "r.json: RFM settings: the number of bins must be a whole number from 3 to 5 (got `four`).");
    }

    #[test]
    fn an_rfm_as_of_date_is_checked_on_reading() {
        let bytes = rfm_json(5, &crate::rfm::RfmMap::default_for(5), Some("yesterday"));
        let e = read_rfm("r.json", &bytes).unwrap_err().to_string();
        assert!(e.starts_with("r.json: the as-of date `yesterday` is not a date"), "{e}");
    }

    fn cluster_model() -> ClusterModel {
        use crate::cluster::model::{fit_model, ModelInput};
        use crate::cluster::params::ClusterParams;
        use crate::cluster::prep::{FeatureSpec, Scaling};
        use crate::table::ColumnData;
        let spend = ColumnData::Integer((0..30).map(|i| Some(i64::from(i % 3) * 100 + i64::from(i % 5))).collect());
        let params = ClusterParams {
            features: vec![FeatureSpec {
                column: "spend".into(),
                log: false,
                scaling: Scaling::Zscore,
                weight: 1.0,
                score: None,
            }],
            ..ClusterParams::default()
        }
        .check_fit(&crate::typed::Typed::Value(3))
        .unwrap();
        let input = ModelInput { file: "c.csv".into(), bytes: 1, rows: 30 };
        fit_model(&[("spend", &spend)], &params, None, input, &mut crate::progress::Quiet).unwrap().model
    }

    #[test]
    fn a_cluster_model_is_read_and_checked() {
        let model = cluster_model();
        assert_eq!(read_cluster_model("m.json", model.to_json().as_bytes()).unwrap(), model);
        let mut damaged = model.clone();
        damaged.clusters[2].centre.clear();
        let e = read_cluster_model("m.json", damaged.to_json().as_bytes()).unwrap_err().to_string();
        assert!(e.starts_with("m.json: the model is damaged: cluster 3 has 0 centre values for 1 columns"), "{e}");
        let mut v: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        v["centres"] = v["clusters"].take();
        let e = read_cluster_model("m.json", v.to_string().as_bytes()).unwrap_err().to_string();
        assert!(e.starts_with("m.json: it does not read as a cluster model (segscope.cluster-model/1): "), "{e}");
        let e = read_rules("m.json", model.to_json().as_bytes()).unwrap_err().to_string();
        assert!(e.contains("it holds a cluster model (`segscope.cluster-model/1`), not rule segments"), "{e}");
    }

    #[test]
    fn read_any_tells_the_kinds_apart() {
        let rfm = rfm_json(3, &crate::rfm::RfmMap::default_for(3), Some("2024-01-01"));
        assert!(matches!(read_any("r.json", &rfm), Ok(AnyDefinition::Rfm(_))));
        let rules = br#"{"format": "segscope.segments/1", "segments": []}"#;
        assert!(matches!(read_any("s.json", rules), Ok(AnyDefinition::Rules(_))));
        assert_eq!(read_any("s.json", b"nope").unwrap_err(), read_rules("s.json", b"nope").unwrap_err());
    }
}
