//! Stata .dta format 118 (Stata 14 and later), little-endian, streamed a block of rows at a time
//! from the frame's own columns (no second copy of the data), the section map patched at the end. No
//! timestamp is written, so the same frame always gives the same bytes.

use polars::prelude::*;
use std::io::{Seek, SeekFrom, Write};

const DOUBLE: u16 = 65526;
const LONG: u16 = 65528;
const BYTE: u16 = 65530;
/// Stata's system missing value `.` for doubles.
const DOUBLE_MISSING: u64 = 0x7FE0_0000_0000_0000;
const LONG_MISSING: i32 = 2_147_483_621;
const LONG_MAX: i32 = 2_147_483_620;
const BYTE_MISSING: u8 = 101;
/// Stata bytes hold -127..=100; 101 and up are missing codes.
const BYTE_RANGE: std::ops::RangeInclusive<i64> = -127..=100;
const STR_MAX: usize = 2045;
/// Bytes of a variable label, with its terminator.
const LABEL_LEN: usize = 321;
/// Days from 1960-01-01 (Stata's origin) to 1970-01-01.
const STATA_EPOCH_SHIFT: i32 = 3653;

/// A column ready to write (the frame's own arrays where no cast is needed).
enum Var {
    Byte(Int32Chunked),
    Long(Int32Chunked),
    Double(Float64Chunked),
    Date(Int32Chunked),
    Str(StringChunked, usize),
}

impl Var {
    fn type_code(&self) -> u16 {
        match self {
            Var::Byte(_) => BYTE,
            Var::Long(_) | Var::Date(_) => LONG,
            Var::Double(_) => DOUBLE,
            Var::Str(_, w) => *w as u16,
        }
    }

    fn width(&self) -> usize {
        match self {
            Var::Byte(_) => 1,
            Var::Long(_) | Var::Date(_) => 4,
            Var::Double(_) => 8,
            Var::Str(_, w) => *w,
        }
    }

    fn format(&self) -> String {
        match self {
            Var::Byte(_) => "%8.0g".into(),
            Var::Long(_) => "%12.0g".into(),
            Var::Double(_) => "%10.0g".into(),
            Var::Date(_) => "%td".into(),
            Var::Str(_, w) => format!("%-{w}s"),
        }
    }
}

fn convert(c: &Column) -> PolarsResult<Var> {
    let name = c.name();
    let s = c.as_materialized_series();
    Ok(match s.dtype() {
        DataType::Boolean => Var::Byte(s.cast(&DataType::Int32)?.i32()?.clone()),
        dt if dt.is_integer() => {
            let wide = s.cast(&DataType::Int64)?;
            let (lo, hi) = (wide.i64()?.min().unwrap_or(0), wide.i64()?.max().unwrap_or(0));
            polars_ensure!(
                lo >= -(LONG_MAX as i64) && hi <= LONG_MAX as i64,
                ComputeError: "column `{}`: {} does not fit a Stata long; cast it to float first", name, if hi > LONG_MAX as i64 { hi } else { lo }
            );
            let ints = s.cast(&DataType::Int32)?.i32()?.clone();
            // Stata's `compress`: small integers (0/1 flags, levels) take one byte.
            if BYTE_RANGE.contains(&lo) && BYTE_RANGE.contains(&hi) {
                Var::Byte(ints)
            } else {
                Var::Long(ints)
            }
        }
        DataType::Float32 | DataType::Float64 => Var::Double(s.cast(&DataType::Float64)?.f64()?.clone()),
        DataType::Date => Var::Date(s.cast(&DataType::Int32)?.i32()?.clone()),
        DataType::String => {
            let ca = s.str()?.clone();
            let w = ca.iter().flatten().map(str::len).max().unwrap_or(1).max(1);
            polars_ensure!(w <= STR_MAX, ComputeError: "column `{}` has text longer than {} bytes, which .dta fixed strings cannot hold", name, STR_MAX);
            Var::Str(ca, w)
        }
        dt => polars_bail!(ComputeError: "column `{}` of type {} cannot be written to .dta", name, dt),
    })
}

fn tag<W: Write>(out: &mut W, name: &str, body: impl FnOnce(&mut W) -> std::io::Result<()>) -> std::io::Result<()> {
    out.write_all(format!("<{name}>").as_bytes())?;
    body(out)?;
    out.write_all(format!("</{name}>").as_bytes())
}

/// `s` cut to at most `len - 1` bytes at a character boundary, zero-padded to `len`.
fn padded<W: Write>(out: &mut W, s: &str, len: usize) -> std::io::Result<()> {
    let mut n = s.len().min(len - 1);
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    out.write_all(&s.as_bytes()[..n])?;
    out.write_all(&vec![0u8; len - n])
}

/// Writes a frame as a .dta 118 file, with a variable label per column (None: none) and the
/// dataset notes (`notes _dta`).
pub fn write<W: Write + Seek>(df: &DataFrame, labels: &[Option<&str>], notes: &[String], out: &mut W) -> PolarsResult<()> {
    let vars: Vec<Var> = df.columns().iter().map(convert).collect::<PolarsResult<_>>()?;
    let names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    for n in &names {
        let ok = n.len() <= 32
            && n.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        polars_ensure!(ok, ComputeError: "`{}` is not a valid Stata variable name (letters, digits, _; at most 32)", n);
    }
    polars_ensure!(vars.len() <= u16::MAX as usize, ComputeError: "too many columns for .dta 118");
    write_sections(&vars, &names, labels, notes, df.height(), out).map_err(|e| polars_err!(ComputeError: "{}", e))
}

