//! Alliance Treaty Obligations and Provisions (Leeds et al. 2002): ATOP 5.1 directed dyad-years,
//! ATOP 4.01 alliance and member files, and Benson's (2011) typology.

use super::{load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::DataFrame;

/// ATOP 5.1 directed dyad-year obligations (273,296 rows, 1815-2018): `atop_defense` etc. read as "ccode1 promised X to ccode2 in year"; key (ccode1, ccode2, year).
pub fn ddy(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::AtopDdy)
}

/// ATOP 4.01 alliance-level file (745 alliances) with provisions, conditions and `mem1..` members; key `atopid`.
pub fn alliances(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::AtopAlliance4_01)
}

/// ATOP 4.01 member-level file (2,398 alliance-phase members) with obligations and their conditions (`defcoadv`, ...); key (atopid, phase, member, yrent): a state can leave and rejoin within a phase (Egypt in the Arab League, 1979 and 1989). `yrexit` = 0 means still in force.
pub fn members(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::AtopMember4_01)
}

/// Benson (2011) deterrent/compellent typology per ATOP 4.01 alliance phase (799 phases); key `atopidphase`.
pub fn benson(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::BensonTypes)
}
