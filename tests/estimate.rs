//! Estimators against independent implementations: the coefficients and standard errors in
//! tests/reference/estimates.json come from statsmodels and, where it has no such estimator,
//! from the numpy formulas of tests/reference/make_reference.py (which also wrote the data).

mod common;

use allywar::estimate::{design, fit, tidy, vcov, Model, Variance};
use polars::prelude::*;
use std::path::PathBuf;

fn reference() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/estimates.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn data() -> DataFrame {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/synthetic.csv");
    CsvReadOptions::default().try_into_reader_with_file_path(Some(path)).unwrap().finish().unwrap()
}

fn ints(df: &DataFrame, c: &str) -> Vec<i64> {
    df.column(c).unwrap().cast(&DataType::Int64).unwrap().i64().unwrap().iter().map(|v| v.unwrap()).collect()
}

fn close(got: f64, want: f64, what: &str) {
    let rel = (got - want).abs() / want.abs().max(1e-12);
    assert!(rel < 1e-6, "{what}: {got} vs {want} (relative error {rel:.2e})");
}

#[test]
fn ols_and_logit_with_every_variance_type_match_the_references() {
    let r = reference();
    let df = data();
    let regressors = ["x1", "x2", "x3"];
    let variances = [
        ("classical", Variance::Classical),
        ("hc0", Variance::Hc0),
        ("hc1", Variance::Hc1),
        ("hc3", Variance::Hc3),
        ("cluster:dyad_id", Variance::Cluster(ints(&df, "dyad_id"))),
        ("twoway:dyad_id,year", Variance::TwoWay(ints(&df, "dyad_id"), ints(&df, "year"))),
        ("dyadic:ccode1,ccode2", Variance::Dyadic(ints(&df, "ccode1"), ints(&df, "ccode2"))),
    ];
    let mut compared = 0;
    for (model, outcome, family) in
        [("ols", "y_lin", Model::Gaussian), ("logit", "y_bin", Model::Logit), ("poisson", "y_cnt", Model::Poisson)]
    {
        let d = design(&df, outcome, &regressors, true).unwrap();
        assert_eq!((d.n(), d.n_dropped), (r["nobs"].as_u64().unwrap() as usize, 0));
        let f = fit(&d, family).unwrap();
        assert!(f.converged, "{model} did not converge");
        for (name, v) in &variances {
            let Some(want) = r["models"][model].get(name) else { continue };
            let got = vcov(&d, &f, v).unwrap();
            let table = tidy(&d, &f, v, &got, 0.95);
            for (j, t) in table.iter().enumerate() {
                let what = |c: &str| format!("{model} {name} {c} {}", t.term);
                close(t.estimate, want["estimate"][j].as_f64().unwrap(), &what("estimate"));
                close(t.std_error, want["std_error"][j].as_f64().unwrap(), &what("std_error"));
                // Where statsmodels computed the whole table, every column of it.
                if let Some(p) = want.get("p_value") {
                    close(t.statistic, want["statistic"][j].as_f64().unwrap(), &what("statistic"));
                    close(t.p_value, p[j].as_f64().unwrap(), &what("p_value"));
                    close(t.conf_low, want["conf_low"][j].as_f64().unwrap(), &what("conf_low"));
                    close(t.conf_high, want["conf_high"][j].as_f64().unwrap(), &what("conf_high"));
                }
            }
            compared += 1;
        }
        if let Some(ll) = r["models"][model]["glance"]["logLik"].as_f64() {
            close(f.loglik, ll, &format!("{model} logLik"));
        }
    }
    assert_eq!(compared, 21, "every model × variance type in the reference file");
}

