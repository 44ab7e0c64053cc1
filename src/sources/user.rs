//! Files of the user's own (`allywar data add`): the header, and the schema of the value
//! columns when the user gives none — the narrowest type every cell fits (integer, number,
//! text), read with the loader's own cell rules.

use super::table::{parse_float, parse_int};
use crate::catalog::{ColumnType, Encoding};
use crate::pins::UserColumn;
use crate::types::LoadError;
use std::path::Path;

/// The header of a CSV file, trimmed.
pub fn header(path: &Path, bytes: &[u8]) -> Result<Vec<String>, LoadError> {
    let text = super::text::decode_as(Encoding::Utf8, path, bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rec = csv::StringRecord::new();
    let read = reader.read_record(&mut rec).map_err(|e| LoadError::Csv { path: path.to_path_buf(), line: 1, message: e.to_string() })?;
    if !read {
        return Err(LoadError::Empty { path: path.to_path_buf(), what: "the file is empty" });
    }
    Ok(rec.iter().map(|h| h.trim().to_string()).collect())
}

/// The value columns of a CSV file (every column but `keys`), each typed as the narrowest
/// type all its cells fit, the `na` codes, empty cells and `NA` aside. A header that is not a
/// variable name is lowercased with other characters as `_` (the header kept as `src`).
pub fn infer(path: &Path, bytes: &[u8], keys: &[String], na: &[String]) -> Result<Vec<UserColumn>, LoadError> {
    let text = super::text::decode_as(Encoding::Utf8, path, bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rec = csv::StringRecord::new();
    let csv_err =
        |e: csv::Error| LoadError::Csv { path: path.to_path_buf(), line: e.position().map_or(0, |p| p.line()), message: e.to_string() };
    if !reader.read_record(&mut rec).map_err(csv_err)? {
        return Err(LoadError::Empty { path: path.to_path_buf(), what: "the file is empty" });
    }
    let header: Vec<String> = rec.iter().map(|h| h.trim().to_string()).collect();
    let value_cols: Vec<usize> = (0..header.len()).filter(|&i| !keys.contains(&header[i])).collect();
    // 0: every cell an integer (i32), 1: i64, 2: a number, 3: text.
    let mut widest = vec![0u8; header.len()];
    while reader.read_record(&mut rec).map_err(csv_err)? {
        for &i in &value_cols {
            let raw = rec.get(i).unwrap_or("").trim();
            if raw.is_empty() || raw == "NA" || na.iter().any(|c| c == raw) || widest[i] == 3 {
                continue;
            }
            let fits = match parse_int(raw, false, false) {
                Some(x) if i32::try_from(x).is_ok() => 0,
                Some(_) => 1,
                None if parse_float(raw).is_some() => 2,
                None => 3,
            };
            widest[i] = widest[i].max(fits);
        }
    }
    Ok(value_cols
        .into_iter()
        .map(|i| {
            let name = variable_name(&header[i]);
            let ty = [ColumnType::I32, ColumnType::I64, ColumnType::F64, ColumnType::Str][usize::from(widest[i])];
            UserColumn { src: (name != header[i]).then(|| header[i].clone()), name, ty, desc: String::new() }
        })
        .collect())
}

/// A header as a variable name: lowercase, runs of other characters as one `_`.
pub fn variable_name(header: &str) -> String {
    let mut out = String::new();
    for c in header.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_column_gets_the_narrowest_type_its_cells_fit() {
        let csv = "ccode,year,GDP per cap,pop,regime,flag\n2,1990,1.5e4,250000000000,dem,1\n20,1990,-9,12,NA,0\n";
        let cols = infer(Path::new("x.csv"), csv.as_bytes(), &["ccode".into(), "year".into()], &["-9".into()]).unwrap();
        let got: Vec<(&str, Option<&str>, ColumnType)> = cols.iter().map(|c| (c.name.as_str(), c.src.as_deref(), c.ty)).collect();
        assert_eq!(
            got,
            [
                ("gdp_per_cap", Some("GDP per cap"), ColumnType::F64),
                ("pop", None, ColumnType::I64),
                ("regime", None, ColumnType::Str),
                ("flag", None, ColumnType::I32)
            ]
        );
        assert_eq!(header(Path::new("x.csv"), csv.as_bytes()).unwrap()[2], "GDP per cap");
        assert_eq!(variable_name(" Trade (% GDP) "), "trade_gdp");
    }
}
