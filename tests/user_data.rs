//! `allywar data add`: a user's own state-year and dyad-year files, joined onto the real frames
//! on COW codes and year, equal to the same join done here by hand; usable in `--vars`, `fit`,
//! specs and `allywar vars`; bad files refused with the line and column, nothing written.

mod common;

use common::allywar;
use polars::prelude::*;
use std::path::{Path, PathBuf};

const STATES: [i32; 8] = [2, 20, 200, 220, 255, 365, 710, 740];

/// The test's own values: GDP a known function of (ccode, year), -9 (missing) for France in
/// 1991, and no row at all for Japan (740) before 1991.
fn gdp(c: i32, y: i32) -> Option<f64> {
    match (c, y) {
        (220, 1991) | (740, ..=1990) => None,
        _ => Some(f64::from(c) * 0.5 + f64::from(y - 1900) * 0.01),
    }
}

fn flow(a: i32, b: i32, y: i32) -> f64 {
    f64::from(a.min(b) * 1000 + a.max(b)) + f64::from(y) / 1e4
}

struct Setup {
    tmp: tempfile::TempDir,
    data: PathBuf,
    catalog: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let catalog = tmp.path().join("cat/allywar.toml");
        Setup { data: common::real_data_dir(), catalog, tmp }
    }

    /// `allywar WORDS… --data-dir DATA` with this setup's user catalog.
    fn cmd(&self, words: &[&str]) -> assert_cmd::Command {
        let mut c = allywar();
        c.env("ALLYWAR_CATALOG", &self.catalog).args(words).arg("--data-dir").arg(&self.data);
        c
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// The state-year file, keyed `cowcode`,`yr`, with a header that is not a variable name.
    fn gdp_file(&self) -> PathBuf {
        let mut s = String::from("cowcode,yr,GDP per cap,regime\n");
        for c in STATES {
            for y in 1985..=1995 {
                if c == 740 && y <= 1990 {
                    continue;
                }
                let v = gdp(c, y).map_or_else(|| "-9".to_string(), |v| format!("{v}"));
                s.push_str(&format!("{c},{y},{v},{}\n", if c < 300 { "west" } else { "other" }));
            }
        }
        self.write("gdp.csv", &s)
    }

    /// A symmetric dyad-year file: each pair once, lower code first.
    fn trade_file(&self) -> PathBuf {
        let mut s = String::from("ccode1,ccode2,year,flow\n");
        for (i, &a) in STATES.iter().enumerate() {
            for &b in &STATES[i + 1..] {
                for y in 1990..=1991 {
                    s.push_str(&format!("{a},{b},{y},{}\n", flow(a, b, y)));
                }
            }
        }
        self.write("trade.csv", &s)
    }

    fn add(&self, args: &[&str], file: &Path) -> assert_cmd::assert::Assert {
        self.cmd(&["data", "add"]).args(args).arg("--file").arg(file).assert()
    }
}

fn floats(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    df.column(c).unwrap().f64().unwrap().iter().collect()
}

fn ints(df: &DataFrame, c: &str) -> Vec<i32> {
    df.column(c).unwrap().i32().unwrap().iter().map(Option::unwrap).collect()
}

