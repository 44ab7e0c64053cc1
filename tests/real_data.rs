//! Every loader on its full file from the real data (ALLYWAR_DATA, or ../shared/data/raw).
//! These tests never skip: without the data they fail.

mod common;

use allywar::catalog::catalog;
use allywar::verify::Verification;
use allywar::{sources, DataDir};
use polars::prelude::*;
use std::collections::HashMap;

fn dir() -> DataDir {
    DataDir::new(common::real_data_dir())
}

fn provenance() -> HashMap<String, (String, u64, u64)> {
    let text = std::fs::read_to_string(common::real_data_dir().join("PROVENANCE.tsv")).expect("PROVENANCE.tsv");
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[2].to_string(), (f[6].to_string(), f[7].parse().unwrap(), f[8].parse().unwrap()))
        })
        .collect()
}

/// One row of `df` where every `(column, value)` matches (integer columns).
fn row(df: &DataFrame, keys: &[(&str, i64)]) -> DataFrame {
    let mut mask = col(keys[0].0).cast(DataType::Int64).eq(lit(keys[0].1));
    for (c, v) in &keys[1..] {
        mask = mask.and(col(*c).cast(DataType::Int64).eq(lit(*v)));
    }
    let out = df.clone().lazy().filter(mask).collect().unwrap();
    assert_eq!(out.height(), 1, "{keys:?} matched {} rows", out.height());
    out
}

fn get_i64(df: &DataFrame, c: &str) -> Option<i64> {
    df.column(c).unwrap().get(0).unwrap().extract::<i64>()
}

fn get_f64(df: &DataFrame, c: &str) -> Option<f64> {
    df.column(c).unwrap().get(0).unwrap().extract::<f64>()
}

#[test]
fn catalog_matches_provenance_for_every_file() {
    let prov = provenance();
    assert_eq!(prov.len(), catalog().datasets.len(), "every file of the mirror is in the catalog");
    for d in &catalog().datasets {
        let (sha, bytes, rows) = prov.get(&d.path).unwrap_or_else(|| panic!("{} not in PROVENANCE.tsv", d.path));
        assert_eq!((&d.sha256, d.bytes, d.rows), (sha, *bytes, *rows), "{}", d.name);
    }
}

#[test]
fn every_loader_loads_its_full_file_with_provenance_row_counts() {
    let prov = provenance();
    for d in catalog().datasets.iter().filter(|d| d.loadable()) {
        let t = sources::load_table(&dir(), &d.name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.verification, Verification::Verified, "{}", d.name);
        let rows = prov[&d.path].2 as usize;
        assert_eq!(t.frame.height() + t.blank_rows_dropped, rows, "{}", d.name);
        if !d.drop_blank_rows {
            assert_eq!(t.blank_rows_dropped, 0);
        }
        // No missing code survives as a number.
        for c in d.columns.iter().filter(|c| c.ty != allywar::catalog::ColumnType::Str) {
            for code in &d.na {
                let Ok(code) = code.parse::<f64>() else { continue };
                let s = t.frame.column(&c.name).unwrap().cast(&DataType::Float64).unwrap();
                let hits = s.f64().unwrap().iter().filter(|v| *v == Some(code)).count();
                assert_eq!(hits, 0, "{}.{} still holds {code}", d.name, c.name);
            }
        }
    }
}

#[test]
fn nmc_usa_1816() {
    let nmc = sources::capabilities::nmc(&dir()).unwrap();
    let usa = row(&nmc, &[("ccode", 2), ("year", 1816)]);
    assert_eq!(get_f64(&usa, "milex"), Some(3823.0));
    assert_eq!(get_f64(&usa, "milper"), Some(17.0));
    assert_eq!(get_f64(&usa, "irst"), Some(80.0));
    assert_eq!(get_f64(&usa, "pec"), Some(254.0));
    assert_eq!(get_f64(&usa, "tpop"), Some(8659.0));
    assert_eq!(get_f64(&usa, "upop"), Some(101.0));
    assert_eq!(get_f64(&usa, "cinc"), Some(0.039697491));
    // E-notation CINC scores parse: the smallest states have tiny shares.
    let min = nmc.column("cinc").unwrap().f64().unwrap().min().unwrap();
    assert!((0.0..1e-5).contains(&min), "{min}");
}

#[test]
fn mida_dispute_2_and_midb_participants() {
    let mida = sources::mid::mida(&dir()).unwrap();
    let d2 = row(&mida, &[("dispnum", 2)]);
    assert_eq!(get_i64(&d2, "stday"), None, "-9 start day is null");
    for (c, v) in [
        ("stmon", 7),
        ("styear", 1902),
        ("endday", 24),
        ("endmon", 1),
        ("endyear", 1903),
        ("outcome", 6),
        ("settle", 1),
        ("fatality", 0),
        ("hiact", 7),
        ("hostlev", 3),
        ("numa", 1),
        ("numb", 1),
    ] {
        assert_eq!(get_i64(&d2, c), Some(v), "{c}");
    }
    let midb = sources::mid::midb(&dir()).unwrap();
    let usa = row(&midb, &[("dispnum", 2), ("ccode", 2)]);
    assert_eq!((get_i64(&usa, "sidea"), get_i64(&usa, "orig"), get_i64(&usa, "hostlev")), (Some(1), Some(1), Some(3)));
    assert_eq!(midb.column("dispnum").unwrap().n_unique().unwrap(), 2436);
}

