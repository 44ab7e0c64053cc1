//! Strategic rivalries (Thompson, Sakuwa & Suhas 2022), as shipped in peacesciencer.

use super::{load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::DataFrame;

/// One row per rivalry (264): `ccode1`, `ccode2`, `start`, `end`, types (null = not that type).
pub fn rivalries(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Rivalries)
}
