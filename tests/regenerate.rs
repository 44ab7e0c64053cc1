//! Regeneration for CI: `reproduce --check` on the committed reports, a changed data file that
//! makes exactly the studies reading it stale (and `reproduce` then runs only those), and two
//! runs from the same inputs giving the same bytes, PNG and SVG included.

mod common;

use common::allywar;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// The studies `reproduce --check` calls stale.
fn stale(stdout: &[u8]) -> BTreeSet<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("stale: "))
        .filter_map(|l| l.split_once(':').map(|(id, _)| id.to_string()))
        .filter(|id| !id.ends_with("index.html"))
        .collect()
}

#[test]
fn a_changed_data_file_makes_exactly_its_studies_stale() {
    let data = common::real_data_dir();
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    copy_tree(&root().join("reports"), &reports);

    // The committed reports are up to date with the data.
    let ok = allywar().args(["reproduce", "--check", "--reports"]).arg(&reports).arg("--data-dir").arg(&data).assert().success();
    assert!(String::from_utf8_lossy(&ok.get_output().stdout).contains("up to date: 7 studies"));

    // A data directory whose COW inter-state war file has one battle-death count changed (a new
    // release, say): only the abandonment study reads it.
    let changed = tmp.path().join("data");
    copy_tree(&data, &changed);
    let war = changed.join("cow_war_4.0/Inter-StateWarData_v4.0.csv");
    let text = std::fs::read_to_string(&war).unwrap();
    let edited = text.replacen(",1773700,", ",1773701,", 1);
    assert_ne!(text, edited, "the war file has Germany's WWI battle deaths");
    std::fs::write(&war, edited).unwrap();
    let before = common::files(&reports, |_| true);

    let out = allywar().args(["reproduce", "--check", "--reports"]).arg(&reports).arg("--data-dir").arg(&changed).assert().failure();
    let stdout = out.get_output().stdout.clone();
    assert_eq!(stale(&stdout), BTreeSet::from(["abandonment".to_string()]), "{}", String::from_utf8_lossy(&stdout));
    let listing = String::from_utf8_lossy(&stdout);
    assert!(listing.contains("data `war_inter` changed") && listing.contains("abandonment/table.md"), "{listing}");
    assert!(listing.contains("stale: ") && listing.contains("index.html"), "{listing}");
    assert!(common::files(&reports, |_| true) == before, "--check changes nothing");

    // A file the catalog does not know is used only with --allow-unverified.
    allywar().args(["reproduce", "-q", "--reports"]).arg(&reports).arg("--data-dir").arg(&changed).assert().failure();
    let run =
        allywar().args(["reproduce", "--allow-unverified", "--reports"]).arg(&reports).arg("--data-dir").arg(&changed).assert().success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let skipped = stderr.lines().find_map(|l| l.split_once("up to date, skipped: ")).map(|(_, s)| s).unwrap_or_default();
    for id in ["coalitions", "dangerous_dyads", "descriptives", "deterrence", "entanglement", "restraint"] {
        assert!(skipped.contains(id), "{id}: {stderr}");
    }
    // The refused run above is on record: it failed, and its input changed.
    let why = stderr.lines().find(|l| l.contains("abandonment: its last run failed")).unwrap_or_default();
    assert!(why.contains("does not match the catalog") && why.contains("data `war_inter` changed"), "{stderr}");
    // The others' files are untouched; the page says which input was not verified.
    let after = common::files(&reports, |_| true);
    for (path, bytes) in &before {
        let top = path.split('/').next().unwrap_or_default();
        if top != "abandonment" && !path.ends_with("manifest.json") && !path.ends_with("index.html") {
            assert!(after.iter().find(|(p, _)| p == path).map(|(_, b)| b) == Some(bytes), "{path} changed");
        }
    }
    let section = std::fs::read_to_string(reports.join("abandonment/section.html")).unwrap();
    assert!(section.contains("war_inter") && section.contains("not verified"), "the page flags the unverified input");
    // The battle deaths do not enter the study: its figures are the same bytes.
    for f in ["reliability.png", "reliability.svg", "reliability.md", "table.md"] {
        let (made, kept) = (
            std::fs::read(reports.join("abandonment").join(f)).unwrap(),
            std::fs::read(root().join("reports/abandonment").join(f)).unwrap(),
        );
        assert!(made == kept, "abandonment/{f} differs");
    }
    // And now everything is up to date with the changed data.
    allywar().args(["reproduce", "--check", "--reports"]).arg(&reports).arg("--data-dir").arg(&changed).assert().success();
}

