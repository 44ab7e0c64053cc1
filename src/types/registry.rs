//! The variable registry (STUDIES.md §2–4): every column a unit can carry, with its definition,
//! source and years. `allywar vars`, `--vars` and the .dta labels all read it.

use crate::types::Unit;

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
    /// Catalog datasets it comes from.
    pub source: &'static str,
    /// Years the source covers; None for variables of the dispute data, whose years are those
    /// of the dispute source chosen (`--mids`, see [`Mids::coverage`]).
    pub years: Option<(i32, i32)>,
}

const DY: &[Unit] = &[Unit::DyadYear];
const SY: &[Unit] = &[Unit::StateYear];
const JO: &[Unit] = &[Unit::Joiner];
const DI: &[Unit] = &[Unit::Dispute];
const MI: &[Unit] = &[Unit::Mission];
const US: &[Unit] = &[Unit::UsForce];

const MIDS: &str = "gml_ddy_2.2.1 (--mids gml) or cow_midb + cow_mida (--mids cow5)";
const MIDS_YEARS: Option<(i32, i32)> = None;

macro_rules! var {
    ($name:expr, $group:ident, $units:expr, $def:expr, $src:expr, $years:expr) => {
        Var { name: $name, group: Group::$group, units: $units, directed_only: false, definition: $def, source: $src, years: $years }
    };
    ($name:expr, $group:ident, $units:expr, $def:expr, $src:expr, $years:expr, directed) => {
        Var { name: $name, group: Group::$group, units: $units, directed_only: true, definition: $def, source: $src, years: $years }
    };
}

