//! Generalized linear models with canonical links (linear, logit, Poisson), fitted by iteratively
//! reweighted least squares: Newton's method for these links, quadratic near the optimum.

use super::{Design, EstimateError};
use faer::linalg::solvers::DenseSolveCore;
use faer::{Mat, Side};

/// The model family (canonical link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Linear regression (OLS), identity link.
    Gaussian,
    /// Logistic regression, logit link.
    Logit,
    /// Poisson regression, log link.
    Poisson,
}

impl Family {
    /// Mean from the linear predictor (the inverse link).
    fn mean(self, eta: f64) -> f64 {
        match self {
            Family::Gaussian => eta,
            Family::Logit => 1.0 / (1.0 + (-eta).exp()),
            Family::Poisson => eta.exp(),
        }
    }

    /// Variance function at the mean: the IRLS weight for a canonical link.
    fn variance(self, mu: f64) -> f64 {
        match self {
            Family::Gaussian => 1.0,
            Family::Logit => mu * (1.0 - mu),
            Family::Poisson => mu,
        }
    }

    /// Whether the model has a dispersion to estimate (classical SEs scale by it).
    pub fn has_dispersion(self) -> bool {
        self == Family::Gaussian
    }
}

/// A fitted model: estimates, fitted means and what the variances need.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Family.
    pub family: Family,
    /// Coefficients, in the design's term order.
    pub beta: Vec<f64>,
    /// Fitted means.
    pub mu: Vec<f64>,
    /// IRLS weights at the optimum (1 for OLS, μ(1−μ) for logit).
    pub weights: Vec<f64>,
    /// Response residuals y − μ: with a canonical link, observation i's score is x_i times this.
    pub resid: Vec<f64>,
    /// The bread: (X'WX)⁻¹.
    pub bread: Mat<f64>,
    /// Log-likelihood (Gaussian: at the ML variance).
    pub loglik: f64,
    /// Iterations used.
    pub iterations: usize,
    /// Whether the iterations converged.
    pub converged: bool,
}

const MAX_ITER: usize = 50;
const TOL: f64 = 1e-12;

/// (X'WX) and X'Wz accumulated over the rows: O(n k²).
fn cross(d: &Design, w: &[f64], z: &[f64]) -> (Mat<f64>, Vec<f64>) {
    let k = d.k();
    let mut xtwx = vec![0.0; k * k];
    let mut xtwz = vec![0.0; k];
    for i in 0..d.n() {
        let (x, wi) = (d.row(i), w[i]);
        for a in 0..k {
            let xa = wi * x[a];
            xtwz[a] += xa * z[i];
            for b in 0..=a {
                xtwx[a * k + b] += xa * x[b];
            }
        }
    }
    (Mat::from_fn(k, k, |a, b| if b <= a { xtwx[a * k + b] } else { xtwx[b * k + a] }), xtwz)
}

/// Solves (X'WX) β = X'Wz, returning β and (X'WX)⁻¹.
fn weighted_ls(d: &Design, w: &[f64], z: &[f64]) -> Result<(Vec<f64>, Mat<f64>), EstimateError> {
    let (xtwx, xtwz) = cross(d, w, z);
    let llt = xtwx.llt(Side::Lower).map_err(|_| EstimateError::Singular)?;
    let inv = llt.inverse();
    let k = d.k();
    let beta = (0..k).map(|a| (0..k).map(|b| inv[(a, b)] * xtwz[b]).sum()).collect();
    Ok((beta, inv))
}

fn linear_predictor(d: &Design, beta: &[f64]) -> Vec<f64> {
    (0..d.n()).map(|i| d.row(i).iter().zip(beta).map(|(x, b)| x * b).sum()).collect()
}