fn write_sections<W: Write + Seek>(
    vars: &[Var],
    names: &[String],
    labels: &[Option<&str>],
    notes: &[String],
    n: usize,
    out: &mut W,
) -> std::io::Result<()> {
    let k = vars.len();
    let start = out.stream_position()?;
    let mut map = [0u64; 14];
    let pos = |out: &mut W| -> std::io::Result<u64> { Ok(out.stream_position()? - start) };
    out.write_all(b"<stata_dta>")?;
    tag(out, "header", |o| {
        tag(o, "release", |o| o.write_all(b"118"))?;
        tag(o, "byteorder", |o| o.write_all(b"LSF"))?;
        tag(o, "K", |o| o.write_all(&(k as u16).to_le_bytes()))?;
        tag(o, "N", |o| o.write_all(&(n as u64).to_le_bytes()))?;
        tag(o, "label", |o| o.write_all(&0u16.to_le_bytes()))?;
        tag(o, "timestamp", |o| o.write_all(&[0]))
    })?;
    map[1] = pos(out)?;
    let map_at = start + map[1] + "<map>".len() as u64;
    tag(out, "map", |o| o.write_all(&[0u8; 14 * 8]))?;
    map[2] = pos(out)?;
    tag(out, "variable_types", |o| vars.iter().try_for_each(|v| o.write_all(&v.type_code().to_le_bytes())))?;
    map[3] = pos(out)?;
    tag(out, "varnames", |o| names.iter().try_for_each(|nm| padded(o, nm, 129)))?;
    map[4] = pos(out)?;
    tag(out, "sortlist", |o| o.write_all(&vec![0u8; (k + 1) * 2]))?;
    map[5] = pos(out)?;
    tag(out, "formats", |o| vars.iter().try_for_each(|v| padded(o, &v.format(), 57)))?;
    map[6] = pos(out)?;
    tag(out, "value_label_names", |o| o.write_all(&vec![0u8; k * 129]))?;
    map[7] = pos(out)?;
    tag(out, "variable_labels", |o| (0..k).try_for_each(|j| padded(o, labels.get(j).copied().flatten().unwrap_or(""), LABEL_LEN)))?;
    map[8] = pos(out)?;
    tag(out, "characteristics", |o| {
        // Stata's `notes`: _dta[note0] holds the count, _dta[note1..] the notes.
        let mut chars = vec![("note0".to_string(), notes.len().to_string())];
        chars.extend(notes.iter().enumerate().map(|(i, t)| (format!("note{}", i + 1), t.clone())));
        for (name, text) in chars.iter().filter(|_| !notes.is_empty()) {
            tag(o, "ch", |o| {
                o.write_all(&((129 + 129 + text.len() + 1) as u32).to_le_bytes())?;
                padded(o, "_dta", 129)?;
                padded(o, name, 129)?;
                o.write_all(text.as_bytes())?;
                o.write_all(&[0])
            })?;
        }
        Ok(())
    })?;
    map[9] = pos(out)?;
    tag(out, "data", |o| write_rows(vars, n, o))?;
    map[10] = pos(out)?;
    tag(out, "strls", |_| Ok(()))?;
    map[11] = pos(out)?;
    tag(out, "value_labels", |_| Ok(()))?;
    map[12] = pos(out)?;
    out.write_all(b"</stata_dta>")?;
    map[13] = pos(out)?;
    let end = out.stream_position()?;
    out.seek(SeekFrom::Start(map_at))?;
    for m in map {
        out.write_all(&m.to_le_bytes())?;
    }
    out.seek(SeekFrom::Start(end))?;
    Ok(())
}

/// Rows, a block at a time: each column's values of the block are scattered into a row-major
/// buffer, so memory beyond the frame is one block, whatever the frame's size.
fn write_rows<W: Write>(vars: &[Var], n: usize, out: &mut W) -> std::io::Result<()> {
    const BLOCK: usize = 1 << 14;
    let widths: Vec<usize> = vars.iter().map(Var::width).collect();
    let row_width: usize = widths.iter().sum();
    let mut buf = vec![0u8; BLOCK * row_width];
    let mut start = 0;
    while start < n {
        let len = BLOCK.min(n - start);
        let mut off = 0;
        for (v, w) in vars.iter().zip(&widths) {
            let cells = buf[..len * row_width].chunks_exact_mut(row_width).map(|row| &mut row[off..off + w]);
            match v {
                Var::Byte(x) => {
                    for (cell, x) in cells.zip(x.slice(start as i64, len).iter()) {
                        cell[0] = x.map_or(BYTE_MISSING, |b| b as i8 as u8);
                    }
                }
                Var::Long(x) => {
                    for (cell, x) in cells.zip(x.slice(start as i64, len).iter()) {
                        cell.copy_from_slice(&x.unwrap_or(LONG_MISSING).to_le_bytes());
                    }
                }
                Var::Date(x) => {
                    for (cell, x) in cells.zip(x.slice(start as i64, len).iter()) {
                        cell.copy_from_slice(&x.map_or(LONG_MISSING, |d| d + STATA_EPOCH_SHIFT).to_le_bytes());
                    }
                }
                Var::Double(x) => {
                    for (cell, x) in cells.zip(x.slice(start as i64, len).iter()) {
                        cell.copy_from_slice(&x.map_or(DOUBLE_MISSING, f64::to_bits).to_le_bytes());
                    }
                }
                Var::Str(x, _) => {
                    for (cell, x) in cells.zip(x.slice(start as i64, len).iter()) {
                        let s = x.unwrap_or("").as_bytes();
                        cell[..s.len()].copy_from_slice(s);
                        cell[s.len()..].fill(0);
                    }
                }
            }
            off += w;
        }
        out.write_all(&buf[..len * row_width])?;
        start += len;
    }
    Ok(())
}
