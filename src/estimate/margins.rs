//! Average marginal effects: the mean over the sample of ∂μ_i/∂x_ij, with delta-method standard
//! errors from the fit's variance matrix (every regressor treated as continuous, as
//! statsmodels' `get_margeff(at="overall", method="dydx")` does).

use super::design::Design;
use super::model::{Fit, Model};
use super::vcov::Vcov;
use serde::{Deserialize, Serialize};

/// One average marginal effect.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Margin {
    /// Regressor.
    pub term: String,
    /// Average of ∂μ/∂x over the sample.
    pub estimate: f64,
    /// Delta-method standard error.
    pub std_error: f64,
}

/// The average marginal effect of every regressor but the intercept. None for the ordered logit
/// (several means, one per level) and with absorbed fixed effects (whose estimates the delta
/// method would need).
pub fn average_marginal_effects(d: &Design, f: &Fit, v: &Vcov) -> Vec<Margin> {
    if matches!(f.model, Model::OLogit | Model::MLogit) || !d.fe.is_empty() {
        return Vec::new();
    }
    let (n, k) = (d.n(), d.k());
    // Sample means of dμ/dη and of d²μ/dη² · x_i (the gradient's second part).
    let mut mean_slope = 0.0;
    let mut mean_curv_x = vec![0.0; k];
    for i in 0..n {
        let (s, c) = f.model.slopes(f.eta[i]);
        mean_slope += s / n as f64;
        for (m, x) in mean_curv_x.iter_mut().zip(d.row(i)) {
            *m += c * x / n as f64;
        }
    }
    (0..k)
        .filter(|&j| d.terms[j] != "(Intercept)")
        .map(|j| {
            // ∂AME_j/∂β_l = δ_jl · mean(dμ/dη) + β_j · mean(d²μ/dη² · x_il).
            let grad: Vec<f64> = (0..k).map(|l| if l == j { mean_slope } else { 0.0 } + f.beta[j] * mean_curv_x[l]).collect();
            let var: f64 = (0..k).map(|a| (0..k).map(|b| grad[a] * v.matrix[(a, b)] * grad[b]).sum::<f64>()).sum();
            Margin { term: d.terms[j].clone(), estimate: f.beta[j] * mean_slope, std_error: var.max(0.0).sqrt() }
        })
        .collect()
}
