//! COW Militarized Interstate Disputes 5.0 (Palmer et al. 2022), 1816-2014.

use super::{load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::DataFrame;

/// MIDA: one row per dispute (2,436 disputes); key `dispnum`.
pub fn mida(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::CowMida)
}

/// MIDB: one row per participant spell (5,883), with `sidea`, `orig`, `hostlev`.
pub fn midb(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::CowMidb)
}

/// MIDI: one row per incident (4,483; disputes since 1992/93 only); key `incidnum`.
pub fn midi(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::CowMidi)
}

/// MIDIP: one row per incident participant (9,619).
pub fn midip(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::CowMidip)
}
