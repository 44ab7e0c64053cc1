//! ATOP 4.01 member rows as the abandonment units read them: each member's spell in an alliance
//! phase (entry and exit to the day) with its obligations and their conditions.

use crate::sources::index::{ints, keys};
use crate::sources::participants::{first_day, last_day};
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// One member's row of an ATOP 4.01 alliance phase: its spell and its obligations' terms.
#[derive(Debug, Clone)]
pub struct Pledge {
    /// The member.
    pub state: i32,
    /// First day in force.
    pub entry: i32,
    /// Last day in force (None: still in force at the end of the data).
    pub exit: Option<i32>,
    /// Bilateral alliance.
    pub bilateral: bool,
    /// The COW war a wartime alliance was formed for (`cowwar`; 0 none).
    pub cowwar: i32,
    /// States named as the threat (`statthr1`, `statthr2`).
    pub named: Vec<i32>,
    /// The flags of the member's row, by column name.
    pub flags: BTreeSet<&'static str>,
}

/// Columns read as 0/1 flags.
const FLAGS: [&str; 28] = [
    "bilat", "defcon", "defense", "offense", "neutral", "nonagg", "consul", "defcoadv", "defcoloc", "defcocon", "defconum", "defcodem",
    "defconpr", "offcoadv", "offcoloc", "offcocon", "offconum", "offcodem", "neucoadv", "neucoloc", "neucocon", "neuconum", "neucodem",
    "neuconpr", "neucoatt", "concoadv", "concoloc", "concocon",
];

impl Pledge {
    /// Whether the row is in force on `day`.
    pub fn in_force(&self, day: i32) -> bool {
        self.entry <= day && self.exit.is_none_or(|e| day <= e)
    }
    /// Whether the row's flag `flag` (an ATOP column) is 1.
    pub fn has(&self, flag: &str) -> bool {
        self.flags.contains(flag)
    }
}

/// ATOP 4.01 member rows by (atopid, phase).
pub fn pledges(members: &DataFrame) -> PolarsResult<BTreeMap<(i32, i32), Vec<Pledge>>> {
    let (id, phase, state) = (keys(members, "atopid")?, keys(members, "phase")?, keys(members, "member")?);
    let (ye, me, de) = (keys(members, "yrent")?, ints(members, "moent")?, ints(members, "dayent")?);
    let (yx, mx, dx) = (keys(members, "yrexit")?, ints(members, "moexit")?, ints(members, "dayexit")?);
    let (t1, t2, war) = (ints(members, "statthr1")?, ints(members, "statthr2")?, ints(members, "cowwar")?);
    let flags: Vec<(&'static str, Vec<Option<i32>>)> = FLAGS.iter().map(|&f| Ok((f, ints(members, f)?))).collect::<PolarsResult<_>>()?;
    let mut out: BTreeMap<(i32, i32), Vec<Pledge>> = BTreeMap::new();
    for i in 0..id.len() {
        let Some(entry) = first_day(ye[i], me[i], de[i]) else { continue };
        let exit = if yx[i] == 0 { None } else { last_day(yx[i], mx[i], dx[i]) };
        out.entry((id[i], phase[i])).or_default().push(Pledge {
            state: state[i],
            entry,
            exit,
            bilateral: flags[0].1[i] == Some(1),
            cowwar: war[i].unwrap_or(0),
            named: [t1[i], t2[i]].into_iter().flatten().filter(|&s| s > 0).collect(),
            flags: flags.iter().filter(|(_, v)| v[i] == Some(1)).map(|(f, _)| *f).collect(),
        });
    }
    Ok(out)
}
