//! `allywar table a.json b.json … [--out t.md|.tex|.html|.csv]`: a regression table (esttab's,
//! modelsummary's layout) from fits saved by `allywar fit --out`, without writing a spec: models
//! in columns, standard errors beneath, stars, N, log-likelihood, AIC, clusters and the variance.

use super::Out;
use crate::estimate::Results;
use crate::report::table::{self, Column};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// A regression table from saved fits.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Fits written by `allywar fit --out`, one column each, in order.
    #[arg(required = true)]
    pub fits: Vec<PathBuf>,
    /// Column headings, comma-separated (default: the files' names).
    #[arg(long, value_name = "A,B,...")]
    pub names: Option<String>,
    /// A label for a term or outcome: `tgt_def=Target has a defence ally`. Repeat for several.
    #[arg(long, value_name = "TERM=LABEL")]
    pub label: Vec<String>,
    /// Write to this file: .md, .tex (booktabs), .html or .csv (long form, full precision);
    /// without it, Markdown on stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs `allywar table`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    let mut fits: Vec<Results> = Vec::new();
    for path in &args.fits {
        let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
        let r: Results = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a fit written by `allywar fit --out` (line and column above)", path.display()))?;
        fits.push(r);
    }
    let names: Vec<String> = match &args.names {
        Some(n) => n.split(',').map(|s| s.trim().to_string()).collect(),
        None => {
            args.fits.iter().map(|p| p.file_stem().map_or_else(|| p.display().to_string(), |s| s.to_string_lossy().into_owned())).collect()
        }
    };
    if names.len() != fits.len() {
        bail!("--names gives {} headings for {} fits", names.len(), fits.len());
    }
    let mut labels = BTreeMap::new();
    for l in &args.label {
        let (term, label) = l.split_once('=').with_context(|| format!("--label `{l}`: expected TERM=LABEL"))?;
        labels.insert(term.trim().to_string(), label.trim().to_string());
    }
    let columns: Vec<Column> = names.iter().zip(&fits).map(|(name, results)| Column { name, results }).collect();
    let laid = table::layout(&columns, &labels);
    let Some(path) = &args.out else {
        write!(out, "{}", laid.markdown())?;
        return Ok(ExitCode::SUCCESS);
    };
    let text = match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "md" => laid.markdown(),
        "tex" => laid.latex(),
        "html" | "htm" => laid.html(),
        "csv" => table::csv(&columns, &labels),
        other => bail!("--out {}: `.{other}` is not a table format; use .md, .tex, .html or .csv", path.display()),
    };
    crate::atomic::write_bytes(path, text.as_bytes()).with_context(|| format!("{}: cannot write", path.display()))?;
    out.done(&format!("wrote {}", path.display()));
    Ok(ExitCode::SUCCESS)
}
