//! Disputes: one row per MID with its coalition sizes and escalation (STUDIES.md §1, §5c).

use super::{select_columns, BuildContext};
use crate::catalog::DatasetId;
use crate::sources::index::{column, ints, keys};
use crate::sources::participants::participants;
use crate::types::{BuildError, Mids, Unit};
use polars::prelude::*;
use std::collections::BTreeMap;

/// Dispute-level attributes.
#[derive(Debug, Clone, Copy, Default)]
struct Dispute {
    styear: Option<i32>,
    endyear: Option<i32>,
    numa: Option<i32>,
    numb: Option<i32>,
    hostlev: Option<i32>,
    fatality: Option<i32>,
    outcome: Option<i32>,
    settle: Option<i32>,
}

fn disputes(ctx: &BuildContext, mids: Mids) -> Result<BTreeMap<i32, Dispute>, BuildError> {
    let mut out = BTreeMap::new();
    match mids.ddy() {
        None => {
            let a = ctx.src.get(DatasetId::CowMida)?;
            let d = keys(&a, "dispnum")?;
            let cols: Vec<Vec<Option<i32>>> = ["styear", "endyear", "numa", "numb", "hostlev", "fatality", "outcome", "settle"]
                .iter()
                .map(|c| ints(&a, c))
                .collect::<PolarsResult<_>>()?;
            for i in 0..d.len() {
                out.insert(
                    d[i],
                    Dispute {
                        styear: cols[0][i],
                        endyear: cols[1][i],
                        numa: cols[2][i],
                        numb: cols[3][i],
                        hostlev: cols[4][i],
                        fatality: cols[5][i],
                        outcome: cols[6][i],
                        settle: cols[7][i],
                    },
                );
            }
        }
        Some(ddy) => {
            // GML ships dispute attributes on every dispute-dyad-year row (2.0 has no side counts).
            let g = ctx.src.get(ddy)?;
            let (d, y) = (keys(&g, "dispnum")?, keys(&g, "year")?);
            let column = |c: &str| if g.schema().contains(c) { ints(&g, c) } else { Ok(vec![None; d.len()]) };
            let cols: Vec<Vec<Option<i32>>> =
                ["numa", "numb", "hostlev", "fatality", "outcome", "settle"].iter().map(|c| column(c)).collect::<PolarsResult<_>>()?;
            for i in 0..d.len() {
                let e = out.entry(d[i]).or_insert(Dispute {
                    numa: cols[0][i],
                    numb: cols[1][i],
                    hostlev: cols[2][i],
                    fatality: cols[3][i],
                    outcome: cols[4][i],
                    settle: cols[5][i],
                    ..Dispute::default()
                });
                e.styear = Some(e.styear.map_or(y[i], |s| s.min(y[i])));
                e.endyear = Some(e.endyear.map_or(y[i], |s| s.max(y[i])));
            }
        }
    }
    Ok(out)
}

/// Builds the dispute frame.
pub fn build(ctx: &BuildContext) -> Result<DataFrame, BuildError> {
    let cover = ctx.mids.coverage();
    let years = ctx.years_within(cover, cover, &format!("the dispute data (--mids {})", ctx.mids.name()))?;
    let all = disputes(ctx, ctx.mids)?;
    let rows: Vec<(i32, Dispute)> = all.into_iter().filter(|(_, d)| d.styear.is_some_and(|y| years.contains(y))).collect();
    let get = |f: &dyn Fn(&Dispute) -> Option<i32>| rows.iter().map(|(_, d)| f(d)).collect::<Vec<Option<i32>>>();
    let (orig_a, orig_b) = originators(ctx, &rows)?;
    let orig_size = orig_a_b_sum(&orig_a, &orig_b);
    let flag = |f: &dyn Fn(&Dispute) -> Option<bool>| rows.iter().map(|(_, d)| f(d).map(i32::from)).collect::<Vec<Option<i32>>>();
    let cols = vec![
        column("dispnum", rows.iter().map(|(k, _)| Some(*k)).collect()),
        column("styear", get(&|d| d.styear)),
        column("endyear", get(&|d| d.endyear)),
        column("numa", get(&|d| d.numa)),
        column("numb", get(&|d| d.numb)),
        column("coalition_size", get(&|d| Some(d.numa? + d.numb?))),
        column("orig_a", orig_a),
        column("orig_b", orig_b),
        column("orig_size", orig_size),
        column("hostlev", get(&|d| d.hostlev)),
        column("war", flag(&|d| d.hostlev.map(|h| h == 5))),
        column("fatality", get(&|d| d.fatality)),
        column("fatal", flag(&|d| d.fatality.map(|f| f > 0))),
        column("outcome", get(&|d| d.outcome)),
        column("side_a_victory", flag(&|d| d.outcome.map(|o| o == 1))),
        column("settle", get(&|d| d.settle)),
    ];
    ctx.note(format!("{} disputes starting {years} (--mids {})", rows.len(), ctx.mids.name()));
    Ok(select_columns(DataFrame::new(rows.len(), cols)?, Unit::Dispute, &ctx.chosen)?)
}

/// Originators on each side of each dispute, from the source's participant file (null for a
/// dispute the file does not list, and for every dispute of a source without one: GML 2.1.1);
/// the file is read only when one of their columns is chosen.
type SideCounts = (Vec<Option<i32>>, Vec<Option<i32>>);

fn originators(ctx: &BuildContext, rows: &[(i32, Dispute)]) -> Result<SideCounts, BuildError> {
    if !ctx.chosen.iter().any(|v| v.name.starts_with("orig_")) {
        return Ok((vec![None; rows.len()], vec![None; rows.len()]));
    }
    let Ok(file) = ctx.mids.participants() else {
        ctx.note(format!("orig_a, orig_b: --mids {} ships no participant file; null", ctx.mids.name()));
        return Ok((vec![None; rows.len()], vec![None; rows.len()]));
    };
    let parts = participants(&ctx.src.get(file)?)?;
    let count = |d: i32, side_a: bool| parts.get(&d).map(|ps| ps.values().filter(|p| p.orig && p.sidea == side_a).count() as i32);
    Ok((rows.iter().map(|(d, _)| count(*d, true)).collect(), rows.iter().map(|(d, _)| count(*d, false)).collect()))
}

fn orig_a_b_sum(a: &[Option<i32>], b: &[Option<i32>]) -> Vec<Option<i32>> {
    a.iter().zip(b).map(|(a, b)| Some((*a)? + (*b)?)).collect()
}

/// Start year of every dispute of a source (used by the joiner unit).
pub fn start_years(ctx: &BuildContext, mids: Mids) -> Result<BTreeMap<i32, i32>, BuildError> {
    Ok(disputes(ctx, mids)?.into_iter().filter_map(|(k, d)| Some((k, d.styear?))).collect())
}
