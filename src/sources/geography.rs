//! Capitals with coordinates and minimum distances (CShapes 2.0), as shipped in peacesciencer.

use super::{load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::DataFrame;

/// Capital spells (242): `ccode`, `capital`, `stdate`/`enddate` (dates), `lat`, `lng`.
pub fn capitals(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Capitals)
}

/// Minimum distance in km between two states (952,244 dyad-years, 1886-2019); 0 = contiguous.
/// Each pair appears once, with ccode1 < ccode2 (the mirror's README calls the file directed).
pub fn mindist(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Mindist)
}
