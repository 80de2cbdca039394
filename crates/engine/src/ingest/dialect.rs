//! Detecting the field delimiter from the first lines of a file.

use csv::ReaderBuilder;

/// The delimiters detection chooses among, in order of preference on a tie.
pub const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

const SNIFF_BYTES: usize = 64 * 1024;
const SNIFF_RECORDS: usize = 100;

/// Picks the delimiter that splits the first records into the most consistent number of fields
/// (more than one); falls back to `,` for a single-column file.
pub fn sniff_delimiter(body: &[u8]) -> u8 {
    let sample = match body.get(..SNIFF_BYTES) {
        // Cut at the last line break so a partial last line does not count.
        Some(head) => head.iter().rposition(|&b| b == b'\n').and_then(|i| head.get(..=i)).unwrap_or(head),
        None => body,
    };
    let mut best: Option<(f64, usize, u8)> = None;
    for delimiter in CANDIDATES {
        let counts = field_counts(sample, delimiter);
        let Some((mode, freq)) = mode(&counts) else {
            continue;
        };
        if mode < 2 {
            continue;
        }
        let consistency = freq as f64 / counts.len() as f64;
        let better = match best {
            None => true,
            Some((c, m, _)) => consistency > c + 1e-9 || ((consistency - c).abs() <= 1e-9 && mode > m),
        };
        if better {
            best = Some((consistency, mode, delimiter));
        }
    }
    best.map_or(b',', |(_, _, d)| d)
}

fn field_counts(sample: &[u8], delimiter: u8) -> Vec<usize> {
    let mut reader = ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(sample);
    reader.byte_records().take(SNIFF_RECORDS).map_while(Result::ok).map(|r| r.len()).collect()
}

fn mode(counts: &[usize]) -> Option<(usize, usize)> {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for chunk in sorted.chunk_by(|a, b| a == b) {
        let (value, freq) = (chunk.first().copied()?, chunk.len());
        if best.is_none_or(|(v, f)| freq > f || (freq == f && value > v)) {
            best = Some((value, freq));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_candidate() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n"), b'|');
    }

    #[test]
    fn semicolon_wins_over_decimal_commas() {
        assert_eq!(sniff_delimiter(b"id;amount;n\n1;12,5;3\n2;3,25;4\n3;7;1\n"), b';');
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        assert_eq!(sniff_delimiter(b"name;city\n\"Smith, J\";Paris\n\"Doe, A\";Rome\n"), b';');
    }

    #[test]
    fn single_column_defaults_to_comma() {
        assert_eq!(sniff_delimiter(b"email\na@b.c\nd@e.f\n"), b',');
    }
}
