//! The variables of a commitment frame (abandonment as LLM 2000 and B&F 2018 measure it): the
//! obligation, what became of it and why, and the ally's and partner's power, status, regime and
//! proximity in the year the partner entered.

use super::invocation::{covariates, Pairs};
use crate::sources::index::column_with;
use crate::types::{BuildError, Unit};
use crate::units::commitment::{Commitments, Status};
use crate::units::{select_columns, BuildContext};
use polars::prelude::*;

/// The commitment frame: keys, the unit's own columns and the chosen variables.
pub fn frame(ctx: &BuildContext, com: Commitments) -> Result<DataFrame, BuildError> {
    let n = com.ally.len();
    let int = |name: &str, f: &dyn Fn(usize) -> i32| column_with(name, n, |i| Some(f(i)));
    let flag = |name: &str, f: &dyn Fn(usize) -> bool| column_with(name, n, |i| Some(i32::from(f(i))));
    let text = |name: &str, f: &dyn Fn(usize) -> String| Column::new(name.into(), (0..n).map(f).collect::<Vec<String>>());
    let s = &com.status;
    let scored = |i: usize| matches!(s[i], Status::Fulfilled | Status::Violated);
    let mut cols = vec![
        int("conflict_id", &|i| com.conflict_id[i]),
        int("partner", &|i| com.partner[i]),
        int("ally", &|i| com.ally[i]),
        int("atopid", &|i| com.atopid[i]),
        text("obligation", &|i| com.obligation[i].name().to_string()),
        int("phase", &|i| com.phase[i]),
        int("styear", &|i| com.styear[i]),
        int("entry_year", &|i| com.entry_year[i]),
        flag("post1945", &|i| com.styear[i] >= 1945),
        text("status", &|i| s[i].name().to_string()),
        flag("invoked", &scored),
        column_with("fulfilled", n, |i| scored(i).then(|| i32::from(s[i] == Status::Fulfilled))),
        flag("co_belligerent", &|i| s[i] == Status::CoBelligerent),
        text("why", &|i| com.why[i].to_string()),
        text("unchecked", &|i| com.unchecked[i].clone()),
        text("ally_action", &|i| com.action[i].name().to_string()),
        flag("partner_attacked", &|i| com.partner_attacked[i]),
        flag("partner_initiated", &|i| com.partner_initiated[i]),
        flag("bilateral", &|i| com.bilateral[i]),
        text("pact_type", &|i| com.pact_type[i].name().to_string()),
        flag("primary", &|i| com.pact_type[i] == com.obligation[i]),
    ];
    // States at war on the partner's entry, other than the ally.
    let at_war = |i: usize| {
        let c = &com.conflicts[&com.conflict_id[i]];
        let entry = c.states[&com.partner[i]].0;
        c.states.iter().filter(|(&s, e)| s != com.ally[i] && e.0 <= entry).map(|(&s, _)| s).collect()
    };
    let pairs = Pairs {
        n,
        ally: &|i| com.ally[i],
        partner: &|i| com.partner[i],
        year: &|i| com.entry_year[i],
        at_war: &at_war,
        phase: &|i| (com.atopid[i], com.phase[i]),
    };
    cols.extend(covariates(ctx, &pairs)?);
    let frame = select_columns(DataFrame::new(n, cols)?, Unit::Commitment, &ctx.chosen)?;
    Ok(super::null_outside_sources(frame, &com.entry_year, &ctx.chosen, ctx.mids)?)
}
