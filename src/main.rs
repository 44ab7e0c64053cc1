//! The `allywar` command line: parse, call the library, print.

use allywar::catalog::{catalog, Dataset, Format};
use allywar::datadir::Inventory;
use allywar::fetch::{FetchOptions, Fetcher, Mirror, Outcome};
use allywar::frame::Spec;
use allywar::units::Unit;
use allywar::verify::Verification;
use allywar::{sources, DataDir};
use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use polars::prelude::*;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

/// Quantitative research on alliances and war: COW and GML MIDs, ATOP, NMC and more as typed
/// frames.
#[derive(Parser)]
#[command(name = "allywar", version, about, long_about = None)]
struct Cli {
    /// No progress bars or notes on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Raw datasets: status, fetch, describe, cite, show.
    #[command(subcommand)]
    Data(DataCommand),
    /// Build an analysis frame (state-year, dyad-year, joiner, dispute, mission, us-force).
    Build(BuildArgs),
    /// Every variable a unit can carry: name, definition, source, years.
    Vars {
        /// Unit (all units if omitted).
        unit: Option<String>,
        /// Machine-readable output on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Time the full directed dyad-year build (1816–2014, all standard variables).
    Bench {
        /// Repetitions.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        #[command(flatten)]
        dir: DirArgs,
    },
}

#[derive(Args)]
struct BuildArgs {
    /// Unit of analysis.
    unit: String,
    /// Years A:B (default: the dispute source's years where the unit has them).
    #[arg(long, value_name = "A:B")]
    years: Option<String>,
    /// Directed dyad-years, both orders (the default).
    #[arg(long, conflicts_with = "nondirected")]
    directed: bool,
    /// Non-directed dyad-years (ccode1 < ccode2).
    #[arg(long)]
    nondirected: bool,
    /// Politically relevant dyads only (contiguous up to 400 miles of water, or a major power).
    #[arg(long)]
    prd: bool,
    /// Dispute source: gml (GML 2.2.1, 1816–2010) or cow5 (COW MID 5.0, 1816–2014).
    #[arg(long, default_value = "gml")]
    mids: String,
    /// Variables: comma-separated names, or all (see `allywar vars UNIT`).
    #[arg(long, value_name = "LIST|all", value_delimiter = ',')]
    vars: Vec<String>,
    /// Drop dyad-years of ongoing disputes that are not onsets.
    #[arg(long)]
    drop_ongoing: bool,
    /// Output file: .parquet, .arrow or .csv (default: UNIT.parquet).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    dir: DirArgs,
    /// Use files whose sha256 differs from the catalog.
    #[arg(long)]
    allow_unverified: bool,
}

#[derive(Args)]
struct DirArgs {
    /// Raw data directory (default: $ALLYWAR_DATA, then ./data/raw).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum DataCommand {
    /// Every catalog dataset: present or missing, verified or not, rows, path.
    Status {
        #[command(flatten)]
        dir: DirArgs,
        /// Machine-readable output on stdout.
        #[arg(long)]
        json: bool,
        /// Exit with status 1 unless every catalog dataset is present and verified.
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
        dir: DirArgs,
        /// Accept files whose sha256 differs from the catalog (reported as unverified).
        #[arg(long)]
        allow_unverified: bool,
    },
    /// Codebook of a dataset: columns, types, meanings, missing codes, coverage, citation.
    Describe {
        /// Dataset name.
        name: String,
        /// Machine-readable output on stdout.
        #[arg(long)]
        json: bool,
    },
    /// BibTeX entries for the datasets (all of them, or the ones named).
    Cite {
        /// Dataset names.
        names: Vec<String>,
    },
    /// A quick look at a loaded frame.
    Show {
        /// Dataset name.
        name: String,
        /// Rows to print.
        #[arg(long, default_value_t = 10)]
        head: usize,
        /// Keep rows where COLUMN equals VALUE (repeatable), e.g. --filter year=1914.
        #[arg(long, value_name = "COLUMN=VALUE")]
        filter: Vec<String>,
        #[command(flatten)]
        dir: DirArgs,
        /// Load a file whose sha256 differs from the catalog.
        #[arg(long)]
        allow_unverified: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = String::new();
    let code = match run(cli, &mut out) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    };
    // Output is written once; a reader that went away (`| head`) is not an error.
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: writing to stdout: {e}");
            ExitCode::FAILURE
        }
        _ => code,
    }
}

