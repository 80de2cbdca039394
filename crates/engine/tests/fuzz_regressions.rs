//! Inputs the fuzz targets (`fuzz/`, `scripts/fuzz.sh`) found to break a promise, minimized, each
//! pinned by the behaviour it broke. Every input is inline bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::ingest::{read_table, ReadOptions, RowReader, TextEncoding};
use segscope_engine::progress::Quiet;

/// Each record's line and first cell as the streaming reader visits them, with a sample of `sample` records.
fn streamed(bytes: &[u8], options: &ReadOptions, sample: usize) -> Vec<(u64, String)> {
    let reader = RowReader::open("t.csv", bytes, bytes.len() as u64, options, sample, &mut Quiet).unwrap();
    let mut seen = Vec::new();
    reader.visit(&[0], "Reading", &mut Quiet, |line, cells| seen.push((line, format!("{:?}", cells[0])))).unwrap();
    seen
}

/// Each record's line and first cell as the whole-file reader reads them.
fn whole(bytes: &[u8], options: &ReadOptions) -> Vec<(u64, String)> {
    let table = read_table("t.csv", bytes, options, &mut Quiet).unwrap().table;
    (0..table.rows())
        .map(|r| {
            let cell = segscope_engine::ingest::cell_of(&table.columns[0].data, r);
            (table.line_of(r).unwrap(), format!("{cell:?}"))
        })
        .collect()
}

// stream_chunks: a UTF-16 file without a byte order mark, too short to be recognised as UTF-16,
// was cut into records on its bytes when UTF-16 was chosen, splitting its two-byte line feeds.
#[test]
fn a_chosen_utf16_encoding_streams_the_records_the_whole_file_reader_reads() {
    for (encoding, bytes) in [
        (TextEncoding::Utf16Be, &b"\n\0"[..]), // the fuzzer's input: one record, U+0A00
        (TextEncoding::Utf16Le, &b"a\0\n\0b\0\n\0"[..]),
        (TextEncoding::Utf16Be, &b"\0a\0\n\0b\0\n"[..]),
    ] {
        let options = ReadOptions { encoding: Some(encoding), has_header: false, ..ReadOptions::default() };
        let expected = whole(bytes, &options);
        for sample in 1..=3 {
            assert_eq!(streamed(bytes, &options, sample), expected, "{encoding:?}, sample of {sample}");
        }
    }
}
