//! The variables of a dyad-year frame: each chosen group computed over the whole universe, then
//! the sample filters (politically relevant dyads, ongoing dispute years).

use super::alliance_types::{self, AllianceTypes};
use super::alliances::{self, Atop};
use super::capabilities::{self, Majors, Nmc};
use super::conflict::{self, DisputeDyadYear};
use super::geography::{Capitals, Contiguity, Mindist};
use super::regime::{self, Democracy};
use super::rivalry::Rivalries;
use super::similarity::{self, Similarity};
use super::specific::{self, DefencePromises};
use super::spells;
use super::third_party::{Conditions, Promisers};
use crate::catalog::DatasetId;
use crate::sources::index::{column, FrameKeys};
use crate::timing::Stage;
use crate::types::composed::{Composed, Condition};
use crate::types::{BuildError, Group, Mids, Years};
use crate::units::dyad_year::{DyadUniverse, PeaceCarry};
use crate::units::BuildContext;
use polars::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// The dyad-year frame: keys and the chosen variables, in the order chosen, after the sample
/// filters. Every variable is computed on the full universe first, so that spells count every
/// year of the dyad whatever rows are dropped.
pub fn frame(ctx: &BuildContext, mut u: DyadUniverse) -> Result<DataFrame, BuildError> {
    let mut groups: BTreeSet<Group> = ctx.chosen.iter().map(|v| v.group).collect();
    if ctx.prd {
        groups.extend([Group::Contiguity, Group::Majors]);
    }
    if ctx.prd || ctx.drop_ongoing || groups.contains(&Group::Peace) {
        groups.insert(Group::Conflict);
    }
    // Peace years come with the conflict group; one ATOP pass gives the direct and third-party
    // columns.
    groups.remove(&Group::Peace);
    groups.remove(&Group::Unit);
    if groups.contains(&Group::AtopDirect) {
        groups.remove(&Group::AtopThird);
    }
    // One group at a time: on two cores, running the groups on threads gained 0.1 s of 2 s and
    // doubled peak memory (each group's columns are built before they are converted).
    let mut cols = DyadColumns::default();
    for &g in &groups {
        ctx.src.stage(&format!("computing {}", g.describe()));
        let t = Stage::start();
        let out = add_group(ctx, g, &u)?;
        t.done(&format!("{g:?}"));
        for note in out.notes {
            ctx.note(note);
        }
        cols.columns(out.cols);
    }
    let keep = sample(ctx, &u, &cols)?;
    let mut columns = u.key_columns();
    for v in &ctx.chosen {
        columns.push(cols.take(v.name)?);
    }
    let t = Stage::start();
    let mut frame = super::null_outside_sources(DataFrame::new(u.len(), columns)?, &u.year, &ctx.chosen, ctx.mids)?;
    t.done("assemble");
    if let Some(keep) = keep {
        frame = frame.filter(&BooleanChunked::from_slice("keep".into(), &keep))?;
        u.retain(&keep);
    }
    Ok(frame)
}

/// The rows kept by `--prd` and `--drop-ongoing` (None: all), with notes on what was dropped.
fn sample(ctx: &BuildContext, u: &DyadUniverse, cols: &DyadColumns) -> Result<Option<Vec<bool>>, BuildError> {
    if !ctx.prd && !ctx.drop_ongoing {
        return Ok(None);
    }
    let mut keep = vec![true; u.len()];
    let onset = cols.int("mid_onset")?;
    if ctx.prd {
        let (ct, m1, m2) = (cols.int("conttype")?, cols.int("major1")?, cols.int("major2")?);
        let (mut dropped, mut onsets) = (0, 0);
        for i in 0..u.len() {
            keep[i] = ct[i].is_some_and(|c| c <= 5) || m1[i] == Some(1) || m2[i] == Some(1);
            if !keep[i] {
                dropped += 1;
                onsets += usize::from(onset[i] == Some(1));
            }
        }
        ctx.note(format!(
            "politically relevant dyads only: {dropped} dyad-years dropped, holding {onsets} of the {} dispute onsets ({})",
            onset.iter().filter(|o| **o == Some(1)).count(),
            ctx.mids.name()
        ));
    }
    if ctx.drop_ongoing {
        let ongoing = cols.int("mid_ongoing")?;
        let mut dropped = 0;
        for i in 0..u.len() {
            if keep[i] && ongoing[i] == Some(1) && onset[i] == Some(0) {
                keep[i] = false;
                dropped += 1;
            }
        }
        ctx.note(format!("--drop-ongoing: {dropped} dyad-years of ongoing disputes (not onsets) dropped"));
    }
    Ok(Some(keep))
}

