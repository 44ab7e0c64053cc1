//! Alliance invocations (abandonment, STUDIES.md §5): one row per conflict × partner × ally,
//! where the partner is on a side at the conflict's start (a state at war on the war's first day,
//! or a dispute's originator) and the ally had promised it defence in an ATOP 4.01 alliance in
//! force that day. The outcome is what the ally did: joined the partner's side (fulfilled, at
//! once or later), joined the other side, or stayed out (Leeds, Long & Mitchell 2000). Allies
//! that fought each other from the start are left out: neither called the other.

use super::pledges::pledges;
use super::BuildContext;
use crate::catalog::DatasetId;
use crate::sources::index::{ints, keys};
use crate::sources::participants::{first_day, participants};
use crate::types::{BuildError, Conflicts, Years};
use polars::prelude::*;
use std::collections::BTreeMap;

/// What an ally did when its partner was at war (or in a dispute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// Joined on the partner's side.
    Fulfilled,
    /// Stayed out.
    StayedOut,
    /// Joined the other side.
    Opposed,
}

/// One defence promise of the ally to the partner: the ally's row of an ATOP 4.01 alliance
/// phase both belonged to on the conflict's first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Promise {
    /// ATOP alliance.
    pub atopid: i32,
    /// Phase of the alliance.
    pub phase: i32,
    /// Bilateral alliance.
    pub bilateral: bool,
    /// The ally also promised offensive support.
    pub offense: bool,
    /// The defence promise carries conditions (`defcon`).
    pub conditional: bool,
    /// It names adversaries (`defcoadv`) and none of the states named (`statthr1`, `statthr2`)
    /// fought on the other side: the casus foederis did not arise.
    pub adversary_absent: bool,
    /// It requires that the partner not provoke the attack (`defconpr`) and the partner
    /// initiated.
    pub provoked: bool,
    /// It names adversaries but no state (`defcoadv` = 1, no `statthr1`/`statthr2`): the rule
    /// cannot be checked and the promise is kept.
    pub adversary_unnamed: bool,
}

impl Promise {
    /// Whether the promise's checked conditions hold (conditions-matched coding).
    pub fn holds(&self) -> bool {
        !self.adversary_absent && !self.provoked
    }
}

/// One conflict: its first day and who fought on each side.
#[derive(Debug, Clone, Default)]
pub struct Conflict {
    /// First day (days since 1970-01-01).
    pub start: i32,
    /// Start year.
    pub year: i32,
    /// Every state that took part: (first day it took part, on side A (side 1 of a war), it is
    /// an initiator (war) / originator (MID)).
    pub states: BTreeMap<i32, (i32, bool, bool)>,
    /// Where each state fought (COW `WhereFought` of its first entry; wars only).
    pub where_fought: BTreeMap<i32, i32>,
}

impl Conflict {
    /// Whether `ccode` is there from the start (either side): at war on the first day, or an
    /// originator of a dispute (`mid`).
    pub fn from_start(&self, ccode: i32, mid: bool) -> bool {
        self.states.get(&ccode).is_some_and(|&(d, _, orig)| if mid { orig } else { d == self.start })
    }

    /// The states on side A (or not) there from the start.
    pub fn at_start(&self, side_a: bool, mid: bool) -> Vec<i32> {
        self.states.iter().filter(|(&s, e)| e.1 == side_a && self.from_start(s, mid)).map(|(&s, _)| s).collect()
    }
}

/// The invocation rows, sorted by (conflict, partner, ally).
#[derive(Default)]
pub struct Invocations {
    /// War or dispute number.
    pub conflict_id: Vec<i32>,
    /// The state at war from the start.
    pub partner: Vec<i32>,
    /// Its ally.
    pub ally: Vec<i32>,
    /// Start year of the conflict.
    pub styear: Vec<i32>,
    /// The partner is on side A (side 1 of a war).
    pub partner_side_a: Vec<bool>,
    /// The partner initiated (war: `Initiator` = 1; MID: an originator on side A).
    pub partner_initiated: Vec<bool>,
    /// The ally fought on the partner's side from the start (at war on the first day, or an
    /// originator).
    pub ally_at_start: Vec<bool>,
    /// What the ally did.
    pub response: Vec<Response>,
    /// The promise shown: the first (by alliance) whose conditions hold, else the first.
    pub promise: Vec<Promise>,
    /// How many alliances carried a defence promise from the ally to the partner.
    pub n_promises: Vec<u32>,
    /// Some promise's checked conditions hold.
    pub conditions_hold: Vec<bool>,
    /// The conflicts, by number.
    pub conflicts: BTreeMap<i32, Conflict>,
}

