//! `allywar fit FRAME --formula "y ~ x1 + x2" --model logit --se cluster:dyad_id [--out FILE]`:
//! estimate a model on a frame file, or on a frame built on the spot when FRAME is a unit name
//! (only the variables the model needs are built), and print a summary; `--out` writes the
//! results as JSON (broom's names) with the data's sha256 and allywar's version.

use super::build::{build_frame, FrameArgs};
use super::Out;
use allywar::estimate::formula::parse;
use allywar::estimate::results::variance_columns;
use allywar::estimate::{estimate, Family};
use allywar::types::Unit;
use anyhow::{bail, Context, Result};
use polars::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The models `fit` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Model {
    /// Linear regression / linear probability model.
    Ols,
    /// Logistic regression.
    Logit,
    /// Poisson regression.
    Poisson,
}

/// Estimate a model on a frame file.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The frame: a .parquet, .arrow (.ipc, .feather) or .csv file, such as `allywar build`
    /// writes; or a unit name (dyad-year, state-year, ...) to build the frame with the flags below.
    pub frame: String,
    /// The model, R style: `outcome ~ x1 + x2` (`- 1` for no intercept).
    #[arg(long)]
    pub formula: String,
    /// The model.
    #[arg(long, value_enum, default_value_t = Model::Ols)]
    pub model: Model,
    /// Variance: classical, hc0, hc1, hc3, cluster:VAR, twoway:VAR1,VAR2 or dyadic:VAR1,VAR2
    /// (dyadic takes the two state columns).
    #[arg(long, default_value = "classical")]
    pub se: String,
    /// Also print the average marginal effects (always in the JSON).
    #[arg(long)]
    pub margins: bool,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// When FRAME is a unit name: how to build it (as `allywar build`).
    #[command(flatten)]
    pub build: FrameArgs,
}

fn read_frame(path: &Path) -> Result<DataFrame> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let file = || std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()));
    let df = match ext.as_deref() {
        Some("parquet" | "pq") => ParquetReader::new(file()?).finish(),
        Some("arrow" | "ipc" | "feather") => IpcReader::new(file()?).finish(),
        Some("csv") => CsvReadOptions::default().try_into_reader_with_file_path(Some(path.to_path_buf()))?.finish(),
        _ => bail!("{}: expected a .parquet, .arrow or .csv frame (.dta is not read yet)", path.display()),
    };
    anyhow::Context::with_context(df, || format!("{}: cannot read the frame", path.display()))
}

/// Runs `allywar fit`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    let (df, data) = match <Unit as clap::ValueEnum>::from_str(&args.frame, true) {
        Ok(unit) => {
            args.build.check(unit)?;
            // Only the columns the model needs: outcome, regressors, cluster variables.
            let f = parse(&args.formula)?;
            let mut vars = vec![f.outcome.clone()];
            vars.extend(f.terms.iter().cloned());
            vars.extend(variance_columns(&args.se)?.into_iter().filter(|c| !unit.keys().contains(&c.as_str())));
            let spec = args.build.spec(unit, &vars);
            spec.check()?;
            let built = build_frame(&spec, &args.build, out)?;
            for note in &built.notes {
                out.note(note);
            }
            let inputs: Vec<serde_json::Value> = built
                .inputs
                .iter()
                .map(|i| serde_json::json!({"dataset": i.dataset.name(), "version": i.version, "sha256": i.sha256, "verified": i.verified}))
                .collect();
            (built.frame, inputs)
        }
        Err(_) => {
            let given = args.build.given();
            if !given.is_empty() {
                bail!(
                    "{} appl{} only when FRAME is a unit name (dyad-year, ...), not a file",
                    given.join(", "),
                    if given.len() == 1 { "ies" } else { "y" }
                );
            }
            let path = PathBuf::from(&args.frame);
            let df = read_frame(&path)?;
            let (_, sha256) = allywar::verify::sha256_file(&path)?;
            (df, vec![serde_json::json!({"file": args.frame, "sha256": sha256})])
        }
    };
    let family = match args.model {
        Model::Ols => Family::Gaussian,
        Model::Logit => Family::Logit,
        Model::Poisson => Family::Poisson,
    };
    let results = estimate(&df, &args.formula, family, &args.se)?;
    if !results.glance.converged {
        out.warn(&format!(
            "the {} fit did not converge in {} iterations: the estimates are not reliable",
            results.model, results.glance.iterations
        ));
    }
    if !results.glance.vcov_positive_definite {
        out.warn(&format!("the {} variance matrix is not positive definite", results.variance));
    }
    write!(out, "{}", results.summary())?;
    if args.margins {
        write!(out, "{}", results.margins_text())?;
    }
    if let Some(path) = &args.out {
        let json = serde_json::json!({
            "allywar": env!("CARGO_PKG_VERSION"),
            "data": data,
            "formula": results.formula,
            "model": results.model,
            "variance": results.variance,
            "coefficients": results.coefficients,
            "glance": results.glance,
            "margins": results.margins,
            "dropped_collinear": results.dropped_collinear,
        });
        let text = serde_json::to_string_pretty(&json)? + "\n";
        allywar::atomic::write_bytes(path, text.as_bytes()).with_context(|| format!("{}: cannot write", path.display()))?;
        out.done(&format!("wrote {}", path.display()));
    }
    Ok(ExitCode::SUCCESS)
}
