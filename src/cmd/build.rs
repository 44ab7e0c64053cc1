//! `allywar build UNIT`: build an analysis frame and write it.
//!
//! ```text
//! allywar build UNIT [--years A:B] [--directed|--nondirected] [--prd] [--mids gml|cow5]
//!                    [--vars LIST|all] [--drop-ongoing] [--conflicts war|mid] [--out FILE]
//!                    [--partition year [--block-years N]] [--data-dir DIR]
//! ```
//!
//! With `--partition year` the frame is built in blocks of years and written as hive-partitioned
//! Parquet, `DIR/year=1816/part-0.parquet`, one part a year (see [`crate::output::partition`]).

use super::{DataArgs, Out};
use crate::expr::{derive, Derived, RowFilter};
use crate::frame::{Built, Spec};
use crate::output::partition::{PartitionWriter, MANIFEST};
use crate::output::{check_path, write_frame_with, Metadata};
use crate::types::{Conflicts, Mids, Unit, Years};
use anyhow::{bail, Context, Result};
use polars::prelude::DataFrame;
use std::path::PathBuf;
use std::process::ExitCode;

/// Build an analysis frame.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Unit of analysis.
    #[arg(value_enum)]
    pub unit: Unit,
    /// What to build and from which data.
    #[command(flatten)]
    pub frame: FrameArgs,
    /// Variables, comma-separated (spaces allowed), in the order wanted, or all (see `allywar
    /// vars UNIT`). Default: all.
    #[arg(long, value_name = "LIST|all")]
    pub vars: Vec<String>,
    /// Output file: .parquet, .arrow (.ipc, .feather), .csv or .dta (Stata 14+); default
    /// UNIT.parquet.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A column computed from the frame's, `NAME=EXPRESSION` in SQL (as `fit --derive`); the
    /// columns it reads are built too. Repeat for several.
    #[arg(long, value_name = "NAME=EXPR")]
    pub derive: Vec<String>,
    /// Keep the rows where this SQL expression holds (as `fit --filter`).
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Write a folder of hive-partitioned Parquet, `OUT/year=Y/part-0.parquet`, built a block of
    /// years at a time so that memory holds one block, not the span (dyad-year, state-year,
    /// alliance-year). --out names the folder (default: UNIT/).
    #[arg(long, value_enum, value_name = "COLUMN")]
    pub partition: Option<Partition>,
    /// Years built at a time with --partition: fewer use less memory and more time.
    #[arg(long, value_name = "N", default_value_t = 10, requires = "partition", value_parser = clap::value_parser!(u16).range(1..))]
    pub block_years: u16,
}

/// What a partitioned frame is split by.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partition {
    /// One part a year.
    Year,
}

/// The flags that shape a frame, shared by `build` and `fit UNIT`.
#[derive(clap::Args, Debug)]
pub struct FrameArgs {
    /// Years A:B, A: or :B (default: the dispute source's years where the unit has them, else
    /// the unit's source). Years a source does not cover are left out with a note.
    #[arg(long, value_name = "A:B")]
    pub years: Option<Years>,
    /// Directed dyad-years, both orders (the default; dyad-year only).
    #[arg(long, conflicts_with = "nondirected")]
    pub directed: bool,
    /// Non-directed dyad-years, ccode1 < ccode2 (dyad-year only).
    #[arg(long)]
    pub nondirected: bool,
    /// Politically relevant dyads only: contiguous up to 400 miles of water, or a major power
    /// (dyad-year only).
    #[arg(long)]
    pub prd: bool,
    /// Dispute source (dyad-year, state-year, joiner, dispute) [default: gml].
    #[arg(long, value_enum)]
    pub mids: Option<Mids>,
    /// Drop dyad-years of ongoing disputes that are not onsets (dyad-year only).
    #[arg(long)]
    pub drop_ongoing: bool,
    /// Which conflicts call the allies: COW inter-state wars or disputes (invocation and commitment)
    /// [default: war].
    #[arg(long, value_enum)]
    pub conflicts: Option<Conflicts>,
    /// Keep the 76 crises of Tago's file without a use of force (us-force only; default: the
    /// 212 uses of force).
    #[arg(long)]
    pub crises: bool,
    /// Where the raw data is.
    #[command(flatten)]
    pub data: DataArgs,
}

