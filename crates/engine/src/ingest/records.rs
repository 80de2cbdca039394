//! Splitting a delimited file into raw records as it streams, so it can be read in parts that
//! each end on a record boundary (a quoted field may span lines).

use std::io::BufRead;

/// The longest record read (64 MiB): a quoted value still open past it is taken for a stray quote
/// rather than read on until it swallows the rest of the file.
pub const MAX_RECORD_BYTES: usize = 64 << 20;

/// Reads raw records (bytes with their line terminators) one at a time.
pub struct Records<R> {
    reader: R,
    delimiter: u8,
    /// The next record's line; it counts lines read from the first, so it never nears `u64::MAX`
    /// (it saturates rather than wrap should a caller start it there).
    line: u64,
    unterminated: bool,
}

impl<R: BufRead> Records<R> {
    /// Records of `reader`, whose fields are separated by `delimiter`.
    pub fn new(reader: R, delimiter: u8) -> Self {
        Self::starting_at(reader, delimiter, 1)
    }

    /// Records of `reader` (part of a file), whose first record starts on line `line`.
    pub fn starting_at(reader: R, delimiter: u8, line: u64) -> Self {
        Records { reader, delimiter, line, unterminated: false }
    }

    /// True when the record read last ended inside a quoted value: the input ended, or the record
    /// passed [`MAX_RECORD_BYTES`], before its closing quote.
    pub fn unterminated(&self) -> bool {
        self.unterminated
    }

    /// Appends the next record's bytes (with its terminator) to `buf` and returns the line it
    /// starts on, or `None` at the end of the input.
    ///
    /// # Errors
    /// Reading the input failed.
    // Cannot overflow: `i` is the index of a byte of `buf` (the loop runs while `buf.get(i)` is
    // `Some`), so `i + 1 <= buf.len() <= isize::MAX`; `buf` only grows from `record_start`.
    #[allow(clippy::arithmetic_side_effects)]
    pub fn next_record(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Option<u64>> {
        let start_line = self.line;
        let (mut in_quotes, mut at_field_start) = (false, true);
        let mut read_any = false;
        let record_start = buf.len();
        self.unterminated = false;
        loop {
            let from = buf.len();
            if self.reader.read_until(b'\n', buf)? == 0 {
                self.unterminated = in_quotes;
                return Ok(read_any.then_some(start_line));
            }
            read_any = true;
            // A line without a quote, outside quotes, ends the record as it is (most lines): the quote
            // search is memchr-fast, the byte-by-byte scan below is only for lines with quotes.
            if !in_quotes && !buf.get(from..).unwrap_or_default().contains(&b'"') {
                self.line = self.line.saturating_add(1);
                return Ok(Some(start_line));
            }
            let mut i = from;
            while let Some(&b) = buf.get(i) {
                if in_quotes {
                    if b == b'"' {
                        if buf.get(i + 1) == Some(&b'"') {
                            i += 1;
                        } else {
                            in_quotes = false;
                        }
                    }
                } else if b == b'"' && at_field_start {
                    in_quotes = true;
                } else if b == self.delimiter || b == b'\n' || b == b'\r' {
                    at_field_start = true;
                    i += 1;
                    continue;
                }
                at_field_start = false;
                i += 1;
            }
            self.line = self.line.saturating_add(1);
            if !in_quotes {
                return Ok(Some(start_line));
            }
            if buf.len() - record_start > MAX_RECORD_BYTES {
                self.unterminated = true;
                return Ok(Some(start_line));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_line_breaks_stay_inside_one_record() {
        let mut r = Records::new(&b"a,b\r\n1,\"x\r\ny\"\r\n2,\"q\"\"\n3,5\" tall\n"[..], b',');
        let mut got = Vec::new();
        loop {
            let mut buf = Vec::new();
            match r.next_record(&mut buf).unwrap() {
                Some(line) => got.push((line, String::from_utf8(buf).unwrap())),
                None => break,
            }
        }
        assert_eq!(got, [(1, "a,b\r\n".into()), (2, "1,\"x\r\ny\"\r\n".into()), (4, "2,\"q\"\"\n3,5\" tall\n".into())]);
    }
}
