//! Why a frame could not be built.

use super::{LoadError, VarError};
use polars::prelude::PolarsError;

/// Why a frame could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A source failed to load.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The variable list is not valid for the unit.
    #[error(transparent)]
    Vars(#[from] VarError),
    /// The years asked for are impossible or outside the data.
    #[error("{0}")]
    Years(String),
    /// Options that do not fit the unit.
    #[error("{0}")]
    Options(String),
    /// Frame computation failed.
    #[error("building the frame: {0}")]
    Frame(#[from] PolarsError),
    /// A derived column could not be computed.
    #[error("derive {0}")]
    Derive(String),
}
