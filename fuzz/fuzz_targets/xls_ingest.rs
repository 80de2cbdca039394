//! Excel 97-2003 ingest: well-formed compound files (version 3, the workbook's data in whole sectors
//! or in the mini stream) around BIFF8 records from the input: the workbook's global records and
//! each sheet's, any types and data, with the BOF, BoundSheet8 and EOF records a workbook needs
//! written for them (or left out), and bytes of the container flipped. Any bytes named `.xls`
//! almost never form a compound file, so `xlsx_ingest` never reached calamine's `.xls` reader.
//! Reading must not panic: a damaged workbook is an error (issue #17).
//!
//! Formula records (type 6) are not written: calamine parses every formula as it opens a workbook
//! and indexes its tokens unchecked, which Segscope does not check (README, "Workbooks measured before
//! they are opened"); with them the target stops on that within seconds and finds nothing else.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;

/// A BIFF record: its type (a record calamine reads, or any) and its data.
#[derive(Debug, Arbitrary)]
struct Record {
    kind: Kind,
    data: Vec<u8>,
}

#[derive(Debug, Arbitrary)]
enum Kind {
    /// The types calamine's reader looks at.
    Known(u8),
    Any(u16),
}

/// The record types calamine's `.xls` reader parses (globals, then sheets).
const KNOWN: [u16; 21] = [
    0x002F, 0x0042, 0x013D, 0x0022, 0x041E, 0x00E0, 0x0085, 0x0809, 0x0018, 0x0017, 0x00FC, 0x003C, 0x0200, 0x0203,
    0x0204, 0x0205, 0x0207, 0x027E, 0x00FD, 0x00BD, 0x00E5,
];

/// A formula record, left out (above).
const FORMULA: u16 = 0x0006;

#[derive(Debug, Arbitrary)]
struct Input {
    globals: Vec<Record>,
    sheets: Vec<Vec<Record>>,
    /// Write the BOF, BoundSheet8 and EOF records (or only the records given).
    framed: bool,
    /// Keep the workbook's data in the mini stream when it is under 4 KB.
    small: bool,
    /// Bytes of the whole file flipped: (position, xor).
    flips: Vec<(u16, u8)>,
}

fn record(kind: u16, data: &[u8]) -> Vec<u8> {
    let data = data.get(..usize::from(u16::MAX)).unwrap_or(data);
    let mut out = Vec::with_capacity(data.len() + 4);
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&u16::try_from(data.len()).unwrap_or(u16::MAX).to_le_bytes());
    out.extend_from_slice(data);
    out
}

fn records(list: &[Record]) -> Vec<u8> {
    list.iter()
        .take(32)
        .flat_map(|r| {
            let kind = match r.kind {
                Kind::Known(i) => KNOWN[usize::from(i) % KNOWN.len()],
                Kind::Any(FORMULA) => 0x0001,
                Kind::Any(k) => k,
            };
            record(kind, r.data.get(..256).unwrap_or(&r.data))
        })
        .collect()
}

/// The BIFF8 workbook stream: globals (BOF, the input's, one BoundSheet8 a sheet, EOF), then each sheet
/// (BOF, the input's records, EOF).
fn stream(input: &Input) -> Vec<u8> {
    let sheets: Vec<Vec<u8>> = input.sheets.iter().take(3).map(|s| records(s)).collect();
    if !input.framed {
        let mut out = records(&input.globals);
        sheets.iter().for_each(|s| out.extend_from_slice(s));
        return out;
    }
    let bof = |kind: u16| {
        let mut d = vec![0u8; 16];
        d[..2].copy_from_slice(&0x0600u16.to_le_bytes());
        d[2..4].copy_from_slice(&kind.to_le_bytes());
        record(0x0809, &d)
    };
    let mut globals = bof(0x0005);
    globals.extend(records(&input.globals));
    let bound_len = 4 + 8 + 1; // a record of 8 bytes and a one-letter name
    let mut at = globals.len() + bound_len * sheets.len() + 4;
    let mut bodies = Vec::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let mut d = Vec::new();
        d.extend_from_slice(&u32::try_from(at).unwrap_or(u32::MAX).to_le_bytes());
        d.extend_from_slice(&[0, 0, 1, 0, b'A' + u8::try_from(i).unwrap_or(0)]);
        globals.extend(record(0x0085, &d));
        let mut body = bof(0x0010);
        body.extend_from_slice(sheet);
        body.extend(record(0x000A, &[]));
        at += body.len();
        bodies.push(body);
    }
    globals.extend(record(0x000A, &[]));
    bodies.into_iter().for_each(|b| globals.extend(b));
    globals
}

