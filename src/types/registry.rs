//! The variable registry (STUDIES.md §2–4): every column a unit can carry, with its definition,
//! source and years. `allywar vars`, `--vars` and the .dta labels all read it.

use crate::catalog::DatasetId;
use crate::types::{Mids, Unit, Years};

/// Which builder computes a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Dispute onset, ongoing, initiation and the kept dispute's attributes.
    Conflict,
    /// Peace years and their polynomial and spline terms.
    Peace,
    /// ATOP obligations within the dyad.
    AtopDirect,
    /// ATOP obligations of third parties.
    AtopThird,
    /// Benson's (2011) alliance types of third-party backers (ATOP 4.01).
    AllianceTypes,
    /// Defence promises that apply against the other state (ATOP 4.01 member-level).
    Specific,
    /// Alliance-portfolio similarity (S-score, ATOP 5.1 over the system members).
    Similarity,
    /// NMC capabilities.
    Capabilities,
    /// COW major powers.
    Majors,
    /// Direct contiguity.
    Contiguity,
    /// Capital-to-capital distance.
    Capdist,
    /// Minimum distance (CShapes).
    Mindist,
    /// Democracy scores.
    Democracy,
    /// Strategic rivalry.
    Rivalry,
    /// A column of the unit's own source file (joiner, dispute, mission, us-force).
    Unit,
    /// States' COW abbreviations and regions.
    Identity,
    /// Third-party variables composed on request (`tgt_def[major]`).
    Composed,
    /// Columns of a dataset of the user's own (`allywar data add`).
    User,
}

impl Group {
    /// What building the group does, in the field's words (for progress lines).
    pub fn describe(self) -> &'static str {
        match self {
            Group::Conflict => "dispute onsets and initiators",
            Group::Peace => "peace years",
            Group::AtopDirect => "ATOP obligations within and around the dyad",
            Group::AtopThird => "third parties' ATOP obligations",
            Group::AllianceTypes => "Benson's alliance types",
            Group::Specific => "defence promises against the other state",
            Group::Similarity => "alliance-portfolio similarity",
            Group::Capabilities => "NMC capabilities",
            Group::Majors => "major powers",
            Group::Contiguity => "contiguity",
            Group::Capdist => "capital-to-capital distance",
            Group::Mindist => "minimum distance",
            Group::Democracy => "democracy scores",
            Group::Rivalry => "strategic rivalries",
            Group::Unit => "the unit's own columns",
            Group::Identity => "state abbreviations and regions",
            Group::Composed => "composed third-party variables",
            Group::User => "the user's own data",
        }
    }
}

/// One variable a unit can carry.
#[derive(Debug, Clone, Copy)]
pub struct Var {
    /// Canonical column name.
    pub name: &'static str,
    /// Builder.
    pub group: Group,
    /// Units that carry it.
    pub units: &'static [Unit],
    /// Only in directed dyad-year frames.
    pub directed_only: bool,
    /// What it means.
    pub definition: &'static str,
    /// Where it comes from, which bounds its years.
    pub source: Source,
}

