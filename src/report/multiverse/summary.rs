//! How robust is the estimate? The median average partial effect, the shares with the median's
//! sign and significant at 5%, each alternative's median, and the choice that moves the estimate
//! most: for each choice, the range of the estimate over its alternatives with every other
//! choice held fixed, averaged over the settings of the others.

use super::run::Row;
use super::Multiverse;
use crate::report::table::thousands;
use std::collections::BTreeMap;

/// An alternative's specifications.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// Name.
    pub name: String,
    /// Specifications estimated.
    pub n: usize,
    /// Median average partial effect.
    pub median: f64,
    /// Share significant at 5%.
    pub significant: f64,
}

/// A choice's effect on the estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceEffect {
    /// Label.
    pub label: String,
    /// Mean range of the estimate over the alternatives, others fixed.
    pub mean_range: f64,
    /// Its alternatives.
    pub alternatives: Vec<Alternative>,
}

/// The multiverse in numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The term.
    pub term: String,
    /// Specifications run.
    pub specs: usize,
    /// Combinations the constraints excluded.
    pub excluded: usize,
    /// Specifications estimated (status ok).
    pub ok: usize,
    /// Failures by status.
    pub failures: BTreeMap<String, usize>,
    /// Estimated specifications whose whole variance matrix is not positive definite.
    pub not_positive_definite: usize,
    /// Median average partial effect.
    pub median: f64,
    /// Share of estimates with the median's sign.
    pub same_sign: f64,
    /// Share significant at 5%.
    pub significant: f64,
    /// Share significant at 5% with the median's sign.
    pub significant_same_sign: f64,
    /// Each choice's effect, in the spec's order.
    pub choices: Vec<ChoiceEffect>,
    /// The choice with the largest mean range (index into `choices`).
    pub most: Option<usize>,
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

fn significant(r: &Row) -> bool {
    r.p_value.is_some_and(|p| p < 0.05)
}

impl Summary {
    /// Summarizes the rows of `m`.
    pub fn of(m: &Multiverse, term: &str, rows: &[Row]) -> Summary {
        let ok: Vec<(&Row, f64)> = rows.iter().filter(|r| r.ok()).filter_map(|r| Some((r, r.ape()?.0))).collect();
        let mut failures = BTreeMap::new();
        for r in rows.iter().filter(|r| !r.ok()) {
            // Failure kinds, without the detail after the first colon.
            let kind = r.status.split(':').next().unwrap_or("").to_string();
            *failures.entry(kind).or_insert(0) += 1;
        }
        let med = median(&mut ok.iter().map(|o| o.1).collect::<Vec<_>>());
        let share = |f: &dyn Fn(&(&Row, f64)) -> bool| {
            if ok.is_empty() {
                f64::NAN
            } else {
                ok.iter().filter(|o| f(o)).count() as f64 / ok.len() as f64
            }
        };
        let same = |e: f64| e.signum() == med.signum();
        let mut choices = Vec::new();
        for (c, choice) in m.choices.iter().enumerate() {
            // Specifications that differ only in this choice, by the picks of the others.
            let mut groups: BTreeMap<Vec<usize>, Vec<f64>> = BTreeMap::new();
            for (r, ape) in &ok {
                let mut others = r.picks.clone();
                others.remove(c);
                groups.entry(others).or_default().push(*ape);
            }
            let ranges: Vec<f64> = groups
                .values()
                .filter(|v| v.len() > 1)
                .map(|v| v.iter().copied().fold(f64::NEG_INFINITY, f64::max) - v.iter().copied().fold(f64::INFINITY, f64::min))
                .collect();
            let mean_range = if ranges.is_empty() { 0.0 } else { ranges.iter().sum::<f64>() / ranges.len() as f64 };
            let alternatives = choice
                .alternatives
                .iter()
                .enumerate()
                .map(|(a, name)| {
                    let mine: Vec<&(&Row, f64)> = ok.iter().filter(|o| o.0.picks[c] == a).collect();
                    Alternative {
                        name: name.clone(),
                        n: mine.len(),
                        median: median(&mut mine.iter().map(|o| o.1).collect::<Vec<_>>()),
                        significant: if mine.is_empty() {
                            f64::NAN
                        } else {
                            mine.iter().filter(|o| significant(o.0)).count() as f64 / mine.len() as f64
                        },
                    }
                })
                .collect();
            choices.push(ChoiceEffect { label: choice.label.clone(), mean_range, alternatives });
        }
        let most = (0..choices.len())
            .filter(|&c| choices[c].mean_range > 0.0)
            .max_by(|&a, &b| choices[a].mean_range.total_cmp(&choices[b].mean_range));
        Summary {
            term: term.to_string(),
            specs: rows.len(),
            excluded: m.excluded,
            ok: ok.len(),
            failures,
            not_positive_definite: ok.iter().filter(|o| o.0.vcov_positive_definite == Some(false)).count(),
            median: med,
            same_sign: share(&|o| same(o.1)),
            significant: share(&|o| significant(o.0)),
            significant_same_sign: share(&|o| significant(o.0) && same(o.1)),
            choices,
            most,
        }
    }