#[test]
fn two_runs_give_the_same_bytes() {
    let data = common::real_data_dir();
    let tmp = tempfile::tempdir().unwrap();
    let mut made = Vec::new();
    for run in ["one", "two"] {
        let reports = tmp.path().join(run);
        // Every kind of output: tables, coefficient and share figures, series by year,
        // networks, the page and the manifest.
        for id in ["abandonment", "descriptives"] {
            std::fs::create_dir_all(reports.join(id)).unwrap();
            std::fs::copy(root().join("reports").join(id).join("spec.toml"), reports.join(id).join("spec.toml")).unwrap();
        }
        allywar().args(["reproduce", "-q", "--reports"]).arg(&reports).arg("--data-dir").arg(&data).assert().success();
        made.push(common::files(&reports, |_| true));
    }
    assert!(made[0].iter().any(|(p, _)| p.ends_with(".png")));
    assert_eq!(made[0].len(), made[1].len());
    for ((p, a), (q, b)) in made[0].iter().zip(&made[1]) {
        assert_eq!(p, q);
        assert!(a == b, "{p} differs between two runs");
    }
}

/// `--check` after a failed run: the study stays stale (and with it the page that shows the
/// failure) until a run succeeds, whether the spec had a typo or the data directory was wrong.
#[test]
fn a_failed_run_leaves_check_failing() {
    let data = common::real_data_dir();
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    copy_tree(&root().join("reports"), &reports);
    let check = |dir: &Path| allywar().args(["reproduce", "--check", "--reports"]).arg(&reports).arg("--data-dir").arg(dir).assert();
    check(&data).success();

    // 1. A spec typo: the run fails, the page says so, and --check fails even after the spec is
    // mended, until the study runs again.
    let spec = reports.join("descriptives/spec.toml");
    let good = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, good.replacen("[frame]", "[frame]\nunitt = \"dyad-year\"", 1)).unwrap();
    let run =
        allywar().args(["reproduce", "-q", "descriptives", "--reports"]).arg(&reports).arg("--data-dir").arg(&data).assert().failure();
    assert!(String::from_utf8_lossy(&run.get_output().stderr).contains("unitt"), "the error names the typo");
    let page = std::fs::read_to_string(reports.join("index.html")).unwrap();
    assert!(page.contains("This study failed"), "the page shows the failure");
    std::fs::write(&spec, &good).unwrap();
    let out = check(&data).failure();
    let listing = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(listing.contains("stale: descriptives: its last run failed"), "{listing}");
    assert!(listing.contains("index.html"), "the page showing the failure is stale: {listing}");
    // A successful run clears it.
    allywar().args(["reproduce", "-q", "descriptives", "--reports"]).arg(&reports).arg("--data-dir").arg(&data).assert().success();
    check(&data).success();

    // 2. A wrong data directory: a copy whose war file is another release (not pinned, not
    // allowed unverified). The studies reading it fail; with the right directory again, --check
    // still fails until they are rerun.
    let wrong = tmp.path().join("wrong");
    copy_tree(&data, &wrong);
    let war = wrong.join("cow_war_4.0/Inter-StateWarData_v4.0.csv");
    let text = std::fs::read_to_string(&war).unwrap();
    std::fs::write(&war, text.replacen(",1773700,", ",1773701,", 1)).unwrap();
    allywar()
        .args(["reproduce", "-q", "--force", "abandonment", "--reports"])
        .arg(&reports)
        .arg("--data-dir")
        .arg(&wrong)
        .assert()
        .failure();
    assert!(std::fs::read_to_string(reports.join("index.html")).unwrap().contains("This study failed"));
    let out = check(&data).failure();
    let listing = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(stale(listing.as_bytes()), BTreeSet::from(["abandonment".to_string()]), "{listing}");
    assert!(listing.contains("its last run failed") && listing.contains("sha256"), "{listing}");
    allywar().args(["reproduce", "-q", "abandonment", "--reports"]).arg(&reports).arg("--data-dir").arg(&data).assert().success();
    check(&data).success();
}

