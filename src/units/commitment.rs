//! Invoked commitments (abandonment as Leeds, Long & Mitchell 2000 and Berkemeier & Fuhrmann
//! 2018 measure it, STUDIES.md §5): one row per conflict × partner × ally × ATOP 4.01 alliance
//! × obligation the ally undertook towards the partner, in force on the day the partner entered
//! the conflict (a partner that enters after the first day is a partner from its entry date).
//!
//! Each obligation has its own rule. Defence is invoked when the partner is attacked (and, if
//! the partner began the war, only when the promise names the state that attacked it) and is
//! honoured when the ally fights on its side; offence is invoked when the partner attacks and is
//! honoured the same way; neutrality is invoked when the partner is at war and honoured when the
//! ally does not fight against it while the promise is in force; non-aggression is invoked when
//! the ally too goes to war (staying out of a partner's war does not test it) and honoured when
//! the ally does not attack the partner (fighting a partner that began the war on its victim's
//! side breaks neither promise); consultation is listed, never scored. `pact_type` is
//! the most demanding obligation the ally undertook in the alliance (defence, offence,
//! neutrality, non-aggression, consultation: ATOP's order), the type by which Berkemeier &
//! Fuhrmann report rates; `primary` marks the row of that obligation. An obligation whose
//! conditions do not hold (named adversary, non-provocation, location, number of adversaries,
//! specific conflict) is `not_invoked`, with the reason. An ally already at war on the partner's side when the partner
//! entered is a `co_belligerent`: its promise was never put to a choice, so it stays out of the
//! rates.
//! Who attacked whom is [`super::fighting`]'s.

use super::fighting::{dyadic_roles, fighting, Fighting};
use super::invocation::{disputes, wars, Conflict};
use super::pledges::{pledges, Pledge};
use super::BuildContext;
use crate::catalog::DatasetId;
use crate::types::{BuildError, Conflicts, Years};
use std::collections::{BTreeMap, BTreeSet};

/// An obligation type of ATOP 4.01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Obligation {
    /// Active military support if the partner is attacked (`defense`).
    Defense,
    /// Active military support in a conflict the partner did not provoke by being attacked
    /// (`offense`).
    Offense,
    /// Not to aid the partner's adversary (`neutral`).
    Neutrality,
    /// Not to attack the partner (`nonagg`).
    Nonaggression,
    /// To consult in a crisis (`consul`): listed, not scored.
    Consultation,
}

impl Obligation {
    /// Every type, in ATOP's order.
    pub const ALL: [Obligation; 5] =
        [Obligation::Defense, Obligation::Offense, Obligation::Neutrality, Obligation::Nonaggression, Obligation::Consultation];

    /// The ATOP 4.01 member-level column of the obligation.
    fn flag(self) -> &'static str {
        match self {
            Obligation::Defense => "defense",
            Obligation::Offense => "offense",
            Obligation::Neutrality => "neutral",
            Obligation::Nonaggression => "nonagg",
            Obligation::Consultation => "consul",
        }
    }

    /// The value in the frame's `obligation` column.
    pub fn name(self) -> &'static str {
        match self {
            Obligation::Defense => "defense",
            Obligation::Offense => "offense",
            Obligation::Neutrality => "neutrality",
            Obligation::Nonaggression => "nonaggression",
            Obligation::Consultation => "consultation",
        }
    }
}

/// What became of an obligation in a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Invoked and honoured.
    Fulfilled,
    /// Invoked and not honoured.
    Violated,
    /// The ally was already at war on the partner's side when the partner entered.
    CoBelligerent,
    /// Its conditions did not hold (the reason is in `why`).
    NotInvoked,
    /// A consultation promise: reported, not scored.
    Consultation,
}

impl Status {
    /// The value in the frame's `status` column.
    pub fn name(self) -> &'static str {
        match self {
            Status::Fulfilled => "fulfilled",
            Status::Violated => "violated",
            Status::CoBelligerent => "co_belligerent",
            Status::NotInvoked => "not_invoked",
            Status::Consultation => "consultation",
        }
    }
}

/// What the ally did in the partner's conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// At war on the partner's side on or before the partner's entry.
    AtWarAlready,
    /// Joined the partner's side after it entered.
    Joined,
    /// Never took part.
    StayedOut,
    /// Attacked the partner while the promise was in force.
    Attacked,
    /// Fought on the other side, but the partner attacked it, or it began fighting the partner
    /// after the promise had ended.
    FoughtOtherwise,
}

impl Action {
    /// The value in the frame's `ally_action` column.
    pub fn name(self) -> &'static str {
        match self {
            Action::AtWarAlready => "at_war_already",
            Action::Joined => "joined",
            Action::StayedOut => "stayed_out",
            Action::Attacked => "attacked_partner",
            Action::FoughtOtherwise => "fought_partner_otherwise",
        }
    }
}

