//! The specification multiverse (Simonsohn, Simmons & Nelson 2020; Steegen et al. 2016): one
//! term's estimate under every combination of a study's choices — dispute data, sample, time
//! controls, estimator, variance, fixed effects, controls.
//!
//! [`plan`] reads `[multiverse]` and expands it; [`run`] builds each distinct frame once, fits
//! each distinct design once (the variance types of a design share its fit, and a rare-events
//! logit corrects the logit beside it), on all cores; [`summary`] says how robust the estimate
//! is; the curve itself is drawn by [`super::curve`]; [`shard`] splits a run across machines and
//! merges the parts.

pub mod plan;
pub mod run;
pub mod shard;
pub mod summary;

use super::curve;
use super::frames::RowFilter;
use crate::estimate::Model;
use crate::frame::Spec as FrameRequest;

/// A choice and its alternatives.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Name (a column of multiverse.csv).
    pub name: String,
    /// Label for the figure and report.
    pub label: String,
    /// Alternative names, in order.
    pub alternatives: Vec<String>,
}

/// One specification, ready to run.
#[derive(Debug, Clone)]
pub struct Specification {
    /// Number, from 1, in the order of the expansion.
    pub id: usize,
    /// The alternative picked of each choice.
    pub picks: Vec<usize>,
    /// Its frame (variables: what it reads).
    pub frame: FrameRequest,
    /// Its rows.
    pub filter: RowFilter,
    /// Its formula, fixed effects included.
    pub formula: String,
    /// Its estimator.
    pub model: Model,
    /// Its variance type.
    pub se: crate::estimate::VarianceSpec,
}

/// A study's multiverse, planned.
#[derive(Debug, Clone)]
pub struct Multiverse {
    /// The term followed.
    pub term: String,
    /// Title of the curve.
    pub title: String,
    /// The choices.
    pub choices: Vec<Choice>,
    /// Every specification not excluded.
    pub specs: Vec<Specification>,
    /// How many combinations the constraints excluded.
    pub excluded: usize,
}

impl Multiverse {
    /// Only the first `limit` specifications (when fewer than all), the title saying so: the
    /// title, summary and curve then speak of the specifications actually run.
    pub fn limited(mut self, limit: Option<usize>) -> Multiverse {
        if let Some(n) = limit.filter(|&n| n < self.specs.len()) {
            let total = self.specs.len();
            self.specs.truncate(n);
            self.title = format!("{} — the first {} of {} specifications (--limit {n})", self.title, n, super::table::thousands(total));
        }
        self
    }

    /// The alternative a specification picked of choice `c`.
    pub fn pick(&self, spec: &Specification, c: usize) -> &str {
        &self.choices[c].alternatives[spec.picks[c]]
    }
}

/// Why a multiverse could not be run or written.
#[derive(Debug, thiserror::Error)]
pub enum MultiverseError {
    /// The results could not be written.
    #[error("{0}")]
    Output(#[from] crate::output::OutputError),
    /// The curve could not be drawn.
    #[error("{0}")]
    Figure(#[from] super::canvas::FigureError),
    /// A frame operation failed.
    #[error("{0}")]
    Polars(#[from] polars::prelude::PolarsError),
    /// A file could not be written.
    #[error("{path}: {error}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
}

/// The file stem of the specification curve.
pub const CURVE: &str = "specification_curve";

/// What a written multiverse says: its summary and the sentences of it.
#[derive(Debug, Clone)]
pub struct Written {
    /// The numbers.
    pub summary: summary::Summary,
    /// The findings in words.
    pub sentences: Vec<String>,
    /// Title of the curve.
    pub title: String,
}

/// Writes the results of `ran` into `folder`: multiverse.parquet and .csv (a row per
/// specification), the specification curve (SVG and PNG) and multiverse.md (the summary).
pub fn write(m: &Multiverse, term: &str, ran: &run::Ran, folder: &std::path::Path) -> Result<Written, MultiverseError> {
    let mut df = run::frame(m, term, &ran.rows)?;
    crate::output::write_frame(&mut df, &folder.join("multiverse.parquet"))?;
    crate::output::write_frame(&mut df, &folder.join("multiverse.csv"))?;
    let outcome = m.specs.first().and_then(|s| crate::estimate::formula::parse(&s.formula).ok()).map_or("y".into(), |f| f.outcome);
    let points = ran
        .rows
        .iter()
        .filter(|r| r.ok())
        .filter_map(|r| {
            let (estimate, low, high) = r.ape()?;
            let pp = 100.0;
            Some(curve::Point {
                estimate: estimate * pp,
                low: low * pp,
                high: high * pp,
                significant: r.p_value.is_some_and(|p| p < 0.05),
                picks: r.picks.clone(),
            })
        })
        .collect();
    let choices = m.choices.iter().map(|c| (c.label.clone(), c.alternatives.clone())).collect();
    let y_label = format!("Average partial effect on Pr({outcome}), percentage points");
    super::curve::write(&curve::Curve::new(m.title.clone(), y_label, points, choices), &folder.join(CURVE))?;
    let summary = summary::Summary::of(m, term, &ran.rows);
    let mut sentences = summary.sentences(&outcome);
    // Without a choice of variance every specification shares one: say which.
    if let Some(first) = m.specs.first().map(|s| &s.se) {
        if m.specs.iter().all(|s| &s.se == first) {
            sentences
                .push(format!("Every specification uses the same standard errors: {first} (the multiverse has no choice of variance)."));
        }
    }
    let mut md = format!("# {}\n\n", m.title);
    for s in &sentences {
        md.push_str(&format!("- {s}\n"));
    }
    md.push_str(&format!(
        "\nEffects are average partial effects on Pr({outcome}) in percentage points: the coefficient times the sample mean of dμ/dη (1 for the linear probability model), with the coefficient's 95% interval scaled alike. Every specification is a row of `multiverse.csv` / `multiverse.parquet`.\n\n"
    ));
    md.push_str(&summary.markdown());
    let path = folder.join("multiverse.md");
    crate::atomic::write_bytes(&path, md.as_bytes()).map_err(|error| MultiverseError::Write { path: path.display().to_string(), error })?;
    Ok(Written { summary, sentences, title: m.title.clone() })
}
