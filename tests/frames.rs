//! Analysis frames on the real data. Every expectation is computed here, independently of the
//! code under test: raw CSVs are read with the small parser below, dates compared as yyyymmdd
//! integers, and dyads, onsets, spells and third parties derived with plain loops.

mod common;

use allywar::frame::{Built, Spec};
use allywar::units::{Mids, Unit, Years};
use allywar::DataDir;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

// ---------- independent readers ----------

use common::{int, raw};

/// Membership spells as (ccode, yyyymmdd start, yyyymmdd end).
fn spells() -> Vec<(i32, i32, i32)> {
    raw("cow_system_2016/states2016.csv")
        .iter()
        .map(|r| {
            let d = |y: &str, m: &str, dd: &str| int(r, y) * 10000 + int(r, m) * 100 + int(r, dd);
            (int(r, "ccode"), d("styear", "stmonth", "stday"), d("endyear", "endmonth", "endday"))
        })
        .collect()
}

/// Unordered pairs (a < b) sharing a day of membership in `y`.
fn pairs_in(spells: &[(i32, i32, i32)], y: i32) -> Vec<(i32, i32)> {
    let (ys, ye) = (y * 10000 + 101, y * 10000 + 1231);
    let mut m: BTreeMap<i32, Vec<(i32, i32)>> = BTreeMap::new();
    for &(c, s, e) in spells {
        if s <= ye && e >= ys {
            m.entry(c).or_default().push((s.max(ys), e.min(ye)));
        }
    }
    let m: Vec<_> = m.into_iter().collect();
    let mut out = Vec::new();
    for i in 0..m.len() {
        for j in i + 1..m.len() {
            if m[i].1.iter().any(|a| m[j].1.iter().any(|b| a.0 <= b.1 && b.0 <= a.1)) {
                out.push((m[i].0, m[j].0));
            }
        }
    }
    out
}

fn members_in(spells: &[(i32, i32, i32)], y: i32) -> BTreeSet<i32> {
    spells.iter().filter(|s| s.1 <= y * 10000 + 1231 && s.2 >= y * 10000 + 101).map(|s| s.0).collect()
}

// ---------- frames under test, built once ----------

fn dir() -> DataDir {
    DataDir::new(common::real_data_dir())
}

fn build(spec: Spec) -> Built {
    spec.build(&dir()).unwrap_or_else(|e| panic!("{e}"))
}

fn directed_all() -> &'static Built {
    static F: OnceLock<Built> = OnceLock::new();
    F.get_or_init(|| build(Spec::new(Unit::DyadYear).years(Years { first: 1816, last: 2016 }).vars(["major1", "conttype"])))
}

fn gml() -> &'static Built {
    static F: OnceLock<Built> = OnceLock::new();
    F.get_or_init(|| {
        build(Spec::new(Unit::DyadYear).vars([
            "mid_onset",
            "mid_ongoing",
            "init",
            "hostlev",
            "dispnum",
            "peace_years",
            "peace_years2",
            "peace_spline2",
            "tgt_def",
            "chal_def",
            "n_def_2",
            "n_def_1",
            "capdist",
            "cinc1",
            "cap_prop",
            "mindist",
        ]))
    })
}

fn ints_of(df: &DataFrame, c: &str) -> Vec<Option<i32>> {
    df.column(c).unwrap().cast(&DataType::Int32).unwrap().i32().unwrap().iter().collect()
}

fn floats_of(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    df.column(c).unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().iter().collect()
}

/// Row index of (c1, c2, year) in a frame.
fn rows_of(df: &DataFrame) -> HashMap<(i32, i32, i32), usize> {
    let (a, b, y) = (ints_of(df, "ccode1"), ints_of(df, "ccode2"), ints_of(df, "year"));
    (0..df.height()).map(|i| ((a[i].unwrap(), b[i].unwrap(), y[i].unwrap()), i)).collect()
}

fn per_year_sum(df: &DataFrame, col: &str) -> BTreeMap<i32, i64> {
    let (y, v) = (ints_of(df, "year"), ints_of(df, col));
    let mut out = BTreeMap::new();
    for i in 0..df.height() {
        *out.entry(y[i].unwrap()).or_insert(0) += i64::from(v[i].unwrap_or(0));
    }
    out
}

// ---------- universe ----------

