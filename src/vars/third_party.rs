//! Composed third-party variables (`tgt_def[major]`, `n_chal_ally[dem]`; see
//! [`crate::types::composed`]): for each dyad-year, the states other than the dyad's two that
//! promised the obligation to the target (or the challenger) in the year, kept when the
//! condition holds for them that year, counted or flagged.

use super::alliances::KINDS;
use super::capabilities::{Majors, Nmc};
use super::geography::Contiguity;
use super::regime::Democracy;
use crate::sources::index::{int_column, ints, keys};
use crate::types::composed::{Composed, Condition, Side};
use crate::types::Years;
use polars::prelude::*;
use std::collections::HashMap;

/// What the conditions read, each loaded only when a requested variable needs it.
#[derive(Default)]
pub struct Conditions {
    /// Major powers.
    pub majors: Option<Majors>,
    /// Democracy scores.
    pub democracy: Option<Democracy>,
    /// Contiguity.
    pub contiguity: Option<Contiguity>,
    /// Capabilities.
    pub nmc: Option<Nmc>,
}

impl Conditions {
    fn holds(&self, c: Condition, third: i32, other: i32, year: i32) -> bool {
        match c {
            Condition::Major => self.majors.as_ref().is_some_and(|m| m.is_major(third, year)),
            Condition::Minor => self.majors.as_ref().is_some_and(|m| !m.is_major(third, year)),
            Condition::Democracy => self.democracy.as_ref().and_then(|d| d.get(third, year).polity2).is_some_and(|p| p >= 6),
            Condition::NonDemocracy => self.democracy.as_ref().and_then(|d| d.get(third, year).polity2).is_some_and(|p| p < 6),
            Condition::ContiguousToOther => self.contiguity.as_ref().is_some_and(|k| k.conttype(third, other, year) == 1),
            Condition::CincAbove(x) => self.nmc.as_ref().and_then(|n| n.get(third, year).cinc).is_some_and(|v| v > x),
        }
    }
}

/// Who promised what to whom: for each (promisee, year), the promisers and their obligation
/// bits (ATOP order), from the ATOP 5.1 directed dyad-years.
pub struct Promisers {
    by_promisee: HashMap<(i32, i32), Vec<(i32, u8)>>,
    /// Years covered.
    pub cover: Years,
}

impl Promisers {
    /// Indexes the `atop_ddy` frame (ccode1 promised to ccode2).
    pub fn new(atop: &DataFrame) -> PolarsResult<Promisers> {
        let (c1, c2, y) = (keys(atop, "ccode1")?, keys(atop, "ccode2")?, keys(atop, "year")?);
        let cols: Vec<Vec<Option<i32>>> = KINDS.iter().map(|k| ints(atop, &format!("atop_{k}"))).collect::<PolarsResult<_>>()?;
        let mut by_promisee: HashMap<(i32, i32), Vec<(i32, u8)>> = HashMap::new();
        for i in 0..c1.len() {
            let bits = cols.iter().enumerate().fold(0u8, |b, (k, col)| b | (u8::from(col[i] == Some(1)) << k));
            if bits != 0 {
                by_promisee.entry((c2[i], y[i])).or_default().push((c1[i], bits));
            }
        }
        let cover = Years { first: y.iter().copied().min().unwrap_or(0), last: y.iter().copied().max().unwrap_or(0) };
        Ok(Promisers { by_promisee, cover })
    }
}

/// The columns of the composed variables over dyad-year rows; null outside ATOP's years.
pub fn columns(p: &Promisers, cond: &Conditions, wanted: &[Composed], c1: &[i32], c2: &[i32], year: &[i32]) -> Vec<Column> {
    let valid: polars_arrow::bitmap::Bitmap = year.iter().map(|&y| p.cover.contains(y)).collect();
    wanted
        .iter()
        .map(|w| {
            let mask: u8 = if w.obligation == 5 { 0b1_1111 } else { 1 << w.obligation };
            let values: Vec<i32> = (0..c1.len())
                .map(|i| {
                    let (own, other) = match w.side {
                        Side::Target => (c2[i], c1[i]),
                        Side::Challenger => (c1[i], c2[i]),
                    };
                    let n = p.by_promisee.get(&(own, year[i])).map_or(0, |list| {
                        list.iter()
                            .filter(|&&(c, bits)| c != other && bits & mask != 0 && cond.holds(w.condition, c, other, year[i]))
                            .count()
                    });
                    if w.count {
                        n as i32
                    } else {
                        i32::from(n > 0)
                    }
                })
                .collect();
            int_column(&w.name, values, Some(&valid))
        })
        .collect()
}