/// One invoked (or not) commitment: what an ally owed a partner under one alliance in one
/// conflict, and what became of it.
#[derive(Debug, Clone)]
pub struct Commitment {
    /// War or dispute number.
    pub conflict_id: i32,
    /// The state in the conflict whose ally's promise is examined.
    pub partner: i32,
    /// The ally.
    pub ally: i32,
    /// ATOP alliance.
    pub atopid: i32,
    /// Its phase in force on the partner's entry.
    pub phase: i32,
    /// The obligation.
    pub obligation: Obligation,
    /// What became of it.
    pub status: Status,
    /// Why it was not invoked (empty otherwise).
    pub why: &'static str,
    /// Conditions the data cannot check, kept as holding (comma-separated; empty: none).
    pub unchecked: String,
    /// What the ally did.
    pub action: Action,
    /// Start year of the conflict.
    pub styear: i32,
    /// The year the partner entered.
    pub entry_year: i32,
    /// The partner was attacked.
    pub partner_attacked: bool,
    /// The partner initiated the conflict (war: `Initiator` = 1; dispute: an originator on side A).
    pub partner_initiated: bool,
    /// Bilateral alliance.
    pub bilateral: bool,
    /// The ally's most demanding obligation in the alliance.
    pub pact_type: Obligation,
}

/// The commitment rows, sorted by (conflict, partner, ally, atopid, obligation), and the
/// conflicts they come from.
#[derive(Default)]
pub struct Commitments {
    /// The rows.
    pub rows: Vec<Commitment>,
    /// The conflicts, by number.
    pub conflicts: BTreeMap<i32, Conflict>,
}

/// Region codes of COW's `WhereFought` that each region of a state belongs to: 1 Western
/// Hemisphere, 2 Europe, 4 Africa, 6 Middle East, 7 Asia, 9 Oceania, and the combinations.
fn fought_in(where_fought: i32, region: i32) -> bool {
    let regions: &[i32] = match where_fought {
        11 => &[2, 6],
        12 => &[2, 7],
        13 => &[1, 7],
        14 => &[2, 4, 6],
        15 => &[2, 4, 6, 7],
        16 => &[4, 6, 7, 9],
        17 => &[7, 9],
        18 => &[4, 6],
        19 => &[2, 4, 6, 7, 9],
        _ => return where_fought == region,
    };
    regions.contains(&region)
}

/// A state's home region by COW code, on `WhereFought`'s scale.
fn home_region(ccode: i32) -> i32 {
    match ccode {
        ..=199 => 1,
        200..=399 => 2,
        400..=626 => 4,
        627..=699 => 6,
        700..=899 => 7,
        _ => 9,
    }
}

/// The facts one obligation's rule reads.
struct Case<'a> {
    conflict_id: i32,
    c: &'a Conflict,
    f: &'a Fighting,
    partner: i32,
    mid: bool,
    initiated: bool,
}

impl Case<'_> {
    /// Whether the pledge's defence promise names a state that attacked the partner.
    fn named_attacker(&self, p: &Pledge) -> bool {
        let attackers = self.f.attackers_of(self.partner);
        p.has("defcoadv") && p.named.iter().any(|s| attackers.contains(s))
    }

    fn opponents(&self) -> Vec<i32> {
        let side = self.c.states[&self.partner].1;
        self.c.states.iter().filter(|(_, e)| e.1 != side).map(|(&s, _)| s).collect()
    }

    /// Checks the conditions of one obligation (`prefix`: `def`, `off`, `neu`, `con`); the
    /// reason the first that fails, and the conditions it could not check.
    fn conditions(&self, p: &Pledge, prefix: &str, unchecked: &mut Vec<&'static str>) -> Option<&'static str> {
        let flag = |c: &str| p.has(&format!("{prefix}{c}"));
        let opponents = self.opponents();
        // A wartime pact made for another war does not apply at all.
        if flag("cocon") {
            if p.cowwar > 0 && !self.mid {
                if p.cowwar != self.conflict_id {
                    return Some("a promise for another war (specific conflict)");
                }
            } else {
                unchecked.push("specific conflict");
            }
        }
        if flag("conpr") && self.initiated {
            return Some("the partner initiated (non-provocation clause)");
        }
        if flag("coadv") {
            if p.named.is_empty() {
                unchecked.push("adversary not named");
            } else {
                // Defence is owed against the named attacker; the others against a named opponent.
                let against = if prefix == "def" { self.f.attackers_of(self.partner) } else { opponents.clone() };
                if !p.named.iter().any(|s| against.contains(s)) {
                    return Some("the named adversary is not among the partner's adversaries");
                }
            }
        }
        if flag("coatt") && !self.f.is_target(self.partner) {
            return Some("the partner was not attacked (neutrality only if attacked)");
        }
        if flag("coloc") {
            // Disputes carry no location: unchecked.
            match self.c.where_fought.get(&self.partner) {
                Some(&w) if !fought_in(w, home_region(self.partner)) => {
                    return Some("the war was not fought in the partner's region (location)");
                }
                Some(_) => {}
                None => unchecked.push("location"),
            }
        }
        if flag("conum") {
            let n = if prefix == "def" { self.f.attackers_of(self.partner).len() } else { opponents.len() };
            if n < 2 {
                return Some("fewer than two adversaries (number condition)");
            }
        }
        if flag("codem") {
            unchecked.push("demand");
        }
        None
    }
}

