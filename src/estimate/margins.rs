//! Average marginal effects as Stata's `margins, dydx(*)` reports them: for each column the
//! regressors read, the mean over the sample of ∂μ_i/∂x through every term the column enters
//! (polynomials, `I()`, `log()`, interactions), or, for a factor level or a 0/1 column, the
//! discrete change mean μ(x = 1) − mean μ(x = 0) (a level against the reference, the other
//! levels off); with delta-method standard errors from the fit's variance matrix.
//!
//! A 0/1 column and a two-level factor get statsmodels' `get_margeff(dummy=True)`; a factor
//! with more levels gets Stata's contrast of each level with the reference, where statsmodels
//! would leave the other levels' indicators as observed.

use super::columns::{factor_codes, floats};
use super::design::{Design, Part};
use super::error::EstimateError;
use super::model::{Fit, Model};
use super::predict::Prediction;
use super::vcov::Vcov;
use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};
use std::collections::BTreeMap;

/// How a margin was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MarginKind {
    /// The average derivative ∂μ/∂x.
    #[default]
    Derivative,
    /// The average change of μ from x = 0 (or the reference level) to x = 1 (or the level).
    DiscreteChange,
}

/// One average marginal effect.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Margin {
    /// The column (a factor level as its term, `C(x)[T.l]`).
    pub term: String,
    /// Derivative or discrete change.
    #[serde(default)]
    pub kind: MarginKind,
    /// The average effect over the sample.
    pub estimate: f64,
    /// Delta-method standard error.
    pub std_error: f64,
    /// estimate / std_error.
    #[serde(default)]
    pub statistic: f64,
    /// Two-sided p-value (normal).
    #[serde(default)]
    pub p_value: f64,
    /// Lower end of the 95% interval.
    #[serde(default)]
    pub conf_low: f64,
    /// Upper end of the 95% interval.
    #[serde(default)]
    pub conf_high: f64,
}

impl Margin {
    fn new(term: String, kind: MarginKind, estimate: f64, grad: &[f64], v: &Vcov) -> Margin {
        let k = grad.len();
        let var: f64 = (0..k).map(|a| (0..k).map(|b| grad[a] * v.matrix[(a, b)] * grad[b]).sum::<f64>()).sum();
        let std_error = var.max(0.0).sqrt();
        let statistic = estimate / std_error;
        let p_value = 2.0 * (1.0 - Normal::standard().cdf(statistic.abs()));
        let z = 1.959963984540054;
        Margin {
            term,
            kind,
            estimate,
            std_error,
            statistic,
            p_value,
            conf_low: estimate - z * std_error,
            conf_high: estimate + z * std_error,
        }
    }
}

/// The frame's columns the regressors read, in order of first appearance, each over the
/// design's rows (a text factor as its level codes, as the design reads it).
pub(super) fn inputs(df: &DataFrame, d: &Design) -> Result<Vec<(String, Vec<f64>)>, EstimateError> {
    let mut names: Vec<String> = Vec::new();
    for p in d.parts.iter().flatten() {
        match p {
            Part::Value(e) => e.columns(&mut names),
            Part::Level(c, _) if !names.contains(c) => names.push(c.clone()),
            Part::Level(..) => {}
        }
    }
    names
        .into_iter()
        .map(|c| {
            let all = if d.text_levels.contains_key(&c) { factor_codes(df, &c)?.0 } else { floats(df, &c)? };
            let values = d.rows.iter().map(|&i| all[i]).collect();
            Ok((c, values))
        })
        .collect()
}

