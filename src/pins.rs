//! The user catalog beside the data (`<data dir>/allywar.toml`, or the file `$ALLYWAR_CATALOG`
//! names). It holds two things the embedded catalog does not:
//! - pins: the files a user has accepted in place of the catalog's — a producer's new release
//!   or a corrected file — after `allywar data pin` checked them against the dataset's schema,
//!   with each dataset's earlier pins as its history, so that a data directory says which files
//!   it holds and since when. A pinned file is verified against its pin, any other file against
//!   the catalog;
//! - datasets of the user's own (`allywar data add`): a state-year or dyad-year file, its
//!   schema, and what it was when added. Their columns become variables (see
//!   [`crate::types::user_data`]).

use crate::catalog::{Column, ColumnType, Dataset, Encoding, Format};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Environment variable naming the user catalog (default: `allywar.toml` in the data directory).
pub const CATALOG_ENV: &str = "ALLYWAR_CATALOG";

/// The file name of the user catalog in a data directory.
pub const FILE_NAME: &str = "allywar.toml";

/// Why the user catalog cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PinError {
    /// It could not be read or written.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// It is not a user catalog.
    #[error("{}: not a user catalog allywar can read: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What the TOML reader said, with the line.
        message: String,
    },
}

/// One accepted file: what it was when pinned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// sha256, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Rows as the dataset's reader reads them.
    pub rows: u64,
    /// First and last year in the file, when it has a year column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<[i32; 2]>,
    /// When it was pinned (yyyy-mm-dd, UTC).
    pub pinned: String,
    /// Where it came from (a path or a URL).
    pub source: String,
}

/// A dataset's pin: the file accepted now, and the ones accepted before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// Catalog name of the dataset.
    pub dataset: String,
    /// The file accepted now.
    #[serde(flatten)]
    pub current: Record,
    /// Earlier pins, oldest first (the catalog's own file is not listed: it is the catalog).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Record>,
}

/// The unit of a user's dataset: what one row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UserUnit {
    /// A state in a year, keyed by COW code and year.
    StateYear,
    /// A pair of states in a year, keyed by the two COW codes and year.
    DyadYear,
}

impl UserUnit {
    /// The key columns in frames, in order.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            UserUnit::StateYear => &["ccode", "year"],
            UserUnit::DyadYear => &["ccode1", "ccode2", "year"],
        }
    }

    /// What each key means, in the order of [`UserUnit::keys`].
    pub fn key_meanings(self) -> &'static [&'static str] {
        match self {
            UserUnit::StateYear => &["COW country code", "year"],
            UserUnit::DyadYear => &["COW country code of state 1", "COW country code of state 2", "year"],
        }
    }

    /// The name on the command line and in the user catalog.
    pub fn name(self) -> &'static str {
        match self {
            UserUnit::StateYear => "state-year",
            UserUnit::DyadYear => "dyad-year",
        }
    }
}

/// A value column of a user's dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserColumn {
    /// The variable's name in frames (and the header in the file, unless `src` says otherwise).
    pub name: String,
    /// The header in the file, when it differs from `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    /// The value type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// What the column means.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub desc: String,
}

/// A dataset of the user's own, as `allywar data add` recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserDataset {
    /// Name (`allywar data add NAME`).
    pub name: String,
    /// What one row is.
    pub unit: UserUnit,
    /// The file, relative to the user catalog's folder (`allywar data add` copies it to
    /// `user/NAME.csv` there).
    pub file: String,
    /// Headers of the key columns in the file, in the order of [`UserUnit::keys`].
    pub keys: Vec<String>,
    /// Dyad-year files that list each pair once, in either order, for both directions.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub symmetric: bool,
    /// Codes read as missing in every column (besides an empty cell and `NA`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub na: Vec<String>,
    /// What the dataset is, and whom to cite.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cite: String,
    /// The file as it was when added.
    #[serde(flatten)]
    pub record: Record,
    /// The value columns, in file order.
    #[serde(rename = "column")]
    pub columns: Vec<UserColumn>,
}

impl UserDataset {
    /// Where the file is, for a user catalog at `catalog`.
    pub fn path(&self, catalog: &Path) -> PathBuf {
        catalog.parent().unwrap_or(Path::new(".")).join(&self.file)
    }

    /// The schema the typed reader applies: the keys (integers, named as in frames), then the
    /// value columns; unique on the keys.
    pub fn schema(&self) -> Dataset {
        let mut columns: Vec<Column> = self
            .unit
            .keys()
            .iter()
            .zip(&self.keys)
            .zip(self.unit.key_meanings())
            .map(|((name, src), meaning)| Column {
                src: src.clone(),
                name: (*name).to_string(),
                ty: ColumnType::I32,
                labelled: false,
                thousands: false,
                desc: (*meaning).to_string(),
                years: None,
            })
            .collect();
        columns.extend(self.columns.iter().map(|c| Column {
            src: c.src.clone().unwrap_or_else(|| c.name.clone()),
            name: c.name.clone(),
            ty: c.ty,
            labelled: false,
            thousands: false,
            desc: c.desc.clone(),
            years: None,
        }));
        Dataset {
            name: self.name.clone(),
            family: "user".into(),
            title: if self.cite.is_empty() { "a dataset of the user's own".into() } else { self.cite.clone() },
            version: self.record.pinned.clone(),
            path: self.file.clone(),
            format: Format::Csv,
            unit: self.unit.name().into(),
            bytes: self.record.bytes,
            sha256: self.record.sha256.clone(),
            rows: self.record.rows,
            encoding: Encoding::Utf8,
            homepage: String::new(),
            url: None,
            zip_member: Vec::new(),
            cite: Vec::new(),
            provenance: self.record.source.clone(),
            drop_blank_rows: true,
            key: self.unit.keys().iter().map(|k| (*k).to_string()).collect(),
            na: self.na.clone(),
            years: self.record.years,
            columns,
        }
    }
}

