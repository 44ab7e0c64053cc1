//! Building analysis frames: a unit's universe plus the variables asked for, as one polars
//! DataFrame with a report of what was dropped or collapsed on the way.
//!
//! ```no_run
//! use allywar::frame::Spec;
//! use allywar::units::{Unit, Years};
//! let dir = allywar::DataDir::resolve(None);
//! let built = Spec::new(Unit::DyadYear)
//!     .years(Years::new(1816, 2010).unwrap())
//!     .vars(["mid_onset", "init", "tgt_def", "cinc1", "cinc2", "peace_years"])
//!     .build(&dir)?;
//! println!("{}", built.frame.head(Some(5)));
//! for note in &built.notes { eprintln!("{note}"); }
//! # Ok::<(), allywar::frame::BuildError>(())
//! ```

use crate::datadir::DataDir;
use crate::sources::{self, LoadError};
use crate::units::dyad_year::{self, DyadUniverse};
use crate::units::{dispute, joiner, mission, state_year, us_force, Mids, Unit, Years};
use crate::vars::alliances::Atop;
use crate::vars::capabilities::{Majors, Nmc};
use crate::vars::conflict::{self, DisputeDyadYear};
use crate::vars::geography::{Capitals, Contiguity, Mindist};
use crate::vars::keyed::{column, FrameKeys};
use crate::vars::regime::Democracy;
use crate::vars::rivalry::Rivalries;
use crate::vars::{self, spells, Group, Var, VarError};
use polars::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

/// Why a frame could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A source failed to load.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The variable list is not valid for the unit.
    #[error(transparent)]
    Vars(#[from] VarError),
    /// The years asked for are impossible or outside the data.
    #[error("{0}")]
    Years(String),
    /// Options that do not fit the unit.
    #[error("{0}")]
    Options(String),
    /// Frame computation failed.
    #[error("building the frame: {0}")]
    Frame(#[from] PolarsError),
}

/// What to build.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Unit of analysis.
    pub unit: Unit,
    /// Years (default: the dispute source's years for dyad- and state-years and joiners, the
    /// whole file otherwise).
    pub years: Option<Years>,
    /// Directed (both orders) or non-directed (ccode1 < ccode2) dyad-years.
    pub directed: bool,
    /// Politically relevant dyads only.
    pub prd: bool,
    /// Dispute source.
    pub mids: Mids,
    /// Variables (`all` or empty: every variable of the unit).
    pub vars: Vec<String>,
    /// Drop dyad-years of ongoing disputes that are not onsets.
    pub drop_ongoing: bool,
}

/// A built frame.
#[derive(Debug, Clone)]
pub struct Built {
    /// The frame, sorted by the unit's keys.
    pub frame: DataFrame,
    /// What happened on the way (pairs removed, dispute-years collapsed, coverage gaps).
    pub notes: Vec<String>,
}

impl Spec {
    /// A spec for `unit` with the defaults.
    pub fn new(unit: Unit) -> Spec {
        Spec { unit, years: None, directed: true, prd: false, mids: Mids::Gml, vars: Vec::new(), drop_ongoing: false }
    }

    /// Restricts the years.
    pub fn years(mut self, years: Years) -> Spec {
        self.years = Some(years);
        self
    }

    /// Directed or non-directed dyad-years.
    pub fn directed(mut self, directed: bool) -> Spec {
        self.directed = directed;
        self
    }

    /// Politically relevant dyads only.
    pub fn prd(mut self, prd: bool) -> Spec {
        self.prd = prd;
        self
    }

    /// Dispute source.
    pub fn mids(mut self, mids: Mids) -> Spec {
        self.mids = mids;
        self
    }

    /// Variables to carry.
    pub fn vars<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Spec {
        self.vars = names.into_iter().map(|s| s.as_ref().to_string()).collect();
        self
    }

    /// Drop ongoing dispute years that are not onsets.
    pub fn drop_ongoing(mut self, drop: bool) -> Spec {
        self.drop_ongoing = drop;
        self
    }

