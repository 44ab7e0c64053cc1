//! The dataset catalog: every file allywar knows, where it comes from, how to verify it and
//! what its columns mean. The catalog is `data/catalog.toml`, embedded at compile time.

mod id;

pub use id::DatasetId;
use serde::Deserialize;
use std::sync::OnceLock;

/// The catalog text, as committed in `data/catalog.toml`.
pub const CATALOG_TOML: &str = include_str!("../../data/catalog.toml");

/// Errors in the catalog itself or in a lookup of it.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The embedded TOML does not parse (a build-time mistake; tested).
    #[error("data/catalog.toml is invalid: {0}")]
    Parse(String),
    /// No dataset has that name.
    #[error("no dataset named `{name}` in the catalog{}", suggestion_text(.suggestion))]
    UnknownDataset {
        /// The name asked for.
        name: String,
        /// The nearest known name, if any is close.
        suggestion: Option<String>,
    },
    /// A dataset names a citation key that has no entry.
    #[error("dataset `{dataset}` cites `{key}`, which has no [[citation]] entry")]
    UnknownCitation {
        /// The dataset.
        dataset: String,
        /// The missing key.
        key: String,
    },
}

fn suggestion_text(s: &Option<String>) -> String {
    match s {
        Some(s) => crate::suggest::hint(Some(s)),
        None => " (see `allywar data status` for the list)".to_string(),
    }
}

/// Column type in a producer file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// 32-bit integer (integral floats such as `2.0` are accepted).
    I32,
    /// 64-bit integer.
    I64,
    /// Double; E-notation accepted.
    F64,
    /// Text, kept as written (trimmed).
    Str,
    /// ISO date `yyyy-mm-dd`.
    Date,
}

impl ColumnType {
    /// What a cell of this type must look like, for error messages.
    pub fn expectation(self) -> &'static str {
        match self {
            ColumnType::I32 => "an integer",
            ColumnType::I64 => "an integer",
            ColumnType::F64 => "a number",
            ColumnType::Str => "text",
            ColumnType::Date => "a date yyyy-mm-dd",
        }
    }

    /// Short name, as written in the catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::I32 => "i32",
            ColumnType::I64 => "i64",
            ColumnType::F64 => "f64",
            ColumnType::Str => "str",
            ColumnType::Date => "date",
        }
    }
}

/// One column of a producer file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Header as the producer writes it (matched after trimming spaces).
    pub src: String,
    /// Canonical snake_case name in allywar frames.
    pub name: String,
    /// Value type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Cells like `1 Territory` carry a code and a label: keep the code.
    #[serde(default)]
    pub labelled: bool,
    /// Integers may be written with thousands separators (`1,500`).
    #[serde(default)]
    pub thousands: bool,
    /// What the column means.
    #[serde(default)]
    pub desc: String,
    /// Years the column covers when they differ from the dataset's (`[first, last]`).
    #[serde(default)]
    pub years: Option<[i32; 2]>,
}

/// File format of a catalog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated text.
    Csv,
    /// Excel 97-2003 workbook (first sheet).
    Xls,
    /// R data file: verified and fetched, but read through its CSV export.
    Rda,
    /// Stata file: verified and fetched, but read through its CSV export.
    Dta,
}

/// Text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// UTF-8 (ASCII included). Invalid bytes are an error.
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// Windows-1252, as in two COW war files.
    Cp1252,
}

/// One dataset file of the catalog.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// Name used on the command line and in the API (`nmc`, `cow_midb`, ...).
    pub name: String,
    /// Dataset family (one loader module per family).
    pub family: String,
    /// Human title.
    pub title: String,
    /// Producer version.
    pub version: String,
    /// Path relative to the data directory.
    pub path: String,
    /// File format.
    pub format: Format,
    /// What one row is.
    pub unit: String,
    /// Size in bytes of the verified file.
    pub bytes: u64,
    /// sha256 of the verified file (lowercase hex).
    pub sha256: String,
    /// Rows in the verified file (excluding the header).
    pub rows: u64,
    /// Text encoding.
    #[serde(default)]
    pub encoding: Encoding,
    /// Producer's page.
    pub homepage: String,
    /// Direct download address, if the producer has one for this file.
    #[serde(default)]
    pub url: Option<String>,
    /// Path inside the downloaded zip (several entries for a zip inside a zip); matched on the
    /// file name so that the archive's folder prefix does not matter.
    #[serde(default)]
    pub zip_member: Vec<String>,
    /// Citation keys.
    pub cite: Vec<String>,
    /// Where the mirror's copy came from.
    pub provenance: String,
    /// Rows whose every cell is empty are dropped when loading.
    #[serde(default)]
    pub drop_blank_rows: bool,
    /// Columns whose combination must be unique.
    #[serde(default)]
    pub key: Vec<String>,
    /// Codes mapped to null in every column.
    #[serde(default)]
    pub na: Vec<String>,
    /// First and last year covered.
    #[serde(default)]
    pub years: Option<[i32; 2]>,
    /// Schema, in file order. Empty for files read through an export (rda, dta).
    #[serde(default)]
    pub columns: Vec<Column>,
}

