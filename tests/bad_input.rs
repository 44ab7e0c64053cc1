//! One test per class of bad input: each asserts that the message names the file, the line, the
//! column and what was expected, and that nothing panics.

mod common;

use allywar::{sources, DataDir};
use std::path::Path;

const NMC: &str = "cow_nmc_6.0/NMC-60-abridged.csv";
const HEADER: &str = "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version\r\n";
const USA_1816: &str = "USA,2,1816,3823,17,80,254,8659,101,0.039697491,2021\r\n";
const UKG_1816: &str = "UKG,200,1816,16942,255,325,7125,19520,1862,0.33278757,2021\r\n";

/// Writes `content` where the catalog expects the NMC file and loads it.
fn load_nmc(content: &[u8]) -> (String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(NMC);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, content).unwrap();
    let dir = DataDir::new(tmp.path()).allow_unverified(true);
    let err = sources::capabilities::nmc(&dir).expect_err("bad input must be an error").to_string();
    (err, path.display().to_string())
}

fn assert_mentions(err: &str, parts: &[&str]) {
    for p in parts {
        assert!(err.contains(p), "message lacks {p:?}:\n{err}");
    }
}

#[test]
fn missing_or_renamed_column() {
    let header = HEADER.replace(",cinc,", ",cinc_score,");
    let (err, path) = load_nmc(format!("{header}{USA_1816}").as_bytes());
    assert_mentions(&err, &[&format!("{path}:1:"), "missing column `cinc`", "renamed to `cinc_score`?"]);
}

#[test]
fn non_numeric_value_in_numeric_column() {
    let row = USA_1816.replace(",17,", ",seventeen,");
    let (err, path) = load_nmc(format!("{HEADER}{UKG_1816}{row}").as_bytes());
    assert_mentions(&err, &[&format!("{path}:3:5:"), "column `milper`", "expected a number", "\"-9\"", "found \"seventeen\""]);
}

#[test]
fn truncated_file() {
    let content = format!("{HEADER}{USA_1816}{}", &UKG_1816[..20]);
    let (err, path) = load_nmc(content.as_bytes());
    assert_mentions(&err, &[&format!("{path}:3:6:"), "row has 5 fields, expected 11", "column `irst`", "truncated"]);
}

#[test]
fn empty_file_and_header_only() {
    let (err, path) = load_nmc(b"");
    assert_mentions(&err, &[&path, "the file is empty", "expected a header line"]);
    let (err, _) = load_nmc(HEADER.as_bytes());
    assert_mentions(&err, &["header but no rows"]);
}

#[test]
fn duplicate_key() {
    let (err, path) = load_nmc(format!("{HEADER}{USA_1816}{UKG_1816}{USA_1816}").as_bytes());
    assert_mentions(
        &err,
        &[&format!("{path}:4:"), "duplicate key (ccode=2, year=1816)", "first seen on line 2", "(ccode, year) to be unique"],
    );
}

#[test]
fn missing_key_value() {
    let row = USA_1816.replace("USA,2,", "USA,-9,");
    let (err, path) = load_nmc(format!("{HEADER}{row}").as_bytes());
    assert_mentions(&err, &[&format!("{path}:2:2:"), "key column `ccode` is missing"]);
}

#[test]
fn undecodable_bytes() {
    let row = USA_1816.replace("USA", "US\u{FFFD}").replace('\u{FFFD}', "");
    let mut bytes = format!("{HEADER}{USA_1816}").into_bytes();
    bytes.extend_from_slice(b"U\xFFA");
    bytes.extend_from_slice(&row.as_bytes()[2..]);
    let (err, path) = load_nmc(&bytes);
    assert_mentions(&err, &[&format!("{path}:3:2:"), "byte 0xFF is not valid UTF-8", "expected UTF-8 text"]);
}

#[test]
fn checksum_mismatch_is_refused_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(NMC);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, format!("{HEADER}{USA_1816}")).unwrap();
    let strict = DataDir::new(tmp.path());
    let err = sources::capabilities::nmc(&strict).unwrap_err().to_string();
    assert_mentions(&err, &[&path.display().to_string(), "does not match the catalog", "cd8465ea", "--allow-unverified"]);
    let loaded = sources::load_table(&strict.allow_unverified(true), "nmc").unwrap();
    assert_eq!(loaded.frame.height(), 1);
    assert_eq!(loaded.verification.as_str(), "mismatch");
}

#[test]
fn missing_file_and_unknown_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    let err = sources::capabilities::nmc(&dir).unwrap_err().to_string();
    assert_mentions(&err, &["NMC-60-abridged.csv: not found", "allywar data fetch nmc"]);
    let err = sources::load(&dir, "nmc6").unwrap_err().to_string();
    assert_mentions(&err, &["no dataset named `nmc6`", "did you mean `nmc`?"]);
    let err = sources::load(&dir, "gml_part_2.2.1_rda").unwrap_err().to_string();
    assert_mentions(&err, &["R data file", "load `gml_part_2.2.1`"]);
}

#[test]
fn bad_date_names_its_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let rel = "capitals/cow_capitals.csv";
    let fixture = std::fs::read_to_string(common::fixtures_dir().join(rel)).unwrap();
    let broken = fixture.replacen("1867-01-01", "1867-13-01", 1);
    let path = tmp.path().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, broken).unwrap();
    let err = sources::geography::capitals(&DataDir::new(tmp.path()).allow_unverified(true)).unwrap_err().to_string();
    assert_mentions(&err, &[&format!("{}:3:4:", path.display()), "column `stdate`", "expected a date yyyy-mm-dd", "1867-13-01"]);
    assert!(Path::new(&path).exists());
}
