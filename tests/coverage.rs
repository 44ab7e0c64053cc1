//! Every variable is null outside its source's years (the catalog's) and present at both edges of
//! them: tested on the real frames, each variable at its first and last covered year and at the
//! years just outside.

mod common;

use allywar::frame::Spec;
use allywar::types::{Mids, Unit, Years};
use allywar::DataDir;
use polars::prelude::*;
use std::collections::BTreeMap;

/// Per year: (rows, non-null values) of `col`.
fn per_year(df: &DataFrame, year_col: &str, col: &str) -> BTreeMap<i32, (usize, usize)> {
    let y = df.column(year_col).unwrap().cast(&DataType::Int32).unwrap();
    let missing = df.column(col).unwrap().is_null();
    let mut out: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
    for (y, m) in y.i32().unwrap().iter().zip(missing.iter()) {
        let e = out.entry(y.unwrap()).or_default();
        e.0 += 1;
        e.1 += usize::from(m == Some(false));
    }
    out
}

// Values only where a dispute is: present near the edges, not in every year.
const SPARSE: [&str; 3] = ["hostlev", "fatality", "dispnum"];
// Values only for the few joiners of an ally's side: checked outside the years only.
const RARE: [&str; 1] = ["allied_originators"];

fn check(unit: Unit, mids: Mids, year_col: &str, directed: bool) {
    let spec = Spec::new(unit).mids(mids).years(Years { first: 1816, last: 2016 }).vars(["all"]);
    let spec = if unit == Unit::DyadYear { spec.directed(directed) } else { spec };
    let built = spec.build(&DataDir::new(common::real_data_dir())).unwrap_or_else(|e| panic!("{e}"));
    let df = &built.frame;
    let mut checked = 0;
    for v in &built.vars {
        let cover = v.years(mids);
        let by_year = per_year(df, year_col, v.name);
        let (first, last) = (*by_year.keys().next().unwrap(), *by_year.keys().last().unwrap());
        for (&y, &(rows, present)) in &by_year {
            if !cover.contains(y) {
                assert_eq!(present, 0, "{unit:?} {}: {present} of {rows} values in {y}, outside {cover}", v.name);
            }
        }
        // The edges inside the frame's years: present there (sparse ones within five years).
        if RARE.contains(&v.name) {
            continue;
        }
        let window = if SPARSE.contains(&v.name) { 5 } else { 0 };
        for edge in [cover.first.max(first), cover.last.min(last)] {
            let near: usize = by_year.range(edge - window..=edge + window).filter(|(y, _)| cover.contains(**y)).map(|(_, c)| c.1).sum();
            assert!(near > 0, "{unit:?} {}: no values at the edge {edge} of {cover}", v.name);
        }
        checked += 1;
    }
    assert!(checked > 10, "{unit:?}: only {checked} variables checked");
}

#[test]
fn dyad_year_variables_at_the_edges_of_their_sources() {
    check(Unit::DyadYear, Mids::Gml, "year", false);
    check(Unit::DyadYear, Mids::Cow5, "year", true);
}

#[test]
fn state_year_and_joiner_variables_at_the_edges_of_their_sources() {
    check(Unit::StateYear, Mids::Gml, "year", true);
    check(Unit::StateYear, Mids::Cow5, "year", true);
    check(Unit::Joiner, Mids::Cow5, "styear", true);
}
