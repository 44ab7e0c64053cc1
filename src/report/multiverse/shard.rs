//! A multiverse split across machines: `allywar multiverse STUDY --shard K/N` runs the K-th of N
//! deterministic shards and writes a part (`part-K-of-N.json`: its rows, and a manifest naming
//! the study, the spec's sha256, the allywar build, K and N); `allywar multiverse merge DIR…`
//! checks that the parts belong together and cover every specification once, and writes what
//! the single-machine run writes, byte for byte.
//!
//! Shards are made of whole design groups (the specifications that share a frame, rows and
//! formula, fixed effects aside, share one design: see [`super::run`]), so a shard builds each
//! design once. Groups go costliest first to the least loaded shard (longest processing time
//! first), by an estimate of their cost: rows (the frame's years, each weighed by the system's
//! size then, cut by a filter on year) × (regressors + 1) × the fits the group asks for, each
//! weighed by its estimator; a shard that lacks a group's frame counts building it too.

use super::run::{group_key, Row};
use super::{Multiverse, Specification};
use crate::estimate::Model;
use crate::report::frames::frame_key;
use crate::types::{Unit, Years};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One shard of N, K from 0 (a Slurm array task's `SLURM_ARRAY_TASK_ID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which, 0 ≤ k < n.
    pub k: usize,
    /// Of how many.
    pub n: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s:?}: expected K/N with 0 ≤ K < N, such as 0/4 (K is a Slurm array task's SLURM_ARRAY_TASK_ID)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if n == 0 || k >= n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// States in the COW system, roughly, at a few years (linear between them): what makes a
/// dyad-year of 2000 forty times a dyad-year of 1816 in rows.
const SYSTEM_SIZE: [(i32, f64); 9] =
    [(1816, 23.0), (1860, 40.0), (1900, 43.0), (1920, 60.0), (1945, 65.0), (1960, 107.0), (1980, 160.0), (1992, 185.0), (2016, 195.0)];

fn system_size(year: i32) -> f64 {
    let w = SYSTEM_SIZE.windows(2).find(|w| year <= w[1].0).unwrap_or(&SYSTEM_SIZE[SYSTEM_SIZE.len() - 2..]);
    let ((a, na), (b, nb)) = (w[0], w[1]);
    na + (nb - na) * f64::from((year - a).clamp(0, b - a)) / f64::from(b - a)
}

/// Rows of a frame in `year`, roughly (what matters is the ratio between designs).
fn rows_in(unit: Unit, directed: bool, prd: bool, year: i32) -> f64 {
    let n = system_size(year);
    match unit {
        // About one directed dyad-year in twelve is politically relevant.
        Unit::DyadYear => n * (n - 1.0) / if directed { 1.0 } else { 2.0 } / if prd { 12.0 } else { 1.0 },
        Unit::StateYear => n,
        _ => 50.0,
    }
}

/// The years of a specification's frame: those asked, or the dispute source's.
fn years(s: &Specification) -> Years {
    s.frame.years.unwrap_or_else(|| s.frame.mids.coverage())
}

/// The rows of a specification's frame that its filter keeps, roughly: a filter on `year`
/// alone is applied to the years; any other counts every row.
fn rows(s: &Specification) -> f64 {
    let r = &s.frame;
    let years = years(s);
    let all: Vec<i32> = (years.first..=years.last).collect();
    let kept = if s.filter.columns() == ["year"] {
        let frame = polars::df!("year" => &all).ok().and_then(|df| s.filter.apply(&df).ok());
        frame.and_then(|df| Some(df.column("year").ok()?.i32().ok()?.into_no_null_iter().collect())).unwrap_or(all)
    } else {
        all
    };
    kept.iter().map(|&y| rows_in(r.unit, r.directed, r.prd, y)).sum()
}

/// The estimated cost of a design group: rows × (regressors + 1) × its fits, each weighed by
/// how long its estimator takes (absorbed effects and King & Zeng's correction cost more, least
/// squares less), and a little for each variance type.
fn cost(specs: &[&Specification]) -> f64 {
    let Some(first) = specs.first() else { return 0.0 };
    let regressors = first.formula.matches('+').count() as f64 + 2.0;
    let mut fits: Vec<(String, f64)> = specs
        .iter()
        .map(|s| {
            let fe = if s.formula.contains(" | ") { 2.0 } else { 1.0 };
            let model = match s.model {
                Model::Gaussian => 0.5,
                Model::Relogit { .. } => 1.5,
                _ => 1.0,
            };
            (format!("{:?}|{}", s.model, s.formula), model * fe)
        })
        .collect();
    let variances = specs.len() as f64;
    fits.sort_by(|a, b| a.0.cmp(&b.0));
    fits.dedup_by(|a, b| a.0 == b.0);
    rows(first) * regressors * (fits.iter().map(|f| f.1).sum::<f64>() + 0.3 * variances)
}

/// The estimated cost of building a frame, in the units of [`cost`]: about two fits of a
/// twelve-regressor logit on it.
fn frame_cost(s: &Specification) -> f64 {
    let r = &s.frame;
    let years = years(s);
    (years.first..=years.last).map(|y| rows_in(r.unit, r.directed, r.prd, y)).sum::<f64>() * 26.0
}

/// The shard of every specification of `m` (by position in `m.specs`). Groups go costliest
/// first to the shard where they add least, counting the frame a shard must build when it does
/// not have it yet, so that a frame's designs tend to share a shard and frames are not built
/// on every machine.
pub fn assign(m: &Multiverse, n: usize) -> Vec<usize> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (i, s) in m.specs.iter().enumerate() {
        let key = group_key(s);
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(i);
    }
    // Costliest first; equal costs in the order of the expansion, so that every run agrees.
    let mut costed: Vec<(f64, usize, &Vec<usize>)> = order
        .iter()
        .enumerate()
        .map(|(g, key)| {
            let members = &groups[key];
            let specs: Vec<&Specification> = members.iter().map(|&i| &m.specs[i]).collect();
            (cost(&specs), g, members)
        })
        .collect();
    costed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let n = n.max(1);
    let mut load = vec![0.0_f64; n];
    let mut frames: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut shard_of = vec![0; m.specs.len()];
    for (c, _, members) in costed {
        let first = &m.specs[members[0]];
        let frame = frame_key(&first.frame);
        let extra = |k: usize| if frames[k].contains(&frame) { 0.0 } else { frame_cost(first) };
        let best = (0..n).min_by(|&a, &b| (load[a] + extra(a)).total_cmp(&(load[b] + extra(b))).then(a.cmp(&b))).unwrap_or(0);
        load[best] += c + extra(best);
        if !frames[best].contains(&frame) {
            frames[best].push(frame);
        }
        for &i in members {
            shard_of[i] = best;
        }
    }
    shard_of
}

