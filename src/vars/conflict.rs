//! Conflict variables of dyad-years (STUDIES.md §2): `mid_onset`, `mid_ongoing`, `init`, and the
//! kept dispute's `hostlev`, `fatality`, `dispnum`, from GML 2.2.1 directed dispute-dyad-years or
//! from COW MID 5.0 participant spells.

use crate::sources::index::{ints, keys, FrameKeys};
use crate::sources::participants::{flags, participants};
use crate::sources::year_of_day;
use crate::types::Years;
use polars::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// One directed dispute-dyad-year: states 1 and 2 on opposite sides of dispute `dispnum` in
/// `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisputeDyadYear {
    /// Dispute.
    pub dispnum: i32,
    /// State 1.
    pub ccode1: i32,
    /// State 2.
    pub ccode2: i32,
    /// Year.
    pub year: i32,
    /// First year the two are on opposite sides of this dispute.
    pub onset: bool,
    /// State 1 on side A.
    pub sidea1: bool,
    /// State 1 an originator.
    pub orig1: bool,
    /// State 2 on side A.
    pub sidea2: bool,
    /// State 2 an originator.
    pub orig2: bool,
    /// Dispute hostility level.
    pub hostlev: Option<i32>,
    /// Dispute fatality level.
    pub fatality: Option<i32>,
    /// Dispute maximum duration (days).
    pub maxdur: Option<i32>,
    /// The dyad's hostility level: the higher of the two states' own levels.
    pub hostlev_dyad: Option<i32>,
    /// The dyad's fatality level: the higher of the two states' own levels.
    pub fatality_dyad: Option<i32>,
}

impl DisputeDyadYear {
    /// State 1 initiates against state 2: an onset with 1 an originator on side A and 2 an
    /// originator on side B.
    pub fn initiation(&self) -> bool {
        self.onset && self.sidea1 && self.orig1 && !self.sidea2 && self.orig2
    }

    /// The whittling order: onset over continuation, then higher hostlev, higher fatality,
    /// longer maxdur, lower dispnum. `Less` means `self` is kept over `other`.
    pub fn keep_order(&self, other: &DisputeDyadYear) -> Ordering {
        other
            .onset
            .cmp(&self.onset)
            .then(other.hostlev.cmp(&self.hostlev))
            .then(other.fatality.cmp(&self.fatality))
            .then(other.maxdur.cmp(&self.maxdur))
            .then(self.dispnum.cmp(&other.dispnum))
    }
}

/// The GML directed dispute-dyad-year file as records.
pub fn from_gml(ddy: &DataFrame) -> PolarsResult<Vec<DisputeDyadYear>> {
    let (d, c1, c2, y) = (keys(ddy, "dispnum")?, keys(ddy, "ccode1")?, keys(ddy, "ccode2")?, keys(ddy, "year")?);
    let onset = flags(&ints(ddy, "midonset")?);
    let (sa1, sa2, o1, o2) =
        (flags(&ints(ddy, "sidea1")?), flags(&ints(ddy, "sidea2")?), flags(&ints(ddy, "orig1")?), flags(&ints(ddy, "orig2")?));
    let (host, fat, maxdur) = (ints(ddy, "hostlev")?, ints(ddy, "fatality")?, ints(ddy, "maxdur")?);
    let (host1, host2, fat1, fat2) = (ints(ddy, "hostlev1")?, ints(ddy, "hostlev2")?, ints(ddy, "fatality1")?, ints(ddy, "fatality2")?);
    Ok((0..d.len())
        .map(|i| DisputeDyadYear {
            dispnum: d[i],
            ccode1: c1[i],
            ccode2: c2[i],
            year: y[i],
            onset: onset[i],
            sidea1: sa1[i],
            orig1: o1[i],
            sidea2: sa2[i],
            orig2: o2[i],
            hostlev: host[i],
            fatality: fat[i],
            maxdur: maxdur[i],
            hostlev_dyad: host1[i].max(host2[i]),
            fatality_dyad: fat1[i].max(fat2[i]),
        })
        .collect())
}

