//! A whole estimate as users see it: the coefficient table, the model-level numbers (broom's
//! `glance`), and a statsmodels-like text summary. Serialized as the JSON of `allywar fit --out`.

use super::columns::group_ids;
use super::design::{design_with, Design};
use super::error::EstimateError;
use super::formula::parse;
use super::glm::fit_with;
use super::margins::{average_marginal_effects, average_predictions, Margin};
use super::model::{Control, Estimator, Fit, Model};
use super::predict::{first_difference, predict, FirstDifference, Prediction};
use super::tidy::{tidy, Term};
use super::variants::Variants;
use super::vcov::{vcov_with, Meats, Variance, VarianceSpec};
use crate::timing::Stage;
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use statrs::function::gamma::ln_gamma;
use std::collections::BTreeMap;

/// Model-level numbers, in broom's names.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Rows dropped: a missing value in the model's columns, an undefined regressor, or a
    /// fixed-effect group whose outcome never varies.
    pub n_dropped: usize,
    /// Why they were dropped, with counts.
    pub dropped: BTreeMap<String, usize>,
    /// Whether the fit converged.
    pub converged: bool,
    /// Iterations used.
    pub iterations: usize,
    /// Whether the variance matrix is positive definite.
    pub vcov_positive_definite: bool,
}

/// An estimate: what was asked and what came out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    /// The formula as given.
    pub formula: String,
    /// The estimator (`ols`, `logit`, `probit`, `poisson`, `negbin`, `ologit`, `mlogit`, `relogit`).
    pub model: Estimator,
    /// The variance type (`cluster:dyad_id`, ...).
    pub variance: VarianceSpec,
    /// Coefficient table.
    pub coefficients: Vec<Term>,
    /// Regressors dropped as linear combinations of earlier ones.
    pub dropped_collinear: Vec<String>,
    /// Average marginal effects on the mean outcome, with delta-method SEs under the chosen
    /// variance.
    pub margins: Vec<Margin>,
    /// Expected outcomes at chosen values.
    pub predictions: Vec<Prediction>,
    /// Average predictions over the sample with one column set to each value of a grid
    /// (Stata's `margins, at()`).
    #[serde(default)]
    pub margins_at: Vec<Prediction>,
    /// First differences with simulated intervals.
    pub first_differences: Vec<FirstDifference>,
    /// Absorbed fixed effects.
    pub fixed_effects: Vec<FixedEffect>,
    /// Mean of dμ/dη over the sample: a coefficient times it is the average partial effect of a
    /// continuous regressor on the expected outcome (Wooldridge's scale factor; 1 for OLS).
    #[serde(skip)]
    pub scale: f64,
    /// Model-level numbers.
    pub glance: Glance,
    /// The variance matrix of the coefficients, in the coefficient table's order (not in the
    /// JSON: `fit --out` and results.json give the standard errors).
    #[serde(skip)]
    pub vcov: Vec<Vec<f64>>,
}

/// An absorbed fixed effect.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FixedEffect {
    /// Column.
    pub name: String,
    /// Groups in the estimation sample.
    pub groups: usize,
    /// Groups dropped because their outcome never varies (logit: all 0 or all 1; Poisson: all 0).
    pub groups_dropped: usize,
}

/// What else to compute and how to iterate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Iteration limits.
    pub control: Control,
    /// Expected outcomes at these settings of columns (the rest at their means).
    pub predictions: Vec<BTreeMap<String, f64>>,
    /// First differences: column, from, to.
    pub first_differences: Vec<(String, f64, f64)>,
    /// Simulation draws for first differences.
    pub sims: usize,
    /// Seed of the simulation.
    pub seed: u64,
    /// Average marginal effects (a multiverse, which reads one coefficient, skips them).
    pub margins: bool,
    /// Average predictions with this column set to each of these values.
    pub margins_at: Option<(String, Vec<f64>)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            control: Control::default(),
            predictions: Vec::new(),
            first_differences: Vec::new(),
            sims: 1000,
            seed: 20010101,
            margins_at: None,
            margins: true,
        }
    }
}

/// State codes as numbers, the same state the same number in both columns (dyadic clustering).
fn states(df: &DataFrame, col: &str, rows: &[usize]) -> Result<Vec<i64>, EstimateError> {
    let c = df.column(col)?;
    if !c.dtype().is_integer() {
        return Err(EstimateError::NotNumeric { name: col.to_string(), dtype: c.dtype().to_string() });
    }
    let c = c.cast(&DataType::Int64)?;
    let ca = c.i64()?;
    Ok(rows.iter().map(|&i| ca.get(i).unwrap_or_default()).collect())
}

