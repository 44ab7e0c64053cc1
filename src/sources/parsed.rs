//! A cache of parsed sources: each dataset parsed once into an Arrow IPC file, reused while the
//! raw file is the same. The raw file is still read and its sha256 checked against the catalog
//! on every load; the cache is keyed by that sha256, by the dataset's catalog entry (its schema
//! and missing codes) and by the allywar version, so a new release of a file, a changed schema
//! or a new parser never meets an old parse. A cache file that cannot be read is parsed again
//! and replaced; one that cannot be written is skipped. `ALLYWAR_CACHE=DIR` moves it (default
//! `$XDG_CACHE_HOME/allywar`, else `~/.cache/allywar`), `ALLYWAR_CACHE=off` turns it off.

use crate::catalog::Dataset;
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// The cache folder, or None when turned off or no home is known.
pub fn cache_dir() -> Option<PathBuf> {
    match std::env::var_os("ALLYWAR_CACHE") {
        Some(v) if v == "off" => None,
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|c| c.join("allywar")),
    }
}

/// Where the parse of `d` with raw sha256 `sha` is kept.
pub fn path_for(d: &Dataset, sha: &str) -> Option<PathBuf> {
    let entry = format!("{}|{d:?}", env!("CARGO_PKG_VERSION"));
    let schema = format!("{:x}", Sha256::digest(entry.as_bytes()));
    Some(cache_dir()?.join("parsed").join(format!("{}-{}-{}.arrow", d.name, &sha[..16], &schema[..16])))
}

/// The cached frame, if there is a readable one.
pub fn read(path: &std::path::Path) -> Option<DataFrame> {
    let file = std::fs::File::open(path).ok()?;
    IpcReader::new(file).finish().ok()
}

/// Keeps a parsed frame (best effort: a cache that cannot be written is no error).
pub fn write(path: &std::path::Path, df: &DataFrame) {
    let mut df = df.clone();
    let _ = crate::atomic::write_with(path, |w| IpcWriter::new(w).finish(&mut df).map_err(|e| std::io::Error::other(e.to_string())));
}
