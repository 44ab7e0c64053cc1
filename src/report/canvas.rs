//! What every figure shares: the embedded font, the palette, and writing a drawing as SVG and PNG.
//! Text in PNGs is set in DejaVu Sans, embedded in the binary and drawn through ab_glyph, so a
//! fresh machine needs no system font or C library; PNGs carry no timestamp, so the same
//! drawing gives the same bytes.

use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

/// Why a figure could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[error("figure {path}: {message}")]
pub struct FigureError {
    /// The file.
    pub path: String,
    /// What failed.
    pub message: String,
}

/// Series colours (Okabe–Ito, distinguishable with colour-blindness).
/// Past the seven, three more (grey, purple, brown) keep up to ten series apart.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(136, 136, 136),
    RGBColor(117, 79, 160),
    RGBColor(140, 86, 75),
];

/// The family name the embedded font is registered under.
pub const FONT: &str = "sans-serif";

/// The result of drawing on a backend.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Something drawn the same way on any backend.
pub trait Draw {
    /// Pixel size.
    fn size(&self) -> (u32, u32);
    /// Draws on `root` (the whole figure).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font is valid TrueType; a failure would show as missing text, not a crash.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

fn fail(path: &Path, e: impl std::fmt::Display) -> FigureError {
    FigureError { path: path.display().to_string(), message: e.to_string() }
}

/// Draws `d` as `stem.svg` and `stem.png`, each written atomically.
pub fn write(d: &impl Draw, stem: &Path) -> Result<(), FigureError> {
    register();
    let size = d.size();
    let svg_path = stem.with_extension("svg");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        d.draw(&root).map_err(|e| fail(&svg_path, e))?;
        root.present().map_err(|e| fail(&svg_path, e))?;
    }
    crate::atomic::write_bytes(&svg_path, svg.as_bytes()).map_err(|e| fail(&svg_path, e))?;
    let png_path = stem.with_extension("png");
    let mut pixels = vec![0u8; (size.0 * size.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        d.draw(&root).map_err(|e| fail(&png_path, e))?;
        root.present().map_err(|e| fail(&png_path, e))?;
    }
    let png = encode_png(&pixels, size).map_err(|e| fail(&png_path, e))?;
    crate::atomic::write_bytes(&png_path, &png).map_err(|e| fail(&png_path, e))?;
    Ok(())
}

/// RGB pixels as PNG bytes (no timestamps or other varying chunks: same pixels, same bytes).
fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, image::ImageError> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out).write_image(rgb, w, h, image::ExtendedColorType::Rgb8)?;
    Ok(out)
}

/// A padded range around the values.
pub fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let span = (hi - lo).abs().max(1e-9);
    (lo - 0.06 * span, hi + 0.06 * span)
}

/// The label of a value axis of `names.len()` rows drawn top to bottom, each centred on a
/// half-integer (row i at len − i − 0.5): the row's name there, nothing between. Ask the mesh
/// for `2 · len + 1` labels so that every centre gets one.
pub fn row_label(names: &[String], v: f64) -> String {
    let n = names.len() as f64;
    let i = (n - v - 0.5).round();
    if (n - v - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
        names[i as usize].clone()
    } else {
        String::new()
    }
}
