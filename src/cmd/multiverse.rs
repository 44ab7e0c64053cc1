//! `allywar multiverse STUDY [--term T] [--jobs N] [--out DIR]`: fit every specification of a
//! study's `[multiverse]` and write multiverse.parquet/.csv, the specification curve and
//! multiverse.md into the study's folder (or `--out`), printing the summary.

use super::{DataArgs, Out};
use crate::report::frames::build_frames;
use crate::report::multiverse::{self, run};
use crate::report::spec;
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Fit every specification of a study's multiverse.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study: a folder name under --reports, or a spec.toml.
    pub study: String,
    /// The term to follow (default: the multiverse's `term`); it must be in every formula.
    #[arg(long)]
    pub term: Option<String>,
    /// Only the first N specifications (a quick look, or a benchmark of part of a multiverse).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Fits at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Where to write (default: the study's folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The reports folder.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub reports: PathBuf,
    /// Where the raw data is.
    #[command(flatten)]
    pub data: DataArgs,
}

/// Runs the command.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    let path = if args.study.ends_with(".toml") { PathBuf::from(&args.study) } else { args.reports.join(&args.study).join("spec.toml") };
    if !path.is_file() {
        let names: Vec<String> = crate::report::studies(&args.reports).unwrap_or_default().into_iter().map(|s| s.0).collect();
        let hint = crate::suggest::did_you_mean(&args.study, names.iter().map(String::as_str));
        bail!("no study `{}`: {} does not exist{hint}", args.study, path.display());
    }
    let dir = args.data.dir()?;
    let study = spec::load(&path)?;
    let Some(mut m) = study.multiverse.clone() else {
        bail!("{}: the study has no [multiverse] table", path.display());
    };
    if let Some(n) = args.limit.filter(|&n| n < m.specs.len()) {
        // The title, summary and curve then speak of the specifications actually run.
        let total = m.specs.len();
        m.specs.truncate(n);
        m.title = format!("{} — the first {} of {} specifications (--limit {n})", m.title, n, crate::report::table::thousands(total));
    }
    let m = &m;
    let term = args.term.clone().unwrap_or_else(|| m.term.clone());
    for s in &m.specs {
        let columns = crate::estimate::formula::parse(&s.formula).map(|f| f.columns()).unwrap_or_default();
        if !columns.contains(&term) {
            let hint = crate::suggest::did_you_mean(&term, columns.iter().map(String::as_str));
            bail!("--term {term}: not in specification {}'s formula `{}`{hint}", s.id, s.formula);
        }
    }
    let folder = args.out.clone().unwrap_or_else(|| path.parent().map_or_else(|| PathBuf::from("."), PathBuf::from));
    std::fs::create_dir_all(&folder).with_context(|| format!("{}: cannot create", folder.display()))?;
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let bar = out.bar(0);
    bar.set_prefix(study.id.clone());
    let t = std::time::Instant::now();
    let requests: Vec<_> = m.specs.iter().map(|s| &s.frame).collect();
    let (frames, _, notes) = build_frames(&requests, &study.derived, &dir, &|stage| bar.set_message(stage.to_string()))?;
    let frame_seconds = t.elapsed().as_secs_f64();
    let ran = run::run(m, &term, &frames, jobs, &|stage| bar.set_message(stage.to_string()));
    bar.finish_and_clear();
    for n in &notes {
        out.note(n);
    }
    let written = multiverse::write(m, &term, &ran, &folder)?;
    out.note(&format!(
        "{} frames built in {:.1} s; {} designs fitted for {} specifications in {:.1} s on {jobs} workers",
        frames.len(),
        frame_seconds,
        ran.designs,
        m.specs.len(),
        ran.fit_seconds
    ));
    writeln!(out, "{}", written.title)?;
    for s in &written.sentences {
        writeln!(out, "- {s}")?;
    }
    out.done(&format!("wrote {} (multiverse.parquet, .csv, .md, {}.svg, .png)", folder.display(), multiverse::CURVE));
    Ok(ExitCode::SUCCESS)
}
