//! Segment sizes as a treemap: one rectangle per segment, its area its share of the customers,
//! laid out by the squarified algorithm (Bruls, Huizing and van Wijk, 2000) so rectangles stay
//! close to square and easy to compare.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::segment_sizes::PALETTE;

/// A rectangle of the layout: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tile {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// Tiles of `w` × `h`, one per value in the given order, each with an area proportional to its
/// value (a value of 0 or less gets an empty tile).
pub fn layout(values: &[f64], w: f64, h: f64) -> Vec<Tile> {
    let total: f64 = values.iter().filter(|v| **v > 0.0).sum();
    let mut tiles = vec![Tile { x: 0.0, y: 0.0, w: 0.0, h: 0.0 }; values.len()];
    if total <= 0.0 || w <= 0.0 || h <= 0.0 {
        return tiles;
    }
    // Largest first, as the algorithm wants; tiles go back to the values' order.
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| values[i] > 0.0).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    let scale = w * h / total;
    let (mut free, mut start) = (Tile { x: 0.0, y: 0.0, w, h }, 0);
    while start < order.len() {
        let side = free.w.min(free.h);
        let area = |i: usize| values[order[i]] * scale;
        // Grow the row while the worst aspect ratio does not get worse.
        let mut end = start + 1;
        while end < order.len() && worst(start..end + 1, &area, side) <= worst(start..end, &area, side) {
            end += 1;
        }
        let row: f64 = (start..end).map(area).sum();
        let thick = row / side;
        let mut along = 0.0;
        for i in start..end {
            let len = area(i) / thick;
            tiles[order[i]] = if free.w >= free.h {
                Tile { x: free.x, y: free.y + along, w: thick, h: len }
            } else {
                Tile { x: free.x + along, y: free.y, w: len, h: thick }
            };
            along += len;
        }
        free = if free.w >= free.h {
            Tile { x: free.x + thick, w: free.w - thick, ..free }
        } else {
            Tile { y: free.y + thick, h: free.h - thick, ..free }
        };
        start = end;
    }
    tiles
}

/// The worst aspect ratio of a row of tiles `range` laid along a side of length `side`.
fn worst(range: std::ops::Range<usize>, area: &impl Fn(usize) -> f64, side: f64) -> f64 {
    let areas: Vec<f64> = range.map(area).collect();
    let sum: f64 = areas.iter().sum();
    let (max, min) = areas.iter().fold((0.0f64, f64::INFINITY), |(hi, lo), &a| (hi.max(a), lo.min(a)));
    let s2 = side * side;
    (s2 * max / (sum * sum)).max(sum * sum / (s2 * min))
}

/// Draws `segments` (name, customers) as a treemap filling `root`, each tile labelled with its
/// name and share where it fits.
///
/// # Errors
/// The backend's drawing error.
pub fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    segments: &[(String, u64)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let values: Vec<f64> = segments.iter().map(|s| s.1 as f64).collect();
    let total: f64 = values.iter().sum::<f64>().max(1.0);
    for (i, (tile, (name, count))) in layout(&values, f64::from(w), f64::from(h)).iter().zip(segments).enumerate() {
        if tile.w < 1.0 || tile.h < 1.0 {
            continue;
        }
        let (x0, y0) = (tile.x.round() as i32, tile.y.round() as i32);
        let (x1, y1) = ((tile.x + tile.w).round() as i32, (tile.y + tile.h).round() as i32);
        root.draw(&Rectangle::new([(x0, y0), (x1, y1)], PALETTE[i % PALETTE.len()].filled()))?;
        root.draw(&Rectangle::new([(x0, y0), (x1, y1)], WHITE.stroke_width(2)))?;
        let share = format!("{:.1}%", *count as f64 / total * 100.0);
        // About 7 pixels a character at 13 px; a label that does not fit is left to the table.
        let fits = |text: &str| (text.chars().count() as f64) * 7.0 + 8.0 <= tile.w;
        if tile.h >= 36.0 && fits(name) && fits(&share) {
            let font = ("sans-serif", 13).into_font().color(&BLACK);
            root.draw(&Text::new(name.clone(), (x0 + 4, y0 + 4), font.clone()))?;
            root.draw(&Text::new(share, (x0 + 4, y0 + 20), font))?;
        }
    }
    root.present()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_areas_are_proportional_to_the_values_and_fill_the_area() {
        let values = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0];
        let tiles = layout(&values, 600.0, 400.0);
        let total: f64 = values.iter().sum();
        for (t, v) in tiles.iter().zip(values) {
            assert!((t.w * t.h - v / total * 240_000.0).abs() < 1e-6, "{t:?} for {v}");
            assert!(t.x >= -1e-9 && t.y >= -1e-9 && t.x + t.w <= 600.0 + 1e-9 && t.y + t.h <= 400.0 + 1e-9);
        }
    }

    // The worked example of Bruls et al.: 6, 6, 4, 3, 2, 2, 1 on a 6 × 4 rectangle; the first row
    // holds the two 6s side by side on the short side (each 3 × 2).
    #[test]
    fn the_papers_example_starts_with_two_three_by_two_tiles() {
        let tiles = layout(&[6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0], 6.0, 4.0);
        assert!((tiles[0].w - 3.0).abs() < 1e-9 && (tiles[0].h - 2.0).abs() < 1e-9, "{:?}", tiles[0]);
        assert!((tiles[1].y - 2.0).abs() < 1e-9, "{:?}", tiles[1]);
    }

    #[test]
    fn empty_segments_get_empty_tiles_and_the_chart_draws_as_svg() {
        let tiles = layout(&[0.0, 5.0], 100.0, 50.0);
        assert_eq!(tiles[0].w * tiles[0].h, 0.0);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (600, 300)).into_drawing_area();
            let segments = vec![("Champions".to_string(), 700), ("Lost".to_string(), 300), ("Empty".to_string(), 0)];
            draw(root, &segments).unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(svg.contains("Champions") && svg.contains("70.0%"), "{svg}");
        assert!(!svg.contains("Empty"));
    }
}