const END: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

fn chain(first: u32, count: usize) -> Vec<u32> {
    (1..count).map(|i| first + u32::try_from(i).unwrap_or(0)).chain([END]).collect()
}

fn words(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// A version-3 compound file (512-byte sectors) holding `stream` as `Workbook`: sector 0 the allocation
/// table, 1 the directory, then the data (or, small, 2 the mini table and 3 on the mini stream).
fn compound(mut stream: Vec<u8>, small: bool) -> Vec<u8> {
    let size = stream.len();
    let small = small && size < 4096;
    let (fat, root, workbook, mini_header, mini_table) = if small {
        stream.resize(size.div_ceil(512).max(1) * 512, 0);
        let minis = size.div_ceil(64).max(1);
        let mut table = chain(0, minis);
        table.resize(128, FREE);
        let mut fat = vec![0xFFFF_FFFD, END, END];
        fat.extend(chain(3, stream.len() / 512));
        (fat, (3, stream.len()), (0, size), (2, 1), words(&table))
    } else {
        stream.resize(size.div_ceil(512).max(8) * 512, 0);
        let mut fat = vec![0xFFFF_FFFD, END];
        fat.extend(chain(2, stream.len() / 512));
        (fat, (END, 0), (2, stream.len()), (END, 0), Vec::new())
    };
    let mut fat = fat;
    fat.resize(fat.len().div_ceil(128).max(1) * 128, FREE);
    fat.truncate(128); // one sector of table: at most 126 sectors of data
    let mut header = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    header.extend([0u8; 16]);
    for v in [0x3Eu16, 3, 0xFFFE, 9, 6] {
        header.extend(v.to_le_bytes());
    }
    header.extend([0u8; 6]);
    header.extend(words(&[0, 1, 1, 0, 4096, mini_header.0, mini_header.1, END, 0, 0]));
    header.resize(512, 0xFF);
    let entry = |name: &str, kind: u8, child: u32, (start, len): (u32, usize)| {
        let mut e: Vec<u8> = name.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect();
        let name_len = u16::try_from(e.len()).unwrap_or(0);
        e.resize(64, 0);
        e.extend(name_len.to_le_bytes());
        e.extend([kind, 1]);
        e.extend(words(&[FREE, FREE, child]));
        e.resize(116, 0);
        e.extend(start.to_le_bytes());
        e.extend(u64::try_from(len).unwrap_or(0).to_le_bytes());
        e
    };
    let mut out = header;
    out.extend(words(&fat));
    out.extend(entry("Root Entry", 5, 1, root));
    out.extend(entry("Workbook", 2, FREE, (workbook.0, workbook.1)));
    out.extend(vec![0u8; 256]);
    out.extend(mini_table);
    out.extend(stream);
    out
}

fuzz_target!(|input: Input| {
    let mut bytes = compound(stream(&input), input.small);
    let n = bytes.len();
    for &(at, xor) in input.flips.iter().take(8) {
        if let Some(byte) = bytes.get_mut(usize::from(at) % n.max(1)) {
            *byte ^= xor;
        }
    }
    // To see a finding as a file: SEGSCOPE_FUZZ_DUMP=finding.xls target/.../xls_ingest ARTIFACT
    if let Some(path) = std::env::var_os("SEGSCOPE_FUZZ_DUMP") {
        let _ = std::fs::write(path, &bytes);
    }
    let _ = read_table("x.xls", &bytes, &ReadOptions::default(), &mut Quiet);
});
