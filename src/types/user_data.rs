//! Variables from datasets of the user's own (`allywar data add`; [`crate::pins::UserDataset`]).
//! A state-year dataset's column `gdp` is `gdp` in state-year frames and `gdp1`, `gdp2` (state
//! 1's and state 2's) in dyad-year frames, as the registry names `cinc` and `cinc1`/`cinc2`; a
//! dyad-year dataset's column is `gdp` in dyad-year frames. They are installed for the run from
//! the user catalog of the data directory ([`install`]), after which `--vars`, formulas, specs
//! and `allywar vars` know them as they know the registry's.

use super::registry::{Group, Source, Var};
use super::{Unit, Years};
use crate::pins::{UserDataset, UserUnit};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, RwLock};

/// A variable of a user's dataset.
#[derive(Debug, Clone, Copy)]
pub struct UserVar {
    /// Its registry entry (`group` [`Group::User`], `source` [`Source::User`]).
    pub var: &'static Var,
    /// The dataset.
    pub dataset: &'static str,
    /// The dataset's column.
    pub column: &'static str,
    /// For a state-year column in a dyad-year frame: whose value, state 1's or state 2's.
    pub side: Option<u8>,
}

static INSTALLED: RwLock<Vec<UserVar>> = RwLock::new(Vec::new());

/// The variables a user's dataset gives, by unit (not yet checked against the registry).
pub fn vars_of(d: &UserDataset) -> Vec<(Unit, String, &str, Option<u8>)> {
    let mut out = Vec::new();
    for c in &d.columns {
        match d.unit {
            UserUnit::StateYear => {
                out.push((Unit::StateYear, c.name.clone(), c.name.as_str(), None));
                out.push((Unit::DyadYear, format!("{}1", c.name), c.name.as_str(), Some(1)));
                out.push((Unit::DyadYear, format!("{}2", c.name), c.name.as_str(), Some(2)));
            }
            UserUnit::DyadYear => out.push((Unit::DyadYear, c.name.clone(), c.name.as_str(), None)),
        }
    }
    out
}

/// Why a user's variables cannot be installed: a name the registry, a key or another user
/// dataset already has, or one that is not a column name.
pub fn conflicts(datasets: &[UserDataset]) -> Vec<String> {
    let mut seen: HashMap<(Unit, String), &str> = HashMap::new();
    let mut problems = Vec::new();
    for d in datasets {
        for (unit, name, _, _) in vars_of(d) {
            let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                problems.push(format!(
                    "dataset `{}`: `{name}` is not a variable name (lowercase letters, digits and _, starting with a letter)",
                    d.name
                ));
            } else if unit.keys().contains(&name.as_str()) {
                problems.push(format!("dataset `{}`: `{name}` is a key of {unit} frames", d.name));
            } else if super::registry::all().any(|v| v.name == name && v.units.contains(&unit)) {
                problems.push(format!(
                    "dataset `{}`: {unit} frames already have a variable `{name}` (`allywar vars {unit}`); name the column otherwise",
                    d.name
                ));
            } else if let Some(other) = seen.insert((unit, name.clone()), &d.name) {
                problems.push(format!("datasets `{other}` and `{}` both give {unit} frames a variable `{name}`", d.name));
            }
        }
    }
    problems
}

/// Makes the variables of `datasets` known for the rest of the run, in place of any installed
/// before. Errors list every name that clashes (nothing is installed then).
pub fn install(datasets: &[UserDataset]) -> Result<(), Vec<String>> {
    let problems = conflicts(datasets);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut vars = Vec::new();
    for d in datasets {
        let years = d.record.years.map_or(Years { first: 0, last: 0 }, |[first, last]| Years { first, last });
        for (unit, name, column, side) in vars_of(d) {
            let desc = d.columns.iter().find(|c| c.name == column).map_or("", |c| c.desc.as_str());
            let desc = if desc.is_empty() { column.to_string() } else { desc.to_string() };
            // The dataset is the variable's source (`Source::User`), named wherever sources are.
            let definition = match side {
                Some(s) => format!("state {s}'s {desc}"),
                None => desc,
            };
            vars.push(made(unit, &name, &definition, leak(&d.name), leak(column), side, years));
        }
    }
    *INSTALLED.write().unwrap_or_else(|e| e.into_inner()) = vars;
    Ok(())
}

