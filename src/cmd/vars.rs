//! `allywar vars [UNIT]`: every variable a unit can carry, with its definition, source and
//! years (for dispute variables, the years of the dispute source: `--mids` picks one).

use super::Out;
use crate::types::{Mids, Source, Unit};
use anyhow::Result;
use std::fmt::Write as _;
use std::process::ExitCode;

/// List the variables of a unit (all units if none is named).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Unit (all units if omitted).
    #[arg(value_enum)]
    pub unit: Option<Unit>,
    /// Show the years of this dispute source for dispute variables (default: both).
    #[arg(long, value_enum)]
    pub mids: Option<Mids>,
    /// Machine-readable output on stdout.
    #[arg(long)]
    pub json: bool,
    /// The data directory whose user catalog's datasets (`allywar data add`) are listed too.
    #[command(flatten)]
    pub data: super::DataArgs,
}

struct Row {
    unit: Unit,
    name: &'static str,
    kind: &'static str,
    definition: &'static str,
    source: String,
    years: Vec<(Option<Mids>, i32, i32)>,
}

/// Runs `allywar vars`.
pub fn run(args: Args, out: &mut Out) -> Result<ExitCode> {
    args.data.dir()?;
    let units: Vec<Unit> = args.unit.map_or_else(|| Unit::ALL.to_vec(), |u| vec![u]);
    // The earlier GML releases cover the same years as 2.2.1: `--mids` names one to see it.
    let sources: Vec<Mids> = args.mids.map_or_else(|| vec![Mids::Gml, Mids::Cow5], |m| vec![m]);
    let mut rows = Vec::new();
    for &unit in &units {
        for k in unit.keys() {
            rows.push(Row { unit, name: k, kind: "key", definition: unit.key_definition(k), source: String::new(), years: vec![] });
        }
        for v in crate::vars::for_unit(unit, true) {
            let (source, years) = match v.source {
                Source::Mids => {
                    let src: Vec<String> = sources.iter().map(|m| format!("{} (--mids {})", m.dataset(), m.name())).collect();
                    let years = sources.iter().map(|m| (Some(*m), m.coverage().first, m.coverage().last)).collect();
                    (src.join(" or "), years)
                }
                Source::User(dataset, y) => (format!("user data `{dataset}`"), vec![(None, y.first, y.last)]),
                s => {
                    let y = s.years(Mids::Gml);
                    (s.dataset(Mids::Gml).map(|d| d.name().to_string()).unwrap_or_default(), vec![(None, y.first, y.last)])
                }
            };
            let kind = if v.directed_only { "directed only" } else { "variable" };
            rows.push(Row { unit, name: v.name, kind, definition: v.definition, source, years });
        }
        if unit == Unit::DyadYear {
            let y = Source::Data(crate::catalog::DatasetId::AtopDdy).years(Mids::Gml);
            rows.push(Row {
                unit,
                name: "tgt_def[major] ...",
                kind: "composed",
                definition: crate::types::composed::SYNTAX,
                source: "atop_ddy, and majors, democracy, contdird or nmc for the condition".into(),
                years: vec![(None, y.first, y.last)],
            });
        }
    }
    if args.json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                let years: Vec<serde_json::Value> = r
                    .years
                    .iter()
                    .map(|(m, a, b)| serde_json::json!({"mids": m.map(|m| m.name()), "first": a, "last": b}))
                    .collect();
                serde_json::json!({"unit": r.unit.name(), "name": r.name, "kind": r.kind, "definition": r.definition, "source": r.source, "years": years})
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    for u in &units {
        writeln!(out, "{u}")?;
        for r in rows.iter().filter(|r| r.unit == *u) {
            let years: Vec<String> = r
                .years
                .iter()
                .map(|(m, a, b)| match m {
                    Some(m) if sources.len() > 1 => format!("{} {a}–{b}", m.name()),
                    _ => format!("{a}–{b}"),
                })
                .collect();
            let years = if years.is_empty() { String::new() } else { format!(" [{}]", years.join("; ")) };
            let src = if r.source.is_empty() { String::new() } else { format!(" ({})", r.source) };
            let tag = if r.kind == "key" { " (key)" } else { "" };
            writeln!(out, "  {:<28} {}{tag}{src}{years}", r.name, r.definition)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
