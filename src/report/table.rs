//! Regression tables as journals print them (modelsummary's and fixest's `etable` layout):
//! models in columns, each coefficient with its standard error in parentheses beneath,
//! significance stars with their legend, variable labels instead of column names, and rows
//! for N, log-likelihood, AIC, clusters, fixed effects and the variance used. Written as
//! Markdown, LaTeX (booktabs), HTML and CSV (long form, full precision).

use crate::estimate::{Results, VarianceSpec};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The legend of the stars.
pub const STARS: &str = "* p < 0.05, ** p < 0.01, *** p < 0.001";

/// Stars for a p-value.
pub fn stars(p: f64) -> &'static str {
    if p < 0.001 {
        "***"
    } else if p < 0.01 {
        "**"
    } else if p < 0.05 {
        "*"
    } else {
        ""
    }
}

/// A number as tables print it: three decimals, or two significant digits in scientific
/// notation when three decimals would show nothing.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "".into();
    }
    if v == 0.0 || v.abs() >= 0.0005 {
        let s = format!("{v:.3}");
        if s == "-0.000" {
            "0.000".into()
        } else {
            s
        }
    } else {
        format!("{v:.1e}")
    }
}

/// Shares as percentages with the fewest decimals (one to four) at which different values
/// print differently, so that a rare outcome's share and its interval never all read "0.1%".
pub fn percents(values: &[f64]) -> Vec<String> {
    let fmt = |d: usize| values.iter().map(|x| format!("{:.d$}%", 100.0 * x)).collect::<Vec<_>>();
    for d in 1..4 {
        let s = fmt(d);
        let apart = values.iter().zip(&s).all(|(x, a)| values.iter().zip(&s).all(|(y, b)| x == y || a != b));
        if apart {
            return s;
        }
    }
    fmt(4)
}

/// One model's column: its heading and its results.
#[derive(Debug, Clone)]
pub struct Column<'a> {
    /// Heading.
    pub name: &'a str,
    /// Results.
    pub results: &'a Results,
}

/// A regression table, laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column headings.
    pub headings: Vec<String>,
    /// Coefficient rows: label, then per model the estimate with stars and the SE in
    /// parentheses (empty where the model lacks the term).
    pub coefficients: Vec<(String, Vec<(String, String)>)>,
    /// Statistics rows: label and per-model text.
    pub statistics: Vec<(String, Vec<String>)>,
}

/// Lays out `columns` with `labels` for terms (a term without a label keeps its name). Terms
/// appear in order of first appearance across the models.
pub fn layout(columns: &[Column], labels: &BTreeMap<String, String>) -> Table {
    let mut terms: Vec<String> = Vec::new();
    for c in columns {
        for t in &c.results.coefficients {
            if !terms.contains(&t.term) {
                terms.push(t.term.clone());
            }
        }
    }
    let label = |t: &str| labels.get(t).cloned().unwrap_or_else(|| if t == "(Intercept)" { "Constant".into() } else { t.to_string() });
    let coefficients = terms
        .iter()
        .map(|term| {
            let cells = columns
                .iter()
                .map(|c| match c.results.coefficients.iter().find(|r| &r.term == term) {
                    Some(r) => (format!("{}{}", num(r.estimate), stars(r.p_value)), format!("({})", num(r.std_error))),
                    None => (String::new(), String::new()),
                })
                .collect();
            (label(term), cells)
        })
        .collect();
    let stat = |f: &dyn Fn(&Results) -> String| columns.iter().map(|c| f(c.results)).collect::<Vec<_>>();
    let outcome = |r: &Results| label(r.formula.split('~').next().unwrap_or("").trim());
    let mut statistics = vec![
        ("Dependent variable".to_string(), stat(&|r| outcome(r))),
        ("Estimator".to_string(), stat(&|r| r.model.to_string())),
        ("N".to_string(), stat(&|r| thousands(r.glance.nobs))),
        ("Log-likelihood".to_string(), stat(&|r| format!("{:.1}", r.glance.logLik))),
        ("AIC".to_string(), stat(&|r| format!("{:.1}", r.glance.AIC))),
    ];
    if columns.iter().any(|c| c.results.glance.n_clusters.is_some()) {
        statistics.push(("Clusters".into(), stat(&|r| r.glance.n_clusters.map_or(String::new(), thousands))));
    }
    let fes: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for c in columns {
            for fe in &c.results.fixed_effects {
                if !v.contains(&fe.name) {
                    v.push(fe.name.clone());
                }
            }
        }
        v
    };
    for fe in fes {
        let row = stat(&|r| if r.fixed_effects.iter().any(|f| f.name == fe) { "Yes".into() } else { "No".into() });
        statistics.push((format!("{} fixed effects", label(&fe)), row));
    }
    statistics.push(("Standard errors".into(), stat(&|r| se_label(&r.variance, labels))));
    Table { headings: columns.iter().map(|c| c.name.to_string()).collect(), coefficients, statistics }
}

