//! Alliance-portfolio similarity (STUDIES.md §3): the global unweighted S-score of Signorino &
//! Ritter (1999) from ATOP 5.1 obligations, over the COW system members of each year.

use super::alliances::Atop;
use crate::sources::index::{column, keys};
use crate::types::Years;
use polars::prelude::*;
use std::collections::BTreeMap;

/// The tie between two states: 3 defence or offence, 2 neutrality or non-aggression, 1
/// consultation only, 0 none, read from either direction of the dyad (the higher).
pub fn tie(atop: &Atop, a: i32, b: i32, year: i32) -> u8 {
    let (ab, ba) = (atop.promised(a, b, year), atop.promised(b, a, year));
    let has = |k: usize| ab[k] || ba[k];
    if has(0) || has(1) {
        3
    } else if has(2) || has(3) {
        2
    } else {
        u8::from(has(4))
    }
}

/// Each year's members and their tie matrix.
struct YearTies {
    /// Members, sorted.
    members: Vec<i32>,
    /// Row-major ties, `members.len()` squared; a state's tie to itself is 3.
    ties: Vec<u8>,
}

impl YearTies {
    fn row(&self, state: i32) -> Option<&[u8]> {
        let n = self.members.len();
        self.members.binary_search(&state).ok().map(|i| &self.ties[i * n..(i + 1) * n])
    }
}

/// The S-scores of a year's dyads from its tie matrix.
pub struct Similarity {
    years: BTreeMap<i32, YearTies>,
}

impl Similarity {
    /// Tie matrices of every year of `years` in which `system` (COW system2016: ccode, year)
    /// and ATOP both have data.
    pub fn new(atop: &Atop, system: &DataFrame, years: Years) -> PolarsResult<Similarity> {
        let (ccode, year) = (keys(system, "ccode")?, keys(system, "year")?);
        let mut members: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
        for (&c, &y) in ccode.iter().zip(&year) {
            if atop.cover.contains(y) && years.contains(y) {
                members.entry(y).or_default().push(c);
            }
        }
        let years = members
            .into_iter()
            .map(|(y, mut m)| {
                m.sort_unstable();
                m.dedup();
                let n = m.len();
                let mut ties = vec![0u8; n * n];
                for i in 0..n {
                    ties[i * n + i] = 3;
                    for j in i + 1..n {
                        let t = tie(atop, m[i], m[j], y);
                        ties[i * n + j] = t;
                        ties[j * n + i] = t;
                    }
                }
                (y, YearTies { members: m, ties })
            })
            .collect();
        Ok(Similarity { years })
    }

    /// S = 1 − 2·Σ_k |a_1k − a_2k| / (3·N) over the N members of `year`; None when either
    /// state is not a member or the year is not covered.
    pub fn s_unweighted(&self, a: i32, b: i32, year: i32) -> Option<f64> {
        let t = self.years.get(&year)?;
        let (ra, rb) = (t.row(a)?, t.row(b)?);
        let dist: u32 = ra.iter().zip(rb).map(|(&x, &y)| u32::from(x.abs_diff(y))).sum();
        Some(1.0 - 2.0 * f64::from(dist) / (3.0 * t.members.len() as f64))
    }
}

/// `s_unweighted` for dyad-year rows.
pub fn dyad_column(s: &Similarity, c1: &[i32], c2: &[i32], year: &[i32]) -> Column {
    column("s_unweighted", (0..c1.len()).map(|i| s.s_unweighted(c1[i], c2[i], year[i])).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s_score_worked_by_hand_for_three_states() {
        // 1900: members 2, 20, 200. 2 promises defence to 20; 200 promises 20 neutrality.
        let atop = df!(
            "ccode1" => [2, 200], "ccode2" => [20, 20], "year" => [1900, 1900],
            "atop_defense" => [1, 0], "atop_offense" => [0, 0], "atop_neutral" => [0, 1],
            "atop_nonagg" => [0, 0], "atop_consul" => [0, 0],
        )
        .unwrap();
        let atop = Atop::new(&atop).unwrap();
        let system = df!("ccode" => [2, 20, 200], "year" => [1900, 1900, 1900]).unwrap();
        let s = Similarity::new(&atop, &system, atop.cover).unwrap();
        // Ties (rows 2, 20, 200): 2 = [3, 3, 0]; 20 = [3, 3, 2]; 200 = [0, 2, 3].
        // S(2, 20) = 1 − 2·(0 + 0 + 2)/9 = 5/9; S(2, 200) = 1 − 2·(3 + 1 + 3)/9 = −5/9;
        // S(20, 200) = 1 − 2·(3 + 1 + 1)/9 = −1/9; S(2, 2) = 1.
        let close = |x: Option<f64>, y: f64| assert!((x.unwrap() - y).abs() < 1e-15, "{x:?} vs {y}");
        close(s.s_unweighted(2, 20, 1900), 5.0 / 9.0);
        close(s.s_unweighted(20, 2, 1900), 5.0 / 9.0);
        close(s.s_unweighted(2, 200, 1900), -5.0 / 9.0);
        close(s.s_unweighted(20, 200, 1900), -1.0 / 9.0);
        close(s.s_unweighted(2, 2, 1900), 1.0);
        assert_eq!(s.s_unweighted(2, 300, 1900), None);
        assert_eq!(s.s_unweighted(2, 20, 1901), None);
    }
}
