//! The models and their fits. Single-index generalized linear models (linear, logit, probit,
//! Poisson) are fitted by iteratively reweighted least squares, with absorbed fixed effects
//! demeaned inside each step as fixest does; the negative binomial and the ordered logit by
//! Newton's method ([`super::ml`]); the rare-events logit corrects a logit ([`super::relogit`]).
//! Every fit hands the variances its per-observation scores and its bread.

use super::{absorb, Design, EstimateError};
use faer::linalg::matmul::matmul;
use faer::linalg::solvers::DenseSolveCore;
use faer::{Accum, Mat, MatRef, Par, Side};
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

/// A model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// Linear regression (OLS, the linear probability model).
    Gaussian,
    /// Logistic regression.
    Logit,
    /// Probit regression (standard errors from the observed information, as Stata and
    /// statsmodels' `Probit`).
    Probit,
    /// Poisson regression.
    Poisson,
    /// Negative binomial (NB2: variance μ + αμ²), α estimated jointly by maximum likelihood.
    NegBin,
    /// Ordered logit: P(y ≤ j) = F(κ_j − xβ), no intercept (the cutpoints take its place).
    OLogit,
    /// Multinomial logit: P(y = j) ∝ exp(xβ_j), the lowest level the base (β = 0), one set of
    /// coefficients per other level, as statsmodels' `MNLogit`.
    MLogit,
    /// Rare-events logit (King & Zeng 2001): the logit's small-sample bias removed, variance
    /// scaled by (n/(n+k))²; with `tau` (the population share of ones) the intercept is
    /// prior-corrected.
    Relogit {
        /// Population share of ones, when the sample was drawn on the outcome.
        tau: Option<f64>,
    },
}

impl Model {
    /// The name `fit --model` takes.
    pub fn name(self) -> &'static str {
        match self {
            Model::Gaussian => "ols",
            Model::Logit => "logit",
            Model::Probit => "probit",
            Model::Poisson => "poisson",
            Model::NegBin => "negbin",
            Model::OLogit => "ologit",
            Model::MLogit => "mlogit",
            Model::Relogit { .. } => "relogit",
        }
    }

    /// Whether the model has a dispersion to estimate (classical SEs scale by it).
    pub fn has_dispersion(self) -> bool {
        self == Model::Gaussian
    }

    /// Whether the outcome must be 0 or 1.
    pub fn binary(self) -> bool {
        matches!(self, Model::Logit | Model::Probit | Model::Relogit { .. })
    }

    /// Whether the outcome must be a count.
    pub fn count(self) -> bool {
        matches!(self, Model::Poisson | Model::NegBin)
    }

    /// Mean from the linear predictor (the inverse link) of a single-index model.
    pub fn mean(self, eta: f64) -> f64 {
        match self {
            Model::Gaussian => eta,
            Model::Logit | Model::Relogit { .. } => 1.0 / (1.0 + (-eta).exp()),
            Model::Probit => Normal::standard().cdf(eta),
            Model::Poisson | Model::NegBin => eta.exp(),
            Model::OLogit | Model::MLogit => f64::NAN,
        }
    }

    /// dμ/dη and d²μ/dη² at η (for marginal effects and IRLS).
    pub fn slopes(self, eta: f64) -> (f64, f64) {
        match self {
            Model::Gaussian => (1.0, 0.0),
            Model::Logit | Model::Relogit { .. } => {
                let mu = self.mean(eta);
                (mu * (1.0 - mu), mu * (1.0 - mu) * (1.0 - 2.0 * mu))
            }
            Model::Probit => {
                let phi = Normal::standard().pdf(eta);
                (phi, -eta * phi)
            }
            Model::Poisson | Model::NegBin => (eta.exp(), eta.exp()),
            Model::OLogit | Model::MLogit => (f64::NAN, f64::NAN),
        }
    }
}

