//! `allywar build UNIT`: build an analysis frame and write it.
//!
//! ```text
//! allywar build UNIT [--years A:B] [--directed|--nondirected] [--prd] [--mids gml|cow5]
//!                    [--vars LIST|all] [--drop-ongoing] [--conflicts war|mid] [--out FILE]
//!                    [--data-dir DIR]
//! ```

use super::{DataArgs, Out};
use crate::expr::{derive, Derived, RowFilter};
use crate::frame::{Built, Spec};
use crate::output::{check_path, write_frame_with, Metadata};
use crate::types::{Conflicts, Mids, Unit, Years};
use anyhow::{bail, Context, Result};
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
    let path = args.out.clone().unwrap_or_else(|| PathBuf::from(format!("{}.parquet", args.unit.name())));
    check_path(&path)?;
    let mut built = build_frame(&spec, &args.frame, out)?;
    let mut meta = metadata(&built, &spec);
    if !derived.is_empty() || !filter.is_all() {
        built.frame = derive(std::mem::take(&mut built.frame), &derived).context("--derive")?;
        let before = built.frame.height();
        built.frame = filter.apply(&built.frame).context("--filter")?;
        if !filter.is_all() {
            out.note(&format!("--filter {filter}: {} of {before} rows kept", built.frame.height()));
        }
        // The output says how its extra columns and rows came to be.
        let said: Vec<String> = derived.iter().map(|d| format!("{} = {}", d.name, d.text())).collect();
        meta.entries.push(("allywar_derive".into(), serde_json::json!({"derive": said, "filter": filter.text()}).to_string()));
        meta.labels.extend(derived.iter().map(|d| (d.name.clone(), format!("derived: {}", d.text()))));
    }
    write_frame_with(&mut built.frame, &path, &meta)?;
    for note in &built.notes {
        out.note(note);
    }
    let (rows, cols) = built.frame.shape();
    out.done(&format!("wrote {} ({rows} rows × {cols} columns)", path.display()));
    Ok(ExitCode::SUCCESS)
}

/// Builds `spec` with a spinner, warning about unverified inputs.
pub fn build_frame(spec: &Spec, frame: &FrameArgs, out: &Out) -> Result<Built> {
    let dir = frame.data.dir()?;
    let bar = spinner(out, &format!("building {}", spec.unit));
    let built = spec.build_with(&dir, &|stage| bar.set_message(stage.to_string()));
    bar.finish_and_clear();
    let built = built?;
    for input in built.inputs.iter().filter(|i| !i.verified) {
        out.warn(&format!(
            "{} ({}) is UNVERIFIED: its sha256 {} differs from the catalog's; recorded as unverified in the output",
            input.dataset,
            input.path.display(),
            input.sha256
        ));
    }
    Ok(built)
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
