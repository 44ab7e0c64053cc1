//! allywar: quantitative research on alliances and war.
//!
//! The crate loads the standard conflict and alliance datasets (COW MID 5.0, GML MID, ATOP, NMC,
//! contiguity, system membership, democracy, capitals, rivalries, peacekeeping missions, Tago's
//! US uses of force, ...) into typed polars frames. The flow is
//! [`catalog`] → fetch/verify → [`sources`] (one loader per dataset family) → [`units`]
//! (universes of observations) → [`vars`] (variables) → [`frame`] (a built frame) → [`output`]
//! (Parquet, Arrow, CSV, Stata). Imports run the other way only: a module uses those below it in
//! that list, and [`types`] (units, years, dispute sources, the variable registry, errors) sits at
//! the bottom with the catalog.
//!
//! ```no_run
//! use allywar::{DataDir, sources};
//! let dir = DataDir::resolve(None); // --data-dir, then $ALLYWAR_DATA, then ./data/raw
//! let nmc = sources::capabilities::nmc(&dir)?;
//! println!("{}", nmc.head(Some(3)));
//! # Ok::<(), allywar::sources::LoadError>(())
//! ```
//!
//! COW Formal Alliances are deliberately not supported (their maintainer asked that software
//! not facilitate their use): ATOP is the alliance source.
#![warn(missing_docs)]

pub mod atomic;
pub mod bench;
pub mod catalog;
pub mod cmd;
pub mod datadir;
pub mod estimate;
pub mod expr;
pub mod fetch;
pub mod frame;
pub mod input;
pub mod output;
pub mod pins;
pub mod report;
pub mod sources;
pub mod suggest;
pub mod timing;
pub mod types;
pub mod units;
pub mod vars;
pub mod verify;

pub use catalog::{catalog, Catalog, Dataset};
pub use datadir::DataDir;
