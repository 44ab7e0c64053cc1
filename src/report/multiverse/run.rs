//! Running a multiverse: each distinct frame built once, each distinct design (frame, rows,
//! formula) fitted once per estimator, every variance type of that fit computed from it, the
//! designs spread over all cores. Results come back in specification order whatever the
//! scheduling, so reruns write the same bytes.

use super::{Multiverse, Specification};
use crate::estimate::results::{estimate_variants, Wanted};
use crate::estimate::{EstimateError, Options, Results};
use crate::report::frames::{filtered, frame_key};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// What one specification gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The specification's number.
    pub id: usize,
    /// Its picks (alternative index per choice).
    pub picks: Vec<usize>,
    /// The term's coefficient.
    pub estimate: Option<f64>,
    /// Its standard error.
    pub std_error: Option<f64>,
    /// z or t.
    pub statistic: Option<f64>,
    /// Two-sided p-value.
    pub p_value: Option<f64>,
    /// Lower end of the 95% interval.
    pub conf_low: Option<f64>,
    /// Upper end.
    pub conf_high: Option<f64>,
    /// Mean dμ/dη: the coefficient times it is the average partial effect (1 for OLS).
    pub scale: Option<f64>,
    /// Observations used.
    pub nobs: Option<usize>,
    /// Rows dropped for missing values.
    pub n_dropped: Option<usize>,
    /// Fixed-effect groups dropped because their outcome never varies.
    pub groups_dropped: Option<usize>,
    /// Iterations.
    pub iterations: Option<usize>,
    /// Whether the whole variance matrix is positive definite (a multiway or dyadic one need not
    /// be; the term's own variance is what the row uses).
    pub vcov_positive_definite: Option<bool>,
    /// `ok`, or what went wrong (`separated: x`, `not converged`, `failed: ...`).
    pub status: String,
}

impl Row {
    /// Whether the estimate is usable.
    pub fn ok(&self) -> bool {
        self.status == "ok"
    }

    /// Average partial effect on the expected outcome, and its 95% interval (the coefficient's
    /// interval times the scale factor).
    pub fn ape(&self) -> Option<(f64, f64, f64)> {
        let s = self.scale?;
        Some((self.estimate? * s, self.conf_low? * s, self.conf_high? * s))
    }

    fn failed(spec: &Specification, status: String) -> Row {
        Row {
            id: spec.id,
            picks: spec.picks.clone(),
            estimate: None,
            std_error: None,
            statistic: None,
            p_value: None,
            conf_low: None,
            conf_high: None,
            scale: None,
            nobs: None,
            n_dropped: None,
            groups_dropped: None,
            iterations: None,
            vcov_positive_definite: None,
            status,
        }
    }

    fn of(spec: &Specification, term: &str, r: Result<Results, EstimateError>) -> Row {
        let r = match r {
            Ok(r) => r,
            Err(EstimateError::Separation { term }) => return Row::failed(spec, format!("separated: {term}")),
            Err(e) => return Row::failed(spec, format!("failed: {e}")),
        };
        let g = &r.glance;
        let c = r.coefficients.iter().find(|c| c.term == term);
        let status = if !g.converged {
            format!("not converged in {} iterations", g.iterations)
        } else if c.is_some_and(|c| !(c.std_error > 0.0 && c.std_error.is_finite())) {
            format!("no standard error for {term}")
        } else if c.is_none() {
            if r.dropped_collinear.iter().any(|c| c == term) {
                format!("{term} dropped: collinear or absorbed")
            } else {
                format!("{term} not estimated")
            }
        } else {
            "ok".to_string()
        };
        Row {
            id: spec.id,
            picks: spec.picks.clone(),
            estimate: c.map(|c| c.estimate),
            std_error: c.map(|c| c.std_error),
            statistic: c.map(|c| c.statistic),
            p_value: c.map(|c| c.p_value),
            conf_low: c.map(|c| c.conf_low),
            conf_high: c.map(|c| c.conf_high),
            scale: Some(r.scale),
            nobs: Some(g.nobs),
            n_dropped: Some(g.n_dropped),
            groups_dropped: Some(r.fixed_effects.iter().map(|f| f.groups_dropped).sum()),
            iterations: Some(g.iterations),
            vcov_positive_definite: Some(g.vcov_positive_definite),
            status,
        }
    }
}

/// A multiverse's results and what producing them took.
#[derive(Debug, Clone)]
pub struct Ran {
    /// One row per specification, in order.
    pub rows: Vec<Row>,
    /// Distinct designs fitted.
    pub designs: usize,
    /// Seconds fitting (wall clock, all workers).
    pub fit_seconds: f64,
}

