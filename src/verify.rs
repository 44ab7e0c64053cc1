//! Checksums: every file is compared with the catalog's size and sha256.

use crate::catalog::Dataset;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Lowercase hex sha256 of a byte slice.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Size and lowercase hex sha256 of a file, streamed.
pub fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        n += k as u64;
        hasher.update(&buf[..k]);
    }
    Ok((n, format!("{:x}", hasher.finalize())))
}

/// The state of one catalog file in a data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Present, same size and sha256 as the catalog.
    Verified,
    /// Present but different: a corrupted copy or a release the catalog does not know.
    Mismatch {
        /// Size found.
        bytes: u64,
        /// sha256 found.
        sha256: String,
    },
    /// Not there.
    Missing,
}

impl Verification {
    /// One word for tables and JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verification::Verified => "verified",
            Verification::Mismatch { .. } => "mismatch",
            Verification::Missing => "missing",
        }
    }
}

/// Compares a size and checksum with the catalog entry.
pub fn compare(d: &Dataset, bytes: u64, sha256: &str) -> Verification {
    if bytes == d.bytes && sha256 == d.sha256 {
        Verification::Verified
    } else {
        Verification::Mismatch { bytes, sha256: sha256.to_string() }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_of_known_input() {
        assert_eq!(super::sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
