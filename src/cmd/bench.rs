//! `allywar bench [build|fit]`: time a whole build from the raw files (and its Parquet write),
//! or the estimation engine on the full directed dyad-year frame, with peak memory. `--peers`
//! times statsmodels and pyfixest on the same frame in the same run.

use super::{DataArgs, Out};
use allywar::bench::{median, Scenario};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::process::ExitCode;

/// What to time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// Building a frame from the raw files and writing it to Parquet.
    Build,
    /// Fitting a logit with 12 regressors on the directed dyad-years 1816–2014 (dyad-clustered,
    /// dyadic, and with year fixed effects).
    Fit,
}

/// Time whole builds, or fits.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to time.
    #[arg(value_enum, default_value_t = Target::Build)]
    pub target: Target,
    /// What to build (build).
    #[arg(long, value_enum, default_value_t = Scenario::Peacesciencer)]
    pub scenario: Scenario,
    /// Repetitions.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Also time statsmodels, pyfixest and (where Rscript is) R glm + sandwich on the same frame
    /// (fit; needs python3 with them).
    #[arg(long)]
    pub peers: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

const PEERS: &str = include_str!("../../benches/fit_peers.py");

/// Runs `allywar bench`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    if args.target == Target::Fit {
        return fit(&args, out);
    }
    let r = allywar::bench::run(&args.data.dir(), args.scenario, args.runs)?;
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

fn fit(args: &Args, out: &mut Out) -> Result<ExitCode> {
    let mut built = allywar::bench::fit_spec().build(&args.data.dir())?;
    let frame = &mut built.frame;
    writeln!(out, "logit, init on {} regressors, directed dyad-years 1816–2014 (COW MID 5)", allywar::bench::FIT_REGRESSORS.len())?;
    writeln!(
        out,
        "frame: {} rows × {} columns; each run takes the design from the frame, fits and computes the variance",
        frame.height(),
        frame.width()
    )?;
    let timings = allywar::bench::run_fit(frame, args.runs)?;
    let mut peers: serde_json::Value = serde_json::Value::Null;
    if args.peers {
        let scratch = tempfile::tempdir()?;
        let csv = scratch.path().join("frame.csv");
        allywar::output::write_frame(frame, &csv)?;
        let res = std::process::Command::new("python3")
            .arg("-c")
            .arg(PEERS)
            .arg(&csv)
            .arg(args.runs.to_string())
            .arg(allywar::bench::FIT_REGRESSORS.join(","))
            .output()
            .context("--peers runs python3")?;
        anyhow::ensure!(res.status.success(), "the peers' script failed:\n{}", String::from_utf8_lossy(&res.stderr));
        peers = serde_json::from_slice(&res.stdout)?;
        anyhow::ensure!(
            peers["rows"].as_u64() == timings.first().map(|t| t.nobs as u64),
            "the peers fitted {} rows, allywar {:?}",
            peers["rows"],
            timings.first().map(|t| t.nobs)
        );
    }
    writeln!(out, "{:<24} {:>9} {:>10} {:>14}  peers (median s, ratio peer/allywar)", "case", "N", "median s", "extra peak MiB")?;
    for t in &timings {
        let m = median(&t.seconds);
        let mut line = format!(
            "{:<24} {:>9} {:>10.3} {:>14}",
            t.case,
            t.nobs,
            m,
            t.extra_peak.map_or("-".into(), |b| format!("{:.0}", b as f64 / 1048576.0))
        );
        if let Some(obj) = peers.as_object() {
            for (name, secs) in obj.iter().filter(|(k, _)| k.split('/').next() == Some(t.case.as_str())) {
                let s: Vec<f64> = secs.as_array().into_iter().flatten().filter_map(|v| v.as_f64()).collect();
                let pm = median(&s);
                let _ = write!(line, "  {}: {:.3} s ({:.1}×)", name.split('/').nth(1).unwrap_or(name), pm, pm / m);
            }
        }
        writeln!(out, "{line}")?;
    }
    Ok(ExitCode::SUCCESS)
}