#[test]
fn diagnostics_on_crafted_inputs() {
    let df = df!("y" => [0.0, 1.0, 2.0, 1.0], "x" => [1.0, 2.0, 3.0, 4.0], "twice" => [2.0, 4.0, 6.0, 8.0], "gap" => [None, Some(1.0), None, Some(2.0)]).unwrap();
    let err = design(&df, "y", &["xx"], true).unwrap_err().to_string();
    assert!(err.contains("no column `xx`") && err.contains("did you mean `x`?"), "{err}");
    let d = design(&df, "y", &["x"], true).unwrap();
    assert!(fit(&d, Model::Logit).unwrap_err().to_string().contains("must be 0 or 1"), "a count is not a binary outcome");
    let neg = df!("y" => [-1.0, 1.0, 2.0], "x" => [1.0, 2.0, 4.0]).unwrap();
    let d = design(&neg, "y", &["x"], true).unwrap();
    assert!(fit(&d, Model::Poisson).unwrap_err().to_string().contains("must be a count"));
    // A regressor that is a multiple of an earlier one is dropped and named, as R and Stata do.
    let d = design(&df, "y", &["x", "twice"], true).unwrap();
    assert_eq!((d.terms.clone(), d.collinear.clone()), (vec!["(Intercept)".to_string(), "x".into()], vec!["twice".to_string()]));
    assert!(fit(&d, Model::Gaussian).is_ok());
    // Separation: y = 1 exactly when x > 2 (complete), and y = 1 only where d = 1 (quasi-complete).
    let sep = df!("y" => [0.0, 0.0, 1.0, 1.0, 0.0, 1.0], "x" => [1.0, 2.0, 3.0, 4.0, 1.5, 5.0], "z" => [0.3, -1.0, 0.2, 0.9, 0.1, -0.4], "d" => [0.0, 1.0, 1.0, 1.0, 0.0, 1.0]).unwrap();
    let d = design(&sep, "y", &["z", "x"], true).unwrap();
    assert!(fit(&d, Model::Logit).unwrap_err().to_string().contains("`x` separates the outcome"));
    let d = design(&sep, "y", &["z", "d"], true).unwrap();
    assert!(fit(&d, Model::Logit).unwrap_err().to_string().contains("`d` separates the outcome"));
    let d = design(&sep, "y", &["z"], true).unwrap();
    assert!(fit(&d, Model::Logit).is_ok(), "z does not separate");
    let d = design(&df, "y", &["gap"], true).unwrap();
    assert_eq!((d.n(), d.n_dropped), (2, 2), "rows with a missing value are dropped and counted");
    let none = df!("y" => [None::<f64>, None], "x" => [1.0, 2.0]).unwrap();
    assert!(design(&none, "y", &["x"], true).unwrap_err().to_string().contains("no observations left"));
}

#[test]
fn a_real_frame_built_by_allywar_matches_statsmodels() {
    use allywar::estimate::estimate;
    use allywar::frame::Spec;
    use allywar::types::{Unit, Years};
    let r = reference();
    let real = &r["real"];
    // The frame of the reference's `build` line.
    assert!(real["build"].as_str().unwrap().contains("--years 1946:1989 --prd --vars init,mid_onset,tgt_def,chal_def,peace_years"));
    let dir = allywar::DataDir::new(common::real_data_dir());
    let spec = Spec::new(Unit::DyadYear).years(Years { first: 1946, last: 1989 }).prd(true).vars([
        "init",
        "mid_onset",
        "tgt_def",
        "chal_def",
        "peace_years",
    ]);
    let df = spec.build(&dir).unwrap_or_else(|e| panic!("{e}")).frame;
    let formula = real["formula"].as_str().unwrap();
    for (model, family, se) in
        [("logit", Model::Logit, "classical"), ("logit", Model::Logit, "cluster:dyad_id"), ("ols", Model::Gaussian, "hc1")]
    {
        let got = estimate(&df, formula, family, &se.parse().unwrap()).unwrap();
        let want = &real[model][se];
        assert_eq!(got.glance.nobs as u64, real["nobs"].as_u64().unwrap());
        for (j, t) in got.coefficients.iter().enumerate() {
            let what = |c: &str| format!("real {model} {se} {c} {}", t.term);
            close(t.estimate, want["estimate"][j].as_f64().unwrap(), &what("estimate"));
            close(t.std_error, want["std_error"][j].as_f64().unwrap(), &what("std_error"));
            if let Some(p) = want.get("p_value") {
                close(t.p_value, p[j].as_f64().unwrap(), &what("p_value"));
                close(t.conf_low, want["conf_low"][j].as_f64().unwrap(), &what("conf_low"));
            }
        }
        if model == "logit" {
            close(got.glance.logLik, real["logit"]["glance"]["logLik"].as_f64().unwrap(), "real logit logLik");
        }
    }
    // Probit (statsmodels) and the logit with year fixed effects absorbed (pyfixest).
    let fe_formula = format!("{formula} | year");
    for (model, m, f, se) in
        [("probit", Model::Probit, formula, "classical"), ("logit | year", Model::Logit, fe_formula.as_str(), "cluster:dyad_id")]
    {
        let got = estimate(&df, f, m, &se.parse().unwrap()).unwrap();
        let want = &real[model][se];
        for (j, t) in got.coefficients.iter().enumerate() {
            close(t.estimate, want["estimate"][j].as_f64().unwrap(), &format!("real {model} {se} {}", t.term));
            close(t.std_error, want["std_error"][j].as_f64().unwrap(), &format!("real {model} {se} SE {}", t.term));
        }
    }
}

