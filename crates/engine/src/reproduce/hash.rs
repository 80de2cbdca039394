//! SHA-256 of files, as lower-case hex (what `sha256sum` prints).

use std::io::Read;

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes`, as 64 lower-case hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The SHA-256 of everything `reader` gives, read 1 MiB at a time, and the number of bytes read.
///
/// # Errors
/// The reader failed.
pub fn sha256_of_reader(mut reader: impl Read) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut total: u64 = 0;
    loop {
        let n = reader.read(&mut buffer)?;
        let Some(read) = buffer.get(..n) else { break };
        if read.is_empty() {
            break;
        }
        hasher.update(read);
        total = total.saturating_add(n as u64);
    }
    Ok((hex(&hasher.finalize()), total))
}

/// A running SHA-256 that counts the bytes it has seen (for files written a piece at a time).
#[derive(Default, Clone)]
pub struct Hasher {
    sha: Sha256,
    bytes: u64,
}

impl Hasher {
    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        self.sha.update(bytes);
        self.bytes = self.bytes.saturating_add(bytes.len() as u64);
    }

    /// The hex digest and the number of bytes seen.
    pub fn finish(self) -> (String, u64) {
        (hex(&self.sha.finalize()), self.bytes)
    }
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_sha256sum() {
        // `printf abc | sha256sum`
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_hex(b"abc"), abc);
        assert_eq!(sha256_of_reader(&b"abc"[..]).unwrap(), (abc.to_string(), 3));
        let mut h = Hasher::default();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.finish(), (abc.to_string(), 3));
    }
}
