//! Where raw data lives: `--data-dir DIR`, then `$ALLYWAR_DATA`, then `./data/raw`.

use crate::catalog::Dataset;
use std::path::{Path, PathBuf};

/// Name of the environment variable that points at the raw data directory.
pub const DATA_ENV: &str = "ALLYWAR_DATA";

/// How the data directory was chosen (reported by `allywar data status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--data-dir` on the command line (or given by the caller of the library).
    Flag,
    /// The `ALLYWAR_DATA` environment variable.
    Env,
    /// The default `./data/raw`.
    Default,
}

impl Origin {
    /// How to say it in a report.
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Flag => "--data-dir",
            Origin::Env => "$ALLYWAR_DATA",
            Origin::Default => "default ./data/raw",
        }
    }
}

/// A raw data directory and the policy for files whose checksum the catalog does not know.
#[derive(Debug, Clone)]
pub struct DataDir {
    /// The directory holding `<dataset folder>/<file>` as in the catalog.
    pub root: PathBuf,
    /// How it was chosen.
    pub origin: Origin,
    /// Load files whose sha256 differs from the catalog (a newer release, say) instead of
    /// refusing them. Reported as unverified.
    pub allow_unverified: bool,
}

impl DataDir {
    /// A data directory at an explicit path.
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into(), origin: Origin::Flag, allow_unverified: false }
    }

    /// Resolves `--data-dir`, then `$ALLYWAR_DATA`, then `./data/raw`.
    pub fn resolve(flag: Option<&Path>) -> DataDir {
        let (root, origin) = match (flag, std::env::var_os(DATA_ENV)) {
            (Some(p), _) => (p.to_path_buf(), Origin::Flag),
            (None, Some(env)) if !env.is_empty() => (PathBuf::from(env), Origin::Env),
            _ => (PathBuf::from("data/raw"), Origin::Default),
        };
        DataDir { root, origin, allow_unverified: false }
    }

    /// Same directory, with the unverified-file policy set.
    pub fn allow_unverified(mut self, allow: bool) -> DataDir {
        self.allow_unverified = allow;
        self
    }

    /// Where the user catalog of this directory is (its pins): `$ALLYWAR_CATALOG`, else
    /// `allywar.toml` in the directory.
    pub fn user_catalog_path(&self) -> PathBuf {
        crate::pins::path_for(&self.root)
    }

    /// Makes the variables of the user's own datasets in this directory's user catalog known
    /// for the rest of the run (`--vars`, formulas, specs, `allywar vars`); names that clash
    /// with the registry's or each other are an error.
    pub fn install_user_data(&self) -> Result<(), crate::pins::PinError> {
        let path = self.user_catalog_path();
        let user = crate::pins::UserCatalog::read(&path)?;
        crate::types::user_data::install(&user.datasets)
            .map_err(|problems| crate::pins::PinError::Format { path, message: problems.join("; ") })
    }

    /// The user catalog of this directory (empty when there is none).
    pub fn user_catalog(&self) -> Result<crate::pins::UserCatalog, crate::pins::PinError> {
        crate::pins::UserCatalog::read(&self.user_catalog_path())
    }

    /// Checks a file's size and sha256 against its pin in the user catalog, if the dataset has
    /// one, else against the catalog.
    pub fn verify(&self, d: &Dataset, bytes: u64, sha256: &str) -> Result<crate::verify::Verification, crate::pins::PinError> {
        use crate::verify::{compare, Verification};
        let pins = self.user_catalog()?;
        Ok(match pins.pin(&d.name) {
            Some(p) if p.current.bytes == bytes && p.current.sha256 == sha256 => Verification::Verified,
            Some(_) => Verification::Mismatch { bytes, sha256: sha256.to_string() },
            None => compare(d, bytes, sha256),
        })
    }

    /// Checks the dataset's file in this directory (see [`DataDir::verify`]).
    pub fn check_file(&self, d: &Dataset) -> std::io::Result<crate::verify::Verification> {
        use crate::verify::{sha256_file, Verification};
        match sha256_file(&self.path_of(d)) {
            Ok((bytes, sha)) => self.verify(d, bytes, &sha).map_err(std::io::Error::other),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Verification::Missing),
            Err(e) => Err(e),
        }
    }

    /// Where a dataset's file is (or would be) in this directory.
    pub fn path_of(&self, d: &Dataset) -> PathBuf {
        self.root.join(&d.path)
    }
}

