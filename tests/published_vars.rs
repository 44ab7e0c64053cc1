//! The variables the published designs need (issue 18), on the real data: promises that apply
//! against the other state, the S-score, peace years counted from ongoing disputes, originators
//! per side, and the uses of force. Each expectation is derived here from the raw CSVs (csv crate,
//! plain loops over the producers' rows), not with the code under test.

mod common;

use allywar::frame::{Built, Spec};
use allywar::units::{Unit, Years};
use allywar::DataDir;
use common::{int, raw};
use polars::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

fn build(spec: Spec) -> Built {
    spec.build(&DataDir::new(common::real_data_dir())).unwrap_or_else(|e| panic!("{e}"))
}

fn ints_of(df: &DataFrame, c: &str) -> Vec<Option<i32>> {
    df.column(c).unwrap().cast(&DataType::Int32).unwrap().i32().unwrap().iter().collect()
}

fn floats_of(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    df.column(c).unwrap().f64().unwrap().iter().collect()
}

fn frame() -> &'static Built {
    static F: OnceLock<Built> = OnceLock::new();
    F.get_or_init(|| {
        build(Spec::new(Unit::DyadYear).years(Years { first: 1816, last: 2010 }).vars([
            "tgt_def",
            "tgt_def_specific",
            "chal_def_specific",
            "chal_def_nonprov",
            "tgt_def_new",
            "s_unweighted",
            "mid_ongoing",
            "peace_years_ongoing",
            "peace_years_ongoing3",
        ]))
    })
}

fn value(df: &DataFrame, key: (i32, i32, i32), col: &str) -> Option<i32> {
    let (a, b, y) = (ints_of(df, "ccode1"), ints_of(df, "ccode2"), ints_of(df, "year"));
    let i = (0..df.height()).find(|&i| (a[i], b[i], y[i]) == (Some(key.0), Some(key.1), Some(key.2))).expect("row");
    ints_of(df, col)[i]
}

/// ATOP 4.01 member rows, as read from the producer's CSV.
struct MemberRow {
    alliance: (i32, i32),
    member: i32,
    first: i32,
    last: i32,
    defense: bool,
    /// Named adversaries when the promise is limited to them (defcoadv = 1).
    named: Vec<i32>,
    nonprov: bool,
}

fn member_rows() -> Vec<MemberRow> {
    raw("atop_4.01/atop-member-level.csv")
        .iter()
        .map(|r| {
            let exit = int(r, "yrexit");
            let named = if int(r, "defcoadv") == 1 {
                ["statthr1", "statthr2"].iter().map(|k| int(r, k)).filter(|&s| s > 0).collect()
            } else {
                Vec::new()
            };
            MemberRow {
                alliance: (int(r, "atopid"), int(r, "phase")),
                member: int(r, "member"),
                first: int(r, "yrent"),
                last: if exit == 0 { 2016 } else { exit },
                defense: int(r, "defense") == 1,
                named,
                nonprov: int(r, "defconpr") == 1,
            }
        })
        .collect()
}

/// (promiser, named adversaries, non-provocation) of every defence promise to `s` in `y`,
/// found by scanning the alliance phases `s` belongs to.
fn promises_to(rows: &[MemberRow], s: i32, y: i32) -> Vec<(i32, Vec<i32>, bool)> {
    let mine: BTreeSet<(i32, i32)> = rows.iter().filter(|r| r.member == s && r.first <= y && y <= r.last).map(|r| r.alliance).collect();
    rows.iter()
        .filter(|r| mine.contains(&r.alliance) && r.member != s && r.defense && r.first <= y && y <= r.last)
        .map(|r| (r.member, r.named.clone(), r.nonprov))
        .collect()
}

/// Whether some promise to `protege` applies against `other` (and whether one of those carries
/// a non-provocation clause).
fn applies(rows: &[MemberRow], protege: i32, other: i32, y: i32) -> (bool, bool) {
    let defenders_of_other: BTreeSet<i32> = promises_to(rows, other, y).into_iter().map(|p| p.0).collect();
    let ok: Vec<bool> = promises_to(rows, protege, y)
        .into_iter()
        .filter(|(c, named, _)| *c != other && !defenders_of_other.contains(c) && (named.is_empty() || named.contains(&other)))
        .map(|p| p.2)
        .collect();
    (!ok.is_empty(), ok.contains(&true))
}

