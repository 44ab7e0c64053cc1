//! `allywar._allywar`: the native half of the Python package. It calls the allywar library the
//! CLI calls — frames from `frame::Spec`, fits from `estimate::estimate_with`, every other
//! command through `cmd::run_args` — and hands frames over through the Arrow C stream interface
//! (`__arrow_c_stream__`), so polars on either side reads the other's buffers without a file.
//! The Python layer (`python/allywar/__init__.py`) turns these into DataFrames and result objects.

use allywar::estimate::{estimate_with, Control, Estimator, Model, Options, Results, VarianceSpec};
use allywar::frame::Spec;
use allywar::types::{Conflicts, Mids, Unit, Years};
use allywar::DataDir;
use polars::prelude::*;
use polars_arrow::array::{Array, StructArray};
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField};
use polars_arrow::ffi::{export_iterator, ArrowArrayStream, ArrowArrayStreamReader};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods};
use std::collections::BTreeMap;
use std::ffi::CStr;
use std::path::PathBuf;
use std::time::Duration;

create_exception!(_allywar, AllywarError, PyException, "An allywar error; the message is the one the CLI prints.");
create_exception!(_allywar, DataError, AllywarError, "A dataset is missing, unverified or does not read with its schema.");
create_exception!(_allywar, SpecError, AllywarError, "A request that cannot be met: unit, years, options, variables, a study's spec.");
create_exception!(_allywar, EstimateError, AllywarError, "A model that cannot be fitted (separation, too few clusters, no convergence).");

const STREAM: &CStr = c"arrow_array_stream";

/// The exception class for an error, by what went wrong, with the CLI's message.
fn py_err(e: anyhow::Error) -> PyErr {
    let message = format!("{e:#}");
    for cause in e.chain() {
        if cause.is::<allywar::types::LoadError>() {
            return DataError::new_err(message);
        }
        if let Some(b) = cause.downcast_ref::<allywar::types::BuildError>() {
            return match b {
                allywar::types::BuildError::Load(_) => DataError::new_err(message),
                _ => SpecError::new_err(message),
            };
        }
        if cause.is::<allywar::estimate::EstimateError>() || cause.is::<NotConverged>() {
            return EstimateError::new_err(message);
        }
        if cause.is::<allywar::report::checker::SpecError>() || cause.is::<clap::Error>() {
            return SpecError::new_err(message);
        }
    }
    AllywarError::new_err(message)
}

/// Runs `work` on a thread of its own with the GIL released, checking for Ctrl-C every 50 ms:
/// an interrupt returns `KeyboardInterrupt` at once (the work finishes unseen in the background).
fn interruptible<T: Send + 'static>(py: Python<'_>, work: impl FnOnce() -> T + Send + 'static) -> PyResult<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    let mut rx = Some(rx);
    loop {
        // The receiver goes to the detached closure and back (it is Send, not Sync).
        let (got, back) = {
            let r = rx.take();
            py.detach(move || r.map(|r| (r.recv_timeout(Duration::from_millis(50)), r)))
        }
        .map_or((Err(std::sync::mpsc::RecvTimeoutError::Disconnected), None), |(g, r)| (g, Some(r)));
        rx = back;
        match got {
            Ok(value) => return Ok(value),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => py.check_signals()?,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(AllywarError::new_err("allywar stopped without an answer (a bug: please report it)"))
            }
        }
    }
}

/// The stream a capsule carries; the consumer reads it through the capsule's pointer, so the
/// layout is the stream's own.
#[repr(transparent)]
#[allow(dead_code)]
struct SendStream(ArrowArrayStream);
// The stream's callbacks are those of a polars (or other Arrow) producer, callable from any thread.
unsafe impl Send for SendStream {}

/// A frame on its way to Python: `polars.DataFrame(frame)` reads it through
/// `__arrow_c_stream__`, without a copy.
#[pyclass(module = "allywar._allywar", frozen)]
pub struct Frame {
    df: DataFrame,
}

#[pymethods]
impl Frame {
    /// The Arrow C stream of the frame (the Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(&self, py: Python<'py>, requested_schema: Option<Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let stream = export(&self.df).map_err(|e| py_err(e.into()))?;
        PyCapsule::new_with_value(py, SendStream(stream), STREAM)
    }

    /// Rows.
    #[getter]
    fn height(&self) -> usize {
        self.df.height()
    }
}

fn export(df: &DataFrame) -> PolarsResult<ArrowArrayStream> {
    let mut df = df.clone();
    df.rechunk_mut_par();
    let compat = CompatLevel::newest();
    let fields: Vec<ArrowField> = df.schema().iter_fields().map(|f| f.to_arrow(compat)).collect();
    let dtype = ArrowDataType::Struct(fields);
    let batches: Vec<PolarsResult<Box<dyn Array>>> = df
        .iter_chunks(compat, true)
        .map(|batch| {
            let len = batch.height();
            Ok(StructArray::new(dtype.clone(), len, batch.into_arrays(), None).boxed())
        })
        .collect();
    Ok(export_iterator(Box::new(batches.into_iter()), ArrowField::new("".into(), dtype, false)))
}

