//! Typed tables from producer files: the catalog schema applied cell by cell, missing codes to
//! null, keys checked, and every failure located by file, line and column.

use super::index::{IntHasher, IntMap};
use crate::catalog::{ColumnType, Dataset};
use crate::types::LoadError;
use polars::prelude::*;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

/// Values of one column while rows are read.
enum Values {
    Int32(Vec<Option<i32>>),
    Int64(Vec<Option<i64>>),
    Float64(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
    /// Days since 1970-01-01.
    Date(Vec<Option<i32>>),
}

/// A row of text cells (a slice, or a CSV record without copying it).
pub(crate) trait Cells {
    /// Number of fields.
    fn count(&self) -> usize;
    /// Field `i`.
    fn cell(&self, i: usize) -> &str;
}

impl<S: AsRef<str>> Cells for [S] {
    fn count(&self) -> usize {
        self.len()
    }
    fn cell(&self, i: usize) -> &str {
        self[i].as_ref()
    }
}

impl Cells for csv::StringRecord {
    fn count(&self) -> usize {
        self.len()
    }
    fn cell(&self, i: usize) -> &str {
        &self[i]
    }
}

impl Values {
    fn is_null(&self, r: usize) -> bool {
        match self {
            Values::Int32(v) | Values::Date(v) => v[r].is_none(),
            Values::Int64(v) => v[r].is_none(),
            Values::Float64(v) => v[r].is_none(),
            Values::Text(v) => v[r].is_none(),
        }
    }

    fn eq_at(&self, a: usize, b: usize) -> bool {
        match self {
            Values::Int32(v) | Values::Date(v) => v[a] == v[b],
            Values::Int64(v) => v[a] == v[b],
            Values::Float64(v) => v[a].map(f64::to_bits) == v[b].map(f64::to_bits),
            Values::Text(v) => v[a] == v[b],
        }
    }

    /// Order of rows `a` and `b` (nulls first; floats by their bits: any total order will do
    /// to tell that keys increase).
    fn cmp_at(&self, a: usize, b: usize) -> std::cmp::Ordering {
        match self {
            Values::Int32(v) | Values::Date(v) => v[a].cmp(&v[b]),
            Values::Int64(v) => v[a].cmp(&v[b]),
            Values::Float64(v) => v[a].map(f64::to_bits).cmp(&v[b].map(f64::to_bits)),
            Values::Text(v) => v[a].cmp(&v[b]),
        }
    }

    fn hash_at(&self, r: usize, h: &mut impl Hasher) {
        match self {
            Values::Int32(v) | Values::Date(v) => h.write_u64(v[r].map_or(u64::MAX, |x| x as u64)),
            Values::Int64(v) => h.write_u64(v[r].map_or(u64::MAX, |x| x as u64)),
            Values::Float64(v) => h.write_u64(v[r].map_or(u64::MAX, f64::to_bits)),
            Values::Text(v) => {
                if let Some(s) = &v[r] {
                    for chunk in s.as_bytes().chunks(8) {
                        let mut w = [0u8; 8];
                        w[..chunk.len()].copy_from_slice(chunk);
                        h.write_u64(u64::from_le_bytes(w));
                    }
                }
                h.write_u64(v[r].as_ref().map_or(u64::MAX, |s| s.len() as u64));
            }
        }
    }

    fn show(&self, r: usize) -> String {
        match self {
            Values::Int32(v) | Values::Date(v) => v[r].map_or("null".into(), |x| x.to_string()),
            Values::Int64(v) => v[r].map_or("null".into(), |x| x.to_string()),
            Values::Float64(v) => v[r].map_or("null".into(), |x| x.to_string()),
            Values::Text(v) => v[r].as_ref().map_or("null".into(), |x| format!("{x:?}")),
        }
    }
}

/// Builds a typed polars frame from rows of text cells, in the catalog's column order.
pub(crate) struct TableBuilder<'a> {
    dataset: &'a Dataset,
    path: PathBuf,
    /// For each catalog column, its position in the file's header.
    positions: Vec<usize>,
    header_len: usize,
    values: Vec<Values>,
    key_cols: Vec<usize>,
    /// Key fingerprint → first row with it; true fingerprint collisions go to `overflow`.
    keys: IntMap<u32>,
    overflow: Vec<(u64, u32)>,
    /// Every row so far has had a greater key than the one before (then no key can repeat, and
    /// the fingerprint map is not needed: most producer files are sorted by their key, and the
    /// map was a fifth of the load time of the million-row mindist file).
    sorted: bool,
    /// Source line of every kept row.
    lines: Vec<u64>,
    pub(crate) blank_rows: usize,
}

