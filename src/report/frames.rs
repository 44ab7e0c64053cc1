//! Frames for a study: each distinct frame built once (requests that differ only in their
//! variables share a frame carrying the union of them), and the row filters of spec.toml.

use crate::datadir::DataDir;
use crate::frame::{BuildError, Spec as FrameRequest};
use crate::sources::Input;
use crate::timing::Stage;
use polars::prelude::*;
use std::collections::BTreeMap;

/// `column OP value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Column.
    pub column: String,
    /// One of `==`, `!=`, `<`, `<=`, `>`, `>=`.
    pub op: String,
    /// Value.
    pub value: f64,
}

impl Comparison {
    /// Whether `v` passes.
    pub fn holds(&self, v: f64) -> bool {
        match self.op.as_str() {
            "==" => v == self.value,
            "!=" => v != self.value,
            "<" => v < self.value,
            "<=" => v <= self.value,
            ">" => v > self.value,
            _ => v >= self.value,
        }
    }
}

/// The key of frames that can be shared: everything but the variables.
pub fn frame_key(r: &FrameRequest) -> String {
    format!("{:?}|{:?}|{}|{}|{:?}|{}|{:?}|{}", r.unit, r.years, r.directed, r.prd, r.mids, r.drop_ongoing, r.conflicts, r.crises)
}

/// Keeps the rows where every comparison holds (a missing value fails).
pub fn filtered(df: &DataFrame, filter: &[Comparison]) -> Result<DataFrame, PolarsError> {
    if filter.is_empty() {
        return Ok(df.clone());
    }
    let mut pred: Option<Expr> = None;
    for c in filter {
        let x = col(c.column.as_str()).cast(DataType::Float64);
        let v = lit(c.value);
        let e = match c.op.as_str() {
            "==" => x.eq(v),
            "!=" => x.neq(v),
            "<" => x.lt(v),
            "<=" => x.lt_eq(v),
            ">" => x.gt(v),
            _ => x.gt_eq(v),
        };
        pred = Some(match pred {
            Some(p) => p.and(e),
            None => e,
        });
    }
    df.clone().lazy().filter(pred.unwrap_or(lit(true))).collect()
}

/// Frames by key, every input read, and the builds' notes.
pub type Frames = (BTreeMap<String, DataFrame>, Vec<Input>, Vec<String>);

/// Builds the distinct frames of `requests` once each, returning them by key, with the inputs and
/// notes of the builds.
pub fn build_frames(requests: &[&FrameRequest], dir: &DataDir, progress: &dyn Fn(&str)) -> Result<Frames, BuildError> {
    let mut merged: BTreeMap<String, FrameRequest> = BTreeMap::new();
    for r in requests {
        let e = merged.entry(frame_key(r)).or_insert_with(|| (*r).clone().vars(Vec::<String>::new()));
        for v in &r.vars {
            if !e.vars.contains(v) {
                e.vars.push(v.clone());
            }
        }
    }
    let (mut frames, mut inputs, mut notes) = (BTreeMap::new(), Vec::<Input>::new(), Vec::new());
    for (key, r) in merged {
        progress(&format!("building {}", r.unit));
        let t = Stage::start();
        let built = r.build_with(dir, progress)?;
        t.done(&format!("build {}", r.unit));
        for i in built.inputs {
            if !inputs.iter().any(|j| j.dataset == i.dataset) {
                inputs.push(i);
            }
        }
        // The same note from two builds (the universe of two frames of one window) once.
        for n in built.notes {
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
        frames.insert(key, built.frame);
    }
    inputs.sort_by_key(|i| i.dataset.name());
    Ok((frames, inputs, notes))
}
