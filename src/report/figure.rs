//! Figures, drawn by plotters as SVG and PNG. Text in PNGs is set in DejaVu Sans, embedded in
//! the binary and drawn through ab_glyph, so a fresh machine needs no system font or C library.
//! Three shapes cover the studies' figures: estimates with 95% intervals by category
//! (coefficients, first differences, means and shares by group), series by year, and a network
//! on a circle (the defence pacts of a year). Legends sit in their own
//! strip beneath the plot, never over the data.

pub use super::canvas::FigureError;
use super::canvas::{padded, Draw, DrawResult, FONT, PALETTE};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Pixel size of every figure.
pub const SIZE: (u32, u32) = (900, 560);

/// One estimate with its interval, in a category, of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// Category (a row of the plot).
    pub category: String,
    /// Series (a colour).
    pub series: String,
    /// Point estimate.
    pub estimate: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// A series of values by year.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Name (legend).
    pub name: String,
    /// (year, value) points, by year.
    pub points: Vec<(i32, f64)>,
}

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Estimates with intervals: categories down the side, values across, a reference line at
    /// `reference` (0 for coefficients and differences).
    Intervals {
        /// The estimates.
        items: Vec<Interval>,
        /// Label of the value axis.
        x_label: String,
        /// Where to draw a dashed reference line.
        reference: Option<f64>,
    },
    /// Lines by year.
    Lines {
        /// The series.
        series: Vec<Series>,
        /// Label of the value axis.
        y_label: String,
    },
    /// A network on a circle: nodes in order (label and group), edges between them.
    Network {
        /// Node labels, in circle order, with their group (a colour).
        nodes: Vec<(String, usize)>,
        /// Edges as pairs of node positions.
        edges: Vec<(usize, usize)>,
        /// Group names (legend).
        groups: Vec<String>,
    },
}

/// A chart and its title, drawn on any backend.
struct Titled<'a>(&'a Chart, &'a str);

impl Draw for Titled<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw(root, self.0, self.1)
    }
}

/// Draws `chart` with `title` as `stem.svg` and `stem.png`, each written atomically.
pub fn write(chart: &Chart, title: &str, stem: &Path) -> Result<(), FigureError> {
    super::canvas::write(&Titled(chart, title), stem)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart, title: &str) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    // A long title is set smaller rather than cut off (DejaVu Sans: about 0.56 em a character).
    let fits = (f64::from(SIZE.0) - 40.0) / (0.56 * title.chars().count().max(1) as f64);
    let size = fits.clamp(14.0, 24.0);
    let titled = root.titled(title, (FONT, size).into_font().style(FontStyle::Bold))?;
    match chart {
        Chart::Intervals { items, x_label, reference } => intervals(&titled, items, x_label, *reference),
        Chart::Lines { series, y_label } => lines(&titled, series, y_label),
        Chart::Network { nodes, edges, groups } => network(&titled, nodes, edges, groups),
    }
}

/// Names in order of first appearance.
fn distinct<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    out
}

/// Height of the legend strip for `names`: one 30-pixel row per line of entries.
fn legend_height(names: &[String]) -> i32 {
    if names.len() < 2 {
        return 0;
    }
    16 + 30 * legend_rows(names).iter().max().map_or(1, |r| r + 1)
}

/// The row of each legend entry, wrapping at the figure's width (text widths estimated at 10
/// pixels a character).
fn legend_rows(names: &[String]) -> Vec<i32> {
    let (mut x, mut row, mut rows) = (90, 0, Vec::new());
    for name in names {
        let w = 28 + 10 * name.chars().count() as i32 + 30;
        if x + w > SIZE.0 as i32 - 10 && x > 90 {
            x = 90;
            row += 1;
        }
        rows.push(row);
        x += w;
    }
    rows
}

/// The legend strip: a swatch and a name per series, left to right, wrapping.
fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, names: &[String]) -> DrawResult<DB> {
    let style = TextStyle::from((FONT, 17).into_font()).color(&BLACK);
    let rows = legend_rows(names);
    let mut x = 90;
    let mut last_row = 0;
    for (i, (name, row)) in names.iter().zip(&rows).enumerate() {
        if *row != last_row {
            (x, last_row) = (90, *row);
        }
        let y = 8 + 30 * row;
        let c = PALETTE[i % PALETTE.len()];
        area.draw(&Rectangle::new([(x, y + 2), (x + 22, y + 16)], c.filled()))?;
        area.draw(&Text::new(name.clone(), (x + 28, y), style.clone()))?;
        x += 28 + 10 * name.chars().count() as i32 + 30;
    }
    Ok(())
}

