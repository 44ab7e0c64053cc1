//! Defence promises that apply against the other state of the dyad (STUDIES.md §3; Leeds 2003;
//! Johnson & Leeds 2011): a third state's promise to defend 2 deters 1 only if it could be
//! called against 1. Built from ATOP 4.01 member-level promises, whose conditions say against
//! whom (`defcoadv` with `statthr1`/`statthr2`) and whether the partner must not provoke
//! (`defconpr`).

use crate::sources::index::{int_column, ints, keys, StateYearTable};
use crate::types::Years;
use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;
use std::collections::BTreeMap;

/// One defence promise received: who made it and on what terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Promise {
    /// The promiser (COW code).
    pub promiser: i32,
    /// States named as the adversaries the promise is limited to (0: none named). Set only
    /// when the promise is limited to specific adversaries (`defcoadv` = 1).
    pub named: [i32; 2],
    /// The promise requires that the promisee not provoke the attack (`defconpr` = 1).
    pub nonprov: bool,
    /// The first year both states were members of the alliance (any phase): when the pact
    /// between them was formed.
    pub since: i32,
}

impl Promise {
    /// Whether the promise could be called against `other`: no adversary named, or `other`
    /// among those named. A promise limited to adversaries the file does not name by COW code
    /// is kept (it cannot be judged).
    pub fn applies_against(&self, other: i32) -> bool {
        self.named == [0, 0] || self.named.contains(&other)
    }
}

/// Defence promises received by each state in each year.
pub struct DefencePromises {
    /// Promises sorted by (promisee, year, promise).
    promises: Vec<Promise>,
    /// Per (promisee, year): its range in `promises`.
    ranges: StateYearTable<(u32, u32)>,
    /// Years ATOP 4.01 membership covers.
    pub cover: Years,
}

/// A member's spell in an alliance phase: (state, first year, last year, defence promise).
type Spell = (i32, i32, i32, Option<Promise>);

/// Years a pact counts as recently formed (Kenwick, Vasquez & Powers 2015): the year of
/// formation and the four after it.
pub const RECENT_YEARS: i32 = 5;

impl DefencePromises {
    /// Reads `atop_member_4.01`: a member with `defense` = 1 promises defence to every other
    /// member of the same alliance phase in the years both are in it (`yrexit` = 0: to the end
    /// of `cover`).
    pub fn new(members: &DataFrame, cover: Years) -> PolarsResult<DefencePromises> {
        let (id, phase, member) = (keys(members, "atopid")?, keys(members, "phase")?, keys(members, "member")?);
        let (entry, exit) = (keys(members, "yrent")?, keys(members, "yrexit")?);
        let flag = |c: &str| -> PolarsResult<Vec<bool>> { Ok(ints(members, c)?.iter().map(|v| *v == Some(1)).collect()) };
        let (defense, coadv, conpr) = (flag("defense")?, flag("defcoadv")?, flag("defconpr")?);
        let (t1, t2) = (ints(members, "statthr1")?, ints(members, "statthr2")?);
        let mut joined: BTreeMap<(i32, i32), i32> = BTreeMap::new();
        for i in 0..id.len() {
            let e = joined.entry((id[i], member[i])).or_insert(entry[i]);
            *e = (*e).min(entry[i]);
        }
        let mut phases: BTreeMap<(i32, i32), Vec<Spell>> = BTreeMap::new();
        for i in 0..id.len() {
            let last = if exit[i] == 0 { cover.last } else { exit[i] };
            let named = if coadv[i] { [t1[i], t2[i]].map(|s| s.filter(|&s| s > 0).unwrap_or(0)) } else { [0, 0] };
            let promise = defense[i].then_some(Promise { promiser: member[i], named, nonprov: conpr[i], since: 0 });
            phases.entry((id[i], phase[i])).or_default().push((member[i], entry[i], last, promise));
        }
        let mut received: Vec<(i32, i32, Promise)> = Vec::new();
        for (&(atopid, _), spells) in &phases {
            for &(c, c0, c1, promise) in spells {
                let Some(p) = promise else { continue };
                for &(s, s0, s1, _) in spells {
                    if s != c {
                        let since = joined[&(atopid, c)].max(joined[&(atopid, s)]);
                        let p = Promise { since, ..p };
                        received.extend((c0.max(s0)..=c1.min(s1)).map(|y| (s, y, p)));
                    }
                }
            }
        }
        received.sort_unstable();
        received.dedup();
        let mut ranges: StateYearTable<(u32, u32)> = StateYearTable::new(cover.first, cover.last);
        let mut start = 0;
        while start < received.len() {
            let (s, y, _) = received[start];
            let end = start + received[start..].iter().take_while(|r| r.0 == s && r.1 == y).count();
            if let Some(r) = ranges.get_mut(s, y) {
                *r = (start as u32, end as u32);
            }
            start = end;
        }
        Ok(DefencePromises { promises: received.into_iter().map(|r| r.2).collect(), ranges, cover })
    }

    /// The defence promises `state` holds in `year`.
    pub fn received(&self, state: i32, year: i32) -> &[Promise] {
        let (a, b) = self.ranges.get(state, year);
        &self.promises[a as usize..b as usize]
    }

    /// Whether `promiser` has promised defence to `state` in `year`.
    pub fn promised(&self, promiser: i32, state: i32, year: i32) -> bool {
        self.received(state, year).iter().any(|p| p.promiser == promiser)
    }

