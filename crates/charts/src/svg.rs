//! Any chart drawn to SVG text, for downloads and the HTML report.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea, SVGBackend};

/// Draws with `draw` on an SVG of `size` (width, height) pixels and returns the SVG's text, or
/// the drawing error in words.
///
/// # Errors
/// What `draw` failed with, as text.
pub fn render<E: std::fmt::Debug>(
    size: (u32, u32),
    draw: impl FnOnce(DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), E>,
) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        draw(root).map_err(|e| format!("{e:?}"))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_renders_to_svg_text() {
        let svg = render((300, 200), |root| crate::treemap::draw(root, &[("A".to_string(), 3)]));
        let svg = svg.unwrap_or_else(|e| panic!("{e}"));
        assert!(svg.starts_with("<svg") && svg.contains("viewBox=\"0 0 300 200\""), "{svg}");
    }
}