/// Specifications sharing a design: the frame, the rows and the formula; each estimator is
/// fitted once and each of its variance types computed from that fit.
struct Shared<'a> {
    specs: Vec<&'a Specification>,
}

/// Designs that differ only in their absorbed fixed effects: one reading of the frame serves them
/// all (see [`crate::estimate::variants::Variants`]).
struct Group<'a> {
    frame: String,
    /// The formula without `| fe`.
    formula: String,
    /// Each set of fixed effects, with its specifications.
    variants: Vec<(Vec<String>, Shared<'a>)>,
}

impl Group<'_> {
    fn specs(&self) -> impl Iterator<Item = &Specification> {
        self.variants.iter().flat_map(|(_, v)| v.specs.iter().copied())
    }
}

impl Shared<'_> {
    /// The models wanted, in order of first appearance, each with its variance types; and for
    /// each, the specification behind each (model, variance) pair.
    fn wanted(&self) -> (Vec<Wanted>, Vec<Vec<Vec<usize>>>) {
        let (mut wanted, mut who): (Vec<Wanted>, Vec<Vec<Vec<usize>>>) = (Vec::new(), Vec::new());
        for (i, s) in self.specs.iter().enumerate() {
            let m = match wanted.iter().position(|(m, _)| *m == s.model) {
                Some(m) => m,
                None => {
                    wanted.push((s.model, Vec::new()));
                    who.push(Vec::new());
                    wanted.len() - 1
                }
            };
            let v = match wanted[m].1.iter().position(|se| *se == s.se) {
                Some(v) => v,
                None => {
                    wanted[m].1.push(s.se.clone());
                    who[m].push(Vec::new());
                    wanted[m].1.len() - 1
                }
            };
            who[m][v].push(i);
        }
        (wanted, who)
    }
}

/// The design group of a specification: its frame, rows and formula without fixed effects.
pub fn group_key(s: &Specification) -> String {
    let formula = s.formula.split_once(" | ").map_or(s.formula.as_str(), |(f, _)| f);
    format!("{}|{}|{formula}", frame_key(&s.frame), s.filter)
}