#[test]
fn directed_dyad_years_per_year_match_the_system_members() {
    // Members per year from the state-year file (system2016), not from the dates the universe
    // is built from: every ordered pair of the year's members, less the pairs that were members
    // in the same year but never on the same day, listed here by hand.
    let mut members: BTreeMap<i32, i64> = BTreeMap::new();
    for r in raw("cow_system_2016/system2016.csv") {
        *members.entry(int(&r, "year")).or_default() += 1;
    }
    let no_common_day: &[(i32, i32, i32)] = &[
        // Modena, Parma and Tuscany ended on 1860-03-15 (Italian unification), before China
        // entered the system on 1860-10-25.
        (1860, 332, 710),
        (1860, 335, 710),
        (1860, 337, 710),
        // Austria-Hungary ended on 1918-11-12, before Hungary (11-16) and Latvia (11-18) entered.
        (1918, 300, 310),
        (1918, 300, 367),
        // Yugoslavia (to 1941-04-20) and Greece (to 04-23) had fallen before Ethiopia was
        // restored on 1941-05-05.
        (1941, 345, 530),
        (1941, 350, 530),
        // Germany ended on 1945-05-08, before the Netherlands (06-26), Belgium, Poland (06-28)
        // and Austria were restored.
        (1945, 210, 255),
        (1945, 211, 255),
        (1945, 255, 290),
        (1945, 255, 315),
        // Syria joined the United Arab Republic on 1958-02-01; Guinea entered on 10-02.
        (1958, 438, 652),
        // Zanzibar (511) merged into Tanzania in April 1964, before Malta, Zambia, Malawi entered.
        (1964, 338, 511),
        (1964, 511, 551),
        (1964, 511, 553),
        // South Vietnam (817) fell on 1975-04-30, before Suriname, Cape Verde, Sao Tome,
        // Mozambique, Comoros, Angola, Papua New Guinea entered.
        (1975, 115, 817),
        (1975, 402, 817),
        (1975, 403, 817),
        (1975, 540, 817),
        (1975, 541, 817),
        (1975, 581, 817),
        (1975, 817, 910),
        // 1990: North and South Yemen (678, 680) became Yemen (679) on 22 May, before
        // Liechtenstein (223) entered; the two Germanies (260, 265) ended on 2 October and
        // unified Germany (255) began on the 3rd.
        (1990, 223, 678),
        (1990, 223, 680),
        (1990, 255, 260),
        (1990, 255, 265),
        (1990, 255, 678),
        (1990, 255, 680),
        (1990, 678, 679),
        (1990, 679, 680),
    ];
    let f = &directed_all().frame;
    let counts = per_year_sum(&f.clone().lazy().with_column(lit(1).alias("one")).collect().unwrap(), "one");
    for y in 1816..=2016 {
        let n = members[&y];
        let removed = no_common_day.iter().filter(|p| p.0 == y).count() as i64;
        assert_eq!(counts.get(&y).copied().unwrap_or(0), n * (n - 1) - 2 * removed, "directed dyads in {y}");
    }
    // peacesciencer's create_dyadyears, directed 1816–2010, has 1,685,310 rows.
    let to_2010: i64 = counts.range(..=2010).map(|(_, c)| c).sum();
    assert_eq!(to_2010, 1_685_310);
    assert!(directed_all().notes[0].contains("no common day removed"), "{:?}", directed_all().notes);
}

#[test]
fn non_directed_is_half_with_ordered_codes() {
    let nd = build(Spec::new(Unit::DyadYear).directed(false).years(Years { first: 1816, last: 2016 }).vars(["major1"]));
    assert_eq!(2 * nd.frame.height(), directed_all().frame.height());
    let (a, b) = (ints_of(&nd.frame, "ccode1"), ints_of(&nd.frame, "ccode2"));
    assert!(a.iter().zip(&b).all(|(a, b)| a < b));
    let ids = ints_of(&nd.frame, "dyad_id");
    assert_eq!(ids[0], Some(a[0].unwrap() * 1000 + b[0].unwrap()));
}

#[test]
fn politically_relevant_dyads_match_an_independent_count() {
    let sp = spells();
    let contig: HashSet<(i32, i32, i32)> =
        raw("cow_contiguity_3.2/contdird.csv").iter().map(|r| (int(r, "state1no"), int(r, "state2no"), int(r, "year"))).collect();
    let majors: Vec<(i32, i32, i32)> =
        raw("cow_system_2016/majors2016.csv").iter().map(|r| (int(r, "ccode"), int(r, "styear"), int(r, "endyear"))).collect();
    let major = |c: i32, y: i32| majors.iter().any(|&(m, s, e)| m == c && s <= y && y <= e);
    let prd = build(Spec::new(Unit::DyadYear).prd(true).years(Years { first: 1816, last: 2016 }).vars(["conttype"]));
    let got = per_year_sum(&prd.frame.clone().lazy().with_column(lit(1).alias("one")).collect().unwrap(), "one");
    for y in [1816, 1870, 1914, 1950, 1990, 2016] {
        let expected =
            pairs_in(&sp, y).iter().filter(|&&(a, b)| contig.contains(&(a, b, y)) || major(a, y) || major(b, y)).count() as i64 * 2;
        assert_eq!(got[&y], expected, "PRD dyads in {y}");
    }
}

// ---------- conflict ----------

