//! `allywar fit` end to end: a frame built from the real data, fitted, and the JSON read back;
//! and the errors a user meets.

mod common;

use common::allywar;

use predicates::prelude::*;

#[test]
fn fit_a_real_frame_and_write_json() {
    let tmp = tempfile::tempdir().unwrap();
    let frame = tmp.path().join("dy.parquet");
    allywar()
        .args(["build", "dyad-year", "--years", "1946:1989", "--prd", "--vars", "mid_onset,tgt_def,chal_def,peace_years", "-q", "--out"])
        .arg(&frame)
        .arg("--data-dir")
        .arg(common::real_data_dir())
        .assert()
        .success();
    let json = tmp.path().join("fit.json");
    allywar()
        .arg("fit")
        .arg(&frame)
        .args(["--formula", "mid_onset ~ tgt_def + chal_def + peace_years", "--model", "logit", "--se", "cluster:dyad_id", "--out"])
        .arg(&json)
        .assert()
        .success()
        .stdout(predicate::str::contains("logit: mid_onset ~ tgt_def + chal_def + peace_years"))
        .stdout(predicate::str::contains("cluster:dyad_id ("))
        .stdout(predicate::str::contains("converged"));
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(r["coefficients"].as_array().unwrap().len(), 4);
    assert_eq!(r["coefficients"][1]["term"], "tgt_def");
    for key in ["nobs", "logLik", "AIC", "BIC", "n_clusters", "n_dropped", "converged", "iterations"] {
        assert!(!r["glance"][key].is_null(), "glance.{key}");
    }
    assert!(r["glance"]["n_clusters"].as_u64().unwrap() > 100);
    assert_eq!(r["data"][0]["sha256"].as_str().unwrap().len(), 64);
    // Peace years lower the odds of a dispute onset: the sign every study reports.
    assert!(r["coefficients"][3]["estimate"].as_f64().unwrap() < 0.0);
    // The same model with the frame built on the spot (only the model's variables): the same
    // estimates, and the inputs recorded with their checksums.
    let json2 = tmp.path().join("fit2.json");
    allywar()
        .args(["fit", "dyad-year", "--years", "1946:1989", "--prd", "--formula", "mid_onset ~ tgt_def + chal_def + peace_years"])
        .args(["--model", "logit", "--se", "cluster:dyad_id", "-q", "--data-dir"])
        .arg(common::real_data_dir())
        .arg("--out")
        .arg(&json2)
        .assert()
        .success();
    let r2: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json2).unwrap()).unwrap();
    assert_eq!(r2["coefficients"], r["coefficients"]);
    assert!(r2["data"].as_array().unwrap().iter().any(|i| i["dataset"] == "gml_ddy_2.2.1" && i["verified"] == true));
}

#[test]
fn fit_errors_say_what_is_wrong() {
    let csv = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/synthetic.csv");
    // Non-convergence is among them: an error that names the iterations, never quiet numbers.
    let cases: [(&[&str], &str); 11] = [
        (&["--formula", "y_bin ~ x1 + x22"], "no column `x22`"),
        (&["--formula", "y_lin ~ x1", "--model", "logit"], "must be 0 or 1"),
        (&["--formula", "y_lin ~ x1", "--se", "cluster"], "cluster takes one column (cluster:VAR)"),
        (&["--formula", "y_lin ~ sqr(x1)"], "unknown function `sqr()`"),
        (&["--formula", "y_bin ~ x1 + x2", "--model", "logit", "--max-iter", "2"], "did not converge in 2 iterations"),
        (&["--formula", "y_cnt ~ x1", "--model", "negbin", "--se", "hc3"], "hc3 needs the hat values"),
        (&["--formula", "y_bin ~ x1", "--model", "logit", "--tau", "0.1"], "--tau applies to --model relogit only"),
        (&["--formula", "y_bin ~ x1", "--model", "logit", "--fd", "x1=0"], "expected COL=FROM:TO"),
        (&["--formula", "y_bin ~ x1", "--model", "logit", "--predict", "x9=1"], "`x9` is not a column of the model's regressors"),
        (&["--formula", "y_bin ~ x1 | ccode1", "--model", "probit"], "absorbed fixed effects are built for ols, logit and poisson"),
        (&["--formula", "y_lin ~ log(x1 - 100)"], "no observations left: all 416 rows were dropped (log(x1-100) undefined: 416)"),
    ];
    for (args, says) in cases {
        allywar().arg("fit").arg(&csv).args(args).assert().failure().stderr(predicate::str::contains(says));
    }
}

