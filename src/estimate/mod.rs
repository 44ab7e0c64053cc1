//! Estimation: design matrices from frames, generalized linear models fitted by iteratively
//! reweighted least squares, and sandwich variances. Built as R's sandwich package is: a model
//! supplies its bread (the inverse Hessian) and its per-observation scores; each variance type is
//! a meat, so every model gets every variance type.

pub mod absorb;
pub mod design;
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
mod split;
pub mod tidy;
pub mod vcov;

pub use design::{design, design_with, Design};
pub use formula::Formula;
pub use glm::{fit, fit_with, Control, Fit, Model};
pub use margins::{average_marginal_effects, Margin};
pub use results::{estimate, estimate_with, Glance, Options, Results};
pub use tidy::{tidy, Term};
pub use vcov::{vcov, Variance, Vcov};

/// Why an estimate could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EstimateError {
    /// The formula cannot be read.
    #[error("formula `{formula}`: {why}")]
    Formula {
        /// The formula.
        formula: String,
        /// What is wrong.
        why: String,
    },
    /// The variance type cannot be read.
    #[error("--se `{0}`: expected classical, hc0, hc1, hc3, cluster:VAR, twoway:VAR1,VAR2 or dyadic:VAR1,VAR2")]
    VarianceSpec(String),
    /// A column named in the model is not in the frame.
    #[error("no column `{name}` in the frame{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownColumn {
        /// The name asked for.
        name: String,
        /// The nearest column name.
        suggestion: Option<String>,
    },
    /// A column used as a number is not numeric.
    #[error("column `{name}` is {dtype}, not numeric: use it as a fixed effect (`| {name}`) or recode it")]
    NotNumeric {
        /// Column.
        name: String,
        /// Its type.
        dtype: String,
    },
    /// The model cannot use this variance type.
    #[error("{what}")]
    Unsupported {
        /// What is not supported, and what to use instead.
        what: String,
    },
    /// No rows are left once rows with missing values are dropped.
    #[error("no observations left: all {dropped} rows were dropped ({why})")]
    EmptySample {
        /// Rows dropped.
        dropped: usize,
        /// Why, with counts.
        why: String,
    },

    /// A binary model's outcome takes a value other than 0 and 1.
    #[error("the outcome `{name}` must be 0 or 1 for this model; found {value}")]
    NotBinary {
        /// Outcome column.
        name: String,
        /// The first offending value.
        value: f64,
    },
    /// A count model's outcome takes a negative or fractional value.
    #[error("the outcome `{name}` must be a count (0, 1, 2, ...) for this model; found {value}")]
    NotCount {
        /// Outcome column.
        name: String,
        /// The first offending value.
        value: f64,
    },
    /// A regressor separates a binary outcome: its estimate would be infinite.
    #[error("`{term}` separates the outcome (perfectly or quasi-completely): every observation beyond some value of it has the same outcome, so its coefficient is infinite; drop it or the observations it predicts")]
    Separation {
        /// The separating regressor.
        term: String,
    },
    /// The cross-product matrix is singular (collinear regressors).
    #[error("the regressors are collinear: X'WX is not positive definite")]
    Singular,
    /// A grouping column has the wrong length.
    #[error("cluster variable has {got} values for {want} observations")]
    ClusterLength {
        /// Values given.
        got: usize,
        /// Observations.
        want: usize,
    },
    /// polars failed.
    #[error(transparent)]
    Polars(#[from] polars::prelude::PolarsError),
}

impl EstimateError {
    /// The same error again, for a failure several results share (errors are not `Clone`:
    /// polars' are not); those without a copy keep their message.
    pub fn copied(&self) -> EstimateError {
        match self {
            EstimateError::Separation { term } => EstimateError::Separation { term: term.clone() },
            EstimateError::Singular => EstimateError::Singular,
            EstimateError::EmptySample { dropped, why } => EstimateError::EmptySample { dropped: *dropped, why: why.clone() },
            other => EstimateError::Unsupported { what: other.to_string() },
        }
    }
}
