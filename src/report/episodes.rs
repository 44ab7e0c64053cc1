//! Episodes a publication names, located in the dispute data: for each case (a focal state, an
//! adversary and years), the disputes GML MID 2.2.1 records between the two, the focal state's
//! side and role at onset, and its ATOP defence allies among the states on its side, with the
//! year their pact began. The listing explains its own gap: why a case the literature calls an
//! entanglement is, or is not, among the study's entanglement episodes (a focal state that
//! *joined* a dispute on the side of an ATOP defence ally that was an originator).

use super::listing::Listing;
use crate::catalog::DatasetId;
use crate::frame::BuildError;
use crate::sources::participants::{participants, Participants};
use crate::sources::{Input, Sources};
use crate::types::Years;
use crate::vars::alliances::Atop;
use crate::vars::specific::DefencePromises;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The datasets an episode listing reads.
pub const DATASETS: [DatasetId; 4] = [DatasetId::GmlParticipants, DatasetId::AtopDdy, DatasetId::AtopMember4_01, DatasetId::States];

/// Episodes named by a publication (`[[episodes]]` in spec.toml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodesSpec {
    /// File name (without extension).
    pub name: String,
    /// Title.
    pub title: String,
    /// Who named the episodes.
    pub source: String,
    /// The focal state (COW code).
    pub state: i32,
    /// The cases.
    pub cases: Vec<CaseSpec>,
}

/// One case: the adversary and the years a dispute with it may start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSpec {
    /// The case as the publication names it.
    pub name: String,
    /// Start years `A:B` of the disputes that locate it.
    pub years: Spanned<String>,
    /// The adversary (COW code).
    pub adversary: i32,
}

/// Column names of the listing, in order.
pub const COLUMNS: [&str; 7] = ["case", "dispnum", "styear", "role", "allies_on_side", "in_listing", "why"];

/// Headings of [`COLUMNS`].
const HEADINGS: [&str; 7] = [
    "Case",
    "Dispute",
    "Start",
    "Focal state at onset",
    "Its ATOP defence allies on its side (pact since)",
    "In the entanglement listing",
    "Why",
];

/// Locates each case of `spec` in GML MID 2.2.1 and ATOP; returns the listing and the inputs read.
pub fn locate(spec: &EpisodesSpec, cases: &[(String, Years, i32)], src: &Sources) -> Result<(Listing, Vec<Input>), BuildError> {
    let parts = participants(&src.get(DatasetId::GmlParticipants)?)?;
    let atop = Atop::new(&src.get(DatasetId::AtopDdy)?)?;
    let promises = DefencePromises::new(&src.get(DatasetId::AtopMember4_01)?, Years::of(DatasetId::AtopMember4_01))?;
    let abb = crate::sources::system::abbreviations(&src.get(DatasetId::States)?)?;
    let name = |c: i32| abb.get(&c).cloned().unwrap_or_else(|| c.to_string());
    let focal = spec.state;
    let mut rows = Vec::new();
    for (case, years, adversary) in cases {
        let found = disputes_between(&parts, focal, *adversary, *years);
        if found.is_empty() {
            rows.push(vec![
                case.clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "no".into(),
                format!("GML MID 2.2.1 has no dispute between {} and {} starting {years}", name(focal), name(*adversary)),
            ]);
        }
        for (d, start) in found {
            let ps = &parts[&d];
            let me = &ps[&focal];
            let side = if me.sidea { "A" } else { "B" };
            let role = format!("{} on side {side}", if me.orig { "originator" } else { "joiner" });
            let mut allies = Vec::new();
            let mut allied_originator = false;
            for (&c, p) in ps {
                if c == focal || p.sidea != me.sidea || !atop.promised(focal, c, start)[0] {
                    continue;
                }
                let since = promises.received(c, start).iter().filter(|q| q.promiser == focal).map(|q| q.since).min();
                let since = since.map_or("not in ATOP 4.01".to_string(), |y| y.to_string());
                allies.push(format!("{}{} ({since})", name(c), if p.orig { ", originator" } else { "" }));
                allied_originator |= p.orig;
            }
            let (listed, why) = if me.orig {
                ("no", format!("{} was an originator: the listing counts states that joined", name(focal)))
            } else if !allied_originator {
                ("no", format!("{} joined, but no originator on its side held its ATOP defence promise in {start}", name(focal)))
            } else {
                ("yes", format!("{} joined on the side of an allied originator", name(focal)))
            };
            rows.push(vec![case.clone(), d.to_string(), start.to_string(), role, allies.join("; "), listed.into(), why]);
        }
    }
    let listing = Listing {
        columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
        headings: HEADINGS.iter().map(|c| c.to_string()).collect(),
        rows,
    };
    Ok((listing, src.inputs()))
}

/// The disputes in which both states take part that start in `years`, with their start years.
fn disputes_between(parts: &Participants, a: i32, b: i32, years: Years) -> Vec<(i32, i32)> {
    let start =
        |ps: &BTreeMap<i32, crate::sources::participants::Participation>| ps.values().filter_map(|p| p.years.first().copied()).min();
    parts
        .iter()
        .filter(|(_, ps)| ps.contains_key(&a) && ps.contains_key(&b))
        .filter_map(|(&d, ps)| start(ps).filter(|&s| years.contains(s)).map(|s| (d, s)))
        .collect()
}
