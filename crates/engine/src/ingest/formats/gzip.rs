//! gzip-compressed files, decompressed as they are read with a limit on the size they expand to.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use super::limit_label;
use crate::ingest::errors::IngestErrorKind;

/// The most a gzip file may expand to (2 GB): past it the file is refused (a browser tab could not
/// hold it, and a small file that expands without end is a "gzip bomb").
pub const MAX_EXPANDED_BYTES: u64 = 2_000_000_000;

/// The decompressed contents of `bytes`, at most `limit` bytes.
pub(super) fn decompress(bytes: &[u8], limit: u64) -> Result<Vec<u8>, IngestErrorKind> {
    let mut out = Vec::new();
    let mut decoder = MultiGzDecoder::new(bytes).take(limit.saturating_add(1));
    decoder.read_to_end(&mut out).map_err(|e| IngestErrorKind::Unreadable {
        what: "gzip file",
        message: e.to_string(),
        advice: "Decompress it with gzip or 7-Zip to check it, then open the CSV inside.",
    })?;
    if out.len() as u64 > limit {
        return Err(IngestErrorKind::TooLarge { limit: limit_label(limit) });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::*;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn contents_come_back_unchanged() {
        assert_eq!(decompress(&gz(b"a,b\r\n1,2\r\n"), 100).unwrap(), b"a,b\r\n1,2\r\n");
    }

    #[test]
    fn expanding_past_the_limit_is_refused() {
        let bomb = gz(&vec![b'a'; 10_000]);
        assert!(bomb.len() < 1_000);
        let err = decompress(&bomb, 5_000_000 / 1000).unwrap_err();
        assert_eq!(err, IngestErrorKind::TooLarge { limit: "5000 bytes".into() });
    }

    #[test]
    fn a_damaged_file_says_so() {
        let mut damaged = gz(b"a,b\n1,2\n");
        damaged.truncate(12);
        assert!(matches!(decompress(&damaged, 100), Err(IngestErrorKind::Unreadable { what: "gzip file", .. })));
    }
}
