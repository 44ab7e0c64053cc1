//! The variables of a state-year frame: capabilities, major-power status, democracy, ATOP
//! promises received, and dispute entries.

use super::alliances::Atop;
use super::capabilities::{Majors, Nmc};
use crate::catalog::DatasetId;
use crate::sources::index::column;
use crate::sources::participants::participants;
use crate::types::{BuildError, Group, Unit};
use crate::units::state_year::StateYears;
use crate::units::{select_columns, BuildContext};
use polars::prelude::*;
use std::collections::HashMap;

/// The state-year frame: keys and the chosen variables.
pub fn frame(ctx: &BuildContext, rows: StateYears) -> Result<DataFrame, BuildError> {
    let (c, y) = (&rows.ccode, &rows.year);
    let mut cols: Vec<Column> =
        vec![column("ccode", c.iter().map(|v| Some(*v)).collect()), column("year", y.iter().map(|v| Some(*v)).collect())];
    if ctx.wants(Group::Capabilities) {
        let nmc = Nmc::new(&ctx.src.get(DatasetId::Nmc)?)?;
        let caps: Vec<_> = (0..c.len()).map(|i| nmc.get(c[i], y[i])).collect();
        cols.push(column("cinc", caps.iter().map(|k| k.cinc).collect()));
        cols.push(column("milex", caps.iter().map(|k| k.milex).collect()));
        cols.push(column("milper", caps.iter().map(|k| k.milper).collect()));
        cols.push(column("tpop", caps.iter().map(|k| k.tpop).collect()));
        cols.push(column("milit", caps.iter().map(|k| k.milit()).collect()));
    }
    if ctx.wants(Group::Identity) {
        let abb = crate::sources::system::abbreviations(&ctx.src.get(DatasetId::States)?)?;
        cols.extend(super::identity::columns(&abb, &[("", c)]));
    }
    if ctx.wants(Group::Majors) {
        let m = Majors::new(&ctx.src.get(DatasetId::Majors)?)?;
        cols.push(column("major", (0..c.len()).map(|i| Some(i32::from(m.is_major(c[i], y[i])))).collect()));
    }
    if ctx.wants(Group::Democracy) {
        let d = super::regime::Democracy::new(&ctx.src.get(DatasetId::Democracy)?)?;
        let s: Vec<_> = (0..c.len()).map(|i| d.get(c[i], y[i])).collect();
        cols.push(column("polity2", s.iter().map(|x| x.polity2).collect()));
        cols.push(column("v2x_polyarchy", s.iter().map(|x| x.polyarchy).collect()));
    }
    if ctx.wants(Group::AtopThird) {
        let atop = Atop::new(&ctx.src.get(DatasetId::AtopDdy)?)?;
        let inside = |i: usize| atop.cover.contains(y[i]);
        cols.push(column("n_def_promises", (0..c.len()).map(|i| inside(i).then(|| i32::from(atop.received(c[i], y[i])[0]))).collect()));
        cols.push(column("n_allies", (0..c.len()).map(|i| inside(i).then(|| i32::from(atop.partners(c[i], y[i])))).collect()));
    }
    if ctx.wants(Group::Conflict) {
        let parts = participants(&ctx.src.get(ctx.mids.participants()?)?)?;
        let mut entered: HashMap<(i32, i32), i32> = HashMap::new();
        for states in parts.values() {
            for (&s, p) in states {
                if let Some(&first) = p.years.iter().next() {
                    *entered.entry((s, first)).or_default() += 1;
                }
            }
        }
        let cover = ctx.mids.coverage();
        cols.push(column(
            "mid_onsets",
            (0..c.len()).map(|i| cover.contains(y[i]).then(|| entered.get(&(c[i], y[i])).copied().unwrap_or(0))).collect(),
        ));
    }
    let frame = DataFrame::new(c.len(), cols)?;
    Ok(super::null_outside_sources(select_columns(frame, Unit::StateYear, &ctx.chosen)?, y, &ctx.chosen, ctx.mids)?)
}
