//! `allywar data add NAME --file PATH --unit state-year|dyad-year [--schema …]`: a dataset of the
//! user's own — a state-year file keyed by COW code and year, or a dyad-year file keyed by two
//! COW codes and year — read with its schema (given, or the narrowest types its cells fit),
//! copied beside the user catalog (`user/NAME.csv`) and recorded there with its sha256, size,
//! rows and years. Its columns are then variables: `gdp` in state-year frames and `gdp1`/`gdp2`
//! in dyad-year frames (a dyad-year file's `gdp` in dyad-year frames), in `--vars`, formulas,
//! specs and `allywar vars`.

use super::{DataArgs, Out};
use crate::catalog::{catalog, ColumnType};
use crate::pins::{today, Record, UserColumn, UserDataset, UserUnit};
use crate::report::{spec, studies};
use crate::types::user_data::{conflicts, vars_of};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The unit of a user's file.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum UnitArg {
    /// One row per state and year (keys: COW code, year).
    StateYear,
    /// One row per pair of states and year (keys: two COW codes, year).
    DyadYear,
}

/// Add a dataset of your own, joined on COW codes and year.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Name of the dataset (lowercase letters, digits and _).
    pub name: String,
    /// The CSV file (UTF-8, a header line; copied beside the user catalog).
    #[arg(long, value_name = "PATH")]
    pub file: PathBuf,
    /// What one row is.
    #[arg(long, value_enum)]
    pub unit: UnitArg,
    /// Headers of the key columns, in order: the COW code and the year (state-year), or the two
    /// COW codes and the year (dyad-year). Default: ccode,year or ccode1,ccode2,year.
    #[arg(long, value_delimiter = ',', value_name = "H,H[,H]")]
    pub keys: Vec<String>,
    /// The value columns to read, `HEADER:TYPE` or `NAME=HEADER:TYPE`, TYPE one of i32, i64,
    /// f64, str (comma-separated). Default: every other column, each with the narrowest type
    /// its cells fit.
    #[arg(long, value_delimiter = ',', value_name = "COL:TYPE,…")]
    pub schema: Vec<String>,
    /// What a column means, `NAME=TEXT` (repeatable); shown by `allywar vars` and kept in the
    /// frames' metadata.
    #[arg(long, value_name = "NAME=TEXT")]
    pub describe: Vec<String>,
    /// Codes read as missing in every column, besides an empty cell and NA (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODE,…", allow_hyphen_values = true)]
    pub na: Vec<String>,
    /// A dyad-year file that lists each pair once a year, in either order, for both directions.
    #[arg(long)]
    pub symmetric: bool,
    /// Where the data comes from and whom to cite.
    #[arg(long, value_name = "TEXT")]
    pub cite: Option<String>,
    /// The reports folder whose studies are checked for the dataset (when it is added again).
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub reports: PathBuf,
    /// Where the raw data is.
    #[command(flatten)]
    pub data: DataArgs,
}

