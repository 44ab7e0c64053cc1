//! A value never depends on the years asked for: for every unit, the frame of a window equals the
//! full frame's rows of those years, column by column (peace years count from the dyad's first
//! joint year, disputes that began before the window still count).

mod common;

use allywar::frame::Spec;
use allywar::units::{Mids, Unit, Years};
use allywar::DataDir;
use polars::prelude::*;

fn dir() -> DataDir {
    DataDir::new(common::real_data_dir())
}

/// The column that places a row in a year, for each unit.
fn year_column(unit: Unit) -> &'static str {
    match unit {
        Unit::StateYear | Unit::DyadYear => "year",
        Unit::Joiner | Unit::Dispute | Unit::Invocation => "styear",
        Unit::Commitment => "styear",
        Unit::AllianceYear => "year",
        Unit::Mission => "startyr",
        Unit::UsForce => "start_year",
    }
}

/// Builds `spec` over its default years and over each window, and compares.
fn check_windows(spec: Spec, unit: Unit, named: &[Years]) {
    let full = spec.clone().build(&dir()).unwrap_or_else(|e| panic!("{unit:?}: {e}")).frame;
    let ycol = year_column(unit);
    let years: Vec<i32> = full.column(ycol).unwrap().cast(&DataType::Int32).unwrap().i32().unwrap().iter().flatten().collect();
    let (a, b) = (*years.iter().min().unwrap(), *years.iter().max().unwrap());
    // Windows at the start, at the end and a single year inside (the year with rows nearest two
    // thirds of the way: wars are sparse), plus those named.
    let inner = years.iter().copied().min_by_key(|y| (y - (a + 2 * (b - a) / 3)).abs()).unwrap();
    let mut windows =
        vec![Years { first: a, last: a + (b - a) / 3 }, Years { first: (a + b) / 2, last: b }, Years { first: inner, last: inner }];
    windows.extend_from_slice(named);
    assert!(full.height() > 0 && full.width() > unit.keys().len(), "{unit:?}: empty full frame");
    for w in windows {
        let got = spec.clone().years(w).build(&dir()).unwrap_or_else(|e| panic!("{unit:?} {w}: {e}")).frame;
        let y = full.column(ycol).unwrap().cast(&DataType::Int32).unwrap();
        let inside = y.i32().unwrap().iter().map(|v| v.is_some_and(|v| w.contains(v))).collect::<BooleanChunked>();
        let want = full.filter(&inside).unwrap();
        assert!(want.height() > 0, "{unit:?} {w}: the full frame has no rows in the window");
        assert_eq!(got.get_column_names(), want.get_column_names(), "{unit:?} {w}: columns");
        assert_eq!(got.height(), want.height(), "{unit:?} {w}: rows");
        for (g, e) in got.columns().iter().zip(want.columns()) {
            let same = g.as_materialized_series().equals_missing(e.as_materialized_series());
            if !same {
                let diff = (0..g.len()).find(|&i| g.get(i).unwrap() != e.get(i).unwrap()).unwrap_or(0);
                panic!(
                    "{unit:?} {w}: column `{}` differs from the full frame's rows, first at row {diff}: {:?} vs {:?} ({})",
                    g.name(),
                    g.get(diff).unwrap(),
                    e.get(diff).unwrap(),
                    got.get_row(diff).map(|r| format!("{:?}", &r.0[..4.min(r.0.len())])).unwrap_or_default()
                );
            }
        }
    }
}

#[test]
fn dyad_years_gml_directed_do_not_depend_on_the_window() {
    let named = [Years { first: 1816, last: 1900 }, Years { first: 1946, last: 2010 }, Years { first: 1990, last: 1990 }];
    check_windows(Spec::new(Unit::DyadYear).vars(["all"]), Unit::DyadYear, &named);
}

#[test]
fn dyad_years_cow5_non_directed_relevant_do_not_depend_on_the_window() {
    let spec = Spec::new(Unit::DyadYear).mids(Mids::Cow5).directed(false).prd(true).drop_ongoing(true).vars(["all"]);
    check_windows(spec, Unit::DyadYear, &[Years { first: 1914, last: 1918 }, Years { first: 2014, last: 2014 }]);
}

#[test]
fn other_units_do_not_depend_on_the_window() {
    for unit in [Unit::StateYear, Unit::Joiner, Unit::Dispute, Unit::Mission, Unit::UsForce, Unit::Invocation, Unit::AllianceYear] {
        check_windows(Spec::new(unit).vars(["all"]), unit, &[]);
    }
    check_windows(Spec::new(Unit::StateYear).mids(Mids::Cow5).vars(["all"]), Unit::StateYear, &[Years { first: 1946, last: 2014 }]);
    check_windows(Spec::new(Unit::Joiner).mids(Mids::Cow5).vars(["all"]), Unit::Joiner, &[]);
    let mid_invocations = Spec::new(Unit::Invocation).conflicts(allywar::types::Conflicts::Mid).vars(["all"]);
    check_windows(mid_invocations, Unit::Invocation, &[Years { first: 1914, last: 1918 }]);
}
