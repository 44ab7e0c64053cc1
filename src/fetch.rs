//! Filling a data directory: from the producers' URLs in the catalog (extracting a member of a
//! zip archive, or of a zip inside a zip), or from a mirror (a directory or a URL laid out like
//! the data directory). Every file is checked against the catalog's size and sha256 before it
//! is written, and written atomically: a temporary file in the target folder, then a rename.

use crate::atomic::write_bytes;
use crate::catalog::Dataset;
use crate::datadir::DataDir;
use crate::verify::{sha256_hex, Verification};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

/// Where files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mirror {
    /// A directory laid out like the data directory (e.g. `../shared/data/raw`).
    Dir(PathBuf),
    /// An `http(s)://` base address laid out like the data directory.
    Url(String),
}

impl Mirror {
    /// `http://` or `https://` is a URL, anything else a directory.
    pub fn parse(s: &str) -> Mirror {
        if s.starts_with("http://") || s.starts_with("https://") {
            Mirror::Url(s.trim_end_matches('/').to_string())
        } else {
            Mirror::Dir(PathBuf::from(s))
        }
    }
}

/// Why a file could not be fetched. Nothing is left at the destination in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The catalog gives no download address (converted or redistributed files).
    #[error("`{dataset}` has no producer download ({provenance}); fetch it from a mirror with --mirror DIR|URL")]
    NoProducerUrl {
        /// Dataset.
        dataset: String,
        /// How the verified copy was made.
        provenance: String,
    },
    /// The source file or address could not be read.
    #[error("{source_name}: {message}")]
    Source {
        /// Path or URL.
        source_name: String,
        /// What went wrong.
        message: String,
    },
    /// The downloaded zip has no such member.
    #[error("{source_name}: no member named `{member}` in the archive")]
    ZipMember {
        /// URL of the archive.
        source_name: String,
        /// Member looked for.
        member: String,
    },
    /// What arrived is not the catalog's file.
    #[error("{source_name}: sha256 {actual} ({actual_bytes} bytes) does not match the catalog's {expected} ({expected_bytes} bytes) for `{dataset}`; nothing was written (`allywar data pin {dataset} --from-producer` checks a new release against the dataset's schema and accepts it; --allow-unverified writes it unchecked)")]
    Checksum {
        /// Dataset.
        dataset: String,
        /// Path or URL.
        source_name: String,
        /// Catalog sha256.
        expected: String,
        /// sha256 received.
        actual: String,
        /// Catalog size.
        expected_bytes: u64,
        /// Size received.
        actual_bytes: u64,
    },
    /// Writing the destination failed.
    #[error("{}: {source}", path.display())]
    Write {
        /// Destination.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
}

/// What happened to one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Already present and verified: left alone.
    AlreadyVerified,
    /// Written and verified.
    Fetched,
    /// Written although it differs from the catalog (`--allow-unverified`).
    FetchedUnverified,
}

/// Options of a fetch run.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Fetch from this mirror instead of the producers.
    pub mirror: Option<Mirror>,
    /// Accept files whose checksum differs from the catalog.
    pub allow_unverified: bool,
    /// Draw a progress bar on stderr.
    pub progress: bool,
}

/// Fetches datasets, downloading each producer archive once per run.
pub struct Fetcher {
    opts: FetchOptions,
    archives: HashMap<String, Vec<u8>>,
}

impl Fetcher {
    /// A fetcher with these options.
    pub fn new(opts: FetchOptions) -> Fetcher {
        Fetcher { opts, archives: HashMap::new() }
    }

    /// Makes sure `d` is present and verified in `dir`.
    pub fn fetch(&mut self, dir: &DataDir, d: &Dataset) -> Result<Outcome, FetchError> {
        let dest = dir.path_of(d);
        let write_err = |source| FetchError::Write { path: dest.clone(), source };
        if dir.check_file(d).map_err(write_err)? == Verification::Verified {
            return Ok(Outcome::AlreadyVerified);
        }
        let (source_name, bytes) = self.obtain(d)?;
        let sha = sha256_hex(&bytes);
        let verification = dir.verify(d, bytes.len() as u64, &sha).map_err(|e| write_err(std::io::Error::other(e)))?;
        let outcome = match verification {
            Verification::Verified => Outcome::Fetched,
            _ if self.opts.allow_unverified => Outcome::FetchedUnverified,
            _ => {
                return Err(FetchError::Checksum {
                    dataset: d.name.clone(),
                    source_name,
                    expected: d.sha256.clone(),
                    actual: sha,
                    expected_bytes: d.bytes,
                    actual_bytes: bytes.len() as u64,
                })
            }
        };
        write_bytes(&dest, &bytes).map_err(write_err)?;
        Ok(outcome)
    }

