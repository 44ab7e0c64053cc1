//! Third-party variables composed on request (dyad-years): whose third parties (the target's,
//! state 2; the challenger's, state 1), which ATOP obligation they promised, and a condition on
//! the third state — `tgt_def[major]` (a major power other than the challenger has promised the
//! target defence), `chal_off[dem]`, `n_tgt_def[contig]` (how many; `n_` counts), `tgt_def[cinc>0.1]`.
//! The registry's `tgt_def` is `tgt_def` without a condition; these answer questions such as
//! "does a major-power defence ally deter?" without code of one's own.

use super::registry::{Group, Source, Var};
use super::Unit;
use crate::catalog::DatasetId;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Whose third parties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// State 2's (the potential target).
    Target,
    /// State 1's (the potential challenger).
    Challenger,
}

/// A condition on the third state, in the year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    /// A COW major power.
    Major,
    /// Not a major power.
    Minor,
    /// polity2 ≥ 6.
    Democracy,
    /// polity2 below 6 (a missing score is neither).
    NonDemocracy,
    /// Land-contiguous to the other state of the dyad (COW conttype 1).
    ContiguousToOther,
    /// CINC above the threshold.
    CincAbove(f64),
}

/// A composed third-party variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    /// The name as requested (the column's name).
    pub name: String,
    /// Whose third parties.
    pub side: Side,
    /// The obligation: 0 defence, 1 offence, 2 neutrality, 3 non-aggression, 4 consultation,
    /// 5 any of them.
    pub obligation: usize,
    /// The condition on the third state.
    pub condition: Condition,
    /// Count the third states (`n_`) rather than say whether there is one.
    pub count: bool,
}

const OBLIGATIONS: [(&str, &str); 6] = [
    ("def", "defence"),
    ("off", "offence"),
    ("neu", "neutrality"),
    ("nonagg", "non-aggression"),
    ("consul", "consultation"),
    ("ally", "any ATOP obligation"),
];

/// What `allywar vars` says of the syntax.
pub const SYNTAX: &str = "[n_]{tgt|chal}_{def|off|neu|nonagg|consul|ally}[COND], COND one of major, minor, dem (polity2 ≥ 6), nondem, contig (land-contiguous to the other state of the dyad), cinc>X: e.g. tgt_def[major], n_chal_def[dem], tgt_ally[cinc>0.1]; 0/1, or a count with n_; third parties exclude the dyad's two states";

/// Parses a composed name; None when `name` is not one.
pub fn parse(name: &str) -> Option<Composed> {
    let (head, rest) = name.split_once('[')?;
    let cond = rest.strip_suffix(']')?.trim();
    let (count, head) = match head.strip_prefix("n_") {
        Some(h) => (true, h),
        None => (false, head),
    };
    let (side, obligation) = head.split_once('_')?;
    let side = match side {
        "tgt" => Side::Target,
        "chal" => Side::Challenger,
        _ => return None,
    };
    let obligation = OBLIGATIONS.iter().position(|(short, _)| *short == obligation)?;
    let condition = match cond {
        "major" => Condition::Major,
        "minor" => Condition::Minor,
        "dem" => Condition::Democracy,
        "nondem" => Condition::NonDemocracy,
        "contig" => Condition::ContiguousToOther,
        c => {
            let x: f64 = c.strip_prefix("cinc>")?.trim().parse().ok()?;
            (0.0..1.0).contains(&x).then_some(Condition::CincAbove(x))?
        }
    };
    Some(Composed { name: name.to_string(), side, obligation, condition, count })
}

impl Composed {
    /// What the column means.
    pub fn definition(&self) -> String {
        let (whose, other) = match self.side {
            Side::Target => ("state 2 (the potential target)", "state 1"),
            Side::Challenger => ("state 1 (the potential challenger)", "state 2"),
        };
        let what = OBLIGATIONS[self.obligation].1;
        let cond = match self.condition {
            Condition::Major => "a COW major power".to_string(),
            Condition::Minor => "not a major power".to_string(),
            Condition::Democracy => "a democracy (polity2 ≥ 6)".to_string(),
            Condition::NonDemocracy => "not a democracy (polity2 below 6)".to_string(),
            Condition::ContiguousToOther => format!("land-contiguous to {other}"),
            Condition::CincAbove(x) => format!("of CINC above {x}"),
        };
        let lead = if self.count { "how many states" } else { "1 if some state" };
        format!("{lead} other than states 1 and 2, {cond} in the year, promised {what} to {whose} (ATOP 5.1)")
    }

    /// The registry entry of the variable (made once per name and kept for the run).
    pub fn var(&self) -> &'static Var {
        static MADE: OnceLock<Mutex<HashMap<String, &'static Var>>> = OnceLock::new();
        let mut made = MADE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        made.entry(self.name.clone()).or_insert_with(|| {
            Box::leak(Box::new(Var {
                name: Box::leak(self.name.clone().into_boxed_str()),
                group: Group::Composed,
                units: &[Unit::DyadYear],
                directed_only: true,
                definition: Box::leak(self.definition().into_boxed_str()),
                source: Source::Data(DatasetId::AtopDdy),
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_and_others_are_not() {
        let c = parse("tgt_def[major]").unwrap();
        assert_eq!((c.side, c.obligation, c.condition, c.count), (Side::Target, 0, Condition::Major, false));
        let c = parse("n_chal_ally[cinc>0.1]").unwrap();
        assert_eq!((c.side, c.obligation, c.condition, c.count), (Side::Challenger, 5, Condition::CincAbove(0.1), true));
        for bad in ["tgt_def", "tgt_def[]", "tgt_def[mayor]", "tgt_foo[major]", "me_def[major]", "tgt_def[cinc>2]", "tgt_def[major"] {
            assert!(parse(bad).is_none(), "{bad}");
        }
        assert!(parse("tgt_def[contig]").unwrap().definition().contains("land-contiguous to state 1"));
        assert!(std::ptr::eq(parse("tgt_def[dem]").unwrap().var(), parse("tgt_def[dem]").unwrap().var()));
    }
}
