//! The alliance-year unit on the real data, against the ATOP 4.01 member file read here with the
//! csv crate: an alliance is in force in a year when two or more of its members are.

mod common;

use allywar::frame::Spec;
use allywar::units::{Unit, Years};
use allywar::DataDir;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn alliances_in_force_by_year_and_obligation() {
    let path = common::real_data_dir().join("atop_4.01/atop-member-level.csv");
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header = rdr.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, member, entry, exit, defense) = (at("atopid"), at("member"), at("yrent"), at("yrexit"), at("defense"));
    // (atopid, year) → (members, any defence obligation)
    let mut want: BTreeMap<(i32, i32), (BTreeSet<i32>, bool)> = BTreeMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        let int = |i: usize| r[i].trim().parse::<i32>().unwrap();
        let last = if int(exit) == 0 { 2016 } else { int(exit) };
        for y in int(entry).max(1815)..=last {
            let slot = want.entry((int(id), y)).or_default();
            slot.0.insert(int(member));
            slot.1 |= int(defense) == 1;
        }
    }
    want.retain(|_, v| v.0.len() >= 2);
    let built = Spec::new(Unit::AllianceYear).vars(["n_members", "defense"]).build(&DataDir::new(common::real_data_dir())).unwrap();
    let f = &built.frame;
    let col = |c: &str| f.column(c).unwrap().i32().unwrap().iter().map(Option::unwrap).collect::<Vec<i32>>();
    let (ids, years, n, def) = (col("atopid"), col("year"), col("n_members"), col("defense"));
    let got: BTreeMap<(i32, i32), (usize, bool)> = (0..f.height()).map(|i| ((ids[i], years[i]), (n[i] as usize, def[i] == 1))).collect();
    let want: BTreeMap<(i32, i32), (usize, bool)> = want.into_iter().map(|(k, v)| (k, (v.0.len(), v.1))).collect();
    assert_eq!(got.len(), f.height(), "one row per alliance-year");
    assert_eq!(got, want);
    // NATO (ATOP 3180) is in force from 1949 with twelve members.
    assert_eq!(got.get(&(3180, 1949)).map(|v| v.0), Some(12));
    // A window gives the same rows.
    let w = Spec::new(Unit::AllianceYear).years(Years { first: 1914, last: 1914 }).build(&DataDir::new(common::real_data_dir())).unwrap();
    assert_eq!(w.frame.height(), got.keys().filter(|k| k.1 == 1914).count());
}