/// Average marginal effects as Stata reads them: statsmodels' `get_margeff(dummy=True)` where a
/// column enters one term, and numerical derivatives of the average prediction through every
/// term (polynomials, interactions, `log()`, factor levels against the reference) elsewhere.
#[test]
fn average_marginal_effects_match_statsmodels_and_numerical_derivatives() {
    use allywar::estimate::{estimate_with, Estimator, MarginKind, Options, VarianceSpec};
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/margins.json");
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let df = data();
    let cases = r["cases"].as_array().unwrap();
    assert!(cases.len() >= 7);
    for case in cases {
        let (formula, model) = (case["formula"].as_str().unwrap(), case["model"].as_str().unwrap());
        let estimator: Estimator = model.parse().unwrap();
        let at = &case["at"];
        let grid: Vec<f64> =
            at["predictions"].as_array().map_or_else(Vec::new, |p| p.iter().map(|p| p["value"].as_f64().unwrap()).collect());
        let margins_at = at["column"].as_str().map(|c| (c.to_string(), grid.clone()));
        let options = Options { margins: true, margins_at, ..Options::default() };
        let got = estimate_with(&df, formula, estimator.model(None), &VarianceSpec::Classical, &options).unwrap();
        assert_eq!(got.margins_at.len(), grid.len());
        for (p, w) in got.margins_at.iter().zip(at["predictions"].as_array().into_iter().flatten()) {
            let what = format!("{model} {formula}: average prediction at x1 = {}", p.at["x1"]);
            assert_eq!(p.at["x1"], w["value"].as_f64().unwrap());
            close(p.estimate, w["estimate"].as_f64().unwrap(), &what);
            close(p.std_error, w["std_error"].as_f64().unwrap(), &format!("{what} SE"));
        }
        let want = case["margins"].as_array().unwrap();
        assert_eq!(got.margins.len(), want.len(), "{model} {formula}: {:?}", got.margins);
        for (m, w) in got.margins.iter().zip(want) {
            let what = format!("{model} {formula}: {}", m.term);
            assert_eq!(m.term, w["term"].as_str().unwrap(), "{what}");
            let kind = if w["kind"] == "derivative" { MarginKind::Derivative } else { MarginKind::DiscreteChange };
            assert_eq!(m.kind, kind, "{what}");
            close(m.estimate, w["estimate"].as_f64().unwrap(), &what);
            close(m.std_error, w["std_error"].as_f64().unwrap(), &format!("{what} SE"));
            assert!((m.conf_high - m.conf_low - 2.0 * 1.959963984540054 * m.std_error).abs() < 1e-12);
        }
    }
}

/// Compares a fit's parameters and every variance type in `want` (keys as `--se` names).
fn compare_all(model: &str, df: &DataFrame, d: &allywar::estimate::Design, f: &allywar::estimate::Fit, want: &serde_json::Value) {
    let params = want["params"].as_array().unwrap();
    assert_eq!(f.p(), params.len(), "{model}: parameters");
    for (j, p) in params.iter().enumerate() {
        close(f.beta[j], p.as_f64().unwrap(), &format!("{model} {}", f.names[j]));
    }
    close(f.loglik, want["logLik"].as_f64().unwrap(), &format!("{model} logLik"));
    let sub = |c: &str| -> Vec<i64> { d.rows.iter().map(|&i| ints(df, c)[i]).collect() };
    let mut compared = 0;
    for (name, v) in [
        ("classical", Variance::Classical),
        ("hc0", Variance::Hc0),
        ("hc1", Variance::Hc1),
        ("hc3", Variance::Hc3),
        ("cluster:dyad_id", Variance::Cluster(sub("dyad_id"))),
        ("twoway:dyad_id,year", Variance::TwoWay(sub("dyad_id"), sub("year"))),
        ("dyadic:ccode1,ccode2", Variance::Dyadic(sub("ccode1"), sub("ccode2"))),
    ] {
        let Some(w) = want.get(name) else {
            assert!(vcov(d, f, &v).is_err() || name != "hc3", "{model}: hc3 without a reference must be refused");
            continue;
        };
        let se = w.get("std_error").unwrap_or(w);
        let got = vcov(d, f, &v).unwrap().std_errors();
        for (j, s) in got.iter().enumerate() {
            close(*s, se[j].as_f64().unwrap(), &format!("{model} {name} SE {}", f.names[j]));
        }
        compared += 1;
    }
    assert!(compared >= 6, "{model}: {compared} variance types compared");
}

