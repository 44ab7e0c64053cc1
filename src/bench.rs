//! The dyad-year benchmark of issue 3: the full directed dyad-year frame 1816–2014 with conflict
//! (COW MID 5), direct and third-party ATOP variables, capabilities, major powers, contiguity,
//! capital distance, democracy and peace years, built from the raw files each run.

use crate::datadir::DataDir;
use crate::frame::{BuildError, Spec};
use crate::units::{Mids, Unit, Years};
use crate::vars::{self, Group};
use std::time::Instant;

/// peacesciencer's equivalent pipeline on this machine (create_dyadyears + add_cow_mids +
/// add_atop_alliance + add_nmc + add_cow_majors + add_contiguity + add_capital_distance +
/// add_democracy + add_peace_years, directed 1816–2010, R 4.5), as measured for issue 3.
pub const PEACESCIENCER_SECONDS: f64 = 30.0;

/// What a benchmark run measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// Rows of the frame.
    pub rows: usize,
    /// Columns of the frame.
    pub columns: usize,
    /// Wall time of each run, seconds.
    pub seconds: Vec<f64>,
    /// Peak resident memory of the process (VmHWM), bytes, where the OS reports it.
    pub peak_rss: Option<u64>,
}

impl Report {
    /// Fastest run.
    pub fn best(&self) -> f64 {
        self.seconds.iter().copied().fold(f64::INFINITY, f64::min)
    }

    /// Median run.
    pub fn median(&self) -> f64 {
        let mut s = self.seconds.clone();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    }
}

/// The spec the benchmark builds.
pub fn spec() -> Spec {
    let groups = [
        Group::Conflict,
        Group::Peace,
        Group::AtopDirect,
        Group::AtopThird,
        Group::Capabilities,
        Group::Majors,
        Group::Contiguity,
        Group::Capdist,
        Group::Democracy,
    ];
    let names: Vec<&str> = vars::for_unit(Unit::DyadYear, true).filter(|v| groups.contains(&v.group)).map(|v| v.name).collect();
    Spec::new(Unit::DyadYear).years(Years { first: 1816, last: 2014 }).mids(Mids::Cow5).vars(names)
}

/// Builds the benchmark frame `runs` times.
pub fn run(dir: &DataDir, runs: usize) -> Result<Report, BuildError> {
    let spec = spec();
    let mut seconds = Vec::with_capacity(runs);
    let (mut rows, mut columns) = (0, 0);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let built = spec.build(dir)?;
        seconds.push(t.elapsed().as_secs_f64());
        (rows, columns) = built.frame.shape();
    }
    Ok(Report { rows, columns, seconds, peak_rss: peak_rss() })
}

/// Peak resident set size of this process (Linux `VmHWM`).
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
