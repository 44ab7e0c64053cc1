//! `allywar data`: the raw datasets — status, fetch, describe, cite, show, pin, add.
//!
//! ```text
//! allywar data status   [--data-dir DIR] [--json] [--check]
//! allywar data fetch    [NAME...] [--mirror DIR|URL] [--data-dir DIR] [--allow-unverified]
//! allywar data describe NAME [--json]
//! allywar data cite     [NAME...]
//! allywar data show     NAME [--head N] [--filter EXPR]... [--data-dir DIR]
//! allywar data pin      NAME [--file PATH | --from-producer [--mirror DIR|URL]] [--data-dir DIR]
//! allywar data add      NAME --file PATH --unit state-year|dyad-year [--keys …] [--schema COL:TYPE,…]
//! ```

use super::{DataArgs, Out};
use crate::catalog::{catalog, Dataset, Format};
use crate::datadir::Inventory;
use crate::fetch::{FetchOptions, Fetcher, Mirror, Outcome};
use crate::verify::Verification;
use crate::{sources, DataDir};
use anyhow::{bail, Context, Result};
use polars::prelude::*;
use std::fmt::Write as _;
use std::process::ExitCode;

/// Raw datasets: status, fetch, describe, cite, show.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Every catalog dataset: present or missing, verified or not, rows, path.
    Status {
        #[command(flatten)]
        data: DataArgs,
        /// Machine-readable output on stdout.
        #[arg(long)]
        json: bool,
        /// Exit with status 1 unless every catalog dataset is present and verified (or, with
        /// --allow-unverified, present).
        #[arg(long)]
        check: bool,
    },
    /// Download (or copy from a mirror) and verify datasets; all of them by default.
    Fetch {
        /// Dataset names (see `allywar data status`).
        names: Vec<String>,
        /// A directory or http(s) address laid out like the data directory.
        #[arg(long, value_name = "DIR|URL")]
        mirror: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Codebook of a dataset: columns, types, meanings, missing codes, coverage, citation.
    Describe {
        /// Dataset name (a catalog dataset, or one of your own: `allywar data add`).
        name: String,
        /// Machine-readable output on stdout.
        #[arg(long)]
        json: bool,
        /// The data directory whose user catalog holds your own datasets.
        #[command(flatten)]
        data: DataArgs,
    },
    /// BibTeX entries for the datasets (all of them, or the ones named).
    Cite {
        /// Dataset names.
        names: Vec<String>,
    },
    /// Accept a new file for a dataset (a producer's new release, a corrected file) after
    /// reading it with the dataset's schema; recorded in the user catalog beside the data.
    Pin(super::pin::Args),
    /// Add a dataset of your own (state-year or dyad-year, joined on COW codes and year): its
    /// columns become variables for --vars, formulas and specs.
    Add(super::add::Args),
    /// A quick look at a loaded frame.
    Show {
        /// Dataset name.
        name: String,
        /// Rows to print.
        #[arg(long, default_value_t = 10)]
        head: usize,
        /// Keep rows where an SQL expression holds (repeatable; as `fit --filter`), e.g.
        /// --filter year=1914, --filter "cinc > 0.1"; COLUMN=VALUE on a text column needs no quotes.
        #[arg(long, value_name = "COLUMN=VALUE")]
        filter: Vec<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// Runs `allywar data …`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    match args.command {
        Command::Status { data, json, check } => status(out, &data, json, check),
        Command::Fetch { names, mirror, data } => fetch(out, names, mirror, &data),
        Command::Describe { name, json, data } => describe(out, &name, json, &data),
        Command::Cite { names } => cite(out, &names),
        Command::Show { name, head, filter, data } => show(out, &name, head, &filter, &data),
        Command::Pin(args) => super::pin::run(args, out),
        Command::Add(args) => super::add::run(args, out),
    }
}

