//! Loaders on small hand-cut files in the producers' exact formats, quirks included: CRLF,
//! CR-only and LF endings, no final newline, cp1252, quoted fields, a header with a trailing
//! space, labelled codes, thousands separators, blank rows, -9/-8/NA codes.

mod common;

use allywar::catalog::{catalog, Format};
use allywar::{sources, DataDir};
use polars::prelude::*;

fn dir() -> DataDir {
    // Fixtures are not the catalog's files, so their checksums differ by design.
    DataDir::new(common::fixtures_dir()).allow_unverified(true)
}

fn int(df: &DataFrame, col: &str, row: usize) -> Option<i64> {
    df.column(col).unwrap().get(row).unwrap().extract::<i64>()
}

fn text(df: &DataFrame, col: &str, row: usize) -> Option<String> {
    match df.column(col).unwrap().get(row).unwrap() {
        AnyValue::String(s) => Some(s.to_string()),
        AnyValue::StringOwned(s) => Some(s.to_string()),
        AnyValue::Null => None,
        v => panic!("{col} is not text: {v:?}"),
    }
}

#[test]
fn every_csv_dataset_loads_from_its_fixture() {
    for d in catalog().datasets.iter().filter(|d| d.format == Format::Csv) {
        let t = sources::load_table(&dir(), &d.name).unwrap_or_else(|e| panic!("{}: {e}", d.name));
        assert!(t.frame.height() >= 3, "{}: {} rows", d.name, t.frame.height());
        assert_eq!(t.frame.width(), d.columns.len(), "{}", d.name);
        assert_ne!(t.verification, allywar::verify::Verification::Verified, "{}", d.name);
    }
}

#[test]
fn cp1252_cr_only_and_thousands_separators() {
    let df = sources::war::intra_state(&dir()).unwrap();
    assert_eq!(df.height(), 5);
    // The last line of the fixture has 'Man\xE9 Junta' in cp1252.
    assert_eq!(text(&df, "initiator", 4).as_deref(), Some("Mané Junta"));
    let deaths: Vec<Option<i32>> = df.column("side_a_deaths").unwrap().i32().unwrap().iter().collect();
    assert!(deaths.contains(&Some(1500)), "{deaths:?}");
    // -8 (not applicable) and -9 (unknown) are null, never numbers.
    assert!(df.column("ccode_b").unwrap().i32().unwrap().iter().all(|v| v.is_none_or(|v| v > 0)));
}

#[test]
fn header_with_trailing_space_and_cp1252_quote() {
    let df = sources::war::extra_state(&dir()).unwrap();
    assert!(df.column("end_day2").is_ok());
    let sides: Vec<String> = (0..df.height()).filter_map(|i| text(&df, "side_b", i)).collect();
    assert!(sides.iter().any(|s| s.contains('\u{2019}')), "{sides:?}");
}

#[test]
fn crlf_without_final_newline_and_missing_codes() {
    let df = sources::capabilities::nmc(&dir()).unwrap();
    assert_eq!(df.height(), 4);
    assert_eq!(int(&df, "ccode", 0), Some(2));
    assert_eq!(df.column("milex").unwrap().f64().unwrap().get(0), Some(3823.0));
    for c in ["milex", "milper", "irst", "pec", "tpop", "upop", "cinc"] {
        assert!(df.column(c).unwrap().f64().unwrap().iter().all(|v| v != Some(-9.0)), "{c}");
    }
    let cc = sources::system::country_codes(&dir()).unwrap();
    assert_eq!(cc.height(), 3);
    assert_eq!(text(&cc, "stateabb", 2).as_deref(), Some("BHM"));
}

#[test]
fn labelled_codes_and_na() {
    let df = sources::gml::midb_2_0(&dir()).unwrap();
    let rev: Vec<Option<i32>> = df.column("revtype1").unwrap().i32().unwrap().iter().collect();
    assert!(rev.contains(&Some(1)), "'1 Territory' keeps its code: {rev:?}");
    assert!(df.column("dispnum4").unwrap().null_count() > 0, "NA is null");
    let ddy = sources::gml::ddy_2_0(&dir()).unwrap();
    assert!(ddy.column("fatality").unwrap().null_count() > 0, "'-' is null in GML 2.0 fatality");
}

#[test]
fn polity_minus_nine_is_a_score_not_a_missing_code() {
    let df = sources::democracy::democracy(&dir()).unwrap();
    let p: Vec<Option<i32>> = df.column("polity2").unwrap().i32().unwrap().iter().collect();
    assert!(p.contains(&Some(-9)), "{p:?}");
}

#[test]
fn blank_rows_are_dropped_and_counted() {
    let t = sources::load_table(&dir(), "prif_hmi").unwrap();
    assert_eq!(t.frame.height(), 3);
    assert_eq!(t.blank_rows_dropped, 1);
}

#[test]
fn spells_get_dates_and_quoted_headers_parse() {
    let states = sources::system::states(&dir()).unwrap();
    let start = states.column("start_date").unwrap().cast(&DataType::String).unwrap();
    assert_eq!(start.str().unwrap().get(0), Some("1816-01-01"));
    let caps = sources::geography::capitals(&dir()).unwrap();
    assert_eq!(text(&caps, "capital", 0).as_deref(), Some("Washington D.C."));
    assert_eq!(caps.column("stdate").unwrap().dtype(), &DataType::Date);
}