#[test]
fn a_users_files_join_onto_frames_as_computed_by_hand() {
    let s = Setup::new();
    let out = s
        .add(
            &["pwt", "--unit", "state-year", "--keys", "cowcode,yr", "--na=-9", "--describe", "gdp_per_cap=GDP per capita, test values"],
            &s.gdp_file(),
        )
        .success();
    let said = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(said.contains("added pwt: state-year file, 82 rows, 1985–1995"), "{said}");
    assert!(said.contains("gdp_per_cap1, gdp_per_cap2, regime1, regime2 (dyad-year frames)"), "{said}");
    s.add(&["trade", "--unit", "dyad-year", "--symmetric", "--schema", "flow:f64"], &s.trade_file()).success();
    let toml = std::fs::read_to_string(&s.catalog).unwrap();
    assert!(toml.contains("name = \"pwt\"") && toml.contains("src = \"GDP per cap\"") && toml.contains("type = \"f64\""), "{toml}");
    assert!(s.catalog.with_file_name("user/pwt.csv").is_file());

    // `allywar vars` lists them with their dataset and years.
    let vars = s.cmd(&["vars", "dyad-year"]).assert().success();
    let vars = String::from_utf8_lossy(&vars.get_output().stdout).to_string();
    assert!(vars.contains("state 1's GDP per capita, test values (user data `pwt`) [1985–1995]"), "{vars}");
    assert!(vars.contains("flow") && vars.contains("(user data `trade`) [1990–1991]"), "{vars}");

    let described = s.cmd(&["data", "describe", "pwt"]).assert().success();
    let described = String::from_utf8_lossy(&described.get_output().stdout).to_string();
    assert!(
        described.contains("gdp_per_cap  f64   GDP per cap  GDP per capita, test values")
            && described.contains("null codes   empty cell, NA, -9"),
        "{described}"
    );

    // Dyad-years: the built-in columns and the user's, joined on each side and on the pair.
    let frame = s.tmp.path().join("dy.parquet");
    s.cmd(&["build", "dyad-year"])
        .args(["--years", "1989:1992", "-q", "--vars", "cinc1,gdp_per_cap1,gdp_per_cap2,flow,regime2", "--out"])
        .arg(&frame)
        .assert()
        .success();
    let df = allywar::input::read_frame(&frame).unwrap();
    let names: Vec<&str> = df.get_column_names().iter().map(|c| c.as_str()).collect();
    assert_eq!(names, ["ccode1", "ccode2", "year", "dyad_id", "cinc1", "gdp_per_cap1", "gdp_per_cap2", "flow", "regime2"]);
    let (c1, c2, y) = (ints(&df, "ccode1"), ints(&df, "ccode2"), ints(&df, "year"));
    let (g1, g2, f) = (floats(&df, "gdp_per_cap1"), floats(&df, "gdp_per_cap2"), floats(&df, "flow"));
    let regime: Vec<Option<&str>> = df.column("regime2").unwrap().str().unwrap().iter().collect();
    let listed = |c: i32| STATES.contains(&c);
    let mut checked = 0;
    for i in 0..df.height() {
        let want = |c: i32| if listed(c) && (1985..=1995).contains(&y[i]) { gdp(c, y[i]) } else { None };
        assert_eq!((g1[i], g2[i]), (want(c1[i]), want(c2[i])), "{}-{} {}", c1[i], c2[i], y[i]);
        let pair = listed(c1[i]) && listed(c2[i]) && (1990..=1991).contains(&y[i]);
        assert_eq!(f[i], pair.then(|| flow(c1[i], c2[i], y[i])), "flow {}-{} {}", c1[i], c2[i], y[i]);
        let in_file = listed(c2[i]) && !(c2[i] == 740 && y[i] <= 1990);
        assert_eq!(regime[i], in_file.then_some(if c2[i] < 300 { "west" } else { "other" }), "{}-{} {}", c1[i], c2[i], y[i]);
        checked += usize::from(g1[i].is_some() && f[i].is_some());
    }
    // Rows with a GDP and a flow: each of the 28 pairs of the symmetric file in both
    // directions in 1990 and 1991 (112), less those of France in 1991.
    assert_eq!(checked, 112 - 14, "{checked}");
    // The metadata names the user's file with its sha256.
    // (Parquet keeps it as key-value metadata in the footer, as plain text.)
    let bytes = String::from_utf8_lossy(&std::fs::read(&frame).unwrap()).to_string();
    assert!(
        bytes.contains(r#""dataset":"pwt""#) && bytes.contains("user/pwt.csv") && bytes.contains(r#""dataset":"trade""#),
        "no user inputs in the metadata"
    );

    // State-years.
    let sy = s.tmp.path().join("sy.parquet");
    s.cmd(&["build", "state-year"]).args(["--years", "1991", "-q", "--vars", "gdp_per_cap,regime", "--out"]).arg(&sy).assert().success();
    let df = allywar::input::read_frame(&sy).unwrap();
    let (c, g) = (ints(&df, "ccode"), floats(&df, "gdp_per_cap"));
    for i in 0..df.height() {
        assert_eq!(g[i], if listed(c[i]) { gdp(c[i], 1991) } else { None }, "{}", c[i]);
    }
    assert_eq!(g.iter().flatten().count(), 7, "the eight states less France's -9: {g:?}");
}

#[test]
fn a_users_variable_in_a_fit_and_a_spec_and_its_file_in_the_manifest() {
    let s = Setup::new();
    s.add(&["pwt", "--unit", "state-year", "--keys", "cowcode,yr", "--na=-9"], &s.gdp_file()).success();
    let frame = s.tmp.path().join("dy.parquet");
    s.cmd(&["build", "dyad-year"])
        .args(["--years", "1985:1995", "-q", "--vars", "mid_onset,gdp_per_cap1,cinc1,cinc2", "--out"])
        .arg(&frame)
        .assert()
        .success();
    let df = allywar::input::read_frame(&frame).unwrap();
    let want = allywar::estimate::estimate(
        &df,
        "mid_onset ~ gdp_per_cap1 + cinc1 + cinc2",
        allywar::estimate::Model::Gaussian,
        &"hc1".parse().unwrap(),
    )
    .unwrap();

    // `fit` on the unit builds what the formula reads, the user's column with the rest.
    let fit = s.tmp.path().join("fit.json");
    s.cmd(&["fit", "dyad-year"])
        .args([
            "--years",
            "1985:1995",
            "-q",
            "--model",
            "ols",
            "--se",
            "robust",
            "--formula",
            "mid_onset ~ gdp_per_cap1 + cinc1 + cinc2",
            "--out",
        ])
        .arg(&fit)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&fit).unwrap()).unwrap();
    let got = json["coefficients"].as_array().or(json["results"]["coefficients"].as_array()).unwrap();
    assert_eq!(got.len(), want.coefficients.len());
    for (g, w) in got.iter().zip(&want.coefficients) {
        assert_eq!(g["term"], w.term.as_str());
        let e = g["estimate"].as_f64().unwrap();
        assert!((e - w.estimate).abs() <= 1e-10 * w.estimate.abs().max(1e-6), "{}: {e} vs {}", w.term, w.estimate);
    }

    // A study whose model reads it; its manifest then follows the user's file.
    let reports = s.tmp.path().join("reports");
    std::fs::create_dir_all(reports.join("mine")).unwrap();
    std::fs::write(
        reports.join("mine/spec.toml"),
        "title = \"Mine\"\nquestion = \"Do richer challengers start more disputes?\"\n[frame]\nunit = \"dyad-year\"\nyears = \"1985:1995\"\n[[model]]\nname = \"LPM\"\nformula = \"mid_onset ~ gdp_per_cap1 + cinc1 + cinc2\"\nestimator = \"ols\"\nse = \"hc1\"\n",
    )
    .unwrap();
    let run = |args: &[&str]| s.cmd(&["reproduce"]).args(["-q", "--reports"]).arg(&reports).args(args).assert();
    run(&["mine"]).success();
    let results: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(reports.join("mine/results.json")).unwrap()).unwrap();
    let model = &results["models"][0];
    let coefs = model["results"]["coefficients"].as_array().or(model["coefficients"].as_array()).unwrap();
    let e = coefs.iter().find(|c| c["term"] == "gdp_per_cap1").unwrap()["estimate"].as_f64().unwrap();
    let w = want.coefficients.iter().find(|c| c.term == "gdp_per_cap1").unwrap().estimate;
    assert!((e - w).abs() <= 1e-10 * w.abs(), "{e} vs {w}");
    run(&["mine", "--check"]).success();
    // A corrected file, added again: the study is stale, and says why.
    let text = std::fs::read_to_string(s.gdp_file()).unwrap().replace("2,1990,1.9,", "2,1990,2.9,");
    let out = s.add(
        &["pwt", "--unit", "state-year", "--keys", "cowcode,yr", "--na=-9", "--reports", reports.to_str().unwrap()],
        &s.write("gdp2.csv", &text),
    );
    let said = String::from_utf8_lossy(&out.success().get_output().stderr).to_string();
    assert!(said.contains("stale now: mine"), "{said}");
    let check = run(&["mine", "--check"]).failure();
    let said = String::from_utf8_lossy(&check.get_output().stdout).to_string() + &String::from_utf8_lossy(&check.get_output().stderr);
    assert!(said.contains("data `pwt` changed"), "{said}");
}

