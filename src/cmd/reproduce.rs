//! `allywar reproduce [STUDY...|--all] [--force|--check] [--list]`: run the studies of
//! `reports/` — each `reports/<study>/spec.toml` — into their tables, figures and results.json,
//! and the whole into `reports/index.html`. Only the studies whose inputs (data files, spec,
//! allywar build) differ from those recorded in `reports/manifest.json` are run; `--check`
//! changes nothing and lists what is stale. Datasets missing from the data directory are fetched
//! first (from the producers, or the mirror named by `--mirror` / `$ALLYWAR_MIRROR`) and
//! verified. A failing study does not stop the others; the exit code says one failed.

use super::{DataArgs, Out};
use crate::fetch::{FetchOptions, Fetcher, Mirror};
use crate::report::manifest::{self, Hashes, Manifest};
use crate::report::page;
use crate::report::spec::{self, Checked};
use crate::report::{findings, pipeline, studies};
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
    /// Run the studies even when their inputs (data, spec, allywar build) are those of their
    /// outputs (reports/manifest.json).
    #[arg(long)]
    pub force: bool,
    /// Change nothing: list the outputs that are stale and the input that made each stale, and
    /// exit 1 when there is one (for CI).
    #[arg(long, conflicts_with_all = ["force", "list"])]
    pub check: bool,
    /// Write the reported numbers that moved in the studies run (old → new, by study, model
    /// and term) to this Markdown file: the summary of a pull request with regenerated reports.
    #[arg(long, value_name = "FILE.md")]
    pub changes: Option<PathBuf>,
    /// Fetch missing datasets from this mirror (a folder or URL laid out like data/raw) instead
    /// of the producers (default: $ALLYWAR_MIRROR).
    #[arg(long, value_name = "DIR|URL")]
    pub mirror: Option<String>,
    /// Where the raw data is.
    #[command(flatten)]
    pub data: DataArgs,
}