/// A frame from Python: a [`Frame`], or anything with `__arrow_c_stream__` (a polars
/// DataFrame, a pyarrow Table).
fn import(frame: &Bound<'_, PyAny>) -> PyResult<DataFrame> {
    if let Ok(f) = frame.cast::<Frame>() {
        return Ok(f.get().df.clone());
    }
    let capsule = frame.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let ptr = capsule.pointer_checked(Some(STREAM))?.cast::<ArrowArrayStream>();
    // Take the stream out of the capsule: its release is ours now, the capsule's is empty.
    let stream = unsafe { std::ptr::replace(ptr.as_ptr(), ArrowArrayStream::empty()) };
    let read = || -> PolarsResult<DataFrame> {
        let mut reader = unsafe { ArrowArrayStreamReader::try_new(Box::new(stream))? };
        let mut out: Option<DataFrame> = None;
        while let Some(array) = unsafe { reader.next() } {
            let array = array?;
            let Some(batch) = array.as_any().downcast_ref::<StructArray>() else {
                polars_bail!(ComputeError: "an Arrow stream of record batches was expected");
            };
            let df = DataFrame::try_from(batch.clone())?;
            match &mut out {
                Some(o) => {
                    o.vstack_mut(&df)?;
                }
                None => out = Some(df),
            }
        }
        Ok(match out {
            Some(df) => df,
            None => {
                let ArrowDataType::Struct(fields) = reader.field().dtype() else {
                    polars_bail!(ComputeError: "an Arrow stream of record batches was expected");
                };
                let schema: Schema = fields.iter().map(Field::from).collect();
                DataFrame::empty_with_schema(&schema)
            }
        })
    };
    read().map_err(|e| AllywarError::new_err(format!("reading the frame: {e}")))
}

/// Builds a frame as `allywar build` does; returns the frame, the build's notes and the inputs
/// read (JSON, as the output files' `allywar_inputs`).
#[pyfunction]
#[pyo3(signature = (unit, years=None, directed=true, prd=false, mids="gml", vars=Vec::new(), drop_ongoing=false, conflicts="war", crises=false, data_dir=None, allow_unverified=false))]
#[allow(clippy::too_many_arguments)]
fn build(
    py: Python<'_>,
    unit: &str,
    years: Option<(i32, i32)>,
    directed: bool,
    prd: bool,
    mids: &str,
    vars: Vec<String>,
    drop_ongoing: bool,
    conflicts: &str,
    crises: bool,
    data_dir: Option<PathBuf>,
    allow_unverified: bool,
) -> PyResult<(Frame, Vec<String>, String)> {
    let unit: Unit = unit.parse().map_err(SpecError::new_err)?;
    let mids: Mids = mids.parse().map_err(SpecError::new_err)?;
    let conflicts: Conflicts = conflicts.parse().map_err(SpecError::new_err)?;
    let mut spec =
        Spec::new(unit).directed(directed).prd(prd).mids(mids).vars(vars).drop_ongoing(drop_ongoing).conflicts(conflicts).crises(crises);
    if let Some((first, last)) = years {
        spec = spec.years(Years::new(first, last).map_err(SpecError::new_err)?);
    }
    let dir = DataDir::resolve(data_dir.as_deref()).allow_unverified(allow_unverified);
    let built = interruptible(py, move || -> anyhow::Result<_> {
        let built = spec.build(&dir)?;
        let meta = allywar::cmd::build::metadata(&built, &spec);
        let inputs = meta.entries.iter().find(|(k, _)| k == "allywar_inputs").map(|(_, v)| v.clone()).unwrap_or_else(|| "[]".into());
        Ok((built.frame, built.notes, inputs))
    })?
    .map_err(py_err)?;
    Ok((Frame { df: built.0 }, built.1, built.2))
}

/// Reads a frame file (Parquet, Arrow IPC, CSV, Stata .dta) or a partitioned folder as `allywar
/// fit FILE` does; returns the frame and its sha256 (a folder's: its manifest's).
#[pyfunction]
fn read_frame(py: Python<'_>, path: PathBuf) -> PyResult<(Frame, String)> {
    let (df, sha) = interruptible(py, move || -> anyhow::Result<_> {
        let df = allywar::input::read_frame(&path)?;
        let sha = allywar::input::frame_sha256(&path)?;
        Ok((df, sha))
    })?
    .map_err(py_err)?;
    Ok((Frame { df }, sha))
}

/// A fitted model and what is needed to ask more of it.
#[pyclass(module = "allywar._allywar", frozen)]
pub struct Fit {
    results: Results,
    df: DataFrame,
    model: Model,
    se: VarianceSpec,
    options: Options,
    data: serde_json::Value,
}

/// A fit that did not converge: refused, as `allywar fit` refuses it.
#[derive(Debug)]
struct NotConverged(String);

impl std::fmt::Display for NotConverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotConverged {}

fn fit_on(df: &DataFrame, formula: &str, model: Model, se: &VarianceSpec, options: &Options) -> anyhow::Result<Results> {
    let results = estimate_with(df, formula, model, se, options)?;
    if !results.glance.converged {
        return Err(NotConverged(format!(
            "the {} fit did not converge in {} iterations: the estimates are not reliable (raise max_iter, or look for separation or a badly scaled regressor)",
            results.model, results.glance.iterations
        ))
        .into());
    }
    Ok(results)
}

