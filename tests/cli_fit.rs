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

/// Stata-style post-estimation on the command line: `--se robust` is HC1, margins say which are
/// discrete changes, and `--margins-at` writes its table, its JSON and a marginsplot.
#[test]
fn margins_at_a_grid_with_a_plot_and_robust_as_hc1() {
    let tmp = tempfile::tempdir().unwrap();
    let data = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/synthetic.csv");
    let (json, stem) = (tmp.path().join("fit.json"), tmp.path().join("profile"));
    let run = |se: &str, out: &std::path::Path| {
        allywar()
            .arg("fit")
            .arg(&data)
            .args(["--formula", "y_bin ~ x1 + I(x1^2) + x2 + C(year)", "--model", "logit", "--margins", "--se", se])
            .args(["--margins-at", "x1=-1:2:0.5", "--margins-plot"])
            .arg(&stem)
            .arg("--out")
            .arg(out)
            .assert()
            .success()
    };
    let ok = run("robust", &json);
    let stdout = String::from_utf8_lossy(&ok.get_output().stdout).into_owned();
    assert!(stdout.contains("variance: hc1"), "{stdout}");
    let margins = stdout.split("average marginal effects").nth(1).unwrap_or_default();
    let line = |start: &str| margins.lines().find(|l| l.starts_with(start)).unwrap_or_default().to_string();
    assert!(line("x2 ").contains("discrete change") && line("x1 ").contains("derivative"), "{stdout}");
    assert!(line("C(year)[T.2003]").contains("discrete change"), "{stdout}");
    assert!(line("I(x1^2)").is_empty(), "no margin of its own for a term of x1: {stdout}");
    assert!(stdout.contains("average predicted y_bin with x1 set to each value"), "{stdout}");
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(r["variance"], "hc1");
    let at = r["margins_at"].as_array().unwrap();
    assert_eq!(at.iter().map(|p| p["at"]["x1"].as_f64().unwrap()).collect::<Vec<_>>(), vec![-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0]);
    // Probabilities rise with x1 here, and every interval holds its estimate.
    let est: Vec<f64> = at.iter().map(|p| p["estimate"].as_f64().unwrap()).collect();
    assert!(est.windows(2).all(|w| w[0] < w[1]), "{est:?}");
    assert!(at.iter().all(|p| p["conf_low"].as_f64() < p["estimate"].as_f64() && p["estimate"].as_f64() < p["conf_high"].as_f64()));
    let png = std::fs::read(stem.with_extension("png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(std::fs::read_to_string(stem.with_extension("svg")).unwrap().contains("x1"));
    // The alias gives the very numbers of hc1.
    let hc1 = tmp.path().join("hc1.json");
    run("hc1", &hc1);
    let other: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&hc1).unwrap()).unwrap();
    assert_eq!(r["coefficients"], other["coefficients"]);

    // A grid that is not one, and a column the model does not read.
    for (grid, says) in
        [("x1=0:1", "expected COL=FROM:TO:STEP"), ("x1=2:0:1", "step must be positive"), ("x9=0:1:1", "not a numeric column")]
    {
        allywar()
            .arg("fit")
            .arg(&data)
            .args(["--formula", "y_bin ~ x1 + x2", "--model", "logit", "--margins-at", grid])
            .assert()
            .failure()
            .stderr(predicate::str::contains(says))
            .stderr(predicate::str::contains("panicked").not());
    }
}

