//! The columns of the user's own datasets (`allywar data add`; see
//! [`crate::types::user_data`]) joined onto a built frame: a state-year dataset on (ccode,
//! year), or on (ccode1, year) and (ccode2, year) for state 1's and state 2's values in a
//! dyad-year frame; a dyad-year dataset on (ccode1, ccode2, year), either order for a symmetric
//! one. Rows the file does not have are null. The file is read with its recorded schema and
//! verified against the sha256 recorded when it was added.

use crate::datadir::DataDir;
use crate::pins::{UserDataset, UserUnit};
use crate::sources::index::keys;
use crate::sources::{parse_file, Input};
use crate::types::user_data::{lookup, UserVar};
use crate::types::{BuildError, LoadError, Unit, Var};
use crate::verify::sha256_hex;
use polars::prelude::*;
use std::collections::HashMap;

/// A user's dataset read and verified.
pub struct Table {
    /// The typed frame: keys as in frames, then the value columns.
    pub frame: DataFrame,
    /// The file read.
    pub input: Input,
}

/// Reads a user's dataset from the folder of the user catalog at `catalog`, refusing a file
/// that is not the one added (unless the directory allows unverified files).
pub fn load(dir: &DataDir, catalog: &std::path::Path, d: &UserDataset) -> Result<Table, LoadError> {
    let path = d.path(catalog);
    let bytes = crate::sources::read_bytes(&path, &d.name).map_err(|e| match e {
        LoadError::NotFound { path, dataset } => LoadError::UserNotFound { dataset, path, added_from: d.record.source.clone() },
        e => e,
    })?;
    let sha256 = sha256_hex(&bytes);
    let verified = sha256 == d.record.sha256;
    if !verified && !dir.allow_unverified {
        return Err(LoadError::UserChecksum { dataset: d.name.clone(), path, expected: d.record.sha256.clone(), actual: sha256 });
    }
    let frame = read(d, &path, &bytes)?;
    let input =
        Input { dataset: d.name.clone(), file: d.file.clone(), version: format!("added {}", d.record.pinned), path, sha256, verified };
    Ok(Table { frame, input })
}

/// Reads the bytes of a user's file with the dataset's schema — key and value columns, types,
/// missing codes, a unique key, each pair once a year if symmetric — without the checksum check
/// (for `allywar data add`, which checks a file before accepting it). `path` names the file in
/// errors.
pub fn read(d: &UserDataset, path: &std::path::Path, bytes: &[u8]) -> Result<DataFrame, LoadError> {
    let frame = parse_file(&d.schema(), path, bytes)?;
    if d.symmetric {
        check_symmetric(&frame, path)?;
    }
    Ok(frame)
}

/// A symmetric dyad-year file lists each pair once a year: (a, b) and (b, a) both is an error.
fn check_symmetric(frame: &DataFrame, path: &std::path::Path) -> Result<(), LoadError> {
    let frame_err = |source| LoadError::Frame { path: path.to_path_buf(), source };
    let (a, b, y) =
        (keys(frame, "ccode1").map_err(frame_err)?, keys(frame, "ccode2").map_err(frame_err)?, keys(frame, "year").map_err(frame_err)?);
    let mut seen = std::collections::HashSet::with_capacity(a.len());
    for i in 0..a.len() {
        if !seen.insert((a[i].min(b[i]), a[i].max(b[i]), y[i])) {
            return Err(LoadError::Symmetric { path: path.to_path_buf(), ccode1: a[i], ccode2: b[i], year: y[i] });
        }
    }
    Ok(())
}

/// Appends the user variables among `wanted` to `frame` (a `unit` frame), each after the
/// frame's columns, and returns the files read.
pub fn join(dir: &DataDir, mut frame: DataFrame, unit: Unit, wanted: &[&'static Var]) -> Result<(DataFrame, Vec<Input>), BuildError> {
    let vars: Vec<UserVar> = wanted.iter().filter_map(|v| lookup(unit, v.name)).collect();
    if vars.is_empty() {
        return Ok((frame, Vec::new()));
    }
    let catalog_path = dir.user_catalog_path();
    let user = dir.user_catalog().map_err(LoadError::from)?;
    let mut inputs = Vec::new();
    let mut names: Vec<&str> = vars.iter().map(|v| v.dataset).collect();
    names.dedup();
    for name in names {
        let d = user.dataset(name).ok_or_else(|| {
            BuildError::Options(format!("user dataset `{name}` is no longer in {}; `allywar data add` it again", catalog_path.display()))
        })?;
        let table = load(dir, &catalog_path, d)?;
        let index = Index::new(&table.frame, d)?;
        for v in vars.iter().filter(|v| v.dataset == name) {
            let rows = index.rows(&frame, unit, v.side)?;
            let values = table.frame.column(v.column)?.as_materialized_series().take(&rows)?;
            frame.with_column(values.with_name(v.var.name.into()).into_column())?;
        }
        inputs.push(table.input);
    }
    Ok((frame, inputs))
}

/// Row of the user's file by key.
struct Index {
    unit: UserUnit,
    symmetric: bool,
    rows: HashMap<(i32, i32, i32), IdxSize>,
}

impl Index {
    fn new(table: &DataFrame, d: &UserDataset) -> PolarsResult<Index> {
        let year = keys(table, "year")?;
        let (a, b) = match d.unit {
            UserUnit::StateYear => (keys(table, "ccode")?, vec![0; year.len()]),
            UserUnit::DyadYear => (keys(table, "ccode1")?, keys(table, "ccode2")?),
        };
        let rows = (0..year.len()).map(|i| ((a[i], b[i], year[i]), i as IdxSize)).collect();
        Ok(Index { unit: d.unit, symmetric: d.symmetric, rows })
    }

    fn get(&self, a: i32, b: i32, year: i32) -> Option<IdxSize> {
        self.rows.get(&(a, b, year)).or_else(|| self.symmetric.then(|| self.rows.get(&(b, a, year))).flatten()).copied()
    }

    /// For each row of `frame`, the row of the user's file that gives its value (null: none).
    fn rows(&self, frame: &DataFrame, unit: Unit, side: Option<u8>) -> PolarsResult<IdxCa> {
        let year = keys(frame, "year")?;
        let found: Vec<Option<IdxSize>> = match (self.unit, unit, side) {
            (UserUnit::StateYear, Unit::StateYear, _) => {
                let c = keys(frame, "ccode")?;
                (0..year.len()).map(|i| self.get(c[i], 0, year[i])).collect()
            }
            (UserUnit::StateYear, _, Some(s)) => {
                let c = keys(frame, if s == 1 { "ccode1" } else { "ccode2" })?;
                (0..year.len()).map(|i| self.get(c[i], 0, year[i])).collect()
            }
            _ => {
                let (a, b) = (keys(frame, "ccode1")?, keys(frame, "ccode2")?);
                (0..year.len()).map(|i| self.get(a[i], b[i], year[i])).collect()
            }
        };
        Ok(IdxCa::from_iter_options("rows".into(), found.into_iter()))
    }
}