/// A fitted model: estimates and what the variances need.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Model.
    pub model: Model,
    /// Parameter names: the design's terms, then any ancillary parameters (cutpoints, `alpha`).
    pub names: Vec<String>,
    /// Parameters, in the order of `names`.
    pub beta: Vec<f64>,
    /// Regression coefficients among them (the first `k`).
    pub k: usize,
    /// Linear predictor xβ (fixed effects included).
    pub eta: Vec<f64>,
    /// Fitted means.
    pub mu: Vec<f64>,
    /// Working weights at the optimum (expected information per observation of η), for hat values.
    pub weights: Vec<f64>,
    /// Response residuals y − μ.
    pub resid: Vec<f64>,
    /// Per-observation scores ∂ℓ_i/∂θ.
    pub scores: Scores,
    /// The bread: the inverse of the negative Hessian of the log-likelihood (X'WX)⁻¹ for OLS.
    pub bread: Mat<f64>,
    /// Factor on every variance matrix ((n/(n+k))² for the rare-events logit, else 1).
    pub variance_factor: f64,
    /// Log-likelihood (OLS: at the ML variance; rare-events logit: the logit's).
    pub loglik: f64,
    /// Degrees of freedom taken by absorbed fixed effects.
    pub dof_absorbed: usize,
    /// Fixed-effect groups dropped because their outcome never varies, by fixed effect.
    pub fe_groups_dropped: Vec<usize>,
    /// Iterations used.
    pub iterations: usize,
    /// Whether the iterations converged.
    pub converged: bool,
}

impl Fit {
    /// Number of parameters.
    pub fn p(&self) -> usize {
        self.beta.len()
    }

    /// Scores of observation `i` of the design `d` the model was fitted to, into `out` (p long).
    pub fn score_into(&self, d: &Design, i: usize, out: &mut [f64]) {
        let p = self.p();
        match &self.scores {
            Scores::Rows(s) => out.copy_from_slice(&s[i * p..(i + 1) * p]),
            Scores::Index { u, demeaned } => {
                let x = demeaned.as_ref().map_or(d.row(i), |m| &m[i * p..(i + 1) * p]);
                out.iter_mut().zip(x).for_each(|(o, x)| *o = x * u[i]);
            }
        }
    }
}

/// Per-observation scores, as a model supplies them to the variances.
#[derive(Debug, Clone)]
pub enum Scores {
    /// Whole rows, row-major `n × p`.
    Rows(Vec<f64>),
    /// A single-index model's: row i is x_i · u_i with u_i = ∂ℓ_i/∂η_i, x_i the design's row (or
    /// its demeaned copy, with absorbed fixed effects), so the n × k matrix is not stored twice.
    Index {
        /// ∂ℓ_i/∂η_i.
        u: Vec<f64>,
        /// The demeaned design, with absorbed fixed effects.
        demeaned: Option<Vec<f64>>,
    },
}

/// Iteration limits and tolerance.
#[derive(Debug, Clone, Copy)]
pub struct Control {
    /// Most iterations before giving up (reported as not converged).
    pub max_iter: usize,
    /// Relative change of the deviance (or log-likelihood) that counts as converged.
    pub tol: f64,
}

impl Default for Control {
    fn default() -> Self {
        Control { max_iter: 50, tol: 1e-12 }
    }
}

