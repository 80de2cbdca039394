//! A browser `Blob` (the user's `File`) read a part at a time: as a whole file copied into the
//! engine's memory ([`read_blob`]), or as an [`InputFile`] the engine reads through, part by
//! part, as often as it needs ([`BlobSource`]), so a large transactions file is never held whole.

use std::io::{self, Read};

use js_sys::Uint8Array;
use segscope_engine::api::FileSource;
use wasm_bindgen::JsValue;
use web_sys::{Blob, FileReaderSync};

/// Bytes read from a `Blob` at a time.
const PART_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

/// Why a `Blob` could not be read.
pub enum BlobError {
    /// The browser refused.
    Browser(JsValue),
    /// The engine's memory cannot hold a file this size.
    TooLarge { size: f64 },
}

/// The whole file, read part by part into memory reserved once for its size (so it is never held
/// twice, once by the browser and once by the engine).
pub fn read_blob(blob: &Blob) -> Result<Vec<u8>, BlobError> {
    let size = blob.size();
    let mut bytes: Vec<u8> = Vec::new();
    bytes.try_reserve_exact(size as usize).map_err(|_| BlobError::TooLarge { size })?;
    let reader = FileReaderSync::new().map_err(BlobError::Browser)?;
    let mut start = 0.0;
    while start < size {
        let end = (start + PART_BYTES).min(size);
        let part = read_part(&reader, blob, start, end).map_err(BlobError::Browser)?;
        let at = bytes.len();
        bytes.resize(at + part.length() as usize, 0);
        if let Some(dest) = bytes.get_mut(at..) {
            part.copy_to(dest);
        }
        start = end;
    }
    Ok(bytes)
}

/// The first `bytes` of `blob` (all of it when it is shorter).
pub fn read_head(blob: &Blob, bytes: usize) -> Result<Vec<u8>, JsValue> {
    let reader = FileReaderSync::new()?;
    Ok(read_part(&reader, blob, 0.0, blob.size().min(bytes as f64))?.to_vec())
}

fn read_part(reader: &FileReaderSync, blob: &Blob, start: f64, end: f64) -> Result<Uint8Array, JsValue> {
    let part = blob.slice_with_f64_and_f64(start, end)?;
    Ok(Uint8Array::new(&reader.read_as_array_buffer(&part)?.into()))
}

/// A `Blob` the engine reads through, a part at a time.
pub struct BlobSource {
    blob: Blob,
}

impl BlobSource {
    /// The file `blob` (the browser keeps its bytes; reading never copies it whole).
    pub fn new(blob: Blob) -> Self {
        BlobSource { blob }
    }
}

impl FileSource for BlobSource {
    fn size(&self) -> u64 {
        self.blob.size() as u64
    }

    fn open(&self) -> io::Result<Box<dyn Read + '_>> {
        let reader = FileReaderSync::new().map_err(browser_error)?;
        Ok(Box::new(BlobReader { blob: &self.blob, reader, next: 0.0, part: Vec::new(), at: 0 }))
    }
}

/// Reads a `Blob` from its start, one part in memory at a time.
struct BlobReader<'b> {
    blob: &'b Blob,
    reader: FileReaderSync,
    /// Offset of the next part to read.
    next: f64,
    part: Vec<u8>,
    /// How much of `part` has been given out.
    at: usize,
}

impl Read for BlobReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.part.len() {
            let size = self.blob.size();
            if self.next >= size {
                return Ok(0);
            }
            let end = (self.next + PART_BYTES).min(size);
            let part = read_part(&self.reader, self.blob, self.next, end).map_err(browser_error)?;
            self.part.resize(part.length() as usize, 0);
            part.copy_to(&mut self.part);
            self.next = end;
            self.at = 0;
        }
        let rest = self.part.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        if let (Some(dest), Some(src)) = (buf.get_mut(..n), rest.get(..n)) {
            dest.copy_from_slice(src);
        }
        self.at += n;
        Ok(n)
    }
}

fn browser_error(e: JsValue) -> io::Error {
    io::Error::other(format!(
        "the browser could not read the file ({})",
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    ))
}
