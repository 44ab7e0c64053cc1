//! ATOP alliance variables (STUDIES.md §3): obligations within the dyad and third-party
//! promises (Leeds 2003; Johnson & Leeds 2011), computed from ATOP 5.1 directed dyad-years by
//! counting per state-year, never by looping over third states.

use super::keyed::{dyad_key, ints, keys, IntMap};
use crate::units::Years;
use polars::prelude::*;
use std::collections::HashSet;

/// Obligation types, in ATOP order.
pub const KINDS: [&str; 5] = ["defense", "offense", "neutral", "nonagg", "consul"];

/// ATOP 5.1 directed obligations: "A has promised X to B in year".
pub struct Atop {
    rows: IntMap<[bool; 5]>,
    /// Per (state, year): how many states promised it each kind.
    received: IntMap<[u16; 5]>,
    /// Per (state, year): how many states it has any obligation with, either direction.
    partners: IntMap<u16>,
    /// Years covered.
    pub cover: Years,
}

fn sy_key(c: i32, y: i32) -> u64 {
    dyad_key(c, 0, y)
}

impl Atop {
    /// Indexes the `atop_ddy` frame.
    pub fn new(atop: &DataFrame) -> PolarsResult<Atop> {
        let (c1, c2, y) = (keys(atop, "ccode1")?, keys(atop, "ccode2")?, keys(atop, "year")?);
        let cols: Vec<Vec<Option<i32>>> = KINDS.iter().map(|k| ints(atop, &format!("atop_{k}"))).collect::<PolarsResult<_>>()?;
        let mut rows: IntMap<[bool; 5]> = IntMap::default();
        let mut received: IntMap<[u16; 5]> = IntMap::default();
        let mut pairs: HashSet<(i32, i32, i32)> = HashSet::new();
        for i in 0..c1.len() {
            let mut ob = [false; 5];
            for (k, col) in cols.iter().enumerate() {
                ob[k] = col[i] == Some(1);
            }
            rows.insert(dyad_key(c1[i], c2[i], y[i]), ob);
            let r = received.entry(sy_key(c2[i], y[i])).or_default();
            for k in 0..5 {
                r[k] += u16::from(ob[k]);
            }
            if ob.iter().any(|&b| b) {
                pairs.insert((c1[i].min(c2[i]), c1[i].max(c2[i]), y[i]));
            }
        }
        let mut partners: IntMap<u16> = IntMap::default();
        for (a, b, y) in pairs {
            *partners.entry(sy_key(a, y)).or_default() += 1;
            *partners.entry(sy_key(b, y)).or_default() += 1;
        }
        let cover = Years { first: y.iter().copied().min().unwrap_or(0), last: y.iter().copied().max().unwrap_or(0) };
        Ok(Atop { rows, received, partners, cover })
    }

    /// Obligations `a` has promised `b` in `year` (all false when none).
    pub fn promised(&self, a: i32, b: i32, year: i32) -> [bool; 5] {
        self.rows.get(&dyad_key(a, b, year)).copied().unwrap_or_default()
    }

    /// How many states promised `c` each kind in `year`.
    pub fn received(&self, c: i32, year: i32) -> [u16; 5] {
        self.received.get(&sy_key(c, year)).copied().unwrap_or_default()
    }

    /// How many states have any obligation with `c` in `year`.
    pub fn partners(&self, c: i32, year: i32) -> u16 {
        self.partners.get(&sy_key(c, year)).copied().unwrap_or_default()
    }

    /// Whether `a` and `b` have any obligation, either direction.
    pub fn any_between(&self, a: i32, b: i32, year: i32) -> bool {
        self.promised(a, b, year).iter().chain(self.promised(b, a, year).iter()).any(|&x| x)
    }
}

