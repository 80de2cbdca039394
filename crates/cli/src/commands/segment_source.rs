//! Where a command's segments come from: exactly one of `--segment-column COL`, `--definition
//! FILE` (rule segments or a saved RFM segmentation) and `--model FILE` (a cluster model), read
//! into the engine's [`SegmentSource`].

use std::path::{Path, PathBuf};

use clap::Args;

use segscope_engine::cluster::model::ClusterModel;
use segscope_engine::definitions::AnyDefinition;
use segscope_engine::rfm::RfmDefinition;
use segscope_engine::rules::Definition;
use segscope_engine::stream::SegmentSource;

use crate::commands::definition::{load_any_definition, load_cluster_model, model_hint};
use crate::error::CliError;

/// The three flags, one of which says where the segments come from.
#[derive(Debug, Args)]
pub struct SegmentArgs {
    /// A column of the input that holds each customer's segment (one segment per value). Give
    /// this, --definition or --model.
    #[arg(long, value_name = "COL")]
    pub segment_column: Option<String>,
    /// Rule segments (segscope.segments/1) or a saved RFM segmentation (segscope.rfm/1, which needs
    /// transactions). Give this, --segment-column or --model.
    #[arg(long, value_name = "FILE")]
    pub definition: Option<PathBuf>,
    /// A cluster model (segscope.cluster-model/1): each customer in its nearest cluster. Give this,
    /// --segment-column or --definition.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

/// The segments as read from the flags.
pub enum Loaded {
    /// A column that holds each customer's segment.
    Column(String),
    /// Rule segments.
    Rules(Box<Definition>),
    /// A saved RFM segmentation.
    Rfm(Box<RfmDefinition>),
    /// A cluster model.
    Model(Box<ClusterModel>),
}

impl Loaded {
    /// The engine's view of it.
    pub fn source(&self) -> SegmentSource<'_> {
        match self {
            Loaded::Column(c) => SegmentSource::Column(c),
            Loaded::Rules(d) => SegmentSource::Rules(d),
            Loaded::Rfm(d) => SegmentSource::Rfm(d),
            Loaded::Model(m) => SegmentSource::Model(m),
        }
    }
}

/// The one source of segments the flags give, and the file it came from (`input` for a column);
/// `command` names the subcommand in a hint.
pub fn load(flags: &SegmentArgs, input: &Path, command: &str) -> Result<(Loaded, String), CliError> {
    match (flags.segment_column.as_deref(), flags.definition.as_deref(), flags.model.as_deref()) {
        (Some(column), None, None) => Ok((Loaded::Column(column.to_string()), input.display().to_string())),
        (None, Some(path), None) => {
            let loaded = match load_any_definition(path).map_err(|e| model_hint(e, path, command))? {
                AnyDefinition::Rules(def) => Loaded::Rules(def),
                AnyDefinition::Rfm(def) => Loaded::Rfm(def),
            };
            Ok((loaded, path.display().to_string()))
        }
        (None, None, Some(path)) => Ok((Loaded::Model(Box::new(load_cluster_model(path)?)), path.display().to_string())),
        (None, None, None) => Err(CliError::usage(
            "say where the segments come from: --segment-column COL (a column of the input), --definition FILE (rule segments or a saved RFM segmentation) or --model FILE (a cluster model).".into(),
        )),
        _ => Err(CliError::usage(format!(
            "give only one of --segment-column, --definition and --model: segscope {command} reads one segmentation."
        ))),
    }
}