    /// Builds the frame from the data in `dir`.
    pub fn build(&self, dir: &DataDir) -> Result<Built, BuildError> {
        let src = Sources::new(dir);
        if self.unit != Unit::DyadYear && (self.prd || !self.directed) {
            return Err(BuildError::Options(format!("--prd and --nondirected apply to dyad-year frames, not {}", self.unit)));
        }
        if self.drop_ongoing && self.unit != Unit::DyadYear {
            return Err(BuildError::Options(format!("--drop-ongoing applies to dyad-year frames, not {}", self.unit)));
        }
        let chosen = vars::select(self.unit, self.directed, &self.vars)?;
        match self.unit {
            Unit::DyadYear => self.dyad_years(&src, &chosen),
            Unit::StateYear => state_year::build(&src, self, &chosen),
            Unit::Joiner => joiner::build(&src, self, &chosen),
            Unit::Dispute => dispute::build(&src, self, &chosen),
            Unit::Mission => mission::build(&src, self, &chosen),
            Unit::UsForce => us_force::build(&src, self, &chosen),
        }
    }

    /// The years to use, checked against a source's coverage.
    pub fn checked_years(&self, default: Years, cover: Years, source: &str) -> Result<Years, BuildError> {
        let years = self.years.unwrap_or(default);
        let years = Years {
            first: if years.first == i32::MIN { cover.first } else { years.first },
            last: if years.last == i32::MAX { cover.last } else { years.last },
        };
        if years.first < cover.first || years.last > cover.last {
            return Err(BuildError::Years(format!("years {years} are outside {source}, which covers {cover}")));
        }
        Ok(years)
    }

