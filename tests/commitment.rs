//! The commitment unit (abandonment as Leeds, Long & Mitchell 2000 measure it) on the real data:
//! hand-checked wars, each checked against the raw ATOP 4.01 and COW files read here with the
//! csv crate, and the co-belligerent rule derived independently for every row.

mod common;

use common::{num, ymd};

use allywar::frame::Spec;
use allywar::units::Unit;
use allywar::DataDir;
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// A built frame's rows as maps of the columns asked, by (war, partner, ally, atopid, obligation).
type Key = (i32, i32, i32, i32, String);
type Rows = BTreeMap<Key, HashMap<String, String>>;

fn rows() -> Rows {
    let cols = ["status", "why", "ally_action", "co_belligerent", "fulfilled", "primary"];
    let f = Spec::new(Unit::Commitment).vars(cols).build(&DataDir::new(common::real_data_dir())).unwrap_or_else(|e| panic!("{e}")).frame;
    let s = |c: &str| -> Vec<String> {
        let col = f.column(c).unwrap().cast(&DataType::String).unwrap();
        col.str().unwrap().iter().map(|v| v.unwrap_or("").to_string()).collect()
    };
    let keys = ["conflict_id", "partner", "ally", "atopid"].map(&s);
    let obligation = s("obligation");
    let values: Vec<Vec<String>> = cols.iter().map(|c| s(c)).collect();
    (0..f.height())
        .map(|i| {
            let k = |j: usize| keys[j][i].parse::<i32>().unwrap();
            let row = cols.iter().zip(&values).map(|(c, v)| (c.to_string(), v[i].clone())).collect();
            ((k(0), k(1), k(2), k(3), obligation[i].clone()), row)
        })
        .collect()
}

/// COW inter-state war participants: war → state → (first day yyyymmdd, side, initiator).
fn wars() -> BTreeMap<i32, BTreeMap<i32, (i32, i32, bool)>> {
    let mut out: BTreeMap<i32, BTreeMap<i32, (i32, i32, bool)>> = BTreeMap::new();
    for r in common::raw("cow_war_4.0/Inter-StateWarData_v4.0.csv") {
        let e =
            (ymd(num(&r, "StartYear1"), num(&r, "StartMonth1"), num(&r, "StartDay1"), false), num(&r, "Side"), num(&r, "Initiator") == 1);
        let slot = out.entry(num(&r, "WarNum")).or_default().entry(num(&r, "ccode")).or_insert(e);
        if e < *slot {
            *slot = e;
        }
    }
    out
}

/// The ATOP 4.01 member row of `state` in alliance `atopid` in force on `day` (the file read once).
fn member(atopid: i32, state: i32, day: i32) -> HashMap<String, String> {
    static MEMBERS: std::sync::OnceLock<Vec<HashMap<String, String>>> = std::sync::OnceLock::new();
    MEMBERS
        .get_or_init(|| common::raw("atop_4.01/atop-member-level.csv"))
        .iter()
        .find(|r| {
            let exit = if num(r, "yrexit") == 0 { 99_999_999 } else { ymd(num(r, "yrexit"), num(r, "moexit"), num(r, "dayexit"), true) };
            num(r, "atopid") == atopid
                && num(r, "member") == state
                && ymd(num(r, "yrent"), num(r, "moent"), num(r, "dayent"), false) <= day
                && day <= exit
        })
        .cloned()
        .unwrap_or_else(|| panic!("no ATOP {atopid} row of {state} in force on {day}"))
}

fn row<'a>(rows: &'a Rows, war: i32, partner: i32, ally: i32, atopid: i32, obligation: &str) -> &'a HashMap<String, String> {
    rows.get(&(war, partner, ally, atopid, obligation.to_string()))
        .unwrap_or_else(|| panic!("no row {war} {partner} {ally} {atopid} {obligation}"))
}