/// Whether a state other than `other` holds a defence promise to `s` in `y` from a pact the two
/// first shared within the last five years.
fn new_pact(rows: &[MemberRow], s: i32, other: i32, y: i32) -> bool {
    let first = |state: i32, atopid: i32| rows.iter().filter(|r| r.member == state && r.alliance.0 == atopid).map(|r| r.first).min();
    let mine: BTreeSet<(i32, i32)> = rows.iter().filter(|r| r.member == s && r.first <= y && y <= r.last).map(|r| r.alliance).collect();
    rows.iter()
        .filter(|r| mine.contains(&r.alliance) && r.member != s && r.member != other && r.defense && r.first <= y && y <= r.last)
        .any(|r| {
            let since = first(r.member, r.alliance.0).max(first(s, r.alliance.0));
            since.is_some_and(|f| y - f < 5)
        })
}

#[test]
fn promises_that_apply_against_the_challenger_match_the_member_file() {
    let df = &frame().frame;
    let rows = member_rows();
    let (c1, c2, yr) = (ints_of(df, "ccode1"), ints_of(df, "ccode2"), ints_of(df, "year"));
    let (tgt, chal, nonprov) = (ints_of(df, "tgt_def_specific"), ints_of(df, "chal_def_specific"), ints_of(df, "chal_def_nonprov"));
    let new = ints_of(df, "tgt_def_new");
    let mut checked = 0;
    let mut ones = [0; 4];
    for i in (0..df.height()).step_by(997) {
        let (a, b, y) = (c1[i].unwrap(), c2[i].unwrap(), yr[i].unwrap());
        let (t, _) = applies(&rows, b, a, y);
        let (c, np) = applies(&rows, a, b, y);
        assert_eq!(tgt[i], Some(i32::from(t)), "tgt_def_specific of ({a}, {b}, {y})");
        assert_eq!(chal[i], Some(i32::from(c)), "chal_def_specific of ({a}, {b}, {y})");
        assert_eq!(nonprov[i], Some(i32::from(np)), "chal_def_nonprov of ({a}, {b}, {y})");
        let n = new_pact(&rows, b, a, y);
        assert_eq!(new[i], Some(i32::from(n)), "tgt_def_new of ({a}, {b}, {y})");
        for (k, x) in [t, c, np, n].into_iter().enumerate() {
            ones[k] += usize::from(x);
        }
        checked += 1;
    }
    assert!(checked > 1600, "{checked} rows checked");
    assert!(ones.iter().all(|&n| n > 10), "the sample holds promises of every kind: {ones:?}");
}

#[test]
fn a_shared_defender_does_not_deter_and_named_adversaries_limit_a_promise() {
    let df = &frame().frame;
    // USSR → Hungary 1956: Hungary's defenders were its Warsaw Pact allies, each of which had
    // also promised to defend the USSR. A defended target, but by no one who would fight the USSR.
    assert_eq!(value(df, (365, 310, 1956), "tgt_def"), Some(1));
    assert_eq!(value(df, (365, 310, 1956), "tgt_def_specific"), Some(0));
    // The Little Entente (ATOP 2050): Czechoslovakia promised to defend Yugoslavia against
    // Hungary only (defcoadv, statthr1 = 310). In 1930 it applies when Hungary challenges
    // Yugoslavia, not when Germany does; Yugoslavia's other defence pact of 1930 (Romania, ATOP
    // 2085) names Hungary and Bulgaria.
    let rows = member_rows();
    let czech = promises_to(&rows, 345, 1930).into_iter().find(|p| p.0 == 315).expect("Czechoslovakia defends Yugoslavia");
    assert_eq!(czech.1, [310]);
    assert_eq!(value(df, (310, 345, 1930), "tgt_def_specific"), Some(1));
    assert_eq!(value(df, (355, 345, 1930), "tgt_def_specific"), Some(1));
    assert_eq!(value(df, (255, 345, 1930), "tgt_def_specific"), Some(i32::from(applies(&rows, 345, 255, 1930).0)));
    assert_eq!(value(df, (255, 345, 1930), "tgt_def"), Some(1));
    assert_eq!(value(df, (255, 345, 1930), "tgt_def_specific"), Some(0), "no promise to Yugoslavia applies against Germany");
}

