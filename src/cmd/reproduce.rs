//! `allywar reproduce [STUDY...|--all] [--list]`: run the studies of `reports/` — each
//! `reports/<study>/spec.toml` — into their tables, figures and results.json, and the whole into
//! `reports/index.html`. Datasets missing from the data directory are fetched first (from the
//! producers, or the mirror named by `--mirror` / `$ALLYWAR_MIRROR`) and verified. A failing
//! study does not stop the others; the exit code says one failed.

use super::{DataArgs, Out};
use allywar::fetch::{FetchOptions, Fetcher, Mirror};
use allywar::report::page::{self, Section};
use allywar::report::spec::{self, Checked};
use allywar::report::{findings, pipeline, studies};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Run the studies of reports/ into tables, figures and the report.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Studies to run (folder names under reports/); none (or --all): every study.
    pub studies: Vec<String>,
    /// Every study (the default when none is named).
    #[arg(long)]
    pub all: bool,
    /// List the studies and stop.
    #[arg(long)]
    pub list: bool,
    /// The reports folder.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub reports: PathBuf,
    /// Fetch missing datasets from this mirror (a folder or URL laid out like data/raw) instead
    /// of the producers (default: $ALLYWAR_MIRROR).
    #[arg(long, value_name = "DIR|URL")]
    pub mirror: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

/// Runs the command.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    let all = studies(&args.reports).with_context(|| format!("{}: cannot list the studies", args.reports.display()))?;
    if all.is_empty() {
        bail!("{}: no study (a folder with a spec.toml) found", args.reports.display());
    }
    if args.list {
        for (id, path) in &all {
            match spec::load(path) {
                Ok(c) => writeln!(out, "{id:<16} {:<3} models  {}", c.models.len(), c.study.title)?,
                Err(e) => writeln!(out, "{id:<16} INVALID  {e}")?,
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    for name in &args.studies {
        if !all.iter().any(|(id, _)| id == name) {
            let hint =
                spec::nearest(name, all.iter().map(|(id, _)| id.as_str())).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
            bail!("no study `{name}` under {}{hint}; `allywar reproduce --list` lists them", args.reports.display());
        }
    }
    let whole = args.all || args.studies.is_empty();
    let chosen: Vec<&(String, PathBuf)> = all.iter().filter(|(id, _)| whole || args.studies.contains(id)).collect();
    let dir = args.data.dir();

    // Read every spec first: an invalid one fails alone.
    let mut checked: Vec<(String, Result<Checked, String>)> = Vec::new();
    for (id, path) in &chosen {
        checked.push((id.clone(), spec::load(path).map_err(|e| e.to_string())));
    }
    fetch_missing(&checked, &dir, &args, out)?;

    let bar = progress_bar(out, chosen.len() as u64);
    let mut outcomes: Vec<(String, Result<pipeline::Outcome, String>)> = Vec::new();
    for (id, c) in checked {
        bar.set_prefix(id.clone());
        let done = c.and_then(|c| {
            let folder = args.reports.join(&id);
            pipeline::run(&c, &dir, &folder, &|stage| bar.set_message(stage.to_string())).map_err(|e| e.to_string())
        });
        bar.inc(1);
        outcomes.push((id, done));
    }
    bar.finish_and_clear();

    let mut failed = 0;
    let mut sections = Vec::new();
    for (id, o) in &outcomes {
        match o {
            Ok(o) => {
                let mut lines =
                    findings::sentences(&o.results, o.study.study.focus.as_ref().map(|f| f.get_ref().as_str()), &o.study.study.labels);
                lines.extend(o.descriptions.iter().cloned());
                out.done(&format!("{id}: {} models, {} figures → {}", o.results.len(), o.figures.len(), args.reports.join(id).display()));
                for n in o.notes.iter().filter(|n| n.contains("UNVERIFIED")) {
                    out.warn(n);
                }
                sections.push(Section::Done(o, lines));
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: study {id}: {e}");
                let title = all.iter().find(|(i, _)| i == id).and_then(|(_, p)| spec::load(p).ok()).map_or(id.clone(), |c| c.study.title);
                sections.push(Section::Failed(id.clone(), title, e.clone()));
            }
        }
    }
    if whole {
        let html = page::render(&sections, &args.reports);
        let path = args.reports.join("index.html");
        allywar::atomic::write_bytes(&path, html.as_bytes()).with_context(|| format!("{}: cannot write", path.display()))?;
        out.done(&format!("wrote {}", path.display()));
    } else {
        out.note("reports/index.html is rewritten only when every study runs (--all)");
    }
    if let (Some(_), Some(b)) = (std::env::var_os("ALLYWAR_TIMINGS"), allywar::bench::peak_rss()) {
        eprintln!("timing: peak {:.0} MiB", b as f64 / 1048576.0);
    }
    if failed > 0 {
        eprintln!("error: {failed} of {} studies failed", outcomes.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn progress_bar(out: &Out, len: u64) -> indicatif::ProgressBar {
    if !out.progress() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {prefix}: {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}

/// Fetches (and verifies) the datasets the studies read that the data directory lacks.
fn fetch_missing(checked: &[(String, Result<Checked, String>)], dir: &allywar::DataDir, args: &Args, out: &Out) -> Result<()> {
    let mut needed: Vec<&'static allywar::Dataset> = Vec::new();
    for c in checked.iter().filter_map(|(_, c)| c.as_ref().ok()) {
        for r in c.models.iter().map(|m| &m.frame).chain(c.figure_frames.iter().map(|f| &f.0)) {
            let Ok(vars) = r.check() else { continue };
            for id in r.datasets(&vars) {
                let d = id.dataset();
                if !needed.iter().any(|n| n.name == d.name) {
                    needed.push(d);
                }
            }
        }
    }
    let missing: Vec<&allywar::Dataset> = needed.into_iter().filter(|d| !dir.path_of(d).is_file()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mirror = args.mirror.clone().or_else(|| std::env::var("ALLYWAR_MIRROR").ok());
    out.note(&format!(
        "fetching {} missing dataset{} from {}",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" },
        mirror.as_deref().unwrap_or("the producers")
    ));
    let opts = FetchOptions {
        mirror: mirror.as_deref().map(Mirror::parse),
        allow_unverified: args.data.allow_unverified,
        progress: out.progress(),
    };
    let mut fetcher = Fetcher::new(opts);
    for d in missing {
        fetcher.fetch(dir, d).with_context(|| format!("fetching {}", d.name))?;
    }
    Ok(())
}