#[test]
fn hand_checked_wars() {
    let rows = rows();
    let wars = wars();

    // WWI (COW 106): Austria-Hungary (300) initiated on 29 July 1914; Germany (255) joined on
    // 1 August, honouring its defence promise of the Dual Alliance (ATOP 1335).
    let ww1 = &wars[&106];
    assert!(ww1[&300].2 && ww1[&255].0 > ww1[&300].0 && ww1[&255].1 == ww1[&300].1);
    assert_eq!(member(1335, 255, ww1[&300].0)["defense"].trim(), "1");
    let germany = row(&rows, 106, 300, 255, 1335, "defense");
    assert_eq!((germany["status"].as_str(), germany["ally_action"].as_str()), ("fulfilled", "joined"));
    // Italy's Triple Alliance defence promise (ATOP 1350) carried a non-provocation clause and
    // Austria-Hungary initiated: not invoked, so Italy's neutrality in 1914 is no violation.
    let italy_raw = member(1350, 325, ww1[&300].0);
    assert_eq!((italy_raw["defense"].trim(), italy_raw["defconpr"].trim()), ("1", "1"));
    // The same pact's offence promise applies (Austria-Hungary attacked Serbia) and Germany kept
    // it; its consultation promise is listed, not scored.
    assert_eq!(row(&rows, 106, 300, 255, 1350, "offense")["status"], "fulfilled");
    assert_eq!(row(&rows, 106, 300, 255, 1350, "consultation")["status"], "consultation");
    let italy = row(&rows, 106, 300, 325, 1350, "defense");
    assert_eq!(italy["status"], "not_invoked");
    assert!(italy["why"].contains("non-provocation"), "{italy:?}");
    assert_eq!(italy["fulfilled"], "");

    // The Seven Weeks War (COW 55): the German Confederation (ATOP 1020) states at war on
    // Austria's side on the first day are co-belligerents, out of the rates.
    let sw = &wars[&55];
    let day_one: Vec<i32> = sw.iter().filter(|(&s, e)| s != 300 && e.1 == sw[&300].1 && e.0 <= sw[&300].0).map(|(&s, _)| s).collect();
    assert!(day_one.len() >= 6, "{day_one:?}");
    for s in &day_one {
        if let Some(r) = rows.get(&(55, 300, *s, 1020, "defense".to_string())) {
            assert_eq!((r["status"].as_str(), r["co_belligerent"].as_str(), r["fulfilled"].as_str()), ("co_belligerent", "1", ""), "{s}");
        }
    }
    assert!(day_one.iter().filter(|s| rows.contains_key(&(55, 300, **s, 1020, "defense".to_string()))).count() >= 6);

    // The German–Soviet pact (ATOP 2470, 23 August 1939): in force until 22 June 1941, the day
    // Germany attacked; COW has the USSR enter the Second World War (139) that day.
    let ww2 = &wars[&139];
    let pact = member(2470, 255, ww2[&365].0);
    assert_eq!(ymd(num(&pact, "yrexit"), num(&pact, "moexit"), num(&pact, "dayexit"), true), ww2[&365].0);
    assert_eq!(pact["nonagg"].trim(), "1");
    for o in ["nonaggression", "neutrality"] {
        let r = row(&rows, 139, 365, 255, 2470, o);
        assert_eq!(
            (r["status"].as_str(), r["ally_action"].as_str(), r["fulfilled"].as_str()),
            ("violated", "attacked_partner", "0"),
            "{o}"
        );
    }
    // Seen from Germany's entry in 1939 the promise is not called on: Germany attacked the USSR.
    assert_eq!(row(&rows, 139, 255, 365, 2470, "nonaggression")["why"], "the partner attacked the ally");

    // The Gulf War (COW 211): Iraq began it, so the coalition's attack on Iraq does not call on
    // the Arab League's defence promises to Iraq (ATOP 3205) from Saudi Arabia (670).
    let gulf = &wars[&211];
    assert!(gulf[&645].2, "Iraq initiated");
    let saudi = row(&rows, 211, 645, 670, 3205, "defense");
    assert_eq!((saudi["status"].as_str(), saudi["why"].as_str()), ("not_invoked", "the partner began the war"));
    // Kuwait (690), attacked, was owed it: Saudi Arabia joined. Iraq broke the Arab League's
    // non-aggression promise (3015) to Kuwait; Saudi Arabia's attack on Iraq in 1991 did not.
    assert_eq!(row(&rows, 211, 690, 670, 3205, "defense")["status"], "fulfilled");
    assert_eq!(row(&rows, 211, 690, 645, 3015, "nonaggression")["status"], "violated");
    assert_eq!(row(&rows, 211, 645, 670, 3015, "nonaggression")["why"], "the partner began the war");
    // Italy's attack on Ethiopia in 1935 (COW 127) broke their 1928 treaty of friendship (ATOP 2225).
    assert_eq!(row(&rows, 127, 530, 325, 2225, "nonaggression")["status"], "violated");

    // The Anglo-Soviet treaty of 1942 (ATOP 2535) was made for the Second World War (`cowwar`
    // 139): its offence promise does not reach the Korean War (151).
    let treaty = member(2535, 365, wars[&151][&200].0);
    assert_eq!((num(&treaty, "cowwar"), num(&treaty, "offcocon")), (139, 1));
    assert!(row(&rows, 151, 200, 365, 2535, "offense")["why"].contains("another war"));

    // The Soviet–Japanese neutrality pact (ATOP 2525) ends on 5 April 1945, before the Soviet
    // attack in August: honoured while in force.
    let nj = member(2525, 365, ww2[&740].0);
    assert!(ymd(num(&nj, "yrexit"), num(&nj, "moexit"), num(&nj, "dayexit"), true) < 19450808);
    assert_eq!(row(&rows, 139, 740, 365, 2525, "neutrality")["status"], "fulfilled");
}

