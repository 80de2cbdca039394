//! An Excel 97-2003 workbook (`.xls`) measured before calamine opens it (issue #17). calamine
//! reads every sheet of an `.xls` as it opens it, lays each out whole, and trusts the positions the
//! file gives: a sheet said to start past the end of the workbook's data panicked (a slice past the
//! end), and one value at the last position a record can name (65,536 × 65,536, far past the
//! sheet's last cell, IV65536) asked for four billion cells, an allocation that aborts. This finds the workbook's data in the compound file,
//! walks its records keeping nothing, and refuses those with a sentence.
//!
//! The compound file is read here, not with the `cfb` crate, which would bring a web clock shim
//! (`web-time`, then `js-sys`) into the engine; calamine's own reader is private. Only what finding
//! one stream needs is read, and what this cannot follow is left to calamine, which says what is
//! wrong. A chain of sectors that loops or leaves the allocation table is refused: calamine's reader
//! would follow it forever or index past the table.

use calamine::{Cell, Data};

use super::workbook_limits::{sheet_too_large, CELL_BYTES};
use crate::budget::MAX_ARRAY_BYTES;
use crate::ingest::errors::IngestErrorKind;

/// The end of a chain of sectors.
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Sector numbers from here on are markers, not sectors.
const FIRST_MARKER: u32 = 0xFFFF_FFFA;
/// Streams shorter than this live in the mini stream.
const MINI_CUTOFF: usize = 4096;
/// The size of a mini sector.
const MINI_SECTOR: usize = 64;
/// The most cells an Excel 97-2003 sheet holds (65,536 rows × 256 columns, A1 to IV65536).
const SHEET_CELLS: u64 = 65_536 * 256;
/// The names calamine looks for the workbook's stream by, in its order.
const STREAM_NAMES: [&str; 4] = ["Workbook", "Book", "WORKBOOK", "BOOK"];

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    bytes.get(at..at.checked_add(2)?)?.try_into().ok().map(u16::from_le_bytes)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at.checked_add(4)?)?.try_into().ok().map(u32::from_le_bytes)
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    bytes.get(at..at.checked_add(8)?)?.try_into().ok().map(u64::from_le_bytes)
}

fn u16s(bytes: &[u8]) -> impl Iterator<Item = u16> + '_ {
    bytes.chunks_exact(2).filter_map(|c| c.try_into().ok().map(u16::from_le_bytes))
}

fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes.chunks_exact(4).filter_map(|c| c.try_into().ok().map(u32::from_le_bytes))
}

/// What stops the walk: the file is fine as far as these checks go, or it is refused.
enum Stop {
    /// Leave it to calamine.
    Pass,
    /// Refuse it.
    Refuse(IngestErrorKind),
}

type Walk<T> = Result<T, Stop>;

/// A damaged `.xls`, refused with what was found.
fn damaged(message: String) -> Stop {
    Stop::Refuse(IngestErrorKind::Unreadable {
        what: "Excel 97-2003 workbook (.xls)",
        message,
        advice: "Open it in Excel or LibreOffice and save it again, or save the sheet as CSV and open that.",
    })
}

/// Refuses an `.xls` in `bytes` whose sheets calamine could not open without aborting, or that
/// would take more than [`MAX_ARRAY_BYTES`] to lay out.
///
/// # Errors
/// [`IngestErrorKind::Unreadable`] for a damaged workbook, [`IngestErrorKind::SheetTooLarge`].
pub(super) fn check(bytes: &[u8]) -> Result<(), IngestErrorKind> {
    match workbook_stream(bytes).and_then(|stream| records(&stream)) {
        Ok(()) | Err(Stop::Pass) => Ok(()),
        Err(Stop::Refuse(e)) => Err(e),
    }
}

/// The sectors of a compound file (`sector` bytes each, after a header of the same size).
struct Compound<'a> {
    bytes: &'a [u8],
    sector: usize,
}

