//! Units of analysis (STUDIES.md §1): the universe of observations each frame starts from.
//! Each builder takes one [`BuildContext`] and returns its rows; the variables are added above
//! this layer, in `vars`.

pub mod alliance_year;
pub mod commitment;
pub mod dispute;
pub mod dyad_year;
pub mod fighting;
pub mod invocation;
pub mod joiner;
pub mod mission;
pub mod pledges;
pub mod state_year;
pub mod us_force;

pub use crate::types::{Conflicts, Mids, Unit, Years};

use crate::sources::Sources;
use crate::types::{BuildError, Group, Var};
use polars::prelude::*;
use std::cell::{Cell, RefCell};

/// What one build needs: the sources, the request's options and the variables chosen, and the
/// notes written on the way (what was removed, collapsed or not covered).
pub struct BuildContext<'a> {
    /// Loaded sources.
    pub src: &'a Sources<'a>,
    /// Years asked for (None: the unit's default).
    pub years: Option<Years>,
    /// Directed (both orders) or non-directed dyad-years.
    pub directed: bool,
    /// Politically relevant dyads only.
    pub prd: bool,
    /// Dispute source.
    pub mids: Mids,
    /// Drop dyad-years of ongoing disputes that are not onsets.
    pub drop_ongoing: bool,
    /// Which conflicts call allies (invocation frames).
    pub conflicts: Conflicts,
    /// Keep Tago's crises without a use of force (us-force frames).
    pub crises: bool,
    /// Variables chosen, in the order asked.
    pub chosen: Vec<&'static Var>,
    /// Peace spells carried from the block of years built before this one (a partitioned
    /// build); None: count them from each dyad's history.
    pub peace_carry: Option<&'a RefCell<dyad_year::PeaceCarry>>,
    notes: RefCell<Vec<String>>,
    built_years: Cell<Option<Years>>,
}

impl<'a> BuildContext<'a> {
    /// A context with the defaults (directed, GML, all years, no variables).
    pub fn new(src: &'a Sources<'a>) -> BuildContext<'a> {
        BuildContext {
            src,
            years: None,
            directed: true,
            prd: false,
            mids: Mids::Gml,
            drop_ongoing: false,
            conflicts: Conflicts::War,
            crises: false,
            chosen: Vec::new(),
            peace_carry: None,
            notes: RefCell::new(Vec::new()),
            built_years: Cell::new(None),
        }
    }

    /// Records a note.
    pub fn note(&self, note: impl Into<String>) {
        self.notes.borrow_mut().push(note.into());
    }

    /// The notes so far.
    pub fn take_notes(&self) -> Vec<String> {
        self.notes.take()
    }

    /// The years the unit's builder settled on (the request's, open ends filled and cut to the
    /// source's cover), once it has run.
    pub fn built_years(&self) -> Option<Years> {
        self.built_years.get()
    }

    /// Whether a variable group was chosen.
    pub fn wants(&self, g: Group) -> bool {
        self.chosen.iter().any(|v| v.group == g)
    }

    /// The years to build: those asked (or `default`), open ends filled from `cover`. Years
    /// outside `cover` are left out with a note naming them; none inside is an error.
    pub fn years_within(&self, default: Years, cover: Years, source: &str) -> Result<Years, BuildError> {
        let asked = self.years.unwrap_or(default).resolve(cover);
        let Some(kept) = asked.clamp_to(cover) else {
            return Err(BuildError::Years(format!("years {asked} are outside {source}, which covers {cover}")));
        };
        if kept != asked {
            let out: Vec<String> = asked.outside(cover).iter().map(ToString::to_string).collect();
            self.note(format!("years {} are outside {source} ({cover}) and are left out; building {kept}", out.join(" and ")));
        }
        self.built_years.set(Some(kept));
        Ok(kept)
    }
}

/// Keeps the unit's keys and the chosen variables, in the order chosen.
pub fn select_columns(frame: DataFrame, unit: Unit, chosen: &[&'static Var]) -> PolarsResult<DataFrame> {
    let names: Vec<&str> = unit.keys().iter().copied().chain(chosen.iter().map(|v| v.name)).collect();
    frame.select(names)
}