/// Every model through the command line on the synthetic data, with the pieces each adds to
/// the summary and the JSON: cutpoints, α, absorbed groups, predictions, first differences.
#[test]
fn every_model_through_the_command_line() {
    let csv = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/synthetic.csv");
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &[&str], &str); 7] = [
        ("ols", "y_lin ~ x1 + C(year, ref=2001) + x1:x2", &["--se", "hc3"], "C(year)[T.2000]"),
        ("probit", "y_bin ~ x1 + I(x3^2)", &["--se", "twoway:dyad_id,year"], "I(x3^2)"),
        ("poisson", "y_cnt ~ x1 + x2 | ccode1", &["--se", "cluster:dyad_id"], "fixed effect ccode1: 30 groups absorbed"),
        ("negbin", "y_nb ~ x1 + x2", &["--se", "dyadic:ccode1,ccode2"], "alpha"),
        ("ologit", "y_ord ~ x1 + x2 + x3", &["--se", "hc1"], "2|3"),
        ("relogit", "y_bin ~ x1 + x2", &["--tau", "0.05", "--predict", "x2=1", "--fd", "x2=0:1"], "first difference x2 0 → 1"),
        ("logit", "y_bin ~ x1 + x2 + x3 | ccode2", &["--se", "cluster:dyad_id"], "dropped (outcome never varies)"),
    ];
    for (model, formula, extra, shows) in cases {
        let json = tmp.path().join(format!("{model}.json"));
        allywar()
            .arg("fit")
            .arg(&csv)
            .args(["--formula", formula, "--model", model])
            .args(extra)
            .arg("--out")
            .arg(&json)
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("{model}: {formula}")))
            .stdout(predicate::str::contains(shows));
        let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(r["model"], model);
        assert!(r["glance"]["converged"].as_bool().unwrap());
        assert!(r["coefficients"].as_array().unwrap().iter().all(|t| t["std_error"].as_f64().unwrap() > 0.0), "{model}");
        if model == "relogit" {
            let fd = &r["first_differences"][0];
            assert!(fd["conf_low"].as_f64().unwrap() < fd["estimate"].as_f64().unwrap());
            assert_eq!(fd["seed"], 20010101);
            assert_eq!(r["predictions"][0]["at"]["x2"], 1.0);
        }
    }
}

/// What used to panic or print `inf` is an error with a reason (exit 1, never 101); text
/// columns work as factors and as cluster ids from the command line.
#[test]
fn degenerate_inputs_and_text_columns_on_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let two = write("two.csv", "y,x\n1,2\n3,5\n");
    let one = write("one.csv", "y,x,g\n1,2,a\n3,5,a\n2,7,a\n5,1,a\n");
    let gone = write("gone.csv", "y,x\nNA,1\nNA,2\n");
    let flat = write("flat.csv", "y,x\n1,2\n1,5\n1,7\n1,1\n");
    let cases: [(&std::path::Path, &[&str], &str); 5] = [
        (&two, &["--formula", "y ~ x"], "2 observations for 2 parameters"),
        (&one, &["--formula", "y ~ x", "--se", "cluster:g"], "--se cluster:g: 1 cluster in the estimation sample"),
        (&gone, &["--formula", "y ~ x"], "no observations left: all 2 rows were dropped (missing y: 2)"),
        (&flat, &["--formula", "y ~ x", "--model", "logit"], "the outcome `y` is 1 in all 4 rows"),
        (&one, &["--formula", "y ~ x", "--se", "hc4"], "unknown variance `hc4` (did you mean `hc0`?)"),
    ];
    for (file, args, says) in cases {
        let out = allywar().arg("fit").arg(file).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(1 | 2)), "{args:?}: exit {:?}: {stderr}", out.status.code());
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("internal error"), "{stderr}");
    }
    let quine = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/quine.csv");
    let json = tmp.path().join("quine.json");
    allywar()
        .arg("fit")
        .arg(&quine)
        .args(["--formula", "Days ~ C(Eth) + C(Sex) + C(Age) + C(Lrn)", "--model", "negbin", "--se", "cluster:Age", "--out"])
        .arg(&json)
        .assert()
        .success()
        .stdout(predicate::str::contains("C(Eth)[T.N]").and(predicate::str::contains("cluster:Age (4 clusters)")));
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(r["results"]["model"].as_str().or(r["model"].as_str()), Some("negbin"));
}
