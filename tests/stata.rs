//! Stata .dta output, read back with pandas.read_stata (an independent reader). CI installs
//! pandas; without it this test fails rather than skips.

mod common;

use allywar::frame::Spec;
use allywar::units::{Unit, Years};
use polars::prelude::*;
use std::process::Command;

fn read_with_pandas(path: &std::path::Path) -> serde_json::Value {
    let script = r#"
import json, sys
import pandas as pd
df = pd.read_stata(sys.argv[1], convert_dates=True)
out = {"shape": list(df.shape), "columns": list(df.columns), "dtypes": [str(t) for t in df.dtypes],
       "nulls": [int(df[c].isna().sum()) for c in df.columns], "rows": []}
for i in range(min(len(df), 5)):
    row = []
    for c in df.columns:
        v = df[c].iloc[i]
        if pd.isna(v): row.append(None)
        elif hasattr(v, "strftime"): row.append(v.strftime("%Y-%m-%d"))
        elif isinstance(v, str): row.append(v)
        else: row.append(float(v))
    out["rows"].append(row)
out["sums"] = [float(df[c].sum()) if df[c].dtype.kind in "if" else None for c in df.columns]
print(json.dumps(out))
"#;
    let out = Command::new("python3").arg("-c").arg(script).arg(path).output().expect("python3 is needed for this test");
    assert!(out.status.success(), "pandas.read_stata failed (pip install pandas):\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn dta_round_trips_through_pandas() {
    let dates = Series::new("day".into(), [Some(0i32), None, Some(-56248)]).cast(&DataType::Date).unwrap();
    let mut df = df!(
        "ccode" => [Some(2i32), None, Some(200)],
        "cinc" => [Some(0.25f64), Some(-1.5e-7), None],
        "name" => [Some("Mané Junta"), None, Some("UKG")],
        "flag" => [Some(true), Some(false), None],
    )
    .unwrap();
    df.with_column(dates.into_column()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("t.dta");
    allywar::output::write_frame(&mut df, &path).unwrap();
    let v = read_with_pandas(&path);
    assert_eq!(v["shape"], serde_json::json!([3, 5]));
    assert_eq!(v["columns"], serde_json::json!(["ccode", "cinc", "name", "flag", "day"]));
    assert_eq!(v["nulls"], serde_json::json!([1, 1, 0, 1, 1]));
    assert_eq!(v["rows"][0], serde_json::json!([2.0, 0.25, "Mané Junta", 1.0, "1970-01-01"]));
    assert_eq!(v["rows"][1], serde_json::json!([null, -1.5e-7, "", 0.0, null]));
    assert_eq!(v["rows"][2], serde_json::json!([200.0, null, "UKG", null, "1816-01-01"]));
}

#[test]
fn a_real_dyad_year_frame_reads_back_identically() {
    let dir = allywar::DataDir::new(common::real_data_dir());
    let mut f = Spec::new(Unit::DyadYear)
        .years(Years { first: 1914, last: 1918 })
        .vars(["mid_onset", "init", "tgt_def", "cinc1", "capdist", "polity2_1"])
        .build(&dir)
        .unwrap()
        .frame;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("dy.dta");
    allywar::output::write_frame(&mut f, &path).unwrap();
    let v = read_with_pandas(&path);
    assert_eq!(v["shape"], serde_json::json!([f.height(), f.width()]));
    for (j, c) in f.columns().iter().enumerate() {
        assert_eq!(v["nulls"][j], serde_json::json!(c.null_count()), "{}", c.name());
        let sum = c.cast(&DataType::Float64).unwrap().f64().unwrap().sum().unwrap_or(0.0);
        let theirs = v["sums"][j].as_f64().unwrap();
        assert!((sum - theirs).abs() <= 1e-9 * sum.abs().max(1.0), "{}: {sum} vs {theirs}", c.name());
    }
    let again = tmp.path().join("dy2.dta");
    allywar::output::write_frame(&mut f, &again).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&again).unwrap(), ".dta output is deterministic");
}