fn run(cli: Cli, out: &mut String) -> Result<ExitCode> {
    let progress = !cli.quiet && std::io::stderr().is_terminal();
    match cli.command {
        Command::Data(cmd) => match cmd {
            DataCommand::Status { dir, json, check } => status(out, dir, json, check),
            DataCommand::Fetch { names, mirror, dir, allow_unverified } => fetch(names, mirror, dir, allow_unverified, progress, cli.quiet),
            DataCommand::Describe { name, json } => describe(out, &name, json),
            DataCommand::Cite { names } => cite(out, &names),
            DataCommand::Show { name, head, filter, dir, allow_unverified } => {
                show(out, &name, head, &filter, dir, allow_unverified, cli.quiet)
            }
        },
        Command::Build(args) => build(out, args, cli.quiet),
        Command::Vars { unit, json } => list_vars(out, unit.as_deref(), json),
        Command::Bench { runs, dir } => bench(out, runs, dir),
    }
}

fn build(out: &mut String, a: BuildArgs, quiet: bool) -> Result<ExitCode> {
    let unit: Unit = a.unit.parse().map_err(anyhow::Error::msg)?;
    let mut spec = Spec::new(unit).directed(!a.nondirected).prd(a.prd).drop_ongoing(a.drop_ongoing).vars(&a.vars);
    spec = spec.mids(a.mids.parse().map_err(anyhow::Error::msg)?);
    if let Some(y) = &a.years {
        spec = spec.years(y.parse().map_err(anyhow::Error::msg)?);
    }
    let path = a.out.unwrap_or_else(|| PathBuf::from(format!("{}.parquet", unit.name())));
    // Refuse an unknown format before any work is done.
    allywar::output::OutputFormat::of(&path)?;
    let dir = DataDir::resolve(a.dir.data_dir.as_deref()).allow_unverified(a.allow_unverified);
    let mut built = spec.build(&dir)?;
    allywar::output::write_frame(&mut built.frame, &path)?;
    if !quiet {
        for note in &built.notes {
            eprintln!("note: {note}");
        }
    }
    let (rows, cols) = built.frame.shape();
    writeln!(out, "wrote {} ({rows} rows × {cols} columns)", path.display())?;
    Ok(ExitCode::SUCCESS)
}

