//! Writing frames: the format follows the extension; every write streams into a temporary file
//! in the target folder and renames it (see [`crate::atomic`]), so a failed run leaves no partial
//! file. What the frame was built from (allywar version, every input file with its sha256 and
//! whether it was verified) goes into the file: Parquet key-value metadata, Arrow schema
//! metadata, .dta characteristics (`notes`), or for CSV a `FILE.csv.meta.json` sidecar.

mod dta;
pub mod partition;

use polars::prelude::*;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Apache Parquet (`.parquet`, `.pq`), zstd-compressed.
    Parquet,
    /// Arrow IPC file (`.arrow`, `.ipc`, `.feather`).
    Ipc,
    /// Comma-separated text (`.csv`), nulls as empty cells.
    Csv,
    /// Stata 14+ data file (`.dta`, format 118): 0/1 and small integers as byte, other integers
    /// as long, floats as double, nulls as Stata's `.`, dates as `%td`, text as fixed-width
    /// strings (empty for null); variable labels from the registry.
    Dta,
}

/// The extensions allywar writes, for messages.
pub const EXTENSIONS: &str = ".parquet, .arrow (or .ipc/.feather), .csv or .dta";

/// Why a frame could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Unknown extension.
    #[error("{}: unknown output format; expected {EXTENSIONS}", path.display())]
    UnknownFormat {
        /// Path asked for.
        path: PathBuf,
    },
    /// The path cannot be written to, for a reason found before any work is done.
    #[error("--out {}: {reason}", path.display())]
    BadPath {
        /// Path asked for.
        path: PathBuf,
        /// What is wrong, in plain words.
        reason: String,
    },
    /// Serialising failed.
    #[error("{}: {source}", path.display())]
    Encode {
        /// Destination.
        path: PathBuf,
        /// Cause.
        source: PolarsError,
    },
    /// Writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// Destination.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
}

impl OutputFormat {
    /// The format of a path, by extension.
    pub fn of(path: &Path) -> Result<OutputFormat, OutputError> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("parquet" | "pq") => Ok(OutputFormat::Parquet),
            Some("arrow" | "ipc" | "feather") => Ok(OutputFormat::Ipc),
            Some("csv") => Ok(OutputFormat::Csv),
            Some("dta") => Ok(OutputFormat::Dta),
            _ => Err(OutputError::UnknownFormat { path: path.to_path_buf() }),
        }
    }
}

/// Checks, before any work is done, that a frame can be written to `path`: a known extension,
/// not a directory, and a parent that is (or can become) a directory we can write in.
pub fn check_path(path: &Path) -> Result<OutputFormat, OutputError> {
    let bad = |reason: String| OutputError::BadPath { path: path.to_path_buf(), reason };
    if path.is_dir() {
        return Err(bad("is a directory; give a file name such as frame.parquet".into()));
    }
    let format = OutputFormat::of(path)?;
    // The nearest existing ancestor must be a directory we may write in.
    let mut dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    loop {
        match std::fs::metadata(&dir) {
            Ok(m) if m.is_dir() => {
                if m.permissions().readonly() {
                    return Err(bad(format!("the folder {} is read-only", dir.display())));
                }
                return Ok(format);
            }
            Ok(_) => return Err(bad(format!("{} is a file, not a folder, so nothing can be written inside it", dir.display()))),
            Err(_) => match dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                Some(p) => dir = p.to_path_buf(),
                None => return Ok(format),
            },
        }
    }
}

/// What a frame was built from, written into the output file.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// Key-value pairs (`allywar_version`, `allywar_inputs` as JSON, ...), in order.
    pub entries: Vec<(String, String)>,
    /// Column labels (definitions) by column name, for formats that carry them (.dta).
    pub labels: Vec<(String, String)>,
}

impl Metadata {
    /// The entries as one JSON object; an entry that holds JSON is nested as JSON, others as text.
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.entries
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String(v.clone()))))
            .collect()
    }

    fn label(&self, column: &str) -> Option<&str> {
        self.labels.iter().find(|(c, _)| c == column).map(|(_, l)| l.as_str())
    }
}

/// Writes a frame to `path` atomically, in the format its extension names, without metadata.
pub fn write_frame(df: &mut DataFrame, path: &Path) -> Result<(), OutputError> {
    write_frame_with(df, path, &Metadata::default())
}

/// Writes a frame and its metadata to `path` atomically, in the format its extension names.
pub fn write_frame_with(df: &mut DataFrame, path: &Path, meta: &Metadata) -> Result<(), OutputError> {
    let format = OutputFormat::of(path)?;
    let mut encode_err = None;
    let res = crate::atomic::write_with(path, |w| match encode(df, format, meta, w) {
        Ok(()) => Ok(()),
        Err(e) => {
            let io = std::io::Error::other(e.to_string());
            encode_err = Some(e);
            Err(io)
        }
    });
    match (res, encode_err) {
        (Ok(()), _) => {}
        (Err(_), Some(source)) => return Err(OutputError::Encode { path: path.to_path_buf(), source }),
        (Err(source), None) => return Err(OutputError::Io { path: path.to_path_buf(), source }),
    }
    if format == OutputFormat::Csv && !meta.entries.is_empty() {
        let mut side = path.as_os_str().to_owned();
        side.push(".meta.json");
        let text = serde_json::to_string_pretty(&meta.to_json()).unwrap_or_default() + "\n";
        let side = PathBuf::from(side);
        crate::atomic::write_bytes(&side, text.as_bytes()).map_err(|source| OutputError::Io { path: side, source })?;
    }
    Ok(())
}

/// Serialises a frame in a format into `w` (deterministic: no timestamps are written).
pub fn encode<W: Write + Seek>(df: &mut DataFrame, format: OutputFormat, meta: &Metadata, w: &mut W) -> PolarsResult<()> {
    match format {
        OutputFormat::Parquet => {
            let kv = (!meta.entries.is_empty()).then(|| KeyValueMetadata::from_static(meta.entries.clone()));
            ParquetWriter::new(w).with_compression(ParquetCompression::Zstd(None)).with_key_value_metadata(kv).finish(df)?;
        }
        OutputFormat::Ipc => {
            let mut writer = IpcWriter::new(w);
            if !meta.entries.is_empty() {
                let md: std::collections::BTreeMap<PlSmallStr, PlSmallStr> =
                    meta.entries.iter().map(|(k, v)| (k.as_str().into(), v.as_str().into())).collect();
                writer.set_custom_schema_metadata(std::sync::Arc::new(md));
            }
            writer.finish(df)?
        }
        OutputFormat::Csv => CsvWriter::new(w).include_header(true).finish(df)?,
        OutputFormat::Dta => {
            let labels: Vec<Option<&str>> = df.get_column_names().iter().map(|n| meta.label(n)).collect();
            let notes: Vec<String> = meta.entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            dta::write(df, &labels, &notes, w)?
        }
    }
    Ok(())
}