#[test]
fn co_belligerents_are_exactly_the_allies_already_at_war_on_the_partners_side() {
    let rows = rows();
    let wars = wars();
    let mut n = 0;
    for ((war, partner, ally, _, obligation), r) in &rows {
        let states = &wars[war];
        let p = states[partner];
        let at_war_already = states.get(ally).is_some_and(|a| a.1 == p.1 && a.0 <= p.0);
        if obligation == "consultation" {
            assert_eq!(r["status"], "consultation");
            continue;
        }
        assert_eq!(r["co_belligerent"] == "1", at_war_already, "{war} {partner} {ally} {obligation}");
        assert_eq!(r["status"] == "co_belligerent", at_war_already);
        // Scored rows carry an outcome, the others none.
        assert_eq!(r["fulfilled"].is_empty(), !matches!(r["status"].as_str(), "fulfilled" | "violated"));
        n += usize::from(at_war_already);
    }
    assert!(n > 500, "{n} co-belligerent rows");
}

#[test]
fn rates_match_a_count_by_hand_and_their_intervals_cover_them() {
    let text = r#"
title = "t"
question = "q"
[frame]
unit = "commitment"
conflicts = "war"
[[rates]]
name = "r"
title = "r"
frame = { filter = "primary == 1" }
[[rates.row]]
label = "ally level, 1816–1944"
filter = "styear <= 1944"
[[rates.row]]
label = "defence pacts, alliance level"
pact_type = "defense"
alliance = "every"
[[rates.row]]
label = "defence pacts, any ally"
pact_type = "defense"
alliance = "any"
"#;
    let checked = allywar::report::spec::check(std::path::Path::new("reports/t/spec.toml"), text).unwrap_or_else(|e| panic!("{e}"));
    let (request, filter, rows) = &checked.rate_frames[0];
    let frame = request.build(&DataDir::new(common::real_data_dir())).unwrap_or_else(|e| panic!("{e}")).frame;
    let kept = allywar::report::frames::filtered(&frame, filter).unwrap();
    let rates = allywar::report::rates::compute(&checked.study.rates[0], &kept, rows).unwrap();

    // By hand from the commitment rows: primary rows with an outcome.
    let all = self::rows();
    let scored: Vec<(&Key, i32)> = all
        .iter()
        .filter(|(_, r)| r["primary"] == "1" && !r["fulfilled"].is_empty())
        .map(|(k, r)| (k, r["fulfilled"].parse().unwrap()))
        .collect();
    let wars = wars();
    let early: Vec<i32> =
        scored.iter().filter(|(k, _)| wars[&k.0].values().map(|e| e.0).min().unwrap() <= 19_441_231).map(|x| x.1).collect();
    assert_eq!(rates[0].n, early.len());
    assert!((rates[0].rate - early.iter().sum::<i32>() as f64 / early.len() as f64).abs() < 1e-12);
    // Alliance level: one (alliance, war) per pair, honoured when every (any) ally was.
    let pact: BTreeMap<Key, String> = {
        let f = Spec::new(Unit::Commitment).vars(["pact_type"]).build(&DataDir::new(common::real_data_dir())).unwrap().frame;
        let s = |c: &str| -> Vec<String> {
            f.column(c).unwrap().cast(&DataType::String).unwrap().str().unwrap().iter().map(|v| v.unwrap().to_string()).collect()
        };
        let (w, p, a, id, o, t) = (s("conflict_id"), s("partner"), s("ally"), s("atopid"), s("obligation"), s("pact_type"));
        (0..f.height())
            .map(|i| {
                ((w[i].parse().unwrap(), p[i].parse().unwrap(), a[i].parse().unwrap(), id[i].parse().unwrap(), o[i].clone()), t[i].clone())
            })
            .collect()
    };
    let mut by_alliance: BTreeMap<(i32, i32), Vec<i32>> = BTreeMap::new();
    for (k, y) in scored.iter().filter(|(k, _)| pact[*k] == "defense") {
        by_alliance.entry((k.3, k.0)).or_default().push(*y);
    }
    let every = by_alliance.values().filter(|v| v.iter().all(|&y| y == 1)).count() as f64;
    let any = by_alliance.values().filter(|v| v.contains(&1)).count() as f64;
    assert_eq!(rates[1].n, by_alliance.len());
    assert!((rates[1].rate - every / by_alliance.len() as f64).abs() < 1e-12);
    assert!((rates[2].rate - any / by_alliance.len() as f64).abs() < 1e-12);
    for r in &rates {
        assert!(r.low <= r.rate && r.rate <= r.high, "{r:?}");
        assert!(r.clusters > 5 && r.clusters < r.n.max(6), "{r:?}");
    }
}