    fn dyad_years(&self, src: &Sources, chosen: &[&'static Var]) -> Result<Built, BuildError> {
        let spells = dyad_year::spells(&src.get("states")?)?;
        let cover = dyad_year::coverage(&spells);
        let years =
            self.checked_years(self.mids.coverage().clamp_to(cover).unwrap_or(cover), cover, "the COW state system (states, v2016)")?;
        let mut groups: BTreeSet<Group> = chosen.iter().map(|v| v.group).collect();
        if self.prd {
            groups.extend([Group::Contiguity, Group::Majors]);
        }
        if self.drop_ongoing || groups.contains(&Group::Peace) {
            groups.insert(Group::Conflict);
        }
        let t = Stage::start();
        let mut u = dyad_year::universe(&spells, years, self.directed);
        t.done("universe");
        let mut notes = vec![format!(
            "{} {} dyad-years {years}; {} {} of states that were members in the same year but on no common day removed",
            u.len(),
            if self.directed { "directed" } else { "non-directed" },
            u.removed_no_common_day,
            if self.directed { "rows" } else { "pairs" },
        )];
        let mut cols = DyadColumns::default();
        for g in &groups {
            let t = Stage::start();
            self.dyad_group(src, *g, &u, years, &mut cols, &mut notes)?;
            t.done(&format!("{g:?}"));
        }
        // Row filters, after every variable is computed on the full universe (so spells count
        // every year of the dyad).
        let mut keep = vec![true; u.len()];
        if self.prd {
            let (ct, m1, m2) = (cols.int("conttype")?, cols.int("major1")?, cols.int("major2")?);
            for i in 0..u.len() {
                keep[i] = ct[i].is_some_and(|c| c <= 5) || m1[i] == Some(1) || m2[i] == Some(1);
            }
            let dropped = keep.iter().filter(|k| !**k).count();
            notes.push(format!("politically relevant dyads only: {dropped} dyad-years dropped"));
        }
        if self.drop_ongoing {
            let (on, og) = (cols.int("mid_onset")?, cols.int("mid_ongoing")?);
            let mut dropped = 0;
            for i in 0..u.len() {
                if keep[i] && og[i] == Some(1) && on[i] == Some(0) {
                    keep[i] = false;
                    dropped += 1;
                }
            }
            notes.push(format!("--drop-ongoing: {dropped} dyad-years of ongoing disputes (not onsets) dropped"));
        }
        let all_kept = keep.iter().all(|k| *k);
        let mut columns = u.key_columns();
        for v in chosen {
            columns.push(cols.take(v.name)?);
        }
        let t = Stage::start();
        let mut frame = DataFrame::new(u.len(), columns)?;
        t.done("assemble");
        if !all_kept {
            let mask = BooleanChunked::from_slice("keep".into(), &keep);
            frame = frame.filter(&mask)?;
            u.retain(&keep);
        }
        Ok(Built { frame, notes })
    }

    fn dyad_group(
        &self,
        src: &Sources,
        g: Group,
        u: &DyadUniverse,
        years: Years,
        cols: &mut DyadColumns,
        notes: &mut Vec<String>,
    ) -> Result<(), BuildError> {
        let (c1, c2, y) = (&u.ccode1[..], &u.ccode2[..], &u.year[..]);
        match g {
            Group::Conflict => {
                let cover = self.mids.coverage();
                if years.clamp_to(cover).is_none() {
                    return Err(BuildError::Years(format!(
                        "years {years} are outside the dispute data (--mids {}: {cover})",
                        self.mids.name()
                    )));
                }
                let ddys = src.dispute_dyad_years(self.mids)?;
                let c = conflict::dyad_conflict(&ddys, c1, c2, y, cover);
                notes.push(format!(
                    "conflict ({}): {} dispute-dyad-years on {} dyad-years; {} collapsed by the one-row-per-dyad-year rule; {} fell outside the universe",
                    self.mids.name(),
                    c.matched,
                    c.rows_with_dispute,
                    c.collapsed(),
                    c.outside_universe
                ));
                coverage_note(notes, "conflict variables", years, cover);
                let py = spells::peace_years(c1, c2, y, &c.mid_onset);
                cols.floats([
                    ("peace_years2", spells::power(&py, 2)),
                    ("peace_years3", spells::power(&py, 3)),
                    ("peace_spline1", spells::spline(&py, spells::KNOTS[0])),
                    ("peace_spline2", spells::spline(&py, spells::KNOTS[1])),
                    ("peace_spline3", spells::spline(&py, spells::KNOTS[2])),
                ]);
                cols.ints([
                    ("peace_years", py),
                    ("mid_onset", c.mid_onset),
                    ("mid_ongoing", c.mid_ongoing),
                    ("init", c.init),
                    ("hostlev", c.hostlev),
                    ("fatality", c.fatality),
                    ("dispnum", c.dispnum),
                ]);
            }
            Group::Peace => {} // computed with the conflict group
            Group::AtopDirect | Group::AtopThird => {
                if cols.has("def_12") {
                    return Ok(());
                }
                let atop = src.atop()?;
                coverage_note(notes, "ATOP variables", years, atop.cover);
                cols.columns(crate::vars::alliances::dyad_columns(&atop, c1, c2, y));
            }
            Group::Capabilities => {
                let nmc = Nmc::new(&src.get("nmc")?)?;
                coverage_note(notes, "NMC variables", years, Years { first: 1816, last: 2016 });
                cols.columns(crate::vars::capabilities::dyad_columns(&nmc, c1, c2, y));
            }
            Group::Majors => {
                let majors = Majors::new(&src.get("majors")?)?;
                cols.ints(majors.dyad_columns(c1, c2, y));
            }
            Group::Contiguity => {
                let cont = Contiguity::new(&src.get("contdird")?)?;
                let ct: Vec<Option<i32>> = cont.for_rows(&FrameKeys::new(c1, c2, y)).into_iter().map(Some).collect();
                let land = ct.iter().map(|c| c.map(|c| i32::from(c == 1))).collect();
                let any = ct.iter().map(|c| c.map(|c| i32::from(c <= 5))).collect();
                cols.ints([("land_contig", land), ("contig_any", any), ("conttype", ct)]);
            }
            Group::Capdist => {
                let caps = Capitals::new(&src.get("capitals")?)?;
                let d: Vec<Option<f64>> = (0..c1.len()).map(|i| caps.distance(c1[i], c2[i], y[i])).collect();
                let ln = d.iter().map(|d| d.map(f64::ln_1p)).collect();
                cols.floats([("ln_capdist", ln), ("capdist", d)]);
            }
            Group::Mindist => {
                let md = Mindist::new(&src.get("mindist")?)?;
                coverage_note(notes, "mindist", years, Years { first: 1886, last: 2019 });
                cols.floats([("mindist", md.for_rows(&FrameKeys::new(c1, c2, y)))]);
            }
            Group::Democracy => {
                let dem = Democracy::new(&src.get("democracy")?)?;
                cols.columns(crate::vars::regime::dyad_columns(&dem, c1, c2, y));
            }
            Group::Rivalry => {
                let riv = Rivalries::new(&src.get("rivalries")?)?;
                cols.ints([("rival", (0..c1.len()).map(|i| riv.rival(c1[i], c2[i], y[i])).collect())]);
            }
            Group::Unit => {}
        }
        Ok(())
    }
}

/// Stage timings on stderr when `ALLYWAR_TIMINGS` is set (for profiling builds).
struct Stage(Option<std::time::Instant>);

impl Stage {
    fn start() -> Stage {
        Stage(std::env::var_os("ALLYWAR_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn done(self, what: &str) {
        if let Some(t) = self.0 {
            eprintln!("timing: {what:<14} {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
        }
    }
}

fn coverage_note(notes: &mut Vec<String>, what: &str, years: Years, cover: Years) {
    if years.first < cover.first || years.last > cover.last {
        notes.push(format!("{what}: the source covers {cover}; other years are null"));
    }
}

/// Computed dyad-year columns by name, converted to polars columns as soon as they are made
/// (a nullable i32 column takes 4 bytes a row plus a validity bit, against 8 for `Option<i32>`).
#[derive(Default)]
struct DyadColumns {
    done: HashMap<String, Column>,
}

impl DyadColumns {
    fn ints(&mut self, cols: impl IntoIterator<Item = (&'static str, Vec<Option<i32>>)>) {
        for (name, v) in cols {
            self.done.insert(name.to_string(), column(name, v));
        }
    }

    fn floats(&mut self, cols: impl IntoIterator<Item = (&'static str, Vec<Option<f64>>)>) {
        for (name, v) in cols {
            self.done.insert(name.to_string(), column(name, v));
        }
    }

    fn columns(&mut self, cols: Vec<Column>) {
        for c in cols {
            self.done.insert(c.name().to_string(), c);
        }
    }

    fn has(&self, name: &str) -> bool {
        self.done.contains_key(name)
    }

    fn int(&self, name: &str) -> PolarsResult<Vec<Option<i32>>> {
        match self.done.get(name) {
            Some(c) => Ok(c.i32()?.iter().collect()),
            None => polars_bail!(ColumnNotFound: "variable `{}` was not computed", name),
        }
    }

    fn take(&mut self, name: &str) -> PolarsResult<Column> {
        match self.done.remove(name) {
            Some(c) => Ok(c),
            None => polars_bail!(ColumnNotFound: "variable `{}` was not computed", name),
        }
    }
}

/// Source frames loaded once per build.
pub struct Sources<'a> {
    dir: &'a DataDir,
    frames: RefCell<HashMap<&'static str, DataFrame>>,
}

impl<'a> Sources<'a> {
    /// A cache over `dir`.
    pub fn new(dir: &'a DataDir) -> Sources<'a> {
        Sources { dir, frames: RefCell::new(HashMap::new()) }
    }

    /// A catalog dataset (membership and major-power spells with their dates).
    pub fn get(&self, name: &'static str) -> Result<DataFrame, LoadError> {
        if let Some(df) = self.frames.borrow().get(name) {
            return Ok(df.clone());
        }
        let t = Stage::start();
        let df = match name {
            "states" => sources::system::states(self.dir)?,
            "majors" => sources::system::majors(self.dir)?,
            _ => sources::load(self.dir, name)?,
        };
        t.done(&format!("load {name}"));
        self.frames.borrow_mut().insert(name, df.clone());
        Ok(df)
    }

    /// ATOP 5.1 obligations, indexed.
    pub fn atop(&self) -> Result<Atop, BuildError> {
        Ok(Atop::new(&self.get("atop_ddy")?)?)
    }

    /// Directed dispute-dyad-years of a dispute source.
    pub fn dispute_dyad_years(&self, mids: Mids) -> Result<Vec<DisputeDyadYear>, BuildError> {
        Ok(match mids {
            Mids::Gml => conflict::from_gml(&self.get("gml_ddy_2.2.1")?)?,
            Mids::Cow5 => conflict::from_cow5(&self.get("cow_midb")?, &self.get("cow_mida")?)?,
        })
    }

    /// The participant file of a dispute source (`dispnum`, `ccode`, `styear`, `endyear`,
    /// `sidea`, `orig`).
    pub fn participants(&self, mids: Mids) -> Result<DataFrame, LoadError> {
        match mids {
            Mids::Gml => self.get("gml_part_2.2.1"),
            Mids::Cow5 => self.get("cow_midb"),
        }
    }
}

/// Keeps the unit's keys and the chosen variables, in registry order.
pub fn select_columns(frame: DataFrame, unit: Unit, chosen: &[&'static Var]) -> PolarsResult<DataFrame> {
    let names: Vec<&str> = unit.keys().iter().copied().chain(chosen.iter().map(|v| v.name)).collect();
    frame.select(names)
}
