//! A study's specification, `reports/<study>/spec.toml`: the question, the frame (unit, years,
//! options, sample filter), the models side by side, the quantities of interest and the figures.
//! Parsing checks every name against what allywar knows (variables of the unit, estimators,
//! variance types, figure kinds) and points at the line of spec.toml, with the nearest valid name.

pub use super::checker::SpecError;
use super::checker::{model_columns, Checker};
use super::frame_spec::FrameSpec;
use super::frames::RowFilter;
use super::multiverse::plan::{plan, Draft, MultiverseSpec};
use super::multiverse::Multiverse;
use crate::estimate::formula::parse;
use crate::estimate::{Estimator, Model, VarianceSpec};
use crate::expr::Derived;
use crate::frame::Spec as FrameRequest;
use crate::types::{Conflicts, Mids, Unit, Years};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The figure kinds a spec may ask for.
pub const FIGURES: [&str; 6] = ["coefficients", "first_differences", "per_year", "mean_by", "share_by", "network"];

/// A study, as written in spec.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    /// Short title.
    pub title: String,
    /// The question the study answers.
    pub question: String,
    /// Where the study stands on the page: studies in the order of the questions they answer
    /// (lowest first; then by folder name). Descriptives go last.
    #[serde(default = "default_order")]
    pub order: u32,
    /// Works the study follows (author year), for the report.
    #[serde(default)]
    pub follows: Vec<String>,
    /// The frame every model uses unless it says otherwise.
    pub frame: FrameSpec,
    /// Labels of variables and terms for tables and figures.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The term the findings are about.
    #[serde(default)]
    pub focus: Option<Spanned<String>>,
    /// Models, shown side by side.
    #[serde(rename = "model", default)]
    pub models: Vec<ModelSpec>,
    /// Figures.
    #[serde(rename = "figure", default)]
    pub figures: Vec<FigureSpec>,
    /// Listings: rows of a frame shown as they are.
    #[serde(rename = "listing", default)]
    pub listings: Vec<ListingSpec>,
    /// The specification multiverse of the focus term.
    #[serde(default)]
    pub multiverse: Option<MultiverseSpec>,
    /// Episodes a publication names, located in the dispute data.
    #[serde(rename = "episodes", default)]
    pub episodes: Vec<super::episodes::EpisodesSpec>,
    /// Rates with conflict-clustered intervals beside published rates (abandonment).
    #[serde(rename = "rates", default)]
    pub rates: Vec<super::rates::RatesSpec>,
    /// Columns computed from the frame's own before anything reads them: `name = "SQL
    /// expression"` (as `fit --derive`), usable in formulas, filters, figures and listings.
    #[serde(default)]
    pub derive: BTreeMap<String, Spanned<String>>,
}

/// Rows of a frame shown as a table (a focal state's episodes), sorted by the columns in order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingSpec {
    /// File name (without extension).
    pub name: String,
    /// Title.
    pub title: String,
    /// Columns shown (keys or variables of the unit).
    pub columns: Vec<Spanned<String>>,
    /// Frame options that differ from the study's (a filter picks the rows).
    #[serde(default)]
    pub frame: FrameSpec,
}

/// One model of a study.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Column heading.
    pub name: String,
    /// Formula (`y ~ x1 + x2 | fe`).
    pub formula: Spanned<String>,
    /// Estimator (`logit`, `ols`, ...).
    pub estimator: Spanned<String>,
    /// Variance (`classical`, `hc1`, `cluster:dyad_id`, `dyadic:ccode1,ccode2`, ...).
    #[serde(default = "classical")]
    pub se: Spanned<String>,
    /// Frame options that differ from the study's (years, sample, dispute source).
    #[serde(default)]
    pub frame: FrameSpec,
    /// First differences `COL=FROM:TO`, others at their means.
    #[serde(default)]
    pub fd: Vec<Spanned<String>>,
    /// Population share of ones (rare-events logit's prior correction).
    #[serde(default)]
    pub tau: Option<f64>,
    /// The published results this model reproduces (a model with any is the study's
    /// replication of a published design; the others are its extensions).
    #[serde(default)]
    pub published: Vec<PublishedResult>,
    /// How this design departs from the published one (data version, missing variables,
    /// sample), stated on the page.
    #[serde(default)]
    pub deviations: Vec<String>,
    /// Columns centred and divided by two standard deviations before the fit (Gelman 2008;
    /// stevemisc's `r2sd`, as peacesciencer's example scales), over the model's rows.
    #[serde(default)]
    pub standardize: Vec<Spanned<String>>,
}