impl Compound<'_> {
    /// Sector `id` (0 is the one after the header) as calamine reads it: cut short at the end of
    /// the file. Past the file's length over the sector size calamine says the sector is missing;
    /// up to it, a sector that starts past the end made calamine slice backwards (a panic): refused.
    fn sector(&self, id: u32) -> Walk<&[u8]> {
        let id = usize::try_from(id).map_err(|_| Stop::Pass)?;
        if id > self.bytes.len().checked_div(self.sector).unwrap_or(0) {
            return Err(Stop::Pass);
        }
        let body = self.bytes.get(self.sector..).unwrap_or_default();
        let start = id.checked_mul(self.sector).ok_or(Stop::Pass)?;
        if start > body.len() {
            return Err(damaged(format!("a chain of its sectors leads to sector {id}, past the end of the file")));
        }
        Ok(body.get(start..start.saturating_add(self.sector).min(body.len())).unwrap_or_default())
    }
}

/// The bytes of the chain of sectors from `start` (each found by `sector`, the next by `table`),
/// at most `len` bytes.
fn chain<'s>(start: u32, len: usize, table: &[u32], mut sector: impl FnMut(u32) -> Walk<&'s [u8]>) -> Walk<Vec<u8>> {
    let mut out = Vec::new();
    let mut id = start;
    let mut hops = 0usize;
    while id != END_OF_CHAIN && out.len() < len {
        let bytes = sector(id)?;
        let room = len.saturating_sub(out.len());
        out.extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(bytes));
        if out.len() >= len {
            break; // as calamine does, before it looks the next sector up
        }
        id = *table.get(usize::try_from(id).unwrap_or(usize::MAX)).ok_or_else(|| {
            damaged(format!("its sector {id} is not in the file's allocation table, so its data cannot be followed"))
        })?;
        hops = hops.saturating_add(1);
        if hops > table.len() {
            return Err(damaged("a chain of its sectors loops back on itself".into()));
        }
    }
    Ok(out)
}

