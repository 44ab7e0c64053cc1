//! The rare-events logit of King & Zeng (2001, "Logistic Regression in Rare Events Data").
//!
//! What is implemented, from the paper:
//! - Bias correction (their eq. 11–12, unweighted): the logit's O(1/n) bias is
//!   b = (X'WX)⁻¹ X'W ξ with W = diag π̂(1 − π̂), ξ_i = ½ Q_ii (2π̂_i − 1) and
//!   Q_ii = x_i'(X'WX)⁻¹x_i; the estimate is β̃ = β̂ − b. This is the general bias of a
//!   canonical-link GLM (McCullagh & Nelder 1989, §15.2) for the logit, whose third cumulant is
//!   π(1 − π)(1 − 2π); `tests/estimate.rs` checks it against Cox & Snell's general formula with
//!   the third derivatives of the log-likelihood taken numerically.
//! - Variance (their eq. 13 approximation): V(β̃) = (n/(n + k))² V(β̂), applied to whichever
//!   variance type is asked for.
//! - Prior correction (their eq. 9), with `tau` the population share of ones: after the bias
//!   correction, the intercept less ln[((1 − τ)/τ)(ȳ/(1 − ȳ))]. The bias is computed on the
//!   unweighted sample, not with the weights of the weighting correction: Zelig's relogit and
//!   Stata's relogit differ on ξ when τ is given (w₁ = τ/ȳ or 1); here w₁ = 1 because the prior
//!   correction leaves the sample unweighted.

use super::design::Design;
use super::error::EstimateError;
use super::linalg::{cross, inverse};
use super::model::{Control, Fit, Model};

/// The bias b of the logit estimates `f` (King & Zeng's eq. 12 with w₁ = 1).
pub fn logit_bias(d: &Design, f: &Fit) -> Result<Vec<f64>, EstimateError> {
    let (n, k) = (d.n(), d.k());
    let w: Vec<f64> = f.mu.iter().map(|m| m * (1.0 - m)).collect();
    let inv = inverse(&cross(&d.x, k, &w, &vec![0.0; n]).0)?;
    let xi: Vec<f64> = (0..n)
        .map(|i| {
            let x = d.row(i);
            let q: f64 = (0..k).map(|a| x[a] * (0..k).map(|b| inv[(a, b)] * x[b]).sum::<f64>()).sum();
            0.5 * q * (2.0 * f.mu[i] - 1.0)
        })
        .collect();
    let xtwxi = cross(&d.x, k, &w, &xi).1;
    Ok((0..k).map(|a| (0..k).map(|b| inv[(a, b)] * xtwxi[b]).sum()).collect())
}

/// Fits the rare-events logit.
pub fn relogit(d: &Design, tau: Option<f64>, control: Control) -> Result<Fit, EstimateError> {
    // The design is already checked (binary, not separated, no absorbed effects): the logit's
    // solver itself.
    correct(d, super::irls::irls(d, Model::Logit, control)?, tau)
}

/// The rare-events logit from the logit fit `f` of the design `d`: bias-corrected, prior-corrected
/// when `tau` is given, with the variance factor.
pub fn correct(d: &Design, mut f: Fit, tau: Option<f64>) -> Result<Fit, EstimateError> {
    let bias = logit_bias(d, &f)?;
    for (b, bias) in f.beta.iter_mut().zip(&bias) {
        *b -= bias;
    }
    if let Some(tau) = tau {
        let Some(c) = d.terms.iter().position(|t| t == "(Intercept)") else {
            return Err(EstimateError::Unsupported {
                what: "the prior correction (--tau) adjusts the intercept: the model needs one".into(),
            });
        };
        if !(tau > 0.0 && tau < 1.0) {
            return Err(EstimateError::Unsupported {
                what: format!("--tau {tau}: the population share of ones must lie strictly between 0 and 1"),
            });
        }
        let ybar = d.y.iter().sum::<f64>() / d.n() as f64;
        f.beta[c] -= ((1.0 - tau) / tau * ybar / (1.0 - ybar)).ln();
    }
    let (n, k) = (d.n() as f64, d.k() as f64);
    f.variance_factor = (n / (n + k)).powi(2);
    f.eta = (0..d.n()).map(|i| d.row(i).iter().zip(&f.beta).map(|(x, b)| x * b).sum()).collect();
    f.mu = f.eta.iter().map(|&e| Model::Logit.mean(e)).collect();
    f.model = Model::Relogit { tau };
    Ok(f)
}
