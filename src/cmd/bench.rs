//! `allywar bench [build|fit|reproduce|multiverse|partition]`: time a whole build from the raw
//! files (and its Parquet write), the estimation engine on the full directed dyad-year frame,
//! `reproduce --all` cold from the raw files, a multiverse as it grows (and in shards), or a
//! partitioned build against one file, with peak memory. `--peers` times statsmodels, pyfixest
//! and R on the fit's frame in the same run.

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
    /// `multiverse` of a study's first --specs specifications (each count of the list), cold:
    /// a fresh process with the parse cache off, into a scratch folder, each run; split into
    /// frames and fits, with peak memory; with --shards, the last count also in shards and merged.
    Multiverse,
    /// `build dyad-year --vars all` (COW MID 5) of each span of --spans, to one Parquet file and
    /// partitioned by year, each a fresh process: time and peak memory.
    Partition,
}

/// How many specifications of a multiverse: a number or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecCount {
    /// The first N.
    First(usize),
    /// The whole multiverse.
    All,
}

impl std::str::FromStr for SpecCount {
    type Err = String;
    fn from_str(s: &str) -> Result<SpecCount, String> {
        match s.trim() {
            "all" | "full" => Ok(SpecCount::All),
            n => n.replace('_', "").parse().map(SpecCount::First).map_err(|_| format!("`{n}`: expected a number of specifications or all")),
        }
    }
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
    /// Specifications timed: the multiverse's first N, or all; a list times each (multiverse).
    #[arg(long, value_name = "N,..|all", value_delimiter = ',', default_value = "500")]
    pub specs: Vec<SpecCount>,
    /// Also run the last --specs count in this many shards, one process after another, and
    /// merge them (multiverse).
    #[arg(long, value_name = "N")]
    pub shards: Option<usize>,
    /// Year spans built (partition).
    #[arg(long, value_name = "A:B,..", value_delimiter = ',', default_value = "1816:1900,1816:1950,1816:2014")]
    pub spans: Vec<crate::types::Years>,
    /// Years built at a time by the partitioned build (partition).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub block_years: u16,
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
        Target::Partition => return partition(&args, out),
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

/// `["a", "b", path]` as process arguments.
macro_rules! argv {
    ($($a:expr),* $(,)?) => { Vec::from([$(std::ffi::OsString::from($a)),*]) };
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
        let c = child(&argv!["reproduce", "--all", "-q", "--reports", scratch.path(), "--data-dir", &data.root])?;
        let mut run = ReproduceRun { wall: c.wall, peak_mib: c.peak_mib, ..ReproduceRun::default() };
        for line in c.stderr.lines().filter_map(|l| l.strip_prefix("timing: ")) {
            // `timing: build dyad-year      4321.0 ms`: the kind, then the milliseconds.
            let ms: f64 = line.split_whitespace().rev().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0.0);
            match line.split_whitespace().next() {
                Some("load") => run.load += ms / 1e3,
                Some("build") => run.build += ms / 1e3,
                Some("fit") => run.fit += ms / 1e3,
                Some("draw") => run.draw += ms / 1e3,
                _ => {}
            }
        }
        runs.push(run);
    }
    let mut walls: Vec<f64> = runs.iter().map(|r| r.wall).collect();
    walls.sort_by(f64::total_cmp);
    let walls: Vec<String> = walls.iter().map(|w| format!("{w:.2}")).collect();
    let m = median_run(runs, |r| r.wall);
    writeln!(out, "reproduce --all of {} studies, cold (a fresh process, parse cache off)", studies.len())?;
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

/// One cold child process: its wall time, peak memory (`timing: peak`) and output.
struct Child {
    wall: f64,
    peak_mib: f64,
    stdout: String,
    stderr: String,
}

/// Runs allywar with `args` in a fresh process, parse cache off, timings on.
fn child(args: &[std::ffi::OsString]) -> Result<Child> {
    let exe = std::env::current_exe().context("finding the allywar binary")?;
    let t = std::time::Instant::now();
    let res = std::process::Command::new(&exe).args(args).env("ALLYWAR_CACHE", "off").env("ALLYWAR_TIMINGS", "1").output()?;
    let wall = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&res.stderr).into_owned();
    let shown: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("timing: ")).collect();
    anyhow::ensure!(res.status.success(), "allywar {:?} failed:\n{}", args, shown.join("\n"));
    let peak_mib = stderr.lines().find_map(|l| l.strip_prefix("timing: peak ")).and_then(|r| r.split_whitespace().next()?.parse().ok());
    Ok(Child { wall, peak_mib: peak_mib.unwrap_or(f64::NAN), stdout: String::from_utf8_lossy(&res.stdout).into_owned(), stderr })
}

/// The run of median wall time.
fn median_run<T>(mut runs: Vec<T>, wall: impl Fn(&T) -> f64) -> T {
    runs.sort_by(|a, b| wall(a).total_cmp(&wall(b)));
    let i = runs.len() / 2;
    runs.swap_remove(i)
}

