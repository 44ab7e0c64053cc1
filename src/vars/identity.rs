//! Who a state is: its COW abbreviation and region, as text columns (`stateabb`, `region`; in
//! dyad-years `stateabb1`, `region2`, ...), so that a frame can be read, filtered
//! (`stateabb1 = 'USA'`) and coloured by region without a join of one's own.

use crate::types::region;
use polars::prelude::*;
use std::collections::BTreeMap;

/// `stateabb{suffix}` and `region{suffix}` for each (suffix, country codes).
pub fn columns(abb: &BTreeMap<i32, String>, states: &[(&str, &[i32])]) -> Vec<Column> {
    let mut out = Vec::new();
    for (suffix, codes) in states {
        let names: Vec<Option<&str>> = codes.iter().map(|c| abb.get(c).map(String::as_str)).collect();
        out.push(Column::new(format!("stateabb{suffix}").into(), names));
        let regions: Vec<&str> = codes.iter().map(|&c| region::name(c)).collect();
        out.push(Column::new(format!("region{suffix}").into(), regions));
    }
    out
}
