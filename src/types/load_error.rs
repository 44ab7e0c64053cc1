//! Errors of the loading layer. Every message names the file, and where a cell is at fault the
//! line (or sheet row), the column and what was expected.

use std::path::PathBuf;

/// Why a dataset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The catalog has no such dataset.
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),

    /// The file is not in the data directory.
    #[error("{}: not found (dataset `{dataset}`); run `allywar data fetch {dataset}` or point --data-dir / $ALLYWAR_DATA at a copy", path.display())]
    NotFound {
        /// Expected location.
        path: PathBuf,
        /// Dataset name.
        dataset: String,
    },

    /// Datasets a build needs are not in the data directory (all of them are listed).
    #[error("{}", missing_message(.dir, .dir_from, *.dir_exists, .datasets))]
    Missing {
        /// The data directory.
        dir: PathBuf,
        /// How it was chosen (`--data-dir`, `$ALLYWAR_DATA`, the default).
        dir_from: &'static str,
        /// Whether the directory exists at all.
        dir_exists: bool,
        /// (dataset, expected path) of every missing file.
        datasets: Vec<(String, PathBuf)>,
    },

    /// Reading failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },

    /// The user catalog beside the data cannot be read.
    #[error(transparent)]
    Pins(#[from] crate::pins::PinError),

    /// The file differs from the catalog's verified copy (and from its pin, if any).
    #[error("{}: sha256 {actual} ({actual_bytes} bytes) does not match the catalog ({expected}, {expected_bytes} bytes): the file is corrupted or a release the catalog does not know; `allywar data pin {dataset}` checks it against the dataset's schema and accepts it, or pass --allow-unverified to use it once", path.display())]
    Checksum {
        /// Dataset name.
        dataset: String,
        /// File.
        path: PathBuf,
        /// sha256 in the catalog.
        expected: String,
        /// sha256 of the file.
        actual: String,
        /// Size in the catalog.
        expected_bytes: u64,
        /// Size of the file.
        actual_bytes: u64,
    },

    /// A file of the user's own differs from the one `allywar data add` checked.
    #[error("{}: sha256 {actual} is not that of the file added as `{dataset}` ({expected}); `allywar data add {dataset} --file {}` checks it and accepts it, or pass --allow-unverified to use it once", path.display(), path.display())]
    UserChecksum {
        /// Dataset name.
        dataset: String,
        /// File.
        path: PathBuf,
        /// sha256 recorded when it was added.
        expected: String,
        /// sha256 of the file.
        actual: String,
    },

    /// A file of the user's own is not where the user catalog says.
    #[error("{}: not found (your dataset `{dataset}`, added from {added_from}); `allywar data add {dataset} --file PATH …` adds it again", path.display())]
    UserNotFound {
        /// Dataset name.
        dataset: String,
        /// Expected location.
        path: PathBuf,
        /// The file it was added from.
        added_from: String,
    },

    /// A symmetric dyad-year file with a pair in both orders.
    #[error("{}: the pair {ccode1}–{ccode2} in {year} appears in both orders; a symmetric dyad-year file lists each pair once a year (add it without --symmetric if it is directed)", path.display())]
    Symmetric {
        /// File.
        path: PathBuf,
        /// State 1 of the second row.
        ccode1: i32,
        /// State 2 of the second row.
        ccode2: i32,
        /// Year.
        year: i32,
    },

    /// Bytes that are not valid in the file's declared encoding.
    #[error("{}:{line}:{column}: byte 0x{byte:02X} is not valid UTF-8; expected UTF-8 text (the catalog declares this file utf-8; cp1252 files must be declared so)", path.display())]
    Decode {
        /// File.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based character column.
        column: u64,
        /// Offending byte.
        byte: u8,
    },

    /// No header, or a header and no rows.
    #[error("{}: {what}; expected a header line followed by data rows", path.display())]
    Empty {
        /// File.
        path: PathBuf,
        /// "the file is empty" or "the file has a header but no rows".
        what: &'static str,
    },

    /// A column of the catalog schema is absent from the header.
    #[error("{}:1: missing column `{column}`; expected it in the header{}", path.display(), missing_hint(.suggestion, .header))]
    MissingColumn {
        /// File.
        path: PathBuf,
        /// Column as the producer names it.
        column: String,
        /// A header name that looks like a rename of it.
        suggestion: Option<String>,
        /// The header found.
        header: Vec<String>,
    },

    /// A row has fewer or more fields than the header.
    #[error("{}:{line}:{column}: row has {found} fields, expected {expected} (column `{name}`){}", path.display(), if *.found < *.expected { " — truncated row or file?" } else { " — unquoted comma?" })]
    FieldCount {
        /// File.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column of the first missing (or extra) field.
        column: usize,
        /// Name of that column, or `(extra)`.
        name: String,
        /// Fields found.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },

    /// A cell does not parse as its column's type.
    #[error("{}:{line}:{column}: column `{name}`: expected {expected}, found {found:?}", path.display())]
    Value {
        /// File.
        path: PathBuf,
        /// 1-based line (sheet row for Excel files).
        line: u64,
        /// 1-based column.
        column: usize,
        /// Canonical column name.
        name: String,
        /// What the column holds.
        expected: String,
        /// The cell text.
        found: String,
    },

    /// Two rows share a key that must be unique.
    #[error("{}:{line}: duplicate key ({key}), first seen on line {first_line}; expected ({columns}) to be unique", path.display())]
    DuplicateKey {
        /// File.
        path: PathBuf,
        /// Line of the second occurrence.
        line: u64,
        /// Line of the first.
        first_line: u64,
        /// `ccode=2, year=1816`.
        key: String,
        /// `ccode, year`.
        columns: String,
    },

    /// A key cell is missing.
    #[error("{}:{line}:{column}: key column `{name}` is missing; expected a value in every row", path.display())]
    MissingKey {
        /// File.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: usize,
        /// Column.
        name: String,
    },

    /// The CSV structure itself is broken.
    #[error("{}:{line}: malformed CSV: {message}", path.display())]
    Csv {
        /// File.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// Parser message.
        message: String,
    },

    /// The Excel workbook could not be read.
    #[error("{}: cannot read workbook: {message}", path.display())]
    Xls {
        /// File.
        path: PathBuf,
        /// Reader message.
        message: String,
    },

    /// The dataset is an R or Stata file read through its CSV export.
    #[error("dataset `{dataset}` is a {format} file that allywar verifies but does not parse; load `{instead}` (its CSV export) instead")]
    NotLoadable {
        /// Dataset.
        dataset: String,
        /// "R data" or "Stata".
        format: &'static str,
        /// The dataset to load instead.
        instead: String,
    },

    /// Frame construction failed (a bug, reported rather than panicking).
    #[error("{}: building the frame: {source}", path.display())]
    Frame {
        /// File.
        path: PathBuf,
        /// Cause.
        source: polars::error::PolarsError,
    },
}

fn missing_hint(suggestion: &Option<String>, header: &[String]) -> String {
    let shown: Vec<&str> = header.iter().take(12).map(String::as_str).collect();
    let more = if header.len() > 12 { ", …" } else { "" };
    match suggestion {
        Some(s) => format!(" (renamed to `{s}`?); header: {}{more}", shown.join(", ")),
        None => format!("; header: {}{more}", shown.join(", ")),
    }
}

fn missing_message(dir: &std::path::Path, from: &str, exists: bool, datasets: &[(String, PathBuf)]) -> String {
    let names: Vec<&str> = datasets.iter().map(|(n, _)| n.as_str()).collect();
    let dir_flag = if from == "--data-dir" { format!(" --data-dir {}", dir.display()) } else { String::new() };
    let fetch = format!("allywar data fetch {}{dir_flag}", names.join(" "));
    if !exists {
        return format!(
            "the data directory {} ({from}) does not exist; get the data with `{fetch}` (add --mirror DIR|URL to copy from a mirror), or point --data-dir / $ALLYWAR_DATA at a copy",
            dir.display()
        );
    }
    let mut s = format!(
        "{} dataset{} this build needs {} missing from {} ({from}):",
        datasets.len(),
        if datasets.len() == 1 { "" } else { "s" },
        if datasets.len() == 1 { "is" } else { "are" },
        dir.display()
    );
    for (n, p) in datasets {
        s.push_str(&format!("\n  {n:<16} {}", p.display()));
    }
    s.push_str(&format!("\nget {} with: {fetch}", if datasets.len() == 1 { "it" } else { "them" }));
    s
}
