//! The streaming reader across chunk edges: a file opened with a leading sample of 1 to 8 records,
//! then cut into chunks of 1 to 64 bytes (every record boundary is a chunk edge sooner or later)
//! and read chunk by chunk, must visit the same records, lines and typed cells, with the same
//! counts and warnings, as one visit with the usual chunk size, or fail too. With ragged
//! rows kept, the lines visited are the lines of the records the whole-file reader reads.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use segscope_engine::ingest::{read_table, ChunkVisited, Ingested, RaggedRows, RowReader, Visited};
use segscope_engine::progress::Quiet;
use segscope_fuzz::compare::same;
use segscope_fuzz::options::FuzzOptions;

#[derive(Debug, Arbitrary)]
struct Input {
    options: FuzzOptions,
    name: u8,
    sample: u8,
    /// Chunk sizes in bytes, 1..=64, used in turn.
    chunks: Vec<u8>,
    bytes: Vec<u8>,
}

const NAMES: [&str; 3] = ["t.csv", "t.tsv", "t.jsonl"];

/// Each record's line and cells as text, then what the visit found; or the error's sentence.
type Visit = Result<(Vec<(u64, String)>, Ingested, Visited), String>;

fuzz_target!(|input: Input| {
    let name = NAMES[usize::from(input.name) % NAMES.len()];
    let mut chosen = input.options.clone();
    chosen.types.clear();
    chosen.column_missing = None;
    chosen.sheet = None;
    let options = chosen.to_options(&[]);
    let sample = usize::from(input.sample % 8) + 1;
    let size = input.bytes.len() as u64;
    let open = || RowReader::open(name, input.bytes.as_slice(), size, &options, sample, &mut Quiet);
    let Ok(reader) = open() else { return };
    // Every column, and one past the last (read as missing).
    let columns: Vec<usize> = (0..=reader.sample().table.columns.len()).collect();

    let mut seen = Vec::new();
    let whole: Visit = reader
        .visit(&columns, "Reading", &mut Quiet, |line, cells| seen.push((line, format!("{cells:?}"))))
        .map(|(ingested, visited)| (std::mem::take(&mut seen), ingested, visited))
        .map_err(|e| e.to_string());

    let mut reader = match open() {
        Ok(reader) => reader,
        Err(e) => panic!("a file opened once fails to open again: {e}"),
    };
    let mut seen = Vec::new();
    let mut record = |line: u64, cells: &[segscope_engine::ingest::CellValue<'_>]| {
        seen.push((line, format!("{cells:?}")));
    };
    reader.visit_sample(&columns, &mut record);
    let chunk_reader = reader.chunk_reader(&columns);
    let mut visited = ChunkVisited::default();
    let mut turn = 0usize;
    let chunked: Visit = loop {
        let target = input.chunks.get(turn % input.chunks.len().max(1)).map_or(1, |b| usize::from(b % 64) + 1);
        turn += 1;
        match reader.next_chunk(target) {
            Ok(Some(chunk)) => match chunk_reader.visit(&chunk, &mut record) {
                Ok(part) => visited.append(part),
                Err(kind) => break Err(kind.in_file(name).to_string()),
            },
            Ok(None) => {
                let (ingested, visited) = reader.finish(visited);
                break Ok((std::mem::take(&mut seen), ingested, visited));
            }
            Err(e) => break Err(e.to_string()),
        }
    };
    // A file with two problems (a ragged row under "fail" early, a quote that never closes later)
    // may report either first: the quote is found when the chunk holding it is cut, so the chunk
    // size decides. Failing is what must agree.
    match (&whole, &chunked) {
        (Err(_), Err(_)) => {}
        _ => same("visits in chunks of the usual size and of a few bytes", &whole, &chunked),
    }

    // The lines visited are the whole-file reader's records' lines.
    if options.ragged_rows == RaggedRows::Keep {
        if let (Ok((seen, _, visited)), Ok(read)) = (&whole, read_table(name, &input.bytes, &options, &mut Quiet)) {
            let streamed: Vec<u64> = seen.iter().map(|s| s.0).collect();
            let lines: Vec<u64> = (0..read.table.rows()).filter_map(|r| read.table.line_of(r)).collect();
            same("lines streamed and lines of the table read whole", &streamed, &lines);
            same("rows streamed and rows read whole", &visited.rows, &(read.table.rows() as u64));
        }
    }
});
