//! Democracy by COW state-year: extended UDS, Polity5 `polity2`, V-Dem `v2x_polyarchy`
//! (isard `cw_democracy`). Only `NA` is missing: -9 is a legitimate polity2 score.

use super::{load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::DataFrame;

/// One row per ccode-year (17,706, 1816-2025); key (ccode, year).
pub fn democracy(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Democracy)
}
