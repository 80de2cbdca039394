//! Why a project file could not be read, saved or opened.

use thiserror::Error;

/// A project file that cannot be read, or a project that cannot be saved or opened as asked.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProjectError {
    /// The file is not a project at all.
    #[error(
        "{file}: this is not a Segscope project ({message}); open a `.segscope` file saved with \"Save project\"."
    )]
    NotAProject {
        /// The file's name.
        file: String,
        /// What reading it found.
        message: String,
    },
    /// A project of a format this version does not know.
    #[error("{file}: its format is `{found}`; this Segscope opens segscope.project/1. Use the Segscope version that saved it ({version}).")]
    OtherFormat {
        /// The file's name.
        file: String,
        /// The format found.
        found: String,
        /// The version the file says saved it.
        version: String,
    },
    /// The project holds no data and was asked to open its own.
    #[error("{file} was saved without its data; choose the data file it was made from ({input}).")]
    NoData {
        /// The project file's name.
        file: String,
        /// The data file's name, as the project records it.
        input: String,
    },
    /// The embedded data is damaged.
    #[error("{file}: the data saved inside it is damaged ({message}); save the project again with \"include data\".")]
    DamagedData {
        /// The project file's name.
        file: String,
        /// What decoding found.
        message: String,
    },
    /// The data is too large to put inside a project.
    #[error(
        "the data is {mb:.0} MB, more than a project file holds ({most_mb} MB); save the project without \"include data\" and keep the data file beside it."
    )]
    TooLarge {
        /// The data's size, in MB.
        mb: f64,
        /// The most a project holds, in MB.
        most_mb: u64,
    },
    /// The open data is not a saved file (the built-in sample has no file to compare with).
    #[error(
        "the data file could not be read again to save it ({message}); open the file again, then save the project."
    )]
    Unreadable {
        /// What the host said.
        message: String,
    },
}
