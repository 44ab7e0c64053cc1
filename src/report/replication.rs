//! Published | replication | extension: each published result a study's replication model
//! reproduces, set beside that model's estimate on the published scale and the extension
//! models' estimates, with a verdict by a stated rule and the design's stated deviations.
//!
//! The rule: with a published value, a replication *reproduces* it when the direction agrees
//! and the value lies in the replication's 95% interval; with a published sign only, when the
//! direction agrees and the interval excludes zero (or includes it, for a published estimate
//! that was not significant). Otherwise it *departs*, and the page gives the stated reasons.

use super::spec::{Checked, PublishedResult};
use super::table::{escape_html, escape_md, thousands};
use crate::estimate::Results;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One estimate of a term: value, 95% interval, rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The model's name.
    pub model: String,
    /// The term.
    pub term: String,
    /// Estimate on the published scale.
    pub estimate: f64,
    /// Lower end of its 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Observations.
    pub n: usize,
}

/// One published result beside its replication and the extensions.
#[derive(Debug, Clone)]
pub struct Replication {
    /// What was published.
    pub published: PublishedResult,
    /// The replication's estimate (None: the term was dropped from the fit).
    pub replication: Option<Estimate>,
    /// The extensions' estimates of the same term.
    pub extensions: Vec<Estimate>,
    /// Whether the replication reproduces the published result.
    pub reproduces: bool,
    /// The replication model's stated deviations.
    pub deviations: Vec<String>,
}

/// Whether `scale` asks for percent changes in the odds.
fn percent(p: &PublishedResult) -> bool {
    p.scale.as_ref().is_some_and(|s| s.get_ref() == "percent")
}

fn on_scale(x: f64, percent: bool) -> f64 {
    if percent {
        100.0 * x.exp_m1()
    } else {
        x
    }
}

fn estimate(model: &str, r: &Results, term: &str, percent: bool) -> Option<Estimate> {
    let c = r.coefficients.iter().find(|c| c.term == term)?;
    Some(Estimate {
        model: model.to_string(),
        term: term.to_string(),
        estimate: on_scale(c.estimate, percent),
        low: on_scale(c.conf_low, percent),
        high: on_scale(c.conf_high, percent),
        n: r.glance.nobs,
    })
}

/// The verdict of the rule in the module's documentation.
pub fn reproduces(p: &PublishedResult, e: &Estimate) -> bool {
    let negative = p.sign.get_ref() == "-";
    let agrees = if negative { e.estimate < 0.0 } else { e.estimate > 0.0 };
    let excludes_zero = e.low > 0.0 || e.high < 0.0;
    match p.value {
        Some(v) => agrees && e.low <= v && v <= e.high,
        None if p.significant => agrees && excludes_zero,
        None => !excludes_zero,
    }
}

/// Every published result of the study's models, in model order.
pub fn replications(study: &Checked, results: &[(String, Results)]) -> Vec<Replication> {
    let extensions: Vec<&(String, Results)> =
        study.models.iter().zip(results).filter(|(m, _)| m.published.is_empty()).map(|(_, r)| r).collect();
    let mut out = Vec::new();
    for (m, (name, r)) in study.models.iter().zip(results) {
        for p in &m.published {
            let pc = percent(p);
            let term = p.term.get_ref();
            let replication = estimate(name, r, term, pc);
            // The extensions' estimates of the same term (a multinomial logit's `level:term`
            // read as the term in the others).
            let bare = term.split_once(':').map_or(term.as_str(), |(_, t)| t);
            let ext = extensions.iter().filter_map(|(n, r)| estimate(n, r, term, pc).or_else(|| estimate(n, r, bare, pc))).collect();
            let reproduces = replication.as_ref().is_some_and(|e| reproduces(p, e));
            out.push(Replication { published: p.clone(), replication, extensions: ext, reproduces, deviations: m.deviations.clone() });
        }
    }
    out
}

fn num(v: f64, percent: bool) -> String {
    let s = if percent { format!("{v:+.0}%") } else { format!("{v:.3}") };
    s.replace('-', "−")
}