fn list_vars(out: &mut String, unit: Option<&str>, json: bool) -> Result<ExitCode> {
    let units: Vec<Unit> = match unit {
        Some(u) => vec![u.parse().map_err(anyhow::Error::msg)?],
        None => Unit::ALL.to_vec(),
    };
    let mut rows = Vec::new();
    for u in &units {
        for k in u.keys() {
            rows.push((*u, *k, "key", "", None));
        }
        for v in allywar::vars::for_unit(*u, true) {
            rows.push((*u, v.name, v.definition, v.source, v.years));
        }
    }
    if json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(u, n, d, s, y)| serde_json::json!({"unit": u.name(), "name": n, "definition": d, "source": s, "years": y.map(|(a, b)| [a, b])}))
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    for u in &units {
        writeln!(out, "{u}")?;
        for (_, n, d, s, y) in rows.iter().filter(|r| r.0 == *u) {
            let years = y.map_or_else(String::new, |(a, b)| format!(" [{a}–{b}]"));
            let src = if s.is_empty() { String::new() } else { format!(" ({s})") };
            writeln!(out, "  {n:<28} {d}{src}{years}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn bench(out: &mut String, runs: usize, dir: DirArgs) -> Result<ExitCode> {
    let dir = DataDir::resolve(dir.data_dir.as_deref());
    let r = allywar::bench::run(&dir, runs)?;
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    writeln!(out, "directed dyad-years 1816–2014 (COW MID 5, ATOP direct + third party, NMC, majors, contiguity, capital distance, democracy, peace years)")?;
    writeln!(out, "frame: {} rows × {} columns", r.rows, r.columns)?;
    let runs: Vec<String> = r.seconds.iter().map(|s| format!("{s:.3}")).collect();
    writeln!(out, "runs (s): {}", runs.join(" "))?;
    writeln!(out, "best {:.3} s, median {:.3} s", r.best(), r.median())?;
    match r.peak_rss {
        Some(b) => writeln!(out, "peak memory (VmHWM): {:.0} MiB", mb(b))?,
        None => writeln!(out, "peak memory: not reported by this OS")?,
    }
    writeln!(
        out,
        "speed-up over peacesciencer's {:.0} s pipeline: {:.1}x (median)",
        allywar::bench::PEACESCIENCER_SECONDS,
        allywar::bench::PEACESCIENCER_SECONDS / r.median()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn status(out: &mut String, dir: DirArgs, json: bool, check: bool) -> Result<ExitCode> {
    let dir = DataDir::resolve(dir.data_dir.as_deref());
    let inv = dir.inventory().with_context(|| format!("reading {}", dir.root.display()))?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&status_json(&dir, &inv))?)?;
    } else {
        print_status(out, &dir, &inv)?;
    }
    let all_verified = inv.entries.iter().all(|e| e.verification == Verification::Verified);
    Ok(if check && !all_verified { ExitCode::FAILURE } else { ExitCode::SUCCESS })
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
        "not_in_catalog": inv.not_in_catalog,
    })
}