/// The inter-state wars that start in `years`: every participant's first day and side.
pub(crate) fn wars(war: &DataFrame, years: Years) -> PolarsResult<BTreeMap<i32, Conflict>> {
    let (num, ccode, side) = (keys(war, "war_num")?, keys(war, "ccode")?, ints(war, "side")?);
    let (y, m, d) = (keys(war, "start_year1")?, ints(war, "start_month1")?, ints(war, "start_day1")?);
    let (initiator, where_fought) = (ints(war, "initiator")?, ints(war, "where_fought")?);
    let mut out: BTreeMap<i32, Conflict> = BTreeMap::new();
    for i in 0..num.len() {
        let Some(day) = first_day(y[i], m[i], d[i]) else { continue };
        let c = out.entry(num[i]).or_default();
        let entry = (day, side[i] == Some(1), initiator[i] == Some(1));
        // A state that fought on both sides (Germany in the Latvian war of liberation) counts
        // by its first entry.
        let first = c.states.get(&ccode[i]).is_none_or(|e| entry < *e);
        c.states.entry(ccode[i]).and_modify(|e| *e = (*e).min(entry)).or_insert(entry);
        if let (true, Some(w)) = (first, where_fought[i]) {
            c.where_fought.insert(ccode[i], w);
        }
    }
    for c in out.values_mut() {
        c.start = c.states.values().map(|e| e.0).min().unwrap_or(0);
        c.year = crate::sources::dates::year_of_day(c.start);
    }
    out.retain(|_, c| years.contains(c.year));
    Ok(out)
}

/// The disputes that start in `years`: every participant's first day and side (its first
/// spell's), and whether it is an originator.
pub(crate) fn disputes(ctx: &BuildContext, years: Years) -> Result<BTreeMap<i32, Conflict>, BuildError> {
    let parts = participants(&ctx.src.get(ctx.mids.participants()?)?)?;
    let mut out = BTreeMap::new();
    for (&d, ps) in &parts {
        let mut c = Conflict::default();
        for (&s, p) in ps {
            let Some(&(first, _, side_a)) = p.spells.iter().min_by_key(|sp| sp.0) else { continue };
            c.states.insert(s, (first, side_a, p.orig));
        }
        let Some(start) = c.states.values().map(|e| e.0).min() else { continue };
        c.start = start;
        c.year = crate::sources::dates::year_of_day(start);
        if years.contains(c.year) {
            out.insert(d, c);
        }
    }
    Ok(out)
}

