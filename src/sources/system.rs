//! COW State System Membership v2016: membership spells, state-years, major powers and the
//! country-code list. Spell files gain `start_date` and `end_date` (polars dates) built from
//! their year/month/day columns, since dyads are formed on common days of membership.

use super::{dates, load_id, LoadError};
use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use polars::prelude::*;

/// Membership spells (243): `ccode`, `stateabb`, `statenme`, `styear`..`endday`,
/// plus `start_date` and `end_date`.
pub fn states(dir: &DataDir) -> Result<DataFrame, LoadError> {
    with_spell_dates(dir, DatasetId::States, load_id(dir, DatasetId::States)?)
}

/// COW abbreviations by country code, from the membership spells' `stateabb`.
pub fn abbreviations(states: &DataFrame) -> PolarsResult<std::collections::BTreeMap<i32, String>> {
    let codes = super::index::keys(states, "ccode")?;
    let abb = states.column("stateabb")?.str()?.clone();
    Ok(codes.into_iter().zip(abb.iter()).filter_map(|(c, a)| Some((c, a?.to_string()))).collect())
}

/// One row per state-year of membership (15,951); key (ccode, year).
pub fn system(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::System)
}

/// Major-power spells (14), plus `start_date` and `end_date`.
pub fn majors(dir: &DataDir) -> Result<DataFrame, LoadError> {
    with_spell_dates(dir, DatasetId::Majors, load_id(dir, DatasetId::Majors)?)
}

/// COW country codes (243 rows, one per membership spell, so codes repeat).
pub fn country_codes(dir: &DataDir) -> Result<DataFrame, LoadError> {
    load_id(dir, DatasetId::CountryCodes)
}

/// Adds `start_date` and `end_date` to a loaded spell file (`states` or `majors`).
pub(crate) fn with_spell_dates(dir: &DataDir, id: DatasetId, mut df: DataFrame) -> Result<DataFrame, LoadError> {
    let d = id.dataset();
    let path = dir.path_of(d);
    let frame_err = |source| LoadError::Frame { path: path.clone(), source };
    for (parts, date_col) in [(["styear", "stmonth", "stday"], "start_date"), (["endyear", "endmonth", "endday"], "end_date")] {
        let days = spell_dates(&df, parts).map_err(frame_err)?;
        // A date that does not exist (30 February) is bad input, named by line and column.
        if let Some(row) = days.iter().position(|d| d.is_err()) {
            let (y, m, day) = days[row].err().unwrap_or_default();
            let column = d.columns.iter().position(|c| c.name == parts[1]).map_or(0, |i| i + 1);
            return Err(LoadError::Value {
                path,
                line: row as u64 + 2,
                column,
                name: format!("{}/{}/{}", parts[0], parts[1], parts[2]),
                expected: "a calendar date".into(),
                found: format!("{y}-{m}-{day}"),
            });
        }
        let days: Vec<Option<i32>> = days.into_iter().map(|d| d.ok().flatten()).collect();
        let col = Series::new(date_col.into(), days).cast(&DataType::Date).map_err(frame_err)?;
        df.with_column(col.into_column()).map_err(frame_err)?;
    }
    Ok(df)
}

/// A spell date: days since 1970, null where a part is missing, or the parts that are no date.
type SpellDate = Result<Option<i32>, (i32, i32, i32)>;

/// Spell dates from year, month and day columns.
fn spell_dates(df: &DataFrame, cols: [&str; 3]) -> PolarsResult<Vec<SpellDate>> {
    let y = df.column(cols[0])?.i32()?;
    let m = df.column(cols[1])?.i32()?;
    let d = df.column(cols[2])?.i32()?;
    Ok(y.iter()
        .zip(m.iter())
        .zip(d.iter())
        .map(|((y, m), d)| match (y, m, d) {
            (Some(y), Some(m), Some(d)) => {
                let ok = u32::try_from(m).ok().zip(u32::try_from(d).ok()).and_then(|(m, d)| dates::date(y, m, d));
                ok.map(Some).ok_or((y, m, d))
            }
            _ => Ok(None),
        })
        .collect())
}