/// Log-likelihood of the model with an intercept only (the cutpoints only, for the ordered
/// logit), for McFadden's pseudo-R².
fn null_loglik(model: Model, y: &[f64], control: Control) -> Result<f64, EstimateError> {
    let n = y.len() as f64;
    let ybar = y.iter().sum::<f64>() / n;
    let xlogx = |c: f64| if c > 0.0 { c * (c / n).ln() } else { 0.0 };
    Ok(match model {
        Model::Poisson => y.iter().map(|v| v * ybar.ln() - ybar - ln_gamma(v + 1.0)).sum(),
        Model::NegBin => {
            let df = df!("y" => y)?;
            let mut d = super::design::design(&df, "y", &[], true)?;
            super::glm::fit_with(&mut d, model, control)?.loglik
        }
        Model::OLogit | Model::MLogit => {
            let mut counts: BTreeMap<i64, f64> = BTreeMap::new();
            for v in y {
                *counts.entry((v * 1e6).round() as i64).or_default() += 1.0;
            }
            counts.values().map(|&c| xlogx(c)).sum()
        }
        Model::Gaussian => f64::NAN,
        _ => xlogx(ybar * n) + xlogx((1.0 - ybar) * n),
    })
}

/// Fits `formula` to `df` as `model` with the variance `se` (see [`Variance`] for the names).
pub fn estimate(df: &DataFrame, formula: &str, model: Model, se: &VarianceSpec) -> Result<Results, EstimateError> {
    estimate_with(df, formula, model, se, &Options::default())
}

/// As [`estimate`], with predictions, first differences and iteration limits.
pub fn estimate_with(df: &DataFrame, formula: &str, model: Model, se: &VarianceSpec, options: &Options) -> Result<Results, EstimateError> {
    let mut each = estimate_each(df, formula, &[(model, vec![se.clone()])], options)?;
    each.pop().and_then(|mut m| m.pop()).unwrap_or(Err(EstimateError::Singular))
}

/// A model of a shared fit and the variance types wanted of it.
pub type Wanted = (Model, Vec<VarianceSpec>);

/// The results of one design: per model wanted, per variance type (the inner error: that model
/// or variance failed).
pub type Each = Vec<Vec<Result<Results, EstimateError>>>;

/// Fits `formula` once per model on one design, and gives the results under each of the model's
/// variance types (the outer error: the design could not be built; the inner: that model or
/// variance failed). A rare-events logit beside a logit corrects the logit's fit instead of
/// fitting again. Each result equals what [`estimate_with`] gives for that model and variance.
pub fn estimate_each(df: &DataFrame, formula: &str, wanted: &[Wanted], options: &Options) -> Result<Each, EstimateError> {
    let mut parsed = parse(formula)?;
    // Cutpoints (ordered logit) and fixed effects take the intercept's place.
    let ordered = wanted.iter().any(|(m, _)| *m == Model::OLogit);
    if ordered && wanted.len() > 1 {
        return Err(EstimateError::Unsupported { what: "an ordered logit is fitted on a design of its own".into() });
    }
    if ordered || !parsed.fixed_effects.is_empty() {
        parsed.intercept = false;
    }
    let required = variance_columns(wanted);
    let t = Stage::start();
    let design = design_with(df, &parsed, &required)?;
    t.done("estimate: design");
    Ok(fit_each(df, formula, design, wanted, options, &mut GroupIds::default()))
}