impl FrameArgs {
    /// The flags given that mean nothing for `unit`.
    pub fn inapplicable(&self, unit: Unit) -> Vec<&'static str> {
        let opts = unit.options();
        let mut bad = Vec::new();
        if !opts.dyad {
            for (set, flag) in [
                (self.directed, "--directed"),
                (self.nondirected, "--nondirected"),
                (self.prd, "--prd"),
                (self.drop_ongoing, "--drop-ongoing"),
            ] {
                if set {
                    bad.push(flag);
                }
            }
        }
        if !opts.mids && self.mids.is_some() {
            bad.push("--mids");
        }
        if !opts.conflicts && self.conflicts.is_some() {
            bad.push("--conflicts");
        }
        if self.crises && unit != Unit::UsForce {
            bad.push("--crises");
        }
        bad
    }

    /// The frame flags that were given at all (for `fit FILE`, where none applies).
    pub fn given(&self) -> Vec<&'static str> {
        let mut given = self.inapplicable(Unit::Mission);
        for (set, flag) in [
            (self.years.is_some(), "--years"),
            (self.data.data_dir.is_some(), "--data-dir"),
            (self.data.allow_unverified, "--allow-unverified"),
        ] {
            if set {
                given.push(flag);
            }
        }
        given
    }

    /// The library spec of these flags for `unit` and `vars`.
    pub fn spec<S: AsRef<str>>(&self, unit: Unit, vars: impl IntoIterator<Item = S>) -> Spec {
        let mut spec = Spec::new(unit)
            .directed(!self.nondirected)
            .prd(self.prd)
            .drop_ongoing(self.drop_ongoing)
            .vars(vars)
            .mids(self.mids.unwrap_or_default())
            .conflicts(self.conflicts.unwrap_or_default())
            .crises(self.crises);
        spec.years = self.years;
        spec
    }

    /// Refuses the flags that do not apply to `unit`.
    pub fn check(&self, unit: Unit) -> Result<()> {
        // The user's own variables are known from here on.
        self.data.dir()?;
        let bad = self.inapplicable(unit);
        if !bad.is_empty() {
            bail!(
                "{} do{} not apply to {} frames (`allywar build --help` says which flags apply to which units)",
                bad.join(", "),
                if bad.len() == 1 { "es" } else { "" },
                unit
            );
        }
        Ok(())
    }
}

/// Runs `allywar build`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    args.frame.check(args.unit)?;
    let derived: Vec<Derived> = args.derive.iter().map(|d| Derived::parse(d).context("--derive")).collect::<Result<_>>()?;
    let filter = args.filter.as_deref().map(RowFilter::parse).transpose().context("--filter")?.unwrap_or_default();
    // The columns the expressions read are built with the ones asked for (all: already there).
    let mut vars = crate::vars::parse_list(&args.vars);
    if !vars.is_empty() && !vars.iter().any(|v| v == "all") {
        let made: Vec<&str> = derived.iter().map(|d| d.name.as_str()).collect();
        let read = derived.iter().flat_map(|d| d.columns().iter()).chain(filter.columns());
        for c in read {
            if !vars.contains(c) && !made.contains(&c.as_str()) && !args.unit.keys().contains(&c.as_str()) {
                vars.push(c.clone());
            }
        }
    }
    let spec = args.frame.spec(args.unit, &vars);
    // Everything that can be checked without data is checked before any work is done.
    spec.check()?;
    if args.partition.is_some() {
        return partitioned(&args, &spec, &derived, &filter, out);
    }
    let path = args.out.clone().unwrap_or_else(|| PathBuf::from(format!("{}.parquet", args.unit.name())));
    check_path(&path)?;
    let mut built = build_frame(&spec, &args.frame, out)?;
    let mut meta = metadata(&built, &spec);
    let before = built.frame.height();
    built.frame = derive_and_filter(std::mem::take(&mut built.frame), &derived, &filter, &mut meta)?;
    if !filter.is_all() {
        out.note(&format!("--filter {filter}: {} of {before} rows kept", built.frame.height()));
    }
    write_frame_with(&mut built.frame, &path, &meta)?;
    for note in &built.notes {
        out.note(note);
    }
    let (rows, cols) = built.frame.shape();
    out.done(&format!("wrote {} ({rows} rows × {cols} columns)", path.display()));
    Ok(ExitCode::SUCCESS)
}

/// Adds the derived columns and keeps the filter's rows, saying so in `meta`.
fn derive_and_filter(frame: DataFrame, derived: &[Derived], filter: &RowFilter, meta: &mut Metadata) -> Result<DataFrame> {
    if derived.is_empty() && filter.is_all() {
        return Ok(frame);
    }
    let frame = derive(frame, derived).context("--derive")?;
    let frame = filter.apply(&frame).context("--filter")?;
    // The output says how its extra columns and rows came to be.
    let said: Vec<String> = derived.iter().map(|d| format!("{} = {}", d.name, d.text())).collect();
    meta.entries.push(("allywar_derive".into(), serde_json::json!({"derive": said, "filter": filter.text()}).to_string()));
    meta.labels.extend(derived.iter().map(|d| (d.name.clone(), format!("derived: {}", d.text()))));
    Ok(frame)
}