/// COW MID 5 dispute-dyad-years, and how many the day rule removes. Two states on opposite sides
/// of a dispute form a dispute-dyad in each year in which their participation spells overlap in
/// days (MIDB start and end dates, unknown days and months widened to what they can mean: see
/// [`crate::sources::participants::first_day`]); the onset is the first such year. The second
/// value counts the dyad-years that taking part in the same year, on no common day, would add.
pub fn from_cow5(midb: &DataFrame, mida: &DataFrame) -> PolarsResult<(Vec<DisputeDyadYear>, usize)> {
    let (ad, ah, af, am) = (keys(mida, "dispnum")?, ints(mida, "hostlev")?, ints(mida, "fatality")?, ints(mida, "maxdur")?);
    // dispnum → (hostlev, fatality, maxdur)
    type Attrs = (Option<i32>, Option<i32>, Option<i32>);
    let attrs: BTreeMap<i32, Attrs> = (0..ad.len()).map(|i| (ad[i], (ah[i], af[i], am[i]))).collect();
    let mut out = Vec::new();
    let mut removed = 0;
    for (dispnum, parts) in participants(midb)? {
        let (hostlev, fatality, maxdur) = attrs.get(&dispnum).copied().unwrap_or((None, None, None));
        for (&a, pa) in &parts {
            for (&b, pb) in &parts {
                if a == b {
                    continue;
                }
                // Years on opposite sides on a common day, with the sides then held; and the
                // years on opposite sides by the year rule, for the count of what days remove.
                let mut common: BTreeMap<i32, (bool, bool)> = BTreeMap::new();
                let mut by_year: BTreeSet<i32> = BTreeSet::new();
                for &(s1, e1, side1) in &pa.spells {
                    for &(s2, e2, side2) in &pb.spells {
                        if side1 == side2 {
                            continue;
                        }
                        by_year.extend(year_of_day(s1).max(year_of_day(s2))..=year_of_day(e1).min(year_of_day(e2)));
                        let (s, e) = (s1.max(s2), e1.min(e2));
                        if s <= e {
                            for y in year_of_day(s)..=year_of_day(e) {
                                common.entry(y).or_insert((side1, side2));
                            }
                        }
                    }
                }
                removed += by_year.iter().filter(|y| !common.contains_key(y)).count();
                let Some(&first) = common.keys().next() else { continue };
                for (&year, &(sidea1, sidea2)) in &common {
                    out.push(DisputeDyadYear {
                        dispnum,
                        ccode1: a,
                        ccode2: b,
                        year,
                        onset: year == first,
                        sidea1,
                        orig1: pa.orig,
                        sidea2,
                        orig2: pb.orig,
                        hostlev,
                        fatality,
                        maxdur,
                        hostlev_dyad: pa.hostlev.max(pb.hostlev),
                        fatality_dyad: pa.fatality.max(pb.fatality),
                    });
                }
            }
        }
    }
    Ok((out, removed))
}

/// Conflict columns of a dyad-year frame and what the whittling did.
pub struct DyadConflict {
    /// `mid_onset`.
    pub mid_onset: Vec<Option<i32>>,
    /// `mid_ongoing`.
    pub mid_ongoing: Vec<Option<i32>>,
    /// `init`.
    pub init: Vec<Option<i32>>,
    /// `hostlev` of the kept dispute.
    pub hostlev: Vec<Option<i32>>,
    /// `fatality` of the kept dispute.
    pub fatality: Vec<Option<i32>>,
    /// `dispnum` of the kept dispute.
    pub dispnum: Vec<Option<i32>>,
    /// `hostlev_dyad` of the kept dispute.
    pub hostlev_dyad: Vec<Option<i32>>,
    /// `fatality_dyad` of the kept dispute.
    pub fatality_dyad: Vec<Option<i32>>,
    /// Dispute-dyad-years that fell on frame rows.
    pub matched: usize,
    /// Frame rows with at least one dispute.
    pub rows_with_dispute: usize,
    /// Dispute-dyad-years in the frame's years whose dyad is not in the frame (non-members).
    pub outside_universe: usize,
}

impl DyadConflict {
    /// Dispute-dyad-years folded away by the one-row-per-dyad-year rule.
    pub fn collapsed(&self) -> usize {
        self.matched - self.rows_with_dispute
    }
}

