//! Deciding how the bytes of a file are encoded, and decoding fields with that choice.

use std::borrow::Cow;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde::{Deserialize, Serialize};

use super::errors::IngestErrorKind;

/// The text encoding a file was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// UTF-8, with or without a byte order mark.
    Utf8,
    /// Windows-1252, the superset of Latin-1 (ISO-8859-1) that spreadsheets on Windows write.
    Windows1252,
    /// UTF-16 little-endian with a byte order mark ("Unicode text" from Excel).
    Utf16Le,
    /// UTF-16 big-endian with a byte order mark.
    Utf16Be,
}

impl TextEncoding {
    /// The encoding's usual name, as a user would type it (`utf-8`, `windows-1252`, ...).
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Windows1252 => "windows-1252",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
        }
    }

    /// Parses a user-typed encoding name; `latin-1` and `iso-8859-1` mean Windows-1252.
    pub fn from_label(label: &str) -> Option<Self> {
        match label.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(TextEncoding::Utf8),
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => Some(TextEncoding::Windows1252),
            "utf-16le" | "utf-16" => Some(TextEncoding::Utf16Le),
            "utf-16be" => Some(TextEncoding::Utf16Be),
            _ => None,
        }
    }
}

/// How the encoding was chosen: what the import view reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingEvidence {
    /// The file starts with a byte order mark.
    ByteOrderMark,
    /// Every byte sequence is valid UTF-8.
    ValidUtf8,
    /// The file is not valid UTF-8, so it was read as Windows-1252 (a guess).
    FallbackGuess,
    /// No byte order mark, but every other byte is zero, as in UTF-16 text of Latin letters.
    ZeroBytePattern,
    /// The user chose the encoding.
    Chosen,
}

/// The result of looking at a file's bytes: the body to parse and how to decode its fields.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The bytes the CSV parser reads: the file without its byte order mark, transcoded to
    /// UTF-8 when the file is UTF-16 (delimiters and quotes are then single ASCII bytes).
    pub body: Cow<'a, [u8]>,
    /// The encoding of `body`'s fields ([`TextEncoding::Utf8`] after UTF-16 transcoding).
    pub field_encoding: TextEncoding,
    /// The encoding of the file itself.
    pub file_encoding: TextEncoding,
    /// How the encoding was decided.
    pub evidence: EncodingEvidence,
    /// The byte order mark that preceded `body` in the file (empty when none).
    pub bom: &'static [u8],
    /// For a fallback guess: 1-based line of the first byte that is not valid UTF-8.
    pub first_invalid_line: Option<u64>,
}

pub(crate) const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
const UTF16LE_BOM: &[u8] = &[0xFF, 0xFE];
const UTF16BE_BOM: &[u8] = &[0xFE, 0xFF];