/// `allywar build --partition year`: the frame built a block of years at a time, each block's
/// years written as parts as soon as it is built.
fn partitioned(args: &Args, spec: &Spec, derived: &[Derived], filter: &RowFilter, out: &mut Out) -> Result<ExitCode> {
    // Expressions are computed block by block, so one that reads other rows would change meaning.
    let whole = derived.iter().find_map(|d| d.reads_other_rows().map(|why| (format!("--derive {} = {}", d.name, d.text()), why)));
    if let Some((flag, why)) = whole.or_else(|| filter.reads_other_rows().map(|why| (format!("--filter {filter}"), why))) {
        bail!("{flag}: {why} reads rows other than its own, and a partitioned frame is computed a block of years at a time; compute it after reading the folder, or build one file");
    }
    let dest = args.out.clone().unwrap_or_else(|| PathBuf::from(args.unit.name()));
    let mut writer = PartitionWriter::create(&dest, "year")?;
    let dir = args.frame.data.dir()?;
    let bar = spinner(out, &format!("building {}", spec.unit));
    let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
    let (mut rows, mut kept, mut last) = (0, 0, None);
    let span =
        spec.build_blocks(&dir, args.block_years, &|stage| bar.set_message(stage.to_string()), &mut |mut built: Built| -> Result<()> {
            let mut meta = metadata(&built, spec);
            rows += built.frame.height();
            built.frame = derive_and_filter(std::mem::take(&mut built.frame), derived, filter, &mut meta)?;
            kept += built.frame.height();
            writer.write(&built.frame, &meta)?;
            blocks.push((built.years.map(|y| y.to_string()).unwrap_or_default(), std::mem::take(&mut built.notes)));
            built.frame = DataFrame::empty();
            last = Some(built);
            Ok(())
        });
    bar.finish_and_clear();
    let span = span?;
    let Some(last) = last else { bail!("no block was built for {}", spec.unit) };
    warn_unverified(&last, out);
    let mut about = metadata(&last, spec).to_json();
    // Each block's notes (its rows, collapses, removals) are kept in the manifest; a note every
    // block made is also said here.
    let said: Vec<serde_json::Value> = blocks.iter().map(|(years, notes)| serde_json::json!({"years": years, "notes": notes})).collect();
    about.insert("allywar_blocks".into(), said.into());
    let parts = writer.finish(serde_json::Value::Object(about))?;
    let mut per_block = 0;
    for (i, (_, notes)) in blocks.iter().enumerate() {
        for note in notes {
            if !blocks.iter().all(|(_, n)| n.contains(note)) {
                per_block += 1;
            } else if i == 0 {
                out.note(note);
            }
        }
    }
    if per_block > 0 {
        out.note(&format!(
            "{per_block} notes of single blocks (their rows and what was removed or collapsed) are in {}",
            dest.join(MANIFEST).display()
        ));
    }
    if !filter.is_all() {
        out.note(&format!("--filter {filter}: {kept} of {rows} rows kept"));
    }
    let columns = last.vars.len() + spec.unit.keys().len() + derived.len();
    out.done(&format!(
        "wrote {} ({kept} rows × {columns} columns, {span}, in {} yearly parts built {} years at a time)",
        dest.display(),
        parts.len(),
        args.block_years
    ));
    Ok(ExitCode::SUCCESS)
}

/// Builds `spec` with a spinner, warning about unverified inputs.
pub fn build_frame(spec: &Spec, frame: &FrameArgs, out: &Out) -> Result<Built> {
    let dir = frame.data.dir()?;
    let bar = spinner(out, &format!("building {}", spec.unit));
    let built = spec.build_with(&dir, &|stage| bar.set_message(stage.to_string()));
    bar.finish_and_clear();
    let built = built?;
    warn_unverified(&built, out);
    Ok(built)
}

/// Warns about every input that did not match the catalog.
fn warn_unverified(built: &Built, out: &Out) {
    for input in built.inputs.iter().filter(|i| !i.verified) {
        out.warn(&format!(
            "{} ({}) is UNVERIFIED: its sha256 {} differs from the catalog's; recorded as unverified in the output",
            input.dataset,
            input.path.display(),
            input.sha256
        ));
    }
}

/// What goes into the output file: the allywar version, the request, every input and the
/// variables' definitions.
pub fn metadata(built: &Built, spec: &Spec) -> Metadata {
    let inputs: Vec<serde_json::Value> = built
        .inputs
        .iter()
        .map(|i| {
            serde_json::json!({
                "dataset": i.dataset, "version": i.version, "file": i.file,
                "sha256": i.sha256, "verified": i.verified,
            })
        })
        .collect();
    let mut request = serde_json::json!({
        "unit": spec.unit.name(), "years": spec.years.map(|y| y.to_string()), "directed": spec.directed, "prd": spec.prd,
        "mids": spec.mids.name(), "drop_ongoing": spec.drop_ongoing,
    });
    if spec.unit == Unit::UsForce {
        request["crises"] = spec.crises.into();
    }
    if spec.unit.options().conflicts {
        request["conflicts"] = spec.conflicts.name().into();
    }
    let mut labels: Vec<(String, String)> =
        spec.unit.keys().iter().map(|k| (k.to_string(), spec.unit.key_definition(k).to_string())).collect();
    labels.extend(built.vars.iter().map(|v| (v.name.to_string(), v.definition.to_string())));
    Metadata {
        entries: vec![
            ("allywar_version".into(), env!("CARGO_PKG_VERSION").into()),
            ("allywar_request".into(), request.to_string()),
            ("allywar_inputs".into(), serde_json::Value::Array(inputs).to_string()),
        ],
        labels,
    }
}

/// A spinner on stderr with the current stage (hidden unless `Out::progress`).
pub fn spinner(out: &Out, what: &str) -> indicatif::ProgressBar {
    if !out.progress() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner().with_prefix(what.to_string());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {prefix}: {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}