/// Every variable, in the order columns appear in frames.
pub static VARS: &[Var] = &[
    // Conflict (dyad-years).
    var!("mid_onset", Conflict, DY, "1 if a dispute between the two states (on opposite sides) starts in the year", MIDS, MIDS_YEARS),
    var!("mid_ongoing", Conflict, DY, "1 if a dispute between the two states is active in the year", MIDS, MIDS_YEARS),
    var!(
        "init",
        Conflict,
        DY,
        "1 if a dispute starts in the year with state 1 an originator on side A and state 2 an originator on side B",
        MIDS,
        MIDS_YEARS,
        directed
    ),
    var!(
        "hostlev",
        Conflict,
        DY,
        "highest hostility level of the kept dispute (1-5); kept: onset first, then higher hostlev, fatality, maxdur, lowest dispnum",
        MIDS,
        MIDS_YEARS
    ),
    var!("fatality", Conflict, DY, "fatality level of the kept dispute (0-6)", MIDS, MIDS_YEARS),
    var!("dispnum", Conflict, DY, "number of the kept dispute", MIDS, MIDS_YEARS),
    var!(
        "peace_years",
        Peace,
        DY,
        "years since the dyad's last dispute onset (0 in the first year observed, after an onset, and after a gap in joint membership)",
        MIDS,
        MIDS_YEARS
    ),
    var!("peace_years2", Peace, DY, "peace_years squared (Carter & Signorino 2010)", MIDS, MIDS_YEARS),
    var!("peace_years3", Peace, DY, "peace_years cubed (Carter & Signorino 2010)", MIDS, MIDS_YEARS),
    var!(
        "peace_spline1",
        Peace,
        DY,
        "cubic spline term (peace_years - 1)^3 if positive, else 0 (truncated power basis, knot 1)",
        MIDS,
        MIDS_YEARS
    ),
    var!("peace_spline2", Peace, DY, "cubic spline term for knot 4: (peace_years - 4)^3 if positive, else 0", MIDS, MIDS_YEARS),
    var!("peace_spline3", Peace, DY, "cubic spline term for knot 7: (peace_years - 7)^3 if positive, else 0", MIDS, MIDS_YEARS),
    // ATOP within the dyad.
    var!("def_12", AtopDirect, DY, "state 1 has promised defence to state 2", "atop_ddy", Some((1815, 2018))),
    var!("def_21", AtopDirect, DY, "state 2 has promised defence to state 1", "atop_ddy", Some((1815, 2018))),
    var!("def_any", AtopDirect, DY, "a defence promise in either direction", "atop_ddy", Some((1815, 2018))),
    var!("off_12", AtopDirect, DY, "state 1 has promised offensive support to state 2", "atop_ddy", Some((1815, 2018))),
    var!("off_21", AtopDirect, DY, "state 2 has promised offensive support to state 1", "atop_ddy", Some((1815, 2018))),
    var!("off_any", AtopDirect, DY, "an offence promise in either direction", "atop_ddy", Some((1815, 2018))),
    var!("neu_12", AtopDirect, DY, "state 1 has promised neutrality to state 2", "atop_ddy", Some((1815, 2018))),
    var!("neu_21", AtopDirect, DY, "state 2 has promised neutrality to state 1", "atop_ddy", Some((1815, 2018))),
    var!("neu_any", AtopDirect, DY, "a neutrality promise in either direction", "atop_ddy", Some((1815, 2018))),
    var!("nonagg_12", AtopDirect, DY, "state 1 has promised non-aggression to state 2", "atop_ddy", Some((1815, 2018))),
    var!("nonagg_21", AtopDirect, DY, "state 2 has promised non-aggression to state 1", "atop_ddy", Some((1815, 2018))),
    var!("nonagg_any", AtopDirect, DY, "a non-aggression promise in either direction", "atop_ddy", Some((1815, 2018))),
    var!("consul_12", AtopDirect, DY, "state 1 has promised consultation to state 2", "atop_ddy", Some((1815, 2018))),
    var!("consul_21", AtopDirect, DY, "state 2 has promised consultation to state 1", "atop_ddy", Some((1815, 2018))),
    var!("consul_any", AtopDirect, DY, "a consultation promise in either direction", "atop_ddy", Some((1815, 2018))),
    var!("ally_any", AtopDirect, DY, "any ATOP obligation in either direction", "atop_ddy", Some((1815, 2018))),
    // ATOP third parties (Leeds 2003; Johnson & Leeds 2011).
    var!(
        "tgt_def",
        AtopThird,
        DY,
        "some state other than 1 and 2 has promised defence to state 2 (the potential target)",
        "atop_ddy",
        Some((1815, 2018)),
        directed
    ),
    var!(
        "chal_def",
        AtopThird,
        DY,
        "some state other than 1 and 2 has promised defence to state 1 (the potential challenger)",
        "atop_ddy",
        Some((1815, 2018)),
        directed
    ),
    var!("chal_off", AtopThird, DY, "some third state has promised offensive support to state 1", "atop_ddy", Some((1815, 2018)), directed),
    var!("chal_neu", AtopThird, DY, "some third state has promised neutrality to state 1", "atop_ddy", Some((1815, 2018)), directed),
    var!(
        "chal_ally",
        AtopThird,
        DY,
        "state 1 has an ATOP obligation (either direction) with some third state",
        "atop_ddy",
        Some((1815, 2018)),
        directed
    ),
    var!("n_def_2", AtopThird, DY, "number of third states that have promised defence to state 2", "atop_ddy", Some((1815, 2018))),
    var!("n_def_1", AtopThird, DY, "number of third states that have promised defence to state 1", "atop_ddy", Some((1815, 2018))),
    // Capabilities.
    var!("cinc1", Capabilities, DY, "CINC score of state 1", "nmc", Some((1816, 2016))),
    var!("cinc2", Capabilities, DY, "CINC score of state 2", "nmc", Some((1816, 2016))),
    var!("cap_prop", Capabilities, DY, "cinc1 / (cinc1 + cinc2)", "nmc", Some((1816, 2016))),
    var!("cap_ratio_ln", Capabilities, DY, "ln(max(cinc) / min(cinc)); null when a score is 0", "nmc", Some((1816, 2016))),
    var!("cinc_minmax", Capabilities, DY, "min(cinc) / max(cinc) (Bremer 1992)", "nmc", Some((1816, 2016))),
    var!("milper1", Capabilities, DY, "military personnel of state 1 (thousands)", "nmc", Some((1816, 2016))),
    var!("milper2", Capabilities, DY, "military personnel of state 2 (thousands)", "nmc", Some((1816, 2016))),
    var!("tpop1", Capabilities, DY, "total population of state 1 (thousands)", "nmc", Some((1816, 2016))),
    var!("tpop2", Capabilities, DY, "total population of state 2 (thousands)", "nmc", Some((1816, 2016))),
    var!("milit1", Capabilities, DY, "militarization of state 1: milper / tpop", "nmc", Some((1816, 2016))),
    var!("milit2", Capabilities, DY, "militarization of state 2: milper / tpop", "nmc", Some((1816, 2016))),
    var!("milit_min", Capabilities, DY, "min(milit1, milit2) (weak link)", "nmc", Some((1816, 2016))),
    var!("major1", Majors, DY, "state 1 is a COW major power in the year", "majors", Some((1816, 2016))),
    var!("major2", Majors, DY, "state 2 is a COW major power in the year", "majors", Some((1816, 2016))),
    var!("major_any", Majors, DY, "either state is a major power", "majors", Some((1816, 2016))),
    // Geography.
    var!(
        "conttype",
        Contiguity,
        DY,
        "direct contiguity: 1 land, 2-5 water (12, 24, 150, 400 mi), 6 none; the closest type when it changed within the year",
        "contdird",
        Some((1816, 2016))
    ),
    var!("land_contig", Contiguity, DY, "1 if conttype = 1", "contdird", Some((1816, 2016))),
    var!("contig_any", Contiguity, DY, "1 if conttype is 1-5 (land or up to 400 miles of water)", "contdird", Some((1816, 2016))),
    var!(
        "capdist",
        Capdist,
        DY,
        "great-circle km between the capitals in force in the year (the latest if one moved)",
        "capitals",
        Some((1816, 2024))
    ),
    var!("ln_capdist", Capdist, DY, "ln(1 + capdist)", "capitals", Some((1816, 2024))),
    var!(
        "mindist",
        Mindist,
        DY,
        "minimum distance in km between the two states (0 = contiguous; CShapes 2.0)",
        "mindist",
        Some((1886, 2019))
    ),
    // Regime.
    var!("polity2_1", Democracy, DY, "Polity5 polity2 of state 1 (-10..10)", "democracy", Some((1816, 2018))),
    var!("polity2_2", Democracy, DY, "Polity5 polity2 of state 2", "democracy", Some((1816, 2018))),
    var!("v2x_polyarchy1", Democracy, DY, "V-Dem electoral democracy of state 1 (0-1)", "democracy", Some((1816, 2025))),
    var!("v2x_polyarchy2", Democracy, DY, "V-Dem electoral democracy of state 2", "democracy", Some((1816, 2025))),
    var!("euds1", Democracy, DY, "extended UDS of state 1", "democracy", Some((1816, 2025))),
    var!("euds2", Democracy, DY, "extended UDS of state 2", "democracy", Some((1816, 2025))),
    var!("aeuds1", Democracy, DY, "adjusted extended UDS of state 1", "democracy", Some((1816, 2025))),
    var!("aeuds2", Democracy, DY, "adjusted extended UDS of state 2", "democracy", Some((1816, 2025))),
    var!("jdem", Democracy, DY, "1 if both polity2 >= 6", "democracy", Some((1816, 2018))),
    var!("dem_min", Democracy, DY, "min(polity2_1, polity2_2) (weak link)", "democracy", Some((1816, 2018))),
    var!("rival", Rivalry, DY, "1 if the dyad is a strategic rivalry in the year", "rivalries", Some((1494, 2020))),
    // State-years.
    var!("cinc", Capabilities, SY, "CINC score", "nmc", Some((1816, 2016))),
    var!("milex", Capabilities, SY, "military expenditure (thousands)", "nmc", Some((1816, 2016))),
    var!("milper", Capabilities, SY, "military personnel (thousands)", "nmc", Some((1816, 2016))),
    var!("tpop", Capabilities, SY, "total population (thousands)", "nmc", Some((1816, 2016))),
    var!("milit", Capabilities, SY, "milper / tpop", "nmc", Some((1816, 2016))),
    var!("major", Majors, SY, "COW major power in the year", "majors", Some((1816, 2016))),
    var!("polity2", Democracy, SY, "Polity5 polity2", "democracy", Some((1816, 2018))),
    var!("v2x_polyarchy", Democracy, SY, "V-Dem electoral democracy", "democracy", Some((1816, 2025))),
    var!("n_def_promises", AtopThird, SY, "number of states that have promised defence to the state", "atop_ddy", Some((1815, 2018))),
    var!(
        "n_allies",
        AtopThird,
        SY,
        "number of states with an ATOP obligation (either direction) with the state",
        "atop_ddy",
        Some((1815, 2018))
    ),
    var!("mid_onsets", Conflict, SY, "disputes the state enters in the year (new participations)", MIDS, MIDS_YEARS),
    // Joiners (entanglement).
    var!("styear", Unit, &[Unit::Joiner, Unit::Dispute], "start year of the dispute", MIDS, MIDS_YEARS),
    var!("joined", Unit, JO, "1 if the state joined the dispute (participant, not an originator)", MIDS, MIDS_YEARS),
    var!("joined_side_a", Unit, JO, "1 if it joined side A", MIDS, MIDS_YEARS),
    var!("joined_side_b", Unit, JO, "1 if it joined side B", MIDS, MIDS_YEARS),
    var!(
        "ally_def_a",
        AtopDirect,
        JO,
        "the state has promised defence to at least one side-A originator in the start year",
        "atop_ddy",
        Some((1815, 2018))
    ),
    var!("ally_def_b", AtopDirect, JO, "the state has promised defence to at least one side-B originator", "atop_ddy", Some((1815, 2018))),
    var!(
        "ally_any_a",
        AtopDirect,
        JO,
        "the state has any ATOP obligation (either direction) with a side-A originator",
        "atop_ddy",
        Some((1815, 2018))
    ),
    var!("ally_any_b", AtopDirect, JO, "the state has any ATOP obligation with a side-B originator", "atop_ddy", Some((1815, 2018))),
    var!(
        "ally_joins_ally_side",
        AtopDirect,
        JO,
        "1 if it joined the side of an originator it has promised defence to",
        "atop_ddy",
        Some((1815, 2018))
    ),
    var!("contig_orig", Contiguity, JO, "contiguous (conttype 1-5) with at least one originator", "contdird", Some((1816, 2016))),
    var!("ln_dist_orig", Capdist, JO, "ln(1 + km) to the nearest originator's capital", "capitals", Some((1816, 2024))),
    var!("major", Majors, JO, "the state is a major power in the start year", "majors", Some((1816, 2016))),
    var!("cinc", Capabilities, JO, "CINC of the state in the start year", "nmc", Some((1816, 2016))),
    // Disputes.
    var!("endyear", Unit, DI, "end year", MIDS, MIDS_YEARS),
    var!("numa", Unit, DI, "number of states on side A", MIDS, MIDS_YEARS),
    var!("numb", Unit, DI, "number of states on side B", MIDS, MIDS_YEARS),
    var!("coalition_size", Unit, DI, "numa + numb", MIDS, MIDS_YEARS),
    var!("hostlev", Unit, DI, "highest hostility level (5 = war)", MIDS, MIDS_YEARS),
    var!("war", Unit, DI, "1 if hostlev = 5", MIDS, MIDS_YEARS),
    var!("fatality", Unit, DI, "fatality level (0-6)", MIDS, MIDS_YEARS),
    var!("fatal", Unit, DI, "1 if fatality > 0", MIDS, MIDS_YEARS),
    var!(
        "outcome",
        Unit,
        DI,
        "outcome code (1 victory A, 2 victory B, 3 yield A, 4 yield B, 5 stalemate, 6 compromise, 7 released, 8 unclear, 9 joins war)",
        MIDS,
        MIDS_YEARS
    ),
    var!("side_a_victory", Unit, DI, "1 if outcome = 1", MIDS, MIDS_YEARS),
    var!("settle", Unit, DI, "settlement (1 negotiated, 2 imposed, 3 none, 4 unclear)", MIDS, MIDS_YEARS),
    // Missions.
    var!("mission_name", Unit, MI, "mission name and location", "pkm", Some((1947, 2014))),
    var!("startyr", Unit, MI, "start year", "pkm", Some((1947, 2014))),
    var!("endyr", Unit, MI, "end year", "pkm", Some((1947, 2014))),
    var!("statenum", Unit, MI, "number of states contributing personnel (coalition size)", "pkm", Some((1947, 2014))),
    var!("ln_statenum", Unit, MI, "ln(statenum)", "pkm", Some((1947, 2014))),
    var!("un_mandate", Unit, MI, "1 if mandated by the UN (UNMANDATE)", "pkm", Some((1947, 2014))),
    var!(
        "regional_mandate",
        Unit,
        MI,
        "1 if not UN-mandated but mandated by a regional organisation named in `UNRESOL (date)`",
        "pkm",
        Some((1947, 2014))
    ),
    var!("legitimacy", Unit, MI, "2 UN mandate, 1 regional mandate, 0 neither", "pkm", Some((1947, 2014))),
    var!("tptype", Unit, MI, "third-party type (1 UN, 2 regional organisation, 3 ad hoc / state)", "pkm", Some((1947, 2014))),
    var!("cold_war", Unit, MI, "1 if the mission started before 1990", "pkm", Some((1947, 2014))),
    var!("regnum", Unit, MI, "region code", "pkm", Some((1947, 2014))),
    var!("pkmnum1", Unit, MI, "personnel", "pkm", Some((1947, 2014))),
    // US uses of force (Tago 2005).
    var!("start_year", Unit, US, "year of the use of force", "tago", Some((1948, 1998))),
    var!("coalitional_use_of_force", Unit, US, "1 if multilateral (coalitional)", "tago", Some((1948, 1998))),
    var!("igo_authorized_use_of_force", Unit, US, "1 if authorized by a UNSC, UNGA, NATO or OAS resolution", "tago", Some((1948, 1998))),
    var!("recession_year", Unit, US, "recession year (Tago's coding)", "tago", Some((1948, 1998))),
    var!("budget_constraints", Unit, US, "budget constraint measure", "tago", Some((1948, 1998))),
    var!("election_cycle", Unit, US, "election cycle measure", "tago", Some((1948, 1998))),
    var!("senate_divided", Unit, US, "divided Senate", "tago", Some((1948, 1998))),
    var!("house_divided", Unit, US, "divided House", "tago", Some((1948, 1998))),
    var!("ground_forces", Unit, US, "ground forces used", "tago", Some((1948, 1998))),
    var!("post_cold_war", Unit, US, "after the Cold War", "tago", Some((1948, 1998))),
    var!("post_vietnam_war", Unit, US, "after the Vietnam War", "tago", Some((1948, 1998))),
    var!("severity", Unit, US, "severity of the use of force", "tago", Some((1948, 1998))),
];

