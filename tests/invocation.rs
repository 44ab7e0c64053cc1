//! The invocation unit (abandonment) on the real data, against an independent derivation from
//! the producers' CSVs: dates as yyyymmdd integers (an unknown month or day is the first, or for
//! an exit the last), alliances and wars read with the csv crate, outcomes derived with loops.

mod common;

use common::{num as int, raw, ymd};

use allywar::frame::{Built, Spec};
use allywar::types::Conflicts;
use allywar::units::{Mids, Unit, Years};
use allywar::DataDir;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn build(spec: Spec) -> Built {
    spec.build(&DataDir::new(common::real_data_dir())).unwrap_or_else(|e| panic!("{e}"))
}

fn ints(df: &DataFrame, c: &str) -> Vec<i32> {
    df.column(c).unwrap().i32().unwrap().iter().map(|v| v.unwrap()).collect()
}

/// (member, entry, exit, defense, defcoadv, defconpr, named adversaries) by (atopid, phase).
type Alliances = BTreeMap<(i32, i32), Vec<(i32, i32, i32, bool, bool, bool, Vec<i32>)>>;

fn alliances() -> Alliances {
    let mut out: Alliances = BTreeMap::new();
    for r in raw("atop_4.01/atop-member-level.csv") {
        let entry = ymd(int(&r, "yrent"), int(&r, "moent"), int(&r, "dayent"), false);
        let exit = if int(&r, "yrexit") == 0 { 99_999_999 } else { ymd(int(&r, "yrexit"), int(&r, "moexit"), int(&r, "dayexit"), true) };
        let named = [int(&r, "statthr1"), int(&r, "statthr2")].into_iter().filter(|&s| s > 0).collect();
        out.entry((int(&r, "atopid"), int(&r, "phase"))).or_default().push((
            int(&r, "member"),
            entry,
            exit,
            int(&r, "defense") == 1,
            int(&r, "defcoadv") == 1,
            int(&r, "defconpr") == 1,
            named,
        ));
    }
    out
}

/// Expected rows (war, partner, ally) → (response 2/1/0, conditions hold), derived here.
fn expected_wars(years: Years) -> BTreeMap<(i32, i32, i32), (i32, bool)> {
    // war → state → (first day, side, initiator)
    let mut wars: BTreeMap<i32, BTreeMap<i32, (i32, i32, bool)>> = BTreeMap::new();
    for r in raw("cow_war_4.0/Inter-StateWarData_v4.0.csv") {
        let day = ymd(int(&r, "StartYear1"), int(&r, "StartMonth1"), int(&r, "StartDay1"), false);
        let e = (day, int(&r, "Side"), int(&r, "Initiator") == 1);
        let slot = wars.entry(int(&r, "WarNum")).or_default().entry(int(&r, "ccode")).or_insert(e);
        if e.0 < slot.0 || (e.0 == slot.0 && e < *slot) {
            *slot = e;
        }
    }
    let atop = alliances();
    let mut out = BTreeMap::new();
    for (&war, states) in &wars {
        let start = states.values().map(|e| e.0).min().unwrap();
        if !years.contains(start / 10000) {
            continue;
        }
        for (&partner, &(day, side, initiator)) in states {
            if day != start {
                continue;
            }
            let mut hold: BTreeMap<i32, bool> = BTreeMap::new();
            for members in atop.values() {
                let in_force = |m: &(i32, i32, i32, bool, bool, bool, Vec<i32>)| m.1 <= start && start <= m.2;
                if !members.iter().any(|m| m.0 == partner && in_force(m)) {
                    continue;
                }
                for m in members.iter().filter(|m| m.0 != partner && m.3 && in_force(m)) {
                    let enemy_named = m.6.is_empty() || m.6.iter().any(|s| states.get(s).is_some_and(|e| e.1 != side));
                    let ok = (!m.4 || enemy_named) && !(m.5 && initiator);
                    *hold.entry(m.0).or_insert(false) |= ok;
                }
            }
            for (ally, ok) in hold {
                let response = match states.get(&ally) {
                    // Allies fighting each other from the first day: no call for help.
                    Some(e) if e.0 == start && e.1 != side => continue,
                    Some(e) if e.1 == side => 2,
                    Some(_) => 0,
                    None => 1,
                };
                out.insert((war, partner, ally), (response, ok));
            }
        }
    }
    out
}