/// One catalog file as found in a data directory.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Catalog name.
    pub name: String,
    /// Catalog version.
    pub version: String,
    /// Where it is (or would be).
    pub path: PathBuf,
    /// Verified, mismatch or missing.
    pub verification: crate::verify::Verification,
    /// Rows in the verified file (unknown for a mismatch or a missing file).
    pub rows: Option<u64>,
}

/// What a data directory holds, checked against the catalog.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// Every catalog file, in catalog order.
    pub entries: Vec<Entry>,
    /// The user's own datasets (`allywar data add`), in the order added, checked against what
    /// was recorded when they were added.
    pub user: Vec<Entry>,
    /// Files in the directory that neither catalog lists (relative paths, sorted).
    pub not_in_catalog: Vec<String>,
}

impl DataDir {
    /// Hashes every catalog file present and lists the files the catalog does not know.
    pub fn inventory(&self) -> std::io::Result<Inventory> {
        use crate::verify::Verification;
        let cat = crate::catalog::catalog();
        let pins = self.user_catalog().map_err(std::io::Error::other)?;
        let mut entries = Vec::with_capacity(cat.datasets.len());
        for d in &cat.datasets {
            let path = self.path_of(d);
            let verification = self.check_file(d)?;
            let pinned = pins.pin(&d.name).map(|p| p.current.rows);
            let rows = (verification == Verification::Verified).then_some(pinned.unwrap_or(d.rows));
            entries.push(Entry { name: d.name.clone(), version: d.version.clone(), path, verification, rows });
        }
        let catalog_path = self.user_catalog_path();
        let mut user = Vec::with_capacity(pins.datasets.len());
        for d in &pins.datasets {
            let path = d.path(&catalog_path);
            let verification = match crate::verify::sha256_file(&path) {
                Ok((_, sha)) if sha == d.record.sha256 => Verification::Verified,
                Ok((bytes, sha256)) => Verification::Mismatch { bytes, sha256 },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Verification::Missing,
                Err(e) => return Err(e),
            };
            let rows = (verification == Verification::Verified).then_some(d.record.rows);
            user.push(Entry { name: d.name.clone(), version: d.record.pinned.clone(), path, verification, rows });
        }
        let mut known: std::collections::HashSet<String> = cat.datasets.iter().map(|d| d.path.clone()).collect();
        // The user's files, when the user catalog is in the directory.
        known.extend(user.iter().filter_map(|e| e.path.strip_prefix(&self.root).ok()).map(|p| p.to_string_lossy().replace('\\', "/")));
        let mut not_in_catalog = Vec::new();
        if self.root.is_dir() {
            walk(&self.root, &self.root, &mut |rel| {
                if !known.contains(rel) && rel != crate::pins::FILE_NAME {
                    not_in_catalog.push(rel.to_string());
                }
            })?;
        }
        not_in_catalog.sort();
        Ok(Inventory { entries, user, not_in_catalog })
    }
}

/// Calls `f` with the `/`-separated path of every regular, non-hidden file below `dir`.
fn walk(root: &Path, dir: &Path, f: &mut dyn FnMut(&str)) -> std::io::Result<()> {
    let mut items: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    items.sort_by_key(|e| e.file_name());
    for item in items {
        if item.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = item.path();
        if item.file_type()?.is_dir() {
            walk(root, &path, f)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            f(&rel.join("/"));
        }
    }
    Ok(())
}
