//! Coalitions and multinational interventions: Third-Party Peacekeeping Missions v3.1,
//! Tago's (2005) US uses of force, International Military Intervention 1946-2005, PRIF
//! humanitarian military interventions, and Geo-PKO troop contributors.

use super::{load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::DataFrame;

/// Third-Party PKM v3.1 from the producer's Excel file: one row per mission (215); key `obsnum`.
pub fn pkm(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Pkm)
}

/// Tago (2005): one row per US use of force, 1948-1998 (288).
pub fn tago(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Tago)
}

/// International Military Intervention 1946-2005 from the Excel file: one row per intervener-target intervention (1,111).
pub fn imi(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::Imi)
}

/// PRIF humanitarian military interventions, intervention-years: 162 rows of which 9 blank are dropped (153 kept).
pub fn prif_hmi(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::PrifHmi)
}

/// Geo-PKO v2.3 UN mission x year x location rows (4,927) with `no_tcc` troop-contributing countries.
pub fn geopko_tcc(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::GeopkoTcc)
}