#[test]
fn s_scores_match_a_direct_computation_from_atop_and_the_system() {
    let df = &frame().frame;
    // Ties from the raw ATOP 5.1 rows, either direction, the higher tier.
    let mut tie: HashMap<(i32, i32, i32), u8> = HashMap::new();
    for r in raw("atop_5.1/peacesciencer_atop_alliance_ddy_5.1.csv") {
        let (a, b, y) = (int(&r, "ccode1"), int(&r, "ccode2"), int(&r, "year"));
        let t = if int(&r, "atop_defense") == 1 || int(&r, "atop_offense") == 1 {
            3
        } else if int(&r, "atop_neutral") == 1 || int(&r, "atop_nonagg") == 1 {
            2
        } else {
            u8::from(int(&r, "atop_consul") == 1)
        };
        for k in [(a, b, y), (b, a, y)] {
            let e = tie.entry(k).or_insert(0);
            *e = (*e).max(t);
        }
    }
    let mut members: HashMap<i32, Vec<i32>> = HashMap::new();
    for r in raw("cow_system_2016/system2016.csv") {
        members.entry(int(&r, "year")).or_default().push(int(&r, "ccode"));
    }
    let a_ik = |i: i32, k: i32, y: i32| if i == k { 3 } else { tie.get(&(i, k, y)).copied().unwrap_or(0) };
    let (c1, c2, yr, s) = (ints_of(df, "ccode1"), ints_of(df, "ccode2"), ints_of(df, "year"), floats_of(df, "s_unweighted"));
    let mut checked = 0;
    for i in (0..df.height()).step_by(1009) {
        let (a, b, y) = (c1[i].unwrap(), c2[i].unwrap(), yr[i].unwrap());
        let ks = &members[&y];
        let d: i32 = ks.iter().map(|&k| (i32::from(a_ik(a, k, y)) - i32::from(a_ik(b, k, y))).abs()).sum();
        let want = 1.0 - 2.0 * f64::from(d) / (3.0 * ks.len() as f64);
        let got = s[i].unwrap_or_else(|| panic!("s_unweighted of ({a}, {b}, {y}) is null"));
        assert!((got - want).abs() < 1e-12, "s_unweighted of ({a}, {b}, {y}): {got} vs {want}");
        checked += 1;
    }
    assert!(checked > 1600);
    assert!(s.iter().flatten().all(|x| (-1.0..=1.0).contains(x)));
}

#[test]
fn peace_years_from_ongoing_disputes_reset_after_every_dispute_year() {
    let df = &frame().frame;
    // Ongoing dyad-years from the raw GML file (either direction: the spell is the dyad's).
    let mut ongoing: BTreeSet<(i32, i32, i32)> = BTreeSet::new();
    for r in raw("gml_mid/2.2.1/gml-ddy-disputes-2.2.1.csv") {
        let (a, b, y) = (int(&r, "ccode1"), int(&r, "ccode2"), int(&r, "year"));
        ongoing.insert((a.min(b), a.max(b), y));
    }
    let (c1, c2, yr) = (ints_of(df, "ccode1"), ints_of(df, "ccode2"), ints_of(df, "year"));
    let (pyo, pyo3) = (ints_of(df, "peace_years_ongoing"), floats_of(df, "peace_years_ongoing3"));
    for (a, b) in [(2, 365), (365, 2), (2, 710), (640, 651), (200, 220)] {
        let mut rows: Vec<usize> = (0..df.height()).filter(|&i| c1[i] == Some(a) && c2[i] == Some(b)).collect();
        rows.sort_by_key(|&i| yr[i]);
        let mut expected = 0;
        let mut prev: Option<(i32, bool)> = None;
        for &i in &rows {
            let y = yr[i].unwrap();
            expected = match prev {
                Some((py, was)) if py + 1 == y => {
                    if was {
                        0
                    } else {
                        expected + 1
                    }
                }
                _ => 0,
            };
            // A dyad first seen before 1816 or after a gap starts at 0; the frame's spells count
            // from the dyad's first joint year, which for these dyads is in the window.
            assert_eq!(pyo[i], Some(expected), "peace_years_ongoing of {a}-{b} in {y}");
            assert_eq!(pyo3[i], Some(f64::from(expected).powi(3)));
            prev = Some((y, ongoing.contains(&(a.min(b), a.max(b), y))));
        }
        assert!(rows.len() > 40, "{a}-{b}");
    }
}

