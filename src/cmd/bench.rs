//! `allywar bench`: time a whole build from the raw files (and its Parquet write), with peak
//! memory. Only allywar is timed: compare with another tool by timing both side by side.

use super::{DataArgs, Out};
use allywar::bench::{median, Scenario};
use anyhow::Result;
use std::fmt::Write as _;
use std::process::ExitCode;

/// Time whole builds.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to build.
    #[arg(long, value_enum, default_value_t = Scenario::Peacesciencer)]
    pub scenario: Scenario,
    /// Repetitions.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    #[command(flatten)]
    pub data: DataArgs,
}

/// Runs `allywar bench`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    let r = allywar::bench::run(&args.data.dir(), args.scenario, args.runs)?;
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    writeln!(out, "{}", args.scenario.describe())?;
    writeln!(out, "frame: {} rows × {} columns, written to Parquet each run", r.rows, r.columns)?;
    let runs: Vec<String> = r.seconds.iter().map(|s| format!("{s:.3}")).collect();
    writeln!(out, "runs (s): {}", runs.join(" "))?;
    writeln!(out, "best {:.3} s, median {:.3} s (of which the Parquet write {:.3} s)", r.best(), r.median(), median(&r.write_seconds))?;
    match r.peak_rss {
        Some(b) => writeln!(out, "peak memory (VmHWM, whole process): {:.0} MiB", mb(b))?,
        None => writeln!(out, "peak memory: not reported by this OS")?,
    }
    Ok(ExitCode::SUCCESS)
}
