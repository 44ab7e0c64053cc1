//! The models and what a fit of one holds: the shared types every solver fills and every
//! variance, margin and table reads, and the single-index models' likelihood pieces.

use super::design::Design;
use faer::Mat;
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

/// An estimator as users name it (`fit --model`, a spec's `estimator`): parsed once, from the
/// command line, a spec or JSON, into the [`Model`] it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Estimator {
    /// Linear regression / linear probability model.
    Ols,
    /// Logistic regression.
    Logit,
    /// Probit regression.
    Probit,
    /// Poisson regression.
    Poisson,
    /// Negative binomial (NB2), α by maximum likelihood.
    Negbin,
    /// Ordered logit (cutpoints instead of an intercept).
    Ologit,
    /// Multinomial logit (the lowest level the base; one coefficient set per other level).
    Mlogit,
    /// Rare-events logit (King & Zeng 2001): bias-corrected, prior-corrected with a tau.
    Relogit,
}

impl Estimator {
    /// Every estimator, in the order help lists them.
    pub const ALL: [Estimator; 8] = [
        Estimator::Ols,
        Estimator::Logit,
        Estimator::Probit,
        Estimator::Poisson,
        Estimator::Negbin,
        Estimator::Ologit,
        Estimator::Mlogit,
        Estimator::Relogit,
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        self.model(None).name()
    }

    /// The model it fits; `tau` is the rare-events logit's population share of ones.
    pub fn model(self, tau: Option<f64>) -> Model {
        match self {
            Estimator::Ols => Model::Gaussian,
            Estimator::Logit => Model::Logit,
            Estimator::Probit => Model::Probit,
            Estimator::Poisson => Model::Poisson,
            Estimator::Negbin => Model::NegBin,
            Estimator::Ologit => Model::OLogit,
            Estimator::Mlogit => Model::MLogit,
            Estimator::Relogit => Model::Relogit { tau },
        }
    }

    /// Whether the outcome must be 0 or 1 (a share of ones is a probability).
    pub fn binary(self) -> bool {
        self.model(None).binary()
    }

    /// Whether the outcome is a count (a coefficient is a log rate ratio).
    pub fn count(self) -> bool {
        self.model(None).count()
    }
}

impl std::fmt::Display for Estimator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Estimator {
    type Err = String;
    fn from_str(s: &str) -> Result<Estimator, String> {
        let names = Estimator::ALL.map(Estimator::name);
        Estimator::ALL.into_iter().find(|e| e.name() == s).ok_or_else(|| {
            format!("unknown estimator `{s}`{}; expected one of: {}", crate::suggest::did_you_mean(s, names), names.join(", "))
        })
    }
}

impl serde::Serialize for Estimator {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Estimator {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Estimator, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

impl Model {
    /// The estimator that fits it.
    pub fn estimator(self) -> Estimator {
        match self {
            Model::Gaussian => Estimator::Ols,
            Model::Logit => Estimator::Logit,
            Model::Probit => Estimator::Probit,
            Model::Poisson => Estimator::Poisson,
            Model::NegBin => Estimator::Negbin,
            Model::OLogit => Estimator::Ologit,
            Model::MLogit => Estimator::Mlogit,
            Model::Relogit { .. } => Estimator::Relogit,
        }
    }

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
