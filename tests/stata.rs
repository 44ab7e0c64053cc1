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

/// .dta files written by pandas (formats 114 and 118, an independent writer) and by allywar read
/// back to the same frame as the CSV, nulls included; a truncated file is refused at its byte.
#[test]
fn dta_frames_from_pandas_and_allywar_read_back_and_fit() {
    let dir = tempfile::tempdir().unwrap();
    let csv = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/synthetic.csv");
    let script = r#"
import sys
import numpy as np
import pandas as pd
df = pd.read_csv(sys.argv[1])
df.loc[3, "x1"] = np.nan
df["name"] = ["s%d" % i for i in range(len(df))]
df["y_bin"] = df["y_bin"].astype("int8")
df["year"] = df["year"].astype("int16")
df["x3"] = df["x3"].astype("float32")
df.to_stata(sys.argv[2] + "/v114.dta", version=114, write_index=False)
df.to_stata(sys.argv[2] + "/v118.dta", version=118, write_index=False)
"#;
    let out = Command::new("python3").arg("-c").arg(script).arg(&csv).arg(dir.path()).output().expect("python3 is needed for this test");
    assert!(out.status.success(), "pandas.to_stata failed (pip install pandas):\n{}", String::from_utf8_lossy(&out.stderr));
    let want = allywar::input::read_frame(&csv).unwrap();
    for v in ["v114", "v118"] {
        let got = allywar::input::read_frame(&dir.path().join(format!("{v}.dta"))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.height(), want.height(), "{v}");
        for c in ["ccode1", "year", "y_bin", "y_cnt"] {
            let a = got.column(c).unwrap().cast(&DataType::Int64).unwrap();
            let b = want.column(c).unwrap().cast(&DataType::Int64).unwrap();
            assert!(a.as_materialized_series().equals(b.as_materialized_series()), "{v} {c}");
        }
        let x1 = got.column("x1").unwrap().f64().unwrap().clone();
        assert_eq!(x1.null_count(), 1, "{v}: NaN in pandas is Stata's `.`, a null here");
        assert_eq!(x1.get(0), want.column("x1").unwrap().f64().unwrap().get(0));
        let x3 = got.column("x3").unwrap().f64().unwrap().get(5).unwrap();
        assert!((x3 - want.column("x3").unwrap().f64().unwrap().get(5).unwrap()).abs() < 1e-6, "{v}: float32");
        assert_eq!(got.column("name").unwrap().str().unwrap().get(7), Some("s7"));
    }
    // allywar's own .dta, through `fit`: the same estimates as from the CSV.
    let frame = allywar::input::read_frame(&csv).unwrap();
    let dta = dir.path().join("own.dta");
    let mut df = frame.clone();
    allywar::output::write_frame(&mut df, &dta).unwrap_or_else(|e| panic!("{e}"));
    let f = "y_bin ~ x1 + x2 + x3";
    let a = allywar::estimate::estimate(
        &allywar::input::read_frame(&dta).unwrap(),
        f,
        allywar::estimate::Model::Logit,
        &"hc1".parse().unwrap(),
    )
    .unwrap();
    let b = allywar::estimate::estimate(&frame, f, allywar::estimate::Model::Logit, &"hc1".parse().unwrap()).unwrap();
    assert_eq!(serde_json::to_string(&a.coefficients).unwrap(), serde_json::to_string(&b.coefficients).unwrap());
    // A file cut short names the byte where it ends.
    let bytes = std::fs::read(dir.path().join("v118.dta")).unwrap();
    let err = allywar::input::read_dta(&bytes[..bytes.len() / 2], "cut.dta").unwrap_err().to_string();
    assert!(err.starts_with("cut.dta: byte ") && err.contains("the file ends"), "{err}");
    let err = allywar::input::read_dta(b"hello", "x.dta").unwrap_err().to_string();
    assert!(err.contains("expected a Stata .dta file"), "{err}");
}
