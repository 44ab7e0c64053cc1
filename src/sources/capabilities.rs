//! COW National Material Capabilities 6.0 (Singer, Bremer & Stuckey 1972).

use super::{load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::DataFrame;

/// NMC 6.0 abridged: one row per state-year (15,951, 1816-2016); `-9` is null; key (ccode, year) checked.
pub fn nmc(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Nmc)
}
