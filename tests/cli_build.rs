//! `allywar build` and `allywar vars` as a new user meets them: every rough edge of issue 6 §2,
//! end to end on the real data.

mod common;

use common::allywar;

use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// `allywar build ARGS --data-dir REAL --out OUT`.
fn build(args: &[&str], out: &Path) -> assert_cmd::assert::Assert {
    allywar().arg("build").args(args).arg("--out").arg(out).arg("--data-dir").arg(common::real_data_dir()).assert()
}

fn header(csv: &Path) -> String {
    std::fs::read_to_string(csv).unwrap().lines().next().unwrap().to_string()
}

/// A data directory of symlinks to the real files, with `dataset`'s file replaced by `bytes`.
fn data_dir_with(tmp: &Path, dataset: &str, bytes: &[u8]) -> PathBuf {
    let real = common::real_data_dir();
    let dir = tmp.join("data");
    for d in &allywar::catalog().datasets {
        let dest = dir.join(&d.path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        if d.name == dataset {
            std::fs::write(&dest, bytes).unwrap();
        } else if real.join(&d.path).exists() {
            std::os::unix::fs::symlink(std::fs::canonicalize(real.join(&d.path)).unwrap(), &dest).unwrap();
        }
    }
    dir
}

#[test]
fn unverified_inputs_are_warned_about_and_recorded_in_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let tago = allywar::catalog().get("tago").unwrap();
    let mut bytes = std::fs::read(common::real_data_dir().join(&tago.path)).unwrap();
    bytes.extend_from_slice(b"\n"); // a blank line: parses the same, but the sha256 differs
    let dir = data_dir_with(tmp.path(), "tago", &bytes);
    let out = tmp.path().join("force.csv");
    allywar()
        .args(["build", "us-force", "--out"])
        .arg(&out)
        .arg("--data-dir")
        .arg(&dir)
        .assert()
        .failure()
        .stderr(predicate::str::contains("pass --allow-unverified"));
    assert!(!out.exists());
    // -q silences notes and `wrote`, never the warning.
    allywar()
        .args(["build", "us-force", "-q", "--allow-unverified", "--out"])
        .arg(&out)
        .arg("--data-dir")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::contains("warning: tago")
                .and(predicate::str::contains("UNVERIFIED"))
                .and(predicate::str::contains("note:").not()),
        );
    let meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(tmp.path().join("force.csv.meta.json")).unwrap()).unwrap();
    assert_eq!(meta["allywar_version"], env!("CARGO_PKG_VERSION"));
    let inputs = meta["allywar_inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0]["dataset"], "tago");
    assert_eq!(inputs[0]["verified"], false);
    assert_eq!(inputs[0]["sha256"].as_str().unwrap().len(), 64);
    assert_ne!(inputs[0]["sha256"], tago.sha256.as_str());
    // Parquet carries the same record as key-value metadata (in the footer, as plain text).
    let pq = tmp.path().join("force.parquet");
    allywar().args(["build", "us-force", "--allow-unverified", "--out"]).arg(&pq).arg("--data-dir").arg(&dir).assert().success();
    let text = String::from_utf8_lossy(&std::fs::read(&pq).unwrap()).to_string();
    assert!(text.contains("allywar_inputs") && text.contains(r#""verified":false"#), "no input metadata in the Parquet footer");
}

#[test]
fn years_partly_outside_the_data_are_kept_with_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sy.csv");
    build(&["state-year", "--years", "2005:2020", "--vars", "cinc"], &out).success().stderr(
        predicate::str::contains("years 2017–2020 are outside the COW state system").and(predicate::str::contains("building 2005–2016")),
    );
    let years: std::collections::BTreeSet<String> =
        std::fs::read_to_string(&out).unwrap().lines().skip(1).map(|l| l.split(',').nth(1).unwrap().to_string()).collect();
    assert_eq!(years.iter().next().map(String::as_str), Some("2005"));
    assert_eq!(years.iter().last().map(String::as_str), Some("2016"));
    build(&["dyad-year", "--years", "1700:1800"], &out).failure().stderr(predicate::str::contains("years 1700–1800 are outside"));
}

#[test]
fn missing_data_is_listed_at_once_with_the_command_that_fetches_it() {
    let tmp = tempfile::tempdir().unwrap();
    let nowhere = tmp.path().join("nowhere");
    allywar()
        .args(["build", "dyad-year", "--vars", "mid_onset,tgt_def,cinc1", "--data-dir"])
        .arg(&nowhere)
        .assert()
        .failure()
        .stderr(predicate::str::contains("does not exist").and(predicate::str::contains("allywar data fetch")));
    // Only the alliance data is missing: it alone is named, with the one command.
    let dir = data_dir_with(tmp.path(), "atop_ddy", b"");
    std::fs::remove_file(dir.join(&allywar::catalog().get("atop_ddy").unwrap().path)).unwrap();
    std::fs::remove_file(dir.join(&allywar::catalog().get("nmc").unwrap().path)).unwrap();
    allywar().args(["build", "dyad-year", "--vars", "mid_onset,tgt_def,cinc1", "--data-dir"]).arg(&dir).assert().failure().stderr(
        predicate::str::contains("2 datasets this build needs are missing")
            .and(predicate::str::contains("allywar data fetch atop_ddy nmc --data-dir")),
    );
}

#[test]
fn output_paths_are_checked_before_building_in_plain_words() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.parquet");
    std::fs::write(&file, b"x").unwrap();
    allywar()
        .args(["build", "dyad-year", "--data-dir"])
        .arg(tmp.path().join("no-data-needed-to-fail"))
        .arg("--out")
        .arg(file.join("x.csv"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("is a file, not a folder").and(predicate::str::contains("os error").not()));
    allywar().args(["build", "dyad-year", "--out"]).arg(tmp.path()).assert().failure().stderr(predicate::str::contains("is a directory"));
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

#[test]
fn variable_lists_are_forgiving_and_keep_the_order_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dy.csv");
    build(&["dyad-year", "--years", "1900", "--vars", "tgt_def, mid_onset , year"], &out).success();
    assert_eq!(header(&out), "ccode1,ccode2,year,dyad_id,tgt_def,mid_onset");
    build(&["dyad-year", "--vars", "MID_ONSET"], &out).failure().stderr(predicate::str::contains("did you mean `mid_onset`?"));
}

#[test]
fn flags_that_do_not_apply_are_refused_for_every_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x.parquet");
    let cases: [&[&str]; 6] = [
        &["mission", "--directed"],
        &["us-force", "--mids", "cow5"],
        &["mission", "--mids", "gml"],
        &["state-year", "--prd"],
        &["joiner", "--nondirected"],
        &["dispute", "--drop-ongoing"],
    ];
    for args in cases {
        build(args, &out).failure().stderr(predicate::str::contains("not apply to"));
        assert!(!out.exists());
    }
}

