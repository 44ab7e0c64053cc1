//! The specification curve (Simonsohn, Simmons & Nelson 2020, as R's specr draws it): every
//! specification's estimate, sorted, with its 95% interval and coloured by sign and significance,
//! above a panel of dots marking the alternative each specification picked of each choice.

use super::canvas::{padded, Draw, DrawResult, FigureError, FONT, PALETTE};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// One specification on the curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Estimate.
    pub estimate: f64,
    /// Lower end of its 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Significant at 5%.
    pub significant: bool,
    /// The alternative picked of each choice.
    pub picks: Vec<usize>,
}

/// A specification curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Title.
    pub title: String,
    /// Label of the estimate axis.
    pub y_label: String,
    /// The specifications, sorted by estimate.
    pub points: Vec<Point>,
    /// The choices: label and alternatives.
    pub choices: Vec<(String, Vec<String>)>,
}

const WIDTH: u32 = 1400;
const TOP: u32 = 470;
const ROW: u32 = 17;
const GREY: RGBColor = RGBColor(150, 150, 150);

impl Curve {
    /// A curve of `points` (sorted here by estimate, ties by their order).
    pub fn new(title: String, y_label: String, mut points: Vec<Point>, choices: Vec<(String, Vec<String>)>) -> Curve {
        points.sort_by(|a, b| a.estimate.total_cmp(&b.estimate));
        Curve { title, y_label, points, choices }
    }

    fn rows(&self) -> usize {
        self.choices.iter().map(|c| c.1.len()).sum()
    }

    /// The colour of a point: significant and negative, significant and positive, or neither.
    fn colour(p: &Point) -> RGBColor {
        match (p.significant, p.estimate < 0.0) {
            (true, true) => PALETTE[0],
            (true, false) => PALETTE[1],
            _ => GREY,
        }
    }

    /// Labels of the panel's rows, top to bottom.
    fn labels(&self) -> Vec<String> {
        self.choices.iter().flat_map(|(label, alts)| alts.iter().map(move |a| format!("{label}: {a}"))).collect()
    }
}

/// Draws the curve as `stem.svg` and `stem.png`.
pub fn write(curve: &Curve, stem: &Path) -> Result<(), FigureError> {
    super::canvas::write(curve, stem)
}

impl Draw for Curve {
    fn size(&self) -> (u32, u32) {
        (WIDTH, TOP + 50 + ROW * self.rows() as u32 + 70)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let titled = root.titled(&self.title, (FONT, 24).into_font().style(FontStyle::Bold))?;
        let (key, rest) = titled.split_vertically(34);
        legend(&key)?;
        let (top, bottom) = rest.split_vertically(TOP);
        let labels = self.labels();
        let label_width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(8).clamp(8, 40) as u32 * 9 + 20;
        let n = self.points.len().max(1) as f64;
        let lo = self.points.iter().map(|p| p.low).fold(0.0, f64::min);
        let hi = self.points.iter().map(|p| p.high).fold(0.0, f64::max);
        let (lo, hi) = padded(lo, hi);
        let mut chart = ChartBuilder::on(&top)
            .margin_left(16)
            .margin_right(24)
            .margin_top(8)
            .x_label_area_size(10)
            .y_label_area_size(label_width)
            .build_cartesian_2d(0.5..n + 0.5, lo..hi)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_x_axis()
            .light_line_style(WHITE.mix(0.0))
            .y_desc(self.y_label.as_str())
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 15))
            .draw()?;
        chart.draw_series(DashedLineSeries::new([(0.5, 0.0), (n + 0.5, 0.0)], 6, 4, BLACK.mix(0.7).stroke_width(1)))?;
        for (i, p) in self.points.iter().enumerate() {
            let x = i as f64 + 1.0;
            let c = Curve::colour(p);
            chart.draw_series(std::iter::once(PathElement::new(vec![(x, p.low), (x, p.high)], c.mix(0.35).stroke_width(1))))?;
        }
        chart.draw_series(
            self.points.iter().enumerate().map(|(i, p)| Circle::new((i as f64 + 1.0, p.estimate), 2, Curve::colour(p).filled())),
        )?;

        let rows = labels.len().max(1);
        let mut panel = ChartBuilder::on(&bottom)
            .margin_left(16)
            .margin_right(24)
            .margin_top(10)
            .x_label_area_size(50)
            .y_label_area_size(label_width)
            .build_cartesian_2d(0.5..n + 0.5, 0.0..rows as f64)?;
        let names = labels.clone();
        panel
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .y_labels(rows * 2 + 1)
            .y_label_formatter(&move |v: &f64| super::canvas::row_label(&names, *v))
            .x_label_formatter(&|x: &f64| format!("{x:.0}"))
            .x_desc("Specification, ranked by estimate")
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 14))
            .draw()?;
        // Bands separate the choices.
        let mut first = 0;
        for (k, (_, alts)) in self.choices.iter().enumerate() {
            if k % 2 == 1 {
                let (y0, y1) = ((rows - first - alts.len()) as f64, (rows - first) as f64);
                panel.draw_series(std::iter::once(Rectangle::new([(0.5, y0), (n + 0.5, y1)], RGBColor(242, 242, 242).filled())))?;
            }
            first += alts.len();
        }
        let offsets: Vec<usize> = self
            .choices
            .iter()
            .scan(0, |acc, (_, alts)| {
                let at = *acc;
                *acc += alts.len();
                Some(at)
            })
            .collect();
        panel.draw_series(self.points.iter().enumerate().flat_map(|(i, p)| {
            let c = Curve::colour(p);
            let offsets = &offsets;
            p.picks.iter().enumerate().map(move |(k, &pick)| {
                let row = offsets[k] + pick;
                Rectangle::new([(i as f64 + 0.6, (rows - row) as f64 - 0.8), (i as f64 + 1.4, (rows - row) as f64 - 0.2)], c.filled())
            })
        }))?;
        Ok(())
    }
}

/// The colour key, in one line under the title.
fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let style = TextStyle::from((FONT, 16).into_font()).color(&BLACK);
    let mut x = 120;
    for (c, name) in [(PALETTE[0], "significant at 5%, negative"), (PALETTE[1], "significant at 5%, positive"), (GREY, "not significant")] {
        area.draw(&Circle::new((x, 13), 6, c.filled()))?;
        area.draw(&Text::new(name, (x + 12, 5), style.clone()))?;
        x += 30 + 9 * name.chars().count() as i32;
    }
    area.draw(&Text::new("each with its 95% confidence interval", (x + 10, 5), style))?;
    Ok(())
}
