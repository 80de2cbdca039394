//! One record split into its fields, unquoted, by `csv-core` (the `csv` crate's own parser).
//!
//! A raw record cut on line feeds ([`super::records::Records`]) may hold several records for
//! `csv-core`: a carriage return alone ends a record too (old Mac files, files joined from
//! different systems). [`FieldSplitter::consumed`] says where the first ended, so callers read the
//! rest as the records that follow, as the table reader does.

/// Splits one raw record into its fields (unquoted) with `csv-core`, the parser the `csv` crate
/// uses, so fields read exactly as the table reader reads them.
pub(super) struct FieldSplitter {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
    consumed: usize,
}

impl FieldSplitter {
    pub(super) fn new(delimiter: u8) -> Self {
        FieldSplitter {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: Vec::new(),
            ends: vec![0; 64],
            fields: 0,
            consumed: 0,
        }
    }

    /// Splits the first record of `raw` (with or without its terminator); returns its field count
    /// (0 for a blank line). [`FieldSplitter::consumed`] is then the bytes it took.
    pub(super) fn split(&mut self, raw: &[u8]) -> usize {
        // Unquoting never makes a field longer, so the output fits in the record's length.
        if self.out.len() < raw.len() {
            self.out.resize(raw.len(), 0);
        }
        loop {
            self.core.reset();
            let (mut input, mut nout, mut nend) = (raw, 0usize, 0usize);
            // After `reset`, csv-core drops a UTF-8 byte order mark at the start of its next input:
            // here the start of a record, where U+FEFF is the first cell's text (the file's mark was
            // taken off when it was decoded). Shown the first two bytes alone, it never sees one.
            let mut first = true;
            let full = loop {
                let shown = if first { input.get(..input.len().min(2)).unwrap_or_default() } else { input };
                first = false;
                let (res, nin, o, e) = self.core.read_record(
                    shown,
                    self.out.get_mut(nout..).unwrap_or_default(),
                    self.ends.get_mut(nend..).unwrap_or_default(),
                );
                input = input.get(nin..).unwrap_or_default();
                // Cannot overflow: csv-core wrote `o` bytes and `e` ends into the slices from `nout`
                // and `nend` on, so the sums stay within `self.out.len()` and `self.ends.len()`.
                #[allow(clippy::arithmetic_side_effects)]
                {
                    nout += o;
                    nend += e;
                }
                match res {
                    csv_core::ReadRecordResult::Record => break false,
                    csv_core::ReadRecordResult::End => break false,
                    csv_core::ReadRecordResult::OutputEndsFull => break true,
                    csv_core::ReadRecordResult::OutputFull => {
                        // Saturation is unreachable: a buffer this size could never be allocated.
                        let grown = self.out.len().saturating_mul(2).saturating_add(64);
                        self.out.resize(grown, 0);
                    }
                    csv_core::ReadRecordResult::InputEmpty => {}
                }
            };
            if full {
                let grown = self.ends.len().saturating_mul(2);
                self.ends.resize(grown, 0);
                continue;
            }
            self.fields = nend;
            // Cannot overflow: `input` is the end of `raw`.
            #[allow(clippy::arithmetic_side_effects)]
            {
                self.consumed = raw.len() - input.len();
            }
            return nend;
        }
    }

    /// The bytes of `raw` the record split last took, its terminator included (`raw.len()` for
    /// one record; less when a carriage return alone ended it before the end).
    pub(super) fn consumed(&self) -> usize {
        self.consumed
    }

    /// Field `i` of the record split last (`None` past its end).
    pub(super) fn field(&self, i: usize) -> Option<&[u8]> {
        if i >= self.fields {
            return None;
        }
        let start = match i.checked_sub(1) {
            None => 0,
            Some(previous) => *self.ends.get(previous)?,
        };
        self.out.get(start..*self.ends.get(i)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_starting_with_u_feff_keeps_it_in_its_first_field() {
        let mut splitter = FieldSplitter::new(b',');
        for raw in ["\u{feff}x,y\n", "\u{feff}x,y\n", "\u{feff}\n", "\"\u{feff}x\",y"] {
            splitter.split(raw.as_bytes());
            let first = splitter.field(0).map(|f| String::from_utf8_lossy(f).into_owned());
            assert_eq!(first.as_deref().map(|f| f.starts_with('\u{feff}')), Some(true), "{raw:?}");
        }
        splitter.split(b"a,b");
        assert_eq!(splitter.field(1), Some(&b"b"[..]));
        assert_eq!(splitter.field(0), Some(&b"a"[..]), "short records still split");
        splitter.split(b"a");
        assert_eq!(splitter.field(0), Some(&b"a"[..]));
    }
}
