//! Third-party peacekeeping missions (Mullenbach's Third-Party PKM v3.1), one row per mission,
//! with the legitimacy of their mandate.

use super::{select_columns, BuildContext};
use crate::catalog::DatasetId;
use crate::sources::index::{column, floats, ints, keys};
use crate::types::{BuildError, Unit, Years};
use polars::prelude::*;

/// Builds the mission frame from the producer's Excel file.
pub fn build(ctx: &BuildContext) -> Result<DataFrame, BuildError> {
    let pkm = ctx.src.get(DatasetId::Pkm)?;
    let cover = Years::of(DatasetId::Pkm);
    let years = ctx.years_within(cover, cover, "Third-Party PKM v3.1")?;
    let start = ints(&pkm, "startyr")?;
    let keep: Vec<bool> = start.iter().map(|y| y.is_some_and(|y| years.contains(y))).collect();
    let pkm = pkm.filter(&BooleanChunked::from_slice("keep".into(), &keep))?;
    let n = pkm.height();
    let un = ints(&pkm, "unmandate")?;
    let resol: Vec<Option<String>> = pkm.column("unresol_date")?.str()?.iter().map(|s| s.map(str::to_string)).collect();
    // Not UN-mandated, yet a mandating body is named (AU, ECOWAS, EU, NATO, OAS, OSCE, ...).
    let regional: Vec<Option<i32>> =
        (0..n).map(|i| Some(i32::from(un[i] != Some(1) && resol[i].as_deref().is_some_and(|s| !s.trim().is_empty())))).collect();
    let legitimacy: Vec<Option<i32>> = (0..n).map(|i| Some(if un[i] == Some(1) { 2 } else { regional[i].unwrap_or(0) })).collect();
    let statenum = floats(&pkm, "statenum")?;
    let start = ints(&pkm, "startyr")?;
    let cols = vec![
        column("obsnum", keys(&pkm, "obsnum")?.into_iter().map(Some).collect()),
        pkm.column("pkmname_location")?.clone().with_name("mission_name".into()),
        column("startyr", start.clone()),
        column("endyr", ints(&pkm, "endyr")?),
        column("statenum", ints(&pkm, "statenum")?),
        column("ln_statenum", statenum.iter().map(|s| s.filter(|s| *s > 0.0).map(f64::ln)).collect()),
        column("un_mandate", un.clone()),
        column("regional_mandate", regional),
        column("legitimacy", legitimacy),
        column("tptype", ints(&pkm, "tptype")?),
        column("cold_war", start.iter().map(|y| y.map(|y| i32::from(y < 1990))).collect()),
        column("regnum", ints(&pkm, "regnum")?),
        column("pkmnum1", floats(&pkm, "pkmnum1")?),
    ];
    let frame = DataFrame::new(n, cols)?;
    let missing = frame.column("statenum").map(|c| c.null_count()).unwrap_or(0);
    ctx.note(format!("{n} missions starting {years}; statenum missing for {missing}"));
    Ok(select_columns(frame, Unit::Mission, &ctx.chosen)?)
}