#[test]
fn war_invocations_match_an_independent_derivation() {
    let years = Years { first: 1823, last: 2003 };
    let built = build(Spec::new(Unit::Invocation).vars(["response", "conditions_hold", "fulfilled", "fulfilled_matched", "styear"]));
    let f = &built.frame;
    let (w, p, a, resp, hold) =
        (ints(f, "conflict_id"), ints(f, "partner"), ints(f, "ally"), ints(f, "response"), ints(f, "conditions_hold"));
    let got: BTreeMap<(i32, i32, i32), (i32, bool)> = (0..f.height()).map(|i| ((w[i], p[i], a[i]), (resp[i], hold[i] == 1))).collect();
    assert_eq!(got.len(), f.height(), "one row per (war, partner, ally)");
    let want = expected_wars(years);
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(k)).take(5).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(k)).take(5).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:?}, extra {extra:?}");
    assert_eq!(got, want);
    // Sorted by the keys, and fulfilled_matched is fulfilled where the conditions hold.
    let keys: Vec<_> = (0..f.height()).map(|i| (w[i], p[i], a[i])).collect();
    assert!(keys.windows(2).all(|k| k[0] < k[1]));
    let matched = f.column("fulfilled_matched").unwrap().i32().unwrap();
    let fulfilled = ints(f, "fulfilled");
    for i in 0..f.height() {
        assert_eq!(matched.get(i), (hold[i] == 1).then_some(fulfilled[i]), "row {i}");
        assert_eq!(fulfilled[i] == 1, resp[i] == 2);
    }
    assert!(built.notes.iter().any(|n| n.contains("invocations") && n.contains("fulfilled")), "{:?}", built.notes);
}

#[test]
fn world_war_one_as_the_alliance_literature_tells_it() {
    let f = build(Spec::new(Unit::Invocation).years(Years { first: 1914, last: 1914 }).vars([
        "response",
        "ally_major",
        "atopid",
        "conditions_hold",
    ]))
    .frame;
    let (w, p, a, resp) = (ints(&f, "conflict_id"), ints(&f, "partner"), ints(&f, "ally"), ints(&f, "response"));
    let row = |war: i32, partner: i32, ally: i32| (0..f.height()).find(|&i| (w[i], p[i], a[i]) == (war, partner, ally));
    // WWI (106) starts on 29 July 1914 with Austria-Hungary (300) and Serbia (345). Germany
    // (255) joins its ally Austria-Hungary on 1 August; Italy (325), in the Triple Alliance,
    // stays out in 1914 and joins the other side in 1915 (COW war number 106).
    let germany = row(106, 300, 255).expect("Germany's promise to Austria-Hungary");
    assert_eq!(resp[germany], 2);
    assert_eq!(ints(&f, "ally_major")[germany], 1);
    let italy = row(106, 300, 325).expect("Italy's promise to Austria-Hungary");
    assert_eq!(resp[italy], 0);
    // Italy's Triple Alliance promise required that Austria-Hungary not provoke the war
    // (defconpr), and Austria-Hungary initiated: the conditions-matched coding drops it.
    assert_eq!(ints(&f, "conditions_hold")[italy], 0);
    assert_eq!(ints(&f, "conditions_hold")[germany], 1);
    assert!(w.iter().all(|&x| x == 106), "the only war starting in 1914");
    let partners: BTreeSet<i32> = p.iter().copied().collect();
    assert!(partners.is_subset(&BTreeSet::from([300, 345])), "{partners:?}");
}

#[test]
fn dispute_invocations_use_originators_and_the_mids_source() {
    let years = Years { first: 1946, last: 2001 };
    let built = build(Spec::new(Unit::Invocation).conflicts(Conflicts::Mid).mids(Mids::Cow5).years(years).vars([
        "response",
        "styear",
        "ally_at_start",
    ]));
    let f = &built.frame;
    let (d, p, a, resp) = (ints(f, "conflict_id"), ints(f, "partner"), ints(f, "ally"), ints(f, "response"));
    let at_start = ints(f, "ally_at_start");
    // Originators and joiners from MIDB, read here.
    let mut parts: BTreeMap<i32, BTreeMap<i32, (bool, bool)>> = BTreeMap::new();
    for r in raw("cow_mid_5.0/MIDB 5.0.csv") {
        parts.entry(int(&r, "dispnum")).or_default().entry(int(&r, "ccode")).or_insert((int(&r, "orig") == 1, int(&r, "sidea") == 1));
    }
    assert!(f.height() > 100, "{}", f.height());
    for i in 0..f.height() {
        let ps = &parts[&d[i]];
        let (orig, side) = ps[&p[i]];
        assert!(orig, "partner {} of MID {} is an originator", p[i], d[i]);
        let want = match ps.get(&a[i]) {
            None => 1,
            Some(&(true, s)) if s != side => panic!("ally {} is an originator on the other side of MID {}", a[i], d[i]),
            Some(&(_, s)) if s == side => 2,
            Some(_) => 0,
        };
        assert_eq!(resp[i], want, "MID {} partner {} ally {}", d[i], p[i], a[i]);
        assert_eq!(at_start[i] == 1, ps.get(&a[i]).is_some_and(|x| x.0), "ally_at_start is an originator ally");
    }
    assert!(ints(f, "styear").iter().all(|y| years.contains(*y)));
}

#[test]
fn options_that_do_not_apply_are_refused() {
    let err = Spec::new(Unit::DyadYear).conflicts(Conflicts::Mid).check().unwrap_err().to_string();
    assert!(err.contains("--conflicts applies to invocation and commitment frames"), "{err}");
}