/// Fits `formula` to a frame as `allywar fit` does.
#[pyfunction]
#[pyo3(signature = (frame, formula, model="logit", se="classical", tau=None, max_iter=None, data=None))]
#[allow(clippy::too_many_arguments)]
fn fit(
    py: Python<'_>,
    frame: &Bound<'_, PyAny>,
    formula: String,
    model: &str,
    se: &str,
    tau: Option<f64>,
    max_iter: Option<usize>,
    data: Option<String>,
) -> PyResult<Fit> {
    let estimator: Estimator = model.parse().map_err(SpecError::new_err)?;
    if tau.is_some() && estimator != Estimator::Relogit {
        return Err(SpecError::new_err("tau applies to model=\"relogit\" only"));
    }
    let se: VarianceSpec = se.parse().map_err(|e: String| SpecError::new_err(e))?;
    let df = import(frame)?;
    let model = estimator.model(tau);
    let mut control = Control::default();
    if let Some(m) = max_iter {
        control.max_iter = m;
    }
    // Margins are computed when asked for (`Fit::refit(margins=True)`): on large frames they
    // cost more than the fit.
    let options = Options { control, margins: false, ..Options::default() };
    let data: serde_json::Value = match data {
        Some(d) => serde_json::from_str(&d).map_err(|e| AllywarError::new_err(format!("data: {e}")))?,
        None => serde_json::json!([]),
    };
    let (df2, se2, options2) = (df.clone(), se.clone(), options.clone());
    let results = interruptible(py, move || fit_on(&df2, &formula, model, &se2, &options2))?.map_err(py_err)?;
    Ok(Fit { results, df, model, se, options, data })
}

#[pymethods]
impl Fit {
    /// Every estimated quantity, as JSON (broom's names; `fit --out`'s fields).
    fn results_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.results).map_err(|e| AllywarError::new_err(e.to_string()))
    }

    /// The JSON `allywar fit --out` writes.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.results.to_json(self.data.clone()))
            .map(|s| s + "\n")
            .map_err(|e| AllywarError::new_err(e.to_string()))
    }

    /// The text `allywar fit` prints.
    fn summary(&self) -> String {
        self.results.summary()
    }

    /// The variance matrix, rows and columns in the coefficient table's order.
    fn vcov(&self) -> Vec<Vec<f64>> {
        self.results.vcov.clone()
    }

    /// The same fit asked for predictions at `predictions`, first differences, average
    /// predictions over a grid (`margins_at`: column and values) and average marginal effects
    /// (`margins`); returns the new results.
    #[pyo3(signature = (predictions=Vec::new(), first_differences=Vec::new(), sims=1000, seed=1, margins_at=None, margins=false))]
    #[allow(clippy::too_many_arguments)]
    fn refit(
        &self,
        py: Python<'_>,
        predictions: Vec<BTreeMap<String, f64>>,
        first_differences: Vec<(String, f64, f64)>,
        sims: usize,
        seed: u64,
        margins_at: Option<(String, Vec<f64>)>,
        margins: bool,
    ) -> PyResult<Fit> {
        let options = Options { predictions, first_differences, sims, seed, margins_at, margins, ..self.options.clone() };
        let (df, formula, model, se, o) = (self.df.clone(), self.results.formula.clone(), self.model, self.se.clone(), options.clone());
        let results = interruptible(py, move || fit_on(&df, &formula, model, &se, &o))?.map_err(py_err)?;
        Ok(Fit { results, df: self.df.clone(), model: self.model, se: self.se.clone(), options, data: self.data.clone() })
    }
}

/// Runs an allywar command line in this process (`["vars", "dyad-year", "--json"]`); returns the
/// exit code and what it wrote to stdout. Errors raise with the CLI's message.
#[pyfunction]
fn run(py: Python<'_>, argv: Vec<String>) -> PyResult<(u8, String)> {
    let (code, stdout) = interruptible(py, move || allywar::cmd::run_args(argv))?.map_err(py_err)?;
    Ok((if code == std::process::ExitCode::SUCCESS { 0 } else { 1 }, stdout))
}

/// The variables of the peacesciencer-equivalent dyad-year frame `allywar bench` builds.
#[pyfunction]
fn peacesciencer_vars() -> Vec<String> {
    allywar::bench::Scenario::Peacesciencer.spec().vars
}

/// The allywar version.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _allywar(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("AllywarError", py.get_type::<AllywarError>())?;
    m.add("DataError", py.get_type::<DataError>())?;
    m.add("SpecError", py.get_type::<SpecError>())?;
    m.add("EstimateError", py.get_type::<EstimateError>())?;
    m.add_class::<Frame>()?;
    m.add_class::<Fit>()?;
    m.add_function(wrap_pyfunction!(build, m)?)?;
    m.add_function(wrap_pyfunction!(read_frame, m)?)?;
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(peacesciencer_vars, m)?)?;
    Ok(())
}
