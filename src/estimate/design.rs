//! The design of a model: outcome and regressor columns computed from a frame by a formula, rows
//! with a missing value dropped and counted by cause (never turned into NaN), fixed-effect
//! groups numbered.

use super::columns::{factor_codes, floats, group_ids, present};
use super::error::EstimateError;
use super::formula::{Expr, Factor, Formula, Term};
use faer::{Mat, Side};
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// One piece of a design column: a numeric expression, or the indicator of a level.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// A numeric factor's value.
    Value(Expr),
    /// 1 where `column` equals the level, else 0.
    Level(String, f64),
}

/// Outcome, regressors (row-major, `n × k`) and what was dropped.
#[derive(Debug, Clone, Default)]
pub struct Design {
    /// Outcome column.
    pub outcome: String,
    /// Outcome of each kept row.
    pub y: Vec<f64>,
    /// Regressors, row-major: row `i` is `x[i * k .. (i + 1) * k]`.
    pub x: Vec<f64>,
    /// Term names, in column order (`(Intercept)` first when there is one).
    pub terms: Vec<String>,
    /// How each column is computed from the frame's columns (a product of parts; empty for the
    /// intercept).
    pub parts: Vec<Vec<Part>>,
    /// Rows of the frame kept, in order.
    pub rows: Vec<usize>,
    /// Rows dropped for a missing value.
    pub n_dropped: usize,
    /// Why rows were dropped (`missing peace_years`, `log(x) undefined`, ...), with counts.
    pub dropped: BTreeMap<String, usize>,
    /// Regressors dropped because they are linear combinations of earlier ones (as R and Stata
    /// drop them), in order.
    pub collinear: Vec<String>,
    /// Sample means of the frame's columns used by the regressors (for categorical columns, the
    /// most common level): where predictions "at means" are made.
    pub means: BTreeMap<String, f64>,
    /// Absorbed fixed effects: column names.
    pub fe_names: Vec<String>,
    /// For each fixed effect, each row's group, numbered 0.. in order of first appearance.
    pub fe: Vec<Vec<u32>>,
    /// The levels of each text factor (`C(x)` of a text column), sorted: the column's values in
    /// the design are their indices.
    pub text_levels: BTreeMap<String, Vec<String>>,
}

impl Design {
    /// Observations.
    pub fn n(&self) -> usize {
        self.y.len()
    }

    /// Regressors.
    pub fn k(&self) -> usize {
        self.terms.len()
    }

    /// Row `i` of the regressors.
    pub fn row(&self, i: usize) -> &[f64] {
        let k = self.k();
        &self.x[i * k..(i + 1) * k]
    }

    /// The regressors of a row whose frame columns take the values `get` gives.
    pub fn row_at(&self, get: &dyn Fn(&str) -> Option<f64>) -> Option<Vec<f64>> {
        self.parts
            .iter()
            .map(|parts| {
                parts.iter().try_fold(1.0, |acc, p| {
                    Some(
                        acc * match p {
                            Part::Value(e) => e.eval(get)?,
                            Part::Level(c, v) => f64::from(get(c)? == *v),
                        },
                    )
                })
            })
            .collect()
    }

    /// Why rows were dropped, as text: `missing x: 3; log(y) undefined: 1`.
    pub fn why_dropped(&self) -> String {
        self.dropped.iter().map(|(w, c)| format!("{w}: {c}")).collect::<Vec<_>>().join("; ")
    }

