//! Why a manifest could not be re-run.

use thiserror::Error;

/// A manifest that cannot be read or re-run. (A re-run whose files differ is not an error: it is
/// a [`super::Verification`] that says what differs.)
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The file is not a manifest at all.
    #[error(
        "this is not a Segscope manifest ({message}); give the `NAME.manifest.json` downloaded beside a file, \
         or the zip that holds one."
    )]
    NotAManifest {
        /// What reading it found.
        message: String,
    },
    /// A manifest of the first format, which records no hashes and no recipe.
    #[error(
        "this manifest is segscope.manifest/1, written before manifests recorded the input's SHA-256 and how to \
         re-run the segmentation; it cannot be verified. Download the file again with this Segscope to get a \
         segscope.manifest/2 manifest."
    )]
    VersionOne,
    /// A manifest of a format this version does not know.
    #[error(
        "this manifest's format is `{found}`; this Segscope verifies segscope.manifest/2. Use the Segscope \
         version that wrote it ({version})."
    )]
    OtherFormat {
        /// The format found.
        found: String,
        /// The version the manifest says wrote it.
        version: String,
    },
    /// The segmentation read a transactions file that was not given.
    #[error("the segmentation used the transactions file `{name}` ({bytes} bytes); give it with --transactions FILE.")]
    TransactionsNeeded {
        /// The transactions file's name in the manifest.
        name: String,
        /// Its size.
        bytes: u64,
    },
    /// The recipe asks for something the engine cannot do (for example a download of a
    /// segmentation with no segmentation in it): the manifest was edited or is damaged.
    #[error(
        "the manifest's recipe cannot be re-run: {0}. Download the file and its manifest again (or run the \
         command that wrote them again)."
    )]
    BadRecipe(String),
    /// Re-running failed: the engine's sentence.
    #[error("re-running the manifest failed: {0}")]
    Rerun(String),
}