/// Conflict columns for the frame rows (`c1`, `c2`, `year`); null outside `cover`. A
/// non-directed frame (ccode1 < ccode2) reads each dispute-dyad-year in that order only: the
/// reverse-order records are the same dispute-dyad-years seen from the other side.
pub fn dyad_conflict(ddys: &[DisputeDyadYear], c1: &[i32], c2: &[i32], year: &[i32], cover: Years, directed: bool) -> DyadConflict {
    let rows = FrameKeys::new(c1, c2, year);
    let (first, last) = (year.iter().copied().min().unwrap_or(0), year.iter().copied().max().unwrap_or(-1));
    let mut kept: Vec<Option<usize>> = vec![None; c1.len()];
    let mut init = vec![false; c1.len()];
    let (mut matched, mut outside) = (0, 0);
    for (j, r) in ddys.iter().enumerate() {
        if !directed && r.ccode1 > r.ccode2 {
            continue;
        }
        match rows.row(r.ccode1, r.ccode2, r.year) {
            Some(i) => {
                matched += 1;
                init[i] |= r.initiation();
                if kept[i].is_none_or(|k| r.keep_order(&ddys[k]) == Ordering::Less) {
                    kept[i] = Some(j);
                }
            }
            None if (first..=last).contains(&r.year) => outside += 1,
            None => {}
        }
    }
    let n = c1.len();
    let mut out = DyadConflict {
        mid_onset: Vec::with_capacity(n),
        mid_ongoing: Vec::with_capacity(n),
        init: Vec::with_capacity(n),
        hostlev: Vec::with_capacity(n),
        fatality: Vec::with_capacity(n),
        dispnum: Vec::with_capacity(n),
        hostlev_dyad: Vec::with_capacity(n),
        fatality_dyad: Vec::with_capacity(n),
        matched,
        rows_with_dispute: kept.iter().filter(|k| k.is_some()).count(),
        outside_universe: outside,
    };
    for i in 0..n {
        if !cover.contains(year[i]) {
            for v in [
                &mut out.mid_onset,
                &mut out.mid_ongoing,
                &mut out.init,
                &mut out.hostlev,
                &mut out.fatality,
                &mut out.dispnum,
                &mut out.hostlev_dyad,
                &mut out.fatality_dyad,
            ] {
                v.push(None);
            }
            continue;
        }
        let k = kept[i].map(|k| &ddys[k]);
        out.mid_onset.push(Some(i32::from(k.is_some_and(|k| k.onset))));
        out.mid_ongoing.push(Some(i32::from(k.is_some())));
        out.init.push(Some(i32::from(init[i])));
        out.hostlev.push(k.and_then(|k| k.hostlev));
        out.fatality.push(k.and_then(|k| k.fatality));
        out.dispnum.push(k.map(|k| k.dispnum));
        out.hostlev_dyad.push(k.and_then(|k| k.hostlev_dyad));
        out.fatality_dyad.push(k.and_then(|k| k.fatality_dyad));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ddy(dispnum: i32, onset: bool, hostlev: i32, fatality: i32) -> DisputeDyadYear {
        DisputeDyadYear {
            dispnum,
            ccode1: 2,
            ccode2: 200,
            year: 1900,
            onset,
            sidea1: true,
            orig1: true,
            sidea2: false,
            orig2: true,
            hostlev: Some(hostlev),
            fatality: Some(fatality),
            maxdur: Some(10),
            hostlev_dyad: Some(hostlev),
            fatality_dyad: Some(fatality),
        }
    }

    #[test]
    fn whittling_keeps_onset_then_hostility() {
        let cover = Years { first: 1816, last: 2010 };
        // An ongoing war (hostlev 5) and a new display (hostlev 3): the onset is kept.
        let recs = [ddy(10, false, 5, 6), ddy(20, true, 3, 0)];
        let c = dyad_conflict(&recs, &[2], &[200], &[1900], cover, true);
        assert_eq!((c.mid_onset[0], c.mid_ongoing[0], c.hostlev[0], c.dispnum[0]), (Some(1), Some(1), Some(3), Some(20)));
        assert_eq!(c.collapsed(), 1);
        // Two onsets: higher hostility wins; a tie falls to fatality, then the lower dispnum.
        let recs = [ddy(30, true, 3, 0), ddy(31, true, 4, 0), ddy(29, true, 4, 0)];
        let c = dyad_conflict(&recs, &[2], &[200], &[1900], cover, true);
        assert_eq!((c.dispnum[0], c.collapsed()), (Some(29), 2));
        let recs = [ddy(40, true, 4, 1), ddy(39, true, 4, 0)];
        assert_eq!(dyad_conflict(&recs, &[2], &[200], &[1900], cover, true).dispnum[0], Some(40));
        // Outside the source's years everything is null, not zero.
        let c = dyad_conflict(&[], &[2], &[200], &[2012], cover, true);
        assert_eq!((c.mid_onset[0], c.init[0]), (None, None));
    }

    #[test]
    fn initiation_needs_both_originators_on_opposite_sides() {
        let mut r = ddy(1, true, 3, 0);
        assert!(r.initiation());
        r.orig2 = false;
        assert!(!r.initiation());
        r = ddy(1, false, 3, 0);
        assert!(!r.initiation());
    }
}
