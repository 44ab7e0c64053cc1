//! A whole estimate as users see it: the coefficient table, the model-level numbers (broom's
//! `glance`), and a statsmodels-like text summary. Serialized as the JSON of `allywar fit --out`.

use super::formula::{parse, Formula};
use super::{average_marginal_effects, design_with, fit, tidy, vcov, EstimateError, Family, Margin, Term, Variance};
use polars::prelude::*;
use serde::Serialize;
use statrs::function::gamma::ln_gamma;
use std::fmt::Write as _;

/// Model-level numbers, in broom's names.
#[derive(Debug, Clone, Serialize)]
#[allow(non_snake_case)]
pub struct Glance {
    /// Observations used.
    pub nobs: usize,
    /// Log-likelihood.
    pub logLik: f64,
    /// Akaike information criterion, −2 log L + 2k (k coefficients, as statsmodels).
    pub AIC: f64,
    /// Bayesian information criterion, −2 log L + k ln n.
    pub BIC: f64,
    /// R² for OLS, McFadden's pseudo-R² (1 − log L / log L₀) for the ML models.
    pub r_squared: f64,
    /// Clusters of a clustered variance.
    pub n_clusters: Option<usize>,
    /// Rows dropped for a missing value in the model's columns.
    pub n_dropped: usize,
    /// Whether the fit converged.
    pub converged: bool,
    /// Iterations used.
    pub iterations: usize,
    /// Whether the variance matrix is positive definite.
    pub vcov_positive_definite: bool,
}

/// An estimate: what was asked and what came out.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// The formula as given.
    pub formula: String,
    /// Model name (`ols`, `logit`, `poisson`).
    pub model: String,
    /// Variance type as given (`cluster:dyad_id`, ...).
    pub variance: String,
    /// Coefficient table.
    pub coefficients: Vec<Term>,
    /// Regressors dropped as linear combinations of earlier ones.
    pub dropped_collinear: Vec<String>,
    /// Average marginal effects on the mean outcome, with delta-method SEs under the chosen
    /// variance.
    pub margins: Vec<Margin>,
    /// Model-level numbers.
    pub glance: Glance,
}

/// The model name of a family.
pub fn model_name(f: Family) -> &'static str {
    match f {
        Family::Gaussian => "ols",
        Family::Logit => "logit",
        Family::Poisson => "poisson",
    }
}

/// The columns a variance type names (`cluster:dyad_id` → `dyad_id`).
pub fn variance_columns(spec: &str) -> Result<Vec<String>, EstimateError> {
    Ok(variance_spec(spec)?.1)
}

/// Reads `classical`, `hc0`, `hc1`, `hc3`, `cluster:VAR`, `twoway:A,B`, `dyadic:A,B` into the
/// kind and the columns it needs.
fn variance_spec(spec: &str) -> Result<(&str, Vec<String>), EstimateError> {
    let (kind, cols) = spec.split_once(':').unwrap_or((spec, ""));
    let cols: Vec<String> = cols.split(',').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect();
    let want = match kind {
        "classical" | "hc0" | "hc1" | "hc3" => 0,
        "cluster" => 1,
        "twoway" | "dyadic" => 2,
        _ => usize::MAX,
    };
    if want != cols.len() {
        return Err(EstimateError::VarianceSpec(spec.to_string()));
    }
    Ok((kind, cols))
}

fn groups(df: &DataFrame, col: &str, rows: &[usize]) -> Result<Vec<i64>, EstimateError> {
    let c = df.column(col)?.cast(&DataType::Int64)?;
    let ca = c.i64()?;
    Ok(rows.iter().map(|&i| ca.get(i).unwrap_or_default()).collect())
}

/// Null log-likelihood (intercept only) of the ML families, in closed form.
fn null_loglik(family: Family, y: &[f64]) -> f64 {
    let n = y.len() as f64;
    let ybar = y.iter().sum::<f64>() / n;
    match family {
        Family::Logit if ybar > 0.0 && ybar < 1.0 => n * (ybar * ybar.ln() + (1.0 - ybar) * (1.0 - ybar).ln()),
        Family::Poisson if ybar > 0.0 => y.iter().map(|v| v * ybar.ln() - ybar - ln_gamma(v + 1.0)).sum(),
        _ => 0.0,
    }
}