fn status(out: &mut Out, data: &DataArgs, json: bool, check: bool) -> Result<ExitCode> {
    let dir = data.dir()?;
    let inv = dir.inventory().with_context(|| format!("reading {}", dir.root.display()))?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&status_json(&dir, &inv))?)?;
    } else {
        print_status(out, &dir, &inv)?;
    }
    let ok = |v: &Verification| *v == Verification::Verified || (data.allow_unverified && matches!(v, Verification::Mismatch { .. }));
    let all_ok = inv.entries.iter().chain(&inv.user).all(|e| ok(&e.verification));
    Ok(if check && !all_ok { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn status_json(dir: &DataDir, inv: &Inventory) -> serde_json::Value {
    let datasets: Vec<serde_json::Value> = inv
        .entries
        .iter()
        .map(|e| {
            let mut v = serde_json::json!({
                "name": e.name,
                "version": e.version,
                "status": e.verification.as_str(),
                "rows": e.rows,
                "path": e.path.display().to_string(),
            });
            if let Verification::Mismatch { bytes, sha256 } = &e.verification {
                v["found_bytes"] = (*bytes).into();
                v["found_sha256"] = sha256.clone().into();
            }
            v
        })
        .collect();
    serde_json::json!({
        "data_dir": dir.root.display().to_string(),
        "data_dir_from": dir.origin.describe(),
        "datasets": datasets,
        "user_datasets": inv.user.iter().map(|e| serde_json::json!({
            "name": e.name, "version": e.version, "status": e.verification.as_str(), "rows": e.rows, "path": e.path.display().to_string(),
        })).collect::<Vec<_>>(),
        "not_in_catalog": inv.not_in_catalog,
    })
}

fn print_status(out: &mut Out, dir: &DataDir, inv: &Inventory) -> std::fmt::Result {
    let exists = if dir.root.is_dir() { "" } else { "; it does not exist: `allywar data fetch --mirror DIR|URL` fills it" };
    writeln!(out, "data directory: {} ({}{exists})", dir.root.display(), dir.origin.describe())?;
    let w = inv.entries.iter().map(|e| e.name.len()).max().unwrap_or(4).max(7);
    writeln!(out, "{:<w$}  {:<14}  {:<8}  {:>9}  path", "dataset", "version", "status", "rows")?;
    let pins = dir.user_catalog().unwrap_or_default();
    for e in &inv.entries {
        let rows = e.rows.map_or_else(|| "-".to_string(), |r| r.to_string());
        // A pinned file shows its pin's date where the catalog's version would be.
        let version: String = match pins.pin(&e.name) {
            Some(p) => format!("pin {}", p.current.pinned),
            None => e.version.chars().take(12).collect(),
        };
        writeln!(out, "{:<w$}  {:<14}  {:<8}  {:>9}  {}", e.name, version, e.verification.as_str(), rows, e.path.display())?;
    }
    let count = |s: &str| inv.entries.iter().filter(|e| e.verification.as_str() == s).count();
    writeln!(
        out,
        "{} datasets: {} verified, {} mismatch, {} missing",
        inv.entries.len(),
        count("verified"),
        count("mismatch"),
        count("missing")
    )?;
    if !inv.user.is_empty() {
        writeln!(out, "the user's own, by the date added ({}):", dir.user_catalog_path().display())?;
        for e in &inv.user {
            let rows = e.rows.map_or_else(|| "-".to_string(), |r| r.to_string());
            writeln!(out, "{:<w$}  {:<14}  {:<8}  {:>9}  {}", e.name, e.version, e.verification.as_str(), rows, e.path.display())?;
        }
    }
    if !inv.not_in_catalog.is_empty() {
        writeln!(out, "not in catalog ({}): {}", inv.not_in_catalog.len(), inv.not_in_catalog.join(", "))?;
    }
    Ok(())
}

fn fetch(out: &mut Out, names: Vec<String>, mirror: Option<String>, data: &DataArgs) -> Result<ExitCode> {
    let dir = data.dir()?;
    let chosen = chosen_datasets(&names)?;
    let opts =
        FetchOptions { mirror: mirror.as_deref().map(Mirror::parse), allow_unverified: data.allow_unverified, progress: out.progress() };
    let mut fetcher = Fetcher::new(opts);
    let mut failures = 0;
    for d in chosen {
        match fetcher.fetch(&dir, d) {
            Ok(Outcome::FetchedUnverified) => out.warn(&format!("{:<22} fetched, UNVERIFIED (sha256 differs from the catalog)", d.name)),
            Ok(outcome) if !out.quiet => {
                let what = if outcome == Outcome::AlreadyVerified { "already present, verified" } else { "fetched, verified" };
                eprintln!("{:<22} {what}", d.name);
            }
            Ok(_) => {}
            Err(e) => {
                failures += 1;
                eprintln!("error: {e}");
            }
        }
    }
    if failures > 0 {
        bail!("{failures} dataset(s) could not be fetched");
    }
    Ok(ExitCode::SUCCESS)
}

fn chosen_datasets(names: &[String]) -> Result<Vec<&'static Dataset>> {
    let cat = catalog();
    if names.is_empty() {
        return Ok(cat.datasets.iter().collect());
    }
    names.iter().map(|n| cat.get(n).map_err(Into::into)).collect()
}

fn describe(out: &mut Out, name: &str, json: bool, data: &DataArgs) -> Result<ExitCode> {
    let user = data.dir()?.user_catalog()?;
    let own = user.dataset(name).map(|u| u.schema());
    let d = match &own {
        Some(d) => d,
        None => catalog().get(name)?,
    };
    let mut na: Vec<String> = vec!["empty cell".into(), "NA".into()];
    na.extend(d.na.iter().cloned());
    if json {
        let cols: Vec<serde_json::Value> = d
            .columns
            .iter()
            .map(|c| serde_json::json!({"name": c.name, "type": c.ty.as_str(), "source": c.src, "meaning": c.desc}))
            .collect();
        let v = serde_json::json!({
            "name": d.name, "title": d.title, "version": d.version, "unit": d.unit, "rows": d.rows,
            "years": d.years, "path": d.path, "format": format!("{:?}", d.format).to_lowercase(),
            "key": d.key, "missing_to_null": na, "homepage": d.homepage, "url": d.url,
            "cite": d.cite, "provenance": d.provenance, "columns": cols,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{} — {}", d.name, d.title)?;
    writeln!(out, "version      {}", d.version)?;
    writeln!(out, "one row per  {}", d.unit)?;
    writeln!(out, "rows         {}{}", d.rows, if d.drop_blank_rows { " in the file (blank rows are dropped when loading)" } else { "" })?;
    if let Some([a, b]) = d.years {
        writeln!(out, "years        {a}–{b}")?;
    }
    writeln!(out, "file         {} ({}, {} bytes, sha256 {})", d.path, format!("{:?}", d.format).to_lowercase(), d.bytes, d.sha256)?;
    if !d.key.is_empty() {
        writeln!(out, "unique key   {}", d.key.join(", "))?;
    }
    writeln!(out, "null codes   {}", na.join(", "))?;
    if own.is_some() {
        writeln!(out, "added from   {} (`allywar data add`)", d.provenance)?;
    } else {
        writeln!(out, "producer     {}", d.homepage)?;
    }
    if let Some(url) = &d.url {
        let member = if d.zip_member.is_empty() { String::new() } else { format!(" (member {})", d.zip_member.join(" → ")) };
        writeln!(out, "download     {url}{member}")?;
    }
    if own.is_none() {
        writeln!(out, "provenance   {}", d.provenance)?;
        writeln!(out, "cite         {} (allywar data cite {})", d.cite.join(", "), d.name)?;
    }
    if matches!(d.format, Format::Rda | Format::Dta) {
        writeln!(out, "\nThis file is verified and fetched but read through its CSV export.")?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out)?;
    let w = d.columns.iter().map(|c| c.name.len()).max().unwrap_or(6).max(6);
    writeln!(out, "{:<w$}  {:<4}  {:<w$}  meaning", "column", "type", "source")?;
    for c in &d.columns {
        let meaning = match (c.desc.is_empty(), own.is_some()) {
            (false, _) => c.desc.as_str(),
            (true, true) => "",
            (true, false) => "(see the producer's codebook)",
        };
        writeln!(out, "{:<w$}  {:<4}  {:<w$}  {meaning}", c.name, c.ty.as_str(), c.src.trim())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn cite(out: &mut Out, names: &[String]) -> Result<ExitCode> {
    let cat = catalog();
    let mut keys: Vec<&str> = Vec::new();
    for d in chosen_datasets(names)? {
        for k in &d.cite {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    let entries: Vec<&str> = keys.iter().filter_map(|k| cat.citation(k)).map(|c| c.bibtex.as_str()).collect();
    writeln!(out, "{}", entries.join("\n\n"))?;
    Ok(ExitCode::SUCCESS)
}

fn show(out: &mut Out, name: &str, head: usize, filters: &[String], data: &DataArgs) -> Result<ExitCode> {
    let dir = data.dir()?;
    let loaded = sources::load_table(&dir, name)?;
    if loaded.verification != Verification::Verified {
        out.warn(&format!("{name} is UNVERIFIED: its sha256 {} differs from the catalog", loaded.sha256));
    }
    let loaded_rows = loaded.frame.height();
    let mut lf = loaded.frame.lazy();
    let d = catalog().get(name)?;
    for f in filters {
        // `COLUMN=VALUE` on a text or date column is read as a quoted value (`stateabb=USA`);
        // anything else is an SQL expression, as `fit --filter` and spec filters read it.
        let text = match f.split_once('=') {
            Some((c, v))
                if !v.contains(['\'', ' ', '='])
                    && d.column(c.trim()).is_some_and(|c| c.ty.as_str() == "str" || c.ty.as_str() == "date") =>
            {
                format!("{} = '{}'", c.trim(), v.trim())
            }
            _ => f.clone(),
        };
        let filter = crate::expr::RowFilter::parse(&text).with_context(|| format!("--filter {f:?}"))?;
        for c in filter.columns() {
            if d.column(c).is_none() {
                let hint = crate::suggest::did_you_mean(c, d.columns.iter().map(|c| c.name.as_str()));
                bail!("--filter {f:?}: `{name}` has no column `{c}`{hint}");
            }
        }
        lf = filter.apply(&lf.collect()?).with_context(|| format!("--filter {f:?}"))?.lazy();
    }
    let df = lf.collect()?;
    // Polars reads its table layout from the environment; a pipe gets a wide table.
    std::env::set_var("POLARS_FMT_MAX_COLS", "24");
    std::env::set_var("POLARS_FMT_MAX_ROWS", head.to_string());
    if std::env::var_os("POLARS_TABLE_WIDTH").is_none() {
        std::env::set_var("POLARS_TABLE_WIDTH", "240");
    }
    writeln!(out, "{}", df.head(Some(head)))?;
    if !out.quiet {
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        eprintln!("{} × {} (of {} loaded)", plural(df.height(), "row"), plural(df.width(), "column"), plural(loaded_rows, "row"));
    }
    Ok(ExitCode::SUCCESS)
}