/// Builds the invocation rows of the conflicts starting in the years asked.
pub fn build(ctx: &BuildContext) -> Result<Invocations, BuildError> {
    let atop = Years::of(DatasetId::AtopMember4_01);
    let (source, cover) = match ctx.conflicts {
        Conflicts::War => ("the COW inter-state wars and ATOP 4.01".to_string(), Years::of(DatasetId::WarInter)),
        Conflicts::Mid => (format!("the dispute data (--mids {}) and ATOP 4.01", ctx.mids.name()), ctx.mids.coverage()),
    };
    let cover = cover.clamp_to(atop).unwrap_or(atop);
    let years = ctx.years_within(cover, cover, &source)?;
    let mid = ctx.conflicts == Conflicts::Mid;
    let conflicts = if mid { disputes(ctx, years)? } else { wars(&ctx.src.get(DatasetId::WarInter)?, years)? };
    let alliances = pledges(&ctx.src.get(DatasetId::AtopMember4_01)?)?;
    let mut inv = Invocations::default();
    let (mut enemies, mut unnamed) = (0usize, 0usize);
    for (&id, c) in &conflicts {
        for side_a in [true, false] {
            let opponents: Vec<i32> = c.states.iter().filter(|(_, e)| e.1 != side_a).map(|(&s, _)| s).collect();
            for partner in c.at_start(side_a, mid) {
                let initiated = if mid { side_a } else { c.states[&partner].2 };
                // Every ally's promises to the partner in force on the first day.
                let mut promises: BTreeMap<i32, Vec<Promise>> = BTreeMap::new();
                for (&(atopid, phase), ms) in &alliances {
                    if !ms.iter().any(|m| m.state == partner && m.in_force(c.start)) {
                        continue;
                    }
                    for m in ms.iter().filter(|m| m.state != partner && m.has("defense") && m.in_force(c.start)) {
                        let named = &m.named;
                        let p = Promise {
                            atopid,
                            phase,
                            bilateral: m.bilateral,
                            offense: m.has("offense"),
                            conditional: m.has("defcon"),
                            adversary_absent: m.has("defcoadv") && !named.is_empty() && !named.iter().any(|s| opponents.contains(s)),
                            provoked: m.has("defconpr") && initiated,
                            adversary_unnamed: m.has("defcoadv") && named.is_empty(),
                        };
                        let list = promises.entry(m.state).or_default();
                        if !list.contains(&p) {
                            list.push(p);
                        }
                    }
                }
                for (ally, list) in promises {
                    let at_start = c.from_start(ally, mid);
                    if at_start && c.states[&ally].1 != side_a {
                        // Allies fighting each other from the start: no call for help.
                        enemies += 1;
                        continue;
                    }
                    let response = match c.states.get(&ally) {
                        None => Response::StayedOut,
                        Some(&(_, a, _)) if a == side_a => Response::Fulfilled,
                        Some(_) => Response::Opposed,
                    };
                    let hold = list.iter().any(Promise::holds);
                    let shown = *list.iter().find(|p| p.holds()).unwrap_or(&list[0]);
                    unnamed += usize::from(shown.adversary_unnamed);
                    inv.conflict_id.push(id);
                    inv.partner.push(partner);
                    inv.ally.push(ally);
                    inv.styear.push(c.year);
                    inv.partner_side_a.push(side_a);
                    inv.partner_initiated.push(initiated);
                    inv.ally_at_start.push(at_start);
                    inv.response.push(response);
                    inv.promise.push(shown);
                    inv.n_promises.push(list.len() as u32);
                    inv.conditions_hold.push(hold);
                }
            }
        }
    }
    inv.conflicts = conflicts;
    sort(&mut inv);
    let n = inv.ally.len();
    let count = |r: Response| inv.response.iter().filter(|x| **x == r).count();
    let dropped = inv.conditions_hold.iter().filter(|h| !**h).count();
    let what = if mid { format!("disputes (--mids {})", ctx.mids.name()) } else { "inter-state wars".to_string() };
    ctx.note(format!(
        "{n} invocations (partner × ally with a defence promise in force on the first day) in {} {what} starting {years}: {} fulfilled, {} stayed out, {} joined the other side",
        inv.conflicts.len(),
        count(Response::Fulfilled),
        count(Response::StayedOut),
        count(Response::Opposed),
    ));
    let at_once = inv.ally_at_start.iter().filter(|x| **x).count();
    ctx.note(format!(
        "{at_once} of the fulfilled are allies {} on the partner's side (ally_at_start); {enemies} pairs of allies on opposite sides from the start are left out",
        if mid { "that were originators" } else { "at war from the first day" }
    ));
    ctx.note(format!(
        "conditions-matched coding: {dropped} invocations whose every promise fails a checked condition (named adversary not on the other side: defcoadv with statthr1/2; partner initiated: defconpr); {unnamed} keep a promise against an adversary the file does not name; location, conflict-type, number and demand conditions are not checked"
    ));
    Ok(inv)
}

/// Sorts the rows by (conflict, partner, ally) (partners of both sides interleave).
fn sort(inv: &mut Invocations) {
    let mut order: Vec<usize> = (0..inv.ally.len()).collect();
    order.sort_by_key(|&i| (inv.conflict_id[i], inv.partner[i], inv.ally[i]));
    fn permute<T: Copy>(v: &mut Vec<T>, order: &[usize]) {
        *v = order.iter().map(|&i| v[i]).collect();
    }
    permute(&mut inv.conflict_id, &order);
    permute(&mut inv.partner, &order);
    permute(&mut inv.ally, &order);
    permute(&mut inv.styear, &order);
    permute(&mut inv.partner_side_a, &order);
    permute(&mut inv.partner_initiated, &order);
    permute(&mut inv.ally_at_start, &order);
    permute(&mut inv.response, &order);
    permute(&mut inv.promise, &order);
    permute(&mut inv.n_promises, &order);
    permute(&mut inv.conditions_hold, &order);
}
