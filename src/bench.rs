//! Benchmarks of whole builds, from the raw files each run, written to Parquet:
//! - `peacesciencer`: the frame of peacesciencer's standard pipeline (create_dyadyears +
//!   add_gml_mids + add_peace_years + add_atop_alliance + add_contiguity +
//!   add_capital_distance + add_cow_majors + add_democracy): directed dyad-years 1816–2010;
//! - `all`: every dyad-year variable, directed, 1816–2014 (COW MID 5).
//!
//! Run by `allywar bench` and `cargo bench`. Only allywar is timed here: a comparison with
//! another tool (or version) belongs to a side-by-side run of both processes (README, Speed).

use crate::datadir::DataDir;
use crate::frame::{BuildError, Spec};
use crate::output::{write_frame, OutputError};
use crate::types::{Group, Mids, Unit, Years};
use crate::vars;
use std::time::Instant;

/// A benchmark scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// peacesciencer's standard directed dyad-year pipeline, 1816–2010 (GML).
    Peacesciencer,
    /// Every dyad-year variable, directed, 1816–2014 (COW MID 5).
    All,
}

impl Scenario {
    /// What is built.
    pub fn describe(self) -> &'static str {
        match self {
            Scenario::Peacesciencer => {
                "directed dyad-years 1816–2010: GML conflict, peace years, ATOP, contiguity, capital distance, majors, democracy"
            }
            Scenario::All => "directed dyad-years 1816–2014, every variable (--vars all, COW MID 5)",
        }
    }

    /// The spec built.
    pub fn spec(self) -> Spec {
        match self {
            Scenario::Peacesciencer => {
                let groups = [
                    Group::Conflict,
                    Group::Peace,
                    Group::AtopDirect,
                    Group::AtopThird,
                    Group::Contiguity,
                    Group::Capdist,
                    Group::Majors,
                    Group::Democracy,
                ];
                let names: Vec<&str> = vars::for_unit(Unit::DyadYear, true).filter(|v| groups.contains(&v.group)).map(|v| v.name).collect();
                Spec::new(Unit::DyadYear).years(Years { first: 1816, last: 2010 }).mids(Mids::Gml).vars(names)
            }
            Scenario::All => Spec::new(Unit::DyadYear).years(Years { first: 1816, last: 2014 }).mids(Mids::Cow5).vars(["all"]),
        }
    }
}

/// Why a benchmark failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Building failed.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// Writing failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The scratch folder could not be made.
    #[error("scratch folder: {0}")]
    Io(#[from] std::io::Error),
}

/// What a benchmark run measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// Rows of the frame.
    pub rows: usize,
    /// Columns of the frame.
    pub columns: usize,
    /// Wall time of each run (build and write), seconds.
    pub seconds: Vec<f64>,
    /// Of which writing the Parquet file, seconds.
    pub write_seconds: Vec<f64>,
    /// Peak resident memory of the process (VmHWM), bytes, where the OS reports it.
    pub peak_rss: Option<u64>,
}

/// Median of a list of seconds.
pub fn median(s: &[f64]) -> f64 {
    let mut s = s.to_vec();
    s.sort_by(f64::total_cmp);
    s.get(s.len() / 2).copied().unwrap_or(f64::NAN)
}

impl Report {
    /// Fastest run.
    pub fn best(&self) -> f64 {
        self.seconds.iter().copied().fold(f64::INFINITY, f64::min)
    }

    /// Median run.
    pub fn median(&self) -> f64 {
        median(&self.seconds)
    }
}

/// Builds a scenario's frame and writes it to Parquet `runs` times.
pub fn run(dir: &DataDir, scenario: Scenario, runs: usize) -> Result<Report, BenchError> {
    let spec = scenario.spec();
    let scratch = tempfile::tempdir()?;
    let out = scratch.path().join("bench.parquet");
    let mut report = Report { rows: 0, columns: 0, seconds: Vec::new(), write_seconds: Vec::new(), peak_rss: None };
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let mut built = spec.build(dir)?;
        let w = Instant::now();
        write_frame(&mut built.frame, &out)?;
        report.write_seconds.push(w.elapsed().as_secs_f64());
        report.seconds.push(t.elapsed().as_secs_f64());
        (report.rows, report.columns) = built.frame.shape();
    }
    report.peak_rss = peak_rss();
    Ok(report)
}

/// Peak resident set size of this process (Linux `VmHWM`).
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The regressors of the fit benchmark: twelve, as a deterrence model carries them.
pub const FIT_REGRESSORS: [&str; 12] = [
    "tgt_def",
    "chal_def",
    "def_12",
    "def_21",
    "peace_years",
    "peace_years2",
    "peace_years3",
    "land_contig",
    "ln_capdist",
    "major_any",
    "cap_ratio_ln",
    "jdem",
];

/// The fit benchmark's cases: (name, formula suffix, variance).
pub const FIT_CASES: [(&str, &str, &str); 3] = [
    ("cluster:dyad_id", "", "cluster:dyad_id"),
    ("dyadic:ccode1,ccode2", "", "dyadic:ccode1,ccode2"),
    ("| year", " | year", "cluster:dyad_id"),
];

/// The frame of the fit benchmark: directed dyad-years 1816–2014 (COW MID 5) with `init` and
/// the twelve regressors.
pub fn fit_spec() -> Spec {
    let vars: Vec<&str> = ["init"].into_iter().chain(FIT_REGRESSORS).collect();
    Spec::new(Unit::DyadYear).years(Years { first: 1816, last: 2014 }).mids(Mids::Cow5).vars(vars)
}

/// One case of the fit benchmark.
#[derive(Debug, Clone)]
pub struct FitTiming {
    /// Case name.
    pub case: String,
    /// Seconds of each run: design, fit and variance.
    pub seconds: Vec<f64>,
    /// Observations used.
    pub nobs: usize,
    /// Peak memory above the frame during the fits (VmHWM after resetting it, less the resident
    /// size before), bytes.
    pub extra_peak: Option<u64>,
}

/// Resets the process's peak resident size (Linux: `5` into `clear_refs`), returning the
/// resident size now.
fn reset_peak() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

/// Times the fit benchmark's cases `runs` times each on `frame`.
pub fn run_fit(frame: &polars::prelude::DataFrame, runs: usize) -> Result<Vec<FitTiming>, crate::estimate::EstimateError> {
    let formula = format!("init ~ {}", FIT_REGRESSORS.join(" + "));
    FIT_CASES
        .iter()
        .map(|(name, suffix, se)| {
            let before = reset_peak();
            let mut t = FitTiming { case: name.to_string(), seconds: Vec::new(), nobs: 0, extra_peak: None };
            for _ in 0..runs.max(1) {
                let start = Instant::now();
                let r = crate::estimate::estimate(
                    frame,
                    &format!("{formula}{suffix}"),
                    crate::estimate::Model::Logit,
                    &se.parse().map_err(|what| crate::estimate::EstimateError::Unsupported { what })?,
                )?;
                t.seconds.push(start.elapsed().as_secs_f64());
                t.nobs = r.glance.nobs;
            }
            t.extra_peak = before.zip(peak_rss()).map(|(b, p)| p.saturating_sub(b));
            Ok(t)
        })
        .collect()
}