/// The multiverse with only the specifications of shard `s` (their ids kept).
pub fn select(m: &Multiverse, s: Shard) -> Multiverse {
    let shard_of = assign(m, s.n);
    let specs = m.specs.iter().zip(&shard_of).filter(|(_, &k)| k == s.k).map(|(spec, _)| spec.clone()).collect();
    Multiverse { specs, ..m.clone() }
}

/// What a part was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The study's id (its folder under the reports folder).
    pub study: String,
    /// sha256 of its spec.toml.
    pub spec_sha256: String,
    /// The allywar build that ran it.
    pub allywar: String,
    /// The term followed.
    pub term: String,
    /// `--limit`, if any.
    pub limit: Option<usize>,
    /// This shard.
    pub shard: usize,
    /// Of how many.
    pub shards: usize,
    /// Specifications of the whole multiverse (after `--limit`).
    pub total: usize,
    /// The specifications this part ran, by id.
    pub specs: Vec<usize>,
}

/// A row as a part keeps it: every number as its bits, so that a merge rebuilds it exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    id: usize,
    picks: Vec<usize>,
    numbers: [Option<u64>; 7],
    counts: [Option<usize>; 4],
    vcov_positive_definite: Option<bool>,
    status: String,
}

impl Record {
    fn of(r: &Row) -> Record {
        let bits = |x: Option<f64>| x.map(f64::to_bits);
        Record {
            id: r.id,
            picks: r.picks.clone(),
            numbers: [r.estimate, r.std_error, r.statistic, r.p_value, r.conf_low, r.conf_high, r.scale].map(bits),
            counts: [r.nobs, r.n_dropped, r.groups_dropped, r.iterations],
            vcov_positive_definite: r.vcov_positive_definite,
            status: r.status.clone(),
        }
    }

