//! Rates with intervals clustered on the conflict: the share of invoked commitments honoured,
//! row by row of a `[[rates]]` table (a period, a pact type, the ally or the alliance level),
//! each beside the published rate of the same quantity. Rows of one war are not independent
//! (one war can supply dozens of ally-partner pairs), so the 95% interval is a percentile
//! cluster bootstrap over conflicts, seeded so reruns print the same numbers.

use super::figure::{Chart, Interval};
use super::frame_spec::FrameSpec;
use super::listing::Listing;
use super::table::thousands;
use crate::estimate::predict::Rng;
use polars::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// One `[[rates]]` table of a study.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatesSpec {
    /// File name (without extension) of the table and its figure.
    pub name: String,
    /// Title.
    pub title: String,
    /// The 0/1 outcome (null rows are not scored).
    #[serde(default = "fulfilled")]
    pub outcome: String,
    /// The cluster column (a key of the frame).
    #[serde(default = "conflict_id")]
    pub cluster: String,
    /// Bootstrap draws.
    #[serde(default = "draws")]
    pub draws: usize,
    /// Bootstrap seed.
    #[serde(default = "seed")]
    pub seed: u64,
    /// Frame options that differ from the study's (a filter applies to every row).
    #[serde(default)]
    pub frame: FrameSpec,
    /// The rows.
    #[serde(rename = "row")]
    pub rows: Vec<RateRow>,
}

fn fulfilled() -> String {
    "fulfilled".into()
}
fn conflict_id() -> String {
    "conflict_id".into()
}
fn draws() -> usize {
    2000
}
fn seed() -> u64 {
    20_180_401
}

/// One rate: which rows, at which level, and the published rate beside it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRow {
    /// Row label.
    pub label: String,
    /// Rows kept: `column OP number` joined by `and`.
    #[serde(default)]
    pub filter: Option<Spanned<String>>,
    /// Rows whose `pact_type` is this (defense, offense, neutrality, nonaggression).
    #[serde(default)]
    pub pact_type: Option<String>,
    /// Rows whose `obligation` is this (every obligation judged by its own rule).
    #[serde(default)]
    pub obligation: Option<String>,
    /// One row per alliance × conflict instead of one per commitment: `every` (honoured when
    /// every ally it called on did as promised) or `any` (when at least one did).
    #[serde(default)]
    pub alliance: Option<AllianceRule>,
    /// The published rate of the same quantity.
    #[serde(default)]
    pub published: Option<PublishedRate>,
}

/// When an alliance counts as honoured in a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AllianceRule {
    /// Every ally it called on did as promised.
    Every,
    /// At least one did.
    Any,
}

/// A published rate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedRate {
    /// The rate (a fraction).
    pub value: f64,
    /// Who published it.
    pub source: String,
    /// How the design here differs from the published one (case universe, coding of
    /// fulfilment); the two are set side by side, never tested against each other.
    pub differs: String,
}

/// One computed rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    /// Row label.
    pub label: String,
    /// Scored rows (commitments, or alliance × conflict pairs).
    pub n: usize,
    /// Conflicts they come from.
    pub clusters: usize,
    /// Co-belligerent rows left out of the rate (already at war on the partner's side).
    pub co_belligerents: usize,
    /// The share honoured.
    pub rate: f64,
    /// 2.5th percentile of the cluster bootstrap.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
    /// The largest share of the scored rows one conflict supplies, and which.
    pub largest: (usize, i64),
    /// The published rate, its source and how the designs differ.
    pub published: Option<PublishedRate>,
}

/// Computes the rates of `spec` from `df` (already filtered by the table's frame filter); `rows`
/// holds each row's parsed filter.
pub fn compute(spec: &RatesSpec, df: &DataFrame, rows: &[super::frames::RowFilter]) -> PolarsResult<Vec<Rate>> {
    let mut out = Vec::new();
    for (r, filter) in spec.rows.iter().zip(rows) {
        let mut sub = super::frames::filtered(df, filter)?;
        for (column, value) in [("pact_type", &r.pact_type), ("obligation", &r.obligation)] {
            if let Some(v) = value {
                sub = sub.lazy().filter(col(column).eq(lit(v.as_str()))).collect()?;
            }
        }
        let co_belligerents = match sub.column("co_belligerent") {
            Ok(c) => c.cast(&DataType::Int32)?.i32()?.iter().filter(|v| *v == Some(1)).count(),
            Err(_) => 0,
        };
        let scored = sub.lazy().filter(col(spec.outcome.as_str()).is_not_null());
        let outcome = col(spec.outcome.as_str());
        let scored = match r.alliance {
            Some(rule) => scored.group_by([col("atopid"), col(spec.cluster.as_str())]).agg([match rule {
                AllianceRule::Every => outcome.min(),
                AllianceRule::Any => outcome.max(),
            }]),
            None => scored,
        }
        .collect()?;
        let cluster = scored.column(&spec.cluster)?.cast(&DataType::Int64)?;
        let y = scored.column(&spec.outcome)?.cast(&DataType::Float64)?;
        // Per conflict: (honoured, scored), in conflict order.
        let mut by: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
        for (g, v) in cluster.i64()?.iter().zip(y.f64()?.iter()) {
            if let (Some(g), Some(v)) = (g, v) {
                let e = by.entry(g).or_default();
                e.0 += v;
                e.1 += 1.0;
            }
        }
        let sums: Vec<(f64, f64)> = by.values().copied().collect();
        let n: f64 = sums.iter().map(|s| s.1).sum();
        let rate = sums.iter().map(|s| s.0).sum::<f64>() / n;
        let (low, high) = bootstrap(&sums, spec.draws, spec.seed);
        let largest = by.iter().max_by(|a, b| a.1 .1.total_cmp(&b.1 .1).then(b.0.cmp(a.0))).map_or((0, 0), |(g, s)| (s.1 as usize, *g));
        out.push(Rate {
            label: r.label.clone(),
            n: n as usize,
            clusters: sums.len(),
            co_belligerents,
            rate,
            low,
            high,
            largest,
            published: r.published.clone(),
        });
    }
    Ok(out)
}

