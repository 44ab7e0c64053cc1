//! A study's `[multiverse]` as written in spec.toml, and its expansion: every combination of one
//! alternative per choice, less the combinations an `exclude` entry names.
//!
//! ```toml
//! [multiverse]
//! term = "tgt_def"
//! formula = "init ~ tgt_def + chal_def"        # what every specification shares
//! exclude = [{ estimator = "relogit", fixed_effects = ["year", "dyad"] }]
//!
//! [[multiverse.choice]]
//! name = "estimator"
//! alternatives = [{ name = "logit", estimator = "logit" }, { name = "LPM", estimator = "ols" }]
//! ```

use super::{Choice, Multiverse, Specification};
use crate::estimate::formula::parse;
use crate::estimate::Estimator;
use crate::frame::Spec as FrameRequest;
use crate::report::checker::{model_columns, Checker, SpecError};
use crate::report::frames::RowFilter;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The `[multiverse]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultiverseSpec {
    /// The term whose estimate the multiverse follows.
    pub term: Spanned<String>,
    /// The formula every specification starts from (alternatives add terms and fixed effects).
    pub formula: Spanned<String>,
    /// Estimator unless an alternative sets one.
    #[serde(default)]
    pub estimator: Option<Spanned<String>>,
    /// Variance unless an alternative sets one.
    #[serde(default)]
    pub se: Option<Spanned<String>>,
    /// Title of the specification curve.
    #[serde(default)]
    pub title: Option<String>,
    /// The choices, in the order of the curve's panel.
    #[serde(rename = "choice")]
    pub choices: Vec<ChoiceSpec>,
    /// Combinations left out: each entry names alternatives (one or a list) of some choices; a
    /// specification matching every named choice is excluded.
    #[serde(default)]
    pub exclude: Vec<Spanned<BTreeMap<String, OneOrMany>>>,
}

/// One alternative name or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The names.
    pub fn names(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// A choice: a named set of alternatives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceSpec {
    /// Name (a column of multiverse.csv; used by `exclude`).
    pub name: Spanned<String>,
    /// Label in the figure and report (default: the name).
    #[serde(default)]
    pub label: Option<String>,
    /// The alternatives.
    pub alternatives: Vec<AlternativeSpec>,
}

/// What one alternative sets; what it leaves unset comes from the study's frame and the
/// multiverse's defaults. Filters of several choices are joined by `and`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlternativeSpec {
    /// Name.
    pub name: String,
    /// Dispute source (`gml`, `gml_2.1.1`, `gml_2.0`, `cow5`).
    #[serde(default)]
    pub mids: Option<Spanned<String>>,
    /// Years `A:B`.
    #[serde(default)]
    pub years: Option<Spanned<String>>,
    /// Politically relevant dyads only.
    #[serde(default)]
    pub prd: Option<bool>,
    /// Rows kept (`year < 1945`).
    #[serde(default)]
    pub filter: Option<Spanned<String>>,
    /// Terms added to the formula (`peace_years + peace_years2`).
    #[serde(default)]
    pub terms: Option<Spanned<String>>,
    /// Fixed effects absorbed (`year`, `dyad_id`).
    #[serde(default)]
    pub fe: Option<Spanned<String>>,
    /// Estimator.
    #[serde(default)]
    pub estimator: Option<Spanned<String>>,
    /// Variance.
    #[serde(default)]
    pub se: Option<Spanned<String>>,
}

/// One combination: the alternative picked of each choice (indices), and what they set
/// together (a later choice's setting wins where two set the same thing; filters and terms add up).
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// Alternative index per choice.
    pub picks: Vec<usize>,
    /// Dispute source.
    pub mids: Option<Spanned<String>>,
    /// Years.
    pub years: Option<Spanned<String>>,
    /// Politically relevant dyads.
    pub prd: Option<bool>,
    /// Filters to join.
    pub filters: Vec<Spanned<String>>,
    /// Terms to add.
    pub terms: Vec<Spanned<String>>,
    /// Fixed effects.
    pub fe: Vec<Spanned<String>>,
    /// Estimator.
    pub estimator: Option<Spanned<String>>,
    /// Variance.
    pub se: Option<Spanned<String>>,
}

/// Every combination in order (the first choice varies slowest), less the excluded ones, and
/// how many were excluded. Exclusions must already name known choices and alternatives.
pub fn expand(m: &MultiverseSpec) -> (Vec<Draft>, usize) {
    let sizes: Vec<usize> = m.choices.iter().map(|c| c.alternatives.len()).collect();
    let total: usize = sizes.iter().product();
    let exclusions: Vec<Vec<(usize, Vec<usize>)>> = m
        .exclude
        .iter()
        .map(|e| {
            e.get_ref()
                .iter()
                .filter_map(|(choice, alts)| {
                    let c = m.choices.iter().position(|c| c.name.get_ref() == choice)?;
                    let wanted = alts.names();
                    let idx = m.choices[c].alternatives.iter().enumerate().filter(|(_, a)| wanted.contains(&a.name.as_str()));
                    Some((c, idx.map(|(i, _)| i).collect()))
                })
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    let mut excluded = 0;
    for n in 0..total {
        let mut picks = vec![0; sizes.len()];
        let mut rest = n;
        for c in (0..sizes.len()).rev() {
            picks[c] = rest % sizes[c];
            rest /= sizes[c];
        }
        if exclusions.iter().any(|e| !e.is_empty() && e.iter().all(|(c, alts)| alts.contains(&picks[*c]))) {
            excluded += 1;
            continue;
        }
        let mut d = Draft { picks: picks.clone(), ..Draft::default() };
        for (c, &p) in picks.iter().enumerate() {
            let a = &m.choices[c].alternatives[p];
            d.mids = a.mids.clone().or(d.mids);
            d.years = a.years.clone().or(d.years);
            d.prd = a.prd.or(d.prd);
            d.estimator = a.estimator.clone().or(d.estimator);
            d.se = a.se.clone().or(d.se);
            d.filters.extend(a.filter.clone());
            d.terms.extend(a.terms.clone());
            d.fe.extend(a.fe.clone());
        }
        out.push(d);
    }
    (out, excluded)
}

/// The frame request and rows of a combination: the study's frame with the combination's
/// settings (spec.rs merges them, as it does a model's).
pub type FrameOf<'a> = dyn Fn(&Draft) -> Result<(FrameRequest, RowFilter), SpecError> + 'a;

/// Checks the `[multiverse]` table and plans every specification.
pub fn plan(c: &Checker, m: &MultiverseSpec, frame_of: &FrameOf) -> Result<Multiverse, SpecError> {
    if m.choices.is_empty() {
        return c.error(m.term.span(), "a multiverse needs at least one `[[multiverse.choice]]`".into());
    }
    let mut names = std::collections::BTreeSet::new();
    for ch in &m.choices {
        if super::run::COLUMNS.contains(&ch.name.get_ref().as_str()) {
            return c.error(
                ch.name.span(),
                format!("a choice may not be named `{}`: multiverse.csv has a column of that name", ch.name.get_ref()),
            );
        }
        if !names.insert(ch.name.get_ref().clone()) {
            return c.error(ch.name.span(), format!("two choices are named `{}`", ch.name.get_ref()));
        }
        if ch.alternatives.is_empty() {
            return c.error(ch.name.span(), format!("choice `{}` has no alternatives", ch.name.get_ref()));
        }
        let mut alts = std::collections::BTreeSet::new();
        for a in &ch.alternatives {
            if !alts.insert(a.name.clone()) {
                return c.error(ch.name.span(), format!("choice `{}` has two alternatives named `{}`", ch.name.get_ref(), a.name));
            }
            for e in a.estimator.iter() {
                c.parse::<Estimator>(e)?;
            }
        }
    }
    for e in &m.exclude {
        for (choice, alts) in e.get_ref() {
            let Some(ch) = m.choices.iter().find(|ch| ch.name.get_ref() == choice) else {
                let hint = crate::suggest::did_you_mean(choice, m.choices.iter().map(|ch| ch.name.get_ref().as_str()));
                return c.error(e.span(), format!("exclude: no choice `{choice}`{hint}"));
            };
            for a in alts.names() {
                if !ch.alternatives.iter().any(|x| x.name == a) {
                    let known: Vec<&str> = ch.alternatives.iter().map(|x| x.name.as_str()).collect();
                    return c.error(e.span(), format!("exclude: choice `{choice}` has no alternative `{a}`; it has: {}", known.join(", ")));
                }
            }
        }
    }
    let (drafts, excluded) = expand(m);
    let mut specs = Vec::with_capacity(drafts.len());
    let base_formula = parse(m.formula.get_ref()).or_else(|e| c.error(m.formula.span(), format!("formula: {e}")))?;
    if !base_formula.columns().contains(m.term.get_ref()) {
        return c.error(m.term.span(), format!("the term `{}` is not in the multiverse's formula", m.term.get_ref()));
    }
    let mut checked_columns: BTreeMap<String, (Vec<String>, crate::estimate::VarianceSpec)> = BTreeMap::new();
    for (i, d) in drafts.into_iter().enumerate() {
        let (req, filter) = frame_of(&d)?;
        let Some(estimator) = d.estimator.clone().or_else(|| m.estimator.clone()) else {
            return c.error(m.term.span(), "no estimator: set `estimator` in [multiverse] or in an alternative".into());
        };
        let estimator: Estimator = c.parse(&estimator)?;
        let se = d.se.clone().or_else(|| m.se.clone()).unwrap_or_else(|| Spanned::new(0..0, "classical".to_string()));
        let mut formula = m.formula.get_ref().clone();
        for t in d.terms.iter().filter(|t| !t.get_ref().trim().is_empty()) {
            formula.push_str(" + ");
            formula.push_str(t.get_ref().trim());
        }
        let fe: Vec<&str> = d.fe.iter().map(|f| f.get_ref().trim()).filter(|f| !f.is_empty()).collect();
        if !fe.is_empty() {
            formula.push_str(" | ");
            formula.push_str(&fe.join(" + "));
        }
        let key = format!("{formula}|{}|{}|{}", se.get_ref(), filter, req.unit);
        let (columns, variance) = match checked_columns.get(&key) {
            Some(checked) => checked.clone(),
            None => {
                let span = d.terms.first().or(d.fe.first()).map_or(m.formula.span(), Spanned::span);
                let checked = model_columns(c, &req, &Spanned::new(span, formula.clone()), &se, &filter)?;
                checked_columns.insert(key, checked.clone());
                checked
            }
        };
        specs.push(Specification {
            id: i + 1,
            picks: d.picks,
            frame: req.vars(columns),
            filter,
            formula,
            model: estimator.model(None),
            se: variance,
        });
    }
    let choices = m
        .choices
        .iter()
        .map(|ch| Choice {
            name: ch.name.get_ref().clone(),
            label: ch.label.clone().unwrap_or_else(|| ch.name.get_ref().clone()),
            alternatives: ch.alternatives.iter().map(|a| a.name.clone()).collect(),
        })
        .collect();
    Ok(Multiverse {
        term: m.term.get_ref().clone(),
        title: m.title.clone().unwrap_or_else(|| format!("Specification curve: {}", m.term.get_ref())),
        choices,
        specs,
        excluded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
term = "x"
formula = "y ~ x"
exclude = [{ est = "b", fe = ["yes"] }]
[[choice]]
name = "est"
alternatives = [{ name = "a", estimator = "logit" }, { name = "b", estimator = "relogit" }]
[[choice]]
name = "fe"
alternatives = [{ name = "no" }, { name = "yes", fe = "year" }]
[[choice]]
name = "time"
alternatives = [{ name = "none" }, { name = "cubic", terms = "t + t2" }]
"#;

    #[test]
    fn every_combination_but_the_excluded_in_order() {
        let m: MultiverseSpec = toml::from_str(SPEC).unwrap();
        let (drafts, excluded) = expand(&m);
        assert_eq!((drafts.len(), excluded), (6, 2));
        let picks: Vec<Vec<usize>> = drafts.iter().map(|d| d.picks.clone()).collect();
        assert_eq!(picks, [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1]]);
        assert!(drafts.iter().all(|d| d.estimator.as_ref().unwrap().get_ref() != "relogit" || d.fe.is_empty()));
        assert_eq!(drafts[3].terms[0].get_ref(), "t + t2");
        assert_eq!(drafts[3].fe[0].get_ref(), "year");
    }
}
