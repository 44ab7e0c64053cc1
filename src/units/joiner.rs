//! Dispute joiners (entanglement): one row per (dispute, state) where the state is a system
//! member in the dispute's start year and not one of its originators (STUDIES.md §1, §3).

use crate::frame::{select_columns, BuildError, Built, Sources, Spec};
use crate::units::{dispute, dyad_year, Unit};
use crate::vars::capabilities::{Majors, Nmc};
use crate::vars::conflict::participants;
use crate::vars::geography::{Capitals, Contiguity};
use crate::vars::keyed::column;
use crate::vars::Var;
use polars::prelude::*;

/// Builds the joiner frame.
pub fn build(src: &Sources, spec: &Spec, chosen: &[&'static Var]) -> Result<Built, BuildError> {
    let cover = spec.mids.coverage();
    let years = spec.checked_years(cover, cover, &format!("the dispute data (--mids {})", spec.mids.name()))?;
    let parts = participants(&src.participants(spec.mids)?)?;
    let starts = dispute::start_years(src, spec.mids)?;
    let spells = dyad_year::spells(&src.get("states")?)?;
    let atop = src.atop()?;
    let cont = Contiguity::new(&src.get("contdird")?)?;
    let caps = Capitals::new(&src.get("capitals")?)?;
    let nmc = Nmc::new(&src.get("nmc")?)?;
    let majors = Majors::new(&src.get("majors")?)?;

    let names = [
        "dispnum",
        "ccode",
        "styear",
        "joined",
        "joined_side_a",
        "joined_side_b",
        "ally_def_a",
        "ally_def_b",
        "ally_any_a",
        "ally_any_b",
        "ally_joins_ally_side",
        "contig_orig",
        "major",
    ];
    let mut ints: Vec<Vec<Option<i32>>> = names.iter().map(|_| Vec::new()).collect();
    let mut ln_dist: Vec<Option<f64>> = Vec::new();
    let mut cinc: Vec<Option<f64>> = Vec::new();
    let mut no_start = 0;
    for (&d, ps) in &parts {
        let Some(&y) = starts.get(&d) else {
            no_start += 1;
            continue;
        };
        if !years.contains(y) {
            continue;
        }
        let orig_a: Vec<i32> = ps.iter().filter(|(_, p)| p.orig && p.sidea).map(|(c, _)| *c).collect();
        let orig_b: Vec<i32> = ps.iter().filter(|(_, p)| p.orig && !p.sidea).map(|(c, _)| *c).collect();
        let in_atop = atop.cover.contains(y);
        let in_cont = (1816..=2016).contains(&y);
        for &s in dyad_year::members(&spells, y).keys() {
            let p = ps.get(&s);
            if p.is_some_and(|p| p.orig) {
                continue;
            }
            let joined = p.is_some();
            let side_a = p.is_some_and(|p| p.sidea);
            let def = |os: &[i32]| os.iter().any(|&o| atop.promised(s, o, y)[0]);
            let any = |os: &[i32]| os.iter().any(|&o| atop.any_between(s, o, y));
            let (def_a, def_b) = (def(&orig_a), def(&orig_b));
            let atop_val = |v: bool| in_atop.then_some(i32::from(v));
            let origs = orig_a.iter().chain(&orig_b);
            let contig = origs.clone().any(|&o| cont.conttype(s, o, y) <= 5);
            let dist = origs.filter_map(|&o| caps.distance(s, o, y)).reduce(f64::min);
            let vals = [
                Some(d),
                Some(s),
                Some(y),
                Some(i32::from(joined)),
                Some(i32::from(joined && side_a)),
                Some(i32::from(joined && !side_a)),
                atop_val(def_a),
                atop_val(def_b),
                atop_val(any(&orig_a)),
                atop_val(any(&orig_b)),
                atop_val(joined && ((side_a && def_a) || (!side_a && def_b))),
                in_cont.then_some(i32::from(contig)),
                Some(i32::from(majors.is_major(s, y))),
            ];
            for (c, v) in ints.iter_mut().zip(vals) {
                c.push(v);
            }
            ln_dist.push(dist.map(f64::ln_1p));
            cinc.push(nmc.get(s, y).cinc);
        }
    }
    let n = ln_dist.len();
    let mut cols: Vec<Column> = names.iter().zip(ints).map(|(name, v)| column(name, v)).collect();
    cols.push(column("ln_dist_orig", ln_dist));
    cols.push(column("cinc", cinc));
    let frame = select_columns(DataFrame::new(n, cols)?, Unit::Joiner, chosen)?;
    let joined = frame.column("joined").ok().and_then(|c| c.i32().ok().and_then(|c| c.sum())).unwrap_or(0);
    let mut notes =
        vec![format!("{n} (dispute, potential joiner) rows for disputes starting {years} (--mids {}); {joined} joined", spec.mids.name())];
    if no_start > 0 {
        notes.push(format!("{no_start} disputes without a start year skipped"));
    }
    Ok(Built { frame, notes })
}