fn intervals<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[Interval],
    x_label: &str,
    reference: Option<f64>,
) -> DrawResult<DB> {
    let categories = distinct(items.iter().map(|i| i.category.as_str()));
    let series = distinct(items.iter().map(|i| i.series.as_str()));
    let (plot, strip) = area.split_vertically(area.dim_in_pixel().1 as i32 - legend_height(&series));
    let lo = items.iter().map(|i| i.low.min(i.estimate)).chain(reference).fold(f64::INFINITY, f64::min);
    let hi = items.iter().map(|i| i.high.max(i.estimate)).chain(reference).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = padded(lo, hi);
    let n = categories.len().max(1);
    let label_width = categories.iter().map(|c| c.chars().count()).max().unwrap_or(4).clamp(4, 34) as u32 * 10 + 16;
    let mut chart = ChartBuilder::on(&plot)
        .margin(16)
        .x_label_area_size(56)
        .y_label_area_size(label_width)
        .build_cartesian_2d(lo..hi, 0.0..n as f64)?;
    let cats = categories.clone();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE.mix(0.0))
        .y_labels(n * 2 + 1)
        .y_label_formatter(&move |v: &f64| super::canvas::row_label(&cats, *v))
        .x_desc(x_label)
        .axis_desc_style((FONT, 18))
        .label_style((FONT, 16))
        .draw()?;
    if let Some(r) = reference {
        chart.draw_series(DashedLineSeries::new([(r, 0.0), (r, n as f64)], 6, 4, BLACK.mix(0.6).stroke_width(1)))?;
    }
    let s = series.len().max(1) as f64;
    for (si, name) in series.iter().enumerate() {
        let color = PALETTE[si % PALETTE.len()];
        // Series side by side within a category's band, top to bottom in legend order.
        let offset = |ci: usize| n as f64 - ci as f64 - 0.5 + (s - 1.0) / 2.0 * 0.5 / s - si as f64 * 0.5 / s;
        let rows: Vec<(f64, &Interval)> = items
            .iter()
            .filter(|i| &i.series == name)
            .filter_map(|i| categories.iter().position(|c| c == &i.category).map(|ci| (offset(ci), i)))
            .collect();
        chart.draw_series(rows.iter().map(|(y, i)| PathElement::new(vec![(i.low, *y), (i.high, *y)], color.stroke_width(3))))?;
        chart.draw_series(rows.iter().map(|(y, i)| Circle::new((i.estimate, *y), 6, color.filled())))?;
    }
    if series.len() > 1 {
        legend(&strip, &series)?;
    }
    Ok(())
}

fn lines<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, series: &[Series], y_label: &str) -> DrawResult<DB> {
    let names: Vec<String> = series.iter().map(|s| s.name.clone()).collect();
    let (plot, strip) = area.split_vertically(area.dim_in_pixel().1 as i32 - legend_height(&names));
    let years = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (first, last) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let (first, last) = if first <= last { (first, last.max(first + 1)) } else { (0, 1) };
    let top = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(0.0, f64::max);
    let mut chart = ChartBuilder::on(&plot)
        .margin(16)
        .x_label_area_size(56)
        .y_label_area_size(80)
        .build_cartesian_2d(first..last, 0.0..(top * 1.08).max(1.0))?;
    chart
        .configure_mesh()
        .light_line_style(WHITE.mix(0.0))
        .x_desc("Year")
        .y_desc(y_label)
        .y_label_formatter(&|v: &f64| if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") })
        .axis_desc_style((FONT, 18))
        .label_style((FONT, 16))
        .x_label_formatter(&|y: &i32| y.to_string())
        .draw()?;
    for (i, s) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        chart.draw_series(LineSeries::new(s.points.iter().copied(), color.stroke_width(2)))?;
    }
    if series.len() > 1 {
        legend(&strip, &names)?;
    }
    Ok(())
}

/// Nodes on a circle, edges as curves bowed toward the centre, labels outside (staggered when
/// crowded), coloured by group.
fn network<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    nodes: &[(String, usize)],
    edges: &[(usize, usize)],
    groups: &[String],
) -> DrawResult<DB> {
    let (plot, strip) = area.split_vertically(area.dim_in_pixel().1 as i32 - legend_height(groups));
    let (w, h) = plot.dim_in_pixel();
    let n = nodes.len().max(1);
    let crowded = n > 48;
    let radius = (f64::from(w.min(h)) / 2.0 - if crowded { 52.0 } else { 38.0 }).max(40.0);
    let (cx, cy) = (f64::from(w) / 2.0, f64::from(h) / 2.0);
    let at = |i: usize, r: f64| {
        let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (cx + r * a.cos(), cy + r * a.sin())
    };
    let px = |(x, y): (f64, f64)| (x.round() as i32, y.round() as i32);
    for &(a, b) in edges {
        let (p, q) = (at(a, radius), at(b, radius));
        // A quadratic curve whose control point is the chord's midpoint pulled halfway to the
        // centre.
        let c = (((p.0 + q.0) / 2.0 + cx) / 2.0, ((p.1 + q.1) / 2.0 + cy) / 2.0);
        let curve: Vec<(i32, i32)> = (0..=24)
            .map(|k| {
                let t = f64::from(k) / 24.0;
                let u = 1.0 - t;
                px((u * u * p.0 + 2.0 * u * t * c.0 + t * t * q.0, u * u * p.1 + 2.0 * u * t * c.1 + t * t * q.1))
            })
            .collect();
        let color = PALETTE[nodes[a].1 % PALETTE.len()];
        plot.draw(&PathElement::new(curve, color.mix(0.45).stroke_width(1)))?;
    }
    let size = if crowded { 11 } else { 14 };
    for (i, (label, group)) in nodes.iter().enumerate() {
        let color = PALETTE[group % PALETTE.len()];
        plot.draw(&Circle::new(px(at(i, radius)), 4, color.filled()))?;
        let r = radius + 8.0 + if crowded && i % 2 == 1 { 20.0 } else { 0.0 };
        let (x, y) = at(i, r);
        let h_pos = if (x - cx).abs() < 4.0 {
            HPos::Center
        } else if x < cx {
            HPos::Right
        } else {
            HPos::Left
        };
        let style = TextStyle::from((FONT, size).into_font()).color(&BLACK).pos(Pos::new(h_pos, VPos::Center));
        plot.draw(&Text::new(label.clone(), px((x, y)), style))?;
    }
    if groups.len() > 1 {
        legend(&strip, groups)?;
    }
    Ok(())
}
