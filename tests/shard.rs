//! A multiverse run in shards (`--shard K/N`) and merged (`multiverse merge`) writes what one
//! run writes, byte for byte; parts that do not belong together are refused, and nothing is
//! written.

mod common;

use common::allywar;
use std::path::{Path, PathBuf};

/// 3 estimators × 2 variances × 4 control sets × 2 samples = 48 specifications in 8 design
/// groups (a group: one frame, rows and formula).
pub const STUDY: &str = include_str!("fixtures/multiverse/sharded.toml");

fn study(dir: &Path) -> PathBuf {
    let folder = dir.join("reports/sharded");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("spec.toml"), STUDY).unwrap();
    dir.join("reports")
}

#[test]
fn shards_merged_equal_one_run_byte_for_byte_and_bad_sets_are_refused() {
    let data = common::real_data_dir();
    let tmp = tempfile::tempdir().unwrap();
    let reports = study(tmp.path());
    let run = |args: &[&str]| allywar().arg("multiverse").args(args).arg("--reports").arg(&reports).arg("--data-dir").arg(&data).assert();
    let single = tmp.path().join("single");
    run(&["sharded", "-q", "--out", single.to_str().unwrap()]).success();
    let parts = tmp.path().join("parts");
    let mut sizes = Vec::new();
    for k in 0..4 {
        let out = run(&["sharded", "--shard", &format!("{k}/4"), "--out", parts.to_str().unwrap()]).success();
        let said = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        let n: usize = said
            .split(&format!("shard {k}/4: "))
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{said}"));
        sizes.push(n);
    }
    // Whole design groups of 6 specifications (3 estimators × 2 variances), two groups a shard.
    assert_eq!(sizes.iter().sum::<usize>(), 48);
    assert!(sizes.iter().all(|&n| n == 12), "unbalanced shards: {sizes:?}");
    let merge = |dirs: &[&Path], out: &Path| {
        let mut c = allywar();
        c.args(["multiverse", "merge", "-q"]).args(dirs).arg("--out").arg(out).arg("--reports").arg(&reports);
        c.assert()
    };
    let merged = tmp.path().join("merged");
    merge(&[&parts], &merged).success();
    let (a, b) = (outputs(&single), outputs(&merged));
    assert_eq!(
        a.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["multiverse.csv", "multiverse.md", "multiverse.parquet", "specification_curve.png", "specification_curve.svg"]
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between the single run and the merged shards");
    }

    // A missing part, a part twice, a part of another spec: refused, nothing written.
    let refused = |dirs: &[&Path], says: &str| {
        let out = tmp.path().join("refused");
        let err = merge(dirs, &out).failure();
        let err = String::from_utf8_lossy(&err.get_output().stderr).to_string();
        assert!(err.contains(says), "expected {says:?} in: {err}");
        assert!(!out.exists(), "written after: {err}");
    };
    let three = tmp.path().join("three");
    std::fs::create_dir_all(&three).unwrap();
    for k in [0, 1, 3] {
        std::fs::copy(parts.join(format!("part-{k}-of-4.json")), three.join(format!("part-{k}-of-4.json"))).unwrap();
    }
    refused(&[&three], "1 of 4 parts missing: part-2-of-4.json");
    refused(&[&parts, &parts.join("part-1-of-4.json")], "shard 1 of 4 twice");
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    for k in 0..4 {
        let text = std::fs::read_to_string(parts.join(format!("part-{k}-of-4.json"))).unwrap();
        let text = if k == 2 { text.replacen("\"spec_sha256\":\"", "\"spec_sha256\":\"00", 1) } else { text };
        std::fs::write(other.join(format!("part-{k}-of-4.json")), text).unwrap();
    }
    refused(&[&other], "different spec (sha256)");
    // The spec edited after the parts ran.
    let spec = reports.join("sharded/spec.toml");
    std::fs::write(&spec, STUDY.replace("Sharded multiverse", "Sharded multiverse, edited")).unwrap();
    refused(&[&parts], "the spec changed since the parts were run");
}

/// Stops the test cluster however the test ends.
struct Cluster(PathBuf);

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash").arg(script("one-node.sh")).arg("stop").arg(&self.0).status();
    }
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contrib/slurm").join(name)
}