/// Runs every specification of `m`, following `term`, on `frames` (built by
/// [`crate::report::frames::build_frames`] from the specifications' requests, with whatever else
/// the study builds), with `jobs` workers.
pub fn run(m: &Multiverse, term: &str, frames: &BTreeMap<String, DataFrame>, jobs: usize, progress: &(dyn Fn(&str) + Sync)) -> Ran {
    let t = Instant::now();
    let mut groups: Vec<Group> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for s in &m.specs {
        let frame = frame_key(&s.frame);
        let (formula, fe) = match s.formula.split_once(" | ") {
            Some((f, fe)) => (f.to_string(), fe.split('+').map(|c| c.trim().to_string()).collect()),
            None => (s.formula.clone(), Vec::new()),
        };
        let key = group_key(s);
        let g = *index.entry(key).or_insert_with(|| {
            groups.push(Group { frame: frame.clone(), formula, variants: Vec::new() });
            groups.len() - 1
        });
        let variants = &mut groups[g].variants;
        match variants.iter_mut().find(|(f, _)| *f == fe) {
            Some((_, shared)) => shared.specs.push(s),
            None => variants.push((fe, Shared { specs: vec![s] })),
        }
    }
    let designs: usize = groups.iter().map(|g| g.variants.len()).sum();
    let options = Options { margins: false, sims: 0, ..Options::default() };
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let rows: Mutex<Vec<Option<Row>>> = Mutex::new(vec![None; m.specs.len()]);
    let by_id: BTreeMap<usize, usize> = m.specs.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            // Each worker keeps a core busy: the estimator's own two-thread splits run on it.
            scope.spawn(|| {
                crate::estimate::split::on_this_thread(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(group) = groups.get(i) else { break };
                    let filter = &group.variants[0].1.specs[0].filter;
                    let wanted: Vec<_> = group.variants.iter().map(|(fe, shared)| (fe.clone(), shared.wanted())).collect();
                    let mut out = Vec::new();
                    match filtered(&frames[&group.frame], filter) {
                        Err(e) => out.extend(group.specs().map(|s| Row::failed(s, format!("failed: {e}")))),
                        Ok(df) => {
                            let asked: Vec<_> = wanted.iter().map(|(fe, (w, _))| (fe.clone(), w.clone())).collect();
                            let got = estimate_variants(&df, &group.formula, &asked, &options);
                            for ((got, (_, (_, who))), (_, design)) in got.into_iter().zip(wanted).zip(&group.variants) {
                                match got {
                                    Err(e) => out.extend(design.specs.iter().map(|s| Row::failed(s, format!("failed: {e}")))),
                                    Ok(each) => {
                                        for (results, who) in each.into_iter().zip(who) {
                                            for (r, specs) in results.into_iter().zip(who) {
                                                for s in specs {
                                                    let r = r.as_ref().map(Clone::clone).map_err(EstimateError::copied);
                                                    out.push(Row::of(design.specs[s], term, r));
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    let mut rows = rows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    for r in out {
                        let at = by_id[&r.id];
                        rows[at] = Some(r);
                    }
                    drop(rows);
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(&format!("fitted {n} of {} design groups", groups.len()));
                })
            });
        }
    });
    let rows = rows.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let rows = rows.into_iter().zip(&m.specs).map(|(r, s)| r.unwrap_or_else(|| Row::failed(s, "failed: not run".into()))).collect();
    Ran { rows, designs, fit_seconds: t.elapsed().as_secs_f64() }
}

/// Columns of multiverse.csv besides the choices' (a choice may not take one of these names).
pub const COLUMNS: [&str; 22] = [
    "spec",
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
    "scale",
    "ape",
    "ape_low",
    "ape_high",
    "nobs",
    "n_dropped",
    "groups_dropped",
    "iterations",
    "vcov_positive_definite",
    "status",
    "model",
    "vcov",
    "formula",
    "frame",
];

/// The rows as a frame: the specification, its picks by choice name, the term's estimate and
/// interval, the average partial effect and its interval, the sample and the status.
pub fn frame(m: &Multiverse, term: &str, rows: &[Row]) -> PolarsResult<DataFrame> {
    let spec_of: BTreeMap<usize, &Specification> = m.specs.iter().map(|s| (s.id, s)).collect();
    let mut cols: Vec<Column> = vec![Column::new("spec".into(), rows.iter().map(|r| r.id as u32).collect::<Vec<_>>())];
    for (c, choice) in m.choices.iter().enumerate() {
        let v: Vec<&str> = rows.iter().map(|r| choice.alternatives[r.picks[c]].as_str()).collect();
        cols.push(Column::new(choice.name.as_str().into(), v));
    }
    cols.push(Column::new("term".into(), vec![term; rows.len()]));
    let f = |name: &str, get: &dyn Fn(&Row) -> Option<f64>| Column::new(name.into(), rows.iter().map(get).collect::<Vec<_>>());
    cols.push(f("estimate", &|r| r.estimate));
    cols.push(f("std_error", &|r| r.std_error));
    cols.push(f("statistic", &|r| r.statistic));
    cols.push(f("p_value", &|r| r.p_value));
    cols.push(f("conf_low", &|r| r.conf_low));
    cols.push(f("conf_high", &|r| r.conf_high));
    cols.push(f("scale", &|r| r.scale));
    cols.push(f("ape", &|r| r.ape().map(|a| a.0)));
    cols.push(f("ape_low", &|r| r.ape().map(|a| a.1)));
    cols.push(f("ape_high", &|r| r.ape().map(|a| a.2)));
    let n = |name: &str, get: &dyn Fn(&Row) -> Option<usize>| {
        Column::new(name.into(), rows.iter().map(|r| get(r).map(|v| v as u64)).collect::<Vec<_>>())
    };
    cols.push(n("nobs", &|r| r.nobs));
    cols.push(n("n_dropped", &|r| r.n_dropped));
    cols.push(n("groups_dropped", &|r| r.groups_dropped));
    cols.push(n("iterations", &|r| r.iterations));
    cols.push(Column::new("vcov_positive_definite".into(), rows.iter().map(|r| r.vcov_positive_definite).collect::<Vec<_>>()));
    cols.push(Column::new("status".into(), rows.iter().map(|r| r.status.as_str()).collect::<Vec<_>>()));
    let text = |name: &str, get: &dyn Fn(&Specification) -> String| {
        Column::new(name.into(), rows.iter().map(|r| spec_of.get(&r.id).map(|s| get(s))).collect::<Vec<_>>())
    };
    cols.push(text("model", &|s| s.model.name().to_string()));
    cols.push(text("vcov", &|s| s.se.to_string()));
    cols.push(text("formula", &|s| s.formula.clone()));
    cols.push(text("frame", &|s| {
        let mut f = format!("{} {}", s.frame.unit, s.frame.years.map_or("default years".to_string(), |y| y.to_string()));
        if s.frame.unit.options().mids {
            f.push_str(&format!(", --mids {}", s.frame.mids.name()));
        }
        if s.frame.prd {
            f.push_str(", --prd");
        }
        if !s.filter.is_all() {
            f.push_str(&format!(", {}", s.filter));
        }
        f
    }));
    DataFrame::new(rows.len(), cols)
}