/// The workbook's stream (`Workbook`, or `Book` in older files) of the compound file in `bytes`.
fn workbook_stream(bytes: &[u8]) -> Walk<Vec<u8>> {
    let header = |at| u32_at(bytes, at).ok_or(Stop::Pass);
    let sector = match u16_at(bytes, 0x1E) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err(Stop::Pass),
    };
    // calamine reserves room for as many sector numbers as the four bytes at 62 say (the header's
    // mini-table start and length, read across): only a damaged header makes that a billion.
    let reserved = u64::from(header(62)?).saturating_mul(4);
    if reserved > MAX_ARRAY_BYTES {
        return Err(damaged(format!("its header asks for {reserved} bytes of room before anything is read")));
    }
    // The allocation table's sectors: 109 named in the header, then a chain of further lists.
    let compound = Compound { bytes, sector };
    let mut table_sectors: Vec<u32> = u32s(bytes.get(0x4C..0x200).unwrap_or_default()).collect();
    let mut next = header(0x44)?;
    let per_list = (sector / 4).saturating_sub(1);
    let mut lists = 0usize;
    while next < FIRST_MARKER {
        let list = compound.sector(next)?;
        table_sectors.extend(u32s(list).take(per_list));
        next = u32_at(list, per_list.saturating_mul(4)).unwrap_or(END_OF_CHAIN);
        lists = lists.saturating_add(1);
        if lists > bytes.len().checked_div(sector).unwrap_or(0) {
            return Err(damaged("the list of its allocation table's sectors loops back on itself".into()));
        }
    }
    let mut fat = Vec::new();
    for id in table_sectors.into_iter().filter(|id| *id < FIRST_MARKER) {
        let part = compound.sector(id)?;
        fat.extend(u32s(part));
    }
    let directory = chain(header(0x30)?, usize::MAX, &fat, |id| compound.sector(id))?;
    let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
    let size_of = |entry: &[u8]| -> Walk<usize> {
        let size = if sector == 512 { u32_at(entry, 120).map(u64::from) } else { u64_at(entry, 120) };
        // calamine converts the size with `try_into().unwrap()`: past the address space it panics.
        size.map(|s| usize::try_from(s).map_err(|_| damaged(format!("one of its parts is said to be {s} bytes long"))))
            .unwrap_or(Err(Stop::Pass))
    };
    for entry in &entries {
        size_of(entry)?;
    }
    let name_of = |entry: &[u8]| {
        let units: Vec<u16> = u16s(entry.get(..64).unwrap_or_default()).collect();
        let name = String::from_utf16_lossy(&units);
        name.split('\0').next().unwrap_or_default().to_owned()
    };
    let Some(entry) = STREAM_NAMES.iter().find_map(|n| entries.iter().find(|e| name_of(e) == *n)) else {
        return Err(Stop::Pass);
    };
    let (start, len) = (u32_at(entry, 116).ok_or(Stop::Pass)?, size_of(entry)?);
    if len >= MINI_CUTOFF {
        return chain(start, len, &fat, |id| compound.sector(id));
    }
    // A short stream lives in the mini stream (the root entry's data), sectors of 64 bytes; calamine
    // loads it only when the header counts sectors of the mini stream's table.
    if header(0x40)? == 0 {
        // No table for the mini stream: calamine read the data from wherever its file reader was, then looked
        // the next mini sector up in an empty table (a panic).
        return if len == 0 {
            Err(Stop::Pass)
        } else {
            Err(damaged("its data is in a mini stream that has no table".into()))
        };
    }
    let root = entries.first().ok_or(Stop::Pass)?;
    let mini_stream = chain(u32_at(root, 116).ok_or(Stop::Pass)?, size_of(root)?, &fat, |id| compound.sector(id))?;
    let mini_table_len = usize::try_from(header(0x40)?).unwrap_or(usize::MAX).saturating_mul(sector);
    let mini_table: Vec<u32> = u32s(&chain(header(0x3C)?, mini_table_len, &fat, |id| compound.sector(id))?).collect();
    // A mini sector past the mini stream: calamine read on from wherever the file reader was, or sliced
    // backwards at its end (a panic). Refused either way.
    chain(start, len, &mini_table, |id| {
        let at = usize::try_from(id).ok().and_then(|id| id.checked_mul(MINI_SECTOR)).unwrap_or(usize::MAX);
        if at > mini_stream.len() {
            return Err(damaged(format!("its data leads to mini sector {id}, past the end of its mini stream")));
        }
        Ok(mini_stream.get(at..at.saturating_add(MINI_SECTOR).min(mini_stream.len())).unwrap_or_default())
    })
}

/// The records of a BIFF stream from `at`: (type, data), until one runs past the end.
fn records_from(stream: &[u8], at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = at;
    std::iter::from_fn(move || {
        let kind = u16_at(stream, at)?;
        let len = usize::from(u16_at(stream, at.checked_add(2)?)?);
        let start = at.checked_add(4)?;
        let data = stream.get(start..start.checked_add(len)?)?;
        at = start.checked_add(len)?;
        Some((kind, data))
    })
}

/// A sheet's name from its `BoundSheet8` record's data (Latin-1 or UTF-16, as the record says).
fn sheet_name(data: &[u8], index: usize) -> String {
    let count = data.get(6).copied().map_or(0, usize::from);
    let name = match data.get(7) {
        Some(flags) if flags & 1 == 1 => {
            let units: Vec<u16> = u16s(data.get(8..).unwrap_or_default()).take(count).collect();
            String::from_utf16_lossy(&units)
        }
        Some(_) => data.get(8..).unwrap_or_default().iter().take(count).map(|&b| char::from(b)).collect(),
        None => String::new(),
    };
    if name.is_empty() {
        format!("number {}", index.saturating_add(1))
    } else {
        name
    }
}