/// Where a variable comes from. Its years are its source's, read from the catalog: outside them
/// the variable is null, never a default such as 0 or "no contiguity".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The dispute data chosen with `--mids`.
    Mids,
    /// A catalog dataset, over the dataset's `years`.
    Data(DatasetId),
    /// A column of a catalog dataset with years of its own (the column's `years` in the
    /// catalog; Polity5's polity2 ends in 2018 inside a file that runs to 2025).
    Column(DatasetId, &'static str),
    /// A dataset of the user's own (`allywar data add`), over the years of its file.
    User(&'static str, Years),
}

impl Source {
    /// The catalog dataset (the dispute source's for [`Source::Mids`]; none for the user's own).
    pub fn dataset(self, mids: Mids) -> Option<DatasetId> {
        match self {
            Source::Mids => Some(mids.dataset()),
            Source::Data(d) | Source::Column(d, _) => Some(d),
            Source::User(..) => None,
        }
    }

    /// The years covered, from the catalog.
    pub fn years(self, mids: Mids) -> Years {
        match self {
            Source::Mids => mids.coverage(),
            Source::Data(d) => Years::of(d),
            Source::Column(d, col) => {
                let years = d.dataset().columns.iter().find(|c| c.name == col).and_then(|c| c.years);
                years.map_or_else(|| Years::of(d), |[first, last]| Years { first, last })
            }
            Source::User(_, years) => years,
        }
    }
}

impl Var {
    /// The years the variable covers under dispute source `mids`.
    pub fn years(&self, mids: Mids) -> Years {
        self.source.years(mids)
    }
}

const DY: &[Unit] = &[Unit::DyadYear];
const REGION: &str = "COW region by country code (text): Americas 2–165, Europe 200–395, Africa 402–626, Middle East 630–698, Asia and Oceania 700–990 (the blocks of the MID data and the report's figures)";
const REGION_1: &str = "state 1's COW region by country code (text): Americas 2–165, Europe 200–395, Africa 402–626, Middle East 630–698, Asia and Oceania 700–990";
const SY: &[Unit] = &[Unit::StateYear];
const JO: &[Unit] = &[Unit::Joiner];
const DI: &[Unit] = &[Unit::Dispute];
const MI: &[Unit] = &[Unit::Mission];
const US: &[Unit] = &[Unit::UsForce];
const AY: &[Unit] = &[Unit::AllianceYear];

macro_rules! var {
    ($name:expr, $group:ident, $units:expr, $def:expr, $src:expr) => {
        Var { name: $name, group: Group::$group, units: $units, directed_only: false, definition: $def, source: $src }
    };
    ($name:expr, $group:ident, $units:expr, $def:expr, $src:expr, directed) => {
        Var { name: $name, group: Group::$group, units: $units, directed_only: true, definition: $def, source: $src }
    };
}

mod abandonment;

/// Every built-in variable, in the order columns appear in frames: the units' registries one
/// after the other (the user's own are in [`super::user_data`]; [`super::selection::all`]
/// gives both).
pub fn all() -> impl Iterator<Item = &'static Var> {
    VARS.iter().chain(abandonment::VARS)
}