    /// Keeps the rows where `keep` is true (after the fact, e.g. fixed-effect groups whose
    /// outcome never varies), counting the others under `why`.
    pub fn retain(&mut self, keep: &[bool], why: &str) {
        let k = self.k();
        let gone = keep.iter().filter(|&&k| !k).count();
        if gone == 0 {
            return;
        }
        let mut j = 0;
        for i in 0..keep.len() {
            if keep[i] {
                self.y[j] = self.y[i];
                self.rows[j] = self.rows[i];
                self.x.copy_within(i * k..(i + 1) * k, j * k);
                for g in &mut self.fe {
                    g[j] = g[i];
                }
                j += 1;
            }
        }
        self.y.truncate(j);
        self.rows.truncate(j);
        self.x.truncate(j * k);
        for g in &mut self.fe {
            g.truncate(j);
        }
        self.n_dropped += gone;
        *self.dropped.entry(why.to_string()).or_default() += gone;
    }
}

/// The design of `outcome ~ regressors` (with an intercept first when asked) over the rows of
/// `df` where every one of those columns has a value.
pub fn design(df: &DataFrame, outcome: &str, regressors: &[&str], intercept: bool) -> Result<Design, EstimateError> {
    let terms = regressors
        .iter()
        .map(|r| Term { factors: vec![Factor::Numeric { label: r.to_string(), expr: Expr::Col(r.to_string()) }] })
        .collect();
    let f = Formula { outcome: outcome.to_string(), terms, intercept, fixed_effects: Vec::new() };
    design_with(df, &f, &[])
}

/// The design of a formula over the rows where the outcome, every column the regressors read,
/// every fixed effect and every column of `required` (cluster variables, say) has a value, and
/// every regressor is defined.
pub fn design_with(df: &DataFrame, formula: &Formula, required: &[&str]) -> Result<Design, EstimateError> {
    let mut d = assemble(df, formula, required)?;
    renumber(&mut d.fe);
    drop_collinear(&mut d);
    Ok(d)
}

