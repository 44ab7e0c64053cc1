//! Studies as data, and what a reader gets from them: `reports/<study>/spec.toml` read and
//! checked ([`spec`]), run ([`pipeline`]) into tables ([`table`]), figures ([`figure`]) and
//! findings in words ([`findings`]), gathered in one self-contained page ([`page`]).

pub mod canvas;
pub mod changes;
pub mod checker;
pub mod curve;
pub mod episodes;
pub mod figure;
pub mod findings;
pub mod frame_spec;
pub mod frames;
pub mod listing;
pub mod manifest;
pub mod marginsplot;
pub mod multiverse;
pub mod page;
pub mod pipeline;
pub mod rates;
pub mod replication;
pub mod spec;
pub mod table;

use std::path::{Path, PathBuf};

/// The studies under `reports/`: every folder holding a spec.toml, by name.
pub fn studies(reports: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(reports)? {
        let entry = entry?;
        let spec = entry.path().join("spec.toml");
        if spec.is_file() {
            out.push((entry.file_name().to_string_lossy().into_owned(), spec));
        }
    }
    out.sort();
    Ok(out)
}
