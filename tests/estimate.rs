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
    assert_eq!(compared, 19, "every model × variance type in the reference file");
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
        let got = estimate(&df, formula, family, se).unwrap();
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
}

#[test]
fn average_marginal_effects_match_statsmodels() {
    use allywar::estimate::average_marginal_effects;
    let r = reference();
    let df = data();
    for (model, outcome, family) in [("logit", "y_bin", Model::Logit), ("poisson", "y_cnt", Model::Poisson)] {
        let d = design(&df, outcome, &["x1", "x2", "x3"], true).unwrap();
        let f = fit(&d, family).unwrap();
        let v = vcov(&d, &f, &Variance::Classical).unwrap();
        let want = &r["margins"][model];
        let got = average_marginal_effects(&d, &f, &v);
        assert_eq!(got.len(), 3);
        for (j, m) in got.iter().enumerate() {
            assert_eq!(m.term, want["terms"][j].as_str().unwrap());
            close(m.estimate, want["estimate"][j].as_f64().unwrap(), &format!("{model} AME {}", m.term));
            close(m.std_error, want["std_error"][j].as_f64().unwrap(), &format!("{model} AME SE {}", m.term));
        }
    }
}
