//! COW war data (Sarkees & Wayman 2010) and the directed dyadic war file (Maoz et al. 2019).
//! The intra- and extra-state files are cp1252 with CR-only line endings; -7 (ongoing), -8 (not
//! applicable) and -9 (unknown) are null.

use super::{load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::DataFrame;

/// Inter-state war participant spells (337), 1823-2003.
pub fn inter_state(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::WarInter)
}

/// Intra-state wars (442); deaths written as `1,500` are parsed.
pub fn intra_state(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::WarIntra)
}

/// Extra-state wars (198); the header `EndDay2 ` with its trailing space is matched.
pub fn extra_state(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::WarExtra)
}

/// Directed dyad-year war data (1,364 rows); key (warnum, statea, stateb, year).
pub fn directed_dyadic(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::WarDyadic)
}