/// A published estimate a replication model sets itself beside: `{ source = "Johnson & Leeds
/// 2011", term = "tgt_def_specific", sign = "-" }`, with `value` where the paper gives one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedResult {
    /// Who published it, and where (`Benson 2011, Table 2`).
    pub source: String,
    /// The model's term the result is about.
    pub term: Spanned<String>,
    /// Its direction: `+` or `-`.
    pub sign: Spanned<String>,
    /// The published number on `scale`, where the paper gives one.
    #[serde(default)]
    pub value: Option<f64>,
    /// The scale of `value`: `coefficient` (default) or `percent` (100·(exp(b) − 1): the
    /// percent change in the odds, close to that in Pr for rare outcomes).
    #[serde(default)]
    pub scale: Option<Spanned<String>>,
    /// Whether the published estimate was significant at the 5% level (default true).
    #[serde(default = "yes")]
    pub significant: bool,
}

/// The levels named by published `level:term` entries.
fn p_levels(published: &[PublishedResult]) -> impl Iterator<Item = String> + '_ {
    let mut levels: Vec<String> = published.iter().filter_map(|p| p.term.get_ref().split_once(':').map(|(l, _)| l.to_string())).collect();
    levels.sort();
    levels.dedup();
    levels.into_iter()
}

fn yes() -> bool {
    true
}

/// The scales a published value may be given on.
pub const SCALES: [&str; 2] = ["coefficient", "percent"];

fn classical() -> Spanned<String> {
    Spanned::new(0..0, "classical".to_string())
}

/// One figure of a study.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureSpec {
    /// File name (without extension).
    pub name: String,
    /// Kind: `coefficients` (terms across models, with 95% intervals), `first_differences`
    /// (every model's first differences), `per_year` (a column summed by year), `mean_by` (a
    /// column's mean by a grouping column, with 95% intervals), `share_by` (share of rows where a
    /// 0/1 column is 1, by a grouping column), `network` (dyad-year frames: the pairs where a 0/1
    /// column is 1, as a network of states on a circle, coloured by region).
    pub kind: Spanned<String>,
    /// Title.
    pub title: String,
    /// Terms (coefficients).
    #[serde(default)]
    pub terms: Vec<Spanned<String>>,
    /// Columns summed (per_year), or the column averaged (mean_by, share_by).
    #[serde(default)]
    pub columns: Vec<Spanned<String>>,
    /// Grouping column (mean_by, share_by; per_year: the year column, default `year`).
    #[serde(default)]
    pub by: Option<Spanned<String>>,
    /// Axis label of the values.
    #[serde(default)]
    pub y_label: Option<String>,
    /// Labels of the grouping column's values (mean_by, share_by): `{ "2" = "UN mandate" }`.
    #[serde(default)]
    pub levels: BTreeMap<String, String>,
    /// Frame options that differ from the study's.
    #[serde(default)]
    pub frame: FrameSpec,
    /// A published figure to set beside the estimate of one group (mean_by, share_by).
    #[serde(default)]
    pub published: Option<Published>,
}

/// A published value to compare with (Leeds, Long & Mitchell's 74.5% for 1816–1944 wars).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// The value (a share as a fraction).
    pub value: f64,
    /// The group it is compared with (a value of the figure's `by` column).
    pub level: String,
    /// What the value measures, in words.
    pub what: String,
    /// Who published it.
    pub source: String,
    /// How the published measure differs from the one here, when it is not the same measure:
    /// the two are then set side by side without a test.
    #[serde(default)]
    pub differs: Option<String>,
}