/// Direct and third-party columns for dyad-year rows, as (name, values); null outside ATOP's
/// years.
pub fn dyad_columns(atop: &Atop, c1: &[i32], c2: &[i32], year: &[i32]) -> Vec<(&'static str, Vec<Option<i32>>)> {
    const DIRECT: [(&str, &str, &str); 5] = [
        ("def_12", "def_21", "def_any"),
        ("off_12", "off_21", "off_any"),
        ("neu_12", "neu_21", "neu_any"),
        ("nonagg_12", "nonagg_21", "nonagg_any"),
        ("consul_12", "consul_21", "consul_any"),
    ];
    let n = c1.len();
    let mut direct: Vec<[Vec<Option<i32>>; 3]> = (0..5).map(|_| [Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n)]).collect();
    let mut ally_any = Vec::with_capacity(n);
    let names = ["tgt_def", "chal_def", "chal_off", "chal_neu", "chal_ally", "n_def_2", "n_def_1"];
    let mut third: Vec<Vec<Option<i32>>> = (0..names.len()).map(|_| Vec::with_capacity(n)).collect();
    for i in 0..n {
        let (a, b, y) = (c1[i], c2[i], year[i]);
        if !atop.cover.contains(y) {
            for d in direct.iter_mut() {
                for v in d.iter_mut() {
                    v.push(None);
                }
            }
            ally_any.push(None);
            for v in third.iter_mut() {
                v.push(None);
            }
            continue;
        }
        let (p12, p21) = (atop.promised(a, b, y), atop.promised(b, a, y));
        for k in 0..5 {
            direct[k][0].push(Some(i32::from(p12[k])));
            direct[k][1].push(Some(i32::from(p21[k])));
            direct[k][2].push(Some(i32::from(p12[k] || p21[k])));
        }
        let any = p12.iter().chain(p21.iter()).any(|&x| x);
        ally_any.push(Some(i32::from(any)));
        let (to2, to1) = (atop.received(b, y), atop.received(a, y));
        // Promisers to 2 other than 1 (and 2 cannot promise itself); likewise for 1.
        let n_def_2 = i32::from(to2[0]) - i32::from(p12[0]);
        let n_def_1 = i32::from(to1[0]) - i32::from(p21[0]);
        let chal_off = i32::from(to1[1]) - i32::from(p21[1]) > 0;
        let chal_neu = i32::from(to1[2]) - i32::from(p21[2]) > 0;
        let chal_ally = i32::from(atop.partners(a, y)) - i32::from(any) > 0;
        let vals = [i32::from(n_def_2 > 0), i32::from(n_def_1 > 0), i32::from(chal_off), i32::from(chal_neu), i32::from(chal_ally), n_def_2, n_def_1];
        for (v, x) in third.iter_mut().zip(vals) {
            v.push(Some(x));
        }
    }
    let mut out = Vec::new();
    for (k, [v12, v21, vany]) in direct.into_iter().enumerate() {
        out.push((DIRECT[k].0, v12));
        out.push((DIRECT[k].1, v21));
        out.push((DIRECT[k].2, vany));
    }
    out.push(("ally_any", ally_any));
    out.extend(names.into_iter().zip(third));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atop(rows: &[(i32, i32, [i32; 5])]) -> Atop {
        let col = |f: &dyn Fn(&(i32, i32, [i32; 5])) -> i32| rows.iter().map(f).collect::<Vec<i32>>();
        let df = df!(
            "ccode1" => col(&|r| r.0), "ccode2" => col(&|r| r.1), "year" => vec![1900; rows.len()],
            "atop_defense" => col(&|r| r.2[0]), "atop_offense" => col(&|r| r.2[1]), "atop_neutral" => col(&|r| r.2[2]),
            "atop_nonagg" => col(&|r| r.2[3]), "atop_consul" => col(&|r| r.2[4]),
        )
        .unwrap();
        Atop::new(&df).unwrap()
    }

    fn get<'a>(cols: &'a [(&str, Vec<Option<i32>>)], name: &str) -> &'a [Option<i32>] {
        &cols.iter().find(|(n, _)| *n == name).unwrap().1
    }

    #[test]
    fn third_parties_exclude_the_dyad_itself() {
        // 2 and 20 defend each other; 200 defends 20; 220 promises neutrality to 2; 2 and 255
        // have a consultation pact.
        let a = atop(&[
            (2, 20, [1, 0, 0, 0, 0]),
            (20, 2, [1, 0, 0, 0, 0]),
            (200, 20, [1, 1, 0, 0, 0]),
            (220, 2, [0, 0, 1, 0, 0]),
            (2, 255, [0, 0, 0, 0, 1]),
        ]);
        // Rows: 2→20, 20→2, 2→200, 255→20.
        let cols = dyad_columns(&a, &[2, 20, 2, 255], &[20, 2, 200, 20], &[1900; 4]);
        assert_eq!(get(&cols, "def_12"), [1, 1, 0, 0].map(Some));
        assert_eq!(get(&cols, "def_any"), [1, 1, 0, 0].map(Some));
        // 2→20: 20 is defended by 200 (a third party) as well as by 2.
        assert_eq!(get(&cols, "tgt_def"), [1, 0, 0, 1].map(Some));
        assert_eq!(get(&cols, "n_def_2"), [1, 0, 0, 2].map(Some));
        // 20→2: 2 is defended only by 20 itself, so no third-party defender of the target; but
        // for 2→200, 20 is a third party defending the challenger.
        assert_eq!(get(&cols, "chal_def"), [0, 1, 1, 0].map(Some));
        assert_eq!(get(&cols, "n_def_1"), [0, 1, 1, 0].map(Some));
        assert_eq!(get(&cols, "chal_neu"), [1, 0, 1, 0].map(Some));
        assert_eq!(get(&cols, "chal_off"), [0, 1, 0, 0].map(Some));
        // 2 has partners 20, 220, 255: a third party beyond 20 → chal_ally.
        assert_eq!(get(&cols, "chal_ally"), [1, 1, 1, 1].map(Some));
        assert_eq!(get(&cols, "ally_any"), [1, 1, 0, 0].map(Some));
        let outside = dyad_columns(&a, &[2], &[20], &[2050]);
        assert_eq!(get(&outside, "tgt_def"), [None]);
    }
}
