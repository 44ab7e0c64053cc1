//! Studies: every committed spec is valid; spec errors point at the line and the nearest name;
//! tables and findings match their golden files; and `reproduce --all` on the real data writes
//! outputs whose tables equal results.json, whose results.json equals a fresh `fit`, whose
//! entanglement and coalition estimates equal statsmodels', and which equal the committed ones.

mod common;

use common::allywar;

use allywar::estimate::{estimate_with, Model, Options};
use allywar::report::{findings, spec, studies, table};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_committed_spec_is_valid() {
    let all = studies(&root().join("reports")).unwrap();
    let ids: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
    for want in ["deterrence", "restraint", "dangerous_dyads", "entanglement", "coalitions", "abandonment", "descriptives"] {
        assert!(ids.contains(&want), "no study {want}: {ids:?}");
    }
    for (id, path) in &all {
        let c = spec::load(path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!c.models.is_empty() || !c.study.figures.is_empty(), "{id} has neither models nor figures");
        assert_eq!(c.figure_frames.len(), c.study.figures.len());
    }
}

/// A valid spec, to be broken one line at a time.
const GOOD: &str = r#"title = "t"
question = "q"
focus = "tgt_def"

[frame]
unit = "dyad-year"
years = "1816:2010"

[[model]]
name = "Logit"
formula = "init ~ tgt_def + peace_years"
estimator = "logit"
se = "cluster:dyad_id"
frame = { filter = "year < 1945" }
fd = ["tgt_def=0:1"]

[[figure]]
name = "c"
kind = "coefficients"
title = "c"
terms = ["tgt_def"]
"#;

fn check(text: &str) -> Result<spec::Checked, spec::SpecError> {
    spec::check(Path::new("reports/x/spec.toml"), text)
}

#[test]
fn spec_errors_point_at_the_line_and_the_nearest_name() {
    let c = check(GOOD).unwrap();
    assert_eq!(c.id, "x");
    assert_eq!(c.models[0].filter.text(), "year < 1945");
    assert_eq!(c.models[0].filter.columns(), ["year"]);
    assert_eq!(c.models[0].fd, vec![("tgt_def".to_string(), 0.0, 1.0)]);
    let cases: [(&str, &str, usize, &[&str]); 8] = [
        (
            "init ~ tgt_def + peace_years",
            "init ~ tgt_deff + peace_years",
            11,
            &["`tgt_deff` is not a variable of dyad-year frames", "did you mean `tgt_def`?"],
        ),
        ("estimator = \"logit\"", "estimator = \"logitt\"", 12, &["unknown estimator `logitt`", "did you mean `logit`?"]),
        ("kind = \"coefficients\"", "kind = \"coefficient\"", 19, &["unknown figure kind `coefficient`", "did you mean `coefficients`?"]),
        ("filter = \"year < 1945\"", "filter = \"yeer < 1945\"", 14, &["`yeer` is not a variable", "did you mean `year`?"]),
        ("filter = \"year < 1945\"", "filter = \"year before 1945\"", 14, &["not an SQL expression"]),
        ("se = \"cluster:dyad_id\"", "se = \"cluster:dyad\"", 13, &["`dyad` is not a variable", "did you mean `dyad_id`?"]),
        ("unit = \"dyad-year\"", "unit = \"dyad-years\"", 6, &["unknown unit `dyad-years`", "did you mean `dyad-year`?"]),
        ("question = \"q\"", "question = \"q\"\nquestoin = \"r\"", 3, &["unknown field `questoin`"]),
    ];
    for (from, to, line, wants) in cases {
        let text = GOOD.replacen(from, to, 1);
        let e = check(&text).expect_err(to);
        assert_eq!(e.line, line, "{to}: {e}");
        let shown = e.to_string();
        assert!(shown.starts_with(&format!("reports/x/spec.toml:{line}: ")), "{shown}");
        for want in wants {
            assert!(shown.contains(want), "{to}: {shown}");
        }
    }
}

