//! One formula's design for several sets of absorbed fixed effects (a multiverse's variants),
//! read from the frame once; each variant exactly the design it would have on its own.

use super::columns::group_ids;
use super::design::{assemble, drop_collinear, renumber, Design};
use super::error::EstimateError;
use super::formula::Formula;
use polars::prelude::*;

/// One formula's design read from the frame once, for several sets of absorbed fixed effects:
/// each [`Variants::design`] equals what [`design_with`] gives for the formula with that set's
/// `| fe` (an empty set keeps the formula's intercept, any other drops it) and `required`.
pub struct Variants {
    base: Design,
}

impl Variants {
    /// Reads the design of `formula` (without fixed effects) over the rows where every column of
    /// `required` and of `fe_sets` has a value. `None` when sharing would not be exact: some row
    /// was dropped for a missing fixed effect or a column of `required`, which only some
    /// variants may read.
    pub fn new(df: &DataFrame, formula: &Formula, fe_sets: &[Vec<String>], required: &[&str]) -> Result<Option<Variants>, EstimateError> {
        let mut all: Vec<&str> = required.to_vec();
        all.extend(fe_sets.iter().flatten().map(String::as_str));
        all.sort_unstable();
        all.dedup();
        let base = assemble(df, &Formula { fixed_effects: Vec::new(), ..formula.clone() }, &all)?;
        if all.iter().any(|c| base.dropped.contains_key(&format!("missing {c}"))) {
            return Ok(None);
        }
        Ok(Some(Variants { base }))
    }

    /// The design with the fixed effects `fe` absorbed (a copy of the shared one).
    pub fn design(&self, df: &DataFrame, fe: &[String]) -> Result<Design, EstimateError> {
        finish(self.base.clone(), df, fe)
    }

    /// As [`Variants::design`], for the last variant: the shared design itself, not a copy.
    pub fn into_design(self, df: &DataFrame, fe: &[String]) -> Result<Design, EstimateError> {
        finish(self.base, df, fe)
    }
}

/// A shared design made a variant's: the intercept given up to absorbed fixed effects, their
/// groups numbered over the rows kept, collinear columns dropped.
fn finish(mut d: Design, df: &DataFrame, fe: &[String]) -> Result<Design, EstimateError> {
    if !fe.is_empty() {
        d.drop_intercept();
        d.fe_names = fe.to_vec();
        d.fe = Vec::with_capacity(fe.len());
        for c in fe {
            let g = group_ids(df, c)?;
            d.fe.push(d.rows.iter().map(|&i| g[i].unwrap_or_default()).collect());
        }
        renumber(&mut d.fe);
    }
    drop_collinear(&mut d);
    Ok(d)
}
