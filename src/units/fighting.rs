//! Who attacked whom in each conflict, and since when each pair fought: for two states on
//! opposite sides of a war, the directed dyadic war file's dyadic initiator (`wardyadrolea` = 1;
//! Maoz et al. 2019) when it has the pair, else the state on the side of the war's initiator
//! (COW `Initiator` = 1). In a dispute, side A's states attack side B's (the originators' side A
//! is the revisionist side). The commitment unit reads it to know whether a partner was attacked
//! (defence), attacked (offence), or was attacked by its own ally (non-aggression, neutrality).

use super::invocation::Conflict;
use crate::sources::index::{ints, keys};
use crate::sources::participants::first_day;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Who attacked whom in one conflict, and when each pair began to fight.
#[derive(Debug, Default)]
pub struct Fighting {
    /// (attacker, target) pairs.
    pub attacks: BTreeSet<(i32, i32)>,
    /// First day each unordered pair (lower, higher code) fought.
    pub since: BTreeMap<(i32, i32), i32>,
}

impl Fighting {
    /// Whether `x` attacked `y`.
    pub fn attacked(&self, x: i32, y: i32) -> bool {
        self.attacks.contains(&(x, y))
    }
    /// Whether anyone attacked `y`.
    pub fn is_target(&self, y: i32) -> bool {
        self.attacks.iter().any(|&(_, t)| t == y)
    }
    /// Whether `x` attacked anyone.
    pub fn is_attacker(&self, x: i32) -> bool {
        self.attacks.iter().any(|&(a, _)| a == x)
    }
    /// The states that attacked `y`.
    pub fn attackers_of(&self, y: i32) -> Vec<i32> {
        self.attacks.iter().filter(|&&(_, t)| t == y).map(|&(a, _)| a).collect()
    }
    /// First day `x` and `y` fought each other.
    pub fn since(&self, x: i32, y: i32) -> Option<i32> {
        self.since.get(&(x.min(y), x.max(y))).copied()
    }
}

/// The dyadic war file's pairs: (war, state a, state b) → (a is the dyadic initiator, first day).
pub(super) type DyadicRoles = BTreeMap<(i32, i32, i32), (bool, Option<i32>)>;

pub(super) fn dyadic_roles(dyadic: &DataFrame) -> PolarsResult<DyadicRoles> {
    let (war, a, b, year) = (keys(dyadic, "warnum")?, keys(dyadic, "statea")?, keys(dyadic, "stateb")?, keys(dyadic, "year")?);
    let role = ints(dyadic, "wardyadrolea")?;
    let (sy, sm, sd) = (ints(dyadic, "warstrtyr")?, ints(dyadic, "warstrtmnth")?, ints(dyadic, "warstrtday")?);
    let mut out = DyadicRoles::new();
    let mut order: Vec<usize> = (0..war.len()).collect();
    order.sort_by_key(|&i| (war[i], a[i], b[i], year[i]));
    for i in order {
        let Some(r) = role[i] else { continue };
        let day = sy[i].and_then(|y| first_day(y, sm[i], sd[i]));
        out.entry((war[i], a[i], b[i])).or_insert((r == 1, day));
    }
    Ok(out)
}

/// Who attacked whom in each conflict (module docs).
pub(super) fn fighting(conflicts: &BTreeMap<i32, Conflict>, roles: Option<&DyadicRoles>) -> BTreeMap<i32, Fighting> {
    let mut out = BTreeMap::new();
    for (&id, c) in conflicts {
        let mut f = Fighting::default();
        // The side of the conflict's initiators (a war's Initiator = 1; a dispute's side A).
        let initiating_side_a = match roles {
            Some(_) => c.states.values().find(|e| e.2).map(|e| e.1),
            None => Some(true),
        };
        for (&x, ex) in c.states.iter().filter(|(_, e)| e.1) {
            for (&y, ey) in c.states.iter().filter(|(_, e)| !e.1) {
                let from_file = roles.and_then(|r| r.get(&(id, x, y)));
                let x_attacks = match from_file {
                    Some(&(first, _)) => Some(first),
                    None => initiating_side_a,
                };
                match x_attacks {
                    Some(true) => f.attacks.insert((x, y)),
                    Some(false) => f.attacks.insert((y, x)),
                    None => false,
                };
                let day = from_file.and_then(|r| r.1).unwrap_or(ex.0.max(ey.0));
                f.since.insert((x.min(y), x.max(y)), day);
            }
        }
        out.insert(id, f);
    }
    out
}