/// Percentile interval of the ratio Σhonoured / Σscored over conflicts drawn with replacement.
fn bootstrap(sums: &[(f64, f64)], draws: usize, seed: u64) -> (f64, f64) {
    if sums.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mut rng = Rng::new(seed);
    let g = sums.len();
    let mut rates: Vec<f64> = (0..draws)
        .map(|_| {
            let (mut y, mut n) = (0.0, 0.0);
            for _ in 0..g {
                let k = ((rng.uniform() * g as f64) as usize).min(g - 1);
                y += sums[k].0;
                n += sums[k].1;
            }
            y / n
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    let at = |q: f64| rates[((q * (draws - 1) as f64).round() as usize).min(draws - 1)];
    (at(0.025), at(0.975))
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", 100.0 * x)
    } else {
        String::new()
    }
}

/// The rates as a listing: one line per rate, the published rate and the differences of design
/// beside it (those three columns only when some rate has a published one).
pub fn listing(rates: &[Rate]) -> Listing {
    let mut headings = vec![
        "Rate",
        "Honoured",
        "95% interval (cluster bootstrap over conflicts)",
        "Scored",
        "Conflicts",
        "Largest conflict's share",
        "Co-belligerent commitments (not in the rate)",
        "Published",
        "Published value inside the interval",
        "Differences of design",
    ];
    let published = rates.iter().any(|r| r.published.is_some());
    if !published {
        headings.truncate(headings.len() - 3);
    }
    let rows = rates
        .iter()
        .map(|r| {
            let (published, inside, differs) = match &r.published {
                Some(p) => (
                    format!("{} ({})", pct(p.value), p.source),
                    if r.low <= p.value && p.value <= r.high { "yes" } else { "no" }.to_string(),
                    p.differs.clone(),
                ),
                None => (String::new(), String::new(), String::new()),
            };
            let mut row = vec![
                r.label.clone(),
                pct(r.rate),
                format!("[{}, {}]", pct(r.low), pct(r.high)),
                thousands(r.n),
                r.clusters.to_string(),
                if r.n > 0 { format!("{} (conflict {})", pct(r.largest.0 as f64 / r.n as f64), r.largest.1) } else { String::new() },
                thousands(r.co_belligerents),
                published,
                inside,
                differs,
            ];
            row.truncate(headings.len());
            row
        })
        .collect();
    Listing { columns: headings.iter().map(|h| h.to_string()).collect(), headings: headings.iter().map(|h| h.to_string()).collect(), rows }
}

/// Points with their intervals, and each published rate as a second series (a marker).
pub fn chart(rates: &[Rate]) -> Chart {
    let mut items = Vec::new();
    for r in rates {
        items.push(Interval { category: r.label.clone(), series: "Measured here".into(), estimate: r.rate, low: r.low, high: r.high });
        if let Some(p) = &r.published {
            items.push(Interval { category: r.label.clone(), series: "Published".into(), estimate: p.value, low: p.value, high: p.value });
        }
    }
    Chart::Intervals { items, x_label: "Share honoured, with 95% cluster-bootstrap interval".into(), reference: Some(0.0) }
}

/// The findings' sentence on one rates table: each rate with its interval, and the published
/// rate beside it where there is one (side by side, never tested: the designs differ, and the
/// table says how).
pub fn sentence(title: &str, rates: &[Rate]) -> String {
    let parts: Vec<String> = rates
        .iter()
        .map(|r| {
            let own =
                format!("{} {} [{}, {}] of {} in {} conflicts", r.label, pct(r.rate), pct(r.low), pct(r.high), thousands(r.n), r.clusters);
            match &r.published {
                Some(p) => format!("{own} (published: {}, {})", pct(p.value), p.source),
                None => own,
            }
        })
        .collect();
    let published = rates.iter().any(|r| r.published.is_some());
    let tail = if published {
        " The published rates come from designs that differ from this one, listed in the table; they are set beside, not tested against, these."
    } else {
        ""
    };
    format!("{title}: {}.{tail}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bootstrap_of_identical_conflicts_is_a_point() {
        let sums = vec![(1.0, 2.0); 10];
        assert_eq!(bootstrap(&sums, 200, 1), (0.5, 0.5));
    }

    #[test]
    fn bootstrap_is_seeded_and_covers_the_rate() {
        let sums: Vec<(f64, f64)> = (0..30).map(|i| ((i % 3) as f64, 2.0)).collect();
        let a = bootstrap(&sums, 500, 7);
        assert_eq!(a, bootstrap(&sums, 500, 7));
        assert!(a.0 < 0.5 && 0.5 < a.1, "{a:?}");
    }
}
