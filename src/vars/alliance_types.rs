//! Benson's (2011) alliance types (STUDIES.md §3, the deterrence study's Benson model): which third states
//! back a state through a deterrent or compellent alliance, from his coding of ATOP 4.01
//! alliance phases joined to ATOP 4.01 membership (phase, member, years of entry and exit).
//! Counted per state-year, never by looping over third states.

use crate::sources::index::{dyad_key, int_column, keys, IntMap, StateYearTable};
use crate::types::Years;
use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;
use std::collections::{BTreeMap, BTreeSet};

/// Benson's types used here, as named in his file.
pub const TYPES: [&str; 5] = ["uncond_det", "cond_det", "prob_det", "uncond_comp", "cond_comp"];

/// The dyad-year columns, in the order [`dyad_columns`] returns them: (name, type index, whose
/// backers: true for state 2, the target; false for state 1, the challenger).
pub const DYAD_NAMES: [(&str, usize, bool); 5] = [
    ("tgt_uncond_det", 0, true),
    ("tgt_cond_det", 1, true),
    ("tgt_prob_det", 2, true),
    ("chal_uncond_comp", 3, false),
    ("chal_cond_comp", 4, false),
];

/// Who shares an alliance phase of each type with whom, by year.
pub struct AllianceTypes {
    /// Per (state, year): how many distinct other states share a phase of each type with it.
    partners: StateYearTable<[u16; 5]>,
    /// Per directed pair-year ([`dyad_key`]): bit k set when the two share a phase of type k.
    pairs: IntMap<u8>,
    /// Years ATOP 4.01 membership covers.
    pub cover: Years,
}

/// (atopid, phase) of Benson's `atopidphase`: `1020.1` is alliance 1020, phase 1; a bare id
/// is phase 0. The file was written through floating point, so phase 1 of 2050 reads
/// `2050.1001` and phase 3 of 4100 `4100.2998`: the phase is the first decimal, rounded.
pub fn atopid_phase(x: f64) -> (i32, i32) {
    let id = x.floor();
    (id as i32, ((x - id) * 10.0).round() as i32)
}

/// Benson's types of each ATOP 4.01 alliance phase he coded: bit k set for [`TYPES`]`[k]`.
pub fn phase_types(benson: &DataFrame) -> PolarsResult<BTreeMap<(i32, i32), u8>> {
    let ids = benson.column("atopidphase")?.cast(&DataType::Float64)?;
    let mut type_bits: BTreeMap<(i32, i32), u8> = BTreeMap::new();
    let flags: Vec<Vec<i32>> = TYPES.iter().map(|t| keys(benson, t)).collect::<PolarsResult<_>>()?;
    for (i, x) in ids.f64()?.iter().enumerate() {
        let Some(x) = x else { continue };
        let bits = (0..TYPES.len()).fold(0u8, |b, k| b | (u8::from(flags[k][i] == 1) << k));
        type_bits.insert(atopid_phase(x), bits);
    }
    Ok(type_bits)
}

impl AllianceTypes {
    /// Joins Benson's phases (`benson_types`) to ATOP 4.01 members (`atop_member_4.01`); a
    /// member with exit year 0 is in force to the end of `cover`.
    pub fn new(members: &DataFrame, benson: &DataFrame, cover: Years) -> PolarsResult<AllianceTypes> {
        let type_bits = phase_types(benson)?;
        let (id, phase, member) = (keys(members, "atopid")?, keys(members, "phase")?, keys(members, "member")?);
        let (entry, exit) = (keys(members, "yrent")?, keys(members, "yrexit")?);
        // (atopid, phase) → its members' (state, first year, last year).
        type Members = Vec<(i32, i32, i32)>;
        let mut phases: BTreeMap<(i32, i32), Members> = BTreeMap::new();
        for i in 0..id.len() {
            if type_bits.get(&(id[i], phase[i])).is_some_and(|&b| b != 0) {
                let last = if exit[i] == 0 { cover.last } else { exit[i] };
                phases.entry((id[i], phase[i])).or_default().push((member[i], entry[i], last));
            }
        }
        let mut pairs: IntMap<u8> = IntMap::default();
        for (key, ms) in &phases {
            let bits = type_bits[key];
            for &(a, a0, a1) in ms {
                for &(b, b0, b1) in ms {
                    if a == b {
                        continue;
                    }
                    for y in a0.max(b0)..=a1.min(b1) {
                        *pairs.entry(dyad_key(a, b, y)).or_default() |= bits;
                    }
                }
            }
        }
        let mut partners: StateYearTable<[u16; 5]> = StateYearTable::new(cover.first, cover.last);
        let distinct: BTreeSet<(u64, u8)> = pairs.iter().map(|(k, b)| (*k, *b)).collect();
        for (key, bits) in distinct {
            let (a, y) = ((key >> 32) as i32, (key & 0xFFFF) as i32);
            if let Some(slot) = partners.get_mut(a, y) {
                for (k, n) in slot.iter_mut().enumerate() {
                    *n += u16::from(bits & (1 << k) != 0);
                }
            }
        }
        Ok(AllianceTypes { partners, pairs, cover })
    }

