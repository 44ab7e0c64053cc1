//! `allywar multiverse` on the real data: every combination but the excluded ones, a failed
//! specification reported in its row, the curve's numbers equal to single `fit` runs, and reruns
//! that write the same bytes.

mod common;

use common::allywar;

use std::path::{Path, PathBuf};

/// 2 dispute sources × 3 estimators × 2 fixed effects × 2 variances × 2 term sets = 48, less the
/// 8 rare-events logits with year effects. `mid_ongoing` separates `mid_onset` (every onset is
/// ongoing), so its logits must fail, and say so.
const SPEC: &str = r#"
title = "Test multiverse"
question = "Is the defence pact's association robust?"

[frame]
unit = "dyad-year"
years = "1946:2010"
mids = "gml"
directed = false
prd = true

[multiverse]
term = "def_any"
formula = "mid_onset ~ def_any + land_contig + cinc_minmax"
exclude = [{ estimator = "rare-events logit", fe = "year" }]

[[multiverse.choice]]
name = "disputes"
alternatives = [{ name = "GML 2.2.1", mids = "gml" }, { name = "COW MID 5.0", mids = "cow5" }]

[[multiverse.choice]]
name = "estimator"
alternatives = [
  { name = "logit", estimator = "logit" },
  { name = "rare-events logit", estimator = "relogit" },
  { name = "LPM", estimator = "ols" },
]

[[multiverse.choice]]
name = "fe"
alternatives = [{ name = "none" }, { name = "year", fe = "year" }]

[[multiverse.choice]]
name = "se"
alternatives = [{ name = "dyad", se = "cluster:dyad_id" }, { name = "dyadic", se = "dyadic:ccode1,ccode2" }]

[[multiverse.choice]]
name = "extra"
alternatives = [{ name = "none" }, { name = "separating", terms = "mid_ongoing" }]
"#;

fn study(dir: &Path, text: &str) -> PathBuf {
    let folder = dir.join("reports/test");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("spec.toml"), text).unwrap();
    dir.join("reports")
}

fn read_csv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records().map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}

