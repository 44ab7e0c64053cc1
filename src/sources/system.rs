//! COW State System Membership v2016: membership spells, state-years, major powers and the
//! country-code list. Spell files gain `start_date` and `end_date` (polars dates) built from
//! their year/month/day columns, since dyads are formed on common days of membership.

use super::{days_from_civil, load, LoadError};
use crate::datadir::DataDir;
use polars::prelude::*;

/// Membership spells (243): `ccode`, `stateabb`, `statenme`, `styear`..`endday`,
/// plus `start_date` and `end_date`.
pub fn states(dir: &DataDir) -> Result<DataFrame, LoadError> {
    with_spell_dates(dir, "states")
}

/// One row per state-year of membership (15,951); key (ccode, year).
pub fn system(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load(dir, "system")
}

/// Major-power spells (14), plus `start_date` and `end_date`.
pub fn majors(dir: &DataDir) -> Result<DataFrame, LoadError> {
    with_spell_dates(dir, "majors")
}

/// COW country codes (243 rows, one per membership spell, so codes repeat).
pub fn country_codes(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load(dir, "country_codes")
}

fn with_spell_dates(dir: &DataDir, name: &str) -> Result<DataFrame, LoadError> {
    let mut df = load(dir, name)?;
    let path = dir.root.join(&crate::catalog::catalog().get(name)?.path);
    let frame_err = |source| LoadError::Frame { path: path.clone(), source };
    let start = dates(&df, ["styear", "stmonth", "stday"], "start_date").map_err(frame_err)?;
    let end = dates(&df, ["endyear", "endmonth", "endday"], "end_date").map_err(frame_err)?;
    df.with_column(start).map_err(frame_err)?;
    df.with_column(end).map_err(frame_err)?;
    Ok(df)
}

/// A date column from year, month and day columns (null where any part is null).
fn dates(df: &DataFrame, cols: [&str; 3], name: &str) -> PolarsResult<Column> {
    let y = df.column(cols[0])?.i32()?;
    let m = df.column(cols[1])?.i32()?;
    let d = df.column(cols[2])?.i32()?;
    let days: Vec<Option<i32>> = y
        .iter()
        .zip(m.iter())
        .zip(d.iter())
        .map(|((y, m), d)| match (y, m, d) {
            (Some(y), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => Some(days_from_civil(y, m as u32, d as u32)),
            _ => None,
        })
        .collect();
    Ok(Series::new(name.into(), days).cast(&DataType::Date)?.into_column())
}
