//! Capabilities (NMC 6.0) and major-power status (COW majors2016) by state-year, and the dyadic
//! measures built from them (STUDIES.md §4).

use crate::sources::index::{column_with, floats, ints, keys, StateYearIndex, StateYearTable};
use polars::prelude::*;

/// NMC values by state-year.
pub struct Nmc {
    index: StateYearIndex,
    cinc: Vec<Option<f64>>,
    milex: Vec<Option<f64>>,
    milper: Vec<Option<f64>>,
    tpop: Vec<Option<f64>>,
}

/// One state's NMC values in a year.
#[derive(Debug, Clone, Copy, Default)]
pub struct Capability {
    /// CINC score.
    pub cinc: Option<f64>,
    /// Military expenditure.
    pub milex: Option<f64>,
    /// Military personnel.
    pub milper: Option<f64>,
    /// Total population.
    pub tpop: Option<f64>,
}

impl Capability {
    /// milper / tpop (null when tpop is 0 or missing).
    pub fn milit(&self) -> Option<f64> {
        match (self.milper, self.tpop) {
            (Some(m), Some(t)) if t > 0.0 => Some(m / t),
            _ => None,
        }
    }
}

impl Nmc {
    /// Indexes the `nmc` frame.
    pub fn new(nmc: &DataFrame) -> PolarsResult<Nmc> {
        Ok(Nmc {
            index: StateYearIndex::new(&keys(nmc, "ccode")?, &keys(nmc, "year")?),
            cinc: floats(nmc, "cinc")?,
            milex: floats(nmc, "milex")?,
            milper: floats(nmc, "milper")?,
            tpop: floats(nmc, "tpop")?,
        })
    }

    /// Values of `ccode` in `year` (all null when the state-year is absent).
    pub fn get(&self, ccode: i32, year: i32) -> Capability {
        match self.index.get(ccode, year) {
            Some(r) => Capability { cinc: self.cinc[r], milex: self.milex[r], milper: self.milper[r], tpop: self.tpop[r] },
            None => Capability::default(),
        }
    }
}

fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a?.min(b?))
}

/// Dyadic capability columns (`cinc1` … `milit_min`), each built straight into polars.
pub fn dyad_columns(nmc: &Nmc, c1: &[i32], c2: &[i32], year: &[i32]) -> Vec<Column> {
    let n = c1.len();
    let r1: Vec<Option<usize>> = (0..n).map(|i| nmc.index.get(c1[i], year[i])).collect();
    let r2: Vec<Option<usize>> = (0..n).map(|i| nmc.index.get(c2[i], year[i])).collect();
    let at = |v: &[Option<f64>], r: Option<usize>| r.and_then(|r| v[r]);
    let cinc = |i: usize| (at(&nmc.cinc, r1[i]), at(&nmc.cinc, r2[i]));
    let milit = |r: Option<usize>| match (at(&nmc.milper, r), at(&nmc.tpop, r)) {
        (Some(m), Some(t)) if t > 0.0 => Some(m / t),
        _ => None,
    };
    vec![
        column_with("cinc1", n, |i| cinc(i).0),
        column_with("cinc2", n, |i| cinc(i).1),
        column_with("cap_prop", n, |i| match cinc(i) {
            (Some(x), Some(y)) if x + y > 0.0 => Some(x / (x + y)),
            _ => None,
        }),
        column_with("cap_ratio_ln", n, |i| match cinc(i) {
            (Some(x), Some(y)) if x.min(y) > 0.0 => Some((x.max(y) / x.min(y)).ln()),
            _ => None,
        }),
        column_with("cinc_minmax", n, |i| match cinc(i) {
            (Some(x), Some(y)) if x.max(y) > 0.0 => Some(x.min(y) / x.max(y)),
            _ => None,
        }),
        column_with("milper1", n, |i| at(&nmc.milper, r1[i])),
        column_with("milper2", n, |i| at(&nmc.milper, r2[i])),
        column_with("tpop1", n, |i| at(&nmc.tpop, r1[i])),
        column_with("tpop2", n, |i| at(&nmc.tpop, r2[i])),
        column_with("milit1", n, |i| milit(r1[i])),
        column_with("milit2", n, |i| milit(r2[i])),
        column_with("milit_min", n, |i| min_opt(milit(r1[i]), milit(r2[i]))),
    ]
}

/// Major-power status by state-year (a state is a major power in every year one of its spells
/// touches), as a dense table: a frame asks 3.4 million times.
pub struct Majors {
    table: StateYearTable<bool>,
}

impl Majors {
    /// Reads the `majors` frame (`ccode`, `styear`, `endyear`).
    pub fn new(majors: &DataFrame) -> PolarsResult<Majors> {
        let (c, s, e) = (keys(majors, "ccode")?, ints(majors, "styear")?, ints(majors, "endyear")?);
        let spells: Vec<(i32, i32, i32)> = (0..c.len()).filter_map(|i| Some((c[i], s[i]?, e[i]?))).collect();
        let first = spells.iter().map(|s| s.1).min().unwrap_or(0);
        let last = spells.iter().map(|s| s.2).max().unwrap_or(0);
        let mut table = StateYearTable::new(first, last);
        for (c, s, e) in spells {
            for y in s..=e {
                if let Some(cell) = table.get_mut(c, y) {
                    *cell = true;
                }
            }
        }
        Ok(Majors { table })
    }

    /// Whether `ccode` is a major power in `year`.
    pub fn is_major(&self, ccode: i32, year: i32) -> bool {
        self.table.get(ccode, year)
    }

    /// `major1`, `major2`, `major_any`.
    pub fn dyad_columns(&self, c1: &[i32], c2: &[i32], year: &[i32]) -> Vec<(&'static str, Vec<Option<i32>>)> {
        let mut m1 = Vec::with_capacity(c1.len());
        let mut m2 = Vec::with_capacity(c1.len());
        let mut any = Vec::with_capacity(c1.len());
        for i in 0..c1.len() {
            let (a, b) = (self.is_major(c1[i], year[i]), self.is_major(c2[i], year[i]));
            m1.push(Some(i32::from(a)));
            m2.push(Some(i32::from(b)));
            any.push(Some(i32::from(a || b)));
        }
        vec![("major1", m1), ("major2", m2), ("major_any", any)]
    }
}
