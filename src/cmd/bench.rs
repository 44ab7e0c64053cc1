//! `allywar bench [build|fit|reproduce|multiverse]`: time a whole build from the raw files (and its
//! Parquet write), the estimation engine on the full directed dyad-year frame, or `reproduce
//! --all` cold from the raw files, with peak memory. `--peers` times statsmodels, pyfixest and R
//! on the fit's frame in the same run.

use super::{DataArgs, Out};
use crate::bench::{median, Scenario};
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
    /// `reproduce --all` of the studies under --reports, cold: a fresh process with the parse
    /// cache off, into a scratch folder, each run.
    Reproduce,
    /// `multiverse` of a study's first --specs specifications, cold: a fresh process with the
    /// parse cache off, into a scratch folder, each run; split into frames and fits.
    Multiverse,
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
    /// The studies' folder (reproduce): their spec.toml files are copied into a scratch folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub reports: std::path::PathBuf,
    /// The study whose multiverse is timed (multiverse).
    #[arg(long, default_value = "deterrence")]
    pub study: String,
    /// Specifications timed: the multiverse's first N (multiverse).
    #[arg(long, default_value_t = 500)]
    pub specs: usize,
    /// Also time statsmodels, pyfixest and (where Rscript is) R glm + sandwich on the same frame
    /// (fit; needs python3 with them).
    #[arg(long)]
    pub peers: bool,
    /// Where the raw data is.
    #[command(flatten)]
    pub data: DataArgs,
}

const PEERS: &str = include_str!("../../benches/fit_peers.py");

/// Runs `allywar bench`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    match args.target {
        Target::Fit => return fit(&args, out),
        Target::Reproduce => return reproduce(&args, out),
        Target::Multiverse => return multiverse(&args, out),
        Target::Build => {}
    }
    let r = crate::bench::run(&args.data.dir()?, args.scenario, args.runs)?;
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
    let mut built = crate::bench::fit_spec().build(&args.data.dir()?)?;
    let frame = &mut built.frame;
    writeln!(out, "logit, init on {} regressors, directed dyad-years 1816–2014 (COW MID 5)", crate::bench::FIT_REGRESSORS.len())?;
    writeln!(
        out,
        "frame: {} rows × {} columns; each run takes the design from the frame, fits and computes the variance",
        frame.height(),
        frame.width()
    )?;
    let timings = crate::bench::run_fit(frame, args.runs)?;
    let mut peers: serde_json::Value = serde_json::Value::Null;
    if args.peers {
        let scratch = tempfile::tempdir()?;
        let csv = scratch.path().join("frame.csv");
        crate::output::write_frame(frame, &csv)?;
        let res = std::process::Command::new("python3")
            .arg("-c")
            .arg(PEERS)
            .arg(&csv)
            .arg(args.runs.to_string())
            .arg(crate::bench::FIT_REGRESSORS.join(","))
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

/// Seconds of one cold `reproduce --all`, by kind of work (from its `ALLYWAR_TIMINGS` lines).
#[derive(Debug, Default, Clone, Copy)]
struct ReproduceRun {
    wall: f64,
    load: f64,
    build: f64,
    fit: f64,
    draw: f64,
    peak_mib: f64,
}

fn reproduce(args: &Args, out: &mut Out) -> Result<ExitCode> {
    let exe = std::env::current_exe().context("finding the allywar binary")?;
    let studies = crate::report::studies(&args.reports).with_context(|| format!("{}: cannot list the studies", args.reports.display()))?;
    anyhow::ensure!(!studies.is_empty(), "{}: no study (a folder with a spec.toml) found", args.reports.display());
    let data = args.data.dir()?;
    let mut runs = Vec::new();
    for _ in 0..args.runs.max(1) {
        let scratch = tempfile::tempdir()?;
        for (id, spec) in &studies {
            std::fs::create_dir_all(scratch.path().join(id))?;
            std::fs::copy(spec, scratch.path().join(id).join("spec.toml"))?;
        }
        let t = std::time::Instant::now();
        let res = std::process::Command::new(&exe)
            .args(["reproduce", "--all", "-q", "--reports"])
            .arg(scratch.path())
            .arg("--data-dir")
            .arg(&data.root)
            .env("ALLYWAR_CACHE", "off")
            .env("ALLYWAR_TIMINGS", "1")
            .output()?;
        let mut run = ReproduceRun { wall: t.elapsed().as_secs_f64(), ..ReproduceRun::default() };
        anyhow::ensure!(res.status.success(), "reproduce failed:\n{}", String::from_utf8_lossy(&res.stderr));
        for line in String::from_utf8_lossy(&res.stderr).lines().filter_map(|l| l.strip_prefix("timing: ")) {
            let mut words = line.split_whitespace();
            let kind = words.next().unwrap_or("");
            let value: f64 = line.split_whitespace().rev().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0.0);
            match kind {
                "load" => run.load += value / 1e3,
                "build" => run.build += value / 1e3,
                "fit" => run.fit += value / 1e3,
                "draw" => run.draw += value / 1e3,
                "peak" => run.peak_mib = value,
                _ => {}
            }
        }
        runs.push(run);
    }
    runs.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    let m = runs[runs.len() / 2];
    writeln!(out, "reproduce --all of {} studies, cold (a fresh process, parse cache off)", studies.len())?;
    let walls: Vec<String> = runs.iter().map(|r| format!("{:.2}", r.wall)).collect();
    writeln!(out, "runs (s, sorted): {}", walls.join(" "))?;
    writeln!(out, "median {:.2} s; of the median run:", m.wall)?;
    let rest = m.wall - m.build - m.fit - m.draw;
    for (what, s) in [
        ("reading and parsing the raw files", m.load),
        ("building the frames (after loading)", m.build - m.load),
        ("fitting the models", m.fit),
        ("drawing the figures", m.draw),
        ("the rest (tables, report page, process start)", rest),
    ] {
        writeln!(out, "  {what:<48} {s:>6.2} s  {:>4.0}%", 100.0 * s / m.wall)?;
    }
    writeln!(out, "peak memory (VmHWM of the reproduce process): {:.0} MiB", m.peak_mib)?;
    Ok(ExitCode::SUCCESS)
}

