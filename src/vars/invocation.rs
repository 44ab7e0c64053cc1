//! The variables of an invocation frame (abandonment): what the ally did, the promise and its
//! conditions, and the ally's and partner's power, status, regime and proximity in the start
//! year.

use super::ally_partner::{covariates, Pairs};
use crate::sources::index::column_with;
use crate::types::{BuildError, Unit};
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