/// One cold multiverse run: (wall, frames s, fits s, peak MiB, specifications, designs).
fn multiverse_run(args: &Args, count: SpecCount, extra: &[std::ffi::OsString], out_dir: &std::path::Path) -> Result<(Child, [f64; 4])> {
    let data = args.data.dir()?;
    let mut argv = argv!["multiverse", &args.study, "--reports", &args.reports, "--out", out_dir, "--data-dir", &data.root];
    if let SpecCount::First(n) = count {
        argv.extend(argv!["--limit", n.to_string()]);
    }
    argv.extend(extra.iter().cloned());
    let c = child(&argv)?;
    let designs = c.stderr.split(" designs fitted for ").next().and_then(|l| l.rsplit(' ').next()).and_then(|n| n.parse().ok());
    let specs = c.stderr.split(" designs fitted for ").nth(1).and_then(|r| r.split_whitespace().next()).and_then(|n| n.parse().ok());
    let parts = [
        seconds_after(&c.stderr, "frames built in "),
        seconds_after(&c.stderr, "specifications in "),
        specs.unwrap_or(f64::NAN),
        designs.unwrap_or(f64::NAN),
    ];
    Ok((c, parts))
}

fn multiverse(args: &Args, out: &mut Out) -> Result<ExitCode> {
    let runs = args.runs.max(1);
    writeln!(out, "multiverse of {}: cold runs (a fresh process each, parse cache off), medians of {runs}", args.study)?;
    writeln!(out, "| specifications | designs | wall s | frames s | fits s | fit s per design | peak MiB |")?;
    writeln!(out, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")?;
    let mut last_wall = f64::NAN;
    for &count in &args.specs {
        let mut all = Vec::new();
        for _ in 0..runs {
            let scratch = tempfile::tempdir()?;
            all.push(multiverse_run(args, count, &[], scratch.path())?);
        }
        let (c, [frames, fits, specs, designs]) = median_run(all, |r| r.0.wall);
        last_wall = c.wall;
        writeln!(
            out,
            "| {specs:.0} | {designs:.0} | {:.1} | {frames:.1} | {fits:.1} | {:.3} | {:.0} |",
            c.wall,
            fits / designs,
            c.peak_mib
        )?;
    }
    let Some(n) = args.shards else { return Ok(ExitCode::SUCCESS) };
    anyhow::ensure!(n >= 1, "--shards takes at least 1");
    let count = *args.specs.last().unwrap_or(&SpecCount::All);
    let mut all = Vec::new();
    for _ in 0..runs {
        let scratch = tempfile::tempdir()?;
        let (mut sum, mut longest, mut peak) = (0.0_f64, 0.0_f64, 0.0_f64);
        for k in 0..n {
            let part = scratch.path().join(format!("part-{k}"));
            let shard = argv!["--shard", format!("{k}/{n}")];
            let (c, _) = multiverse_run(args, count, &shard, &part)?;
            sum += c.wall;
            longest = longest.max(c.wall);
            peak = peak.max(c.peak_mib);
        }
        let mut merge = argv!["multiverse", "merge"];
        merge.extend((0..n).map(|k| scratch.path().join(format!("part-{k}")).into_os_string()));
        merge.extend(argv!["--out", scratch.path().join("merged")]);
        let m = child(&merge)?;
        all.push((sum, longest, peak, m.wall));
    }
    let (sum, longest, peak, merge) = median_run(all, |r| r.0);
    writeln!(out)?;
    writeln!(
        out,
        "{n} shards of the last count, one process after another: their walls sum to {sum:.1} s, {:.3} of the single run's {last_wall:.1} s \
         (overhead {:+.1}%); the longest shard {longest:.1} s ({:.2} of the single run: the wall time with {n} machines); peak {peak:.0} MiB; merge {merge:.2} s",
        sum / last_wall,
        100.0 * (sum / last_wall - 1.0),
        longest / last_wall
    )?;
    Ok(ExitCode::SUCCESS)
}

fn partition(args: &Args, out: &mut Out) -> Result<ExitCode> {
    let data = args.data.dir()?;
    let runs = args.runs.max(1);
    writeln!(out, "build dyad-year --vars all --mids cow5, cold (a fresh process each, parse cache off), medians of {runs}")?;
    let block = if args.block_years == 1 { "1 year".to_string() } else { format!("{} years", args.block_years) };
    writeln!(out, "| years | rows | one file: s | MiB | partitioned, {block} a block: s | MiB | time ratio | memory ratio |")?;
    writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")?;
    for span in &args.spans {
        let common = argv![
            "build",
            "dyad-year",
            "--vars",
            "all",
            "--mids",
            "cow5",
            "--years",
            format!("{}:{}", span.first, span.last),
            "--data-dir",
            &data.root
        ];
        let (mut one, mut parts) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let scratch = tempfile::tempdir()?;
            let mut a = common.clone();
            a.extend(argv!["--out", scratch.path().join("frame.parquet")]);
            one.push(child(&a)?);
            let mut a = common.clone();
            a.extend(argv!["--partition", "year", "--block-years", args.block_years.to_string(), "--out", scratch.path().join("frame")]);
            parts.push(child(&a)?);
        }
        let (one, parts) = (median_run(one, |c| c.wall), median_run(parts, |c| c.wall));
        let rows =
            one.stderr.lines().chain(one.stdout.lines()).find_map(|l| l.split(" (").nth(1)?.split(" rows").next()?.parse::<u64>().ok());
        writeln!(
            out,
            "| {span} | {} | {:.2} | {:.0} | {:.2} | {:.0} | {:.2} | {:.2} |",
            rows.map_or("?".into(), |r| r.to_string()),
            one.wall,
            one.peak_mib,
            parts.wall,
            parts.peak_mib,
            parts.wall / one.wall,
            parts.peak_mib / one.peak_mib
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