/// Compares `got` with the golden file, or writes it when UPDATE_GOLDEN is set.
fn golden(name: &str, got: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{}: missing (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert_eq!(got, want, "{name} differs from its golden file");
}

/// The fits the golden tables render: a clustered logit with a first difference, and a linear
/// probability model with absorbed year effects.
fn golden_fits() -> [(&'static str, allywar::estimate::Results); 2] {
    let df = allywar::input::read_frame(&root().join("tests/reference/synthetic.csv")).unwrap();
    let options = Options { first_differences: vec![("x1".into(), 0.0, 1.0)], ..Options::default() };
    let logit = estimate_with(&df, "y_bin ~ x1 + x2 + x3", Model::Logit, &"cluster:dyad_id".parse().unwrap(), &options).unwrap();
    let ols = estimate_with(&df, "y_bin ~ x1 + x2 | year", Model::Gaussian, &"hc1".parse().unwrap(), &Options::default()).unwrap();
    [("logit.json", logit), ("ols.json", ols)]
}

/// A committed results file of tests/golden (UPDATE_GOLDEN=1 writes them from live fits).
fn golden_results(name: &str) -> allywar::estimate::Results {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let (_, r) = golden_fits().into_iter().find(|(n, _)| *n == name).unwrap();
        std::fs::write(&path, serde_json::to_string_pretty(&r).unwrap() + "\n").unwrap();
    }
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Today's fits equal the committed results the golden tables render, every number to 1e-10
/// (relative), every text exactly.
#[test]
fn live_fits_equal_the_golden_results() {
    fn same(a: &serde_json::Value, b: &serde_json::Value, at: &str) {
        match (a, b) {
            (serde_json::Value::Number(x), serde_json::Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                assert!((x - y).abs() <= 1e-10 * y.abs().max(1e-12), "{at}: {x} vs {y}");
            }
            (serde_json::Value::Array(x), serde_json::Value::Array(y)) => {
                assert_eq!(x.len(), y.len(), "{at}");
                x.iter().zip(y).enumerate().for_each(|(i, (x, y))| same(x, y, &format!("{at}[{i}]")));
            }
            (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
                assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>(), "{at}");
                x.iter().for_each(|(k, v)| same(v, &y[k], &format!("{at}.{k}")));
            }
            _ => assert_eq!(a, b, "{at}"),
        }
    }
    for (name, live) in golden_fits() {
        let committed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root().join("tests/golden").join(name)).unwrap()).unwrap();
        same(&serde_json::to_value(&live).unwrap(), &committed, name);
    }
}

#[test]
fn tables_and_findings_match_their_golden_files() {
    // The tables render committed results (a fit's last digits may move with the machine's
    // arithmetic; a table's text must not). `live_fits_equal_the_golden_results` ties those
    // results to today's estimator.
    let logit = golden_results("logit.json");
    let ols = golden_results("ols.json");
    let labels: BTreeMap<String, String> =
        [("x1", "Treatment & dose"), ("x2", "Size_{t}"), ("y_bin", "Outcome"), ("dyad_id", "Dyad"), ("year", "Year")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .into();
    let columns = [table::Column { name: "Logit", results: &logit }, table::Column { name: "LPM | year", results: &ols }];
    let t = table::layout(&columns, &labels);
    golden("table.md", &t.markdown());
    golden("table.tex", &t.latex());
    golden("table.html", &t.html());
    golden("table.csv", &table::csv(&columns, &labels));
    let results = vec![("Logit".to_string(), logit), ("LPM | year".to_string(), ols)];
    golden("findings.txt", &(findings::sentences(&results, Some("x1"), &labels).join("\n") + "\n"));
    golden("findings_nofocus.txt", &(findings::sentences(&results, None, &labels).join("\n") + "\n"));
    // The numbers of the Markdown table are those of the results, as the table formats them.
    let md = t.markdown();
    for (_, r) in &results {
        for c in &r.coefficients {
            assert!(md.contains(&format!("{}{}", table::num(c.estimate), table::stars(c.p_value))), "{} {}", c.term, c.estimate);
            assert!(md.contains(&format!("({})", table::num(c.std_error))), "{} {}", c.term, c.std_error);
        }
    }
    assert_eq!(table::num(-0.00001234), "-1.2e-5");
    assert_eq!(table::num(-0.0001), "-1.0e-4");
    assert_eq!(table::num(-0.0004), "-4.0e-4");
    assert_eq!(table::thousands(1412229), "1,412,229");
}

fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1e-12)
}

