//! The covariates of the frames whose rows pair an ally with a partner (invocation,
//! commitment): each one's power, status and regime, their proximity, and the alliance's
//! Benson type, measured in the year the row names.

use super::alliance_types::phase_types;
use super::capabilities::{Majors, Nmc};
use super::geography::Contiguity;
use super::regime::Democracy;
use crate::catalog::DatasetId;
use crate::sources::index::column_with;
use crate::types::{BuildError, Group, Years};
use crate::units::BuildContext;
use polars::prelude::*;

/// The rows of an ally-partner frame, as the covariates read them.
pub struct Pairs<'a> {
    /// Rows.
    pub n: usize,
    /// The ally of row i.
    pub ally: &'a dyn Fn(usize) -> i32,
    /// The partner of row i.
    pub partner: &'a dyn Fn(usize) -> i32,
    /// The year the covariates are measured in.
    pub year: &'a dyn Fn(usize) -> i32,
    /// The states at war, other than the ally, whose neighbours count as near the war.
    pub at_war: &'a dyn Fn(usize) -> Vec<i32>,
    /// The alliance phase of row i.
    pub phase: &'a dyn Fn(usize) -> (i32, i32),
}

/// The chosen covariates of ally and partner: power, status, regime, proximity, Benson's type.
pub fn covariates(ctx: &BuildContext, p: &Pairs) -> Result<Vec<Column>, BuildError> {
    let (n, ally, partner, year) = (p.n, p.ally, p.partner, p.year);
    let flag = |name: &str, f: &dyn Fn(usize) -> bool| column_with(name, n, |i| Some(i32::from(f(i))));
    let mut cols = Vec::new();
    if ctx.wants(Group::Majors) {
        let majors = Majors::new(&ctx.src.get(DatasetId::Majors)?)?;
        cols.push(flag("ally_major", &|i| majors.is_major(ally(i), year(i))));
        cols.push(flag("partner_major", &|i| majors.is_major(partner(i), year(i))));
    }
    if ctx.wants(Group::Capabilities) {
        let nmc = Nmc::new(&ctx.src.get(DatasetId::Nmc)?)?;
        cols.push(column_with("ally_cinc", n, |i| nmc.get(ally(i), year(i)).cinc));
        cols.push(column_with("partner_cinc", n, |i| nmc.get(partner(i), year(i)).cinc));
    }
    if ctx.wants(Group::Contiguity) {
        let cont = Contiguity::new(&ctx.src.get(DatasetId::Contdird)?)?;
        let cover = Years::of(DatasetId::Contdird);
        let near = |a: i32, b: i32, y: i32| cont.conttype(a, b, y) <= 5;
        cols.push(column_with("contig_partner", n, |i| cover.contains(year(i)).then(|| i32::from(near(ally(i), partner(i), year(i))))));
        cols.push(column_with("contig_war", n, |i| {
            cover.contains(year(i)).then(|| i32::from((p.at_war)(i).into_iter().any(|s| near(ally(i), s, year(i)))))
        }));
    }
    if ctx.wants(Group::Democracy) {
        let dem = Democracy::new(&ctx.src.get(DatasetId::Democracy)?)?;
        cols.push(column_with("jdem", n, |i| {
            let (a, q) = (dem.get(ally(i), year(i)).polity2?, dem.get(partner(i), year(i)).polity2?);
            Some(i32::from(a >= 6 && q >= 6))
        }));
        cols.push(column_with("ally_dem", n, |i| Some(i32::from(dem.get(ally(i), year(i)).polity2? >= 6))));
    }
    if ctx.wants(Group::AllianceTypes) {
        let types = phase_types(&ctx.src.get(DatasetId::BensonTypes)?)?;
        cols.push(column_with("benson_type", n, |i| {
            types.get(&(p.phase)(i)).map(|&bits| if bits == 0 { 0 } else { bits.trailing_zeros() as i32 + 1 })
        }));
    }
    Ok(cols)
}