/// A count with thousands separated by commas.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The variance type as a table row says it, cluster variables by their labels.
pub fn se_label(se: &VarianceSpec, labels: &BTreeMap<String, String>) -> String {
    let names = || se.columns().iter().map(|&c| labels.get(c).cloned().unwrap_or_else(|| c.to_string())).collect::<Vec<_>>().join(" and ");
    match se {
        VarianceSpec::Cluster(_) => format!("clustered by {}", names()),
        VarianceSpec::TwoWay(..) => format!("two-way clustered by {}", names()),
        VarianceSpec::Dyadic(..) => format!("dyadic ({})", names()),
        VarianceSpec::Classical => "classical".into(),
        other => other.to_string().to_uppercase(),
    }
}

/// Escapes the characters Markdown tables give meaning to.
pub fn escape_md(s: &str) -> String {
    s.replace('|', "\\|")
}

fn escape_tex(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        match ch {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(ch);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            '|' => out.push_str("\\textbar{}"),
            '<' => out.push_str("\\textless{}"),
            '>' => out.push_str("\\textgreater{}"),
            c if c.is_ascii() => out.push(c),
            c => match tex_of(c) {
                "" => out.push(c),
                tex => out.push_str(tex),
            },
        }
    }
    out
}

/// A non-ASCII character as LaTeX that compiles without extra packages (beyond booktabs):
/// superscripts, ×, dashes, comparison signs, Greek letters, accented letters; any other is
/// kept (LaTeX reads UTF-8 input since 2018): "" says so.
fn tex_of(c: char) -> &'static str {
    match c {
        '²' => "$^{2}$",
        '³' => "$^{3}$",
        '¹' => "$^{1}$",
        '×' => "$\\times$",
        '·' => "$\\cdot$",
        '−' => "$-$",
        '±' => "$\\pm$",
        '≥' => "$\\geq$",
        '≤' => "$\\leq$",
        '≠' => "$\\neq$",
        '→' => "$\\rightarrow$",
        '–' => "--",
        '—' => "---",
        '…' => "\\ldots{}",
        '‘' => "`",
        '’' => "'",
        '“' => "``",
        '”' => "''",
        'α' => "$\\alpha$",
        'β' => "$\\beta$",
        'θ' => "$\\theta$",
        'τ' => "$\\tau$",
        'σ' => "$\\sigma$",
        'μ' => "$\\mu$",
        'é' => "\\'{e}",
        'è' => "\\`{e}",
        'á' => "\\'{a}",
        'à' => "\\`{a}",
        'í' => "\\'{i}",
        'ó' => "\\'{o}",
        'ú' => "\\'{u}",
        'ñ' => "\\~{n}",
        'ç' => "\\c{c}",
        'ä' => "\\\"{a}",
        'ö' => "\\\"{o}",
        'ü' => "\\\"{u}",
        _ => "",
    }
}