    /// The bytes of a dataset's file from the mirror or the producer (unchecked), and where
    /// they came from.
    pub fn obtain(&mut self, d: &Dataset) -> Result<(String, Vec<u8>), FetchError> {
        match &self.opts.mirror {
            Some(Mirror::Dir(root)) => {
                let path = root.join(&d.path);
                let name = path.display().to_string();
                let bytes = read_with_progress(&path, self.bar(&d.name))
                    .map_err(|e| FetchError::Source { source_name: name.clone(), message: e.to_string() })?;
                Ok((name, bytes))
            }
            Some(Mirror::Url(base)) => {
                let url = format!("{base}/{}", url_path(&d.path));
                let bytes = download(&url, self.bar(&d.name))?;
                Ok((url, bytes))
            }
            None => {
                let url =
                    d.url.clone().ok_or_else(|| FetchError::NoProducerUrl { dataset: d.name.clone(), provenance: d.provenance.clone() })?;
                if d.zip_member.is_empty() {
                    let bytes = download(&url, self.bar(&d.name))?;
                    return Ok((url, bytes));
                }
                if !self.archives.contains_key(&url) {
                    let bytes = download(&url, self.bar(&d.name))?;
                    self.archives.insert(url.clone(), bytes);
                }
                let mut bytes = self.archives[&url].clone();
                for member in &d.zip_member {
                    bytes = extract(&url, &bytes, member)?;
                }
                Ok((format!("{url}!{}", d.zip_member.join("!")), bytes))
            }
        }
    }

    fn bar(&self, name: &str) -> ProgressBar {
        if !self.opts.progress {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{prefix:>22} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(name.to_string());
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar
    }
}

fn read_with_progress(path: &Path, bar: ProgressBar) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    bar.set_length(file.metadata()?.len());
    let mut bytes = Vec::new();
    bar.wrap_read(file).read_to_end(&mut bytes)?;
    bar.finish_and_clear();
    Ok(bytes)
}

fn download(url: &str, bar: ProgressBar) -> Result<Vec<u8>, FetchError> {
    let err = |message: String| FetchError::Source { source_name: url.to_string(), message };
    let mut resp = ureq::get(url).call().map_err(|e| err(e.to_string()))?;
    if let Some(n) = resp.body().content_length() {
        bar.set_length(n);
    }
    let mut bytes = Vec::new();
    let reader = resp.body_mut().with_config().limit(2 << 30).reader();
    bar.wrap_read(reader).read_to_end(&mut bytes).map_err(|e| err(e.to_string()))?;
    bar.finish_and_clear();
    Ok(bytes)
}

/// Extracts the member whose file name is `member` (any folder prefix in the archive).
fn extract(url: &str, archive: &[u8], member: &str) -> Result<Vec<u8>, FetchError> {
    let err = |message: String| FetchError::Source { source_name: url.to_string(), message };
    let mut zip = zip::ZipArchive::new(Cursor::new(archive)).map_err(|e| err(e.to_string()))?;
    for i in 0..zip.len() {
        let name = match zip.name_for_index(i) {
            Some(Ok(n)) => n.to_string(),
            _ => continue,
        };
        if name.rsplit('/').next() == Some(member) {
            let mut file = zip.by_index(i).map_err(|e| err(e.to_string()))?;
            let mut bytes = Vec::with_capacity(file.size() as usize);
            file.read_to_end(&mut bytes).map_err(|e| err(e.to_string()))?;
            return Ok(bytes);
        }
    }
    Err(FetchError::ZipMember { source_name: url.to_string(), member: member.to_string() })
}

/// Percent-encodes what a catalog path may hold that a URL path may not (spaces, mostly).
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn mirror_kinds_and_url_paths() {
        assert_eq!(Mirror::parse("https://example.org/raw/"), Mirror::Url("https://example.org/raw".into()));
        assert_eq!(Mirror::parse("../shared/data/raw"), Mirror::Dir("../shared/data/raw".into()));
        assert_eq!(url_path("cow_mid_5.0/MIDA 5.0.csv"), "cow_mid_5.0/MIDA%205.0.csv");
    }

    #[test]
    fn extracts_nested_members_by_file_name() {
        let inner = zip_of(&[("NMC-60-abridged.csv", b"a,b\n1,2\n")]);
        let outer = zip_of(&[("NMC_Documentation-6.0/NMC-60-abridged.zip", &inner)]);
        let mid = extract("u", &outer, "NMC-60-abridged.zip").unwrap();
        assert_eq!(extract("u", &mid, "NMC-60-abridged.csv").unwrap(), b"a,b\n1,2\n");
        assert!(matches!(extract("u", &mid, "nope.csv"), Err(FetchError::ZipMember { .. })));
    }

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }
}
