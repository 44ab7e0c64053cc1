//! Democracy by state-year (polity2, V-Dem polyarchy, extended UDS) and the dyadic measures
//! built from them (STUDIES.md §4).

use crate::sources::index::{column_with, floats, ints, keys, StateYearIndex};
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

/// Dyadic democracy columns, in registry order.
pub fn dyad_columns(dem: &Democracy, c1: &[i32], c2: &[i32], year: &[i32]) -> Vec<Column> {
    let n = c1.len();
    let r1: Vec<Option<usize>> = (0..n).map(|i| dem.index.get(c1[i], year[i])).collect();
    let r2: Vec<Option<usize>> = (0..n).map(|i| dem.index.get(c2[i], year[i])).collect();
    let p = |r: Option<usize>| r.and_then(|r| dem.polity2[r]);
    let f = |v: &[Option<f64>], r: Option<usize>| r.and_then(|r| v[r]);
    vec![
        column_with("polity2_1", n, |i| p(r1[i])),
        column_with("polity2_2", n, |i| p(r2[i])),
        column_with("v2x_polyarchy1", n, |i| f(&dem.polyarchy, r1[i])),
        column_with("v2x_polyarchy2", n, |i| f(&dem.polyarchy, r2[i])),
        column_with("euds1", n, |i| f(&dem.euds, r1[i])),
        column_with("euds2", n, |i| f(&dem.euds, r2[i])),
        column_with("aeuds1", n, |i| f(&dem.aeuds, r1[i])),
        column_with("aeuds2", n, |i| f(&dem.aeuds, r2[i])),
        column_with("jdem", n, |i| Some(i32::from(p(r1[i])? >= 6 && p(r2[i])? >= 6))),
        column_with("dem_min", n, |i| Some(p(r1[i])?.min(p(r2[i])?))),
        column_with("aeuds_min", n, |i| Some(f(&dem.aeuds, r1[i])?.min(f(&dem.aeuds, r2[i])?))),
    ]
}
