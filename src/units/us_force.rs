//! US uses of force, 1948–1998 (Tago 2005): one row per use of force, numbered in file order.

use super::{select_columns, BuildContext};
use crate::catalog::DatasetId;
use crate::sources::index::{column, ints};
use crate::types::{BuildError, Unit, Years};
use polars::prelude::*;

/// Builds the us-force frame.
pub fn build(ctx: &BuildContext) -> Result<DataFrame, BuildError> {
    let tago = ctx.src.get(DatasetId::Tago)?;
    let cover = Years::of(DatasetId::Tago);
    let years = ctx.years_within(cover, cover, "Tago (2005)")?;
    let ids: Vec<Option<i32>> = (1..=tago.height() as i32).map(Some).collect();
    let mut frame = tago.clone();
    frame.insert_column(0, column("force_id", ids))?;
    // Tago's (2005) four varieties: procedural (IGO authorization) and operational (coalition)
    // multilateralism, each present or not.
    let (coalition, igo) = (ints(&frame, "coalitional_use_of_force")?, ints(&frame, "igo_authorized_use_of_force")?);
    let varieties: Vec<Option<i32>> = coalition.iter().zip(&igo).map(|(c, i)| Some(2 * (*c)? + (*i)?)).collect();
    frame.with_column(column("multilateralism", varieties))?;
    let (y, force) = (ints(&frame, "start_year")?, ints(&frame, "use_of_force")?);
    let in_years: Vec<bool> = y.iter().map(|y| y.is_some_and(|y| years.contains(y))).collect();
    // Tago (2005) studies the uses of force; the file also lists crises answered without force.
    let crises = (0..y.len()).filter(|&i| in_years[i] && force[i] != Some(1)).count();
    let keep: Vec<bool> = (0..y.len()).map(|i| in_years[i] && (ctx.crises || force[i] == Some(1))).collect();
    let frame = frame.filter(&BooleanChunked::from_slice("keep".into(), &keep))?;
    if ctx.crises {
        ctx.note(format!("{} rows {years}: US uses of force and {crises} crises without force (--crises)", frame.height()));
    } else {
        ctx.note(format!(
            "{} US uses of force {years} (Tago 2005); {crises} crises without force dropped (--crises keeps them)",
            frame.height()
        ));
    }
    Ok(select_columns(frame, Unit::UsForce, &ctx.chosen)?)
}