/// Why a variable list is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VarError {
    /// No variable has that name.
    #[error("unknown variable `{name}`{}", hint(.suggestion, .unit))]
    Unknown {
        /// Name asked for.
        name: String,
        /// Nearest variable of the unit.
        suggestion: Option<String>,
        /// Unit asked for.
        unit: &'static str,
    },
    /// The variable exists, for other units.
    #[error("variable `{name}` is not available for {unit} frames (it belongs to: {units})")]
    NotForUnit {
        /// Variable.
        name: String,
        /// Unit asked for.
        unit: String,
        /// Units that carry it.
        units: String,
    },
    /// Directed-only variable in a non-directed frame.
    #[error("variable `{name}` needs a directed frame (state 1 vs state 2); drop --nondirected")]
    NeedsDirected {
        /// Variable.
        name: String,
    },
}

fn hint(s: &Option<String>, unit: &str) -> String {
    match s {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => format!("; `allywar vars {unit}` lists them"),
    }
}

/// The variables of a unit, in frame order.
pub fn for_unit(unit: Unit, directed: bool) -> impl Iterator<Item = &'static Var> {
    VARS.iter().filter(move |v| v.units.contains(&unit) && (directed || !v.directed_only))
}

/// Splits a `--vars` list: commas, with spaces around names allowed.
pub fn parse_list<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    items.iter().flat_map(|s| s.as_ref().split(',').map(|n| n.trim().to_string()).collect::<Vec<_>>()).filter(|n| !n.is_empty()).collect()
}

