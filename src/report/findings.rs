//! Findings in words, generated from the estimates (never written by hand): the direction, size
//! with its interval and significance of the study's focus term, how it varies across models,
//! and its first difference where one was computed.

use crate::estimate::{Estimator, Results};
use std::collections::BTreeMap;

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {p:.3}")
    }
}

fn num(v: f64) -> String {
    let a = v.abs();
    let s = if a == 0.0 || a >= 0.01 {
        format!("{v:.3}")
    } else if a >= 1e-4 {
        format!("{v:.5}")
    } else {
        format!("{v:.2e}")
    };
    s.replace('-', "−")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Three to five sentences on `focus` (a term) across `results` (model name and results), with
/// `labels` for names and `outcome` the dependent variable's label. Without a focus, the first
/// model's significant terms are described.
pub fn sentences(results: &[(String, Results)], focus: Option<&str>, labels: &BTreeMap<String, String>) -> Vec<String> {
    let label = |t: &str| labels.get(t).cloned().unwrap_or_else(|| t.to_string());
    let mut out = Vec::new();
    let Some((first_name, first)) = results.first() else {
        return out;
    };
    let outcome = first.formula.split('~').next().unwrap_or("").trim().to_string();
    let Some(focus) = focus else {
        let sig: Vec<String> = first
            .coefficients
            .iter()
            .filter(|c| c.term != "(Intercept)" && c.p_value < 0.05)
            .map(|c| format!("{} ({}{})", label(&c.term), if c.estimate > 0.0 { "+" } else { "−" }, num(c.estimate.abs())))
            .collect();
        out.push(format!(
            "In {first_name} ({}, N = {}), {} of {} terms are statistically significant at the 5% level{}.",
            first.model,
            super::table::thousands(first.glance.nobs),
            sig.len(),
            first.coefficients.iter().filter(|c| c.term != "(Intercept)").count(),
            if sig.is_empty() { String::new() } else { format!(": {}", sig.join(", ")) }
        ));
        return out;
    };
    let name = label(focus);
    // A model where the term also enters an interaction estimates its effect when the other
    // term is zero: a conditional effect, never pooled with the unconditional ones.
    let interacted = |r: &Results| r.coefficients.iter().any(|c| c.term.contains(':') && c.term.split(':').any(|p| p == focus));
    let with: Vec<(&String, &crate::estimate::Term, &Results)> = results
        .iter()
        .filter(|(_, r)| !interacted(r))
        .filter_map(|(n, r)| r.coefficients.iter().find(|c| c.term == focus).map(|c| (n, c, r)))
        .collect();
    let conditional: Vec<&String> = results.iter().filter(|(_, r)| interacted(r)).map(|(n, _)| n).collect();
    if let Some((n, c, r)) = with.first() {
        let direction = if c.estimate > 0.0 { "positive" } else { "negative" };
        let sig =
            if c.p_value < 0.05 { "statistically significant at the 5% level" } else { "not statistically significant at the 5% level" };
        out.push(format!(
            "In {n} ({}, N = {}), the coefficient of {name} on {} is {direction}: {} (95% CI {} to {}; {}), {sig}.",
            r.model,
            super::table::thousands(r.glance.nobs),
            label(&outcome),
            num(c.estimate),
            num(c.conf_low),
            num(c.conf_high),
            p_text(c.p_value)
        ));
        if matches!(r.model, Estimator::Logit | Estimator::Relogit) {
            out.push(format!(
                "As an odds ratio that is {} (95% CI {} to {}).",
                num(c.estimate.exp()),
                num(c.conf_low.exp()),
                num(c.conf_high.exp())
            ));
        } else if r.model.count() {
            out.push(format!(
                "As an incidence-rate ratio that is {} (95% CI {} to {}).",
                num(c.estimate.exp()),
                num(c.conf_low.exp()),
                num(c.conf_high.exp())
            ));
        }
    }
    if with.len() > 1 {
        let positive = with.iter().filter(|w| w.1.estimate > 0.0).count();
        let significant = with.iter().filter(|w| w.1.p_value < 0.05).count();
        let lo = with.iter().min_by(|a, b| a.1.estimate.total_cmp(&b.1.estimate));
        let hi = with.iter().max_by(|a, b| a.1.estimate.total_cmp(&b.1.estimate));
        let range = match (lo, hi) {
            (Some(lo), Some(hi)) => format!("; it ranges from {} ({}) to {} ({})", num(lo.1.estimate), lo.0, num(hi.1.estimate), hi.0),
            _ => String::new(),
        };
        out.push(format!(
            "Across the {} models that include it, the estimate is positive in {} and negative in {}, and significant at 5% in {}{range}.",
            with.len(),
            positive,
            with.len() - positive,
            significant
        ));
    }
    if !conditional.is_empty() {
        out.push(format!(
            "In {} {name} also enters an interaction, so its coefficient there is its effect when the terms it interacts with are zero; {} left out of the statements above.",
            conditional.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", "),
            if conditional.len() == 1 { "that model is" } else { "those models are" }
        ));
    }
    let fds: Vec<(&String, &crate::estimate::predict::FirstDifference)> =
        results.iter().flat_map(|(n, r)| r.first_differences.iter().filter(|d| d.column == focus).map(move |d| (n, d))).collect();
    if let Some((n, d)) = fds.first() {
        let binary = results.iter().find(|(m, _)| &m == n).is_some_and(|(_, r)| r.model.binary());
        let expected = if binary { format!("Pr({})", label(&outcome)) } else { format!("the expected {}", label(&outcome)) };
        let covers = d.conf_low <= 0.0 && d.conf_high >= 0.0;
        out.push(format!(
            "Moving {name} from {} to {} with the other variables at their means changes {} by {} in {n} (simulated 95% interval {} to {}, {}){}.",
            d.from,
            d.to,
            expected,
            num(d.estimate),
            num(d.conf_low),
            num(d.conf_high),
            plural(d.sims, "draw", "draws"),
            if covers { "; the interval includes zero" } else { "; the interval excludes zero" }
        ));
    }
    out
}

