//! Checking a spec's names against what allywar knows (units' variables, estimators, variance
//! types), with errors that point at the line of spec.toml and name the nearest valid name.

use super::frames::Comparison;
use crate::estimate::formula::parse;
use crate::estimate::results::variance_columns;
use crate::estimate::Model;
use crate::frame::Spec as FrameRequest;
use crate::types::Unit;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Why a spec is invalid: the file, the line and what was expected.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct SpecError {
    /// The spec file.
    pub path: PathBuf,
    /// Line (1-based).
    pub line: usize,
    /// What is wrong, and the nearest valid name when there is one.
    pub message: String,
}

/// The estimators a spec may name, with the model each stands for.
pub const ESTIMATORS: [&str; 8] = ["ols", "logit", "probit", "poisson", "negbin", "ologit", "mlogit", "relogit"];

/// The nearest of `names` to `name`, when one is close.
pub fn nearest<'a>(name: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names
        .into_iter()
        .map(|n| (strsim::jaro_winkler(&n.to_lowercase(), &name.to_lowercase()), n))
        .filter(|(s, _)| *s > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// Points a spec's mistakes at their line.
pub struct Checker<'a> {
    /// The spec file.
    pub path: &'a Path,
    /// Its text.
    pub text: &'a str,
}

impl Checker<'_> {
    /// The line of a byte offset.
    pub fn line(&self, span: std::ops::Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())].matches('\n').count() + 1
    }

    /// An error at the line of `span`.
    pub fn error<T>(&self, span: std::ops::Range<usize>, message: String) -> Result<T, SpecError> {
        Err(SpecError { path: self.path.to_path_buf(), line: self.line(span), message })
    }

    /// `value` must be one of `names`.
    pub fn one_of<'n>(
        &self,
        what: &str,
        value: &Spanned<String>,
        names: impl IntoIterator<Item = &'n str> + Clone,
    ) -> Result<(), SpecError> {
        if names.clone().into_iter().any(|n| n == value.get_ref()) {
            return Ok(());
        }
        let hint = nearest(value.get_ref(), names.clone()).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
        let all: Vec<&str> = names.into_iter().collect();
        self.error(value.span(), format!("unknown {what} `{}`{hint}; expected one of: {}", value.get_ref(), all.join(", ")))
    }

    /// `value` must be a key or variable of the unit (or one of `extra`).
    pub fn column(&self, unit: Unit, directed: bool, value: &Spanned<String>, extra: &[String]) -> Result<(), SpecError> {
        let known: Vec<&str> = unit
            .keys()
            .iter()
            .copied()
            .chain(crate::vars::for_unit(unit, directed).map(|v| v.name))
            .chain(extra.iter().map(String::as_str))
            .collect();
        if known.contains(&value.get_ref().as_str()) {
            return Ok(());
        }
        let hint = nearest(value.get_ref(), known.iter().copied()).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
        self.error(
            value.span(),
            format!("`{}` is not a variable of {unit} frames{hint} (`allywar vars {unit}` lists them)", value.get_ref()),
        )
    }

    /// Reads `column OP number` comparisons joined by `and`.
    pub fn filter(&self, unit: Unit, directed: bool, f: &Spanned<String>) -> Result<Vec<Comparison>, SpecError> {
        let mut out = Vec::new();
        for part in f.get_ref().split(" and ").map(str::trim).filter(|p| !p.is_empty()) {
            let op = ["==", "!=", "<=", ">=", "<", ">"].into_iter().find(|op| part.contains(op));
            let Some(op) = op else {
                return self.error(f.span(), format!("filter `{part}`: expected `column OP number` with OP one of == != < <= > >="));
            };
            let (column, value) = part.split_once(op).unwrap_or_default();
            let column = column.trim().to_string();
            let Ok(value) = value.trim().parse::<f64>() else {
                return self.error(f.span(), format!("filter `{part}`: `{}` is not a number", value.trim()));
            };
            self.column(unit, directed, &Spanned::new(f.span(), column.clone()), &[])?;
            out.push(Comparison { column, op: op.to_string(), value });
        }
        Ok(out)
    }
}

/// The model an estimator name (one of [`ESTIMATORS`]) stands for.
pub fn model_of(estimator: &str, tau: Option<f64>) -> Model {
    match estimator {
        "ols" => Model::Gaussian,
        "logit" => Model::Logit,
        "probit" => Model::Probit,
        "poisson" => Model::Poisson,
        "negbin" => Model::NegBin,
        "ologit" => Model::OLogit,
        "mlogit" => Model::MLogit,
        _ => Model::Relogit { tau },
    }
}

/// The columns of a formula and a variance type, checked against the unit's variables; with
/// the filter's columns, the variables a frame must carry (keys left out).
pub fn model_columns(
    c: &Checker,
    req: &FrameRequest,
    formula: &Spanned<String>,
    se: &Spanned<String>,
    filter: &[Comparison],
) -> Result<Vec<String>, SpecError> {
    let parsed = parse(formula.get_ref()).or_else(|e| c.error(formula.span(), format!("formula: {e}")))?;
    let mut columns = parsed.columns();
    for col in &columns {
        c.column(req.unit, req.directed, &Spanned::new(formula.span(), col.clone()), &[])?;
    }
    let se_cols = variance_columns(se.get_ref()).or_else(|e| c.error(se.span(), format!("se: {e}")))?;
    for col in &se_cols {
        c.column(req.unit, req.directed, &Spanned::new(se.span(), col.clone()), &[])?;
    }
    columns.extend(se_cols);
    columns.extend(filter.iter().map(|f| f.column.clone()));
    let mut seen = std::collections::BTreeSet::new();
    columns.retain(|col| !req.unit.keys().contains(&col.as_str()) && seen.insert(col.clone()));
    Ok(columns)
}