#[test]
fn gml_onsets_ongoing_and_initiations_per_year_match_the_source() {
    let f = &gml().frame;
    let (mut on, mut all, mut init) = (HashSet::new(), HashSet::new(), HashSet::new());
    for r in raw("gml_mid/2.2.1/gml-ddy-disputes-2.2.1.csv") {
        let k = (int(&r, "ccode1"), int(&r, "ccode2"), int(&r, "year"));
        all.insert(k);
        if int(&r, "midonset") == 1 {
            on.insert(k);
            if int(&r, "sidea1") == 1 && int(&r, "orig1") == 1 && int(&r, "sidea2") == 0 && int(&r, "orig2") == 1 {
                init.insert(k);
            }
        }
    }
    for (col, set) in [("mid_onset", &on), ("mid_ongoing", &all), ("init", &init)] {
        let got = per_year_sum(f, col);
        for y in 1816..=2010 {
            let expected = set.iter().filter(|k| k.2 == y).count() as i64;
            assert_eq!(got.get(&y).copied().unwrap_or(0), expected, "{col} in {y}");
        }
    }
    let note = gml().notes.iter().find(|n| n.starts_with("conflict")).unwrap();
    // 10,276 dispute-dyad-years fall on the distinct dyad-years; the rest are collapsed.
    assert!(note.contains(&format!("{} collapsed", 10_276 - all.len())), "{note}");
}

#[test]
fn earlier_gml_releases_define_onsets_and_initiations_from_their_own_files() {
    for (mids, file) in
        [(Mids::Gml2_1_1, "gml_mid/2.1.1/gml-ddy-disputes-2.1.1.csv"), (Mids::Gml2_0, "gml_mid/2.0/gml-ddy-disputes-2.0.csv")]
    {
        let built = build(Spec::new(Unit::DyadYear).mids(mids).vars(["mid_onset", "mid_ongoing", "init"]));
        let f = &built.frame;
        let rows = rows_of(f);
        let (mut on, mut all, mut init) = (HashSet::new(), HashSet::new(), HashSet::new());
        for r in raw(file) {
            let k = (int(&r, "ccode1"), int(&r, "ccode2"), int(&r, "year"));
            // A pair that is not a dyad that year (not both system members) has no row.
            if !rows.contains_key(&k) {
                continue;
            }
            all.insert(k);
            if int(&r, "midonset") == 1 {
                on.insert(k);
                if int(&r, "sidea1") == 1 && int(&r, "orig1") == 1 && int(&r, "sidea2") == 0 && int(&r, "orig2") == 1 {
                    init.insert(k);
                }
            }
        }
        assert!(on.len() > 4000 && init.len() > 1500, "{mids:?}: {} onsets, {} initiations", on.len(), init.len());
        for (col, set) in [("mid_onset", &on), ("mid_ongoing", &all), ("init", &init)] {
            let got = per_year_sum(f, col);
            for y in 1816..=2010 {
                let expected = set.iter().filter(|k| k.2 == y).count() as i64;
                assert_eq!(got.get(&y).copied().unwrap_or(0), expected, "{mids:?}: {col} in {y}");
            }
        }
        let note = built.notes.iter().find(|n| n.starts_with("conflict")).unwrap();
        assert!(note.contains(mids.name()), "{note}");
    }
    // GML 2.1.1 has no participant file: frames that read one say so.
    let Err(err) = Spec::new(Unit::Joiner).mids(Mids::Gml2_1_1).build(&dir()) else { panic!("GML 2.1.1 joiners were built") };
    let err = err.to_string();
    assert!(err.contains("GML 2.1.1 ships no participant file"), "{err}");
}

/// One row of a frame by key, as (column → value) for the columns asked.
fn row_values(df: &DataFrame, key: (i32, i32, i32), cols: &[&str]) -> Vec<Option<i32>> {
    let i = *rows_of(df).get(&key).unwrap_or_else(|| panic!("no row {key:?}"));
    cols.iter().map(|c| ints_of(df, c)[i]).collect()
}

#[test]
fn cow5_dispute_dyads_on_hand_checked_wars_and_crises() {
    let f = build(Spec::new(Unit::DyadYear).mids(Mids::Cow5).years(Years { first: 1816, last: 2014 }).vars([
        "mid_onset",
        "mid_ongoing",
        "init",
        "dispnum",
        "hostlev_dyad",
    ]));
    let df = &f.frame;
    let cols = ["mid_onset", "mid_ongoing", "init", "dispnum"];
    // MID 258 (the Second World War). Norway took part 9 April - 9 June 1940 on side A; Italy
    // entered on side B on 10 June 1940: the same year, no common day, so no dispute-dyad.
    assert_eq!(row_values(df, (325, 385, 1940), &cols), [Some(0), Some(0), Some(0), None]);
    assert_eq!(row_values(df, (385, 325, 1940), &cols), [Some(0), Some(0), Some(0), None]);
    // Italy changed sides on 13 October 1943 (side B 1940-43, side A from 18 October 1943):
    // against Britain in 1942, not in 1944; against Germany in 1944, not in 1942.
    assert_eq!(row_values(df, (325, 200, 1942), &cols), [Some(0), Some(1), Some(0), Some(258)]);
    assert_eq!(row_values(df, (325, 200, 1944), &cols[..2]), [Some(0), Some(0)]);
    assert_eq!(row_values(df, (255, 325, 1944), &cols), [Some(0), Some(1), Some(0), Some(258)]);
    assert_eq!(row_values(df, (255, 325, 1942), &cols[..2]), [Some(0), Some(0)]);
    // MID 3957 (the Gulf crisis): Iraq (side A, originator) against Kuwait (side B, originator,
    // 28 May - 3 August 1990): an initiation by Iraq, a war for the dyad.
    assert_eq!(row_values(df, (645, 690, 1990), &cols), [Some(1), Some(1), Some(1), Some(3957)]);
    assert_eq!(row_values(df, (690, 645, 1990), &cols), [Some(1), Some(1), Some(0), Some(3957)]);
    assert_eq!(row_values(df, (645, 690, 1990), &["hostlev_dyad"]), [Some(5)]);
    // Jordan joined side A on 9 August 1990, after Kuwait's participation ended on 3 August.
    assert_eq!(row_values(df, (663, 690, 1990), &cols[..2]), [Some(0), Some(0)]);
    // MID 4691: Russia on 30 August 2013, Saudi Arabia on 28 August 2013, on opposite sides.
    assert_eq!(row_values(df, (365, 670, 2013), &cols[..2]), [Some(0), Some(0)]);
    let note = f.notes.iter().find(|n| n.contains("common day: ")).expect("a note on the day rule");
    assert!(note.contains("are not disputes"), "{note}");
}