#[test]
fn a_multiverse_is_every_allowed_specification_each_equal_to_its_own_fit() {
    let data = common::real_data_dir();
    let tmp = tempfile::tempdir().unwrap();
    let reports = study(tmp.path(), SPEC);
    let run = |out: &Path| {
        allywar()
            .args(["multiverse", "test", "--reports"])
            .arg(&reports)
            .arg("--out")
            .arg(out)
            .arg("--data-dir")
            .arg(&data)
            .assert()
            .success()
    };
    let first = tmp.path().join("one");
    let done = run(&first);
    let stdout = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("40 specifications (8 combinations excluded"), "{stdout}");
    let rows = read_csv(&first.join("multiverse.csv"));
    assert_eq!(rows.len(), 40);
    for f in ["multiverse.parquet", "multiverse.md", "specification_curve.svg", "specification_curve.png"] {
        assert!(first.join(f).is_file(), "{f}");
    }

    // Constraints: no rare-events logit with year effects; every other combination once.
    assert!(!rows.iter().any(|r| r["estimator"] == "rare-events logit" && r["fe"] == "year"));
    let mut combos: Vec<String> =
        rows.iter().map(|r| format!("{}|{}|{}|{}|{}", r["disputes"], r["estimator"], r["fe"], r["se"], r["extra"])).collect();
    combos.sort();
    combos.dedup();
    assert_eq!(combos.len(), 40);

    // A separated logit is a row that says so, never a dropped one; the LPM of it is estimated.
    for r in rows.iter().filter(|r| r["extra"] == "separating") {
        if r["estimator"] == "LPM" {
            assert_eq!(r["status"], "ok", "{r:?}");
        } else {
            assert_eq!(r["status"], "separated: mid_ongoing", "{r:?}");
            assert!(r["estimate"].is_empty(), "{r:?}");
        }
    }
    let separated = rows.iter().filter(|r| r["extra"] == "separating" && r["estimator"] != "LPM").count();
    assert_eq!(separated, 12, "8 logits and 4 rare-events logits");
    let ok: Vec<_> = rows.iter().filter(|r| r["status"] == "ok").collect();
    assert_eq!(ok.len(), 40 - separated);

    // The curve's numbers are those of single fits (a sample: each estimator, with and without
    // year effects, both variances, both dispute sources).
    for r in ok.iter().step_by(3) {
        let mids = if r["disputes"] == "COW MID 5.0" { "cow5" } else { "gml" };
        let model = match r["estimator"].as_str() {
            "logit" => "logit",
            "rare-events logit" => "relogit",
            _ => "ols",
        };
        let out = tmp.path().join(format!("fit{}.json", r["spec"]));
        allywar()
            .args(["fit", "dyad-year", "--years", "1946:2010", "--mids", mids, "--nondirected", "--prd"])
            .args(["--formula", &r["formula"], "--model", model, "--se", &r["vcov"], "--out"])
            .arg(&out)
            .arg("--data-dir")
            .arg(&data)
            .assert()
            .success();
        let fit: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let c = fit["coefficients"].as_array().unwrap().iter().find(|c| c["term"] == "def_any").unwrap();
        for (col, key) in [("estimate", "estimate"), ("std_error", "std_error"), ("p_value", "p_value")] {
            let (got, want) = (r[col].parse::<f64>().unwrap(), c[key].as_f64().unwrap());
            assert!((got - want).abs() <= 1e-10 * want.abs().max(1e-300), "spec {} {col}: {got} vs fit {want}", r["spec"]);
        }
        assert_eq!(r["nobs"].parse::<u64>().unwrap(), fit["glance"]["nobs"].as_u64().unwrap(), "spec {}", r["spec"]);
    }

    // The same inputs give the same bytes.
    let second = tmp.path().join("two");
    run(&second);
    let (a, b) = (common::files(&first, |p| p != "spec.toml"), common::files(&second, |p| p != "spec.toml"));
    assert_eq!(a.len(), b.len());
    for ((n, x), (m, y)) in a.iter().zip(&b) {
        assert_eq!(n, m);
        assert!(x == y, "{n} differs between two runs");
    }
}

#[test]
fn bad_multiverses_are_refused_with_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (SPEC.replace("name = \"extra\"", "name = \"status\""), "may not be named `status`"),
        (SPEC.replace("fe = \"year\" }]\n", "fe = \"yearly\" }]\n"), "has no alternative `yearly`"),
        (SPEC.replace("estimator = \"ols\"", "estimator = \"lpm\""), "unknown estimator `lpm`"),
        (SPEC.replace("terms = \"mid_ongoing\"", "terms = \"mid_ongoin\""), "`mid_ongoin` is not a variable"),
    ];
    for (text, want) in cases {
        let reports = study(tmp.path(), &text);
        let out = allywar().args(["multiverse", "test", "--reports"]).arg(&reports).assert().failure();
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(err.contains(want) && err.contains("spec.toml:"), "{want}: {err}");
    }
    let reports = study(tmp.path(), SPEC);
    let out = allywar().args(["multiverse", "test", "--term", "def_anyy", "--reports"]).arg(&reports).assert().failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("did you mean `def_any`"), "{err}");
}