/// The user catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCatalog {
    /// Pins, one per dataset, in the order they were first made.
    #[serde(default, rename = "pin", skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<Pin>,
    /// Datasets of the user's own, in the order they were added.
    #[serde(default, rename = "dataset", skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<UserDataset>,
}

/// Where the user catalog of the data directory `root` is.
pub fn path_for(root: &Path) -> PathBuf {
    match std::env::var_os(CATALOG_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => root.join(FILE_NAME),
    }
}

impl UserCatalog {
    /// The user catalog at `path`; an absent file is an empty one.
    pub fn read(path: &Path) -> Result<UserCatalog, PinError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                toml::from_str(&text).map_err(|e| PinError::Format { path: path.to_path_buf(), message: e.to_string().trim().to_string() })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(UserCatalog::default()),
            Err(error) => Err(PinError::Io { path: path.to_path_buf(), error }),
        }
    }

    /// Writes it atomically, with a header saying what it is.
    pub fn write(&self, path: &Path) -> Result<(), PinError> {
        let body = toml::to_string(self).map_err(|e| PinError::Format { path: path.to_path_buf(), message: e.to_string() })?;
        let text = format!(
            "# allywar user catalog: files accepted by `allywar data pin` in place of the catalog's, and\n# datasets of the user's own added by `allywar data add`.\n# Written by allywar; each [[pin]] keeps the earlier pins of its dataset as its history.\n\n{body}"
        );
        crate::atomic::write_bytes(path, text.as_bytes()).map_err(|error| PinError::Io { path: path.to_path_buf(), error })
    }

    /// A dataset of the user's own.
    pub fn dataset(&self, name: &str) -> Option<&UserDataset> {
        self.datasets.iter().find(|d| d.name == name)
    }

    /// Adds a dataset of the user's own, or replaces the one of that name (in place, so
    /// the order stays that of first adding).
    pub fn add(&mut self, dataset: UserDataset) {
        match self.datasets.iter_mut().find(|d| d.name == dataset.name) {
            Some(d) => *d = dataset,
            None => self.datasets.push(dataset),
        }
    }

    /// The pin of a dataset.
    pub fn pin(&self, dataset: &str) -> Option<&Pin> {
        self.pins.iter().find(|p| p.dataset == dataset)
    }

    /// Pins `record` for `dataset`, the earlier pin (if any) moved into the history. Pinning
    /// the file already pinned changes nothing and returns false.
    pub fn set(&mut self, dataset: &str, record: Record) -> bool {
        match self.pins.iter_mut().find(|p| p.dataset == dataset) {
            Some(p) if p.current.sha256 == record.sha256 => false,
            Some(p) => {
                let old = std::mem::replace(&mut p.current, record);
                p.history.push(old);
                true
            }
            None => {
                self.pins.push(Pin { dataset: dataset.to_string(), current: record, history: Vec::new() });
                true
            }
        }
    }
}

/// Today's date, yyyy-mm-dd (UTC), from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(sha: &str) -> Record {
        Record { sha256: sha.into(), bytes: 3, rows: 1, years: Some([1816, 2016]), pinned: "2026-12-06".into(), source: "x".into() }
    }

    #[test]
    fn a_new_pin_keeps_the_old_one_in_its_history_and_reads_back() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(FILE_NAME);
        let mut c = UserCatalog::read(&path).unwrap();
        assert!(c.set("nmc", record("aa")));
        assert!(!c.set("nmc", record("aa")), "the same file again changes nothing");
        assert!(c.set("nmc", record("bb")));
        c.write(&path).unwrap();
        let back = UserCatalog::read(&path).unwrap();
        assert_eq!(back, c);
        let pin = back.pin("nmc").unwrap();
        assert_eq!((pin.current.sha256.as_str(), pin.history.len(), pin.history[0].sha256.as_str()), ("bb", 1, "aa"));
        std::fs::write(&path, "[[pin]]\ndataset = 1\n").unwrap();
        let e = UserCatalog::read(&path).unwrap_err().to_string();
        assert!(e.contains("allywar.toml") && e.contains("line 2"), "{e}");
    }

    #[test]
    fn today_is_a_civil_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.as_str() > "2024-01-01" && &t[4..5] == "-" && &t[7..8] == "-", "{t}");
    }
}
