//! The `allywar data` commands end to end.

mod common;

use common::allywar;

use predicates::prelude::*;
use std::path::Path;

fn leftovers(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walk(dir) {
        let name = e.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".tmp") || name.starts_with(".allywar-") {
            out.push(e.display().to_string());
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn fetch_from_mirror_then_status_shows_every_dataset_verified() {
    let mirror = common::real_data_dir();
    let dest = tempfile::tempdir().unwrap();
    allywar()
        .args(["data", "fetch", "--mirror"])
        .arg(&mirror)
        .arg("--data-dir")
        .arg(dest.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("fetched, verified"));
    let out = allywar().args(["data", "status", "--json", "--check", "--data-dir"]).arg(dest.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let datasets = v["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), allywar::catalog().datasets.len());
    for d in datasets {
        assert_eq!(d["status"], "verified", "{d}");
    }
    assert_eq!(v["not_in_catalog"].as_array().unwrap().len(), 0);
    assert!(leftovers(dest.path()).is_empty());
    // A second run leaves verified files alone.
    allywar()
        .args(["data", "fetch", "majors", "--mirror"])
        .arg(&mirror)
        .arg("--data-dir")
        .arg(dest.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("already present, verified"));
    // The table form says the same.
    allywar().args(["data", "status", "--data-dir"]).arg(dest.path()).assert().success().stdout(predicate::str::contains(format!(
        "{} datasets: {} verified, 0 mismatch, 0 missing",
        datasets.len(),
        datasets.len()
    )));
}

#[test]
fn corrupted_mirror_file_is_refused_and_leaves_nothing_behind() {
    let real = common::real_data_dir();
    let mirror = tempfile::tempdir().unwrap();
    let rel = "cow_system_2016/majors2016.csv";
    let mut bytes = std::fs::read(real.join(rel)).unwrap();
    bytes[60] ^= 0x01;
    std::fs::create_dir_all(mirror.path().join("cow_system_2016")).unwrap();
    std::fs::write(mirror.path().join(rel), &bytes).unwrap();
    let dest = tempfile::tempdir().unwrap();
    allywar()
        .args(["data", "fetch", "majors", "--mirror"])
        .arg(mirror.path())
        .arg("--data-dir")
        .arg(dest.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("majors2016.csv: sha256").and(predicate::str::contains("does not match the catalog's 6ba42de1")))
        .stderr(predicate::str::contains("nothing was written"));
    assert!(!dest.path().join(rel).exists());
    assert!(leftovers(dest.path()).is_empty(), "{:?}", leftovers(dest.path()));
    // Accepted on request, and then reported as a mismatch.
    allywar()
        .args(["data", "fetch", "majors", "--allow-unverified", "--mirror"])
        .arg(mirror.path())
        .arg("--data-dir")
        .arg(dest.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("UNVERIFIED"));
    allywar()
        .args(["data", "status", "--check", "--data-dir"])
        .arg(dest.path())
        .assert()
        .failure()
        .stdout(predicate::str::is_match(r"majors\s+2016\s+mismatch").unwrap());
}

#[test]
fn files_without_a_producer_download_need_a_mirror() {
    let dest = tempfile::tempdir().unwrap();
    allywar()
        .args(["data", "fetch", "atop_ddy", "--data-dir"])
        .arg(dest.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("`atop_ddy` has no producer download").and(predicate::str::contains("--mirror")));
}

#[test]
fn describe_cite_and_show() {
    allywar()
        .args(["data", "describe", "nmc"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Composite Index of National Capability"))
        .stdout(predicate::str::contains("null codes   empty cell, NA, -9"))
        .stdout(predicate::str::contains("years        1816–2016"))
        .stdout(predicate::str::contains("unique key   ccode, year"));
    allywar()
        .args(["data", "cite", "nmc", "cow_mida"])
        .assert()
        .success()
        .stdout(predicate::str::contains("@incollection{singer1972").and(predicate::str::contains("@article{palmer2022")));
    allywar()
        .args(["data", "show", "nmc", "--filter", "year=1816", "--filter", "ccode=2", "--data-dir"])
        .arg(common::real_data_dir())
        .assert()
        .success()
        .stdout(predicate::str::contains("3823").and(predicate::str::contains("0.039697")))
        .stderr(predicate::str::contains("1 row × 11 columns"));
}

#[test]
fn helpful_errors_on_the_command_line() {
    allywar().args(["data", "describe", "nmcc"]).assert().failure().stderr(predicate::str::contains("did you mean `nmc`?"));
    allywar()
        .args(["data", "show", "nmc", "--filter", "yeer=1816", "--data-dir"])
        .arg(common::real_data_dir())
        .assert()
        .failure()
        .stderr(predicate::str::contains("has no column `yeer` (did you mean `year`?)"));
    let empty = tempfile::tempdir().unwrap();
    allywar()
        .args(["data", "status", "--check", "--data-dir"])
        .arg(empty.path())
        .assert()
        .failure()
        .stdout(predicate::str::contains("0 verified, 0 mismatch, 41 missing"));
}

#[test]
fn vars_lists_every_variable_with_its_source() {
    allywar()
        .args(["vars", "dyad-year"])
        .assert()
        .success()
        .stdout(predicate::str::contains("tgt_def").and(predicate::str::contains("(atop_ddy) [1815–2018]")))
        .stdout(predicate::str::contains("dyad_id"));
    let out = allywar().args(["vars", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let units: std::collections::BTreeSet<&str> = v.as_array().unwrap().iter().map(|x| x["unit"].as_str().unwrap()).collect();
    assert_eq!(units.len(), allywar::types::Unit::ALL.len());
    assert!(units.contains("invocation") && units.contains("alliance-year"), "{units:?}");
}

#[test]
fn build_writes_the_frame_and_refuses_bad_requests_without_leaving_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dy.csv");
    allywar()
        .args(["build", "dyad-year", "--years", "1900:1901", "--vars", "mid_onset,tgt_def", "--out"])
        .arg(&out)
        .arg("--data-dir")
        .arg(common::real_data_dir())
        .assert()
        .success()
        .stdout(predicate::str::contains("rows × 6 columns"))
        .stderr(predicate::str::contains("no common day removed"));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("ccode1,ccode2,year,dyad_id,mid_onset,tgt_def\n"), "{}", &text[..80]);
    let bad: [(&[&str], &str); 5] = [
        (&["build", "dyad-year", "--years", "1700:1800"], "outside the COW state system (states, v2016), which covers 1816–2016"),
        (&["build", "dyad-year", "--years", "1900:1800"], "impossible year range 1900:1800"),
        (&["build", "dyad-year", "--vars", "tgt_deff"], "did you mean `tgt_def`?"),
        (&["build", "mission", "--vars", "tgt_def"], "not available for mission frames"),
        (&["build", "dyad-yaer"], "a similar value exists: 'dyad-year'"),
    ];
    for (args, msg) in bad {
        let out = tmp.path().join("bad.parquet");
        allywar()
            .args(args)
            .arg("--out")
            .arg(&out)
            .arg("--data-dir")
            .arg(common::real_data_dir())
            .assert()
            .failure()
            .stderr(predicate::str::contains(msg));
        assert!(!out.exists(), "{args:?} left a file");
    }
    allywar()
        .args(["build", "dispute", "--out"])
        .arg(tmp.path().join("x.xlsx"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown output format"));
    assert!(leftovers(tmp.path()).is_empty());
}

/// A loopback HTTP server over `dir` (python3's http.server), stopped on drop.
struct Http(std::process::Child, u16);

impl Http {
    fn serve(dir: &Path) -> Http {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let server = Http(
            std::process::Command::new("python3")
                .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
                .arg(dir)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("python3 serves the test mirror"),
            port,
        );
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the test HTTP server did not start");
    }
}

impl Drop for Http {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn fetch_from_an_http_mirror() {
    let server = Http::serve(&common::real_data_dir());
    let dest = tempfile::tempdir().unwrap();
    // `MIDA 5.0.csv` has a space: the URL must encode it.
    allywar()
        .args(["data", "fetch", "cow_mida", "majors", "--mirror", &format!("http://127.0.0.1:{}/", server.1), "--data-dir"])
        .arg(dest.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("cow_mida               fetched, verified"));
    assert!(dest.path().join("cow_mid_5.0/MIDA 5.0.csv").is_file());
    allywar()
        .args(["data", "fetch", "nmc", "--mirror", &format!("http://127.0.0.1:{}/nowhere", server.1), "--data-dir"])
        .arg(dest.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("404"));
    assert!(!dest.path().join("cow_nmc_6.0/NMC-60-abridged.csv").exists());
    assert!(leftovers(dest.path()).is_empty());
}