/// Resolves a requested list (`all`, or names) for a unit, in the order asked. Key columns
/// (`year`, `ccode1`, …) are accepted and ignored: every frame starts with its keys.
pub fn select<S: AsRef<str>>(unit: Unit, directed: bool, names: &[S]) -> Result<Vec<&'static Var>, VarError> {
    let names = parse_list(names);
    if names.is_empty() || names.iter().any(|n| n == "all") {
        return Ok(for_unit(unit, directed).collect());
    }
    let mut chosen: Vec<&'static Var> = Vec::new();
    for name in &names {
        if unit.keys().contains(&name.as_str()) {
            continue;
        }
        let v = VARS.iter().find(|v| v.name == name && v.units.contains(&unit)).or_else(|| VARS.iter().find(|v| v.name == name));
        let Some(v) = v else {
            let candidates = unit.keys().iter().copied().chain(for_unit(unit, directed).map(|v| v.name));
            let suggestion = crate::catalog::nearest(name, candidates);
            return Err(VarError::Unknown { name: name.clone(), suggestion, unit: unit.name() });
        };
        if !v.units.contains(&unit) {
            let units: Vec<&str> = v.units.iter().map(|u| u.name()).collect();
            return Err(VarError::NotForUnit { name: name.clone(), unit: unit.name().to_string(), units: units.join(", ") });
        }
        if v.directed_only && !directed {
            return Err(VarError::NeedsDirected { name: name.clone() });
        }
        if !chosen.iter().any(|c| c.name == v.name) {
            chosen.push(v);
        }
    }
    Ok(chosen)
}

