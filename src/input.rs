//! Reading frame files for `fit`: Parquet, Arrow IPC and CSV through polars, a folder that
//! `allywar build --partition year` wrote (its parts checked against its manifest), and Stata .dta
//! (formats 114 and 115 of Stata 10–13, 117 of Stata 13, 118 and 119 of Stata 14 and later) by
//! the reader here. In CSV, `NA` (as R writes it) and empty cells are missing. Stata's missing values (`.`, `.a`–`.z`) become nulls; byte, int and long
//! become 32-bit integers, float and double 64-bit floats, fixed-width strings text.

use crate::output::partition::{Part, MANIFEST};
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Why a frame file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The extension is not one allywar reads.
    #[error("{path}: expected a .parquet, .arrow (.ipc, .feather), .csv or .dta frame")]
    Extension {
        /// The file.
        path: String,
    },
    /// The file cannot be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// polars cannot read it.
    #[error("{path}: cannot read the frame: {source}")]
    Polars {
        /// The file.
        path: String,
        /// The error.
        source: PolarsError,
    },
    /// A partitioned folder that is not as its manifest says.
    #[error("{path}: {what}")]
    Partitioned {
        /// The folder or the part.
        path: String,
        /// What was expected.
        what: String,
    },
    /// The .dta file is not what its format says.
    #[error("{path}: byte {offset}: {what}")]
    Dta {
        /// The file.
        path: String,
        /// Where in the file.
        offset: usize,
        /// What was expected.
        what: String,
    },
}

/// Reads a frame file, the format from its extension, or a partitioned folder.
pub fn read_frame(path: &Path) -> Result<DataFrame, ReadError> {
    if path.is_dir() {
        return read_partitioned(path);
    }
    let shown = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let io = |source| ReadError::Io { path: shown.clone(), source };
    let pol = |source| ReadError::Polars { path: shown.clone(), source };
    match ext.as_deref() {
        Some("parquet" | "pq") => ParquetReader::new(std::fs::File::open(path).map_err(io)?).finish().map_err(pol),
        Some("arrow" | "ipc" | "feather") => IpcReader::new(std::fs::File::open(path).map_err(io)?).finish().map_err(pol),
        Some("csv") => {
            // R's write.csv writes missing values as `NA`; an empty cell is missing too.
            let missing = NullValues::AllColumns(vec!["NA".into(), "".into()]);
            CsvReadOptions::default()
                .map_parse_options(|o| o.with_null_values(Some(missing.clone())))
                .try_into_reader_with_file_path(Some(path.to_path_buf()))
                .and_then(|r| r.finish())
                .map_err(pol)
        }
        Some("dta") => read_dta(&std::fs::read(path).map_err(io)?, &shown),
        _ => Err(ReadError::Extension { path: shown }),
    }
}

/// A frame's sha256, as its provenance: the file's, or for a partitioned folder its manifest's
/// (which holds every part's).
pub fn frame_sha256(path: &Path) -> std::io::Result<String> {
    let file = if path.is_dir() { path.join(MANIFEST) } else { path.to_path_buf() };
    Ok(crate::verify::sha256_file(&file)?.1)
}

/// What `read_partitioned` reads of a folder's manifest.
#[derive(serde::Deserialize)]
struct Folder {
    about: serde_json::Value,
    partition: Key,
    parts: Vec<Part>,
}

/// The partition column: its name, and where and as what it stood in the frame.
#[derive(serde::Deserialize)]
struct Key {
    column: String,
    position: Option<usize>,
    frame_type: Option<String>,
}

