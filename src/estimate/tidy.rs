//! Coefficient tables in broom's names: estimate, standard error, statistic, p-value and
//! confidence interval. OLS with classical SEs uses Student's t with n − k degrees of freedom,
//! every other case the normal, as statsmodels does.

use super::design::Design;
use super::model::{Fit, Model};
use super::vcov::{Variance, Vcov};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// One row of a coefficient table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Term {
    /// Term name.
    pub term: String,
    /// Coefficient.
    pub estimate: f64,
    /// Standard error.
    pub std_error: f64,
    /// Estimate over standard error.
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Lower end of the confidence interval.
    pub conf_low: f64,
    /// Upper end of the confidence interval.
    pub conf_high: f64,
}

/// The coefficient table of a fit under a variance, with `level` confidence intervals (0.95).
pub fn tidy(d: &Design, f: &Fit, variance: &Variance, v: &Vcov, level: f64) -> Vec<Term> {
    let use_t = f.model == Model::Gaussian && *variance == Variance::Classical;
    let df = d.n().saturating_sub(f.p() + f.dof_absorbed) as f64;
    // Both distributions are standard: their parameters are valid constants.
    // `vcov` refuses a fit without residual degrees of freedom, so the t exists whenever asked.
    let (sf, quantile): (Box<dyn Fn(f64) -> f64>, f64) = if let Some(t) = use_t.then(|| StudentsT::new(0.0, 1.0, df).ok()).flatten() {
        let q = t.inverse_cdf(0.5 + level / 2.0);
        (Box::new(move |x| t.sf(x)), q)
    } else {
        let z = Normal::standard();
        (Box::new(move |x| z.sf(x)), z.inverse_cdf(0.5 + level / 2.0))
    };
    let se = v.std_errors();
    f.names
        .iter()
        .enumerate()
        .map(|(j, term)| {
            let (b, s) = (f.beta[j], se[j]);
            let stat = b / s;
            Term {
                term: term.clone(),
                estimate: b,
                std_error: s,
                statistic: stat,
                p_value: 2.0 * sf(stat.abs()),
                conf_low: b - quantile * s,
                conf_high: b + quantile * s,
            }
        })
        .collect()
}