    /// The promises to `protege` in `year` that apply against `other`: from a third state (not
    /// `other`) that has not also promised to defend `other`, and not limited to adversaries
    /// that exclude `other`.
    pub fn specific<'a>(&'a self, protege: i32, other: i32, year: i32) -> impl Iterator<Item = &'a Promise> + 'a {
        self.received(protege, year)
            .iter()
            .filter(move |p| p.promiser != other && p.applies_against(other) && !self.promised(p.promiser, other, year))
    }
}

/// Names of the dyad-year columns, in the order [`dyad_columns`] returns them.
pub const DYAD_NAMES: [&str; 4] = ["tgt_def_specific", "chal_def_specific", "chal_def_nonprov", "tgt_def_new"];

/// The columns of [`DYAD_NAMES`] for directed dyad-year rows; null outside ATOP 4.01's years.
pub fn dyad_columns(d: &DefencePromises, c1: &[i32], c2: &[i32], year: &[i32]) -> Vec<Column> {
    let n = c1.len();
    let mut vals: [Vec<i32>; 4] = std::array::from_fn(|_| Vec::with_capacity(n));
    for i in 0..n {
        let (a, b, y) = (c1[i], c2[i], year[i]);
        vals[0].push(i32::from(d.specific(b, a, y).next().is_some()));
        let (mut any, mut nonprov) = (false, false);
        for p in d.specific(a, b, y) {
            any = true;
            nonprov |= p.nonprov;
        }
        vals[1].push(i32::from(any));
        vals[2].push(i32::from(nonprov));
        let new = d.received(b, y).iter().any(|p| p.promiser != a && y - p.since < RECENT_YEARS);
        vals[3].push(i32::from(new));
    }
    let valid: Bitmap = year.iter().map(|&y| d.cover.contains(y)).collect();
    DYAD_NAMES.iter().zip(vals).map(|(name, v)| int_column(name, v, Some(&valid))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (atopid, member, entry, exit, defense, defcoadv, statthr1, defconpr)
    type Row = (i32, i32, i32, i32, i32, i32, i32, i32);

    fn promises(rows: &[Row]) -> DefencePromises {
        let col = |f: &dyn Fn(&Row) -> i32| rows.iter().map(f).collect::<Vec<i32>>();
        let df = df!(
            "atopid" => col(&|r| r.0), "phase" => vec![0; rows.len()], "member" => col(&|r| r.1),
            "yrent" => col(&|r| r.2), "yrexit" => col(&|r| r.3), "defense" => col(&|r| r.4),
            "defcoadv" => col(&|r| r.5), "statthr1" => col(&|r| r.6), "statthr2" => vec![0; rows.len()],
            "defconpr" => col(&|r| r.7),
        )
        .unwrap();
        DefencePromises::new(&df, Years { first: 1815, last: 2003 }).unwrap()
    }

    fn get(cols: &[Column], name: &str) -> Vec<Option<i32>> {
        cols.iter().find(|c| c.name() == name).unwrap().i32().unwrap().iter().collect()
    }

    #[test]
    fn shared_and_named_adversary_promises_do_not_apply() {
        // Pact 1 (a Warsaw Pact in miniature): 365, 310, 290 defend each other. Pact 2: 2
        // defends 20 against 40 only (named adversary), with a non-provocation clause; 20
        // promises nothing. Pact 3: 200 defends 220 unconditionally, from 1950.
        let p = promises(&[
            (1, 365, 1955, 0, 1, 0, 0, 0),
            (1, 310, 1955, 0, 1, 0, 0, 0),
            (1, 290, 1955, 0, 1, 0, 0, 0),
            (2, 2, 1900, 1960, 1, 1, 40, 1),
            (2, 20, 1900, 1960, 0, 0, 0, 0),
            (3, 200, 1950, 0, 1, 0, 0, 0),
            (3, 220, 1950, 0, 1, 0, 0, 0),
        ]);
        // Rows: 365→310 (shared defender 290), 40→20 (named), 255→20 (not named), 20→220,
        // 20→40 in 1956; 365→310 in 2010 (outside ATOP 4.01).
        let cols = dyad_columns(&p, &[365, 40, 255, 20, 20, 365], &[310, 20, 20, 220, 40, 310], &[1956, 1956, 1956, 1956, 1956, 2010]);
        assert_eq!(get(&cols, "tgt_def_specific"), [Some(0), Some(1), Some(0), Some(1), Some(0), None]);
        // 20 holds 2's promise against 40 only: it applies when 20 challenges 40, with its
        // non-provocation clause.
        assert_eq!(get(&cols, "chal_def_specific"), [Some(0), Some(0), Some(0), Some(0), Some(1), None]);
        assert_eq!(get(&cols, "chal_def_nonprov"), [Some(0), Some(0), Some(0), Some(0), Some(1), None]);
        // In 1956 the pact of 1955 (1) is new; those of 1950 (3) and 1900 (2) are not.
        assert_eq!(get(&cols, "tgt_def_new"), [Some(1), Some(0), Some(0), Some(0), Some(0), None]);
        let (recent, old) = (dyad_columns(&p, &[20], &[220], &[1954]), dyad_columns(&p, &[20], &[220], &[1955]));
        assert_eq!((get(&recent, "tgt_def_new"), get(&old, "tgt_def_new")), (vec![Some(1)], vec![Some(0)]), "formed 1950: recent to 1954");
        assert!(p.promised(2, 20, 1960) && !p.promised(2, 20, 1961) && !p.promised(20, 2, 1950));
    }
}
