//! "Did you mean": the one matcher every unknown name goes through (datasets, columns, units,
//! variables, estimators, variance types, studies), so a typo gets the same kind of hint
//! wherever it is made.

/// The candidate closest to `name` (ignoring case) by edit distance, if it is close enough to
/// be a typo (at most a third of the longer name's letters, and never fewer than two); else the
/// shortest candidate that contains `name`. Ties go to the first candidate.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    let mut containing: Option<&str> = None;
    for c in candidates {
        let cl = c.to_lowercase();
        let d = strsim::levenshtein(&lower, &cl);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
        if !lower.is_empty() && cl.contains(&lower) && containing.is_none_or(|o| c.len() < o.len()) {
            containing = Some(c);
        }
    }
    best.filter(|(d, c)| *d <= (c.chars().count().max(name.chars().count()) / 3).max(2)).map(|(_, c)| c).or(containing)
}

/// ` (did you mean `x`?)` when a candidate is close to `name`, else nothing: the tail of an
/// error message.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    hint(nearest(name, candidates))
}

/// ` (did you mean `x`?)` for a suggestion already found, else nothing.
pub fn hint(suggestion: Option<&str>) -> String {
    suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_name_and_strangers_find_none() {
        assert_eq!(nearest("cow_mdb", ["cow_mida", "cow_midb"]), Some("cow_midb"));
        assert_eq!(nearest("zzzzzzzz", ["nmc"]), None);
        assert_eq!(nearest("LOGTI", ["ols", "logit", "probit"]), Some("logit"));
        assert_eq!(nearest("peace", ["peace_years", "year"]), Some("peace_years"));
        assert_eq!(did_you_mean("hc4", ["hc0", "hc1", "hc3"]), " (did you mean `hc0`?)");
        assert_eq!(did_you_mean("quux", ["classical"]), "");
    }
}