/// Runs the command.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    // Before any spec is read: the user's own variables are known from here on.
    let dir = args.data.dir()?;
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
            let hint = crate::suggest::did_you_mean(name, all.iter().map(|(id, _)| id.as_str()));
            bail!("no study `{name}` under {}{hint}; `allywar reproduce --list` lists them", args.reports.display());
        }
    }
    let whole = args.all || args.studies.is_empty();
    // Every spec is read (the page names every study); an invalid one fails alone.
    let checked: Vec<(String, Result<Checked, String>)> =
        all.iter().map(|(id, path)| (id.clone(), spec::load(path).map_err(|e| e.to_string()))).collect();
    let chosen = |id: &str| whole || args.studies.iter().any(|s| s == id);
    let manifest_path = args.reports.join("manifest.json");
    let mut manifest = Manifest::read(&manifest_path)?;
    if args.check {
        return check(&args, &checked, &manifest, &dir, &chosen, out);
    }
    let to_fetch: Vec<(String, Result<Checked, String>)> = checked.iter().filter(|(id, _)| chosen(id)).cloned().collect();
    fetch_missing(&to_fetch, &dir, &args, out)?;

    // What to run: the studies asked for whose inputs changed (all of them with --force).
    let mut hashes = Hashes::default();
    let mut runs: Vec<(String, Checked, std::collections::BTreeMap<String, String>)> = Vec::new();
    let mut outcomes: Vec<(String, Result<pipeline::Outcome, String>)> = Vec::new();
    let mut skipped: Vec<&str> = Vec::new();
    for (id, c) in checked.iter().filter(|(id, _)| chosen(id)) {
        match c {
            Err(e) => outcomes.push((id.clone(), Err(e.clone()))),
            Ok(c) => {
                let inputs = manifest::inputs(c, &dir, &mut hashes);
                let why = manifest::staleness(manifest.studies.get(id), &args.reports.join(id), &inputs);
                if why.is_empty() && !args.force {
                    skipped.push(id);
                    continue;
                }
                if !why.is_empty() {
                    out.note(&format!("{id}: {}", why.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")));
                }
                runs.push((id.clone(), c.clone(), inputs));
            }
        }
    }
    if !skipped.is_empty() {
        let index = args.reports.join("index.html");
        if runs.is_empty() && outcomes.is_empty() {
            out.note(&format!(
                "all {} studies are up to date (inputs, spec and build as in {}); the report is {}; `allywar reproduce --force` reruns them",
                skipped.len(),
                manifest_path.display(),
                index.display()
            ));
        } else {
            out.note(&format!("up to date, skipped: {} (--force runs them anyway)", skipped.join(", ")));
        }
    }
    let bar = if runs.is_empty() { indicatif::ProgressBar::hidden() } else { out.bar(runs.len() as u64) };
    let mut inputs_of = std::collections::BTreeMap::new();
    let mut moved = Vec::new();
    for (id, c, inputs) in runs {
        bar.set_prefix(id.clone());
        let folder = args.reports.join(&id);
        let read = || -> Option<serde_json::Value> { serde_json::from_slice(&std::fs::read(folder.join("results.json")).ok()?).ok() };
        let before = read();
        let done = pipeline::run(&c, &dir, &folder, &|stage| bar.set_message(stage.to_string())).map_err(|e| e.to_string());
        bar.inc(1);
        if let (Some(old), Some(new), true) = (&before, read(), done.is_ok()) {
            moved.extend(crate::report::changes::moved(&id, old, &new));
        }
        inputs_of.insert(id.clone(), inputs);
        outcomes.push((id, done));
    }
    bar.finish_and_clear();

    let mut failed = 0;
    for (id, o) in &outcomes {
        let folder = args.reports.join(id);
        match o {
            Ok(o) => {
                let mut lines = crate::report::replication::sentences(&o.replications, &o.study.study.labels);
                lines.extend(findings::sentences(
                    &o.results,
                    o.study.study.focus.as_ref().map(|f| f.get_ref().as_str()),
                    &o.study.study.labels,
                ));
                lines.extend(o.descriptions.iter().cloned());
                let html = page::section(o, &lines, &args.reports);
                let path = folder.join(SECTION);
                crate::atomic::write_bytes(&path, html.as_bytes()).with_context(|| format!("{}: cannot write", path.display()))?;
                let entry = manifest::entry(&folder, inputs_of.remove(id).unwrap_or_default())
                    .with_context(|| format!("{}: cannot read the outputs", folder.display()))?;
                manifest.studies.insert(id.clone(), entry);
                out.done(&format!("{id}: {} models, {} figures → {}", o.results.len(), o.figures.len(), folder.display()));
                for n in o.notes.iter().filter(|n| n.contains("UNVERIFIED")) {
                    out.warn(n);
                }
            }
            Err(e) => {
                failed += 1;
                // Its record stays, marked failed: it is stale (and so is the page showing the
                // failure) until a run succeeds; what it may have written shows as modified.
                let entry = manifest::failure(manifest.studies.get(id), e);
                manifest.studies.insert(id.clone(), entry);
                eprintln!("error: study {id}: {e}");
            }
        }
    }

    // The page: the sections of the studies that ran, the last sections of the others.
    let mut parts = Vec::new();
    for (id, c) in &checked {
        let title = c.as_ref().map_or_else(|_| id.clone(), |c| c.study.title.clone());
        let ran = outcomes.iter().find(|(i, _)| i == id).map(|(_, o)| o);
        let datasets = |m: &Manifest| m.studies.get(id).map(|e| e.inputs.keys().cloned().collect()).unwrap_or_default();
        let html = match ran {
            Some(Err(e)) => page::failed_section(id, &title, e),
            _ => std::fs::read_to_string(args.reports.join(id).join(SECTION))
                .unwrap_or_else(|_| page::failed_section(id, &title, &format!("not generated yet: run `allywar reproduce {id}`"))),
        };
        parts.push(page::Part { id: id.clone(), title, html, datasets: datasets(&manifest) });
    }
    // In the order of the questions (each spec's `order`), not alphabetical.
    let order_of = |id: &str| checked.iter().find(|(i, _)| i == id).and_then(|(_, c)| c.as_ref().ok()).map_or(u32::MAX, |c| c.study.order);
    parts.sort_by(|a, b| order_of(&a.id).cmp(&order_of(&b.id)).then(a.id.cmp(&b.id)));
    let html = page::render(&parts);
    let path = args.reports.join("index.html");
    crate::atomic::write_bytes(&path, html.as_bytes()).with_context(|| format!("{}: cannot write", path.display()))?;
    manifest.index = manifest::sha256_file(&path)?;
    manifest.write(&manifest_path)?;
    if let Some(file) = &args.changes {
        let text = crate::report::changes::markdown(&moved);
        crate::atomic::write_bytes(file, text.as_bytes()).with_context(|| format!("{}: cannot write", file.display()))?;
        out.note(&format!("{} reported numbers moved; listed in {}", moved.len(), file.display()));
    }
    out.done(&format!("wrote {} and {}", path.display(), manifest_path.display()));
    if failed > 0 {
        eprintln!("error: {failed} of {} studies failed", outcomes.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The file in each study's folder holding its section of the page.
const SECTION: &str = "section.html";

/// `--check`: lists every stale output with the input that made it stale, changing nothing.
fn check(
    args: &Args,
    checked: &[(String, Result<Checked, String>)],
    manifest: &Manifest,
    dir: &crate::DataDir,
    chosen: &dyn Fn(&str) -> bool,
    out: &mut Out,
) -> Result<ExitCode> {
    let mut hashes = Hashes::default();
    let mut stale = 0;
    for (id, c) in checked.iter().filter(|(id, _)| chosen(id)) {
        let folder = args.reports.join(id);
        let why = match c {
            Err(e) => vec![format!("its spec is invalid: {e}")],
            Ok(c) => {
                let inputs = manifest::inputs(c, dir, &mut hashes);
                manifest::staleness(manifest.studies.get(id), &folder, &inputs).iter().map(ToString::to_string).collect()
            }
        };
        if why.is_empty() {
            continue;
        }
        stale += 1;
        writeln!(out, "stale: {id}: {}", why.join("; "))?;
        let files: Vec<String> = manifest.studies.get(id).map(|e| e.outputs.keys().cloned().collect()).unwrap_or_default();
        if files.is_empty() {
            writeln!(out, "  {}/ (every output)", folder.display())?;
        }
        for f in files {
            writeln!(out, "  {}", folder.join(f).display())?;
        }
    }
    let index = args.reports.join("index.html");
    let index_now = manifest::sha256_file(&index).unwrap_or_default();
    if stale > 0 || index_now != manifest.index {
        let why = if stale > 0 { "it shows the stale studies" } else { "modified or missing since it was generated" };
        writeln!(out, "stale: {}: {why}", index.display())?;
        stale += usize::from(stale == 0);
    }
    if stale > 0 {
        writeln!(out, "run `allywar reproduce` to regenerate what is stale, then commit {}", args.reports.display())?;
        return Ok(ExitCode::FAILURE);
    }
    writeln!(out, "up to date: {} studies and {}", checked.iter().filter(|(id, _)| chosen(id)).count(), index.display())?;
    Ok(ExitCode::SUCCESS)
}

/// Fetches (and verifies) the datasets the studies read that the data directory lacks.
fn fetch_missing(checked: &[(String, Result<Checked, String>)], dir: &crate::DataDir, args: &Args, out: &Out) -> Result<()> {
    let mut needed: Vec<&'static crate::Dataset> = Vec::new();
    for c in checked.iter().filter_map(|(_, c)| c.as_ref().ok()) {
        for id in c.datasets() {
            let d = id.dataset();
            if !needed.iter().any(|n| n.name == d.name) {
                needed.push(d);
            }
        }
    }
    let missing: Vec<&crate::Dataset> = needed.into_iter().filter(|d| !dir.path_of(d).is_file()).collect();
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
