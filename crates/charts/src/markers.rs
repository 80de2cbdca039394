//! Point shapes by group: in a scatter or a lines-and-points chart each group (a cluster, a series)
//! takes a shape as well as a colour, and the legend shows both, so colour is never the only way to
//! tell groups apart (issue #17).

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::{
    Cartesian2d, ChartContext, Circle, Cross, DrawingAreaErrorKind, DrawingBackend, EmptyElement, Polygon, Rectangle,
    ShapeStyle, TriangleMarker,
};

/// A point's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// A filled circle.
    Circle,
    /// A filled square.
    Square,
    /// A filled triangle, point up.
    Triangle,
    /// A filled diamond.
    Diamond,
    /// An ×.
    Cross,
}

/// The shapes in the order groups take them: group `g` takes `MARKERS[g % MARKERS.len()]`.
pub const MARKERS: [Marker; 5] = [Marker::Circle, Marker::Square, Marker::Triangle, Marker::Diamond, Marker::Cross];

/// The shape of group `g`.
pub fn marker(g: usize) -> Marker {
    MARKERS[g % MARKERS.len()]
}

impl Marker {
    /// The shape's name, for captions ("squares").
    pub fn name(self) -> &'static str {
        match self {
            Marker::Circle => "circles",
            Marker::Square => "squares",
            Marker::Triangle => "triangles",
            Marker::Diamond => "diamonds",
            Marker::Cross => "crosses",
        }
    }

    /// The shape as an SVG path centred on (0, 0), `r` from the centre (for legends). A cross is
    /// drawn by its stroke; the others by their fill.
    pub fn svg_path(self, r: f64) -> String {
        match self {
            Marker::Circle => format!("M {} 0 a {r} {r} 0 1 0 {} 0 a {r} {r} 0 1 0 {} 0 Z", -r, 2.0 * r, -2.0 * r),
            Marker::Square => format!("M {} {} H {r} V {r} H {} Z", -r, -r, -r),
            Marker::Triangle => format!("M 0 {} L {r} {r} L {} {r} Z", -r, -r),
            Marker::Diamond => format!("M 0 {} L {r} 0 L 0 {r} L {} 0 Z", -r, -r),
            Marker::Cross => format!("M {} {} L {r} {r} M {r} {} L {} {r}", -r, -r, -r, -r),
        }
    }

    /// True when the shape is drawn by its outline (stroke) rather than its fill.
    pub fn stroked(self) -> bool {
        self == Marker::Cross
    }

    /// Draws `points` in this shape, `size` pixels from each centre, in `style`.
    ///
    /// # Errors
    /// The backend's drawing error.
    pub fn draw<DB: DrawingBackend>(
        self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        points: impl Iterator<Item = (f64, f64)>,
        size: i32,
        style: ShapeStyle,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let s = size.max(1);
        let d = s.saturating_add(1);
        match self {
            Marker::Circle => chart.draw_series(points.map(|p| Circle::new(p, s, style)))?,
            Marker::Square => {
                chart.draw_series(points.map(|p| EmptyElement::at(p) + Rectangle::new([(-s, -s), (s, s)], style)))?
            }
            Marker::Triangle => chart.draw_series(points.map(|p| TriangleMarker::new(p, d, style)))?,
            Marker::Diamond => chart.draw_series(
                points.map(|p| EmptyElement::at(p) + Polygon::new(vec![(0, -d), (d, 0), (0, d), (-d, 0)], style)),
            )?,
            Marker::Cross => chart.draw_series(points.map(|p| Cross::new(p, s, style.stroke_width(2))))?,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_take_shapes_in_turn_and_each_shape_has_a_path() {
        assert_eq!(marker(0), Marker::Circle);
        assert_eq!(marker(1), Marker::Square);
        assert_eq!(marker(5), Marker::Circle);
        for m in MARKERS {
            assert!(m.svg_path(5.0).starts_with("M "), "{m:?}");
        }
        assert_eq!(Marker::Square.svg_path(2.0), "M -2 -2 H 2 V 2 H -2 Z");
    }
}
