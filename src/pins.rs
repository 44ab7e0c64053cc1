//! Pins: the files a user has accepted in place of the catalog's — a producer's new release or
//! a corrected file — after `allywar data pin` checked them against the dataset's schema. They
//! are kept in the user catalog beside the data (`<data dir>/allywar.toml`, or the file
//! `$ALLYWAR_CATALOG` names), with each dataset's earlier pins as its history, so that a data
//! directory says which files it holds and since when. The embedded catalog stays as it was:
//! a pinned file is verified against its pin, any other file against the catalog.

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

/// The user catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCatalog {
    /// Pins, one per dataset, in the order they were first made.
    #[serde(default, rename = "pin", skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<Pin>,
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
            "# allywar user catalog: files accepted by `allywar data pin` in place of the catalog's.\n# Written by allywar; each [[pin]] keeps the earlier pins of its dataset as its history.\n\n{body}"
        );
        crate::atomic::write_bytes(path, text.as_bytes()).map_err(|error| PinError::Io { path: path.to_path_buf(), error })
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