impl<'a> TableBuilder<'a> {
    /// Matches the header (trimmed) against the catalog schema.
    pub(crate) fn new(dataset: &'a Dataset, path: &Path, header: &[String]) -> Result<Self, LoadError> {
        let trimmed: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
        let mut positions = Vec::with_capacity(dataset.columns.len());
        for col in &dataset.columns {
            let src = col.src.trim();
            match trimmed.iter().position(|h| h == src) {
                Some(p) => positions.push(p),
                None => {
                    let known: Vec<&str> = dataset.columns.iter().map(|c| c.src.trim()).collect();
                    let unknown = trimmed.iter().map(String::as_str).filter(|h| !known.contains(h));
                    return Err(LoadError::MissingColumn {
                        path: path.to_path_buf(),
                        column: src.to_string(),
                        suggestion: crate::suggest::nearest(src, unknown).map(String::from),
                        header: trimmed,
                    });
                }
            }
        }
        let values = dataset
            .columns
            .iter()
            .map(|c| match c.ty {
                ColumnType::I32 => Values::Int32(Vec::new()),
                ColumnType::I64 => Values::Int64(Vec::new()),
                ColumnType::F64 => Values::Float64(Vec::new()),
                ColumnType::Str => Values::Text(Vec::new()),
                ColumnType::Date => Values::Date(Vec::new()),
            })
            .collect();
        let key_cols = dataset.key.iter().filter_map(|k| dataset.columns.iter().position(|c| &c.name == k)).collect();
        Ok(TableBuilder {
            dataset,
            path: path.to_path_buf(),
            positions,
            header_len: header.len(),
            values,
            key_cols,
            keys: IntMap::default(),
            overflow: Vec::new(),
            sorted: true,
            lines: Vec::new(),
            blank_rows: 0,
        })
    }

    /// Adds one row. `line` is the 1-based line (or sheet row) for messages.
    pub(crate) fn push<C: Cells + ?Sized>(&mut self, line: u64, cells: &C) -> Result<(), LoadError> {
        if self.dataset.drop_blank_rows && (0..cells.count()).all(|i| cells.cell(i).trim().is_empty()) {
            self.blank_rows += 1;
            return Ok(());
        }
        if cells.count() != self.header_len {
            let column = cells.count().min(self.header_len) + 1;
            let name = self
                .positions
                .iter()
                .position(|&p| p + 1 == column)
                .map(|i| self.dataset.columns[i].src.trim().to_string())
                .unwrap_or_else(|| "(extra)".to_string());
            return Err(LoadError::FieldCount {
                path: self.path.clone(),
                line,
                column,
                name,
                found: cells.count(),
                expected: self.header_len,
            });
        }
        for (i, col) in self.dataset.columns.iter().enumerate() {
            let pos = self.positions[i];
            let mut raw = cells.cell(pos).trim();
            if col.labelled {
                // `-9 Missing`, `1 Territory`: the code decides, the label is decoration.
                raw = raw.split_whitespace().next().unwrap_or(raw);
            }
            let is_na = raw.is_empty() || raw == "NA" || self.dataset.na.iter().any(|c| c == raw);
            let bad = || LoadError::Value {
                path: self.path.clone(),
                line,
                column: pos + 1,
                name: col.name.clone(),
                expected: expectation(col, &self.dataset.na),
                found: raw.to_string(),
            };
            match &mut self.values[i] {
                Values::Int32(v) => {
                    let x = if is_na {
                        None
                    } else {
                        Some(parse_int(raw, col.labelled, col.thousands).and_then(|x| i32::try_from(x).ok()).ok_or_else(bad)?)
                    };
                    v.push(x);
                }
                Values::Int64(v) => {
                    let x = if is_na { None } else { Some(parse_int(raw, col.labelled, col.thousands).ok_or_else(bad)?) };
                    v.push(x);
                }
                Values::Float64(v) => {
                    let x = if is_na { None } else { Some(parse_float(raw).ok_or_else(bad)?) };
                    v.push(x);
                }
                Values::Text(v) => v.push(if is_na { None } else { Some(raw.to_string()) }),
                Values::Date(v) => {
                    let x = if is_na { None } else { Some(parse_date(raw).ok_or_else(bad)?) };
                    v.push(x);
                }
            }
        }
        self.lines.push(line);
        self.check_key(line)
    }