/// `--derive` and `--filter` (polars SQL) give the fit of the same columns computed by hand and
/// the same rows selected by hand.
#[test]
fn derived_columns_and_filters_equal_the_same_computed_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let data = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/synthetic.csv");
    // By hand: the rows of 2001 on, x13 = x1·x3 and hi = 1 where x3 > 0, written as a new file.
    let text = std::fs::read_to_string(&data).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |c: &str| header.iter().position(|h| *h == c).unwrap();
    let mut by_hand = format!("{},x13,hi\n", header.join(","));
    let mut kept = 0;
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        let num = |c: &str| cells[at(c)].parse::<f64>().unwrap();
        if num("year") >= 2001.0 {
            kept += 1;
            by_hand.push_str(&format!("{l},{},{}\n", num("x1") * num("x3"), i32::from(num("x3") > 0.0)));
        }
    }
    let hand = tmp.path().join("by_hand.csv");
    std::fs::write(&hand, by_hand).unwrap();
    let fit = |frame: &std::path::Path, extra: &[&str], out: &std::path::Path| {
        allywar()
            .arg("fit")
            .arg(frame)
            .args(["--formula", "y_bin ~ x13 + hi + x2", "--model", "logit", "--se", "cluster:dyad_id"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .assert()
            .success()
    };
    let (a, b) = (tmp.path().join("derived.json"), tmp.path().join("hand.json"));
    let run = fit(&data, &["--derive", "x13 = x1 * x3", "--derive", "hi=x3 > 0", "--filter", "year >= 2001"], &a);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains(&format!("--filter year >= 2001: {kept} of 416 rows kept")), "{stderr}");
    fit(&hand, &[], &b);
    let read = |p: &std::path::Path| serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(p).unwrap()).unwrap();
    let (derived, hand) = (read(&a), read(&b));
    assert_eq!(derived["glance"]["nobs"], kept);
    for (x, y) in derived["coefficients"].as_array().unwrap().iter().zip(hand["coefficients"].as_array().unwrap()) {
        for k in ["estimate", "std_error"] {
            let (x, y) = (x[k].as_f64().unwrap(), y[k].as_f64().unwrap());
            assert!((x - y).abs() <= 1e-12 * y.abs().max(1.0), "{k}: {x} vs {y}");
        }
    }
    let recorded = serde_json::to_string(&derived["data"]).unwrap();
    assert!(recorded.contains("x13 = x1 * x3") && recorded.contains("year >= 2001"), "{recorded}");

    // Mistakes name the column or the expression.
    for (flag, value, says) in [
        ("--filter", "yeer >= 2001", "no column `yeer`"),
        ("--filter", "year >=", "not an SQL expression"),
        ("--derive", "x13", "NAME = EXPRESSION"),
    ] {
        allywar()
            .arg("fit")
            .arg(&data)
            .args(["--formula", "y_bin ~ x1", flag, value])
            .assert()
            .failure()
            .stderr(predicate::str::contains(says))
            .stderr(predicate::str::contains("panicked").not());
    }
}

/// `allywar table` lays out saved fits as a regression table in every format, labels applied,
/// LaTeX free of raw non-ASCII signs; a file that is not a fit is named.
#[test]
fn a_table_from_saved_fits_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let data = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/synthetic.csv");
    let mut fits = Vec::new();
    for (name, formula, model) in [("lpm", "y_bin ~ x1 + I(x1^2) + x2", "ols"), ("logit", "y_bin ~ x1 + I(x1^2) + x2 + x3", "logit")] {
        let out = tmp.path().join(format!("{name}.json"));
        allywar()
            .arg("fit")
            .arg(&data)
            .args(["--formula", formula, "--model", model, "--se", "robust", "--out"])
            .arg(&out)
            .assert()
            .success();
        fits.push(out);
    }
    let want: Vec<serde_json::Value> = fits.iter().map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap()).collect();
    for ext in ["md", "tex", "html", "csv"] {
        let out = tmp.path().join(format!("t.{ext}"));
        allywar()
            .arg("table")
            .args(&fits)
            .args(["--names", "LPM,Logit", "--label", "I(x1^2)=x1² × 1", "--label", "x2=Treated", "--out"])
            .arg(&out)
            .assert()
            .success();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("Treated") && text.contains("Logit"), "{ext}: {text}");
        match ext {
            "tex" => {
                assert!(text.is_ascii() || !text.contains(['²', '×']), "raw non-ASCII in LaTeX: {text}");
                assert!(text.contains("x1$^{2}$ $\\times$ 1") && text.contains("\\toprule"), "{text}");
            }
            "csv" => {
                // Full precision, equal to the fits' own numbers.
                let x3 = text.lines().find(|l| l.starts_with("Logit,x3,")).unwrap();
                let est: f64 = x3.split(',').nth(3).unwrap().parse().unwrap();
                assert_eq!(est, want[1]["coefficients"][4]["estimate"].as_f64().unwrap());
            }
            "md" => assert!(text.contains("| x1² × 1 |") && text.contains("* p < 0.05"), "{text}"),
            _ => assert!(text.contains("<table class=\"regression\">"), "{text}"),
        }
    }
    // Markdown on stdout without --out; a file that is not a fit, a format that is not one.
    allywar().arg("table").args(&fits).assert().success().stdout(predicate::str::contains("| | lpm | logit |"));
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\"formula\": 3}").unwrap();
    allywar().arg("table").arg(&bad).assert().failure().stderr(predicate::str::contains("bad.json: not a fit"));
    allywar()
        .arg("table")
        .args(&fits)
        .arg("--out")
        .arg(tmp.path().join("t.docx"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a table format"));
}