/// Reads a folder that `allywar build --partition` wrote back into the frame the single file
/// holds: every part its manifest lists, each checked against its sha256 and rows; the
/// partition column put back where and as it stood; the rows in the unit's key order.
fn read_partitioned(dir: &Path) -> Result<DataFrame, ReadError> {
    let manifest = dir.join(MANIFEST);
    let bad = |path: &Path, what: String| ReadError::Partitioned { path: path.display().to_string(), what };
    if !manifest.is_file() {
        return Err(bad(dir, format!("expected a folder that `allywar build --partition` wrote (with {MANIFEST}), or a frame file")));
    }
    let text = std::fs::read_to_string(&manifest).map_err(|source| ReadError::Io { path: manifest.display().to_string(), source })?;
    let folder: Folder = serde_json::from_str(&text).map_err(|e| bad(&manifest, format!("not a partitioned folder's manifest: {e}")))?;
    let dtype = match folder.partition.frame_type.as_deref() {
        Some("i16") => DataType::Int16,
        Some("i32") => DataType::Int32,
        _ => DataType::Int64,
    };
    let mut frames = Vec::with_capacity(folder.parts.len());
    for part in &folder.parts {
        let path = dir.join(&part.file);
        let bytes = std::fs::read(&path).map_err(|source| ReadError::Io { path: path.display().to_string(), source })?;
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        if sha256 != part.sha256 {
            return Err(bad(
                &path,
                format!("sha256 {sha256}, but {MANIFEST} lists {}: the part changed after allywar wrote it", part.sha256),
            ));
        }
        let pol = |source| ReadError::Polars { path: path.display().to_string(), source };
        let mut df = ParquetReader::new(std::io::Cursor::new(bytes)).finish().map_err(pol)?;
        if df.height() != part.rows {
            return Err(bad(&path, format!("{} rows, but {MANIFEST} lists {}", df.height(), part.rows)));
        }
        let key = Column::new(folder.partition.column.as_str().into(), vec![part.value; df.height()]).cast(&dtype).map_err(pol)?;
        let at = folder.partition.position.unwrap_or(df.width()).min(df.width());
        df.insert_column(at, key).map_err(pol)?;
        frames.push(df);
    }
    let pol = |source| ReadError::Polars { path: dir.display().to_string(), source };
    let mut frames = frames.into_iter();
    let Some(mut df) = frames.next() else { return Err(bad(dir, format!("{MANIFEST} lists no parts"))) };
    for other in frames {
        df.vstack_mut(&other).map_err(pol)?;
    }
    // Parts come a year after another; the single file is sorted by the unit's keys.
    let unit = folder.about.pointer("/allywar_request/unit").and_then(|u| u.as_str()).and_then(|u| u.parse::<crate::types::Unit>().ok());
    let keys: Vec<&str> = unit.map(|u| u.keys().iter().copied().filter(|k| df.get_column_index(k).is_some()).collect()).unwrap_or_default();
    if keys.is_empty() {
        return Ok(df);
    }
    df.sort(keys, SortMultipleOptions::default().with_maintain_order(true)).map_err(pol)
}

/// A cursor over the bytes of a .dta file.
struct Bytes<'a> {
    b: &'a [u8],
    at: usize,
    little: bool,
    path: &'a str,
}

impl<'a> Bytes<'a> {
    fn err(&self, what: impl Into<String>) -> ReadError {
        ReadError::Dta { path: self.path.to_string(), offset: self.at, what: what.into() }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ReadError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| self.err(format!("expected {n} more bytes, the file ends")))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn uint(&mut self, n: usize) -> Result<u64, ReadError> {
        let s = self.take(n)?;
        let mut v = 0u64;
        for i in 0..n {
            let byte = if self.little { s[n - 1 - i] } else { s[i] };
            v = (v << 8) | byte as u64;
        }
        Ok(v)
    }

    fn tag(&mut self, t: &str) -> Result<(), ReadError> {
        let want = t.as_bytes();
        if self.b.get(self.at..self.at + want.len()) != Some(want) {
            return Err(self.err(format!("expected `{t}`")));
        }
        self.at += want.len();
        Ok(())
    }

