//! The units of analysis (STUDIES.md §1).

use std::fmt;
use std::str::FromStr;

/// A unit of analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Unit {
    /// Every COW system member in every year it is a member.
    #[value(name = "state-year", alias = "state_year")]
    StateYear,
    /// Ordered (or, non-directed, unordered) pairs of members sharing a day of membership.
    #[value(name = "dyad-year", alias = "dyad_year")]
    DyadYear,
    /// (dispute, state) pairs of potential joiners (entanglement).
    #[value(name = "joiner")]
    Joiner,
    /// One row per militarized interstate dispute.
    #[value(name = "dispute")]
    Dispute,
    /// One row per third-party peacekeeping mission.
    #[value(name = "mission")]
    Mission,
    /// One row per US use of force (Tago 2005).
    #[value(name = "us-force", alias = "us_force")]
    UsForce,
    /// (conflict, partner at war from the start, ally with a defence promise to it in force):
    /// abandonment.
    #[value(name = "invocation")]
    Invocation,
    /// One row per ATOP 4.01 alliance and year in force, with its obligations.
    #[value(name = "alliance-year", alias = "alliance_year")]
    AllianceYear,
    /// (conflict, partner, ally, alliance, obligation) in force on the partner's entry, each
    /// judged by its own rule: abandonment as Leeds, Long & Mitchell (2000) measure it.
    #[value(name = "commitment")]
    Commitment,
}

impl Unit {
    /// Every unit, in the order of STUDIES.md.
    pub const ALL: [Unit; 9] = [
        Unit::StateYear,
        Unit::DyadYear,
        Unit::Joiner,
        Unit::Dispute,
        Unit::Mission,
        Unit::UsForce,
        Unit::Invocation,
        Unit::Commitment,
        Unit::AllianceYear,
    ];

    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Unit::StateYear => "state-year",
            Unit::DyadYear => "dyad-year",
            Unit::Joiner => "joiner",
            Unit::Dispute => "dispute",
            Unit::Mission => "mission",
            Unit::UsForce => "us-force",
            Unit::Invocation => "invocation",
            Unit::AllianceYear => "alliance-year",
            Unit::Commitment => "commitment",
        }
    }

    /// The columns that identify a row.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Unit::StateYear => &["ccode", "year"],
            Unit::DyadYear => &["ccode1", "ccode2", "year", "dyad_id"],
            Unit::Joiner => &["dispnum", "ccode"],
            Unit::Dispute => &["dispnum"],
            Unit::Mission => &["obsnum"],
            Unit::UsForce => &["force_id"],
            Unit::Invocation => &["conflict_id", "partner", "ally"],
            Unit::AllianceYear => &["atopid", "year"],
            Unit::Commitment => &["conflict_id", "partner", "ally", "atopid", "obligation"],
        }
    }

    /// What a key column means (for `allywar vars` and file labels).
    pub fn key_definition(self, key: &str) -> &'static str {
        match key {
            "ccode" => "COW country code",
            "ccode1" => "COW country code of state 1",
            "ccode2" => "COW country code of state 2",
            "year" => "year",
            "dyad_id" => "non-directed dyad: lower ccode × 1000 + higher ccode (for clustering)",
            "dispnum" => "MID number",
            "atopid" => "ATOP alliance number",
            "obsnum" => "mission number (Third-Party PKM OBSNUM)",
            "force_id" => "use of force, numbered in file order",
            "conflict_id" => "COW war number (--conflicts war) or MID number (--conflicts mid)",
            "partner" => "COW country code of the state at war (or originator) whose ally is called",
            "ally" => "COW country code of the ally that had promised it defence (invocation) or any obligation (commitment; ATOP 4.01)",
            "obligation" => "ATOP obligation: defense, offense, neutrality, nonaggression or consultation",
            _ => "key",
        }
    }

    /// Which build options mean anything for this unit (years apply to every unit).
    pub fn options(self) -> UnitOptions {
        match self {
            Unit::DyadYear => UnitOptions { dyad: true, mids: true, conflicts: false },
            Unit::StateYear | Unit::Joiner | Unit::Dispute => UnitOptions { dyad: false, mids: true, conflicts: false },
            Unit::Mission | Unit::UsForce | Unit::AllianceYear => UnitOptions { dyad: false, mids: false, conflicts: false },
            Unit::Invocation | Unit::Commitment => UnitOptions { dyad: false, mids: true, conflicts: true },
        }
    }
}

/// Which build options apply to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitOptions {
    /// `--directed`/`--nondirected`, `--prd`, `--drop-ongoing`.
    pub dyad: bool,
    /// `--mids`.
    pub mids: bool,
    /// `--conflicts`.
    pub conflicts: bool,
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Unit, String> {
        let norm = s.to_ascii_lowercase().replace('_', "-");
        Unit::ALL.into_iter().find(|u| u.name() == norm).ok_or_else(|| {
            let names: Vec<&str> = Unit::ALL.iter().map(|u| u.name()).collect();
            let hint = crate::suggest::did_you_mean(&norm, names.iter().copied());
            format!("unknown unit `{s}`{hint}; units: {}", names.join(", "))
        })
    }
}
