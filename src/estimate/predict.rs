//! Quantities of interest: the expected outcome (probability, count) at chosen values of the
//! frame's columns with every other column at its sample mean (the most common level for `C()`
//! columns), with a delta-method interval; and first differences with simulated intervals
//! (King, Tomz & Wittenberg 2000): coefficients drawn from their estimated sampling
//! distribution N(β̂, V̂) by a seeded generator, so reruns print the same numbers.

use super::design::Design;
use super::error::EstimateError;
use super::model::{Fit, Model};
use super::vcov::Vcov;
use faer::Side;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An expected outcome at given values.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Prediction {
    /// The columns set by the user (the others are at their means).
    pub at: BTreeMap<String, f64>,
    /// Expected outcome.
    pub estimate: f64,
    /// Delta-method standard error.
    pub std_error: f64,
    /// Lower end of the 95% interval.
    pub conf_low: f64,
    /// Upper end of the 95% interval.
    pub conf_high: f64,
}

/// A first difference E[y | column = to] − E[y | column = from], the rest at means.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FirstDifference {
    /// The column moved.
    pub column: String,
    /// Its starting value.
    pub from: f64,
    /// Its final value.
    pub to: f64,
    /// The difference at the estimates.
    pub estimate: f64,
    /// Mean of the simulated differences.
    pub simulated_mean: f64,
    /// 2.5th percentile of the simulated differences.
    pub conf_low: f64,
    /// 97.5th percentile.
    pub conf_high: f64,
    /// Draws.
    pub sims: usize,
    /// Seed of the generator.
    pub seed: u64,
}

fn unsupported(d: &Design, f: &Fit) -> Option<EstimateError> {
    let why = if matches!(f.model, Model::OLogit | Model::MLogit) {
        "the ordered and multinomial logits have one expected probability per level"
    } else if !d.fe.is_empty() {
        "with absorbed fixed effects the group effects are not estimated"
    } else {
        return None;
    };
    Some(EstimateError::Unsupported { what: format!("predictions are not made for this model: {why}") })
}

/// The regressors with the columns of `at` set and the rest at their means.
fn row(d: &Design, at: &BTreeMap<String, f64>) -> Result<Vec<f64>, EstimateError> {
    for c in at.keys() {
        if let Some(levels) = d.text_levels.get(c) {
            let mode = d.means.get(c).and_then(|&m| levels.get(m as usize)).cloned().unwrap_or_default();
            return Err(EstimateError::Unsupported {
                what: format!(
                    "`{c}` is a text factor (levels {}): predictions set columns to numbers, so it stays at its most common level ({mode})",
                    levels.join(", ")
                ),
            });
        }
        if !d.means.contains_key(c) {
            return Err(EstimateError::Unsupported {
                what: format!(
                    "`{c}` is not a column of the model's regressors (they read: {})",
                    d.means.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            });
        }
    }
    let get = |c: &str| at.get(c).or_else(|| d.means.get(c)).copied();
    d.row_at(&get).ok_or_else(|| EstimateError::Unsupported { what: "a regressor cannot be computed at these values".into() })
}

fn mean_at(f: &Fit, x: &[f64], beta: &[f64]) -> f64 {
    f.model.mean(x.iter().zip(beta).map(|(x, b)| x * b).sum())
}

/// The expected outcome with the columns of `at` set, the others at their means.
pub fn predict(d: &Design, f: &Fit, v: &Vcov, at: &BTreeMap<String, f64>) -> Result<Prediction, EstimateError> {
    if let Some(e) = unsupported(d, f) {
        return Err(e);
    }
    let x = row(d, at)?;
    let eta: f64 = x.iter().zip(&f.beta).map(|(x, b)| x * b).sum();
    let (slope, _) = f.model.slopes(eta);
    let k = d.k();
    let var: f64 = (0..k).map(|a| (0..k).map(|b| slope * x[a] * v.matrix[(a, b)] * slope * x[b]).sum::<f64>()).sum();
    let (estimate, std_error) = (f.model.mean(eta), var.max(0.0).sqrt());
    Ok(Prediction {
        at: at.clone(),
        estimate,
        std_error,
        conf_low: estimate - 1.959963984540054 * std_error,
        conf_high: estimate + 1.959963984540054 * std_error,
    })
}

/// xoshiro256** seeded by splitmix64: small, fast, and the same stream on every machine.
pub struct Rng([u64; 4]);

impl Rng {
    /// A generator seeded by `seed`.
    pub fn new(seed: u64) -> Rng {
        let mut z = seed;
        let mut next = || {
            z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            x ^ (x >> 31)
        };
        Rng([next(), next(), next(), next()])
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let out = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }

    /// Uniform on (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Two independent standard normals (Box–Muller).
    fn normals(&mut self) -> (f64, f64) {
        let (u, v) = (self.uniform(), self.uniform());
        let r = (-2.0 * u.ln()).sqrt();
        let t = 2.0 * std::f64::consts::PI * v;
        (r * t.cos(), r * t.sin())
    }
}

/// Draws of the regression coefficients from N(β̂, V̂).
pub fn draws(f: &Fit, v: &Vcov, sims: usize, seed: u64) -> Result<Vec<Vec<f64>>, EstimateError> {
    let k = f.k;
    let block = faer::Mat::from_fn(k, k, |a, b| v.matrix[(a, b)]);
    let chol = block.llt(Side::Lower).map_err(|_| EstimateError::Unsupported {
        what: "the variance matrix is not positive definite: coefficients cannot be simulated from it".into(),
    })?;
    let l = chol.L();
    let mut rng = Rng::new(seed);
    Ok((0..sims)
        .map(|_| {
            let mut z = Vec::with_capacity(k + 1);
            while z.len() < k {
                let (a, b) = rng.normals();
                z.extend([a, b]);
            }
            (0..k).map(|a| f.beta[a] + (0..=a).map(|b| l[(a, b)] * z[b]).sum::<f64>()).collect()
        })
        .collect())
}

/// The first difference of moving `column` from `from` to `to`, the rest at their means, with a
/// 95% interval from `sims` simulated coefficient draws.
#[allow(clippy::too_many_arguments)]
pub fn first_difference(
    d: &Design,
    f: &Fit,
    v: &Vcov,
    column: &str,
    from: f64,
    to: f64,
    sims: usize,
    seed: u64,
) -> Result<FirstDifference, EstimateError> {
    if let Some(e) = unsupported(d, f) {
        return Err(e);
    }
    let x0 = row(d, &BTreeMap::from([(column.to_string(), from)]))?;
    let x1 = row(d, &BTreeMap::from([(column.to_string(), to)]))?;
    let mut diffs: Vec<f64> = draws(f, v, sims, seed)?.iter().map(|b| mean_at(f, &x1, b) - mean_at(f, &x0, b)).collect();
    diffs.sort_by(f64::total_cmp);
    // Percentiles by linear interpolation between order statistics (R's type 7).
    let q = |p: f64| {
        let h = (diffs.len() - 1) as f64 * p;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        diffs[lo] + (h - lo as f64) * (diffs[hi] - diffs[lo])
    };
    Ok(FirstDifference {
        column: column.to_string(),
        from,
        to,
        estimate: mean_at(f, &x1, &f.beta) - mean_at(f, &x0, &f.beta),
        simulated_mean: diffs.iter().sum::<f64>() / sims as f64,
        conf_low: q(0.025),
        conf_high: q(0.975),
        sims,
        seed,
    })
}
