//! ATOP alliance variables (STUDIES.md §3): obligations within the dyad and third-party
//! promises (Leeds 2003; Johnson & Leeds 2011), computed from ATOP 5.1 directed dyad-years by
//! counting per state-year, never by looping over third states.

use crate::sources::index::{dyad_key, int_column, ints, keys, FrameKeys, StateYearTable};
use crate::types::Years;
use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;

/// Obligation types, in ATOP order.
pub const KINDS: [&str; 5] = ["defense", "offense", "neutral", "nonagg", "consul"];

/// ATOP 5.1 directed obligations: "A has promised X to B in year".
pub struct Atop {
    /// Obligation bits by [`dyad_key`] (promiser, promisee, year), sorted.
    by_key: Vec<(u64, u8)>,
    /// The same by (promisee, promiser, year), sorted.
    by_mirror: Vec<(u64, u8)>,
    /// Per (state, year): how many states promised it each kind.
    received: StateYearTable<[u16; 5]>,
    /// Per (state, year): how many states it has any obligation with, either direction.
    partners: StateYearTable<u16>,
    /// Years covered.
    pub cover: Years,
}

fn bits_of(b: u8) -> [bool; 5] {
    std::array::from_fn(|k| b & (1 << k) != 0)
}

impl Atop {
    /// Indexes the `atop_ddy` frame.
    pub fn new(atop: &DataFrame) -> PolarsResult<Atop> {
        Atop::within(atop, None)
    }

    /// Indexes the rows of the `atop_ddy` frame in `years` (None: all), for a frame of those
    /// years; the cover stays the file's.
    pub fn within(atop: &DataFrame, years: Option<Years>) -> PolarsResult<Atop> {
        let all = keys(atop, "year")?;
        let cover = Years { first: all.iter().copied().min().unwrap_or(0), last: all.iter().copied().max().unwrap_or(0) };
        let kept = years.map(|years| super::in_years(atop.clone(), years)).transpose()?;
        let atop = kept.as_ref().unwrap_or(atop);
        let (c1, c2, y) = (keys(atop, "ccode1")?, keys(atop, "ccode2")?, keys(atop, "year")?);
        let cols: Vec<Vec<Option<i32>>> = KINDS.iter().map(|k| ints(atop, &format!("atop_{k}"))).collect::<PolarsResult<_>>()?;
        let mut by_key = Vec::with_capacity(c1.len());
        let mut by_mirror = Vec::with_capacity(c1.len());
        let mut received: StateYearTable<[u16; 5]> = StateYearTable::new(cover.first, cover.last);
        let mut pairs: Vec<(i32, i32, i32)> = Vec::new();
        for i in 0..c1.len() {
            let mut bits = 0u8;
            for (k, col) in cols.iter().enumerate() {
                bits |= u8::from(col[i] == Some(1)) << k;
            }
            by_key.push((dyad_key(c1[i], c2[i], y[i]), bits));
            by_mirror.push((dyad_key(c2[i], c1[i], y[i]), bits));
            if let Some(r) = received.get_mut(c2[i], y[i]) {
                for (k, slot) in r.iter_mut().enumerate() {
                    *slot += u16::from(bits & (1 << k) != 0);
                }
            }
            if bits != 0 {
                pairs.push((c1[i].min(c2[i]), c1[i].max(c2[i]), y[i]));
            }
        }
        by_key.sort_unstable();
        by_mirror.sort_unstable();
        pairs.sort_unstable();
        pairs.dedup();
        let mut partners: StateYearTable<u16> = StateYearTable::new(cover.first, cover.last);
        for (a, b, y) in pairs {
            for c in [a, b] {
                if let Some(p) = partners.get_mut(c, y) {
                    *p += 1;
                }
            }
        }
        Ok(Atop { by_key, by_mirror, received, partners, cover })
    }

    /// Obligations `a` has promised `b` in `year` (all false when none).
    pub fn promised(&self, a: i32, b: i32, year: i32) -> [bool; 5] {
        let k = dyad_key(a, b, year);
        bits_of(self.by_key.binary_search_by_key(&k, |e| e.0).map_or(0, |i| self.by_key[i].1))
    }

    /// How many states promised `c` each kind in `year`.
    pub fn received(&self, c: i32, year: i32) -> [u16; 5] {
        self.received.get(c, year)
    }

    /// How many states have any obligation with `c` in `year`.
    pub fn partners(&self, c: i32, year: i32) -> u16 {
        self.partners.get(c, year)
    }

    /// Whether `a` and `b` have any obligation, either direction.
    pub fn any_between(&self, a: i32, b: i32, year: i32) -> bool {
        self.promised(a, b, year).iter().chain(self.promised(b, a, year).iter()).any(|&x| x)
    }
}

/// Names of the dyad-year columns, in the order [`dyad_columns`] returns them.
pub const DYAD_NAMES: [&str; 23] = [
    "def_12",
    "def_21",
    "def_any",
    "off_12",
    "off_21",
    "off_any",
    "neu_12",
    "neu_21",
    "neu_any",
    "nonagg_12",
    "nonagg_21",
    "nonagg_any",
    "consul_12",
    "consul_21",
    "consul_any",
    "ally_any",
    "tgt_def",
    "chal_def",
    "chal_off",
    "chal_neu",
    "chal_ally",
    "n_def_2",
    "n_def_1",
];

