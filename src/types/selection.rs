//! Choosing variables from the registry: a unit's variables, a `--vars` list checked against
//! them (unknown names with the nearest one, names of other units, directed-only names), and
//! lookup by name.

use super::registry::Var;
use super::Unit;

/// Why a variable list is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VarError {
    /// No variable has that name.
    #[error("unknown variable `{name}`{}", hint(.suggestion, .unit))]
    Unknown {
        /// Name asked for.
        name: String,
        /// Nearest variable of the unit.
        suggestion: Option<String>,
        /// Unit asked for.
        unit: &'static str,
    },
    /// The variable exists, for other units.
    #[error("variable `{name}` is not available for {unit} frames (it belongs to: {units})")]
    NotForUnit {
        /// Variable.
        name: String,
        /// Unit asked for.
        unit: String,
        /// Units that carry it.
        units: String,
    },
    /// Directed-only variable in a non-directed frame.
    #[error("variable `{name}` needs a directed frame (state 1 vs state 2); drop --nondirected")]
    NeedsDirected {
        /// Variable.
        name: String,
    },
}

fn hint(s: &Option<String>, unit: &str) -> String {
    match s {
        Some(s) => crate::suggest::hint(Some(s)),
        None => format!("; `allywar vars {unit}` lists them"),
    }
}

/// Every variable: the registry's, then those of the user's own datasets installed for the
/// run ([`super::user_data::install`]).
pub fn all() -> impl Iterator<Item = &'static Var> {
    super::registry::all().chain(super::user_data::installed().into_iter().map(|u| u.var))
}

/// The variables of a unit, in frame order.
pub fn for_unit(unit: Unit, directed: bool) -> impl Iterator<Item = &'static Var> {
    all().filter(move |v| v.units.contains(&unit) && (directed || !v.directed_only))
}

/// Splits a `--vars` list: commas, with spaces around names allowed.
pub fn parse_list<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    items.iter().flat_map(|s| s.as_ref().split(',').map(|n| n.trim().to_string()).collect::<Vec<_>>()).filter(|n| !n.is_empty()).collect()
}

/// Resolves a requested list (`all`, or names) for a unit, in the order asked. Key columns
/// (`year`, `ccode1`, …) are accepted and ignored: every frame starts with its keys.
pub fn select<S: AsRef<str>>(unit: Unit, directed: bool, names: &[S]) -> Result<Vec<&'static Var>, VarError> {
    let names = parse_list(names);
    if names.is_empty() || names.iter().any(|n| n == "all") {
        return Ok(for_unit(unit, directed).collect());
    }
    let mut chosen: Vec<&'static Var> = Vec::new();
    for name in &names {
        if unit.keys().contains(&name.as_str()) {
            continue;
        }
        let composed = (unit == Unit::DyadYear).then(|| super::composed::parse(name)).flatten().map(|c| c.var());
        let v = all().find(|v| v.name == name && v.units.contains(&unit)).or_else(|| all().find(|v| v.name == name)).or(composed);
        let Some(v) = v else {
            let candidates = unit.keys().iter().copied().chain(for_unit(unit, directed).map(|v| v.name));
            let suggestion = crate::suggest::nearest(name, candidates).map(String::from);
            return Err(VarError::Unknown { name: name.clone(), suggestion, unit: unit.name() });
        };
        if !v.units.contains(&unit) {
            let units: Vec<&str> = v.units.iter().map(|u| u.name()).collect();
            return Err(VarError::NotForUnit { name: name.clone(), unit: unit.name().to_string(), units: units.join(", ") });
        }
        if v.directed_only && !directed {
            return Err(VarError::NeedsDirected { name: name.clone() });
        }
        if !chosen.iter().any(|c| c.name == v.name) {
            chosen.push(v);
        }
    }
    Ok(chosen)
}

/// The registry entry of a unit's variable.
pub fn find(unit: Unit, name: &str) -> Option<&'static Var> {
    all().find(|v| v.name == name && v.units.contains(&unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_validates_names_units_and_direction() {
        let all = select(Unit::DyadYear, true, &["all"]).unwrap();
        assert!(all.iter().any(|v| v.name == "tgt_def"));
        let nd = select::<&str>(Unit::DyadYear, false, &[]).unwrap();
        assert!(!nd.iter().any(|v| v.name == "init"));
        let err = select(Unit::DyadYear, true, &["tgt_deff"]).unwrap_err().to_string();
        assert!(err.contains("did you mean `tgt_def`?"), "{err}");
        let err = select(Unit::DyadYear, true, &["statenum"]).unwrap_err().to_string();
        assert!(err.contains("not available for dyad-year frames (it belongs to: mission)"), "{err}");
        let err = select(Unit::DyadYear, false, &["init"]).unwrap_err().to_string();
        assert!(err.contains("needs a directed frame"), "{err}");
        // The order asked is kept; spaces after commas and key names are fine.
        let two = select(Unit::DyadYear, true, &["cinc2, mid_onset", "year"]).unwrap();
        assert_eq!(two.iter().map(|v| v.name).collect::<Vec<_>>(), ["cinc2", "mid_onset"]);
        let err = select(Unit::DyadYear, true, &["MID_ONSET"]).unwrap_err().to_string();
        assert!(err.contains("did you mean `mid_onset`?"), "{err}");
        let mut names = std::collections::HashSet::new();
        for v in super::all() {
            for u in v.units {
                assert!(names.insert((v.name, *u)), "duplicate {} for {u}", v.name);
            }
        }
    }
}