/// Seconds after `prefix` in a line of `text` (`... frames built in 4.9 s; ...`).
fn seconds_after(text: &str, prefix: &str) -> f64 {
    text.split(prefix).nth(1).and_then(|r| r.split_whitespace().next()).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

fn multiverse(args: &Args, out: &mut Out) -> Result<ExitCode> {
    let exe = std::env::current_exe().context("finding the allywar binary")?;
    let data = args.data.dir()?;
    let mut runs: Vec<(f64, f64, f64)> = Vec::new();
    let mut specs = 0;
    for _ in 0..args.runs.max(1) {
        let scratch = tempfile::tempdir()?;
        let t = std::time::Instant::now();
        let res = std::process::Command::new(&exe)
            .args(["multiverse", &args.study, "--limit", &args.specs.to_string(), "--reports"])
            .arg(&args.reports)
            .arg("--out")
            .arg(scratch.path())
            .arg("--data-dir")
            .arg(&data.root)
            .env("ALLYWAR_CACHE", "off")
            .output()?;
        let wall = t.elapsed().as_secs_f64();
        let err = String::from_utf8_lossy(&res.stderr);
        anyhow::ensure!(res.status.success(), "multiverse failed:\n{err}");
        specs = String::from_utf8_lossy(&res.stdout)
            .lines()
            .find_map(|l| {
                l.strip_prefix("- ").and_then(|l| l.split(" specifications").next()).and_then(|n| n.replace(',', "").parse().ok())
            })
            .unwrap_or(0);
        runs.push((wall, seconds_after(&err, "frames built in "), seconds_after(&err, "specifications in ")));
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let m = runs[runs.len() / 2];
    writeln!(out, "multiverse of {}: {specs} specifications, cold (a fresh process, parse cache off)", args.study)?;
    let walls: Vec<String> = runs.iter().map(|r| format!("{:.1}", r.0)).collect();
    writeln!(out, "runs (s, sorted): {}", walls.join(" "))?;
    writeln!(
        out,
        "median {:.1} s: frames {:.1} s ({:.0}%), fits {:.1} s ({:.0}%), the rest (curve, files, start) {:.1} s",
        m.0,
        m.1,
        100.0 * m.1 / m.0,
        m.2,
        100.0 * m.2 / m.0,
        m.0 - m.1 - m.2
    )?;
    Ok(ExitCode::SUCCESS)
}
