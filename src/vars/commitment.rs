//! The variables of a commitment frame (abandonment as LLM 2000 and B&F 2018 measure it): the
//! obligation, what became of it and why, and the ally's and partner's power, status, regime and
//! proximity in the year the partner entered.

use super::ally_partner::{covariates, Pairs};
use crate::sources::index::column_with;
use crate::types::{BuildError, Unit};
use crate::units::commitment::{Commitments, Status};
use crate::units::{select_columns, BuildContext};
use polars::prelude::*;

/// The commitment frame: keys, the unit's own columns and the chosen variables.
pub fn frame(ctx: &BuildContext, com: Commitments) -> Result<DataFrame, BuildError> {
    let rows = &com.rows;
    let n = rows.len();
    let int = |name: &str, f: &dyn Fn(usize) -> i32| column_with(name, n, |i| Some(f(i)));
    let flag = |name: &str, f: &dyn Fn(usize) -> bool| column_with(name, n, |i| Some(i32::from(f(i))));
    let text = |name: &str, f: &dyn Fn(usize) -> String| Column::new(name.into(), (0..n).map(f).collect::<Vec<String>>());
    let scored = |i: usize| matches!(rows[i].status, Status::Fulfilled | Status::Violated);
    let mut cols = vec![
        int("conflict_id", &|i| rows[i].conflict_id),
        int("partner", &|i| rows[i].partner),
        int("ally", &|i| rows[i].ally),
        int("atopid", &|i| rows[i].atopid),
        text("obligation", &|i| rows[i].obligation.name().to_string()),
        int("phase", &|i| rows[i].phase),
        int("styear", &|i| rows[i].styear),
        int("entry_year", &|i| rows[i].entry_year),
        flag("post1945", &|i| rows[i].styear >= 1945),
        text("status", &|i| rows[i].status.name().to_string()),
        flag("invoked", &scored),
        column_with("fulfilled", n, |i| scored(i).then(|| i32::from(rows[i].status == Status::Fulfilled))),
        flag("co_belligerent", &|i| rows[i].status == Status::CoBelligerent),
        text("why", &|i| rows[i].why.to_string()),
        text("unchecked", &|i| rows[i].unchecked.clone()),
        text("ally_action", &|i| rows[i].action.name().to_string()),
        flag("partner_attacked", &|i| rows[i].partner_attacked),
        flag("partner_initiated", &|i| rows[i].partner_initiated),
        flag("bilateral", &|i| rows[i].bilateral),
        text("pact_type", &|i| rows[i].pact_type.name().to_string()),
        flag("primary", &|i| rows[i].pact_type == rows[i].obligation),
    ];
    // States at war on the partner's entry, other than the ally.
    let at_war = |i: usize| {
        let c = &com.conflicts[&rows[i].conflict_id];
        let entry = c.states[&rows[i].partner].0;
        c.states.iter().filter(|(&s, e)| s != rows[i].ally && e.0 <= entry).map(|(&s, _)| s).collect()
    };
    let pairs = Pairs {
        n,
        ally: &|i| rows[i].ally,
        partner: &|i| rows[i].partner,
        year: &|i| rows[i].entry_year,
        at_war: &at_war,
        phase: &|i| (rows[i].atopid, rows[i].phase),
    };
    cols.extend(covariates(ctx, &pairs)?);
    let frame = select_columns(DataFrame::new(n, cols)?, Unit::Commitment, &ctx.chosen)?;
    let entry_years: Vec<i32> = rows.iter().map(|r| r.entry_year).collect();
    Ok(super::null_outside_sources(frame, &entry_years, &ctx.chosen, ctx.mids)?)
}