/// (X'WX) and X'Wz (z may be empty: zeros) over the rows of a row-major `n × k` matrix: blocks of rows scaled by √w go
/// through faer's matrix product; two threads take half the rows each on large designs (a fixed
/// split, so the sums are the same on every run).
pub fn cross(x: &[f64], k: usize, w: &[f64], z: &[f64]) -> (Mat<f64>, Vec<f64>) {
    const BLOCK: usize = 4096;
    let n = w.len();
    let part = |lo: usize, hi: usize| {
        let mut acc = Mat::<f64>::zeros(k, k);
        let mut xtwz = vec![0.0; k];
        let mut buf = vec![0.0; BLOCK * k];
        let mut start = lo;
        while start < hi {
            let end = (start + BLOCK).min(hi);
            for i in start..end {
                let (row, wi) = (&x[i * k..(i + 1) * k], w[i]);
                let (sw, wz) = (wi.sqrt(), wi * z.get(i).copied().unwrap_or(0.0));
                let dst = &mut buf[(i - start) * k..(i - start + 1) * k];
                for ((d, xj), t) in dst.iter_mut().zip(row).zip(xtwz.iter_mut()) {
                    *d = xj * sw;
                    *t += xj * wz;
                }
            }
            let m = MatRef::from_row_major_slice(&buf[..(end - start) * k], end - start, k);
            matmul(&mut acc, Accum::Add, m.transpose(), m, 1.0, Par::Seq);
            clear_upper_registers();
            start = end;
        }
        (acc, xtwz)
    };
    if n < 200_000 || k == 0 {
        return part(0, n);
    }
    let (a, b) = std::thread::scope(|s| {
        let h = s.spawn(|| part(n / 2, n));
        let a = part(0, n / 2);
        (a, h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    });
    (a.0 + b.0, a.1.iter().zip(&b.1).map(|(x, y)| x + y).collect())
}

/// The inverse of a symmetric positive definite matrix.
pub fn inverse(m: &Mat<f64>) -> Result<Mat<f64>, EstimateError> {
    Ok(m.llt(Side::Lower).map_err(|_| EstimateError::Singular)?.inverse())
}

pub(super) fn linear_predictor(x: &[f64], k: usize, beta: &[f64]) -> Vec<f64> {
    if k == 0 {
        return vec![0.0; x.len()];
    }
    x.chunks(k).map(|r| r.iter().zip(beta).map(|(x, b)| x * b).sum()).collect()
}

/// Checks the outcome against the model.
fn check_outcome(d: &Design, model: Model) -> Result<(), EstimateError> {
    if model.binary() {
        if let Some(&v) = d.y.iter().find(|&&y| y != 0.0 && y != 1.0) {
            return Err(EstimateError::NotBinary { name: d.outcome.clone(), value: v });
        }
    } else if model.count() {
        if let Some(&v) = d.y.iter().find(|&&y| y < 0.0 || y.fract() != 0.0) {
            return Err(EstimateError::NotCount { name: d.outcome.clone(), value: v });
        }
    }
    Ok(())
}

/// Fits `model` to the design with the default iteration limits.
pub fn fit(d: &Design, model: Model) -> Result<Fit, EstimateError> {
    let mut d = d.clone();
    fit_with(&mut d, model, Control::default())
}

/// Fits `model` to the design. Absorbed fixed effects may drop rows (groups whose outcome never
/// varies) and columns (regressors constant within groups), so the design is updated.
pub fn fit_with(d: &mut Design, model: Model, control: Control) -> Result<Fit, EstimateError> {
    check_outcome(d, model)?;
    let mut fe_groups_dropped = vec![0; d.fe.len()];
    if !d.fe.is_empty() {
        if !matches!(model, Model::Gaussian | Model::Logit | Model::Poisson) {
            return Err(EstimateError::Unsupported {
                what: format!("absorbed fixed effects are built for ols, logit and poisson, not {}", model.name()),
            });
        }
        if model != Model::Gaussian {
            fe_groups_dropped = absorb::drop_constant_groups(d, model.binary());
            if d.n() == 0 {
                return Err(EstimateError::EmptySample { dropped: d.n_dropped, why: d.why_dropped() });
            }
        }
        // Regressors constant within the groups are absorbed: dropped as collinear. One fixed
        // effect needs no demeaned copy of the design.
        let kept = if d.fe.len() == 1 {
            super::design::independent_of_cross(&absorb::within_cross(&d.fe[0], &d.x, d.k()), d.k())
        } else {
            let mut xt = d.x.clone();
            absorb::demean(&d.fe, &vec![1.0; d.n()], &mut xt, d.k());
            super::design::independent_columns(&xt, d.n(), d.k())
        };
        d.keep_columns(&kept);
        if d.k() == 0 {
            return Err(EstimateError::Unsupported { what: "every regressor is absorbed by the fixed effects".into() });
        }
    }
    if model.binary() {
        if let Some(term) = separating_term(d) {
            return Err(EstimateError::Separation { term });
        }
    }
    let mut f = match model {
        Model::NegBin => super::ml::negbin(d, control)?,
        Model::OLogit => super::ml::ologit(d, control)?,
        Model::MLogit => super::ml::mlogit(d, control)?,
        Model::Relogit { tau } => super::relogit::relogit(d, tau, control)?,
        _ => super::irls::irls(d, model, control)?,
    };
    f.fe_groups_dropped = fe_groups_dropped;
    Ok(f)
}

/// The working response and weight of IRLS at η: z = η + (y − μ)/μ', w = μ'²/V(μ).
pub(super) fn working(model: Model, y: f64, eta: f64) -> (f64, f64) {
    let mu = model.mean(eta);
    let (d1, _) = model.slopes(eta);
    let var = match model {
        Model::Gaussian => 1.0,
        Model::Poisson => mu,
        _ => mu * (1.0 - mu),
    };
    let d1 = d1.max(1e-300);
    (eta + (y - mu) / d1, (d1 * d1 / var.max(1e-300)).max(1e-300))
}

/// ∂ℓ/∂η and −∂²ℓ/∂η² (the observed information) of one observation.
pub(super) fn observed(model: Model, y: f64, eta: f64) -> (f64, f64) {
    match model {
        Model::Probit => {
            let n = Normal::standard();
            // λ = φ/Φ for y = 1, −φ/(1 − Φ) for y = 0; ∂²ℓ/∂η² = −λ(η + λ).
            let lambda = if y == 1.0 { n.pdf(eta) / n.cdf(eta) } else { -n.pdf(eta) / n.sf(eta) };
            (lambda, lambda * (eta + lambda))
        }
        _ => {
            let mu = model.mean(eta);
            let (d1, _) = model.slopes(eta);
            (y - mu, d1)
        }
    }
}

/// faer's AVX kernels return with the upper halves of the vector registers in use, and the
/// exponentials and logarithms that follow them then run many times slower (measured: 300 ns a
/// row against 16); clearing them (`vzeroupper`) restores the speed.
#[inline]
pub(super) fn clear_upper_registers() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: AVX is present (checked above), and the instruction only zeroes the upper
        // halves of the vector registers, where no value of this code lives between calls.
        unsafe { zero_upper() }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn zero_upper() {
    std::arch::x86_64::_mm256_zeroupper();
}

/// log(1 + e^η) without overflow.
pub fn softplus(e: f64) -> f64 {
    if e > 0.0 {
        e + (-e).exp().ln_1p()
    } else {
        e.exp().ln_1p()
    }
}

/// Log-likelihood of a single-index model at η (Gaussian: at the ML variance).
pub fn loglik(model: Model, y: &[f64], eta: &[f64]) -> f64 {
    let ln_gamma = statrs::function::gamma::ln_gamma;
    match model {
        Model::Gaussian => {
            let n = y.len() as f64;
            let rss: f64 = y.iter().zip(eta).map(|(y, e)| (y - e).powi(2)).sum();
            -0.5 * n * ((2.0 * std::f64::consts::PI * rss / n).ln() + 1.0)
        }
        Model::Poisson => eta.iter().zip(y).map(|(e, y)| y * e - e.exp() - ln_gamma(y + 1.0)).sum(),
        Model::Probit => {
            let n = Normal::standard();
            eta.iter().zip(y).map(|(e, y)| if *y == 1.0 { n.cdf(*e).ln() } else { n.sf(*e).ln() }).sum()
        }
        _ => eta.iter().zip(y).map(|(e, y)| y * e - softplus(*e)).sum(),
    }
}

/// A regressor that separates a binary outcome (perfectly or quasi-completely): every
/// observation above (or below) some value of it has the same outcome, so its maximum-likelihood
/// coefficient is infinite. Checked one regressor at a time: where y = 1 and y = 0 lie in
/// ranges of the regressor that overlap at most at one point.
fn separating_term(d: &Design) -> Option<String> {
    let k = d.k();
    // Ranges of each regressor among the ones and among the zeros, in one pass over the rows.
    let (mut lo1, mut hi1) = (vec![f64::INFINITY; k], vec![f64::NEG_INFINITY; k]);
    let (mut lo0, mut hi0) = (vec![f64::INFINITY; k], vec![f64::NEG_INFINITY; k]);
    for (row, y) in d.x.chunks(k.max(1)).zip(&d.y) {
        let (lo, hi) = if *y == 1.0 { (&mut lo1, &mut hi1) } else { (&mut lo0, &mut hi0) };
        for ((x, l), h) in row.iter().zip(lo.iter_mut()).zip(hi.iter_mut()) {
            *l = l.min(*x);
            *h = h.max(*x);
        }
    }
    (0..k).filter(|&j| d.terms[j] != "(Intercept)").find_map(|j| {
        let constant = lo1[j] == hi1[j] && lo0[j] == hi0[j] && lo1[j] == lo0[j];
        let apart = hi0[j] <= lo1[j] || hi1[j] <= lo0[j];
        (!constant && lo1[j].is_finite() && lo0[j].is_finite() && apart).then(|| d.terms[j].clone())
    })
}
