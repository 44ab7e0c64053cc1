//! Capabilities (NMC 6.0) and major-power status (COW majors2016) by state-year, and the dyadic
//! measures built from them (STUDIES.md §4).

use super::keyed::{floats, ints, keys, StateYearIndex};
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

/// Dyadic capability columns (`cinc1` … `milit_min`).
pub fn dyad_columns(nmc: &Nmc, c1: &[i32], c2: &[i32], year: &[i32]) -> Vec<(&'static str, Vec<Option<f64>>)> {
    let names = ["cinc1", "cinc2", "cap_prop", "cap_ratio_ln", "cinc_minmax", "milper1", "milper2", "tpop1", "tpop2", "milit1", "milit2", "milit_min"];
    let mut cols: Vec<Vec<Option<f64>>> = names.iter().map(|_| Vec::with_capacity(c1.len())).collect();
    for i in 0..c1.len() {
        let (a, b) = (nmc.get(c1[i], year[i]), nmc.get(c2[i], year[i]));
        let (lo, hi) = match (a.cinc, b.cinc) {
            (Some(x), Some(y)) => (Some(x.min(y)), Some(x.max(y))),
            _ => (None, None),
        };
        let prop = match (a.cinc, b.cinc) {
            (Some(x), Some(y)) if x + y > 0.0 => Some(x / (x + y)),
            _ => None,
        };
        let ratio_ln = match (lo, hi) {
            (Some(l), Some(h)) if l > 0.0 => Some((h / l).ln()),
            _ => None,
        };
        let minmax = match (lo, hi) {
            (Some(l), Some(h)) if h > 0.0 => Some(l / h),
            _ => None,
        };
        let vals = [a.cinc, b.cinc, prop, ratio_ln, minmax, a.milper, b.milper, a.tpop, b.tpop, a.milit(), b.milit(), min_opt(a.milit(), b.milit())];
        for (c, v) in cols.iter_mut().zip(vals) {
            c.push(v);
        }
    }
    names.into_iter().zip(cols).collect()
}

/// Major-power status by state-year (a state is a major power in every year one of its spells
/// touches).
pub struct Majors {
    spells: Vec<(i32, i32, i32)>,
}

impl Majors {
    /// Reads the `majors` frame (`ccode`, `styear`, `endyear`).
    pub fn new(majors: &DataFrame) -> PolarsResult<Majors> {
        let (c, s, e) = (keys(majors, "ccode")?, ints(majors, "styear")?, ints(majors, "endyear")?);
        let spells = (0..c.len()).filter_map(|i| Some((c[i], s[i]?, e[i]?))).collect();
        Ok(Majors { spells })
    }

    /// Whether `ccode` is a major power in `year`.
    pub fn is_major(&self, ccode: i32, year: i32) -> bool {
        self.spells.iter().any(|&(c, s, e)| c == ccode && s <= year && year <= e)
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