/// The workbook's global records (until their end), then each sheet's: what calamine would read
/// past the end of, and what it would lay out.
fn records(stream: &[u8]) -> Walk<()> {
    let mut sheets: Vec<(usize, String)> = Vec::new();
    let mut biff8 = true; // calamine's default until a BOF record says otherwise
    let too_short = |kind: u16, data: &[u8]| {
        Err(damaged(format!("a record of type {kind:#06X} is {} bytes long, too short for what it holds", data.len())))
    };
    let globals: Vec<(u16, &[u8])> = records_from(stream, 0).collect();
    for (index, &(kind, data)) in globals.iter().enumerate() {
        match kind {
            // SST, the shared strings, with the Continue records after it (calamine reads them as one).
            0x00FC => {
                let continued = globals.iter().skip(index.saturating_add(1)).take_while(|(k, _)| *k == CONTINUE);
                let chunks: Vec<&[u8]> = std::iter::once(data).chain(continued.map(|&(_, d)| d)).collect();
                if !shared_strings_fit(&chunks) {
                    return Err(damaged("its table of shared strings ends inside a string".into()));
                }
            }
            // calamine reads these without checking their length: FilePass, CodePage, DateMode, BOF, ExternSheet.
            0x002F | 0x0042 | 0x0022 | 0x0809 | 0x0017 if data.len() < 2 => return too_short(kind, data),
            0x0809 => {
                let (version, kind) = (u16_at(data, 0).unwrap_or(0), u16_at(data, 2).unwrap_or(0));
                let older = matches!(version, 0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500);
                biff8 = !(older || version == 0 && kind == 0x1000);
            }
            // Lbl (a defined name): calamine indexes its name and formula by the lengths it gives.
            0x0018 if !defined_name_fits(data, biff8) => return too_short(kind, data),
            0x0085 => {
                let name = sheet_name(data, sheets.len());
                let at = match u32_at(data, 0) {
                    Some(at) if data.len() >= 6 => at,
                    _ => return Err(damaged(format!("the record naming its sheet {name} is too short"))),
                };
                let at = usize::try_from(at).unwrap_or(usize::MAX);
                if at > stream.len() {
                    return Err(damaged(format!(
                        "its sheet `{name}` is said to start at byte {at} of the workbook's data, past its end ({} bytes)",
                        stream.len()
                    )));
                }
                sheets.push((at, name));
            }
            0x000A => break,
            _ => {}
        }
    }
    let mut held: u64 = 0;
    let cell = std::mem::size_of::<Cell<Data>>() as u64;
    for (at, name) in &sheets {
        let mut span: Option<(u32, u32, u32, u32)> = None; // rows and columns with values, ends included
        let mut read: u64 = 0; // cells calamine keeps while it reads, and the room it reserves for them
        let mut formula_at = (0u32, 0u32);
        let mut extend = |row: u32, first: u32, last: u32| {
            let (r0, r1, c0, c1) = span.unwrap_or((row, row, first, last));
            span = Some((r0.min(row), r1.max(row), c0.min(first), c1.max(last)));
        };
        for (kind, data) in records_from(stream, *at) {
            let (row, column) = (u16_at(data, 0).map(u32::from), u16_at(data, 2).map(u32::from));
            match (kind, row, column) {
                (0x0200, ..) => {
                    let room = dimensions(data);
                    if room > SHEET_CELLS {
                        return Err(damaged(format!(
                            "its sheet `{name}` says it holds {room} cells (its Dimensions record), more than an Excel 97-2003 sheet can (16777216)"
                        )));
                    }
                    read = read.saturating_add(room);
                }
                // Number, Label, BoolErr, Rk, LabelSst, Formula: one cell each.
                (0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006, Some(row), Some(column)) => {
                    extend(row, column, column);
                    read = read.saturating_add(1);
                    if kind == 0x0006 && data.len() >= 20 {
                        formula_at = (row, column);
                    }
                }
                // String: the text value of the last formula, at its cell (A1 before any formula).
                (0x0207, ..) => {
                    extend(formula_at.0, formula_at.1, formula_at.1);
                    read = read.saturating_add(1);
                }
                // MulRk: the columns from the first to the last, which ends the record.
                (0x00BD, Some(row), Some(first)) if data.len() >= 6 => {
                    let last = data.len().checked_sub(2).and_then(|at| u16_at(data, at)).map_or(first, u32::from);
                    if last >= first {
                        extend(row, first, last);
                        read = read.saturating_add(u64::from(last.saturating_sub(first)).saturating_add(1));
                    }
                }
                // MergeCells: a count, then that many ranges of 8 bytes (calamine reads them unchecked).
                (0x00E5, ..) => {
                    let count = u16_at(data, 0).map(|n| usize::from(n).saturating_mul(8).saturating_add(2));
                    if count.is_none_or(|needed| data.len() < needed) {
                        return Err(damaged(format!(
                            "its sheet `{name}` lists merged cells past the end of its record ({} bytes)",
                            data.len()
                        )));
                    }
                }
                (0x000A, ..) => break,
                _ => {}
            }
        }
        let count = |first: u32, last: u32| u64::from(last.saturating_sub(first)).saturating_add(1);
        let (rows, columns) = span.map_or((0, 0), |(r0, r1, c0, c1)| (count(r0, r1), count(c0, c1)));
        if rows.saturating_mul(columns) > SHEET_CELLS {
            let (last_row, last_column) = span.map_or((0, 0), |(_, r1, _, c1)| (r1, c1));
            return Err(damaged(format!(
                "its sheet `{name}` spans {rows} rows × {columns} columns (out to cell {}), more than an Excel 97-2003 \
                 sheet holds (65536 × 256): a cell's position in it is damaged",
                super::spreadsheet::cell_name(last_row, last_column)
            )));
        }
        held = held
            .saturating_add(rows.saturating_mul(columns).saturating_mul(CELL_BYTES))
            .saturating_add(read.saturating_mul(cell));
        if held > MAX_ARRAY_BYTES {
            let (r0, c0) = span.map_or((0, 0), |(r0, _, c0, _)| (r0, c0));
            return Err(Stop::Refuse(sheet_too_large(
                name,
                u64::from(r0),
                u64::from(r0).saturating_add(rows),
                u64::from(c0),
                u64::from(c0).saturating_add(columns),
                held,
            )));
        }
    }
    Ok(())
}