#[test]
fn gml_ddy_2_2_1_onsets_and_dispute_2() {
    let ddy = sources::gml::ddy(&dir()).unwrap();
    assert_eq!(ddy.height(), 10_276);
    assert_eq!(ddy.column("midonset").unwrap().i32().unwrap().sum(), Some(6674));
    assert_eq!(ddy.column("dispnum").unwrap().n_unique().unwrap(), 2174);
    let r = row(&ddy, &[("dispnum", 2), ("ccode1", 2), ("ccode2", 200), ("year", 1902)]);
    assert_eq!((get_i64(&r, "sidea1"), get_i64(&r, "orig1"), get_i64(&r, "midonset")), (Some(1), Some(1), Some(1)));
}

#[test]
fn atop_known_defence_promises() {
    let atop = sources::atop::ddy(&dir()).unwrap();
    // NATO: the United States and the United Kingdom promise each other defence in 1950.
    for (a, b) in [(2, 200), (200, 2)] {
        let r = row(&atop, &[("ccode1", a), ("ccode2", b), ("year", 1950)]);
        assert_eq!(get_i64(&r, "atop_defense"), Some(1));
        assert_eq!(get_i64(&r, "atop_offense"), Some(0));
    }
    let members = sources::atop::members(&dir()).unwrap();
    assert_eq!(members.column("atopid").unwrap().n_unique().unwrap(), 745);
    let benson = sources::atop::benson(&dir()).unwrap();
    assert_eq!(benson.height(), 799);
}

#[test]
fn system_states_majors_and_spell_dates() {
    let states = sources::system::states(&dir()).unwrap();
    let usa = row(&states, &[("ccode", 2)]);
    let start = usa.column("start_date").unwrap().cast(&DataType::String).unwrap();
    assert_eq!(start.str().unwrap().get(0), Some("1816-01-01"));
    let majors = sources::system::majors(&dir()).unwrap();
    let usa = row(&majors, &[("ccode", 2)]);
    assert_eq!(get_i64(&usa, "styear"), Some(1898));
    let system = sources::system::system(&dir()).unwrap();
    assert_eq!(row(&system, &[("ccode", 2), ("year", 2016)]).height(), 1);
}

#[test]
fn democracy_geography_rivalry() {
    let dem = sources::democracy::democracy(&dir()).unwrap();
    let usa = row(&dem, &[("ccode", 2), ("year", 1816)]);
    assert_eq!(get_i64(&usa, "polity2"), Some(6));
    assert_eq!(get_f64(&usa, "v2x_polyarchy"), Some(0.355));
    assert_eq!(dem.column("polity2").unwrap().null_count(), 3271, "PROVENANCE: polity2 missing in 3271 rows");
    let caps = sources::geography::capitals(&dir()).unwrap();
    let ger = row(&caps, &[("ccode", 255)]);
    assert_eq!(get_f64(&ger, "lat"), Some(52.510885));
    let md = sources::geography::mindist(&dir()).unwrap();
    assert_eq!(md.height(), 952_244);
    let riv = sources::rivalry::rivalries(&dir()).unwrap();
    assert_eq!(get_i64(&row(&riv, &[("tssr_id", 1)]), "ccode1"), Some(220));
}

#[test]
fn wars_with_their_quirks() {
    let intra = sources::war::intra_state(&dir()).unwrap();
    let names: Vec<&str> = intra.column("initiator").unwrap().str().unwrap().iter().flatten().collect();
    assert!(names.contains(&"Mané Junta"));
    assert!(intra.column("side_a_deaths").unwrap().i32().unwrap().iter().any(|v| v == Some(10_480)));
    let extra = sources::war::extra_state(&dir()).unwrap();
    assert_eq!(extra.height(), 198);
    let inter = sources::war::inter_state(&dir()).unwrap();
    assert_eq!(inter.column("war_num").unwrap().n_unique().unwrap(), 95);
}

#[test]
fn excel_files_match_their_csv_exports() {
    // The producer's .xls and the CSV written from it must give the same frame.
    for (xls, csv) in [("pkm", "pkm_csv"), ("imi", "imi_csv")] {
        let a = sources::load(&dir(), xls).unwrap();
        let b = sources::load(&dir(), csv).unwrap();
        assert_eq!(a.shape(), b.shape(), "{xls}");
        for (ca, cb) in a.columns().iter().zip(b.columns()) {
            assert!(
                ca.as_materialized_series().equals_missing(cb.as_materialized_series()),
                "{xls}.{} differs from its CSV export",
                ca.name()
            );
        }
    }
    let pkm = sources::interventions::pkm(&dir()).unwrap();
    assert_eq!(pkm.column("statenum").unwrap().null_count(), 21);
    assert_eq!(get_i64(&row(&pkm, &[("obsnum", 1)]), "statenum"), Some(6));
}

#[test]
fn coalition_sources() {
    let tago = sources::interventions::tago(&dir()).unwrap();
    assert_eq!(tago.column("coalitional_use_of_force").unwrap().i32().unwrap().sum(), Some(46));
    assert_eq!(tago.column("igo_authorized_use_of_force").unwrap().i32().unwrap().sum(), Some(30));
    let prif = sources::load_table(&dir(), "prif_hmi").unwrap();
    assert_eq!((prif.frame.height(), prif.blank_rows_dropped), (153, 9));
    let part = sources::gml::participants(&dir()).unwrap();
    assert_eq!(part.column("dispnum").unwrap().n_unique().unwrap(), 2174);
    let tcc = sources::interventions::geopko_tcc(&dir()).unwrap();
    assert_eq!(tcc.column("mission").unwrap().n_unique().unwrap(), 34);
}