/// Runs `allywar data add`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    let name = args.name.as_str();
    if !is_name(name) {
        bail!("`{name}`: a dataset name is lowercase letters, digits and _, starting with a letter");
    }
    if catalog().get(name).is_ok() {
        bail!("`{name}` is a catalog dataset; `allywar data pin {name} --file …` accepts a new file for it, or give your dataset another name");
    }
    if args.symmetric && !matches!(args.unit, UnitArg::DyadYear) {
        bail!("--symmetric applies to dyad-year files");
    }
    let unit = match args.unit {
        UnitArg::StateYear => UserUnit::StateYear,
        UnitArg::DyadYear => UserUnit::DyadYear,
    };
    let dir = args.data.dir()?;
    let file = &args.file;
    let bytes = std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
    let keys: Vec<String> = if args.keys.is_empty() { unit.keys().iter().map(|k| k.to_string()).collect() } else { args.keys.clone() };
    if keys.len() != unit.keys().len() {
        bail!("--keys: a {} file has {} key columns ({}), not {}", unit.name(), unit.keys().len(), unit.keys().join(", "), keys.len());
    }
    let header = crate::sources::user::header(file, &bytes)?;
    for k in &keys {
        if !header.contains(k) {
            let hint = crate::suggest::did_you_mean(k, header.iter().map(String::as_str));
            bail!("{}: no key column `{k}` in the header ({}){hint}; --keys names them", file.display(), header.join(", "));
        }
    }
    let mut columns = if args.schema.is_empty() {
        crate::sources::user::infer(file, &bytes, &keys, &args.na)?
    } else {
        args.schema.iter().map(|s| column(s)).collect::<Result<Vec<_>>>().context("--schema")?
    };
    if columns.is_empty() {
        bail!("{}: no value columns besides the keys ({})", file.display(), keys.join(", "));
    }
    for d in &args.describe {
        let Some((col, text)) = d.split_once('=') else { bail!("--describe {d:?}: expected NAME=TEXT") };
        let Some(c) = columns.iter_mut().find(|c| c.name == col.trim()) else {
            let hint = crate::suggest::did_you_mean(col.trim(), columns.iter().map(|c| c.name.as_str()));
            bail!("--describe {d:?}: no column `{}`{hint}", col.trim());
        };
        c.desc = text.trim().to_string();
    }
    let mut dataset = UserDataset {
        name: name.to_string(),
        unit,
        file: format!("user/{name}.csv"),
        keys,
        symmetric: args.symmetric,
        na: args.na.clone(),
        cite: args.cite.clone().unwrap_or_default(),
        record: Record {
            sha256: crate::verify::sha256_hex(&bytes),
            bytes: bytes.len() as u64,
            rows: 0,
            years: None,
            pinned: today(),
            source: file.display().to_string(),
        },
        columns,
    };
    // Every check the loader makes, on these bytes, before anything is written.
    let frame = crate::vars::user_data::read(&dataset, file, &bytes).with_context(|| format!("not added as `{name}`"))?;
    dataset.record.rows = frame.height() as u64;
    dataset.record.years = years(&frame);
    let catalog_path = dir.user_catalog_path();
    let mut user = dir.user_catalog()?;
    let others: Vec<UserDataset> = user.datasets.iter().filter(|d| d.name != name).cloned().chain([dataset.clone()]).collect();
    let problems = conflicts(&others);
    if !problems.is_empty() {
        bail!("{}: not added as `{name}`: {}", file.display(), problems.join("; "));
    }
    let again = user.dataset(name).is_some();
    let dest = dataset.path(&catalog_path);
    crate::atomic::write_bytes(&dest, &bytes).with_context(|| format!("{}: cannot write", dest.display()))?;
    user.add(dataset.clone());
    user.write(&catalog_path)?;
    let span = dataset.record.years.map_or_else(String::new, |[a, b]| format!(", {a}–{b}"));
    out.done(&format!(
        "added {name}: {} file, {} rows{span}, sha256 {} → {} (listed in {})",
        unit.name(),
        dataset.record.rows,
        &dataset.record.sha256[..12],
        dest.display(),
        catalog_path.display()
    ));
    out.done(&format!("variables: {}", variables(&dataset)));
    if again {
        let readers = readers(&args.reports, name);
        if !readers.is_empty() {
            out.note(&format!("stale now: {} (they read `{name}`); `allywar reproduce` regenerates them", readers.join(", ")));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn is_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// One `--schema` item: `HEADER:TYPE` or `NAME=HEADER:TYPE`.
fn column(item: &str) -> Result<UserColumn> {
    let Some((lhs, ty)) = item.rsplit_once(':') else { bail!("`{item}`: expected HEADER:TYPE or NAME=HEADER:TYPE") };
    let ty = match ty.trim() {
        "i32" | "int" => ColumnType::I32,
        "i64" => ColumnType::I64,
        "f64" | "float" | "num" => ColumnType::F64,
        "str" | "text" => ColumnType::Str,
        other => bail!("`{item}`: type `{other}` is not one of i32, i64, f64, str"),
    };
    let (name, src) = match lhs.split_once('=') {
        Some((n, h)) => (n.trim().to_string(), Some(h.trim().to_string())),
        None => (lhs.trim().to_string(), None),
    };
    Ok(UserColumn { name, src, ty, desc: String::new() })
}

/// The variables a dataset gives, by unit, for the confirmation line.
fn variables(d: &UserDataset) -> String {
    let mut by_unit: Vec<(crate::types::Unit, Vec<String>)> = Vec::new();
    for (unit, name, _, _) in vars_of(d) {
        match by_unit.iter_mut().find(|(u, _)| *u == unit) {
            Some((_, names)) => names.push(name),
            None => by_unit.push((unit, vec![name])),
        }
    }
    by_unit.iter().map(|(u, names)| format!("{} ({u} frames)", names.join(", "))).collect::<Vec<_>>().join("; ")
}

/// The first and last year of a user's frame.
fn years(frame: &polars::prelude::DataFrame) -> Option<[i32; 2]> {
    let y = frame.column("year").ok()?.i32().ok()?;
    let (lo, hi) = y.iter().flatten().fold((i32::MAX, i32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (lo <= hi).then_some([lo, hi])
}

/// The studies under `reports` that read the user's dataset `name`.
fn readers(reports: &Path, name: &str) -> Vec<String> {
    let Ok(all) = studies(reports) else { return Vec::new() };
    all.into_iter().filter(|(_, path)| spec::load(path).is_ok_and(|c| c.user_datasets().contains(&name))).map(|(id, _)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_items_are_read_and_bad_ones_named() {
        let c = column("gdp_pc=GDP per cap:f64").unwrap();
        assert_eq!((c.name.as_str(), c.src.as_deref(), c.ty), ("gdp_pc", Some("GDP per cap"), ColumnType::F64));
        let c = column("pop:i64").unwrap();
        assert_eq!((c.name.as_str(), c.src, c.ty), ("pop", None, ColumnType::I64));
        assert!(column("pop:int8").unwrap_err().to_string().contains("not one of i32, i64, f64, str"));
        assert!(column("pop").unwrap_err().to_string().contains("expected HEADER:TYPE"));
        assert!(is_name("pwt10") && !is_name("10pwt") && !is_name("PWT"));
    }
}
