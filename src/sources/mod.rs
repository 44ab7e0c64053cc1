//! Loaders: producer files to typed polars frames.
//!
//! Every dataset in the catalog loads through [`load`] (or [`load_table`] for the verification
//! details): the file is read whole, its size and sha256 compared with the catalog, decoded,
//! parsed against the catalog schema (explicit types, canonical snake_case names, missing codes
//! to null) and its unique key checked. The family modules below are the typed entry points,
//! with what each family needs beyond that (dates of membership spells, for instance).

mod table;
mod text;
mod xls;

pub mod cache;
pub mod dates;
pub mod index;
pub mod parsed;
pub mod participants;

pub mod atop;
pub mod capabilities;
pub mod contiguity;
pub mod democracy;
pub mod geography;
pub mod gml;
pub mod interventions;
pub mod mid;
pub mod rivalry;
pub mod system;
pub mod user;
pub mod war;

pub use crate::types::LoadError;
pub use cache::{Input, Sources};
pub use dates::{days_from_civil, year_of_day};

use crate::catalog::{catalog, Format};
use crate::datadir::DataDir;
use crate::verify::{sha256_hex, Verification};
use polars::prelude::DataFrame;

/// A loaded dataset with what was checked on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The typed frame.
    pub frame: DataFrame,
    /// Whether the file matched the catalog (a mismatch is only loaded with
    /// [`DataDir::allow_unverified`]).
    pub verification: Verification,
    /// Rows dropped because every cell was empty (datasets marked `drop_blank_rows`).
    pub blank_rows_dropped: usize,
    /// Lowercase hex sha256 of the file read.
    pub sha256: String,
}

/// Reads the bytes of a dataset's file with the dataset's schema — its columns, types,
/// missing codes and unique key — without the checksum check (for `allywar data pin`, which
/// checks a new file before accepting it). `path` names the file in errors.
pub fn parse_file(d: &crate::catalog::Dataset, path: &std::path::Path, bytes: &[u8]) -> Result<DataFrame, LoadError> {
    match d.format {
        Format::Rda | Format::Dta => Err(LoadError::NotLoadable {
            dataset: d.name.clone(),
            format: if d.format == Format::Rda { "R data" } else { "Stata" },
            instead: String::new(),
        }),
        Format::Xls => Ok(xls::read(d, path, bytes)?.0),
        Format::Csv => Ok(text::read(d, path, bytes)?.0),
    }
}

/// The bytes of dataset `name`'s file at `path`; a missing file says which dataset it is.
pub fn read_bytes(path: &std::path::Path, name: &str) -> Result<Vec<u8>, LoadError> {
    std::fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound { path: path.to_path_buf(), dataset: name.to_string() },
        _ => LoadError::Io { path: path.to_path_buf(), source },
    })
}

/// Loads a catalog dataset.
pub fn load_id(dir: &DataDir, id: crate::catalog::DatasetId) -> Result<DataFrame, LoadError> {
    load(dir, id.name())
}

/// Loads a catalog dataset by name.
pub fn load(dir: &DataDir, name: &str) -> Result<DataFrame, LoadError> {
    load_table(dir, name).map(|t| t.frame)
}

/// Loads a catalog dataset by name, with its verification status.
pub fn load_table(dir: &DataDir, name: &str) -> Result<Loaded, LoadError> {
    let cat = catalog();
    let d = cat.get(name)?;
    let not_loadable = |format| {
        let folder = std::path::Path::new(&d.path).parent();
        let instead = cat
            .datasets
            .iter()
            .find(|o| o.format == Format::Csv && std::path::Path::new(&o.path).parent() == folder)
            .map_or_else(String::new, |o| o.name.clone());
        LoadError::NotLoadable { dataset: d.name.clone(), format, instead }
    };
    match d.format {
        Format::Rda => return Err(not_loadable("R data")),
        Format::Dta => return Err(not_loadable("Stata")),
        Format::Csv | Format::Xls => {}
    }
    let path = dir.path_of(d);
    let bytes = read_bytes(&path, &d.name)?;
    let sha = sha256_hex(&bytes);
    let verification = dir.verify(d, bytes.len() as u64, &sha)?;
    if verification != Verification::Verified && !dir.allow_unverified {
        return Err(LoadError::Checksum {
            dataset: d.name.clone(),
            path,
            expected: d.sha256.clone(),
            actual: sha.clone(),
            expected_bytes: d.bytes,
            actual_bytes: bytes.len() as u64,
        });
    }
    // Files with blank rows are parsed every time, so their count of dropped rows is reported.
    let cached = if d.drop_blank_rows { None } else { parsed::path_for(d, &sha) };
    if let Some(frame) = cached.as_deref().and_then(parsed::read) {
        return Ok(Loaded { frame, verification, blank_rows_dropped: 0, sha256: sha });
    }
    let (frame, blank_rows_dropped) = match d.format {
        Format::Xls => xls::read(d, &path, &bytes)?,
        _ => text::read(d, &path, &bytes)?,
    };
    if let Some(cache) = &cached {
        parsed::write(cache, &frame);
    }
    Ok(Loaded { frame, verification, blank_rows_dropped, sha256: sha })
}