/// The type of a record that continues the one before it.
const CONTINUE: u16 = 0x003C;

/// The record (and its continuations) being read, as calamine reads a table of shared strings.
struct Chunks<'a, 'c> {
    chunks: &'c [&'a [u8]],
    next: usize,
    data: &'a [u8],
}

impl<'a> Chunks<'a, '_> {
    /// Moves to the next continuation, if there is one.
    fn advance(&mut self) -> bool {
        match self.chunks.get(self.next) {
            Some(&chunk) => {
                self.data = chunk;
                self.next = self.next.saturating_add(1);
                true
            }
            None => false,
        }
    }

    /// Takes `len` bytes, across continuations; false when they run out (calamine's error).
    fn skip(&mut self, mut len: usize) -> bool {
        while len > 0 {
            if self.data.is_empty() && !self.advance() {
                return false;
            }
            let taken = len.min(self.data.len());
            self.data = self.data.get(taken..).unwrap_or_default();
            len = len.saturating_sub(taken);
        }
        true
    }

    /// Takes `n` bytes from the current record, or `None` (where calamine indexes past its end).
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.data.get(..n)?, self.data.get(n..)?);
        self.data = rest;
        Some(head)
    }
}

/// False when calamine would index past the end of this table of shared strings (`SST` and its
/// `Continue` records, in `chunks`) as it reads it: a string's flags saying a count of formatting
/// runs or extra bytes follow where the record ends, or a string continued in an empty record.
fn shared_strings_fit(chunks: &[&[u8]]) -> bool {
    let Some(&first) = chunks.first() else { return true };
    let Some(strings) = first.get(8..) else { return true }; // shorter than its header: calamine refuses it
    let mut r = Chunks { chunks, next: 1, data: strings };
    loop {
        if r.data.is_empty() && !r.advance() {
            return true;
        }
        if r.data.is_empty() {
            continue; // an empty string, as calamine reads it
        }
        let Some(head) = r.take(3) else { return true }; // calamine refuses it
        let (Some(count), Some(&flags)) = (u16_at(head, 0), head.get(2)) else { return true };
        let mut runs = 0usize;
        let mut extra = 0usize;
        if flags & 0x8 != 0 {
            let Some(n) = r.take(2).and_then(|b| u16_at(b, 0)) else { return false };
            runs = usize::from(n).saturating_mul(4);
        }
        if flags & 0x4 != 0 {
            let Some(n) = r.take(4).and_then(|b| u32_at(b, 0)) else { return false };
            // calamine reads an i32 and casts it: a negative size is as large as an address can be.
            extra = usize::try_from(n).ok().filter(|_| i32::try_from(n).is_ok()).unwrap_or(usize::MAX);
        }
        let (mut left, mut width) = (usize::from(count), if flags & 0x1 != 0 { 2 } else { 1 });
        while left > 0 {
            let chars = left.min(r.data.len().checked_div(width).unwrap_or(0));
            r.data = r.data.get(chars.saturating_mul(width)..).unwrap_or_default();
            left = left.saturating_sub(chars);
            if left > 0 {
                if !r.advance() {
                    return true; // calamine's error: the string ends early
                }
                let Some(&continued_flags) = r.data.first() else { return false };
                width = if continued_flags & 0x1 != 0 { 2 } else { 1 };
                r.data = r.data.get(1..).unwrap_or_default();
            }
        }
        if !r.skip(runs) || !r.skip(extra) {
            return true; // calamine's error
        }
    }
}