    /// Whether some state other than `s` and `other` shares a phase of type `k` with `s` in `year`.
    pub fn third_party(&self, k: usize, s: i32, other: i32, year: i32) -> bool {
        let shared_with_other = self.pairs.get(&dyad_key(s, other, year)).is_some_and(|b| b & (1 << k) != 0);
        i32::from(self.partners.get(s, year)[k]) - i32::from(shared_with_other) > 0
    }
}

/// The columns of [`DYAD_NAMES`] for dyad-year rows; null outside ATOP 4.01's years.
pub fn dyad_columns(types: &AllianceTypes, c1: &[i32], c2: &[i32], year: &[i32]) -> Vec<Column> {
    let valid: Bitmap = year.iter().map(|&y| types.cover.contains(y)).collect();
    DYAD_NAMES
        .iter()
        .map(|&(name, k, target)| {
            let values = (0..c1.len())
                .map(|i| {
                    let (s, other) = if target { (c2[i], c1[i]) } else { (c1[i], c2[i]) };
                    i32::from(types.third_party(k, s, other, year[i]))
                })
                .collect();
            int_column(name, values, Some(&valid))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_survive_the_floating_point_ids() {
        assert_eq!(atopid_phase(1005.0), (1005, 0));
        assert_eq!(atopid_phase(1020.1), (1020, 1));
        assert_eq!(atopid_phase(2050.1001), (2050, 1));
        assert_eq!(atopid_phase(4100.2002), (4100, 2));
        assert_eq!(atopid_phase(4100.2998), (4100, 3));
    }

    #[test]
    fn third_parties_of_each_type_exclude_the_dyad() {
        // Alliance 1 (unconditional deterrent): 2, 20 and 200, all 1950-1960. Alliance 2 phase 1
        // (conditional compellent): 2 and 220 from 1955, 220 leaves in 1956.
        let members = df!(
            "atopid" => [1, 1, 1, 2, 2], "phase" => [0, 0, 0, 1, 1], "member" => [2, 20, 200, 2, 220],
            "yrent" => [1950, 1950, 1950, 1955, 1955], "yrexit" => [1960, 0, 0, 1960, 1956],
        )
        .unwrap();
        let benson = df!(
            "atopidphase" => [1.0, 2.1], "uncond_det" => [1, 0], "cond_det" => [0, 0], "prob_det" => [0, 0],
            "uncond_comp" => [0, 0], "cond_comp" => [0, 1],
        )
        .unwrap();
        let t = AllianceTypes::new(&members, &benson, Years { first: 1815, last: 2016 }).unwrap();
        // Rows: 220→2, 200→2, 220→20 in 1955, 220→20 in 1957, 2→300 in 1955.
        let cols = dyad_columns(&t, &[220, 200, 220, 220, 2], &[2, 2, 20, 20, 300], &[1955, 1955, 1955, 1957, 1955]);
        let get = |n: &str| cols.iter().find(|c| c.name() == n).unwrap().i32().unwrap().iter().collect::<Vec<_>>();
        // 2 is backed by 20 and 200 (by 20 when 200 is the challenger); 20 by 2 and 200; 300 by
        // no one.
        assert_eq!(get("tgt_uncond_det"), [1, 1, 1, 1, 0].map(Some));
        // 220's only compellent partner is 2: not a third party against 2, one against 20 until
        // 220 leaves in 1956; 2's partner 220 is a third party against 300.
        assert_eq!(get("chal_cond_comp"), [0, 0, 1, 0, 1].map(Some));
        assert_eq!(get("tgt_cond_det"), [0; 5].map(Some));
        // Exit year 0: in force to the end of the data (20 and 200 still allied in 2016).
        assert!(t.third_party(0, 20, 999, 2016));
        assert!(!t.third_party(0, 20, 200, 2016));
        assert!(!t.third_party(0, 2, 999, 2016), "2 left in 1960");
    }
}