    /// Checks the unique key of the row just pushed.
    fn check_key(&mut self, line: u64) -> Result<(), LoadError> {
        if self.key_cols.is_empty() {
            return Ok(());
        }
        let r = self.lines.len() - 1;
        for &k in &self.key_cols {
            if self.values[k].is_null(r) {
                return Err(LoadError::MissingKey {
                    path: self.path.clone(),
                    line,
                    column: self.positions[k] + 1,
                    name: self.dataset.columns[k].name.clone(),
                });
            }
        }
        if self.sorted {
            if r == 0 {
                return Ok(());
            }
            let order = self.key_cols.iter().map(|&k| self.values[k].cmp_at(r - 1, r)).find(|o| o.is_ne());
            if order == Some(std::cmp::Ordering::Less) {
                return Ok(());
            }
            // Out of order: index the rows so far, then check this one through the map.
            self.sorted = false;
            for a in 0..r {
                let fp = self.fingerprint(a);
                self.remember(fp, a);
            }
        }
        let fp = self.fingerprint(r);
        let same = |a: usize| self.key_cols.iter().all(|&k| self.values[k].eq_at(a, r));
        let first = match self.keys.get(&fp) {
            None => None,
            Some(&a) if same(a as usize) => Some(a as usize),
            Some(_) => self.overflow.iter().find(|(f, a)| *f == fp && same(*a as usize)).map(|(_, a)| *a as usize),
        };
        if let Some(a) = first {
            let shown: Vec<String> =
                self.key_cols.iter().map(|&k| format!("{}={}", self.dataset.columns[k].name, self.values[k].show(r))).collect();
            let names: Vec<&str> = self.key_cols.iter().map(|&k| self.dataset.columns[k].name.as_str()).collect();
            return Err(LoadError::DuplicateKey {
                path: self.path.clone(),
                line,
                first_line: self.lines[a],
                key: shown.join(", "),
                columns: names.join(", "),
            });
        }
        self.remember(fp, r);
        Ok(())
    }

    fn fingerprint(&self, r: usize) -> u64 {
        let mut h = IntHasher::default();
        for &k in &self.key_cols {
            self.values[k].hash_at(r, &mut h);
        }
        h.finish()
    }

    fn remember(&mut self, fp: u64, r: usize) {
        match self.keys.entry(fp) {
            std::collections::hash_map::Entry::Occupied(_) => self.overflow.push((fp, r as u32)),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(r as u32);
            }
        }
    }

    /// The frame, columns named canonically, in catalog order.
    pub(crate) fn finish(self) -> Result<DataFrame, LoadError> {
        let path = self.path;
        let height = match self.values.first() {
            Some(Values::Int32(v)) | Some(Values::Date(v)) => v.len(),
            Some(Values::Int64(v)) => v.len(),
            Some(Values::Float64(v)) => v.len(),
            Some(Values::Text(v)) => v.len(),
            None => 0,
        };
        if height == 0 {
            return Err(LoadError::Empty { path, what: "the file has a header but no rows" });
        }
        let frame_err = |source| LoadError::Frame { path: path.clone(), source };
        let mut columns = Vec::with_capacity(self.values.len());
        for (col, vals) in self.dataset.columns.iter().zip(self.values) {
            let name: PlSmallStr = col.name.as_str().into();
            let series = match vals {
                Values::Int32(v) => Series::new(name, v),
                Values::Int64(v) => Series::new(name, v),
                Values::Float64(v) => Series::new(name, v),
                Values::Text(v) => Series::new(name, v),
                Values::Date(v) => Series::new(name, v).cast(&DataType::Date).map_err(frame_err)?,
            };
            columns.push(series.into_column());
        }
        DataFrame::new(height, columns).map_err(frame_err)
    }
}

fn expectation(col: &crate::catalog::Column, na: &[String]) -> String {
    let mut s = col.ty.expectation().to_string();
    if col.labelled {
        s.push_str(" code (optionally followed by a label)");
    }
    if col.thousands {
        s.push_str(" (thousands separators allowed)");
    }
    let mut codes: Vec<String> = vec!["empty".into(), "NA".into()];
    codes.extend(na.iter().map(|c| format!("{c:?}")));
    format!("{s} or a missing code ({})", codes.join(", "))
}