    fn row(self) -> Row {
        let [estimate, std_error, statistic, p_value, conf_low, conf_high, scale] = self.numbers.map(|b| b.map(f64::from_bits));
        let [nobs, n_dropped, groups_dropped, iterations] = self.counts;
        Row {
            id: self.id,
            picks: self.picks,
            estimate,
            std_error,
            statistic,
            p_value,
            conf_low,
            conf_high,
            scale,
            nobs,
            n_dropped,
            groups_dropped,
            iterations,
            vcov_positive_definite: self.vcov_positive_definite,
            status: self.status,
        }
    }
}

/// A part file: its manifest and rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartFile {
    manifest: Manifest,
    rows: Vec<Record>,
}

/// Why parts cannot be written, read or merged.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// A file could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// A file that is not a part.
    #[error("{path}: not a multiverse part allywar can read: {message}")]
    Format {
        /// The file.
        path: String,
        /// What the reader said.
        message: String,
    },
    /// Parts that do not make one multiverse.
    #[error("{0}")]
    Mismatch(String),
}

/// The file name of part `s`.
pub fn part_name(s: Shard) -> String {
    format!("part-{}-of-{}.json", s.k, s.n)
}

/// Writes part `manifest.shard` of `rows` into `dir`, atomically.
pub fn write_part(dir: &Path, manifest: Manifest, rows: &[Row]) -> Result<PathBuf, ShardError> {
    let path = dir.join(part_name(Shard { k: manifest.shard, n: manifest.shards }));
    let part = PartFile { manifest, rows: rows.iter().map(Record::of).collect() };
    let text =
        serde_json::to_string(&part).map_err(|e| ShardError::Format { path: path.display().to_string(), message: e.to_string() })? + "\n";
    crate::atomic::write_bytes(&path, text.as_bytes()).map_err(|error| ShardError::Io { path: path.display().to_string(), error })?;
    Ok(path)
}