#[test]
fn every_condition_that_drops_a_commitment_is_in_the_raw_files() {
    let f = Spec::new(Unit::Commitment).vars(["status", "why"]).build(&DataDir::new(common::real_data_dir())).unwrap().frame;
    let s = |c: &str| -> Vec<String> {
        f.column(c).unwrap().cast(&DataType::String).unwrap().str().unwrap().iter().map(|v| v.unwrap_or("").to_string()).collect()
    };
    let (war, partner, ally, atopid, obligation, why) = (s("conflict_id"), s("partner"), s("ally"), s("atopid"), s("obligation"), s("why"));
    let int = |v: &String| v.parse::<i32>().unwrap();
    // War participants with where each fought (COW `WhereFought` of its first entry).
    let mut fought: BTreeMap<(i32, i32), (i32, i32, bool, i32)> = BTreeMap::new();
    for r in common::raw("cow_war_4.0/Inter-StateWarData_v4.0.csv") {
        let start = ymd(num(&r, "StartYear1"), num(&r, "StartMonth1"), num(&r, "StartDay1"), false);
        let e = (start, num(&r, "WhereFought"), num(&r, "Initiator") == 1, num(&r, "Side"));
        let slot = fought.entry((num(&r, "WarNum"), num(&r, "ccode"))).or_insert(e);
        if e.0 < slot.0 {
            *slot = e;
        }
    }
    // COW regions by code, and the regions each `WhereFought` code covers (the COW codebook).
    let home = |c: i32| match c {
        ..=199 => 1,
        200..=399 => 2,
        400..=626 => 4,
        627..=699 => 6,
        700..=899 => 7,
        _ => 9,
    };
    let covers = |w: i32| -> Vec<i32> {
        match w {
            11 => vec![2, 6],
            12 => vec![2, 7],
            13 => vec![1, 7],
            14 => vec![2, 4, 6],
            15 => vec![2, 4, 6, 7],
            16 => vec![4, 6, 7, 9],
            17 => vec![7, 9],
            18 => vec![4, 6],
            19 => vec![2, 4, 6, 7, 9],
            w => vec![w],
        }
    };
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for i in 0..f.height() {
        let prefix = match obligation[i].as_str() {
            "defense" => "def",
            "offense" => "off",
            "neutrality" => "neu",
            _ => continue,
        };
        let (w, p) = (int(&war[i]), int(&partner[i]));
        let (entry, where_fought, initiator, side) = fought[&(w, p)];
        let row = member(int(&atopid[i]), int(&ally[i]), entry);
        let flag = |c: &str| num(&row, &format!("{prefix}{c}")) == 1;
        let key = match why[i].as_str() {
            x if x.contains("non-provocation") => {
                assert!(flag("conpr") && initiator, "row {i}");
                "non-provocation"
            }
            x if x.contains("location") => {
                assert!(flag("coloc") && !covers(where_fought).contains(&home(p)), "row {i}: {where_fought} for {p}");
                "location"
            }
            x if x.contains("specific conflict") => {
                assert!(flag("cocon") && num(&row, "cowwar") > 0 && num(&row, "cowwar") != w, "row {i}");
                "specific conflict"
            }
            x if x.contains("named adversary") => {
                let named: Vec<i32> = [num(&row, "statthr1"), num(&row, "statthr2")].into_iter().filter(|&s| s > 0).collect();
                assert!(flag("coadv") && !named.is_empty(), "row {i}");
                // Offence and neutrality: no named state fought on the other side. (Defence asks
                // more, that one attacked the partner: the dyadic file, not read here.)
                let opposed = |s: &i32| fought.get(&(w, *s)).is_some_and(|e| e.3 != side);
                assert!(prefix == "def" || !named.iter().any(opposed), "row {i}");
                "named adversary"
            }
            x if x.contains("number condition") => {
                assert!(flag("conum"), "row {i}");
                "number"
            }
            _ => continue,
        };
        *seen.entry(key).or_default() += 1;
    }
    // Every condition drops at least one real commitment, and each drop is in the raw files.
    for k in ["non-provocation", "location", "specific conflict", "named adversary", "number"] {
        assert!(seen.get(k).is_some_and(|n| *n > 0), "{k}: {seen:?}");
    }
}
