//! Dispute participants: each state's participation in each dispute, merged over its spells,
//! from a MIDB-like participant file (COW MIDB 5.0, GML participants 2.2.1).

use super::index::{ints, keys};
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Values equal to 1 as true.
pub fn flags(v: &[Option<i32>]) -> Vec<bool> {
    v.iter().map(|x| *x == Some(1)).collect()
}

/// A state's participation in a dispute, merged over its spells.
#[derive(Debug, Clone, Default)]
pub struct Participation {
    /// Years it took part.
    pub years: BTreeSet<i32>,
    /// On side A.
    pub sidea: bool,
    /// Originator in any spell.
    pub orig: bool,
}

/// Participations by dispute number, then state.
pub type Participants = BTreeMap<i32, BTreeMap<i32, Participation>>;

/// Participants by dispute and state, from a MIDB-like frame (`dispnum`, `ccode`, `styear`,
/// `endyear`, `sidea`, `orig`).
pub fn participants(midb: &DataFrame) -> PolarsResult<Participants> {
    let (d, c) = (keys(midb, "dispnum")?, keys(midb, "ccode")?);
    let (sy, ey) = (ints(midb, "styear")?, ints(midb, "endyear")?);
    let (sa, or) = (flags(&ints(midb, "sidea")?), flags(&ints(midb, "orig")?));
    let mut out = Participants::new();
    for i in 0..d.len() {
        let p = out.entry(d[i]).or_default().entry(c[i]).or_default();
        if let (Some(s), Some(e)) = (sy[i], ey[i].or(sy[i])) {
            p.years.extend(s..=e.max(s));
        }
        p.sidea |= sa[i];
        p.orig |= or[i];
    }
    Ok(out)
}