#[test]
fn reproduce_all_on_the_real_data() {
    let data = common::real_data_dir();
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    let all = studies(&root().join("reports")).unwrap();
    for (id, path) in &all {
        std::fs::create_dir_all(reports.join(id)).unwrap();
        std::fs::copy(path, reports.join(id).join("spec.toml")).unwrap();
    }
    let listed = allywar().args(["reproduce", "--list", "--reports"]).arg(&reports).assert().success();
    let listed = String::from_utf8(listed.get_output().stdout.clone()).unwrap();
    assert!(listed.contains("deterrence") && listed.contains("9   models"), "{listed}");
    allywar().args(["reproduce", "--all", "-q", "--reports"]).arg(&reports).arg("--data-dir").arg(&data).assert().success();

    for (id, _) in &all {
        let folder = reports.join(id);
        let results = read_json(&folder.join("results.json"));
        let models = results["models"].as_array().unwrap();
        // Every number of table.csv is results.json's.
        if !models.is_empty() {
            let csv = std::fs::read_to_string(folder.join("table.csv")).unwrap();
            let mut rows = 0;
            for line in csv.lines().skip(1) {
                let cells: Vec<&str> = line.rsplitn(7, ',').collect();
                let (estimate, se) = (cells[5].parse::<f64>().unwrap(), cells[4].parse::<f64>().unwrap());
                let hit = models
                    .iter()
                    .flat_map(|m| m["coefficients"].as_array().unwrap())
                    .any(|c| c["estimate"].as_f64() == Some(estimate) && c["std_error"].as_f64() == Some(se));
                assert!(hit, "{id}: table.csv row not in results.json: {line}");
                rows += 1;
            }
            let terms: usize = models.iter().map(|m| m["coefficients"].as_array().unwrap().len()).sum();
            assert_eq!(rows, terms, "{id}: table.csv rows");
            for ext in ["md", "tex", "html"] {
                assert!(folder.join(format!("table.{ext}")).is_file(), "{id}: table.{ext}");
            }
        }
        // The committed outputs are the ones the code makes from the data.
        for entry in std::fs::read_dir(&folder).unwrap() {
            let name = entry.unwrap().file_name();
            let committed = root().join("reports").join(id).join(&name);
            let made = std::fs::read(folder.join(&name)).unwrap();
            let kept = std::fs::read(&committed).unwrap_or_default();
            assert!(
                made == kept,
                "reports/{id}/{}: the committed file differs from what `allywar reproduce` makes (regenerate and commit)",
                name.to_string_lossy()
            );
        }
    }

    // results.json equals a fresh `fit` of the same frame (the deterrence study's logit).
    let deterrence = read_json(&reports.join("deterrence/results.json"));
    let logit = &deterrence["models"][0];
    assert_eq!(logit["name"], "Logit");
    let fresh = tmp.path().join("fit.json");
    allywar()
        .args([
            "fit",
            "dyad-year",
            "--years",
            "1816:2010",
            "--mids",
            "gml",
            "-q",
            "--model",
            "logit",
            "--se",
            "cluster:dyad_id",
            "--fd",
            "tgt_def_specific=0:1",
            "--formula",
        ])
        .arg(logit["formula"].as_str().unwrap())
        .arg("--data-dir")
        .arg(&data)
        .arg("--out")
        .arg(&fresh)
        .assert()
        .success();
    let fresh = read_json(&fresh);
    assert_eq!(fresh["coefficients"], logit["coefficients"]);
    assert_eq!(fresh["glance"], logit["glance"]);
    assert_eq!(fresh["first_differences"], logit["first_differences"]);

    // Entanglement and coalition estimates against statsmodels (tests/reference/studies.json).
    let reference = read_json(&root().join("tests/reference/studies.json"));
    for (study, models) in reference.as_object().unwrap() {
        let results = read_json(&reports.join(study).join("results.json"));
        for (name, want) in models.as_object().unwrap() {
            let got = results["models"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["name"] == name.as_str())
                .unwrap_or_else(|| panic!("{study}/{name}"));
            assert_eq!(got["glance"]["nobs"], want["nobs"], "{study}/{name} N");
            for (i, term) in want["terms"].as_array().unwrap().iter().enumerate() {
                let c = got["coefficients"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| &c["term"] == term)
                    .unwrap_or_else(|| panic!("{study}/{name}: {term}"));
                let (e, w) = (c["estimate"].as_f64().unwrap(), want["estimate"][i].as_f64().unwrap());
                assert!(close(e, w, 1e-6), "{study}/{name} {term}: {e} vs statsmodels {w}");
                if let Some(se) = want["std_error"][i].as_f64() {
                    let got_se = c["std_error"].as_f64().unwrap();
                    assert!(close(got_se, se, 1e-6), "{study}/{name} {term} SE: {got_se} vs statsmodels {se}");
                }
            }
        }
    }

    // The report: one self-contained page with every study, its table, figures and citations.
    let html = std::fs::read_to_string(reports.join("index.html")).unwrap();
    for (id, _) in &all {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id} missing from index.html");
    }
    assert!(!html.contains("src=\"http") && !html.contains("<link") && !html.contains("<script"), "index.html must not load anything");
    assert!(html.matches("<svg").count() >= 9, "figures inline");
    assert!(html.contains("Data citations") && html.contains("Gibler"), "citations");
    assert_eq!(
        std::fs::read(reports.join("index.html")).unwrap(),
        std::fs::read(root().join("reports/index.html")).unwrap(),
        "reports/index.html is stale"
    );
    assert_eq!(
        std::fs::read_to_string(reports.join("manifest.json")).unwrap(),
        std::fs::read_to_string(root().join("reports/manifest.json")).unwrap(),
        "reports/manifest.json is stale (run `allywar reproduce` and commit reports/)"
    );
}

