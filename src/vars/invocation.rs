//! The variables of an invocation frame (abandonment): what the ally did, the promise and its
//! conditions, and the ally's and partner's power, status, regime and proximity in the start
//! year.

use super::alliance_types::phase_types;
use super::capabilities::{Majors, Nmc};
use super::geography::Contiguity;
use super::regime::Democracy;
use crate::catalog::DatasetId;
use crate::sources::index::column_with;
use crate::types::{BuildError, Group, Unit, Years};
use crate::units::invocation::{Invocations, Response};
use crate::units::{select_columns, BuildContext};
use polars::prelude::*;

/// The invocation frame: keys, the unit's own columns and the chosen variables.
pub fn frame(ctx: &BuildContext, inv: Invocations) -> Result<DataFrame, BuildError> {
    let n = inv.ally.len();
    let int = |name: &str, f: &dyn Fn(usize) -> i32| column_with(name, n, |i| Some(f(i)));
    let flag = |name: &str, f: &dyn Fn(usize) -> bool| column_with(name, n, |i| Some(i32::from(f(i))));
    let r = &inv.response;
    let mut cols = vec![
        int("conflict_id", &|i| inv.conflict_id[i]),
        int("partner", &|i| inv.partner[i]),
        int("ally", &|i| inv.ally[i]),
        int("styear", &|i| inv.styear[i]),
        flag("post1945", &|i| inv.styear[i] >= 1945),
        flag("partner_side_a", &|i| inv.partner_side_a[i]),
        flag("partner_initiated", &|i| inv.partner_initiated[i]),
        flag("ally_at_start", &|i| inv.ally_at_start[i]),
        flag("fulfilled", &|i| r[i] == Response::Fulfilled),
        flag("stayed_out", &|i| r[i] == Response::StayedOut),
        flag("opposed", &|i| r[i] == Response::Opposed),
        int("response", &|i| match r[i] {
            Response::Fulfilled => 2,
            Response::StayedOut => 1,
            Response::Opposed => 0,
        }),
        flag("conditions_hold", &|i| inv.conditions_hold[i]),
        column_with("fulfilled_matched", n, |i| inv.conditions_hold[i].then_some(i32::from(r[i] == Response::Fulfilled))),
        int("atopid", &|i| inv.promise[i].atopid),
        int("n_promises", &|i| inv.n_promises[i] as i32),
        flag("bilateral", &|i| inv.promise[i].bilateral),
        flag("ally_offense", &|i| inv.promise[i].offense),
        flag("conditional", &|i| inv.promise[i].conditional),
    ];
    let mid = ctx.conflicts == crate::types::Conflicts::Mid;
    let at_war = |i: usize| {
        let c = &inv.conflicts[&inv.conflict_id[i]];
        c.states.keys().copied().filter(|&s| s != inv.ally[i] && c.from_start(s, mid)).collect()
    };
    let pairs = Pairs {
        n,
        ally: &|i| inv.ally[i],
        partner: &|i| inv.partner[i],
        year: &|i| inv.styear[i],
        at_war: &at_war,
        phase: &|i| (inv.promise[i].atopid, inv.promise[i].phase),
    };
    cols.extend(covariates(ctx, &pairs)?);
    let frame = select_columns(DataFrame::new(n, cols)?, Unit::Invocation, &ctx.chosen)?;
    Ok(super::null_outside_sources(frame, &inv.styear, &ctx.chosen, ctx.mids)?)
}

/// The rows of an ally-partner frame, as the covariates read them.
pub(super) struct Pairs<'a> {
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
pub(super) fn covariates(ctx: &BuildContext, p: &Pairs) -> Result<Vec<Column>, BuildError> {
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