/// The design before groups are renumbered and collinear columns dropped.
pub(super) fn assemble(df: &DataFrame, formula: &Formula, required: &[&str]) -> Result<Design, EstimateError> {
    let y = floats(df, &formula.outcome)?;
    let columns = formula.regressor_columns();
    let categorical: Vec<String> = formula
        .terms
        .iter()
        .flat_map(|t| &t.factors)
        .filter_map(|f| match f {
            Factor::Categorical { column, .. } => Some(column.clone()),
            Factor::Numeric { .. } => None,
        })
        .collect();
    // A text column read as a factor must not also be read as a number.
    let mut numeric: Vec<String> = Vec::new();
    for f in formula.terms.iter().flat_map(|t| &t.factors) {
        if let Factor::Numeric { expr, .. } = f {
            expr.columns(&mut numeric);
        }
    }
    // Read on two threads, half the columns each; a text factor as the codes of its sorted
    // levels, with the levels' names.
    let (values, names_of): (Vec<Vec<f64>>, Vec<Option<Vec<String>>>) = {
        let (a, b) = columns.split_at(columns.len() / 2);
        let read = |cs: &[String]| {
            cs.iter()
                .map(|c| match categorical.contains(c) && !numeric.contains(c) {
                    true => factor_codes(df, c),
                    false => floats(df, c).map(|v| (v, None)),
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let (first, second) = super::split::join(|| read(a), || read(b));
        first?.into_iter().chain(second?).unzip()
    };
    let fe: Vec<Vec<Option<u32>>> = formula.fixed_effects.iter().map(|c| group_ids(df, c)).collect::<Result<_, _>>()?;
    let needed: Vec<Vec<bool>> = required.iter().map(|r| present(df, r)).collect::<Result<_, _>>()?;
    let index: HashMap<&str, usize> = columns.iter().enumerate().map(|(j, c)| (c.as_str(), j)).collect();

    // Which rows are complete, and why the others are not.
    let mut dropped: BTreeMap<String, usize> = BTreeMap::new();
    let mut complete = vec![true; df.height()];
    for v in std::iter::once(&y).chain(&values) {
        complete.iter_mut().zip(v).for_each(|(c, x)| *c &= x.is_finite());
    }
    for v in &needed {
        complete.iter_mut().zip(v).for_each(|(c, x)| *c &= x);
    }
    for v in &fe {
        complete.iter_mut().zip(v).for_each(|(c, x)| *c &= x.is_some());
    }
    let mut keep: Vec<usize> = Vec::with_capacity(df.height());
    for (i, ok) in complete.iter().enumerate() {
        if *ok {
            keep.push(i);
            continue;
        }
        let missing = (!y[i].is_finite())
            .then_some(formula.outcome.as_str())
            .or_else(|| columns.iter().zip(&values).find(|(_, v)| !v[i].is_finite()).map(|(c, _)| c.as_str()))
            .or_else(|| formula.fixed_effects.iter().zip(&fe).find(|(_, v)| v[i].is_none()).map(|(c, _)| c.as_str()))
            .or_else(|| required.iter().zip(&needed).find(|(_, v)| !v[i]).map(|(c, _)| *c))
            .unwrap_or_default();
        *dropped.entry(format!("missing {missing}")).or_default() += 1;
    }

    // Levels of the categorical columns among the complete rows.
    let text_levels: HashMap<&str, &Vec<String>> =
        columns.iter().zip(&names_of).filter_map(|(c, n)| n.as_ref().map(|n| (c.as_str(), n))).collect();
    let mut levels: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut modes: BTreeMap<String, f64> = BTreeMap::new();
    for c in &categorical {
        let v = &values[index[c.as_str()]];
        let mut counts: BTreeMap<i64, (f64, usize)> = BTreeMap::new();
        for &i in &keep {
            let x = v[i];
            counts.entry((x * 1e6).round() as i64).or_insert((x, 0)).1 += 1;
        }
        let lv: Vec<f64> = counts.values().map(|c| c.0).collect();
        if let Some(mode) = counts.values().max_by(|a, b| a.1.cmp(&b.1).then(b.0.total_cmp(&a.0))) {
            modes.insert(c.clone(), mode.0);
        }
        levels.insert(c.as_str(), lv);
    }

    // Design columns: the intercept, then each term's product of parts.
    let mut names: Vec<String> = Vec::new();
    let mut parts: Vec<Vec<Part>> = Vec::new();
    if formula.intercept {
        names.push("(Intercept)".into());
        parts.push(Vec::new());
    }
    for t in &formula.terms {
        let mut cols: Vec<(String, Vec<Part>)> = vec![(String::new(), Vec::new())];
        for f in &t.factors {
            let options: Vec<(String, Part)> = match f {
                Factor::Numeric { label, expr } => vec![(label.clone(), Part::Value(expr.clone()))],
                Factor::Categorical { column, reference } => {
                    let lv = &levels[column.as_str()];
                    let text = text_levels.get(column.as_str());
                    let name = |l: f64| text.map_or_else(|| fmt_level(l), |t| t[l as usize].clone());
                    let reference = match reference {
                        Some(r) => lv
                            .iter()
                            .copied()
                            .find(|&l| name(l) == *r || r.parse::<f64>().is_ok_and(|v| text.is_none() && v == l))
                            .ok_or_else(|| {
                                let known: Vec<String> = lv.iter().map(|&l| name(l)).collect();
                                EstimateError::Formula {
                                    formula: t.label(),
                                    why: format!(
                                        "C({column}, ref={r}): {r} is not a level of {column} in the sample; its levels: {}",
                                        known.join(", ")
                                    ),
                                }
                            })?,
                        None => lv.first().copied().unwrap_or_default(),
                    };
                    lv.iter()
                        .filter(|&&l| l != reference)
                        .map(|&l| (format!("C({column})[T.{}]", name(l)), Part::Level(column.clone(), l)))
                        .collect()
                }
            };
            cols = cols
                .iter()
                .flat_map(|(name, ps)| {
                    options.iter().map(move |(label, p)| {
                        let name = if name.is_empty() { label.clone() } else { format!("{name}:{label}") };
                        (name, ps.iter().cloned().chain([p.clone()]).collect())
                    })
                })
                .collect();
        }
        for (name, ps) in cols {
            names.push(name);
            parts.push(ps);
        }
    }

    let mut d = Design {
        outcome: formula.outcome.clone(),
        y: Vec::with_capacity(keep.len()),
        x: Vec::with_capacity(keep.len() * names.len()),
        terms: names,
        parts,
        rows: Vec::with_capacity(keep.len()),
        n_dropped: 0,
        dropped,
        collinear: Vec::new(),
        means: BTreeMap::new(),
        fe_names: formula.fixed_effects.clone(),
        fe: vec![Vec::with_capacity(keep.len()); fe.len()],
        text_levels: text_levels.iter().map(|(c, l)| (c.to_string(), (*l).clone())).collect(),
    };
    // Each design column over the complete rows at once, then rows with an undefined value
    // (the log of a negative number) dropped.
    let by_name: HashMap<&str, &[f64]> = columns.iter().map(String::as_str).zip(values.iter().map(Vec::as_slice)).collect();
    // A plain column is read from the frame's values where it stands; anything else is
    // computed over the complete rows.
    enum Source<'a> {
        One,
        Frame(&'a [f64]),
        Computed(Vec<f64>),
    }
    impl Source<'_> {
        fn at(&self, r: usize, i: usize) -> f64 {
            match self {
                Source::One => 1.0,
                Source::Frame(v) => v[i],
                Source::Computed(v) => v[r],
            }
        }
    }
    let computed: Vec<Source> = d
        .parts
        .iter()
        .map(|parts| match parts.as_slice() {
            [] => Source::One,
            [Part::Value(Expr::Col(c))] => Source::Frame(by_name.get(c.as_str()).copied().unwrap_or_default()),
            _ => {
                let mut v = vec![1.0; keep.len()];
                for p in parts {
                    match p {
                        Part::Value(e) => e.eval_rows(&by_name, &keep).iter().zip(v.iter_mut()).for_each(|(a, b)| *b *= a),
                        Part::Level(c, l) => {
                            let col = by_name.get(c.as_str()).copied().unwrap_or_default();
                            keep.iter().zip(v.iter_mut()).for_each(|(&i, b)| *b *= f64::from(col[i] == *l))
                        }
                    }
                }
                Source::Computed(v)
            }
        })
        .collect();
    // The first undefined column of each row, if any.
    let mut undefined: Vec<u32> = vec![u32::MAX; keep.len()];
    for (j, c) in computed.iter().enumerate().rev() {
        if let Source::Computed(c) = c {
            for (u, v) in undefined.iter_mut().zip(c) {
                if !v.is_finite() {
                    *u = j as u32;
                }
            }
        }
    }
    let k = computed.len();
    // (row among the complete ones, row of the frame) of the rows kept.
    let mut good: Vec<(usize, usize)> = Vec::with_capacity(keep.len());
    for (r, &i) in keep.iter().enumerate() {
        if undefined[r] == u32::MAX {
            good.push((r, i));
        } else {
            *d.dropped.entry(format!("{} undefined", d.terms[undefined[r] as usize])).or_default() += 1;
        }
    }
    // The row-major design, filled on two threads, half the rows each.
    d.x = vec![0.0; good.len() * k];
    super::split::fill_halves(&mut d.x, k, |x, first| {
        for (row, &(r, i)) in x.chunks_mut(k.max(1)).zip(&good[first..]) {
            for (v, c) in row.iter_mut().zip(&computed) {
                *v = c.at(r, i);
            }
        }
    });
    d.y = good.iter().map(|&(_, i)| y[i]).collect();
    d.rows = good.iter().map(|&(_, i)| i).collect();
    for (g, v) in d.fe.iter_mut().zip(&fe) {
        *g = good.iter().map(|&(_, i)| v[i].unwrap_or_default()).collect();
    }
    // Each column summed over the rows kept (for the means), half the columns on each thread.
    let sum_of = |vs: &[Vec<f64>]| -> Vec<f64> { vs.iter().map(|v| d.rows.iter().map(|&i| v[i]).sum()).collect() };
    let (left, right) = values.split_at(values.len() / 2);
    let (mut sums, rest) = super::split::join(|| sum_of(left), || sum_of(right));
    sums.extend(rest);
    d.n_dropped = d.dropped.values().sum();
    if d.y.is_empty() {
        return Err(EstimateError::EmptySample { dropped: d.n_dropped, why: d.why_dropped() });
    }
    let n = d.n() as f64;
    d.means = columns.iter().zip(&sums).map(|(c, s)| (c.clone(), modes.get(c).copied().unwrap_or(s / n))).collect();
    Ok(d)
}

/// A level as patsy prints it: `2` rather than `2.0`.
fn fmt_level(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Renumbers groups 0.. in order of first appearance among the rows kept.
pub fn renumber(fe: &mut [Vec<u32>]) {
    for g in fe {
        let mut ids: HashMap<u32, u32> = HashMap::new();
        for v in g.iter_mut() {
            let next = ids.len() as u32;
            *v = *ids.entry(*v).or_insert(next);
        }
    }
}

/// Drops, in column order, each regressor that is (numerically) a linear combination of the
/// ones kept before it (as R and Stata drop them).
pub fn drop_collinear(d: &mut Design) {
    let kept = independent_columns(&d.x, d.n(), d.k());
    d.keep_columns(&kept);
}

impl Design {
    /// Removes the intercept (the first column), as absorbed fixed effects take its place.
    pub(super) fn drop_intercept(&mut self) {
        let k = self.k();
        if self.terms.first().is_none_or(|t| t != "(Intercept)") {
            return;
        }
        self.x = self.x.chunks(k).flat_map(|row| row[1..].iter().copied()).collect();
        self.terms.remove(0);
        self.parts.remove(0);
    }

    /// Keeps the regressors at `kept` (ascending), naming the others as collinear.
    pub fn keep_columns(&mut self, kept: &[usize]) {
        let (n, k) = (self.n(), self.k());
        if kept.len() == k {
            return;
        }
        self.collinear.extend((0..k).filter(|j| !kept.contains(j)).map(|j| self.terms[j].clone()));
        self.x = (0..n).flat_map(|i| kept.iter().map(move |&j| (i, j))).map(|(i, j)| self.x[i * k + j]).collect();
        self.terms = kept.iter().map(|&j| self.terms[j].clone()).collect();
        self.parts = kept.iter().map(|&j| self.parts[j].clone()).collect();
    }
}

/// The columns of a row-major `n × k` matrix that are not (numerically) linear combinations of
/// the earlier ones kept: a column's pivot in the Cholesky factor of X'X must exceed 1e-9 of its
/// own sum of squares.
pub fn independent_columns(x: &[f64], n: usize, k: usize) -> Vec<usize> {
    let xtx = super::linalg::cross(x, k, &vec![1.0; n], &[]).0;
    independent_of_cross(&(0..k * k).map(|i| xtx[(i / k, i % k)]).collect::<Vec<_>>(), k)
}

/// As [`independent_columns`], from X'X (row-major `k × k`).
pub fn independent_of_cross(xtx: &[f64], k: usize) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::new();
    for j in 0..k {
        let cand: Vec<usize> = kept.iter().copied().chain([j]).collect();
        let m = Mat::from_fn(cand.len(), cand.len(), |a, b| xtx[cand[a] * k + cand[b]]);
        let pivot = m.llt(Side::Lower).map(|l| l.L()[(cand.len() - 1, cand.len() - 1)].powi(2)).unwrap_or(0.0);
        if xtx[j * k + j] > 0.0 && pivot > 1e-9 * xtx[j * k + j] {
            kept.push(j);
        }
    }
    kept
}
