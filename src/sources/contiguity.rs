//! COW Direct Contiguity 3.2 (Stinnett et al. 2002).

use super::{load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::DataFrame;

/// Directed contiguous dyad-years (82,498): `state1no`, `state2no`, `year`, `conttype` 1-5; non-contiguous dyads are absent. A dyad has two rows in a year when its contiguity changed
/// that year (58 such dyad-years, e.g. Netherlands-France 1830), so the key is (state1no, state2no,
/// year, conttype); dyad-year frames keep the closest type.
pub fn directed(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Contdird)
}

/// Master record: one row per dyad-contiguity period (847) with `begin`/`end` as YYYYMM.
pub fn master(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Contdir)
}

/// State-year counts of contiguous neighbours (15,951).
pub fn state_years(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Contdirs)
}