fn published_text(p: &PublishedResult) -> String {
    let pc = percent(p);
    let sig = if p.significant { "significant" } else { "not significant" };
    match p.value {
        Some(v) => format!("{} ({sig})", num(v, pc)),
        None if !p.significant => "no significant effect".to_string(),
        None => format!("{} ({sig})", if p.sign.get_ref() == "-" { "negative" } else { "positive" }),
    }
}

fn estimate_text(e: &Estimate, percent: bool) -> String {
    format!("{} [{}, {}], N = {}", num(e.estimate, percent), num(e.low, percent), num(e.high, percent), thousands(e.n))
}

/// An extension's model name, with the term it shows when that is not the published one.
fn extension_name(e: &Estimate, p: &PublishedResult, label: &dyn Fn(&str) -> String) -> String {
    if &e.term == p.term.get_ref() {
        e.model.clone()
    } else {
        format!("{} ({})", e.model, label(&e.term))
    }
}

fn verdict(r: &Replication) -> &'static str {
    if r.reproduces {
        "reproduces"
    } else {
        "departs"
    }
}

/// The table in Markdown: published | replication | extensions.
pub fn markdown(rows: &[Replication], labels: &BTreeMap<String, String>) -> String {
    let label = |t: &str| labels.get(t).cloned().unwrap_or_else(|| t.to_string());
    let mut s = String::from(
        "| Published | Term | Published result | Replication | Estimate [95% CI] | Verdict | Extensions |\n|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let pc = percent(&r.published);
        let (model, est) =
            r.replication.as_ref().map_or(("—".to_string(), "not estimated".to_string()), |e| (e.model.clone(), estimate_text(e, pc)));
        let ext: Vec<String> =
            r.extensions.iter().map(|e| format!("{}: {}", extension_name(e, &r.published, &label), estimate_text(e, pc))).collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            escape_md(&r.published.source),
            escape_md(&label(r.published.term.get_ref())),
            published_text(&r.published),
            escape_md(&model),
            est,
            verdict(r),
            escape_md(&ext.join("; "))
        );
    }
    s
}

/// The table in CSV (numbers unrounded).
pub fn csv(rows: &[Replication]) -> String {
    let mut s = String::from("source,term,published_sign,published_value,scale,model,estimate,conf_low,conf_high,n,verdict\n");
    let q = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
    for r in rows {
        let p = &r.published;
        let scale = if percent(p) { "percent" } else { "coefficient" };
        let (model, e) = match &r.replication {
            Some(e) => (e.model.clone(), format!("{},{},{},{}", e.estimate, e.low, e.high, e.n)),
            None => (String::new(), ",,,".to_string()),
        };
        let _ = writeln!(
            s,
            "{},{},{},{},{scale},{},{e},{}",
            q(&p.source),
            p.term.get_ref(),
            p.sign.get_ref(),
            p.value.map_or(String::new(), |v| v.to_string()),
            q(&model),
            verdict(r)
        );
    }
    s
}

/// The table in HTML, with the deviations of each replication model below it.
pub fn html(rows: &[Replication], labels: &BTreeMap<String, String>) -> String {
    let label = |t: &str| labels.get(t).cloned().unwrap_or_else(|| t.to_string());
    let mut s = String::from("<table class=\"data replication\"><thead><tr><th>Published</th><th>Published result</th><th>Replication (published design)</th><th>Verdict</th><th>Extensions</th></tr></thead><tbody>\n");
    for r in rows {
        let pc = percent(&r.published);
        let rep = r.replication.as_ref().map_or("not estimated".to_string(), |e| format!("{}: {}", e.model, estimate_text(e, pc)));
        let ext: Vec<String> = r
            .extensions
            .iter()
            .map(|e| format!("{}: {}", escape_html(&extension_name(e, &r.published, &label)), estimate_text(e, pc)))
            .collect();
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}: {}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>",
            escape_html(&r.published.source),
            escape_html(&label(r.published.term.get_ref())),
            published_text(&r.published),
            escape_html(&rep),
            verdict(r),
            verdict(r),
            if ext.is_empty() { "—".to_string() } else { ext.join("<br>") }
        );
    }
    s.push_str("</tbody></table>\n");
    let mut seen: Vec<(&str, &[String])> = Vec::new();
    for r in rows {
        if let Some(e) = &r.replication {
            if !r.deviations.is_empty() && !seen.iter().any(|(m, _)| *m == e.model) {
                seen.push((&e.model, &r.deviations));
            }
        }
    }
    if !seen.is_empty() {
        s.push_str("<p><strong>Why they differ</strong> (each replication's stated departures from the published design):</p>\n<ul class=\"deviations\">\n");
        for (model, devs) in seen {
            let _ = writeln!(s, "<li>{}: {}</li>", escape_html(model), escape_html(&devs.join("; ")));
        }
        s.push_str("</ul>\n");
    }
    s
}

