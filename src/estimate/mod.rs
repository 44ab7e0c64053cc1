//! Estimation: design matrices from frames, generalized linear models fitted by iteratively
//! reweighted least squares, and sandwich variances. Built as R's sandwich package is: a model
//! supplies its bread (the inverse Hessian) and its per-observation scores; each variance type is
//! a meat, so every model gets every variance type.

pub mod absorb;
pub mod columns;
pub mod design;
pub mod error;
pub mod formula;
pub mod glm;
mod irls;
pub mod linalg;
pub mod margins;
pub mod ml;
pub mod model;
pub mod predict;
pub mod relogit;
pub mod results;
pub mod split;
pub mod text;
pub mod tidy;
pub mod variants;
pub mod vcov;

pub use design::{design, design_with, Design};
pub use error::EstimateError;
pub use formula::Formula;
pub use glm::{fit, fit_with};
pub use margins::{average_marginal_effects, Margin, MarginKind};
pub use model::{Control, Estimator, Fit, Model};
pub use results::{estimate, estimate_with, Glance, Options, Results};
pub use tidy::{tidy, Term};
pub use vcov::{vcov, Variance, VarianceSpec, Vcov};