/// Directed dispute-dyad-years of a dispute source (for COW MID 5, with a note on what the day
/// rule removed).
pub fn dispute_dyad_years(ctx: &BuildContext, mids: Mids) -> Result<Vec<DisputeDyadYear>, BuildError> {
    Ok(match mids.ddy() {
        Some(ddy) => conflict::from_gml(&ctx.src.get(ddy)?)?,
        None => {
            let (ddys, removed) = conflict::from_cow5(&ctx.src.get(DatasetId::CowMidb)?, &ctx.src.get(DatasetId::CowMida)?)?;
            ctx.note(format!(
                "COW MID 5 dispute-dyads need participation on a common day: {removed} directed dispute-dyad-years of states on opposite sides in the same year but on no common day are not disputes (unknown days and months widened to the whole month or year)"
            ));
            ddys
        }
    })
}

/// The columns of one group and its notes.
#[derive(Default)]
struct GroupOut {
    cols: Vec<Column>,
    notes: Vec<String>,
}

impl GroupOut {
    fn ints(&mut self, cols: impl IntoIterator<Item = (&'static str, Vec<Option<i32>>)>) {
        self.cols.extend(cols.into_iter().map(|(name, v)| column(name, v)));
    }

    fn floats(&mut self, cols: impl IntoIterator<Item = (&'static str, Vec<Option<f64>>)>) {
        self.cols.extend(cols.into_iter().map(|(name, v)| column(name, v)));
    }

    fn columns(&mut self, cols: Vec<Column>) {
        self.cols.extend(cols);
    }

    fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    fn coverage_note(&mut self, what: &str, years: Years, cover: Years) {
        if !years.within(cover) {
            self.note(format!("{what}: the source covers {cover}; other years are null"));
        }
    }
}

fn add_group(ctx: &BuildContext, g: Group, u: &DyadUniverse) -> Result<GroupOut, BuildError> {
    let (c1, c2, y) = (&u.ccode1[..], &u.ccode2[..], &u.year[..]);
    let years = u.years;
    let mut cols = GroupOut::default();
    match g {
        Group::Conflict => {
            let cover = ctx.mids.coverage();
            if years.clamp_to(cover).is_none() {
                return Err(BuildError::Years(format!("years {years} are outside the dispute data (--mids {}: {cover})", ctx.mids.name())));
            }
            // Spells count from the dyad's first joint year whatever the window: computed over
            // the history, then cut to the window; or continued from the block before.
            let carried = ctx.peace_carry.filter(|c| c.borrow().continues_into(years.first));
            let history = if carried.is_some() { None } else { crate::units::dyad_year::history(ctx, u)? };
            let h = history.as_ref().unwrap_or(u);
            let ddys = dispute_dyad_years(ctx, ctx.mids)?;
            let c = conflict::dyad_conflict(&ddys, &h.ccode1, &h.ccode2, &h.year, cover, u.directed);
            cols.note(format!(
                "conflict ({}): {} dispute-dyad-years on {} dyad-years; {} collapsed by the one-row-per-dyad-year rule; {} name a pair that is not a dyad that year{}",
                ctx.mids.name(),
                c.matched,
                c.rows_with_dispute,
                c.collapsed(),
                c.outside_universe,
                if history.is_some() { format!(" (counted over {}, the years peace years need)", h.years) } else { String::new() }
            ));
            cols.coverage_note("conflict variables", years, cover);
            // A block build continues the spells of the block before (or starts them afresh
            // when it does not follow on); a whole build counts them in a carry of its own.
            let (mut own, mut shared);
            let carry: &mut PeaceCarry = match ctx.peace_carry {
                Some(cell) => {
                    shared = cell.borrow_mut();
                    if carried.is_none() {
                        *shared = PeaceCarry::default();
                    }
                    &mut shared
                }
                None => {
                    own = PeaceCarry::default();
                    &mut own
                }
            };
            carry.through = Some(h.years.last);
            let py = spells::peace_years_on(&h.ccode1, &h.ccode2, &h.year, &c.mid_onset, &mut carry.onset);
            let pyo = spells::peace_years_on(&h.ccode1, &h.ccode2, &h.year, &c.mid_ongoing, &mut carry.ongoing);
            cols.floats([
                ("peace_years_ongoing2", spells::power(&pyo, 2)),
                ("peace_years_ongoing3", spells::power(&pyo, 3)),
                ("peace_years2", spells::power(&py, 2)),
                ("peace_years3", spells::power(&py, 3)),
                ("peace_spline1", spells::spline(&py, spells::KNOTS[0])),
                ("peace_spline2", spells::spline(&py, spells::KNOTS[1])),
                ("peace_spline3", spells::spline(&py, spells::KNOTS[2])),
            ]);
            cols.ints([
                ("peace_years", py),
                ("peace_years_ongoing", pyo),
                ("mid_onset", c.mid_onset),
                ("mid_ongoing", c.mid_ongoing),
                ("init", c.init),
                ("hostlev", c.hostlev),
                ("fatality", c.fatality),
                ("dispnum", c.dispnum),
                ("hostlev_dyad", c.hostlev_dyad),
                ("fatality_dyad", c.fatality_dyad),
            ]);
            if history.is_some() {
                let window: BooleanChunked = h.year.iter().map(|&y| y >= years.first).collect();
                cols.cols = cols.cols.iter().map(|c| c.filter(&window)).collect::<PolarsResult<_>>()?;
            }
        }
        Group::Peace => {} // computed with the conflict group
        Group::AtopDirect | Group::AtopThird => {
            let atop = Atop::within(&ctx.src.get(DatasetId::AtopDdy)?, Some(years))?;
            cols.coverage_note("ATOP variables", years, atop.cover);
            cols.columns(alliances::dyad_columns(&atop, c1, c2, y));
        }
        Group::AllianceTypes => {
            let cover = Years::of(DatasetId::AtopMember4_01);
            let types = AllianceTypes::new(&ctx.src.get(DatasetId::AtopMember4_01)?, &ctx.src.get(DatasetId::BensonTypes)?, cover)?;
            cols.coverage_note("alliance types (ATOP 4.01)", years, cover);
            cols.columns(alliance_types::dyad_columns(&types, c1, c2, y));
        }
        Group::Specific => {
            let cover = Years::of(DatasetId::AtopMember4_01);
            let promises = DefencePromises::new(&ctx.src.get(DatasetId::AtopMember4_01)?, cover)?;
            cols.coverage_note("promises that apply against the other state (ATOP 4.01)", years, cover);
            cols.columns(specific::dyad_columns(&promises, c1, c2, y));
        }
        Group::Similarity => {
            let atop = Atop::within(&ctx.src.get(DatasetId::AtopDdy)?, Some(years))?;
            cols.coverage_note("S-score (ATOP 5.1)", years, atop.cover);
            let s = Similarity::new(&atop, &ctx.src.get(DatasetId::System)?, years)?;
            cols.columns(vec![similarity::dyad_column(&s, c1, c2, y)]);
        }
        Group::Capabilities => {
            let nmc = Nmc::new(&ctx.src.get(DatasetId::Nmc)?)?;
            cols.coverage_note("NMC variables", years, Years::of(DatasetId::Nmc));
            cols.columns(capabilities::dyad_columns(&nmc, c1, c2, y));
        }
        Group::Majors => {
            let majors = Majors::new(&ctx.src.get(DatasetId::Majors)?)?;
            cols.ints(majors.dyad_columns(c1, c2, y));
        }
        Group::Composed => {
            let wanted: Vec<Composed> = ctx.chosen.iter().filter_map(|v| crate::types::composed::parse(v.name)).collect();
            let needs = |f: &dyn Fn(&Condition) -> bool| wanted.iter().any(|w| f(&w.condition));
            let load = |need: bool, id: DatasetId| -> Result<Option<DataFrame>, BuildError> {
                Ok(if need { Some(ctx.src.get(id)?) } else { None })
            };
            let conditions = Conditions {
                majors: load(needs(&|c| matches!(c, Condition::Major | Condition::Minor)), DatasetId::Majors)?
                    .map(|df| Majors::new(&df))
                    .transpose()?,
                democracy: load(needs(&|c| matches!(c, Condition::Democracy | Condition::NonDemocracy)), DatasetId::Democracy)?
                    .map(|df| Democracy::new(&df))
                    .transpose()?,
                contiguity: load(needs(&|c| matches!(c, Condition::ContiguousToOther)), DatasetId::Contdird)?
                    .map(|df| Contiguity::new(&df))
                    .transpose()?,
                nmc: load(needs(&|c| matches!(c, Condition::CincAbove(_))), DatasetId::Nmc)?.map(|df| Nmc::new(&df)).transpose()?,
            };
            let promisers = Promisers::new(&ctx.src.get(DatasetId::AtopDdy)?)?;
            cols.columns(super::third_party::columns(&promisers, &conditions, &wanted, c1, c2, y));
        }
        Group::Identity => {
            let abb = crate::sources::system::abbreviations(&ctx.src.get(DatasetId::States)?)?;
            cols.columns(super::identity::columns(&abb, &[("1", c1), ("2", c2)]));
        }
        Group::Contiguity => {
            let cont = Contiguity::new(&super::in_years(ctx.src.get(DatasetId::Contdird)?, years)?)?;
            let ct: Vec<Option<i32>> = cont.for_rows(&FrameKeys::new(c1, c2, y)).into_iter().map(Some).collect();
            let land = ct.iter().map(|c| c.map(|c| i32::from(c == 1))).collect();
            let any = ct.iter().map(|c| c.map(|c| i32::from(c <= 5))).collect();
            cols.ints([("land_contig", land), ("contig_any", any), ("conttype", ct)]);
        }
        Group::Capdist => {
            let caps = Capitals::new(&ctx.src.get(DatasetId::Capitals)?)?;
            let d = caps.distances(c1, c2, y);
            let ln = d.iter().map(|d| d.map(f64::ln_1p)).collect();
            cols.floats([("ln_capdist", ln), ("capdist", d)]);
        }
        Group::Mindist => {
            let md = Mindist::new(&super::in_years(ctx.src.get(DatasetId::Mindist)?, years)?)?;
            cols.coverage_note("mindist", years, Years::of(DatasetId::Mindist));
            cols.floats([("mindist", md.for_rows(&FrameKeys::new(c1, c2, y)))]);
        }
        Group::Democracy => {
            let dem = Democracy::new(&ctx.src.get(DatasetId::Democracy)?)?;
            cols.columns(regime::dyad_columns(&dem, c1, c2, y));
        }
        Group::Rivalry => {
            let riv = Rivalries::new(&ctx.src.get(DatasetId::Rivalries)?)?;
            cols.ints([("rival", (0..c1.len()).map(|i| riv.rival(c1[i], c2[i], y[i])).collect())]);
        }
        // The user's own columns are joined after the frame is built (`frame::Spec::build_with`).
        Group::Unit | Group::User => {}
    }
    Ok(cols)
}

/// Computed dyad-year columns by name.
#[derive(Default)]
struct DyadColumns {
    done: HashMap<String, Column>,
}

impl DyadColumns {
    fn columns(&mut self, cols: Vec<Column>) {
        for c in cols {
            self.done.insert(c.name().to_string(), c);
        }
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