#[test]
fn drop_ongoing_keeps_onsets_and_peace() {
    let all = build(Spec::new(Unit::DyadYear).years(Years { first: 1900, last: 1950 }).vars(["mid_onset", "mid_ongoing"])).frame;
    let kept =
        build(Spec::new(Unit::DyadYear).years(Years { first: 1900, last: 1950 }).vars(["mid_onset", "mid_ongoing"]).drop_ongoing(true))
            .frame;
    let (on, og) = (ints_of(&all, "mid_onset"), ints_of(&all, "mid_ongoing"));
    let continuing = (0..all.height()).filter(|&i| og[i] == Some(1) && on[i] == Some(0)).count();
    assert!(continuing > 1000);
    assert_eq!(kept.height(), all.height() - continuing);
    let sum = |df: &DataFrame| ints_of(df, "mid_onset").iter().flatten().sum::<i32>();
    assert_eq!(sum(&kept), sum(&all), "every onset is kept");
}

#[test]
fn originators_per_side_and_the_uses_of_force() {
    // Originators from the raw GML participant file: orig = 1 by side.
    let mut orig: HashMap<i32, (BTreeSet<i32>, BTreeSet<i32>)> = HashMap::new();
    for r in raw("gml_mid_participants_2.2.1/gml_part.csv") {
        if int(&r, "orig") == 1 {
            let e = orig.entry(int(&r, "dispnum")).or_default();
            if int(&r, "sidea") == 1 { &mut e.0 } else { &mut e.1 }.insert(int(&r, "ccode"));
        }
    }
    let d = build(Spec::new(Unit::Dispute).vars(["numa", "numb", "orig_a", "orig_b", "orig_size"])).frame;
    let (num, na, nb, oa, ob, os) = (
        ints_of(&d, "dispnum"),
        ints_of(&d, "numa"),
        ints_of(&d, "numb"),
        ints_of(&d, "orig_a"),
        ints_of(&d, "orig_b"),
        ints_of(&d, "orig_size"),
    );
    let mut joined_later = 0;
    for i in 0..d.height() {
        let want = orig.get(&num[i].unwrap()).map(|(a, b)| (a.len() as i32, b.len() as i32));
        assert_eq!(oa[i].zip(ob[i]), want, "originators of dispute {:?}", num[i]);
        assert_eq!(os[i], want.map(|(a, b)| a + b));
        if let (Some(a), Some(n)) = (oa[i], na[i]) {
            assert!(a <= n, "dispute {:?}: more originators than states on side A", num[i]);
            joined_later += usize::from(a < n || ob[i] < nb[i]);
        }
    }
    assert!(joined_later > 100, "{joined_later} disputes grew after onset");
    // World War I (MID 257): two originators (Austria-Hungary, Serbia), many states at the end.
    let i = num.iter().position(|n| *n == Some(257)).unwrap();
    assert_eq!((oa[i], ob[i]), (Some(1), Some(1)));
    assert!(na[i].unwrap() + nb[i].unwrap() > 10);

    // Tago (2005) studies the 212 uses of force; the file's other 76 rows are crises without.
    let tago = raw("tago2005_multilat_force/multilat_force.csv");
    let force = build(Spec::new(Unit::UsForce).vars(["coalitional_use_of_force"]));
    let uses = tago.iter().filter(|r| int(r, "use_of_force") == 1).count();
    assert_eq!((force.frame.height(), uses), (212, 212));
    let multilateral = tago.iter().filter(|r| int(r, "use_of_force") == 1 && int(r, "coalitional_use_of_force") == 1).count();
    assert_eq!(ints_of(&force.frame, "coalitional_use_of_force").iter().flatten().sum::<i32>() as usize, multilateral);
    assert!(force.notes.iter().any(|n| n.contains("76 crises without force dropped")), "{:?}", force.notes);
    let all = build(Spec::new(Unit::UsForce).crises(true)).frame;
    assert_eq!(all.height(), 288);
}