#[test]
fn probit_negbin_and_ordered_logit_with_every_variance_type_match_the_references() {
    let r = reference();
    let df = data();
    for (model, outcome, m, intercept) in
        [("probit", "y_bin", Model::Probit, true), ("negbin", "y_nb", Model::NegBin, true), ("ologit", "y_ord", Model::OLogit, false)]
    {
        let d = design(&df, outcome, &["x1", "x2", "x3"], intercept).unwrap();
        let f = fit(&d, m).unwrap();
        assert!(f.converged, "{model} converged");
        compare_all(model, &df, &d, &f, &r["more"][model]);
    }
    // The names of the ancillary parameters.
    let d = design(&df, "y_ord", &["x1"], false).unwrap();
    assert_eq!(fit(&d, Model::OLogit).unwrap().names, ["x1", "0|1", "1|2", "2|3"]);
    let d = design(&df, "y_nb", &["x1"], true).unwrap();
    assert_eq!(fit(&d, Model::NegBin).unwrap().names.last().unwrap(), "alpha");
    // McFadden's pseudo-R² of the negative binomial uses the intercept-only NB2, as statsmodels.
    let want = &r["more"]["negbin"];
    let got = allywar::estimate::estimate(&df, "y_nb ~ x1 + x2 + x3", Model::NegBin, &"classical".parse().unwrap()).unwrap();
    close(got.glance.r_squared, 1.0 - want["logLik"].as_f64().unwrap() / want["llnull"].as_f64().unwrap(), "negbin pseudo-R²");
}

#[test]
fn absorbed_fixed_effects_match_pyfixest() {
    let r = reference();
    let df = data();
    let cases = r["fixed_effects"].as_object().unwrap();
    assert_eq!(cases.len(), 4);
    for (case, want) in cases {
        let (model, formula) = case.split_once(": ").unwrap();
        let m = match model {
            "ols" => Model::Gaussian,
            "poisson" => Model::Poisson,
            _ => Model::Logit,
        };
        for se in ["classical", "hc1", "cluster:dyad_id", "twoway:dyad_id,year", "dyadic:ccode1,ccode2"] {
            let got = allywar::estimate::estimate(&df, formula, m, &se.parse().unwrap()).unwrap_or_else(|e| panic!("{case}: {e}"));
            assert!(got.glance.converged);
            let w = &want[se];
            assert_eq!(got.coefficients.len(), 3, "{case}: the intercept is absorbed");
            for (j, t) in got.coefficients.iter().enumerate() {
                close(t.estimate, w["estimate"][j].as_f64().unwrap(), &format!("{case} {se} {}", t.term));
                close(t.std_error, w["std_error"][j].as_f64().unwrap(), &format!("{case} {se} SE {}", t.term));
            }
            if model == "logit" {
                // Groups of ccode2 whose outcome never varies are dropped and counted.
                assert_eq!(got.glance.nobs as u64, want["nobs"].as_u64().unwrap(), "{case}: N");
                assert!(got.fixed_effects[0].groups_dropped > 0 && got.glance.dropped.keys().any(|k| k.contains("never varies")));
            }
        }
    }
}

#[test]
fn formulas_with_interactions_transformations_and_factors_match_patsy() {
    let r = reference();
    let want = &r["formula"];
    let got = allywar::estimate::estimate(&data(), want["allywar"].as_str().unwrap(), Model::Logit, &"classical".parse().unwrap()).unwrap();
    let patsy = |t: &str| {
        t.replace("C(year, Treatment(reference=2001))", "C(year)")
            .replace("np.log", "log")
            .replace("**", "^")
            .replace(' ', "")
            .replace("Intercept", "(Intercept)")
    };
    let names: Vec<String> = want["patsy_terms"].as_array().unwrap().iter().map(|t| patsy(t.as_str().unwrap())).collect();
    assert_eq!(got.coefficients.len(), names.len());
    for t in &got.coefficients {
        let j = names.iter().position(|n| *n == t.term).unwrap_or_else(|| panic!("{} not among {names:?}", t.term));
        close(t.estimate, want["estimate"][j].as_f64().unwrap(), &t.term);
        close(t.std_error, want["std_error"][j].as_f64().unwrap(), &format!("SE {}", t.term));
    }
}