    fn text(&mut self, n: usize) -> Result<String, ReadError> {
        let s = self.take(n)?;
        let end = s.iter().position(|&c| c == 0).unwrap_or(n);
        Ok(String::from_utf8_lossy(&s[..end]).into_owned())
    }
}

/// A variable's storage type.
#[derive(Clone, Copy)]
enum Storage {
    Byte,
    Int,
    Long,
    Float,
    Double,
    Str(usize),
}

fn storage(release: u32, code: u16) -> Option<Storage> {
    if release >= 117 {
        match code {
            1..=2045 => Some(Storage::Str(code as usize)),
            65526 => Some(Storage::Double),
            65527 => Some(Storage::Float),
            65528 => Some(Storage::Long),
            65529 => Some(Storage::Int),
            65530 => Some(Storage::Byte),
            _ => None,
        }
    } else {
        match code {
            1..=244 => Some(Storage::Str(code as usize)),
            251 => Some(Storage::Byte),
            252 => Some(Storage::Int),
            253 => Some(Storage::Long),
            254 => Some(Storage::Float),
            255 => Some(Storage::Double),
            _ => None,
        }
    }
}

impl Storage {
    fn width(self) -> usize {
        match self {
            Storage::Byte => 1,
            Storage::Int => 2,
            Storage::Long | Storage::Float => 4,
            Storage::Double => 8,
            Storage::Str(w) => w,
        }
    }
}

