//! Variables (STUDIES.md §2–4): the builders that compute a unit's columns from its keys and the
//! sources (conflict, spells, alliances, capabilities, geography, regime, rivalry), and for each
//! unit with variables of other sources the assembly of its frame (`dyad_year`, `state_year`,
//! `joiner`). The registry of names, definitions and years is [`crate::types::registry`].

pub mod alliances;
pub mod capabilities;
pub mod conflict;
pub mod dyad_year;
pub mod geography;
pub mod joiner;
pub mod regime;
pub mod rivalry;
pub mod spells;
pub mod state_year;

pub use crate::types::registry::{find, for_unit, parse_list, select, VARS};
pub use crate::types::{Group, Var, VarError};
