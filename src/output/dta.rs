//! Stata .dta format 118 (Stata 14 and later), little-endian. No timestamp is written, so the
//! same frame always gives the same bytes.

use polars::prelude::*;

const DOUBLE: u16 = 65526;
const LONG: u16 = 65528;
const BYTE: u16 = 65530;
/// Stata's system missing value `.` for doubles.
const DOUBLE_MISSING: u64 = 0x7FE0_0000_0000_0000;
const LONG_MISSING: i32 = 2_147_483_621;
const LONG_MAX: i32 = 2_147_483_620;
const STR_MAX: usize = 2045;
/// Days from 1960-01-01 (Stata's origin) to 1970-01-01.
const STATA_EPOCH_SHIFT: i32 = 3653;

enum Var {
    Byte(Vec<Option<i8>>),
    Long(Vec<Option<i32>>),
    Double(Vec<Option<f64>>),
    Date(Vec<Option<i32>>),
    Str(Vec<Option<String>>, usize),
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

    fn format(&self) -> String {
        match self {
            Var::Byte(_) => "%8.0g".into(),
            Var::Long(_) => "%12.0g".into(),
            Var::Double(_) => "%10.0g".into(),
            Var::Date(_) => "%td".into(),
            Var::Str(_, w) => format!("%-{w}s"),
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
}

fn convert(c: &Column) -> PolarsResult<Var> {
    let name = c.name();
    Ok(match c.dtype() {
        DataType::Boolean => Var::Byte(c.bool()?.iter().map(|b| b.map(i8::from)).collect()),
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::Int64
        | DataType::UInt32
        | DataType::UInt64 => {
            let s = c.cast(&DataType::Int64)?;
            let mut out = Vec::with_capacity(s.len());
            for v in s.i64()?.iter() {
                out.push(match v {
                    None => None,
                    Some(x) if (-(LONG_MAX as i64)..=LONG_MAX as i64).contains(&x) => Some(x as i32),
                    Some(x) => polars_bail!(ComputeError: "column `{}`: {} does not fit a Stata long; cast it to float first", name, x),
                });
            }
            Var::Long(out)
        }
        DataType::Float32 | DataType::Float64 => Var::Double(c.cast(&DataType::Float64)?.f64()?.iter().collect()),
        DataType::Date => Var::Date(c.cast(&DataType::Int32)?.i32()?.iter().map(|d| d.map(|d| d + STATA_EPOCH_SHIFT)).collect()),
        DataType::String => {
            let vals: Vec<Option<String>> = c.str()?.iter().map(|s| s.map(str::to_string)).collect();
            let w = vals.iter().flatten().map(String::len).max().unwrap_or(1).max(1);
            polars_ensure!(w <= STR_MAX, ComputeError: "column `{}` has text longer than {} bytes, which .dta fixed strings cannot hold", name, STR_MAX);
            Var::Str(vals, w)
        }
        dt => polars_bail!(ComputeError: "column `{}` of type {} cannot be written to .dta", name, dt),
    })
}

fn tag(out: &mut Vec<u8>, name: &str, body: impl FnOnce(&mut Vec<u8>)) {
    out.extend_from_slice(format!("<{name}>").as_bytes());
    body(out);
    out.extend_from_slice(format!("</{name}>").as_bytes());
}

fn padded(out: &mut Vec<u8>, s: &str, len: usize) {
    let b = s.as_bytes();
    let n = b.len().min(len - 1);
    out.extend_from_slice(&b[..n]);
    out.extend(std::iter::repeat_n(0u8, len - n));
}

/// Encodes a frame as a .dta 118 file.
pub fn encode(df: &DataFrame) -> PolarsResult<Vec<u8>> {
    let vars: Vec<Var> = df.columns().iter().map(convert).collect::<PolarsResult<_>>()?;
    let names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    for n in &names {
        let ok = n.len() <= 32
            && n.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        polars_ensure!(ok, ComputeError: "`{}` is not a valid Stata variable name (letters, digits, _; at most 32)", n);
    }
    polars_ensure!(vars.len() <= u16::MAX as usize, ComputeError: "too many columns for .dta 118");
    let (k, n) = (vars.len(), df.height());
    let mut out = Vec::with_capacity(n * vars.iter().map(Var::width).sum::<usize>() + 4096);
    let mut map = [0u64; 14];
    out.extend_from_slice(b"<stata_dta>");
    tag(&mut out, "header", |o| {
        tag(o, "release", |o| o.extend_from_slice(b"118"));
        tag(o, "byteorder", |o| o.extend_from_slice(b"LSF"));
        tag(o, "K", |o| o.extend_from_slice(&(k as u16).to_le_bytes()));
        tag(o, "N", |o| o.extend_from_slice(&(n as u64).to_le_bytes()));
        tag(o, "label", |o| o.extend_from_slice(&0u16.to_le_bytes()));
        tag(o, "timestamp", |o| o.push(0));
    });
    map[1] = out.len() as u64;
    let map_at = out.len() + "<map>".len();
    tag(&mut out, "map", |o| o.extend(std::iter::repeat_n(0u8, 14 * 8)));
    map[2] = out.len() as u64;
    tag(&mut out, "variable_types", |o| vars.iter().for_each(|v| o.extend_from_slice(&v.type_code().to_le_bytes())));
    map[3] = out.len() as u64;
    tag(&mut out, "varnames", |o| names.iter().for_each(|nm| padded(o, nm, 129)));
    map[4] = out.len() as u64;
    tag(&mut out, "sortlist", |o| o.extend(std::iter::repeat_n(0u8, (k + 1) * 2)));
    map[5] = out.len() as u64;
    tag(&mut out, "formats", |o| vars.iter().for_each(|v| padded(o, &v.format(), 57)));
    map[6] = out.len() as u64;
    tag(&mut out, "value_label_names", |o| o.extend(std::iter::repeat_n(0u8, k * 129)));
    map[7] = out.len() as u64;
    tag(&mut out, "variable_labels", |o| o.extend(std::iter::repeat_n(0u8, k * 321)));
    map[8] = out.len() as u64;
    tag(&mut out, "characteristics", |_| {});
    map[9] = out.len() as u64;
    tag(&mut out, "data", |o| {
        for i in 0..n {
            for v in &vars {
                match v {
                    Var::Byte(x) => o.push(x[i].map_or(101u8, |b| b as u8)),
                    Var::Long(x) | Var::Date(x) => o.extend_from_slice(&x[i].unwrap_or(LONG_MISSING).to_le_bytes()),
                    Var::Double(x) => o.extend_from_slice(&x[i].map_or(DOUBLE_MISSING, f64::to_bits).to_le_bytes()),
                    Var::Str(x, w) => padded_exact(o, x[i].as_deref().unwrap_or(""), *w),
                }
            }
        }
    });
    map[10] = out.len() as u64;
    tag(&mut out, "strls", |_| {});
    map[11] = out.len() as u64;
    tag(&mut out, "value_labels", |_| {});
    map[12] = out.len() as u64;
    out.extend_from_slice(b"</stata_dta>");
    map[13] = out.len() as u64;
    for (j, m) in map.iter().enumerate() {
        out[map_at + 8 * j..map_at + 8 * j + 8].copy_from_slice(&m.to_le_bytes());
    }
    Ok(out)
}

/// A fixed-width string cell: the bytes, zero-padded to the width (no terminator needed).
fn padded_exact(out: &mut Vec<u8>, s: &str, w: usize) {
    out.extend_from_slice(s.as_bytes());
    out.extend(std::iter::repeat_n(0u8, w - s.len()));
}
