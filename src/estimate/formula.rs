//! Model formulas, R style: `outcome ~ x1 + x2`, with `- 1` (or `+ 0`) for no intercept.
//! Transformations, interactions, factors and absorbed fixed effects are refused with a clear
//! message until they are built.

use super::EstimateError;

/// A parsed formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    /// Outcome column.
    pub outcome: String,
    /// Regressor columns, in order.
    pub terms: Vec<String>,
    /// Whether the model has an intercept.
    pub intercept: bool,
}

fn bad(formula: &str, why: &str) -> EstimateError {
    EstimateError::Formula { formula: formula.to_string(), why: why.to_string() }
}

/// Parses `y ~ a + b [- 1]`.
pub fn parse(formula: &str) -> Result<Formula, EstimateError> {
    let Some((lhs, rhs)) = formula.split_once('~') else {
        return Err(bad(formula, "expected `outcome ~ regressors`"));
    };
    let outcome = lhs.trim();
    if outcome.is_empty() || !outcome.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(bad(formula, "the outcome must be one column name"));
    }
    for (token, what) in
        [("|", "absorbed fixed effects"), (":", "interactions"), ("*", "interactions"), ("(", "transformations and factors")]
    {
        if rhs.contains(token) {
            return Err(bad(formula, &format!("{what} (`{token}`) are not supported yet; add the column to the frame instead")));
        }
    }
    let mut f = Formula { outcome: outcome.to_string(), terms: Vec::new(), intercept: true };
    let rhs = rhs.replace('-', "+-");
    for raw in rhs.split('+') {
        let t = raw.trim();
        match t {
            "" => continue,
            "-1" | "- 1" | "0" => f.intercept = false,
            "1" => f.intercept = true,
            _ if t.starts_with('-') => return Err(bad(formula, &format!("cannot remove `{}`", t.trim_start_matches('-').trim()))),
            _ if t.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                if !f.terms.iter().any(|x| x == t) {
                    f.terms.push(t.to_string());
                }
            }
            _ => return Err(bad(formula, &format!("`{t}` is not a column name"))),
        }
    }
    if f.terms.is_empty() && !f.intercept {
        return Err(bad(formula, "the model has no regressors"));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_parse_and_refuse_what_is_not_built() {
        let f = parse("init ~ tgt_def + chal_def+peace_years").unwrap();
        assert_eq!((f.outcome.as_str(), f.terms.len(), f.intercept), ("init", 3, true));
        assert!(!parse("y ~ x - 1").unwrap().intercept);
        assert!(!parse("y ~ 0 + x").unwrap().intercept);
        assert!(parse("y x").unwrap_err().to_string().contains("expected `outcome ~ regressors`"));
        assert!(parse("y ~ a:b").unwrap_err().to_string().contains("interactions"));
        assert!(parse("y ~ x | dyad_id").unwrap_err().to_string().contains("fixed effects"));
        assert!(parse("y ~ log(x)").unwrap_err().to_string().contains("not supported yet"));
    }
}
