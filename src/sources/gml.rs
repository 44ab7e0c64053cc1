//! Gibler-Miller-Little MID data (Gibler, Miller & Little 2016), 1816-2010.

use super::{load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::DataFrame;

/// GML 2.2.1 directed dispute-dyad-years (10,276): one row per (dispnum, ccode1, ccode2, year); the default conflict source.
pub fn ddy(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::GmlDdy)
}

/// GML 2.1.1 directed dispute-dyad-years (10,330).
pub fn ddy_2_1_1(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::GmlDdy2_1_1)
}

/// GML 2.0 directed dispute-dyad-years (10,430). Revision types written as `1 Territory` keep their code.
pub fn ddy_2_0(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::GmlDdy2_0)
}

/// GML 2.0 non-directed dispute-dyad-years (5,215).
pub fn ndy_2_0(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::GmlNdy2_0)
}

/// GML 2.0 dispute-level (2,214); key `dispnum3`. `-` in `fatality` is missing.
pub fn mida_2_0(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::GmlMida2_0)
}

/// GML 2.0 participant-level (5,340).
pub fn midb_2_0(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::GmlMidb2_0)
}

/// GML 2.2.1 participants as shipped in peacesciencer (5,217 rows, 2,174 disputes), with `sidea` and `orig`.
pub fn participants(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::GmlParticipants)
}
