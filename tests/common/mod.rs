//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The real-data directory: $ALLYWAR_DATA, else ../shared/data/raw next to the repository.
/// Real-data tests never skip: a missing directory fails them, so CI cannot pass without data.
pub fn real_data_dir() -> PathBuf {
    let dir = match std::env::var_os("ALLYWAR_DATA") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/raw"),
    };
    assert!(
        dir.join("PROVENANCE.tsv").is_file() || dir.join("cow_nmc_6.0").is_dir(),
        "real data not found at {} (set ALLYWAR_DATA or run `allywar data fetch`); real-data tests do not skip",
        dir.display()
    );
    dir
}

/// The hand-written fixtures, laid out like a data directory.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/raw")
}