/// The new-data workflow end to end, on a copy of the data: a producer's corrected NMC file is
/// checked and pinned, the studies reading it are named and found stale, `reproduce` takes the
/// pinned file without --allow-unverified, and its summary names the numbers that moved.
#[test]
fn new_data_is_pinned_and_the_report_names_the_moved_numbers() {
    let real = common::real_data_dir();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_tree(&real, &data);
    let reports = tmp.path().join("reports");
    std::fs::create_dir_all(reports.join("capabilities")).unwrap();
    std::fs::write(
        reports.join("capabilities/spec.toml"),
        r#"title = "Capabilities"
question = "Do major powers spend more on their militaries?"
[frame]
unit = "state-year"
years = "1816:1900"
[[model]]
name = "Spending"
formula = "milex ~ cinc + major"
estimator = "ols"
se = "hc1"
"#,
    )
    .unwrap();
    let with = |args: &[&str]| {
        let mut cmd = allywar();
        cmd.args(args).arg("--reports").arg(&reports).arg("--data-dir").arg(&data);
        cmd
    };
    let pin = |file: &Path| {
        let mut cmd = allywar();
        cmd.args(["data", "pin", "nmc", "--file"]).arg(file).arg("--reports").arg(&reports).arg("--data-dir").arg(&data);
        cmd
    };
    with(&["reproduce", "-q"]).assert().success();
    with(&["reproduce", "--check"]).assert().success();

    // A corrected release: Britain's military spending in 1816 revised.
    let nmc = data.join("cow_nmc_6.0/NMC-60-abridged.csv");
    let text = std::fs::read_to_string(&nmc).unwrap();
    let revised = text.replacen("UKG,200,1816,16942,", "UKG,200,1816,26942,", 1);
    assert_ne!(text, revised);
    let release = tmp.path().join("NMC-60-revised.csv");
    std::fs::write(&release, &revised).unwrap();

    // A broken file is refused with its line and column, and nothing is written.
    let broken = tmp.path().join("NMC-broken.csv");
    std::fs::write(&broken, text.replacen("UKG,200,1816,16942,", "UKG,200,1816,lots,", 1)).unwrap();
    let refused = pin(&broken).assert().failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("NMC-broken.csv") && stderr.contains("3876") && stderr.contains("milex"), "{stderr}");
    assert!(!data.join("allywar.toml").exists() && std::fs::read_to_string(&nmc).unwrap() == text, "nothing written");

    let pinned = pin(&release).assert().success();
    let stdout = String::from_utf8_lossy(&pinned.get_output().stdout).into_owned();
    assert!(stdout.contains("pinned nmc") && stdout.contains("15951 rows, 1816–2016"), "{stdout}");
    let stderr = String::from_utf8_lossy(&pinned.get_output().stderr).into_owned();
    assert!(stderr.contains("stale now: capabilities"), "{stderr}");
    let catalog = std::fs::read_to_string(data.join("allywar.toml")).unwrap();
    assert!(catalog.contains("dataset = \"nmc\"") && catalog.contains("rows = 15951") && catalog.contains("pinned = \"20"), "{catalog}");
    assert_eq!(std::fs::read_to_string(&nmc).unwrap(), revised, "the file is in the data directory");

    // Stale, then regenerated from the pinned file, no --allow-unverified needed.
    let stale = with(&["reproduce", "--check"]).assert().failure();
    assert!(String::from_utf8_lossy(&stale.get_output().stdout).contains("stale: capabilities: data `nmc` changed"));
    let changes = tmp.path().join("changes.md");
    allywar()
        .args(["reproduce", "-q", "--changes"])
        .arg(&changes)
        .arg("--reports")
        .arg(&reports)
        .arg("--data-dir")
        .arg(&data)
        .assert()
        .success();
    let summary = std::fs::read_to_string(&changes).unwrap();
    assert!(summary.contains("**capabilities** · Spending"), "{summary}");
    for moved in ["- cinc estimate: ", "- major estimate: ", "- (Intercept) estimate: "] {
        let line = summary.lines().find(|l| l.starts_with(moved)).unwrap_or_else(|| panic!("{moved}: {summary}"));
        let (old, new) = line[moved.len()..].split_once(" → ").unwrap();
        assert_ne!(old, new, "{line}");
    }
    assert!(!summary.contains("- N: "), "the rows did not change: {summary}");
    with(&["reproduce", "--check"]).assert().success();

    // A second release: the first pin goes into the history.
    std::fs::write(&release, revised.replacen("UKG,200,1816,26942,", "UKG,200,1816,36942,", 1)).unwrap();
    pin(&release).assert().success();
    let catalog = std::fs::read_to_string(data.join("allywar.toml")).unwrap();
    assert_eq!(catalog.matches("sha256 = ").count(), 2, "{catalog}");
    assert!(catalog.contains("[[pin.history]]"), "{catalog}");
}