/// Text columns in specs and the multiverse: `C(pact_type)` (ATOP's obligation names) as an R
/// factor with a chosen reference, a text key as the cluster, each specification equal to its
/// own `fit` of the same frame.
#[test]
fn text_factors_and_text_clusters_in_a_study_and_its_multiverse() {
    let data = common::real_data_dir();
    let tmp = tempfile::tempdir().unwrap();
    let reports = study(
        tmp.path(),
        r#"
title = "Text factors"
question = "Are neutrality promises kept more often than defence promises?"

[frame]
unit = "commitment"
conflicts = "war"
filter = "primary == 1"

[[model]]
name = "By pact type"
formula = 'fulfilled ~ C(pact_type, ref="defense") + post1945'
estimator = "logit"
se = "cluster:conflict_id"

[multiverse]
term = "post1945"
formula = 'fulfilled ~ post1945 + C(pact_type)'

[[multiverse.choice]]
name = "estimator"
alternatives = [{ name = "logit", estimator = "logit" }, { name = "LPM", estimator = "ols" }]

[[multiverse.choice]]
name = "se"
alternatives = [{ name = "war", se = "cluster:conflict_id" }, { name = "obligation", se = "cluster:obligation" }]
"#,
    );
    allywar().args(["reproduce", "test", "-q", "--reports"]).arg(&reports).arg("--data-dir").arg(&data).assert().success();
    let results: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(reports.join("test/results.json")).unwrap()).unwrap();
    let terms: Vec<&str> = results["models"][0]["results"]["coefficients"]
        .as_array()
        .or(results["models"][0]["coefficients"].as_array())
        .unwrap()
        .iter()
        .map(|c| c["term"].as_str().unwrap())
        .collect();
    assert!(terms.contains(&"C(pact_type)[T.neutrality]") && terms.contains(&"C(pact_type)[T.offense]"), "{terms:?}");
    assert!(!terms.iter().any(|t| t.contains("[T.defense]")), "defense is the reference: {terms:?}");
    let out = tmp.path().join("mv");
    allywar()
        .args(["multiverse", "test", "--reports"])
        .arg(&reports)
        .arg("--out")
        .arg(&out)
        .arg("--data-dir")
        .arg(&data)
        .assert()
        .success();
    let rows = read_csv(&out.join("multiverse.csv"));
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r["status"] == "ok"), "{rows:?}");
    // The same frame through `fit`: the multiverse's logit clustered on the text key.
    let frame = tmp.path().join("commitment.parquet");
    allywar()
        .args(["build", "commitment", "--conflicts", "war", "--vars", "fulfilled,post1945,pact_type,primary", "--out"])
        .arg(&frame)
        .arg("--data-dir")
        .arg(&data)
        .assert()
        .success();
    let df = allywar::input::read_frame(&frame).unwrap();
    let df = polars::prelude::IntoLazy::lazy(df).filter(polars::prelude::col("primary").eq(polars::prelude::lit(1))).collect().unwrap();
    let fit = allywar::estimate::estimate(
        &df,
        "fulfilled ~ post1945 + C(pact_type)",
        allywar::estimate::Model::Logit,
        &"cluster:obligation".parse().unwrap(),
    )
    .unwrap();
    let row = rows.iter().find(|r| r["estimator"] == "logit" && r["se"] == "obligation").unwrap();
    let est: f64 = row["estimate"].parse().unwrap();
    assert!((est - fit.coefficients[1].estimate).abs() < 1e-12, "{est} vs {}", fit.coefficients[1].estimate);
}