#[test]
fn notes_say_what_happened() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nd.parquet");
    build(&["dyad-year", "--nondirected", "--vars", "mid_onset"], &out)
        .success()
        .stderr(predicate::str::contains("; 0 name a pair that is not a dyad that year"));
    build(&["dyad-year", "--prd", "--vars", "mid_onset"], &out).success().stderr(
        predicate::str::is_match(r"politically relevant dyads only: \d+ dyad-years dropped, holding \d+ of the \d+ dispute onsets")
            .unwrap(),
    );
}

#[test]
fn help_and_vars_tell_the_truth() {
    allywar().args(["build", "--help"]).assert().success().stdout(predicate::str::contains(".dta"));
    allywar()
        .args(["vars", "dyad-year"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"mid_onset .*\[gml 1816–2010; cow5 1816–2014\]").unwrap());
    allywar()
        .args(["vars", "dyad-year", "--mids", "gml"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"mid_onset .*\[1816–2010\]").unwrap());
    let bench = allywar().args(["bench", "--help"]).assert().success();
    bench.stdout(predicate::str::contains("30").not());
}

#[test]
fn stata_files_carry_labels_and_store_flags_as_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dy.dta");
    build(&["dyad-year", "--years", "1914", "--vars", "mid_onset,cinc1"], &out).success();
    let bytes = std::fs::read(&out).unwrap();
    let find = |needle: &[u8]| bytes.windows(needle.len()).position(|w| w == needle);
    assert!(find(b"1 if a dispute between the two states (on opposite sides) starts in the year").is_some(), "no variable label");
    assert!(find(b"allywar_inputs").is_some(), "no dataset notes");
    // Variable types: ccode1, ccode2, year, dyad_id long (65528); mid_onset byte (65530); cinc1 double (65526).
    let at = find(b"<variable_types>").unwrap() + "<variable_types>".len();
    let types: Vec<u16> = (0..6).map(|j| u16::from_le_bytes([bytes[at + 2 * j], bytes[at + 2 * j + 1]])).collect();
    assert_eq!(types, [65528, 65528, 65528, 65528, 65530, 65526]);
}

#[test]
fn outputs_get_the_users_umask_and_a_terminal_gets_progress() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("missions.csv");
    build(&["mission", "--vars", "statenum"], &out).success();
    let plain = tmp.path().join("plain");
    std::fs::File::create(&plain).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&out), mode(&plain), "outputs are created like any file, not 0600");
    // On a terminal (a pseudo-terminal from script(1)) the build shows its progress.
    let bin = assert_cmd::cargo::cargo_bin("allywar");
    let command = format!(
        "{} build mission --out {} --data-dir {}",
        bin.display(),
        tmp.path().join("m.parquet").display(),
        common::real_data_dir().display()
    );
    let tty = std::process::Command::new("script").args(["-qec", &command, "/dev/null"]).output().unwrap();
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(tty.status.success(), "{shown}");
    assert!(shown.contains("building mission"), "no progress on a terminal: {shown}");
    // Not on a pipe.
    build(&["mission"], &tmp.path().join("m2.parquet")).success().stderr(predicate::str::contains("building mission").not());
}

/// `build --derive/--filter`: the columns an expression reads are built, the derived column and
/// the kept rows equal the same computed in the test, and the output's metadata says how.
#[test]
fn build_with_derived_columns_and_a_filter() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("majors.csv");
    common::allywar()
        .args(["build", "dyad-year", "--years", "1990:1991", "--vars", "init", "-q"])
        .args(["--derive", "both_major = major1 = 1 AND major2 = 1", "--filter", "both_major = 1 AND year = 1990", "--out"])
        .arg(&out)
        .arg("--data-dir")
        .arg(common::real_data_dir())
        .assert()
        .success();
    let mut r = csv::Reader::from_path(&out).unwrap();
    let h = r.headers().unwrap().clone();
    let at = |c: &str| h.iter().position(|x| x == c).unwrap_or_else(|| panic!("{c} in {h:?}"));
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    // Five major powers in 1990 (USA, UKG, FRN, RUS, CHN): 20 directed pairs.
    assert_eq!(rows.len(), 20);
    for row in &rows {
        assert_eq!((&row[at("major1")], &row[at("major2")], &row[at("both_major")], &row[at("year")]), ("1", "1", "1", "1990"));
    }
    let meta = std::fs::read_to_string(tmp.path().join("majors.csv.meta.json")).unwrap();
    assert!(meta.contains("both_major = major1 = 1 AND major2 = 1") && meta.contains("both_major = 1 AND year = 1990"), "{meta}");
}
