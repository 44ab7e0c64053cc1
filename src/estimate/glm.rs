//! The fit of a model: the outcome and design checked (absorbed fixed effects, separation), then
//! handed to its solver. Single-index generalized linear models (linear, logit, probit,
//! Poisson) are fitted by iteratively reweighted least squares ([`super::irls`]), with absorbed fixed effects
//! demeaned inside each step as fixest does; the negative binomial and the ordered logit by
//! Newton's method ([`super::ml`]); the rare-events logit corrects a logit ([`super::relogit`]).
//! Every fit hands the variances its per-observation scores and its bread.

use super::absorb;
use super::design::Design;
use super::error::EstimateError;
use super::model::{Control, Fit, Model};

/// Checks the outcome against the model.
fn check_outcome(d: &Design, model: Model) -> Result<(), EstimateError> {
    if let Some(&first) = d.y.first() {
        if d.y.iter().all(|&y| y == first) {
            return Err(EstimateError::ConstantOutcome { name: d.outcome.clone(), value: first, n: d.n() });
        }
    }
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