fn print_status(out: &mut String, dir: &DataDir, inv: &Inventory) -> std::fmt::Result {
    writeln!(out, "data directory: {} ({})", dir.root.display(), dir.origin.describe())?;
    let w = inv.entries.iter().map(|e| e.name.len()).max().unwrap_or(4).max(7);
    writeln!(out, "{:<w$}  {:<12}  {:<8}  {:>9}  path", "dataset", "version", "status", "rows")?;
    for e in &inv.entries {
        let rows = e.rows.map_or_else(|| "-".to_string(), |r| r.to_string());
        let version: String = e.version.chars().take(12).collect();
        writeln!(out, "{:<w$}  {:<12}  {:<8}  {:>9}  {}", e.name, version, e.verification.as_str(), rows, e.path.display())?;
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
    if !inv.not_in_catalog.is_empty() {
        writeln!(out, "not in catalog ({}): {}", inv.not_in_catalog.len(), inv.not_in_catalog.join(", "))?;
    }
    Ok(())
}

fn fetch(
    names: Vec<String>,
    mirror: Option<String>,
    dir: DirArgs,
    allow_unverified: bool,
    progress: bool,
    quiet: bool,
) -> Result<ExitCode> {
    let dir = DataDir::resolve(dir.data_dir.as_deref());
    let chosen = chosen_datasets(&names)?;
    let mut fetcher = Fetcher::new(FetchOptions { mirror: mirror.as_deref().map(Mirror::parse), allow_unverified, progress });
    let mut failures = 0;
    for d in chosen {
        match fetcher.fetch(&dir, d) {
            Ok(outcome) if !quiet => {
                let what = match outcome {
                    Outcome::AlreadyVerified => "already present, verified",
                    Outcome::Fetched => "fetched, verified",
                    Outcome::FetchedUnverified => "fetched, UNVERIFIED (sha256 differs from the catalog)",
                };
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

fn describe(out: &mut String, name: &str, json: bool) -> Result<ExitCode> {
    let d = catalog().get(name)?;
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
    writeln!(out, "producer     {}", d.homepage)?;
    if let Some(url) = &d.url {
        let member = if d.zip_member.is_empty() { String::new() } else { format!(" (member {})", d.zip_member.join(" → ")) };
        writeln!(out, "download     {url}{member}")?;
    }
    writeln!(out, "provenance   {}", d.provenance)?;
    writeln!(out, "cite         {} (allywar data cite {})", d.cite.join(", "), d.name)?;
    if matches!(d.format, Format::Rda | Format::Dta) {
        writeln!(out, "\nThis file is verified and fetched but read through its CSV export.")?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out)?;
    let w = d.columns.iter().map(|c| c.name.len()).max().unwrap_or(6).max(6);
    writeln!(out, "{:<w$}  {:<4}  {:<w$}  meaning", "column", "type", "source")?;
    for c in &d.columns {
        let meaning = if c.desc.is_empty() { "(see the producer's codebook)" } else { &c.desc };
        writeln!(out, "{:<w$}  {:<4}  {:<w$}  {meaning}", c.name, c.ty.as_str(), c.src.trim())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn cite(out: &mut String, names: &[String]) -> Result<ExitCode> {
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

fn show(
    out: &mut String,
    name: &str,
    head: usize,
    filters: &[String],
    dir: DirArgs,
    allow_unverified: bool,
    quiet: bool,
) -> Result<ExitCode> {
    let dir = DataDir::resolve(dir.data_dir.as_deref()).allow_unverified(allow_unverified);
    let loaded = sources::load_table(&dir, name)?;
    if loaded.verification != Verification::Verified && !quiet {
        eprintln!("note: {name} is UNVERIFIED: its sha256 differs from the catalog");
    }
    let loaded_rows = loaded.frame.height();
    let mut lf = loaded.frame.lazy();
    for f in filters {
        let (col_name, value) = f.split_once('=').with_context(|| format!("--filter {f:?}: expected COLUMN=VALUE"))?;
        let d = catalog().get(name)?;
        let Some(c) = d.column(col_name) else {
            let hint = allywar::catalog::nearest(col_name, d.columns.iter().map(|c| c.name.as_str()))
                .map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
            bail!("--filter {f:?}: `{name}` has no column `{col_name}`{hint}");
        };
        let rhs = match c.ty {
            allywar::catalog::ColumnType::I32 | allywar::catalog::ColumnType::I64 => {
                lit(value.parse::<i64>().with_context(|| format!("--filter {f:?}: `{col_name}` holds integers"))?)
            }
            allywar::catalog::ColumnType::F64 => {
                lit(value.parse::<f64>().with_context(|| format!("--filter {f:?}: `{col_name}` holds numbers"))?)
            }
            _ => lit(value.to_string()),
        };
        let lhs = match c.ty {
            allywar::catalog::ColumnType::I32 | allywar::catalog::ColumnType::I64 => col(col_name).cast(DataType::Int64),
            allywar::catalog::ColumnType::Date => col(col_name).cast(DataType::String),
            _ => col(col_name),
        };
        lf = lf.filter(lhs.eq(rhs));
    }
    let df = lf.collect()?;
    // Polars reads its table layout from the environment; a pipe gets a wide table.
    std::env::set_var("POLARS_FMT_MAX_COLS", "24");
    std::env::set_var("POLARS_FMT_MAX_ROWS", head.to_string());
    if std::env::var_os("POLARS_TABLE_WIDTH").is_none() {
        std::env::set_var("POLARS_TABLE_WIDTH", "240");
    }
    writeln!(out, "{}", df.head(Some(head)))?;
    if !quiet {
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        eprintln!("{} × {} (of {} loaded)", plural(df.height(), "row"), plural(df.width(), "column"), plural(loaded_rows, "row"));
    }
    Ok(ExitCode::SUCCESS)
}