#[test]
fn peace_years_follow_the_btscs_convention_on_real_dyads() {
    let f = &gml().frame;
    let rows = rows_of(f);
    let (on, py, py2, sp2) =
        (ints_of(f, "mid_onset"), ints_of(f, "peace_years"), floats_of(f, "peace_years2"), floats_of(f, "peace_spline2"));
    let sp = spells();
    for (a, b) in [(2, 200), (2, 365), (365, 2), (2, 710), (640, 651), (2, 20)] {
        // The dyad's years from the independent universe; reset at gaps and after onsets.
        let years: Vec<i32> = (1816..=2010).filter(|&y| pairs_in(&sp, y).contains(&(a.min(b), a.max(b)))).collect();
        let mut expected: Option<i32> = None;
        let mut prev: Option<(i32, bool)> = None;
        for &y in &years {
            let i = rows[&(a, b, y)];
            expected = Some(match prev {
                Some((py_, was_onset)) if py_ + 1 == y => {
                    if was_onset {
                        0
                    } else {
                        expected.unwrap() + 1
                    }
                }
                _ => 0,
            });
            assert_eq!(py[i], expected, "peace_years of {a}-{b} in {y}");
            let t = f64::from(expected.unwrap());
            assert_eq!(py2[i], Some(t * t));
            assert_eq!(sp2[i], Some(if t > 4.0 { (t - 4.0).powi(3) } else { 0.0 }));
            prev = Some((y, on[i] == Some(1)));
        }
        assert!(!years.is_empty());
    }
}

#[test]
fn two_disputes_in_one_dyad_year_are_whittled_to_one_row() {
    // A fixture data directory: the hand-cut states file (USA, CAN, BHM) and a GML file where
    // USA and Canada have an ongoing war and a new threat in 1925.
    let tmp = tempfile::tempdir().unwrap();
    let fx = common::fixtures_dir();
    let states = "cow_system_2016/states2016.csv";
    std::fs::create_dir_all(tmp.path().join(states).parent().unwrap()).unwrap();
    std::fs::copy(fx.join(states), tmp.path().join(states)).unwrap();
    let header = std::fs::read_to_string(fx.join("gml_mid/2.2.1/gml-ddy-disputes-2.2.1.csv")).unwrap().lines().next().unwrap().to_string();
    let row = |disp: i32, c1: i32, c2: i32, onset: i32, host: i32, s1: i32| {
        // 39 columns in GML order; only the ones the builder reads differ.
        format!(
            "{disp},{c1},{c2},1925,1,{onset},{s1},{},1,1,1,0,1,0,0,0,0,0,0,0,0,0,1,1,7,{host},1,30,6,1,0,0,5,5,0,1,1,0,gml-2.2.1",
            1 - s1
        )
    };
    let body = [row(100, 2, 20, 0, 5, 1), row(100, 20, 2, 0, 5, 0), row(200, 2, 20, 1, 2, 1), row(200, 20, 2, 1, 2, 0)].join("\n");
    let gml = tmp.path().join("gml_mid/2.2.1/gml-ddy-disputes-2.2.1.csv");
    std::fs::create_dir_all(gml.parent().unwrap()).unwrap();
    std::fs::write(&gml, format!("{header}\n{body}\n")).unwrap();
    let dir = DataDir::new(tmp.path()).allow_unverified(true);
    let built = Spec::new(Unit::DyadYear)
        .years(Years { first: 1924, last: 1926 })
        .vars(["mid_onset", "mid_ongoing", "init", "hostlev", "dispnum", "peace_years"])
        .build(&dir)
        .unwrap();
    let f = &built.frame;
    let rows = rows_of(f);
    let i = rows[&(2, 20, 1925)];
    assert_eq!(
        (ints_of(f, "mid_onset")[i], ints_of(f, "hostlev")[i], ints_of(f, "dispnum")[i], ints_of(f, "init")[i]),
        (Some(1), Some(2), Some(200), Some(1))
    );
    let j = rows[&(2, 20, 1926)];
    assert_eq!((ints_of(f, "mid_ongoing")[j], ints_of(f, "peace_years")[j]), (Some(0), Some(0)));
    assert!(built.notes.iter().any(|n| n.contains("4 dispute-dyad-years on 2 dyad-years; 2 collapsed")), "{:?}", built.notes);
}

