//! `allywar data pin NAME [--file PATH | --from-producer]`: accept a dataset's new file — a
//! producer's new release, a corrected file — after reading it with the dataset's schema
//! (columns, types, missing codes, unique key: every check the loader makes). The file goes into
//! the data directory, and its sha256, size, rows, years and the date into the user catalog
//! beside the data (`allywar.toml`, or `$ALLYWAR_CATALOG`), the earlier pin kept as history;
//! then the studies that read it are named, since `reproduce` will find them stale.

use super::{DataArgs, Out};
use crate::catalog::catalog;
use crate::fetch::{FetchOptions, Fetcher, Mirror};
use crate::pins::{today, Record};
use crate::report::{spec, studies};
use crate::sources;
use anyhow::{Context, Result};
use polars::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;

/// Accept a new file for a dataset after checking it against the dataset's schema.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Dataset name (see `allywar data status`).
    pub name: String,
    /// The new file (copied into the data directory); without it, or --from-producer, the file
    /// already in the data directory is pinned.
    #[arg(long, value_name = "PATH", conflicts_with = "from_producer")]
    pub file: Option<PathBuf>,
    /// Download the producer's current file (or the mirror's, with --mirror).
    #[arg(long)]
    pub from_producer: bool,
    /// A directory or http(s) address laid out like the data directory (with --from-producer).
    #[arg(long, value_name = "DIR|URL", requires = "from_producer")]
    pub mirror: Option<String>,
    /// The reports folder whose studies are checked for the dataset.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub reports: PathBuf,
    /// Where the raw data is.
    #[command(flatten)]
    pub data: DataArgs,
}

/// Runs `allywar data pin`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    let d = catalog().get(&args.name)?;
    let dir = args.data.dir()?;
    let dest = dir.path_of(d);
    let (source, bytes) = match (&args.file, args.from_producer) {
        (Some(path), _) => (path.display().to_string(), std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?),
        (None, true) => {
            let opts = FetchOptions { mirror: args.mirror.as_deref().map(Mirror::parse), allow_unverified: true, progress: out.progress() };
            Fetcher::new(opts).obtain(d)?
        }
        (None, false) => (
            dest.display().to_string(),
            std::fs::read(&dest).with_context(|| format!("{}: cannot read (dataset `{}`)", dest.display(), d.name))?,
        ),
    };
    let named = args.file.clone().unwrap_or_else(|| PathBuf::from(&source));
    // Every check the loader makes, on the new bytes, before anything is written.
    let frame = sources::parse_file(d, &named, &bytes).with_context(|| format!("{}: not accepted as `{}`", source, d.name))?;
    let sha256 = crate::verify::sha256_hex(&bytes);
    let record = Record {
        sha256: sha256.clone(),
        bytes: bytes.len() as u64,
        rows: frame.height() as u64,
        years: years(&frame),
        pinned: today(),
        source,
    };

    let mut pins = dir.user_catalog()?;
    let before = pins.pin(&d.name).map(|p| p.current.clone());
    if before.is_none() && sha256 == d.sha256 {
        out.note(&format!("{}: this is the catalog's own file (sha256 {}); nothing to pin", d.name, &sha256[..12]));
        return Ok(ExitCode::SUCCESS);
    }
    if std::fs::read(&dest).ok().as_deref() != Some(bytes.as_slice()) {
        crate::atomic::write_bytes(&dest, &bytes).with_context(|| format!("{}: cannot write", dest.display()))?;
    }
    let catalog_path = dir.user_catalog_path();
    if !pins.set(&d.name, record.clone()) {
        out.note(&format!("{}: already pinned to this file (sha256 {}, {})", d.name, &sha256[..12], catalog_path.display()));
        return Ok(ExitCode::SUCCESS);
    }
    pins.write(&catalog_path)?;
    let span = |y: Option<[i32; 2]>| y.map_or_else(String::new, |[a, b]| format!(", {a}–{b}"));
    let was = match &before {
        Some(p) => format!("the pin of {} (sha256 {}, {} rows{}), kept in its history", p.pinned, &p.sha256[..12], p.rows, span(p.years)),
        None => format!("the catalog's {} (sha256 {}, {} rows{})", d.version, &d.sha256[..12], d.rows, span(d.years)),
    };
    out.done(&format!(
        "pinned {}: sha256 {}, {} bytes, {} rows{} → {} (was {was})",
        d.name,
        &sha256[..12],
        record.bytes,
        record.rows,
        span(record.years),
        catalog_path.display()
    ));
    let readers = readers(&args.reports, &d.name);
    if !readers.is_empty() {
        out.note(&format!("stale now: {} (they read `{}`); `allywar reproduce` regenerates them", readers.join(", "), d.name));
    }
    Ok(ExitCode::SUCCESS)
}

/// The first and last year of a frame's year column (`year`, else `styear`).
fn years(frame: &DataFrame) -> Option<[i32; 2]> {
    let c = ["year", "styear"].iter().find_map(|n| frame.column(n).ok())?;
    let c = c.cast(&DataType::Int32).ok()?;
    let c = c.i32().ok()?;
    Some([c.min()?, c.max()?])
}

/// The studies under `reports` that read `dataset` (none when there is no reports folder).
fn readers(reports: &std::path::Path, dataset: &str) -> Vec<String> {
    let Ok(all) = studies(reports) else { return Vec::new() };
    all.into_iter()
        .filter(|(_, path)| spec::load(path).is_ok_and(|c| c.datasets().iter().any(|id| id.name() == dataset)))
        .map(|(id, _)| id)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn years_come_from_the_year_column() {
        let df = polars::prelude::df!("year" => [1990, 1816, 2016]).unwrap();
        assert_eq!(super::years(&df), Some([1816, 2016]));
        assert_eq!(super::years(&polars::prelude::df!("x" => [1]).unwrap()), None);
    }
}
