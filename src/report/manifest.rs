//! `reports/manifest.json`: what each study's outputs were made from — the sha256 of every input
//! data file and of its spec, and the allywar build — and the sha256 of every output, so that
//! `reproduce` runs only the studies whose inputs changed and `reproduce --check` can say which
//! outputs are stale and why without running anything.

use super::spec::Checked;
use crate::datadir::DataDir;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// The allywar build that made an output: the version and a fingerprint of the source, the
/// catalog and Cargo.lock (a change of code can change a result).
pub const BUILD: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("ALLYWAR_SOURCE"));

/// The manifest of a reports folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// sha256 of reports/index.html as last written.
    #[serde(default)]
    pub index: String,
    /// Each study's record, by folder name.
    #[serde(default)]
    pub studies: BTreeMap<String, Entry>,
}

/// What one study's outputs were made from, and what they were.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The allywar build ([`BUILD`]).
    pub allywar: String,
    /// sha256 of spec.toml.
    pub spec: String,
    /// sha256 of each input data file, by dataset name ("missing" when absent).
    pub inputs: BTreeMap<String, String>,
    /// sha256 of each output file, by file name in the study's folder.
    pub outputs: BTreeMap<String, String>,
    /// Why its last run failed: the outputs are not those of its inputs until a run succeeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

/// Why a study's outputs are stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Never generated (not in the manifest).
    New,
    /// Made by another allywar build.
    Build {
        /// The build that made them.
        was: String,
    },
    /// spec.toml changed.
    Spec,
    /// An input data file changed (or appeared, or disappeared).
    Input {
        /// Dataset name.
        dataset: String,
        /// sha256 recorded (empty: not read before).
        was: String,
        /// sha256 now (empty: no longer read).
        now: String,
    },
    /// Its last run failed (its outputs, if any, are those of an earlier run).
    Failed {
        /// The error it failed with.
        error: String,
    },
    /// An output is missing or differs from what was written.
    Output {
        /// File name in the study's folder.
        file: String,
        /// `missing` or `modified`.
        how: &'static str,
    },
}

fn short(sha: &str) -> &str {
    &sha[..12.min(sha.len())]
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::New => write!(f, "never generated"),
            Reason::Build { was } => write!(f, "made by allywar {was}, this is {BUILD}"),
            Reason::Spec => write!(f, "spec.toml changed"),
            Reason::Input { dataset, was, now } if was.is_empty() => write!(f, "now reads data `{dataset}` ({})", short(now)),
            Reason::Input { dataset, now, .. } if now.is_empty() => write!(f, "no longer reads data `{dataset}`"),
            Reason::Input { dataset, was, now } => write!(f, "data `{dataset}` changed (sha256 {} → {})", short(was), short(now)),
            Reason::Failed { error } => write!(f, "its last run failed ({error})"),
            Reason::Output { file, how } => write!(f, "{file} {how} since it was generated"),
        }
    }
}

/// Why the manifest cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// It could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// It is not a manifest.
    #[error("{path}: not a manifest allywar can read: {error} (delete it and run `allywar reproduce --force`)")]
    Format {
        /// The file.
        path: PathBuf,
        /// Why.
        error: serde_json::Error,
    },
}

impl Manifest {
    /// The manifest at `path`; an absent file is an empty manifest.
    pub fn read(path: &Path) -> Result<Manifest, ManifestError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| ManifestError::Format { path: path.to_path_buf(), error }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(error) => Err(ManifestError::Io { path: path.to_path_buf(), error }),
        }
    }

    /// Writes it atomically (sorted keys, two-space indents, a final newline).
    pub fn write(&self, path: &Path) -> Result<(), ManifestError> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        crate::atomic::write_bytes(path, text.as_bytes()).map_err(|error| ManifestError::Io { path: path.to_path_buf(), error })
    }
}

/// sha256 of a file, as lowercase hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut h = Sha256::new();
    let mut f = std::fs::File::open(path)?;
    std::io::copy(&mut f, &mut h)?;
    Ok(format!("{:x}", h.finalize()))
}

/// sha256 of files, each read once per run.
#[derive(Default)]
pub struct Hashes(HashMap<PathBuf, String>);

impl Hashes {
    /// sha256 of `path`, or "missing".
    pub fn of(&mut self, path: &Path) -> String {
        self.0.entry(path.to_path_buf()).or_insert_with(|| sha256_file(path).unwrap_or_else(|_| "missing".into())).clone()
    }
}

