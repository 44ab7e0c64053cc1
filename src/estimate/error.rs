//! Why an estimate could not be made: one error type for every stage, from the formula to the
//! variance, each message saying what is wrong and what to do.

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
    /// A column named in the model is not in the frame.
    #[error("no column `{name}` in the frame{}", crate::suggest::hint(suggestion.as_deref()))]
    UnknownColumn {
        /// The name asked for.
        name: String,
        /// The nearest column name.
        suggestion: Option<String>,
    },
    /// A column used as a number is not numeric.
    #[error("column `{name}` is {dtype}, not numeric: use it as a factor (`C({name})`), as a fixed effect (`| {name}`), or recode it")]
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

    /// The outcome never varies: there is nothing to explain.
    #[error("the outcome `{name}` is {value} in all {n} rows of the estimation sample: a constant outcome has nothing to explain (check the filter or the sample)")]
    ConstantOutcome {
        /// Outcome column.
        name: String,
        /// Its one value.
        value: f64,
        /// Rows.
        n: usize,
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
    /// No more observations than parameters: no residual degrees of freedom for a variance.
    #[error("{n} observations for {params} parameters: a variance needs more observations than parameters (drop regressors or add data)")]
    NoResidualDf {
        /// Observations.
        n: usize,
        /// Parameters, absorbed fixed effects included.
        params: usize,
    },
    /// A clustered variance with fewer than two clusters.
    #[error("--se {variance}: {count} cluster{} in the estimation sample; a clustered variance needs at least two (G/(G−1) is undefined with one): cluster on a finer variable or use hc1", if *count == 1 { "" } else { "s" })]
    TooFewClusters {
        /// The variance type.
        variance: String,
        /// Clusters found.
        count: usize,
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
