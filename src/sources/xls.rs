//! Producer Excel 97-2003 workbooks (Third-Party PKM, IMI): the first sheet, header in row 1.
//! Cells are rendered to text and go through the same typed parsing as CSV cells, so a sheet
//! and its CSV export give the same frame.

use super::table::TableBuilder;
use crate::catalog::Dataset;
use crate::types::LoadError;
use calamine::{Data, Reader, Xls};
use polars::prelude::DataFrame;
use std::io::Cursor;
use std::path::Path;

/// Reads the first worksheet into a typed frame. Lines in messages are sheet rows.
pub(crate) fn read(d: &Dataset, path: &Path, bytes: &[u8]) -> Result<(DataFrame, usize), LoadError> {
    let xls_err = |message: String| LoadError::Xls { path: path.to_path_buf(), message };
    let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| xls_err(e.to_string()))?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| xls_err(e.to_string()))?,
        None => return Err(LoadError::Empty { path: path.to_path_buf(), what: "the workbook has no sheet" }),
    };
    let first_row = range.start().map_or(0, |(r, _)| r) as u64;
    let mut rows = range.rows();
    let header: Vec<String> = match rows.next() {
        Some(r) => r.iter().map(cell_text).collect(),
        None => return Err(LoadError::Empty { path: path.to_path_buf(), what: "the first sheet is empty" }),
    };
    let width = header.iter().rposition(|h| !h.trim().is_empty()).map_or(0, |p| p + 1);
    let mut table = TableBuilder::new(d, path, &header[..width])?;
    for (i, row) in rows.enumerate() {
        let cells: Vec<String> = row.iter().take(width).map(cell_text).collect();
        // Sheet rows are 1-based and the header is the first.
        table.push(first_row + i as u64 + 2, cells.as_slice())?;
    }
    let blank = table.blank_rows;
    Ok((table.finish()?, blank))
}

/// A cell as its CSV export writes it: integral floats without a fraction.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => u8::from(*b).to_string(),
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