/// Decides the encoding of `bytes` (or applies `chosen`) and returns the body to parse.
///
/// # Errors
/// [`IngestErrorKind::Empty`] for a file with no content and [`IngestErrorKind::NotText`] for
/// binary files (spreadsheets, archives, images).
pub fn decode(bytes: &[u8], chosen: Option<TextEncoding>) -> Result<Decoded<'_>, IngestErrorKind> {
    if let Some(kind) = binary_kind(bytes) {
        return Err(IngestErrorKind::NotText { what: kind });
    }
    let (bom, detected) = if bytes.starts_with(UTF8_BOM) {
        (UTF8_BOM, Some(TextEncoding::Utf8))
    } else if bytes.starts_with(UTF16LE_BOM) {
        (UTF16LE_BOM, Some(TextEncoding::Utf16Le))
    } else if bytes.starts_with(UTF16BE_BOM) {
        (UTF16BE_BOM, Some(TextEncoding::Utf16Be))
    } else {
        (&[][..], None)
    };
    let rest = bytes.get(bom.len()..).unwrap_or_default();
    let (encoding, evidence) = match (chosen, detected.or_else(|| utf16_without_bom(rest))) {
        (Some(c), _) => (c, EncodingEvidence::Chosen),
        (None, Some(d)) if bom.is_empty() => (d, EncodingEvidence::ZeroBytePattern),
        (None, Some(d)) => (d, EncodingEvidence::ByteOrderMark),
        (None, None) if std::str::from_utf8(rest).is_ok() => (TextEncoding::Utf8, EncodingEvidence::ValidUtf8),
        (None, None) => (TextEncoding::Windows1252, EncodingEvidence::FallbackGuess),
    };
    let first_invalid_line = match evidence {
        EncodingEvidence::FallbackGuess => first_invalid_utf8_line(rest),
        _ => None,
    };
    let (body, field_encoding) = match encoding {
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let codec = if encoding == TextEncoding::Utf16Le { UTF_16LE } else { UTF_16BE };
            let (text, _) = codec.decode_without_bom_handling(rest);
            (Cow::Owned(text.into_owned().into_bytes()), TextEncoding::Utf8)
        }
        TextEncoding::Utf8 => {
            if let Some(line) = first_invalid_utf8_line(rest) {
                return Err(IngestErrorKind::InvalidUtf8 { line });
            }
            (Cow::Borrowed(rest), TextEncoding::Utf8)
        }
        TextEncoding::Windows1252 => (Cow::Borrowed(rest), TextEncoding::Windows1252),
    };
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestErrorKind::Empty);
    }
    let transcoded = matches!(evidence, EncodingEvidence::ByteOrderMark | EncodingEvidence::ZeroBytePattern);
    if field_encoding != TextEncoding::Utf8 || !transcoded {
        // A NUL byte in a file without a UTF-16 mark means binary data (or UTF-16 without a mark).
        if body.iter().take(1 << 16).any(|&b| b == 0) {
            return Err(IngestErrorKind::NotText { what: "binary data (it contains NUL bytes)" });
        }
    }
    Ok(Decoded { body, field_encoding, file_encoding: encoding, evidence, bom, first_invalid_line })
}

/// UTF-16 without a byte order mark, recognised by its zero bytes: in the first 64 KB, at least
/// 8 code units and nine in ten of them with a zero high byte (text in Latin letters, digits and
/// punctuation), and no zero byte in the other half. `None` for anything else.
pub(crate) fn utf16_without_bom(bytes: &[u8]) -> Option<TextEncoding> {
    let head = bytes.get(..bytes.len().min(1 << 16) & !1).unwrap_or_default();
    let units = head.len() / 2;
    if units < 8 {
        return None;
    }
    let (mut zero_even, mut zero_odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        if let [even, odd] = pair {
            zero_even = zero_even.saturating_add(usize::from(*even == 0)); // at most `units`
            zero_odd = zero_odd.saturating_add(usize::from(*odd == 0));
        }
    }
    let most = |zeros: usize| zeros.saturating_mul(10) >= units.saturating_mul(9);
    match (zero_even, zero_odd) {
        (0, odd) if most(odd) => Some(TextEncoding::Utf16Le),
        (even, 0) if most(even) => Some(TextEncoding::Utf16Be),
        _ => None,
    }
}

/// The 1-based line of the first byte sequence that is not valid UTF-8, if any.
fn first_invalid_utf8_line(bytes: &[u8]) -> Option<u64> {
    std::str::from_utf8(bytes).err().map(|e| {
        let upto = bytes.get(..e.valid_up_to()).unwrap_or_default();
        (upto.iter().filter(|&&b| b == b'\n').count() as u64).saturating_add(1) // at most the bytes' count
    })
}

/// A `csv` reader of the records in `body` (a decoded body, or part of one), fields split on
/// `delimiter`, of any length. A U+FEFF at its start is kept as data: the file's byte order mark
/// was taken off by [`decode`], and another is the first cell's text, as it is in every other cell.
/// (`csv-core` drops a UTF-8 byte order mark at the start of the first input it is given; given
/// the first two bytes alone, it never sees one.)
pub(crate) fn csv_reader(body: &[u8], delimiter: u8) -> csv::Reader<std::io::Chain<&[u8], &[u8]>> {
    use std::io::Read;
    let (head, tail) = body.split_at(body.len().min(2));
    csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(head.chain(tail))
}

/// Decodes one field's bytes with the body's encoding.
pub fn decode_field(bytes: &[u8], encoding: TextEncoding) -> Cow<'_, str> {
    match encoding {
        TextEncoding::Windows1252 => WINDOWS_1252.decode_without_bom_handling(bytes).0,
        // The body was validated (or transcoded) as UTF-8 before parsing.
        _ => String::from_utf8_lossy(bytes),
    }
}

