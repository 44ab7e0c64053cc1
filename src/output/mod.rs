//! Writing frames and files: the format follows the extension, and every write is atomic (a
//! temporary file in the target folder, then a rename), so a failed run leaves no partial file.

mod dta;

use polars::prelude::*;
use std::io::Write;
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
    /// Stata 14+ data file (`.dta`, format 118): integers as long, floats as double, nulls as
    /// Stata's `.`, dates as `%td`, text as fixed-width strings (empty for null).
    Dta,
}

/// Why a frame could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Unknown extension.
    #[error("{}: unknown output format; expected .parquet, .arrow (or .ipc/.feather), .csv or .dta", path.display())]
    UnknownFormat {
        /// Path asked for.
        path: PathBuf,
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

/// Serialises a frame in a format (deterministic: no timestamps are written).
pub fn encode(df: &mut DataFrame, format: OutputFormat) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    match format {
        OutputFormat::Parquet => {
            ParquetWriter::new(&mut buf).with_compression(ParquetCompression::Zstd(None)).finish(df)?;
        }
        OutputFormat::Ipc => IpcWriter::new(&mut buf).finish(df)?,
        OutputFormat::Csv => CsvWriter::new(&mut buf).include_header(true).finish(df)?,
        OutputFormat::Dta => buf = dta::encode(df)?,
    }
    Ok(buf)
}

/// Writes a frame to `path` atomically, in the format its extension names.
pub fn write_frame(df: &mut DataFrame, path: &Path) -> Result<(), OutputError> {
    let format = OutputFormat::of(path)?;
    let bytes = encode(df, format).map_err(|source| OutputError::Encode { path: path.to_path_buf(), source })?;
    write_atomic(path, &bytes).map_err(|source| OutputError::Io { path: path.to_path_buf(), source })
}

/// Writes `bytes` to `dest` through a temporary file in the same folder and a rename, so that
/// readers never see a partial file.
pub fn write_atomic(dest: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let mut tmp = tempfile::Builder::new().prefix(".allywar-").suffix(".tmp").tempfile_in(parent)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(dest).map_err(|e| e.error)?;
    Ok(())
}
