//! Variables (STUDIES.md §2–4): the builders that compute a unit's columns from its keys and the
//! sources (conflict, spells, alliances, capabilities, geography, regime, rivalry), and for each
//! unit with variables of other sources the assembly of its frame (`dyad_year`, `state_year`,
//! `joiner`, `invocation`). The registry of names, definitions and years is [`crate::types::registry`].

pub mod alliance_types;
pub mod alliances;
pub mod ally_partner;
pub mod capabilities;
pub mod commitment;
pub mod conflict;
pub mod dyad_year;
pub mod geography;
pub mod identity;
pub mod invocation;
pub mod joiner;
pub mod regime;
pub mod rivalry;
pub mod similarity;
pub mod specific;
pub mod spells;
pub mod state_year;
pub mod third_party;
pub mod user_data;

pub use crate::types::selection::all as all_vars;
pub use crate::types::selection::{find, for_unit, parse_list, select};
pub use crate::types::{Group, Var, VarError};

use crate::types::{Mids, Years};
use polars::prelude::*;

/// Nulls every chosen variable outside its source's years (from the catalog, see
/// [`crate::types::Source`]), whatever its builder filled in there: past the end of the
/// contiguity data a dyad is unknown, not "not contiguous". `years` gives each row's year.
pub fn null_outside_sources(frame: DataFrame, years: &[i32], chosen: &[&'static Var], mids: Mids) -> PolarsResult<DataFrame> {
    let (Some(&first), Some(&last)) = (years.iter().min(), years.iter().max()) else {
        return Ok(frame);
    };
    let mut frame = frame;
    for v in chosen {
        let cover = v.years(mids);
        if first >= cover.first && last <= cover.last {
            continue;
        }
        let inside: BooleanChunked = years.iter().map(|&y| cover.contains(y)).collect();
        let col = frame.column(v.name)?.as_materialized_series().clone();
        let nulls = Series::full_null(col.name().clone(), col.len(), col.dtype());
        frame.replace(v.name, col.zip_with(&inside, &nulls)?.into_column())?;
    }
    Ok(frame)
}

/// The rows of a source keyed by `year` that fall in `years`: an index built from them serves
/// a frame of those years (one block of a partitioned build) without reading the rest.
pub(crate) fn in_years(df: DataFrame, years: Years) -> PolarsResult<DataFrame> {
    df.lazy().filter(col("year").gt_eq(lit(years.first)).and(col("year").lt_eq(lit(years.last)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_null_past_their_sources_end() {
        // Contiguity and majors end in 2016: a 2017 row is unknown, not "no contiguity" (6) or
        // "not a major" (0); the dispute years depend on --mids.
        let years = [2009, 2016, 2017];
        let df = df!("conttype" => [6, 1, 6], "major1" => [0, 1, 0], "mid_onset" => [0, 0, 0]).unwrap();
        let chosen: Vec<&'static Var> =
            ["conttype", "major1", "mid_onset"].iter().map(|n| find(crate::types::Unit::DyadYear, n).unwrap()).collect();
        let get = |df: &DataFrame, c: &str| df.column(c).unwrap().i32().unwrap().iter().collect::<Vec<_>>();
        let gml = null_outside_sources(df.clone(), &years, &chosen, Mids::Gml).unwrap();
        assert_eq!(get(&gml, "conttype"), [Some(6), Some(1), None]);
        assert_eq!(get(&gml, "major1"), [Some(0), Some(1), None]);
        assert_eq!(get(&gml, "mid_onset"), [Some(0), None, None], "GML ends in 2010");
        let cow5 = null_outside_sources(df, &years, &chosen, Mids::Cow5).unwrap();
        assert_eq!(get(&cow5, "mid_onset"), [Some(0), None, None], "COW MID 5 ends in 2014");
    }
}