// ---------- alliances ----------

#[test]
fn third_party_alliances_on_hand_checked_cases() {
    let f = &gml().frame;
    let rows = rows_of(f);
    // Independent counts of defence promisers from the raw ATOP file.
    let mut def_to: HashMap<(i32, i32), BTreeSet<i32>> = HashMap::new();
    for r in raw("atop_5.1/peacesciencer_atop_alliance_ddy_5.1.csv") {
        if int(&r, "atop_defense") == 1 {
            def_to.entry((int(&r, "ccode2"), int(&r, "year"))).or_default().insert(int(&r, "ccode1"));
        }
    }
    let third = |target: i32, other: i32, y: i32| def_to.get(&(target, y)).map_or(0, |s| s.iter().filter(|&&c| c != other).count() as i32);
    let (tgt, chal, n2, n1) = (ints_of(f, "tgt_def"), ints_of(f, "chal_def"), ints_of(f, "n_def_2"), ints_of(f, "n_def_1"));
    // USA vs USSR 1960: the Warsaw Pact and the PRC defend the USSR; NATO and the Rio Pact
    // defend the USA.
    let i = rows[&(2, 365, 1960)];
    assert_eq!((tgt[i], chal[i]), (Some(1), Some(1)));
    assert_eq!(n2[i], Some(third(365, 2, 1960)));
    assert!(n2[i] >= Some(7), "at least the six other Warsaw Pact members and the PRC");
    assert_eq!(n1[i], Some(third(2, 365, 1960)));
    // USA vs UK 1816: Austria, Prussia and Russia defend Britain (the Quadruple Alliance);
    // nobody defends the USA.
    let i = rows[&(2, 200, 1816)];
    assert_eq!((tgt[i], chal[i], n2[i], n1[i]), (Some(1), Some(0), Some(3), Some(0)));
    // Switzerland vs West Germany 1960: NATO defends the FRG, nobody defends Switzerland.
    let i = rows[&(225, 260, 1960)];
    assert_eq!((tgt[i], chal[i]), (Some(1), Some(0)));
    assert_eq!(n2[i], Some(third(260, 225, 1960)));
    // A sample of rows against the independent count.
    for (k, &i) in rows.iter().filter(|(k, _)| k.2 % 37 == 0 && k.0 % 7 == 0) {
        assert_eq!(n2[i], Some(third(k.1, k.0, k.2)), "n_def_2 of {k:?}");
        assert_eq!(tgt[i], Some(i32::from(third(k.1, k.0, k.2) > 0)), "tgt_def of {k:?}");
    }
}

// ---------- geography, capabilities ----------

fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = |d: f64| d * std::f64::consts::PI / 180.0;
    let h = (r(b.0 - a.0) / 2.0).sin().powi(2) + r(a.0).cos() * r(b.0).cos() * (r(b.1 - a.1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[test]
fn capital_distances_and_capital_moves() {
    let f = &gml().frame;
    let rows = rows_of(f);
    let d = floats_of(f, "capdist");
    let caps = raw("capitals/cow_capitals.csv");
    let at = |name: &str| {
        let r = caps.iter().find(|r| r["capital"] == name).unwrap();
        (r["lat"].parse::<f64>().unwrap(), r["lng"].parse::<f64>().unwrap())
    };
    let (wash, ottawa, rio, brasilia) = (at("Washington D.C."), at("Ottawa"), at("Rio de Janeiro"), at("Brasilia"));
    let wo = d[rows[&(2, 20, 2000)]].unwrap();
    assert!((wo - haversine(wash, ottawa)).abs() < 1.0, "{wo}");
    assert!((wo - 734.0).abs() < 15.0, "Washington–Ottawa is about 734 km: {wo}");
    // Brazil moved its capital to Brasília on 1960-04-21.
    assert!((d[rows[&(2, 140, 1959)]].unwrap() - haversine(wash, rio)).abs() < 1.0);
    assert!((d[rows[&(2, 140, 1960)]].unwrap() - haversine(wash, brasilia)).abs() < 1.0);
    assert!((d[rows[&(140, 2, 1961)]].unwrap() - haversine(brasilia, wash)).abs() < 1.0);
    // Nigeria moved to Abuja on 1991-12-12: Lagos held most of 1991.
    let (lagos, abuja) = (at("Lagos"), at("Abuja"));
    assert!((d[rows[&(2, 475, 1991)]].unwrap() - haversine(wash, lagos)).abs() < 1.0);
    assert!((d[rows[&(2, 475, 1992)]].unwrap() - haversine(wash, abuja)).abs() < 1.0);
}

#[test]
fn minimum_distance_covers_both_directions() {
    // The file lists each pair once (ccode1 < ccode2); directed rows must find it either way.
    let f = &gml().frame;
    let rows = rows_of(f);
    let md = floats_of(f, "mindist");
    let raw_md: HashMap<(i32, i32, i32), f64> = raw("mindist/cow_mindist.csv")
        .iter()
        .map(|r| ((int(r, "ccode1"), int(r, "ccode2"), int(r, "year")), r["mindist"].parse().unwrap()))
        .collect();
    assert!(raw_md.keys().all(|k| k.0 < k.1), "the mindist file is non-directed");
    for (a, b, y) in [(2, 20, 1950), (20, 2, 1950), (2, 365, 1960), (365, 2, 1960), (640, 651, 1990)] {
        assert_eq!(md[rows[&(a, b, y)]], Some(raw_md[&(a.min(b), a.max(b), y)]), "{a}-{b} {y}");
    }
    let years = ints_of(f, "year");
    let from_1886 = (0..f.height()).filter(|&i| years[i].unwrap() >= 1886).count();
    let covered = (0..f.height()).filter(|&i| years[i].unwrap() >= 1886 && md[i].is_some()).count();
    // Measured: 97.5% of directed dyad-years 1886–2010; CShapes lacks some COW state-years.
    assert!(covered as f64 > 0.97 * from_1886 as f64, "{covered} of {from_1886}");
}

#[test]
fn capabilities_join_the_right_state_years() {
    let f = &gml().frame;
    let rows = rows_of(f);
    let (c1, prop) = (floats_of(f, "cinc1"), floats_of(f, "cap_prop"));
    let nmc: HashMap<(i32, i32), f64> =
        raw("cow_nmc_6.0/NMC-60-abridged.csv").iter().map(|r| ((int(r, "ccode"), int(r, "year")), r["cinc"].parse().unwrap())).collect();
    let i = rows[&(2, 200, 1816)];
    assert_eq!(c1[i], Some(nmc[&(2, 1816)]));
    let expected = nmc[&(2, 1816)] / (nmc[&(2, 1816)] + nmc[&(200, 1816)]);
    assert!((prop[i].unwrap() - expected).abs() < 1e-12);
}

// ---------- other units ----------

#[test]
fn joiners_of_hand_checked_disputes() {
    let f = build(Spec::new(Unit::Joiner).mids(Mids::Cow5).years(Years { first: 1958, last: 1976 })).frame;
    let (d, c) = (ints_of(&f, "dispnum"), ints_of(&f, "ccode"));
    let row = |disp: i32, cc: i32| (0..f.height()).find(|&i| d[i] == Some(disp) && c[i] == Some(cc));
    let get = |col: &str, i: usize| ints_of(&f, col)[i];
    let sp = spells();
    // MID 172 (1962): PRC (710, side A) vs Taiwan (713, side B); the USA joins Taiwan, which it
    // has promised defence (ATOP).
    let n172 = d.iter().filter(|x| **x == Some(172)).count();
    assert_eq!(n172, members_in(&sp, 1962).len() - 2, "candidates: every member but the two originators");
    assert!(row(172, 710).is_none() && row(172, 713).is_none());
    let us = row(172, 2).unwrap();
    assert_eq!(
        ["joined", "joined_side_a", "joined_side_b", "ally_def_a", "ally_def_b", "ally_joins_ally_side"].map(|k| get(k, us)),
        [1, 0, 1, 0, 1, 1].map(Some)
    );
    let uk = row(172, 200).unwrap();
    assert_eq!(get("joined", uk), Some(0));
    // MID 173 (1958): the USSR joins the PRC's side A, with the 1950 Sino-Soviet defence treaty.
    let su = row(173, 365).unwrap();
    assert_eq!((get("joined_side_a", su), get("ally_def_a", su), get("ally_joins_ally_side", su)), (Some(1), Some(1), Some(1)));
    // MID 362 (1976): the USA joins South Korea (732) against North Korea (731).
    let us = row(362, 2).unwrap();
    assert_eq!((get("joined_side_b", us), get("ally_def_b", us), get("major", us)), (Some(1), Some(1), Some(1)));
}

#[test]
fn disputes_missions_and_uses_of_force() {
    let disputes = build(Spec::new(Unit::Dispute).mids(Mids::Cow5)).frame;
    assert_eq!(disputes.height(), 2436);
    let gml = build(Spec::new(Unit::Dispute)).frame;
    assert_eq!(gml.height(), 2174);
    let wars = ints_of(&disputes, "war").iter().filter(|w| **w == Some(1)).count();
    let raw_wars = raw("cow_mid_5.0/MIDA 5.0.csv").iter().filter(|r| int(r, "hostlev") == 5).count();
    assert_eq!(wars, raw_wars);
    let missions = build(Spec::new(Unit::Mission)).frame;
    assert_eq!(missions.height(), 215);
    assert_eq!(missions.column("statenum").unwrap().null_count(), 21);
    let leg = ints_of(&missions, "legitimacy");
    // The coding derived again from the producer's CSV export (the frame reads the .xls): UN
    // mandate 2; otherwise a named mandating resolution 1; else 0.
    let want: HashMap<i32, i32> = raw("third_party_pkm_v3.1/third_party_pkm_v3.1.csv")
        .iter()
        .map(|r| {
            let un = r["UNMANDATE"].trim() == "1";
            (int(r, "OBSNUM"), if un { 2 } else { i32::from(!r["UNRESOL (date)"].trim().is_empty()) })
        })
        .collect();
    let obs = ints_of(&missions, "obsnum");
    for (o, l) in obs.iter().zip(&leg) {
        assert_eq!(*l, Some(want[&o.unwrap()]), "legitimacy of mission {o:?}");
    }
    assert_eq!(want.values().filter(|&&l| l == 2).count(), leg.iter().filter(|l| **l == Some(2)).count());
    assert_eq!((ints_of(&missions, "statenum")[0], leg[0]), (Some(6), Some(2)));
    let force = build(Spec::new(Unit::UsForce).crises(true)).frame;
    assert_eq!(force.height(), 288);
    assert_eq!(ints_of(&force, "force_id")[287], Some(288));
    assert_eq!(ints_of(&force, "coalitional_use_of_force").iter().flatten().sum::<i32>(), 46);
    let sy = build(Spec::new(Unit::StateYear).years(Years { first: 1816, last: 2016 }).vars(["cinc", "major"])).frame;
    assert_eq!(sy.height(), 15_951);
}

// ---------- outputs and errors ----------

#[test]
fn outputs_round_trip_and_are_deterministic() {
    let f = build(Spec::new(Unit::DyadYear).years(Years { first: 1900, last: 1905 }).vars(["mid_onset", "cinc1", "capdist"])).frame;
    let tmp = tempfile::tempdir().unwrap();
    for ext in ["parquet", "arrow", "csv"] {
        let (p1, p2) = (tmp.path().join(format!("a.{ext}")), tmp.path().join(format!("b.{ext}")));
        allywar::output::write_frame(&mut f.clone(), &p1).unwrap();
        allywar::output::write_frame(&mut f.clone(), &p2).unwrap();
        assert_eq!(std::fs::read(&p1).unwrap(), std::fs::read(&p2).unwrap(), "{ext} output is not deterministic");
        let back = match ext {
            "parquet" => ParquetReader::new(std::fs::File::open(&p1).unwrap()).finish().unwrap(),
            "arrow" => IpcReader::new(std::fs::File::open(&p1).unwrap()).finish().unwrap(),
            _ => CsvReadOptions::default()
                .with_infer_schema_length(None)
                .try_into_reader_with_file_path(Some(p1.clone()))
                .unwrap()
                .finish()
                .unwrap(),
        };
        assert_eq!(back.shape(), f.shape(), "{ext}");
        for c in f.columns() {
            let b = back.column(c.name()).unwrap().cast(c.dtype()).unwrap();
            assert!(c.as_materialized_series().equals_missing(b.as_materialized_series()), "{ext}: {} differs", c.name());
        }
    }
    assert!(std::fs::read_dir(tmp.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".tmp")));
}

#[test]
fn bad_requests_are_clear_errors() {
    let err = |s: Spec| s.build(&dir()).unwrap_err().to_string();
    assert!(err(Spec::new(Unit::DyadYear).years(Years { first: 1700, last: 1800 }))
        .contains("years 1700–1800 are outside the COW state system (states, v2016), which covers 1816–2016"));
    assert!(err(Spec::new(Unit::Dispute).years(Years { first: 2011, last: 2014 }))
        .contains("outside the dispute data (--mids gml), which covers 1816–2010"));
    assert!(err(Spec::new(Unit::DyadYear).vars(["tgt_deff"])).contains("did you mean `tgt_def`?"));
    assert!(err(Spec::new(Unit::StateYear).vars(["tgt_def"])).contains("not available for state-year frames"));
    assert!(err(Spec::new(Unit::DyadYear).directed(false).vars(["init"])).contains("needs a directed frame"));
    assert!(err(Spec::new(Unit::Mission).prd(true)).contains("applies to dyad-year frames, not mission"));
    assert!("1900:1800".parse::<Years>().unwrap_err().contains("impossible year range 1900:1800"));
}

#[test]
fn benson_alliance_types_on_hand_checked_treaties() {
    let f = build(Spec::new(Unit::DyadYear).years(Years { first: 1938, last: 1960 }).vars([
        "tgt_uncond_det",
        "tgt_prob_det",
        "chal_uncond_comp",
    ]));
    let df = &f.frame;
    let cols = ["tgt_uncond_det", "tgt_prob_det", "chal_uncond_comp"];
    // US-ROK Mutual Defense Treaty (ATOP 3240, 1953-; Benson: probabilistic deterrent). Against
    // North Korea, South Korea has a third-party backer (the USA); against the USA it has none,
    // the USA being its only such partner.
    assert_eq!(row_values(df, (731, 732, 1960), &cols), [Some(0), Some(1), Some(0)]);
    assert_eq!(row_values(df, (2, 732, 1960), &cols[1..2]), [Some(0)]);
    // Pact of Steel (ATOP 2445, May 1939-1943; unconditional compellent): Italy facing France in
    // 1940 has Germany behind it; facing Germany it has no other such partner; in 1938 none.
    assert_eq!(row_values(df, (325, 220, 1940), &cols[2..]), [Some(1)]);
    assert_eq!(row_values(df, (325, 255, 1940), &cols[2..]), [Some(0)]);
    assert_eq!(row_values(df, (325, 220, 1938), &cols[2..]), [Some(0)]);
}

#[test]
fn every_alliance_variable_on_a_systematic_sample() {
    let f = build(Spec::new(Unit::DyadYear).years(Years { first: 1816, last: 2010 }).vars([
        "def_12",
        "def_21",
        "def_any",
        "ally_any",
        "tgt_def",
        "chal_def",
        "chal_off",
        "chal_neu",
        "chal_ally",
        "n_def_2",
        "n_def_1",
    ]));
    let df = &f.frame;
    // The raw ATOP rows: who promised what to whom, by year.
    let kinds = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"];
    let mut promised: HashMap<(i32, i32, i32), Vec<bool>> = HashMap::new();
    // (promisee, year) → (promiser, obligations).
    type Promisers = Vec<(i32, Vec<bool>)>;
    let mut promisers: HashMap<(i32, i32), Promisers> = HashMap::new();
    for r in raw("atop_5.1/peacesciencer_atop_alliance_ddy_5.1.csv") {
        let (a, b, y) = (int(&r, "ccode1"), int(&r, "ccode2"), int(&r, "year"));
        let o: Vec<bool> = kinds.iter().map(|k| int(&r, k) == 1).collect();
        promisers.entry((b, y)).or_default().push((a, o.clone()));
        promised.insert((a, b, y), o);
    }
    let p = |a: i32, b: i32, y: i32, k: usize| promised.get(&(a, b, y)).is_some_and(|o| o[k]);
    let any = |a: i32, b: i32, y: i32| (0..5).any(|k| p(a, b, y, k) || p(b, a, y, k));
    // Third states that promised kind k to `s`, the dyad excluded, found by looping over them.
    let third = |s: i32, other: i32, y: i32, k: usize| {
        promisers.get(&(s, y)).map_or(0, |v| v.iter().filter(|(c, o)| *c != other && *c != s && o[k]).count() as i32)
    };
    // Every state s has an obligation with, either direction, by year.
    let mut partners: HashMap<(i32, i32), BTreeSet<i32>> = HashMap::new();
    for (&(a, b, y), o) in &promised {
        if o.iter().any(|&x| x) {
            partners.entry((a, y)).or_default().insert(b);
            partners.entry((b, y)).or_default().insert(a);
        }
    }
    let partners_beyond = |s: i32, other: i32, y: i32| partners.get(&(s, y)).is_some_and(|ks| ks.iter().any(|&k| k != other && k != s));
    let names =
        ["def_12", "def_21", "def_any", "ally_any", "tgt_def", "chal_def", "chal_off", "chal_neu", "chal_ally", "n_def_2", "n_def_1"];
    let got: Vec<Vec<Option<i32>>> = names.iter().map(|c| ints_of(df, c)).collect();
    let (c1, c2, yr) = (ints_of(df, "ccode1"), ints_of(df, "ccode2"), ints_of(df, "year"));
    let mut checked = 0;
    for i in (0..df.height()).step_by(211) {
        let (a, b, y) = (c1[i].unwrap(), c2[i].unwrap(), yr[i].unwrap());
        let want = [
            i32::from(p(a, b, y, 0)),
            i32::from(p(b, a, y, 0)),
            i32::from(p(a, b, y, 0) || p(b, a, y, 0)),
            i32::from(any(a, b, y)),
            i32::from(third(b, a, y, 0) > 0),
            i32::from(third(a, b, y, 0) > 0),
            i32::from(third(a, b, y, 1) > 0),
            i32::from(third(a, b, y, 2) > 0),
            i32::from(partners_beyond(a, b, y)),
            third(b, a, y, 0),
            third(a, b, y, 0),
        ];
        for (k, w) in want.into_iter().enumerate() {
            assert_eq!(got[k][i], Some(w), "{} of ({a}, {b}, {y})", names[k]);
        }
        checked += 1;
    }
    assert!(checked > 7000, "{checked} rows checked");
    // An asymmetric treaty: in the 1960 US-Japan Treaty of Mutual Cooperation and Security the
    // USA promises to defend Japan, Japan does not promise to defend the USA.
    let cols = ["def_12", "def_21", "def_any"];
    assert_eq!(row_values(df, (2, 740, 1960), &cols), [Some(1), Some(0), Some(1)]);
    assert_eq!(row_values(df, (740, 2, 1960), &cols), [Some(0), Some(1), Some(1)]);
}