/// Fits `formula` to `df` as `family` with the variance `se` (see [`Variance`] for the names).
pub fn estimate(df: &DataFrame, formula: &str, family: Family, se: &str) -> Result<Results, EstimateError> {
    let Formula { outcome, terms, intercept } = parse(formula)?;
    let (kind, cols) = variance_spec(se)?;
    let regressors: Vec<&str> = terms.iter().map(String::as_str).collect();
    let required: Vec<&str> = cols.iter().map(String::as_str).collect();
    let d = design_with(df, &outcome, &regressors, intercept, &required)?;
    let f = fit(&d, family)?;
    let variance = match kind {
        "classical" => Variance::Classical,
        "hc0" => Variance::Hc0,
        "hc1" => Variance::Hc1,
        "hc3" => Variance::Hc3,
        "cluster" => Variance::Cluster(groups(df, &cols[0], &d.rows)?),
        "twoway" => Variance::TwoWay(groups(df, &cols[0], &d.rows)?, groups(df, &cols[1], &d.rows)?),
        _ => Variance::Dyadic(groups(df, &cols[0], &d.rows)?, groups(df, &cols[1], &d.rows)?),
    };
    let v = vcov(&d, &f, &variance)?;
    let (n, k) = (d.n() as f64, d.k() as f64);
    let r_squared = if family == Family::Gaussian {
        let ybar = d.y.iter().sum::<f64>() / n;
        let tss: f64 = d.y.iter().map(|y| (y - ybar).powi(2)).sum();
        1.0 - f.resid.iter().map(|r| r * r).sum::<f64>() / tss
    } else {
        1.0 - f.loglik / null_loglik(family, &d.y)
    };
    Ok(Results {
        formula: formula.to_string(),
        model: model_name(family).to_string(),
        variance: se.to_string(),
        coefficients: tidy(&d, &f, &variance, &v, 0.95),
        dropped_collinear: d.collinear.clone(),
        margins: average_marginal_effects(&d, &f, &v),
        glance: Glance {
            nobs: d.n(),
            logLik: f.loglik,
            AIC: -2.0 * f.loglik + 2.0 * k,
            BIC: -2.0 * f.loglik + k * n.ln(),
            r_squared,
            n_clusters: v.n_clusters,
            n_dropped: d.n_dropped,
            converged: f.converged,
            iterations: f.iterations,
            vcov_positive_definite: v.positive_definite,
        },
    })
}

impl Results {
    /// The average marginal effects as text.
    pub fn margins_text(&self) -> String {
        let width = self.margins.iter().map(|m| m.term.len()).max().unwrap_or(4).max(4);
        let mut s = format!("average marginal effects (dy/dx over the sample, delta-method SEs, {}):\n", self.variance);
        let _ = writeln!(s, "{:<width$} {:>11} {:>10}", "term", "dy/dx", "std_error");
        for m in &self.margins {
            let _ = writeln!(s, "{:<width$} {:>11.5} {:>10.5}", m.term, m.estimate, m.std_error);
        }
        s
    }

    /// A statsmodels-like text summary.
    pub fn summary(&self) -> String {
        let g = &self.glance;
        let mut s = String::new();
        let _ = writeln!(s, "{}: {}", self.model, self.formula);
        let _ = writeln!(
            s,
            "N = {}; {} rows dropped for missing values; {} in {} iteration{}",
            g.nobs,
            g.n_dropped,
            if g.converged { "converged" } else { "NOT converged" },
            g.iterations,
            if g.iterations == 1 { "" } else { "s" }
        );
        if !self.dropped_collinear.is_empty() {
            let _ = writeln!(s, "dropped as collinear with earlier regressors: {}", self.dropped_collinear.join(", "));
        }
        let clusters = g.n_clusters.map(|c| format!(" ({c} clusters)")).unwrap_or_default();
        let _ =
            writeln!(s, "variance: {}{clusters}{}", self.variance, if g.vcov_positive_definite { "" } else { " — NOT positive definite" });
        let width = self.coefficients.iter().map(|t| t.term.len()).max().unwrap_or(4).max(4);
        let _ = writeln!(
            s,
            "{:<width$} {:>11} {:>10} {:>9} {:>9} {:>11} {:>11}",
            "term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"
        );
        for t in &self.coefficients {
            let _ = writeln!(
                s,
                "{:<width$} {:>11.5} {:>10.5} {:>9.3} {:>9.4} {:>11.5} {:>11.5}",
                t.term, t.estimate, t.std_error, t.statistic, t.p_value, t.conf_low, t.conf_high
            );
        }
        let r2 = if self.model == "ols" { "R²" } else { "pseudo-R² (McFadden)" };
        let _ = writeln!(s, "log-likelihood {:.4}; AIC {:.4}; BIC {:.4}; {r2} {:.4}", g.logLik, g.AIC, g.BIC, g.r_squared);
        s
    }
}