#[test]
fn bad_user_files_are_refused_with_the_place_and_nothing_is_written() {
    let s = Setup::new();
    let gdp = s.gdp_file();
    let refused = |args: &[&str], file: &Path, says: &[&str]| {
        let out = s.add(args, file).failure();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        for w in says {
            assert!(err.contains(w), "expected {w:?} in: {err}");
        }
        assert!(!s.catalog.exists() && !s.catalog.with_file_name("user").exists(), "written after: {err}");
    };
    // A cell that is not a number, found at its line and column.
    let text = std::fs::read_to_string(&gdp).unwrap().replace("20,1987,10.87,", "20,1987,n/a,");
    refused(
        &["pwt", "--unit", "state-year", "--keys", "cowcode,yr", "--schema", "gdp=GDP per cap:f64"],
        &s.write("bad.csv", &text),
        &["bad.csv:15:3", "`gdp`", "a number", "\"n/a\""],
    );
    // A repeated key, with both lines.
    let text = std::fs::read_to_string(&gdp).unwrap() + "2,1985,1.0,west\n";
    refused(&["pwt", "--unit", "state-year", "--keys", "cowcode,yr"], &s.write("dup.csv", &text), &["dup.csv:84", "line 2"]);
    // Names that clash: a registry variable, a key, a catalog dataset.
    let clash = s.write("clash.csv", "ccode,year,cinc\n2,1990,0.1\n");
    refused(&["mine", "--unit", "state-year"], &clash, &["already have a variable `cinc`"]);
    refused(&["nmc", "--unit", "state-year"], &clash, &["`nmc` is a catalog dataset", "allywar data pin nmc"]);
    refused(&["pwt", "--unit", "state-year"], &gdp, &["no key column `ccode`", "cowcode"]);
    // A symmetric file with a pair in both orders.
    let both = s.write("both.csv", "ccode1,ccode2,year,flow\n2,20,1990,1\n20,2,1990,1\n");
    refused(&["trade", "--unit", "dyad-year", "--symmetric"], &both, &["20–2 in 1990", "both orders", "without --symmetric"]);

    // A file changed after it was added is refused where it is read, and used once with
    // --allow-unverified.
    s.add(&["pwt", "--unit", "state-year", "--keys", "cowcode,yr", "--na=-9"], &gdp).success();
    let status = s.cmd(&["data", "status"]).arg("--check").assert().success();
    let said = String::from_utf8_lossy(&status.get_output().stdout).to_string();
    assert!(said.lines().any(|l| l.starts_with("pwt ") && l.contains("verified") && l.contains(" 82 ")), "{said}");
    let copy = s.catalog.with_file_name("user/pwt.csv");
    std::fs::write(&copy, std::fs::read_to_string(&copy).unwrap().replace("2,1990,1.9,", "2,1990,2.9,")).unwrap();
    let out = s.tmp.path().join("sy.parquet");
    let build = || {
        let mut c = s.cmd(&["build", "state-year"]);
        c.args(["--years", "1990", "-q", "--vars", "gdp_per_cap", "--out"]).arg(&out);
        c
    };
    s.cmd(&["data", "status"]).arg("--check").assert().failure();
    let err = build().assert().failure();
    let err = String::from_utf8_lossy(&err.get_output().stderr).to_string();
    assert!(err.contains("is not that of the file added as `pwt`") && err.contains("allywar data add pwt"), "{err}");
    assert!(!out.exists());
    build().arg("--allow-unverified").assert().success();
    let df = allywar::input::read_frame(&out).unwrap();
    let us = df.column("ccode").unwrap().i32().unwrap().iter().position(|c| c == Some(2)).unwrap();
    assert_eq!(floats(&df, "gdp_per_cap")[us], Some(2.9));
}