/// A model ready to run: its frame request, its row filter and its estimator.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Column heading.
    pub name: String,
    /// Formula.
    pub formula: String,
    /// Estimator.
    pub model: Model,
    /// Variance.
    pub se: VarianceSpec,
    /// The frame (variables: every column the model reads).
    pub frame: FrameRequest,
    /// Row filter.
    pub filter: RowFilter,
    /// First differences (column, from, to).
    pub fd: Vec<(String, f64, f64)>,
    /// Published results it reproduces (empty: an extension).
    pub published: Vec<PublishedResult>,
    /// Stated departures from the published design.
    pub deviations: Vec<String>,
    /// Columns rescaled by two standard deviations before the fit.
    pub standardize: Vec<String>,
}

/// A study read and checked.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The study's folder name.
    pub id: String,
    /// The spec file.
    pub path: PathBuf,
    /// The spec's text (for its hash and the report).
    pub text: String,
    /// As written.
    pub study: Study,
    /// Its models, ready to run.
    pub models: Vec<Planned>,
    /// Each figure's frame request (carrying the columns it reads) and row filter, in order of
    /// the figures (models' figures need none, but get the study's).
    pub figure_frames: Vec<(FrameRequest, RowFilter)>,
    /// Each listing's frame request and row filter, in order of the listings.
    pub listing_frames: Vec<(FrameRequest, RowFilter)>,
    /// The multiverse, every specification planned.
    pub multiverse: Option<Multiverse>,
    /// Each episode listing's cases: name, start years, adversary.
    pub episode_cases: Vec<Vec<(String, Years, i32)>>,
    /// Each rates table's frame request, its own filter and each row's filter.
    pub rate_frames: Vec<(FrameRequest, RowFilter, Vec<RowFilter>)>,
    /// The `[derive]` columns, in the order they are computed.
    pub derived: Vec<Derived>,
}

impl Checked {
    /// Every frame the study builds: its models', figures' and listings' requests.
    pub fn requests(&self) -> impl Iterator<Item = &FrameRequest> {
        let multiverse = self.multiverse.iter().flat_map(|m| m.specs.iter().map(|s| &s.frame));
        let rates = self.rate_frames.iter().map(|r| &r.0);
        self.models
            .iter()
            .map(|m| &m.frame)
            .chain(self.figure_frames.iter().chain(&self.listing_frames).map(|f| &f.0))
            .chain(rates)
            .chain(multiverse)
    }

