//! An input file the engine reads from its start as often as it needs, without holding it whole:
//! bytes in memory (tests, the command line, built-in samples), or whatever the host holds the file
//! in (in the browser, the worker's `Blob`, read a part at a time). Attached transactions keep one,
//! so a change of mapping reads the file again instead of the engine keeping a copy.

use std::fmt;
use std::io::{self, Cursor, Read};
use std::rc::Rc;

/// What holds an input file's bytes for the host (the browser's `Blob`, in the worker).
pub trait FileSource {
    /// The file's size in bytes.
    fn size(&self) -> u64;
    /// A reader of the file from its first byte.
    ///
    /// # Errors
    /// The host could not read the file.
    fn open(&self) -> io::Result<Box<dyn Read + '_>>;
}

/// An input file: cheap to clone (clones share the file).
#[derive(Clone)]
pub enum InputFile {
    /// Bytes in memory.
    Bytes(Rc<Vec<u8>>),
    /// A file the host holds.
    Source(Rc<dyn FileSource>),
}

impl InputFile {
    /// A file the host holds, read through `source`.
    pub fn from_source(source: impl FileSource + 'static) -> Self {
        InputFile::Source(Rc::new(source))
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        match self {
            InputFile::Bytes(b) => b.len() as u64,
            InputFile::Source(s) => s.size(),
        }
    }

    /// A reader of the file from its first byte.
    ///
    /// # Errors
    /// The host could not read the file.
    pub fn open(&self) -> io::Result<Box<dyn Read + '_>> {
        match self {
            InputFile::Bytes(b) => Ok(Box::new(Cursor::new(b.as_slice()))),
            InputFile::Source(s) => s.open(),
        }
    }
}

impl Default for InputFile {
    fn default() -> Self {
        InputFile::Bytes(Rc::new(Vec::new()))
    }
}

impl From<Vec<u8>> for InputFile {
    fn from(bytes: Vec<u8>) -> Self {
        InputFile::Bytes(Rc::new(bytes))
    }
}

impl fmt::Debug for InputFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputFile::Bytes(b) => write!(f, "InputFile::Bytes({} bytes)", b.len()),
            InputFile::Source(s) => write!(f, "InputFile::Source({} bytes)", s.size()),
        }
    }
}

/// Equal when they hold the same bytes in memory, or are the same host file.
impl PartialEq for InputFile {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (InputFile::Bytes(a), InputFile::Bytes(b)) => a == b,
            (InputFile::Source(a), InputFile::Source(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Parts(Vec<u8>);

    impl FileSource for Parts {
        fn size(&self) -> u64 {
            self.0.len() as u64
        }
        fn open(&self) -> io::Result<Box<dyn Read + '_>> {
            Ok(Box::new(Cursor::new(self.0.as_slice())))
        }
    }

    #[test]
    fn a_file_reads_from_its_start_every_time_it_is_opened() {
        for file in [InputFile::from(b"abcdefg".to_vec()), InputFile::from_source(Parts(b"abcdefg".to_vec()))] {
            for _ in 0..2 {
                let mut text = String::new();
                file.open().unwrap().read_to_string(&mut text).unwrap();
                assert_eq!(text, "abcdefg");
            }
            assert_eq!(file.size(), 7);
            assert_eq!(file.clone(), file);
        }
    }
}