    /// The findings in sentences (effects in percentage points).
    pub fn sentences(&self, outcome: &str) -> Vec<String> {
        let pct = |s: f64| format!("{:.0}%", 100.0 * s);
        let pp = |v: f64| format!("{:+.3}", 100.0 * v).replace('-', "−");
        let mut out = Vec::new();
        let failed: Vec<String> = self.failures.iter().map(|(k, n)| format!("{n} {k}")).collect();
        out.push(format!(
            "{} specifications ({} combinations excluded by the constraints); {} estimated{}.",
            thousands(self.specs),
            thousands(self.excluded),
            thousands(self.ok),
            if failed.is_empty() { String::new() } else { format!(", {} not ({})", thousands(self.specs - self.ok), failed.join(", ")) }
        ));
        if self.ok == 0 {
            return out;
        }
        if self.not_positive_definite > 0 {
            out.push(format!(
                "{} of the estimated specifications have a variance matrix that is not positive definite (dyadic and two-way matrices are differences of sums); their rows use the term's own variance, which is positive.",
                thousands(self.not_positive_definite)
            ));
        }
        let sign = if self.median < 0.0 { "negative" } else { "positive" };
        out.push(format!(
            "The median average partial effect of {} on Pr({outcome}) is {} percentage points; {} of the estimates are {sign}, {} are significant at 5%, and {} are both {sign} and significant.",
            self.term,
            pp(self.median),
            pct(self.same_sign),
            pct(self.significant),
            pct(self.significant_same_sign),
        ));
        if let Some(c) = self.most {
            let ch = &self.choices[c];
            let extremes = ch.alternatives.iter().filter(|a| a.n > 0);
            let lo = extremes.clone().min_by(|a, b| a.median.total_cmp(&b.median));
            let hi = extremes.max_by(|a, b| a.median.total_cmp(&b.median));
            let span = match (lo, hi) {
                (Some(lo), Some(hi)) => {
                    format!("; its alternatives' medians run from {} ({}) to {} ({})", pp(lo.median), lo.name, pp(hi.median), hi.name)
                }
                _ => String::new(),
            };
            out.push(format!(
                "The choice that moves the estimate most is {}: changing it alone moves the estimate by {:.3} percentage points on average{span}.",
                ch.label.to_lowercase(),
                100.0 * ch.mean_range
            ));
        }
        out
    }

    /// The table of choices: each alternative's specifications, median effect and share significant.
    pub fn markdown(&self) -> String {
        let mut s = String::from(
            "| choice | alternative | specifications | median effect (pp) | significant at 5% |\n| --- | --- | ---: | ---: | ---: |\n",
        );
        for c in &self.choices {
            for a in &c.alternatives {
                s.push_str(&format!("| {} | {} | {} | {} | {} |\n", c.label, a.name, a.n, fmt_pp(a.median), fmt_share(a.significant)));
            }
        }
        s
    }

    /// The same table as HTML.
    pub fn html(&self) -> String {
        let esc = crate::report::table::escape_html;
        let mut s = String::from("<table class=\"choices\"><thead><tr><th>choice</th><th>alternative</th><th class=\"num\">specifications</th><th class=\"num\">median effect (pp)</th><th class=\"num\">significant at 5%</th></tr></thead><tbody>");
        for c in &self.choices {
            for (i, a) in c.alternatives.iter().enumerate() {
                let head = if i == 0 { format!("<td rowspan=\"{}\">{}</td>", c.alternatives.len(), esc(&c.label)) } else { String::new() };
                let class = if i == 0 { " class=\"first\"" } else { "" };
                s.push_str(&format!(
                    "<tr{class}>{head}<td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    esc(&a.name),
                    a.n,
                    fmt_pp(a.median),
                    fmt_share(a.significant)
                ));
            }
        }
        s.push_str("</tbody></table>");
        s
    }
}

fn fmt_pp(v: f64) -> String {
    if v.is_finite() {
        format!("{:+.3}", 100.0 * v).replace('-', "−")
    } else {
        "–".into()
    }
}

fn fmt_share(v: f64) -> String {
    if v.is_finite() {
        format!("{:.0}%", 100.0 * v)
    } else {
        "–".into()
    }
}