    /// The user's own datasets (`allywar data add`) the study's frames read, by name.
    pub fn user_datasets(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for r in self.requests() {
            for v in r.check().unwrap_or_default() {
                if let crate::types::Source::User(d, _) = v.source {
                    out.push(d);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The datasets the study reads, in catalog order (a network figure also reads the state
    /// system's abbreviations).
    pub fn datasets(&self) -> Vec<crate::catalog::DatasetId> {
        let mut out: Vec<crate::catalog::DatasetId> = Vec::new();
        for r in self.requests() {
            if let Ok(vars) = r.check() {
                out.extend(r.datasets(&vars));
            }
        }
        if self.study.figures.iter().any(|f| f.kind.get_ref() == "network") {
            out.push(crate::catalog::DatasetId::States);
        }
        if !self.study.episodes.is_empty() {
            out.extend(super::episodes::DATASETS);
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The frame request and row filter of `own` over `base` (the model's settings win).
fn merged(base: &FrameSpec, own: &FrameSpec) -> FrameSpec {
    FrameSpec {
        unit: own.unit.clone().or_else(|| base.unit.clone()),
        years: own.years.clone().or_else(|| base.years.clone()),
        mids: own.mids.clone().or_else(|| base.mids.clone()),
        directed: own.directed.or(base.directed),
        prd: own.prd.or(base.prd),
        conflicts: own.conflicts.clone().or_else(|| base.conflicts.clone()),
        drop_ongoing: own.drop_ongoing.or(base.drop_ongoing),
        crises: own.crises.or(base.crises),
        filter: own.filter.clone().or_else(|| base.filter.clone()),
    }
}

/// Reads and checks `reports/<id>/spec.toml`.
pub fn load(path: &Path) -> Result<Checked, SpecError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| SpecError { path: path.to_path_buf(), line: 0, message: format!("cannot read: {e}") })?;
    check(path, &text)
}

/// Checks a spec's text (`path` names it in errors).
pub fn check(path: &Path, text: &str) -> Result<Checked, SpecError> {
    let mut c = Checker { path, text, derived: Vec::new() };
    let study: Study = toml::from_str(text).map_err(|e| SpecError {
        path: path.to_path_buf(),
        line: e.span().map_or(0, |s| c.line(s)),
        message: e.message().to_string(),
    })?;
    c.derived = c.derived_in_order(&study.derive)?;
    let id = path.parent().and_then(Path::file_name).map_or("study".into(), |n| n.to_string_lossy().into_owned());
    let request = |f: &FrameSpec, span_hint: std::ops::Range<usize>| -> Result<(FrameRequest, RowFilter), SpecError> {
        let Some(unit_name) = &f.unit else {
            return c.error(
                span_hint,
                "the frame needs a `unit` (dyad-year, state-year, joiner, dispute, mission, us-force, invocation)".into(),
            );
        };
        let units = Unit::ALL.map(Unit::name);
        c.one_of("unit", unit_name, units)?;
        let unit = <Unit as clap::ValueEnum>::from_str(unit_name.get_ref(), true).map_err(|e| SpecError {
            path: path.to_path_buf(),
            line: c.line(unit_name.span()),
            message: e,
        })?;
        // Options a unit does not have are not inherited from the study's frame.
        let opts = unit.options();
        let mut r = FrameRequest::new(unit)
            .directed(!opts.dyad || f.directed.unwrap_or(true))
            .prd(opts.dyad && f.prd.unwrap_or(false))
            .drop_ongoing(opts.dyad && f.drop_ongoing.unwrap_or(false))
            .crises(unit == Unit::UsForce && f.crises.unwrap_or(false));
        if let Some(y) = &f.years {
            r.years = Some(y.get_ref().parse::<Years>().or_else(|e| c.error(y.span(), format!("years `{}`: {e}", y.get_ref())))?);
        }
        if let Some(m) = f.mids.as_ref().filter(|_| opts.mids) {
            c.one_of("dispute source", m, Mids::ALL.iter().map(|m| m.name()).chain(["gml_2.2.1"]))?;
            r = r.mids(m.get_ref().parse::<Mids>().unwrap_or_default());
        }
        if let Some(k) = f.conflicts.as_ref().filter(|_| opts.conflicts) {
            c.one_of("conflicts", k, ["war", "mid"])?;
            r = r.conflicts(if k.get_ref() == "mid" { Conflicts::Mid } else { Conflicts::War });
        }
        let filter = match &f.filter {
            Some(s) => c.filter(unit, r.directed, s)?,
            None => RowFilter::all(),
        };
        Ok((r, filter))
    };
    request(&study.frame, 0..0)?;
    let mut models = Vec::new();
    for m in &study.models {
        let fs = merged(&study.frame, &m.frame);
        let (mut req, filter) = request(&fs, m.formula.span())?;
        let estimator: Estimator = c.parse(&m.estimator)?;
        if m.tau.is_some() && estimator != Estimator::Relogit {
            return c.error(m.estimator.span(), format!("tau applies to the relogit estimator only, not {estimator}"));
        }
        let (columns, se) = model_columns(&c, &req, &m.formula, &m.se, &filter)?;
        let mut fd = Vec::new();
        for d in &m.fd {
            let parsed = d.get_ref().split_once('=').and_then(|(col, r)| {
                let (a, b) = r.split_once(':')?;
                Some((col.trim().to_string(), a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?))
            });
            let Some((col, a, b)) = parsed else {
                return c.error(d.span(), format!("fd `{}`: expected COL=FROM:TO", d.get_ref()));
            };
            c.column(req.unit, req.directed, &Spanned::new(d.span(), col.clone()), &[])?;
            fd.push((col, a, b));
        }
        let model = estimator.model(m.tau);
        let terms = parse(m.formula.get_ref()).map(|f| f.columns()).unwrap_or_default();
        // A multinomial logit's terms are `level:term`.
        let level_terms: Vec<String> = match model {
            Model::MLogit => p_levels(&m.published).flat_map(|l| terms.iter().map(move |t| format!("{l}:{t}"))).collect(),
            _ => terms.clone(),
        };
        for p in &m.published {
            c.one_of("published term", &p.term, level_terms.iter().map(String::as_str))?;
            c.one_of("published sign", &p.sign, ["+", "-"])?;
            if let Some(s) = &p.scale {
                c.one_of("published scale", s, SCALES)?;
            }
        }
        for s in &m.standardize {
            c.one_of("column to standardize", s, terms.iter().map(String::as_str))?;
        }
        req = req.vars(columns);
        models.push(Planned {
            name: m.name.clone(),
            formula: m.formula.get_ref().clone(),
            model,
            se,
            frame: req,
            filter,
            fd,
            published: m.published.clone(),
            deviations: m.deviations.clone(),
            standardize: m.standardize.iter().map(|s| s.get_ref().clone()).collect(),
        });
    }
    if let Some(focus) = &study.focus {
        let terms: Vec<String> = models.iter().flat_map(|m| parse(&m.formula).map(|f| f.columns()).unwrap_or_default()).collect();
        c.one_of("focus term", focus, terms.iter().map(String::as_str))?;
    }
    // Each figure's frame carries what it reads.
    let mut figure_frames = Vec::new();
    for f in &study.figures {
        c.one_of("figure kind", &f.kind, FIGURES)?;
        let (req, filter) = request(&merged(&study.frame, &f.frame), f.kind.span())?;
        if f.kind.get_ref() == "network" && (req.unit != Unit::DyadYear || f.columns.len() != 1) {
            return c
                .error(f.kind.span(), "a network figure needs a dyad-year frame and one 0/1 column (`columns = [\"def_any\"]`)".into());
        }
        let mut columns: Vec<String> = filter.columns().to_vec();
        for col in f.columns.iter().chain(&f.by) {
            c.column(req.unit, req.directed, col, &[])?;
            columns.push(col.get_ref().clone());
        }
        if f.kind.get_ref() == "per_year" && f.by.is_none() {
            columns.push("year".into());
        }
        let mut columns = c.expand(req.unit, req.directed, columns)?;
        let mut seen = std::collections::BTreeSet::new();
        columns.retain(|col| !req.unit.keys().contains(&col.as_str()) && seen.insert(col.clone()));
        if columns.is_empty() {
            columns.push(frame_default_var(req.unit).to_string());
        }
        figure_frames.push((req.vars(columns), filter));
    }
    let mut listing_frames = Vec::new();
    for l in &study.listings {
        let Some(first) = l.columns.first() else {
            return c.error(0..0, format!("listing `{}` needs `columns`", l.name));
        };
        let (req, filter) = request(&merged(&study.frame, &l.frame), first.span())?;
        let mut columns: Vec<String> = filter.columns().to_vec();
        for col in &l.columns {
            c.column(req.unit, req.directed, col, &[])?;
            columns.push(col.get_ref().clone());
        }
        let mut columns = c.expand(req.unit, req.directed, columns)?;
        let mut seen = std::collections::BTreeSet::new();
        columns.retain(|col| !req.unit.keys().contains(&col.as_str()) && seen.insert(col.clone()));
        listing_frames.push((req.vars(columns), filter));
    }
    let mut rate_frames = Vec::new();
    for r in &study.rates {
        let span = r.rows.iter().find_map(|row| row.filter.as_ref().map(Spanned::span)).unwrap_or(0..0);
        let (req, filter) = request(&merged(&study.frame, &r.frame), span.clone())?;
        let mut columns: Vec<String> = filter.columns().to_vec();
        for col in [&r.outcome, &r.cluster] {
            c.column(req.unit, req.directed, &Spanned::new(span.clone(), col.clone()), &[])?;
            columns.push(col.clone());
        }
        let mut rows = Vec::new();
        for row in &r.rows {
            let f = match &row.filter {
                Some(f) => c.filter(req.unit, req.directed, f)?,
                None => RowFilter::all(),
            };
            columns.extend(f.columns().iter().cloned());
            if row.pact_type.is_some() || row.obligation.is_some() || row.alliance.is_some() {
                if req.unit != Unit::Commitment {
                    return c.error(span, format!("rates `{}`: `pact_type`, `obligation` and `alliance` need a commitment frame", r.name));
                }
                for (what, v) in [("pact_type", &row.pact_type), ("obligation", &row.obligation)] {
                    if let Some(v) = v {
                        let known = crate::units::commitment::Obligation::ALL.map(|o| o.name());
                        if !known.contains(&v.as_str()) {
                            return c.error(span, format!("rates `{}`: {what} `{v}` is not one of {}", r.name, known.join(", ")));
                        }
                    }
                }
                columns.push("pact_type".into());
            }
            rows.push(f);
        }
        if req.unit == Unit::Commitment {
            columns.push("co_belligerent".into());
        }
        let mut columns = c.expand(req.unit, req.directed, columns)?;
        let mut seen = std::collections::BTreeSet::new();
        columns.retain(|col| !req.unit.keys().contains(&col.as_str()) && seen.insert(col.clone()));
        rate_frames.push((req.vars(columns), filter, rows));
    }
    let multiverse = match &study.multiverse {
        Some(m) => {
            // A combination's settings over the study's frame; filters add up.
            let base = &study.frame;
            let frame_of = |d: &Draft| {
                let mut filters: Vec<String> = base.filter.iter().map(|f| f.get_ref().clone()).collect();
                filters.extend(d.filters.iter().map(|f| f.get_ref().clone()));
                let filter_span = d.filters.first().map_or(m.term.span(), Spanned::span);
                let fs = FrameSpec {
                    mids: d.mids.clone().or_else(|| base.mids.clone()),
                    years: d.years.clone().or_else(|| base.years.clone()),
                    prd: d.prd.or(base.prd),
                    // Each in parentheses, so that an OR in one cannot swallow the others.
                    filter: match filters.len() {
                        0 => None,
                        1 => Some(Spanned::new(filter_span, filters.remove(0))),
                        _ => Some(Spanned::new(filter_span, filters.iter().map(|f| format!("({f})")).collect::<Vec<_>>().join(" AND "))),
                    },
                    ..base.clone()
                };
                request(&fs, m.term.span())
            };
            Some(plan(&c, m, &frame_of)?)
        }
        None => None,
    };
    let mut episode_cases = Vec::new();
    for e in &study.episodes {
        let mut cases = Vec::new();
        for k in &e.cases {
            let years = k
                .years
                .get_ref()
                .parse::<Years>()
                .or_else(|err| c.error(k.years.span(), format!("years `{}`: {err}", k.years.get_ref())))?;
            cases.push((k.name.clone(), years.resolve(Mids::Gml.coverage()), k.adversary));
        }
        episode_cases.push(cases);
    }
    Ok(Checked {
        id,
        path: path.to_path_buf(),
        text: text.to_string(),
        study,
        models,
        figure_frames,
        listing_frames,
        multiverse,
        episode_cases,
        rate_frames,
        derived: c.derived.into_iter().map(|(d, _)| d).collect(),
    })
}

/// A cheap variable to carry when a frame is built only for its rows.
fn frame_default_var(unit: Unit) -> &'static str {
    crate::vars::for_unit(unit, true).next().map_or("year", |v| v.name)
}

fn default_order() -> u32 {
    100
}
