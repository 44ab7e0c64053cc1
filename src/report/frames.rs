//! Frames for a study: each distinct frame built once (requests that differ only in their
//! variables share a frame carrying the union of them), and the row filters of spec.toml.

use crate::datadir::DataDir;
use crate::expr::Derived;
pub use crate::expr::RowFilter;
use crate::frame::{BuildError, Spec as FrameRequest};
use crate::sources::Input;
use crate::timing::Stage;
use polars::prelude::*;
use std::collections::BTreeMap;

/// The key of frames that can be shared: everything but the variables.
pub fn frame_key(r: &FrameRequest) -> String {
    format!("{:?}|{:?}|{}|{}|{:?}|{}|{:?}|{}", r.unit, r.years, r.directed, r.prd, r.mids, r.drop_ongoing, r.conflicts, r.crises)
}

/// Keeps the rows where the filter holds (a missing value fails).
pub fn filtered(df: &DataFrame, filter: &RowFilter) -> Result<DataFrame, PolarsError> {
    filter.apply(df).map_err(|e| PolarsError::ComputeError(format!("filter {e}").into()))
}

/// Frames by key, every input read, and the builds' notes.
pub type Frames = (BTreeMap<String, DataFrame>, Vec<Input>, Vec<String>);

/// Builds the distinct frames of `requests` once each, returning them by key, with the inputs and
/// notes of the builds.
/// The derived columns are added to every frame that has the columns they read.
pub fn build_frames(requests: &[&FrameRequest], derived: &[Derived], dir: &DataDir, progress: &dyn Fn(&str)) -> Result<Frames, BuildError> {
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
        let mut frame = built.frame;
        for d in derived {
            if d.columns().iter().all(|c| frame.schema().contains(c)) {
                frame = crate::expr::derive(frame, std::slice::from_ref(d)).map_err(|e| BuildError::Derive(e.to_string()))?;
            }
        }
        frames.insert(key, frame);
    }
    inputs.sort_by(|a, b| a.dataset.cmp(&b.dataset));
    Ok((frames, inputs, notes))
}
