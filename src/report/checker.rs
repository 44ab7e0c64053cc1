//! Checking a spec's names against what allywar knows (units' variables, estimators, variance
//! types), with errors that point at the line of spec.toml and name the nearest valid name.

use super::frames::RowFilter;
use crate::estimate::formula::parse;
use crate::estimate::VarianceSpec;
use crate::expr::Derived;
use crate::frame::Spec as FrameRequest;
use crate::suggest::did_you_mean;
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

/// Points a spec's mistakes at their line.
pub struct Checker<'a> {
    /// The spec file.
    pub path: &'a Path,
    /// Its text.
    pub text: &'a str,
    /// The study's derived columns (`[derive]`), in the order they are computed, each with the
    /// span of its definition.
    pub derived: Vec<(Derived, std::ops::Range<usize>)>,
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
        let hint = did_you_mean(value.get_ref(), names.clone());
        let all: Vec<&str> = names.into_iter().collect();
        self.error(value.span(), format!("unknown {what} `{}`{hint}; expected one of: {}", value.get_ref(), all.join(", ")))
    }

    /// `value` read as a `T` (an estimator, a variance type), its error at the value's line.
    pub fn parse<T: std::str::FromStr<Err = String>>(&self, value: &Spanned<String>) -> Result<T, SpecError> {
        value.get_ref().parse().or_else(|e| self.error(value.span(), e))
    }

    /// `value` must be a key or variable of the unit (or one of `extra`).
    pub fn column(&self, unit: Unit, directed: bool, value: &Spanned<String>, extra: &[String]) -> Result<(), SpecError> {
        let known: Vec<&str> = unit
            .keys()
            .iter()
            .copied()
            .chain(crate::vars::for_unit(unit, directed).map(|v| v.name))
            .chain(extra.iter().map(String::as_str))
            .chain(self.derived.iter().map(|(d, _)| d.name.as_str()))
            .collect();
        if known.contains(&value.get_ref().as_str()) {
            return Ok(());
        }
        if unit == Unit::DyadYear && crate::types::composed::parse(value.get_ref()).is_some() {
            return Ok(());
        }
        let hint = did_you_mean(value.get_ref(), known.iter().copied());
        self.error(
            value.span(),
            format!("`{}` is not a variable of {unit} frames{hint} (`allywar vars {unit}` lists them)", value.get_ref()),
        )
    }

    /// The `[derive]` columns parsed, in an order where each comes after the derived columns it
    /// reads (a circle is an error).
    pub fn derived_in_order(
        &self,
        table: &std::collections::BTreeMap<String, Spanned<String>>,
    ) -> Result<Vec<(Derived, std::ops::Range<usize>)>, SpecError> {
        let mut parsed = Vec::new();
        for (name, text) in table {
            let d = Derived::new(name, text.get_ref()).or_else(|e| self.error(text.span(), format!("derive {e}")))?;
            parsed.push((d, text.span()));
        }
        let names: Vec<String> = parsed.iter().map(|(d, _)| d.name.clone()).collect();
        let mut ordered: Vec<(Derived, std::ops::Range<usize>)> = Vec::new();
        while !parsed.is_empty() {
            let ready = parsed
                .iter()
                .position(|(d, _)| d.columns().iter().all(|col| !names.contains(col) || ordered.iter().any(|(o, _)| &o.name == col)));
            match ready {
                Some(i) => ordered.push(parsed.remove(i)),
                None => {
                    let (d, span) = &parsed[0];
                    return self.error(
                        span.clone(),
                        format!(
                            "derive `{}`: the derived columns {} read each other in a circle",
                            d.name,
                            parsed.iter().map(|(d, _)| format!("`{}`", d.name)).collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
        }
        Ok(ordered)
    }

    /// The frame columns that `columns` read: each derived column replaced by the columns its
    /// expression reads (checked against the unit), the others kept.
    pub fn expand(&self, unit: Unit, directed: bool, columns: Vec<String>) -> Result<Vec<String>, SpecError> {
        let mut out: Vec<String> = Vec::new();
        let mut todo: Vec<String> = columns.into_iter().rev().collect();
        while let Some(col) = todo.pop() {
            match self.derived.iter().find(|(d, _)| d.name == col) {
                Some((d, span)) => {
                    for input in d.columns().iter().rev() {
                        if !self.derived.iter().any(|(e, _)| &e.name == input) {
                            self.column(unit, directed, &Spanned::new(span.clone(), input.clone()), &[])?;
                        }
                        todo.push(input.clone());
                    }
                }
                None if !out.contains(&col) => out.push(col),
                None => {}
            }
        }
        Ok(out)
    }

    /// Reads a row filter (an SQL expression, as `fit --filter` reads it) and checks that the
    /// unit has every column it reads.
    pub fn filter(&self, unit: Unit, directed: bool, f: &Spanned<String>) -> Result<RowFilter, SpecError> {
        let filter = RowFilter::parse(f.get_ref()).or_else(|e| self.error(f.span(), format!("filter {e}")))?;
        for column in filter.columns() {
            self.column(unit, directed, &Spanned::new(f.span(), column.clone()), &[])?;
        }
        Ok(filter)
    }
}

/// The columns of a formula and a variance type, checked against the unit's variables; with
/// the filter's columns, the variables a frame must carry (keys left out); and the variance
/// type read.
pub fn model_columns(
    c: &Checker,
    req: &FrameRequest,
    formula: &Spanned<String>,
    se: &Spanned<String>,
    filter: &RowFilter,
) -> Result<(Vec<String>, VarianceSpec), SpecError> {
    let parsed = parse(formula.get_ref()).or_else(|e| c.error(formula.span(), format!("formula: {e}")))?;
    let mut columns = parsed.columns();
    for col in &columns {
        c.column(req.unit, req.directed, &Spanned::new(formula.span(), col.clone()), &[])?;
    }
    let variance: VarianceSpec = c.parse(se)?;
    for col in variance.columns() {
        c.column(req.unit, req.directed, &Spanned::new(se.span(), col.to_string()), &[])?;
        columns.push(col.to_string());
    }
    columns.extend(filter.columns().iter().cloned());
    let mut columns = c.expand(req.unit, req.directed, columns)?;
    let mut seen = std::collections::BTreeSet::new();
    columns.retain(|col| !req.unit.keys().contains(&col.as_str()) && seen.insert(col.clone()));
    Ok((columns, variance))
}