#[test]
fn predictions_at_means_match_statsmodels_and_first_differences_are_reproducible() {
    use allywar::estimate::{estimate_with, Options};
    use std::collections::BTreeMap;
    let r = reference();
    let df = data();
    let opts = Options {
        predictions: vec![BTreeMap::from([("x2".to_string(), 0.0)]), BTreeMap::from([("x2".to_string(), 1.0)])],
        first_differences: vec![("x2".to_string(), 0.0, 1.0)],
        sims: 20_000,
        seed: 7,
        ..Options::default()
    };
    let got = estimate_with(&df, "y_bin ~ x1 + x2 + x3", Model::Logit, &"classical".parse().unwrap(), &opts).unwrap();
    for (p, want) in got.predictions.iter().zip(r["formula"]["predictions"].as_array().unwrap()) {
        close(p.estimate, want["estimate"].as_f64().unwrap(), "predicted probability");
        close(p.std_error, want["std_error"].as_f64().unwrap(), "its delta-method SE");
    }
    let fd = &got.first_differences[0];
    close(fd.estimate, got.predictions[1].estimate - got.predictions[0].estimate, "first difference at the estimates");
    // 20,000 draws: the simulated mean near the difference at the estimates (they differ by
    // more than simulation error: the mean of a nonlinear function is not the function of the
    // mean), the interval around it.
    assert!((fd.simulated_mean - fd.estimate).abs() < 0.03 * fd.estimate.abs(), "{fd:?}");
    assert!(fd.conf_low < fd.estimate && fd.estimate < fd.conf_high);
    let again = estimate_with(&df, "y_bin ~ x1 + x2 + x3", Model::Logit, &"classical".parse().unwrap(), &opts).unwrap();
    assert_eq!(
        serde_json::to_string(&again.first_differences).unwrap(),
        serde_json::to_string(&got.first_differences).unwrap(),
        "same seed, same numbers"
    );
    let other =
        estimate_with(&df, "y_bin ~ x1 + x2 + x3", Model::Logit, &"classical".parse().unwrap(), &Options { seed: 8, ..opts.clone() })
            .unwrap();
    assert_ne!(other.first_differences[0].conf_low, fd.conf_low, "another seed, other draws");
}

/// King & Zeng's bias against Cox & Snell's general formula, with the third derivatives of the
/// logit log-likelihood taken by central differences of its Hessian:
/// b_s = ½ Σ_r Σ_t Σ_u I^{sr} I^{tu} κ_{rtu} (κ_{rt,u} = 0 for a canonical link).
#[test]
fn relogit_bias_correction_equals_cox_snell_computed_numerically() {
    use allywar::estimate::relogit::logit_bias;
    let df = data();
    // A rare outcome on a small sample, where the bias matters.
    let y: Vec<f64> = ints(&df, "y_bin").iter().zip(ints(&df, "y_cnt")).map(|(b, c)| (*b == 1 && c >= 3) as i64 as f64).collect();
    let mut df = df.clone();
    df.with_column(Column::new("rare".into(), y)).unwrap();
    let d = design(&df, "rare", &["x1", "x2"], true).unwrap();
    let f = fit(&d, Model::Logit).unwrap();
    let k = d.k();
    let hessian = |beta: &[f64]| -> Vec<f64> {
        let mut h = vec![0.0; k * k];
        for i in 0..d.n() {
            let x = d.row(i);
            let eta: f64 = x.iter().zip(beta).map(|(x, b)| x * b).sum();
            let p = 1.0 / (1.0 + (-eta).exp());
            for a in 0..k {
                for b in 0..k {
                    h[a * k + b] -= p * (1.0 - p) * x[a] * x[b];
                }
            }
        }
        h
    };
    let info = faer::Mat::from_fn(k, k, |a, b| -hessian(&f.beta)[a * k + b]);
    let inv = allywar::estimate::linalg::inverse(&info).unwrap();
    // κ_{rtu} = ∂H_rt/∂β_u by Richardson-extrapolated central differences.
    let third: Vec<Vec<f64>> = (0..k)
        .map(|u| {
            let diff = |h: f64| -> Vec<f64> {
                let (mut up, mut down) = (f.beta.clone(), f.beta.clone());
                up[u] += h;
                down[u] -= h;
                hessian(&up).iter().zip(hessian(&down)).map(|(a, b)| (a - b) / (2.0 * h)).collect()
            };
            diff(1e-4).iter().zip(diff(2e-4)).map(|(a, b)| (4.0 * a - b) / 3.0).collect()
        })
        .collect();
    let want: Vec<f64> = (0..k)
        .map(|s| {
            0.5 * (0..k)
                .map(|r| {
                    inv[(s, r)]
                        * (0..k).flat_map(|t| (0..k).map(move |u| (t, u))).map(|(t, u)| inv[(t, u)] * third[u][r * k + t]).sum::<f64>()
                })
                .sum::<f64>()
        })
        .collect();
    let got = logit_bias(&d, &f).unwrap();
    for j in 0..k {
        let rel = (got[j] - want[j]).abs() / want[j].abs();
        assert!(rel < 1e-6, "bias of {}: {} vs Cox–Snell {} ({rel:.1e})", d.terms[j], got[j], want[j]);
    }
    // The rare-events fit: β̃ = β̂ − b, variance (n/(n+k))² that of the logit; --tau moves the
    // intercept by −ln[((1−τ)/τ)(ȳ/(1−ȳ))] only.
    let rl = fit(&d, Model::Relogit { tau: None }).unwrap();
    for ((r, b), bias) in rl.beta.iter().zip(&f.beta).zip(&got) {
        close(*r, b - bias, "relogit estimate");
    }
    let (vl, vr) = (vcov(&d, &f, &Variance::Classical).unwrap(), vcov(&d, &rl, &Variance::Classical).unwrap());
    let factor = (d.n() as f64 / (d.n() + k) as f64).powi(2);
    close(vr.matrix[(1, 1)], factor * vl.matrix[(1, 1)], "relogit variance");
    let tau = 0.01;
    let pc = fit(&d, Model::Relogit { tau: Some(tau) }).unwrap();
    let ybar = d.y.iter().sum::<f64>() / d.n() as f64;
    close(pc.beta[0], rl.beta[0] - ((1.0 - tau) / tau * ybar / (1.0 - ybar)).ln(), "prior-corrected intercept");
    close(pc.beta[1], rl.beta[1], "slopes untouched by the prior correction");
}