/// HTML-escapes text.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Table {
    /// As a Markdown (pipe) table, the legend beneath.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "| | {} |", self.headings.iter().map(|h| escape_md(h)).collect::<Vec<_>>().join(" | "));
        let _ = writeln!(s, "|:--|{}", "--:|".repeat(self.headings.len()));
        for (label, cells) in &self.coefficients {
            let _ = writeln!(s, "| {} | {} |", escape_md(label), cells.iter().map(|c| c.0.clone()).collect::<Vec<_>>().join(" | "));
            let _ = writeln!(s, "| | {} |", cells.iter().map(|c| c.1.clone()).collect::<Vec<_>>().join(" | "));
        }
        for (label, cells) in &self.statistics {
            let _ = writeln!(s, "| {} | {} |", escape_md(label), cells.iter().map(|c| escape_md(c)).collect::<Vec<_>>().join(" | "));
        }
        let _ = writeln!(s, "\n{STARS}");
        s
    }

    /// As a LaTeX booktabs tabular (needs `\usepackage{booktabs}`), the legend as a note.
    pub fn latex(&self) -> String {
        let mut s = String::new();
        let n = self.headings.len();
        let _ = writeln!(s, "\\begin{{tabular}}{{l{}}}", "c".repeat(n));
        let _ = writeln!(s, "\\toprule");
        let _ = writeln!(s, " & {} \\\\", self.headings.iter().map(|h| escape_tex(h)).collect::<Vec<_>>().join(" & "));
        let _ = writeln!(s, "\\midrule");
        for (label, cells) in &self.coefficients {
            let est: Vec<String> = cells
                .iter()
                .map(|c| {
                    let (v, st) = c.0.split_at(c.0.trim_end_matches('*').len());
                    if st.is_empty() {
                        v.to_string()
                    } else {
                        format!("{v}$^{{{st}}}$")
                    }
                })
                .collect();
            let _ = writeln!(s, "{} & {} \\\\", escape_tex(label), est.join(" & "));
            let _ = writeln!(s, " & {} \\\\", cells.iter().map(|c| c.1.clone()).collect::<Vec<_>>().join(" & "));
        }
        let _ = writeln!(s, "\\midrule");
        for (label, cells) in &self.statistics {
            let _ = writeln!(s, "{} & {} \\\\", escape_tex(label), cells.iter().map(|c| escape_tex(c)).collect::<Vec<_>>().join(" & "));
        }
        let _ = writeln!(s, "\\bottomrule");
        let _ = writeln!(s, "\\multicolumn{{{}}}{{l}}{{\\footnotesize {}}} \\\\", n + 1, escape_tex(STARS));
        let _ = writeln!(s, "\\end{{tabular}}");
        s
    }

    /// As an HTML table (class `regression`), the legend in its footer.
    pub fn html(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "<table class=\"regression\">");
        let _ = writeln!(
            s,
            "<thead><tr><th></th>{}</tr></thead>",
            self.headings.iter().map(|h| format!("<th>{}</th>", escape_html(h))).collect::<String>()
        );
        let _ = writeln!(s, "<tbody>");
        for (label, cells) in &self.coefficients {
            let _ = writeln!(
                s,
                "<tr><th scope=\"row\">{}</th>{}</tr>",
                escape_html(label),
                cells.iter().map(|c| format!("<td>{}</td>", escape_html(&c.0))).collect::<String>()
            );
            let _ = writeln!(s, "<tr class=\"se\"><th></th>{}</tr>", cells.iter().map(|c| format!("<td>{}</td>", c.1)).collect::<String>());
        }
        let _ = writeln!(s, "</tbody><tbody class=\"statistics\">");
        for (label, cells) in &self.statistics {
            let _ = writeln!(
                s,
                "<tr><th scope=\"row\">{}</th>{}</tr>",
                escape_html(label),
                cells.iter().map(|c| format!("<td>{}</td>", escape_html(c))).collect::<String>()
            );
        }
        let _ = writeln!(s, "</tbody>");
        let _ = writeln!(s, "<tfoot><tr><td colspan=\"{}\">{}</td></tr></tfoot>", self.headings.len() + 1, STARS);
        let _ = writeln!(s, "</table>");
        s
    }
}

/// The coefficients of every model in long form with full precision (shortest round-trip
/// decimals): `model,term,label,estimate,std_error,statistic,p_value,conf_low,conf_high`.
pub fn csv(columns: &[Column], labels: &BTreeMap<String, String>) -> String {
    let mut s = String::from("model,term,label,estimate,std_error,statistic,p_value,conf_low,conf_high\n");
    let quote = |v: &str| if v.contains([',', '"', '\n']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_string() };
    for c in columns {
        for r in &c.results.coefficients {
            let label = labels.get(&r.term).cloned().unwrap_or_else(|| r.term.clone());
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{}",
                quote(c.name),
                quote(&r.term),
                quote(&label),
                r.estimate,
                r.std_error,
                r.statistic,
                r.p_value,
                r.conf_low,
                r.conf_high
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn latex_converts_superscripts_and_signs() {
        assert_eq!(super::escape_tex("I(peace_years²) × major – 5%"), "I(peace\\_years$^{2}$) $\\times$ major -- 5\\%");
        assert_eq!(super::escape_tex("Ω"), "Ω");
    }
}
