//! The dyad-year universe (STUDIES.md §1): pairs of COW members that share at least one day of
//! membership in a year. Pairs that are members in the same year but never at the same time
//! (West Germany and unified Germany in 1990, say) are removed and counted.

use super::{BuildContext, Years};
use crate::catalog::DatasetId;
use crate::sources::index::{dyad_key, keys};
use crate::sources::{days_from_civil, year_of_day};
use crate::types::BuildError;
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Builds the universe of the request: the dispute source's years by default, within the state
/// system's.
pub fn build(ctx: &BuildContext) -> Result<DyadUniverse, BuildError> {
    let spells = spells(&ctx.src.get(DatasetId::States)?)?;
    let cover = coverage(&spells);
    let default = ctx.mids.coverage().clamp_to(cover).unwrap_or(cover);
    let years = ctx.years_within(default, cover, "the COW state system (states, v2016)")?;
    let u = universe(&spells, years, ctx.directed);
    ctx.note(format!(
        "{} {} dyad-years {years}; {} {} of states that were members in the same year but on no common day removed",
        u.len(),
        if ctx.directed { "directed" } else { "non-directed" },
        u.removed_no_common_day,
        if ctx.directed { "rows" } else { "pairs" },
    ));
    Ok(u)
}

/// The universe from the state system's first year to the last year of `u`, for what counts a
/// dyad's history (peace years start at the dyad's first joint year, not at the window's); None
/// when `u` already starts there.
pub fn history(ctx: &BuildContext, u: &DyadUniverse) -> Result<Option<DyadUniverse>, BuildError> {
    let spells = spells(&ctx.src.get(DatasetId::States)?)?;
    let first = coverage(&spells).first;
    if u.years.first <= first {
        return Ok(None);
    }
    Ok(Some(universe(&spells, Years { first, last: u.years.last }, u.directed)))
}

/// Where each dyad's peace spells stood at the end of the years built so far, so that a frame
/// of the next years (the next block of a partitioned build) counts them on without building
/// their history again.
#[derive(Debug, Default)]
pub struct PeaceCarry {
    /// The last year built; a frame continues the spells only if it starts the year after.
    pub through: Option<i32>,
    /// Per dyad (ccode1, ccode2): its last year, its peace years then, and whether a dispute
    /// began that year; for peace years since onsets.
    pub onset: HashMap<(i32, i32), (i32, i32, bool)>,
    /// The same for peace years since ongoing dispute years.
    pub ongoing: HashMap<(i32, i32), (i32, i32, bool)>,
}

impl PeaceCarry {
    /// Whether a frame starting in `first` continues these spells.
    pub fn continues_into(&self, first: i32) -> bool {
        self.through == Some(first - 1)
    }
}

/// Membership spells as (ccode, first day, last day), days since 1970-01-01.
pub fn spells(states: &DataFrame) -> PolarsResult<Vec<(i32, i32, i32)>> {
    let c = keys(states, "ccode")?;
    let s = states.column("start_date")?.cast(&DataType::Int32)?;
    let e = states.column("end_date")?.cast(&DataType::Int32)?;
    let (s, e) = (s.i32()?, e.i32()?);
    let mut out = Vec::with_capacity(c.len());
    for (i, &code) in c.iter().enumerate() {
        match (s.get(i), e.get(i)) {
            (Some(s), Some(e)) => out.push((code, s, e)),
            _ => polars_bail!(ComputeError: "membership spell of ccode {} has no complete dates", code),
        }
    }
    Ok(out)
}

/// Years the state system file covers.
pub fn coverage(spells: &[(i32, i32, i32)]) -> Years {
    let first = spells.iter().map(|s| year_of_day(s.1)).min().unwrap_or(0);
    let last = spells.iter().map(|s| year_of_day(s.2)).max().unwrap_or(0);
    Years { first, last }
}

/// Members of year `y` with their membership intervals clipped to the year, by ccode.
pub fn members(spells: &[(i32, i32, i32)], y: i32) -> BTreeMap<i32, Vec<(i32, i32)>> {
    let (ys, ye) = (days_from_civil(y, 1, 1), days_from_civil(y, 12, 31));
    let mut m: BTreeMap<i32, Vec<(i32, i32)>> = BTreeMap::new();
    for &(c, s, e) in spells {
        if s <= ye && e >= ys {
            m.entry(c).or_default().push((s.max(ys), e.min(ye)));
        }
    }
    m
}