/// `[derive]` columns (polars SQL) in a study's models, filters and multiverse equal the same
/// columns computed in the test with polars' own expressions on a frame from `allywar build`.
#[test]
fn derived_columns_in_a_spec_equal_an_independent_computation() {
    use polars::prelude::*;
    let data = common::real_data_dir();
    let tmp = tempfile::tempdir().unwrap();
    let reports = study(
        tmp.path(),
        r#"
title = "Derived columns"
question = "Do major-power dyads start more disputes?"

[frame]
unit = "dyad-year"
years = "1946:1970"
mids = "gml"
filter = "cold_war_core = 1"

[derive]
any_major = "major1 = 1 OR major2 = 1"
cold_war_core = "year BETWEEN 1950 AND 1965"
cap_share = "cinc1 / (cinc1 + cinc2)"

[[model]]
name = "Derived"
formula = "init ~ any_major + cap_share + tgt_def"
estimator = "logit"
se = "cluster:dyad_id"

[multiverse]
term = "any_major"
formula = "init ~ any_major + cap_share"

[[multiverse.choice]]
name = "estimator"
alternatives = [{ name = "logit", estimator = "logit" }, { name = "LPM", estimator = "ols" }]
"#,
    );
    allywar().args(["reproduce", "test", "-q", "--reports"]).arg(&reports).arg("--data-dir").arg(&data).assert().success();
    let results: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(reports.join("test/results.json")).unwrap()).unwrap();
    let model = &results["models"][0];
    let coefficients = model["results"]["coefficients"].as_array().or(model["coefficients"].as_array()).unwrap();

    // The same by hand: polars' own expressions, no SQL.
    let frame = tmp.path().join("dy.parquet");
    allywar()
        .args([
            "build",
            "dyad-year",
            "--years",
            "1946:1970",
            "--mids",
            "gml",
            "-q",
            "--vars",
            "init,major1,major2,cinc1,cinc2,tgt_def",
            "--out",
        ])
        .arg(&frame)
        .arg("--data-dir")
        .arg(&data)
        .assert()
        .success();
    let df = allywar::input::read_frame(&frame).unwrap();
    let major = |c: &str| col(c).cast(DataType::Int32).eq(lit(1));
    let df = df
        .lazy()
        .filter(col("year").gt_eq(lit(1950)).and(col("year").lt_eq(lit(1965))))
        .with_columns([
            major("major1").or(major("major2")).cast(DataType::Int32).alias("any_major"),
            (col("cinc1") / (col("cinc1") + col("cinc2"))).alias("cap_share"),
        ])
        .collect()
        .unwrap();
    let fit = allywar::estimate::estimate(
        &df,
        "init ~ any_major + cap_share + tgt_def",
        allywar::estimate::Model::Logit,
        &"cluster:dyad_id".parse().unwrap(),
    )
    .unwrap();
    assert_eq!(coefficients.len(), fit.coefficients.len());
    for (got, want) in coefficients.iter().zip(&fit.coefficients) {
        assert_eq!(got["term"], want.term.as_str());
        for (k, w) in [("estimate", want.estimate), ("std_error", want.std_error)] {
            let g = got[k].as_f64().unwrap();
            assert!((g - w).abs() <= 1e-10 * w.abs().max(1e-3), "{} {k}: {g} vs {w}", want.term);
        }
    }
    let out = tmp.path().join("mv");
    allywar()
        .args(["multiverse", "test", "-q", "--reports"])
        .arg(&reports)
        .arg("--out")
        .arg(&out)
        .arg("--data-dir")
        .arg(&data)
        .assert()
        .success();
    let rows = read_csv(&out.join("multiverse.csv"));
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["status"] == "ok" && r["frame"].contains("cold_war_core = 1")), "{rows:?}");
    let md = std::fs::read_to_string(out.join("multiverse.md")).unwrap();
    assert!(md.contains("Every specification uses the same standard errors: classical"), "no se choice, said: {md}");
    // --limit: the title speaks of the specifications run.
    let limited = tmp.path().join("mv1");
    allywar()
        .args(["multiverse", "test", "-q", "--limit", "1", "--reports"])
        .arg(&reports)
        .arg("--out")
        .arg(&limited)
        .arg("--data-dir")
        .arg(&data)
        .assert()
        .success();
    let md = std::fs::read_to_string(limited.join("multiverse.md")).unwrap();
    assert!(md.lines().next().unwrap().contains("the first 1 of 2 specifications (--limit 1)"), "{md}");
    assert!(md.contains("- 1 specifications") || md.contains("- 1 specification"), "{md}");

    // A derived column that reads itself through another, and one the unit cannot compute.
    for (derive, says) in
        [("a = \"b + 1\"\nb = \"a * 2\"", "in a circle"), ("a = \"polity_x + 1\"", "`polity_x` is not a variable of dyad-year frames")]
    {
        let text = format!(
            "title = \"t\"\nquestion = \"q\"\n[frame]\nunit = \"dyad-year\"\n[derive]\n{derive}\n[[model]]\nname = \"m\"\nformula = \"init ~ a\"\nestimator = \"logit\"\n"
        );
        let reports = study(&tmp.path().join("bad"), &text);
        allywar().args(["reproduce", "--list", "--reports"]).arg(&reports).assert().success().stdout(predicates::str::contains(says));
    }
}
