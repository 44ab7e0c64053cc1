//! Building analysis frames: checks a request (unit, years, options, variables), dispatches to
//! the unit's builder and the variables' builders, and reports what was dropped or collapsed on
//! the way and which inputs were used.
//!
//! ```no_run
//! use allywar::frame::Spec;
//! use allywar::units::{Unit, Years};
//! let dir = allywar::DataDir::resolve(None);
//! let built = Spec::new(Unit::DyadYear)
//!     .years(Years::new(1816, 2010).unwrap())
//!     .vars(["mid_onset", "init", "tgt_def", "cinc1", "cinc2", "peace_years"])
//!     .build(&dir)?;
//! println!("{}", built.frame.head(Some(5)));
//! for note in &built.notes { eprintln!("{note}"); }
//! # Ok::<(), allywar::frame::BuildError>(())
//! ```

use crate::catalog::DatasetId;
use crate::datadir::DataDir;
use crate::sources::{Input, Sources};
use crate::types::{Conflicts, Group, Mids, Unit, Var, Years};
use crate::units::dyad_year::PeaceCarry;
use crate::units::{self, BuildContext};
use crate::vars;
use polars::prelude::*;

pub use crate::types::BuildError;

/// What to build.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Unit of analysis.
    pub unit: Unit,
    /// Years (default: the dispute source's years for dyad- and state-years and joiners, the
    /// whole file otherwise).
    pub years: Option<Years>,
    /// Directed (both orders) or non-directed (ccode1 < ccode2) dyad-years.
    pub directed: bool,
    /// Politically relevant dyads only.
    pub prd: bool,
    /// Dispute source.
    pub mids: Mids,
    /// Variables (`all` or empty: every variable of the unit), in the order wanted.
    pub vars: Vec<String>,
    /// Drop dyad-years of ongoing disputes that are not onsets.
    pub drop_ongoing: bool,
    /// Which conflicts call allies (invocation frames): wars or disputes.
    pub conflicts: Conflicts,
    /// Keep Tago's crises without a use of force (us-force frames; default: the uses of force).
    pub crises: bool,
}

/// A built frame.
#[derive(Debug, Clone)]
pub struct Built {
    /// The frame, sorted by the unit's keys; columns are the keys, then the variables in the
    /// order asked.
    pub frame: DataFrame,
    /// What happened on the way (pairs removed, dispute-years collapsed, coverage gaps).
    pub notes: Vec<String>,
    /// Every input file read, with its sha256 and whether it matched the catalog.
    pub inputs: Vec<Input>,
    /// The variables of the frame, in column order after the keys.
    pub vars: Vec<&'static Var>,
    /// The years built (the request's, open ends filled and cut to the sources'), for units
    /// built by years.
    pub years: Option<Years>,
}

impl Spec {
    /// A spec for `unit` with the defaults.
    pub fn new(unit: Unit) -> Spec {
        Spec {
            unit,
            years: None,
            directed: true,
            prd: false,
            mids: Mids::Gml,
            vars: Vec::new(),
            drop_ongoing: false,
            conflicts: Conflicts::War,
            crises: false,
        }
    }

    /// Restricts the years.
    pub fn years(mut self, years: Years) -> Spec {
        self.years = Some(years);
        self
    }

    /// Directed or non-directed dyad-years.
    pub fn directed(mut self, directed: bool) -> Spec {
        self.directed = directed;
        self
    }

    /// Politically relevant dyads only.
    pub fn prd(mut self, prd: bool) -> Spec {
        self.prd = prd;
        self
    }

    /// Dispute source.
    pub fn mids(mut self, mids: Mids) -> Spec {
        self.mids = mids;
        self
    }

    /// Variables to carry, in the order wanted (names may also be comma-separated lists).
    pub fn vars<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Spec {
        self.vars = names.into_iter().map(|s| s.as_ref().to_string()).collect();
        self
    }

    /// Drop ongoing dispute years that are not onsets.
    pub fn drop_ongoing(mut self, drop: bool) -> Spec {
        self.drop_ongoing = drop;
        self
    }

