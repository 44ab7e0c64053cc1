//! State-years: every COW system member in every year it is a member (system2016).

use super::{BuildContext, Years};
use crate::catalog::DatasetId;
use crate::sources::index::keys;
use crate::types::BuildError;

/// The state-year rows, sorted by (ccode, year).
pub struct StateYears {
    /// State of each row.
    pub ccode: Vec<i32>,
    /// Year of each row.
    pub year: Vec<i32>,
    /// Years built.
    pub years: Years,
}

/// Builds the state-year rows of the request: the dispute source's years by default.
pub fn build(ctx: &BuildContext) -> Result<StateYears, BuildError> {
    let system = ctx.src.get(DatasetId::System)?;
    let (c_all, y_all) = (keys(&system, "ccode")?, keys(&system, "year")?);
    let cover = Years::of(DatasetId::System);
    let years = ctx.years_within(ctx.mids.coverage().clamp_to(cover).unwrap_or(cover), cover, "the COW state system (system, v2016)")?;
    let mut rows: Vec<(i32, i32)> = c_all.iter().zip(&y_all).filter(|(_, y)| years.contains(**y)).map(|(c, y)| (*c, *y)).collect();
    rows.sort_unstable();
    let (ccode, year): (Vec<i32>, Vec<i32>) = rows.into_iter().unzip();
    ctx.note(format!("{} state-years {years}", ccode.len()));
    Ok(StateYears { ccode, year, years })
}
