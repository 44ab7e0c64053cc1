//! Dispute joiners (entanglement): one row per (dispute, state) where the state is a system
//! member in the dispute's start year and not one of its originators (STUDIES.md §1).

use super::{dispute, dyad_year, BuildContext};
use crate::catalog::DatasetId;
use crate::sources::participants::participants;
use crate::types::BuildError;
use std::collections::BTreeMap;

/// The originators of a dispute, by side.
#[derive(Debug, Clone, Default)]
pub struct Originators {
    /// Side-A originators.
    pub side_a: Vec<i32>,
    /// Side-B originators.
    pub side_b: Vec<i32>,
}

/// The joiner rows, sorted by (dispnum, ccode).
#[derive(Default)]
pub struct Joiners {
    /// Dispute.
    pub dispnum: Vec<i32>,
    /// Potential joiner.
    pub ccode: Vec<i32>,
    /// Start year of the dispute.
    pub styear: Vec<i32>,
    /// It took part (as a joiner).
    pub joined: Vec<bool>,
    /// It took part on side A.
    pub side_a: Vec<bool>,
    /// Originators of each dispute.
    pub originators: BTreeMap<i32, Originators>,
}

/// Builds the joiner rows of the disputes starting in the years asked.
pub fn build(ctx: &BuildContext) -> Result<Joiners, BuildError> {
    let cover = ctx.mids.coverage();
    let years = ctx.years_within(cover, cover, &format!("the dispute data (--mids {})", ctx.mids.name()))?;
    let parts = participants(&ctx.src.get(ctx.mids.participants()?)?)?;
    let starts = dispute::start_years(ctx, ctx.mids)?;
    let spells = dyad_year::spells(&ctx.src.get(DatasetId::States)?)?;
    let mut j = Joiners::default();
    let mut no_start = 0;
    for (&d, ps) in &parts {
        let Some(&y) = starts.get(&d) else {
            no_start += 1;
            continue;
        };
        if !years.contains(y) {
            continue;
        }
        let side = |a: bool| ps.iter().filter(|(_, p)| p.orig && p.sidea == a).map(|(c, _)| *c).collect();
        j.originators.insert(d, Originators { side_a: side(true), side_b: side(false) });
        for &s in dyad_year::members(&spells, y).keys() {
            let p = ps.get(&s);
            if p.is_some_and(|p| p.orig) {
                continue;
            }
            j.dispnum.push(d);
            j.ccode.push(s);
            j.styear.push(y);
            j.joined.push(p.is_some());
            j.side_a.push(p.is_some_and(|p| p.sidea));
        }
    }
    let joined = j.joined.iter().filter(|x| **x).count();
    ctx.note(format!(
        "{} (dispute, potential joiner) rows for disputes starting {years} (--mids {}); {joined} joined",
        j.dispnum.len(),
        ctx.mids.name()
    ));
    if no_start > 0 {
        ctx.note(format!("{no_start} disputes without a start year skipped"));
    }
    Ok(j)
}