/// The universe: keys sorted by (ccode1, ccode2, year).
pub struct DyadUniverse {
    /// First state of each row.
    pub ccode1: Vec<i32>,
    /// Second state of each row.
    pub ccode2: Vec<i32>,
    /// Year of each row.
    pub year: Vec<i32>,
    /// Rows (directed) or pairs (non-directed) dropped because the two states were members in
    /// the same year but on no common day.
    pub removed_no_common_day: usize,
    /// Years built.
    pub years: Years,
    /// Both orders of each pair (true) or ccode1 < ccode2 only.
    pub directed: bool,
}

/// Builds the directed (both orders) or non-directed (ccode1 < ccode2) dyad-years of `years`.
pub fn universe(spells: &[(i32, i32, i32)], years: Years, directed: bool) -> DyadUniverse {
    // Rows as packed (ccode1, ccode2, year) keys: sorting 1.8 million u64 is several times
    // faster than sorting tuples.
    let mut rows: Vec<u64> = Vec::new();
    let mut removed = 0;
    for y in years.first..=years.last {
        let m: Vec<(i32, Vec<(i32, i32)>)> = members(spells, y).into_iter().collect();
        for i in 0..m.len() {
            for j in i + 1..m.len() {
                let common = m[i].1.iter().any(|&(s1, e1)| m[j].1.iter().any(|&(s2, e2)| s1 <= e2 && s2 <= e1));
                let (a, b) = (m[i].0, m[j].0);
                if common {
                    rows.push(dyad_key(a, b, y));
                    if directed {
                        rows.push(dyad_key(b, a, y));
                    }
                } else {
                    removed += if directed { 2 } else { 1 };
                }
            }
        }
    }
    rows.sort_unstable();
    let mut u = DyadUniverse {
        ccode1: Vec::with_capacity(rows.len()),
        ccode2: Vec::with_capacity(rows.len()),
        year: Vec::with_capacity(rows.len()),
        removed_no_common_day: removed,
        years,
        directed,
    };
    for k in rows {
        u.ccode1.push((k >> 32) as i32);
        u.ccode2.push(((k >> 16) & 0xFFFF) as i32);
        u.year.push((k & 0xFFFF) as i32);
    }
    u
}

impl DyadUniverse {
    /// Rows.
    pub fn len(&self) -> usize {
        self.year.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.year.is_empty()
    }

    /// The key columns `ccode1`, `ccode2`, `year`, `dyad_id` (lower code × 1000 + higher).
    pub fn key_columns(&self) -> Vec<Column> {
        let dyad: Vec<i32> = self.ccode1.iter().zip(&self.ccode2).map(|(&a, &b)| a.min(b) * 1000 + a.max(b)).collect();
        vec![
            Series::new("ccode1".into(), &self.ccode1).into_column(),
            Series::new("ccode2".into(), &self.ccode2).into_column(),
            Series::new("year".into(), &self.year).into_column(),
            Series::new("dyad_id".into(), dyad).into_column(),
        ]
    }

    /// Keeps the rows where `keep` is true.
    pub fn retain(&mut self, keep: &[bool]) {
        let mut i = 0;
        self.ccode1.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        let mut i = 0;
        self.ccode2.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        let mut i = 0;
        self.year.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> i32 {
        days_from_civil(y, m, day)
    }

    #[test]
    fn pairs_need_a_common_day() {
        // GFR ends 1990-10-02, GDR ends 1990-10-02, GMY starts 1990-10-03.
        let spells = vec![
            (255, d(1990, 10, 3), d(2016, 12, 31)),
            (260, d(1955, 5, 5), d(1990, 10, 2)),
            (265, d(1954, 3, 25), d(1990, 10, 2)),
            (2, d(1816, 1, 1), d(2016, 12, 31)),
        ];
        let u = universe(&spells, Years { first: 1990, last: 1990 }, true);
        // USA with each of the three: 6 rows; GFR-GDR: 2 rows; GMY with GFR and GDR: removed (4).
        assert_eq!(u.len(), 8);
        assert_eq!(u.removed_no_common_day, 4);
        let nd = universe(&spells, Years { first: 1990, last: 1990 }, false);
        assert_eq!((nd.len(), nd.removed_no_common_day), (4, 2));
        assert!(nd.ccode1.iter().zip(&nd.ccode2).all(|(a, b)| a < b));
        assert_eq!(coverage(&spells), Years { first: 1816, last: 2016 });
    }
}
