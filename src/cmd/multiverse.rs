//! `allywar multiverse STUDY [--term T] [--jobs N] [--out DIR] [--shard K/N]`: fit every
//! specification of a study's `[multiverse]` and write multiverse.parquet/.csv, the
//! specification curve and multiverse.md into the study's folder (or `--out`), printing the
//! summary. With `--shard K/N`, only the K-th of N shards, into a part file;
//! `allywar multiverse merge DIR…` merges the parts into what one run writes.

use super::{DataArgs, Out};
use crate::report::frames::build_frames;
use crate::report::multiverse::shard::{self, Shard};
use crate::report::multiverse::{self, run, Multiverse};
use crate::report::{manifest, spec};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Fit every specification of a study's multiverse (or one shard of it; or merge the shards).
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Merge the parts of a sharded run.
    #[command(subcommand)]
    pub merge: Option<Merge>,
    /// The study: a folder name under --reports, or a spec.toml.
    pub study: Option<String>,
    /// The term to follow (default: the multiverse's `term`); it must be in every formula.
    #[arg(long)]
    pub term: Option<String>,
    /// Only the first N specifications (a quick look, or a benchmark of part of a multiverse).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Fits at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Run only shard K of N (K from 0, as a Slurm array's SLURM_ARRAY_TASK_ID) and write its
    /// part (part-K-of-N.json) into --out; `allywar multiverse merge` joins the parts.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
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

/// `allywar multiverse merge`.
#[derive(clap::Subcommand, Debug)]
pub enum Merge {
    /// Merge the parts of `--shard K/N` runs (every part-K-of-N.json in the folders named) into
    /// multiverse.parquet/.csv/.md and the curve, as one run writes them; parts of another study,
    /// spec or build, a missing part or a specification twice are errors, and nothing is written.
    Merge(MergeArgs),
}

/// What `merge` reads and where it writes.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// Folders (or part files) holding the parts.
    #[arg(required = true, value_name = "DIR")]
    pub parts: Vec<PathBuf>,
    /// Where to write (default: the study's folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The reports folder holding the study.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub reports: PathBuf,
}

/// The spec.toml of a study named on the command line.
fn spec_path(reports: &Path, study: &str) -> Result<PathBuf> {
    let path = if study.ends_with(".toml") { PathBuf::from(study) } else { reports.join(study).join("spec.toml") };
    if !path.is_file() {
        let names: Vec<String> = crate::report::studies(reports).unwrap_or_default().into_iter().map(|s| s.0).collect();
        let hint = crate::suggest::did_you_mean(study, names.iter().map(String::as_str));
        bail!("no study `{study}`: {} does not exist{hint}", path.display());
    }
    Ok(path)
}

/// The study's multiverse after `--limit`, and the term followed (checked in every formula).
fn planned(path: &Path, limit: Option<usize>, term: Option<&str>) -> Result<(spec::Checked, Multiverse, String)> {
    let study = spec::load(path)?;
    let Some(m) = study.multiverse.clone() else {
        bail!("{}: the study has no [multiverse] table", path.display());
    };
    let m = m.limited(limit);
    let term = term.map_or_else(|| m.term.clone(), String::from);
    for s in &m.specs {
        let columns = crate::estimate::formula::parse(&s.formula).map(|f| f.columns()).unwrap_or_default();
        if !columns.contains(&term) {
            let hint = crate::suggest::did_you_mean(&term, columns.iter().map(String::as_str));
            bail!("--term {term}: not in specification {}'s formula `{}`{hint}", s.id, s.formula);
        }
    }
    Ok((study, m, term))
}

/// Runs the command.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    if let Some(Merge::Merge(merge)) = args.merge {
        return run_merge(merge, out);
    }
    let Some(study_name) = args.study.as_deref() else {
        bail!("a study is needed: `allywar multiverse STUDY` (or `allywar multiverse merge DIR…`)");
    };
    let path = spec_path(&args.reports, study_name)?;
    let dir = args.data.dir()?;
    let (study, whole, term) = planned(&path, args.limit, args.term.as_deref())?;
    let m = match args.shard {
        Some(s) => shard::select(&whole, s),
        None => whole.clone(),
    };
    let m = &m;
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
    out.note(&format!(
        "{} frames built in {:.1} s; {} designs fitted for {} specifications in {:.1} s on {jobs} workers",
        frames.len(),
        frame_seconds,
        ran.designs,
        m.specs.len(),
        ran.fit_seconds
    ));
    if let Some(s) = args.shard {
        let manifest = shard::Manifest {
            study: study.id.clone(),
            spec_sha256: manifest::sha256_file(&path).with_context(|| format!("{}: cannot read", path.display()))?,
            allywar: manifest::BUILD.to_string(),
            term,
            limit: args.limit,
            shard: s.k,
            shards: s.n,
            total: whole.specs.len(),
            specs: m.specs.iter().map(|s| s.id).collect(),
        };
        let written = shard::write_part(&folder, manifest, &ran.rows)?;
        out.done(&format!("wrote {} (shard {s}: {} of {} specifications)", written.display(), m.specs.len(), whole.specs.len()));
        return Ok(ExitCode::SUCCESS);
    }
    let written = multiverse::write(m, &term, &ran, &folder)?;
    writeln!(out, "{}", written.title)?;
    for s in &written.sentences {
        writeln!(out, "- {s}")?;
    }
    out.done(&format!("wrote {} (multiverse.parquet, .csv, .md, {}.svg, .png)", folder.display(), multiverse::CURVE));
    Ok(ExitCode::SUCCESS)
}

/// `allywar multiverse merge DIR…`: every check before anything is written.
fn run_merge(args: MergeArgs, out: &mut Out) -> Result<ExitCode> {
    let parts = shard::find_parts(&args.parts)?;
    let (m0, rows) = shard::merge(&parts)?;
    if m0.allywar != manifest::BUILD {
        bail!("the parts were run by allywar {}, this is {}: merge them with the build that ran them", m0.allywar, manifest::BUILD);
    }
    let path = spec_path(&args.reports, &m0.study)?;
    let sha = manifest::sha256_file(&path).with_context(|| format!("{}: cannot read", path.display()))?;
    if sha != m0.spec_sha256 {
        bail!("{}: the spec changed since the parts were run (sha256 {} then, {} now)", path.display(), &m0.spec_sha256[..12], &sha[..12]);
    }
    let (_, m, term) = planned(&path, m0.limit, Some(&m0.term))?;
    if m.specs.len() != m0.total {
        bail!("{}: {} specifications now, {} in the parts", path.display(), m.specs.len(), m0.total);
    }
    let folder = args.out.clone().unwrap_or_else(|| path.parent().map_or_else(|| PathBuf::from("."), PathBuf::from));
    std::fs::create_dir_all(&folder).with_context(|| format!("{}: cannot create", folder.display()))?;
    let ran = run::Ran { rows, designs: 0, fit_seconds: 0.0 };
    let written = multiverse::write(&m, &term, &ran, &folder)?;
    writeln!(out, "{}", written.title)?;
    for s in &written.sentences {
        writeln!(out, "- {s}")?;
    }
    out.done(&format!(
        "merged {} parts of {}; wrote {} (multiverse.parquet, .csv, .md, {}.svg, .png)",
        parts.len(),
        m0.study,
        folder.display(),
        multiverse::CURVE
    ));
    Ok(ExitCode::SUCCESS)
}
