//! Democracy by state-year (polity2, V-Dem polyarchy, extended UDS) and the dyadic measures
//! built from them (STUDIES.md §4).

use super::keyed::{floats, ints, keys, StateYearIndex};
use polars::prelude::*;

/// Democracy scores by state-year.
pub struct Democracy {
    index: StateYearIndex,
    polity2: Vec<Option<i32>>,
    polyarchy: Vec<Option<f64>>,
    euds: Vec<Option<f64>>,
    aeuds: Vec<Option<f64>>,
}

/// One state's scores in a year.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scores {
    /// Polity5 polity2.
    pub polity2: Option<i32>,
    /// V-Dem electoral democracy.
    pub polyarchy: Option<f64>,
    /// Extended UDS.
    pub euds: Option<f64>,
    /// Adjusted extended UDS.
    pub aeuds: Option<f64>,
}

impl Democracy {
    /// Indexes the `democracy` frame.
    pub fn new(dem: &DataFrame) -> PolarsResult<Democracy> {
        Ok(Democracy {
            index: StateYearIndex::new(&keys(dem, "ccode")?, &keys(dem, "year")?),
            polity2: ints(dem, "polity2")?,
            polyarchy: floats(dem, "v2x_polyarchy")?,
            euds: floats(dem, "euds")?,
            aeuds: floats(dem, "aeuds")?,
        })
    }

    /// Scores of `ccode` in `year`.
    pub fn get(&self, ccode: i32, year: i32) -> Scores {
        match self.index.get(ccode, year) {
            Some(r) => Scores { polity2: self.polity2[r], polyarchy: self.polyarchy[r], euds: self.euds[r], aeuds: self.aeuds[r] },
            None => Scores::default(),
        }
    }
}

/// Integer columns (`polity2_1`, `polity2_2`, `jdem`, `dem_min`) and float columns (V-Dem, UDS).
#[allow(clippy::type_complexity)]
pub fn dyad_columns(dem: &Democracy, c1: &[i32], c2: &[i32], year: &[i32]) -> (Vec<(&'static str, Vec<Option<i32>>)>, Vec<(&'static str, Vec<Option<f64>>)>) {
    let n = c1.len();
    let mut ints: Vec<Vec<Option<i32>>> = (0..4).map(|_| Vec::with_capacity(n)).collect();
    let mut flts: Vec<Vec<Option<f64>>> = (0..6).map(|_| Vec::with_capacity(n)).collect();
    for i in 0..n {
        let (a, b) = (dem.get(c1[i], year[i]), dem.get(c2[i], year[i]));
        let jdem = match (a.polity2, b.polity2) {
            (Some(x), Some(y)) => Some(i32::from(x >= 6 && y >= 6)),
            _ => None,
        };
        let dmin = match (a.polity2, b.polity2) {
            (Some(x), Some(y)) => Some(x.min(y)),
            _ => None,
        };
        for (c, v) in ints.iter_mut().zip([a.polity2, b.polity2, jdem, dmin]) {
            c.push(v);
        }
        for (c, v) in flts.iter_mut().zip([a.polyarchy, b.polyarchy, a.euds, b.euds, a.aeuds, b.aeuds]) {
            c.push(v);
        }
    }
    let int_names = ["polity2_1", "polity2_2", "jdem", "dem_min"];
    let flt_names = ["v2x_polyarchy1", "v2x_polyarchy2", "euds1", "euds2", "aeuds1", "aeuds2"];
    (int_names.into_iter().zip(ints).collect(), flt_names.into_iter().zip(flts).collect())
}