#[test]
fn multinomial_logit_matches_statsmodels_mnlogit() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/mlogit.json");
    let want: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let df = data();
    let nums = |v: &serde_json::Value| v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect::<Vec<f64>>();
    for se in ["classical", "hc0", "hc1", "cluster:dyad_id"] {
        let got = allywar::estimate::estimate(&df, "y_ord ~ x1 + x2 + x3", Model::MLogit, &se.parse().unwrap()).unwrap();
        assert!(got.glance.converged);
        assert_eq!(got.glance.nobs as u64, want["nobs"].as_u64().unwrap());
        // Levels 1, 2, 3 against the base 0, each with the intercept and x1..x3.
        assert_eq!(got.coefficients.len(), 12);
        assert_eq!((got.coefficients[0].term.as_str(), got.coefficients[11].term.as_str()), ("1:(Intercept)", "3:x3"));
        let (params, ses) = (nums(&want["params"]), nums(&want[se]));
        for (j, t) in got.coefficients.iter().enumerate() {
            close(t.estimate, params[j], &format!("mlogit {}", t.term));
            close(t.std_error, ses[j], &format!("mlogit {se} SE {}", t.term));
        }
        let r2 = 1.0 - want["logLik"].as_f64().unwrap() / want["llnull"].as_f64().unwrap();
        close(got.glance.r_squared, r2, "mlogit pseudo-R²");
    }
    // No single index: margins and predictions are refused, not made up.
    let opts = allywar::estimate::Options { first_differences: vec![("x1".into(), 0.0, 1.0)], ..Default::default() };
    let err =
        allywar::estimate::estimate_with(&df, "y_ord ~ x1 + x2 + x3", Model::MLogit, &"classical".parse().unwrap(), &opts).unwrap_err();
    assert!(err.to_string().contains("multinomial"), "{err}");
}

/// Degenerate samples are errors that say what is wrong, never a panic or quiet infinities:
/// as many observations as parameters, one cluster, every row missing, a constant outcome.
#[test]
fn degenerate_samples_are_errors_that_say_why() {
    use allywar::estimate::estimate;
    let err = |df: &DataFrame, f: &str, m: Model, se: &str| estimate(df, f, m, &se.parse().unwrap()).unwrap_err().to_string();
    let two = df!("y" => [1.0, 3.0], "x" => [2.0, 5.0]).unwrap();
    for se in ["classical", "hc1", "hc3"] {
        let e = err(&two, "y ~ x", Model::Gaussian, se);
        assert!(e.contains("2 observations for 2 parameters"), "{se}: {e}");
    }
    let one = df!("y" => [1.0, 3.0, 2.0, 5.0], "x" => [2.0, 5.0, 7.0, 1.0], "g" => ["a", "a", "a", "a"], "h" => [1i64, 2, 1, 2]).unwrap();
    for (m, se) in [(Model::Gaussian, "cluster:g"), (Model::Poisson, "cluster:g"), (Model::Gaussian, "twoway:g,h")] {
        let e = err(&one, "y ~ x", m, se);
        assert!(e.contains(&format!("--se {se}: 1 cluster in the estimation sample")) && e.contains("at least two"), "{se}: {e}");
    }
    // A text cluster id only needs equality: two text clusters are enough.
    let text =
        df!("y" => [1.0, 3.0, 2.0, 5.0, 4.0, 4.5], "x" => [2.0, 5.0, 7.0, 1.0, 3.0, 3.5], "g" => ["a", "b", "a", "b", "c", "c"]).unwrap();
    let by_text = estimate(&text, "y ~ x", Model::Gaussian, &"cluster:g".parse().unwrap()).unwrap();
    let codes = df!("y" => [1.0, 3.0, 2.0, 5.0, 4.0, 4.5], "x" => [2.0, 5.0, 7.0, 1.0, 3.0, 3.5], "g" => [7i64, 9, 7, 9, 1, 1]).unwrap();
    let by_code = estimate(&codes, "y ~ x", Model::Gaussian, &"cluster:g".parse().unwrap()).unwrap();
    assert_eq!(by_text.coefficients[1].std_error, by_code.coefficients[1].std_error);
    assert_eq!(by_text.glance.n_clusters, Some(3));
    let missing = df!("y" => [None::<f64>, None, None], "x" => [1.0, 2.0, 3.0]).unwrap();
    assert!(err(&missing, "y ~ x", Model::Gaussian, "classical").contains("no observations left: all 3 rows were dropped (missing y: 3)"));
    let nulls = df!("y" => [1.0, 2.0], "x" => [None::<&str>, None]).unwrap();
    assert!(err(&nulls, "y ~ x", Model::Gaussian, "classical").contains("no observations left"), "an all-missing column read as text");
    let constant = df!("y" => [1.0, 1.0, 1.0, 1.0], "x" => [2.0, 5.0, 7.0, 1.0]).unwrap();
    for m in [Model::Gaussian, Model::Logit, Model::Poisson, Model::NegBin, Model::Probit] {
        let e = err(&constant, "y ~ x", m, "classical");
        assert!(e.contains("the outcome `y` is 1 in all 4 rows"), "{}: {e}", m.name());
    }
}

