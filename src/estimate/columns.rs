//! A frame's columns as the estimator reads them: numbers (missing as NaN, dropped and counted
//! before anything is computed), text factors as the codes of their sorted levels, presence of
//! any-typed keys, and group numbers by first appearance.

use super::error::EstimateError;
use polars::prelude::*;
use std::collections::HashMap;

fn unknown(df: &DataFrame, name: &str) -> EstimateError {
    let suggestion = crate::suggest::nearest(name, df.get_column_names().iter().map(|n| n.as_str())).map(String::from);
    EstimateError::UnknownColumn { name: name.to_string(), suggestion }
}

/// A column as numbers, missing (null, or NaN in the data) as NaN: rows with a missing (or
/// infinite) value are dropped and counted before anything is computed, so NaN never reaches an
/// estimate.
pub(super) fn floats(df: &DataFrame, name: &str) -> Result<Vec<f64>, EstimateError> {
    let c = df.column(name).map_err(|_| unknown(df, name))?;
    if c.null_count() == c.len() {
        // Every value missing (a CSV reader calls such a column text): all rows drop as missing.
        return Ok(vec![f64::NAN; c.len()]);
    }
    if !c.dtype().is_primitive_numeric() && !c.dtype().is_bool() {
        return Err(EstimateError::NotNumeric { name: name.to_string(), dtype: c.dtype().to_string() });
    }
    let mut out = Vec::with_capacity(c.len());
    // 32-bit integers (most of a frame's columns) are converted in one pass, without the
    // intermediate Float64 column a cast would allocate.
    if c.dtype() == &DataType::Int32 {
        for arr in c.as_materialized_series().i32()?.downcast_iter() {
            let values = arr.values().as_slice();
            match arr.validity() {
                None => out.extend(values.iter().map(|&v| f64::from(v))),
                Some(valid) => out.extend(values.iter().zip(valid.iter()).map(|(&v, ok)| if ok { f64::from(v) } else { f64::NAN })),
            }
        }
        return Ok(out);
    }
    let c = c.cast(&DataType::Float64)?;
    for arr in c.f64()?.downcast_iter() {
        let values = arr.values().as_slice();
        match arr.validity() {
            None => out.extend_from_slice(values),
            Some(valid) => out.extend(values.iter().zip(valid.iter()).map(|(&v, ok)| if ok { v } else { f64::NAN })),
        }
    }
    Ok(out)
}

/// A text (or categorical) column as a factor: each row the index of its value among the
/// column's distinct values sorted by code point (as patsy sorts them, and R in the C locale),
/// missing as NaN; and those values. A numeric column is read as numbers (`None`).
pub(super) fn factor_codes(df: &DataFrame, name: &str) -> Result<(Vec<f64>, Option<Vec<String>>), EstimateError> {
    let c = df.column(name).map_err(|_| unknown(df, name))?;
    if c.dtype().is_primitive_numeric() || c.dtype().is_bool() || c.null_count() == c.len() {
        return Ok((floats(df, name)?, None));
    }
    let c = c.cast(&DataType::String)?;
    let ca = c.str()?;
    let levels: Vec<String> = ca.iter().flatten().collect::<std::collections::BTreeSet<&str>>().into_iter().map(String::from).collect();
    let index: HashMap<&str, f64> = levels.iter().enumerate().map(|(i, l)| (l.as_str(), i as f64)).collect();
    let codes = ca.iter().map(|v| v.map_or(f64::NAN, |v| index[v])).collect();
    Ok((codes, Some(levels)))
}

/// Whether each row of a column (a cluster variable, of any type: an id only needs equality)
/// has a value: not null, and for numbers not NaN.
pub(super) fn present(df: &DataFrame, name: &str) -> Result<Vec<bool>, EstimateError> {
    let c = df.column(name).map_err(|_| unknown(df, name))?;
    if c.dtype().is_primitive_numeric() || c.dtype().is_bool() {
        return Ok(floats(df, name)?.iter().map(|v| v.is_finite()).collect());
    }
    Ok(c.is_not_null().iter().map(|v| v.unwrap_or(false)).collect())
}

/// Integer codes between `lo` and `hi` numbered 0.. in order of first appearance (missing stay
/// missing), and how many there are. Codes in a range not much wider than the column (dyad ids,
/// years, country codes) go through a table indexed by the value, an order of magnitude faster
/// than hashing 1.7 million values; the numbering is the same either way.
pub fn first_appearance(codes: impl Iterator<Item = Option<i64>>, len: usize, lo: i64, hi: i64) -> (Vec<Option<u32>>, usize) {
    let mut next = 0u32;
    let span = hi.abs_diff(lo);
    if span < 4 * (len as u64).max(1 << 20) {
        let mut table = vec![u32::MAX; span as usize + 1];
        let ids = codes
            .map(|v| {
                v.map(|v| {
                    let slot = &mut table[v.abs_diff(lo) as usize];
                    if *slot == u32::MAX {
                        *slot = next;
                        next += 1;
                    }
                    *slot
                })
            })
            .collect();
        return (ids, next as usize);
    }
    let mut ids: HashMap<i64, u32> = HashMap::new();
    let out = codes
        .map(|v| {
            v.map(|v| {
                let n = ids.len() as u32;
                *ids.entry(v).or_insert(n)
            })
        })
        .collect();
    (out, ids.len())
}

/// Group numbers of a column of any type (numbers or text), 0.. in order of first appearance;
/// `None` where the value is missing.
pub fn group_ids(df: &DataFrame, name: &str) -> Result<Vec<Option<u32>>, EstimateError> {
    let c = df.column(name).map_err(|_| unknown(df, name))?;
    if c.dtype().is_integer() {
        let c = c.cast(&DataType::Int64)?;
        let ca = c.i64()?;
        let (lo, hi) = (ca.min().unwrap_or(0), ca.max().unwrap_or(0));
        return Ok(first_appearance(ca.iter(), ca.len(), lo, hi).0);
    }
    let c = c.cast(&DataType::String)?;
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let ca = c.str()?;
    Ok(ca
        .iter()
        .map(|v| {
            v.map(|v| {
                let next = ids.len() as u32;
                *ids.entry(v).or_insert(next)
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ids_number_by_first_appearance_on_every_path() {
        // A narrow integer range (the table), a wide one (hashing) and text: the same numbers.
        let df = df!(
            "dense" => [Some(7i64), None, Some(3), Some(7), Some(5)],
            "wide" => [Some(i64::MAX), None, Some(-5), Some(i64::MAX), Some(0)],
            "text" => [Some("b"), None, Some("a"), Some("b"), Some("c")],
        )
        .unwrap();
        for c in ["dense", "wide", "text"] {
            assert_eq!(group_ids(&df, c).unwrap(), [Some(0), None, Some(1), Some(0), Some(2)], "{c}");
        }
    }
}
