//! What can go wrong when generating the sample data.

/// An error from checking sample parameters or from writing the sample files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SampleError {
    /// The requested number of customers is not a whole number in the supported range; the
    /// sentence says the range.
    #[error(transparent)]
    CustomerCount(#[from] crate::typed::TypedError),
    /// Writing one of the two files failed (disk full, closed pipe, no permission, ...).
    #[error(
        "could not write the sample {file} file: {source}; check that the destination is writable \
         and has free space, then try again"
    )]
    Io {
        /// Which file was being written: `customers` or `transactions`.
        file: &'static str,
        /// The underlying input/output error.
        #[source]
        source: std::io::Error,
    },
    /// A sample made in memory (the page's) would pass the memory one step may use.
    #[error(transparent)]
    TooLarge(#[from] crate::budget::TooLarge),
    /// The caller asked the generator to stop before it finished.
    #[error("generating the sample data was cancelled before it finished; nothing complete was written")]
    Cancelled,
}

impl SampleError {
    /// Wraps a failure of the CSV writer for `file` as an [`SampleError::Io`].
    pub(crate) fn from_csv(file: &'static str, err: csv::Error) -> Self {
        let source = match err.into_kind() {
            csv::ErrorKind::Io(io) => io,
            other => std::io::Error::other(format!("{other:?}")),
        };
        SampleError::Io { file, source }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn io_message_names_the_file_and_what_to_do() {
        let err = SampleError::Io { file: "transactions", source: std::io::Error::other("disk full") };
        let msg = err.to_string();
        assert!(msg.contains("transactions file"), "{msg}");
        assert!(msg.contains("disk full"), "{msg}");
        assert!(msg.contains("free space"), "{msg}");
    }
}
