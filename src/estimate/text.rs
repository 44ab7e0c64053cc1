//! A fit's results as text: the statsmodels-like summary `fit` prints, its average marginal
//! effects and its average predictions at a grid.

use super::margins::MarginKind;
use super::model::Estimator;
use super::results::Results;
use std::collections::BTreeMap;
use std::fmt::Write as _;

impl Results {
    /// The average marginal effects as text.
    pub fn margins_text(&self) -> String {
        let width = self.margins.iter().map(|m| m.term.len()).max().unwrap_or(4).max(4);
        let mut s = format!(
            "average marginal effects over the sample (dy/dx through every term; discrete change for factor levels and 0/1 columns; delta-method SEs, {}):\n",
            self.variance
        );
        let _ = writeln!(
            s,
            "{:<width$} {:>15} {:>11} {:>10} {:>9} {:>9} {:>11} {:>11}",
            "term", "", "dy/dx", "std_error", "z", "p_value", "conf_low", "conf_high"
        );
        for m in &self.margins {
            let kind = match m.kind {
                MarginKind::Derivative => "derivative",
                MarginKind::DiscreteChange => "discrete change",
            };
            let _ = writeln!(
                s,
                "{:<width$} {kind:>15} {:>11} {:>10} {:>9.3} {:>9.4} {:>11} {:>11}",
                m.term,
                num(m.estimate),
                num(m.std_error),
                m.statistic,
                m.p_value,
                num(m.conf_low),
                num(m.conf_high)
            );
        }
        s
    }

    /// The average predictions at the --margins-at values as text.
    pub fn margins_at_text(&self) -> String {
        let column = self.margins_at.first().and_then(|p| p.at.keys().next()).cloned().unwrap_or_default();
        let width = column.len().max(5);
        let mut s = format!(
            "average predicted {} with {column} set to each value, the other columns as observed (delta-method 95% intervals, {}):\n",
            self.outcome(),
            self.variance
        );
        let _ = writeln!(s, "{column:>width$} {:>11} {:>10} {:>11} {:>11}", "estimate", "std_error", "conf_low", "conf_high");
        for p in &self.margins_at {
            let v = p.at.values().next().copied().unwrap_or_default();
            let _ = writeln!(
                s,
                "{v:>width$} {:>11} {:>10} {:>11} {:>11}",
                num(p.estimate),
                num(p.std_error),
                num(p.conf_low),
                num(p.conf_high)
            );
        }
        s
    }

    /// A statsmodels-like text summary.
    pub fn summary(&self) -> String {
        let g = &self.glance;
        let mut s = String::new();
        let _ = writeln!(s, "{}: {}", self.model, self.formula);
        let why = if g.dropped.is_empty() {
            String::new()
        } else {
            format!(" ({})", g.dropped.iter().map(|(w, c)| format!("{w}: {c}")).collect::<Vec<_>>().join("; "))
        };
        let _ = writeln!(
            s,
            "N = {}; {} rows dropped{why}; {} in {} iteration{}",
            g.nobs,
            g.n_dropped,
            if g.converged { "converged" } else { "NOT converged" },
            g.iterations,
            if g.iterations == 1 { "" } else { "s" }
        );
        for fe in &self.fixed_effects {
            let _ = writeln!(
                s,
                "fixed effect {}: {} groups absorbed{}",
                fe.name,
                fe.groups,
                if fe.groups_dropped > 0 { format!(", {} dropped (outcome never varies)", fe.groups_dropped) } else { String::new() }
            );
        }
        if !self.dropped_collinear.is_empty() {
            let _ = writeln!(s, "dropped as collinear with earlier regressors: {}", self.dropped_collinear.join(", "));
        }
        let clusters = g.n_clusters.map(|c| format!(" ({c} clusters)")).unwrap_or_default();
        let _ =
            writeln!(s, "variance: {}{clusters}{}", self.variance, if g.vcov_positive_definite { "" } else { " — NOT positive definite" });
        let width = self.coefficients.iter().map(|t| t.term.len()).max().unwrap_or(4).max(4);
        let _ = writeln!(
            s,
            "{:<width$} {:>11} {:>10} {:>9} {:>9} {:>11} {:>11}",
            "term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"
        );
        for t in &self.coefficients {
            let _ = writeln!(
                s,
                "{:<width$} {:>11} {:>10} {:>9.3} {:>9.4} {:>11} {:>11}",
                t.term,
                num(t.estimate),
                num(t.std_error),
                t.statistic,
                t.p_value,
                num(t.conf_low),
                num(t.conf_high)
            );
        }
        let r2 = if self.model == Estimator::Ols { "R²" } else { "pseudo-R² (McFadden)" };
        let _ = writeln!(s, "log-likelihood {:.4}; AIC {:.4}; BIC {:.4}; {r2} {:.4}", g.logLik, g.AIC, g.BIC, g.r_squared);
        for p in &self.predictions {
            let at = if p.at.is_empty() { "all at means".to_string() } else { format!("{}; the rest at means", fmt_at(&p.at)) };
            let _ = writeln!(
                s,
                "expected {} at {at}: {} [{}, {}] (delta method)",
                self.outcome(),
                num(p.estimate),
                num(p.conf_low),
                num(p.conf_high)
            );
        }
        for d in &self.first_differences {
            let _ = writeln!(
                s,
                "first difference {} {} → {}: {} [{}, {}] ({} simulations, seed {})",
                d.column,
                d.from,
                d.to,
                num(d.estimate),
                num(d.conf_low),
                num(d.conf_high),
                d.sims,
                d.seed
            );
        }
        s
    }
}

/// Five decimals, or four significant digits for the small probabilities of rare events.
fn num(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.01 {
        format!("{v:.3e}")
    } else {
        format!("{v:.5}")
    }
}

fn fmt_at(at: &BTreeMap<String, f64>) -> String {
    at.iter().map(|(c, v)| format!("{c} = {v}")).collect::<Vec<_>>().join(", ")
}