/// A mean (or share) in one group, with its 95% interval and the rows behind it.
#[derive(Debug, Clone)]
pub struct GroupMean {
    /// The group's value, as text.
    pub group: String,
    /// Mean (share).
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Rows with a value.
    pub n: usize,
}

/// A sentence on a mean (`share`: a share, in percent) in each group: its value, 95% interval
/// and the rows behind it.
pub fn groups_sentence(name: &str, groups: &[(String, GroupMean)], share: bool) -> Option<String> {
    if groups.is_empty() {
        return None;
    }
    // A share and its interval with the decimals that keep them apart.
    let v3 = |g: &GroupMean| -> [String; 3] {
        if share {
            let p = super::table::percents(&[g.mean, g.low, g.high]);
            [p[0].clone(), p[1].clone(), p[2].clone()]
        } else {
            [num(g.mean), num(g.low), num(g.high)]
        }
    };
    // Many groups: the small ones are left to the figure.
    let many = groups.len() > 6;
    let shown: Vec<&(String, GroupMean)> = groups.iter().filter(|(_, g)| !many || g.n >= 10).collect();
    let left = groups.len() - shown.len();
    let parts: Vec<String> = shown
        .iter()
        .map(|(label, g)| {
            let [m, lo, hi] = v3(g);
            format!("{label} {m} (95% CI {lo} to {hi}, n = {})", super::table::thousands(g.n))
        })
        .collect();
    let rest = if left > 0 { format!(" ({left} groups with fewer than 10 rows are in the figure only)") } else { String::new() };
    Some(format!("{name}: {}{rest}.", parts.join("; ")))
}

/// A sentence setting a published value beside the estimate of the same group.
pub fn published_sentence(p: &super::spec::Published, series: &str, level: &str, g: &GroupMean, share: bool) -> String {
    let shown =
        if share { super::table::percents(&[p.value, g.mean, g.low, g.high]) } else { [p.value, g.mean, g.low, g.high].map(num).to_vec() };
    let v = |x: f64| [p.value, g.mean, g.low, g.high].iter().position(|y| *y == x).map_or_else(|| num(x), |i| shown[i].clone());
    let head = format!(
        "{} report {} of {}; here, {} for {level}: {} (95% CI {} to {}, n = {})",
        p.source,
        p.what,
        v(p.value),
        series.to_lowercase(),
        v(g.mean),
        v(g.low),
        v(g.high),
        super::table::thousands(g.n)
    );
    match &p.differs {
        Some(how) => format!(
            "{head}. The two are not the same measure ({}), so they are set side by side without a test.",
            how.trim_end_matches('.')
        ),
        None => {
            let inside = g.low <= p.value && p.value <= g.high;
            format!("{head}, an interval that {} the published value.", if inside { "includes" } else { "excludes" })
        }
    }
}

/// A sentence on a series by year: its first and last values, and its peak.
pub fn series_sentence(name: &str, points: &[(i32, f64)]) -> Option<String> {
    let first = points.first()?;
    let last = points.last()?;
    let peak = points.iter().max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    let n = |v: f64| if v.fract() == 0.0 { super::table::thousands(v as usize) } else { format!("{v:.2}") };
    Some(format!("{name}: {} in {}, {} in {}; the most, {}, in {}.", n(first.1), first.0, n(last.1), last.0, n(peak.1), peak.0))
}