/// Composed third-party variables against a computation from the raw files in the test: ATOP
/// 5.1's directed defence promises and COW's major-power spells, read with the csv crate.
#[test]
fn a_major_power_defence_ally_counted_from_the_raw_files() {
    use std::collections::{HashMap, HashSet};
    let data = common::real_data_dir();
    let tmp = tempfile::tempdir().unwrap();
    let frame = tmp.path().join("dy.parquet");
    common::allywar()
        .args([
            "build",
            "dyad-year",
            "--years",
            "1930:1950",
            "-q",
            "--vars",
            "tgt_def[major],n_tgt_def[major],chal_def[minor],tgt_def",
            "--out",
        ])
        .arg(&frame)
        .arg("--data-dir")
        .arg(&data)
        .assert()
        .success();
    let df = allywar::input::read_frame(&frame).unwrap();
    let col = |c: &str| -> Vec<Option<i64>> {
        df.column(c).unwrap().cast(&polars::prelude::DataType::Int64).unwrap().i64().unwrap().iter().collect()
    };
    let (c1, c2, y) = (col("ccode1"), col("ccode2"), col("year"));
    let (major_flag, major_n, minor_chal, any) = (col("tgt_def[major]"), col("n_tgt_def[major]"), col("chal_def[minor]"), col("tgt_def"));

    let mut majors: HashSet<(i64, i64)> = HashSet::new();
    let mut r = csv::Reader::from_path(data.join("cow_system_2016/majors2016.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let (c, s, e): (i64, i64, i64) = (rec[1].parse().unwrap(), rec[2].parse().unwrap(), rec[5].parse().unwrap());
        (s..=e).for_each(|year| {
            majors.insert((c, year));
        });
    }
    let mut promisers: HashMap<(i64, i64), Vec<i64>> = HashMap::new();
    let mut r = csv::Reader::from_path(data.join("atop_5.1/peacesciencer_atop_alliance_ddy_5.1.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let (a, b, year, def): (i64, i64, i64, &str) = (rec[0].parse().unwrap(), rec[1].parse().unwrap(), rec[2].parse().unwrap(), &rec[3]);
        if def == "1" && (1930..=1950).contains(&year) {
            promisers.entry((b, year)).or_default().push(a);
        }
    }
    let (mut flagged, mut rows) = (0, 0);
    for i in 0..df.height() {
        let (a, b, year) = (c1[i].unwrap(), c2[i].unwrap(), y[i].unwrap());
        let third = |own: i64, other: i64| promisers.get(&(own, year)).into_iter().flatten().filter(move |&&c| c != other).copied();
        let n = third(b, a).filter(|&c| majors.contains(&(c, year))).count() as i64;
        assert_eq!(major_n[i], Some(n), "n_tgt_def[major] at {a} {b} {year}");
        assert_eq!(major_flag[i], Some(i64::from(n > 0)), "tgt_def[major] at {a} {b} {year}");
        let minor = third(a, b).any(|c| !majors.contains(&(c, year)));
        assert_eq!(minor_chal[i], Some(i64::from(minor)), "chal_def[minor] at {a} {b} {year}");
        // A major-power defender is a defender.
        assert!(major_flag[i] <= any[i]);
        flagged += usize::from(n > 0);
        rows += 1;
    }
    assert!(flagged > 1000 && flagged < rows, "{flagged} of {rows}");
    // Poland in 1939: Britain and France (majors) had promised it defence against Germany.
    let poland = (0..df.height()).find(|&i| c1[i] == Some(255) && c2[i] == Some(290) && y[i] == Some(1939)).unwrap();
    assert_eq!(major_n[poland], Some(2), "GMY–POL 1939: UKG and FRN");
}
