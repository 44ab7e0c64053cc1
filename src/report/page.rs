//! `reports/index.html`: one self-contained page (inline CSS and SVG, no external assets) with,
//! per study, the question, the data and versions used, the specification, the table, the
//! figures, N, the findings, and the citations of every dataset used.

use super::pipeline::Outcome;
use super::table::escape_html;
use std::fmt::Write as _;
use std::path::Path;

const CSS: &str = "body{font-family:Georgia,'DejaVu Serif',serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.45}\
h1{font-size:1.9rem}h2{border-top:2px solid #333;padding-top:1rem;margin-top:2.5rem}h3{font-size:1.05rem;margin-bottom:.3rem}\
nav ul.answers li{margin:.45rem 0}.answer{font-size:1.02rem;border-left:3px solid #0072b2;padding-left:.7rem}code{font-size:.9em}.question{font-style:italic}\
table.choices td,table.choices th{padding:.15rem .7rem;text-align:left}table.choices .num{text-align:right;font-variant-numeric:tabular-nums}\
table.choices tr.first td{border-top:1px solid #bbb}\
table{border-collapse:collapse;margin:.8rem 0;font-family:'DejaVu Sans',Arial,sans-serif;font-size:.85rem}\
table.regression th,table.regression td{padding:.1rem .7rem;text-align:right}table.regression th[scope=row]{text-align:left;font-weight:normal}\
table.regression thead th{border-top:2px solid #000;border-bottom:1px solid #000}\
table.regression tr.se td{color:#555}table.regression tbody.statistics tr:first-child th,table.regression tbody.statistics tr:first-child td{border-top:1px solid #000}\
table.regression tfoot td{border-top:2px solid #000;text-align:left;font-size:.8rem}\
table.data th,table.data td{border-bottom:1px solid #ddd;padding:.15rem .6rem;text-align:left}\
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#444}\
.findings li{margin:.3rem 0}.failed{color:#a00}.unverified{color:#a00;font-weight:bold}\
.listing{max-height:30rem;overflow:auto}.note{font-size:.85rem;color:#444}\
td.reproduces{color:#1a6b1a;font-weight:bold}td.departs{color:#a15c00;font-weight:bold}.deviations li{font-size:.9rem}";

