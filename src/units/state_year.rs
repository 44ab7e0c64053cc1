//! State-years: every COW system member in every year it is a member (system2016).

use crate::frame::{select_columns, BuildError, Built, Sources, Spec};
use crate::units::Years;
use crate::vars::capabilities::{Majors, Nmc};
use crate::vars::conflict::participants;
use crate::vars::keyed::{column, keys};
use crate::vars::regime::Democracy;
use crate::vars::{Group, Var};
use polars::prelude::*;
use std::collections::HashMap;

/// Builds the state-year frame.
pub fn build(src: &Sources, spec: &Spec, chosen: &[&'static Var]) -> Result<Built, BuildError> {
    let system = src.get("system")?;
    let (c_all, y_all) = (keys(&system, "ccode")?, keys(&system, "year")?);
    let cover = Years { first: y_all.iter().copied().min().unwrap_or(0), last: y_all.iter().copied().max().unwrap_or(0) };
    let years = spec.checked_years(spec.mids.coverage().clamp_to(cover).unwrap_or(cover), cover, "the COW state system (system, v2016)")?;
    let mut rows: Vec<(i32, i32)> = c_all.iter().zip(&y_all).filter(|(_, y)| years.contains(**y)).map(|(c, y)| (*c, *y)).collect();
    rows.sort_unstable();
    let (c, y): (Vec<i32>, Vec<i32>) = rows.into_iter().unzip();
    let groups: Vec<Group> = chosen.iter().map(|v| v.group).collect();
    let mut cols: Vec<Column> =
        vec![column("ccode", c.iter().map(|v| Some(*v)).collect()), column("year", y.iter().map(|v| Some(*v)).collect())];
    if groups.contains(&Group::Capabilities) {
        let nmc = Nmc::new(&src.get("nmc")?)?;
        let caps: Vec<_> = (0..c.len()).map(|i| nmc.get(c[i], y[i])).collect();
        cols.push(column("cinc", caps.iter().map(|k| k.cinc).collect()));
        cols.push(column("milex", caps.iter().map(|k| k.milex).collect()));
        cols.push(column("milper", caps.iter().map(|k| k.milper).collect()));
        cols.push(column("tpop", caps.iter().map(|k| k.tpop).collect()));
        cols.push(column("milit", caps.iter().map(|k| k.milit()).collect()));
    }
    if groups.contains(&Group::Majors) {
        let m = Majors::new(&src.get("majors")?)?;
        cols.push(column("major", (0..c.len()).map(|i| Some(i32::from(m.is_major(c[i], y[i])))).collect()));
    }
    if groups.contains(&Group::Democracy) {
        let d = Democracy::new(&src.get("democracy")?)?;
        let s: Vec<_> = (0..c.len()).map(|i| d.get(c[i], y[i])).collect();
        cols.push(column("polity2", s.iter().map(|x| x.polity2).collect()));
        cols.push(column("v2x_polyarchy", s.iter().map(|x| x.polyarchy).collect()));
    }
    if groups.contains(&Group::AtopThird) {
        let atop = src.atop()?;
        let inside = |i: usize| atop.cover.contains(y[i]);
        cols.push(column("n_def_promises", (0..c.len()).map(|i| inside(i).then(|| i32::from(atop.received(c[i], y[i])[0]))).collect()));
        cols.push(column("n_allies", (0..c.len()).map(|i| inside(i).then(|| i32::from(atop.partners(c[i], y[i])))).collect()));
    }
    if groups.contains(&Group::Conflict) {
        let parts = participants(&src.participants(spec.mids)?)?;
        let mut entered: HashMap<(i32, i32), i32> = HashMap::new();
        for states in parts.values() {
            for (&s, p) in states {
                if let Some(&first) = p.years.iter().next() {
                    *entered.entry((s, first)).or_default() += 1;
                }
            }
        }
        let cover = spec.mids.coverage();
        cols.push(column(
            "mid_onsets",
            (0..c.len()).map(|i| cover.contains(y[i]).then(|| entered.get(&(c[i], y[i])).copied().unwrap_or(0))).collect(),
        ));
    }
    let frame = DataFrame::new(c.len(), cols)?;
    let frame = select_columns(frame, crate::units::Unit::StateYear, chosen)?;
    Ok(Built { frame, notes: vec![format!("{} state-years {years}", c.len())] })
}
