//! `reproduce`'s work for one study: build each distinct frame once (models that share unit,
//! years and options share a frame carrying the union of their columns), keep the rows of each
//! model's filter, fit every model, and write results.json, the table in four formats and the
//! figures into the study's folder.

use super::figure::{self, Chart, Interval, Series};
use super::findings::GroupMean;
use super::frames::{build_frames, filtered, frame_key};
use super::listing::Listing;
use super::spec::{Checked, Planned};
use super::table::{self, Column};
use crate::datadir::DataDir;
use crate::estimate::{estimate_with, Options, Results};
use crate::frame::{BuildError, Spec as FrameRequest};
use crate::sources::Input;
use crate::timing::Stage;
use polars::prelude::*;
use std::path::Path;

/// Why a study failed.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// A frame could not be built.
    #[error("building its frame: {0}")]
    Build(#[from] BuildError),
    /// A model could not be fitted.
    #[error("model `{model}`: {error}")]
    Fit {
        /// The model's name.
        model: String,
        /// Why.
        error: crate::estimate::EstimateError,
    },
    /// A model did not converge.
    #[error("model `{model}` did not converge in {iterations} iterations")]
    NotConverged {
        /// The model's name.
        model: String,
        /// Iterations used.
        iterations: usize,
    },
    /// A frame operation failed.
    #[error("{0}")]
    Frame(#[from] PolarsError),
    /// An output could not be written.
    #[error("{0}")]
    Figure(#[from] figure::FigureError),
    /// The multiverse failed.
    #[error("multiverse: {0}")]
    Multiverse(#[from] super::multiverse::MultiverseError),
    /// An output could not be written.
    #[error("{path}: {error}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
}

/// What a study produced, for the report.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The study.
    pub study: Checked,
    /// Each model's name and results.
    pub results: Vec<(String, Results)>,
    /// Every input read, once each, by dataset name.
    pub inputs: Vec<Input>,
    /// Notes from the builds.
    pub notes: Vec<String>,
    /// The table as HTML.
    pub table_html: String,
    /// Figures written: file stem and title.
    pub figures: Vec<(String, String)>,
    /// Sentences on the figures drawn from the data (series by year, means and shares by group).
    pub descriptions: Vec<String>,
    /// Listings written: file stem, title and rows.
    pub listings: Vec<(String, String, Listing)>,
    /// The multiverse, when the study has one.
    pub multiverse: Option<super::multiverse::Written>,
    /// Published results beside their replications and the extensions.
    pub replications: Vec<super::replication::Replication>,
}

/// Fits one planned model on its frame.
pub fn fit(planned: &Planned, df: &DataFrame) -> Result<Results, StudyError> {
    let rows = two_sd(filtered(df, &planned.filter)?, &planned.standardize)?;
    let options = Options { first_differences: planned.fd.clone(), ..Options::default() };
    let r = estimate_with(&rows, &planned.formula, planned.model, &planned.se, &options)
        .map_err(|error| StudyError::Fit { model: planned.name.clone(), error })?;
    if !r.glance.converged {
        return Err(StudyError::NotConverged { model: planned.name.clone(), iterations: r.glance.iterations });
    }
    Ok(r)
}

/// `columns` centred and divided by two standard deviations of their non-null values in `df`.
fn two_sd(df: DataFrame, columns: &[String]) -> Result<DataFrame, PolarsError> {
    if columns.is_empty() {
        return Ok(df);
    }
    let scaled: Vec<Expr> = columns
        .iter()
        .map(|c| {
            let x = col(c.as_str()).cast(DataType::Float64);
            ((x.clone() - x.clone().mean()) / (lit(2.0) * x.std(1))).alias(c.as_str())
        })
        .collect();
    df.lazy().with_columns(scaled).collect()
}

fn write(path: &Path, text: &str) -> Result<(), StudyError> {
    crate::atomic::write_bytes(path, text.as_bytes()).map_err(|error| StudyError::Write { path: path.display().to_string(), error })
}

/// The JSON of a study's inputs.
pub fn inputs_json(inputs: &[Input]) -> serde_json::Value {
    inputs
        .iter()
        .map(|i| serde_json::json!({"dataset": i.dataset, "version": i.version, "sha256": i.sha256, "verified": i.verified}))
        .collect()
}

/// Runs a study: frames, fits, and every output into `folder`.
pub fn run(study: &Checked, dir: &DataDir, folder: &Path, progress: &(dyn Fn(&str) + Sync)) -> Result<Outcome, StudyError> {
    let from_data = |kind: &str| matches!(kind, "per_year" | "mean_by" | "share_by" | "network");
    let mut requests: Vec<&FrameRequest> = study.models.iter().map(|m| &m.frame).collect();
    for (f, (r, _)) in study.study.figures.iter().zip(&study.figure_frames) {
        if from_data(f.kind.get_ref()) {
            requests.push(r);
        }
    }
    requests.extend(study.listing_frames.iter().map(|(r, _)| r));
    requests.extend(study.rate_frames.iter().map(|(r, _, _)| r));
    requests.extend(study.multiverse.iter().flat_map(|m| m.specs.iter().map(|s| &s.frame)));
    let (frames, mut inputs, notes) = build_frames(&requests, &study.derived, dir, &|s| progress(s))?;
    let mut episodes = Vec::new();
    for (e, cases) in study.study.episodes.iter().zip(&study.episode_cases) {
        progress(&format!("locating {}", e.name));
        let src = crate::sources::Sources::new(dir);
        let (listing, read) = super::episodes::locate(e, cases, &src)?;
        for i in read {
            if !inputs.iter().any(|j| j.dataset == i.dataset) {
                inputs.push(i);
            }
        }
        episodes.push((e.name.clone(), e.title.clone(), listing));
    }
    inputs.sort_by(|a, b| a.dataset.cmp(&b.dataset));
    let mut results = Vec::new();
    for m in &study.models {
        progress(&format!("fitting {}", m.name));
        let df = &frames[&frame_key(&m.frame)];
        let t = Stage::start();
        results.push((m.name.clone(), fit(m, df)?));
        t.done(&format!("fit {}", m.name));
    }
    let labels = &study.study.labels;
    let columns: Vec<Column> = results.iter().map(|(name, r)| Column { name, results: r }).collect();
    let json = serde_json::json!({
        "allywar": env!("CARGO_PKG_VERSION"),
        "study": study.id,
        "data": inputs_json(&inputs),
        "models": results.iter().map(|(name, r)| {
            let mut j = r.to_json(inputs_json(&inputs));
            j["name"] = serde_json::Value::String(name.clone());
            j
        }).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
    text.push('\n');
    write(&folder.join("results.json"), &text)?;
    let replications = super::replication::replications(study, &results);
    if !replications.is_empty() {
        write(&folder.join("replication.md"), &super::replication::markdown(&replications, labels))?;
        write(&folder.join("replication.csv"), &super::replication::csv(&replications))?;
    }
    let mut table_html = String::new();
    if !columns.is_empty() {
        let t = table::layout(&columns, labels);
        write(&folder.join("table.md"), &t.markdown())?;
        write(&folder.join("table.tex"), &t.latex())?;
        table_html = t.html();
        write(&folder.join("table.html"), &table_html)?;
        write(&folder.join("table.csv"), &table::csv(&columns, labels))?;
    }
    let mut figures = Vec::new();
    let mut descriptions = Vec::new();
    for (f, (request, filter)) in study.study.figures.iter().zip(&study.figure_frames) {
        let study_frame = if from_data(f.kind.get_ref()) { Some(filtered(&frames[&frame_key(request)], filter)?) } else { None };
        progress(&format!("drawing {}", f.name));
        let t = Stage::start();
        let label = |t: &str| labels.get(t).cloned().unwrap_or_else(|| t.to_string());
        let chart = match f.kind.get_ref().as_str() {
            "coefficients" => Chart::Intervals {
                items: results
                    .iter()
                    .flat_map(|(name, r)| {
                        f.terms.iter().filter_map(move |t| r.coefficients.iter().find(|c| &c.term == t.get_ref())).map(move |c| Interval {
                            category: label(&c.term),
                            series: name.clone(),
                            estimate: c.estimate,
                            low: c.conf_low,
                            high: c.conf_high,
                        })
                    })
                    .collect(),
                x_label: f.y_label.clone().unwrap_or_else(|| "Coefficient, with 95% confidence interval".into()),
                reference: Some(0.0),
            },
            "first_differences" => Chart::Intervals {
                items: results
                    .iter()
                    .flat_map(|(name, r)| {
                        r.first_differences.iter().map(move |d| Interval {
                            category: name.clone(),
                            series: format!("{} {} → {}", label(&d.column), d.from, d.to),
                            estimate: d.estimate,
                            low: d.conf_low,
                            high: d.conf_high,
                        })
                    })
                    .collect(),
                x_label: f.y_label.clone().unwrap_or_else(|| "Change in the expected outcome, with simulated 95% interval".into()),
                reference: Some(0.0),
            },
            "per_year" => {
                let df = study_frame.as_ref().ok_or_else(|| PolarsError::NoData("no frame".into()))?;
                let by = f.by.as_ref().map_or("year".to_string(), |b| b.get_ref().clone());
                let mut series = Vec::new();
                for c in &f.columns {
                    series.push(Series { name: label(c.get_ref()), points: sum_by_year(df, &by, Some(c.get_ref()))? });
                }
                if f.columns.is_empty() {
                    series.push(Series { name: f.y_label.clone().unwrap_or_else(|| "Rows".into()), points: sum_by_year(df, &by, None)? });
                }
                let several = series.len() > 1;
                descriptions.extend(series.iter().filter_map(|s| {
                    let name = if several { format!("{}, {}", f.title, s.name) } else { f.title.clone() };
                    super::findings::series_sentence(&name, &s.points)
                }));
                Chart::Lines { series, y_label: f.y_label.clone().unwrap_or_else(|| "Count".into()) }
            }
            "network" => {
                let df = study_frame.as_ref().ok_or_else(|| PolarsError::NoData("no frame".into()))?;
                let column = f.columns.first().map_or("def_any", |c| c.get_ref().as_str());
                let (chart, sentence) = network(df, column, &f.title, dir)?;
                descriptions.push(sentence);
                chart
            }
            kind => {
                let df = study_frame.as_ref().ok_or_else(|| PolarsError::NoData("no frame".into()))?;
                let by = f.by.as_ref().map_or("year".to_string(), |b| b.get_ref().clone());
                let mut items = Vec::new();
                let share = kind == "share_by";
                for c in &f.columns {
                    let mut groups = Vec::new();
                    for g in mean_by(df, &by, c.get_ref(), share)? {
                        let category = f.levels.get(&g.group).cloned().unwrap_or_else(|| format!("{} = {}", label(&by), g.group));
                        items.push(Interval {
                            category: category.clone(),
                            series: label(c.get_ref()),
                            estimate: g.mean,
                            low: g.low,
                            high: g.high,
                        });
                        groups.push((category, g));
                    }
                    let name =
                        if f.columns.len() > 1 { format!("{}, {}", f.title, label(c.get_ref()).to_lowercase()) } else { f.title.clone() };
                    descriptions.extend(super::findings::groups_sentence(&name, &groups, share));
                    if let Some(p) = &f.published {
                        let level = f.levels.get(&p.level).cloned().unwrap_or_else(|| p.level.clone());
                        if let Some((_, g)) = groups.iter().find(|(category, _)| *category == level) {
                            descriptions.push(super::findings::published_sentence(p, &label(c.get_ref()), &level, g, share));
                        }
                    }
                }
                Chart::Intervals {
                    items,
                    x_label: f.y_label.clone().unwrap_or_else(|| "Mean, with 95% confidence interval".into()),
                    // Shares are read against zero.
                    reference: share.then_some(0.0),
                }
            }
        };
        figure::write(&chart, &f.title, &folder.join(&f.name))?;
        t.done(&format!("draw {}", f.name));
        figures.push((f.name.clone(), f.title.clone()));
    }
    let mut listings = Vec::new();
    for (l, (request, filter)) in study.study.listings.iter().zip(&study.listing_frames) {
        let rows = filtered(&frames[&frame_key(request)], filter)?;
        let columns: Vec<String> = l.columns.iter().map(|c| c.get_ref().clone()).collect();
        let listing = Listing::from_frame(&rows, &columns, labels)?;
        write(&folder.join(format!("{}.md", l.name)), &listing.markdown())?;
        write(&folder.join(format!("{}.csv", l.name)), &listing.csv())?;
        write(&folder.join(format!("{}.html", l.name)), &listing.html())?;
        listings.push((l.name.clone(), l.title.clone(), listing));
    }
    for (r, (request, filter, rows)) in study.study.rates.iter().zip(&study.rate_frames) {
        progress(&format!("rates {}", r.name));
        let rates = super::rates::compute(r, &filtered(&frames[&frame_key(request)], filter)?, rows)?;
        let listing = super::rates::listing(&rates);
        descriptions.push(super::rates::sentence(&r.title, &rates));
        figure::write(&super::rates::chart(&rates), &r.title, &folder.join(&r.name))?;
        figures.push((r.name.clone(), r.title.clone()));
        episodes.push((r.name.clone(), r.title.clone(), listing));
    }
    for (name, title, listing) in episodes {
        write(&folder.join(format!("{name}.md")), &listing.markdown())?;
        write(&folder.join(format!("{name}.csv")), &listing.csv())?;
        write(&folder.join(format!("{name}.html")), &listing.html())?;
        listings.push((name, title, listing));
    }
    let multiverse = match &study.multiverse {
        Some(m) => {
            let jobs = std::thread::available_parallelism().map_or(1, usize::from);
            let t = Stage::start();
            let ran = super::multiverse::run::run(m, &m.term, &frames, jobs, progress);
            t.done(&format!("multiverse: {} specifications", m.specs.len()));
            Some(super::multiverse::write(m, &m.term, &ran, folder)?)
        }
        None => None,
    };
    Ok(Outcome { study: study.clone(), results, inputs, notes, table_html, figures, descriptions, listings, multiverse, replications })
}

/// The network of the pairs where `column` is 1 (each unordered pair once): states in COW code
/// order around the circle, labelled by abbreviation and coloured by region; and a sentence
/// on its size and best-connected states.
fn network(df: &DataFrame, column: &str, title: &str, dir: &DataDir) -> Result<(Chart, String), StudyError> {
    let keys = |c: &str| crate::sources::index::keys(df, c);
    let (c1, c2) = (keys("ccode1")?, keys("ccode2")?);
    let on = crate::sources::index::ints(df, column)?;
    let pairs: std::collections::BTreeSet<(i32, i32)> =
        (0..c1.len()).filter(|&i| on[i] == Some(1)).map(|i| (c1[i].min(c2[i]), c1[i].max(c2[i]))).collect();
    let states: Vec<i32> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let names = crate::sources::load_id(dir, crate::catalog::DatasetId::States).map_err(BuildError::from)?;
    let abb = crate::sources::system::abbreviations(&names)?;
    let nodes: Vec<(String, usize)> =
        states.iter().map(|&c| (abb.get(&c).cloned().unwrap_or_else(|| c.to_string()), crate::types::region::index(c))).collect();
    let pos = |c: i32| states.binary_search(&c).unwrap_or(0);
    let edges: Vec<(usize, usize)> = pairs.iter().map(|&(a, b)| (pos(a), pos(b))).collect();
    let mut degree: Vec<(usize, &str)> =
        (0..states.len()).map(|i| (edges.iter().filter(|e| e.0 == i || e.1 == i).count(), nodes[i].0.as_str())).collect();
    degree.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let top: Vec<String> = degree.iter().take(3).map(|(d, n)| format!("{n} ({d})")).collect();
    let sentence = format!(
        "{title}: {} pairs of states among {} states; the most connected: {}.",
        table::thousands(edges.len()),
        states.len(),
        if top.is_empty() { "none".to_string() } else { top.join(", ") }
    );
    let groups = crate::types::region::REGIONS.iter().map(|r| r.to_string()).collect();
    Ok((Chart::Network { nodes, edges, groups }, sentence))
}

/// Sum of `column` (nulls skipped; no column: the rows) by `year`, by year.
fn sum_by_year(df: &DataFrame, year: &str, column: Option<&str>) -> Result<Vec<(i32, f64)>, PolarsError> {
    let value = match column {
        Some(c) => col(c).cast(DataType::Float64).sum().alias("value"),
        None => len().cast(DataType::Float64).alias("value"),
    };
    let g = df
        .clone()
        .lazy()
        .group_by([col(year).cast(DataType::Int32)])
        .agg([value])
        .sort([year], SortMultipleOptions::default())
        .collect()?;
    let ys = g.column(year)?.i32()?.clone();
    let vs = g.column("value")?.f64()?.clone();
    Ok(ys.iter().zip(vs.iter()).filter_map(|(y, v)| Some((y?, v.unwrap_or(0.0)))).collect())
}

/// Mean of `column` in each group of `by` (groups in ascending order), with a 95% interval:
/// the normal interval of a mean, or for a share (a 0/1 column) Wilson's score interval.
fn mean_by(df: &DataFrame, by: &str, column: &str, share: bool) -> Result<Vec<GroupMean>, PolarsError> {
    let g = df
        .clone()
        .lazy()
        .filter(col(column).is_not_null().and(col(by).is_not_null()))
        .group_by([col(by)])
        .agg([
            col(column).cast(DataType::Float64).mean().alias("mean"),
            col(column).cast(DataType::Float64).std(1).alias("sd"),
            col(column).count().cast(DataType::Float64).alias("n"),
        ])
        .sort([by], SortMultipleOptions::default())
        .collect()?;
    let groups = g.column(by)?.cast(&DataType::String)?;
    let groups = groups.str()?;
    let (m, sd, n) = (g.column("mean")?.f64()?, g.column("sd")?.f64()?, g.column("n")?.f64()?);
    let mut out = Vec::new();
    for i in 0..g.height() {
        let (mean, n) = (m.get(i).unwrap_or(f64::NAN), n.get(i).unwrap_or(0.0));
        let (low, high) = if share {
            // Wilson score interval.
            let z = 1.959_963_984_540_054_f64;
            let centre = (mean + z * z / (2.0 * n)) / (1.0 + z * z / n);
            let half = z / (1.0 + z * z / n) * (mean * (1.0 - mean) / n + z * z / (4.0 * n * n)).sqrt();
            (centre - half, centre + half)
        } else {
            let se = sd.get(i).unwrap_or(0.0) / n.sqrt();
            (mean - 1.959_963_984_540_054 * se, mean + 1.959_963_984_540_054 * se)
        };
        out.push(GroupMean { group: groups.get(i).unwrap_or("").to_string(), mean, low, high, n: n as usize });
    }
    Ok(out)
}