/// A plain citation from a BibTeX entry: authors (year). Title. Journal/publisher.
pub fn citation(bibtex: &str) -> String {
    let field = |name: &str| -> Option<String> {
        let lower = bibtex.to_lowercase();
        let mut from = 0;
        while let Some(i) = lower[from..].find(name) {
            let at = from + i;
            from = at + name.len();
            let before = lower[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = bibtex[from..].trim_start();
            let Some(rest) = rest.strip_prefix('=') else { continue };
            let rest = rest.trim_start();
            let (open, close) = if rest.starts_with('{') {
                ('{', '}')
            } else if rest.starts_with('"') {
                ('"', '"')
            } else {
                continue;
            };
            let mut depth = 0;
            let mut out = String::new();
            for ch in rest.chars() {
                if ch == open && (open != close || depth == 0) {
                    depth += 1;
                    if depth == 1 {
                        continue;
                    }
                } else if ch == close {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                out.push(ch);
            }
            return Some(out.replace(['{', '}'], "").split_whitespace().collect::<Vec<_>>().join(" "));
        }
        None
    };
    let author = field("author").unwrap_or_default().replace(" and ", ", ");
    let year = field("year").unwrap_or_default();
    let title = field("title").unwrap_or_default();
    let venue = field("journal")
        .or_else(|| field("publisher"))
        .or_else(|| field("howpublished"))
        .or_else(|| field("institution"))
        .unwrap_or_default();
    let mut s = format!("{author} ({year}). {title}.");
    if !venue.is_empty() {
        s.push_str(&format!(" {venue}."));
    }
    s
}

/// One study's part of the page: its section's HTML and the datasets it read (for the
/// citations). A study that was not run again keeps the section it wrote last time
/// (`<study>/section.html`).
#[derive(Debug, Clone)]
pub struct Part {
    /// The study's folder name.
    pub id: String,
    /// Its title (the navigation).
    pub title: String,
    /// Its `<section>`.
    pub html: String,
    /// Datasets it read, by catalog name.
    pub datasets: Vec<String>,
}

/// The section of a study that ran: question, findings, table, listings, figures (inlined from
/// `root`), specification, data and notes.
pub fn section(o: &Outcome, findings: &[String], root: &Path) -> String {
    let mut s = String::new();
    study(&mut s, o, findings, root);
    // The study's answer in one sentence beneath its title; the page's opening list repeats it.
    let answer = format!("<p class=\"answer\">{}</p>\n", escape_html(&answer(findings)));
    match s.find("</h2>") {
        Some(i) => s.insert_str(i + "</h2>".len() + usize::from(s[i + 5..].starts_with('\n')), &answer),
        None => s.insert_str(0, &answer),
    }
    s
}

/// One sentence that answers the study's question: how many published results it reproduces,
/// then its first finding on the focus term (the first description for a descriptive study).
fn answer(findings: &[String]) -> String {
    let replications: Vec<&String> = findings.iter().filter(|l| l.contains("the replication of its design")).collect();
    let reproduced = replications.iter().filter(|l| l.contains(": it reproduces the published result")).count();
    let first =
        findings.iter().find(|l| l.starts_with("In ")).or_else(|| findings.iter().find(|l| !l.contains("the replication of its design")));
    let mut out = String::new();
    if !replications.is_empty() {
        out.push_str(&format!("{reproduced} of {} published results reproduced. ", replications.len()));
    }
    out.push_str(first.map_or("", |l| l.as_str()));
    out.trim().to_string()
}

/// The answer sentence a section carries (empty for a failed study).
fn answer_of(html: &str) -> String {
    let open = "<p class=\"answer\">";
    html.find(open)
        .and_then(|i| html[i + open.len()..].find("</p>").map(|j| html[i + open.len()..i + open.len() + j].to_string()))
        .unwrap_or_default()
}

/// The section of a study that failed.
pub fn failed_section(id: &str, title: &str, error: &str) -> String {
    format!(
        "<section id=\"{id}\"><h2>{}</h2><p class=\"failed\">This study failed: {}</p></section>\n",
        escape_html(title),
        escape_html(error)
    )
}

/// The whole page from the studies' parts, with the citation of every dataset they read.
pub fn render(parts: &[Part]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>allywar: alliances, war and coalitions — reproduced</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    );
    let _ = writeln!(s, "<h1>Alliances, war and coalitions: the studies, reproduced</h1>");
    let _ = writeln!(
        s,
        "<p>Generated by allywar {} from the datasets listed under each study, verified by sha256 against allywar's catalog. Every number, table, figure and sentence below is computed; nothing is written by hand.</p>",
        env!("CARGO_PKG_VERSION")
    );
    // The answers first: each study's title and its one-sentence answer, in the order of the
    // questions.
    let _ = writeln!(s, "<nav><h2>The answers, study by study</h2><ul class=\"answers\">");
    for p in parts {
        let answer = answer_of(&p.html);
        let sep = if answer.is_empty() { "" } else { ": " };
        let _ = writeln!(s, "<li><a href=\"#{}\">{}</a>{sep}{answer}</li>", p.id, escape_html(&p.title));
    }
    let _ = writeln!(s, "</ul></nav>");
    let mut cited: Vec<&str> = Vec::new();
    for p in parts {
        s.push_str(&p.html);
        for d in p.datasets.iter().filter_map(|n| crate::catalog().get(n).ok()) {
            for key in &d.cite {
                if !cited.contains(&key.as_str()) {
                    cited.push(key.as_str());
                }
            }
        }
    }
    let _ = writeln!(s, "<h2 id=\"citations\">Data citations</h2>\n<ul class=\"citations\">");
    let mut lines: Vec<String> = cited.iter().filter_map(|k| crate::catalog().citation(k)).map(|c| citation(&c.bibtex)).collect();
    lines.sort();
    lines.dedup();
    for l in lines {
        let _ = writeln!(s, "<li>{}</li>", escape_html(&l));
    }
    let _ = writeln!(s, "</ul>\n</body>\n</html>");
    s
}

fn study(s: &mut String, o: &Outcome, findings: &[String], root: &Path) {
    let st = &o.study.study;
    let id = &o.study.id;
    let _ = writeln!(s, "<section id=\"{id}\">\n<h2>{}</h2>", escape_html(&st.title));
    let _ = writeln!(s, "<p class=\"question\">{}</p>", escape_html(&st.question));
    if !st.follows.is_empty() {
        let _ = writeln!(s, "<p>Follows {}.</p>", escape_html(&st.follows.join("; ")));
    }
    if !o.replications.is_empty() {
        let _ = writeln!(s, "<h3>Published | replication | extension</h3>\n{}", super::replication::html(&o.replications, &st.labels));
    }
    let _ = writeln!(s, "<h3>Findings</h3>\n<ul class=\"findings\">");
    for f in findings {
        let _ = writeln!(s, "<li>{}</li>", escape_html(f));
    }
    let _ = writeln!(s, "</ul>");
    if !o.table_html.is_empty() {
        let _ = writeln!(s, "<h3>Estimates</h3>\n{}", o.table_html);
    }
    for (stem, title, listing) in &o.listings {
        let _ = writeln!(
            s,
            "<h3>{}</h3>\n<div class=\"listing\">{}</div>\n<p class=\"note\">{} rows (<code>{id}/{stem}.csv</code>, <code>.md</code>, <code>.html</code>)</p>",
            escape_html(title),
            listing.html(),
            listing.rows.len()
        );
    }
    for (stem, title) in &o.figures {
        let _ = writeln!(
            s,
            "<figure>{}<figcaption>{} (<code>{id}/{stem}.png</code>, <code>.svg</code>)</figcaption></figure>",
            inline_svg(&root.join(id).join(format!("{stem}.svg"))),
            escape_html(title)
        );
    }
    if let Some(w) = &o.multiverse {
        multiverse(s, id, w, root);
    }
    if !o.results.is_empty() {
        specification(s, o);
    }
    data_and_notes(s, o);
}

/// The models' table: frame, formula, estimator, standard errors, N.
/// An SVG file's text without its XML declaration, to set inline.
fn inline_svg(path: &Path) -> String {
    let svg = std::fs::read_to_string(path).unwrap_or_default();
    let svg = svg.trim_start_matches(|c| c != '<');
    let svg = svg.strip_prefix("<?xml").map_or(svg, |r| r.split_once("?>").map_or(r, |x| x.1));
    svg.trim().to_string()
}

fn multiverse(s: &mut String, id: &str, w: &super::multiverse::Written, root: &Path) {
    let stem = super::multiverse::CURVE;
    let _ = writeln!(s, "<h3>Specification multiverse</h3>\n<ul class=\"findings\">");
    for f in &w.sentences {
        let _ = writeln!(s, "<li>{}</li>", escape_html(f));
    }
    let _ = writeln!(s, "</ul>");
    let _ = writeln!(
        s,
        "<figure class=\"wide\">{}<figcaption>{} (<code>{id}/{stem}.png</code>, <code>.svg</code>; every specification in <code>{id}/multiverse.csv</code>)</figcaption></figure>",
        inline_svg(&root.join(id).join(format!("{stem}.svg"))),
        escape_html(&w.title)
    );
    let _ = writeln!(s, "{}", w.summary.html());
}

fn specification(s: &mut String, o: &Outcome) {
    let st = &o.study.study;
    let _ = writeln!(s, "<h3>Specification</h3>\n<table class=\"data\"><thead><tr><th>Model</th><th>Frame</th><th>Formula</th><th>Estimator</th><th>Standard errors</th><th>N</th></tr></thead><tbody>");
    for (m, (_, r)) in o.study.models.iter().zip(&o.results) {
        let f = &m.frame;
        let mut frame = format!("{}{}", f.unit, f.years.map(|y| format!(" {}–{}", y.first, y.last)).unwrap_or_default());
        if f.unit == crate::types::Unit::DyadYear {
            frame.push_str(if f.directed { ", directed" } else { ", non-directed" });
            if f.prd {
                frame.push_str(", politically relevant");
            }
        }
        let war_invocations = f.unit.options().conflicts && f.conflicts == crate::types::Conflicts::War;
        if war_invocations {
            frame.push_str(", COW inter-state wars 4.0");
        }
        if f.unit.options().mids && !war_invocations {
            frame.push_str(&format!(", {} disputes", f.mids.title()));
        }
        if !m.filter.is_all() {
            frame.push_str(&format!(", where {}", m.filter));
        }
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(&m.name),
            escape_html(&frame),
            escape_html(&m.formula),
            r.model,
            escape_html(&super::table::se_label(&r.variance, &st.labels)),
            super::table::thousands(r.glance.nobs)
        );
    }
    let _ = writeln!(s, "</tbody></table>");
}

/// The datasets read, with their sha256 (unverified ones flagged), and the builds' notes.
fn data_and_notes(s: &mut String, o: &Outcome) {
    let _ =
        writeln!(s, "<h3>Data</h3>\n<table class=\"data\"><thead><tr><th>Dataset</th><th>Version</th><th>sha256</th></tr></thead><tbody>");
    for i in &o.inputs {
        let flag = if i.verified { String::new() } else { " <span class=\"unverified\">not verified</span>".into() };
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td><code>{}…</code>{flag}</td></tr>",
            escape_html(&i.dataset),
            escape_html(&i.version),
            &i.sha256[..12.min(i.sha256.len())]
        );
    }
    let _ = writeln!(s, "</tbody></table>");
    if !o.notes.is_empty() {
        let _ = writeln!(s, "<details><summary>Notes from building the frames ({})</summary><ul>", o.notes.len());
        for n in &o.notes {
            let _ = writeln!(s, "<li>{}</li>", escape_html(n));
        }
        let _ = writeln!(s, "</ul></details>");
    }
    let _ = writeln!(s, "</section>");
}