/// Direct and third-party columns for dyad-year rows sorted by (ccode1, ccode2, year); null
/// outside ATOP's years.
pub fn dyad_columns(atop: &Atop, c1: &[i32], c2: &[i32], year: &[i32]) -> Vec<Column> {
    let n = c1.len();
    // Scatter the source into frame rows: the work follows ATOP's rows, not the frame's.
    let frame = FrameKeys::new(c1, c2, year);
    let (mut p12, mut p21) = (vec![0u8; n], vec![0u8; n]);
    frame.merge(&atop.by_key, |r, bits| p12[r] = bits);
    frame.merge(&atop.by_mirror, |r, bits| p21[r] = bits);
    let mut vals: Vec<Vec<i32>> = DYAD_NAMES.iter().map(|_| Vec::with_capacity(n)).collect();
    for i in 0..n {
        let (a, b, y) = (c1[i], c2[i], year[i]);
        let (o12, o21) = (bits_of(p12[i]), bits_of(p21[i]));
        for k in 0..5 {
            vals[3 * k].push(i32::from(o12[k]));
            vals[3 * k + 1].push(i32::from(o21[k]));
            vals[3 * k + 2].push(i32::from(o12[k] || o21[k]));
        }
        let any = p12[i] | p21[i] != 0;
        let (to2, to1) = (atop.received(b, y), atop.received(a, y));
        // Promisers to 2 other than 1 (2 cannot promise itself); likewise for 1.
        let n_def_2 = i32::from(to2[0]) - i32::from(o12[0]);
        let n_def_1 = i32::from(to1[0]) - i32::from(o21[0]);
        let chal_off = i32::from(to1[1]) - i32::from(o21[1]) > 0;
        let chal_neu = i32::from(to1[2]) - i32::from(o21[2]) > 0;
        let chal_ally = i32::from(atop.partners(a, y)) - i32::from(any) > 0;
        let rest = [
            i32::from(any),
            i32::from(n_def_2 > 0),
            i32::from(n_def_1 > 0),
            i32::from(chal_off),
            i32::from(chal_neu),
            i32::from(chal_ally),
            n_def_2,
            n_def_1,
        ];
        for (k, x) in rest.into_iter().enumerate() {
            vals[15 + k].push(x);
        }
    }
    let valid: Bitmap = year.iter().map(|&y| atop.cover.contains(y)).collect();
    DYAD_NAMES.iter().zip(vals).map(|(name, v)| int_column(name, v, Some(&valid))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (i32, i32, [i32; 5]);

    fn atop(rows: &[Row]) -> Atop {
        let col = |f: &dyn Fn(&Row) -> i32| rows.iter().map(f).collect::<Vec<i32>>();
        let df = df!(
            "ccode1" => col(&|r| r.0), "ccode2" => col(&|r| r.1), "year" => vec![1900; rows.len()],
            "atop_defense" => col(&|r| r.2[0]), "atop_offense" => col(&|r| r.2[1]), "atop_neutral" => col(&|r| r.2[2]),
            "atop_nonagg" => col(&|r| r.2[3]), "atop_consul" => col(&|r| r.2[4]),
        )
        .unwrap();
        Atop::new(&df).unwrap()
    }

    fn get(cols: &[Column], name: &str) -> Vec<Option<i32>> {
        cols.iter().find(|c| c.name() == name).unwrap().i32().unwrap().iter().collect()
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
        // Rows, in frame order: 2→20, 2→200, 20→2, 255→20.
        let cols = dyad_columns(&a, &[2, 2, 20, 255], &[20, 200, 2, 20], &[1900; 4]);
        assert_eq!(get(&cols, "def_12"), [1, 0, 1, 0].map(Some));
        assert_eq!(get(&cols, "def_any"), [1, 0, 1, 0].map(Some));
        // 2→20: 20 is defended by 200 (a third party) as well as by 2.
        assert_eq!(get(&cols, "tgt_def"), [1, 0, 0, 1].map(Some));
        assert_eq!(get(&cols, "n_def_2"), [1, 0, 0, 2].map(Some));
        // 20→2: 2 is defended only by 20 itself, so no third-party defender of the target; but
        // for 2→200, 20 is a third party defending the challenger.
        assert_eq!(get(&cols, "chal_def"), [0, 1, 1, 0].map(Some));
        assert_eq!(get(&cols, "n_def_1"), [0, 1, 1, 0].map(Some));
        assert_eq!(get(&cols, "chal_neu"), [1, 1, 0, 0].map(Some));
        assert_eq!(get(&cols, "chal_off"), [0, 0, 1, 0].map(Some));
        // 2 has partners 20, 220, 255: a third party beyond 20 → chal_ally.
        assert_eq!(get(&cols, "chal_ally"), [1, 1, 1, 1].map(Some));
        assert_eq!(get(&cols, "ally_any"), [1, 0, 1, 0].map(Some));
        let outside = dyad_columns(&a, &[2], &[20], &[2050]);
        assert_eq!(get(&outside, "tgt_def"), [None]);
    }
}
