//! Which reported numbers moved between two runs of a study (old → new): the coefficients,
//! standard errors and p-values of each model, its number of observations and log-likelihood,
//! and its marginal effects — what a reviewer of regenerated reports (after new data is pinned,
//! say) needs to see first.

use serde_json::Value;
use std::fmt::Write as _;

/// One number that moved.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// Study.
    pub study: String,
    /// Model name.
    pub model: String,
    /// What moved: `tgt_def estimate`, `N`, ...
    pub what: String,
    /// Before (None: it was not reported).
    pub old: Option<f64>,
    /// After (None: it is no longer reported).
    pub new: Option<f64>,
}

/// The numbers of every model in a results.json, by (model, what), in order.
fn numbers(results: &Value) -> Vec<(String, String, f64)> {
    let mut out = Vec::new();
    for m in results["models"].as_array().into_iter().flatten() {
        let name = m["name"].as_str().unwrap_or_default().to_string();
        let mut push = |what: String, v: &Value| {
            if let Some(x) = v.as_f64() {
                out.push((name.clone(), what, x));
            }
        };
        for c in m["coefficients"].as_array().into_iter().flatten() {
            let term = c["term"].as_str().unwrap_or_default();
            for field in ["estimate", "std_error", "p_value"] {
                push(format!("{term} {field}"), &c[field]);
            }
        }
        for c in m["margins"].as_array().into_iter().flatten() {
            push(format!("{} marginal effect", c["term"].as_str().unwrap_or_default()), &c["estimate"]);
        }
        push("N".into(), &m["glance"]["nobs"]);
        push("log-likelihood".into(), &m["glance"]["logLik"]);
    }
    out
}

/// The numbers that differ between two results.json of `study` (beyond 1e-12 relative).
pub fn moved(study: &str, old: &Value, new: &Value) -> Vec<Moved> {
    let (before, after) = (numbers(old), numbers(new));
    let find = |list: &[(String, String, f64)], m: &str, w: &str| list.iter().find(|(a, b, _)| a == m && b == w).map(|t| t.2);
    let mut out = Vec::new();
    for (m, w, x) in &after {
        let was = find(&before, m, w);
        let same = was.is_some_and(|y| (x - y).abs() <= 1e-12 * y.abs().max(1e-300));
        if !same {
            out.push(Moved { study: study.into(), model: m.clone(), what: w.clone(), old: was, new: Some(*x) });
        }
    }
    for (m, w, y) in &before {
        if find(&after, m, w).is_none() {
            out.push(Moved { study: study.into(), model: m.clone(), what: w.clone(), old: Some(*y), new: None });
        }
    }
    out
}

/// Six significant digits.
fn show(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) if v == 0.0 || (1e-3..1e6).contains(&v.abs()) => {
            let digits = (5 - v.abs().log10().floor() as i32).clamp(0, 9) as usize;
            format!("{v:.digits$}")
        }
        Some(v) => format!("{v:.5e}"),
    }
}

/// The moved numbers as a Markdown list for a pull request, grouped by study and model.
pub fn markdown(moved: &[Moved]) -> String {
    if moved.is_empty() {
        return "No reported number moved.\n".into();
    }
    let mut s = format!("{} reported numbers moved (old → new):\n", moved.len());
    let mut last = (String::new(), String::new());
    for m in moved {
        if (m.study.as_str(), m.model.as_str()) != (last.0.as_str(), last.1.as_str()) {
            let _ = writeln!(s, "\n**{}** · {}", m.study, m.model);
            last = (m.study.clone(), m.model.clone());
        }
        let _ = writeln!(s, "- {}: {} → {}", m.what, show(m.old), show(m.new));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_numbers_are_named_by_model_and_term() {
        let old = serde_json::json!({"models": [{"name": "M", "coefficients": [{"term": "x", "estimate": 0.5, "std_error": 0.1, "p_value": 0.01}], "glance": {"nobs": 100, "logLik": -50.0}}]});
        let new = serde_json::json!({"models": [{"name": "M", "coefficients": [{"term": "x", "estimate": 0.25, "std_error": 0.1, "p_value": 0.01}], "glance": {"nobs": 101, "logLik": -50.0}}]});
        let m = moved("s", &old, &new);
        assert_eq!(m.iter().map(|m| m.what.as_str()).collect::<Vec<_>>(), ["x estimate", "N"]);
        let text = markdown(&m);
        assert!(
            text.contains("**s** · M") && text.contains("- x estimate: 0.500000 → 0.250000") && text.contains("- N: 100 → 101"),
            "{text}"
        );
        assert!(moved("s", &old, &old).is_empty());
        assert_eq!(markdown(&[]), "No reported number moved.\n");
    }
}