/// The average marginal effect of every column the regressors read. None for the ordered and
/// multinomial logits (several means, one per level) and with absorbed fixed effects (whose
/// estimates the delta method would need).
pub fn average_marginal_effects(df: &DataFrame, d: &Design, f: &Fit, v: &Vcov) -> Result<Vec<Margin>, EstimateError> {
    if matches!(f.model, Model::OLogit | Model::MLogit) || !d.fe.is_empty() {
        return Ok(Vec::new());
    }
    let raw = inputs(df, d)?;
    let index: BTreeMap<&str, usize> = raw.iter().enumerate().map(|(j, (c, _))| (c.as_str(), j)).collect();
    let mut out = Vec::new();
    for (c, values) in &raw {
        let levels = factor_levels(d, c);
        if !levels.is_empty() {
            let mut seen: Vec<f64> = values.clone();
            seen.sort_by(f64::total_cmp);
            seen.dedup();
            // The reference is the level without a column of its own.
            let Some(&reference) = seen.iter().find(|l| !levels.iter().any(|(v, _)| v == *l)) else { continue };
            for (level, term) in levels {
                let (estimate, grad) = discrete_change(d, f, &raw, &index, c, reference, level);
                out.push(Margin::new(term, MarginKind::DiscreteChange, estimate, &grad, v));
            }
        } else if values.iter().all(|&x| x == 0.0 || x == 1.0) && values.contains(&0.0) && values.contains(&1.0) {
            let (estimate, grad) = discrete_change(d, f, &raw, &index, c, 0.0, 1.0);
            out.push(Margin::new(c.clone(), MarginKind::DiscreteChange, estimate, &grad, v));
        } else {
            let (estimate, grad) = derivative(d, f, &raw, &index, c);
            out.push(Margin::new(c.clone(), MarginKind::Derivative, estimate, &grad, v));
        }
    }
    Ok(out)
}

/// The levels of factor `c` that have a column, with their term names (`C(c)[T.l]`).
fn factor_levels(d: &Design, c: &str) -> Vec<(f64, String)> {
    let mut out: Vec<(f64, String)> = Vec::new();
    for (parts, name) in d.parts.iter().zip(&d.terms) {
        for p in parts {
            if let Part::Level(col, l) = p {
                if col == c && !out.iter().any(|(v, _)| v == l) {
                    let prefix = format!("C({c})[");
                    let term = name.split(':').find(|s| s.starts_with(&prefix)).unwrap_or(name).to_string();
                    out.push((*l, term));
                }
            }
        }
    }
    out
}

/// The design columns whose value reads column `c` (the others keep their observed values when
/// `c` is set).
fn reading(d: &Design, c: &str) -> Vec<usize> {
    let reads = |p: &Part| match p {
        Part::Value(e) => {
            let mut cols = Vec::new();
            e.columns(&mut cols);
            cols.iter().any(|x| x == c)
        }
        Part::Level(col, _) => col == c,
    };
    (0..d.k()).filter(|&j| d.parts[j].iter().any(reads)).collect()
}

/// Design column `parts` evaluated on `get` (NaN where a value is undefined).
fn column_at(parts: &[Part], get: &dyn Fn(&str) -> Option<f64>) -> f64 {
    parts
        .iter()
        .try_fold(1.0, |acc, p| {
            Some(
                acc * match p {
                    Part::Value(e) => e.eval(get)?,
                    Part::Level(col, v) => f64::from(get(col)? == *v),
                },
            )
        })
        .unwrap_or(f64::NAN)
}

/// Row `i`'s regressors with column `c` set to `value`, written into `x`: the observed row, with
/// the columns in `reads` evaluated again.
#[allow(clippy::too_many_arguments)]
fn row_with(
    d: &Design,
    raw: &[(String, Vec<f64>)],
    index: &BTreeMap<&str, usize>,
    reads: &[usize],
    i: usize,
    c: &str,
    value: f64,
    x: &mut [f64],
) {
    x.copy_from_slice(d.row(i));
    let get = |name: &str| if name == c { Some(value) } else { index.get(name).map(|&j| raw[j].1[i]) };
    for &j in reads {
        x[j] = column_at(&d.parts[j], &get);
    }
}

fn dot(x: &[f64], b: &[f64]) -> f64 {
    x.iter().zip(b).map(|(x, b)| x * b).sum()
}

/// mean μ(c = to) − mean μ(c = from) and its gradient in β.
fn discrete_change(
    d: &Design,
    f: &Fit,
    raw: &[(String, Vec<f64>)],
    index: &BTreeMap<&str, usize>,
    c: &str,
    from: f64,
    to: f64,
) -> (f64, Vec<f64>) {
    let (n, k) = (d.n(), d.k());
    let (mut estimate, mut grad) = (0.0, vec![0.0; k]);
    let reads = reading(d, c);
    let (mut x0, mut x1) = (vec![0.0; k], vec![0.0; k]);
    for i in 0..n {
        row_with(d, raw, index, &reads, i, c, from, &mut x0);
        row_with(d, raw, index, &reads, i, c, to, &mut x1);
        let (e0, e1) = (dot(&x0, &f.beta), dot(&x1, &f.beta));
        estimate += f.model.mean(e1) - f.model.mean(e0);
        let (s0, s1) = (f.model.slopes(e0).0, f.model.slopes(e1).0);
        for (g, (a, b)) in grad.iter_mut().zip(x1.iter().zip(&x0)) {
            *g += s1 * a - s0 * b;
        }
    }
    let n = n as f64;
    (estimate / n, grad.into_iter().map(|g| g / n).collect())
}