    /// Keep the crises without a use of force (us-force frames).
    pub fn crises(mut self, crises: bool) -> Spec {
        self.crises = crises;
        self
    }

    /// Wars or disputes (invocation frames).
    pub fn conflicts(mut self, conflicts: Conflicts) -> Spec {
        self.conflicts = conflicts;
        self
    }

    /// Checks the request without loading any data: options that do not apply to the unit,
    /// and the variable list. Returns the variables chosen, in order.
    pub fn check(&self) -> Result<Vec<&'static Var>, BuildError> {
        let opts = self.unit.options();
        if !opts.dyad {
            let bad: Vec<&str> = [(!self.directed, "--nondirected"), (self.prd, "--prd"), (self.drop_ongoing, "--drop-ongoing")]
                .into_iter()
                .filter_map(|(set, flag)| set.then_some(flag))
                .collect();
            if !bad.is_empty() {
                return Err(BuildError::Options(format!(
                    "{} appl{} to dyad-year frames, not {}",
                    bad.join(", "),
                    if bad.len() == 1 { "ies" } else { "y" },
                    self.unit
                )));
            }
        }
        if !opts.mids && self.mids != Mids::Gml {
            return Err(BuildError::Options(format!("--mids applies to frames built from dispute data, not {}", self.unit)));
        }
        if self.crises && self.unit != Unit::UsForce {
            return Err(BuildError::Options(format!("--crises applies to us-force frames, not {}", self.unit)));
        }
        if !opts.conflicts && self.conflicts != Conflicts::War {
            return Err(BuildError::Options(format!("--conflicts applies to invocation and commitment frames, not {}", self.unit)));
        }
        let chosen = vars::select(self.unit, self.directed, &self.vars)?;
        let conflict = chosen.iter().any(|v| matches!(v.group, Group::Conflict | Group::Peace));
        let reads_participants = match self.unit {
            Unit::Joiner => true,
            Unit::StateYear => conflict,
            Unit::Invocation | Unit::Commitment => self.conflicts == Conflicts::Mid,
            _ => false,
        };
        if reads_participants {
            self.mids.participants()?;
        }
        Ok(chosen)
    }

    /// The datasets a build of this spec reads (see also [`composed_datasets`]).
    pub fn datasets(&self, chosen: &[&'static Var]) -> Vec<DatasetId> {
        let mut groups: Vec<Group> = chosen.iter().map(|v| v.group).collect();
        if self.prd {
            groups.extend([Group::Contiguity, Group::Majors, Group::Conflict]);
        }
        if self.drop_ongoing || groups.contains(&Group::Peace) {
            groups.push(Group::Conflict);
        }
        let mut out: Vec<DatasetId> = match self.unit {
            Unit::DyadYear => vec![DatasetId::States],
            Unit::StateYear => vec![DatasetId::System],
            Unit::Joiner => {
                [Some(DatasetId::States), self.mids.participants().ok(), Some(self.mids.dataset())].into_iter().flatten().collect()
            }
            Unit::Dispute => {
                let originators = chosen.iter().any(|v| v.name.starts_with("orig_"));
                [Some(self.mids.dataset()), self.mids.participants().ok().filter(|_| originators)].into_iter().flatten().collect()
            }
            Unit::Mission => vec![DatasetId::Pkm],
            Unit::UsForce => vec![DatasetId::Tago],
            Unit::AllianceYear => vec![DatasetId::AtopMember4_01],
            Unit::Invocation => match self.conflicts {
                Conflicts::War => vec![DatasetId::AtopMember4_01, DatasetId::WarInter],
                Conflicts::Mid => [Some(DatasetId::AtopMember4_01), self.mids.participants().ok()].into_iter().flatten().collect(),
            },
            Unit::Commitment => match self.conflicts {
                Conflicts::War => vec![DatasetId::AtopMember4_01, DatasetId::WarInter, DatasetId::WarDyadic],
                Conflicts::Mid => [Some(DatasetId::AtopMember4_01), self.mids.participants().ok()].into_iter().flatten().collect(),
            },
        };
        for g in groups {
            out.extend(match (g, self.unit) {
                (Group::Conflict | Group::Peace, Unit::StateYear) => self.mids.participants().into_iter().collect(),
                (Group::Conflict | Group::Peace, _) => match self.mids.ddy() {
                    Some(ddy) => vec![ddy],
                    None => vec![DatasetId::CowMidb, DatasetId::CowMida],
                },
                (Group::AtopDirect | Group::AtopThird, _) => vec![DatasetId::AtopDdy],
                (Group::AllianceTypes, _) => vec![DatasetId::AtopMember4_01, DatasetId::BensonTypes],
                (Group::Specific, _) => vec![DatasetId::AtopMember4_01],
                (Group::Similarity, _) => vec![DatasetId::AtopDdy, DatasetId::System],
                (Group::Capabilities, _) => vec![DatasetId::Nmc],
                (Group::Majors, _) => vec![DatasetId::Majors],
                (Group::Contiguity, _) => vec![DatasetId::Contdird],
                (Group::Capdist, _) => vec![DatasetId::Capitals],
                (Group::Mindist, _) => vec![DatasetId::Mindist],
                (Group::Democracy, _) => vec![DatasetId::Democracy],
                (Group::Rivalry, _) => vec![DatasetId::Rivalries],
                // The user's own files are not catalog datasets: see `vars::user_data`.
                (Group::Unit | Group::User, _) => vec![],
                (Group::Identity, _) => vec![DatasetId::States],
                // What a composed variable's condition reads is known only from its name: see
                // `composed_datasets`.
                (Group::Composed, _) => composed_datasets(chosen),
            });
        }
        out.sort();
        out.dedup();
        out
    }

    /// Builds the frame from the data in `dir`.
    pub fn build(&self, dir: &DataDir) -> Result<Built, BuildError> {
        self.build_with(dir, &|_| {})
    }

    /// Builds the frame, telling `progress` each stage (loading a dataset, computing a group).
    pub fn build_with(&self, dir: &DataDir, progress: &dyn Fn(&str)) -> Result<Built, BuildError> {
        let chosen = self.prepare(dir)?;
        let src = Sources::new(dir).with_progress(progress);
        src.require(&self.datasets(&chosen))?;
        self.build_from(dir, &src, &chosen, None)
    }

    /// Builds the frame in blocks of `block` years, in year order, handing each block to `each`
    /// as it is done, so that memory holds the sources and one block, not the whole span.
    /// Every block holds exactly the rows and values the whole span's frame has for its years:
    /// what counts history (peace years) counts it from before the block, as any window does.
    /// Only units keyed by year can be built so (dyad-year, state-year, alliance-year). Returns
    /// the span built.
    pub fn build_blocks<E: From<BuildError>>(
        &self,
        dir: &DataDir,
        block: u16,
        progress: &dyn Fn(&str),
        each: &mut dyn FnMut(Built) -> Result<(), E>,
    ) -> Result<Years, E> {
        if !self.unit.keys().contains(&"year") {
            return Err(BuildError::Options(format!(
                "{} frames have no year key to build in blocks of years; only dyad-year, state-year and alliance-year frames do",
                self.unit
            ))
            .into());
        }
        if block == 0 {
            return Err(BuildError::Options("a block of years must hold at least one year".into()).into());
        }
        let chosen = self.prepare(dir)?;
        let src = Sources::new(dir).with_progress(progress);
        src.require(&self.datasets(&chosen)).map_err(BuildError::from)?;
        let span = self.span(&src)?;
        let carry = std::cell::RefCell::new(PeaceCarry::default());
        let mut first = span.first;
        while first <= span.last {
            let last = first.saturating_add(i32::from(block) - 1).min(span.last);
            let mut part = self.clone();
            part.years = Some(Years { first, last });
            src.stage(&format!("building {first}–{last}"));
            each(part.build_from(dir, &src, &chosen, Some(&carry))?)?;
            first = last + 1;
        }
        Ok(span)
    }

    /// Installs the user's own variables and checks the request.
    fn prepare(&self, dir: &DataDir) -> Result<Vec<&'static Var>, BuildError> {
        dir.install_user_data().map_err(crate::types::LoadError::from)?;
        self.check()
    }

    /// The years the unit's builder settles on for this request, found by building the
    /// universe alone.
    fn span(&self, src: &Sources) -> Result<Years, BuildError> {
        let ctx = self.context(src, Vec::new());
        match self.unit {
            Unit::DyadYear => drop(units::dyad_year::build(&ctx)?),
            Unit::StateYear => drop(units::state_year::build(&ctx)?),
            Unit::AllianceYear => drop(units::alliance_year::build(&ctx)?),
            other => return Err(BuildError::Options(format!("{other} frames are not built by years"))),
        }
        ctx.built_years().ok_or_else(|| BuildError::Years(format!("the {} builder settled on no years", self.unit)))
    }

    /// A build context for this request over `src`.
    fn context<'a>(&self, src: &'a Sources<'a>, chosen: Vec<&'static Var>) -> BuildContext<'a> {
        let mut ctx = BuildContext::new(src);
        ctx.years = self.years;
        ctx.directed = self.directed;
        ctx.prd = self.prd;
        ctx.mids = self.mids;
        ctx.drop_ongoing = self.drop_ongoing;
        ctx.conflicts = self.conflicts;
        ctx.crises = self.crises;
        ctx.chosen = chosen;
        ctx
    }

    /// Builds the frame of the checked variables `chosen` from loaded sources, continuing the
    /// peace spells of `carry` where it holds the years before.
    fn build_from(
        &self,
        dir: &DataDir,
        src: &Sources,
        chosen: &[&'static Var],
        carry: Option<&std::cell::RefCell<PeaceCarry>>,
    ) -> Result<Built, BuildError> {
        // The unit's builders compute the built-in variables; the user's own are joined after.
        let (user, builtin): (Vec<&'static Var>, Vec<&'static Var>) = chosen.iter().partition(|v| v.group == Group::User);
        let mut ctx = self.context(src, builtin);
        ctx.peace_carry = carry;
        let frame = match self.unit {
            Unit::DyadYear => vars::dyad_year::frame(&ctx, units::dyad_year::build(&ctx)?)?,
            Unit::StateYear => vars::state_year::frame(&ctx, units::state_year::build(&ctx)?)?,
            Unit::Joiner => vars::joiner::frame(&ctx, units::joiner::build(&ctx)?)?,
            Unit::Dispute => units::dispute::build(&ctx)?,
            Unit::Mission => units::mission::build(&ctx)?,
            Unit::UsForce => units::us_force::build(&ctx)?,
            Unit::Invocation => vars::invocation::frame(&ctx, units::invocation::build(&ctx)?)?,
            Unit::AllianceYear => units::alliance_year::build(&ctx)?,
            Unit::Commitment => vars::commitment::frame(&ctx, units::commitment::build(&ctx)?)?,
        };
        let mut inputs = src.inputs();
        let frame = if user.is_empty() {
            frame
        } else {
            src.stage("joining the user's own data");
            let (joined, read) = vars::user_data::join(dir, frame, self.unit, &user)?;
            inputs.extend(read);
            let order: Vec<&str> =
                self.unit.keys().iter().copied().chain(chosen.iter().map(|v| v.name)).filter(|c| joined.schema().contains(c)).collect();
            joined.select(order)?
        };
        Ok(Built { frame, notes: ctx.take_notes(), inputs, vars: chosen.to_vec(), years: ctx.built_years() })
    }
}

/// What the composed third-party variables among `chosen` read: ATOP, and the dataset of each
/// condition (major powers, democracy, contiguity, capabilities).
fn composed_datasets(chosen: &[&'static Var]) -> Vec<DatasetId> {
    use crate::types::composed::{parse, Condition};
    let mut out = vec![DatasetId::AtopDdy];
    for c in chosen.iter().filter_map(|v| parse(v.name)) {
        out.push(match c.condition {
            Condition::Major | Condition::Minor => DatasetId::Majors,
            Condition::Democracy | Condition::NonDemocracy => DatasetId::Democracy,
            Condition::ContiguousToOther => DatasetId::Contdird,
            Condition::CincAbove(_) => DatasetId::Nmc,
        });
    }
    out
}