/// Integer cell: `12`, `-9`, `2.0` (integral float), `1,500` with `thousands`, `1 Territory`
/// with `labelled`.
pub(crate) fn parse_int(raw: &str, labelled: bool, thousands: bool) -> Option<i64> {
    let mut s = raw;
    if labelled {
        s = s.split_whitespace().next().unwrap_or(s);
    }
    let owned: String;
    if thousands && s.contains(',') {
        let groups: Vec<&str> = s.split(',').collect();
        let well_formed = groups[1..].iter().all(|g| g.len() == 3) && !groups[0].is_empty() && groups[0].len() <= 4;
        if !well_formed {
            return None;
        }
        owned = groups.concat();
        s = &owned;
    }
    if let Ok(x) = s.parse::<i64>() {
        return Some(x);
    }
    // Exports through floating point write integers as `2.0`.
    let (int, frac) = s.split_once('.')?;
    if !frac.is_empty() && frac.bytes().all(|b| b == b'0') {
        return int.parse::<i64>().ok();
    }
    None
}

/// Float cell; E-notation accepted, `nan`/`inf` spellings refused.
pub(crate) fn parse_float(raw: &str) -> Option<f64> {
    let ok = raw.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if !ok {
        return None;
    }
    raw.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// ISO date `yyyy-mm-dd` (a trailing ` 00:00:00` time is accepted) to days since 1970-01-01.
pub(crate) fn parse_date(raw: &str) -> Option<i32> {
    let date = raw.strip_suffix(" 00:00:00").or_else(|| raw.strip_suffix("T00:00:00")).unwrap_or(raw);
    let mut it = date.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    super::dates::date(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_producer_spellings() {
        assert_eq!(parse_int("-9", false, false), Some(-9));
        assert_eq!(parse_int("2.0", false, false), Some(2));
        assert_eq!(parse_int("2.5", false, false), None);
        assert_eq!(parse_int("1 Territory", true, false), Some(1));
        assert_eq!(parse_int("1 Territory", false, false), None);
        assert_eq!(parse_int("10,480", false, true), Some(10480));
        assert_eq!(parse_int("1,48", false, true), None);
        assert_eq!(parse_int("abc", false, false), None);
    }

    #[test]
    fn duplicate_key_names_values_in_key_order() {
        let cat = crate::catalog::Catalog::parse(
            r#"
            citation = []
            [[dataset]]
            name = "t"
            family = "t"
            title = "t"
            version = "1"
            path = "t.csv"
            format = "csv"
            unit = "row"
            bytes = 0
            sha256 = ""
            rows = 0
            homepage = ""
            cite = []
            provenance = ""
            key = ["b", "a"]
            na = ["-9"]
            columns = [
              { src = "a", name = "a", type = "i32" },
              { src = "b", name = "b", type = "str", labelled = true },
            ]
            "#,
        )
        .unwrap();
        let d = &cat.datasets[0];
        let header = vec!["a".to_string(), "b".to_string()];
        let mut t = TableBuilder::new(d, Path::new("t.csv"), &header).unwrap();
        t.push(2, &["1", "x label"][..]).unwrap();
        let err = t.push(3, &["1", "x"][..]).unwrap_err().to_string();
        assert!(err.contains("t.csv:3: duplicate key (b=\"x\", a=1), first seen on line 2; expected (b, a)"), "{err}");
        let err = t.push(4, &["2", "-9 Missing"][..]).unwrap_err().to_string();
        assert!(err.contains("key column `b` is missing"), "{err}");
        // Sorted rows need no map; a row out of order switches to it and still finds an
        // earlier key.
        let mut t = TableBuilder::new(d, Path::new("t.csv"), &header).unwrap();
        for (line, a) in [(2, "1"), (3, "3"), (4, "5"), (5, "2")] {
            t.push(line, &[a, "y"][..]).unwrap();
        }
        let err = t.push(6, &["3", "y"][..]).unwrap_err().to_string();
        assert!(err.contains("t.csv:6: duplicate key (b=\"y\", a=3), first seen on line 3"), "{err}");
    }

    #[test]
    fn floats_and_dates() {
        assert_eq!(parse_float("3.5e-05"), Some(3.5e-05));
        assert_eq!(parse_float("nan"), None);
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11017));
        assert_eq!(parse_date("1816-01-01"), Some(-56248));
        assert_eq!(parse_date("2001-02-29"), None);
        assert_eq!(parse_date("2003-08-11 00:00:00"), parse_date("2003-08-11"));
    }
}