/// Reads the bytes of a .dta file.
pub fn read_dta(b: &[u8], path: &str) -> Result<DataFrame, ReadError> {
    let mut r = Bytes { b, at: 0, little: true, path };
    let (release, k, n);
    if b.starts_with(b"<stata_dta>") {
        r.tag("<stata_dta><header><release>")?;
        release = r.text(3)?.parse::<u32>().map_err(|_| r.err("expected a release number"))?;
        if !(117..=119).contains(&release) {
            return Err(r.err(format!("format {release} is not one allywar reads (114, 115, 117, 118, 119)")));
        }
        r.tag("</release><byteorder>")?;
        r.little = match r.text(3)?.as_str() {
            "LSF" => true,
            "MSF" => false,
            other => return Err(r.err(format!("expected byte order LSF or MSF, found `{other}`"))),
        };
        r.tag("</byteorder><K>")?;
        k = r.uint(if release == 119 { 4 } else { 2 })? as usize;
        r.tag("</K><N>")?;
        n = r.uint(if release == 117 { 4 } else { 8 })? as usize;
        r.tag("</N><label>")?;
        let len = r.uint(if release == 117 { 1 } else { 2 })? as usize;
        r.take(len)?;
        r.tag("</label><timestamp>")?;
        let len = r.uint(1)? as usize;
        r.take(len)?;
        r.tag("</timestamp></header><map>")?;
        let map: Vec<usize> = (0..14).map(|_| r.uint(8).map(|v| v as usize)).collect::<Result<_, _>>()?;
        r.tag("</map><variable_types>")?;
        let codes: Vec<u16> = (0..k).map(|_| r.uint(2).map(|v| v as u16)).collect::<Result<_, _>>()?;
        let name_len = if release == 117 { 33 } else { 129 };
        r.tag("</variable_types><varnames>")?;
        let names: Vec<String> = (0..k).map(|_| r.text(name_len)).collect::<Result<_, _>>()?;
        let types = codes
            .iter()
            .zip(&names)
            .map(|(&c, nm)| {
                storage(release, c).ok_or_else(|| {
                    r.err(if c == 32768 {
                        format!("`{nm}` is a strL (long string), which allywar does not read: `recast str2045 {nm}` in Stata first")
                    } else {
                        format!("`{nm}` has storage type code {c}, not a Stata type")
                    })
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        r.at = map[9];
        r.tag("<data>")?;
        rows(&mut r, &names, &types, n)
    } else {
        release = *b.first().ok_or_else(|| r.err("the file is empty"))? as u32;
        if !(114..=115).contains(&release) {
            return Err(r.err("expected a Stata .dta file (`<stata_dta>`, or format byte 114 or 115)"));
        }
        r.at = 1;
        r.little = match r.uint(1)? {
            2 => true,
            1 => false,
            other => return Err(r.err(format!("expected byte order 1 or 2, found {other}"))),
        };
        r.take(2)?;
        k = r.uint(2)? as usize;
        n = r.uint(4)? as usize;
        r.take(81 + 18)?;
        let codes: Vec<u16> = (0..k).map(|_| r.uint(1).map(|v| v as u16)).collect::<Result<_, _>>()?;
        let names: Vec<String> = (0..k).map(|_| r.text(33)).collect::<Result<_, _>>()?;
        let types = codes
            .iter()
            .zip(&names)
            .map(|(&c, nm)| storage(release, c).ok_or_else(|| r.err(format!("`{nm}` has storage type code {c}, not a Stata type"))))
            .collect::<Result<Vec<_>, _>>()?;
        // Sort list, formats, value-label names, variable labels, then expansion fields.
        r.take(2 * (k + 1) + 49 * k + 33 * k + 81 * k)?;
        loop {
            let kind = r.uint(1)?;
            let len = r.uint(4)? as usize;
            if kind == 0 && len == 0 {
                break;
            }
            r.take(len)?;
        }
        rows(&mut r, &names, &types, n)
    }
}

/// The data: `n` rows of fixed-width values.
fn rows(r: &mut Bytes, names: &[String], types: &[Storage], n: usize) -> Result<DataFrame, ReadError> {
    let row_width: usize = types.iter().map(|t| t.width()).sum();
    if n.checked_mul(row_width).is_none_or(|total| r.at + total > r.b.len()) {
        return Err(r.err(format!("the header promises {n} rows of {row_width} bytes; the file ends first")));
    }
    let mut ints: Vec<Vec<Option<i32>>> = vec![Vec::new(); types.len()];
    let mut floats: Vec<Vec<Option<f64>>> = vec![Vec::new(); types.len()];
    let mut texts: Vec<Vec<String>> = vec![Vec::new(); types.len()];
    for _ in 0..n {
        for (j, t) in types.iter().enumerate() {
            match *t {
                // Missing codes: byte > 100, int > 32740, long > 2147483620, float and double
                // at or above 2^127 and 2^1023.
                Storage::Byte => {
                    let v = r.uint(1)? as u8 as i8;
                    ints[j].push((v <= 100).then_some(v as i32));
                }
                Storage::Int => {
                    let v = r.uint(2)? as u16 as i16;
                    ints[j].push((v <= 32740).then_some(v as i32));
                }
                Storage::Long => {
                    let v = r.uint(4)? as u32 as i32;
                    ints[j].push((v <= 2_147_483_620).then_some(v));
                }
                Storage::Float => {
                    let v = f32::from_bits(r.uint(4)? as u32);
                    floats[j].push((v.is_finite() && v < 1.701_411_8e38).then_some(v as f64));
                }
                Storage::Double => {
                    let v = f64::from_bits(r.uint(8)?);
                    floats[j].push((v.is_finite() && v < 8.988_465_674_311_579e307).then_some(v));
                }
                Storage::Str(w) => {
                    let s = r.text(w)?;
                    texts[j].push(s);
                }
            }
        }
    }
    let columns: Vec<Column> = types
        .iter()
        .enumerate()
        .map(|(j, t)| {
            let name = names[j].as_str().into();
            match t {
                Storage::Byte | Storage::Int | Storage::Long => Column::new(name, std::mem::take(&mut ints[j])),
                Storage::Float | Storage::Double => Column::new(name, std::mem::take(&mut floats[j])),
                Storage::Str(_) => Column::new(name, std::mem::take(&mut texts[j])),
            }
        })
        .collect();
    DataFrame::new(n, columns).map_err(|source| ReadError::Polars { path: r.path.to_string(), source })
}