/// The part files in `dirs` (`part-*-of-*.json`), in name order.
pub fn find_parts(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, ShardError> {
    let mut out = Vec::new();
    for d in dirs {
        if d.is_file() {
            out.push(d.clone());
            continue;
        }
        let entries = std::fs::read_dir(d).map_err(|error| ShardError::Io { path: d.display().to_string(), error })?;
        for e in entries {
            let p = e.map_err(|error| ShardError::Io { path: d.display().to_string(), error })?.path();
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.starts_with("part-") && name.ends_with(".json") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads parts and checks that they make one multiverse: the same study, spec, build, term and
/// limit; N parts, each shard once; every specification of the whole once. Returns the shared
/// manifest (shard 0's) and every row, in specification order.
pub fn merge(paths: &[PathBuf]) -> Result<(Manifest, Vec<Row>), ShardError> {
    if paths.is_empty() {
        return Err(ShardError::Mismatch("no part files (part-K-of-N.json) found".into()));
    }
    let mut parts: Vec<(PathBuf, PartFile)> = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(p).map_err(|error| ShardError::Io { path: p.display().to_string(), error })?;
        let part: PartFile =
            serde_json::from_str(&text).map_err(|e| ShardError::Format { path: p.display().to_string(), message: e.to_string() })?;
        parts.push((p.clone(), part));
    }
    let (first_path, first) = (parts[0].0.clone(), parts[0].1.manifest.clone());
    let (first_path, first) = (&first_path, &first);
    for (p, part) in &parts[1..] {
        let m = &part.manifest;
        for (what, a, b) in [
            ("study", &first.study, &m.study),
            ("spec (sha256)", &first.spec_sha256, &m.spec_sha256),
            ("allywar build", &first.allywar, &m.allywar),
            ("term", &first.term, &m.term),
        ] {
            if a != b {
                return Err(ShardError::Mismatch(format!(
                    "{} and {}: different {what} ({a} and {b}); parts merge only with parts of the same run",
                    first_path.display(),
                    p.display()
                )));
            }
        }
        if (m.limit, m.shards, m.total) != (first.limit, first.shards, first.total) {
            return Err(ShardError::Mismatch(format!(
                "{} and {}: different splits (--limit {:?} vs {:?}, {} vs {} shards, {} vs {} specifications)",
                first_path.display(),
                p.display(),
                first.limit,
                m.limit,
                first.shards,
                m.shards,
                first.total,
                m.total
            )));
        }
    }
    let mut seen: BTreeMap<usize, PathBuf> = BTreeMap::new();
    for (p, part) in &parts {
        if let Some(other) = seen.insert(part.manifest.shard, p.clone()) {
            return Err(ShardError::Mismatch(format!(
                "shard {} of {} twice: {} and {}",
                part.manifest.shard,
                first.shards,
                other.display(),
                p.display()
            )));
        }
    }
    let missing: Vec<String> =
        (0..first.shards).filter(|k| !seen.contains_key(k)).map(|k| part_name(Shard { k, n: first.shards })).collect();
    if !missing.is_empty() {
        return Err(ShardError::Mismatch(format!("{} of {} parts missing: {}", missing.len(), first.shards, missing.join(", "))));
    }
    let mut rows: BTreeMap<usize, Row> = BTreeMap::new();
    for (p, part) in parts {
        let listed: Vec<usize> = part.rows.iter().map(|r| r.id).collect();
        if listed != part.manifest.specs {
            return Err(ShardError::Format {
                path: p.display().to_string(),
                message: "its rows are not the specifications its manifest lists".into(),
            });
        }
        for r in part.rows {
            let id = r.id;
            if rows.insert(id, r.row()).is_some() {
                return Err(ShardError::Mismatch(format!("specification {id} is in two parts ({})", p.display())));
            }
        }
    }
    let missing: Vec<String> = (1..=first.total).filter(|id| !rows.contains_key(id)).map(|id| id.to_string()).collect();
    if !missing.is_empty() || rows.len() != first.total {
        return Err(ShardError::Mismatch(format!("specifications missing from the parts: {}", missing.join(", "))));
    }
    let manifest = first.clone();
    Ok((manifest, rows.into_values().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_read_and_bad_ones_named() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { k: 2, n: 4 }));
        for bad in ["4/4", "1", "a/4", "0/0", "-1/3"] {
            assert!(bad.parse::<Shard>().unwrap_err().contains("expected K/N"), "{bad}");
        }
    }

    #[test]
    fn a_row_survives_its_part_bit_for_bit() {
        let r = Row {
            id: 3,
            picks: vec![0, 2],
            estimate: Some(0.1 + 0.2),
            std_error: Some(f64::NAN),
            statistic: None,
            p_value: Some(1e-300),
            conf_low: Some(-0.0),
            conf_high: Some(f64::INFINITY),
            scale: Some(0.25),
            nobs: Some(10),
            n_dropped: Some(0),
            groups_dropped: None,
            iterations: Some(7),
            vcov_positive_definite: Some(true),
            status: "ok".into(),
        };
        let back = serde_json::from_str::<Record>(&serde_json::to_string(&Record::of(&r)).unwrap()).unwrap().row();
        assert_eq!(back.std_error.map(f64::to_bits), r.std_error.map(f64::to_bits));
        assert_eq!(back.conf_low.map(f64::to_bits), Some((-0.0f64).to_bits()));
        assert_eq!(
            (back.estimate, back.p_value, back.conf_high, back.nobs, back.status),
            (r.estimate, r.p_value, r.conf_high, r.nobs, r.status)
        );
    }
}
