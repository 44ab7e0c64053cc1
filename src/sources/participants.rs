//! Dispute participants: each state's participation in each dispute, merged over its spells,
//! from a MIDB-like participant file (COW MIDB 5.0, GML participants 2.2.1).

use super::dates::date;
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
    /// Its spells as (first day, last day, on side A), days since 1970-01-01, widened where the
    /// file does not know the day or month (see [`first_day`], [`last_day`]). A state can change
    /// sides within a dispute (Italy in 1943): the side is per spell.
    pub spells: Vec<(i32, i32, bool)>,
    /// On side A in its first spell.
    pub sidea: bool,
    /// Originator in any spell.
    pub orig: bool,
    /// Its own highest hostility level over its spells (COW MIDB; None where the file has none).
    pub hostlev: Option<i32>,
    /// Its own fatality level, highest over its spells (COW MIDB).
    pub fatality: Option<i32>,
}

/// The first day a partial date can mean: an unknown (or impossible) month is January, an
/// unknown (or impossible) day the first of the month.
pub fn first_day(y: i32, m: Option<i32>, d: Option<i32>) -> Option<i32> {
    let m = m.and_then(|m| u32::try_from(m).ok()).filter(|m| (1..=12).contains(m)).unwrap_or(1);
    d.and_then(|d| u32::try_from(d).ok()).and_then(|d| date(y, m, d)).or_else(|| date(y, m, 1))
}

/// The last day a partial date can mean: an unknown month is December, an unknown day the
/// month's last.
pub fn last_day(y: i32, m: Option<i32>, d: Option<i32>) -> Option<i32> {
    let m = m.and_then(|m| u32::try_from(m).ok()).filter(|m| (1..=12).contains(m)).unwrap_or(12);
    d.and_then(|d| u32::try_from(d).ok()).and_then(|d| date(y, m, d)).or_else(|| (28..=31).rev().find_map(|d| date(y, m, d)))
}

/// Participations by dispute number, then state.
pub type Participants = BTreeMap<i32, BTreeMap<i32, Participation>>;

/// Participants by dispute and state, from a MIDB-like frame (`dispnum`, `ccode`, `styear`,
/// `stmon`, `stday`, `endyear`, `endmon`, `endday`, `sidea`, `orig`, and where the file has
/// them `hostlev` and `fatality`).
pub fn participants(midb: &DataFrame) -> PolarsResult<Participants> {
    let (d, c) = (keys(midb, "dispnum")?, keys(midb, "ccode")?);
    let (sy, ey) = (ints(midb, "styear")?, ints(midb, "endyear")?);
    let (sm, sd, em, ed) = (ints(midb, "stmon")?, ints(midb, "stday")?, ints(midb, "endmon")?, ints(midb, "endday")?);
    let (sa, or) = (flags(&ints(midb, "sidea")?), flags(&ints(midb, "orig")?));
    let optional = |name: &str| -> PolarsResult<Vec<Option<i32>>> {
        if midb.schema().contains(name) {
            ints(midb, name)
        } else {
            Ok(vec![None; d.len()])
        }
    };
    let (host, fat) = (optional("hostlev")?, optional("fatality")?);
    let mut out = Participants::new();
    for i in 0..d.len() {
        let p = out.entry(d[i]).or_default().entry(c[i]).or_default();
        p.sidea |= sa[i];
        if let Some(s) = sy[i] {
            // An unknown end year is the start year; a spell never runs backwards.
            let e = ey[i].unwrap_or(s).max(s);
            p.years.extend(s..=e);
            let known_end = ey[i].is_some_and(|e| e >= s);
            let last = if known_end { last_day(e, em[i], ed[i]) } else { last_day(e, None, None) };
            if let (Some(first), Some(last)) = (first_day(s, sm[i], sd[i]), last) {
                p.spells.push((first, last.max(first), sa[i]));
            }
        }
        p.orig |= or[i];
        p.hostlev = p.hostlev.max(host[i]);
        p.fatality = p.fatality.max(fat[i]);
    }
    for p in out.values_mut().flat_map(|states| states.values_mut()) {
        if let Some(&(_, _, side)) = p.spells.iter().min_by_key(|s| s.0) {
            p.sidea = side;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_widen_to_what_they_can_mean() {
        assert_eq!(first_day(1990, Some(2), Some(10)), date(1990, 2, 10));
        assert_eq!(first_day(1990, Some(2), None), date(1990, 2, 1));
        assert_eq!(first_day(1990, None, None), date(1990, 1, 1));
        assert_eq!(last_day(1990, Some(2), None), date(1990, 2, 28));
        assert_eq!(last_day(1992, Some(2), None), date(1992, 2, 29));
        assert_eq!(last_day(1990, None, None), date(1990, 12, 31));
        assert_eq!(last_day(1990, Some(2), Some(30)), date(1990, 2, 28), "an impossible day is the month's last");
        assert_eq!(first_day(1990, Some(13), Some(5)), date(1990, 1, 5), "an impossible month is unknown");
    }
}
