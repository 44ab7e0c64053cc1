//! Stata's `marginsplot`: the average prediction at each value of a grid (`fit --margins-at`)
//! as a line with its 95% band, drawn as SVG and PNG like every other figure.

use super::canvas::{padded, Draw, DrawResult, FigureError, FONT, PALETTE};
use crate::estimate::Results;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// What the plot shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Title.
    pub title: String,
    /// The column set (x axis).
    pub column: String,
    /// What is predicted (y axis).
    pub y_label: String,
    /// (value, estimate, low, high), in order of value.
    pub points: Vec<(f64, f64, f64, f64)>,
}

impl Profile {
    /// The profile of a fit's `margins_at` predictions.
    pub fn new(r: &Results) -> Profile {
        let column = r.margins_at.first().and_then(|p| p.at.keys().next()).cloned().unwrap_or_default();
        let mut points: Vec<(f64, f64, f64, f64)> =
            r.margins_at.iter().map(|p| (p.at.values().next().copied().unwrap_or_default(), p.estimate, p.conf_low, p.conf_high)).collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let what = match r.model.to_string().as_str() {
            "logit" | "probit" | "relogit" => "Pr",
            "poisson" | "negbin" => "E",
            _ => "Predicted",
        };
        let outcome = r.outcome().to_string();
        Profile {
            title: format!("Average predicted {outcome} by {column}, 95% intervals ({} {})", r.model, r.variance),
            y_label: if what == "Predicted" { format!("Predicted {outcome}") } else { format!("{what}({outcome})") },
            column,
            points,
        }
    }
}

impl Draw for Profile {
    fn size(&self) -> (u32, u32) {
        super::figure::SIZE
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let fits = (f64::from(self.size().0) - 40.0) / (0.56 * self.title.chars().count().max(1) as f64);
        let area = root.titled(&self.title, (FONT, fits.clamp(14.0, 22.0)).into_font().style(FontStyle::Bold))?;
        let xs = self.points.iter().map(|p| p.0);
        let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
        let (y0, y1) = self.points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.2), b.max(p.3)));
        let (x0, x1) = if x1 > x0 { padded(x0, x1) } else { (x0 - 1.0, x0 + 1.0) };
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(32)
            .x_label_area_size(56)
            .y_label_area_size(96)
            .build_cartesian_2d(x0..x1, padded(y0, y1).0..padded(y0, y1).1)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_desc(self.column.as_str())
            .y_desc(self.y_label.as_str())
            .axis_desc_style((FONT, 18))
            .label_style((FONT, 16))
            .x_label_formatter(&|v: &f64| if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") })
            .draw()?;
        let color = PALETTE[0];
        let band: Vec<(f64, f64)> = self.points.iter().map(|p| (p.0, p.2)).chain(self.points.iter().rev().map(|p| (p.0, p.3))).collect();
        chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.18).filled())))?;
        for p in &self.points {
            chart.draw_series(std::iter::once(PathElement::new(vec![(p.0, p.2), (p.0, p.3)], color.mix(0.6).stroke_width(1))))?;
        }
        chart.draw_series(LineSeries::new(self.points.iter().map(|p| (p.0, p.1)), color.stroke_width(2)))?;
        chart.draw_series(self.points.iter().map(|p| Circle::new((p.0, p.1), 4, color.filled())))?;
        Ok(())
    }
}

/// Draws the profile as `stem.svg` and `stem.png`, each written atomically.
pub fn write(p: &Profile, stem: &Path) -> Result<(), FigureError> {
    if p.points.is_empty() {
        return Err(FigureError { path: stem.display().to_string(), message: "no predictions to draw".into() });
    }
    super::canvas::write(p, stem)
}
