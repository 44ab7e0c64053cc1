//! Producer CSV files: decoding (UTF-8, or cp1252 where the catalog says so), line endings
//! (LF, CRLF, CR-only), quoted fields, headers with stray spaces, no final newline.

use super::table::TableBuilder;
use crate::catalog::{Dataset, Encoding};
use crate::types::LoadError;
use polars::prelude::DataFrame;
use std::borrow::Cow;
use std::path::Path;

/// Decodes the bytes per the catalog and turns every line ending into `\n`.
pub(crate) fn decode(d: &Dataset, path: &Path, bytes: &[u8]) -> Result<String, LoadError> {
    decode_as(d.encoding, path, bytes)
}

/// Decodes `bytes` as `encoding`, every line ending turned into `\n`.
pub(crate) fn decode_as(encoding: Encoding, path: &Path, bytes: &[u8]) -> Result<String, LoadError> {
    let text: Cow<'_, str> = match encoding {
        Encoding::Utf8 => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            match std::str::from_utf8(bytes) {
                Ok(s) => Cow::Borrowed(s),
                Err(e) => {
                    let at = e.valid_up_to();
                    let before = &bytes[..at];
                    let line = 1 + before.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 - u64::from(count_crlf(before));
                    let line_start = before.iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |p| p + 1);
                    let column = 1 + String::from_utf8_lossy(&before[line_start..]).chars().count() as u64;
                    return Err(LoadError::Decode { path: path.to_path_buf(), line, column, byte: bytes[at] });
                }
            }
        }
        Encoding::Cp1252 => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    };
    if !text.contains('\r') {
        return Ok(text.into_owned());
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

fn count_crlf(bytes: &[u8]) -> u32 {
    bytes.windows(2).filter(|w| w == b"\r\n").count() as u32
}

/// Reads a producer CSV into a typed frame.
pub(crate) fn read(d: &Dataset, path: &Path, bytes: &[u8]) -> Result<(DataFrame, usize), LoadError> {
    let text = decode(d, path, bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let csv_err =
        |e: csv::Error| LoadError::Csv { path: path.to_path_buf(), line: e.position().map_or(0, |p| p.line()), message: e.to_string() };
    // One record, reused: a new record a row was a tenth of the load time of the largest files.
    let mut rec = csv::StringRecord::new();
    if !reader.read_record(&mut rec).map_err(csv_err)? {
        return Err(LoadError::Empty { path: path.to_path_buf(), what: "the file is empty" });
    }
    let header: Vec<String> = rec.iter().map(str::to_string).collect();
    let mut table = TableBuilder::new(d, path, &header)?;
    while reader.read_record(&mut rec).map_err(csv_err)? {
        let line = rec.position().map_or(0, |p| p.line());
        table.push(line, &rec)?;
    }
    let blank = table.blank_rows;
    Ok((table.finish()?, blank))
}