/// sha256 of every data file the study reads (the user's own too), by dataset name.
pub fn inputs(study: &Checked, dir: &DataDir, hashes: &mut Hashes) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> =
        study.datasets().into_iter().map(|id| (id.name().to_string(), hashes.of(&dir.path_of(id.dataset())))).collect();
    let user = study.user_datasets();
    if !user.is_empty() {
        let (path, catalog) = (dir.user_catalog_path(), dir.user_catalog().unwrap_or_default());
        for name in user {
            let file = catalog.dataset(name).map_or_else(|| path.with_file_name("missing"), |d| d.path(&path));
            out.insert(name.to_string(), hashes.of(&file));
        }
    }
    out
}

/// sha256 of every file in a study's folder but its spec.
pub fn outputs(folder: &Path) -> std::io::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if path.is_file() && name != "spec.toml" {
            out.insert(name, sha256_file(&path)?);
        }
    }
    Ok(out)
}

/// The record of a study just generated in `folder` from `inputs`.
pub fn entry(folder: &Path, inputs: BTreeMap<String, String>) -> std::io::Result<Entry> {
    Ok(Entry { allywar: BUILD.to_string(), spec: sha256_file(&folder.join("spec.toml"))?, inputs, outputs: outputs(folder)?, failed: None })
}

/// The record of a study whose run just failed with `error`: the earlier record (or none) with
/// the failure noted, so that it stays stale until a run succeeds.
pub fn failure(earlier: Option<&Entry>, error: &str) -> Entry {
    // The first line is enough to say why; the page carries the whole message.
    let first = error.lines().next().unwrap_or_default();
    Entry { failed: Some(first.to_string()), ..earlier.cloned().unwrap_or_default() }
}

/// Why a study's outputs in `folder` are stale against its record, given the sha256 of its
/// inputs now; empty when they are up to date.
pub fn staleness(recorded: Option<&Entry>, folder: &Path, inputs: &BTreeMap<String, String>) -> Vec<Reason> {
    let Some(e) = recorded else {
        return vec![Reason::New];
    };
    let mut why = Vec::new();
    if let Some(error) = &e.failed {
        why.push(Reason::Failed { error: error.clone() });
        if e.spec.is_empty() {
            // It never ran to the end: nothing else was recorded to compare.
            return why;
        }
    }
    if e.allywar != BUILD {
        why.push(Reason::Build { was: e.allywar.clone() });
    }
    if sha256_file(&folder.join("spec.toml")).ok().as_deref() != Some(e.spec.as_str()) {
        why.push(Reason::Spec);
    }
    let names: std::collections::BTreeSet<&String> = e.inputs.keys().chain(inputs.keys()).collect();
    for name in names {
        let (was, now) = (e.inputs.get(name).cloned().unwrap_or_default(), inputs.get(name).cloned().unwrap_or_default());
        if was != now {
            why.push(Reason::Input { dataset: name.clone(), was, now });
        }
    }
    for (file, sha) in &e.outputs {
        match sha256_file(&folder.join(file)) {
            Ok(now) if &now == sha => {}
            Ok(_) => why.push(Reason::Output { file: file.clone(), how: "modified" }),
            Err(_) => why.push(Reason::Output { file: file.clone(), how: "missing" }),
        }
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staleness_names_each_changed_input_and_output() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path();
        std::fs::write(folder.join("spec.toml"), "title = \"t\"\n").unwrap();
        std::fs::write(folder.join("table.md"), "| a |\n").unwrap();
        let inputs = BTreeMap::from([("nmc".to_string(), "aa".to_string())]);
        let e = entry(folder, inputs.clone()).unwrap();
        assert_eq!(e.outputs.keys().collect::<Vec<_>>(), ["table.md"]);
        assert!(staleness(Some(&e), folder, &inputs).is_empty());
        assert_eq!(staleness(None, folder, &inputs), [Reason::New]);
        let changed = BTreeMap::from([("nmc".to_string(), "bb".to_string())]);
        assert_eq!(staleness(Some(&e), folder, &changed), [Reason::Input { dataset: "nmc".into(), was: "aa".into(), now: "bb".into() }]);
        std::fs::write(folder.join("table.md"), "| b |\n").unwrap();
        std::fs::write(folder.join("spec.toml"), "title = \"u\"\n").unwrap();
        let why = staleness(Some(&Entry { allywar: "0.0.1".into(), ..e.clone() }), folder, &inputs);
        assert_eq!(why.len(), 3, "{why:?}");
        assert_eq!(why[2].to_string(), "table.md modified since it was generated");
        // Written and read back unchanged.
        let m = Manifest { index: "ff".into(), studies: BTreeMap::from([("s".to_string(), e)]) };
        m.write(&folder.join("manifest.json")).unwrap();
        assert_eq!(Manifest::read(&folder.join("manifest.json")).unwrap(), m);
        assert_eq!(Manifest::read(&folder.join("none.json")).unwrap(), Manifest::default());
    }
}
