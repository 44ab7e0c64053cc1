//! `allywar fit FRAME --formula "y ~ x1 + x2" --model logit --se cluster:dyad_id [--out FILE]`:
//! estimate a model on a frame file, or on a frame built on the spot when FRAME is a unit name
//! (only the variables the model needs are built), and print a summary; `--out` writes the
//! results as JSON (broom's names) with the data's sha256 and allywar's version.

use super::build::{build_frame, FrameArgs};
use super::Out;
use crate::estimate::formula::parse;
use crate::estimate::{estimate_with, Control, Estimator, Options, VarianceSpec};
use crate::expr::{derive, Derived, RowFilter};
use crate::types::Unit;
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Estimate a model on a frame file.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The frame: a .parquet, .arrow (.ipc, .feather), .csv or Stata .dta file, or a folder of
    /// `build --partition year`, such as `allywar build` writes; or a unit name (dyad-year, state-year, ...) to build the frame with the flags below.
    pub frame: String,
    /// The model, R style: `outcome ~ x1 + I(x2^2) + log(x3) + a:b + c*d + C(region) - 1 | fe1 + fe2`.
    #[arg(long)]
    pub formula: String,
    /// The model.
    #[arg(long, value_enum, default_value_t = Estimator::Ols)]
    pub model: Estimator,
    /// Variance: classical, hc0, hc1, hc3, cluster:VAR, twoway:VAR1,VAR2 or dyadic:VAR1,VAR2
    /// (dyadic takes the two state columns).
    #[arg(long, default_value = "classical")]
    pub se: VarianceSpec,
    /// A column computed before the fit, `NAME=EXPRESSION` in SQL as polars reads it:
    /// `dem_both=polity2_1 >= 6 AND polity2_2 >= 6`, `cap_share=cinc1 / (cinc1 + cinc2)`.
    /// Repeat for several; a later one may read an earlier one.
    #[arg(long, value_name = "NAME=EXPR")]
    pub derive: Vec<String>,
    /// Fit on the rows where this SQL expression holds (Stata's `if`): `year >= 1990`,
    /// `major1 = 1 OR major2 = 1`; the language of spec filters. A row where it is missing is
    /// left out.
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Also print the average marginal effects (always in the JSON).
    #[arg(long)]
    pub margins: bool,
    /// Average predictions over the sample with a column set to each value of a grid, the
    /// others as observed (Stata's `margins, at()`): `peace_years=0:30:5` (from:to:step) or
    /// `cinc=0.01,0.1,0.3`.
    #[arg(long, value_name = "COL=FROM:TO:STEP")]
    pub margins_at: Option<String>,
    /// Draw the --margins-at predictions with their 95% band (Stata's `marginsplot`) as
    /// STEM.png and STEM.svg.
    #[arg(long, value_name = "STEM", requires = "margins_at")]
    pub margins_plot: Option<PathBuf>,
    /// Rare-events logit: the population share of ones (prior correction of the intercept).
    #[arg(long, value_name = "SHARE")]
    pub tau: Option<f64>,
    /// Expected outcome with columns set, the rest at their sample means: `tgt_def=1,chal_def=0`
    /// (`means` for all at means). Repeat for several.
    #[arg(long, value_name = "COL=V,...")]
    pub predict: Vec<String>,
    /// First difference of moving a column, the rest at means, with a simulated 95% interval:
    /// `tgt_def=0:1`. Repeat for several.
    #[arg(long = "fd", value_name = "COL=FROM:TO")]
    pub first_difference: Vec<String>,
    /// Simulation draws for first differences.
    #[arg(long, default_value_t = 1000)]
    pub sims: usize,
    /// Seed of the simulation (same seed, same numbers).
    #[arg(long, default_value_t = 20010101)]
    pub seed: u64,
    /// Most iterations before the fit is declared not converged.
    #[arg(long, default_value_t = 50)]
    pub max_iter: usize,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// When FRAME is a unit name: how to build it (as `allywar build`).
    #[command(flatten)]
    pub build: FrameArgs,
}

