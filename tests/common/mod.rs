//! Helpers shared by the integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The allywar binary with no data directory or mirror from the environment: every test says
/// where its data are.
pub fn allywar() -> Command {
    let mut cmd = Command::cargo_bin("allywar").unwrap();
    cmd.env_remove("ALLYWAR_DATA").env_remove("ALLYWAR_MIRROR").env_remove("ALLYWAR_CATALOG");
    cmd
}

/// The real-data directory: $ALLYWAR_DATA, else ../shared/data/raw next to the repository.
/// Real-data tests never skip: a missing directory fails them, so CI cannot pass without data.
pub fn real_data_dir() -> PathBuf {
    let dir = match std::env::var_os("ALLYWAR_DATA") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/raw"),
    };
    assert!(
        dir.join("PROVENANCE.tsv").is_file() || dir.join("cow_nmc_6.0").is_dir(),
        "real data not found at {} (set ALLYWAR_DATA or run `allywar data fetch`); real-data tests do not skip",
        dir.display()
    );
    dir
}

/// The hand-written fixtures, laid out like a data directory.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/raw")
}

/// Rows of a raw CSV of the real data as maps from header to cell, read with the csv crate
/// (quotes, CR, LF and CRLF endings), not with the loaders under test.
pub fn raw(rel: &str) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_path(real_data_dir().join(rel)).unwrap();
    let header: Vec<String> = rdr.byte_headers().unwrap().iter().map(|h| String::from_utf8_lossy(h).trim().to_string()).collect();
    rdr.byte_records()
        .map(|r| header.iter().cloned().zip(r.unwrap().iter().map(|c| String::from_utf8_lossy(c).into_owned())).collect())
        .filter(|r: &HashMap<String, String>| r.values().any(|v| !v.is_empty()))
        .collect()
}

/// A cell as an integer (panics with the column and value otherwise).
pub fn int(r: &HashMap<String, String>, k: &str) -> i32 {
    r[k].trim().parse().unwrap_or_else(|_| panic!("{k}={:?}", r[k]))
}

/// A cell as an integer, -9 when blank or not an integer (the producers' missing code).
pub fn num(r: &HashMap<String, String>, k: &str) -> i32 {
    r.get(k).and_then(|v| v.trim().parse().ok()).unwrap_or(-9)
}

/// yyyymmdd of a partial date: unknown parts are the first (or, `last`, the 31st of December).
pub fn ymd(y: i32, m: i32, d: i32, last: bool) -> i32 {
    let m = if (1..=12).contains(&m) {
        m
    } else if last {
        12
    } else {
        1
    };
    let d = if (1..=31).contains(&d) {
        d
    } else if last {
        31
    } else {
        1
    };
    y * 10000 + m * 100 + d
}

/// Every file under `dir` whose path relative to it (`a/b.csv`) `keep` accepts, with its bytes,
/// sorted by path: what two runs of a command are compared by.
pub fn files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, keep: &dyn Fn(&str) -> bool, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, keep, out);
                continue;
            }
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            if keep(&rel) {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &keep, &mut out);
    out.sort();
    out
}