/// Every installed user variable.
pub fn installed() -> Vec<UserVar> {
    INSTALLED.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The installed user variable `name` of `unit`.
pub fn lookup(unit: Unit, name: &str) -> Option<UserVar> {
    installed().into_iter().find(|u| u.var.name == name && u.var.units.contains(&unit))
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// The registry entry, made once per (unit, name, definition, years) and kept for the run, so
/// that installing the same catalog again leaks nothing more.
fn made(unit: Unit, name: &str, definition: &str, dataset: &'static str, column: &'static str, side: Option<u8>, years: Years) -> UserVar {
    type Key = (Unit, String, String, i32, i32);
    static MADE: OnceLock<Mutex<HashMap<Key, &'static Var>>> = OnceLock::new();
    let mut made = MADE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    let key = (unit, name.to_string(), definition.to_string(), years.first, years.last);
    let var = *made.entry(key).or_insert_with(|| {
        let units: &'static [Unit] = match unit {
            Unit::StateYear => &[Unit::StateYear],
            _ => &[Unit::DyadYear],
        };
        Box::leak(Box::new(Var {
            name: leak(name),
            group: Group::User,
            units,
            directed_only: false,
            definition: leak(definition),
            source: Source::User(dataset, years),
        }))
    });
    UserVar { var, dataset, column, side }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ColumnType;
    use crate::pins::{Record, UserColumn};

    fn dataset(name: &str, unit: UserUnit, cols: &[&str]) -> UserDataset {
        UserDataset {
            name: name.into(),
            unit,
            file: format!("user/{name}.csv"),
            keys: unit.keys().iter().map(|k| k.to_string()).collect(),
            symmetric: false,
            na: vec![],
            cite: String::new(),
            record: Record {
                sha256: "aa".into(),
                bytes: 1,
                rows: 1,
                years: Some([1990, 2000]),
                pinned: "2026-12-06".into(),
                source: "x".into(),
            },
            columns: cols.iter().map(|c| UserColumn { name: c.to_string(), src: None, ty: ColumnType::F64, desc: String::new() }).collect(),
        }
    }

    #[test]
    fn a_state_year_column_is_a_variable_of_both_units_and_clashes_are_named() {
        let gdp = dataset("pwt", UserUnit::StateYear, &["gdp_pc"]);
        let names: Vec<(Unit, String)> = vars_of(&gdp).into_iter().map(|(u, n, _, _)| (u, n)).collect();
        assert_eq!(names, [(Unit::StateYear, "gdp_pc".into()), (Unit::DyadYear, "gdp_pc1".into()), (Unit::DyadYear, "gdp_pc2".into())]);
        assert!(conflicts(std::slice::from_ref(&gdp)).is_empty());
        let p = conflicts(&[dataset("mine", UserUnit::StateYear, &["cinc"])]);
        assert!(p.len() == 3 && p[0].contains("already have a variable `cinc`"), "{p:?}");
        let p = conflicts(&[gdp.clone(), dataset("other", UserUnit::DyadYear, &["gdp_pc1"])]);
        assert_eq!(p, ["datasets `pwt` and `other` both give dyad-year frames a variable `gdp_pc1`"]);
        assert!(conflicts(&[dataset("k", UserUnit::DyadYear, &["year"])])[0].contains("a key of dyad-year frames"));
        assert!(conflicts(&[dataset("k", UserUnit::DyadYear, &["Trade"])])[0].contains("not a variable name"));
    }
}