/// `C()` on text columns, as R's factors and patsy: levels sorted, the first the reference (or
/// `ref=`), terms named `C(Eth)[T.N]`; equal to statsmodels on MASS's quine data, and to MASS's
/// published negative binomial (θ = 1.275, EthN = −0.569).
#[test]
fn text_factors_match_statsmodels_and_mass() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference");
    let want: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("factors.json")).unwrap()).unwrap();
    let quine = allywar::input::read_frame(&root.join("quine.csv")).unwrap();
    assert_eq!(quine.column("Eth").unwrap().dtype(), &DataType::String);
    let df = quine
        .lazy()
        .with_columns([
            col("Days").gt(lit(14)).cast(DataType::Int32).alias("long"),
            concat_str([col("Eth"), col("Sex"), col("Age")], "-", false).alias("cell"),
        ])
        .collect()
        .unwrap();
    for case in want["cases"].as_array().unwrap() {
        let model = case["model"].as_str().unwrap().parse::<allywar::estimate::Estimator>().unwrap().model(None);
        let formula = case["formula"].as_str().unwrap();
        let got = allywar::estimate::estimate(&df, formula, model, &case["se"].as_str().unwrap().parse().unwrap()).unwrap();
        let terms = case["term"].as_array().unwrap();
        assert_eq!(got.coefficients.len(), terms.len(), "{formula}");
        for (j, t) in terms.iter().enumerate() {
            let t = t.as_str().unwrap();
            let c = got.coefficients.iter().find(|c| c.term == t).unwrap_or_else(|| panic!("{formula}: no term {t}"));
            close(c.estimate, case["estimate"][j].as_f64().unwrap(), &format!("{formula} {t}"));
            close(c.std_error, case["std_error"][j].as_f64().unwrap(), &format!("{formula} se {t}"));
        }
    }
    let nb =
        allywar::estimate::estimate(&df, "Days ~ C(Eth) + C(Sex) + C(Age) + C(Lrn)", Model::NegBin, &"classical".parse().unwrap()).unwrap();
    let get = |t: &str| nb.coefficients.iter().find(|c| c.term == t).unwrap().estimate;
    assert_eq!(format!("{:.3}", 1.0 / get("alpha")), "1.275");
    assert_eq!(format!("{:.3}", get("C(Eth)[T.N]")), "-0.569");
    // A reference that is not a level names the levels; a text factor is never read as a number.
    let e =
        allywar::estimate::estimate(&df, "Days ~ C(Age, ref=F9)", Model::Gaussian, &"classical".parse().unwrap()).unwrap_err().to_string();
    assert!(e.contains("F9 is not a level of Age in the sample; its levels: F0, F1, F2, F3"), "{e}");
    let e =
        allywar::estimate::estimate(&df, "Days ~ C(Age) + Age", Model::Gaussian, &"classical".parse().unwrap()).unwrap_err().to_string();
    assert!(e.contains("column `Age` is str, not numeric: use it as a factor (`C(Age)`)"), "{e}");
    // A prediction cannot set a text factor to a number; it names the levels instead.
    let opts = allywar::estimate::Options { predictions: vec![[("Eth".to_string(), 1.0)].into()], ..Default::default() };
    let e = allywar::estimate::estimate_with(&df, "Days ~ C(Eth) + C(Age)", Model::Poisson, &"hc1".parse().unwrap(), &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`Eth` is a text factor (levels A, N)") && e.contains("most common level (N)"), "{e}");
    // Categorical (dictionary) columns are factors too, with the same numbers.
    let cat = df.clone().lazy().with_column(col("Age").cast(DataType::from_categories(Categories::global()))).collect().unwrap();
    let c = allywar::estimate::estimate(&cat, "Days ~ C(Age) + C(Lrn)", Model::Gaussian, &"hc1".parse().unwrap()).unwrap();
    let s = allywar::estimate::estimate(&df, "Days ~ C(Age) + C(Lrn)", Model::Gaussian, &"hc1".parse().unwrap()).unwrap();
    assert_eq!(serde_json::to_string(&c.coefficients).unwrap(), serde_json::to_string(&s.coefficients).unwrap());
}

