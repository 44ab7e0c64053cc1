//! The variables of a joiner frame: alliance ties to each side's originators, contiguity and
//! distance to them, and the state's own capabilities and status in the start year.

use super::alliances::Atop;
use super::capabilities::{Majors, Nmc};
use super::geography::{Capitals, Contiguity};
use crate::catalog::DatasetId;
use crate::sources::index::column;
use crate::types::{BuildError, Group, Unit, Years};
use crate::units::joiner::Joiners;
use crate::units::{select_columns, BuildContext};
use polars::prelude::*;

/// The joiner frame: keys, the unit's own columns and the chosen variables.
pub fn frame(ctx: &BuildContext, j: Joiners) -> Result<DataFrame, BuildError> {
    let n = j.dispnum.len();
    let flag = |v: &[bool], f: &dyn Fn(usize) -> bool| -> Vec<Option<i32>> { (0..v.len()).map(|i| Some(i32::from(f(i)))).collect() };
    let mut cols = vec![
        column("dispnum", j.dispnum.iter().copied().map(Some).collect()),
        column("ccode", j.ccode.iter().copied().map(Some).collect()),
        column("styear", j.styear.iter().copied().map(Some).collect()),
        column("joined", flag(&j.joined, &|i| j.joined[i])),
        column("joined_side_a", flag(&j.joined, &|i| j.joined[i] && j.side_a[i])),
        column("joined_side_b", flag(&j.joined, &|i| j.joined[i] && !j.side_a[i])),
    ];
    let origs = |i: usize| &j.originators[&j.dispnum[i]];
    if ctx.wants(Group::AtopDirect) {
        let atop = Atop::new(&ctx.src.get(DatasetId::AtopDdy)?)?;
        let mut vals: Vec<Vec<Option<i32>>> = (0..5).map(|_| Vec::with_capacity(n)).collect();
        for i in 0..n {
            let (s, y, o) = (j.ccode[i], j.styear[i], origs(i));
            let def = |os: &[i32]| os.iter().any(|&c| atop.promised(s, c, y)[0]);
            let any = |os: &[i32]| os.iter().any(|&c| atop.any_between(s, c, y));
            let (def_a, def_b) = (def(&o.side_a), def(&o.side_b));
            let ally_side = j.joined[i] && ((j.side_a[i] && def_a) || (!j.side_a[i] && def_b));
            let inside = atop.cover.contains(y);
            for (k, v) in [def_a, def_b, any(&o.side_a), any(&o.side_b), ally_side].into_iter().enumerate() {
                vals[k].push(inside.then_some(i32::from(v)));
            }
        }
        for (name, v) in ["ally_def_a", "ally_def_b", "ally_any_a", "ally_any_b", "ally_joins_ally_side"].into_iter().zip(vals) {
            cols.push(column(name, v));
        }
        // Who it joined: the originators of its side it had promised defence, by COW abbreviation.
        let abb = crate::sources::system::abbreviations(&ctx.src.get(DatasetId::States)?)?;
        let joined_allies: Vec<Option<String>> = (0..n)
            .map(|i| {
                let (s, y, o) = (j.ccode[i], j.styear[i], origs(i));
                let side = if j.side_a[i] { &o.side_a } else { &o.side_b };
                let names: Vec<&str> = side
                    .iter()
                    .filter(|&&c| j.joined[i] && atop.promised(s, c, y)[0])
                    .map(|c| abb.get(c).map_or("?", String::as_str))
                    .collect();
                (!names.is_empty()).then(|| names.join(", "))
            })
            .collect();
        cols.push(Column::new("allied_originators".into(), joined_allies));
    }
    if ctx.wants(Group::Contiguity) {
        let cont = Contiguity::new(&ctx.src.get(DatasetId::Contdird)?)?;
        let cover = Years::of(DatasetId::Contdird);
        let contig = (0..n)
            .map(|i| {
                let (s, y, o) = (j.ccode[i], j.styear[i], origs(i));
                cover.contains(y).then(|| i32::from(o.side_a.iter().chain(&o.side_b).any(|&c| cont.conttype(s, c, y) <= 5)))
            })
            .collect();
        cols.push(column("contig_orig", contig));
    }
    if ctx.wants(Group::Capdist) {
        let caps = Capitals::new(&ctx.src.get(DatasetId::Capitals)?)?;
        let dist = (0..n)
            .map(|i| {
                let (s, y, o) = (j.ccode[i], j.styear[i], origs(i));
                o.side_a.iter().chain(&o.side_b).filter_map(|&c| caps.distance(s, c, y)).reduce(f64::min).map(f64::ln_1p)
            })
            .collect();
        cols.push(column("ln_dist_orig", dist));
    }
    if ctx.wants(Group::Majors) {
        let majors = Majors::new(&ctx.src.get(DatasetId::Majors)?)?;
        cols.push(column("major", (0..n).map(|i| Some(i32::from(majors.is_major(j.ccode[i], j.styear[i])))).collect()));
    }
    if ctx.wants(Group::Capabilities) {
        let nmc = Nmc::new(&ctx.src.get(DatasetId::Nmc)?)?;
        cols.push(column("cinc", (0..n).map(|i| nmc.get(j.ccode[i], j.styear[i]).cinc).collect()));
    }
    let frame = select_columns(DataFrame::new(n, cols)?, Unit::Joiner, &ctx.chosen)?;
    Ok(super::null_outside_sources(frame, &j.styear, &ctx.chosen, ctx.mids)?)
}