/// Builds the commitment rows of the conflicts starting in the years asked.
pub fn build(ctx: &BuildContext) -> Result<Commitments, BuildError> {
    let atop = Years::of(DatasetId::AtopMember4_01);
    let (source, cover) = match ctx.conflicts {
        Conflicts::War => ("the COW inter-state wars and ATOP 4.01".to_string(), Years::of(DatasetId::WarInter)),
        Conflicts::Mid => (format!("the dispute data (--mids {}) and ATOP 4.01", ctx.mids.name()), ctx.mids.coverage()),
    };
    let cover = cover.clamp_to(atop).unwrap_or(atop);
    let years = ctx.years_within(cover, cover, &source)?;
    let mid = ctx.conflicts == Conflicts::Mid;
    let (conflicts, roles) = if mid {
        (disputes(ctx, years)?, None)
    } else {
        (wars(&ctx.src.get(DatasetId::WarInter)?, years)?, Some(dyadic_roles(&ctx.src.get(DatasetId::WarDyadic)?)?))
    };
    let fights = fighting(&conflicts, roles.as_ref());
    let alliances = pledges(&ctx.src.get(DatasetId::AtopMember4_01)?)?;
    let mut out = Commitments::default();
    for (&id, c) in &conflicts {
        let f = &fights[&id];
        for (&partner, &(entry, side, initiator)) in &c.states {
            let initiated = if mid { initiator && side } else { initiator };
            let case = Case { conflict_id: id, c, f, partner, mid, initiated };
            let mut seen: BTreeSet<(i32, i32)> = BTreeSet::new();
            for (&(atopid, phase), ms) in &alliances {
                if !ms.iter().any(|m| m.state == partner && m.in_force(entry)) {
                    continue;
                }
                for m in ms.iter().filter(|m| m.state != partner && m.in_force(entry)) {
                    // One phase per alliance and ally (the first in force).
                    if !seen.insert((atopid, m.state)) {
                        continue;
                    }
                    let action = action_of(c, f, partner, m);
                    let Some(pact_type) = Obligation::ALL.into_iter().find(|o| m.has(o.flag())) else { continue };
                    for o in Obligation::ALL {
                        let Some((status, why, unchecked)) = judge(&case, m, o, action) else { continue };
                        out.rows.push(Commitment {
                            conflict_id: id,
                            partner,
                            ally: m.state,
                            atopid,
                            phase,
                            obligation: o,
                            status,
                            why,
                            unchecked: unchecked.join(", "),
                            action,
                            styear: c.year,
                            entry_year: crate::sources::dates::year_of_day(entry),
                            partner_attacked: f.is_target(partner),
                            partner_initiated: initiated,
                            bilateral: m.bilateral,
                            pact_type,
                        });
                    }
                }
            }
        }
    }
    out.conflicts = conflicts;
    out.rows.sort_by_key(|r| (r.conflict_id, r.partner, r.ally, r.atopid, r.obligation));
    notes(ctx, &out, years, mid);
    Ok(out)
}

/// What the ally did in the partner's conflict (its first entry; see [`Action`]).
fn action_of(c: &Conflict, f: &Fighting, partner: i32, ally: &Pledge) -> Action {
    let (entry, side, _) = c.states[&partner];
    match c.states.get(&ally.state) {
        None => Action::StayedOut,
        Some(&(day, s, _)) if s == side => {
            if day <= entry {
                Action::AtWarAlready
            } else {
                Action::Joined
            }
        }
        Some(_) => {
            let in_force = f.since(partner, ally.state).is_none_or(|d| ally.exit.is_none_or(|e| d <= e));
            if f.attacked(ally.state, partner) && in_force {
                Action::Attacked
            } else if !f.attacked(partner, ally.state) && !f.attacked(ally.state, partner) && in_force {
                // No attacker known (a war without an initiator): fighting the partner counts.
                Action::Attacked
            } else {
                Action::FoughtOtherwise
            }
        }
    }
}