/// The registry entry of a unit's variable.
pub fn find(unit: Unit, name: &str) -> Option<&'static Var> {
    VARS.iter().find(|v| v.name == name && v.units.contains(&unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_validates_names_units_and_direction() {
        let all = select(Unit::DyadYear, true, &["all"]).unwrap();
        assert!(all.iter().any(|v| v.name == "tgt_def"));
        let nd = select::<&str>(Unit::DyadYear, false, &[]).unwrap();
        assert!(!nd.iter().any(|v| v.name == "init"));
        let err = select(Unit::DyadYear, true, &["tgt_deff"]).unwrap_err().to_string();
        assert!(err.contains("did you mean `tgt_def`?"), "{err}");
        let err = select(Unit::DyadYear, true, &["statenum"]).unwrap_err().to_string();
        assert!(err.contains("not available for dyad-year frames (it belongs to: mission)"), "{err}");
        let err = select(Unit::DyadYear, false, &["init"]).unwrap_err().to_string();
        assert!(err.contains("needs a directed frame"), "{err}");
        // The order asked is kept; spaces after commas and key names are fine.
        let two = select(Unit::DyadYear, true, &["cinc2, mid_onset", "year"]).unwrap();
        assert_eq!(two.iter().map(|v| v.name).collect::<Vec<_>>(), ["cinc2", "mid_onset"]);
        let err = select(Unit::DyadYear, true, &["MID_ONSET"]).unwrap_err().to_string();
        assert!(err.contains("did you mean `mid_onset`?"), "{err}");
        let mut names = std::collections::HashSet::new();
        for v in VARS {
            for u in v.units {
                assert!(names.insert((v.name, *u)), "duplicate {} for {u}", v.name);
            }
        }
    }
}