/// Fits `family` to the design.
pub fn fit(d: &Design, family: Family) -> Result<Fit, EstimateError> {
    let n = d.n();
    match family {
        Family::Gaussian => {
            let w = vec![1.0; n];
            let (beta, bread) = weighted_ls(d, &w, &d.y)?;
            let mu = linear_predictor(d, &beta);
            let resid: Vec<f64> = d.y.iter().zip(&mu).map(|(y, m)| y - m).collect();
            let rss: f64 = resid.iter().map(|r| r * r).sum();
            let sigma2 = rss / n as f64;
            let loglik = -0.5 * n as f64 * ((2.0 * std::f64::consts::PI * sigma2).ln() + 1.0);
            Ok(Fit { family, beta, mu, weights: w, resid, bread, loglik, iterations: 1, converged: true })
        }
        Family::Logit | Family::Poisson => {
            if family == Family::Logit {
                if let Some(&v) = d.y.iter().find(|&&y| y != 0.0 && y != 1.0) {
                    return Err(EstimateError::NotBinary { name: d.outcome.clone(), value: v });
                }
                if let Some(term) = separating_term(d) {
                    return Err(EstimateError::Separation { term });
                }
            } else if let Some(&v) = d.y.iter().find(|&&y| y < 0.0 || y.fract() != 0.0) {
                return Err(EstimateError::NotCount { name: d.outcome.clone(), value: v });
            }
            // Start from the mean, as glm() does: every weight positive from the first step.
            let ybar = d.y.iter().sum::<f64>() / n as f64;
            let mut eta: Vec<f64> =
                d.y.iter()
                    .map(|&y| match family {
                        Family::Logit => ((y + 0.5) / 2.0 / (1.0 - (y + 0.5) / 2.0)).ln(),
                        _ => (y + 0.1 * ybar.max(0.1)).ln(),
                    })
                    .collect();
            let mut beta = vec![0.0; d.k()];
            let mut dev_old = f64::INFINITY;
            let (mut iterations, mut converged) = (0, false);
            while iterations < MAX_ITER {
                iterations += 1;
                let mu: Vec<f64> = eta.iter().map(|&e| family.mean(e)).collect();
                let w: Vec<f64> = mu.iter().map(|&m| family.variance(m).max(1e-300)).collect();
                let z: Vec<f64> = (0..n).map(|i| eta[i] + (d.y[i] - mu[i]) / w[i]).collect();
                beta = weighted_ls(d, &w, &z)?.0;
                eta = linear_predictor(d, &beta);
                let dev = deviance(family, d, &eta);
                if (dev - dev_old).abs() <= TOL * (dev.abs() + 0.1) {
                    converged = true;
                    break;
                }
                dev_old = dev;
            }
            let mu: Vec<f64> = eta.iter().map(|&e| family.mean(e)).collect();
            let weights: Vec<f64> = mu.iter().map(|&m| family.variance(m)).collect();
            // The bread at the final estimates.
            let bread = weighted_ls(d, &weights, &eta)?.1;
            let resid = d.y.iter().zip(&mu).map(|(y, m)| y - m).collect();
            let loglik = loglik(family, d, &eta);
            Ok(Fit { family, beta, mu, weights, resid, bread, loglik, iterations, converged })
        }
    }
}

/// Deviance −2 (log L − log L_saturated), from the linear predictor.
fn deviance(family: Family, d: &Design, eta: &[f64]) -> f64 {
    match family {
        Family::Poisson => {
            2.0 * eta
                .iter()
                .zip(&d.y)
                .map(|(e, y)| {
                    let mu = e.exp();
                    (if *y > 0.0 { y * (y / mu).ln() } else { 0.0 }) - (y - mu)
                })
                .sum::<f64>()
        }
        _ => -2.0 * loglik(family, d, eta),
    }
}

/// Log-likelihood of the ML families.
fn loglik(family: Family, d: &Design, eta: &[f64]) -> f64 {
    // log(1 + e^η) without overflow.
    let softplus = |e: f64| if e > 0.0 { e + (-e).exp().ln_1p() } else { e.exp().ln_1p() };
    match family {
        Family::Poisson => eta.iter().zip(&d.y).map(|(e, y)| y * e - e.exp() - statrs::function::gamma::ln_gamma(y + 1.0)).sum(),
        _ => eta.iter().zip(&d.y).map(|(e, y)| y * e - softplus(*e)).sum(),
    }
}

/// A regressor that separates a binary outcome (perfectly or quasi-completely): every
/// observation above (or below) some value of it has the same outcome, so its maximum-likelihood
/// coefficient is infinite. Checked one regressor at a time: where y = 1 and y = 0 lie in
/// ranges of the regressor that overlap at most at one point.
fn separating_term(d: &Design) -> Option<String> {
    let k = d.k();
    (0..k).filter(|&j| d.terms[j] != "(Intercept)").find_map(|j| {
        let (mut lo1, mut hi1, mut lo0, mut hi0) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for i in 0..d.n() {
            let x = d.row(i)[j];
            if d.y[i] == 1.0 {
                (lo1, hi1) = (lo1.min(x), hi1.max(x));
            } else {
                (lo0, hi0) = (lo0.min(x), hi0.max(x));
            }
        }
        let constant = lo1 == hi1 && lo0 == hi0 && lo1 == lo0;
        (!constant && lo1.is_finite() && lo0.is_finite() && (hi0 <= lo1 || hi1 <= lo0)).then(|| d.terms[j].clone())
    })
}
