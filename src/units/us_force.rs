//! US uses of force, 1948–1998 (Tago 2005): one row per use of force, numbered in file order.

use crate::frame::{select_columns, BuildError, Built, Sources, Spec};
use crate::units::{Unit, Years};
use crate::vars::keyed::{column, ints};
use crate::vars::Var;
use polars::prelude::*;

/// Builds the us-force frame.
pub fn build(src: &Sources, spec: &Spec, chosen: &[&'static Var]) -> Result<Built, BuildError> {
    let tago = src.get("tago")?;
    let cover = Years { first: 1948, last: 1998 };
    let years = spec.checked_years(cover, cover, "Tago (2005)")?;
    let ids: Vec<Option<i32>> = (1..=tago.height() as i32).map(Some).collect();
    let mut frame = tago.clone();
    frame.insert_column(0, column("force_id", ids))?;
    let y = ints(&frame, "start_year")?;
    let keep: Vec<bool> = y.iter().map(|y| y.is_some_and(|y| years.contains(y))).collect();
    let frame = frame.filter(&BooleanChunked::from_slice("keep".into(), &keep))?;
    let frame = select_columns(frame, Unit::UsForce, chosen)?;
    Ok(Built { notes: vec![format!("{} US uses of force {years}", frame.height())], frame })
}