/// The speed-ups that share work are exact: a design read once for several sets of fixed
/// effects equals each variant's own design, bit for bit; demeaning while copying equals copying
/// then demeaning; splits computed on one thread equal splits on two.
#[test]
fn shared_work_gives_the_same_bits() {
    use allywar::estimate::design::design_with;
    use allywar::estimate::formula::parse;
    use allywar::estimate::variants::Variants;
    let df = data();
    let base = "y_bin ~ x1 + x2 + x3 + C(year)";
    let sets: Vec<Vec<String>> = vec![vec![], vec!["ccode1".into()], vec!["dyad_id".into(), "year".into()]];
    let required = ["dyad_id", "ccode2"];
    let shared = Variants::new(&df, &parse(base).unwrap(), &sets, &required).unwrap().expect("shareable: no key is missing");
    for fe in &sets {
        let text = if fe.is_empty() { base.to_string() } else { format!("{base} | {}", fe.join(" + ")) };
        let mut f = parse(&text).unwrap();
        f.intercept = fe.is_empty();
        let own = design_with(&df, &f, &required).unwrap();
        let got = shared.design(&df, fe).unwrap();
        assert_eq!(
            (&got.terms, &got.rows, &got.fe, &got.fe_names, &got.collinear, &got.dropped),
            (&own.terms, &own.rows, &own.fe, &own.fe_names, &own.collinear, &own.dropped),
            "{text}"
        );
        assert!(got.x.iter().zip(&own.x).all(|(a, b)| a.to_bits() == b.to_bits()) && got.x.len() == own.x.len(), "{text}");
        assert_eq!(format!("{:?}", got.means), format!("{:?}", own.means));
    }
    // A key missing in some rows: sharing would not be exact, so it is refused.
    let gap = df
        .clone()
        .lazy()
        .with_column(when(col("x1").gt(lit(1.5))).then(lit(NULL)).otherwise(col("ccode1")).alias("ccode1"))
        .collect()
        .unwrap();
    assert!(Variants::new(&gap, &parse(base).unwrap(), &sets, &required).unwrap().is_none());

    let d = design(&df, "y_lin", &["x1", "x2", "x3"], true).unwrap();
    let g: Vec<u32> = ints(&df, "ccode1").iter().map(|&c| (c / 10) as u32).collect();
    let g: Vec<u32> = d.rows.iter().map(|&i| g[i]).collect();
    let w: Vec<f64> = (0..d.n()).map(|i| 0.5 + (i % 7) as f64 / 3.0).collect();
    let z: Vec<f64> = d.y.iter().map(|y| y * 1.5 - 0.25).collect();
    let (k, c) = (d.k(), d.k() + 1);
    let mut copied: Vec<f64> = (0..d.n()).flat_map(|i| std::iter::once(z[i]).chain(d.row(i).iter().copied())).collect();
    allywar::estimate::absorb::demean(std::slice::from_ref(&g), &w, &mut copied, c);
    let mut direct = vec![0.0; d.n() * c];
    allywar::estimate::absorb::demeaned_into(&g, &w, Some(&z), &d.x, k, &mut direct);
    assert!(copied.iter().zip(&direct).all(|(a, b)| a.to_bits() == b.to_bits()));

    let part = |r: std::ops::Range<usize>| vec![r.map(|i| (i as f64).sqrt().sin()).sum::<f64>()];
    let two = allywar::estimate::split::sum_halves(100_001, part);
    let one = allywar::estimate::split::on_this_thread(|| allywar::estimate::split::sum_halves(100_001, part));
    assert_eq!(two[0].to_bits(), one[0].to_bits());
}
