//! gzip-compressed files, decompressed as they are read with a limit on the size they expand to.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use super::limit_label;
use crate::ingest::errors::IngestErrorKind;

/// The most a gzip file may expand to (2 GB): past it the file is refused (a browser tab could not
/// hold it, and a small file that expands without end is a "gzip bomb").
pub const MAX_EXPANDED_BYTES: u64 = 2_000_000_000;

/// Past this many decompressed bytes, a file that has expanded more than [`MAX_RATIO`]-fold is
/// refused at once, without decompressing the rest.
const RATIO_CHECKED_FROM: u64 = 32 << 20;

/// The most a gzip file may expand by: CSV exports compress 3 to 30 times over, very repetitive
/// ones up to about a hundred; a "gzip bomb" made to fill memory 500 to 1,000 times (deflate's
/// most is about 1,030).
pub const MAX_RATIO: u64 = 300;

/// Read at a time, between checks of the size and the ratio.
const STEP: u64 = 4 << 20;

/// What to do with a gzip file too large to read in the page.
pub const GZIP_ADVICE: &str =
    "Decompress it (for example `gzip -d`) and open the CSV with the command-line tool, `segscope`, which reads large files in parts.";

/// What to do with a gzip file that looks like a bomb, if it is a real file.
const GZIP_BOMB_ADVICE: &str = "decompress it (for example `gzip -d`) and open the CSV.";

/// [`IngestErrorKind::CompressionBomb`] (with `advice`) when `consumed` compressed bytes have
/// expanded to `expanded` more than [`MAX_RATIO`]-fold, once past [`RATIO_CHECKED_FROM`].
pub(super) fn check_ratio(consumed: u64, expanded: u64, advice: &'static str) -> Result<(), IngestErrorKind> {
    if expanded >= RATIO_CHECKED_FROM && expanded.checked_div(consumed.max(1)).is_some_and(|r| r > MAX_RATIO) {
        return Err(IngestErrorKind::CompressionBomb {
            compressed: limit_label(consumed),
            expanded: limit_label(expanded),
            advice,
        });
    }
    Ok(())
}

/// The decompressed contents of `bytes`, at most `limit` bytes and at most [`MAX_RATIO`] times
/// `bytes` (once past [`RATIO_CHECKED_FROM`]).
pub(super) fn decompress(bytes: &[u8], limit: u64) -> Result<Vec<u8>, IngestErrorKind> {
    let mut out = Vec::new();
    let mut decoder = MultiGzDecoder::new(bytes);
    let unreadable = |e: std::io::Error| IngestErrorKind::Unreadable {
        what: "gzip file",
        message: e.to_string(),
        advice: "Decompress it with gzip or 7-Zip to check it, then open the CSV inside.",
    };
    loop {
        // Room for the next step, the capacity doubling but never past the limit: a Vec may not
        // pass isize::MAX bytes (2 GiB on wasm32), and growing past it would panic.
        let wanted = out.len().saturating_mul(2).max(out.len().saturating_add(STEP as usize));
        let cap = usize::try_from(limit.saturating_add(STEP)).unwrap_or(usize::MAX).min(wanted);
        if out.capacity() < out.len().saturating_add(STEP as usize)
            && out.try_reserve_exact(cap.saturating_sub(out.len())).is_err()
        {
            return Err(IngestErrorKind::TooLarge { limit: limit_label(out.len() as u64), advice: GZIP_ADVICE });
        }
        let read = (&mut decoder).take(STEP).read_to_end(&mut out).map_err(unreadable)?;
        let expanded = out.len() as u64;
        if expanded > limit {
            return Err(IngestErrorKind::TooLarge { limit: limit_label(limit), advice: GZIP_ADVICE });
        }
        // What the decoder has taken of `bytes` so far (it reads ahead a little: a slight overestimate).
        let consumed = (bytes.len() as u64).saturating_sub(decoder.get_ref().len() as u64).max(1);
        check_ratio(consumed, expanded, GZIP_BOMB_ADVICE)?;
        if read == 0 {
            return Ok(out);
        }
    }
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
    fn expanding_far_more_than_real_data_is_refused_without_decompressing_the_rest() {
        let bomb = gz(&vec![b'a'; 40 << 20]);
        let err = decompress(&bomb, MAX_EXPANDED_BYTES).unwrap_err();
        assert!(matches!(err, IngestErrorKind::CompressionBomb { .. }), "{err:?}");
        // An ordinary file past the size where the ratio is checked (customer ids counting up) is read whole.
        let rows: Vec<u8> = (0..4_000_000u32).flat_map(|i| format!("C{i},{}\n", i % 3).into_bytes()).collect();
        assert_eq!(decompress(&gz(&rows), MAX_EXPANDED_BYTES).unwrap(), rows);
    }

    #[test]
    fn expanding_past_the_limit_is_refused() {
        let bomb = gz(&vec![b'a'; 10_000]);
        assert!(bomb.len() < 1_000);
        let err = decompress(&bomb, 5_000_000 / 1000).unwrap_err();
        assert_eq!(err, IngestErrorKind::TooLarge { limit: "5000 bytes".into(), advice: GZIP_ADVICE });
    }

    #[test]
    fn a_damaged_file_says_so() {
        let mut damaged = gz(b"a,b\n1,2\n");
        damaged.truncate(12);
        assert!(matches!(decompress(&damaged, 100), Err(IngestErrorKind::Unreadable { what: "gzip file", .. })));
    }
}