/// Runs `allywar fit`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    let derived: Vec<Derived> = args.derive.iter().map(|d| Derived::parse(d).context("--derive")).collect::<Result<_>>()?;
    let filter = args.filter.as_deref().map(RowFilter::parse).transpose().context("--filter")?.unwrap_or_default();
    let (df, mut data) = match <Unit as clap::ValueEnum>::from_str(&args.frame, true) {
        Ok(unit) => {
            args.build.check(unit)?;
            // Only the columns the model needs: outcome, regressors' columns, fixed effects,
            // cluster variables (the unit's keys are always there).
            let mut vars = parse(&args.formula)?.columns();
            vars.extend(args.se.columns().into_iter().map(String::from));
            vars.extend(filter.columns().iter().cloned());
            vars.extend(derived.iter().flat_map(|d| d.columns().iter().cloned()));
            // Derived columns are computed here, not built.
            let made: Vec<&str> = derived.iter().map(|d| d.name.as_str()).collect();
            let mut seen = std::collections::HashSet::new();
            vars.retain(|c| !unit.keys().contains(&c.as_str()) && !made.contains(&c.as_str()) && seen.insert(c.clone()));
            let spec = args.build.spec(unit, &vars);
            spec.check()?;
            let built = build_frame(&spec, &args.build, out)?;
            for note in &built.notes {
                out.note(note);
            }
            let inputs: Vec<serde_json::Value> = built
                .inputs
                .iter()
                .map(|i| serde_json::json!({"dataset": i.dataset, "version": i.version, "sha256": i.sha256, "verified": i.verified}))
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
            let df = crate::input::read_frame(&path)?;
            let sha256 = crate::input::frame_sha256(&path)?;
            (df, vec![serde_json::json!({"file": args.frame, "sha256": sha256})])
        }
    };
    let df = derive(df, &derived).context("--derive")?;
    for d in &derived {
        data.push(serde_json::json!({"derive": format!("{} = {}", d.name, d.text())}));
    }
    let df = if filter.is_all() {
        df
    } else {
        let kept = filter.apply(&df).context("--filter")?;
        out.note(&format!("--filter {filter}: {} of {} rows kept", kept.height(), df.height()));
        data.push(serde_json::json!({"filter": filter.text()}));
        kept
    };
    let model = args.model.model(args.tau);
    if args.tau.is_some() && args.model != Estimator::Relogit {
        bail!("--tau applies to --model relogit only");
    }
    let options = Options {
        control: Control { max_iter: args.max_iter, ..Control::default() },
        predictions: args.predict.iter().map(|p| settings(p)).collect::<Result<_>>()?,
        first_differences: args.first_difference.iter().map(|p| difference(p)).collect::<Result<_>>()?,
        sims: args.sims,
        seed: args.seed,
        // Average marginal effects cost more than the fit on large frames: only when printed
        // or written.
        margins: args.margins || args.out.is_some(),
        margins_at: args.margins_at.as_deref().map(grid).transpose()?,
    };
    let results = estimate_with(&df, &args.formula, model, &args.se, &options)?;
    if !results.glance.converged {
        bail!(
            "the {} fit did not converge in {} iterations: the estimates are not reliable (raise --max-iter, or look for separation or a badly scaled regressor)",
            results.model,
            results.glance.iterations
        );
    }
    if !results.glance.vcov_positive_definite {
        out.warn(&format!("the {} variance matrix is not positive definite", results.variance));
    }
    write!(out, "{}", results.summary())?;
    if args.margins {
        write!(out, "{}", results.margins_text())?;
    }
    if !results.margins_at.is_empty() {
        write!(out, "{}", results.margins_at_text())?;
    }
    if let Some(stem) = &args.margins_plot {
        let profile = crate::report::marginsplot::Profile::new(&results);
        crate::report::marginsplot::write(&profile, stem)?;
        out.done(&format!("wrote {} and {}", stem.with_extension("png").display(), stem.with_extension("svg").display()));
    }
    if let Some(path) = &args.out {
        let json = results.to_json(serde_json::Value::Array(data));
        let text = serde_json::to_string_pretty(&json)? + "\n";
        crate::atomic::write_bytes(path, text.as_bytes()).with_context(|| format!("{}: cannot write", path.display()))?;
        out.done(&format!("wrote {}", path.display()));
    }
    Ok(ExitCode::SUCCESS)
}

/// `tgt_def=1,chal_def=0` (or `means`) as column settings.
fn settings(spec: &str) -> Result<std::collections::BTreeMap<String, f64>> {
    if spec.trim() == "means" {
        return Ok(Default::default());
    }
    spec.split(',')
        .map(|kv| {
            let (k, v) = kv.split_once('=').with_context(|| format!("--predict `{spec}`: expected COL=VALUE[,COL=VALUE...] or `means`"))?;
            let v: f64 = v.trim().parse().map_err(|_| anyhow::anyhow!("--predict `{spec}`: `{}` is not a number", v.trim()))?;
            Ok((k.trim().to_string(), v))
        })
        .collect()
}

/// `peace_years=0:30:5` (from:to:step, both ends in) or `cinc=0.01,0.1` as a column and values.
fn grid(spec: &str) -> Result<(String, Vec<f64>)> {
    let bad = || anyhow::anyhow!("--margins-at `{spec}`: expected COL=FROM:TO:STEP (peace_years=0:30:5) or COL=V1,V2,...");
    let (column, values) = spec.split_once('=').ok_or_else(bad)?;
    let numbers =
        |s: &str, sep: char| s.split(sep).map(|v| v.trim().parse::<f64>().ok().filter(|v| v.is_finite())).collect::<Option<Vec<f64>>>();
    let values = if values.contains(':') {
        match numbers(values, ':').ok_or_else(bad)?.as_slice() {
            [from, to, step] if *step > 0.0 && to >= from => {
                let n = ((to - from) / step + 1e-9).floor() as usize;
                if n >= 1000 {
                    bail!("--margins-at `{spec}`: {} values; at most 1,000", n + 1);
                }
                (0..=n).map(|i| from + i as f64 * step).collect()
            }
            [_, _, _] => bail!("--margins-at `{spec}`: the step must be positive and TO at least FROM"),
            _ => return Err(bad()),
        }
    } else {
        numbers(values, ',').ok_or_else(bad)?
    };
    Ok((column.trim().to_string(), values))
}

/// `tgt_def=0:1` as a first difference.
fn difference(spec: &str) -> Result<(String, f64, f64)> {
    let parsed = spec.split_once('=').and_then(|(c, r)| {
        let (a, b) = r.split_once(':')?;
        Some((c.trim().to_string(), a.trim().parse().ok()?, b.trim().parse().ok()?))
    });
    parsed.with_context(|| format!("--fd `{spec}`: expected COL=FROM:TO, such as tgt_def=0:1"))
}