/// mean ∂μ/∂c through every column that reads c, and its gradient in β:
/// ∂/∂β_l mean(μ'(η) Σ_j β_j ∂x_j/∂c) = mean(μ''(η) x_l Σ_j β_j ∂x_j/∂c + μ'(η) ∂x_l/∂c).
fn derivative(d: &Design, f: &Fit, raw: &[(String, Vec<f64>)], index: &BTreeMap<&str, usize>, c: &str) -> (f64, Vec<f64>) {
    let (n, k) = (d.n(), d.k());
    let (mut estimate, mut grad) = (0.0, vec![0.0; k]);
    // Columns that do not read c have no derivative in it: they stay 0.
    let reads = reading(d, c);
    let mut dx = vec![0.0; k];
    for i in 0..n {
        let get = |name: &str| index.get(name).map(|&j| raw[j].1[i]);
        for &j in &reads {
            let (slot, parts) = (&mut dx[j], &d.parts[j]);
            // The product rule over the column's parts.
            let (_, dv) = parts.iter().fold((1.0, 0.0), |(v, dv), p| {
                let (pv, pd) = match p {
                    Part::Value(e) => e.eval_derivative(c, &get).unwrap_or((f64::NAN, f64::NAN)),
                    Part::Level(col, l) => (f64::from(get(col) == Some(*l)), 0.0),
                };
                (v * pv, dv * pv + v * pd)
            });
            *slot = dv;
        }
        let x = d.row(i);
        let (slope, curvature) = f.model.slopes(dot(x, &f.beta));
        let through = dot(&dx, &f.beta);
        estimate += slope * through;
        for ((g, xl), dl) in grad.iter_mut().zip(x).zip(&dx) {
            *g += curvature * xl * through + slope * dl;
        }
    }
    let n = n as f64;
    (estimate / n, grad.into_iter().map(|g| g / n).collect())
}

/// The average prediction over the sample with `column` set to each of `values` and every other
/// column as observed (Stata's `margins, at(column = (values))`), with delta-method intervals.
pub fn average_predictions(
    df: &DataFrame,
    d: &Design,
    f: &Fit,
    v: &Vcov,
    column: &str,
    values: &[f64],
) -> Result<Vec<Prediction>, EstimateError> {
    if matches!(f.model, Model::OLogit | Model::MLogit) || !d.fe.is_empty() {
        return Err(EstimateError::Unsupported {
            what: "margins at values are not made for the ordered and multinomial logits or with absorbed fixed effects".into(),
        });
    }
    let raw = inputs(df, d)?;
    if !raw.iter().any(|(c, _)| c == column) || d.text_levels.contains_key(column) {
        let numeric: Vec<&str> = raw.iter().map(|(c, _)| c.as_str()).filter(|c| !d.text_levels.contains_key(*c)).collect();
        return Err(EstimateError::Unsupported {
            what: format!(
                "`{column}` is not a numeric column of the model's regressors{}; they read: {}",
                crate::suggest::did_you_mean(column, numeric.iter().copied()),
                numeric.join(", ")
            ),
        });
    }
    let index: BTreeMap<&str, usize> = raw.iter().enumerate().map(|(j, (c, _))| (c.as_str(), j)).collect();
    let (n, k) = (d.n(), d.k());
    let reads = reading(d, column);
    let mut x = vec![0.0; k];
    Ok(values
        .iter()
        .map(|&value| {
            let (mut estimate, mut grad) = (0.0, vec![0.0; k]);
            for i in 0..n {
                row_with(d, &raw, &index, &reads, i, column, value, &mut x);
                let eta = dot(&x, &f.beta);
                estimate += f.model.mean(eta);
                let slope = f.model.slopes(eta).0;
                grad.iter_mut().zip(&x).for_each(|(g, x)| *g += slope * x);
            }
            grad.iter_mut().for_each(|g| *g /= n as f64);
            let m = Margin::new(String::new(), MarginKind::Derivative, estimate / n as f64, &grad, v);
            Prediction {
                at: BTreeMap::from([(column.to_string(), value)]),
                estimate: m.estimate,
                std_error: m.std_error,
                conf_low: m.conf_low,
                conf_high: m.conf_high,
            }
        })
        .collect())
}