impl Dataset {
    /// Whether allywar can load this file into a frame.
    pub fn loadable(&self) -> bool {
        matches!(self.format, Format::Csv | Format::Xls) && !self.columns.is_empty()
    }

    /// The column with this canonical name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A BibTeX entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// BibTeX key.
    pub key: String,
    /// The entry.
    pub bibtex: String,
}

/// The whole catalog.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Every dataset file.
    #[serde(rename = "dataset")]
    pub datasets: Vec<Dataset>,
    /// Every citation.
    #[serde(rename = "citation")]
    pub citations: Vec<Citation>,
}

impl Catalog {
    /// Parses a catalog and checks its cross-references.
    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let cat: Catalog = toml::from_str(text).map_err(|e| CatalogError::Parse(e.to_string()))?;
        for d in &cat.datasets {
            for key in &d.cite {
                if cat.citation(key).is_none() {
                    return Err(CatalogError::UnknownCitation { dataset: d.name.clone(), key: key.clone() });
                }
            }
        }
        Ok(cat)
    }

    /// The dataset with this name, or an error suggesting the nearest name.
    pub fn get(&self, name: &str) -> Result<&Dataset, CatalogError> {
        self.datasets.iter().find(|d| d.name == name).ok_or_else(|| CatalogError::UnknownDataset {
            name: name.to_string(),
            suggestion: crate::suggest::nearest(name, self.datasets.iter().map(|d| d.name.as_str())).map(String::from),
        })
    }

    /// The citation with this key.
    pub fn citation(&self, key: &str) -> Option<&Citation> {
        self.citations.iter().find(|c| c.key == key)
    }
}

/// The embedded catalog, parsed once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| match Catalog::parse(CATALOG_TOML) {
        Ok(c) => c,
        // The embedded catalog is tested; a broken one is a build error, not user input.
        Err(e) => panic!("{e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atop_condition_columns_carry_their_codebook_meaning() {
        let d = catalog().get("atop_member_4.01").unwrap();
        let desc = |name: &str| d.columns.iter().find(|c| c.name == name).map(|c| c.desc.clone()).unwrap();
        // The data README once swapped these two; the codebook: defconum is the number of
        // adversaries, defconpr non-provocation.
        assert!(desc("defconum").contains("number of adversaries"), "{}", desc("defconum"));
        assert!(desc("defconpr").contains("non-provocation"), "{}", desc("defconpr"));
        let conditions = ["coadv", "coloc", "cocon", "conum", "codem", "conpr", "coatt", "coreq"];
        for c in &d.columns {
            if ["def", "off", "neu", "con"].iter().any(|k| conditions.iter().any(|s| c.name == format!("{k}{s}"))) {
                assert!(c.desc.contains("ATOP 4.01 codebook"), "{} has no codebook meaning", c.name);
            }
        }
    }

    #[test]
    fn embedded_catalog_is_valid_and_consistent() {
        let cat = catalog();
        let mut names = std::collections::HashSet::new();
        for d in &cat.datasets {
            assert!(names.insert(d.name.as_str()), "duplicate dataset {}", d.name);
            assert_eq!(d.sha256.len(), 64, "{}", d.name);
            let mut cols = std::collections::HashSet::new();
            for c in &d.columns {
                assert!(cols.insert(c.name.as_str()), "{}: duplicate column {}", d.name, c.name);
                assert!(
                    c.name.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'),
                    "{}: {} is not snake_case",
                    d.name,
                    c.name
                );
            }
            for k in &d.key {
                assert!(d.column(k).is_some(), "{}: key {} is not a column", d.name, k);
            }
        }
        assert!(!cat.datasets.iter().any(|d| d.path.contains("alliance_v4")), "COW alliances are excluded");
    }

    #[test]
    fn unknown_names_get_a_suggestion() {
        let err = catalog().get("nmcc").unwrap_err().to_string();
        assert!(err.contains("did you mean `nmc`"), "{err}");
    }
}