/// One obligation's rule: (status, why not invoked, conditions not checked), or None when the
/// ally's row carries no such obligation.
fn judge(case: &Case, m: &Pledge, o: Obligation, action: Action) -> Option<(Status, &'static str, Vec<&'static str>)> {
    let prefix = match o {
        Obligation::Defense => "def",
        Obligation::Offense => "off",
        Obligation::Neutrality => "neu",
        Obligation::Nonaggression => "",
        Obligation::Consultation => "con",
    };
    if !m.has(o.flag()) {
        return None;
    }
    let mut unchecked = Vec::new();
    if o == Obligation::Consultation {
        return Some((Status::Consultation, "", unchecked));
    }
    if action == Action::AtWarAlready {
        return Some((Status::CoBelligerent, "", unchecked));
    }
    let partner_attacked_ally = case.f.attacked(case.partner, m.state);
    let why = match o {
        _ if partner_attacked_ally => Some("the partner attacked the ally"),
        Obligation::Defense if !case.f.is_target(case.partner) => Some("the partner was not attacked"),
        Obligation::Offense if !case.f.is_attacker(case.partner) => Some("the partner did not attack (offence)"),
        // A non-aggression promise is put to the test only when the ally goes to war: staying
        // out of every war of every partner is not evidence of keeping it.
        Obligation::Nonaggression if matches!(action, Action::StayedOut) => Some("the ally did not go to war (non-aggression)"),
        Obligation::Nonaggression => None,
        _ => case.conditions(m, prefix, &mut unchecked),
    };
    // A state that began the war is attacked back by its victim's side: that does not call on a
    // defence promise (after the treaty's own clauses), unless it names the state that attacked;
    // nor does an ally that joins the victim against it break a neutrality or non-aggression
    // promise (the partner broke the peace first).
    let began = case.initiated
        && match o {
            Obligation::Defense => !case.named_attacker(m),
            Obligation::Neutrality | Obligation::Nonaggression => action == Action::Attacked,
            _ => false,
        };
    let why = why.or(began.then_some("the partner began the war"));
    if let Some(why) = why {
        return Some((Status::NotInvoked, why, unchecked));
    }
    let honoured = match o {
        Obligation::Defense | Obligation::Offense => action == Action::Joined,
        _ => action != Action::Attacked,
    };
    Some((if honoured { Status::Fulfilled } else { Status::Violated }, "", unchecked))
}

fn notes(ctx: &BuildContext, out: &Commitments, years: Years, mid: bool) {
    let what = if mid { format!("disputes (--mids {})", ctx.mids.name()) } else { "inter-state wars".to_string() };
    let count = |s: Status| out.rows.iter().filter(|r| r.status == s).count();
    ctx.note(format!(
        "{} commitments (conflict × partner × ally × alliance × obligation in force on the partner's entry) in {} {what} starting {years}: {} fulfilled, {} violated, {} co-belligerent (already at war on the partner's side; out of the rates), {} not invoked, {} consultation (not scored)",
        out.rows.len(),
        out.conflicts.len(),
        count(Status::Fulfilled),
        count(Status::Violated),
        count(Status::CoBelligerent),
        count(Status::NotInvoked),
        count(Status::Consultation),
    ));
    let mut why: BTreeMap<&str, usize> = BTreeMap::new();
    for r in out.rows.iter().filter(|r| r.status == Status::NotInvoked) {
        *why.entry(r.why).or_default() += 1;
    }
    let dropped: Vec<String> = why.iter().map(|(w, n)| format!("{w}: {n}")).collect();
    ctx.note(format!("not invoked, by rule: {}", dropped.join("; ")));
    let mut kept: BTreeMap<&str, usize> = BTreeMap::new();
    for r in out.rows.iter().filter(|r| matches!(r.status, Status::Fulfilled | Status::Violated)) {
        for c in r.unchecked.split(", ").filter(|c| !c.is_empty()) {
            *kept.entry(c).or_default() += 1;
        }
    }
    let kept: Vec<String> = kept.iter().map(|(c, n)| format!("{c}: {n}")).collect();
    if !kept.is_empty() {
        ctx.note(format!("scored with a condition the data cannot check (kept as holding): {}", kept.join("; ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_of_the_war_file() {
        // Europe and the Middle East (11) hold a European and a Middle Eastern partner.
        assert!(fought_in(11, home_region(200)) && fought_in(11, home_region(640)));
        assert!(!fought_in(11, home_region(2)));
        assert!(fought_in(7, home_region(740)) && !fought_in(2, home_region(740)));
        assert_eq!(home_region(651), 6);
        assert_eq!(home_region(900), 9);
    }
}
