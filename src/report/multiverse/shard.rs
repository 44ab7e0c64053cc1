//! A multiverse split across machines: `allywar multiverse STUDY --shard K/N` runs the K-th of N
//! deterministic shards and writes a part (`part-K-of-N.json`: its rows, and a manifest naming
//! the study, the spec's sha256, the allywar build, K and N); `allywar multiverse merge DIR…`
//! checks that the parts belong together and cover every specification once, and writes what
//! the single-machine run writes, byte for byte.
//!
//! Shards are made of whole design groups (the specifications that share a frame, rows and
//! formula, fixed effects aside, share one design: see [`super::run`]), so a shard builds each
//! design once. Groups go costliest first to the least loaded shard (longest processing time
//! first), by an estimate of their cost: rows (years of the frame × its unit's rows a year) ×
//! (regressors + 1) × the fits the group asks for.

use super::run::Row;
use super::{Multiverse, Specification};
use crate::report::frames::frame_key;
use crate::types::Unit;
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

/// The design group of a specification: its frame, rows and formula without fixed effects.
pub fn group_key(s: &Specification) -> String {
    let formula = s.formula.split_once(" | ").map_or(s.formula.as_str(), |(f, _)| f);
    format!("{}|{}|{formula}", frame_key(&s.frame), s.filter)
}

/// Rows a year of a unit's frame, roughly (what matters is the ratio between frames).
fn rows_a_year(unit: Unit, directed: bool) -> f64 {
    match unit {
        Unit::DyadYear if directed => 14_000.0,
        Unit::DyadYear => 7_000.0,
        Unit::StateYear | Unit::AllianceYear => 120.0,
        _ => 50.0,
    }
}

/// The estimated cost of a design group.
fn cost(specs: &[&Specification]) -> f64 {
    let Some(first) = specs.first() else { return 0.0 };
    let r = &first.frame;
    let years = r.years.map_or(200.0, |y| f64::from(y.last - y.first + 1));
    let regressors = first.formula.matches('+').count() as f64 + 2.0;
    let mut fits: Vec<String> = specs.iter().map(|s| format!("{:?}|{}", s.model, s.formula)).collect();
    fits.sort();
    fits.dedup();
    years * rows_a_year(r.unit, r.directed) * regressors * fits.len() as f64
}

/// The shard of every specification of `m` (by position in `m.specs`).
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
    let mut load = vec![0.0_f64; n.max(1)];
    let mut shard_of = vec![0; m.specs.len()];
    for (c, _, members) in costed {
        let lightest = (0..load.len()).min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b))).unwrap_or(0);
        load[lightest] += c;
        for &i in members {
            shard_of[i] = lightest;
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