/// One formula under several sets of absorbed fixed effects (`variants`: the set, and the models
/// and variances wanted of it), its design read from the frame once for all of them (see
/// [`Variants`]); each result equal to what
/// [`estimate_each`] gives for the formula with that set's `| fe` (the outer error: that
/// variant's design failed).
pub fn estimate_variants(
    df: &DataFrame,
    formula: &str,
    variants: &[(Vec<String>, Vec<Wanted>)],
    options: &Options,
) -> Vec<Result<Each, EstimateError>> {
    let with_fe = |fe: &[String]| if fe.is_empty() { formula.to_string() } else { format!("{formula} | {}", fe.join(" + ")) };
    let each = || variants.iter().map(|(fe, wanted)| estimate_each(df, &with_fe(fe), wanted, options)).collect();
    let parsed = match parse(formula) {
        Ok(p) if p.fixed_effects.is_empty() && !variants.iter().flat_map(|(_, w)| w).any(|(m, _)| *m == Model::OLogit) => p,
        _ => return each(),
    };
    let wanted_all: Vec<Wanted> = variants.iter().flat_map(|(_, w)| w.iter().cloned()).collect();
    let required = variance_columns(&wanted_all);
    let fe_sets: Vec<Vec<String>> = variants.iter().map(|(fe, _)| fe.clone()).collect();
    let t = Stage::start();
    let shared = match Variants::new(df, &parsed, &fe_sets, &required) {
        Ok(Some(shared)) => shared,
        // Not exactly shareable, or failing: each variant on its own says why.
        _ => return each(),
    };
    t.done("estimate: design (shared)");
    let mut ids = GroupIds::default();
    // A fit with absorbed effects changes its design (rows of groups whose outcome never varies,
    // columns absorbed): each such model gets its own copy, made when its turn comes, so no more
    // than one copy beside the shared design is alive; the very last fit takes the shared design.
    let mut jobs: Vec<(usize, Vec<Wanted>)> = Vec::new();
    for (v, (fe, wanted)) in variants.iter().enumerate() {
        if fe.is_empty() {
            jobs.push((v, wanted.clone()));
        } else {
            jobs.extend(wanted.iter().map(|w| (v, vec![w.clone()])));
        }
    }
    let mut out: Vec<Result<Each, EstimateError>> = variants.iter().map(|_| Ok(Vec::new())).collect();
    let mut shared = Some(shared);
    let last = jobs.len().saturating_sub(1);
    for (j, (v, wanted)) in jobs.into_iter().enumerate() {
        let fe = &variants[v].0;
        let design = match shared.take() {
            Some(s) if j == last => s.into_design(df, fe),
            Some(s) => {
                let d = s.design(df, fe);
                shared = Some(s);
                d
            }
            None => break,
        };
        let got = design.map(|d| fit_each(df, &with_fe(fe), d, &wanted, options, &mut ids));
        match (&mut out[v], got) {
            (Ok(all), Ok(more)) => all.extend(more),
            (slot @ Ok(_), Err(e)) => *slot = Err(e),
            (Err(_), _) => {}
        }
    }
    out
}

/// The frame columns the variances of `wanted` read.
fn variance_columns(wanted: &[Wanted]) -> Vec<&str> {
    // In order of first mention: the first missing one names a dropped row.
    let mut required: Vec<&str> = Vec::new();
    for c in wanted.iter().flat_map(|(_, ses)| ses.iter().flat_map(VarianceSpec::columns)) {
        if !required.contains(&c) {
            required.push(c);
        }
    }
    required
}

/// Fits each model of `wanted` on `design` and gives its results under each of its variances.
fn fit_each(df: &DataFrame, formula: &str, mut design: Design, wanted: &[Wanted], options: &Options, ids: &mut GroupIds) -> Each {
    let mut logit: Option<Fit> = None;
    let mut out = Vec::new();
    for (w, (model, ses)) in wanted.iter().enumerate() {
        let t = Stage::start();
        // A fit without absorbed effects leaves the design as it is; with them it drops rows and
        // columns, so each model gets its own copy.
        let fitted = match (model, &logit) {
            (Model::Relogit { tau }, Some(f)) => super::relogit::correct(&design, f.clone(), *tau).map(|f| (None, f)),
            _ if design.fe.is_empty() => fit_with(&mut design, *model, options.control).map(|f| (None, f)),
            _ => {
                // The last model to need the design takes it rather than a copy.
                let mut d = if w + 1 == wanted.len() { std::mem::take(&mut design) } else { design.clone() };
                fit_with(&mut d, *model, options.control).map(|f| (Some(d), f))
            }
        };
        match fitted {
            Err(e) => out.push(ses.iter().map(|_| Err(e.copied())).collect()),
            Ok((own, f)) => {
                let d = own.as_ref().unwrap_or(&design);
                t.done(&format!(
                    "estimate: fit {}{} ({} iterations)",
                    model.name(),
                    if d.fe.is_empty() { "" } else { " | fe" },
                    f.iterations
                ));
                let mut meats = Meats::default();
                out.push(ses.iter().map(|se| results(df, d, &f, formula, *model, se, options, ids, &mut meats)).collect());
                if *model == Model::Logit && own.is_none() {
                    logit = Some(f);
                }
            }
        }
    }
    out
}

/// Group numbers of the frame's columns, each computed once for all the fits of a design.
#[derive(Default)]
struct GroupIds(BTreeMap<String, Vec<Option<u32>>>);

impl GroupIds {
    /// The group of each design row in column `col`.
    fn of(&mut self, df: &DataFrame, col: &str, rows: &[usize]) -> Result<Vec<i64>, EstimateError> {
        if !self.0.contains_key(col) {
            self.0.insert(col.to_string(), group_ids(df, col)?);
        }
        let ids = &self.0[col];
        Ok(rows.iter().map(|&i| ids[i].map_or(-1, i64::from)).collect())
    }
}