/// The variables of every unit but the abandonment units (invocation, commitment).
static VARS: &[Var] = &[
    // Conflict (dyad-years).
    var!(
        "mid_onset",
        Conflict,
        DY,
        "1 if a dispute between the two states (on opposite sides) starts in the year; with --mids cow5, in the first year their MIDB spells overlap on a common day (unknown days widened to the month, unknown months to the year)",
        Source::Mids
    ),
    var!("mid_ongoing", Conflict, DY, "1 if a dispute between the two states is active in the year", Source::Mids),
    var!(
        "init",
        Conflict,
        DY,
        "1 if a dispute starts in the year with state 1 an originator on side A and state 2 an originator on side B",
        Source::Mids,
        directed
    ),
    var!(
        "hostlev",
        Conflict,
        DY,
        "dispute-level hostility (1-5) of the kept dispute: the highest any participant reached; kept: onset first, then higher hostlev, fatality, maxdur, lowest dispnum",
        Source::Mids
    ),
    var!("fatality", Conflict, DY, "dispute-level fatality (0-6) of the kept dispute, over all its participants", Source::Mids),
    var!("dispnum", Conflict, DY, "number of the kept dispute", Source::Mids),
    var!(
        "hostlev_dyad",
        Conflict,
        DY,
        "dyad-level hostility (1-5) in the kept dispute: the higher of the two states' own levels (GML hostlev1/hostlev2; COW MIDB per-state hostlev)",
        Source::Mids
    ),
    var!(
        "fatality_dyad",
        Conflict,
        DY,
        "dyad-level fatality (0-6) in the kept dispute: the higher of the two states' own levels (GML fatality1/fatality2; COW MIDB per-state fatality)",
        Source::Mids
    ),
    var!(
        "peace_years",
        Peace,
        DY,
        "years since the dyad's last dispute onset (0 in the first year observed, after an onset, and after a gap in joint membership)",
        Source::Mids
    ),
    var!(
        "peace_years_ongoing",
        Peace,
        DY,
        "years since the dyad's last ongoing dispute-year (peacesciencer's add_spells default): 0 in the first year observed, after any year with a dispute under way, and after a gap in joint membership",
        Source::Mids
    ),
    var!("peace_years_ongoing2", Peace, DY, "peace_years_ongoing squared", Source::Mids),
    var!("peace_years_ongoing3", Peace, DY, "peace_years_ongoing cubed", Source::Mids),
    var!("peace_years2", Peace, DY, "peace_years squared (Carter & Signorino 2010)", Source::Mids),
    var!("peace_years3", Peace, DY, "peace_years cubed (Carter & Signorino 2010)", Source::Mids),
    var!(
        "peace_spline1",
        Peace,
        DY,
        "cubic spline term (peace_years - 1)^3 if positive, else 0 (truncated power basis, knot 1)",
        Source::Mids
    ),
    var!("peace_spline2", Peace, DY, "cubic spline term for knot 4: (peace_years - 4)^3 if positive, else 0", Source::Mids),
    var!("peace_spline3", Peace, DY, "cubic spline term for knot 7: (peace_years - 7)^3 if positive, else 0", Source::Mids),
    // ATOP within the dyad.
    var!("def_12", AtopDirect, DY, "state 1 has promised defence to state 2", Source::Data(DatasetId::AtopDdy)),
    var!("def_21", AtopDirect, DY, "state 2 has promised defence to state 1", Source::Data(DatasetId::AtopDdy)),
    var!("def_any", AtopDirect, DY, "a defence promise in either direction", Source::Data(DatasetId::AtopDdy)),
    var!("off_12", AtopDirect, DY, "state 1 has promised offensive support to state 2", Source::Data(DatasetId::AtopDdy)),
    var!("off_21", AtopDirect, DY, "state 2 has promised offensive support to state 1", Source::Data(DatasetId::AtopDdy)),
    var!("off_any", AtopDirect, DY, "an offence promise in either direction", Source::Data(DatasetId::AtopDdy)),
    var!("neu_12", AtopDirect, DY, "state 1 has promised neutrality to state 2", Source::Data(DatasetId::AtopDdy)),
    var!("neu_21", AtopDirect, DY, "state 2 has promised neutrality to state 1", Source::Data(DatasetId::AtopDdy)),
    var!("neu_any", AtopDirect, DY, "a neutrality promise in either direction", Source::Data(DatasetId::AtopDdy)),
    var!("nonagg_12", AtopDirect, DY, "state 1 has promised non-aggression to state 2", Source::Data(DatasetId::AtopDdy)),
    var!("nonagg_21", AtopDirect, DY, "state 2 has promised non-aggression to state 1", Source::Data(DatasetId::AtopDdy)),
    var!("nonagg_any", AtopDirect, DY, "a non-aggression promise in either direction", Source::Data(DatasetId::AtopDdy)),
    var!("consul_12", AtopDirect, DY, "state 1 has promised consultation to state 2", Source::Data(DatasetId::AtopDdy)),
    var!("consul_21", AtopDirect, DY, "state 2 has promised consultation to state 1", Source::Data(DatasetId::AtopDdy)),
    var!("consul_any", AtopDirect, DY, "a consultation promise in either direction", Source::Data(DatasetId::AtopDdy)),
    var!("ally_any", AtopDirect, DY, "any ATOP obligation in either direction", Source::Data(DatasetId::AtopDdy)),
    // ATOP third parties (Leeds 2003; Johnson & Leeds 2011).
    var!(
        "tgt_def",
        AtopThird,
        DY,
        "some state other than 1 and 2 has promised defence to state 2 (the potential target)",
        Source::Data(DatasetId::AtopDdy),
        directed
    ),
    var!(
        "chal_def",
        AtopThird,
        DY,
        "some state other than 1 and 2 has promised defence to state 1 (the potential challenger)",
        Source::Data(DatasetId::AtopDdy),
        directed
    ),
    var!(
        "chal_off",
        AtopThird,
        DY,
        "some third state has promised offensive support to state 1",
        Source::Data(DatasetId::AtopDdy),
        directed
    ),
    var!("chal_neu", AtopThird, DY, "some third state has promised neutrality to state 1", Source::Data(DatasetId::AtopDdy), directed),
    var!(
        "chal_ally",
        AtopThird,
        DY,
        "state 1 has an ATOP obligation (either direction) with some third state",
        Source::Data(DatasetId::AtopDdy),
        directed
    ),
    var!("n_def_2", AtopThird, DY, "number of third states that have promised defence to state 2", Source::Data(DatasetId::AtopDdy)),
    var!("n_def_1", AtopThird, DY, "number of third states that have promised defence to state 1", Source::Data(DatasetId::AtopDdy)),
    // Capabilities.
    // Benson's types of third-party backing (ATOP 4.01 phases in force in the year).
    var!(
        "tgt_uncond_det",
        AllianceTypes,
        DY,
        "some state other than 1 and 2 shares with state 2 an alliance phase Benson (2011) codes unconditional deterrent, in force in the year (ATOP 4.01 membership: phase, entry and exit years)",
        Source::Data(DatasetId::AtopMember4_01),
        directed
    ),
    var!(
        "tgt_cond_det",
        AllianceTypes,
        DY,
        "some state other than 1 and 2 shares with state 2 a conditional deterrent phase (Benson 2011), in force in the year",
        Source::Data(DatasetId::AtopMember4_01),
        directed
    ),
    var!(
        "tgt_prob_det",
        AllianceTypes,
        DY,
        "some state other than 1 and 2 shares with state 2 a probabilistic deterrent phase (Benson 2011), in force in the year",
        Source::Data(DatasetId::AtopMember4_01),
        directed
    ),
    var!(
        "chal_uncond_comp",
        AllianceTypes,
        DY,
        "some state other than 1 and 2 shares with state 1 an unconditional compellent phase (Benson 2011), in force in the year",
        Source::Data(DatasetId::AtopMember4_01),
        directed
    ),
    var!(
        "chal_cond_comp",
        AllianceTypes,
        DY,
        "some state other than 1 and 2 shares with state 1 a conditional compellent phase (Benson 2011), in force in the year",
        Source::Data(DatasetId::AtopMember4_01),
        directed
    ),
    // Promises that apply against the other state (Leeds 2003; Johnson & Leeds 2011).
    var!(
        "tgt_def_specific",
        Specific,
        DY,
        "some third state C has a defence promise to state 2 in force in the year (ATOP 4.01 member-level) that applies against state 1: C has no defence promise to 1, and a promise limited to named adversaries (defcoadv with statthr1/2) names 1; location and non-provocation conditions are not judged",
        Source::Data(DatasetId::AtopMember4_01),
        directed
    ),
    var!(
        "chal_def_specific",
        Specific,
        DY,
        "some third state C has a defence promise to state 1 that applies against state 2 (C has no defence promise to 2; a named-adversary promise names 2), ATOP 4.01",
        Source::Data(DatasetId::AtopMember4_01),
        directed
    ),
    var!(
        "chal_def_nonprov",
        Specific,
        DY,
        "a promise counted in chal_def_specific carries a non-provocation condition (defconpr: state 1 must not provoke the attack), ATOP 4.01",
        Source::Data(DatasetId::AtopMember4_01),
        directed
    ),
    var!(
        "tgt_def_new",
        Specific,
        DY,
        "some state other than 1 has a defence promise to state 2 (ATOP 4.01 member-level) from a pact formed within the last five years: the first year both were members of the alliance is this year or one of the four before (Kenwick, Vasquez & Powers 2015: recent formation)",
        Source::Data(DatasetId::AtopMember4_01),
        directed
    ),
    // Alliance-portfolio similarity.
    var!(
        "s_unweighted",
        Similarity,
        DY,
        "global unweighted S-score of the two states' alliance portfolios (Signorino & Ritter 1999): ties 3 defence or offence, 2 neutrality or non-aggression, 1 consultation only, 0 none (ATOP 5.1, either direction), a state's tie to itself 3; S = 1 - 2 sum_k |a1k - a2k| / (3N) over the N COW system members of the year",
        Source::Data(DatasetId::AtopDdy)
    ),
    var!("cinc1", Capabilities, DY, "CINC score of state 1", Source::Data(DatasetId::Nmc)),
    var!("cinc2", Capabilities, DY, "CINC score of state 2", Source::Data(DatasetId::Nmc)),
    var!("cap_prop", Capabilities, DY, "cinc1 / (cinc1 + cinc2)", Source::Data(DatasetId::Nmc)),
    var!("cap_ratio_ln", Capabilities, DY, "ln(max(cinc) / min(cinc)); null when a score is 0", Source::Data(DatasetId::Nmc)),
    var!("cinc_minmax", Capabilities, DY, "min(cinc) / max(cinc) (Bremer 1992)", Source::Data(DatasetId::Nmc)),
    var!("milper1", Capabilities, DY, "military personnel of state 1 (thousands)", Source::Data(DatasetId::Nmc)),
    var!("milper2", Capabilities, DY, "military personnel of state 2 (thousands)", Source::Data(DatasetId::Nmc)),
    var!("tpop1", Capabilities, DY, "total population of state 1 (thousands)", Source::Data(DatasetId::Nmc)),
    var!("tpop2", Capabilities, DY, "total population of state 2 (thousands)", Source::Data(DatasetId::Nmc)),
    var!("milit1", Capabilities, DY, "militarization of state 1: milper / tpop", Source::Data(DatasetId::Nmc)),
    var!("milit2", Capabilities, DY, "militarization of state 2: milper / tpop", Source::Data(DatasetId::Nmc)),
    var!("milit_min", Capabilities, DY, "min(milit1, milit2) (weak link)", Source::Data(DatasetId::Nmc)),
    var!("stateabb1", Identity, DY, "state 1's COW abbreviation (text)", Source::Data(DatasetId::States)),
    var!("stateabb2", Identity, DY, "state 2's COW abbreviation (text)", Source::Data(DatasetId::States)),
    var!("region1", Identity, DY, REGION_1, Source::Data(DatasetId::States)),
    var!("region2", Identity, DY, "state 2's COW region (as region1)", Source::Data(DatasetId::States)),
    var!("major1", Majors, DY, "state 1 is a COW major power in the year", Source::Data(DatasetId::Majors)),
    var!("major2", Majors, DY, "state 2 is a COW major power in the year", Source::Data(DatasetId::Majors)),
    var!("major_any", Majors, DY, "either state is a major power", Source::Data(DatasetId::Majors)),
    // Geography.
    var!(
        "conttype",
        Contiguity,
        DY,
        "direct contiguity: 1 land, 2-5 water (12, 24, 150, 400 mi), 6 none; the closest type when it changed within the year",
        Source::Data(DatasetId::Contdird)
    ),
    var!("land_contig", Contiguity, DY, "1 if conttype = 1", Source::Data(DatasetId::Contdird)),
    var!("contig_any", Contiguity, DY, "1 if conttype is 1-5 (land or up to 400 miles of water)", Source::Data(DatasetId::Contdird)),
    var!(
        "capdist",
        Capdist,
        DY,
        "great-circle km between the capitals in force in the year; when a capital moved, the one in force on most days of the year (the later on a tie)",
        Source::Data(DatasetId::Capitals)
    ),
    var!("ln_capdist", Capdist, DY, "ln(1 + capdist)", Source::Data(DatasetId::Capitals)),
    var!(
        "mindist",
        Mindist,
        DY,
        "minimum distance in km between the two states (0 = contiguous; CShapes 2.0)",
        Source::Data(DatasetId::Mindist)
    ),
    // Regime.
    var!("polity2_1", Democracy, DY, "Polity5 polity2 of state 1 (-10..10)", Source::Column(DatasetId::Democracy, "polity2")),
    var!("polity2_2", Democracy, DY, "Polity5 polity2 of state 2", Source::Column(DatasetId::Democracy, "polity2")),
    var!("v2x_polyarchy1", Democracy, DY, "V-Dem electoral democracy of state 1 (0-1)", Source::Data(DatasetId::Democracy)),
    var!("v2x_polyarchy2", Democracy, DY, "V-Dem electoral democracy of state 2", Source::Data(DatasetId::Democracy)),
    var!("euds1", Democracy, DY, "extended UDS of state 1", Source::Data(DatasetId::Democracy)),
    var!("euds2", Democracy, DY, "extended UDS of state 2", Source::Data(DatasetId::Democracy)),
    var!("aeuds1", Democracy, DY, "adjusted extended UDS of state 1", Source::Data(DatasetId::Democracy)),
    var!("aeuds2", Democracy, DY, "adjusted extended UDS of state 2", Source::Data(DatasetId::Democracy)),
    var!("jdem", Democracy, DY, "1 if both polity2 >= 6", Source::Column(DatasetId::Democracy, "polity2")),
    var!("dem_min", Democracy, DY, "min(polity2_1, polity2_2) (weak link)", Source::Column(DatasetId::Democracy, "polity2")),
    var!(
        "aeuds_min",
        Democracy,
        DY,
        "min(aeuds1, aeuds2): the weak link of the adjusted extended UDS (peacesciencer's dangerous-dyads example)",
        Source::Data(DatasetId::Democracy)
    ),
    var!("rival", Rivalry, DY, "1 if the dyad is a strategic rivalry in the year", Source::Data(DatasetId::Rivalries)),
    // State-years.
    var!("cinc", Capabilities, SY, "CINC score", Source::Data(DatasetId::Nmc)),
    var!("milex", Capabilities, SY, "military expenditure (thousands)", Source::Data(DatasetId::Nmc)),
    var!("milper", Capabilities, SY, "military personnel (thousands)", Source::Data(DatasetId::Nmc)),
    var!("tpop", Capabilities, SY, "total population (thousands)", Source::Data(DatasetId::Nmc)),
    var!("milit", Capabilities, SY, "milper / tpop", Source::Data(DatasetId::Nmc)),
    var!("stateabb", Identity, SY, "COW state abbreviation (text)", Source::Data(DatasetId::States)),
    var!("region", Identity, SY, REGION, Source::Data(DatasetId::States)),
    var!("major", Majors, SY, "COW major power in the year", Source::Data(DatasetId::Majors)),
    var!("polity2", Democracy, SY, "Polity5 polity2", Source::Column(DatasetId::Democracy, "polity2")),
    var!("v2x_polyarchy", Democracy, SY, "V-Dem electoral democracy", Source::Data(DatasetId::Democracy)),
    var!("n_def_promises", AtopThird, SY, "number of states that have promised defence to the state", Source::Data(DatasetId::AtopDdy)),
    var!(
        "n_allies",
        AtopThird,
        SY,
        "number of states with an ATOP obligation (either direction) with the state",
        Source::Data(DatasetId::AtopDdy)
    ),
    var!("mid_onsets", Conflict, SY, "disputes the state enters in the year (new participations)", Source::Mids),
    // Joiners (entanglement).
    var!("styear", Unit, &[Unit::Joiner, Unit::Dispute], "start year of the dispute", Source::Mids),
    var!("joined", Unit, JO, "1 if the state joined the dispute (participant, not an originator)", Source::Mids),
    var!("joined_side_a", Unit, JO, "1 if it joined side A", Source::Mids),
    var!("joined_side_b", Unit, JO, "1 if it joined side B", Source::Mids),
    var!(
        "ally_def_a",
        AtopDirect,
        JO,
        "the state has promised defence to at least one side-A originator in the start year",
        Source::Data(DatasetId::AtopDdy)
    ),
    var!(
        "ally_def_b",
        AtopDirect,
        JO,
        "the state has promised defence to at least one side-B originator",
        Source::Data(DatasetId::AtopDdy)
    ),
    var!(
        "ally_any_a",
        AtopDirect,
        JO,
        "the state has any ATOP obligation (either direction) with a side-A originator",
        Source::Data(DatasetId::AtopDdy)
    ),
    var!("ally_any_b", AtopDirect, JO, "the state has any ATOP obligation with a side-B originator", Source::Data(DatasetId::AtopDdy)),
    var!(
        "ally_joins_ally_side",
        AtopDirect,
        JO,
        "1 if it joined the side of an originator it has promised defence to",
        Source::Data(DatasetId::AtopDdy)
    ),
    var!(
        "allied_originators",
        AtopDirect,
        JO,
        "COW abbreviations of the originators on the side it joined that it had promised defence (null if none)",
        Source::Data(DatasetId::AtopDdy)
    ),
    var!("contig_orig", Contiguity, JO, "contiguous (conttype 1-5) with at least one originator", Source::Data(DatasetId::Contdird)),
    var!("ln_dist_orig", Capdist, JO, "ln(1 + km) to the nearest originator's capital", Source::Data(DatasetId::Capitals)),
    var!("major", Majors, JO, "the state is a major power in the start year", Source::Data(DatasetId::Majors)),
    var!("cinc", Capabilities, JO, "CINC of the state in the start year", Source::Data(DatasetId::Nmc)),
    // Disputes.
    var!("endyear", Unit, DI, "end year", Source::Mids),
    var!("numa", Unit, DI, "number of states on side A", Source::Mids),
    var!("numb", Unit, DI, "number of states on side B", Source::Mids),
    var!("coalition_size", Unit, DI, "numa + numb", Source::Mids),
    var!(
        "orig_a",
        Unit,
        DI,
        "originators on side A (participant file: orig = 1): the side at onset, before joiners drawn in by the dispute itself",
        Source::Mids
    ),
    var!("orig_b", Unit, DI, "originators on side B (participant file: orig = 1)", Source::Mids),
    var!("orig_size", Unit, DI, "orig_a + orig_b: the coalition at onset", Source::Mids),
    var!("hostlev", Unit, DI, "highest hostility level (5 = war)", Source::Mids),
    var!("war", Unit, DI, "1 if hostlev = 5", Source::Mids),
    var!("fatality", Unit, DI, "fatality level (0-6)", Source::Mids),
    var!("fatal", Unit, DI, "1 if fatality > 0", Source::Mids),
    var!(
        "outcome",
        Unit,
        DI,
        "outcome code (1 victory A, 2 victory B, 3 yield A, 4 yield B, 5 stalemate, 6 compromise, 7 released, 8 unclear, 9 joins war)",
        Source::Mids
    ),
    var!("side_a_victory", Unit, DI, "1 if outcome = 1", Source::Mids),
    var!("settle", Unit, DI, "settlement (1 negotiated, 2 imposed, 3 none, 4 unclear)", Source::Mids),
    // Missions.
    var!("mission_name", Unit, MI, "mission name and location", Source::Data(DatasetId::Pkm)),
    var!("startyr", Unit, MI, "start year", Source::Data(DatasetId::Pkm)),
    var!("endyr", Unit, MI, "end year", Source::Data(DatasetId::Pkm)),
    var!("statenum", Unit, MI, "number of states contributing personnel (coalition size)", Source::Data(DatasetId::Pkm)),
    var!("ln_statenum", Unit, MI, "ln(statenum)", Source::Data(DatasetId::Pkm)),
    var!("un_mandate", Unit, MI, "1 if mandated by the UN (UNMANDATE)", Source::Data(DatasetId::Pkm)),
    var!(
        "regional_mandate",
        Unit,
        MI,
        "1 if not UN-mandated but mandated by a regional organisation named in `UNRESOL (date)`",
        Source::Data(DatasetId::Pkm)
    ),
    var!("legitimacy", Unit, MI, "2 UN mandate, 1 regional mandate, 0 neither", Source::Data(DatasetId::Pkm)),
    var!("tptype", Unit, MI, "third-party type (1 UN, 2 regional organisation, 3 ad hoc / state)", Source::Data(DatasetId::Pkm)),
    var!("cold_war", Unit, MI, "1 if the mission started before 1990", Source::Data(DatasetId::Pkm)),
    var!("regnum", Unit, MI, "region code", Source::Data(DatasetId::Pkm)),
    var!("pkmnum1", Unit, MI, "personnel", Source::Data(DatasetId::Pkm)),
    // US uses of force (Tago 2005).
    var!("start_year", Unit, US, "year of the use of force", Source::Data(DatasetId::Tago)),
    var!("coalitional_use_of_force", Unit, US, "1 if multilateral (coalitional)", Source::Data(DatasetId::Tago)),
    var!("igo_authorized_use_of_force", Unit, US, "1 if authorized by a UNSC, UNGA, NATO or OAS resolution", Source::Data(DatasetId::Tago)),
    var!(
        "multilateralism",
        Unit,
        US,
        "Tago's (2005) four varieties: 0 unilateral, 1 IGO authorization only (procedural), 2 coalition only (operational), 3 both",
        Source::Data(DatasetId::Tago)
    ),
    var!("recession_year", Unit, US, "recession year (Tago's coding)", Source::Data(DatasetId::Tago)),
    var!("budget_constraints", Unit, US, "budget constraint measure", Source::Data(DatasetId::Tago)),
    var!("election_cycle", Unit, US, "election cycle measure", Source::Data(DatasetId::Tago)),
    var!("senate_divided", Unit, US, "divided Senate", Source::Data(DatasetId::Tago)),
    var!("house_divided", Unit, US, "divided House", Source::Data(DatasetId::Tago)),
    var!("ground_forces", Unit, US, "ground forces used", Source::Data(DatasetId::Tago)),
    var!("post_cold_war", Unit, US, "after the Cold War", Source::Data(DatasetId::Tago)),
    var!("post_vietnam_war", Unit, US, "after the Vietnam War", Source::Data(DatasetId::Tago)),
    var!("severity", Unit, US, "severity of the use of force", Source::Data(DatasetId::Tago)),
    // Alliance-years.
    var!("n_members", Unit, AY, "members in force in the year", Source::Data(DatasetId::AtopMember4_01)),
    var!("defense", Unit, AY, "1 if a member undertakes a defence obligation", Source::Data(DatasetId::AtopMember4_01)),
    var!("offense", Unit, AY, "1 if a member undertakes an offence obligation", Source::Data(DatasetId::AtopMember4_01)),
    var!("neutral", Unit, AY, "1 if a member undertakes a neutrality obligation", Source::Data(DatasetId::AtopMember4_01)),
    var!("nonagg", Unit, AY, "1 if a member undertakes non-aggression", Source::Data(DatasetId::AtopMember4_01)),
    var!("consul", Unit, AY, "1 if a member undertakes consultation", Source::Data(DatasetId::AtopMember4_01)),
];