/// A sentence per published result: reproduces or departs, with the numbers and, when it
/// departs, the stated reasons.
pub fn sentences(rows: &[Replication], labels: &BTreeMap<String, String>) -> Vec<String> {
    let label = |t: &str| labels.get(t).cloned().unwrap_or_else(|| t.to_string());
    rows.iter()
        .map(|r| {
            let p = &r.published;
            let pc = percent(p);
            let Some(e) = &r.replication else {
                return format!("{} ({}): the term was not estimated in the replication.", p.source, label(p.term.get_ref()));
            };
            let rule = match p.value {
                Some(_) => "the published value lies in the replication's 95% interval and the direction agrees",
                None if p.significant => "the direction agrees and the 95% interval excludes zero",
                None => "the 95% interval includes zero, as the published estimate was not significant",
            };
            let mut s = format!(
                "{} reports {} for {}; the replication of its design ({}) estimates {} (95% CI {} to {}, N = {}): it {} ({}).",
                p.source,
                published_text(p),
                label(p.term.get_ref()),
                e.model,
                num(e.estimate, pc),
                num(e.low, pc),
                num(e.high, pc),
                thousands(e.n),
                if r.reproduces { "reproduces the published result" } else { "departs from it" },
                if r.reproduces { format!("rule: {rule}") } else { format!("the rule asks that {rule}") }
            );
            if r.reproduces && p.value.is_some() && p.significant && e.low <= 0.0 && e.high >= 0.0 {
                s.push_str(" Unlike the published estimate, the replication's interval includes zero.");
            }
            if !r.reproduces && !r.deviations.is_empty() {
                let _ = write!(s, " Stated departures from the published design: {}.", r.deviations.join("; ").trim_end_matches('.'));
            }
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::Spanned;

    fn published(sign: &str, value: Option<f64>, significant: bool) -> PublishedResult {
        PublishedResult {
            source: "Someone 2011".into(),
            term: Spanned::new(0..0, "x".into()),
            sign: Spanned::new(0..0, sign.into()),
            value,
            scale: None,
            significant,
        }
    }

    fn est(estimate: f64, low: f64, high: f64) -> Estimate {
        Estimate { model: "m".into(), term: "x".into(), estimate, low, high, n: 10 }
    }

    #[test]
    fn the_verdict_follows_the_stated_rule() {
        // A value: inside the interval and the same direction.
        assert!(reproduces(&published("-", Some(-0.2), true), &est(-0.3, -0.5, -0.1)));
        assert!(!reproduces(&published("-", Some(-0.2), true), &est(-0.6, -0.8, -0.4)), "value outside the interval");
        assert!(!reproduces(&published("+", Some(0.05), true), &est(-0.1, -0.3, 0.1)), "direction differs");
        // A sign: the interval must exclude zero on that side.
        assert!(reproduces(&published("-", None, true), &est(-0.3, -0.5, -0.1)));
        assert!(!reproduces(&published("-", None, true), &est(-0.3, -0.7, 0.1)), "not significant");
        assert!(!reproduces(&published("-", None, true), &est(0.3, 0.1, 0.5)));
        // A published null.
        assert!(reproduces(&published("+", None, false), &est(0.1, -0.1, 0.3)));
        // Percent changes in the odds.
        assert!((on_scale(2.0_f64.ln(), true) - 100.0).abs() < 1e-12);
    }
}