#[test]
fn a_failing_study_does_not_stop_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    for (id, text) in [
        ("good", GOOD.replace("years = \"1816:2010\"", "years = \"1990:1995\"").replace("year < 1945", "year >= 1990")),
        ("bad", GOOD.replace("tgt_def + peace", "tgt_deff + peace")),
    ] {
        std::fs::create_dir_all(reports.join(id)).unwrap();
        std::fs::write(reports.join(id).join("spec.toml"), text).unwrap();
    }
    let out = allywar()
        .args(["reproduce", "--all", "-q", "--reports"])
        .arg(&reports)
        .arg("--data-dir")
        .arg(common::real_data_dir())
        .assert()
        .failure();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("study bad") && stderr.contains("spec.toml:11") && stderr.contains("did you mean `tgt_def`?"), "{stderr}");
    assert!(stderr.contains("1 of 2 studies failed"), "{stderr}");
    assert!(reports.join("good/results.json").is_file() && reports.join("good/c.png").is_file());
    let html = std::fs::read_to_string(reports.join("index.html")).unwrap();
    assert!(html.contains("This study failed"));
    allywar()
        .args(["reproduce", "nosuch", "--reports"])
        .arg(&reports)
        .assert()
        .failure()
        .stderr(predicates::str::contains("no study `nosuch`"));
}

/// A model where the focus term enters an interaction is not pooled with the others: its
/// coefficient is a conditional effect, and the findings say so.
#[test]
fn findings_never_pool_a_conditional_effect() {
    let plain = golden_results("logit.json");
    let mut interacted = plain.clone();
    let mut term = interacted.coefficients[1].clone();
    term.term = format!("{}:x2", plain.coefficients[1].term);
    interacted.coefficients.push(term);
    let focus = plain.coefficients[1].term.clone();
    let results = vec![("Plain".to_string(), plain.clone()), ("Interacted".to_string(), interacted), ("Again".to_string(), plain)];
    let lines = allywar::report::findings::sentences(&results, Some(&focus), &BTreeMap::new());
    let across = lines.iter().find(|l| l.starts_with("Across the")).unwrap();
    assert!(across.starts_with("Across the 2 models"), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("In Interacted") && l.contains("interaction") && l.contains("left out")), "{lines:?}");
}