/// Encodes text for writing into a file of `encoding` (exports keep the input's encoding).
pub fn encode_text(text: &str, encoding: TextEncoding) -> Cow<'_, [u8]> {
    match encoding {
        TextEncoding::Windows1252 => WINDOWS_1252.encode(text).0,
        _ => Cow::Borrowed(text.as_bytes()),
    }
}

/// Recognises common binary formats by their first bytes, so the message can say what the file is.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a zip archive or an Excel workbook (.xlsx)"),
        (&[0xD0, 0xCF, 0x11, 0xE0], "an old Excel workbook (.xls)"),
        (b"%PDF", "a PDF document"),
        (&[0x89, b'P', b'N', b'G'], "a PNG image"),
        (&[0xFF, 0xD8, 0xFF], "a JPEG image"),
        (&[0x1F, 0x8B], "a gzip archive"),
        (b"PAR1", "a Parquet file"),
        (b"SQLite format 3", "a SQLite database"),
    ];
    SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)).map(|(_, what)| *what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_stripped_and_reported() {
        let d = decode(b"\xEF\xBB\xBFa,b\n1,2\n", None).unwrap();
        assert_eq!(&*d.body, b"a,b\n1,2\n");
        assert_eq!(d.evidence, EncodingEvidence::ByteOrderMark);
        assert_eq!(d.bom, UTF8_BOM);
    }

    #[test]
    fn u_feff_after_the_byte_order_mark_is_the_first_cells_text() {
        let d = decode("\u{feff}\u{feff}a,b\n\u{feff}1,2\n".as_bytes(), None).unwrap();
        assert_eq!(d.bom, UTF8_BOM);
        let mut reader = csv_reader(&d.body, b',');
        let firsts: Vec<String> =
            reader.byte_records().map(|r| String::from_utf8(r.unwrap().get(0).unwrap().to_vec()).unwrap()).collect();
        assert_eq!(firsts, ["\u{feff}a", "\u{feff}1"]);
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252_with_the_line() {
        let d = decode(b"name\nabc\nJos\xE9\n", None).unwrap();
        assert_eq!(d.field_encoding, TextEncoding::Windows1252);
        assert_eq!(d.evidence, EncodingEvidence::FallbackGuess);
        assert_eq!(d.first_invalid_line, Some(3));
        assert_eq!(decode_field(b"Jos\xE9", d.field_encoding), "José");
    }

    #[test]
    fn utf16le_with_bom_is_transcoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a\tb\n1\t\u{e9}\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes, None).unwrap();
        assert_eq!(std::str::from_utf8(&d.body).unwrap(), "a\tb\n1\t\u{e9}\n");
        assert_eq!(d.file_encoding, TextEncoding::Utf16Le);
    }

    #[test]
    fn xlsx_is_named_not_parsed() {
        let err = decode(b"PK\x03\x04rest", None).unwrap_err();
        assert!(err.to_string().contains("Excel"), "{err}");
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_recognised_by_its_zero_bytes() {
        let text = "customer_id,city\nC1,Zürich\nC2,São Paulo\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, encoding) in [(le, TextEncoding::Utf16Le), (be, TextEncoding::Utf16Be)] {
            let d = decode(&bytes, None).unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!((d.file_encoding, d.evidence), (encoding, EncodingEvidence::ZeroBytePattern));
            assert_eq!(&*d.body, text.as_bytes());
        }
        // Binary data with zero bytes here and there is still refused.
        let binary = [1u8, 0, 0, 7, 3, 0, 9, 9, 0, 0, 5, 1, 0, 2, 8, 0, 0, 0, 4, 4];
        assert!(matches!(decode(&binary, None), Err(IngestErrorKind::NotText { .. })));
    }

    #[test]
    fn whitespace_only_is_empty() {
        assert!(matches!(decode(b" \r\n\n", None), Err(IngestErrorKind::Empty)));
        assert!(matches!(decode(b"", None), Err(IngestErrorKind::Empty)));
    }

    #[test]
    fn chosen_utf8_on_latin1_bytes_is_an_error_with_line() {
        let err = decode(b"a\nb\n\xE9\n", Some(TextEncoding::Utf8)).unwrap_err();
        assert!(matches!(err, IngestErrorKind::InvalidUtf8 { line: 3 }));
    }
}