/// The same 48 specifications as 4 shards of a real Slurm array job (Debian's slurm-wlm and
/// munge, started here as a one-node cluster by contrib/slurm/one-node.sh), merged by a job that
/// waits for the array: equal to one run, byte for byte. `.ci/run` installs Slurm; without it
/// this test fails and says so.
#[test]
fn a_sharded_multiverse_on_a_real_slurm_cluster_equals_one_run() {
    // The jobs run in their own folder: the data directory must not be relative ($ALLYWAR_DATA
    // is ../shared/data/raw in CI).
    let data = common::real_data_dir().canonicalize().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let reports = study(tmp.path());
    let single = tmp.path().join("single");
    allywar()
        .args(["multiverse", "sharded", "-q", "--out"])
        .arg(&single)
        .arg("--reports")
        .arg(&reports)
        .arg("--data-dir")
        .arg(&data)
        .assert()
        .success();

    let dir = tmp.path().join("cluster");
    let up = std::process::Command::new("bash").arg(script("one-node.sh")).arg("start").arg(&dir).output().unwrap();
    let _cluster = Cluster(dir.clone());
    assert!(
        up.status.success(),
        "the one-node Slurm cluster did not start (it needs root and `apt-get install slurm-wlm munge`, as .ci/run does): {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let conf = dir.join("slurm.conf");
    let slurm = |program: &str| {
        let mut c = std::process::Command::new(program);
        c.env("SLURM_CONF", &conf).current_dir(tmp.path());
        c
    };
    let submitted = slurm("bash")
        .arg(script("submit.sh"))
        .args(["sharded", "4", "parts", "merged"])
        .env("ALLYWAR", assert_cmd::cargo::cargo_bin("allywar"))
        .env("ALLYWAR_DATA", &data)
        .env("ALLYWAR_REPORTS", &reports)
        .env_remove("ALLYWAR_CATALOG")
        .output()
        .unwrap();
    assert!(submitted.status.success(), "sbatch: {}", String::from_utf8_lossy(&submitted.stderr));
    let ids: Vec<String> = String::from_utf8_lossy(&submitted.stdout).split_whitespace().map(String::from).collect();
    assert_eq!(ids.len(), 2, "expected the array's and the merge's job ids: {ids:?}");
    // No accounting on the test cluster: wait until squeue no longer lists the jobs.
    let logs = || {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "out"))
            .map(|p| format!("{}:\n{}", p.display(), std::fs::read_to_string(&p).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let start = std::time::Instant::now();
    loop {
        let q = slurm("squeue").args(["-h", "-o", "%i %T %r", "-j", &ids.join(",")]).output().unwrap();
        let listed = String::from_utf8_lossy(&q.stdout).trim().to_string();
        if listed.is_empty() {
            break;
        }
        // A shard failed: the merge will never run.
        assert!(!listed.contains("DependencyNeverSatisfied"), "a shard failed: {listed}; job logs:\n{}", logs());
        assert!(start.elapsed().as_secs() < 1200, "jobs still queued after 20 minutes: {listed}");
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
    for id in &ids {
        let shown = slurm("scontrol").args(["show", "job", id]).output().unwrap();
        let shown = String::from_utf8_lossy(&shown.stdout).to_string();
        assert!(!shown.contains("JobState=FAILED") && !shown.contains("JobState=CANCELLED"), "job {id}: {shown}");
    }
    let parts: Vec<String> =
        std::fs::read_dir(tmp.path().join("parts")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(parts.len(), 4, "{parts:?}");
    let merged = tmp.path().join("merged");
    assert!(merged.join("multiverse.parquet").is_file(), "the merge job wrote nothing; job logs:\n{}", logs());
    let (a, b) = (outputs(&single), outputs(&merged));
    assert_eq!(a.len(), 5);
    assert_eq!(a.iter().map(|(n, _)| n).collect::<Vec<_>>(), b.iter().map(|(n, _)| n).collect::<Vec<_>>());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between the single run and the Slurm shards");
    }
}

/// A multiverse's outputs in a folder.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    common::files(dir, |p| p.starts_with("multiverse") || p.starts_with("specification_curve"))
}