/// The results of a fitted model under the variance `se`.
#[allow(clippy::too_many_arguments)]
fn results(
    df: &DataFrame,
    d: &Design,
    f: &Fit,
    formula: &str,
    model: Model,
    se: &VarianceSpec,
    options: &Options,
    ids: &mut GroupIds,
    meats: &mut Meats,
) -> Result<Results, EstimateError> {
    let t = Stage::start();
    let variance = match se {
        VarianceSpec::Classical => Variance::Classical,
        VarianceSpec::Hc0 => Variance::Hc0,
        VarianceSpec::Hc1 => Variance::Hc1,
        VarianceSpec::Hc3 => Variance::Hc3,
        VarianceSpec::Cluster(c) => Variance::Cluster(ids.of(df, c, &d.rows)?),
        VarianceSpec::TwoWay(a, b) => Variance::TwoWay(ids.of(df, a, &d.rows)?, ids.of(df, b, &d.rows)?),
        VarianceSpec::Dyadic(a, b) => Variance::Dyadic(states(df, a, &d.rows)?, states(df, b, &d.rows)?),
    };
    t.done("estimate: groups");
    let t = Stage::start();
    let v = vcov_with(d, f, &variance, meats).map_err(|e| match e {
        EstimateError::TooFewClusters { count, .. } => EstimateError::TooFewClusters { variance: se.to_string(), count },
        e => e,
    })?;
    t.done(&format!("estimate: variance {}", se.to_string().split(':').next().unwrap_or_default()));
    let t = Stage::start();
    let (n, p) = (d.n() as f64, f.p() as f64);
    let r_squared = if model == Model::Gaussian {
        let ybar = d.y.iter().sum::<f64>() / n;
        let tss: f64 = d.y.iter().map(|y| (y - ybar).powi(2)).sum();
        1.0 - f.resid.iter().map(|r| r * r).sum::<f64>() / tss
    } else {
        1.0 - f.loglik / null_loglik(model, &d.y, options.control)?
    };
    let predictions = options.predictions.iter().map(|at| predict(d, f, &v, at)).collect::<Result<_, _>>()?;
    let first_differences = options
        .first_differences
        .iter()
        .map(|(c, from, to)| first_difference(d, f, &v, c, *from, *to, options.sims, options.seed))
        .collect::<Result<_, _>>()?;
    let levels = super::absorb::levels(&d.fe);
    let fixed_effects = d
        .fe_names
        .iter()
        .enumerate()
        .map(|(j, name)| FixedEffect {
            name: name.clone(),
            groups: levels[j],
            groups_dropped: f.fe_groups_dropped.get(j).copied().unwrap_or(0),
        })
        .collect();
    // Absorbed levels count as parameters in the information criteria, as dummies would.
    let params = p + f.dof_absorbed as f64;
    let margins = if options.margins { average_marginal_effects(df, d, f, &v)? } else { Vec::new() };
    let margins_at = match &options.margins_at {
        Some((column, values)) => average_predictions(df, d, f, &v, column, values)?,
        None => Vec::new(),
    };
    t.done("estimate: quantities");
    Ok(Results {
        formula: formula.to_string(),
        model: model.estimator(),
        variance: se.clone(),
        coefficients: tidy(d, f, &variance, &v, 0.95),
        dropped_collinear: d.collinear.clone(),
        margins,
        margins_at,
        predictions,
        first_differences,
        fixed_effects,
        scale: f.eta.iter().map(|&e| model.slopes(e).0).sum::<f64>() / n,
        vcov: (0..v.matrix.nrows()).map(|i| (0..v.matrix.ncols()).map(|j| v.matrix[(i, j)]).collect()).collect(),
        glance: Glance {
            nobs: d.n(),
            logLik: f.loglik,
            AIC: -2.0 * f.loglik + 2.0 * params,
            BIC: -2.0 * f.loglik + params * n.ln(),
            r_squared,
            n_clusters: v.n_clusters,
            n_dropped: d.n_dropped,
            dropped: d.dropped.clone(),
            converged: f.converged,
            iterations: f.iterations,
            vcov_positive_definite: v.positive_definite,
        },
    })
}

impl Results {
    /// The JSON `fit --out` writes: allywar's version, the data used (`data`: files or datasets
    /// with their sha256), the formula, model, variance and every quantity, in broom's names.
    pub fn to_json(&self, data: serde_json::Value) -> serde_json::Value {
        serde_json::json!({
            "allywar": env!("CARGO_PKG_VERSION"),
            "data": data,
            "formula": self.formula,
            "model": self.model,
            "variance": self.variance,
            "coefficients": self.coefficients,
            "glance": self.glance,
            "margins": self.margins,
            "predictions": self.predictions,
            "margins_at": self.margins_at,
            "first_differences": self.first_differences,
            "fixed_effects": self.fixed_effects,
            "dropped_collinear": self.dropped_collinear,
        })
    }

    /// The outcome column.
    pub fn outcome(&self) -> &str {
        self.formula.split('~').next().unwrap_or_default().trim()
    }
}
