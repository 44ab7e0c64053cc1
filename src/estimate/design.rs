//! The design of a model: outcome and regressor columns taken from a frame, rows with a missing
//! value dropped and counted (never turned into NaN).

use super::EstimateError;
use faer::{Mat, Side};
use polars::prelude::*;

/// Outcome, regressors (row-major, `n × k`) and what was dropped.
#[derive(Debug, Clone)]
pub struct Design {
    /// Outcome column.
    pub outcome: String,
    /// Outcome of each kept row.
    pub y: Vec<f64>,
    /// Regressors, row-major: row `i` is `x[i * k .. (i + 1) * k]`.
    pub x: Vec<f64>,
    /// Term names, in column order (`(Intercept)` first when there is one).
    pub terms: Vec<String>,
    /// Rows of the frame kept, in order.
    pub rows: Vec<usize>,
    /// Rows dropped for a missing value.
    pub n_dropped: usize,
    /// Regressors dropped because they are linear combinations of earlier ones (as R and Stata
    /// drop them), in order.
    pub collinear: Vec<String>,
}

impl Design {
    /// Observations.
    pub fn n(&self) -> usize {
        self.y.len()
    }

    /// Regressors.
    pub fn k(&self) -> usize {
        self.terms.len()
    }

    /// Row `i` of the regressors.
    pub fn row(&self, i: usize) -> &[f64] {
        let k = self.k();
        &self.x[i * k..(i + 1) * k]
    }
}

fn floats(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, EstimateError> {
    let Ok(c) = df.column(name) else {
        let names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
        let suggestion = names
            .iter()
            .map(|n| (strsim::jaro_winkler(&n.to_lowercase(), &name.to_lowercase()), n))
            .filter(|(s, _)| *s > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| n.clone());
        return Err(EstimateError::UnknownColumn { name: name.to_string(), suggestion });
    };
    let c = c.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().map(|v| v.filter(|v| !v.is_nan())).collect())
}

/// The design of `outcome ~ regressors` (with an intercept first when asked) over the rows of
/// `df` where every one of those columns has a value.
pub fn design(df: &DataFrame, outcome: &str, regressors: &[&str], intercept: bool) -> Result<Design, EstimateError> {
    design_with(df, outcome, regressors, intercept, &[])
}

/// As [`design`], also dropping rows where a column of `required` (cluster variables, say) is
/// missing.
pub fn design_with(
    df: &DataFrame,
    outcome: &str,
    regressors: &[&str],
    intercept: bool,
    required: &[&str],
) -> Result<Design, EstimateError> {
    let y = floats(df, outcome)?;
    let needed: Vec<Vec<Option<f64>>> = required.iter().map(|r| floats(df, r)).collect::<Result<_, _>>()?;
    let xs: Vec<Vec<Option<f64>>> = regressors.iter().map(|r| floats(df, r)).collect::<Result<_, _>>()?;
    let mut terms: Vec<String> = Vec::new();
    if intercept {
        terms.push("(Intercept)".into());
    }
    terms.extend(regressors.iter().map(|r| r.to_string()));
    let mut d =
        Design { outcome: outcome.to_string(), y: Vec::new(), x: Vec::new(), terms, rows: Vec::new(), n_dropped: 0, collinear: Vec::new() };
    for i in 0..df.height() {
        let (Some(yi), true) = (y[i], xs.iter().chain(&needed).all(|x| x[i].is_some())) else {
            d.n_dropped += 1;
            continue;
        };
        d.y.push(yi);
        if intercept {
            d.x.push(1.0);
        }
        d.x.extend(xs.iter().map(|x| x[i].unwrap_or_default()));
        d.rows.push(i);
    }
    if d.y.is_empty() {
        return Err(EstimateError::EmptySample { dropped: d.n_dropped });
    }
    drop_collinear(&mut d);
    Ok(d)
}

/// Drops, in column order, each regressor that is (numerically) a linear combination of the
/// ones kept before it: its pivot in the Cholesky factor of X'X is below 1e-9 of its own sum of
/// squares.
fn drop_collinear(d: &mut Design) {
    let (n, k) = (d.n(), d.k());
    let mut xtx = vec![0.0; k * k];
    for i in 0..n {
        let x = d.row(i);
        for a in 0..k {
            for b in 0..k {
                xtx[a * k + b] += x[a] * x[b];
            }
        }
    }
    let mut kept: Vec<usize> = Vec::new();
    for j in 0..k {
        let cand: Vec<usize> = kept.iter().copied().chain([j]).collect();
        let m = Mat::from_fn(cand.len(), cand.len(), |a, b| xtx[cand[a] * k + cand[b]]);
        let pivot = m.llt(Side::Lower).map(|l| l.L()[(cand.len() - 1, cand.len() - 1)].powi(2)).unwrap_or(0.0);
        if xtx[j * k + j] > 0.0 && pivot > 1e-9 * xtx[j * k + j] {
            kept.push(j);
        }
    }
    if kept.len() == k {
        return;
    }
    d.collinear = (0..k).filter(|j| !kept.contains(j)).map(|j| d.terms[j].clone()).collect();
    let x: Vec<f64> = (0..n).flat_map(|i| kept.iter().map(move |&j| (i, j))).map(|(i, j)| d.x[i * k + j]).collect();
    d.x = x;
    d.terms = kept.iter().map(|&j| d.terms[j].clone()).collect();
}