/// True when a `Lbl` record holds the name and formula its lengths say, as far as calamine reads
/// them (the name after 14 bytes; the formula's first token, a reference, in its last bytes).
fn defined_name_fits(data: &[u8], biff8: bool) -> bool {
    let (Some(&name_len), Some(formula_len)) = (data.get(3), u16_at(data, 4)) else { return false };
    let name_end = 14usize.saturating_add(usize::from(name_len)).saturating_add(usize::from(biff8));
    let Some(formula) = data.len().checked_sub(usize::from(formula_len)).and_then(|at| data.get(at..)) else {
        return false;
    };
    let token = match (formula.first(), biff8) {
        (Some(0x3A | 0x5A | 0x7A), true) => 7,
        (Some(0x3A | 0x5A | 0x7A), false) => 18,
        (Some(0x3B | 0x5B | 0x7B), true) => 11,
        (Some(0x3B | 0x5B | 0x7B), false) => 21,
        (Some(0x3C | 0x5C | 0x7C | 0x3D | 0x5D | 0x7D), true) => 3,
        (Some(0x3C | 0x5C | 0x7C | 0x3D | 0x5D | 0x7D), false) => 13,
        _ => 0,
    };
    data.len() >= name_end && formula.len() >= token
}

/// The cells calamine reserves room for from a sheet's `Dimensions` record, computed as it does
/// (its `u32` arithmetic wraps in release builds, so a last row before the first is four billion rows).
fn dimensions(data: &[u8]) -> u64 {
    let read = match data.len() {
        10 => {
            (|| Some((u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?), u16_at(data, 4)?, u16_at(data, 6)?)))()
        }
        14 => (|| Some((u32_at(data, 0)?, u32_at(data, 4)?, u16_at(data, 8)?, u16_at(data, 10)?)))(),
        _ => None, // calamine refuses the record
    };
    let Some((first_row, end_row, first_column, end_column)) = read else { return 0 };
    let (first_column, end_column) = (u32::from(first_column), u32::from(end_column));
    let first_column = if first_column > 0xFF || end_column < first_column { 0 } else { first_column };
    if end_row < 1 || end_column < 1 {
        return 1;
    }
    let rows = end_row.wrapping_sub(1).wrapping_sub(first_row).wrapping_add(1);
    let columns = end_column.wrapping_sub(1).wrapping_sub(first_column).wrapping_add(1);
    u64::from(rows).saturating_mul(u64::from(columns))
}
