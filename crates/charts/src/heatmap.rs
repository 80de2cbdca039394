//! A heat map of counts, rows × columns, such as the movement of customers between the segments
//! of two snapshots: each cell shows its count, shaded by its share of its row (so a row reads as
//! "where did this segment's customers go").

use plotters::coord::Shift;
use plotters::prelude::*;

use super::segment_sizes::shorten;

/// The cell colour for a share of its row, from white (0) to dark blue (1).
pub fn shade(share: f64) -> RGBColor {
    let s = share.clamp(0.0, 1.0);
    let mix = |from: f64, to: f64| (from + (to - from) * s).round() as u8;
    RGBColor(mix(255.0, 33.0), mix(255.0, 102.0), mix(255.0, 172.0))
}

/// Pixel size that fits `rows` × `columns` cells with their labels.
pub fn size_for(rows: usize, columns: usize) -> (u32, u32) {
    (170 + 96 * columns.max(1) as u32, 140 + 34 * rows.max(1) as u32)
}

/// Draws `counts` (one row per entry of `rows`, one value per entry of `columns`) with the row
/// names on the left, the column names on top and `corner` (what rows and columns are) above the
/// row names.
///
/// # Errors
/// The backend's drawing error.
pub fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    rows: &[String],
    columns: &[String],
    counts: &[Vec<u64>],
    corner: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (left, top, cell_w, cell_h) = (160i32, 124i32, 96i32, 34i32);
    let font = ("sans-serif", 13).into_font().color(&BLACK);
    // Above the row names, clear of the rotated column names.
    root.draw(&Text::new(shorten(corner, 22), (8, top - 20), font.clone()))?;
    for (j, name) in columns.iter().enumerate() {
        let x = left + cell_w * j as i32;
        let label = ("sans-serif", 12).into_font().color(&BLACK).transform(FontTransform::Rotate270);
        root.draw(&Text::new(shorten(name, 14), (x + cell_w / 2 - 6, top - 6), label))?;
    }
    for (i, (name, cells)) in rows.iter().zip(counts).enumerate() {
        let y = top + cell_h * i as i32;
        root.draw(&Text::new(shorten(name, 20), (8, y + cell_h / 2 - 7), font.clone()))?;
        let total: u64 = cells.iter().sum();
        for (j, &count) in cells.iter().enumerate().take(columns.len()) {
            let x = left + cell_w * j as i32;
            let share = if total > 0 { count as f64 / total as f64 } else { 0.0 };
            root.draw(&Rectangle::new([(x, y), (x + cell_w, y + cell_h)], shade(share).filled()))?;
            root.draw(&Rectangle::new([(x, y), (x + cell_w, y + cell_h)], RGBColor(200, 200, 200).stroke_width(1)))?;
            let ink = if share > 0.55 { WHITE } else { BLACK };
            let text = ("sans-serif", 13).into_font().color(&ink);
            root.draw(&Text::new(thousands(count), (x + 6, y + cell_h / 2 - 7), text))?;
        }
    }
    root.present()
}

/// `n` with comma thousands separators.
fn thousands(n: u64) -> String {
    super::numbers::grouped(&n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_run_from_white_to_blue() {
        assert_eq!(shade(0.0), RGBColor(255, 255, 255));
        assert_eq!(shade(1.0), RGBColor(33, 102, 172));
        assert_eq!(shade(7.0), shade(1.0));
    }

    #[test]
    fn every_cell_is_written_with_its_count_in_svg() {
        let mut svg = String::new();
        {
            let (w, h) = size_for(2, 3);
            let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            let rows = vec!["Loyal".to_string(), "New".to_string()];
            let columns = vec!["Loyal".to_string(), "Lost".to_string(), "Gone".to_string()];
            draw(root, &rows, &columns, &[vec![12_400, 310, 7], vec![55, 0, 0]], "June → December")
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(svg.contains("12,400") && svg.contains("\n310\n") && svg.contains("June → December"), "{svg}");
    }
}
