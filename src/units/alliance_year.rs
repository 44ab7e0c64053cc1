//! Alliance-years (STUDIES.md §5 descriptives): one row per ATOP 4.01 alliance and year in
//! force, with the obligations its members undertake. An alliance is in force in a year when at
//! least two of its members are (a member's exit year 0: still in force at the end of the data).

use super::{select_columns, BuildContext};
use crate::catalog::DatasetId;
use crate::sources::index::{column, ints, keys};
use crate::types::{BuildError, Unit, Years};
use polars::prelude::*;
use std::collections::BTreeMap;

/// The obligations counted, as named in the member file and in the frame.
pub const OBLIGATIONS: [&str; 5] = ["defense", "offense", "neutral", "nonagg", "consul"];

/// An alliance's members in force in a year, and the obligations any of them undertakes.
type InForce = (Vec<i32>, [bool; 5]);

/// Builds the alliance-year frame.
pub fn build(ctx: &BuildContext) -> Result<DataFrame, BuildError> {
    let members = ctx.src.get(DatasetId::AtopMember4_01)?;
    let cover = Years::of(DatasetId::AtopMember4_01);
    let years = ctx.years_within(cover, cover, "ATOP 4.01")?;
    let (id, state, entry, exit) =
        (keys(&members, "atopid")?, keys(&members, "member")?, keys(&members, "yrent")?, keys(&members, "yrexit")?);
    let duties: Vec<Vec<bool>> =
        OBLIGATIONS.iter().map(|o| Ok(ints(&members, o)?.iter().map(|v| *v == Some(1)).collect())).collect::<PolarsResult<_>>()?;
    // (atopid, year) → (members in force, obligations any of them undertakes).
    let mut in_force: BTreeMap<(i32, i32), InForce> = BTreeMap::new();
    for i in 0..id.len() {
        let last = if exit[i] == 0 { cover.last } else { exit[i] };
        for y in entry[i].max(years.first)..=last.min(years.last) {
            let slot = in_force.entry((id[i], y)).or_default();
            if !slot.0.contains(&state[i]) {
                slot.0.push(state[i]);
            }
            for (k, d) in duties.iter().enumerate() {
                slot.1[k] |= d[i];
            }
        }
    }
    in_force.retain(|_, v| v.0.len() >= 2);
    let rows: Vec<(&(i32, i32), &InForce)> = in_force.iter().collect();
    let n = rows.len();
    let mut cols = vec![
        column("atopid", rows.iter().map(|r| Some(r.0 .0)).collect()),
        column("year", rows.iter().map(|r| Some(r.0 .1)).collect()),
        column("n_members", rows.iter().map(|r| Some(r.1 .0.len() as i32)).collect()),
    ];
    for (k, name) in OBLIGATIONS.iter().enumerate() {
        cols.push(column(name, rows.iter().map(|r| Some(i32::from(r.1 .1[k]))).collect()));
    }
    let alliances = rows.iter().map(|r| r.0 .0).collect::<std::collections::BTreeSet<_>>().len();
    ctx.note(format!("{n} alliance-years of {alliances} ATOP 4.01 alliances in force {years} (two or more members in force)"));
    Ok(select_columns(DataFrame::new(n, cols)?, Unit::AllianceYear, &ctx.chosen)?)
}
