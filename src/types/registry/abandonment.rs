//! The variables of the abandonment units: invocations (the naive defence coding) and
//! commitments (every obligation by its own rule, Leeds, Long & Mitchell 2000).

use super::{Group, Source, Var};
use crate::catalog::DatasetId;
use crate::types::Unit;

const IN: &[Unit] = &[Unit::Invocation];
const CO: &[Unit] = &[Unit::Commitment];
const IC: &[Unit] = &[Unit::Invocation, Unit::Commitment];

/// The abandonment units' variables, in frame order.
pub(super) static VARS: &[Var] = &[
    // Commitments (abandonment as Leeds, Long & Mitchell 2000 measure it).
    var!("phase", Unit, CO, "ATOP phase of the alliance in force on the partner's entry", Source::Data(DatasetId::AtopMember4_01)),
    var!("entry_year", Unit, CO, "year the partner entered the conflict (covariates are measured in it)", Source::Data(DatasetId::AtopMember4_01)),
    var!(
        "status",
        Unit,
        CO,
        "fulfilled, violated, co_belligerent (the ally already at war on the partner's side when it entered), not_invoked (a condition failed; see why) or consultation (not scored)",
        Source::Data(DatasetId::AtopMember4_01)
    ),
    var!("invoked", Unit, CO, "1 if the obligation was invoked and scored (fulfilled or violated)", Source::Data(DatasetId::AtopMember4_01)),
    var!(
        "fulfilled",
        Unit,
        CO,
        "1 if an invoked obligation was honoured by its own rule (defence and offence: the ally fought on the partner's side; neutrality: did not fight against it; non-aggression: did not attack it), 0 if violated, null if not scored",
        Source::Data(DatasetId::AtopMember4_01)
    ),
    var!("co_belligerent", Unit, CO, "1 if the ally was already at war on the partner's side when the partner entered", Source::Data(DatasetId::AtopMember4_01)),
    var!("why", Unit, CO, "why the obligation was not invoked (the rule that failed); empty otherwise", Source::Data(DatasetId::AtopMember4_01)),
    var!("unchecked", Unit, CO, "conditions the data cannot check, kept as holding (demand, unnamed adversary, specific conflict, location in disputes)", Source::Data(DatasetId::AtopMember4_01)),
    var!(
        "ally_action",
        Unit,
        CO,
        "at_war_already, joined, stayed_out, attacked_partner (while the promise was in force) or fought_partner_otherwise (the partner attacked it, or the promise had ended)",
        Source::Data(DatasetId::AtopMember4_01)
    ),
    var!(
        "pact_type",
        Unit,
        CO,
        "the ally's most demanding obligation in the alliance (defense > offense > neutrality > nonaggression > consultation): the pact's type as Berkemeier & Fuhrmann (2018) classify it",
        Source::Data(DatasetId::AtopMember4_01)
    ),
    var!("primary", Unit, CO, "1 if the row's obligation is the pact's type (one judgement per ally, partner, alliance and conflict)", Source::Data(DatasetId::AtopMember4_01)),
    var!("partner_attacked", Unit, CO, "1 if some state of the other side attacked the partner (dyadic war file, else the initiator's side)", Source::Data(DatasetId::AtopMember4_01)),
    // Invocations (abandonment).
    var!("styear", Unit, IC, "start year of the conflict", Source::Data(DatasetId::AtopMember4_01)),
    var!("post1945", Unit, IC, "1 if the conflict started in 1945 or later", Source::Data(DatasetId::AtopMember4_01)),
    var!("partner_side_a", Unit, IN, "1 if the partner is on side A (side 1 of a war)", Source::Data(DatasetId::AtopMember4_01)),
    var!(
        "partner_initiated",
        Unit,
        IC,
        "1 if the partner initiated (war: Initiator = 1; dispute: an originator on side A)",
        Source::Data(DatasetId::AtopMember4_01)
    ),
    var!(
        "ally_at_start",
        Unit,
        IN,
        "1 if the ally fought on the partner's side from the start (at war on the first day; a dispute's originator)",
        Source::Data(DatasetId::AtopMember4_01)
    ),
    var!("fulfilled", Unit, IN, "1 if the ally joined on the partner's side (honoured its promise)", Source::Data(DatasetId::AtopMember4_01)),
    var!("stayed_out", Unit, IN, "1 if the ally never took part", Source::Data(DatasetId::AtopMember4_01)),
    var!("opposed", Unit, IN, "1 if the ally joined the other side", Source::Data(DatasetId::AtopMember4_01)),
    var!("response", Unit, IN, "2 fulfilled, 1 stayed out, 0 joined the other side", Source::Data(DatasetId::AtopMember4_01)),
    var!(
        "conditions_hold",
        Unit,
        IN,
        "1 if some promise's checked conditions hold: a named adversary (defcoadv, statthr1/2) fought on the other side, and no non-provocation clause (defconpr) when the partner initiated",
        Source::Data(DatasetId::AtopMember4_01)
    ),
    var!(
        "fulfilled_matched",
        Unit,
        IN,
        "fulfilled where the conditions hold (conditions-matched coding), null where they do not",
        Source::Data(DatasetId::AtopMember4_01)
    ),
    var!(
        "atopid",
        Unit,
        IN,
        "ATOP alliance of the promise described (the first whose conditions hold, else the first)",
        Source::Data(DatasetId::AtopMember4_01)
    ),
    var!("n_promises", Unit, IN, "alliances with a defence promise from the ally to the partner in force", Source::Data(DatasetId::AtopMember4_01)),
    var!("bilateral", Unit, IC, "1 if the alliance is bilateral", Source::Data(DatasetId::AtopMember4_01)),
    var!("ally_offense", Unit, IN, "1 if the ally also promised offensive support", Source::Data(DatasetId::AtopMember4_01)),
    var!("conditional", Unit, IN, "1 if the defence promise carries conditions (defcon)", Source::Data(DatasetId::AtopMember4_01)),
    var!("ally_major", Majors, IC, "the ally is a major power in the start year", Source::Data(DatasetId::Majors)),
    var!("partner_major", Majors, IC, "the partner is a major power in the start year", Source::Data(DatasetId::Majors)),
    var!("ally_cinc", Capabilities, IC, "CINC of the ally in the start year", Source::Data(DatasetId::Nmc)),
    var!("partner_cinc", Capabilities, IC, "CINC of the partner in the start year", Source::Data(DatasetId::Nmc)),
    var!("contig_partner", Contiguity, IC, "ally and partner contiguous (conttype 1-5)", Source::Data(DatasetId::Contdird)),
    var!(
        "contig_war",
        Contiguity,
        IC,
        "the ally is contiguous (conttype 1-5) with a state fighting from the start (commitment: at war on the partner's entry), either side",
        Source::Data(DatasetId::Contdird)
    ),
    var!("ally_dem", Democracy, IC, "1 if the ally has polity2 >= 6", Source::Column(DatasetId::Democracy, "polity2")),
    var!("jdem", Democracy, IC, "1 if ally and partner both have polity2 >= 6", Source::Column(DatasetId::Democracy, "polity2")),
    var!(
        "benson_type",
        AllianceTypes,
        IC,
        "Benson's (2011) type of the alliance phase: 1 unconditional deterrent, 2 conditional deterrent, 3 probabilistic deterrent, 4 unconditional compellent, 5 conditional compellent, 0 none of these",
        Source::Data(DatasetId::BensonTypes)
    ),
];
